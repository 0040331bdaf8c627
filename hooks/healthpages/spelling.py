"""British spelling in what readers read: common misspellings and American spellings, each with the fix.

The lists are codespell's (pinned in requirements.txt): its lists of common misspellings ("recieve",
"seperate", also the rarer ones), and its list of British spellings with their American forms, read the
other way round, so that "color", "hemorrhage" and "organize" are found and "colour", "haemorrhage" and
"organise" suggested. American forms that are right in British English too ("practice" the noun,
"licensed", "program" for software, "magnesium sulfate" as medicines are named) are never flagged, and a
few American spellings of medical words that codespell's list lacks are added. A site names the words
that are right although a list says otherwise in `data/spelling-words.txt` (one word a line).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Protocol

from healthpages.problems import Problem
from healthpages.text_source import decode

WORD_LIST = "spelling-words.txt"
_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)*")

# American forms in codespell's British-to-American list that are right in British English as well.
_ALSO_BRITISH = frozenset(
    {
        "practice",  # the noun: "a GP practice"
        "practices",
        "license",  # the verb: "licensed for this use"
        "licensed",
        "licenses",
        "licensing",
        "program",  # software
        "programs",
        "meter",  # a measuring device
        "meters",
        "story",
        "stories",
        "dialog",  # software
        "dialogs",
        "routing",
        "specialty",  # a medical specialty (NHS usage)
        "specialties",
        "focused",
        "focuses",
        "focusing",
        "refocused",
        "refocuses",
        "refocusing",
        "biased",
        "judgment",
        "judgments",
        "acknowledgment",
        "acknowledgments",
        "lambaste",
        "lambastes",
        "writable",
        "overwritable",
        "sulfate",  # medicine names (magnesium sulfate), as the BNF writes them
        "sulfide",
        "sulfur",
        "sulfuric",
        "sulfurous",
        "sulfureous",
    }
)

# American spellings of medical words, with the British (NHS) spelling, that codespell's list lacks.
_MEDICAL = {
    "amenorrhea": "amenorrhoea",
    "anemia": "anaemia",
    "anemic": "anaemic",
    "anesthesia": "anaesthesia",
    "anesthetic": "anaesthetic",
    "anesthetics": "anaesthetics",
    "anesthetist": "anaesthetist",
    "cesarean": "caesarean",
    "diarrhea": "diarrhoea",
    "dysmenorrhea": "dysmenorrhoea",
    "edema": "oedema",
    "embolization": "embolisation",
    "gonorrhea": "gonorrhoea",
    "esophagus": "oesophagus",
    "estrogen": "oestrogen",
    "gynecologist": "gynaecologist",
    "gynecologists": "gynaecologists",
    "gynecological": "gynaecological",
    "gynecology": "gynaecology",
    "hematoma": "haematoma",
    "hemoglobin": "haemoglobin",
    "hemorrhoids": "haemorrhoids",
    "ischemia": "ischaemia",
    "orthopedic": "orthopaedic",
    "pediatric": "paediatric",
    "pediatrician": "paediatrician",
    "tumor": "tumour",
    "tumors": "tumours",
}


@dataclass(frozen=True)
class Misspelling:
    word: str  # as written
    suggestion: str  # what to write instead (several separated by commas when the list has more than one)
    american: bool  # an American spelling, not a typing mistake


def _read_list(name: str) -> list[tuple[str, str]]:
    text = (files("codespell_lib") / "data" / name).read_text(encoding="utf-8")
    pairs = []
    for line in text.splitlines():
        wrong, _, right = line.partition("->")
        fixes = [fix.strip() for fix in right.split(",") if fix.strip()]
        if wrong and fixes:
            pairs.append((wrong.strip(), ", ".join(fixes)))
    return pairs


@functools.cache
def _corrections() -> dict[str, tuple[str, bool]]:
    """Lower-case word -> (suggestion, is American); read once per process."""
    table: dict[str, tuple[str, bool]] = {}
    for name in ("dictionary.txt", "dictionary_rare.txt"):
        table.update((wrong, (right, False)) for wrong, right in _read_list(name))
    for british, american in _read_list("dictionary_en-GB_to_en-US.txt"):
        if american not in _ALSO_BRITISH:
            table[american] = (british, True)
    table.update((american, (british, True)) for american, british in _MEDICAL.items())
    return table


def misspellings(text: str) -> list[Misspelling]:
    """Each misspelt or American word of `text` once, in the order they first appear."""
    table = _corrections()
    found: list[Misspelling] = []
    for word in dict.fromkeys(_WORD.findall(text)):  # each word once, in the order it first appears
        key = word.lower()
        if key in table and not (word.isupper() and len(word) > 1):  # NICE, RCOG: names
            suggestion, american = table[key]
            if word[0].isupper():
                suggestion = suggestion[0].upper() + suggestion[1:]
            found.append(Misspelling(word, suggestion, american))
    return found


class Finding(Protocol):
    """A misspelt or American word, wherever it was found (see `Misspelling`)."""

    @property
    def word(self) -> str: ...
    @property
    def suggestion(self) -> str: ...
    @property
    def american(self) -> bool: ...


def message(found: Finding, word_list: str) -> str:
    if found.american:
        return f"'{found.word}' is American spelling; write '{found.suggestion}' (the site uses British spelling)"
    return (
        f"'{found.word}' looks misspelt; did you mean '{found.suggestion}'? If '{found.word}' is right, add it to "
        f"{word_list}"
    )


def load_word_list(data_dir: Path, shown: str) -> frozenset[str]:
    """The site's own words that are right (lower case); none when the file does not exist."""
    path = data_dir / WORD_LIST
    if not path.is_file():
        return frozenset()
    text = decode(path.read_bytes(), shown)
    return frozenset(
        line.split("#", 1)[0].strip().lower() for line in text.splitlines() if line.split("#", 1)[0].strip()
    )


def problems_in(text: str, path: str, line: int, field: str, accepted: frozenset[str], word_list: str) -> list[Problem]:
    """The spelling problems of one piece of front matter text (a title, a key point), all on its line."""
    return [
        Problem(path, line, message(found, word_list), field)
        for found in misspellings(text)
        if found.word.lower() not in accepted
    ]

"""Readability of a page's prose: Flesch reading ease and a reading age, measured with textstat."""

from __future__ import annotations

import re
from dataclasses import dataclass

import textstat

# NHS content aims at a reading age of 9 to 11; no topic page may be harder than this.
MAX_READING_AGE = 11.0

_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)
_CALLOUT = re.compile(r"^\s*(!!!|\?\?\?\+?)\s*[\w-]+\s*")
_HEADING = re.compile(r"^\s*#+\s*")
_LIST_ITEM = re.compile(r"^\s*([-*+]|\d+\.)\s+")
_FOOTNOTE_REF = re.compile(r"\[\^[^\]]+\]")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_ATTR_LIST = re.compile(r"\{[:#.][^}]*\}")
_MARKUP = re.compile(r"[*_`\"|]")


@dataclass(frozen=True)
class Readability:
    words: int
    flesch_reading_ease: float
    reading_age: float  # 5 + Flesch-Kincaid grade: the UK age at which a reader finds the text easy

    def __str__(self) -> str:
        return (f"{self.words} words, Flesch reading ease {self.flesch_reading_ease:.0f}, "
                f"reading age {self.reading_age:.1f}")


def prose(markdown: str) -> str:
    """The sentences a reader reads: no front matter, markup, link targets or reference list."""
    markdown = _FRONT_MATTER.sub("", markdown)
    markdown = re.split(r"(?m)^##\s+References\b", markdown, maxsplit=1)[0]
    sentences = []
    fenced = False
    for line in markdown.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            continue
        if fenced or line.lstrip().startswith(("[^", "*[", "<")):
            continue
        for pattern, replacement in ((_CALLOUT, ""), (_HEADING, ""), (_LIST_ITEM, ""), (_FOOTNOTE_REF, ""),
                                     (_LINK, r"\1"), (_ATTR_LIST, ""), (_MARKUP, " ")):
            line = pattern.sub(replacement, line)
        line = " ".join(line.split())
        if not line or set(line) <= set("-:| "):
            continue
        # Headings, list items and table cells are read as sentences of their own.
        sentences.append(line if line[-1] in ".?!:" else line + ".")
    return "\n".join(sentences)


def measure(markdown: str) -> Readability:
    text = prose(markdown)
    if not text:
        return Readability(0, 0.0, 0.0)
    return Readability(textstat.lexicon_count(text), textstat.flesch_reading_ease(text),
                       5 + textstat.flesch_kincaid_grade(text))

"""Readability of a page's prose: Flesch reading ease and a reading age, measured with textstat.

The prose is read from the page's element tree as Python-Markdown builds it, so it is exactly the
text readers get: headings, paragraphs, list items and table cells (each read as a sentence of its
own), without reference numbers, the reference list or code.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from xml.etree.ElementTree import Element

from textstat.textstat import textstatistics

# NHS content aims at a reading age of 9 to 11; no topic page may be harder than this.
MAX_READING_AGE = 11.0
WORDS_PER_MINUTE = 200

_BLOCKS = {"p", "li", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "summary", "blockquote"}
_SKIPPED = {"pre", "code", "script", "style"}


@dataclass(frozen=True)
class Readability:
    words: int
    flesch_reading_ease: float
    reading_age: float  # 5 + Flesch-Kincaid grade: the UK age at which a reader finds the text easy

    def __str__(self) -> str:
        return (
            f"{self.words} words, Flesch reading ease {self.flesch_reading_ease:.0f}, "
            f"reading age {self.reading_age:.1f}"
        )

    @property
    def reading_minutes(self) -> int:
        return max(1, math.ceil(self.words / WORDS_PER_MINUTE))


class _RememberedSyllables:
    """textstat's hyphenation dictionary, remembering each word's syllable breaks.

    textstat counts a text's syllables word by word with pyphen, and pages share most of their words
    (and a build converts every page), so each word is hyphenated once per build process.
    """

    def __init__(self, hyphenator: Any) -> None:
        self.positions = lru_cache(maxsize=100_000)(hyphenator.positions)


# textstat's formulas on an instance of its own, whose only change is the remembered hyphenation.
_TEXTSTAT = textstatistics()
_TEXTSTAT.pyphen = _RememberedSyllables(_TEXTSTAT.pyphen)


def _skipped(element: Element) -> bool:
    classes = (element.get("class") or "").split()
    return (
        element.tag in _SKIPPED
        or "footnote" in classes
        or "headerlink" in classes
        or element.get("aria-hidden") == "true"  # a table cell's repeated column heading, for sighted readers
        or (element.tag == "sup" and (element.get("id") or "").startswith("fnref"))
    )


def prose(root: Element) -> str:
    """The sentences a reader reads, one block of text per line."""
    sentences: list[str] = []

    def inline_text(element: Element) -> str:
        parts = [element.text or ""]
        for child in element:
            if child.tag not in _BLOCKS and not _skipped(child):
                parts.append(inline_text(child))
            parts.append(child.tail or "")
        return "".join(parts)

    def walk(element: Element) -> None:
        if _skipped(element):
            return
        if element.tag in _BLOCKS:
            line = " ".join(inline_text(element).split())
            if line and any(char.isalnum() for char in line):
                # Headings, list items and table cells are read as sentences of their own.
                sentences.append(line if line[-1] in ".?!:" else line + ".")
        for child in element:
            walk(child)

    walk(root)
    return "\n".join(sentences)


def measure(text: str) -> Readability:
    if not text.strip():
        return Readability(0, 0.0, 0.0)
    return Readability(
        _TEXTSTAT.lexicon_count(text), _TEXTSTAT.flesch_reading_ease(text), 5 + _TEXTSTAT.flesch_kincaid_grade(text)
    )

"""What the Markdown conversion learns about a page, carried in the page's own HTML to the finishing step.

The extension appends one empty element to the converted content whose attribute holds this data as
JSON; whichever engine ran the conversion, the finishing step (`take_page_data`) removes it again
before the page is written. Editors cannot forge it: the content policy refuses and the sanitiser
strips `data-health-*` attributes in anything an editor writes, and the element is added after both.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from typing import Any

DATA_ATTRIBUTE = "data-health-page"
_DATA_ELEMENT = re.compile(r'<div data-health-page="([^"]*)"></div>\n?')
TOP_SLOT = '<div data-health-slot="top"></div>'
END_SLOT = '<div data-health-slot="end"></div>'


@dataclass(frozen=True)
class FaqEntry:
    question: str
    anchor: str
    answer_html: str  # in the tags search engines accept in an answer; links as written in the page


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    anchor: str


@dataclass(frozen=True)
class BodyProblem:
    line: int  # line of the page body (1-based); the page's own line is found by adding the front matter
    message: str
    field: str = ""


@dataclass(frozen=True)
class SpellingFinding:
    """A word of the page's prose that a spelling list names (the site's word list may still accept it)."""

    line: int  # line of the page body, as BodyProblem
    word: str
    suggestion: str
    american: bool


@dataclass(frozen=True)
class ConversionData:
    faq_heading: str = ""
    faq_anchor: str = ""
    faq: tuple[FaqEntry, ...] = ()
    headings: tuple[Heading, ...] = ()
    problems: tuple[BodyProblem, ...] = ()
    words: int = 0
    flesch_reading_ease: float = 0.0
    reading_age: float = 0.0
    images: tuple[str, ...] = field(default=())  # image files the page shows (paths as written)
    # Lines of the body the conversion was given: an engine may drop the blank lines that start a body
    # (MkDocs does), so the difference from the page's own body is where the conversion's line 1 lies.
    source_lines: int = 0
    spelling: tuple[SpellingFinding, ...] = ()

    def to_json(self) -> str:
        """JSON for an HTML attribute: with &, < and > written as \\u escapes, no entity can be misread."""
        # `vars` gives each dataclass's fields in order, as `asdict` would, without its deep copies.
        text = json.dumps(self, default=vars, ensure_ascii=False, separators=(",", ":"))
        return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")

    @classmethod
    def from_json(cls, text: str) -> ConversionData:
        data: dict[str, Any] = json.loads(text)
        return cls(
            faq_heading=data["faq_heading"],
            faq_anchor=data["faq_anchor"],
            faq=tuple(FaqEntry(**item) for item in data["faq"]),
            headings=tuple(Heading(**item) for item in data["headings"]),
            problems=tuple(BodyProblem(**item) for item in data["problems"]),
            words=data["words"],
            flesch_reading_ease=data["flesch_reading_ease"],
            reading_age=data["reading_age"],
            images=tuple(data["images"]),
            source_lines=data["source_lines"],
            spelling=tuple(SpellingFinding(**item) for item in data.get("spelling", ())),
        )


def take_page_data(content: str) -> tuple[str, ConversionData | None]:
    """The HTML without the data element, and the data it carried (None when the page has none)."""
    matches = list(_DATA_ELEMENT.finditer(content))
    if not matches:
        return content, None
    last = matches[-1]  # the extension adds its element last
    data = ConversionData.from_json(html.unescape(last.group(1)))
    return _DATA_ELEMENT.sub("", content), data

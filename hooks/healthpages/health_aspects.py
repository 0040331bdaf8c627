"""Which aspect of a condition each section of a topic page covers, read from the page's own h2 headings.

Crawlers that read schema.org's `HealthTopicContent` learn that "Symptoms" on this page is the
symptoms section (`SymptomsHealthAspect`), as NHS pages mark theirs. The mapping is declared here,
once: the first rule with a word that starts a word of the heading wins. A heading no rule matches,
or one whose rule says None (the FAQ, the references), is not described as a section.

Members of schema.org 30.1's HealthAspectEnumeration only: it has no aspect for diagnosis, so a
diagnosis section is a described section without an aspect rather than one with a wrong aspect.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from healthpages.page_data import Heading

SCHEMA = "https://schema.org/"
# The "When to get help" block that every topic page shows near its top (blocks/when_to_get_help.html).
HELP_SECTION = ("help-title", "When to get help", ("SeeDoctorHealthAspect",))

# Columns: words that mark the section (matched at the start of a word, case ignored); the aspects it
# covers, () for a section with no matching aspect, None for a part of the page that is not a section.
SECTION_ASPECTS: tuple[tuple[tuple[str, ...], tuple[str, ...] | None], ...] = (
    (("frequently asked", "references", "about this page"), None),
    (("living with", "living well"), ("LivingWithHealthAspect",)),
    (("symptom",), ("SymptomsHealthAspect",)),
    (("causes and risk",), ("CausesHealthAspect", "RisksOrComplicationsHealthAspect")),
    (("cause",), ("CausesHealthAspect",)),
    (("conditions it treats",), ("MayTreatHealthAspect", "RisksOrComplicationsHealthAspect")),
    (("risk",), ("RisksOrComplicationsHealthAspect",)),
    (("diagnos", "tests"), ()),
    (("treatment",), ("TreatmentsHealthAspect",)),
    (("what happens next",), ("PrognosisHealthAspect",)),
    (("what is", "what are"), ("OverviewHealthAspect",)),
)


def aspects_of(heading: str) -> tuple[str, ...] | None:
    """The HealthAspectEnumeration members a section heading names; None when it is not a described section."""
    text = " ".join(heading.lower().split())
    for words, aspects in SECTION_ASPECTS:
        if any(re.search(rf"\b{re.escape(word)}", text) for word in words):
            return aspects
    return None


def sections(headings: Iterable[Heading]) -> list[tuple[str, str, tuple[str, ...]]]:
    """(anchor, heading, aspect URLs) of the page's described h2 sections, in page order."""
    found = []
    for heading in headings:
        aspects = aspects_of(heading.text) if heading.level == 2 else None
        if aspects is not None:
            found.append((heading.anchor, heading.text, tuple(SCHEMA + aspect for aspect in aspects)))
    return found

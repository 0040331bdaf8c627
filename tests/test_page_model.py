"""The page model: a table of good and bad front matter and FAQ shapes, and the exact line an editor sees.

Each page is read and converted exactly as a build does it (`read_and_convert`), then the build's
cross-page checks run (`complete`), so these are the build's own verdicts.
"""

from __future__ import annotations

from datetime import date

import pytest

from healthpages.page_model import SitePage, TopicPage
from sitebuild import read_and_convert

VALID = """\
---
title: Weak cervix (cervical insufficiency)
description: What a weak cervix is, the signs to look out for, and the treatments you may be offered.
published: 2026-10-01
updated: 2026-11-01
audience: People who are pregnant and have been told that their cervix may be weak.
key_points:
  - One.
  - Two.
  - Three.
pregnancy: true
when_to_get_help:
  call_maternity_unit:
    - your waters break
condition:
  name: Cervical insufficiency
disclaimer: pregnancy
clinic: north
related: [other.md]
review:
  status: reviewed
  reviewer: test-doctor
  reviewed: 2026-01-10
---

## What is it?

Text.
"""
P = "tests/fixtures/site/docs/conditions/page.md"
AUDIENCE = "audience: People who are pregnant and have been told that their cervix may be weak."
HELP = "when_to_get_help:\n  call_maternity_unit:\n    - your waters break\n"


def problems_for(text: str, src_path: str = "conditions/page.md") -> list[str]:
    builder, _ = read_and_convert(text, src_path)
    builder.complete()
    return [str(p) for p in sorted(builder.problems)]


def test_valid_page_becomes_one_typed_model() -> None:
    builder, record = read_and_convert(VALID)
    builder.complete()
    assert builder.problems == []
    assert record is not None and isinstance(record.model, TopicPage)
    # The next review defaults to three years after the review.
    assert record.model.review.next_review == date(2029, 1, 10)
    assert record.model.clinic_id == "north"


# Columns: what is wrong, text to replace in VALID, its replacement, the exact problem lines.
BAD_FRONT_MATTER = [
    (
        "missing description",
        "description: What a weak cervix is, the signs to look out for, and the treatments you may be offered.\n",
        "",
        [f"{P}:2: description: is required but missing"],
    ),
    (
        "short description",
        "description: What a weak cervix is, the signs to look out for, and the treatments you may be offered.",
        "description: Too short.",
        [f"{P}:3: description: must be at least 50 characters (it has 10)"],
    ),
    (
        "markup in the title",
        "title: Weak cervix (cervical insufficiency)",
        "title: Weak <b>cervix</b>",
        [f"{P}:2: title: '<' is not allowed here: this text is shown as plain text; write it as words"],
    ),
    (
        "straight quotes in the description",
        "the signs to look out for",
        'the "signs" to look out for',
        [
            f"{P}:3: description: '\"' is not allowed here: this text is shown as plain text; use curly quotes “ ” "
            "instead"
        ],
    ),
    (
        "impossible date",
        "updated: 2026-11-01",
        "updated: 2026-02-30",
        [f"{P}:5: updated: '2026-02-30' is not a real date; use YYYY-MM-DD, for example 2026-11-21"],
    ),
    (
        "not a date",
        "updated: 2026-11-01",
        "updated: last week",
        [f"{P}:5: updated: 'last week' is not a date; use YYYY-MM-DD, for example 2026-11-21"],
    ),
    (
        "future update",
        "updated: 2026-11-01",
        "updated: 2027-01-01",
        [f"{P}:5: updated: 2027-01-01 is in the future; use the date the page was last changed"],
    ),
    (
        "future publication",
        "published: 2026-10-01",
        "published: 2031-01-01",
        [f"{P}:4: published: 2031-01-01 is in the future; use the day the page was first published"],
    ),
    (
        "updated before published",
        "published: 2026-10-01",
        "published: 2026-11-02",
        [
            f"{P}:4: published: 2026-11-02 is after the page was last updated (2026-11-01); published is the day the "
            "page first appeared"
        ],
    ),
    (
        "unknown reviewer",
        "reviewer: test-doctor",
        "reviewer: dr-nobody",
        [
            f"{P}:22: review.reviewer: unknown reviewer 'dr-nobody'; use an id from data/reviewers.yml: test-doctor, "
            "test-gynaecologist"
        ],
    ),
    (
        "reviewed without reviewer",
        "  reviewer: test-doctor\n",
        "",
        [
            f"{P}:20: review.reviewer: is required when status is reviewed; use an id from data/reviewers.yml: "
            "test-doctor, test-gynaecologist"
        ],
    ),
    (
        "reviewer without the page's specialty",
        "reviewer: test-doctor",
        "reviewer: test-gynaecologist",
        [
            f"{P}:22: review.reviewer: a pregnancy page needs a reviewer whose specialties include obstetrics; "
            "Dr Bea Example lists gynaecology; reviewers with it: Dr Ada Example"
        ],
    ),
    (
        "bad status",
        "status: reviewed",
        "status: approved",
        [f"{P}:21: review.status: 'approved' is not allowed; use 'draft' or 'reviewed'"],
    ),
    (
        "next review before review",
        "reviewed: 2026-01-10",
        "reviewed: 2026-01-10\n  next_review: 2025-12-01",
        [f"{P}:24: review.next_review: 2025-12-01 must be after the reviewed date 2026-01-10"],
    ),
    (
        "next review too late",
        "reviewed: 2026-01-10",
        "reviewed: 2026-01-10\n  next_review: 2030-01-01",
        [
            f"{P}:24: review.next_review: 2030-01-01 is more than 3 years after the reviewed date; use 2029-01-10 "
            "or earlier"
        ],
    ),
    (
        "review older than 3 years",
        "reviewed: 2026-01-10",
        "reviewed: 2023-01-10",
        [
            f"{P}:23: review.reviewed: 2023-01-10 is more than 3 years ago, so the page cannot be marked as reviewed; "
            "review it again, or set status: draft"
        ],
    ),
    (
        "draft with reviewer",
        "status: reviewed",
        "status: draft",
        [
            f"{P}:22: review.reviewer: a draft has no reviewer; remove it, or record the sign-off with `sign`",
            f"{P}:23: review.reviewed: a draft has no review date; remove it, or record the sign-off with `sign`",
        ],
    ),
    (
        "unknown clinic",
        "clinic: north",
        "clinic: west",
        [
            f"{P}:18: clinic: unknown clinic 'west'; use one of: north, south, or none to leave the contact block out "
            "(data/practice.yml)"
        ],
    ),
    (
        "unknown disclaimer",
        "disclaimer: pregnancy",
        "disclaimer: travel",
        [f"{P}:17: disclaimer: unknown disclaimer 'travel'; use one of: general, pregnancy (data/disclaimers.yml)"],
    ),
    (
        "unknown related page",
        "related: [other.md]",
        "related: [missing.md]",
        [f"{P}:19: related: 'missing.md' is not a page in docs/; give a path such as endometriosis.md"],
    ),
    ("too few key points", "  - Three.\n", "", [f"{P}:7: key_points: needs at least 3 items (it has 2)"]),
    (
        "misspelt field",
        AUDIENCE,
        AUDIENCE + "\nkey_point: x",
        [
            f"{P}:7: key_point: is not a known field; allowed fields: audience, author, clinic, condition, "
            "description, disclaimer, hide, key_points, page_type, pregnancy, pregnancy_weeks, published, related, "
            "review, search, short_title, title, updated, when_to_get_help"
        ],
    ),
    (
        "template chosen by an editor",
        AUDIENCE,
        AUDIENCE + "\ntemplate: base.html",
        [
            f"{P}:7: template: is not a known field; allowed fields: audience, author, clinic, condition, "
            "description, disclaimer, hide, key_points, page_type, pregnancy, pregnancy_weeks, published, related, "
            "review, search, short_title, title, updated, when_to_get_help"
        ],
    ),
    (
        "a topic page claiming to be a site page",
        AUDIENCE,
        AUDIENCE + "\npage_type: policy",
        [
            f"{P}:7: page_type: every page in docs/conditions/ is a medical topic page; remove page_type: policy "
            "(a page without medical content belongs outside docs/conditions/)"
        ],
    ),
    (
        "YAML syntax error",
        AUDIENCE,
        "audience: [Pregnant",
        [
            f"{P}:7: a list in [ ] is not closed; add the closing ], or write each item on its own line starting with "
            "'- '"
        ],
    ),
    (
        "tab for indenting",
        "  - One.",
        "\t- One.",
        [f"{P}:8: a tab character; YAML needs spaces for indenting: replace the tab with spaces"],
    ),
    (
        "duplicate key",
        AUDIENCE,
        AUDIENCE + "\naudience: Someone else.",
        [f"{P}:7: the field 'audience' is written twice (first on line 6); keep one"],
    ),
    (
        "weeks out of order",
        AUDIENCE,
        AUDIENCE + "\npregnancy_weeks: {start: 24, end: 16}",
        [f"{P}:7: pregnancy_weeks: end (16) must not be before start (24)"],
    ),
    (
        "help tiers out of order",
        HELP,
        "when_to_get_help:\n  urgent_gp_or_111: [you feel unwell]\n  call_maternity_unit: [your waters break]\n",
        [f"{P}:12: when_to_get_help: write the tiers most urgent first: call_maternity_unit, urgent_gp_or_111"],
    ),
    (
        "empty help tier",
        HELP,
        "when_to_get_help:\n  call_999: []\n  call_maternity_unit: [your waters break]\n",
        [f"{P}:13: when_to_get_help.call_999: is empty; list at least one item, or remove it"],
    ),
    (
        "pregnancy page without the maternity tier",
        HELP,
        "when_to_get_help:\n  call_999: [you collapse]\n",
        [
            f"{P}:12: when_to_get_help: a pregnancy page needs the call_maternity_unit tier: Call your maternity "
            "unit now if:"
        ],
    ),
    ("no help block", HELP, "", [f"{P}:2: when_to_get_help: is required but missing"]),
    (
        "unknown author",
        AUDIENCE,
        AUDIENCE + "\nauthor: dr-who",
        [
            f"{P}:7: author: unknown author 'dr-who'; use a practitioner id from data/practice.yml: test-doctor, or "
            "leave it out for the practice's editorial team"
        ],
    ),
    (
        "ICD-10 code in the wrong form",
        "  name: Cervical insufficiency\n",
        "  name: Cervical insufficiency\n  code: [{system: ICD-10, value: o34.3}]\n",
        [
            f"{P}:17: condition.code[1]: 'o34.3' is not an ICD-10 code: a capital letter, two digits and an "
            "optional part after a dot, for example N80.0"
        ],
    ),
    (
        "SNOMED CT id with a mistyped digit",
        "  name: Cervical insufficiency\n",
        "  name: Cervical insufficiency\n  code: [{system: SNOMED-CT, value: '129103004'}]\n",
        [f"{P}:17: condition.code[1]: '129103004' fails the SNOMED CT check digit; check for a mistyped digit"],
    ),
    (
        "unknown coding system",
        "  name: Cervical insufficiency\n",
        "  name: Cervical insufficiency\n  code: [{system: ICD-11, value: JB00}]\n",
        [f"{P}:17: condition.code[1].system: 'ICD-11' is not allowed; use 'ICD-10' or 'SNOMED-CT'"],
    ),
    (
        "sameAs that is not https",
        "  name: Cervical insufficiency\n",
        "  name: Cervical insufficiency\n  same_as: [http://www.nhs.uk/conditions/]\n",
        [
            f"{P}:17: condition.same_as[1]: 'http://www.nhs.uk/conditions/' must start with https:// (a medical "
            "site links only to secure pages)"
        ],
    ),
    (
        "title too long for search results",
        "title: Weak cervix (cervical insufficiency)",
        "title: Weak cervix (cervical insufficiency) and what it means for your pregnancy",
        [
            f"{P}:2: title: 'Weak cervix (cervical insufficiency) and what it means for your pregnancy' is 73 "
            "characters; search results show 60: add short_title: with a title of at most 60 characters"
        ],
    ),
    (
        "scaffold text left in",
        "  - Two.",
        "  - Replace with the second key point.",
        [f"{P}:9: key_points[2]: still holds the text from the page template; write the page's own"],
    ),
]


@pytest.mark.parametrize(("case", "old", "new", "expected"), BAD_FRONT_MATTER, ids=[c[0] for c in BAD_FRONT_MATTER])
def test_bad_front_matter_gives_one_line_per_problem(case: str, old: str, new: str, expected: list[str]) -> None:
    assert old in VALID, case
    assert problems_for(VALID.replace(old, new, 1)) == expected


def test_page_without_front_matter() -> None:
    assert problems_for("# Title\n\nText\n") == [
        f"{P}:1: the page has no front matter; start the file with a line of three dashes (---), then the fields "
        "(title, description, ...), then another line of three dashes (see `healthpages new`)"
    ]


def test_unclosed_front_matter() -> None:
    assert problems_for("---\ntitle: Weak cervix\n\nText\n") == [
        f"{P}:1: the front matter is never closed; add a line of three dashes (---) after its last field"
    ]


def test_site_pages_need_no_medical_fields() -> None:
    text = (
        "---\ntitle: Contact us\ndescription: How to reach the practice by phone, by post or on its website.\n"
        "page_type: contact\nupdated: 2026-11-01\n---\n\nCall us.\n"
    )
    builder, record = read_and_convert(text, "contact.md")
    assert builder.problems == [] and record is not None and isinstance(record.model, SitePage)
    assert not record.model.is_medical


def test_site_page_needs_a_page_type() -> None:
    text = (
        "---\ntitle: Contact us\ndescription: How to reach the practice by phone, by post or on its website.\n"
        "updated: 2026-11-01\n---\n\nCall us.\n"
    )
    assert problems_for(text, "contact.md") == [
        "tests/fixtures/site/docs/contact.md:2: page_type: is required; a page outside docs/conditions/ is a site "
        "page: use one of home, index, experts, contact, policy (medical topic pages live in docs/conditions/)"
    ]


# Columns: what is wrong with the FAQ, the FAQ Markdown, the exact problem lines (the body starts on line 25).
BAD_FAQ = [
    (
        "empty section",
        "## Frequently asked questions\n\n## References\n",
        [f"{P}:30: FAQ: the FAQ section is empty; add at least one '### Question?' heading with its answer below"],
    ),
    (
        "question without answer",
        "## Frequently asked questions\n\n### Does it hurt?\n\n### Is it rare?\n\nNo.\n",
        [f"{P}:32: FAQ: the question 'Does it hurt?' has no answer; write it below the ### heading"],
    ),
    (
        "duplicate question",
        "## Frequently asked questions\n\n### Is it rare?\n\nNo.\n\n### Is it  rare?\n\nNo.\n",
        [f"{P}:36: FAQ: the question 'Is it rare?' is asked twice; keep one"],
    ),
    (
        "not a question",
        "## Frequently asked questions\n\n### Treatment\n\nRest.\n",
        [f"{P}:32: FAQ: 'Treatment' is not a question; end it with a question mark"],
    ),
    (
        "questions in bold",
        "## FAQ\n\n**Does it hurt?**\n\nSometimes.\n\n**Is it rare?**\n\nNo.\n",
        [
            f"{P}:30: FAQ: the FAQ section is empty; add at least one '### Question?' heading with its answer below",
            f"{P}:32: FAQ: 'Does it hurt?' looks like a question written in bold; write it as a heading so readers can "
            "open it: ### Does it hurt?",
            f"{P}:36: FAQ: 'Is it rare?' looks like a question written in bold; write it as a heading so readers can "
            "open it: ### Is it rare?",
        ],
    ),
    (
        "a setext heading question",
        "## Frequently asked questions\n\n### Does it hurt?\n\nSometimes.\n\nIs it rare?\n-----------\n\nNo.\n",
        [
            f"{P}:36: FAQ: 'Is it rare?' is a level-2 heading, so it ends the FAQ section; write each question as a "
            "level-3 heading: ### Is it rare?"
        ],
    ),
]


@pytest.mark.parametrize(("case", "faq", "expected"), BAD_FAQ, ids=[c[0] for c in BAD_FAQ])
def test_malformed_faq_names_file_and_line(case: str, faq: str, expected: list[str]) -> None:
    assert problems_for(VALID + "\n" + faq) == expected


def test_faq_heading_variants_are_understood() -> None:
    for heading in ("## Frequently asked questions", "## FAQs", "## FAQ", "## Frequently Asked Questions:"):
        builder, _ = read_and_convert(VALID + f"\n{heading}\n\n### Real?\n\nYes, it is real.\n")
        assert builder.problems == [], heading
        assert [q.question for q in builder.conversions["conditions/page.md"].faq] == ["Real?"], heading


def test_faq_inside_code_fence_is_not_a_question() -> None:
    text = VALID + "\n## Frequently asked questions\n\n### Real?\n\nYes.\n\n```\n### Not a question\n```\n"
    builder, _ = read_and_convert(text)
    assert builder.problems == []
    assert [q.question for q in builder.conversions["conditions/page.md"].faq] == ["Real?"]

"""The page model: a table of good and bad front matter and the exact line an editor sees."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from healthpages.checks import check_page
from healthpages.page_model import CheckContext, SitePage, TopicPage
from healthpages.site_data import load_site_data

from sitebuild import FIXTURES

VALID = """\
---
title: Weak cervix (cervical insufficiency)
description: What a weak cervix is, the signs to look out for, and the treatments you may be offered.
page_type: topic
updated: 2026-11-01
audience: People who are pregnant and have been told that their cervix may be weak.
key_points:
  - One.
  - Two.
  - Three.
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


AUDIENCE = "audience: People who are pregnant and have been told that their cervix may be weak."


@pytest.fixture(scope="module")
def context() -> CheckContext:
    site = load_site_data(FIXTURES / "data", FIXTURES)
    return CheckContext(site, date(2026, 11, 21), frozenset({"conditions/page.md", "conditions/other.md"}))


def problems_for(text: str, context: CheckContext) -> list[str]:
    checked = check_page(text, "conditions/page.md", "docs/conditions/page.md", context)
    return [str(p) for p in checked.problems]


def test_valid_page_becomes_one_typed_model(context: CheckContext) -> None:
    checked = check_page(VALID, "conditions/page.md", "docs/conditions/page.md", context)
    assert checked.problems == []
    assert isinstance(checked.model, TopicPage)
    # The next review defaults to three years after the review.
    assert checked.model.review.next_review == date(2029, 1, 10)
    assert checked.model.clinic_id == "north"


P = "docs/conditions/page.md"

# Columns: what is wrong, text to replace in VALID, its replacement, the exact problem lines.
BAD_FRONT_MATTER = [
    ("missing description", "description: What a weak cervix is, the signs to look out for, and the treatments "
     "you may be offered.\n", "", [f"{P}:2: description: is required but missing"]),
    ("short description", "description: What a weak cervix is, the signs to look out for, and the treatments "
     "you may be offered.", "description: Too short.",
     [f"{P}:3: description: must be at least 50 characters (it has 10)"]),
    ("impossible date", "updated: 2026-11-01", "updated: 2026-02-30",
     [f"{P}:5: updated: '2026-02-30' is not a real date; use YYYY-MM-DD, for example 2026-11-21"]),
    ("not a date", "updated: 2026-11-01", "updated: last week",
     [f"{P}:5: updated: 'last week' is not a date; use YYYY-MM-DD, for example 2026-11-21"]),
    ("future update", "updated: 2026-11-01", "updated: 2027-01-01",
     [f"{P}:5: updated: 2027-01-01 is in the future; use the date the page was last changed"]),
    ("unknown reviewer", "reviewer: test-doctor", "reviewer: dr-nobody",
     [f"{P}:18: review.reviewer: unknown reviewer 'dr-nobody'; use an id from data/reviewers.yml: test-doctor"]),
    ("reviewed without reviewer", "  reviewer: test-doctor\n", "",
     [f"{P}:16: review.reviewer: is required when status is reviewed; use an id from data/reviewers.yml: "
      "test-doctor"]),
    ("bad status", "status: reviewed", "status: approved",
     [f"{P}:17: review.status: 'approved' is not allowed; use 'draft' or 'reviewed'"]),
    ("next review before review", "reviewed: 2026-01-10", "reviewed: 2026-01-10\n  next_review: 2025-12-01",
     [f"{P}:20: review.next_review: 2025-12-01 must be after the reviewed date 2026-01-10"]),
    ("next review too late", "reviewed: 2026-01-10", "reviewed: 2026-01-10\n  next_review: 2030-01-01",
     [f"{P}:20: review.next_review: 2030-01-01 is more than 3 years after the reviewed date; use 2029-01-10 "
      "or earlier"]),
    ("review older than 3 years", "reviewed: 2026-01-10", "reviewed: 2023-01-10",
     [f"{P}:19: review.reviewed: 2023-01-10 is more than 3 years ago, so the page cannot be marked as reviewed; "
      "review it again, or set status: draft"]),
    ("draft with reviewer", "status: reviewed", "status: draft",
     [f"{P}:18: review.reviewer: a draft has no reviewer; remove it, or record the sign-off with `sign`",
      f"{P}:19: review.reviewed: a draft has no review date; remove it, or record the sign-off with `sign`"]),
    ("unknown clinic", "clinic: north", "clinic: west",
     [f"{P}:14: clinic: unknown clinic 'west'; use one of: north, south, or none to leave the contact block out "
      "(data/practice.yml)"]),
    ("unknown disclaimer", "disclaimer: pregnancy", "disclaimer: travel",
     [f"{P}:13: disclaimer: unknown disclaimer 'travel'; use one of: general, pregnancy (data/disclaimers.yml)"]),
    ("unknown related page", "related: [other.md]", "related: [missing.md]",
     [f"{P}:15: related: 'missing.md' is not a page in docs/; give a path such as endometriosis.md"]),
    ("too few key points", "  - Three.\n", "",
     [f"{P}:7: key_points: needs at least 3 items (it has 2)"]),
    ("misspelt field", AUDIENCE, AUDIENCE + "\nkey_point: x",
     [f"{P}:7: key_point: is not a known field; allowed fields: audience, clinic, condition, description, "
      "disclaimer, hide, key_points, page_type, pregnancy, pregnancy_weeks, published, related, review, search, "
      "template, title, updated, when_to_get_help"]),
    ("unknown page type", "page_type: topic", "page_type: article",
     [f"{P}:4: page_type: 'article' is not allowed; use topic, or for a page without medical content one of: "
      "home, index, experts, contact, policy"]),
    ("YAML syntax error", AUDIENCE, "audience: [Pregnant",
     [f"{P}:7: YAML syntax error: did not find expected ',' or ']'"]),
    ("help tiers out of order", AUDIENCE,
     AUDIENCE + "\nwhen_to_get_help:\n  urgent_gp_or_111: [you feel unwell]\n  call_999: [you collapse]",
     [f"{P}:7: when_to_get_help: write the tiers most urgent first: call_999, urgent_gp_or_111"]),
    ("empty help tier", AUDIENCE, AUDIENCE + "\nwhen_to_get_help:\n  call_999: []",
     [f"{P}:8: when_to_get_help.call_999: is empty; list at least one item, or remove it"]),
    ("pregnancy page without the maternity tier", AUDIENCE,
     AUDIENCE + "\npregnancy: true\nwhen_to_get_help:\n  call_999: [you collapse]",
     [f"{P}:8: when_to_get_help: a pregnancy page needs the call_maternity_unit tier: Call your maternity "
      "unit now if:"]),
    ("weeks out of order", AUDIENCE, AUDIENCE + "\npregnancy_weeks: {start: 24, end: 16}",
     [f"{P}:7: pregnancy_weeks: end (16) must not be before start (24)"]),
]


@pytest.mark.parametrize(("case", "old", "new", "expected"), BAD_FRONT_MATTER, ids=[c[0] for c in BAD_FRONT_MATTER])
def test_bad_front_matter_gives_one_line_per_problem(case: str, old: str, new: str, expected: list[str],
                                                     context: CheckContext) -> None:
    assert old in VALID, case
    assert problems_for(VALID.replace(old, new, 1), context) == expected


def test_page_without_front_matter(context: CheckContext) -> None:
    assert problems_for("# Title\n\nText\n", context) == [
        f"{P}:1: the page has no front matter; start it with --- and a title, description, page_type and "
        "updated date (see `healthpages new`)"]


def test_site_pages_need_no_medical_fields(context: CheckContext) -> None:
    text = ("---\ntitle: Contact us\ndescription: How to reach the practice by phone, by post or on its website.\n"
            "page_type: contact\nupdated: 2026-11-01\n---\n\nCall us.\n")
    checked = check_page(text, "contact.md", "docs/contact.md", context)
    assert checked.problems == [] and isinstance(checked.model, SitePage)
    assert not checked.model.is_medical


# Columns: what is wrong with the FAQ, the FAQ Markdown, the exact problem lines (body starts on line 21).
BAD_FAQ = [
    ("empty section", "## Frequently asked questions\n\n## References\n",
     [f"{P}:26: FAQ: the FAQ section is empty; add at least one '### Question?' heading with its answer below"]),
    ("question without answer", "## Frequently asked questions\n\n### Does it hurt?\n\n### Is it rare?\n\nNo.\n",
     [f"{P}:28: FAQ: the question 'Does it hurt?' has no answer; write it below the ### heading"]),
    ("duplicate question", "## Frequently asked questions\n\n### Is it rare?\n\nNo.\n\n### Is it  rare?\n\nNo.\n",
     [f"{P}:32: FAQ: the question 'Is it  rare?' is asked twice (first on line 28); keep one"]),
    ("not a question", "## Frequently asked questions\n\n### Treatment\n\nRest.\n",
     [f"{P}:28: FAQ: 'Treatment' is not a question; end it with a question mark"]),
]


@pytest.mark.parametrize(("case", "faq", "expected"), BAD_FAQ, ids=[c[0] for c in BAD_FAQ])
def test_malformed_faq_names_file_and_line(case: str, faq: str, expected: list[str],
                                           context: CheckContext) -> None:
    assert problems_for(VALID + "\n" + faq, context) == expected


def test_faq_inside_code_fence_is_not_a_question(context: CheckContext) -> None:
    text = VALID + "\n## Frequently asked questions\n\n### Real?\n\nYes.\n\n```\n### Not a question\n```\n"
    checked = check_page(text, "conditions/page.md", P, context)
    assert checked.problems == []
    assert [q.question for q in checked.faq] == ["Real?"]

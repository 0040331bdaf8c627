"""Clinical review: a page's review state, what a release needs, and what counts as a change since sign-off.

`sign` records a fingerprint of the clinical content a reviewer saw. The content is the page's
body and every front-matter field except the review block itself and the bookkeeping fields
(`updated`, `published`, `hide`, `search`, `short_title`, `author`); runs of white space count as
one space, so re-wrapping a paragraph is not a change, while any changed word, number, list item or
link is.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from healthpages.front_matter import PageSource
from healthpages.page_model import TopicPage
from healthpages.problems import Problem
from healthpages.site_data import Reviewer, SiteData

# Front-matter fields that are not clinical content: changing them does not undo a review.
BOOKKEEPING_FIELDS = ("review", "updated", "published", "hide", "search", "short_title", "author")


def content_fingerprint(source: PageSource) -> str:
    """A short, stable fingerprint of the page's clinical content (see the module's description)."""
    fields = {key: value for key, value in source.front_matter.data.items() if key not in BOOKKEEPING_FIELDS}
    canonical = json.dumps(_normalised(fields), sort_keys=True, ensure_ascii=False, default=str)
    body = " ".join(source.body.split())
    return hashlib.sha256(f"{canonical}\n{body}".encode()).hexdigest()[:16]


def _normalised(value: Any) -> Any:
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, list):
        return [_normalised(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _normalised(item) for key, item in value.items()}
    return value


@dataclass(frozen=True)
class ReviewState:
    status: Literal["draft", "reviewed"]
    reviewer: Reviewer | None = None
    reviewed: date | None = None
    next_review: date | None = None
    overdue: bool = False
    changed_since_review: bool = False  # the content differs from what the reviewer signed

    @property
    def is_current(self) -> bool:
        """A review that still vouches for what the page says today."""
        return self.status == "reviewed" and not self.overdue and not self.changed_since_review

    @property
    def urgency(self) -> tuple[int, date]:
        """Sort key for the review queue: changed, overdue, drafts, then by the next review date."""
        rank = 0 if self.changed_since_review else 1 if self.overdue else 2 if self.status == "draft" else 3
        return rank, self.next_review or date.max


def review_state(model: TopicPage, source: PageSource, site: SiteData, today: date) -> ReviewState:
    review = model.review
    if review.status == "draft":
        return ReviewState("draft")
    changed = review.fingerprint is not None and review.fingerprint != content_fingerprint(source)
    unsigned = review.fingerprint is None  # signed before fingerprints: treat as changed, so it is re-signed
    return ReviewState(
        "reviewed",
        site.reviewers.get(review.reviewer or ""),
        review.reviewed,
        review.next_review,
        overdue=review.next_review is not None and review.next_review < today,
        changed_since_review=changed or unsigned,
    )


def release_problems(source: PageSource, state: ReviewState) -> list[Problem]:
    """What stops a medical page from being published in a release build (and `check --release`)."""
    lines = source.front_matter
    if state.status == "draft":
        return [
            Problem(
                source.path,
                lines.line_of(("review", "status")),
                "is a draft: a release needs a clinical sign-off (see `healthpages sign`)",
                "review.status",
            )
        ]
    problems = []
    if state.overdue and state.next_review is not None:
        problems.append(
            Problem(
                source.path,
                lines.line_of(("review", "next_review")),
                f"overdue for review since {state.next_review}: a clinician must review the page again and sign it",
                "review.next_review",
            )
        )
    if state.changed_since_review:
        problems.append(
            Problem(
                source.path,
                lines.line_of(("review", "fingerprint")),
                "the page has changed since its last review: a clinician must check the changes "
                "and sign it again (see `healthpages sign`)",
                "review",
            )
        )
    return problems


def required_specialty(model: TopicPage, site: SiteData) -> str:
    """The specialty a page's reviewer must have (data/reviewers.yml): pregnancy pages need their own."""
    rules = site.reviewer_rules
    return rules.pregnancy if model.is_pregnancy_page else rules.default


def reviewer_fit_problem(model: TopicPage, source: PageSource, site: SiteData) -> Problem | None:
    """A problem when the page's reviewer lacks the specialty its topic needs (for example obstetrics)."""
    review = model.review
    reviewer = site.reviewers.get(review.reviewer or "") if review.status == "reviewed" else None
    if reviewer is None:
        return None
    needed = required_specialty(model, site)
    if needed in reviewer.specialties:
        return None
    able = [r.name for r in site.reviewers.values() if needed in r.specialties]
    who = f"; reviewers with it: {', '.join(able)}" if able else "; no reviewer in data/reviewers.yml has it yet"
    kind = "a pregnancy page" if model.is_pregnancy_page else "this page"
    return Problem(
        source.path,
        source.front_matter.line_of(("review", "reviewer")),
        f"{kind} needs a reviewer whose specialties include {needed}; {reviewer.name} lists "
        f"{', '.join(reviewer.specialties) or 'none'}{who}",
        "review.reviewer",
    )

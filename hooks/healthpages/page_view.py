"""What the templates get for a page (in `page.meta["health"]`) and for the site (the library index)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from healthpages.faq import RenderedQuestion
from healthpages.page_model import Page, TopicPage, resolve_path
from healthpages.site_data import Clinic, Disclaimer, Practitioner, Reviewer, SiteData

WORDS_PER_MINUTE = 200
_WORD = re.compile(r"[A-Za-z0-9’']+")


@dataclass
class ReviewView:
    status: str
    reviewer: Reviewer | None = None
    reviewer_url: str | None = None  # URL path of the reviewer's profile, set once all files are known
    reviewed: date | None = None
    next_review: date | None = None
    overdue: bool = False


@dataclass
class PageView:
    model: Page
    src_path: str
    reading_minutes: int = 0
    review: ReviewView | None = None
    disclaimers: list[Disclaimer] = field(default_factory=list)
    clinic: Clinic | None = None
    practitioner: Practitioner | None = None
    related: list[Any] = field(default_factory=list)  # MkDocs pages, filled once every page is read
    faq: list[RenderedQuestion] = field(default_factory=list)
    jsonld: dict[str, Any] | None = None

    @property
    def is_medical(self) -> bool:
        return self.model.is_medical


def reading_minutes(markdown: str) -> int:
    return max(1, math.ceil(len(_WORD.findall(markdown)) / WORDS_PER_MINUTE))


def make_view(model: Page, src_path: str, markdown: str, site: SiteData, today: date) -> PageView:
    view = PageView(model, src_path)
    if not isinstance(model, TopicPage):
        return view
    view.reading_minutes = reading_minutes(markdown)
    review = model.review
    if review.status == "reviewed":
        reviewer = site.reviewers[review.reviewer]
        view.review = ReviewView("reviewed", reviewer, None, review.reviewed, review.next_review,
                                 review.is_overdue(today))
    else:
        view.review = ReviewView("draft")
    view.disclaimers = [site.disclaimers.general]
    if model.disclaimer != "general":
        view.disclaimers.append(site.disclaimers.variants[model.disclaimer])
    clinic_id = site.practice.default_clinic if model.clinic is None else model.clinic_id
    if clinic_id:
        view.clinic = site.clinics[clinic_id]
        view.practitioner = site.practitioners[view.clinic.practitioner]
    return view


@dataclass
class LibraryEntry:
    page: Any  # the MkDocs Page
    view: PageView

    @property
    def title(self) -> str:
        return self.view.model.title

    @property
    def sort_key(self) -> str:
        return self.title.lower()


@dataclass
class Library:
    """Every page of the build, for the home page, the A to Z, related topics and the 404 page."""

    entries: dict[str, LibraryEntry] = field(default_factory=dict)  # by docs path
    nav_order: list[str] = field(default_factory=list)  # docs paths in navigation order

    def add(self, page: Any, view: PageView) -> None:
        self.entries[view.src_path] = LibraryEntry(page, view)

    @property
    def topics(self) -> list[LibraryEntry]:
        """Topic pages in navigation order (the lead topic first); pages outside the nav come last."""
        position = {path: index for index, path in enumerate(self.nav_order)}
        topics = [e for e in self.entries.values() if e.view.is_medical]
        return sorted(topics, key=lambda e: (position.get(e.view.src_path, len(position)), e.view.src_path))

    @property
    def a_to_z(self) -> list[tuple[str, list[LibraryEntry]]]:
        groups: dict[str, list[LibraryEntry]] = {}
        for entry in sorted(self.topics, key=lambda e: e.sort_key):
            groups.setdefault(entry.title[:1].upper(), []).append(entry)
        return list(groups.items())

    def resolve_related(self) -> None:
        for entry in self.topics:
            model = entry.view.model
            entry.view.related = [
                self.entries[path].page for path in (resolve_path(entry.view.src_path, item) for item in model.related)
                if path in self.entries
            ]

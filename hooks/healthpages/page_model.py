"""The one model of a page's front matter, validated once and shared by the hooks, the CLI and the tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from healthpages.problems import Problem, ProblemsFound
from healthpages.site_data import SiteData, Slug
from healthpages.source import PageSource
from healthpages.validation import validate

REVIEW_INTERVAL_YEARS = 3
MEDICAL_PAGE_TYPES = ("topic",)
SITE_PAGE_TYPES = ("home", "index", "experts", "contact", "policy")
# Parts of a page that Material for MkDocs hides when front matter lists them under `hide`.
Hideable = Literal["navigation", "toc", "footer", "tags", "feedback", "path"]

Title = Annotated[str, Field(min_length=3, max_length=120)]
Description = Annotated[str, Field(min_length=50, max_length=160)]
Phrase = Annotated[str, Field(min_length=2, max_length=200)]


def years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class CheckContext:
    """What a page is checked against: the site's data, the other pages and today's date."""

    site: SiteData
    today: date
    pages: frozenset[str] = field(default_factory=frozenset)  # docs-relative paths, for `related`
    src_path: str = ""  # the page being checked, docs-relative


def resolve_path(src_path: str, relative: str) -> str:
    """A link target relative to a page, as a docs-relative path."""
    parts = [p for p in src_path.split("/")[:-1] if p]
    for part in relative.split("#")[0].split("/"):
        if part == "..":
            parts = parts[:-1]
        elif part not in ("", "."):
            parts.append(part)
    return "/".join(parts)


def _context(info: ValidationInfo) -> CheckContext:
    return info.context["check"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Review(Strict):
    status: Literal["draft", "reviewed"]
    reviewer: Annotated[Slug | None, Field(validate_default=True)] = None
    reviewed: Annotated[date | None, Field(validate_default=True)] = None
    next_review: Annotated[date | None, Field(validate_default=True)] = None

    @field_validator("reviewer")
    @classmethod
    def _known_reviewer(cls, value: str | None, info: ValidationInfo) -> str | None:
        status = info.data.get("status")
        if status == "draft" and value is not None:
            raise ValueError("a draft has no reviewer; remove it, or record the sign-off with `sign`")
        if status == "reviewed":
            known = _context(info).site.reviewers
            if value is None:
                raise ValueError("is required when status is reviewed; use an id from data/reviewers.yml: "
                                 + ", ".join(sorted(known)))
            if value not in known:
                raise ValueError(f"unknown reviewer '{value}'; use an id from data/reviewers.yml: "
                                 + (", ".join(sorted(known)) or "(the registry is empty)"))
        return value

    @field_validator("reviewed")
    @classmethod
    def _reviewed_date(cls, value: date | None, info: ValidationInfo) -> date | None:
        status = info.data.get("status")
        today = _context(info).today
        if status == "draft" and value is not None:
            raise ValueError("a draft has no review date; remove it, or record the sign-off with `sign`")
        if status == "reviewed":
            if value is None:
                raise ValueError("is required when status is reviewed (YYYY-MM-DD)")
            if value > today:
                raise ValueError(f"{value} is in the future; a review date is the day the review happened")
            if years_after(value, REVIEW_INTERVAL_YEARS) < today:
                raise ValueError(f"{value} is more than {REVIEW_INTERVAL_YEARS} years ago, so the page cannot be "
                                 "marked as reviewed; review it again, or set status: draft")
        return value

    @field_validator("next_review")
    @classmethod
    def _next_review_date(cls, value: date | None, info: ValidationInfo) -> date | None:
        status = info.data.get("status")
        reviewed = info.data.get("reviewed")
        if status == "draft" and value is not None:
            raise ValueError("a draft has no next review date; remove it")
        if status != "reviewed" or reviewed is None:
            return value
        latest = years_after(reviewed, REVIEW_INTERVAL_YEARS)
        if value is None:
            return latest
        if value <= reviewed:
            raise ValueError(f"{value} must be after the reviewed date {reviewed}")
        if value > latest:
            raise ValueError(f"{value} is more than {REVIEW_INTERVAL_YEARS} years after the reviewed date; "
                             f"use {latest} or earlier")
        return value

    def is_overdue(self, today: date) -> bool:
        return self.status == "reviewed" and self.next_review is not None and self.next_review < today


class PregnancyWeeks(Strict):
    start: Annotated[int, Field(ge=1, le=42)]
    end: Annotated[int, Field(ge=1, le=42)]

    @model_validator(mode="after")
    def _ordered(self) -> PregnancyWeeks:
        if self.end < self.start:
            raise ValueError(f"end ({self.end}) must not be before start ({self.start})")
        return self


# "When to get help": NHS-style tiers, most urgent first. Keys in the order editors must write them,
# with the heading each tier gets on the page.
HELP_TIERS = {
    "call_999": "Call 999 or go to A&E now if:",
    "call_maternity_unit": "Call your maternity unit now if:",
    "urgent_gp_or_111": "Ask for an urgent GP appointment or call NHS 111 if:",
}
HelpItem = Annotated[str, Field(min_length=3, max_length=300)]
HelpTier = Annotated[list[HelpItem], Field(min_length=1, max_length=12)]


class WhenToGetHelp(Strict):
    """The page's urgent-care advice: each tier a list of symptoms or situations."""

    call_999: HelpTier | None = None
    call_maternity_unit: HelpTier | None = None
    urgent_gp_or_111: HelpTier | None = None

    @model_validator(mode="before")
    @classmethod
    def _tiers_in_order(cls, data: Any) -> Any:
        if isinstance(data, dict):
            written = [key for key in data if key in HELP_TIERS]
            expected = [key for key in HELP_TIERS if key in data]
            if written != expected:
                raise ValueError("write the tiers most urgent first: " + ", ".join(expected))
            if not written and not [key for key in data if key not in HELP_TIERS]:
                raise ValueError("needs at least one tier: " + ", ".join(HELP_TIERS))
        return data

    @property
    def tiers(self) -> list[tuple[str, str, list[str]]]:
        """(key, heading, items) of each tier the page has, most urgent first."""
        return [(key, heading, getattr(self, key)) for key, heading in HELP_TIERS.items() if getattr(self, key)]


class Condition(Strict):
    name: Phrase
    alternate_names: list[Phrase] = []
    symptoms: Annotated[list[Phrase], Field(max_length=12)] = []
    risk_factors: Annotated[list[Phrase], Field(max_length=12)] = []
    treatments: Annotated[list[Phrase], Field(max_length=12)] = []


class BasePage(Strict):
    title: Title
    description: Description
    updated: date
    # Keys that Material for MkDocs itself reads from front matter.
    hide: list[Hideable] = []
    template: str | None = None
    search: dict[str, Any] | None = None

    @field_validator("updated")
    @classmethod
    def _not_future(cls, value: date, info: ValidationInfo) -> date:
        if value > _context(info).today:
            raise ValueError(f"{value} is in the future; use the date the page was last changed")
        return value

    @property
    def is_medical(self) -> bool:
        return self.page_type in MEDICAL_PAGE_TYPES


class SitePage(BasePage):
    """Home, A to Z, experts, contact and policy pages: no medical fields."""

    page_type: Literal["home", "index", "experts", "contact", "policy"]
    when_to_get_help: WhenToGetHelp | None = None  # the home page carries the same urgent-care block


class TopicPage(BasePage):
    """A patient-information page about one condition or treatment."""

    page_type: Literal["topic"] = "topic"
    key_points: Annotated[list[Phrase], Field(min_length=3, max_length=6)]
    audience: Phrase | None = None  # "Who this page is for", one sentence
    pregnancy: bool = False  # about a current pregnancy: the maternity-unit tier is required
    pregnancy_weeks: PregnancyWeeks | None = None
    when_to_get_help: WhenToGetHelp | None = None
    condition: Condition | None = None
    disclaimer: str = "general"
    clinic: str | None = None  # None: the practice's default clinic; "none": no contact block
    related: Annotated[list[str], Field(max_length=6)] = []
    review: Review
    published: date | None = None

    @field_validator("disclaimer")
    @classmethod
    def _known_disclaimer(cls, value: str, info: ValidationInfo) -> str:
        variants = _context(info).site.disclaimer_variants
        if value not in variants:
            raise ValueError(f"unknown disclaimer '{value}'; use one of: {', '.join(variants)} "
                             "(data/disclaimers.yml)")
        return value

    @field_validator("clinic")
    @classmethod
    def _known_clinic(cls, value: str | None, info: ValidationInfo) -> str | None:
        clinics = _context(info).site.clinics
        if value is not None and value != "none" and value not in clinics:
            raise ValueError(f"unknown clinic '{value}'; use one of: {', '.join(sorted(clinics))}, "
                             "or none to leave the contact block out (data/practice.yml)")
        return value

    @field_validator("related")
    @classmethod
    def _known_pages(cls, value: list[str], info: ValidationInfo) -> list[str]:
        context = _context(info)
        for item in value:
            if context.pages and resolve_path(context.src_path, item) not in context.pages:
                raise ValueError(f"'{item}' is not a page in docs/; give a path such as endometriosis.md")
        return value

    @field_validator("when_to_get_help")
    @classmethod
    def _pregnancy_help(cls, value: WhenToGetHelp | None, info: ValidationInfo) -> WhenToGetHelp | None:
        pregnancy = info.data.get("pregnancy") or info.data.get("pregnancy_weeks") is not None
        if pregnancy and value is not None and not value.call_maternity_unit:
            raise ValueError("a pregnancy page needs the call_maternity_unit tier: " + HELP_TIERS["call_maternity_unit"])
        return value

    @property
    def is_pregnancy_page(self) -> bool:
        return self.pregnancy or self.pregnancy_weeks is not None

    @property
    def clinic_id(self) -> str | None:
        return None if self.clinic == "none" else self.clinic


Page = TopicPage | SitePage


def load_page(source: PageSource, context: CheckContext) -> Page:
    """Validate a page's front matter into its model; every problem is raised at once with its line."""
    data = source.front_matter.data
    if not source.has_front_matter:
        raise ProblemsFound([Problem(source.path, 1, "the page has no front matter; start it with --- and a "
                                     "title, description, page_type and updated date (see `healthpages new`)")])
    page_type = data.get("page_type", "topic") if isinstance(data, dict) else "topic"
    if page_type == "topic":
        model: type[BasePage] = TopicPage
    elif page_type in SITE_PAGE_TYPES:
        model = SitePage
    else:
        line = source.front_matter.line_of(("page_type",))
        raise ProblemsFound([Problem(source.path, line, f"'{page_type}' is not allowed; use topic, or for a page "
                                     f"without medical content one of: {', '.join(SITE_PAGE_TYPES)}", "page_type")])
    return validate(model, source.front_matter, source.path, context={"check": context})

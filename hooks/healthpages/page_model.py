"""The one model of a page's front matter, validated once and shared by the build, the commands and the tests.

A page's kind comes from where it lives, not from a key an editor could remove: every page in the
topics folder (`docs/conditions/` by default) except its index is a medical topic page, with all
the notices that go with one; every other page is a site page and names its `page_type`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any, Literal, get_args

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from healthpages.front_matter import PageSource
from healthpages.problems import Problem, ProblemsFound, excerpt
from healthpages.site_data import HttpsUrl, SiteData, Slug
from healthpages.validation import validate

REVIEW_INTERVAL_YEARS = 3
SitePageType = Literal["home", "index", "experts", "contact", "policy"]  # every kind of page outside the topics
SITE_PAGE_TYPES: tuple[SitePageType, ...] = get_args(SitePageType)
# Parts of a page that Material for MkDocs hides when front matter lists them under `hide`.
Hideable = Literal["navigation", "toc", "footer", "tags", "feedback", "path"]

# Titles and descriptions are printed by the theme into every page's head, header and navigation as
# they are, so they must be plain text: no markup, no quotes that could end an attribute, no entities.
_NOT_PLAIN = re.compile(r'[<>"]|&(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#[xX][0-9A-Fa-f]+);?')


def _plain_text(value: str) -> str:
    match = _NOT_PLAIN.search(value)
    if match:
        found = match.group()
        hint = "use curly quotes “ ” instead" if found == '"' else "write it as words"
        raise ValueError(f"'{excerpt(found, 12)}' is not allowed here: this text is shown as plain text; {hint}")
    return value


PlainText = AfterValidator(_plain_text)
Title = Annotated[str, Field(min_length=3, max_length=120), PlainText]
Description = Annotated[str, Field(min_length=50, max_length=160), PlainText]
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
    context = info.context["check"] if info.context else None
    assert isinstance(context, CheckContext)
    return context


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Review(Strict):
    status: Literal["draft", "reviewed"]
    reviewer: Annotated[Slug | None, Field(validate_default=True)] = None
    reviewed: Annotated[date | None, Field(validate_default=True)] = None
    next_review: Annotated[date | None, Field(validate_default=True)] = None
    # What the reviewer saw: a fingerprint of the clinical content, written by `sign`.
    fingerprint: Annotated[str | None, Field(pattern=r"^[0-9a-f]{16}$")] = None

    @field_validator("reviewer")
    @classmethod
    def _known_reviewer(cls, value: str | None, info: ValidationInfo) -> str | None:
        status = info.data.get("status")
        if status == "draft" and value is not None:
            raise ValueError("a draft has no reviewer; remove it, or record the sign-off with `sign`")
        if status == "reviewed":
            known = _context(info).site.reviewers
            if value is None:
                raise ValueError(
                    "is required when status is reviewed; use an id from data/reviewers.yml: "
                    + ", ".join(sorted(known))
                )
            if value not in known:
                raise ValueError(
                    f"unknown reviewer '{excerpt(value, 40)}'; use an id from data/reviewers.yml: "
                    + (", ".join(sorted(known)) or "(the registry is empty)")
                )
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
                raise ValueError(
                    f"{value} is more than {REVIEW_INTERVAL_YEARS} years ago, so the page cannot be "
                    "marked as reviewed; review it again, or set status: draft"
                )
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
            raise ValueError(
                f"{value} is more than {REVIEW_INTERVAL_YEARS} years after the reviewed date; use {latest} or earlier"
            )
        return value

    @field_validator("fingerprint")
    @classmethod
    def _fingerprint_only_when_signed(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None and info.data.get("status") != "reviewed":
            raise ValueError("only a signed page has a fingerprint; remove it")
        return value


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
        found = [(key, heading, getattr(self, key)) for key, heading in HELP_TIERS.items()]
        return [(key, heading, items) for key, heading, items in found if items]


_ICD10 = re.compile(r"^[A-Z][0-9]{2}(\.[0-9A-Z]{1,4})?$")
_SNOMED = re.compile(r"^[1-9][0-9]{5,17}$")
# Verhoeff's check-digit tables (SNOMED CT identifiers end with a Verhoeff check digit).
_VERHOEFF_D = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
    [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
    [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
    [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
    [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
    [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
    [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
    [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
    [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
]
_VERHOEFF_P = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
    [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
    [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
    [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
    [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
    [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
    [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
]


def verhoeff_valid(digits: str) -> bool:
    check = 0
    for position, digit in enumerate(reversed(digits)):
        check = _VERHOEFF_D[check][_VERHOEFF_P[position % 8][int(digit)]]
    return check == 0


class MedicalCode(Strict):
    """A code an editor looked up for the condition: ICD-10 (for example N80.0) or a SNOMED CT concept id."""

    system: Literal["ICD-10", "SNOMED-CT"]
    value: str

    @model_validator(mode="after")
    def _well_formed(self) -> MedicalCode:
        value = self.value
        if self.system == "ICD-10" and not _ICD10.match(value):
            raise ValueError(
                f"'{excerpt(value, 20)}' is not an ICD-10 code: a capital letter, two digits and an optional "
                "part after a dot, for example N80.0"
            )
        if self.system == "SNOMED-CT":
            if not _SNOMED.match(value):
                raise ValueError(
                    f"'{excerpt(value, 20)}' is not a SNOMED CT concept id: 6 to 18 digits, for example 129103003"
                )
            if value[-3:-1] not in ("00", "10"):
                raise ValueError(f"'{value}' is a SNOMED CT id, but not of a concept; copy the concept id")
            if not verhoeff_valid(value):
                raise ValueError(f"'{value}' fails the SNOMED CT check digit; check for a mistyped digit")
        return self


class Condition(Strict):
    name: Phrase
    alternate_names: list[Phrase] = []
    symptoms: Annotated[list[Phrase], Field(max_length=12)] = []
    causes: Annotated[list[Phrase], Field(max_length=12)] = []
    risk_factors: Annotated[list[Phrase], Field(max_length=12)] = []
    treatments: Annotated[list[Phrase], Field(max_length=12)] = []
    # Filled in by an editor who looked them up; left out rather than guessed.
    code: Annotated[list[MedicalCode], Field(max_length=6)] = []
    same_as: Annotated[list[HttpsUrl], Field(max_length=6)] = []  # the same condition elsewhere, e.g. the NHS page


class BasePage(Strict):
    title: Title
    # The title in search results and the browser tab when `title` is too long for it (60 characters).
    short_title: Annotated[str, Field(min_length=3, max_length=60), PlainText] | None = None
    description: Description
    updated: date
    # Keys that Material for MkDocs itself reads from front matter.
    hide: list[Hideable] = []
    search: dict[Literal["exclude", "boost"], bool | float] | None = None

    @field_validator("updated")
    @classmethod
    def _not_future(cls, value: date, info: ValidationInfo) -> date:
        if value > _context(info).today:
            raise ValueError(f"{value} is in the future; use the date the page was last changed")
        return value

    @property
    def is_medical(self) -> bool:
        return isinstance(self, TopicPage)


class SitePage(BasePage):
    """Home, A to Z, experts, contact and policy pages: no medical fields."""

    page_type: SitePageType
    when_to_get_help: WhenToGetHelp | None = None  # the home page carries the same urgent-care block


class TopicPage(BasePage):
    """A patient-information page about one condition or treatment."""

    page_type: Literal["topic"] = "topic"
    published: date  # the day the page was first published; stays put when the page changes
    audience: Phrase  # "Who this page is for", one sentence
    key_points: Annotated[list[Phrase], Field(min_length=3, max_length=6)]
    pregnancy: bool = False  # about a current pregnancy: the maternity-unit tier is required
    pregnancy_weeks: PregnancyWeeks | None = None
    when_to_get_help: WhenToGetHelp
    condition: Condition | None = None
    disclaimer: str = "general"
    clinic: str | None = None  # None: the practice's default clinic; "none": no contact block
    related: Annotated[list[str], Field(max_length=6)] = []
    author: Slug | None = None  # a practitioner id from data/practice.yml; None: the practice's editorial team
    review: Review

    @field_validator("published")
    @classmethod
    def _published_date(cls, value: date, info: ValidationInfo) -> date:
        if value > _context(info).today:
            raise ValueError(f"{value} is in the future; use the day the page was first published")
        updated = info.data.get("updated")  # validated first: it belongs to every page
        if updated is not None and value > updated:
            raise ValueError(
                f"{value} is after the page was last updated ({updated}); published is the day the page first appeared"
            )
        return value

    @field_validator("when_to_get_help")
    @classmethod
    def _pregnancy_help(cls, value: WhenToGetHelp, info: ValidationInfo) -> WhenToGetHelp:
        pregnancy = info.data.get("pregnancy") or info.data.get("pregnancy_weeks") is not None
        if pregnancy and not value.call_maternity_unit:
            raise ValueError(
                "a pregnancy page needs the call_maternity_unit tier: " + HELP_TIERS["call_maternity_unit"]
            )
        return value

    @field_validator("disclaimer")
    @classmethod
    def _known_disclaimer(cls, value: str, info: ValidationInfo) -> str:
        variants = _context(info).site.disclaimer_variants
        if value not in variants:
            raise ValueError(
                f"unknown disclaimer '{excerpt(value, 40)}'; use one of: {', '.join(variants)} (data/disclaimers.yml)"
            )
        return value

    @field_validator("clinic")
    @classmethod
    def _known_clinic(cls, value: str | None, info: ValidationInfo) -> str | None:
        clinics = _context(info).site.clinics
        if value is not None and value != "none" and value not in clinics:
            raise ValueError(
                f"unknown clinic '{excerpt(value, 40)}'; use one of: {', '.join(sorted(clinics))}, "
                "or none to leave the contact block out (data/practice.yml)"
            )
        return value

    @field_validator("author")
    @classmethod
    def _known_author(cls, value: str | None, info: ValidationInfo) -> str | None:
        known = _context(info).site.practitioners
        if value is not None and value not in known:
            raise ValueError(
                f"unknown author '{excerpt(value, 40)}'; use a practitioner id from data/practice.yml: "
                f"{', '.join(sorted(known))}, or leave it out for the practice's editorial team"
            )
        return value

    @field_validator("related")
    @classmethod
    def _known_pages(cls, value: list[str], info: ValidationInfo) -> list[str]:
        context = _context(info)
        for item in value:
            if context.pages and resolve_path(context.src_path, item) not in context.pages:
                raise ValueError(f"'{excerpt(item, 60)}' is not a page in docs/; give a path such as endometriosis.md")
        return value

    @property
    def is_pregnancy_page(self) -> bool:
        return self.pregnancy or self.pregnancy_weeks is not None

    @property
    def clinic_id(self) -> str | None:
        return None if self.clinic == "none" else self.clinic


Page = TopicPage | SitePage


# Front matter that readers read as sentences, where a `#` or a comma belongs to the text.
PROSE_FIELDS = frozenset({"title", "description", "audience", "key_points", "when_to_get_help", "condition"})


def is_prose(loc: tuple[str | int, ...]) -> bool:
    return bool(loc) and loc[0] in PROSE_FIELDS


def is_topic_path(src_path: str, topics_dir: str) -> bool:
    """Medical topic pages are recognised by where they live: any page in the topics folder but its index."""
    return src_path.startswith(topics_dir + "/") and not src_path.endswith("/index.md")


def load_page(source: PageSource, src_path: str, topics_dir: str, context: CheckContext) -> Page:
    """Validate a page's front matter into its model; every problem is raised at once with its line."""
    data = source.front_matter.data
    page_type = data.get("page_type")
    context = CheckContext(context.site, context.today, context.pages, src_path)
    if is_topic_path(src_path, topics_dir):
        if page_type not in (None, "topic"):
            line = source.front_matter.line_of(("page_type",))
            raise ProblemsFound(
                [
                    Problem(
                        source.path,
                        line,
                        f"every page in docs/{topics_dir}/ is a medical topic "
                        f"page; remove page_type: {excerpt(page_type, 20)} (a page without medical "
                        f"content belongs outside docs/{topics_dir}/)",
                        "page_type",
                    )
                ]
            )
        return validate(TopicPage, source.front_matter, source.path, context={"check": context})
    if page_type not in SITE_PAGE_TYPES:
        line = source.front_matter.line_of(("page_type",))
        given = "is required" if page_type is None else f"'{excerpt(page_type, 20)}' is not allowed"
        raise ProblemsFound(
            [
                Problem(
                    source.path,
                    line,
                    f"{given}; a page outside docs/{topics_dir}/ is a site page: "
                    f"use one of {', '.join(SITE_PAGE_TYPES)} (medical topic pages live in "
                    f"docs/{topics_dir}/)",
                    "page_type",
                )
            ]
        )
    return validate(SitePage, source.front_matter, source.path, context={"check": context})

"""The practice's facts, the reviewers registry and the disclaimer texts: editable data in `data/`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal, TypeVar
from urllib.parse import quote_plus

import phonenumbers
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, HttpUrl

from healthpages.front_matter import Location, YamlDocument, parse_yaml
from healthpages.problems import Problem, ProblemsFound, excerpt, field_name, shown_path
from healthpages.text_source import decode
from healthpages.validation import validate

Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
Text = Annotated[str, Field(min_length=1)]


def _uk_phone(value: str) -> str:
    if not re.fullmatch(r"[+0-9 ()-]+", value):
        raise ValueError(
            f"'{excerpt(value)}' is not a valid UK phone number: use digits only; write it as "
            "0117 440 4224 or +44 117 440 4224"
        )
    try:
        number = phonenumbers.parse(value, "GB")
    except phonenumbers.NumberParseException:
        number = None
    if (
        number is None
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.region_code_for_number(number) != "GB"
    ):
        raise ValueError(
            f"'{excerpt(value)}' is not a valid UK phone number; write it as 0117 440 4224 or +44 117 440 4224"
        )
    return value


UkPhone = Annotated[str, AfterValidator(_uk_phone)]


def _https(value: HttpUrl) -> HttpUrl:
    if value.scheme != "https":
        raise ValueError(f"'{excerpt(value)}' must start with https:// (a medical site links only to secure pages)")
    return value


HttpsUrl = Annotated[HttpUrl, AfterValidator(_https)]


@lru_cache(maxsize=64)
def _formatted(phone: str, style: int) -> str:
    """A UK number in E.164 (for tel: links) or national form (for reading); computed once per build."""
    return phonenumbers.format_number(phonenumbers.parse(phone, "GB"), style)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Address(Strict):
    street: Text
    locality: str = ""
    city: Text
    postcode: Text
    country: Text = "United Kingdom"
    country_code: Annotated[str, Field(pattern=r"^[A-Z]{2}$")] = "GB"

    @property
    def lines(self) -> list[str]:
        return [part for part in (self.street, self.locality, self.city, self.postcode, self.country) if part]

    @property
    def map_url(self) -> str:
        return "https://www.google.com/maps/search/?api=1&query=" + quote_plus(", ".join(self.lines))


class Practitioner(Strict):
    id: Slug
    name: Text
    honorific_prefix: str = ""
    job_title: Text
    summary: Text
    experience: list[Text] = []
    profile: Text  # the docs page that holds the profile, with an optional #anchor
    image: str = ""  # a photo the practitioner supplied, as a file in docs/ (for example assets/dr-x.jpg)
    same_as: list[HttpsUrl] = []  # pages about the practitioner elsewhere that the practitioner confirmed

    @property
    def display_name(self) -> str:
        return f"{self.honorific_prefix} {self.name}".strip()

    @property
    def anchor(self) -> str:
        """The id of the profile's heading, taken from `profile` (page.md#anchor)."""
        return self.profile.partition("#")[2] or self.id


PLACE_TYPES = {"hospital": "Hospital", "clinic": "MedicalClinic"}  # how a place is described to crawlers


class Clinic(Strict):
    """A place where the practice sees patients (a hospital, for example): not the practice itself."""

    id: Slug
    name: Text
    kind: Literal["hospital", "clinic"] = "clinic"
    practitioner: Slug
    address: Address
    phone: UkPhone = ""  # a booking number for this place; empty: the practice's phone
    website: HttpsUrl | None = None  # the place's own website, never the practice's

    @property
    def schema_type(self) -> str:
        return PLACE_TYPES[self.kind]

    @property
    def phone_e164(self) -> str:
        return _formatted(self.phone, phonenumbers.PhoneNumberFormat.E164)

    @property
    def phone_display(self) -> str:
        return _formatted(self.phone, phonenumbers.PhoneNumberFormat.NATIONAL)


class Practice(Strict):
    """The practice: the business that runs the site, takes bookings and publishes the pages."""

    name: Text
    description: Text
    website: HttpsUrl
    phone: UkPhone
    medical_specialty: Text = "Gynecologic"  # a schema.org MedicalSpecialty member
    address: Address | None = None  # empty: the address of the default clinic, where it sees patients
    same_as: list[HttpsUrl] = []  # the practice's own pages elsewhere, once confirmed
    editorial_team: Text = "Editorial team"  # who writes the pages that name no author
    default_clinic: Slug
    practitioners: Annotated[list[Practitioner], Field(min_length=1)]
    clinics: Annotated[list[Clinic], Field(min_length=1)]

    @property
    def postal_address(self) -> Address:
        return self.address or next(c.address for c in self.clinics if c.id == self.default_clinic)

    @property
    def phone_e164(self) -> str:
        return _formatted(self.phone, phonenumbers.PhoneNumberFormat.E164)


class Reviewer(Strict):
    id: Slug
    name: Text  # with the prefix clinicians use, for example "Dr Jane Doe"
    role: Text
    profile: Text  # docs page of the reviewer's profile, with an optional #anchor
    specialties: list[Slug] = []  # only what the clinician has confirmed, for example gynaecology


class ReviewerRules(Strict):
    """The specialty a page's reviewer must list: pregnancy pages need `pregnancy`, every other page `default`."""

    default: Slug = "gynaecology"
    pregnancy: Slug = "obstetrics"


class Reviewers(Strict):
    required_specialties: ReviewerRules = ReviewerRules()
    reviewers: list[Reviewer] = []


class Disclaimer(Strict):
    title: Text
    paragraphs: Annotated[list[Text], Field(min_length=1)]


class Disclaimers(Strict):
    general: Disclaimer
    variants: dict[Slug, Disclaimer] = {}  # each adds to the general text
    publisher: Disclaimer  # who publishes the library and what interest it has


class ContactPlan(Strict):
    """What a page's contact block says before and about the practice's details, and the call link at its top."""

    heading: Text
    before: list[Text] = []  # who to contact first, in paragraphs
    practice_note: Text
    top_line: Text  # one sentence beside the call link under the page's title
    call_label: Text  # the call link's words, saying whom it calls ("Call the practice")
    # The number that link dials: a short number such as 999; without one, the practice's own phone.
    call_number: Annotated[str, Field(pattern=r"^[0-9]{3}$")] | None = None


class ContactPlans(Strict):
    general: ContactPlan
    pregnancy: ContactPlan


@dataclass(frozen=True)
class ProfileLink:
    """A `profile:` in a data file: the docs page (with an optional #anchor) that shows a person's profile."""

    person: str  # for example "reviewer 'test-doctor'"
    target: str
    path: str  # the data file, as shown
    line: int
    field: str

    @classmethod
    def at(cls, person: str, target: str, path: str, document: YamlDocument, entry: Location) -> ProfileLink:
        """The `profile:` of the list entry at `entry` (for example ("reviewers", 0)) in a data file."""
        loc = (*entry, "profile")
        return cls(person, target, path, document.line_of(loc), field_name(loc))


@dataclass(frozen=True)
class SiteData:
    practice: Practice
    reviewers: dict[str, Reviewer]
    disclaimers: Disclaimers
    contact: ContactPlans
    reviewer_rules: ReviewerRules = field(default_factory=ReviewerRules)
    profile_links: tuple[ProfileLink, ...] = ()  # checked once every page is known (library)

    @property
    def clinics(self) -> dict[str, Clinic]:
        return {clinic.id: clinic for clinic in self.practice.clinics}

    @property
    def practitioners(self) -> dict[str, Practitioner]:
        return {person.id: person for person in self.practice.practitioners}

    @property
    def disclaimer_variants(self) -> list[str]:
        return ["general", *self.disclaimers.variants]


ModelT = TypeVar("ModelT", bound=BaseModel)


def _load(model: type[ModelT], path: Path) -> tuple[ModelT, YamlDocument, str]:
    shown = shown_path(path)
    if not path.is_file():
        raise ProblemsFound([Problem(shown, 1, "data file is missing")])
    if path.is_symlink():
        raise ProblemsFound(
            [Problem(shown, 1, "data files may not be symbolic links; replace the link with the file itself")]
        )
    document = parse_yaml(decode(path.read_bytes(), shown), shown)
    return validate(model, document, shown), document, shown


def load_site_data(data_dir: Path) -> SiteData:
    """Load and check the three data files; problems name the data file and line."""
    problems: list[Problem] = []

    def attempt(model: type[ModelT], name: str) -> tuple[ModelT, YamlDocument, str] | None:
        try:
            return _load(model, data_dir / f"{name}.yml")
        except ProblemsFound as error:
            problems.extend(error.problems)
            return None

    practice_file = attempt(Practice, "practice")
    reviewers_file = attempt(Reviewers, "reviewers")
    disclaimers_file = attempt(Disclaimers, "disclaimers")
    contact_file = attempt(ContactPlans, "contact")
    if practice_file is None or reviewers_file is None or disclaimers_file is None or contact_file is None:
        raise ProblemsFound(problems)
    practice, document, shown = practice_file
    reviewers, disclaimers = reviewers_file[0], disclaimers_file[0]
    ids = {p.id for p in practice.practitioners}
    for index, clinic in enumerate(practice.clinics):
        if clinic.practitioner not in ids:
            problems.append(
                Problem(
                    shown,
                    document.line_of(("clinics", index, "practitioner")),
                    f"unknown practitioner '{clinic.practitioner}'; known: {', '.join(sorted(ids))}",
                    f"clinics[{index + 1}].practitioner",
                )
            )
    clinic_ids = sorted(c.id for c in practice.clinics)
    if practice.default_clinic not in clinic_ids:
        problems.append(
            Problem(
                shown,
                document.line_of(("default_clinic",)),
                f"unknown clinic '{practice.default_clinic}'; known: {', '.join(clinic_ids)}",
                "default_clinic",
            )
        )
    if problems:
        raise ProblemsFound(problems)
    # A place without a booking number of its own is reached through the practice's phone.
    clinics = [c if c.phone else c.model_copy(update={"phone": practice.phone}) for c in practice.clinics]
    practice = practice.model_copy(update={"clinics": clinics})
    reviewers_document, reviewers_shown = reviewers_file[1], reviewers_file[2]
    links = [
        ProfileLink.at(f"practitioner '{person.id}'", person.profile, shown, document, ("practitioners", index))
        for index, person in enumerate(practice.practitioners)
    ] + [
        ProfileLink.at(
            f"reviewer '{reviewer.id}'", reviewer.profile, reviewers_shown, reviewers_document, ("reviewers", index)
        )
        for index, reviewer in enumerate(reviewers.reviewers)
    ]
    return SiteData(
        practice,
        {r.id: r for r in reviewers.reviewers},
        disclaimers,
        contact_file[0],
        reviewers.required_specialties,
        tuple(links),
    )

"""One schema.org JSON-LD @graph per page, built as Python data (the Yoast pattern: nodes linked by @id).

The site-wide nodes are built once per build from `data/`: the WebSite; the practice (the business
that publishes the site and takes bookings, a `MedicalClinic`); its logo; its editorial team; each
practitioner as a `Person`; and each place where patients are seen (a `Hospital` or `MedicalClinic`
with its own address). Each page adds its own page node (MedicalWebPage, ContactPage, AboutPage,
CollectionPage or WebPage), its card image, BreadcrumbList, MedicalCondition and FAQPage.
A field that is empty in the data is left out, never filled with a guess.

Why a practitioner is a `Person` only: in schema.org 30.1 `Physician` and its subtype
`IndividualPhysician` are MedicalBusiness, so LocalBusiness, Organization and Place. Typing the doctor
`IndividualPhysician` as well would make him a local business again (with no address of his own);
`Person` carries `jobTitle`, `worksFor` (the practice) and `affiliation` (the hospital), which say
what `practicesAt` would.

Vocabulary: every type and property is checked against schema.org 30.1 by the tests (domains and
ranges included), so the URLs of enumeration members (`https://schema.org/Gynecologic`) stand where
a MedicalSpecialty or a HealthAspect is expected.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from healthpages.health_aspects import HELP_SECTION, SCHEMA, sections
from healthpages.page_model import SitePage, SitePageType, TopicPage
from healthpages.scaffold import slugify
from healthpages.site_data import Address, Reviewer, SiteData

if TYPE_CHECKING:
    from healthpages.library import PageResult
    from healthpages.settings import SiteSettings

LANGUAGE = "en-GB"
_HREF = re.compile(r'href="([^"]*)"')
# The page node's type for each kind of site page (a test checks that every kind has one); medical pages are
# MedicalWebPage.
PAGE_TYPES: dict[SitePageType, str] = {
    "home": "WebPage",
    "index": "CollectionPage",
    "experts": "AboutPage",
    "contact": "ContactPage",
    "policy": "WebPage",
}


@dataclass(frozen=True)
class Author:
    """Who wrote a medical page, as the page shows it and as the graph names it."""

    name: str  # as shown in the "Written by" line
    url: str  # relative to the site root: the profile, or the editorial policy for the team
    practitioner: str | None = None  # the practitioner's id; None: the practice's editorial team


@dataclass(frozen=True)
class PageImage:
    path: str  # relative to the site root
    alt: str
    width: int
    height: int


@dataclass(frozen=True)
class Crumb:
    name: str
    url: str


@dataclass(frozen=True)
class SiteGraph:
    """The nodes that are the same on every page, and their ids."""

    site_url: str
    nodes: tuple[dict[str, Any], ...]
    website_id: str
    practice_id: str
    editorial_team_id: str
    place_ids: dict[str, str]
    person_ids: dict[str, str]
    profile_urls: dict[str, str]  # reviewer id -> absolute URL of the profile
    policy_url: str | None  # the editorial policy: the publishing principles

    def condition_id(self, name: str) -> str:
        """One id per condition across the site, whichever pages are about it."""
        return f"{self.site_url}#/schema/condition/{slugify(name)}"


def _address(address: Address) -> dict[str, Any]:
    street = ", ".join(part for part in (address.street, address.locality) if part)
    return {
        "@type": "PostalAddress",
        "streetAddress": street,
        "addressLocality": address.city,
        "postalCode": address.postcode,
        "addressCountry": address.country_code,
    }


def build_site_graph(
    site: SiteData, settings: SiteSettings, page_url: Callable[[str], str], policy_url: str | None
) -> SiteGraph:
    """`page_url` turns a docs path such as `our-medical-experts.md#x` into an absolute URL."""
    base = settings.site_url.rstrip("/") + "/"
    practice = site.practice
    person_ids = {p.id: f"{base}#/schema/person/{p.id}" for p in practice.practitioners}
    place_ids = {c.id: f"{base}#/schema/place/{c.id}" for c in practice.clinics}
    practice_id, logo_id = f"{base}#/schema/practice", f"{base}#/schema/logo"
    team_id = f"{base}#/schema/editorial-team"
    logo_url = base + settings.logo
    principles = {"publishingPrinciples": policy_url} if policy_url else {}
    nodes: list[dict[str, Any]] = [
        {
            "@type": "WebSite",
            "@id": f"{base}#/schema/website",
            "url": base,
            "name": settings.site_name,
            "inLanguage": LANGUAGE,
            "publisher": {"@id": practice_id},
        },
        {
            "@type": "MedicalClinic",
            "@id": practice_id,
            "name": practice.name,
            "description": practice.description,
            "url": str(practice.website),
            "telephone": practice.phone_e164,
            "address": _address(practice.postal_address),
            "logo": {"@id": logo_id},
            "image": {"@id": logo_id},
            "medicalSpecialty": SCHEMA + practice.medical_specialty,
            "location": [{"@id": place_ids[c.id]} for c in practice.clinics],
            **principles,
            **({"sameAs": [str(u) for u in practice.same_as]} if practice.same_as else {}),
        },
        {
            "@type": "ImageObject",
            "@id": logo_id,
            "url": logo_url,
            "contentUrl": logo_url,
            "caption": practice.name,
        },
        {
            "@type": "Organization",
            "@id": team_id,
            "name": f"{practice.editorial_team}, {practice.name}",
            "parentOrganization": {"@id": practice_id},
            **({"url": policy_url, **principles} if policy_url else {}),
        },
    ]
    for place in practice.clinics:
        node: dict[str, Any] = {
            "@type": place.schema_type,
            "@id": place_ids[place.id],
            "name": place.name,
            "address": _address(place.address),
        }
        if place.website is not None:
            node["url"] = str(place.website)
        nodes.append(node)
    for person in practice.practitioners:
        node = {
            "@type": "Person",
            "@id": person_ids[person.id],
            "name": person.name,
            "honorificPrefix": person.honorific_prefix,
            "jobTitle": person.job_title,
            "description": person.summary,
            "url": page_url(person.profile),
            "worksFor": {"@id": practice_id},
            "affiliation": [{"@id": place_ids[c.id]} for c in practice.clinics if c.practitioner == person.id],
            "image": base + person.image if person.image else "",
            "sameAs": [str(u) for u in person.same_as],
        }
        nodes.append({key: value for key, value in node.items() if value})
    profile_urls = {reviewer.id: page_url(reviewer.profile) for reviewer in site.reviewers.values()}
    return SiteGraph(
        base,
        tuple(nodes),
        f"{base}#/schema/website",
        practice_id,
        team_id,
        place_ids,
        person_ids,
        profile_urls,
        policy_url,
    )


def page_graph(graph: SiteGraph, result: PageResult) -> dict[str, Any]:
    model, url = result.model, result.url
    page_id = f"{url}#/schema/webpage"
    kind = "MedicalWebPage" if isinstance(model, TopicPage) else PAGE_TYPES[model.page_type]
    page: dict[str, Any] = {
        "@type": kind,
        "@id": page_id,
        "url": url,
        "name": model.title,
        "description": model.description,
        "inLanguage": LANGUAGE,
        "isPartOf": {"@id": graph.website_id},
        "publisher": {"@id": graph.practice_id},
        "dateModified": (result.modified or model.updated).isoformat(),
    }
    nodes: list[dict[str, Any]] = [*graph.nodes, page]
    if result.image is not None:
        image_url = graph.site_url + result.image.path
        page["image"] = {"@id": image_url}
        nodes.append(
            {
                "@type": "ImageObject",
                "@id": image_url,
                "url": image_url,
                "contentUrl": image_url,
                "caption": result.image.alt,
                "encodingFormat": "image/png",
            }
        )
    if isinstance(model, SitePage) and model.page_type in ("experts", "contact"):
        page["about"] = {"@id": graph.practice_id}
    if isinstance(model, TopicPage):
        _medical_page(graph, result, model, page)
        if model.condition is not None:
            nodes.append(_condition(graph, model))
    crumbs = result.breadcrumb
    if len(crumbs) > 1:
        crumb_id = f"{url}#/schema/breadcrumb"
        page["breadcrumb"] = {"@id": crumb_id}
        nodes.append(
            {
                "@type": "BreadcrumbList",
                "@id": crumb_id,
                "itemListElement": [
                    {
                        "@type": "ListItem",
                        "position": n,
                        "name": crumb.name,
                        "item": {"@id": page_id}
                        if crumb.url == url
                        else {"@type": "WebPage", "@id": f"{crumb.url}#/schema/webpage", "url": crumb.url},
                    }
                    for n, crumb in enumerate(crumbs, start=1)
                ],
            }
        )
    # A page awaiting clinical review does not hand its answers to answer engines, which would quote them
    # without the page's notice (unless the site's settings let drafts be indexed).
    if result.faq and result.indexable:
        nodes.append(
            {
                "@type": "FAQPage",
                "@id": f"{url}#/schema/faq",
                "url": url,
                "name": model.title,
                "inLanguage": LANGUAGE,
                "isPartOf": {"@id": page_id},
                "mainEntity": [
                    {
                        "@type": "Question",
                        "@id": f"{url}#{item.anchor}",
                        "url": f"{url}#{item.anchor}",
                        "name": item.question,
                        "acceptedAnswer": {"@type": "Answer", "text": _absolute_links(item.answer_html, url)},
                    }
                    for item in result.faq
                ],
            }
        )
    return {"@context": "https://schema.org", "@graph": nodes}


def _medical_page(graph: SiteGraph, result: PageResult, model: TopicPage, page: dict[str, Any]) -> None:
    """Authorship, review, dates, audience, subject and sections of a medical page."""
    url = result.url
    page["datePublished"] = model.published.isoformat()
    page["medicalAudience"] = {"@type": "Patient"}
    author = result.author
    if author is not None:
        person = author.practitioner
        page["author"] = {"@id": graph.person_ids[person] if person else graph.editorial_team_id}
    if graph.policy_url:
        page["publishingPrinciples"] = graph.policy_url
    if model.clinic_id:
        page["provider"] = {"@id": graph.place_ids[model.clinic_id]}
    review = result.review
    if review is not None and review.status == "reviewed" and review.reviewer is not None and review.reviewed:
        page["lastReviewed"] = review.reviewed.isoformat()
        page["reviewedBy"] = _reviewer_node(graph, review.reviewer)
    condition_ref = {"@id": graph.condition_id(model.condition.name)} if model.condition else None
    if condition_ref:
        page["about"] = condition_ref
    anchor, name, aspects = HELP_SECTION
    parts = [(anchor, name, tuple(SCHEMA + a for a in aspects)), *sections(result.headings)]
    page["hasPart"] = [
        {
            "@type": "HealthTopicContent",
            "@id": f"{url}#{anchor}",
            "url": f"{url}#{anchor}",
            "name": name,
            **({"hasHealthAspect": list(aspects)} if aspects else {}),
            **({"about": condition_ref} if condition_ref else {}),
        }
        for anchor, name, aspects in parts
    ]


def _absolute_links(html: str, page_url: str) -> str:
    """Links in an answer as full addresses: the answer is read away from the page."""
    return _HREF.sub(lambda m: f'href="{urljoin(page_url, m.group(1))}"', html)


def _reviewer_node(graph: SiteGraph, reviewer: Reviewer) -> dict[str, Any]:
    if reviewer.id in graph.person_ids:
        return {"@id": graph.person_ids[reviewer.id]}
    return {"@type": "Person", "name": reviewer.name, "jobTitle": reviewer.role, "url": graph.profile_urls[reviewer.id]}


def _condition(graph: SiteGraph, model: TopicPage) -> dict[str, Any]:
    condition = model.condition
    assert condition is not None
    node: dict[str, Any] = {
        "@type": "MedicalCondition",
        "@id": graph.condition_id(condition.name),
        "name": condition.name,
    }
    if condition.alternate_names:
        node["alternateName"] = list(condition.alternate_names)
    if condition.code:
        node["code"] = [
            {"@type": "MedicalCode", "codeValue": code.value, "codingSystem": code.system} for code in condition.code
        ]
    if condition.same_as:
        node["sameAs"] = [str(url) for url in condition.same_as]
    if condition.symptoms:
        node["signOrSymptom"] = [{"@type": "MedicalSignOrSymptom", "name": s} for s in condition.symptoms]
    if condition.causes:
        node["cause"] = [{"@type": "MedicalCause", "name": c} for c in condition.causes]
    if condition.risk_factors:
        node["riskFactor"] = [{"@type": "MedicalRiskFactor", "name": r} for r in condition.risk_factors]
    if condition.treatments:
        node["possibleTreatment"] = [{"@type": "MedicalTherapy", "name": t} for t in condition.treatments]
    return node

"""One schema.org JSON-LD @graph per page, built as Python data (the Yoast pattern: nodes linked by @id).

The site-wide nodes (WebSite, the clinics, the practitioners) are built once per build; each page
adds its MedicalWebPage, BreadcrumbList, MedicalCondition and FAQPage. A node whose required data
is missing is left out rather than emitted half-empty.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from healthpages.page_model import TopicPage
from healthpages.site_data import Clinic, Reviewer, SiteData

if TYPE_CHECKING:
    from healthpages.library import PageResult

LANGUAGE = "en-GB"
_HREF = re.compile(r'href="([^"]*)"')


@dataclass(frozen=True)
class SiteGraph:
    """The nodes that are the same on every page, and their ids."""

    site_url: str
    nodes: tuple[dict[str, Any], ...]
    website_id: str
    publisher_id: str
    clinic_ids: dict[str, str]
    practitioner_ids: dict[str, str]
    profile_urls: dict[str, str]  # reviewer id -> absolute URL of the profile


def _address(clinic: Clinic) -> dict[str, Any]:
    address = clinic.address
    street = ", ".join(part for part in (address.street, address.locality) if part)
    return {
        "@type": "PostalAddress",
        "streetAddress": street,
        "addressLocality": address.city,
        "postalCode": address.postcode,
        "addressCountry": address.country_code,
    }


def build_site_graph(site: SiteData, site_url: str, site_name: str, page_url: Callable[[str], str]) -> SiteGraph:
    """`page_url` turns a docs path such as `our-medical-experts.md#x` into an absolute URL."""
    base = site_url.rstrip("/") + "/"
    practitioner_ids = {p.id: f"{base}#/schema/physician/{p.id}" for p in site.practice.practitioners}
    clinic_ids = {c.id: f"{base}#/schema/clinic/{c.id}" for c in site.practice.clinics}
    publisher_id = practitioner_ids[site.practice.practitioners[0].id]
    nodes: list[dict[str, Any]] = [
        {
            "@type": "WebSite",
            "@id": f"{base}#/schema/website",
            "url": base,
            "name": site_name,
            "inLanguage": LANGUAGE,
            "publisher": {"@id": publisher_id},
        }
    ]
    for clinic in site.practice.clinics:
        nodes.append(
            {
                "@type": "MedicalClinic",
                "@id": clinic_ids[clinic.id],
                "name": clinic.name,
                "url": str(clinic.website),
                "telephone": clinic.phone_e164,
                "address": _address(clinic),
                "medicalSpecialty": site.practitioners[clinic.practitioner].specialty,
            }
        )
    for person in site.practice.practitioners:
        locations = [{"@id": clinic_ids[c.id]} for c in site.practice.clinics if c.practitioner == person.id]
        node: dict[str, Any] = {
            "@type": "Physician",
            "@id": practitioner_ids[person.id],
            "name": person.display_name,
            "description": person.summary,
            "medicalSpecialty": person.specialty,
            "url": page_url(person.profile),
        }
        if locations:
            node["location"] = locations
        nodes.append(node)
    profile_urls = {reviewer.id: page_url(reviewer.profile) for reviewer in site.reviewers.values()}
    return SiteGraph(
        base, tuple(nodes), f"{base}#/schema/website", publisher_id, clinic_ids, practitioner_ids, profile_urls
    )


@dataclass(frozen=True)
class Crumb:
    name: str
    url: str


def page_graph(graph: SiteGraph, result: PageResult) -> dict[str, Any]:
    model, url = result.model, result.url
    page_id = f"{url}#/schema/webpage"
    page: dict[str, Any] = {
        "@type": "MedicalWebPage" if result.is_medical else "WebPage",
        "@id": page_id,
        "url": url,
        "name": model.title,
        "description": model.description,
        "inLanguage": LANGUAGE,
        "isPartOf": {"@id": graph.website_id},
        "dateModified": (result.modified or model.updated).isoformat(),
    }
    nodes: list[dict[str, Any]] = [*graph.nodes, page]
    if isinstance(model, TopicPage):
        page["datePublished"] = model.published.isoformat()
        page["medicalAudience"] = {"@type": "Patient"}
        page["publisher"] = {"@id": graph.publisher_id}
        if model.clinic_id:
            page["provider"] = {"@id": graph.clinic_ids[model.clinic_id]}
        review = result.review
        if review is not None and review.status == "reviewed" and review.reviewer is not None and review.reviewed:
            page["lastReviewed"] = review.reviewed.isoformat()
            page["reviewedBy"] = _reviewer_node(graph, review.reviewer)
        if model.condition is not None:
            page["about"] = _condition(model, url)
    crumbs = result.breadcrumb
    if len(crumbs) > 1:
        crumb_id = f"{url}#/schema/breadcrumb"
        page["breadcrumb"] = {"@id": crumb_id}
        nodes.append(
            {
                "@type": "BreadcrumbList",
                "@id": crumb_id,
                "itemListElement": [
                    {"@type": "ListItem", "position": n, "name": crumb.name, "item": crumb.url}
                    for n, crumb in enumerate(crumbs, start=1)
                ],
            }
        )
    if result.faq:
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


def _absolute_links(html: str, page_url: str) -> str:
    """Links in an answer as full addresses: the answer is read away from the page."""
    return _HREF.sub(lambda m: f'href="{urljoin(page_url, m.group(1))}"', html)


def _reviewer_node(graph: SiteGraph, reviewer: Reviewer) -> dict[str, Any]:
    if reviewer.id in graph.practitioner_ids:
        return {"@id": graph.practitioner_ids[reviewer.id]}
    return {"@type": "Person", "name": reviewer.name, "jobTitle": reviewer.role, "url": graph.profile_urls[reviewer.id]}


def _condition(model: TopicPage, url: str) -> dict[str, Any]:
    condition = model.condition
    assert condition is not None
    node: dict[str, Any] = {"@type": "MedicalCondition", "@id": f"{url}#/schema/condition", "name": condition.name}
    if condition.alternate_names:
        node["alternateName"] = list(condition.alternate_names)
    if condition.symptoms:
        node["signOrSymptom"] = [{"@type": "MedicalSignOrSymptom", "name": s} for s in condition.symptoms]
    if condition.risk_factors:
        node["riskFactor"] = [{"@type": "MedicalRiskFactor", "name": r} for r in condition.risk_factors]
    if condition.treatments:
        node["possibleTreatment"] = [{"@type": "MedicalTherapy", "name": t} for t in condition.treatments]
    return node

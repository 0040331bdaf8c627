"""Integration: build the fixture site with --strict and read what readers and crawlers get."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import lxml.etree
import lxml.html
import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from healthpages.front_matter import split_page
from healthpages.site_data import load_site_data
from sitebuild import (
    FIXTURES,
    ROOT,
    TODAY,
    build_site,
    copy_fixture_site,
    engines,
    jsonld_blocks,
    read_html,
    zensical_build,
)


def text_of(document: lxml.html.HtmlElement, css_class: str) -> str:
    nodes = document.xpath(f"//*[contains(concat(' ', @class, ' '), ' {css_class} ')]")
    return " ".join(" ".join(n.text_content().split()) for n in nodes)


def webpage_node(document: lxml.html.HtmlElement) -> dict[str, Any]:
    (graph,) = jsonld_blocks(document)
    return next(n for n in graph["@graph"] if n["@type"] in ("MedicalWebPage", "WebPage"))


@pytest.fixture(scope="session")
def zensical_fixture_built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture site built once by Zensical and finished by healthpages (the tests only read it)."""
    return zensical_build(copy_fixture_site(tmp_path_factory.mktemp("zensical-fixture")) / "mkdocs.yml", TODAY)


@pytest.fixture
def built(engine: str, request: pytest.FixtureRequest) -> Path:
    """The fixture site as `engine` built it (MkDocs unless the test is parametrised with `engines()`), built
    once per session: the tests only read it."""
    site: Path = request.getfixturevalue("zensical_fixture_built" if engine == "zensical" else "fixture_site_built")
    return site


@pytest.mark.parametrize("engine", engines())
def test_reviewed_page_shows_review_line_and_carries_review_data(built: Path) -> None:
    page = read_html(built / "conditions/reviewed/index.html")
    review = text_of(page, "health-review")
    assert "Page last reviewed: 1 June 2026, by Dr Ada Example, Consultant in Obstetrics and Gynaecology" in review
    assert "Next review due: 1 June 2027" in review
    times = [t.get("datetime") for t in page.xpath("//footer[@id='page-review']//time")]
    assert times[:2] == ["2026-06-01", "2027-06-01"]
    # The trust line near the title links to the review line.
    assert page.xpath("//ul[@class='health-facts']//a[@href='#page-review']")
    node = webpage_node(page)
    assert node["lastReviewed"] == "2026-06-01"
    assert node["reviewedBy"] == {"@id": "https://library.example/#/schema/person/test-doctor"}
    assert not page.xpath("//*[contains(@class, 'health-notice--draft')]")


@pytest.mark.parametrize("engine", engines())
def test_when_to_get_help_renders_its_tiers_in_order_near_the_top(built: Path) -> None:
    page = read_html(built / "conditions/reviewed/index.html")
    (block,) = page.xpath("//section[@class='health-help']")
    assert block.xpath("./h2/text()") == ["When to get help"]
    tiers = [
        (" ".join(t.xpath("string(./h3)").split()), [" ".join(li.text_content().split()) for li in t.xpath(".//li")])
        for t in block.xpath("./div")
    ]
    assert tiers == [
        ("Call 999 or go to A&E now if:", ["you are bleeding heavily"]),
        ("Call your maternity unit now if:", ["your waters break", "your baby is moving less than usual"]),
    ]
    # Near the top: straight after the key points, before the first section of the body.
    headings = [" ".join(h.text_content().replace("¶", "").split()) for h in page.xpath("//article//h2")]
    assert headings[:3] == ["Key points", "When to get help", "What is it?"]
    assert "Who this page is for: Anyone who is pregnant" in " ".join(
        page.xpath("string(//p[@class='health-audience'])").split()
    )


@pytest.mark.parametrize("engine", engines())
def test_draft_page_says_so_and_claims_no_review(built: Path) -> None:
    page = read_html(built / "conditions/draft/index.html")
    assert "This page has not yet been clinically reviewed." in text_of(page, "health-notice--draft")
    assert "not yet been clinically reviewed" in text_of(page, "health-review")
    assert "Page last reviewed" not in page.text_content()
    node = webpage_node(page)
    assert "lastReviewed" not in node and "reviewedBy" not in node


def test_overdue_page_shows_notice_and_warns(
    fixture_site: Path, tmp_path: Path, plugin_log: pytest.LogCaptureFixture
) -> None:
    shutil.copy(FIXTURES / "pages" / "overdue.md", fixture_site / "docs" / "conditions" / "overdue.md")
    with pytest.raises(Abort):  # the warning fails a strict build
        build_site(fixture_site / "mkdocs.yml", tmp_path / "strict")
    out = build_site(fixture_site / "mkdocs.yml", tmp_path / "out", strict=False)
    assert any(
        r.getMessage().endswith(
            "conditions/overdue.md:16: review.next_review: overdue for review: next review was due 1 January 2026"
        )
        and r.levelname == "WARNING"
        for r in plugin_log.records
    )
    page = read_html(out / "conditions/overdue/index.html")
    assert "This page is overdue for review." in text_of(page, "health-notice--overdue")
    assert "(overdue)" in text_of(page, "health-review")


def test_release_mode_refuses_drafts(fixture_site: Path, tmp_path: Path, plugin_log: pytest.LogCaptureFixture) -> None:
    with pytest.raises(Abort):
        build_site(fixture_site / "mkdocs.yml", tmp_path / "out", release=True)
    messages = [r.getMessage() for r in plugin_log.records if r.levelname == "ERROR"]
    assert any(
        m.endswith(
            "conditions/draft.md:12: review.status: is a draft: a release needs a clinical sign-off "
            "(see `healthpages sign`)"
        )
        for m in messages
    )
    assert any(m.startswith("1 problem in the pages or data") for m in messages)


@pytest.mark.parametrize("engine", engines())
def test_disclaimers_only_on_medical_pages_with_their_variant(built: Path) -> None:
    reviewed = read_html(built / "conditions/reviewed/index.html")
    draft = read_html(built / "conditions/draft/index.html")
    assert "About this information" in text_of(reviewed, "health-disclaimer")
    assert "If you are pregnant" in text_of(reviewed, "health-disclaimer")  # disclaimer: pregnancy
    assert "About this information" in text_of(draft, "health-disclaimer")
    assert "If you are pregnant" not in text_of(draft, "health-disclaimer")
    for name in ("index.html", "contact/index.html", "experts/index.html", "conditions/index.html"):
        assert not read_html(built / name).xpath("//*[contains(@class, 'health-disclaimer')]"), name


def test_contact_block_uses_the_chosen_clinic(built: Path, fixture_site: Path, tmp_path: Path) -> None:
    reviewed = read_html(built / "conditions/reviewed/index.html")  # clinic: south
    draft = read_html(built / "conditions/draft/index.html")  # default clinic: north
    assert "South Hospital" in text_of(reviewed, "health-contact")
    assert reviewed.xpath("//section[@class='health-contact']//a/@href[starts-with(., 'tel:')]") == [
        "tel:+441225123456"
    ]
    assert draft.xpath("//section[@class='health-contact']//a/@href[starts-with(., 'tel:')]") == ["tel:+441174404224"]
    maps = draft.xpath("//section[@class='health-contact']//a/@href[contains(., 'maps')]")
    assert maps == [
        "https://www.google.com/maps/search/?api=1&query=1+Test+Street%2C+Bristol%2C+BS1+1AA%2C+United+Kingdom"
    ]
    contact = read_html(built / "contact/index.html")
    assert set(contact.xpath("//a/@href[starts-with(., 'tel:')]")) == {"tel:+441174404224", "tel:+441225123456"}
    # clinic: none turns the block off.
    shutil.copy(FIXTURES / "pages" / "overdue.md", fixture_site / "docs" / "conditions" / "overdue.md")
    out = build_site(fixture_site / "mkdocs.yml", tmp_path / "none", strict=False)
    overdue = read_html(out / "conditions/overdue/index.html")
    assert not overdue.xpath("//section[@class='health-contact']")


def test_bad_page_fails_the_build_with_path_and_line(
    fixture_site: Path, tmp_path: Path, plugin_log: pytest.LogCaptureFixture
) -> None:
    page = fixture_site / "docs" / "conditions" / "draft.md"
    page.write_text(page.read_text().replace("updated: 2026-10-01", "updated: 2026-13-01"))
    with pytest.raises(Abort):
        build_site(fixture_site / "mkdocs.yml", tmp_path / "out")
    messages = [r.getMessage() for r in plugin_log.records if r.levelname == "ERROR"]
    assert any(m.startswith("1 problem in the pages or data") for m in messages)
    assert any(
        m.endswith(
            "conditions/draft.md:4: updated: '2026-13-01' is not a real date; use YYYY-MM-DD, for example 2026-11-21"
        )
        for m in messages
    ), messages


def test_mkdocs_command_prints_problems_not_a_traceback(fixture_site: Path, tmp_path: Path) -> None:
    page = fixture_site / "docs" / "conditions" / "draft.md"
    page.write_text(
        page.read_text()
        .replace("description: A topic page that is still waiting for a clinical review, used by the tests.\n", "")
        .replace("  status: draft", "  status: reviewed\n  reviewer: dr-who\n  reviewed: 2026-01-01")
    )
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "out")],
        cwd=fixture_site,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "docs/conditions/draft.md:2: description: is required but missing" in result.stderr
    assert (
        "docs/conditions/draft.md:12: review.reviewer: unknown reviewer 'dr-who'; use an id from "
        "data/reviewers.yml: test-doctor"
    ) in result.stderr


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    first = build_site(ROOT / "mkdocs.yml", tmp_path / "one")
    second = build_site(ROOT / "mkdocs.yml", tmp_path / "two")
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    different = [str(f) for f in files if (first / f).read_bytes() != (second / f).read_bytes()]
    assert different == []
    assert "sitemap.xml.gz" in {f.name for f in files}


def sitemap_entries(site: Path) -> dict[str, str | None]:
    """The sitemap as a crawler reads it: each address with its <lastmod> (None when it has none)."""
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    root = lxml.etree.parse(str(site / "sitemap.xml")).getroot()
    return {
        str(url.findtext("s:loc", namespaces=namespace)): url.findtext("s:lastmod", namespaces=namespace)
        for url in root.iterfind("s:url", namespace)
    }


@pytest.mark.parametrize("engine", engines())
def test_sitemap_lastmod_is_each_pages_own_date(built: Path) -> None:
    entries = sitemap_entries(built)
    # Signed on 2026-06-01 after its last update on 2026-05-20: the later of the two.
    assert entries["https://library.example/conditions/reviewed/"] == "2026-06-01"
    assert entries["https://library.example/"] == "2026-11-01"


@pytest.mark.parametrize("engine", engines())
def test_sitemap_lists_the_indexable_pages_each_with_its_own_date(shipped_site: Path) -> None:
    listed, kept_out = {}, []
    for path in sorted(shipped_site.rglob("index.html")):
        folder = path.parent.relative_to(shipped_site).as_posix()
        url = "https://www.bristolendogyn.com/" + ("" if folder == "." else folder + "/")
        if read_html(path).xpath("//meta[@name='robots' and contains(@content, 'noindex')]"):
            kept_out.append(url)
            continue
        source = next(p for p in (ROOT / "docs" / f"{folder}.md", ROOT / "docs" / folder / "index.md") if p.is_file())
        updated = split_page(source.read_text(encoding="utf-8"), source.name).front_matter.data["updated"]
        listed[url] = updated.isoformat()
    assert listed and kept_out  # the drafts are kept out of search engines; the site pages are listed
    assert sitemap_entries(shipped_site) == listed


@pytest.mark.parametrize("engine", engines())
def test_robots_txt_points_to_the_sitemap(shipped_site: Path) -> None:
    robots = (shipped_site / "robots.txt").read_text()
    assert "Sitemap: https://www.bristolendogyn.com/sitemap.xml" in robots.splitlines()


def test_large_sections_collapse_to_their_index_page(fixture_site: Path, tmp_path: Path) -> None:
    def nav_links(site: Path) -> list[str]:
        page = read_html(site / "conditions/reviewed/index.html")
        return [a.get("href") for a in page.xpath("//nav[contains(@class, 'md-nav--primary')]//a[@href]")]

    full = build_site(fixture_site / "mkdocs.yml", tmp_path / "full")
    assert "../draft/" in nav_links(full)  # a small section renders every page, as Material does
    bounded = build_site(fixture_site / "mkdocs.yml", tmp_path / "bounded", nav_section_limit=2)
    links = nav_links(bounded)
    assert "../draft/" not in links and "../" in links  # only the section's index page (the A to Z)


@pytest.mark.parametrize("engine", engines())
def test_page_titles_name_the_page_then_the_site(shipped_site: Path) -> None:
    assert read_html(shipped_site / "index.html").xpath("//title")[0].text == "Gynaecology health library"
    contact = read_html(shipped_site / "contact/index.html")
    assert contact.xpath("//title")[0].text == "Contact us - Gynaecology health library"


def test_dirty_rebuild_keeps_titles_and_related_topics(fixture_site: Path, tmp_path: Path) -> None:
    out = build_site(fixture_site / "mkdocs.yml", tmp_path / "out")
    edited = fixture_site / "docs/conditions/draft.md"
    later = time.time() + 60
    os.utime(edited, (later, later))
    config = load_config(str(fixture_site / "mkdocs.yml"), site_dir=str(out))
    config.extra["health_library"]["today"] = "2026-11-21"
    config.plugins.on_startup(command="serve", dirty=True)
    build(config, dirty=True)  # what `mkdocs serve --dirty` does after an edit
    page = read_html(out / "conditions/draft/index.html")
    nav = [" ".join(a.text_content().split()) for a in page.xpath("//nav[contains(@class, 'md-nav--primary')]//a")]
    assert "None" not in nav and "Reviewed condition" in nav
    assert page.xpath("//nav[@class='health-related']//a/text()") == ["Reviewed condition"]


def test_contact_block_fits_the_kind_of_page(built: Path) -> None:
    pregnancy = read_html(built / "conditions/reviewed/index.html")  # a pregnancy page
    general = read_html(built / "conditions/draft/index.html")
    contact = load_site_data(FIXTURES / "data").contact
    (block,) = pregnancy.xpath("//section[@class='health-contact']")
    texts = [" ".join(e.text_content().split()) for e in block.xpath("./h2 | ./p")]
    # The maternity unit first, then what the practice's line is (and is not) for, then its details.
    assert texts == [
        contact.pregnancy.heading,
        *contact.pregnancy.before,
        " ".join(contact.pregnancy.practice_note.split()),
    ]
    assert block.xpath(".//a/@href[starts-with(., 'tel:')]")
    (block,) = general.xpath("//section[@class='health-contact']")
    assert [" ".join(e.text_content().split()) for e in block.xpath("./h2 | ./p")] == [
        contact.general.heading,
        " ".join(contact.general.practice_note.split()),
    ]


def test_every_medical_page_says_who_publishes_it(built: Path) -> None:
    publisher = load_site_data(FIXTURES / "data").disclaimers.publisher
    for name in ("conditions/reviewed/index.html", "conditions/draft/index.html"):
        aside = read_html(built / name).xpath("//aside[@class='health-disclaimer']")[0]
        assert publisher.title in aside.text_content()
        assert " ".join(publisher.paragraphs[0].split()) in " ".join(aside.text_content().split())


def test_practitioner_photo_and_same_as_appear_only_when_supplied(
    fixture_site: Path, tmp_path: Path, plugin_log: pytest.LogCaptureFixture
) -> None:
    data = fixture_site.parent / "data" / "practice.yml"
    supplied = (
        "    profile: experts.md#dr-ada-example\n    image: assets/ada.png\n    same_as: [https://people.example/ada]\n"
    )
    data.write_text(data.read_text().replace("    profile: experts.md#dr-ada-example\n", supplied))
    with pytest.raises(Abort):  # the photo is named but not there
        build_site(fixture_site / "mkdocs.yml", tmp_path / "missing")
    assert any(
        r.getMessage().endswith(
            "data/practice.yml:1: image: practitioner 'test-doctor': image 'assets/ada.png' is not a file in docs/; "
            "give the path of the photo from docs/, for example assets/photo.jpg"
        )
        for r in plugin_log.records
    )
    (fixture_site / "docs" / "assets").mkdir()
    (fixture_site / "docs" / "assets" / "ada.png").write_bytes((ROOT / "overrides/assets/logo.png").read_bytes())
    out = build_site(fixture_site / "mkdocs.yml", tmp_path / "out")
    (graph,) = jsonld_blocks(read_html(out / "conditions/reviewed/index.html"))
    (person,) = [n for n in graph["@graph"] if n["@type"] == "Person"]
    assert person["image"] == "https://library.example/assets/ada.png" and (out / "assets/ada.png").is_file()
    assert person["sameAs"] == ["https://people.example/ada"]

"""Stable addresses: a renamed page's old address keeps working (mkdocs-redirects), and the build demands the
redirect, with the line to add, when an address of the last release (published-urls.txt) has no page any more."""

from __future__ import annotations

import posixpath
import subprocess
import sys
from pathlib import Path

import lxml.html
import pytest
from mkdocs.exceptions import Abort

from healthpages.published import PUBLISHED, read_published, write_published
from healthpages.settings import read_settings
from sitebuild import ROOT, build_site, read_html

REDIRECTS = "  - search\n  - redirects:\n      redirect_maps: {}\n"


def _released_then_renamed(site: Path) -> None:
    """The fixture site as released (its addresses recorded), then conditions/draft.md renamed."""
    config = site / "mkdocs.yml"
    config.write_text(
        config.read_text().replace("markdown_extensions:", "plugins:\n" + REDIRECTS + "markdown_extensions:")
    )
    settings = read_settings(config)
    write_published(
        settings, frozenset(p.relative_to(settings.docs_dir).as_posix() for p in settings.docs_dir.rglob("*.md"))
    )
    (site / "docs/conditions/draft.md").rename(site / "docs/conditions/early-draft.md")
    config.write_text(config.read_text().replace("conditions/draft.md", "conditions/early-draft.md"))
    reviewed = site / "docs/conditions/reviewed.md"
    reviewed.write_text(reviewed.read_text().replace("draft.md", "early-draft.md"))


def test_published_list_is_written_and_read_back(fixture_site: Path) -> None:
    settings = read_settings(fixture_site / "mkdocs.yml")
    path = write_published(settings, frozenset({"index.md", "conditions/index.md", "conditions/draft.md"}))
    assert path == fixture_site / PUBLISHED
    assert read_published(path, PUBLISHED) == [(3, ""), (4, "conditions/"), (5, "conditions/draft/")]


def test_the_shipped_site_records_every_published_address() -> None:
    settings = read_settings(ROOT / "mkdocs.yml")
    published = {url for _, url in read_published(ROOT / PUBLISHED, PUBLISHED)}
    pages = {settings.page_url(p.relative_to(settings.docs_dir).as_posix()) for p in settings.docs_dir.rglob("*.md")}
    assert published == pages


def test_a_renamed_page_without_a_redirect_is_refused_with_the_line_to_add(fixture_site: Path, tmp_path: Path) -> None:
    _released_then_renamed(fixture_site)
    expected = (
        "mkdocs.yml:14: redirects: the address 'conditions/draft/' was published (published-urls.txt line 5) but "
        "no page has it now, so links to it in leaflets and letters would break; redirect it to the page that "
        "replaced it: add this line after line 14 of mkdocs.yml (redirect_maps:, without its {} if it has one): "
        "'        conditions/draft.md: conditions/early-draft.md'"
    )
    check = subprocess.run(
        [sys.executable, "-m", "healthpages", "check", "--quiet"],
        cwd=fixture_site,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.returncode == 1
    # (The reviewed page links to the renamed one, so it has changed since its review: a note, not a problem.)
    assert [line for line in check.stdout.splitlines() if not line.startswith("note:")] == [expected]
    with pytest.raises(Abort), pytest.MonkeyPatch.context() as env:
        env.chdir(fixture_site)
        build_site(fixture_site / "mkdocs.yml", tmp_path / "out")


def test_the_old_address_of_a_renamed_page_leads_to_the_page(fixture_site: Path, tmp_path: Path) -> None:
    _released_then_renamed(fixture_site)
    config = fixture_site / "mkdocs.yml"
    config.write_text(
        config.read_text().replace(
            "redirect_maps: {}", "redirect_maps:\n        conditions/draft.md: conditions/early-draft.md"
        )
    )
    out = build_site(config, tmp_path / "out")
    # Follow the old address as a browser does: the page there sends the reader on with a refresh and a link.
    old = read_html(out / "conditions/draft/index.html")
    (refresh,) = old.xpath("//meta[@http-equiv='refresh']/@content")
    target = refresh.split("url=", 1)[1]
    assert old.xpath("//a/@href") == [target]
    followed = posixpath.normpath(posixpath.join("/conditions/draft/", target)) + "/"
    assert followed == "/conditions/early-draft/"
    page = read_html(out / followed.strip("/") / "index.html")
    assert page.xpath("string(//h1)").strip() == "Draft condition"
    # The old address is not a page of its own: crawlers are told the new one is canonical, and it shows nothing.
    assert old.xpath("//link[@rel='canonical']/@href") == [target]
    assert lxml.html.tostring(old).count(b"<h1") == 0

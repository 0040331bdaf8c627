"""Shared helpers for the tests: build a site the way `mkdocs build` (or `zensical build` followed by
`healthpages finish`) does and read its HTML."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import lxml.html
import markdown
import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from healthpages.library import LibraryBuilder, PageRecord
from healthpages.page_data import take_page_data
from healthpages.page_model import is_topic_path
from healthpages.settings import TODAY_VARIABLE, SiteSettings, read_mkdocs_yml, read_settings
from healthpages.site_data import SiteData, load_site_data

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
TODAY = "2026-11-21"

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

# The engines that build the shipped site; tests parametrised over them read the same pages from each.
ENGINES = ("mkdocs", "zensical")


def engines(zensical_cannot: str | None = None) -> list[Any]:
    """Parameters for `engine`; with a reason, Zensical's run is an expected failure that must keep failing."""
    marks = [pytest.mark.xfail(strict=True, reason=f"Zensical 0.0.73: {zensical_cannot}")] if zensical_cannot else []
    return [pytest.param("mkdocs", id="mkdocs"), pytest.param("zensical", marks=marks, id="zensical")]


def copy_fixture_site(directory: Path) -> Path:
    """A writable copy of tests/fixtures/site (with its data folder beside it) in `directory`."""
    shutil.copytree(FIXTURES / "data", directory / "data")
    site = directory / "site"
    shutil.copytree(FIXTURES / "site", site)
    text = (site / "mkdocs.yml").read_text()
    # The copy lives elsewhere: point it back at the project's own overrides and hooks.
    text = text.replace("../../../overrides", str(ROOT / "overrides")).replace(
        "../../../hooks/health_library.py", str(ROOT / "hooks" / "health_library.py")
    )
    (site / "mkdocs.yml").write_text(text)
    return site


def build_site(config_file: Path, site_dir: Path, strict: bool = True, **extra: object) -> Path:
    """Build like `mkdocs build [--strict]`; raises on an error or, in strict mode, a warning."""
    config = load_config(str(config_file), site_dir=str(site_dir), strict=strict)
    settings = dict(config.extra.get("health_library") or {})
    settings.setdefault("today", TODAY)
    settings.update(extra)
    config.extra["health_library"] = settings
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
    return site_dir


def copy_project(directory: Path) -> Path:
    """A copy of what a build of the shipped site reads: mkdocs.yml, docs/, data/ and overrides/."""
    shutil.copy(ROOT / "mkdocs.yml", directory / "mkdocs.yml")
    for folder in ("docs", "data", "overrides"):
        shutil.copytree(ROOT / folder, directory / folder)
    return directory / "mkdocs.yml"


class ZensicalBuildError(AssertionError):
    """`zensical build` or `healthpages finish` failed; the message is what the command printed."""


def zensical_build(config_file: Path, today: str | None = None, engine_env: dict[str, str] | None = None) -> Path:
    """`zensical build --strict` then `healthpages finish site`, as an editor runs them beside `config_file`.

    Zensical writes site/ and .cache/ into the folder of mkdocs.yml (site_dir must lie inside it), so
    `config_file` belongs to a copy (`copy_project`, `copy_fixture_site`). `today` fixes the date for the
    review rules (HEALTHPAGES_TODAY) in the finishing step only: Zensical 0.0.73 fails on a date in `extra`.
    `engine_env` adds variables to Zensical's environment. Raises ZensicalBuildError with the output.
    """
    site_dir = config_file.parent / "site"
    environment = {k: v for k, v in os.environ.items() if k != TODAY_VARIABLE}
    finish_env = {**environment, TODAY_VARIABLE: today} if today else dict(os.environ)
    commands = [
        (
            [sys.executable, "-m", "zensical", "build", "--strict", "--config-file", str(config_file)],
            {**environment, **(engine_env or {})},
        ),
        ([sys.executable, "-m", "healthpages", "--config-file", str(config_file), "finish", str(site_dir)], finish_env),
    ]
    for command, env in commands:
        result = subprocess.run(command, cwd=config_file.parent, env=env, capture_output=True, text=True, timeout=300)
        if result.returncode != 0:
            output = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout + result.stderr)  # without terminal colours
            name = "zensical build" if command[2] == "zensical" else "healthpages finish"
            raise ZensicalBuildError(f"{name} failed:\n{output}")
    return site_dir


def html_pages(site_dir: Path) -> Iterator[tuple[str, lxml.html.HtmlElement]]:
    for path in sorted(site_dir.rglob("*.html")):
        yield path.relative_to(site_dir).as_posix(), lxml.html.parse(str(path)).getroot()


def read_html(path: Path) -> lxml.html.HtmlElement:
    return lxml.html.parse(str(path)).getroot()


def jsonld_blocks(document: lxml.html.HtmlElement) -> list[dict[str, Any]]:
    return [json.loads(s.text) for s in document.xpath("//script[@type='application/ld+json']")]


def reader_text(element: lxml.html.HtmlElement) -> str:
    """What a reader (or a crawler) reads in an element: its text without the reference-number
    superscripts, whitespace collapsed. Written here, apart from the code under test."""
    copy = lxml.html.fromstring(lxml.html.tostring(element, encoding="unicode", with_tail=False))
    for marker in copy.xpath(".//sup[starts-with(@id, 'fnref')]"):
        marker.drop_tree()
    return " ".join(copy.text_content().split())


def fixture_settings(**changes: object) -> SiteSettings:
    """The fixture site's settings, with "today" fixed."""
    settings = read_settings(FIXTURES / "site" / "mkdocs.yml")
    return replace(settings, today=date.fromisoformat(TODAY), **changes)  # type: ignore[arg-type]


def fixture_data() -> SiteData:
    return load_site_data(FIXTURES / "data")


def read_and_convert(
    text: str,
    src_path: str = "conditions/page.md",
    pages: frozenset[str] | None = None,
    settings: SiteSettings | None = None,
) -> tuple[LibraryBuilder, PageRecord | None]:
    """Read a page and convert its body with the fixture site's Markdown extensions, as a build does."""
    site = load_site_data(settings.data_dir) if settings else fixture_data()
    settings = settings or fixture_settings()
    known = pages if pages is not None else frozenset({src_path, "conditions/other.md", "experts.md"})
    builder = LibraryBuilder(settings, site, known)
    record = builder.read_page(src_path, text)
    if record is not None:
        config = load_config(str(settings.config_file))
        md = markdown.Markdown(extensions=config.markdown_extensions, extension_configs=config.mdx_configs)
        _, data = take_page_data(md.convert(record.source.body))
        builder.add_conversion(src_path, data)
    return builder, record


def shipped_topics() -> list[str]:
    """The shipped site's topic pages (docs paths) in navigation order, read from mkdocs.yml's plain values
    (not from the product's navigation, which the home page's cards are built from)."""
    values, _ = read_mkdocs_yml(ROOT / "mkdocs.yml")
    topics_dir = read_settings(ROOT / "mkdocs.yml").topics_dir
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, str):
            if is_topic_path(value, topics_dir):
                found.append(value)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)

    walk(values.get("nav"))
    return found


def shipped_phone_link() -> str:
    """The tel: link of the practice's default clinic, from data/practice.yml."""
    site = load_site_data(ROOT / "data")
    return "tel:" + site.clinics[site.practice.default_clinic].phone_e164

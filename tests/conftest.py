"""Shared helpers: build a site the way `mkdocs build` does and read its HTML with a real parser."""

from __future__ import annotations

import json
import logging
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import lxml.html
import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
TODAY = "2026-11-21"

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


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


@pytest.fixture
def fixture_site(tmp_path: Path) -> Path:
    """A writable copy of tests/fixtures/site, with its shared data folder beside it."""
    shutil.copytree(FIXTURES / "data", tmp_path / "data")
    site = tmp_path / "site"
    shutil.copytree(FIXTURES / "site", site)
    text = (site / "mkdocs.yml").read_text()
    # The copy lives elsewhere: point it back at the project's own overrides and hooks.
    text = text.replace("../../../overrides", str(ROOT / "overrides")).replace(
        "../../../hooks/health_library.py", str(ROOT / "hooks" / "health_library.py"))
    (site / "mkdocs.yml").write_text(text)
    return site


@pytest.fixture(scope="session")
def shipped_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real site in docs/, built once with --strict."""
    return build_site(ROOT / "mkdocs.yml", tmp_path_factory.mktemp("shipped") / "site")


def html_pages(site_dir: Path) -> Iterator[tuple[str, lxml.html.HtmlElement]]:
    for path in sorted(site_dir.rglob("*.html")):
        yield path.relative_to(site_dir).as_posix(), lxml.html.parse(str(path)).getroot()


def read_html(path: Path) -> lxml.html.HtmlElement:
    return lxml.html.parse(str(path)).getroot()


def jsonld_blocks(document: lxml.html.HtmlElement) -> list[dict]:
    return [json.loads(s.text) for s in document.xpath("//script[@type='application/ld+json']")]


@pytest.fixture
def plugin_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger="mkdocs")
    return caplog

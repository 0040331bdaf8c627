"""Fixtures shared by the tests: a writable fixture site and the shipped site built once."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from sitebuild import ROOT, build_site, copy_fixture_site


@pytest.fixture
def fixture_site(tmp_path: Path) -> Path:
    """A writable copy of tests/fixtures/site, with its shared data folder beside it."""
    return copy_fixture_site(tmp_path)


@pytest.fixture(scope="session")
def shipped_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real site in docs/, built once with --strict."""
    return build_site(ROOT / "mkdocs.yml", tmp_path_factory.mktemp("shipped") / "site")


@pytest.fixture(scope="session")
def shipped_site_drafts_indexed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real site built with `index_drafts: true`: its draft pages carry their FAQPage data."""
    return build_site(ROOT / "mkdocs.yml", tmp_path_factory.mktemp("indexed") / "site", index_drafts=True)


@pytest.fixture(scope="session")
def fixture_site_built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture site (a signed page and a draft) built once, for tests that only read it."""
    root = tmp_path_factory.mktemp("fixture")
    return build_site(copy_fixture_site(root) / "mkdocs.yml", root / "out")


@pytest.fixture
def plugin_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger="mkdocs")
    return caplog

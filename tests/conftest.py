"""Fixtures shared by the tests: a writable fixture site and the shipped site built once."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from sitebuild import FIXTURES, ROOT, build_site


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


@pytest.fixture
def plugin_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger="mkdocs")
    return caplog

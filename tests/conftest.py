"""Fixtures shared by the tests: a writable fixture site and the shipped site built once per engine.

Tests that read the shipped site's pages take `shipped_site`; parametrised with
`@pytest.mark.parametrize("engine", engines())` they run once on MkDocs' build and once on Zensical's
build finished by `healthpages finish`. Without that, `engine` is MkDocs.
"""

from __future__ import annotations

import logging
import signal
from pathlib import Path

import pytest

from sitebuild import ROOT, build_site, copy_fixture_site, copy_project, zensical_build


def pytest_configure(config: pytest.Config) -> None:
    """Ctrl-C stops the servers the tests start, as it does in a terminal.

    A shell that starts the tests in the background (`make test &`, `nohup`, some CI runners) makes them ignore
    SIGINT, and every process they start inherits that: `make serve` would then ignore the Ctrl-C a test sends.
    A process that handles SIGINT passes the default on to its children instead.
    """
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture
def fixture_site(tmp_path: Path) -> Path:
    """A writable copy of tests/fixtures/site, with its shared data folder beside it."""
    return copy_fixture_site(tmp_path)


@pytest.fixture
def engine() -> str:
    """The engine that builds the site a test reads (overridden by parametrising the test)."""
    return "mkdocs"


@pytest.fixture(scope="session")
def mkdocs_shipped_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real site in docs/, built once with --strict."""
    return build_site(ROOT / "mkdocs.yml", tmp_path_factory.mktemp("shipped") / "site")


@pytest.fixture(scope="session")
def zensical_shipped_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real site in docs/, built once by Zensical in a copy of the project and finished by healthpages."""
    return zensical_build(copy_project(tmp_path_factory.mktemp("zensical")))


@pytest.fixture
def shipped_site(engine: str, request: pytest.FixtureRequest) -> Path:
    """The real site in docs/ as `engine` built it."""
    site: Path = request.getfixturevalue(f"{engine}_shipped_site")
    return site


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

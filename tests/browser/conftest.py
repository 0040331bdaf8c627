"""Browser tests: build the site once, serve it on 127.0.0.1 and drive it in Debian's Chromium.

Playwright cannot download its own browsers on every machine, so the tests launch the system
Chromium (`/usr/bin/chromium`, installed by `scripts/ensure-chromium`). Every page is opened through
`open_page`, which records console errors, failed requests and every request URL, and aborts any
request that leaves the local server, so a test can assert that a page loaded cleanly and privately.
When a test fails, screenshots of the pages it opened are saved under `test-output/screenshots/`.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Error,
    Page,
    Playwright,
    Request,
    Response,
    Route,
    sync_playwright,
)

from browser_site import LAYOUT_WIDTHS, VIEWPORTS, OpenedPage
from healthpages.chromium import CHROMIUM, CHROMIUM_ARGS
from healthpages.leaflets import serve
from sitebuild import ROOT, build_site

SCREENSHOTS = ROOT / "test-output" / "screenshots"

# Pages opened by the running test, for the screenshots taken when it fails.
_OPEN_PAGES = pytest.StashKey[list[Page]]()


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the real site once per session, strictly, as `mkdocs build --strict` does."""
    with pytest.MonkeyPatch.context() as env:
        env.chdir(ROOT)  # problems name files relative to the repository, as editors see them
        # As published: with the printable leaflets (the deploy workflow runs `make leaflets`).
        return build_site(ROOT / "mkdocs.yml", tmp_path_factory.mktemp("site"), leaflets=True)


@pytest.fixture(scope="session")
def base_url(built_site: Path) -> Iterator[str]:
    """The shipped site, served for the whole session."""
    with serve(built_site) as url:
        yield url


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def chromium(playwright_instance: Playwright) -> Iterator[Browser]:
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        # A failure, not a skip: the README's test command installs it, so a missing browser is a
        # broken setup that must not pass silently.
        pytest.fail(
            f"Debian's Chromium is missing ({CHROMIUM}). Install it with `scripts/ensure-chromium` "
            "(or `apt-get install chromium` as root); Playwright's own browser download is not used.",
            pytrace=False,
        )
    browser = playwright_instance.chromium.launch(executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS))
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture
def open_page(request: pytest.FixtureRequest, chromium: Browser, base_url: str) -> Iterator[Callable[..., OpenedPage]]:
    """Open a path of the site in a fresh context: `open_page("/contact/", "360x800", dark=True)`."""
    local = urlsplit(base_url).netloc
    contexts: list[BrowserContext] = []
    request.node.stash[_OPEN_PAGES] = []

    def _open(path: str, viewport: str = "1280x800", *, dark: bool = False, base: str = base_url) -> OpenedPage:
        """`base` serves another built site (it must be on 127.0.0.1 too)."""
        context = chromium.new_context(
            viewport=VIEWPORTS.get(viewport) or LAYOUT_WIDTHS[viewport],
            color_scheme="dark" if dark else "light",
            reduced_motion="reduce",
        )
        contexts.append(context)
        page = context.new_page()
        opened = OpenedPage(page, context)

        def _route(route: Route) -> None:
            url = route.request.url
            if urlsplit(url).netloc in (local, urlsplit(base).netloc):  # 127.0.0.1 and the test server's own port
                route.continue_()
            else:
                opened.blocked.append(url)
                route.abort("blockedbyclient")

        # Context-wide, so requests from the search worker are recorded and routed too.
        def on_request(request: Request) -> None:
            opened.requests.append(request.url)

        def on_request_failed(request: Request) -> None:
            opened.failed.append(f"{request.method} {request.url}: {request.failure}")

        def on_response(response: Response) -> None:
            if response.status >= 400:
                opened.failed.append(f"{response.request.method} {response.url}: HTTP {response.status}")

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                opened.console_errors.append(f"console.error: {message.text} ({message.location})")

        def on_page_error(error: Error) -> None:
            opened.console_errors.append(f"uncaught: {error}")

        context.route("**/*", _route)
        context.on("request", on_request)
        context.on("requestfailed", on_request_failed)
        context.on("response", on_response)
        page.on("console", on_console)
        page.on("pageerror", on_page_error)
        request.node.stash[_OPEN_PAGES].append(page)
        page.goto(base + path, wait_until="networkidle")
        return opened

    yield _open
    for context in contexts:
        context.close()


def _safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_")[:150]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """When a test fails, screenshot each page it opened at both viewports, while they are still open."""
    report = yield
    pages = item.stash.get(_OPEN_PAGES, [])
    if report.failed and report.when in ("setup", "call") and pages:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        saved = []
        for number, page in enumerate(pages, start=1):
            if page.is_closed():
                continue
            original = page.viewport_size
            for name, size in VIEWPORTS.items():
                target = SCREENSHOTS / f"{_safe_name(item.nodeid)}--page{number}--{name}.png"
                try:
                    page.set_viewport_size(size)
                    page.screenshot(path=str(target), full_page=True, timeout=10_000)
                    saved.append(str(target.relative_to(ROOT)))
                except Exception as error:  # a screenshot must never hide the test's own failure
                    report.sections.append(("screenshot", f"could not save {target}: {error}"))
            if original:
                with contextlib.suppress(Exception):
                    page.set_viewport_size(original)
        if saved:
            report.sections.append(("screenshots", "\n".join(saved)))
    return report


@pytest.fixture(scope="session", autouse=True)
def _fresh_screenshots() -> None:
    """Screenshots from an earlier run would suggest failures that no longer happen."""
    for old in SCREENSHOTS.glob("*.png"):
        old.unlink()

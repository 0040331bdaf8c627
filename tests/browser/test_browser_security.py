"""Every built page under the site's Content-Security-Policy in Chromium: the policy is really enforced,
yet the browser refuses nothing the site itself does, logs no error and asks no other host for anything.

The site is served the way a host that reads `_headers` (Netlify, Cloudflare Pages) serves it: each
response carries the headers the file gives its path, so every page runs under both its own <meta>
policy and the site-wide header policy, as it would there.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Error, Page, Request, Route, expect

pytestmark = pytest.mark.browser

# Records every violation the page's document sees (the init script runs before any of the page's own).
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.effectiveDirective} refused ${event.blockedURI || "inline"}`
    + ` (${event.sourceFile}:${event.lineNumber})`);
});
"""

# A `_headers` file: (path pattern, [(header name, value)]) in the file's order.
Rules = list[tuple[str, list[tuple[str, str]]]]


def header_rules(site: Path) -> Rules:
    """The `_headers` file as (path pattern, headers): a path line, then its indented `Name: value` lines."""
    rules: Rules = []
    for line in (site / "_headers").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            rules.append((line.strip(), []))
        else:
            name, _, value = line.strip().partition(":")
            rules[-1][1].append((name.strip(), value.strip()))
    return rules


def headers_for(rules: Rules, path: str) -> list[tuple[str, str]]:
    """Every header of every rule whose pattern matches the path (a trailing * matches any rest)."""
    return [
        header
        for pattern, headers in rules
        if (path.startswith(pattern[:-1]) if pattern.endswith("*") else path == pattern)
        for header in headers
    ]


class _HeadersHandler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *args: Any, rules: Rules, **kwargs: Any) -> None:
        self.rules = rules  # before the base class, which handles the request while it initialises
        super().__init__(*args, **kwargs)

    def end_headers(self) -> None:
        for name, value in headers_for(self.rules, urlsplit(self.path).path):
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve_with_headers(site: Path) -> Iterator[str]:
    handler = functools.partial(_HeadersHandler, directory=str(site), rules=header_rules(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="headers-server", daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Recorder:
    """What the browser reported while the test drove it."""

    console: list[str] = field(default_factory=list)  # console errors and warnings, uncaught exceptions
    asked: list[str] = field(default_factory=list)  # requests the page made to any host but the test server
    sent: list[str] = field(default_factory=list)  # those that got past the policy to the network (aborted)


@pytest.fixture(scope="module")
def site_url(built_site: Path) -> Iterator[str]:
    with serve_with_headers(built_site) as url:
        yield url


@pytest.fixture
def browser_context(chromium: Browser, site_url: str) -> Iterator[tuple[BrowserContext, Recorder]]:
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    recorder = Recorder()
    local = urlsplit(site_url).netloc

    def route(route: Route) -> None:
        if urlsplit(route.request.url).netloc == local or route.request.url.startswith("data:"):
            route.continue_()
        else:
            recorder.sent.append(route.request.url)
            route.abort("blockedbyclient")

    def on_request(request: Request) -> None:
        if urlsplit(request.url).scheme in ("http", "https") and urlsplit(request.url).netloc != local:
            recorder.asked.append(request.url)

    context.route("**/*", route)
    context.on("request", on_request)
    context.add_init_script(RECORD_VIOLATIONS)
    try:
        yield context, recorder
    finally:
        context.close()


def new_page(context: BrowserContext, recorder: Recorder) -> Page:
    page = context.new_page()

    def on_console(message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            recorder.console.append(f"{message.type}: {message.text} ({message.location.get('url')})")

    def on_page_error(error: Error) -> None:
        recorder.console.append(f"uncaught: {error}")

    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    return page


def site_paths(site: Path) -> list[str]:
    """The address of every built page."""
    paths = []
    for html in sorted(site.rglob("*.html")):
        relative = html.relative_to(site).as_posix()
        paths.append("/" + relative.removesuffix("index.html") if relative.endswith("index.html") else "/" + relative)
    return paths


def test_every_page_runs_under_its_policy_with_nothing_refused(
    built_site: Path, site_url: str, browser_context: tuple[BrowserContext, Recorder]
) -> None:
    context, recorder = browser_context
    page = new_page(context, recorder)
    paths = site_paths(built_site)
    assert len(paths) >= 15 and "/404.html" in paths
    refused: dict[str, list[str]] = {}
    for path in paths:
        response = page.goto(site_url + path, wait_until="networkidle")
        assert response is not None and response.ok, path
        assert "script-src 'self' 'sha256-" in (response.headers.get("content-security-policy") or ""), path
        policy = page.locator("meta[http-equiv='Content-Security-Policy']").get_attribute("content") or ""
        assert "script-src 'self' 'sha256-" in policy and "unsafe-inline" not in policy, path
        assert page.locator("meta[name='referrer']").get_attribute("content") == "no-referrer", path
        # The theme's inline scripts ran (they are allowed by their hashes): the first defines
        # __md_get, the second sets the colour scheme from the palette.
        assert page.evaluate("typeof __md_get") == "function", path
        assert page.evaluate("document.body.dataset.mdColorScheme") == "default", path
        violations = page.evaluate("window.__violations")
        if violations:
            refused[path] = violations
    assert refused == {}
    assert recorder.console == []
    assert recorder.asked == [] and recorder.sent == []


def test_search_works_under_the_policy(site_url: str, browser_context: tuple[BrowserContext, Recorder]) -> None:
    """The search worker, the index it fetches and the results it shows: nothing refused, nothing logged."""
    context, recorder = browser_context
    page = new_page(context, recorder)
    page.goto(site_url + "/", wait_until="networkidle")
    page.locator(".md-search__input").click()
    page.locator(".md-search__input").press_sequentially("endometriosis", delay=20)
    expect(page.locator(".md-search-result__item").first).to_be_visible(timeout=10_000)
    page.locator(".md-search__input").press("Enter")  # the box never submits a form (form-action 'none')
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.__violations") == []
    assert recorder.console == []
    assert recorder.asked == [] and recorder.sent == []


def test_the_policy_refuses_what_an_injected_script_or_pixel_would_do(
    site_url: str, browser_context: tuple[BrowserContext, Recorder]
) -> None:
    """Had anything slipped past the content policy, the browser would still refuse it."""
    context, recorder = browser_context
    page = new_page(context, recorder)
    page.goto(site_url + "/conditions/endometriosis/", wait_until="networkidle")
    page.evaluate(
        """() => {
        const script = document.createElement("script");
        script.textContent = "window.__ran = true";
        document.body.append(script);
        const pixel = document.createElement("img");
        pixel.src = "https://tracker.example/pixel.gif";
        document.body.append(pixel);
        const link = document.createElement("a");
        link.href = "javascript:window.__clicked = true";
        document.body.append(link);
        link.click();
    }"""
    )
    page.wait_for_timeout(200)
    assert page.evaluate("window.__ran") is None and page.evaluate("window.__clicked") is None
    violations = page.evaluate("window.__violations")
    # Each refusal is reported once per policy (the page's <meta> and the site's header).
    assert {v.split(" (")[0] for v in violations} == {
        "script-src-elem refused inline",  # the script element and the javascript: link
        "img-src refused https://tracker.example/pixel.gif",
    }
    # The pixel was refused before its request reached the network.
    assert recorder.asked == ["https://tracker.example/pixel.gif"] and recorder.sent == []

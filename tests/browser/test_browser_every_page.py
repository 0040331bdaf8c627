"""Every built page, as readers meet it: axe-core at four widths in both schemes and with the scheme switched,
the keyboard from the first Tab stop to the last, forced colours, and the names a screen reader reads.

One browser context per width and scheme serves every page (a context costs more than a page load), and
axe-core is loaded into each page by the context, not sent again with every check. Each test lists every
failure on every page before it fails, so one run shows all that is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, CDPSession, Page

from browser_site import LAYOUT_WIDTHS
from sitebuild import ROOT

pytestmark = pytest.mark.browser

# WCAG 2.2 AA, and axe's best practices (Lighthouse's accessibility score counts some of them).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
FORCED_COLOURS = ROOT / "test-output" / "forced-colours"

# The first call link (a tel: link) on a page that has one, in Tab stops. From the top of a page on a phone
# the header's four controls come first (skip link, menu, colour scheme, search), then the breadcrumb above
# the title (at most two links: Home and Health A to Z, as on an NHS page), so the call link under the title
# is at most the seventh stop; one more is allowed for a page whose facts line has a review link. After the
# skip link, which lands on the page's title, the call link is the first stop on every page and width; two
# allow for that review link. (Before: stop 128 on the lead page, after 83 reference, back and permalink
# stops.)
CALL_STOPS_FROM_TOP_ON_A_PHONE = 8
CALL_STOPS_AFTER_SKIP_LINK = 2
PHONE_WIDTHS = ("320x800", "360x800")
# Pages that offer a call link near the top: the home page, every topic page and the contact page.
CALL_PAGE = re.compile(r"^/$|^/conditions/.+/$|^/contact/$")


def built_pages(site: Path) -> list[str]:
    """Every page of the built site as a path on the server, the 404 page included."""
    paths = []
    for page in sorted(site.rglob("*.html")):
        relative = page.relative_to(site).as_posix()
        paths.append("/" + (relative[: -len("index.html")] if relative.endswith("index.html") else relative))
    return paths


@pytest.fixture(scope="module")
def pages(built_site: Path) -> list[str]:
    found = built_pages(built_site)
    assert len(found) >= 15 and "/404.html" in found and "/conditions/cervical-insufficiency/" in found
    return found


@pytest.fixture(scope="module")
def axe_source() -> str:
    return str(Axe().axe_script)


def _context(chromium: Browser, width: str, *, dark: bool = False, forced: bool = False) -> BrowserContext:
    return chromium.new_context(
        viewport=LAYOUT_WIDTHS[width],
        color_scheme="dark" if dark else "light",
        forced_colors="active" if forced else "none",
        reduced_motion="reduce",
    )


@pytest.fixture
def contexts(chromium: Browser) -> Iterator[list[BrowserContext]]:
    opened: list[BrowserContext] = []
    yield opened
    for context in opened:
        context.close()


def _goto(page: Page, base_url: str, path: str) -> None:
    page.goto(base_url + path, wait_until="load")
    # The colour scheme is settled by the product's script before the page is shown.
    page.wait_for_function("() => document.body.dataset.mdColorScheme")


# ---------------------------------------------------------------------------------------------------------
# axe-core
# ---------------------------------------------------------------------------------------------------------


def _axe(page: Page) -> list[str]:
    # Open every disclosure so the FAQ answers are checked too (axe skips hidden content).
    page.evaluate("document.querySelectorAll('main details').forEach(d => { d.open = true; })")
    return _axe_violations(page)


def _axe_violations(page: Page) -> list[str]:
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(str(Axe().axe_script))
    results = page.evaluate(
        "options => axe.run(document, options)",
        {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
    )
    lines = []
    for violation in results["violations"]:
        targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]][:5]
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}; nodes: {targets}")
    return lines


def _switch_scheme(page: Page) -> str:
    """Press the header's colour-scheme switch; returns the scheme it switched to."""
    before = page.evaluate("document.body.dataset.mdColorScheme")
    page.locator("[data-health-palette] label:not([hidden])").click()
    page.wait_for_function("before => document.body.dataset.mdColorScheme !== before", arg=before)
    return str(page.evaluate("document.body.dataset.mdColorScheme"))


@pytest.mark.parametrize("width", LAYOUT_WIDTHS)
def test_axe_finds_nothing_on_any_page_in_light_dark_and_switched_schemes(
    chromium: Browser, contexts: list[BrowserContext], base_url: str, pages: list[str], axe_source: str, width: str
) -> None:
    failures = []
    # (how the scheme is chosen, the system's scheme): light and dark from the system; "switched" with the
    # header's switch on every page, which alternates (the choice is kept from page to page).
    for how, dark in (("light", False), ("dark", True), ("switched", False)):
        context = _context(chromium, width, dark=dark)
        contexts.append(context)
        context.add_init_script(axe_source)
        page = context.new_page()
        for path in pages:
            _goto(page, base_url, path)
            scheme = page.evaluate("document.body.dataset.mdColorScheme")
            if how == "switched":
                scheme = _switch_scheme(page)
            else:
                assert scheme == ("slate" if dark else "default"), f"{path}: the system's {how} scheme was not used"
            failures += [f"{path} [{how}: {scheme}] {line}" for line in _axe(page)]
    assert failures == [], f"axe-core at {width}:\n" + "\n".join(failures)


# ---------------------------------------------------------------------------------------------------------
# The keyboard
# ---------------------------------------------------------------------------------------------------------

# Where the focus is after a Tab, and whether a reader can see it: the focused element is rendered (not
# display:none, visibility:hidden or transparent), has a size, lies on the screen and is not covered by
# another element at its centre. A radio button the theme hides behind its label (the colour-scheme switch)
# counts as seen when that label is (the theme draws the focus ring on it).
FOCUS_STOP = r"""
() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const width = document.documentElement.clientWidth, height = window.innerHeight;
  const shown = (node) => node.checkVisibility({ visibilityProperty: true, opacityProperty: true });
  let target = el;
  if (el.matches("input[type=radio], input[type=checkbox]") && !el.getBoundingClientRect().width) {
    const label = el.nextElementSibling;
    if (label && label.tagName === "LABEL") target = label;
  }
  const r = target.getBoundingClientRect();
  const name = (el.getAttribute("aria-label") || el.textContent || "").replace(/\s+/g, " ").trim().slice(0, 50);
  const cls = typeof el.className === "string" && el.className.trim()
    ? "." + el.className.trim().split(/\s+/).filter((c) => c !== "focus-visible").join(".") : "";
  const stop = {
    what: `${el.tagName.toLowerCase()}${cls} "${name}"`, href: el.getAttribute("href") || "",
    problems: [],
  };
  if (!shown(target)) stop.problems.push("is not rendered (hidden or transparent)");
  else if (r.width < 1 || r.height < 1) stop.problems.push(`has no size (${r.width}x${r.height})`);
  else if (r.right <= 0 || r.left >= width || r.bottom <= 0 || r.top >= height) {
    stop.problems.push(`is off the screen at ${Math.round(r.left)},${Math.round(r.top)}`);
  } else if (r.left < -1 || r.right > width + 1) {
    stop.problems.push("runs off the side of the screen");
  } else {
    const x = Math.min(Math.max((r.left + r.right) / 2, 0), width - 1);
    const y = Math.min(Math.max((r.top + r.bottom) / 2, 0), height - 1);
    const hit = document.elementFromPoint(x, y);
    if (hit && !(hit === target || target.contains(hit) || hit.contains(target))) {
      const hcls = typeof hit.className === "string" && hit.className.trim()
        ? "." + hit.className.trim().split(/\s+/).join(".") : "";
      stop.problems.push(`is covered by ${hit.tagName.toLowerCase()}${hcls}`);
    }
  }
  return stop;
}
"""


def _tab(page: Page, settle: bool = False) -> dict[str, Any] | None:
    page.keyboard.press("Tab")
    stop: dict[str, Any] | None = page.evaluate(FOCUS_STOP)
    if stop and stop["problems"] and settle:
        page.wait_for_timeout(350)  # a menu sliding away as the keyboard leaves it
        stop = page.evaluate(FOCUS_STOP)
    return stop


def _walk(page: Page, limit: int = 400, settle: bool = False) -> list[dict[str, Any]]:
    """Every Tab stop from the current focus to the end of the page."""
    stops: list[dict[str, Any]] = []
    for _ in range(limit):
        stop = _tab(page, settle)
        if stop is None or (stops and stop["what"] == stops[0]["what"] and stop["href"] == stops[0]["href"]):
            break
        stops.append(stop)
    return stops


def _skip_link_problems(page: Page) -> list[str]:
    """The first Tab stop is a visible skip link that lands on the page's title (its H1)."""
    page.keyboard.press("Tab")
    first = page.evaluate(
        "() => ({cls: document.activeElement.className, href: document.activeElement.getAttribute('href'),"
        " shown: document.activeElement.getBoundingClientRect().height > 0"
        " && getComputedStyle(document.activeElement).opacity !== '0'})"
    )
    if "md-skip" not in str(first["cls"]) or not first["shown"]:
        return [f"the first Tab stop is not a visible skip link ({first})"]
    title = page.evaluate("() => document.querySelector('article h1')?.id || ''")
    if not title or first["href"] != f"#{title}":
        return [f"the skip link goes to {first['href']}, not to the page's title (h1#{title})"]
    page.keyboard.press("Enter")
    landed = page.evaluate("() => document.activeElement.tagName + '#' + document.activeElement.id")
    if landed != f"H1#{title}":
        return [f"following the skip link puts the focus on {landed}, not on the page's title"]
    return []


def _call_stops(stops: list[dict[str, Any]]) -> int | None:
    """The Tab stop (1-based) of the first call link."""
    return next((number for number, stop in enumerate(stops, start=1) if stop["href"].startswith("tel:")), None)


@pytest.mark.parametrize("width", LAYOUT_WIDTHS)
def test_keyboard_walk_every_page(
    chromium: Browser, contexts: list[BrowserContext], base_url: str, pages: list[str], width: str
) -> None:
    """From the first Tab stop to the last: every stop seen, the skip link to the title, the call link early."""
    context = _context(chromium, width)
    contexts.append(context)
    page = context.new_page()
    failures: list[str] = []
    summary: list[str] = []
    for path in pages:
        _goto(page, base_url, path)
        stops = _walk(page)
        failures += [
            f"{path}: Tab stop {n} {stop['what']} {p}" for n, stop in enumerate(stops, 1) for p in stop["problems"]
        ]
        call = _call_stops(stops)
        _goto(page, base_url, path)
        failures += [f"{path}: {problem}" for problem in _skip_link_problems(page)]
        after_skip = _call_stops(_walk(page, limit=CALL_STOPS_AFTER_SKIP_LINK + 2))
        summary.append(f"{path}: {len(stops)} stops, call link at {call}, {after_skip} after the skip link")
        if CALL_PAGE.match(path):
            if call is None:
                failures.append(f"{path}: no call link")
            elif width in PHONE_WIDTHS and call > CALL_STOPS_FROM_TOP_ON_A_PHONE:
                failures.append(
                    f"{path}: the first call link is Tab stop {call} (at most {CALL_STOPS_FROM_TOP_ON_A_PHONE})"
                )
            if after_skip is None or after_skip > CALL_STOPS_AFTER_SKIP_LINK:
                failures.append(
                    f"{path}: the first call link is {after_skip} stops after the skip link "
                    f"(at most {CALL_STOPS_AFTER_SKIP_LINK})"
                )
    assert failures == [], f"keyboard at {width}:\n" + "\n".join(failures) + "\n\n" + "\n".join(summary)


@pytest.mark.parametrize("path", ["/", "/conditions/cervical-insufficiency/", "/our-medical-experts/"])
def test_keyboard_opens_walks_and_closes_the_menu_on_a_phone(
    chromium: Browser, contexts: list[BrowserContext], base_url: str, path: str
) -> None:
    """On a phone the menu is a panel over the page: the keyboard opens it, every stop in it is seen, leaving
    it closes it, and Escape closes it and returns to the menu button."""
    context = _context(chromium, "360x800")
    contexts.append(context)
    page = context.new_page()
    _goto(page, base_url, path)
    menu = page.locator("label[for='__drawer'] > [role=button]")
    assert menu.get_attribute("aria-label") == "Menu" and menu.get_attribute("aria-expanded") == "false"
    menu.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.getElementById('__drawer').checked")
    assert menu.get_attribute("aria-expanded") == "true"
    inside = page.evaluate("() => !!document.activeElement.closest('.md-sidebar--primary')")
    assert inside, "opening the menu did not take the keyboard into it"
    violations = _axe_violations(page)
    assert violations == [], "axe-core in the open menu:\n" + "\n".join(violations)
    stops = _walk(page, limit=60, settle=True)
    links = [stop["href"] for stop in stops]
    assert len(links) >= 3, "no links in the open menu"
    problems = [f"Tab stop {n} {stop['what']} {p}" for n, stop in enumerate(stops, 1) for p in stop["problems"]]
    assert problems == []
    assert not page.evaluate("() => document.getElementById('__drawer').checked"), "leaving the menu did not close it"
    menu.focus()
    page.keyboard.press("Space")
    page.wait_for_function("() => document.getElementById('__drawer').checked")
    page.keyboard.press("Escape")
    page.wait_for_function("() => !document.getElementById('__drawer').checked")
    assert page.evaluate("() => document.activeElement.getAttribute('aria-label')") == "Menu"


def test_keyboard_reaches_every_section_of_the_menu_on_a_phone(
    chromium: Browser, contexts: list[BrowserContext], base_url: str
) -> None:
    """In the phone's menu a section opens as a panel; its title is a button back, and the other sections'
    pages can be reached from there (the About us pages, from a topic page)."""
    context = _context(chromium, "360x800")
    contexts.append(context)
    page = context.new_page()
    _goto(page, base_url, "/conditions/cervical-insufficiency/")
    page.locator("label[for='__drawer'] > [role=button]").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.getElementById('__drawer').checked")
    back = page.evaluate("() => document.activeElement.getAttribute('aria-label') || ''")
    assert back.endswith("back to the menu"), f"the first stop in the menu is {back!r}, not the open panel's way back"
    page.keyboard.press("Enter")
    seen = [stop["what"] for stop in _walk(page, limit=12, settle=True)]
    assert any('"About us"' in what for what in seen), f"the About us section cannot be reached: {seen}"


def test_search_opens_with_the_keyboard_and_loads_its_index_only_then(
    chromium: Browser, contexts: list[BrowserContext], base_url: str
) -> None:
    context = _context(chromium, "360x800")
    contexts.append(context)
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    _goto(page, base_url, "/conditions/")
    page.wait_for_load_state("networkidle")
    assert not any("search_index.json" in url for url in requests), "the search index loaded before any search"
    search = page.locator("label[for='__search'] > [role=button]")
    assert search.get_attribute("aria-label") == "Search"
    search.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.classList.contains('md-search__input')")
    page.keyboard.type("fibroids", delay=20)
    page.locator(".md-search-result__item").first.wait_for(state="visible", timeout=10_000)
    assert any("search_index.json" in url for url in requests)


# ---------------------------------------------------------------------------------------------------------
# Forced colours (Windows high contrast)
# ---------------------------------------------------------------------------------------------------------

# Boxes told apart by their fill: in forced colours the fill goes, so each needs a border on every side.
BOXES = [
    ".health-help__tier",
    ".health-callbar",
    ".health-notice",
    ".health-key-points",
    ".md-typeset .admonition",
    "a.health-call",
]
MEASURE_BORDERS = r"""
(selectors) => {
  const found = [];
  for (const selector of selectors) {
    for (const el of document.querySelectorAll(selector)) {
      const style = getComputedStyle(el);
      const sides = ["top", "right", "bottom", "left"].filter((side) =>
        style.getPropertyValue(`border-${side}-style`) === "none" ||
        parseFloat(style.getPropertyValue(`border-${side}-width`)) < 1);
      found.push({ selector, classes: el.className, missing: sides });
    }
  }
  return found;
}
"""


def _slug(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"


@pytest.mark.parametrize("width", ["360x800", "1280x800"])
def test_urgent_and_boxed_blocks_keep_their_borders_in_forced_colours(
    chromium: Browser, contexts: list[BrowserContext], base_url: str, pages: list[str], width: str
) -> None:
    context = _context(chromium, width, forced=True)
    contexts.append(context)
    page = context.new_page()
    FORCED_COLOURS.mkdir(parents=True, exist_ok=True)
    failures, urgent = [], 0
    for path in pages:
        _goto(page, base_url, path)
        assert page.evaluate("matchMedia('(forced-colors: active)').matches")
        for box in page.evaluate(MEASURE_BORDERS, BOXES):
            if box["missing"]:
                failures.append(f"{path}: {box['selector']} ({box['classes']}) has no border on {box['missing']}")
        emergency = page.locator(".health-help__tier--call-999")
        if emergency.count():
            urgent += 1
            # For a person to look at: the most urgent advice as Windows high contrast shows it.
            emergency.first.screenshot(path=str(FORCED_COLOURS / f"{_slug(path)}--{width}.png"))
    assert urgent >= 10, "the pages with a 999 card were not found"
    assert failures == []


# ---------------------------------------------------------------------------------------------------------
# What a screen reader reads: the browser's own accessibility tree
# ---------------------------------------------------------------------------------------------------------


def _accessibility_tree(cdp: CDPSession) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = cdp.send("Accessibility.getFullAXTree")["nodes"]
    return [node for node in nodes if not node.get("ignored")]


def _names(cdp: CDPSession, selector: str) -> list[str]:
    """The accessible names the browser computes for the elements that match `selector`, in order."""
    document = cdp.send("DOM.getDocument", {"depth": 0})
    found = cdp.send("DOM.querySelectorAll", {"nodeId": document["root"]["nodeId"], "selector": selector})
    names = []
    for node_id in found["nodeIds"]:
        tree = cdp.send("Accessibility.getPartialAXTree", {"nodeId": node_id, "fetchRelatives": False})
        node = tree["nodes"][0]
        names.append(str(node.get("name", {}).get("value", "")))
    return names


def _role(node: dict[str, Any]) -> str:
    return str(node.get("role", {}).get("value", ""))


def _name(node: dict[str, Any]) -> str:
    return " ".join(str(node.get("name", {}).get("value", "")).split())


def test_screen_readers_hear_names_not_symbols_on_every_page(
    chromium: Browser, contexts: list[BrowserContext], base_url: str, pages: list[str]
) -> None:
    context = _context(chromium, "1280x800")
    contexts.append(context)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    failures: list[str] = []
    counted = {"questions": 0, "back-links": 0, "call links": 0}
    for path in pages:
        _goto(page, base_url, path)
        nodes = _accessibility_tree(cdp)
        headings = [_name(node) for node in nodes if _role(node) == "heading"]
        failures += [f"{path}: heading read as {name!r}" for name in headings if "¶" in name or not name]
        for node in nodes:
            if _role(node) == "link" and not re.search(r"[A-Za-z0-9]", _name(node)):
                failures.append(f"{path}: a link is read as {_name(node)!r}")
        landmarks = [_name(node) for node in nodes if _role(node) == "navigation"]
        if "" in landmarks or len(landmarks) != len(set(landmarks)) or len(landmarks) > 4:
            failures.append(f"{path}: navigation landmarks {landmarks} (each named, once, at most 4)")
        questions = page.evaluate(
            "() => [...document.querySelectorAll('details.faq > summary')]"
            ".map(s => s.textContent.replace(/\\s+/g, ' ').trim())"
        )
        for question, name in zip(questions, _names(cdp, "details.faq > summary"), strict=True):
            counted["questions"] += 1
            if " ".join(name.split()) != question:
                failures.append(f"{path}: the question {question!r} is read as {name!r}")
        for number, name in enumerate(_names(cdp, "a.footnote-backref"), start=1):
            counted["back-links"] += 1
            if name != f"Back to reference {number} in the text":
                failures.append(f"{path}: back-link {number} is read as {name!r}")
        references = page.locator(".footnote > ol > li").count()
        if page.locator("a.footnote-backref").count() != references:
            failures.append(f"{path}: {references} references but not one back-link each")
        for name in _names(cdp, "a[href^='tel:']"):
            counted["call links"] += 1
            if not re.fullmatch(r"Call (the practice: [0-9 ]+|999 in an emergency)", " ".join(name.split())):
                failures.append(f"{path}: a phone link is read as {name!r}, which does not say whom it calls")
    assert counted["questions"] >= 40 and counted["back-links"] >= 40 and counted["call links"] >= 20, counted
    assert failures == []

"""Layout that holds with any font: at 320, 360, 768 and 1280 px no text overlaps other text, runs off the
screen, is cut off by its box or is covered by another element. Checked on the shipped site and on a
fixture with a long site name, a long page title and a very long word, with the fonts of the machine
(a fresh Debian machine has only DejaVu Sans, which is wide)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from browser_site import LAYOUT_WIDTHS, OpenedPage
from healthpages.leaflets import serve
from sitebuild import build_site, copy_fixture_site

pytestmark = pytest.mark.browser

SHIPPED_PAGES = [
    "/",
    "/conditions/",
    "/conditions/cervical-insufficiency/",
    "/conditions/adenomyosis/",
    "/contact/",
    "/our-medical-experts/",
    "/404.html",
]
LONG_SITE_NAME = "Bristol Gynaecology and Pregnancy Health Information Library"
LONG_TITLE = "Heavy menstrual bleeding, abnormal uterine bleeding and what to do when periods change suddenly"
LONG_WORD = "Pneumonoultramicroscopicsilicovolcanoconiosis" * 2

# Finds text that overlaps other text, runs off the screen, is cut off by an ancestor that hides its
# overflow, or is covered by another element (hit-tested at the middle of each line of text in view).
# Text in Material's closed drawer (off-canvas) and in visually hidden elements is not on screen and
# is skipped; text scrolled out of a scrollable sidebar is not cut off.
LAYOUT_PROBLEMS = r"""
([rootSelector, layered]) => {
  const width = document.documentElement.clientWidth, height = window.innerHeight;
  const problems = [];
  if (document.documentElement.scrollWidth > width + 1) {
    problems.push(`the page is ${document.documentElement.scrollWidth}px wide in a ${width}px window`);
  }
  const describe = (el) => {
    const names = typeof el.className === "string" ? el.className.trim() : "";
    const cls = names ? "." + names.split(/\s+/).join(".") : "";
    return el.tagName.toLowerCase() + cls;
  };
  const hides = (value) => value === "hidden" || value === "clip";
  // The part of a box left visible by the ancestors that hide their overflow, and the first such
  // ancestor that cuts part of it off.
  const visiblePart = (el, r) => {
    let [left, top, right, bottom] = [r.left, r.top, r.right, r.bottom];
    let cutter = null;
    for (let a = el; a && a !== document.body; a = a.parentElement) {
      const style = getComputedStyle(a);
      const c = a.getBoundingClientRect();
      if (hides(style.overflowX) && (left < c.left - 1 || right > c.right + 1)) {
        cutter = cutter || a; [left, right] = [Math.max(left, c.left), Math.min(right, c.right)];
      }
      if (hides(style.overflowY) && (top < c.top - 1 || bottom > c.bottom + 1)) {
        cutter = cutter || a; [top, bottom] = [Math.max(top, c.top), Math.min(bottom, c.bottom)];
      }
    }
    return { left, top, right, bottom, cutter };
  };
  const boxes = [];
  for (const root of document.querySelectorAll(rootSelector)) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent.replace(/\s+/g, " ").trim();
      const el = node.parentElement;
      if (!text || !el.checkVisibility({ visibilityProperty: true, opacityProperty: true })) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const r of range.getClientRects()) {
        if (r.width <= 2 && r.height <= 2) continue;  // visually hidden text (clip to 1px)
        const seen = visiblePart(el, r);
        // Wholly hidden: off-canvas (Material's closed drawer) or clipped away entirely, or visually hidden
        // (text for screen readers only, clipped to a box of a pixel or two).
        if (seen.right - seen.left <= 2 && seen.bottom - seen.top <= 2) continue;
        if (seen.right - seen.left < 1 || seen.bottom - seen.top < 1 || seen.right <= 0 || seen.left >= width) continue;
        if (layered) {
          // Stacked panels (the drawer's nested menus): text under the panel on top is not on screen.
          const x = (seen.left + seen.right) / 2, y = (seen.top + seen.bottom) / 2;
          const hit = x >= 0 && x < width && y >= 0 && y < height ? document.elementFromPoint(x, y) : null;
          if (!hit || !(hit === el || hit.contains(el) || el.contains(hit))) continue;
        }
        boxes.push({ el, r, text: text.slice(0, 40) });
        if (seen.cutter) problems.push(`"${text.slice(0, 40)}" is cut off by ${describe(seen.cutter)}`);
        if (r.left < -1 || r.right > width + 1) problems.push(`"${text.slice(0, 40)}" runs off the screen`);
      }
    }
  }
  const related = (a, b) => a === b || a.contains(b) || b.contains(a);
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const [p, q] = [boxes[i], boxes[j]];
      if (related(p.el, q.el)) continue;
      const w = Math.min(p.r.right, q.r.right) - Math.max(p.r.left, q.r.left);
      const h = Math.min(p.r.bottom, q.r.bottom) - Math.max(p.r.top, q.r.top);
      if (w > 1 && h > 1) problems.push(`"${p.text}" overlaps "${q.text}"`);
    }
  }
  for (const b of boxes) {
    const x = (b.r.left + b.r.right) / 2, y = (b.r.top + b.r.bottom) / 2;
    if (x < 0 || x >= width || y < 0 || y >= height) continue;
    const hit = document.elementFromPoint(x, y);
    if (hit && !related(hit, b.el)) problems.push(`"${b.text}" is covered by ${describe(hit)}`);
  }
  return { count: boxes.length, problems: [...new Set(problems)] };
}
"""


@pytest.fixture(scope="module")
def long_names_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The fixture site with a long site name, a long page title and a very long word in the text."""
    site = copy_fixture_site(tmp_path_factory.mktemp("long-names"))
    config = site / "mkdocs.yml"
    config.write_text(config.read_text().replace("site_name: Test library", f"site_name: {LONG_SITE_NAME}"))
    page = site / "docs/conditions/draft.md"
    # A title too long for search results needs a short one for them; the page shows the long one.
    page.write_text(
        page.read_text().replace("title: Draft condition", f"title: {LONG_TITLE}\nshort_title: Heavy bleeding")
    )
    contact = site / "docs/contact.md"
    contact.write_text(contact.read_text() + f"\nSome words are very long, such as {LONG_WORD}, in the text.\n")
    with serve(build_site(config, tmp_path_factory.mktemp("long-names-out"))) as url:
        yield url


def _check(opened: OpenedPage) -> None:
    page = opened.page
    # Let Material's script scroll the sidebar to the current page, as a reader would see it.
    page.wait_for_timeout(200)
    measured = page.evaluate(LAYOUT_PROBLEMS, [".md-header, .md-sidebar--primary, main", False])
    assert measured["count"] > 5, "no text was measured"
    problems = measured["problems"]
    drawer = page.locator("label.md-header__button[for='__drawer']")
    if drawer.is_visible():
        # On a phone or tablet the navigation is a drawer: open it and check it as well.
        drawer.click()
        page.wait_for_timeout(300)
        opened_drawer = page.evaluate(LAYOUT_PROBLEMS, [".md-sidebar--primary", True])
        assert opened_drawer["count"] >= 3, "the drawer did not open"
        problems += [f"in the open menu: {problem}" for problem in opened_drawer["problems"]]
    assert problems == []


@pytest.mark.parametrize("width", LAYOUT_WIDTHS)
@pytest.mark.parametrize("path", SHIPPED_PAGES)
def test_shipped_pages_hold_their_layout(open_page: Callable[..., OpenedPage], path: str, width: str) -> None:
    _check(open_page(path, width))


@pytest.mark.parametrize("width", LAYOUT_WIDTHS)
@pytest.mark.parametrize("path", ["/", "/conditions/draft/", "/contact/"])
def test_long_names_and_words_hold_their_layout(
    open_page: Callable[..., OpenedPage], long_names_url: str, path: str, width: str
) -> None:
    _check(open_page(path, width, base=long_names_url))

"""Every audited page, at a phone and a laptop width: loads cleanly and privately and has touch targets of at
least 24 by 24 CSS pixels. (axe-core runs on every built page in test_browser_every_page.py.)"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

import pytest

from browser_site import PAGES, VIEWPORTS, OpenedPage

pytestmark = pytest.mark.browser

# Every (page, viewport) pair.
PAGE_AT_SIZE = [pytest.param(path, size, id=f"{path}@{size}") for path in PAGES for size in VIEWPORTS]


@pytest.mark.parametrize(("path", "viewport"), PAGE_AT_SIZE)
def test_page_loads_without_errors_or_third_party_requests(
    open_page: Callable[..., OpenedPage], base_url: str, path: str, viewport: str
) -> None:
    opened = open_page(path, viewport)
    local = urlsplit(base_url).netloc

    assert opened.page.title(), "the page did not render"
    assert opened.console_errors == []
    assert opened.failed == []
    # Privacy: no fonts, scripts, images or beacons from anyone but the site itself.
    assert opened.blocked == []
    assert [url for url in opened.requests if urlsplit(url).netloc != local] == []
    # The recorder sees the page's own requests (so an empty list above means something).
    assert any(url.endswith("health.css") for url in opened.requests)


# Measures every visible control in the header and the main area, in the page.
# WCAG 2.2 SC 2.5.8 (Target Size, Minimum), as applied here:
# - a target passes when its box is at least 24 by 24 CSS pixels;
# - spacing exception: an undersized target passes when a 24 px circle centred on its box meets no other
#   target's box and no other undersized target's circle (centres at least 24 px apart);
# - inline exception: an `a` in a sentence: its nearest block (a p, li, td or dd, reached through inline
#   elements such as the <sup> of a reference number) also holds running text on the same lines, that is a
#   non-blank text node or an inline (display: inline) element with text other than the link. Text in block
#   children does not count: a link alone on its line (a list of links, a card title, a link above a
#   description paragraph) is a target that must be large enough.
# Controls that cannot be tapped are not targets: display:none, visibility:hidden, pointer-events:none, zero
# size, wholly outside the page horizontally, or wholly clipped by an overflowing ancestor (Material's
# off-canvas drawer on phones). Controls at opacity 0 still take taps, so they count.
MEASURE_TARGETS = r"""
() => {
  const selector = "a[href], button, summary, input:not([type=hidden]), label[for]";
  const scopes = [...document.querySelectorAll(".md-header, main")];
  const width = document.documentElement.clientWidth;
  const inline = (el) => {
    if (el.tagName !== "A") return false;
    let link = el, parent = el.parentElement;
    while (parent && getComputedStyle(parent).display === "inline") [link, parent] = [parent, parent.parentElement];
    if (!parent || !["P", "LI", "TD", "DD"].includes(parent.tagName)) return false;
    return [...parent.childNodes].some((node) => {
      if (node === link) return false;
      if (node.nodeType === Node.TEXT_NODE) return node.textContent.trim() !== "";
      if (node.nodeType !== Node.ELEMENT_NODE) return false;
      return getComputedStyle(node).display === "inline" && node.textContent.trim() !== "";
    });
  };
  const clippedAway = (el, r) => {
    let [left, top, right, bottom] = [r.left, r.top, r.right, r.bottom];
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const style = getComputedStyle(a);
      if (style.overflowX === "visible" && style.overflowY === "visible") continue;
      const c = a.getBoundingClientRect();
      [left, top] = [Math.max(left, c.left), Math.max(top, c.top)];
      [right, bottom] = [Math.min(right, c.right), Math.min(bottom, c.bottom)];
      if (left >= right || top >= bottom) return true;
    }
    return false;
  };
  const describe = (el) => {
    const text = (el.textContent || el.getAttribute("aria-label") || el.title || "").trim().replace(/\s+/g, " ");
    const names = typeof el.className === "string" ? el.className.trim() : "";
    const cls = names ? "." + names.split(/\s+/).join(".") : "";
    return `${el.tagName.toLowerCase()}${cls} "${text.slice(0, 50)}"`;
  };
  const targets = [];
  for (const scope of scopes) {
    for (const el of scope.querySelectorAll(selector)) {
      if (!el.checkVisibility({ visibilityProperty: true }) || getComputedStyle(el).pointerEvents === "none") continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || r.right <= 0 || r.left >= width || clippedAway(el, r)) continue;
      targets.push({ el, r, inline: inline(el), small: r.width < 24 || r.height < 24 });
    }
  }
  const centre = (t) => [t.r.left + t.r.width / 2, t.r.top + t.r.height / 2];
  const distanceToBox = ([x, y], r) =>
    Math.hypot(Math.max(r.left - x, 0, x - r.right), Math.max(r.top - y, 0, y - r.bottom));
  const problems = [];
  for (const t of targets) {
    if (!t.small || t.inline) continue;
    const c = centre(t);
    const clash = targets.find((o) => o !== t && !o.el.contains(t.el) && !t.el.contains(o.el) && (
      distanceToBox(c, o.r) < 12 ||
      (o.small && !o.inline && Math.hypot(c[0] - centre(o)[0], c[1] - centre(o)[1]) < 24)));
    if (clash) {
      const size = `${t.r.width.toFixed(1)}x${t.r.height.toFixed(1)} px`;
      problems.push(`${describe(t.el)} is ${size} and too close to ${describe(clash.el)}`);
    }
  }
  return { count: targets.length, problems };
}
"""


@pytest.mark.parametrize(("path", "viewport"), PAGE_AT_SIZE)
def test_touch_targets_are_at_least_24_px(open_page: Callable[..., OpenedPage], path: str, viewport: str) -> None:
    opened = open_page(path, viewport)
    measured = opened.page.evaluate(MEASURE_TARGETS)
    assert measured["count"] > 5, "no controls were measured"
    assert measured["problems"] == []

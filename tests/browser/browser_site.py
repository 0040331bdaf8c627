"""What the browser tests cover: the audited pages of the site and the two viewports readers use."""

from __future__ import annotations

from dataclasses import dataclass, field

from playwright.sync_api import BrowserContext, Page, ViewportSize

# The home page, the A to Z, the lead topic and the contact page (issue 6).
PAGES = ["/", "/conditions/", "/conditions/cervical-insufficiency/", "/contact/"]
TOPIC_PAGE = "/conditions/cervical-insufficiency/"
# A small phone and a laptop.
VIEWPORTS: dict[str, ViewportSize] = {
    "360x800": {"width": 360, "height": 800},
    "1280x800": {"width": 1280, "height": 800},
}
# The widths the layout is checked at: the smallest phones, a common phone, a tablet and a laptop.
LAYOUT_WIDTHS: dict[str, ViewportSize] = {f"{w}x800": {"width": w, "height": 800} for w in (320, 360, 768, 1280)}


@dataclass
class OpenedPage:
    """A page of the local site and everything it did while loading and running."""

    page: Page
    context: BrowserContext
    requests: list[str] = field(default_factory=list)  # every request URL, in order
    blocked: list[str] = field(default_factory=list)  # requests to any other host, aborted
    failed: list[str] = field(default_factory=list)  # network failures and HTTP errors
    console_errors: list[str] = field(default_factory=list)  # console.error and uncaught exceptions

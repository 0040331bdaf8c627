"""Printable leaflets: every topic page as a PDF a clinic can hand out (`make leaflets`).

With `extra.health_library.leaflets` on, each topic page links "Download as a leaflet (PDF)" to a file
beside it (`leaflet_file`) and carries, for print only, the site's name, the page's address with a QR
code to it (made here at build time, offline, with segno) and its review dates. `write_leaflets` then
opens every page of the built site that links a leaflet in Chromium (Playwright, Debian's Chromium),
prints it with the print stylesheet and writes the PDF where the link points. Each printed page's header
and footer carry the site's name, the page's address, the review dates and the QR code, read from the
page itself, so the leaflet says what the page says.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import http.server
import io
import posixpath
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import segno

from healthpages.chromium import CHROMIUM, CHROMIUM_ARGS

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, PdfMargins

# The link every topic page carries when leaflets are on; its address is the PDF's, relative to the page.
_LEAFLET_LINK = re.compile(r'<p class="health-leaflet"><a href="([^"]+\.pdf)"')
# Room on each printed page for the header and the footer (with its QR code).
MARGINS: PdfMargins = {"top": "20mm", "bottom": "34mm", "left": "16mm", "right": "16mm"}


@functools.lru_cache(maxsize=4096)
def qr_png(url: str) -> str:
    """A QR code that opens `url`, as a PNG data address (8 pixels a module: sharp when printed 24 mm wide)."""
    buffer = io.BytesIO()
    segno.make_qr(url, error="m").save(buffer, kind="png", scale=8, border=4)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def leaflet_file(url: str) -> str:
    """The leaflet's file name, beside the page whose site-relative URL is `url` (conditions/x/ -> x.pdf)."""
    stem = posixpath.basename(url.rstrip("/")) if url.endswith("/") else posixpath.splitext(posixpath.basename(url))[0]
    return f"{stem or 'index'}.pdf"


@dataclass(frozen=True)
class Leaflet:
    page: Path  # the built page (index.html)
    url_path: str  # its address on the local server, from the site's root
    pdf: Path  # where its leaflet is written


def leaflets_in(site_dir: Path) -> list[Leaflet]:
    """Every page of a built site that links a leaflet, with the file its link points to."""
    found = []
    for page in sorted(site_dir.rglob("*.html")):
        match = _LEAFLET_LINK.search(page.read_text(encoding="utf-8"))
        if match is None:
            continue
        relative = page.relative_to(site_dir).as_posix()
        url_path = "/" + (relative[: -len("index.html")] if relative.endswith("index.html") else relative)
        found.append(Leaflet(page, url_path, (page.parent / match.group(1)).resolve()))
    return found


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """The built site on a free port of 127.0.0.1, for as long as the block runs; yields its base URL."""
    handler = functools.partial(_Quiet, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="leaflet-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


# What the page's print-only header says (blocks/print_header.html), read in the browser.
_READ_PRINT_HEADER = """() => {
  const block = document.querySelector("[data-health-print]");
  if (!block) return null;
  const text = (selector) => block.querySelector(selector).textContent.replace(/\\s+/g, " ").trim();
  return {
    site: text(".health-print-header__site"),
    url: text(".health-print-header__url"),
    review: text(".health-print-header__review"),
    qr: block.querySelector("img.health-qr").getAttribute("src"),
    title: document.querySelector("article h1").textContent.replace(/\\s+/g, " ").trim(),
  };
}"""


def print_leaflet(page: Page, pdf: Path) -> None:
    """Print the open page to `pdf` with the leaflet's header and footer on every printed page."""
    from healthpages.render import render_template  # render links each page's leaflet with this module

    facts = page.evaluate(_READ_PRINT_HEADER)
    if not facts:
        raise ValueError(f"{page.url} has no print header: build the site with leaflets on (make leaflets)")
    # The header and footer carry what the page's own print header says, so the page shows it only once.
    page.evaluate("document.documentElement.classList.add('health-leaflet-print')")
    page.emulate_media(media="print")
    pdf.parent.mkdir(parents=True, exist_ok=True)
    page.pdf(
        path=str(pdf),
        format="A4",
        print_background=True,
        display_header_footer=True,
        header_template=render_template("leaflet/header.html", **facts),
        footer_template=render_template("leaflet/footer.html", **facts),
        margin=MARGINS,
    )


def print_leaflets(browser: Browser, site_dir: Path) -> list[Path]:
    """Write, with `browser`, the leaflet of every page of the built site in `site_dir` that links one."""
    written: list[Path] = []
    with serve(site_dir) as base:
        context = browser.new_context(reduced_motion="reduce")
        try:
            page = context.new_page()
            for leaflet in leaflets_in(site_dir):
                page.goto(base + leaflet.url_path, wait_until="load")
                print_leaflet(page, leaflet.pdf)
                written.append(leaflet.pdf)
        finally:
            context.close()
    return written


def write_leaflets(site_dir: Path, chromium: Path = CHROMIUM) -> list[Path]:
    """Write the leaflet of every page of the built site in `site_dir` that links one; returns the PDFs."""
    from playwright.sync_api import sync_playwright  # the test and tooling stack (requirements-dev.txt)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=list(CHROMIUM_ARGS))
        try:
            return print_leaflets(browser, site_dir)
        finally:
            browser.close()

"""Print and the printable leaflets: every page's print stylesheet, and `healthpages leaflets` (make leaflets)
writing one PDF per topic page whose every printed page carries the site's name, the page's address, the
review line and a QR code that opens the page, read back from the PDFs with pypdf the way a reader's
software reads them."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import segno
from PIL import Image
from playwright.sync_api import Browser, BrowserContext, Page
from pypdf import PdfReader

from healthpages.leaflets import leaflets_in, print_leaflets
from sitebuild import read_html

pytestmark = pytest.mark.browser

SITE_NAME = "Gynaecology health library"
SITE_URL = "https://www.bristolendogyn.com/"


def _text(value: str) -> str:
    return " ".join(value.split())


@pytest.fixture(scope="module")
def leaflets(built_site: Path, chromium: Browser) -> dict[str, Path]:
    """The leaflets of the built site, written as `make leaflets` writes them (with the session's browser
    instead of one of its own): {page path: PDF}."""
    written = print_leaflets(chromium, built_site)
    return {leaflet.url_path: leaflet.pdf for leaflet in leaflets_in(built_site) if leaflet.pdf in written}


@pytest.fixture(scope="module")
def topic_paths(built_site: Path) -> list[str]:
    return sorted("/conditions/" + page.parent.name + "/" for page in (built_site / "conditions").glob("*/index.html"))


def test_make_leaflets_writes_one_pdf_per_topic_page_where_the_page_links_it(
    built_site: Path, leaflets: dict[str, Path], topic_paths: list[str]
) -> None:
    assert len(topic_paths) == 10
    assert sorted(leaflets) == topic_paths
    for path, pdf in leaflets.items():
        page = read_html(built_site / path.strip("/") / "index.html")
        (link,) = page.xpath("//p[@class='health-leaflet']/a")
        assert _text(link.text_content()) == "Download as a leaflet (PDF)"
        assert (built_site / path.strip("/") / link.get("href")).resolve() == pdf
        assert pdf.read_bytes().startswith(b"%PDF-")
    # Site pages have no leaflet.
    assert not read_html(built_site / "contact" / "index.html").xpath("//p[@class='health-leaflet']")


def _qr_url_matches(image: Image.Image, url: str) -> bool:
    """Whether the picture is the QR code of `url`: its modules read at their centres equal segno's."""
    expected = segno.make_qr(url, error="m")
    modules = [list(row) for row in expected.matrix_iter(border=4)]
    size = len(modules)
    grey = image.convert("L")
    width, height = grey.size
    if abs(width - height) > 2:
        return False
    for row in range(size):
        for column in range(size):
            x, y = int((column + 0.5) * width / size), int((row + 0.5) * height / size)
            dark = grey.getpixel((x, y)) < 128  # type: ignore[operator]
            if dark != bool(modules[row][column]):
                return False
    return True


def _page_texts(pdf: Path) -> tuple[list[str], list[list[Image.Image]]]:
    reader = PdfReader(pdf)
    texts = [_text(page.extract_text() or "") for page in reader.pages]
    images: list[list[Image.Image]] = [
        [Image.open(io.BytesIO(image.data)) for image in page.images] for page in reader.pages
    ]
    return texts, images


def test_every_printed_page_carries_site_address_review_line_and_qr_code(
    built_site: Path, leaflets: dict[str, Path]
) -> None:
    failures = []
    for path, pdf in leaflets.items():
        url = SITE_URL + path.lstrip("/")
        page = read_html(built_site / path.strip("/") / "index.html")
        review = _text(page.xpath("string(//p[@class='health-print-header__review'])"))
        assert review.startswith(("Page last reviewed:", "Not yet clinically reviewed.")), review
        texts, images = _page_texts(pdf)
        assert len(texts) >= 2, f"{path}: the leaflet has {len(texts)} page"
        for number, (text, pictures) in enumerate(zip(texts, images, strict=True), start=1):
            for wanted in (SITE_NAME, url, review, f"Page {number} of {len(texts)}"):
                if wanted not in text:
                    failures.append(f"{path}, page {number}: {wanted!r} is not printed")
            if not any(_qr_url_matches(picture, url) for picture in pictures):
                failures.append(f"{path}, page {number}: no QR code that opens {url}")
            if "\u21a9" in text:
                failures.append(f"{path}, page {number}: a back-link arrow is printed")
    assert failures == []


def _blocks(page: Page) -> list[dict[str, Any]]:
    """Text that must stay together on a printed page: each box (key points, each card of "When to get help"),
    and each heading with the start of what follows it."""
    result: list[dict[str, Any]] = page.evaluate(
        r"""() => {
      // What the PDF's text layer holds: without text for screen readers only.
      const text = (el) => {
        const copy = el.cloneNode(true);
        copy.querySelectorAll(".health-visually-hidden, [aria-hidden=true]").forEach((node) => node.remove());
        return copy.textContent.replace(/\s+/g, " ").trim();
      };
      const blocks = [];
      for (const box of document.querySelectorAll(".health-key-points, .health-help__tier")) {
        blocks.push({ what: box.className, parts: [...box.querySelectorAll("h2, h3, li")].map(text) });
      }
      for (const heading of document.querySelectorAll("article :is(h2, h3)")) {
        if (heading.closest(".health-help__tier, details, .health-print-header")) continue;
        let next = heading.nextElementSibling;
        while (next && !text(next)) next = next.nextElementSibling;
        if (!next) continue;
        // The first line that follows: a question's summary, a list's first item, a table's first row.
        const first = next.querySelector(":scope > summary, :scope > li, tr") || next;
        blocks.push({ what: "heading " + text(heading), parts: [text(heading), text(first).slice(0, 30)] });
      }
      return blocks;
    }"""
    )
    return result


@pytest.fixture
def print_page(chromium: Browser, base_url: str) -> Iterator[Page]:
    context: BrowserContext = chromium.new_context(reduced_motion="reduce")
    page = context.new_page()
    yield page
    context.close()


def test_no_box_is_split_and_no_heading_is_left_at_the_foot_of_a_page(
    leaflets: dict[str, Path], print_page: Page, base_url: str
) -> None:
    failures = []
    for path, pdf in leaflets.items():
        print_page.goto(base_url + path, wait_until="load")
        print_page.emulate_media(media="print")
        texts, _ = _page_texts(pdf)
        # Compare letters only: pypdf puts a line's end and a reference number where the layout has them.
        squeezed = [re.sub(r"[^A-Za-z]+", "", text) for text in texts]
        for block in _blocks(print_page):
            parts = [re.sub(r"[^A-Za-z]+", "", part) for part in block["parts"] if part]
            pages = {n for n, text in enumerate(squeezed) for part in parts[:1] if part and part in text}
            together = [n for n in pages if all(part in squeezed[n] for part in parts)]
            if pages and not together:
                failures.append(f"{path}: {block['what'][:60]} is split across printed pages")
    assert failures == []


def test_print_stylesheet_on_every_topic_page(print_page: Page, base_url: str, topic_paths: list[str]) -> None:
    """What the print stylesheet does, on each topic page (the same page as printed from the browser)."""
    failures = []
    for path in topic_paths:
        print_page.goto(base_url + path, wait_until="load")
        print_page.emulate_media(media="print")
        state = print_page.evaluate(
            r"""() => {
          const shown = (s) => [...document.querySelectorAll(s)].some((el) => el.checkVisibility());
          const style = (s, p) => [...document.querySelectorAll(s)].map((el) => getComputedStyle(el)[p]);
          return {
            navigation: shown(".md-header, .md-sidebar, .md-footer"),
            backLinks: shown("a.footnote-backref"),
            header: shown(".health-print-header"),
            qr: [...document.querySelectorAll(".health-print-header img.health-qr")].map((img) => img.naturalWidth),
            keepTogether: style(".health-key-points, .health-help__tier", "breakInside"),
            headingsKeepWithNext: style("article h2, article h3", "breakAfter"),
            referencesPx: style(".footnote li", "fontSize").map(parseFloat),
            answers: [...document.querySelectorAll("details.faq .faq__answer")].every((el) => el.checkVisibility()),
          };
        }"""
        )
        if state["navigation"] or state["backLinks"]:
            failures.append(f"{path}: the site's navigation or the back-links print")
        if not state["header"] or not state["qr"] or min(state["qr"]) < 100:
            failures.append(f"{path}: no printed header with the site, the address and a sharp QR code")
        if set(state["keepTogether"]) != {"avoid"}:
            failures.append(f"{path}: key points or a help card may split: {set(state['keepTogether'])}")
        if set(state["headingsKeepWithNext"]) != {"avoid"}:
            failures.append(f"{path}: a heading may be left at the foot of a page")
        if not state["referencesPx"] or min(state["referencesPx"]) < 12:
            failures.append(f"{path}: references print smaller than 12 px ({state['referencesPx'][:1]})")
        if not state["answers"]:
            failures.append(f"{path}: an FAQ answer does not print")
    assert failures == []

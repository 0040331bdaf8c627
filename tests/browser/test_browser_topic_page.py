"""The lead topic page in a real browser: the FAQ disclosures, the trust and help blocks, search and print."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Locator, Page, expect

from browser_site import TOPIC_PAGE, VIEWPORTS, OpenedPage
from sitebuild import shipped_phone_link

pytestmark = pytest.mark.browser

CLINIC_PHONE_E164 = shipped_phone_link()  # the practice's default clinic in data/practice.yml
FAQ = "details.faq"


def _faq_items(page: Page) -> Locator:
    items = page.locator(FAQ)
    assert items.count() >= 3, "the topic page should have an FAQ"
    return items


def _active_summary_index(page: Page) -> int:
    """Which FAQ summary has the focus (-1: none)."""
    index = page.evaluate(
        "sel => [...document.querySelectorAll(sel)].indexOf(document.activeElement)", f"{FAQ} > summary"
    )
    return int(index)


def _focus_faq_heading(page: Page) -> None:
    """Start the keyboard at the FAQ's heading (the next Tab stop is the first question)."""
    page.evaluate(
        "() => { const h = document.getElementById('frequently-asked-questions'); h.tabIndex = -1; h.focus(); }"
    )


def _assert_state(item: Locator, *, is_open: bool) -> None:
    answer = item.locator(".faq__answer")
    if is_open:
        expect(item).to_have_attribute("open", "")
        expect(answer).to_be_visible()
    else:
        expect(item).not_to_have_attribute("open", "")
        expect(answer).to_be_hidden()


def _assert_not_under_header(page: Page, summary: Locator, label: str) -> None:
    header = page.locator(".md-header").bounding_box()
    box = summary.bounding_box()
    assert header and box, f"{label}: header or summary not rendered"
    viewport = page.viewport_size
    assert viewport is not None
    assert box["y"] >= header["y"] + header["height"] - 0.5, (
        f"{label}: the focused question (top {box['y']:.1f}) is hidden under the sticky header "
        f"(bottom {header['y'] + header['height']:.1f})"
    )
    assert box["y"] + box["height"] <= viewport["height"] + 0.5, f"{label}: the focused question is below the viewport"


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_faq_opens_and_closes_with_enter_space_and_click(open_page: Callable[..., OpenedPage], viewport: str) -> None:
    page = open_page(TOPIC_PAGE, viewport).page
    items = _faq_items(page)
    first = items.nth(0)
    _assert_state(first, is_open=False)

    # Keyboard: Tab from the FAQ's heading lands on the first question.
    _focus_faq_heading(page)
    page.keyboard.press("Tab")
    assert _active_summary_index(page) == 0, "Tab did not move to the first FAQ question"
    for key in ("Enter", "Space"):
        page.keyboard.press(key)
        _assert_state(first, is_open=True)
        page.keyboard.press(key)
        _assert_state(first, is_open=False)

    # Mouse or touch: on the last question too, far down the page.
    for item in (first, items.last):
        item.locator("summary").click()
        _assert_state(item, is_open=True)
        item.locator("summary").click()
        _assert_state(item, is_open=False)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_focused_faq_question_is_never_under_the_sticky_header(
    open_page: Callable[..., OpenedPage], viewport: str
) -> None:
    page = open_page(TOPIC_PAGE, viewport).page
    count = _faq_items(page).count()
    summaries = page.locator(f"{FAQ} > summary")
    _focus_faq_heading(page)

    # Forwards through every question, then backwards (Shift+Tab scrolls up, towards the header).
    for index in range(count):
        page.keyboard.press("Tab")
        assert _active_summary_index(page) == index, f"Tab did not reach FAQ question {index + 1}"
        _assert_not_under_header(page, summaries.nth(index), f"Tab to question {index + 1}")
    page.keyboard.press("Tab")  # past the FAQ, to the next control
    assert _active_summary_index(page) == -1
    page.mouse.wheel(0, 3000)  # scroll the questions well out of view, above the header
    page.wait_for_timeout(100)
    for index in reversed(range(count)):
        page.keyboard.press("Shift+Tab")
        assert _active_summary_index(page) == index, f"Shift+Tab did not reach FAQ question {index + 1}"
        _assert_not_under_header(page, summaries.nth(index), f"Shift+Tab to question {index + 1}")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_disclaimer_review_line_and_contact_are_visible(open_page: Callable[..., OpenedPage], viewport: str) -> None:
    page = open_page(TOPIC_PAGE, viewport).page
    expect(page.locator(".health-disclaimer")).to_be_visible()
    expect(page.locator("#page-review.health-review")).to_be_visible()
    expect(page.locator(".health-review")).to_contain_text("Page last updated")
    contact = page.locator(".health-contact")
    expect(contact).to_be_visible()

    # The lead page is a pregnancy page: its contact block sends readers to their maternity unit and 999, and
    # offers no private booking line (clinical review CI-10); the call link under the title dials 999.
    expect(contact).to_contain_text("maternity unit")
    expect(contact.locator("a[href^='tel:']")).to_have_count(0)
    assert page.eval_on_selector_all("a[href^='tel:']", "links => links.map(a => a.getAttribute('href'))") == [
        "tel:999"
    ]
    assert CLINIC_PHONE_E164 not in page.content()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_search_finds_the_page_by_incompetent_cervix(open_page: Callable[..., OpenedPage], viewport: str) -> None:
    page = open_page("/", viewport).page
    search_button = page.locator("label.md-header__button[for='__search']")
    if search_button.is_visible():  # phones: the magnifier opens the search overlay
        search_button.click()
    else:
        page.locator(".md-search__input").click()
    search = page.locator(".md-search__input")
    expect(search).to_be_focused()
    search.press_sequentially("incompetent cervix", delay=20)

    results = page.locator(".md-search-result__item")
    expect(results.first).to_be_visible(timeout=10_000)
    hrefs = page.eval_on_selector_all(
        ".md-search-result__item a.md-search-result__link", "links => links.map(a => new URL(a.href).pathname)"
    )
    assert TOPIC_PAGE in hrefs, f"search results link to {hrefs}"


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_gynaecology_page_offers_the_practice_line_it_names(
    open_page: Callable[..., OpenedPage], viewport: str
) -> None:
    page = open_page("/conditions/endometriosis/", viewport).page
    phone_links = page.locator(".health-contact a[href^='tel:']")
    expect(phone_links).to_have_count(1)
    assert phone_links.get_attribute("href") == CLINIC_PHONE_E164
    expect(phone_links).to_be_visible()
    # The call link under the title dials the same line.
    assert page.eval_on_selector_all("a[href^='tel:']", "links => links.map(a => a.getAttribute('href'))") == [
        CLINIC_PHONE_E164,
        CLINIC_PHONE_E164,
    ]


def test_printing_hides_navigation_and_keeps_content_answers_references_and_help(
    open_page: Callable[..., OpenedPage],
) -> None:
    page = open_page(TOPIC_PAGE, "1280x800").page
    # Before printing the answers are collapsed, so visible answers below come from the print styles.
    assert page.locator(f"{FAQ}[open]").count() == 0
    page.emulate_media(media="print")

    for hidden in (".md-header", ".md-sidebar", ".md-search", ".md-footer"):
        for element in page.locator(hidden).all():
            expect(element).to_be_hidden()
    expect(page.locator(".md-content")).to_be_visible()
    expect(page.locator(".md-content h1")).to_be_visible()
    answers = page.locator(f"{FAQ} .faq__answer")
    assert answers.count() >= 3
    for answer in answers.all():
        expect(answer).to_be_visible()
    for kept in (".footnote", "#page-review", ".health-disclaimer", ".health-contact"):
        expect(page.locator(kept)).to_be_visible()
    expect(page.locator(".health-contact")).to_contain_text("maternity unit")

    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF-")
    assert len(pdf) > 20_000, f"the PDF is suspiciously small ({len(pdf)} bytes)"

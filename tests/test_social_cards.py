"""Social cards: where each page's card goes, that a card is the same bytes in any process, and that the title fits."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image

from healthpages import social_cards
from healthpages.settings import CARD_STORE
from healthpages.social_cards import (
    CARD_SIZE,
    HELPER_FROM,
    HELPER_NICENESS,
    Card,
    CardStore,
    card_path,
    draw_alongside,
    draw_card,
    title_lines,
    write_cards,
)
from sitebuild import ROOT

# Columns: the page's URL relative to the site's root, where its card goes.
PATHS = [
    ("", "assets/cards/index.png"),
    ("conditions/", "assets/cards/conditions.png"),
    ("conditions/endometriosis/", "assets/cards/conditions/endometriosis.png"),
    ("contact.html", "assets/cards/contact.png"),
]


@pytest.mark.parametrize(("url", "expected"), PATHS)
def test_card_path(url: str, expected: str) -> None:
    assert card_path(url) == expected


CARD = Card("x.png", "Cervical insufficiency (weak cervix) in pregnancy", "Gynaecology health library", "example.org")
DRAW = (
    "import hashlib; from healthpages.social_cards import Card, draw_card; "
    f"print(hashlib.sha256(draw_card(Card{(CARD.path, CARD.title, CARD.site_name, CARD.address)!r})).hexdigest())"
)


def test_a_card_is_the_same_bytes_in_another_process() -> None:
    """Builds keep drawn cards in a store, so the two-builds test alone would not show this."""
    here = hashlib.sha256(draw_card(CARD)).hexdigest()
    there = subprocess.run([sys.executable, "-c", DRAW], cwd=ROOT, capture_output=True, text=True, check=True)
    assert there.stdout.strip() == here
    other = Card(CARD.path, "Endometriosis", CARD.site_name, CARD.address)
    assert hashlib.sha256(draw_card(other)).hexdigest() != here


def test_a_long_title_fits_whole() -> None:
    title = " ".join(["Heavy menstrual bleeding and abnormal uterine bleeding"] * 2)[:120]
    font, line_height, lines = title_lines(title)
    assert " ".join(lines) == title  # no word is cut
    assert len(lines) * line_height <= 330 and all(font.getlength(line) <= CARD_SIZE[0] - 160 for line in lines)
    with Image.open(BytesIO(draw_card(Card("x", title, "Site", "example.org")))) as card:
        assert card.size == CARD_SIZE and card.mode == "P"


def test_every_card_written_is_its_own_drawing(tmp_path: Path) -> None:
    # More cards than the encoders hold at once, one of them twice: each file is its own card's picture.
    cards = [
        Card(f"cards/{n}.png", f"Topic {n}: what it is and what helps", "Test library", "example.org") for n in range(9)
    ]
    twin = Card("cards/twin.png", cards[3].title, "Test library", "example.org")  # another page, the same title
    figures = write_cards([*cards, twin], tmp_path / "site", CardStore(tmp_path / "store"))
    assert (figures.cards, figures.drawn) == (10, 9)
    for card in [*cards, twin]:
        assert (tmp_path / "site" / card.path).read_bytes() == draw_card(card), card.path
    assert figures.bytes == sum(len(draw_card(card)) for card in [*cards, twin])


def test_a_later_build_draws_only_the_cards_that_changed(tmp_path: Path) -> None:
    store = CardStore(tmp_path / "store")
    cards = [Card(f"cards/{n}.png", f"Topic {n}", "Test library", "example.org") for n in range(4)]
    assert write_cards(cards, tmp_path / "first", store).drawn == 4
    assert sorted(path.suffix for path in (tmp_path / "store").iterdir()) == [".png"] * 4  # no partial files left

    renamed = Card(cards[2].path, "Topic 2, renamed", "Test library", "example.org")
    later = [cards[0], cards[1], renamed, cards[3]]
    figures = write_cards(later, tmp_path / "second", store)
    assert (figures.cards, figures.drawn) == (4, 1)
    for card in later:
        assert (tmp_path / "second" / card.path).read_bytes() == draw_card(card), card.path
    # Another site name or address is another picture too.
    moved = [Card(card.path, card.title, card.site_name, "example.net") for card in later]
    assert write_cards(moved, tmp_path / "third", store).drawn == 4


def test_a_new_font_or_drawing_code_draws_every_card_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    card = Card("x.png", "Endometriosis", "Test library", "example.org")
    store = CardStore(tmp_path / "store")
    before = store.key(card)

    def key_with(name: str, value: object) -> str:
        """The card's key with one of the module's values changed (then put back)."""
        monkeypatch.setattr(social_cards, name, value)
        social_cards.design.cache_clear()
        try:
            return store.key(card)
        finally:
            monkeypatch.undo()
            social_cards.design.cache_clear()

    fonts = tmp_path / "fonts"
    shutil.copytree(social_cards.FONTS, fonts)
    font = sorted(fonts.glob("*.ttf"))[0]
    font.write_bytes(font.read_bytes() + b"\0")
    assert key_with("FONTS", fonts) != before
    assert store.key(card) == before
    # A change to the drawing code (here one more line in the module) is another design too.
    code = tmp_path / "social_cards.py"
    code.write_text(Path(social_cards.__file__).read_text(encoding="utf-8") + "# another design\n", encoding="utf-8")
    assert key_with("__file__", str(code)) != before
    assert store.key(card) == before


def _library(count: int) -> list[Card]:
    return [Card(f"cards/{n}.png", f"Topic {n}: what helps", "Test library", "example.org") for n in range(count)]


def test_a_helper_process_draws_the_missing_cards_while_the_pages_are_built(tmp_path: Path) -> None:
    store = CardStore(tmp_path / "store")
    cards = _library(5)
    write_cards(cards[:1], tmp_path / "earlier", store)  # one picture is in the store already
    twin = Card("cards/twin.png", cards[4].title, "Test library", "example.org")
    helper = draw_alongside([*cards, twin], store, at_least=1)
    assert helper is not None
    assert helper.process.wait(timeout=120) == 0
    # The helper put the four missing pictures into the store, each drawn once.
    assert {store.key(card) for card in cards[1:]} == helper.keys
    assert all(store.has(key) for key in helper.keys)
    figures = write_cards([*cards, twin], tmp_path / "site", store, helper)
    assert (figures.cards, figures.drawn, figures.alongside) == (6, 4, True)
    assert "4 drawn, the others kept from earlier builds by a second process" in str(figures)
    for card in [*cards, twin]:
        assert (tmp_path / "site" / card.path).read_bytes() == draw_card(card), card.path
    left = sorted(path.suffix for path in (tmp_path / "store").iterdir())
    assert left == [".png"] * 5  # no list of cards to draw, no partial picture


def test_no_helper_when_few_cards_are_missing(tmp_path: Path) -> None:
    store = CardStore(tmp_path / "store")
    cards = _library(3)
    assert draw_alongside(cards, store, at_least=4) is None
    write_cards(cards, tmp_path / "site", store)
    assert draw_alongside(cards, store, at_least=1) is None  # all three are in the store
    assert draw_alongside(cards, CardStore(None), at_least=1) is None  # nowhere to put them


def test_cards_are_all_written_when_the_helper_stops_early(tmp_path: Path) -> None:
    store = CardStore(tmp_path / "store")
    # More cards than the encoders hold at once, so the first is finished before its twin comes.
    cards = _library(2 * (os.cpu_count() or 1) + 4)
    twin = Card("cards/twin.png", cards[0].title, "Test library", "example.org")  # drawn once, counted once
    helper = draw_alongside([*cards, twin], store, at_least=1)
    assert helper is not None
    helper.process.kill()
    figures = write_cards([*cards, twin], tmp_path / "site", store, helper)
    assert (figures.cards, figures.drawn) == (len(cards) + 1, len(cards))
    for card in [*cards, twin]:
        assert (tmp_path / "site" / card.path).read_bytes() == draw_card(card), card.path


def test_stopping_a_helper_leaves_no_list_or_partial_picture(tmp_path: Path) -> None:
    store = CardStore(tmp_path / "store")
    helper = draw_alongside(_library(40), store, at_least=1)
    assert helper is not None
    helper.stop()
    assert helper.process.returncode is not None
    left = {path.suffix for path in (tmp_path / "store").iterdir()}
    assert left <= {".png"}


def test_a_build_that_fails_before_its_cards_are_written_stops_its_helper(tmp_path: Path) -> None:
    # A library large enough for a helper, with an American spelling on a page: the strict build finds it while it
    # converts the pages and fails before it writes the cards. MkDocs' shutdown event stops the helper, which
    # would otherwise go on after the build and leave its list of cards in the store.
    sys.path.insert(0, str(ROOT))
    try:
        from benchmarks.configs import write_variants
        from benchmarks.corpus import generate
    finally:
        sys.path.remove(str(ROOT))
    config_file = write_variants(ROOT, generate(tmp_path, HELPER_FROM + 8, ROOT))["a"]
    page = sorted((tmp_path / "docs" / "conditions").rglob("*.md"))[-1]
    page.write_text(page.read_text() + "\nThe color of the discharge can change.\n")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(config_file)],
        cwd=tmp_path,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1, result.stderr[-3000:]
    assert "'color' is American spelling" in result.stderr
    store = config_file.parent / CARD_STORE
    assert store.is_dir()  # made by the helper: nothing else in a failed build writes to the store
    assert {path.suffix for path in store.iterdir()} <= {".png"}


@pytest.mark.skipif(not hasattr(os, "getpriority"), reason="process priorities are a Unix feature")
def test_the_helper_draws_at_a_lower_priority_than_the_build(tmp_path: Path) -> None:
    # A build that converts pages on its second core needs that core before the helper does.
    helper = draw_alongside(_library(200), CardStore(tmp_path / "store"), at_least=1)
    assert helper is not None
    try:
        ours = os.getpriority(os.PRIO_PROCESS, 0)
        seen = ours
        deadline = time.monotonic() + 60
        while seen == ours and helper.process.poll() is None and time.monotonic() < deadline:
            seen = os.getpriority(os.PRIO_PROCESS, helper.process.pid)
            time.sleep(0.01)
        assert seen == min(ours + HELPER_NICENESS, 19)
    finally:
        helper.stop()

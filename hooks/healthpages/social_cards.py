"""The site's logo and each page's social card (the picture a link preview shows), drawn offline with Pillow.

A card is 1200 x 630 pixels (the size Open Graph and X/Twitter's `summary_large_image` expect): the
logo and the site's name on an NHS-blue band, the page's title, and the site's address. It is drawn
from the page's own data with a font that ships in this package (Atkinson Hyperlegible, SIL Open
Font License 1.1, `fonts/OFL.txt`), with Pillow's basic text layout, so two builds on any machine
give the same bytes and no build makes a request to anyone.

The logo's shapes are defined once, here: `logo_svg` writes them as SVG and `logo_png` draws the
same shapes as a PNG for crawlers that need a bitmap (`python -m healthpages.social_cards DIR`
writes both; a test checks the committed files still match).
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import io
import json
import logging
import os
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import cast
from urllib.parse import urlsplit

import PIL
from PIL import Image, ImageDraw, ImageFont

CARD_SIZE = (1200, 630)
CARD_DIR = "assets/cards"  # in the built site
LOGO_SVG = "assets/logo.svg"
LOGO_PNG = "assets/logo.png"
LOGO_PNG_SIZE = 512
FONTS = Path(__file__).with_name("fonts")
# Fewer missing pictures than this are drawn at the end of the build: a helper process would take longer to start.
HELPER_FROM = 32
HELPER_NICENESS = 10  # the helper's priority below the build's (0 to 19 on Unix)
BLUE = "#005eb8"  # the NHS's blue: white text on it has a contrast of 6.9:1
TEXT = "#212b32"
WHITE = "#ffffff"

# The logo on a 64-unit grid: a rounded blue square, a white cross and an open book under it.
LOGO_GRID = 64
LOGO_RADIUS = 12
LOGO_SHAPES: tuple[tuple[tuple[int, int], ...], ...] = (
    (
        (27, 10),
        (37, 10),
        (37, 20),
        (47, 20),
        (47, 30),
        (37, 30),
        (37, 40),
        (27, 40),
        (27, 30),
        (17, 30),
        (17, 20),
        (27, 20),
    ),
    ((10, 45), (31, 49), (31, 56), (10, 52)),
    ((33, 49), (54, 45), (54, 52), (33, 56)),
)
LOGO_TITLE = "Health library logo: a white cross over an open book"


def card_path(page_url: str) -> str:
    """Where a page's card lives in the site, from the page's URL relative to the root (`conditions/x/`)."""
    stem = page_url.removesuffix("/").removesuffix(".html") or "index"
    return f"{CARD_DIR}/{stem}.png"


def card_alt(title: str, site_name: str) -> str:
    return f"{site_name}: {title}"


# -- the logo -------------------------------------------------------------------------------------------


def logo_svg() -> str:
    """The logo as an SVG file: an image with a title, for screen readers and crawlers."""
    paths = "".join(f'<path fill="{WHITE}" d="M{" L".join(f"{x} {y}" for x, y in shape)} Z"/>' for shape in LOGO_SHAPES)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {LOGO_GRID} {LOGO_GRID}" role="img" '
        f'aria-labelledby="logo-title"><title id="logo-title">{LOGO_TITLE}</title>'
        f'<rect width="{LOGO_GRID}" height="{LOGO_GRID}" rx="{LOGO_RADIUS}" fill="{BLUE}"/>{paths}</svg>\n'
    )


def _draw_logo(image: Image.Image, left: int, top: int, size: int, background: str | None = BLUE) -> None:
    """The logo's shapes drawn into `image`, smoothed by drawing four times larger and scaling down."""
    scale = 4
    big = Image.new("RGBA", (size * scale, size * scale), (0, 0, 0, 0))
    draw = ImageDraw.Draw(big)
    unit = size * scale / LOGO_GRID
    if background:
        draw.rounded_rectangle((0, 0, size * scale - 1, size * scale - 1), radius=LOGO_RADIUS * unit, fill=background)
    for shape in LOGO_SHAPES:
        draw.polygon([(x * unit, y * unit) for x, y in shape], fill=WHITE)
    small = big.resize((size, size), Image.Resampling.LANCZOS)
    image.alpha_composite(small, (left, top))


def logo_png() -> bytes:
    image = Image.new("RGBA", (LOGO_PNG_SIZE, LOGO_PNG_SIZE), (0, 0, 0, 0))
    _draw_logo(image, 0, 0, LOGO_PNG_SIZE)
    return _png(image)


def _png(image: Image.Image) -> bytes:  # the logo: written once, so as small as Pillow makes it
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


# -- the cards ------------------------------------------------------------------------------------------


@lru_cache(maxsize=16)
def _font(weight: str, size: int) -> ImageFont.FreeTypeFont:
    # The basic layout engine: the same glyph positions whether or not the machine has libraqm.
    return ImageFont.truetype(
        str(FONTS / f"AtkinsonHyperlegible-{weight}.ttf"), size, layout_engine=ImageFont.Layout.BASIC
    )


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and font.getlength(candidate) <= width:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines


@dataclass(frozen=True)
class Card:
    path: str  # relative to the site's root, see `card_path`
    title: str
    site_name: str
    address: str  # the site's host, shown at the bottom


_MARGIN, _BAND = 80, 150
_TITLE_BOX = (CARD_SIZE[0] - 2 * _MARGIN, 330)  # where the title goes, under the band and above the address
_SHADES = 64  # palette entries for the shared parts, and again for the title's smoothing from white to text


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


@lru_cache(maxsize=4)
def _background(site_name: str, address: str) -> Image.Image:
    """What every card of a site shares (the band with the logo and the site's name, and the address) as a
    palette image whose second half is a ramp from white to the text colour, for the title."""
    width, height = CARD_SIZE
    image = Image.new("RGBA", CARD_SIZE, WHITE)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width, _BAND), fill=BLUE)
    _draw_logo(image, _MARGIN, 35, 80, background=None)
    draw.text((_MARGIN + 110, _BAND // 2), site_name, font=_font("Bold", 40), fill=WHITE, anchor="lm")
    draw.rectangle((0, height - 16, width, height), fill=BLUE)
    draw.text((_MARGIN, height - 60), address, font=_font("Regular", 32), fill=BLUE, anchor="ls")
    shared = image.convert("RGB").quantize(colors=_SHADES, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    palette = (shared.getpalette() or [])[: _SHADES * 3]
    palette += [0] * (_SHADES * 3 - len(palette))
    # The ramp starts from the white the colour reduction kept, so the title's box does not show.
    index = cast(int, shared.getpixel((_MARGIN, _BAND + 50)))  # a palette image's pixel is an index
    white, text = tuple(palette[index * 3 : index * 3 + 3]), _rgb(TEXT)
    for step in range(_SHADES):
        palette += [round(w + (t - w) * step / (_SHADES - 1)) for w, t in zip(white, text, strict=True)]
    shared.putpalette(palette)
    return shared


def title_lines(title: str) -> tuple[ImageFont.FreeTypeFont, int, list[str]]:
    """The largest size at which the title fits its box, the line height and the lines."""
    width, height = _TITLE_BOX
    for size in (72, 64, 56, 50, 44):
        font, line_height = _font("Bold", size), int(size * 1.2)
        lines = _wrap(title, font, width)
        if len(lines) * line_height <= height:
            break
    return font, line_height, lines[: height // line_height]


def draw_card(card: Card) -> bytes:
    """The card as a PNG of 64 + 64 colours: drawn with no colour reduction step, so it is quick to make."""
    return _card_png(_composed(card))


def _composed(card: Card) -> Image.Image:
    image = _background(card.site_name, card.address).copy()
    font, line_height, lines = title_lines(card.title)
    coverage = Image.new("L", _TITLE_BOX, 0)  # how much of each pixel the title's letters cover
    draw = ImageDraw.Draw(coverage)
    for number, line in enumerate(lines):
        draw.text((0, number * line_height), line, font=font, fill=255)
    image.paste(coverage.point(lambda value: _SHADES + value * (_SHADES - 1) // 255), (_MARGIN, _BAND + 50))
    return image


def _card_png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    # zlib level 3: half the time of the default level 6 for a file about a fifth larger.
    image.save(out, format="PNG", compress_level=3)
    return out.getvalue()


@dataclass(frozen=True)
class CardFigures:
    cards: int
    drawn: int  # pictures that were not in the store yet
    bytes: int
    seconds: float  # spent at the end of the build (waiting for the helper, then writing)
    alongside: bool = False  # a helper process drew them while the pages were built

    def __str__(self) -> str:
        average = self.bytes / self.cards / 1024 if self.cards else 0
        if self.drawn == 0:
            drawn = "none drawn, all kept from earlier builds"
        elif self.drawn >= self.cards:
            drawn = "all drawn"
        else:
            drawn = f"{self.drawn} drawn, the others kept from earlier builds"
        if self.drawn and self.alongside:
            drawn += " by a second process while the pages were built"
        return (
            f"social cards: {self.cards} written ({drawn}), {self.bytes / 1024:.0f} KiB ({average:.1f} KiB each), "
            f"{self.seconds:.2f} s"
        )


@lru_cache(maxsize=1)
def design() -> str:
    """A fingerprint of everything a card's picture depends on besides its text: this module's drawing code,
    the fonts and Pillow's version. A change to any of them draws every card again."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for font in sorted(FONTS.glob("*.ttf")):
        digest.update(font.read_bytes())
    digest.update(PIL.__version__.encode())
    return digest.hexdigest()


class CardStore:
    """Cards drawn by earlier builds, one PNG per picture, named by a hash of what the picture shows (as
    Material's social plugin keeps its cards in `.cache/`). A build draws only the cards whose title, site
    name, address or design changed, and copies the others. Without a folder, every card is drawn."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self._made_folder = False

    def key(self, card: Card) -> str:
        text = "\0".join((design(), card.title, card.site_name, card.address))
        return hashlib.sha256(text.encode()).hexdigest()[:40]

    def get(self, key: str) -> bytes | None:
        if self.folder is None:
            return None
        try:
            return (self.folder / f"{key}.png").read_bytes()
        except OSError:
            return None

    def has(self, key: str) -> bool:
        return self.folder is not None and (self.folder / f"{key}.png").is_file()

    def put(self, key: str, data: bytes) -> None:
        if self.folder is None:
            return
        if not self._made_folder:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._made_folder = True
        target = self.folder / f"{key}.png"
        # A temporary file renamed into place: another build reading the store never sees half a card.
        partial = target.with_name(f"{key}.{os.getpid()}.{threading.get_ident()}.tmp")
        partial.write_bytes(data)
        partial.replace(target)


class CardHelper:
    """A helper process that draws the pictures the store lacks on another core, while the engine builds the
    pages; `write_cards` waits for it and then finds them in the store. Started by `draw_alongside`."""

    def __init__(self, store: CardStore, cards: list[Card]) -> None:
        assert store.folder is not None
        self.keys = {store.key(card) for card in cards}
        store.folder.mkdir(parents=True, exist_ok=True)
        self.todo = store.folder / f"todo.{os.getpid()}.{id(self)}.json"
        self.todo.write_text(json.dumps([dataclasses.asdict(card) for card in cards]), encoding="utf-8")
        package_root = str(Path(__file__).resolve().parent.parent)  # wherever this copy of the package is
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")])))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "healthpages.social_cards", "--fill-store", str(self.todo)],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    def wait(self) -> set[str]:
        """Once it has finished, the keys of the pictures it was given to draw. Any it did not draw (it failed
        or was stopped) are still missing from the store, and the build draws them itself."""
        _, stderr = self.process.communicate()
        if self.process.returncode != 0:
            message = stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
            logging.getLogger(__name__).debug(
                "social cards: the helper process stopped (%s); drawing here instead", message[0]
            )
        self.todo.unlink(missing_ok=True)
        return self.keys

    def stop(self) -> None:
        """Stop it (a build that ends early); what it drew stays in the store for the next build."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.communicate()
        self.todo.unlink(missing_ok=True)
        for partial in self.todo.parent.glob(f"*.{self.process.pid}.*.tmp"):  # as `CardStore.put` names them
            partial.unlink(missing_ok=True)


def draw_alongside(cards: Iterable[Card], store: CardStore, at_least: int = HELPER_FROM) -> CardHelper | None:
    """Start drawing the pictures the store lacks in a helper process, when there are at least `at_least` of
    them and a second core to draw on; None when the build should draw them itself at the end."""
    if store.folder is None or (os.cpu_count() or 1) < 2:
        return None
    missing: dict[str, Card] = {}
    for card in cards:
        key = store.key(card)
        if key not in missing and not store.has(key):
            missing[key] = card
    if len(missing) < at_least:
        return None
    return CardHelper(store, list(missing.values()))


def fill_store(todo: Path) -> None:
    """The helper process: draw the cards listed in `todo` (JSON) into the store that holds the file."""
    store = CardStore(todo.parent)
    for item in json.loads(todo.read_text(encoding="utf-8")):
        card = Card(**item)
        store.put(store.key(card), draw_card(card))


def write_cards(
    cards: Iterable[Card], site_dir: Path, store: CardStore | None = None, helper: CardHelper | None = None
) -> CardFigures:
    """Write every card into the built site, drawing the pictures the store does not have; returns what it cost.

    With a `helper` that drew the missing pictures alongside the pages, this waits for it, then copies them.
    Pictures still to draw are composed one after another (text layout shares its fonts), and encoded as
    PNGs on every core: Pillow lets go of the interpreter while it compresses. At most a few composed
    pictures wait at once, so a large library's cards never all sit in memory. Pages with the same title
    share one drawing."""
    store = store or CardStore(None)
    started = time.perf_counter()
    count = total = drawn = 0
    by_helper = helper.wait() if helper is not None else set()
    workers = os.cpu_count() or 1
    pending: deque[tuple[str, Future[bytes]]] = deque()
    waiting: dict[str, list[Card]] = {}  # the cards of each picture being encoded
    made: dict[str, bytes] = {}  # pictures drawn here, for a second page of the same title when there is no store

    def write(card: Card, data: bytes) -> None:
        nonlocal count, total
        target = site_dir / card.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        count += 1
        total += len(data)

    def finish(key: str, future: Future[bytes]) -> None:
        data = future.result()
        if store.folder is None:
            made[key] = data
        store.put(key, data)
        for card in waiting.pop(key):
            write(card, data)

    with ThreadPoolExecutor(max_workers=workers) as encoders:
        for card in cards:
            key = store.key(card)
            if key in waiting:
                waiting[key].append(card)
                continue
            data = made.get(key) or store.get(key)
            if data is not None:
                if key in by_helper:
                    by_helper.discard(key)
                    drawn += 1
                write(card, data)
                continue
            drawn += 1
            by_helper.discard(key)  # the helper stopped before this one: drawn here, counted once
            waiting[key] = [card]
            pending.append((key, encoders.submit(_card_png, _composed(card))))
            while len(pending) > 2 * workers:
                finish(*pending.popleft())
        for key, future in pending:
            finish(key, future)
    return CardFigures(count, drawn, total, time.perf_counter() - started, alongside=helper is not None)


def host_of(site_url: str) -> str:
    return urlsplit(site_url).netloc


def main(argv: list[str]) -> int:
    """Write the logo's SVG and PNG into the folder given (the theme's `overrides/assets`); with --fill-store,
    be a build's helper process (see `CardHelper`)."""
    parser = argparse.ArgumentParser(prog="python -m healthpages.social_cards")
    parser.add_argument("folder", nargs="?", type=Path, default=Path("overrides/assets"))
    parser.add_argument("--fill-store", type=Path, metavar="TODO_JSON", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.fill_store:
        # Behind the build's own processes: a build converting pages on a second core (`render_ahead`) needs that
        # core first; the cards are needed only at the end of the build, and the helper draws them meanwhile.
        if hasattr(os, "nice"):
            os.nice(HELPER_NICENESS)
        fill_store(args.fill_store)
        return 0
    (args.folder / Path(LOGO_SVG).name).write_text(logo_svg(), encoding="utf-8")
    (args.folder / Path(LOGO_PNG).name).write_bytes(logo_png())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

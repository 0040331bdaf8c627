"""Converting pages' Markdown on a second core while MkDocs converts the others.

MkDocs converts every page in one loop, one page after another on one core, before it renders any
template. With many pages and a second core, `RenderAhead` forks a copy of the build just before that
loop. The build converts pages from the first one forward, the copy converts them from the last one
backward, and the two meet wherever the other has got to: each page is claimed in shared memory by
whichever reaches it first. When the build's loop reaches a page the copy converted, it takes the
copy's HTML, table of contents, title, anchors and log messages instead of converting the page again.

The copy reads each page and runs every plugin's `on_pre_page` and `on_page_markdown` exactly as the
build does, then `Page.render`. The build uses a result only when the Markdown it would convert is
byte for byte the Markdown the copy converted; any other page (one the copy could not convert, or all
of them if the copy stops) the build converts itself, as it would without a copy. What a page
converts to depends only on its Markdown, the files and the configuration, which MkDocs' own
`--dirty` builds assume too.

The copy is forked only where that is safe and worth it: a system with `fork`, two or more cores, a
process with no other thread (not `mkdocs serve`, whose server runs in threads), not a `--dirty` build,
and at least `AHEAD_FROM` pages. `HEALTHPAGES_SERIAL=1` in the environment turns it off.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import pickle
import queue
import signal
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from multiprocessing.sharedctypes import SynchronizedArray
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import TableOfContents

from healthpages.engines.collector import frozen_for_fork

AHEAD_FROM = 64  # pages: below this, forking costs more than the second core saves
SERIAL_VARIABLE = "HEALTHPAGES_SERIAL"

_FREE, _BUILD, _COPY = 0, 1, 2  # who converts a page
_WAIT = 0.2  # seconds between looks at whether the copy is still alive


@dataclass(frozen=True)
class Converted:
    """What `Page.render` leaves on a page, as the copy converted it."""

    index: int
    markdown_digest: bytes
    content: str
    toc: TableOfContents
    title: str | None
    present_anchor_ids: set[str] | None
    links_to_anchors: dict[str, dict[str, str]] | None  # by the linked file's src_uri
    records: list[logging.LogRecord]  # MkDocs' messages while converting, replayed by the build


def _digest(markdown: str) -> bytes:
    return hashlib.blake2b(markdown.encode("utf-8"), digest_size=16).digest()


def wanted(pages: int, *, dirty: bool) -> bool:
    """Whether a build of `pages` pages in this process should convert some of them on a second core."""
    return (
        pages >= AHEAD_FROM
        and not dirty
        and os.environ.get(SERIAL_VARIABLE, "") in ("", "0")
        and "fork" in multiprocessing.get_all_start_methods()
        and (os.cpu_count() or 1) >= 2
        and threading.active_count() == 1
    )


class _Capture(logging.Handler):
    """The copy's only log handler: it keeps every message for the build to replay, and prints nothing."""

    def __init__(self) -> None:
        super().__init__(logging.NOTSET)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        record.msg, record.args = record.getMessage(), None  # as text: the arguments may not pickle
        if record.exc_info and not record.exc_text:  # the traceback as text too, as a formatter would print it
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.exc_info = None
        self.records.append(record)


def _capture_logging() -> _Capture:
    """In the copy: every logger's messages go to one capturing handler, unfiltered (the build filters them when
    it replays them, so MkDocs' --strict count and the product's translation see them once, in the build)."""
    capture = _Capture()
    loggers = [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]
    for logger in loggers:
        if isinstance(logger, logging.Logger):
            logger.handlers, logger.filters = [], []
            logger.propagate = True
    logging.getLogger().addHandler(capture)
    return capture


def _convert_from_the_end(
    pages: Sequence[Page], config: MkDocsConfig, files: Files, claims: SynchronizedArray[int], results: Any
) -> None:
    """The copy: convert pages from the last one backward until the build has claimed the next one."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the build, which ends its copy
    capture = _capture_logging()
    for index in range(len(pages) - 1, -1, -1):
        with claims.get_lock():
            if claims[index] != _FREE:
                break
            claims[index] = _COPY
        page = pages[index]
        capture.records.clear()
        config._current_page = page
        try:
            page = config.plugins.on_pre_page(page, config=config, files=files)
            page.read_source(config)
            assert page.markdown is not None
            page.markdown = config.plugins.on_page_markdown(page.markdown, page=page, config=config, files=files)
            page.render(config, files)
            assert page.content is not None and page.toc is not None
            links = page.links_to_anchors
            converted = Converted(
                index,
                _digest(page.markdown),
                page.content,
                page.toc,
                page._title_from_render,
                page.present_anchor_ids,
                None if links is None else {file.src_uri: dict(anchors) for file, anchors in links.items()},
                list(capture.records),
            )
            message = pickle.dumps(converted, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # the build converts this page itself, and reports its problem as usual
            message = pickle.dumps(index)
        finally:
            config._current_page = None
        results.put(message)


class RenderAhead:
    """A forked copy of the build converting pages from the end, and the build's side of taking its results."""

    def __init__(self, pages: Sequence[Page], config: MkDocsConfig, files: Files) -> None:
        context = multiprocessing.get_context("fork")
        self.pages = list(pages)
        self.claims: SynchronizedArray[int] = context.Array("b", len(self.pages))
        self.results: Any = context.Queue()
        self.received: dict[int, Converted | None] = {}
        self.taken = 0  # pages whose conversion came from the copy
        self.process = context.Process(
            target=_convert_from_the_end,
            args=(self.pages, config, files, self.claims, self.results),
            name="healthpages-render-ahead",
            daemon=True,
        )
        with frozen_for_fork():
            self.process.start()
        for index, page in enumerate(self.pages):  # the build's loop calls page.render: this takes the copy's result
            page.render = partial(self._render, page, index)  # type: ignore[method-assign]

    def _render(self, page: Page, index: int, config: MkDocsConfig, files: Files) -> None:
        del page.render  # back to Page.render
        with self.claims.get_lock():
            mine = self.claims[index] == _FREE
            if mine:
                self.claims[index] = _BUILD
        converted = None if mine else self._result(index)
        if converted is None or page.markdown is None or converted.markdown_digest != _digest(page.markdown):
            Page.render(page, config, files)
            return
        self.taken += 1
        page.content, page.toc, page._title_from_render = converted.content, converted.toc, converted.title
        page.present_anchor_ids = converted.present_anchor_ids
        if converted.links_to_anchors is not None:
            page.links_to_anchors = {
                file: anchors
                for src_uri, anchors in converted.links_to_anchors.items()
                if (file := files.get_file_from_path(src_uri)) is not None
            }
        for record in converted.records:
            logging.getLogger(record.name).handle(record)

    def _result(self, index: int) -> Converted | None:
        """The copy's result for a page it claimed; None if it could not convert it (or stopped)."""
        while index not in self.received:
            try:
                message = self.results.get(timeout=_WAIT)
            except queue.Empty:
                if self.process.is_alive():
                    continue
                try:  # it stopped: what it sent before is still in the queue
                    message = self.results.get(timeout=_WAIT)
                except queue.Empty:
                    return None
            item = pickle.loads(message)
            if isinstance(item, int):
                self.received[item] = None
            else:
                self.received[item.index] = item
        return self.received.pop(index)

    def stop(self) -> None:
        """End the copy (it has normally finished by now) and give every page its own `render` back."""
        for page in self.pages:
            vars(page).pop("render", None)
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.results.close()
        self.results.cancel_join_thread()

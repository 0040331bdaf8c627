"""The live preview (`make serve`) in a real browser: a build error is shown where the editor looks, and the fix
reloads the page, each within 3 seconds of saving the file.

The test starts `python -m healthpages serve` on a free port of 127.0.0.1 in a copy of the shipped site (pages,
data and mkdocs.yml; the project's own hooks and overrides), opens a topic page in Chromium, breaks the page,
then fixes it, then breaks a data file and fixes it, timing each change from writing the file to the browser
showing the result (the server's live-reload script reloads the page by itself).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from sitebuild import ROOT

pytestmark = pytest.mark.browser

TOPIC = "docs/conditions/cervical-insufficiency.md"
WITHIN_MS = 3_000  # the promise: an error, and its fix, in the browser within 3 s of saving


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _copy_shipped_site(directory: Path) -> Path:
    for folder in ("docs", "data"):
        shutil.copytree(ROOT / folder, directory / folder)
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    text = text.replace("custom_dir: overrides", f"custom_dir: {ROOT / 'overrides'}")
    text = text.replace("- hooks/health_library.py", f"- {ROOT / 'hooks' / 'health_library.py'}")
    (directory / "mkdocs.yml").write_text(text, encoding="utf-8")
    return directory


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The live preview of a copy of the shipped site: (its address, the copy's folder)."""
    site = _copy_shipped_site(tmp_path / "site")
    port = _free_port()
    # Today's date is the clock's, as for an editor: the shipped pages are dated up to today.
    env = {key: value for key, value in os.environ.items() if key != "HEALTHPAGES_TODAY"}
    env["NO_MKDOCS_2_WARNING"] = "1"
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "healthpages", "serve", "--port", str(port)],
        cwd=site,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(url + "/", timeout=5):
                    break
            except urllib.error.HTTPError as error:
                pytest.fail(
                    f"the shipped site does not build (HTTP {error.code}):\n{(tmp_path / 'serve.log').read_text()}"
                )
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail(f"the preview did not start:\n{(tmp_path / 'serve.log').read_text()}")
                time.sleep(0.2)
        yield url, site
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()
    assert "Traceback" not in (tmp_path / "serve.log").read_text()


def _timed_save(page: Page, path: Path, text: str, shows: str) -> float:
    """Save `text` to `path`, wait until the browser shows `shows` (a CSS selector); seconds taken."""
    started = time.monotonic()
    path.write_text(text, encoding="utf-8")
    expect(page.locator(shows).first).to_be_visible(timeout=WITHIN_MS)
    return time.monotonic() - started


def test_an_error_is_shown_in_the_browser_and_the_fix_reloads_the_page(
    chromium: Browser, preview: tuple[str, Path]
) -> None:
    url, site = preview
    topic = site / TOPIC
    original = topic.read_text(encoding="utf-8")
    updated = re.search(r"^updated: .*$", original, re.M)
    assert updated is not None
    line = original[: updated.start()].count("\n") + 1
    context = chromium.new_context()
    try:
        page = context.new_page()
        page.goto(url + "/conditions/cervical-insufficiency/")
        expect(page.locator("h1").first).to_contain_text("cervix")

        seconds = _timed_save(page, topic, original.replace(updated.group(), "updated: 2026-13-01"), "#preview-error")
        # The problem where the editor looks: the file, the line, the field and what to write.
        expect(page.locator("main")).to_contain_text(
            f"{TOPIC}:{line}: updated: '2026-13-01' is not a real date; use YYYY-MM-DD"
        )
        assert page.title().startswith("Preview: 1 problem to fix")
        # Only pages stand in for the error: the style sheets are still served, nothing hangs.
        with urllib.request.urlopen(url + "/assets/stylesheets/health.css", timeout=2) as response:
            assert response.status == 200
        with pytest.raises(urllib.error.HTTPError) as other_page:
            urllib.request.urlopen(url + "/contact/", timeout=2)
        assert other_page.value.code == 500
        assert b"preview-error" in other_page.value.read()

        fixed = _timed_save(page, topic, original, "article h1, .md-content h1")
        expect(page.locator("#preview-error")).to_have_count(0)
        expect(page.locator("h1").first).to_contain_text("cervix")

        # Data files are watched too: a reviewer file that cannot be read is an error; fixing it reloads.
        reviewers = site / "data" / "reviewers.yml"
        data = reviewers.read_text(encoding="utf-8")
        tab_line = data[: data.index("reviewers:")].count("\n") + 2
        data_error = _timed_save(
            page, reviewers, data.replace("reviewers:", "reviewers:\n\t- id: x", 1), "#preview-error"
        )
        expect(page.locator("main")).to_contain_text(f"data/reviewers.yml:{tab_line}: a tab character")
        data_fixed = _timed_save(page, reviewers, data, "article h1, .md-content h1")
    finally:
        context.close()
    print(  # the figures, for the report (pytest -s)
        f"edit to error page {seconds:.2f} s, fix to page {fixed:.2f} s, "
        f"data error {data_error:.2f} s, data fix {data_fixed:.2f} s"
    )

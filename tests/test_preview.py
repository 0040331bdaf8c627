"""`make serve`: another port with PORT=, one plain line for a busy port, and the error page's content.

(The preview in a browser, an error shown and the fix reloaded within 3 s, is tests/browser/test_browser_preview.py.)
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import lxml.html
import pytest

from healthpages.preview import error_page, is_page_request
from healthpages.problems import Problem
from sitebuild import ROOT


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A port of 127.0.0.1 that another program is listening on."""
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        yield int(other.getsockname()[1])


def _make_serve(port: int) -> subprocess.Popen[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("MAKE", "MFLAGS"))}
    return subprocess.Popen(
        ["make", "--no-print-directory", "serve", f"PORT={port}"],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # Ctrl-C goes to make and the server together, as in a terminal
    )


def test_a_busy_port_is_one_plain_line_and_a_failure(busy_port: int) -> None:
    process = _make_serve(busy_port)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode != 0
    assert "Traceback" not in stdout + stderr
    ours = [line for line in stderr.splitlines() if not line.startswith("make:")]
    assert ours == [f"port {busy_port} is in use; stop the other server or run make serve PORT={busy_port + 1}"]


def test_make_serve_uses_the_port_given() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    process = _make_serve(port)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    home = lxml.html.fromstring(response.read())
                break
            except (urllib.error.URLError, ConnectionError):
                assert process.poll() is None, process.communicate()
                assert time.monotonic() < deadline, "the preview did not start within 120 s"
                time.sleep(0.3)
        assert home.xpath("string(//title)") == "Gynaecology health library"
    finally:
        os.killpg(process.pid, signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
    assert "Traceback" not in stderr


# Columns: request path, whether the error page stands in for it.
@pytest.mark.parametrize(
    ("path", "is_page"),
    [
        ("/", True),
        ("/conditions/endometriosis/", True),
        ("/conditions/endometriosis/index.html", True),
        ("/conditions/endometriosis", True),
        ("/assets/stylesheets/health.css", False),
        ("/assets/favicon.svg", False),
        ("/search/search_index.json", False),
    ],
)
def test_only_pages_are_replaced_by_the_error_page(path: str, is_page: bool) -> None:
    assert is_page_request(path) is is_page


def test_error_page_lists_each_problem_with_file_and_line_escaped() -> None:
    problems = [
        Problem("docs/conditions/a.md", 4, "'<b>' is not a date; use YYYY-MM-DD", "updated"),
        Problem("docs/conditions/a.md", 2, "is required but missing", "description"),
        Problem("mkdocs.yml", 34, "this entry is indented further than the entry above it", "nav"),
    ]
    page = lxml.html.fromstring(error_page("Test library", problems, ["something MkDocs said"]))
    assert page.xpath("string(//title)") == "Preview: 4 problems to fix - Test library"
    items = [" ".join(li.text_content().split()) for li in page.xpath("//li")]
    assert items == [
        "docs/conditions/a.md:2: description: is required but missing",
        "docs/conditions/a.md:4: updated: '<b>' is not a date; use YYYY-MM-DD",
        "mkdocs.yml:34: nav: this entry is indented further than the entry above it",
        "something MkDocs said",
    ]
    assert not page.xpath("//b")  # the editor's text is shown, never run as markup

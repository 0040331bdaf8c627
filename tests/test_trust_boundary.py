"""An editor's pull request cannot put script on the site, run code in the build, or publish a secret.

Every hostile input from the security review is a row of one table. Each row changes a copy of the
fixture site, and both `healthpages check` and `mkdocs build --strict` run on it in their own
processes (as an editor and the deploy job run them). Both must refuse the input with the same
file:line problems (or, for the rows marked inert, both pass and the built page holds nothing that
runs), never print a traceback, and stay within a few seconds and a few hundred MB.

To keep the table fast, rows that touch one page each share a site: every such row gets its own copy
of the fixture's draft topic page (`docs/conditions/<row>.md`), so one run of each command judges
them all, and each row's problems are the lines that name its page. Rows that stop a build before
pages are read (data files) get a site of their own.

Then: a property test feeds random HTML and Markdown through the content policy; `sign` must leave a
page intact when it cannot write; and every published page must carry its Content-Security-Policy
(the browser side is in tests/browser/test_browser_security.py).
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import resource
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import html5lib
import lxml.html
import markdown
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mkdocs.commands.build import build
from mkdocs.config import load_config

from healthpages.finish import finish_site
from healthpages.page_data import take_page_data
from healthpages.render import finish_content
from healthpages.settings import read_settings
from sitebuild import FIXTURES, ROOT, build_site, copy_fixture_site

# Limits for one command on one site of rows, far below what the review measured (45 s and 2.2 GB for one
# alias bomb). Time is the processor time the command used: the test machine's other work cannot change it.
CPU_SECONDS = 10.0
MAX_RSS_MB = 300
MAX_LINE = 400  # characters in one line of a command's output
KILL_AFTER = 90.0  # wall-clock seconds: a command that hangs is killed, so its rows fail and the run goes on

DRAFT = "site/docs/conditions/draft.md"
PAGE = "{page}"  # in an expected path: the row's own copy of the draft page
# Line 20 of the draft page is "Draft text."; `body()` puts the hostile snippet two lines below it.
BODY_LINE = 22

# -- changes an editor's pull request might make: each a function of the site copy's root and the row's page --

Change = Callable[[Path, Path], object]


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def body(snippet: str) -> Change:
    """The snippet in the page's body, starting at BODY_LINE."""
    return lambda root, page: _replace(page, "Draft text.", "Draft text.\n\n" + snippet)


def edit(old: str, new: str) -> Change:
    return lambda root, page: _replace(page, old, new)


def set_line(start: str, new: str) -> Change:
    """The page's first line that starts with `start`, replaced by `new`."""

    def change(root: Path, page: Path) -> None:
        lines = page.read_text(encoding="utf-8").split("\n")
        index = next(i for i, line in enumerate(lines) if line.startswith(start))
        lines[index] = new
        page.write_text("\n".join(lines), encoding="utf-8")

    return change


def edit_bytes(old: bytes, new: bytes) -> Change:
    def change(root: Path, page: Path) -> None:
        data = page.read_bytes()
        assert old in data
        page.write_bytes(data.replace(old, new, 1))

    return change


def data_file(name: str, old: str, new: str) -> Change:
    return lambda root, page: _replace(root / "data" / name, old, new)


def new_file(path: str, content: str) -> Change:
    return lambda root, page: (root / path).write_text(content, encoding="utf-8")


def symlink(path: str, target: Callable[[Path], Path]) -> Change:
    return lambda root, page: (root / path).symlink_to(target(root))


def git_config(root: Path) -> Path:
    """A stand-in for the repository's .git/config, holding a secret."""
    (root / ".git").mkdir(exist_ok=True)
    config = root / ".git" / "config"
    config.write_text('[http]\n\textraheader = "AUTHORIZATION: basic c2VjcmV0LXRva2Vu"\n')
    return config


def symlink_loop(root: Path, page: Path) -> None:
    (root / "site/docs/loop-a").symlink_to(root / "site/docs/loop-b")
    (root / "site/docs/loop-b").symlink_to(root / "site/docs/loop-a")


def alias_bomb(key: str) -> str:
    """A billion-laughs mapping under `key`: ten lines that expand to 10^9 strings."""
    lines = [f"{key}:", '  a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"  a{i}: &a{i} [{','.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    return "\n".join(lines) + "\n"


def prepend(name: str, text: str) -> Change:
    def change(root: Path, page: Path) -> None:
        path = root / "data" / name
        path.write_text(text + path.read_text(encoding="utf-8"), encoding="utf-8")

    return change


def whole_page(text: str) -> Change:
    return lambda root, page: page.write_text(text, encoding="utf-8")


# -- what both commands must say -------------------------------------------------------------------------


@dataclass(frozen=True)
class Refused:
    """Both commands fail and report a problem at this file (from the copy's root) and line."""

    path: str
    line: int
    says: str  # part of the message, naming what is wrong


@dataclass(frozen=True)
class Inert:
    """Both commands pass, and the built page shows the hostile text as text: nothing in it runs."""

    shows: str  # text a reader sees in the page's article


@dataclass(frozen=True)
class Row:
    name: str
    change: Change
    expected: Refused | Inert
    site: str = "pages"  # rows with the same site share one copy of the fixture site (and one run)

    @property
    def slug(self) -> str:
        return re.sub(r"[^a-z0-9]+", "-", self.name.lower()).strip("-")


# The two reviewers' profile lines in the fixture's data/reviewers.yml (lines 5 and 10).
DOCTOR_PROFILE = "profile: experts.md#dr-ada-example\n    specialties: [gynaecology, obstetrics]"
GYNAECOLOGIST_PROFILE = "profile: experts.md#dr-ada-example\n    specialties: [gynaecology]"
POLICY_PAGE = """\
---
title: Draft condition
description: A topic page that is still waiting for a clinical review, used by the tests.
page_type: policy
updated: 2026-10-01
---

## What is it?

Draft text.
"""
SCRIPT = "<script>alert(1)</script>"

# Columns: the hostile input (the words), the change to the fixture site, what both commands must
# do, and the site the row shares (rows on their own page share "pages"; "inert" rows must build).
ROWS = [
    # Script on a medical site: raw HTML in a page body, an FAQ answer or a footnote.
    Row("script element", body(SCRIPT), Refused(PAGE, BODY_LINE, "raw HTML <script>")),
    Row("script in an FAQ answer", edit("Sometimes.", f"Sometimes. {SCRIPT}"), Refused(PAGE, 26, "raw HTML <script>")),
    Row(
        "script in a footnote",
        body(f"Text.[^1]\n\n[^1]: A note {SCRIPT}"),
        Refused(PAGE, BODY_LINE + 2, "raw HTML <script>"),
    ),
    Row("img onerror", body('<img src="x.png" onerror="alert(1)">'), Refused(PAGE, BODY_LINE, "raw HTML <img>")),
    Row(
        "javascript: link",
        body("[Read more](javascript:alert(1))"),
        Refused(PAGE, BODY_LINE, "'javascript:alert(1)' is not allowed"),
    ),
    Row(
        "attribute list onclick",
        body('A paragraph.\n{: onclick="alert(1)" }'),
        Refused(PAGE, BODY_LINE + 1, "the attribute 'onclick' is not allowed"),
    ),
    Row("base href", body('<base href="https://evil.example/">'), Refused(PAGE, BODY_LINE, "raw HTML <base>")),
    Row(
        "pre class=mermaid",
        body('<pre class="mermaid">graph TD; A-->B</pre>'),
        Refused(PAGE, BODY_LINE, "the attribute 'class' is not allowed on <pre>"),
    ),
    Row(
        "tracking pixel (external image)",
        body("![](https://tracker.example/pixel.gif){: .decorative }"),
        Refused(PAGE, BODY_LINE, "comes from another site"),
    ),
    Row(
        "style hiding the draft notice",
        body("<style>.health-review { display: none }</style>"),
        Refused(PAGE, BODY_LINE, "raw HTML <style>"),
    ),
    Row(
        "raw application/ld+json graph",
        body('<script type="application/ld+json">{"@type": "MedicalWebPage", "lastReviewed": "2026-01-01"}</script>'),
        Refused(PAGE, BODY_LINE, "raw HTML <script>"),
    ),
    Row(
        "hidden details class=faq",
        body('<details class="faq" hidden><summary>Is it safe?</summary>Yes.</details>'),
        Refused(PAGE, BODY_LINE, "raw HTML <details>"),
    ),
    Row(
        "FAQ question hidden by an attribute list",
        edit("### Does it hurt?", '### Does it hurt? {: hidden="hidden" }'),
        Refused(PAGE, 24, "the attribute 'hidden' is not allowed"),
    ),
    Row(
        "FAQ answer hidden by a style",
        edit("Sometimes.", 'Sometimes.\n{: style="display: none" }'),
        Refused(PAGE, 27, "the attribute 'style' is not allowed"),
    ),
    # The rest of the elements the issue names, and links in other disguises.
    Row("iframe", body('<iframe src="https://evil.example/"></iframe>'), Refused(PAGE, BODY_LINE, "raw HTML <iframe>")),
    Row("object", body('<object data="evil.swf"></object>'), Refused(PAGE, BODY_LINE, "raw HTML <object>")),
    Row(
        "form",
        body('<form action="https://evil.example/"><button>Go</button></form>'),
        Refused(PAGE, BODY_LINE, "raw HTML <form>"),
    ),
    Row(
        "meta refresh",
        body('<meta http-equiv="refresh" content="0; url=https://evil.example/">'),
        Refused(PAGE, BODY_LINE, "raw HTML <meta>"),
    ),
    Row(
        "event handler on a link's attribute list",
        body('[Read more](reviewed.md){: onmouseover="alert(1)" }'),
        Refused(PAGE, BODY_LINE, "the attribute 'onmouseover' is not allowed on <a>"),
    ),
    Row(
        "data: image",
        body("![A chart](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)"),
        Refused(PAGE, BODY_LINE, "an image written into the page (data:) is not allowed"),
    ),
    Row(
        "http:// link in a page",
        body("[A leaflet](http://example.org/leaflet)"),
        Refused(PAGE, BODY_LINE, "is not secure; use https://"),
    ),
    Row(
        "an .html file in docs/",
        new_file("site/docs/evil.html", "<script>alert(document.cookie)</script>"),
        Refused("site/docs/evil.html", 1, "files of this type are not published"),
        site="docs",
    ),
    # Code execution in the build: the file is refused before anything renders it.
    Row(
        "docs/robots.txt with a Jinja expression",
        new_file(
            "site/docs/robots.txt", '{{ self.__init__.__globals__.__builtins__.__import__("os").popen("id").read() }}'
        ),
        Refused("site/docs/robots.txt", 1, "files of this type are not published"),
        site="docs",
    ),
    # Secrets and files outside the repository.
    Row(
        "symlink to /etc/passwd",
        symlink("site/docs/passwd.md", lambda root: Path("/etc/passwd")),
        Refused("site/docs/passwd.md", 1, "symbolic links are not allowed"),
        site="docs",
    ),
    Row(
        "symlink to .git/config",
        symlink("site/docs/config.png", git_config),
        Refused("site/docs/config.png", 1, "symbolic links are not allowed"),
        site="docs",
    ),
    Row("symlink loop", symlink_loop, Refused("site/docs/loop-a", 1, "symbolic links are not allowed"), site="docs"),
    # Bypassing the product's own notices.
    Row("template: base.html", edit("review:\n", "template: base.html\nreview:\n"), Refused(PAGE, 11, "template")),
    Row("template: 404.html", edit("review:\n", "template: 404.html\nreview:\n"), Refused(PAGE, 11, "template")),
    Row("template: nosuch.html", edit("review:\n", "template: nosuch.html\nreview:\n"), Refused(PAGE, 11, "template")),
    Row("page_type: policy on a medical page", whole_page(POLICY_PAGE), Refused(PAGE, 4, "page_type")),
    # Denial of service and crashes.
    Row(
        "YAML alias bomb in front matter",
        edit("review:\n", alias_bomb("condition") + "review:\n"),
        Refused(PAGE, 12, "alias"),
    ),
    Row(
        "YAML alias bomb in a data file",
        prepend("disclaimers.yml", alias_bomb("extra")),
        Refused("data/disclaimers.yml", 2, "alias"),
        site="alias bomb in data",
    ),
    Row("\\xff byte", edit_bytes(b"Draft text.", b"Draft \xff text."), Refused(PAGE, 20, "not saved as UTF-8")),
    Row("NUL byte", edit_bytes(b"Draft text.", b"Draft \x00 text."), Refused(PAGE, 20, "a NUL byte")),
    Row("control character", edit_bytes(b"Draft text.", b"Draft \x1b text."), Refused(PAGE, 20, "U+001B")),
    Row(
        "byte-order mark inside a line",
        edit_bytes(b"Draft text.", "Draft \ufeff text.".encode()),
        Refused(PAGE, 20, "U+FEFF"),
    ),
    Row("??? faq admonition", body('??? faq "Is it safe?"\n    Yes.'), Refused(PAGE, BODY_LINE, "'faq' callout")),
    # Quiet acceptance.
    Row(
        "published in the future",
        edit("published: 2026-09-01", "published: 2031-01-01"),
        Refused(PAGE, 13, "in the future"),
    ),
    Row(
        "phone 0117 440 ABCD",
        data_file("practice.yml", "phone: 0117 440 4224", "phone: 0117 440 ABCD"),
        Refused("data/practice.yml", 5, "use digits only"),
        site="data values",
    ),
    Row(
        "duplicate YAML keys in front matter",
        edit("updated: 2026-10-01", "updated: 2026-10-01\nupdated: 2026-11-01"),
        Refused(PAGE, 5, "duplicate"),
    ),
    Row(
        "duplicate YAML keys in a data file",
        data_file("practice.yml", "name: Test Gynaecology Practice", "name: Test Gynaecology Practice\nname: Another"),
        Refused("data/practice.yml", 3, "written twice"),
        site="duplicate keys in data",
    ),
    Row(
        "profile: link to no page",
        data_file("reviewers.yml", DOCTOR_PROFILE, DOCTOR_PROFILE.replace("experts.md", "nobody.md")),
        Refused("data/reviewers.yml", 5, "is not a page in docs/"),
        site="profiles",
    ),
    Row(
        "profile: link to no anchor",
        data_file("reviewers.yml", GYNAECOLOGIST_PROFILE, GYNAECOLOGIST_PROFILE.replace("#dr-ada-example", "#nobody")),
        Refused("data/reviewers.yml", 10, "no heading or profile with the anchor #nobody"),
        site="profiles",
    ),
    Row(
        "http:// website",
        data_file("practice.yml", "https://hospital.example/south/", "http://hospital.example/south/"),
        Refused("data/practice.yml", 25, "must start with https://"),
        site="data values",
    ),
    Row(
        "RTL override in a title",
        set_line("title:", "title: Draft \u202econdition"),
        Refused(PAGE, 2, "U+202E"),
    ),
    Row(
        "zero-width space in a title",
        set_line("title:", "title: Draft\u200b condition"),
        Refused(PAGE, 2, "U+200B"),
    ),
    Row("NUL in a title", set_line("title:", 'title: "Draft\\0 condition"'), Refused(PAGE, 2, "NUL")),
    # Markup written as text stays text: allowed, and inert.
    Row("script in a code span", body(f"Type `{SCRIPT}` to see nothing happen."), Inert(SCRIPT), site="inert"),
    Row("script in a code block", body(f"    {SCRIPT}"), Inert(SCRIPT), site="inert"),
    Row(
        "escaped markup in text",
        body("Write &lt;script&gt; as words."),
        Inert("Write <script> as words."),
        site="inert",
    ),
]


# -- running both commands, measured ---------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    returncode: int
    output: str  # stdout and stderr together
    cpu_seconds: float  # user and system time
    max_rss_mb: float


ENVIRONMENT = {"PATH": "/usr/bin:/bin", "NO_MKDOCS_2_WARNING": "1", "LC_ALL": "C.UTF-8"}


def run_measured(args: list[str], cwd: Path) -> Run:
    """Run a command (killed after KILL_AFTER seconds): its exit code, output, processor time and peak memory."""
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen(args, cwd=cwd, env=ENVIRONMENT, stdout=out, stderr=subprocess.STDOUT)
        finished = threading.Event()

        def kill() -> None:
            if not finished.is_set():
                process.kill()

        timer = threading.Timer(KILL_AFTER, kill)
        timer.start()
        # Wait without reaping first, so the timer can never signal a process id the system has reused.
        os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOWAIT)
        finished.set()
        timer.cancel()
        _, status, usage = os.wait4(process.pid, 0)  # this process's own figures (ru_maxrss is in KB)
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        output = out.read().decode("utf-8", "replace")
        return Run(process.returncode, output, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


@dataclass(frozen=True)
class Verdicts:
    root: Path
    check: Run
    build: Run


def _judge(root: Path) -> Verdicts:
    """`healthpages check` and `mkdocs build --strict` on one site, side by side."""
    check = [sys.executable, "-m", "healthpages", "-f", "site/mkdocs.yml", "check", "--quiet"]
    build = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", "site/mkdocs.yml", "-d", str(root / "out")]
    with ThreadPoolExecutor(2) as both:
        checked, built = both.submit(run_measured, check, root), both.submit(run_measured, build, root)
        return Verdicts(root, checked.result(), built.result())


def page_of(root: Path, row: Row) -> Path:
    return root / f"site/docs/conditions/{row.slug}.md"


def _prepare(root: Path, rows: list[Row]) -> None:
    """A copy of the fixture site with each row's change, each row on its own copy of the draft page."""
    site = copy_fixture_site(root)
    draft = (root / DRAFT).read_text(encoding="utf-8")
    config = site / "mkdocs.yml"
    for row in rows:
        # Each copy has a title of its own: titles must be unique.
        unique = draft.replace("title: Draft condition\n", f"title: Draft condition {row.slug}\n", 1)
        page_of(root, row).write_text(unique, encoding="utf-8")
        _replace(
            config, "      - conditions/draft.md\n", f"      - conditions/draft.md\n      - conditions/{row.slug}.md\n"
        )
    for row in rows:
        row.change(root, page_of(root, row))


@pytest.fixture(scope="module")
def verdicts(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Verdicts]:
    """The verdicts of both commands for every selected row, by row name."""
    selected = [
        item.callspec.params.get("row")
        for item in request.session.items
        if isinstance(item, pytest.Function) and item.module is request.module and hasattr(item, "callspec")
    ]
    sites: dict[str, list[Row]] = {}
    for row in ROWS:
        if row in selected:
            sites.setdefault(row.site, []).append(row)
    roots = {}
    for name, rows in sites.items():
        roots[name] = tmp_path_factory.mktemp("hostile")
        _prepare(roots[name], rows)
    # Every site at once: the commands mostly wait (on imports and the disk), so they overlap well.
    with ThreadPoolExecutor(len(roots) or 1) as pool:
        judged = dict(zip(roots, pool.map(_judge, roots.values()), strict=True))
    return {row.name: judged[name] for name, rows in sites.items() for row in rows}


PROBLEM_LINE = re.compile(r"^(?:(?:ERROR|WARNING) +- +)?(\S+:\d+: .*)$")


def problem_lines(run: Run, path: str) -> list[str]:
    """The problems a command printed for one file, without MkDocs' level prefix; notices (INFO) left out."""
    lines = (line for line in run.output.splitlines() if not line.startswith(("INFO", "note:")))
    return sorted({m.group(1) for line in lines if (m := PROBLEM_LINE.match(line)) and line.count(f"{path}:")})


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_hostile_input_is_refused_or_inert_in_check_and_build(row: Row, verdicts: dict[str, Verdicts]) -> None:
    result = verdicts[row.name]
    for command, run in (("check", result.check), ("build", result.build)):
        assert "Traceback" not in run.output, f"{command} crashed:\n{run.output}"
        assert run.returncode >= 0, f"{command} was killed (signal {-run.returncode}):\n{run.output}"
        assert run.cpu_seconds < CPU_SECONDS, f"{command} used {run.cpu_seconds:.1f} s of processor time"
        assert run.max_rss_mb < MAX_RSS_MB, f"{command} used {run.max_rss_mb:.0f} MB"
        # Messages quote values cut short: a huge value (an alias bomb's) never floods the output.
        assert max(map(len, run.output.splitlines())) < MAX_LINE, f"{command} printed a line that long"
    page = page_of(result.root, row).relative_to(result.root).as_posix()
    expected = row.expected
    if isinstance(expected, Refused):
        assert result.check.returncode == 1, result.check.output
        assert result.build.returncode == 1, result.build.output
        path = page if expected.path == PAGE else expected.path
        problems = problem_lines(result.check, path)
        assert problem_lines(result.build, path) == problems, (
            f"check:\n{result.check.output}\nbuild:\n{result.build.output}"
        )
        where = f"{path}:{expected.line}: "
        assert any(p.startswith(where) and expected.says in p for p in problems), "\n".join(problems)
        # Nothing an editor wrote ran in the build: no command's output reached a published file or the log.
        written = [f.read_bytes() for f in (result.root / "out").rglob("*") if f.is_file()]
        assert not any(b"uid=" in data for data in written) and "uid=" not in result.build.output
    else:
        assert result.check.returncode == 0, result.check.output
        assert result.build.returncode == 0, result.build.output
        built = lxml.html.parse(str(result.root / "out/conditions" / row.slug / "index.html")).getroot()
        (article,) = built.xpath("//article")
        assert expected.shows in " ".join(article.text_content().split())
        assert not article.xpath(".//script | .//style | .//*[@*[starts-with(name(), 'on')]]")


# -- the content policy on random input -------------------------------------------------------------------

# Pieces of HTML and Markdown an attacker would combine: executable elements, event handlers, URL schemes
# in their disguises (case, whitespace, entities, control characters), attribute lists and Markdown links.
TAGS = [
    "script", "style", "iframe", "object", "embed", "base", "form", "meta", "link", "svg", "math", "template",
    "noscript", "textarea", "title", "frame", "frameset", "applet", "input", "button", "img", "a", "details",
    "summary", "div", "p", "abbr", "br", "sup", "sub", "kbd", "code", "pre", "table", "td", "xmp", "plaintext",
]  # fmt: skip
ATTRIBUTES = [
    "onclick", "onerror", "OnLoad", "onmouseover", "href", "src", "style", "srcdoc", "formaction", "action",
    "xlink:href", "srcset", "poster", "class", "id", "title", "hidden", "open", "data-health-slot",
    "data-health-page", "http-equiv", "content", "type",
]  # fmt: skip
URLS = [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)",
    "java&#x09;script:alert(1)", "&#106;avascript:alert(1)", "&#x6A;avascript:alert(1)", "\x01javascript:alert(1)",
    "javascript&colon;alert(1)", "data:text/html,<script>alert(1)</script>", "DATA:image/svg+xml,<svg onload=x>",
    "vbscript:msgbox(1)", "https://example.org/", "//evil.example/x.js", "x.png", "#top", "mailto:a@example.org",
]  # fmt: skip
TEXT = ["text", " ", "\n", "\n\n", "    ", "`", "```", "<", ">", '"', "'", "=", "&", "&amp;", "*", "#", "|", "-"]
MARKDOWN = [
    "!!! note", "??? faq", "??? note", "[^1]", "[^1]: ", "<!--", "-->", "<![CDATA[", "]]>", "|a|b|\n|:-|-:|\n|c|d|",
    "## Heading", "1. ", "- ", "> ", "{: .decorative }",
]  # fmt: skip

urls = st.sampled_from(URLS)
attribute = st.builds(
    lambda name, value, quote: f" {name}={quote}{value}{quote}",
    st.sampled_from(ATTRIBUTES),
    urls | st.sampled_from(["alert(1)", "x", "display:none", "refresh"]),
    st.sampled_from(['"', "'", ""]),
)
piece = st.one_of(
    st.builds(lambda tag, attrs, end: f"<{tag}{''.join(attrs)}{end}>", st.sampled_from(TAGS),
              st.lists(attribute, max_size=3), st.sampled_from(["", "/"])),
    st.builds(lambda tag: f"</{tag}>", st.sampled_from(TAGS)),
    st.builds(lambda text, url: f"[{text}]({url})", st.sampled_from(["x", "click"]), urls),
    st.builds(lambda url: f"![x]({url})", urls),
    st.builds(lambda url: f"<{url}>", urls),
    st.builds(lambda url: f"[x][r]\n\n[r]: {url}\n", urls),
    st.builds(lambda attrs: "{:" + "".join(attrs) + " }", st.lists(attribute, min_size=1, max_size=2)),
    st.sampled_from(TEXT + MARKDOWN),
)  # fmt: skip
hostile_markdown = st.lists(piece, min_size=1, max_size=30).map("".join)

EXECUTABLE_ELEMENTS = {
    "script", "style", "iframe", "object", "embed", "base", "form", "meta", "link", "svg", "math", "template",
    "frame", "frameset", "applet", "input", "button", "textarea", "noscript",
}  # fmt: skip
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "srcset", "poster", "data"}
C0_AND_SPACE = "".join(map(chr, range(0x21)))


@pytest.fixture(scope="module")
def site_markdown() -> markdown.Markdown:
    """A Markdown converter with the shipped site's extensions (the product's own included)."""
    config = load_config(str(ROOT / "mkdocs.yml"))
    return markdown.Markdown(extensions=config.markdown_extensions, extension_configs=config.mdx_configs)


def executable_parts(html: str) -> list[str]:
    """What a browser would run in a page's content: parsed as a browser parses it (html5lib)."""
    found = []
    for element in html5lib.parseFragment(html, treebuilder="etree", namespaceHTMLElements=False).iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.rpartition("}")[2].lower()
        if tag in EXECUTABLE_ELEMENTS:
            found.append(f"<{tag}>")
        for name, value in element.attrib.items():
            name = name.rpartition("}")[2].lower()
            if name.startswith("on"):
                found.append(f"{name} on <{tag}>")
            # As a browser reads a URL: control characters and spaces at the ends, tabs and newlines anywhere.
            url = "".join(c for c in value.strip(C0_AND_SPACE) if c not in "\t\n\r").lower()
            if name in URL_ATTRIBUTES and url.startswith(("javascript:", "data:", "vbscript:")):
                found.append(f"{name}={value!r} on <{tag}>")
    return found


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(source=hostile_markdown)
def test_nothing_executable_survives_the_content_policy(source: str, site_markdown: markdown.Markdown) -> None:
    """Whatever an editor writes, the content that reaches the page has no element, attribute or link that runs."""
    converted = site_markdown.reset().convert(source)
    content, _ = take_page_data(converted)
    assert executable_parts(finish_content(content)) == []


# -- `sign` never leaves half a page behind -----------------------------------------------------------------

# A page of more than 4 KB, with Windows line endings and a comment that signing must keep.
LONG_PAGE = (
    (FIXTURES / "site/docs/conditions/draft.md")
    .read_text(encoding="utf-8")
    .replace("review:\n  status: draft\n", "review:\n  status: draft  # waiting for Dr Example\n")
    .replace("Draft text.", "\n\n".join(["Draft text, long enough to need more than one block of the disk."] * 80))
    .replace("\n", "\r\n")
    .encode("utf-8")
)
FILE_SIZE_LIMIT = 4096


def limit_file_size() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_SIZE_LIMIT, FILE_SIZE_LIMIT))


def make_read_only(page: Path) -> None:
    page.chmod(0o444)


def sign(root: Path, preexec: Callable[[], None] | None = None) -> subprocess.CompletedProcess[str]:
    command = ["-f", "site/mkdocs.yml", "sign", DRAFT, "--reviewer", "test-doctor", "--date", "2026-11-20"]
    return subprocess.run(
        [sys.executable, "-m", "healthpages", *command],
        cwd=root,
        # Python's own bytecode cache ignores short writes: under the limit it would write truncated files.
        env={**ENVIRONMENT, "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        timeout=KILL_AFTER,
        preexec_fn=preexec,
    )


# Columns: the case, a change to the page before signing, a limit on the signing process, what sign prints.
SIGN_REFUSALS = [
    (
        "the disk fills up (a 4 KB file-size limit)",
        None,
        limit_file_size,
        f"{DRAFT}:0: could not write the page (File too large); the page was not changed",
    ),
    (
        "a read-only page",
        make_read_only,
        None,
        f"{DRAFT}:0: the file is read-only; make it writable (or sign it from a checkout you can change) "
        "and run the command again",
    ),
]


@pytest.mark.parametrize(("case", "prepare", "limit", "message"), SIGN_REFUSALS, ids=[c[0] for c in SIGN_REFUSALS])
def test_sign_leaves_the_page_intact_when_it_cannot_write(
    case: str,
    prepare: Callable[[Path], None] | None,
    limit: Callable[[], None] | None,
    message: str,
    tmp_path: Path,
) -> None:
    copy_fixture_site(tmp_path)
    page = tmp_path / DRAFT
    page.write_bytes(LONG_PAGE)
    assert len(LONG_PAGE) > FILE_SIZE_LIMIT
    if prepare:
        prepare(page)
    result = sign(tmp_path, limit)
    assert (result.returncode, result.stdout.splitlines(), result.stderr) == (1, [message], "")
    assert page.read_bytes() == LONG_PAGE
    assert sorted(p.name for p in page.parent.iterdir()) == ["draft.md", "index.md", "reviewed.md"]  # no temp file


def test_sign_without_a_limit_signs_the_same_page_keeping_its_line_endings_and_comments(tmp_path: Path) -> None:
    copy_fixture_site(tmp_path)
    page = tmp_path / DRAFT
    page.write_bytes(LONG_PAGE)
    result = sign(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    signed = page.read_bytes()
    assert b"\r\n  status: reviewed  # waiting for Dr Example\r\n  reviewer: test-doctor\r\n" in signed
    assert signed.count(b"\n") == signed.count(b"\r\n")
    assert signed.endswith(LONG_PAGE[LONG_PAGE.index(b"\r\n---\r\n") :])  # the body, byte for byte


# -- defence in depth: the policy every published page carries ------------------------------------------------

REQUIRED_DIRECTIVES = {
    "default-src": "'none'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "worker-src": "'self'",
    "base-uri": "'self'",
    "object-src": "'none'",
    "form-action": "'none'",
}


def directives(policy: str) -> dict[str, str]:
    return {name: value.strip() for name, _, value in (part.strip().partition(" ") for part in policy.split(";"))}


def expected_hashes(document: lxml.html.HtmlElement) -> set[str]:
    """The hash of every inline script the browser would run, computed here apart from the product's code."""
    scripts = document.xpath("//script[not(@src)][not(@type) or @type='text/javascript' or @type='module']")
    return {f"'sha256-{base64.b64encode(hashlib.sha256((s.text or '').encode()).digest()).decode()}'" for s in scripts}


def test_every_page_carries_its_policy_right_after_its_charset(shipped_site: Path) -> None:
    pages = sorted(shipped_site.rglob("*.html"))
    assert len(pages) >= 15
    for path in pages:
        document = lxml.html.parse(str(path)).getroot()
        head = document.find("head")
        assert head is not None
        first, policy_tag, referrer = list(head)[:3]
        assert first.get("charset") == "utf-8", path
        assert policy_tag.get("http-equiv") == "Content-Security-Policy", path
        assert (referrer.get("name"), referrer.get("content")) == ("referrer", "no-referrer"), path
        policy = directives(policy_tag.get("content") or "")
        assert REQUIRED_DIRECTIVES.items() <= policy.items(), path
        assert "frame-ancestors" not in policy  # a <meta> policy cannot carry it (the browser would complain)
        sources = policy["script-src"].split()
        assert sources[0] == "'self'" and "'unsafe-inline'" not in sources, path
        # Exactly the page's own inline scripts (the theme's), each by its hash.
        assert set(sources[1:]) == expected_hashes(document), path


def header_rules(site: Path) -> list[tuple[str, dict[str, str]]]:
    rules: list[tuple[str, dict[str, str]]] = []
    for line in (site / "_headers").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            if line[0].isspace():
                name, _, value = line.strip().partition(": ")
                rules[-1][1][name] = value
            else:
                rules.append((line, {}))
    return rules


def matching(rules: list[tuple[str, dict[str, str]]], url_path: str) -> list[dict[str, str]]:
    return [h for p, h in rules if (url_path.startswith(p[:-1]) if p.endswith("*") else url_path == p)]


def test_headers_file_carries_the_same_policy_and_one_cache_lifetime_per_file(shipped_site: Path) -> None:
    rules = header_rules(shipped_site)
    everything = dict(rules)["/*"]
    assert everything["X-Content-Type-Options"] == "nosniff"
    assert everything["Referrer-Policy"] == "no-referrer"
    assert "camera=()" in everything["Permissions-Policy"] and "geolocation=()" in everything["Permissions-Policy"]
    policy = directives(everything["Content-Security-Policy"])
    assert REQUIRED_DIRECTIVES.items() <= policy.items() and policy["frame-ancestors"] == "'none'"
    # One header for every page: it allows each page's scripts (and each page's own meta allows only its own).
    page_hashes = set().union(
        *(expected_hashes(lxml.html.parse(str(p)).getroot()) for p in shipped_site.rglob("*.html"))
    )
    assert set(policy["script-src"].split()) == {"'self'", *page_hashes}
    for path in sorted(shipped_site.rglob("*")):
        if not path.is_file():
            continue
        relative = path.relative_to(shipped_site).as_posix()
        url_path = "/" + relative.removesuffix("index.html")
        lifetimes = [h["Cache-Control"] for h in matching(rules, url_path) if "Cache-Control" in h]
        assert len(lifetimes) <= 1, f"{url_path}: {lifetimes}"  # hosts would merge two into one header
        if path.suffix == ".html":
            assert lifetimes == ["public, max-age=0, must-revalidate"], url_path
        elif re.search(r"\.[0-9a-f]{8}\.min\.(js|css)$", path.name):
            assert lifetimes == ["public, max-age=31536000, immutable"], url_path


def test_a_site_finished_for_another_engine_carries_the_same_policy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another engine (Zensical) converts with the product's extension only; `healthpages finish` adds the rest."""
    site = copy_fixture_site(tmp_path)
    config = site / "mkdocs.yml"
    config.write_text(re.sub(r"hooks:\n  - [^\n]*\n", "", config.read_text()))  # the engine runs no hooks
    monkeypatch.chdir(tmp_path)
    built = build_site(config, tmp_path / "out")
    report = finish_site(read_settings(config), built)
    assert (report.problems, len(report.finished)) == ([], 6)
    for path in sorted(built.rglob("*.html")):
        document = lxml.html.parse(str(path)).getroot()
        (tag,) = document.xpath("//meta[@http-equiv='Content-Security-Policy']")
        assert set(directives(tag.get("content") or "")["script-src"].split()[1:]) == expected_hashes(document), path
    assert "Content-Security-Policy: default-src 'none'; script-src 'self' 'sha256-" in (built / "_headers").read_text()


def test_a_local_preview_carries_no_policy_so_live_reload_works(fixture_site: Path, tmp_path: Path) -> None:
    """`mkdocs serve` adds a live-reload script that changes on every request: no hash could allow it."""
    config = load_config(str(fixture_site / "mkdocs.yml"), site_dir=str(tmp_path / "preview"))
    config.plugins.on_startup(command="serve", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
    page = lxml.html.parse(str(tmp_path / "preview/conditions/draft/index.html")).getroot()
    assert page.xpath("//meta[@http-equiv='Content-Security-Policy']") == []
    assert page.xpath("//section[@class='health-key-points']")  # otherwise finished as usual


def test_column_alignment_is_a_class_not_an_inline_style(site_markdown: markdown.Markdown) -> None:
    """The policy allows no inline style (style-src 'self'), so a table's alignment must come from the stylesheet."""
    content, data = take_page_data(
        site_markdown.reset().convert("| Left | Middle | Right |\n|:--|:-:|--:|\n| a | b | c |")
    )
    cells = lxml.html.fragment_fromstring(finish_content(content), create_parent="div").xpath("//th | //td")
    assert data is not None and data.problems == ()
    assert [c.get("class") for c in cells] == [f"health-table__cell--{a}" for a in ("left", "center", "right")] * 2
    assert all(c.get("style") is None for c in cells)
    stylesheet = (ROOT / "overrides/assets/stylesheets/health.css").read_text()
    assert all(f".health-table__cell--{a} {{ text-align: {a}; }}" in stylesheet for a in ("left", "center", "right"))

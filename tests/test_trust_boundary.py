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
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import lxml.html
import pytest

from sitebuild import copy_fixture_site

# Limits for one command on one site of rows, far below what the review measured (45 s and 2.2 GB for one
# alias bomb). Time is the processor time the command used: the test machine's other work cannot change it.
CPU_SECONDS = 10.0
MAX_RSS_MB = 300
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
        Refused("data/practice.yml", 18, "use digits only"),
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
        data_file("practice.yml", "https://clinic.example/north/", "http://clinic.example/north/"),
        Refused("data/practice.yml", 19, "must start with https://"),
        site="data values",
    ),
    Row(
        "RTL override in a title",
        edit("title: Draft condition", "title: Draft \u202econdition"),
        Refused(PAGE, 2, "U+202E"),
    ),
    Row(
        "zero-width space in a title",
        edit("title: Draft condition", "title: Draft\u200b condition"),
        Refused(PAGE, 2, "U+200B"),
    ),
    Row("NUL in a title", edit("title: Draft condition", 'title: "Draft\\0 condition"'), Refused(PAGE, 2, "NUL")),
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
        page_of(root, row).write_text(draft, encoding="utf-8")
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

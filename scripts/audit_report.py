"""Page-speed audit: Lighthouse (mobile) on every topic page and three site pages, ours and Material's defaults.

Run through `make audit` (or `scripts/audit`), which installs the pinned Lighthouse with `npm ci`
and then runs this module with the project's Python (it needs MkDocs and the product's
`healthpages.chromium`; everything else is stdlib).

Steps: build our site with `mkdocs build --strict` and a "Material default" site from the same
docs/ (theme material, no custom_dir, no hooks, no extra CSS) into a temporary folder; serve each
on 127.0.0.1 on a free port; run Lighthouse against the system Chromium, one run at a time,
alternating the two builds, three runs per page by default (the median run by Performance is
reported); save the JSON reports and a Markdown summary in the output folder; print the table.
Every child (servers, Lighthouse, Chromium) is ended by its id on success, failure, timeout, Ctrl-C
or SIGTERM, and a failed run leaves the previous output folder untouched.

`python scripts/audit_report.py serve DIR` is the small static server used for that (stdlib
http.server, plus gzip for text like every production static host).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gzip
import html
import http.server
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from healthpages.chromium import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parent.parent

Pages = list[tuple[str, str, str]]  # (label, path, file slug)

# The site pages audited besides every topic page (topic_pages finds those in our build).
SITE_PAGES: Pages = [
    ("Home", "/", "home"),
    ("Health A to Z", "/conditions/", "a-to-z"),
    ("Contact", "/contact/", "contact"),
]
TOPICS_DIR = "conditions"
_H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1>", re.S)

BUILDS: list[tuple[str, str]] = [("ours", "Ours"), ("default", "Material default")]

CATEGORIES: list[tuple[str, str]] = [
    ("performance", "Performance"),
    ("accessibility", "Accessibility"),
    ("best-practices", "Best Practices"),
    ("seo", "SEO"),
]

# Headless, and offline as every Chromium the product starts.
CHROME_FLAGS = ["--headless=new", *CHROMIUM_ARGS]

PERFORMANCE_TARGET = 98
TARGETS = (
    f"100 Accessibility, Best Practices and SEO; Performance at least {PERFORMANCE_TARGET}; "
    "fewer bytes than Material's default. A draft awaiting clinical review asks search engines not to index "
    "it (noindex): its SEO score loses the 'is-crawlable' audit by design, and that alone is not counted as missed"
)


class AuditError(RuntimeError):
    """A step failed; the message says which and why."""


def log(message: str) -> None:
    print(f"[audit] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------
# Static server (run as a child process: `audit_report.py serve DIR`)
# --------------------------------------------------------------------------------------------

_COMPRESSIBLE = (
    "text/",
    "application/javascript",
    "application/json",
    "application/xml",
    "image/svg+xml",
    "application/manifest+json",
)


class _GzipHandler(http.server.SimpleHTTPRequestHandler):
    """SimpleHTTPRequestHandler that gzips text responses when the client accepts gzip."""

    protocol_version = "HTTP/1.1"  # keep-alive, like a real host

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def send_head(self) -> io.BytesIO | BinaryIO | None:
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            if not self.path.split("?", 1)[0].endswith("/"):
                return super().send_head()  # the stdlib's redirect to the slash form
            path = os.path.join(path, "index.html")
        ctype = self.guess_type(path)
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts and os.path.isfile(path) and ctype.startswith(_COMPRESSIBLE)):
            return super().send_head()
        with open(path, "rb") as handle:
            body = gzip.compress(handle.read(), compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


class _PlainHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve_forever(directory: str, compress: bool) -> None:
    handler = _GzipHandler if compress else _PlainHandler

    def make(*args: Any, **kwargs: Any) -> http.server.SimpleHTTPRequestHandler:
        return handler(*args, directory=directory, **kwargs)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), make)
    server.daemon_threads = True
    print(f"Serving HTTP on 127.0.0.1 port {server.server_address[1]}", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


# --------------------------------------------------------------------------------------------
# Child processes: each in its own session, ended by its id (and its group) on every exit path
# --------------------------------------------------------------------------------------------


def _kill_group(proc: subprocess.Popen[Any], grace: float = 5.0) -> None:
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=grace)


def _pids_with(marker: str) -> list[int]:
    """Processes whose command line contains `marker` (a temporary path only this run created)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if marker.encode() in cmdline:
            found.append(int(entry.name))
    return found


def _kill_marked(marker: str) -> int:
    """End Chromium processes left behind by a Lighthouse run (chrome-launcher detaches them)."""
    pids = _pids_with(marker)
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
    return len(pids)


@dataclass
class Server:
    directory: Path
    compress: bool
    proc: subprocess.Popen[str] | None = None
    port: int = 0

    def start(self, timeout: float = 15.0) -> str:
        if self.compress:
            cmd = [sys.executable, "-u", str(Path(__file__).resolve()), "serve", str(self.directory)]
        else:
            cmd = [
                sys.executable,
                "-u",
                "-m",
                "http.server",
                "0",
                "--bind",
                "127.0.0.1",
                "--directory",
                str(self.directory),
            ]
        proc = self.proc = subprocess.Popen(
            cmd,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
            text=True,
            start_new_session=True,
        )
        stdout = proc.stdout
        assert stdout is not None  # stdout=PIPE
        line: list[str] = []
        reader = threading.Thread(target=lambda: line.append(stdout.readline()), daemon=True)
        reader.start()
        reader.join(timeout)
        match = re.search(r"port (\d+)", line[0]) if line else None
        if not match:
            self.stop()
            raise AuditError(f"the local server for {self.directory} did not start within {timeout:.0f} s")
        self.port = int(match.group(1))
        # Drain the rest of stdout so the server never blocks on a full pipe.
        threading.Thread(target=lambda: [None for _ in stdout], daemon=True).start()
        base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(base + "/", timeout=5) as response:
                    if response.status == 200:
                        return base
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                self.stop()
                raise AuditError(f"the local server on port {self.port} does not answer")
            time.sleep(0.2)

    def stop(self) -> None:
        if self.proc is not None:
            _kill_group(self.proc)
            if self.proc.stdout:
                with contextlib.suppress(Exception):
                    self.proc.stdout.close()
            self.proc = None


# --------------------------------------------------------------------------------------------
# Builds
# --------------------------------------------------------------------------------------------


def _run(cmd: list[str], *, cwd: Path, timeout: float, what: str, env: dict[str, str] | None = None) -> str:
    proc = subprocess.Popen(
        cmd,
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    try:
        output, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        raise AuditError(f"{what} took longer than {timeout:.0f} s and was stopped") from None
    except BaseException:
        _kill_group(proc)
        raise
    if proc.returncode != 0:
        raise AuditError(f"{what} failed (exit {proc.returncode}):\n{output.rstrip()}")
    return output


def _mkdocs_env() -> dict[str, str]:
    env = dict(os.environ)
    env["NO_MKDOCS_2_WARNING"] = "1"
    # Our site as it is published (`make leaflets`): topic pages carry their leaflet's link and QR code.
    env["HEALTHPAGES_LEAFLETS"] = "true"
    return env


def build_ours(site_dir: Path, timeout: float) -> None:
    _run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(site_dir)],
        cwd=ROOT,
        timeout=timeout,
        what="mkdocs build --strict (our site)",
        env=_mkdocs_env(),
    )


def default_config(font: str) -> dict[str, Any]:
    """Material as it ships, on our content: same pages, navigation and Markdown extensions.

    Nothing of ours: no custom_dir, no hooks, no extra CSS, no palette, no features.
    font "none" sets `font: false`; font "google" keeps Material's default (Roboto from Google Fonts).
    """
    from healthpages.settings import read_mkdocs_yml  # the project's Python has the product installed

    ours, _ = read_mkdocs_yml(ROOT / "mkdocs.yml")
    config: dict[str, Any] = {
        "site_name": ours.get("site_name", "Site"),
        "docs_dir": str(ROOT / ours.get("docs_dir", "docs")),
        "theme": {"name": "material"},
        "plugins": ["search"],
    }
    for key in ("site_url", "site_description", "copyright", "nav", "markdown_extensions"):
        if ours.get(key) is not None:
            config[key] = ours[key]
    if ours.get("theme", {}).get("language"):
        config["theme"]["language"] = ours["theme"]["language"]
    if font == "none":
        config["theme"]["font"] = False
    return config


def build_default(work: Path, site_dir: Path, font: str, timeout: float) -> None:
    import yaml  # installed with MkDocs

    config_dir = work / "material-default"
    config_dir.mkdir(parents=True, exist_ok=True)
    config_file = config_dir / "mkdocs.yml"
    # yaml.Dumper (not safe_dump) keeps `!!python/name:` values some extensions take.
    config_file.write_text(yaml.dump(default_config(font), Dumper=yaml.Dumper, sort_keys=False), encoding="utf-8")
    # Not --strict: the point is to measure Material's output, not to lint its warnings.
    _run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--quiet",
            "--config-file",
            str(config_file),
            "--site-dir",
            str(site_dir),
        ],
        cwd=config_dir,
        timeout=timeout,
        what="mkdocs build (Material default)",
        env=_mkdocs_env(),
    )


# --------------------------------------------------------------------------------------------
# Lighthouse
# --------------------------------------------------------------------------------------------


@dataclass
class Result:
    build: str
    label: str
    path: str
    report: dict[str, Any]
    file: Path
    all_runs: list[Path] = field(default_factory=list)

    def score(self, category: str) -> int | None:
        value = self.report["categories"].get(category, {}).get("score")
        return None if value is None else round(value * 100)

    def numeric(self, audit: str) -> float | None:
        value = self.report["audits"].get(audit, {}).get("numericValue")
        return None if value is None else float(value)


def lighthouse_command(lighthouse: Path, url: str, output: Path) -> list[str]:
    return [
        str(lighthouse),
        url,
        "--output=json",
        f"--output-path={output}",
        "--only-categories=" + ",".join(key for key, _ in CATEGORIES),
        "--chrome-flags=" + " ".join(CHROME_FLAGS),
        "--max-wait-for-load=45000",
        "--quiet",
    ]


def run_lighthouse(
    lighthouse: Path, url: str, output: Path, work: Path, timeout: float, attempts: int = 2
) -> dict[str, Any]:
    problems = []
    for attempt in range(1, attempts + 1):
        # chrome-launcher puts Chromium's profile under TMPDIR: a folder of our own, so any
        # Chromium left behind by a failed run can be found by that path and ended by its id.
        scratch = Path(tempfile.mkdtemp(prefix="lh-", dir=work))
        env = dict(os.environ)
        env["TMPDIR"] = str(scratch)
        env.setdefault("CHROME_PATH", str(CHROMIUM))
        output.unlink(missing_ok=True)
        proc = subprocess.Popen(
            lighthouse_command(lighthouse, url, output),
            env=env,
            cwd=work,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            start_new_session=True,
        )
        problem = ""
        try:
            try:
                out, _ = proc.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                # SIGINT first: Lighthouse then closes its Chromium itself.
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGINT)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.communicate(timeout=10)
                _kill_group(proc)
                problem = f"timed out after {timeout:.0f} s"
                out = ""
            if not problem:
                if proc.returncode != 0:
                    problem = f"exit {proc.returncode}: {out.strip()[-2000:]}"
                elif not output.is_file():
                    problem = "no report written"
                else:
                    report: dict[str, Any] = json.loads(output.read_text(encoding="utf-8"))
                    error = report.get("runtimeError")
                    if error and error.get("code") not in (None, "NO_ERROR"):
                        problem = f"{error.get('code')}: {error.get('message')}"
                    elif any(report["categories"].get(key, {}).get("score") is None for key, _ in CATEGORIES):
                        problem = "a category has no score: " + "; ".join(report.get("runWarnings") or [])
                    else:
                        return report
        finally:
            _kill_group(proc)
            if _kill_marked(str(scratch)):
                log(f"ended Chromium processes left behind by Lighthouse for {url}")
            shutil.rmtree(scratch, ignore_errors=True)
        problems.append(f"attempt {attempt}: {problem}")
        log(f"Lighthouse on {url} failed ({problem}); " + ("retrying" if attempt < attempts else "giving up"))
    raise AuditError(f"Lighthouse on {url} failed:\n  " + "\n  ".join(problems))


def median_run(reports: list[dict[str, Any]]) -> int:
    """Index of the median run by Performance score (ties broken by LCP), as Lighthouse advises."""

    def key(index: int) -> tuple[float, float]:
        report = reports[index]
        return (
            report["categories"]["performance"]["score"] or 0,
            -(report["audits"]["largest-contentful-paint"].get("numericValue") or 0),
        )

    ordered = sorted(range(len(reports)), key=key)
    return ordered[(len(ordered) - 1) // 2]


# --------------------------------------------------------------------------------------------
# The table
# --------------------------------------------------------------------------------------------


def _kib(value: float | None) -> str:
    return "n/a" if value is None else f"{value / 1024:,.1f} KiB"


def _ms(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value / 1000:.2f} s" if value >= 1000 else f"{value:.0f} ms"


def _score(value: int | None) -> str:
    return "n/a" if value is None else str(value)


def topic_pages(site_dir: Path) -> Pages:
    """Every topic page of a built site (a folder under conditions/), labelled by its title, in name order."""
    pages: Pages = []
    for page in sorted((site_dir / TOPICS_DIR).glob("*/index.html")):
        found = _H1.search(page.read_text(encoding="utf-8"))
        label = html.unescape(re.sub(r"<[^>]+>", "", found.group(1))).strip() if found else page.parent.name
        pages.append((label, f"/{TOPICS_DIR}/{page.parent.name}/", page.parent.name))
    return pages


def table(results: dict[tuple[str, str], Result], pages: Pages) -> str:
    head = ["Page", "Build"] + [title for _, title in CATEGORIES] + ["Total bytes", "LCP", "TBT", "Bytes ours/default"]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join(["---"] * 2 + ["---:"] * (len(head) - 2)) + "|"]
    for label, path, _ in pages:
        ours, default = results[("ours", path)], results[("default", path)]
        ours_bytes, default_bytes = ours.numeric("total-byte-weight"), default.numeric("total-byte-weight")
        ratio = f"{ours_bytes / default_bytes:.2f}" if ours_bytes and default_bytes else "n/a"
        for result, (build, title) in ((ours, BUILDS[0]), (default, BUILDS[1])):
            cells = [f"{label} `{path}`" if build == "ours" else "", title]
            cells += [_score(result.score(key)) for key, _ in CATEGORIES]
            cells += [_kib(result.numeric("total-byte-weight")), _ms(result.numeric("largest-contentful-paint"))]
            cells.append(_ms(result.numeric("total-blocking-time")))
            cells.append(ratio if build == "ours" else "")
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def missed_targets(results: dict[tuple[str, str], Result], pages: Pages) -> list[str]:
    missed = []
    for label, path, _ in pages:
        ours, default = results[("ours", path)], results[("default", path)]
        for key, title in CATEGORIES:
            score, target = ours.score(key), PERFORMANCE_TARGET if key == "performance" else 100
            if key == "seo" and failed_audits(ours, key) == ["is-crawlable"]:
                continue  # a draft awaiting clinical review asks not to be indexed (noindex), as it should
            if score is None or score < target:
                missed.append(
                    f"{label}: {title} {_score(score)} (target {'at least ' if target < 100 else ''}{target})"
                )
        ours_bytes, default_bytes = ours.numeric("total-byte-weight"), default.numeric("total-byte-weight")
        if not (ours_bytes and default_bytes and ours_bytes < default_bytes):
            missed.append(f"{label}: {_kib(ours_bytes)}, not lighter than Material's default ({_kib(default_bytes)})")
    return missed


def failed_audits(result: Result, category: str) -> list[str]:
    """The ids of the scored audits of a category that did not pass."""
    audits = result.report["audits"]
    return [
        ref["id"]
        for ref in result.report["categories"][category]["auditRefs"]
        if ref.get("weight") and audits[ref["id"]].get("score") is not None and audits[ref["id"]]["score"] < 1
    ]


def lost_points(result: Result) -> list[str]:
    """Scored audits that did not pass, in the categories where the page lost points."""
    report, lines = result.report, []
    for key, title in CATEGORIES:
        category = report["categories"][key]
        if category.get("score") == 1:
            continue
        for ref in category["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if audit.get("score") is None or audit.get("scoreDisplayMode") in (
                "manual",
                "notApplicable",
                "informative",
            ):
                continue
            if audit["score"] >= (0.9 if key == "performance" else 1) or (
                key == "performance" and not ref.get("weight")
            ):
                continue
            shown = f" ({audit['displayValue']})" if audit.get("displayValue") else ""
            lines.append(f"{title}: {audit['title']}{shown} [{ref['id']}, score {audit['score']:.2f}]")
    return lines


def chromium_version(path: str) -> str:
    with contextlib.suppress(Exception):
        done = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30)
        version = done.stdout.strip()
        if version:
            return version
    return path


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------


@contextlib.contextmanager
def _terminate_as_exit() -> Iterator[None]:
    """SIGTERM and SIGHUP end the run through the normal clean-up (servers, Chromium, temp files)."""

    def handler(signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="scripts/audit", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--output",
        default=os.environ.get("AUDIT_OUTPUT", "audit-output"),
        help="folder for the JSON reports and summary.md (default: audit-output)",
    )
    parser.add_argument(
        "--runs",
        type=int,
        default=int(os.environ.get("AUDIT_RUNS", "3")),
        help="Lighthouse runs per page and build; the median run by Performance is "
        "reported (default 3, as Lighthouse advises for noisy machines)",
    )
    parser.add_argument(
        "--default-font",
        choices=("none", "google"),
        default=os.environ.get("AUDIT_DEFAULT_FONT", "none"),
        help="font of the Material-default build: 'none' (font: false, the default: "
        "like ours, no third-party request) or 'google' (Material's Roboto from "
        "Google Fonts, which fails offline)",
    )
    parser.add_argument(
        "--no-compress",
        action="store_true",
        default=os.environ.get("AUDIT_COMPRESS") == "0",
        help="serve with plain `python -m http.server` (no gzip) instead of gzip for text",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=float(os.environ.get("AUDIT_TIMEOUT", "120")),
        help="seconds one Lighthouse run may take before it is stopped and tried once "
        "more (default 120; a run takes about 20 s)",
    )
    parser.add_argument(
        "--enforce",
        action="store_true",
        default=os.environ.get("AUDIT_ENFORCE") == "1",
        help="exit 1 when a target is missed",
    )
    parser.add_argument(
        "--only",
        action="append",
        metavar="PATH",
        help="audit only this page (a path such as /conditions/ovarian-cysts/; repeat for more)",
    )
    parser.add_argument(
        "--lighthouse",
        default=str(ROOT / "node_modules" / ".bin" / "lighthouse"),
        help="Lighthouse CLI (default: node_modules/.bin/lighthouse, from `npm ci`)",
    )
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    return args


def audit(args: argparse.Namespace) -> int:
    started = time.monotonic()
    lighthouse = Path(args.lighthouse)
    if not lighthouse.exists():
        raise AuditError(f"{lighthouse} is missing: run `npm ci` in {ROOT} (scripts/audit does)")
    chrome = os.environ.setdefault("CHROME_PATH", str(CHROMIUM))
    if not os.access(chrome, os.X_OK):
        raise AuditError(f"no Chromium at {chrome}: run scripts/ensure-chromium (or apt-get install chromium)")
    output = (ROOT / args.output) if not Path(args.output).is_absolute() else Path(args.output)
    compress = not args.no_compress

    results: dict[tuple[str, str], Result] = {}
    servers: list[Server] = []
    work = Path(tempfile.mkdtemp(prefix="health-audit-"))
    # Reports go to a scratch folder first: a failed or interrupted audit leaves the last good
    # output folder as it was.
    scratch = work / "reports"
    scratch.mkdir()
    try:
        log("building our site (mkdocs build --strict)")
        build_ours(work / "ours", timeout=300)
        log(
            "building Material's default on the same content "
            f"(font: {'false' if args.default_font == 'none' else 'Google Fonts'})"
        )
        build_default(work, work / "default", args.default_font, timeout=300)
        pages = [page for page in SITE_PAGES + topic_pages(work / "ours") if not args.only or page[1] in args.only]
        if not pages:
            raise AuditError(f"none of the pages {args.only} is in the build")
        bases = {}
        for build, title in BUILDS:
            server = Server(work / build, compress)
            servers.append(server)
            bases[build] = server.start()
            log(f"serving {title} at {bases[build]}/" + (" (gzip)" if compress else ""))
        # One run at a time, alternating the two builds, so that a busy spell on the machine
        # falls on both of them rather than on whichever build happened to be audited then.
        for label, path, slug in pages:
            reports: dict[str, list[dict[str, Any]]] = {build: [] for build, _ in BUILDS}
            files: dict[str, list[Path]] = {build: [] for build, _ in BUILDS}
            for run in range(1, args.runs + 1):
                for build, title in BUILDS:
                    name = f"{build}-{slug}.json" if args.runs == 1 else f"{build}-{slug}.run{run}.json"
                    log(f"Lighthouse: {title}, {path}" + (f" (run {run}/{args.runs})" if args.runs > 1 else ""))
                    reports[build].append(
                        run_lighthouse(lighthouse, bases[build] + path, scratch / name, work, args.timeout)
                    )
                    files[build].append(output / name)
            for build, _ in BUILDS:
                best = median_run(reports[build])
                chosen = output / f"{build}-{slug}.json"
                if args.runs > 1:
                    shutil.copyfile(scratch / files[build][best].name, scratch / chosen.name)
                results[(build, path)] = Result(build, label, path, reports[build][best], chosen, files[build])
        for server in servers:
            server.stop()
        output.mkdir(parents=True, exist_ok=True)
        for stale in [
            *output.glob("ours-*.json"),
            *output.glob("default-*.json"),
            output / "summary.md",
            output / "summary.json",
        ]:
            stale.unlink(missing_ok=True)
        for report in scratch.iterdir():
            shutil.move(report, output / report.name)
    finally:
        for server in servers:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)

    elapsed = time.monotonic() - started
    first = results[("ours", "/")].report
    settings = first.get("configSettings", {})
    missed = missed_targets(results, pages)
    bench = sorted(r.report.get("environment", {}).get("benchmarkIndex") or 0 for r in results.values())
    summary = [
        "# Page-speed audit",
        "",
        f"Lighthouse {first.get('lighthouseVersion')} with {chromium_version(chrome)}, "
        f"{settings.get('formFactor', 'mobile')} form factor, {settings.get('throttlingMethod', 'simulate')}d "
        f"throttling (Lighthouse's mobile defaults); {args.runs} run{'s' if args.runs > 1 else ''} per page"
        + (" (median by Performance)" if args.runs > 1 else "")
        + f"; {dt.date.today().isoformat()}. "
        f"Lighthouse's CPU benchmark index of the reported runs: {bench[0]:.0f} to {bench[-1]:.0f} "
        "(lower means a busier machine and a worse Total Blocking Time).",
        "",
        "Served from 127.0.0.1 "
        + (
            "with gzip for text, as production static hosts serve it"
            if compress
            else "by plain `python -m http.server`, without compression"
        )
        + ". Total bytes is Lighthouse's total-byte-weight (bytes transferred).",
        "",
        '"Material default" is the same docs/ content built with Material as it ships: theme material, '
        "no custom_dir, no hooks, no extra CSS, the same navigation and Markdown extensions, "
        + (
            "and `font: false` (Material's default Google Fonts cannot load offline; online they would add "
            "requests and bytes to the default, so the byte ratio here favours the default)."
            if args.default_font == "none"
            else "and Material's default font (Roboto from Google Fonts; those requests fail offline and are "
            "not counted in its bytes)."
        ),
        "",
        table(results, pages),
        "",
        f"Targets: {TARGETS}. " + ("All met." if not missed else "Missed:"),
    ]
    summary += [f"- {line}" for line in missed]
    lost = [(label, lost_points(results[("ours", path)])) for label, path, _ in pages]
    if any(lines for _, lines in lost):
        summary += ["", "Where our pages lost points:"]
        for label, lines in lost:
            summary += [f"- {label}: {line}" for line in lines]
    shown = output.relative_to(ROOT) if output.is_relative_to(ROOT) else output
    summary += [
        "",
        f"Reports: {shown}/{{ours,default}}-<page>.json (the median run"
        + ("; every run in <build>-<page>.runN.json" if args.runs > 1 else "")
        + f"), {shown}/summary.md and summary.json. Took {elapsed:.0f} s.",
    ]
    text = "\n".join(summary) + "\n"
    (output / "summary.md").write_text(text, encoding="utf-8")
    rows = []
    for label, path, _ in pages:
        for build, _ in BUILDS:
            result = results[(build, path)]
            rows.append(
                {
                    "page": label,
                    "path": path,
                    "build": build,
                    "report": result.file.name,
                    **{key: result.score(key) for key, _ in CATEGORIES},
                    "total_bytes": result.numeric("total-byte-weight"),
                    "lcp_ms": result.numeric("largest-contentful-paint"),
                    "tbt_ms": result.numeric("total-blocking-time"),
                }
            )
    (output / "summary.json").write_text(
        json.dumps(
            {
                "lighthouse": first.get("lighthouseVersion"),
                "runs": args.runs,
                "gzip": compress,
                "default_font": args.default_font,
                "missed_targets": missed,
                "rows": rows,
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    print(text, end="")
    return 1 if (missed and args.enforce) else 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["serve"]:
        if len(argv) != 2:
            print("usage: audit_report.py serve DIR", file=sys.stderr)
            return 2
        serve_forever(argv[1], compress=True)
        return 0
    args = parse_args(argv)
    try:
        with _terminate_as_exit():
            return audit(args)
    except AuditError as error:
        log(f"error: {error}")
        return 1
    except KeyboardInterrupt:
        log("interrupted; servers and Chromium stopped, temporary files removed")
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Build-time benchmark: our full build against the same build without our code and Material's defaults.

    python -m benchmarks.build_bench                 # N = 100 and 1,000, profile, live preview
    python -m benchmarks.build_bench --large         # adds N = 3,000
    python -m benchmarks.build_bench --smoke --out /tmp/bench   # N = 20, one run: proves it works

For each N it generates a synthetic corpus of topic pages in our page format (benchmarks/corpus.py)
and three configurations (benchmarks/configs.py), then builds them interleaved, a b c w a b c w ...
((w) is (a) again, with the social cards that (a) drew kept), one warm-up round and `--runs` counted
rounds, each build in a fresh `python -m mkdocs build` process.
It writes results.json, results.md and ms_per_page.png to `--out` and prints the table. Then it
profiles one N=1,000 build of (a) (benchmarks/profile_build.py) and measures how fast `mkdocs serve`
shows an edited page (benchmarks/serve_bench.py).

Timings depend on the machine and on whatever else it is doing: compare runs made on the same
machine, and read the ratios rather than the seconds.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from benchmarks import report
from benchmarks.configs import COLD, VARIANTS, card_store, write_project_copy, write_variants
from benchmarks.corpus import SECTION_SIZE, Corpus, generate
from benchmarks.runner import BuildFailed, BuildRun, run_build
from benchmarks.serve_bench import measure

PROJECT = Path(__file__).resolve().parent.parent
DEFAULT_SIZES = [100, 1000]
LARGE_SIZE = 3000
SMOKE_SIZE = 20
PROFILE_SIZE = 1000
# The page edited in the live-preview measurement of the shipped site.
SHIPPED_PAGE = "conditions/cervical-insufficiency.md"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.build_bench",
        description="Build-time benchmark of the health library against Material's defaults.",
    )
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=None,
        metavar="N",
        help=f"corpus sizes (default: {' '.join(map(str, DEFAULT_SIZES))})",
    )
    parser.add_argument("--large", action="store_true", help=f"add N={LARGE_SIZE:,}")
    parser.add_argument("--runs", type=int, default=3, help="counted runs per variant and N (default 3)")
    parser.add_argument("--warmup", type=int, default=1, help="warm-up rounds, not counted (default 1)")
    parser.add_argument(
        "--out",
        type=Path,
        default=PROJECT / "benchmarks" / "output",
        help="folder for results.json, results.md, the plot, the profile and the corpora",
    )
    parser.add_argument(
        "--profile",
        action=argparse.BooleanOptionalAction,
        default=None,
        help=f"profile one N={PROFILE_SIZE:,} build of (a) with cProfile (default: on)",
    )
    parser.add_argument(
        "--serve",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="measure the live preview (mkdocs serve, with and without --dirty) (default: on)",
    )
    parser.add_argument("--serve-edits", type=int, default=3, help="edits per live-preview measurement (default 3)")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help=f"N={SMOKE_SIZE}, one run, no warm-up, no profile, no serve: proves the command works",
    )
    parser.add_argument(
        "--section-size",
        type=int,
        default=SECTION_SIZE,
        help=f"topic pages per section folder (default {SECTION_SIZE})",
    )
    parser.add_argument("--timeout", type=float, default=3600, help="seconds before one build is killed")
    parser.add_argument("--project", type=Path, default=PROJECT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.smoke:
        args.sizes = args.sizes or [SMOKE_SIZE]
        args.runs, args.warmup = 1, 0
        args.profile = False if args.profile is None else args.profile
        args.serve = False if args.serve is None else args.serve
    args.sizes = sorted(set((args.sizes or DEFAULT_SIZES) + ([LARGE_SIZE] if args.large else [])))
    args.profile = True if args.profile is None else args.profile
    args.serve = True if args.serve is None else args.serve
    if args.runs < 1 or args.warmup < 0:
        parser.error("--runs must be at least 1 and --warmup at least 0")
    return args


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _commit(project: Path) -> str:
    try:
        return subprocess.run(
            ["git", "-C", str(project), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, timeout=10
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def fingerprint(project: Path) -> str:
    """A hash of what the measured build reads from the project: config, templates, hooks and data."""
    digest = hashlib.sha256()
    paths = [project / "mkdocs.yml"]
    for folder in ("overrides", "hooks", "data"):
        paths += sorted(
            p
            for p in (project / folder).rglob("*")
            if p.is_file()
            and "__pycache__" not in p.parts
            and not p.name.endswith(".egg-info")
            and ".egg-info" not in str(p)
        )
    for path in paths:
        if path.is_file():
            digest.update(path.relative_to(project).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def meta(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": _commit(args.project),
        "project_fingerprint": fingerprint(args.project),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None,
        "versions": {
            p: _version(p)
            for p in ("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions", "jinja2", "pydantic", "lxml")
        },
        "sizes": args.sizes,
        "runs": args.runs,
        "warmup": args.warmup,
        "section_size": args.section_size,
        "variants": VARIANTS,
        "command": "python -m mkdocs build -q -f <variant>.yml -d <tmp>, each in a fresh process",
    }


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run_builds(
    args: argparse.Namespace, corpora: dict[int, Corpus], configs: dict[int, dict[str, Path]], document: dict[str, Any]
) -> list[BuildRun]:
    runs: list[BuildRun] = []
    for n in args.sizes:
        rounds = args.warmup + args.runs
        for number in range(rounds):
            warmup = number < args.warmup
            for variant in VARIANTS:  # interleaved: a b c w a b c w ...
                if variant == COLD:
                    shutil.rmtree(card_store(configs[n][variant]), ignore_errors=True)
                run = run_build(
                    configs[n][variant], n=n, variant=variant, round_=number, warmup=warmup, timeout=args.timeout
                )
                runs.append(run)
                kind = "warm-up" if warmup else f"run {number - args.warmup + 1}/{args.runs}"
                say(
                    f"  N={n:,} {kind} ({variant}): {run.seconds:.2f} s, {run.peak_mb:.0f} MB"
                    + (f", {run.warnings} warnings" if run.warnings else "")
                )
        # Save what is measured so far, so a long run that is stopped still leaves its results.
        document["runs"] = [r.as_dict() for r in runs]
        document["summary"] = report.summarise(runs, {m: corpora[m].pages for m in corpora})
        report.write(args.out, document, with_plot=False)
    return runs


def run_profile(args: argparse.Namespace, corpus: Corpus, config: Path) -> dict[str, Any]:
    say(f"Profiling one N={corpus.n:,} build of (a) with cProfile ...")
    subprocess.run(  # as (a), every card drawn: the profile starts each of its builds without the store
        [
            sys.executable,
            "-m",
            "benchmarks.profile_build",
            "--config",
            str(config),
            "--out",
            str(args.out),
            "--n",
            str(corpus.n),
            "--hooks-dir",
            str(args.project / "hooks"),
        ],
        check=True,
        cwd=args.project,
        timeout=args.timeout * 3,
    )
    result = json.loads((args.out / f"profile-n{corpus.n}.json").read_text(encoding="utf-8"))
    return {
        "n": corpus.n,
        "markdown": f"profile-n{corpus.n}.md",
        "json": f"profile-n{corpus.n}.json",
        "phases": result["phases"],
        "top_functions": result["top_functions"],
        "templates": result["templates"],
    }


def run_serve(args: argparse.Namespace, corpus: Corpus, config: Path) -> list[dict[str, Any]]:
    shipped_root = args.out / "serve" / "shipped"
    shipped_root.mkdir(parents=True, exist_ok=True)
    shipped_config = write_project_copy(args.project, shipped_root)
    shipped_pages = sum(1 for _ in (shipped_root / "docs").rglob("*.md"))
    first = corpus.sections[0][2][0]
    sites = [
        (
            "shipped site",
            shipped_config,
            shipped_root / "docs" / SHIPPED_PAGE,
            SHIPPED_PAGE.removesuffix(".md") + "/",
            shipped_pages,
        ),
        (
            f"corpus N={corpus.n:,}",
            config,
            corpus.docs_dir / first.src_path,
            first.src_path.removesuffix(".md") + "/",
            corpus.pages,
        ),
    ]
    results = []
    for site, site_config, page, url_path, pages in sites:
        for dirty in (False, True):
            say(f"Live preview: {site}, {'--dirty' if dirty else 'full rebuild'} ...")
            result = measure(
                site=site,
                config=site_config,
                page=page,
                url_path=url_path,
                pages=pages,
                dirty=dirty,
                edits=args.serve_edits,
                rebuild_timeout=max(600.0, args.timeout / 2),
            )
            say(f"  {result.get('edit_seconds', result.get('error'))}")
            results.append(result)
    return results


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    args.out = args.out.resolve()
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    document: dict[str, Any] = {"meta": meta(args), "summary": None, "runs": [], "profile": None, "serve": []}
    corpora: dict[int, Corpus] = {}
    configs: dict[int, dict[str, Path]] = {}
    sizes = sorted(set(args.sizes + ([PROFILE_SIZE] if args.profile or args.serve else [])))
    for n in sizes:
        say(f"Generating the N={n:,} corpus ...")
        corpora[n] = generate(args.out / "corpus" / f"n{n}", n, args.project, args.section_size)
        configs[n] = write_variants(args.project, corpora[n])
    rounds = f"({args.warmup} warm-up + {args.runs} counted) rounds"
    say(f"Building {len(args.sizes)} size(s) x {len(VARIANTS)} variants x {rounds} ...")
    try:
        run_builds(args, corpora, configs, document)
    except BuildFailed as error:
        say(str(error))
        return 1
    text = report.write(args.out, document)
    print(text, flush=True)
    if args.profile:
        document["profile"] = run_profile(args, corpora[PROFILE_SIZE], configs[PROFILE_SIZE]["a"])
        report.write(args.out, document)
        print((args.out / document["profile"]["markdown"]).read_text(encoding="utf-8"), flush=True)
    if args.serve:
        document["serve"] = run_serve(args, corpora[PROFILE_SIZE], configs[PROFILE_SIZE]["a"])
        report.write(args.out, document)
        print(
            "## Live preview (mkdocs serve): one page edited\n\n" + report.serve_markdown(document["serve"]), flush=True
        )
    document["meta"]["total_seconds"] = round(time.perf_counter() - started, 1)
    document["meta"]["commit_at_end"] = _commit(args.project)
    document["meta"]["project_fingerprint_at_end"] = fingerprint(args.project)
    if document["meta"]["project_fingerprint_at_end"] != document["meta"]["project_fingerprint"]:
        # Someone changed mkdocs.yml, overrides/, hooks/ or data/ while we measured: the figures mix versions.
        document["meta"]["warning"] = (
            "the project's configuration, templates, hooks or data changed during the run "
            f"(commit {document['meta']['commit']} -> {document['meta']['commit_at_end']}); "
            "the figures mix versions, run the benchmark again"
        )
        say("WARNING: " + document["meta"]["warning"])
    report.write(args.out, document)
    say(
        f"Wrote {args.out / report.RESULTS_JSON}, {args.out / report.RESULTS_MD}"
        + (f" and {args.out / report.PLOT_PNG}" if document["summary"]["rows"] else "")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

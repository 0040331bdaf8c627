"""The same library built by an earlier revision of the project and by this one: is the build slower?

`python -m benchmarks.compare --before REV` writes the same corpus (benchmarks/corpus.py, N topic pages)
for both revisions, each with its own data and static files, and builds it with each one's full
configuration (variant (a) of the benchmark), interleaved:

- **before**: REV's hooks, templates, data and mkdocs.yml, taken with `git archive` (no checkout), without
  a store of drawn social cards (a revision that keeps one draws every card, as the cold side does);
- **after, cold**: this working tree, without the store of drawn social cards, as on a fresh clone;
- **after, warm**: this working tree right after the cold build, as an editor's next build.

With `--after REV2`, REV2's files stand in for the working tree, to measure one change between two commits.

The corpus is the current generator's; a front matter field REV does not know yet is left out of REV's
copy with `--drop-field` (for example `short_title`, which came with the structured-data work), so both
revisions build the same pages. It prints a table and writes `compare.json` and `compare.md`.
"""

from __future__ import annotations

import argparse
import io
import json
import shutil
import statistics
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.configs import COLD, card_store, write_variants
from benchmarks.corpus import generate
from benchmarks.runner import BuildRun, run_build

PROJECT = Path(__file__).resolve().parent.parent
# What a revision's build reads from the project.
PROJECT_PARTS = ("hooks", "overrides", "data", "docs", "mkdocs.yml")


@dataclass(frozen=True)
class Side:
    name: str
    label: str
    project: Path  # the revision's files
    config: Path  # its configuration for the shared corpus
    cold: bool  # the store of drawn cards is removed before each build


def export_revision(revision: str, dest: Path) -> str:
    """REV's files that a build reads, written under `dest`; returns the full commit id."""
    commit = subprocess.run(
        ["git", "rev-parse", "--verify", f"{revision}^{{commit}}"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    archive = subprocess.run(
        ["git", "archive", "--format=tar", commit, *PROJECT_PARTS], cwd=PROJECT, capture_output=True, check=True
    ).stdout
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(dest, filter="data")
    return commit


def working_tree() -> str:
    """This working tree's commit, and whether what a build reads has changed since."""

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=PROJECT, capture_output=True, text=True, check=True).stdout.strip()

    changed = git("status", "--porcelain", "--", *PROJECT_PARTS)
    return git("rev-parse", "--short", "HEAD") + (" with uncommitted changes" if changed else "")


def site_for(project: Path, root: Path, n: int, drop: frozenset[str]) -> Path:
    """The N-topic corpus under `root` with `project`'s data, static files and configuration, without the
    front matter fields in `drop`; returns the full configuration's file. The corpus generator writes the
    same pages for the same N, so every side builds the same library."""
    corpus = generate(root, n, project)
    for page in corpus.docs_dir.rglob("*.md"):
        lines = page.read_text(encoding="utf-8").splitlines(keepends=True)
        kept = [line for line in lines if line.partition(":")[0] not in drop]
        if len(kept) < len(lines):
            page.write_text("".join(kept), encoding="utf-8")
    return write_variants(project, corpus)[COLD]


def summarise(runs: dict[str, list[BuildRun]], sides: list[Side]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for side in sides:
        counted = [run for run in runs[side.name] if not run.warmup]
        rows.append(
            {
                "side": side.name,
                "label": side.label,
                "runs": len(counted),
                "median_s": round(statistics.median(run.seconds for run in counted), 2),
                "median_cpu_s": round(statistics.median(run.cpu_seconds for run in counted), 2),
                "peak_mb": round(max(run.peak_mb for run in counted)),
            }
        )
    before = rows[0]
    for row in rows:
        row["after/before"] = round(row["median_s"] / before["median_s"], 3)
        row["after/before cpu"] = round(row["median_cpu_s"] / before["median_cpu_s"], 3)
    return rows


def markdown(rows: list[dict[str, Any]], meta: dict[str, Any]) -> str:
    lines = [
        f"## The same {meta['n']:,}-topic library, before ({meta['before'][:7]}) and after ({meta['after']})",
        "",
        "| build | median s | CPU s | peak MB | ÷ before (wall) | ÷ before (CPU) | runs |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['label']} | {row['median_s']:.2f} | {row['median_cpu_s']:.2f} | {row['peak_mb']} "
            f"| {row['after/before']:.2f} | {row['after/before cpu']:.2f} | {row['runs']} |"
        )
    dropped = ", ".join(meta["drop_fields"]) or "none"
    lines += ["", f"Front matter fields left out of the before revision's copy: {dropped}.", ""]
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--before", required=True, help="the earlier revision (a commit, tag or branch)")
    parser.add_argument(
        "--after", help="a later revision to build instead of this working tree (for one change between two commits)"
    )
    parser.add_argument("--n", type=int, default=1000, help="topic pages in the corpus (default 1,000)")
    parser.add_argument("--runs", type=int, default=3, help="counted builds of each side (default 3)")
    parser.add_argument("--warmup", type=int, default=1, help="uncounted rounds first (default 1)")
    parser.add_argument("--drop-field", action="append", default=[], help="a front matter field REV does not know")
    parser.add_argument("--out", type=Path, default=PROJECT / "benchmarks" / "output" / "compare")
    parser.add_argument("--timeout", type=float, default=1800)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    out: Path = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    before_files = out / "before-project"
    commit = export_revision(args.before, before_files)
    drop = frozenset(args.drop_field)
    before_config = site_for(before_files, out / "before", args.n, drop)
    if args.after:  # a revision of its own: it may not know the dropped fields either
        after_files = out / "after-project"
        after = export_revision(args.after, after_files)[:7]
        after_config = site_for(after_files, out / "after", args.n, drop)
    else:
        after_files, after = PROJECT, working_tree()
        after_config = site_for(PROJECT, out / "after", args.n, frozenset())
    sides = [
        Side("before", f"before: {commit[:7]}", before_files, before_config, cold=True),
        Side("cold", "after: no drawn cards kept (a fresh clone)", after_files, after_config, cold=True),
        Side("warm", "after: the next build (cards kept)", after_files, after_config, cold=False),
    ]
    runs: dict[str, list[BuildRun]] = {side.name: [] for side in sides}
    for number in range(args.warmup + args.runs):
        for side in sides:  # interleaved, so a busy moment of the machine touches every side alike
            if side.cold:
                shutil.rmtree(card_store(side.config), ignore_errors=True)
            run = run_build(
                side.config,
                n=args.n,
                variant=side.name,
                round_=number,
                warmup=number < args.warmup,
                timeout=args.timeout,
                hooks_dir=side.project / "hooks",
            )
            runs[side.name].append(run)
            print(f"  {side.label}: {run.seconds:.2f} s ({run.cpu_seconds:.2f} s CPU)", file=sys.stderr, flush=True)
    meta = {"n": args.n, "before": commit, "after": after, "drop_fields": sorted(drop)}
    rows = summarise(runs, sides)
    document = {"meta": meta, "rows": rows, "runs": {name: [r.as_dict() for r in rs] for name, rs in runs.items()}}
    (out / "compare.json").write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    text = markdown(rows, meta)
    (out / "compare.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

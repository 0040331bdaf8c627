"""Editor commands: `check` the site, `serve` a live preview, `new` page, `sign` a review, `review-status`,
`finish` a site, print its `leaflets`.

Run from the repository: `python -m healthpages check` (or `make check`).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from healthpages import review_queue
from healthpages.chromium import CHROMIUM
from healthpages.engines.mkdocs import check_build, serve
from healthpages.finish import finish_site
from healthpages.leaflets import write_leaflets
from healthpages.library import docs_page_paths
from healthpages.problems import Problem, ProblemsFound
from healthpages.published import write_published
from healthpages.scaffold import new_page
from healthpages.settings import read_settings
from healthpages.signoff import sign_page


def _emit(problems: list[Problem]) -> None:
    annotate = os.environ.get("GITHUB_ACTIONS") == "true"
    for problem in sorted(set(problems)):
        print(problem)
        if annotate:
            print(problem.github_annotation())


def run_check(config_file: Path, release: bool, quiet: bool) -> int:
    """The strict build itself, into a folder that is thrown away: the same problems as `mkdocs build --strict`."""
    report = check_build(config_file, release)
    if not quiet:
        for shown, score in sorted(report.readability):
            print(f"{shown}: readability: {score}")
    _emit(report.problems)
    for line in report.other:
        print(line)
    for notice in sorted(set(report.notices)):
        print(f"note: {notice}")
    count = len(set(report.problems)) + len(report.other)
    pages = len(report.readability)
    print(f"{pages} pages checked, {count} problem{'s' if count != 1 else ''}", file=sys.stderr)
    return 1 if count else 0


def _changed_files(since: str) -> set[str]:
    result = subprocess.run(
        # Paths relative to where the command runs (the folder of mkdocs.yml), wherever the repository starts.
        ["git", "diff", "--name-only", "--relative", f"{since}...HEAD"],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise ProblemsFound([Problem("git", 0, f"cannot compare with '{since}': {result.stderr.strip()}")])
    return {line.strip() for line in result.stdout.splitlines() if line.strip()}


def run_leaflets(shown: Callable[[Path], str], site_dir: Path, chromium: Path) -> int:
    if not (site_dir / "index.html").is_file():
        print(f"{shown(site_dir)}: no built site here; build it first (make leaflets does)", file=sys.stderr)
        return 1
    if not chromium.is_file():
        print(f"{chromium}: no Chromium to print with; install it with scripts/ensure-chromium", file=sys.stderr)
        return 1
    written = write_leaflets(site_dir, chromium)
    if not written:
        print(
            f"{shown(site_dir)}: no page links a leaflet; build with HEALTHPAGES_LEAFLETS=true (make leaflets)",
            file=sys.stderr,
        )
        return 1
    for pdf in written:
        print(f"wrote {shown(pdf)}")
    print(f"{len(written)} leaflets", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="healthpages", description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--config-file", "-f", type=Path, default=Path("mkdocs.yml"))
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="build every page strictly without publishing, and list the problems")
    check.add_argument("--release", action="store_true", help="also fail on drafts, overdue and changed pages")
    check.add_argument("--quiet", action="store_true", help="print problems only, not readability figures")
    preview = commands.add_parser("serve", help="preview the site while you edit; problems are shown in the browser")
    preview.add_argument("--port", type=int, default=8000, help="default: 8000")
    preview.add_argument("--host", default="127.0.0.1", help="default: 127.0.0.1 (this computer only)")
    preview.add_argument("--dirty", action="store_true", help="rebuild only the edited pages (large libraries)")
    new = commands.add_parser("new", help="create a topic page with every field and a comment on each")
    new.add_argument("title")
    new.add_argument("--path", type=Path, help="file to create (default: docs/conditions/<slug>.md)")
    sign = commands.add_parser("sign", help="record a clinician's sign-off in a page's front matter")
    sign.add_argument("page", type=Path)
    sign.add_argument("--reviewer", required=True, help="an id from data/reviewers.yml")
    sign.add_argument("--date", type=date.fromisoformat, help="review date, YYYY-MM-DD (default: today)")
    sign.add_argument("--next-review", type=date.fromisoformat, help="default: 3 years after the review")
    status = commands.add_parser("review-status", help="every medical page's review state, most urgent first")
    status.add_argument("--due-within", type=int, metavar="DAYS", help="only pages that need attention within DAYS")
    status.add_argument("--changed-since", metavar="GIT_REF", help="only pages changed since this commit")
    status.add_argument("--format", choices=("text", "markdown"), default="text")
    status.add_argument(
        "--with-check", action="store_true", help="list every problem the check finds (it builds the site strictly)"
    )
    commands.add_parser(
        "published-urls", help="record every page's address as published (run when a release is published)"
    )
    finish = commands.add_parser("finish", help="finish a site another engine built from mkdocs.yml (Zensical)")
    finish.add_argument("site_dir", type=Path)
    leaflets = commands.add_parser(
        "leaflets", help="print every topic page of a site built with leaflets on to the PDF it links (make leaflets)"
    )
    leaflets.add_argument("site_dir", type=Path, nargs="?", help="the built site (default: site_dir of mkdocs.yml)")
    leaflets.add_argument(
        "--chromium", type=Path, default=CHROMIUM, help=f"Chromium to print with (default {CHROMIUM})"
    )
    args = parser.parse_args(argv)
    try:
        if args.command == "check":
            return run_check(args.config_file, args.release, args.quiet)
        if args.command == "serve":
            return serve(args.config_file, args.host, args.port, args.dirty)
        settings = read_settings(args.config_file)
        if args.command == "new":
            path = new_page(settings, args.title, args.path, settings.today)
            print(f"created {settings.shown(path)}: fill in each field, then run `make check`")
            return 0
        if args.command == "sign":
            path = sign_page(settings, args.page, args.reviewer, args.date or settings.today, args.next_review)
            print(f"signed {settings.shown(path)}: reviewed by {args.reviewer}")
            return 0
        if args.command == "review-status":
            # Changed files as every problem and page names them (git gives them relative to where the command runs).
            changed = (
                {settings.shown(Path(path)) for path in _changed_files(args.changed_since)}
                if args.changed_since
                else None
            )
            due = settings.today + timedelta(days=args.due_within) if args.due_within is not None else None
            found = check_build(args.config_file, release=False).problems if args.with_check else None
            rows = review_queue.queue(settings, changed=changed, due_by=due, found=found)
            others = review_queue.other_changes(settings, changed, rows, found) if changed is not None else ([], [])
            print(review_queue.format_rows(rows, args.format, settings, changed is not None, others))
            return 0
        if args.command == "published-urls":
            path = write_published(settings, docs_page_paths(settings))
            print(f"recorded the addresses of every page in {settings.shown(path)}: commit it with the release")
            return 0
        if args.command == "leaflets":
            return run_leaflets(settings.shown, args.site_dir or settings.site_dir, args.chromium)
        report = finish_site(settings, args.site_dir)
        _emit(report.warnings)
        if report.problems:
            _emit(report.problems)
            return 1
        print(f"finished {len(report.finished)} pages in {settings.shown(args.site_dir)}", file=sys.stderr)
        if report.cards is not None:
            print(report.cards, file=sys.stderr)
        return 0
    except ProblemsFound as error:
        _emit(error.problems)
        return 1


if __name__ == "__main__":
    sys.exit(main())

"""Editor commands: `check` the site, `new` page, `sign` a clinical review, `review-status`, `finish` a site.

Run from the repository: `python -m healthpages check` (or `make check`).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

from healthpages import review_queue
from healthpages.engines.mkdocs import check_build
from healthpages.finish import finish_site
from healthpages.problems import Problem, ProblemsFound
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
        ["git", "diff", "--name-only", f"{since}...HEAD"], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise ProblemsFound([Problem("git", 0, f"cannot compare with '{since}': {result.stderr.strip()}")])
    return {line.strip() for line in result.stdout.splitlines() if line.strip()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="healthpages", description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--config-file", "-f", type=Path, default=Path("mkdocs.yml"))
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="build every page strictly without publishing, and list the problems")
    check.add_argument("--release", action="store_true", help="also fail on drafts, overdue and changed pages")
    check.add_argument("--quiet", action="store_true", help="print problems only, not readability figures")
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
    finish = commands.add_parser("finish", help="finish a site another engine built from mkdocs.yml (Zensical)")
    finish.add_argument("site_dir", type=Path)
    args = parser.parse_args(argv)
    try:
        if args.command == "check":
            return run_check(args.config_file, args.release, args.quiet)
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
            changed = _changed_files(args.changed_since) if args.changed_since else None
            due = settings.today + timedelta(days=args.due_within) if args.due_within is not None else None
            rows = review_queue.queue(settings, changed=changed, due_by=due)
            print(review_queue.format_rows(rows, args.format, settings, changed is not None))
            return 0
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

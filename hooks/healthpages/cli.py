"""Editor commands: `check` every page without building, `new` page scaffold, `sign` a clinical review.

Run from the repository: `python -m healthpages check` (or `make check`).
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path

from healthpages.checks import CheckedPage, check_page, today_from
from healthpages.links import link_problems
from healthpages.page_model import CheckContext, TopicPage
from healthpages.problems import Problem, ProblemsFound
from healthpages.project import Project, find_project
from healthpages.readability import MAX_READING_AGE, measure
from healthpages.scaffold import new_page
from healthpages.signoff import sign_page
from healthpages.site_data import load_site_data


def _emit(problems: list[Problem]) -> None:
    annotate = os.environ.get("GITHUB_ACTIONS") == "true"
    for problem in problems:
        print(problem)
        if annotate:
            print(problem.github_annotation())


def run_check(project: Project, release: bool, quiet: bool = False) -> int:
    site = load_site_data(project.data_dir, project.root)
    today = today_from(project.today)
    paths = project.pages()
    texts = {p.relative_to(project.docs_dir).as_posix(): p.read_text(encoding="utf-8") for p in paths}
    context = CheckContext(site, today, frozenset(texts))
    problems: list[Problem] = []
    checked: dict[str, CheckedPage] = {}
    for src_path, text in texts.items():
        shown = project.shown(project.docs_dir / src_path)
        page = check_page(text, src_path, shown, context)
        checked[src_path] = page
        problems += page.problems
    bodies = {src: page.source.body if page.source else "" for src, page in checked.items()}
    for src_path, page in checked.items():
        if page.source is None:
            continue
        shown = project.shown(project.docs_dir / src_path)
        problems += link_problems(src_path, shown, page.source.body, page.source.body_first_line, bodies)
        score = measure(page.source.body)
        if not quiet:
            print(f"{shown}: readability: {score}")
        if isinstance(page.model, TopicPage):
            if score.reading_age > MAX_READING_AGE:
                problems.append(Problem(shown, page.source.body_first_line,
                                        f"reading age {score.reading_age:.1f} is above {MAX_READING_AGE:.0f}; use "
                                        "shorter sentences and everyday words", "readability"))
            if release:
                review = page.model.review
                if review.status == "draft":
                    problems.append(Problem(shown, page.source.front_matter.line_of(("review", "status")),
                                            "is a draft: a release needs a clinical sign-off (see `sign`)",
                                            "review.status"))
                elif review.is_overdue(today):
                    problems.append(Problem(shown, page.source.front_matter.line_of(("review", "next_review")),
                                            f"overdue for review since {review.next_review}", "review.next_review"))
    _emit(sorted(problems))
    count = len(problems)
    print(f"{len(texts)} pages checked, {count} problem{'s' if count != 1 else ''}", file=sys.stderr)
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="healthpages", description=__doc__.splitlines()[0])
    parser.add_argument("--config-file", "-f", type=Path, default=Path("mkdocs.yml"))
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="validate every page (front matter, FAQ, reviewers, dates, links)")
    check.add_argument("--release", action="store_true", help="also fail on drafts and pages overdue for review")
    check.add_argument("--quiet", action="store_true", help="print problems only, not readability figures")
    new = commands.add_parser("new", help="create a topic page with every field and a comment on each")
    new.add_argument("title")
    new.add_argument("--path", type=Path, help="file to create (default: docs/conditions/<slug>.md)")
    sign = commands.add_parser("sign", help="record a clinician's sign-off in a page's front matter")
    sign.add_argument("page", type=Path)
    sign.add_argument("--reviewer", required=True, help="an id from data/reviewers.yml")
    sign.add_argument("--date", type=date.fromisoformat, help="review date, YYYY-MM-DD (default: today)")
    sign.add_argument("--next-review", type=date.fromisoformat, help="default: 3 years after the review")
    args = parser.parse_args(argv)
    try:
        project = find_project(args.config_file)
        if args.command == "check":
            return run_check(project, args.release, args.quiet)
        if args.command == "new":
            path = new_page(project, args.title, args.path, today_from(project.today))
            print(f"created {project.shown(path)}: fill in each field, then run `make check`")
            return 0
        today = today_from(project.today)
        path = sign_page(project, args.page, args.reviewer, args.date or today, args.next_review, today)
        print(f"signed {project.shown(path)}: reviewed by {args.reviewer}")
        return 0
    except ProblemsFound as error:
        _emit(error.problems)
        return 1


if __name__ == "__main__":
    sys.exit(main())

"""`sign`: record a clinician's sign-off in one page's front matter, changing nothing else in the file.

Only the lines of the `review:` block are replaced; comments, key order, the other fields and the
body stay byte for byte as they were.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from healthpages.checks import check_page
from healthpages.page_model import REVIEW_INTERVAL_YEARS, CheckContext, years_after
from healthpages.problems import Problem, ProblemsFound
from healthpages.project import Project
from healthpages.site_data import load_site_data
from healthpages.source import read_page


def review_block(reviewer: str, reviewed: date, next_review: date, indent: str = "  ") -> list[str]:
    return ["review:", f"{indent}status: reviewed", f"{indent}reviewer: {reviewer}",
            f"{indent}reviewed: {reviewed.isoformat()}", f"{indent}next_review: {next_review.isoformat()}"]


def signed_text(text: str, shown: str, reviewer: str, reviewed: date, next_review: date | None) -> str:
    """The page's text with its review block replaced; raises ProblemsFound when it cannot be signed."""
    source = read_page(text, shown)
    if not source.has_front_matter:
        raise ProblemsFound([Problem(shown, 1, "the page has no front matter to sign")])
    next_review = next_review or years_after(reviewed, REVIEW_INTERVAL_YEARS)
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.split(newline)
    span = source.front_matter.key_span("review")
    if span is None:
        closing = source.body_first_line - 2  # index of the closing --- line
        lines[closing:closing] = review_block(reviewer, reviewed, next_review)
    else:
        first, last = span
        children = lines[first:last]
        indent = next((m.group(1) for line in children if (m := re.match(r"^(\s+)\S", line))), "  ")
        lines[first - 1:last] = review_block(reviewer, reviewed, next_review, indent)
    return newline.join(lines)


def sign_page(project: Project, page: Path, reviewer: str, reviewed: date, next_review: date | None,
              today: date) -> Path:
    path = page if page.is_absolute() else (Path.cwd() / page)
    shown = project.shown(path)
    if not path.is_file():
        raise ProblemsFound([Problem(shown, 0, "no such page")])
    site = load_site_data(project.data_dir, project.root)
    text = path.read_text(encoding="utf-8")
    new_text = signed_text(text, shown, reviewer, reviewed, next_review)
    # Check the signed page exactly as the build will, before anything is written.
    pages = frozenset(p.relative_to(project.docs_dir).as_posix() for p in project.pages())
    src_path = path.relative_to(project.docs_dir).as_posix() if path.is_relative_to(project.docs_dir) else path.name
    checked = check_page(new_text, src_path, shown, CheckContext(site, today, pages))
    review_problems = [p for p in checked.problems if p.field.startswith("review")]
    if review_problems:
        raise ProblemsFound(review_problems)
    with path.open("w", encoding="utf-8", newline="") as stream:
        stream.write(new_text)
    return path

"""The review queue: every medical page's review state, most urgent first (`healthpages review-status`).

It reads the pages' front matter without building the site, so it is quick enough for a scheduled
reminder and for a pull request's summary of the pages it changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from healthpages.finish import read_library
from healthpages.library import uk_date
from healthpages.page_model import TopicPage
from healthpages.problems import Problem
from healthpages.review import ReviewState, review_state
from healthpages.settings import SiteSettings


@dataclass(frozen=True)
class QueueRow:
    shown: str
    title: str
    state: ReviewState
    problems: tuple[Problem, ...] = ()

    @property
    def status(self) -> str:
        if self.state.status == "draft":
            return "draft, awaiting clinical review"
        if self.state.changed_since_review:
            return "changed since its last review"
        if self.state.overdue:
            return "overdue for review"
        return "reviewed"


@dataclass(frozen=True)
class ChangedPage:
    """A changed page that is not medical (no clinical review), with its problems."""

    shown: str
    title: str
    problems: tuple[Problem, ...] = ()


def queue(
    settings: SiteSettings,
    changed: set[str] | None = None,
    due_by: date | None = None,
    found: list[Problem] | None = None,
) -> list[QueueRow]:
    """Medical pages, most urgent first; `changed` (files as shown) limits them to those, `due_by` to pages needing
    action.

    `found` are the problems of a check (the strict build), listed with their pages; without it, only what
    the pages' front matter shows."""
    builder = read_library(settings)
    if found is not None:
        builder.problems = sorted(set(found))
    rows = []
    for record in builder.records.values():
        if changed is not None and record.shown not in changed:
            continue
        if not isinstance(record.model, TopicPage):
            continue
        state = review_state(record.model, record.source, builder.site, settings.today)
        if due_by is not None and state.is_current and (state.next_review or date.max) > due_by:
            continue
        problems = tuple(p for p in builder.problems if p.path == record.shown)
        rows.append(QueueRow(record.shown, record.title, state, problems))
    shown_problems = {p.path for p in builder.problems}
    for shown in sorted(changed or ()):  # changed pages whose front matter could not be read at all
        if shown.endswith(".md") and shown in shown_problems and not any(r.shown == shown for r in rows):
            rows.append(
                QueueRow(
                    shown,
                    "(cannot be read)",
                    ReviewState("draft"),
                    tuple(p for p in builder.problems if p.path == shown),
                )
            )
    return sorted(rows, key=lambda row: (row.state.urgency, row.shown))


def other_changes(
    settings: SiteSettings, changed: set[str], rows: list[QueueRow], found: list[Problem] | None = None
) -> tuple[list[ChangedPage], list[Problem]]:
    """The changed pages (files as shown) that are not medical, and the problems in changed files that are not
    pages (mkdocs.yml, data/), for a pull request's summary."""
    builder = read_library(settings)
    problems = sorted(set(found)) if found is not None else builder.problems
    listed = {row.shown for row in rows}
    pages = [
        ChangedPage(record.shown, record.title, tuple(p for p in problems if p.path == record.shown))
        for _, record in sorted(builder.records.items())
        if record.shown in changed and record.shown not in listed and not isinstance(record.model, TopicPage)
    ]
    page_paths = listed | {page.shown for page in pages}
    elsewhere = [p for p in problems if p.path in changed and p.path not in page_paths]
    return pages, elsewhere


def format_rows(
    rows: list[QueueRow],
    style: str,
    settings: SiteSettings,
    only_changed: bool,
    others: tuple[list[ChangedPage], list[Problem]] = ([], []),
) -> str:
    if style == "markdown":
        heading = "Medical pages changed by this pull request" if only_changed else "Review status of the medical pages"
        lines = [f"### {heading}", ""]
        if not rows:
            lines.append("No medical page is changed." if only_changed else "None.")
        else:
            lines += [
                "| Page | Status | Reviewer | Last reviewed | Next review due | Problems |",
                "| --- | --- | --- | --- | --- | --- |",
            ]
            for row in rows:
                reviewer = row.state.reviewer.name if row.state.reviewer else ""
                count = len(row.problems)
                lines.append(
                    f"| `{row.shown}` ({row.title}) | {row.status} | {reviewer} | "
                    f"{uk_date(row.state.reviewed)} | {uk_date(row.state.next_review)} | "
                    f"{f'{count} (listed below)' if count else 'none'} |"
                )
        pages, elsewhere = others
        if pages:
            lines += ["", "Other pages changed (no clinical review needed):", ""]
            lines += [
                f"- `{page.shown}` ({page.title}): "
                + (
                    f"{len(page.problems)} problem{'s' if len(page.problems) != 1 else ''}"
                    if page.problems
                    else "no problems"
                )
                for page in pages
            ]
        problems = [p for row in rows for p in row.problems] + [p for page in pages for p in page.problems] + elsewhere
        if problems:
            lines += ["", "Problems to fix before a clinician reviews these pages:", ""]
            lines += [f"- `{p}`" for p in problems]
        elif rows or pages:
            lines += ["", "No problems found in the changed pages."]
        return "\n".join(lines)
    if not rows:
        return "No medical page needs attention."
    width = max(len(row.shown) for row in rows)
    lines = []
    for row in rows:
        due = f", next review due {uk_date(row.state.next_review)}" if row.state.next_review else ""
        reviewed = (
            f", last reviewed {uk_date(row.state.reviewed)} by {row.state.reviewer.name}"
            if row.state.reviewed and row.state.reviewer
            else ""
        )
        lines.append(f"{row.shown.ljust(width)}  {row.status}{reviewed}{due}")
        lines += [f"    {p}" for p in row.problems]
    return "\n".join(lines)

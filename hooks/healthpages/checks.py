"""The checks every page goes through, shared by the build hook and the editor CLI."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from datetime import date

from healthpages.faq import SourceQuestion, scan_faq
from healthpages.page_model import CheckContext, Page, load_page
from healthpages.problems import Problem, ProblemsFound
from healthpages.source import PageSource, read_page

TODAY_VARIABLE = "HEALTHPAGES_TODAY"


def today_from(configured: str | date | None = None) -> date:
    """Today's date, overridable (config value, then environment) so tests never depend on the clock."""
    value = configured or os.environ.get(TODAY_VARIABLE)
    if isinstance(value, date):
        return value
    if value:
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            raise ProblemsFound([Problem(TODAY_VARIABLE, 0, f"'{value}' is not a date; use YYYY-MM-DD")]) from None
    return date.today()


@dataclass
class CheckedPage:
    source: PageSource | None
    model: Page | None
    faq: list[SourceQuestion]
    problems: list[Problem]


def check_page(text: str, src_path: str, shown_path: str, context: CheckContext,
               parsed: dict | None = None) -> CheckedPage:
    """Front matter and FAQ shape of one page; `shown_path` is the path problems are reported with.

    `parsed` is the front matter as MkDocs already parsed it, so the build does not parse it twice.
    """
    try:
        source = read_page(text, shown_path, parsed)
    except ProblemsFound as error:
        return CheckedPage(None, None, [], error.problems)
    problems: list[Problem] = []
    model = None
    try:
        model = load_page(source, dataclasses.replace(context, src_path=src_path))
    except ProblemsFound as error:
        problems += error.problems
    faq, faq_problems = scan_faq(source.body, source.body_first_line, shown_path)
    return CheckedPage(source, model, faq, sorted(problems + faq_problems))

"""`new "Title"`: a topic page with every field and a comment on each, ready for an editor to fill in.

Every piece of text the editor must replace starts with one of `PLACEHOLDERS`, and a page that still
holds one anywhere (front matter or body) is refused by the build and `check`, naming the field.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from pathlib import Path

from healthpages.front_matter import PageSource
from healthpages.page_model import SITE_PAGE_TYPES
from healthpages.problems import Problem, ProblemsFound, field_name
from healthpages.settings import SiteSettings
from healthpages.site_data import load_site_data

TEMPLATE = Path(__file__).with_name("templates") / "topic_page.md"
# The scaffold's stand-in texts all start with one of these.
PLACEHOLDERS = (
    "Replace with",
    "Write one plain sentence here",
    "One or two sentences that welcome",
    "A question a patient asks",
    "The answer in two to five sentences",
    "Organisation. Title of the",
)


def slugify(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-") or "new-page"


_PLACEHOLDER = re.compile("|".join(re.escape(marker) for marker in PLACEHOLDERS))


def placeholder_problems(source: PageSource) -> list[Problem]:
    """A problem for every stand-in text from the scaffold that the editor has not replaced."""
    problems = []
    for loc, node in source.front_matter.scalars():
        if _PLACEHOLDER.search(node.value):
            problems.append(
                Problem(
                    source.path,
                    node.start_mark.line + source.front_matter.first_line,
                    "still holds the text from the page template; write the page's own",
                    field_name(loc),
                )
            )
    if not _PLACEHOLDER.search(source.body):
        return problems
    for offset, line in enumerate(source.body.splitlines()):
        if _PLACEHOLDER.search(line):
            problems.append(
                Problem(
                    source.path,
                    source.body_first_line + offset,
                    "this line still holds the text from the page template; write the page's own",
                    "body",
                )
            )
    return problems


def new_page(settings: SiteSettings, title: str, path: Path | None, today: date) -> Path:
    target = path or settings.docs_dir / settings.topics_dir / f"{slugify(title)}.md"
    target = target if target.is_absolute() else Path.cwd() / target
    if target.exists():
        raise ProblemsFound([Problem(settings.shown(target), 1, "already exists; choose another title or --path")])
    quoted = title.replace("\\", "\\\\").replace('"', '\\"')
    clinic = load_site_data(settings.data_dir).practice.default_clinic  # the site's own, never another site's
    text = (
        TEMPLATE.read_text(encoding="utf-8")
        .replace("{{title}}", quoted)
        .replace("{{today}}", today.isoformat())
        .replace("{{clinic}}", clinic)
        .replace("{{site_page_types}}", f"{', '.join(SITE_PAGE_TYPES[:-1])} or {SITE_PAGE_TYPES[-1]}")
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target

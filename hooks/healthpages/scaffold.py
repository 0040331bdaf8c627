"""`new "Title"`: a topic page with every field and a comment on each, ready for an editor to fill in."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from pathlib import Path

from healthpages.problems import Problem, ProblemsFound
from healthpages.project import Project

TEMPLATE = Path(__file__).with_name("templates") / "topic_page.md"


def slugify(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-") or "new-page"


def new_page(project: Project, title: str, path: Path | None, today: date) -> Path:
    target = path or project.docs_dir / "conditions" / f"{slugify(title)}.md"
    target = target if target.is_absolute() else Path.cwd() / target
    if target.exists():
        raise ProblemsFound([Problem(project.shown(target), 1, "already exists; choose another title or --path")])
    quoted = title.replace("\\", "\\\\").replace('"', '\\"')
    text = TEMPLATE.read_text(encoding="utf-8").replace("{{title}}", quoted).replace("{{today}}", today.isoformat())
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target

"""One editor-facing problem: a file, a line, a field and what would be valid."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


def shown_path(path: Path) -> str:
    """A path as the editor sees it from where the command runs (usually the repository).

    Relative when the file is inside or beside the working folder (data/ beside a site's folder reads
    "../data/practice.yml"), absolute otherwise."""
    path = Path(os.path.abspath(path))  # absolute, with any ".." folded away
    cwd = Path.cwd().absolute()
    if cwd.parent != cwd and path.is_relative_to(cwd.parent):
        return Path(os.path.relpath(path, cwd)).as_posix()
    return path.as_posix()


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    message: str
    field: str = ""

    def __str__(self) -> str:
        where = f"{self.field}: " if self.field else ""
        return f"{self.path}:{self.line}: {where}{self.message}"

    def github_annotation(self) -> str:
        # GitHub workflow commands need %, CR and LF escaped in the message.
        where = f"{self.field}: " if self.field else ""
        text = f"{where}{self.message}".replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return f"::error file={self.path},line={max(self.line, 1)}::{text}"


class ProblemsFound(Exception):
    """Raised with every problem of a file, so an editor sees them all at once."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = sorted(problems)


def excerpt(value: object, limit: int = 60) -> str:
    """A value as shown in a message: on one line and cut short, so a huge value cannot flood the output."""
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def field_name(loc: tuple[str | int, ...]) -> str:
    """A value's place in the YAML as an editor reads it: key_points[2], review.reviewer."""
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int):
            parts[-1:] = [f"{parts[-1] if parts else ''}[{part + 1}]"]
        else:
            parts.append(part)
    return ".".join(parts)

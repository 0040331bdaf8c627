"""One editor-facing problem: a file, a line, a field and what would be valid."""

from __future__ import annotations

from dataclasses import dataclass


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
        text = str(self).split(": ", 1)[1] if ": " in str(self) else str(self)
        text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return f"::error file={self.path},line={self.line}::{text}"


class ProblemsFound(Exception):
    """Raised with every problem of a file, so an editor sees them all at once."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = sorted(problems)

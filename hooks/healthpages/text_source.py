"""Reading an editor's file as text: UTF-8 only, and no invisible or control characters.

A stray byte from another encoding, a NUL, a right-to-left override or a zero-width space is
reported with its line, never passed on to the site or turned into a traceback.
"""

from __future__ import annotations

import re
import unicodedata

from healthpages.problems import Problem, ProblemsFound

# Format characters that are legitimate in text: the soft hyphen.
_ALLOWED_FORMAT = {"\u00ad"}
_ALLOWED_CONTROL = {"\t", "\n", "\r"}
# Everything but printable ASCII, tab and newline: the only characters worth a closer look.
_UNUSUAL = re.compile(r"[^\t\n\x20-\x7e]")


def _line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def character_problem(char: str) -> str | None:
    """Why a character may not appear in a page or data file, or None when it may."""
    category = unicodedata.category(char)
    if category == "Cc" and char not in _ALLOWED_CONTROL:
        name = "a NUL byte" if char == "\0" else f"the control character U+{ord(char):04X}"
        return f"{name} is not allowed; delete it (it is invisible in most editors)"
    if category == "Cf" and char not in _ALLOWED_FORMAT:
        name = unicodedata.name(char, f"U+{ord(char):04X}").lower()
        return (
            f"the invisible character U+{ord(char):04X} ({name}) is not allowed: it can hide or reorder text; delete it"
        )
    return None


def decode(data: bytes, path: str) -> str:
    """The file's text with Windows line endings made plain; raises ProblemsFound for bad bytes or characters."""
    if data.startswith(b"\xef\xbb\xbf"):  # a byte-order mark: some editors add one; it means nothing here
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        byte = data[error.start : error.start + 1].hex()
        raise ProblemsFound(
            [
                Problem(
                    path,
                    line,
                    f"the file is not saved as UTF-8 (byte 0x{byte} on this line); "
                    "save it with the UTF-8 encoding in your editor",
                )
            ]
        ) from None
    text = text.replace("\r\n", "\n")
    problems = []
    for match in _UNUSUAL.finditer(text):
        reason = character_problem(match.group())
        if reason:
            problems.append(Problem(path, _line_of(text, match.start()), reason))
    if problems:
        raise ProblemsFound(problems)
    return text

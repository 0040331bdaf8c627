"""`sign`: record a clinician's sign-off in one page's front matter, changing nothing else in the file.

Only the values of the review block change (status, reviewer, reviewed, next_review, fingerprint);
comments, key order, line endings, the other fields and the body stay byte for byte. The new text
is checked exactly as the build will check it, then written atomically: to a temporary file in the
same folder, flushed to disk, then renamed over the page, so a full disk or an interruption can
never leave half a page behind.
"""

from __future__ import annotations

import os
import re
import tempfile
from datetime import date
from pathlib import Path

from healthpages.front_matter import split_page
from healthpages.library import LibraryBuilder, docs_page_paths
from healthpages.page_model import REVIEW_INTERVAL_YEARS, TopicPage, years_after
from healthpages.problems import Problem, ProblemsFound
from healthpages.review import content_fingerprint, reviewer_fit_problem
from healthpages.settings import SiteSettings
from healthpages.site_data import load_site_data
from healthpages.text_source import decode

_REVIEW_KEY = re.compile(
    r"^(?P<indent>[ \t]+)(?P<key>status|reviewer|reviewed|next_review|fingerprint):"
    r"(?P<value>[^#\r\n]*?)(?P<comment>[ \t]+#[^\r\n]*)?(?P<end>\r?\n|$)"
)


def signed_text(text: str, shown: str, reviewer: str, reviewed: date, next_review: date | None) -> str:
    """The page's text with its review block's values set; raises ProblemsFound when it cannot be signed."""
    newline = "\r\n" if "\r\n" in text else "\n"
    plain = text.replace("\r\n", "\n")
    source = split_page(plain, shown)
    values = {
        "status": "reviewed",
        "reviewer": reviewer,
        "reviewed": reviewed.isoformat(),
        "next_review": (next_review or years_after(reviewed, REVIEW_INTERVAL_YEARS)).isoformat(),
        "fingerprint": content_fingerprint(source),
    }
    lines = text.splitlines(keepends=True)
    span = source.front_matter.key_span("review")
    if span is None:
        closing = source.body_first_line - 2  # index of the closing --- line
        block = ["review:" + newline] + [f"  {key}: {value}{newline}" for key, value in values.items()]
        return "".join(lines[:closing] + block + lines[closing:])
    first, last = span
    if lines[first - 1].rstrip().removeprefix("review:").strip():  # review: {status: draft} on one line
        raise ProblemsFound(
            [
                Problem(
                    shown,
                    first,
                    "write the review block one field per line (review:, then "
                    "  status: draft) so that it can be signed",
                    "review",
                )
            ]
        )
    indent = "  "
    remaining = dict(values)
    for index in range(first, last):
        match = _REVIEW_KEY.match(lines[index])
        if match:
            indent = match.group("indent")
            key = match.group("key")
            comment = match.group("comment") or ""
            lines[index] = f"{indent}{key}: {remaining.pop(key)}{comment}{match.group('end')}"
    added = [f"{indent}{key}: {value}{newline}" for key, value in remaining.items()]
    if added and not lines[last - 1].endswith("\n"):
        lines[last - 1] += newline
    return "".join(lines[:last] + added + lines[last:])


def write_atomically(path: Path, text: str, shown: str) -> None:
    """Replace a file's content all at once, keeping its permissions; the original survives any failure."""
    # A file without write permission is read-only to its owner's intent, even for a user (root) who could write it.
    if not os.access(path, os.W_OK) or not path.stat().st_mode & 0o222:
        raise ProblemsFound(
            [
                Problem(
                    shown,
                    0,
                    "the file is read-only; make it writable (or sign it from a "
                    "checkout you can change) and run the command again",
                )
            ]
        )
    temporary = ""
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, path.stat().st_mode & 0o7777)
        os.replace(temporary, path)
    except OSError as error:
        if temporary:
            Path(temporary).unlink(missing_ok=True)
        raise ProblemsFound(
            [Problem(shown, 0, f"could not write the page ({error.strerror or error}); the page was not changed")]
        ) from None


def sign_page(settings: SiteSettings, page: Path, reviewer: str, reviewed: date, next_review: date | None) -> Path:
    path = page if page.is_absolute() else (Path.cwd() / page)
    shown = settings.shown(path)
    if not path.is_file():
        raise ProblemsFound([Problem(shown, 0, "no such page")])
    if not path.absolute().is_relative_to(settings.docs_dir):
        raise ProblemsFound([Problem(shown, 0, f"is not a page in {settings.shown(settings.docs_dir)}/")])
    site = load_site_data(settings.data_dir)
    data = path.read_bytes()
    decode(data, shown)  # bad bytes or characters are refused before anything else
    bom = "\ufeff" if data.startswith(b"\xef\xbb\xbf") else ""
    new_text = signed_text(data.decode("utf-8-sig"), shown, reviewer, reviewed, next_review)
    # Check the signed page exactly as the build will, before anything is written.
    src_path = path.absolute().relative_to(settings.docs_dir).as_posix()
    builder = LibraryBuilder(settings, site, docs_page_paths(settings))
    record = builder.read_page(src_path, new_text.replace("\r\n", "\n"))
    problems = [p for p in builder.problems if p.field.startswith("review") or p.field == ""]
    if record is None or problems:
        raise ProblemsFound(problems or builder.problems)
    if not isinstance(record.model, TopicPage):
        raise ProblemsFound([Problem(shown, 1, "only medical topic pages are signed")])
    fit = reviewer_fit_problem(record.model, record.source, site)
    if fit is not None:
        raise ProblemsFound([fit])
    write_atomically(path, bom + new_text, shown)
    return path

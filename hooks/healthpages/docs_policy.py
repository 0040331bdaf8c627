"""Which files in docs/ may be published: pages and the media they show, never code or links out of the folder.

Every file in docs/ is copied to the site as it is, so an editor's file there is published on the
site's own origin. Only Markdown pages and the asset types in `ALLOWED_SUFFIXES` may be there, and
no symbolic links (which could publish a file from outside the repository, such as a secret). The
site's own stylesheet, scripts and icons live in `overrides/`, which maintainers own.
"""

from __future__ import annotations

import os
from pathlib import Path

from healthpages.problems import Problem

ALLOWED_SUFFIXES = {".md", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".pdf"}


def docs_problems(docs_dir: Path, shown: str) -> list[Problem]:
    """A problem for each symbolic link and each file type that may not be published; never follows a link."""
    problems: list[Problem] = []
    for folder, directories, files in os.walk(docs_dir, followlinks=False):
        here = Path(folder)
        for name in sorted(directories):
            if (here / name).is_symlink():
                problems.append(
                    Problem(
                        _shown(shown, docs_dir, here / name),
                        1,
                        "symbolic links are not allowed in "
                        "docs/ (a link could publish files from outside the repository); put the "
                        "files themselves here",
                    )
                )
        directories[:] = sorted(d for d in directories if not d.startswith(".") and not (here / d).is_symlink())
        for name in sorted(files):
            path = here / name
            if name.startswith("."):
                continue  # hidden files are never published
            if path.is_symlink():
                problems.append(
                    Problem(
                        _shown(shown, docs_dir, path),
                        1,
                        "symbolic links are not allowed in docs/ "
                        "(a link could publish files from outside the repository); put the file "
                        "itself here",
                    )
                )
            elif path.suffix.lower() not in ALLOWED_SUFFIXES:
                allowed = ", ".join(sorted(ALLOWED_SUFFIXES))
                problems.append(
                    Problem(
                        _shown(shown, docs_dir, path),
                        1,
                        f"files of this type are not published "
                        f"from docs/ (allowed: {allowed}); the site's own styles and scripts live in "
                        "overrides/, which maintainers look after",
                    )
                )
    return problems


def _shown(shown_docs: str, docs_dir: Path, path: Path) -> str:
    return f"{shown_docs}/{path.relative_to(docs_dir).as_posix()}"

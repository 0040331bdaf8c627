"""Internal links between pages, checked without building: the target page and its anchor must exist."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from markdown.extensions.toc import slugify

from healthpages.faq import headings
from healthpages.page_model import resolve_path
from healthpages.problems import Problem

_LINK = re.compile(r"(?<!!)\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_EXPLICIT_ID = re.compile(r"\{[^}]*#([\w-]+)[^}]*\}\s*$")
_HTML_ID = re.compile(r"\bid=\"([^\"]+)\"")


def anchors(body: str, first_line: int = 1) -> set[str]:
    """Ids a page's headings get from `toc` (or an explicit {#id}), plus ids written in HTML."""
    found: set[str] = set()
    seen: dict[str, int] = {}
    for raw_line in body.splitlines():
        explicit = _EXPLICIT_ID.search(raw_line) if raw_line.startswith("#") else None
        if explicit:
            found.add(explicit.group(1))
    for _, text, _ in headings(body, first_line):
        slug = slugify(re.sub(r"[*_`]", "", text), "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        found.add(slug if count == 0 else f"{slug}_{count}")
    found.update(_HTML_ID.findall(body))
    return found


def link_problems(src_path: str, shown_path: str, body: str, first_line: int,
                  bodies: dict[str, str]) -> Iterable[Problem]:
    """Problems for links to missing pages or anchors; `bodies` maps docs paths to page bodies."""
    fence = False
    for offset, line in enumerate(body.splitlines()):
        if line.lstrip().startswith(("```", "~~~")):
            fence = not fence
        if fence:
            continue
        for match in _LINK.finditer(line):
            target = match.group(1)
            if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I) or target.startswith("//"):
                continue  # external (https:, mailto:, tel:)
            path_part, _, anchor = target.partition("#")
            lineno = first_line + offset
            if path_part.startswith("/"):
                yield Problem(shown_path, lineno, f"link '{target}' is absolute; link to the .md file relatively, "
                              "for example endometriosis.md", "link")
                continue
            resolved = resolve_path(src_path, path_part) if path_part else src_path
            if path_part and resolved not in bodies:
                if not path_part.endswith(".md"):
                    continue  # an image or a download: MkDocs checks those
                yield Problem(shown_path, lineno, f"link '{target}': no page {resolved} in docs/", "link")
                continue
            if anchor and anchor not in _anchors_of(bodies[resolved]):
                yield Problem(shown_path, lineno, f"link '{target}': {resolved} has no heading with the "
                              f"anchor #{anchor}", "link")


@lru_cache(maxsize=None)
def _anchors_of(body: str) -> frozenset[str]:
    return frozenset(anchors(body))

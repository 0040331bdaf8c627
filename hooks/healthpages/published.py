"""Stable addresses: a page address that has been published keeps working after a page is renamed or moved.

Leaflets, letters and other sites link to the pages, so an address must not simply disappear.
`published-urls.txt` (beside mkdocs.yml: a record of the releases, not of the practice, so not in data/)
lists every page address of the last release, one a line relative to the site (written by
`healthpages published-urls`, which a maintainer runs when a release is published). The
build (`check` too) refuses any listed address that the site no longer has unless `mkdocs.yml` redirects
it to a page (the mkdocs-redirects plugin's `redirect_maps`), and gives the line to add.
"""

from __future__ import annotations

import difflib
import posixpath
from pathlib import Path

from healthpages.problems import Problem
from healthpages.settings import SiteSettings
from healthpages.text_source import decode

PUBLISHED = "published-urls.txt"
_HEADER = (
    "# Every page address of the last release, relative to the site (written by `healthpages published-urls`).\n"
    "# The build refuses a listed address the site no longer has unless mkdocs.yml redirects it to a page.\n"
)


def read_published(path: Path, shown: str) -> list[tuple[int, str]]:
    """(line, address) of each published address; none when the site has never recorded a release."""
    if not path.is_file():
        return []
    lines = decode(path.read_bytes(), shown).splitlines()
    return [
        (number, line.strip().lstrip("/"))
        for number, line in enumerate(lines, start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]


def write_published(settings: SiteSettings, pages: frozenset[str]) -> Path:
    """Record the current pages' addresses as the published ones (run when a release is published)."""
    urls = sorted(settings.page_url(src_path) for src_path in pages)
    path = settings.root / PUBLISHED
    path.write_text(_HEADER + "".join(f"{url or '/'}\n" for url in urls), encoding="utf-8")
    return path


def _old_page(url: str) -> str:
    """The docs path an address came from, as mkdocs-redirects names it ("conditions/old/" -> conditions/old.md)."""
    if url in ("", "/"):
        return "index.md"
    if url.endswith(".html"):
        return url.removesuffix(".html") + ".md"
    return url.rstrip("/") + ".md"


def _likely_new_page(old: str, pages: frozenset[str], published_pages: set[str]) -> str:
    """The page an old address most likely became: a new page with a similar name in the same folder first."""
    new = sorted(pages - published_pages)
    for candidates in (
        [p for p in new if posixpath.dirname(p) == posixpath.dirname(old)],
        new,
        sorted(pages),
    ):
        match = difflib.get_close_matches(old, candidates, n=1, cutoff=0.3)
        if match:
            return match[0]
    folder_index = posixpath.join(posixpath.dirname(old), "index.md")
    return folder_index if folder_index in pages else "index.md"


def missing_redirects(
    settings: SiteSettings,
    pages: frozenset[str],
    redirects: dict[str, str] | None,
    config_line: int,
    indent: str = "        ",
) -> list[Problem]:
    """A problem for each published address the site no longer has and does not redirect.

    `pages` are the docs paths of this build; `redirects` is mkdocs.yml's redirect_maps (None when the
    redirects plugin is not configured); a redirect goes under `config_line` of mkdocs.yml, with `indent`.
    """
    list_file = settings.shown(settings.root / PUBLISHED)
    published = read_published(settings.root / PUBLISHED, list_file)
    current = {settings.page_url(src_path) for src_path in pages}
    redirected = {settings.page_url(old) for old in (redirects or {})}
    published_pages = {_old_page(url) for _, url in published}
    config_file = settings.shown(settings.config_file)
    problems = []
    for line, url in published:
        url = "" if url == "/" else url
        if url in current or url in redirected:
            continue
        old = _old_page(url)
        new = _likely_new_page(old, pages, published_pages)
        how = (
            f"add this line after line {config_line} of {config_file} (redirect_maps:, without its {{}} if it "
            f"has one): '{indent}{old}: {new}'"
            if redirects is not None
            else (
                f"add the redirects plugin to plugins: in {config_file} ('- redirects:', then "
                f"'    redirect_maps:', then '      {old}: {new}')"
            )
        )
        problems.append(
            Problem(
                config_file,
                config_line,
                f"the address '{url or '/'}' was published ({list_file} line {line}) but no page has it now, so links "
                f"to it in leaflets and letters would break; redirect it to the page that replaced it: {how}",
                "redirects",
            )
        )
    return problems

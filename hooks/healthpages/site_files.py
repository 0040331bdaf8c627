"""Files the product writes for the whole site: robots.txt, the `_headers` file and the sitemap's entries.

robots.txt is generated from the settings, never rendered from a file an editor could change. The
sitemap keeps only pages meant to be indexed, each dated by the same rule as its structured data.
`_headers` carries the site's security headers for hosts that read one (see `security_policy`).
"""

from __future__ import annotations

import re
from pathlib import Path

from healthpages.library import Library
from healthpages.security_policy import headers_file

_URL_ENTRY = re.compile(r"[ \t]*<url>\s*<loc>([^<]*)</loc>(.*?)</url>\n?", re.S)
_LASTMOD = re.compile(r"<lastmod>[^<]*</lastmod>")


def robots_txt(library: Library) -> str:
    return f"User-agent: *\nAllow: /\n\nSitemap: {library.settings.site_url}sitemap.xml\n"


def write_site_files(library: Library, site_dir: Path) -> None:
    """Write the files that are the product's, not any page's, once every page is written."""
    (site_dir / "robots.txt").write_text(robots_txt(library), encoding="utf-8")
    if library.settings.preview:
        return  # the live preview's pages carry no policy, and its server reads no _headers file
    urls = [result.record.url for result in library.results.values()]
    (site_dir / "_headers").write_text(headers_file(site_dir, urls), encoding="utf-8")


def rewrite_sitemap(xml: str, library: Library) -> str:
    """The engine's sitemap without the pages that are not to be indexed, each dated by its modified date."""
    by_url = {result.url: result for result in library.results.values()}

    def entry(match: re.Match[str]) -> str:
        result = by_url.get(match.group(1))
        if result is None:
            return match.group(0)
        if not result.indexable:
            return ""
        lastmod = f"<lastmod>{(result.modified or result.model.updated).isoformat()}</lastmod>"
        if _LASTMOD.search(match.group(0)):
            return _LASTMOD.sub(lastmod, match.group(0), count=1)
        return match.group(0).replace("</loc>", "</loc>\n" + " " * 8 + lastmod, 1)

    return _URL_ENTRY.sub(entry, xml)

"""Files the product writes for the whole site: robots.txt and the sitemap's entries.

robots.txt is generated from the settings, never rendered from a file an editor could change. The
sitemap keeps only pages meant to be indexed, each dated by the same rule as its structured data.
"""

from __future__ import annotations

import re

from healthpages.library import Library

_URL_ENTRY = re.compile(r"[ \t]*<url>\s*<loc>([^<]*)</loc>(.*?)</url>\n?", re.S)
_LASTMOD = re.compile(r"<lastmod>[^<]*</lastmod>")


def robots_txt(library: Library) -> str:
    return f"User-agent: *\nAllow: /\n\nSitemap: {library.settings.site_url}sitemap.xml\n"


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

"""Finishing a page: the product's blocks, head tags and title put into the HTML an engine wrote.

Whatever engine built the page (MkDocs, or Zensical followed by `healthpages finish`), the page's
content carries two empty slots made by the Markdown extension. `finish_page` fills them with the
blocks rendered from the page's `PageResult` by this package's own templates (autoescaped: escaping
happens here and only here), sets the language and the <title>, and adds the head tags and the
page's Content-Security-Policy (see `security_policy`). The changes are plain insertions at known
markers, so the rest of the theme's HTML is left untouched.
"""

from __future__ import annotations

import posixpath
import re
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from markupsafe import escape

from healthpages.content_policy import sanitize
from healthpages.library import Library, PageResult, uk_date
from healthpages.page_data import END_SLOT, TOP_SLOT
from healthpages.page_model import SitePage, TopicPage
from healthpages.security_policy import add_policy, inline_script_hashes

NOT_FOUND_SLOT = '<div data-health-slot="not-found"></div>'
_TITLE = re.compile(r"<title>.*?</title>", re.S)
_HTML_LANG = re.compile(r'(<html\b[^>]*\blang=")[^"]*(")')
# Material's search dialog when it has no accessible name (Zensical's has one already).
_UNNAMED_SEARCH_DIALOG = re.compile(
    r'<div class="md-search" data-md-component="search" role="dialog"(?![^>]*\baria-label=)'
)
# Material's logo image: the link around it already carries the site's name, so the image is decorative.
_THEME_LOGO = re.compile(r'(<img src="[^"]*" )alt="logo">')


def relative_url(target: str, current: str) -> str:
    """A site-relative URL (`conditions/x/`) as a link from the page at `current`, as MkDocs writes links."""
    path, _, anchor = target.partition("#")
    base = posixpath.dirname(current.rstrip("/") + "/x") if current else "."
    relative = posixpath.relpath(path or current or ".", base or ".")
    if relative == ".":
        relative = "./"
    elif path.endswith("/") and not relative.endswith("/"):
        relative += "/"
    return f"{relative}#{anchor}" if anchor else relative


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("healthpages", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["uk_date"] = lambda day: uk_date(day) if isinstance(day, date) else ""

    @pass_context
    def page_link(context: Context, url: str) -> str:
        return relative_url(url, context["result"].record.url if context.get("result") else "")

    @pass_context
    def docs_link(context: Context, docs_path: str) -> str:
        library: Library = context["library"]
        target, _, anchor = docs_path.partition("#")
        url = library.settings.page_url(target) + (f"#{anchor}" if anchor else "")
        return page_link(context, url)

    @pass_context
    def site_link(context: Context, url: str) -> str:
        """An address from the root of the site, for pages that can be served from any address (404)."""
        library: Library = context["library"]
        return urlsplit(library.settings.site_url).path + url

    env.filters["page_link"] = page_link
    env.filters["docs_link"] = docs_link
    env.filters["site_link"] = site_link
    return env


_ENV = _environment()


def render_block(name: str, library: Library, result: PageResult | None = None) -> str:
    context: dict[str, Any] = {"library": library, "settings": library.settings, "site": library.site, "result": result}
    return _ENV.get_template(f"blocks/{name}.html").render(context).strip()


def _blocks(library: Library, result: PageResult) -> tuple[str, str]:
    """The blocks that go at the top and at the end of a page's content."""
    model = result.model
    if isinstance(model, TopicPage):
        return render_block("topic_top", library, result), render_block("topic_end", library, result)
    assert isinstance(model, SitePage)
    top = render_block("home_top", library, result) if model.page_type == "home" else ""
    end_blocks = {"index": "index_end", "experts": "experts_end", "contact": "contact_end"}
    end = render_block(end_blocks[model.page_type], library, result) if model.page_type in end_blocks else ""
    return top, end


def finish_content(content: str) -> str:
    """The content of a page as the engine converted it, made safe: the sanitiser is the second line."""
    return sanitize(content)


def finish_page(html: str, library: Library, result: PageResult) -> str:
    """The page's final HTML: blocks in their slots, language, title, head tags and the page's policy."""
    start, position = html.find(TOP_SLOT), html.rfind(END_SLOT)
    # Only the theme's own scripts are allowed to run: a script inside the page's content (which the
    # content policy and the sanitiser keep out) would get no hash, and the browser would refuse it.
    theme = html[:start] + html[position:] if 0 <= start < position else html
    scripts = inline_script_hashes(theme)
    top, end = _blocks(library, result)
    if len(result.breadcrumb) > 1:
        # Above the page's title, where readers look for it: before the <h1> that precedes the top slot.
        slot = html.find(TOP_SLOT)
        heading = html.rfind("<h1", 0, slot) if slot >= 0 else -1
        crumbs = render_block("breadcrumb", library, result)
        if heading >= 0:
            html = html[:heading] + crumbs + "\n" + html[heading:]
        else:
            top = crumbs + "\n" + top
    html = html.replace(TOP_SLOT, top, 1)
    position = html.rfind(END_SLOT)
    if position >= 0:
        html = html[:position] + end + html[position + len(END_SLOT) :]
    return _finish_document(html, library, result.title_tag, render_block("head", library, result), scripts)


def finish_not_found(html: str, library: Library) -> str:
    """The 404 page: the topics to choose from instead, and never indexed."""
    scripts = inline_script_hashes(html)  # all the theme's: the page's content is the product's own template
    html = html.replace(NOT_FOUND_SLOT, render_block("not_found", library), 1)
    title = f"Page not found - {library.settings.site_name}"
    return _finish_document(html, library, title, '<meta name="robots" content="noindex">', scripts)


def _finish_document(html: str, library: Library, title: str, head: str, scripts: list[str]) -> str:
    html = _HTML_LANG.sub(lambda m: f"{m.group(1)}{library.settings.language}{m.group(2)}", html, count=1)
    html = _TITLE.sub(lambda _: f"<title>{escape(title)}</title>", html, count=1)
    # Name the search dialog once (axe: aria-dialog-name).
    html = _UNNAMED_SEARCH_DIALOG.sub(lambda m: m.group(0) + ' aria-label="Search"', html, count=1)
    html = _THEME_LOGO.sub(lambda m: m.group(1) + 'alt="">', html)
    html = html.replace("</head>", head + "\n</head>", 1)
    return html if library.settings.preview else add_policy(html, scripts)

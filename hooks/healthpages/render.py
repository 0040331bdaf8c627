"""Finishing a page: the product's blocks, head tags and title put into the HTML an engine wrote.

Whatever engine built the page (MkDocs, or Zensical followed by `healthpages finish`), the page's
content carries two empty slots made by the Markdown extension. `finish_page` fills them with the
blocks rendered from the page's `PageResult` by this package's own templates (autoescaped: escaping
happens here and only here), sets the language and the <title>, and adds the head tags and the
page's Content-Security-Policy (see `security_policy`). The changes are plain insertions at known
markers, so the rest of the theme's HTML is left untouched, except for what readers of the theme's
page need fixed (`_theme_fixes`): the skip link lands on the page's title, only real navigation is a
navigation landmark, the header's menu and search buttons can be reached with the keyboard, and the
product's small script replaces two costly parts of the theme's.
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
from healthpages.leaflets import leaflet_file, qr_png
from healthpages.library import Library, PageResult, uk_date
from healthpages.page_data import END_SLOT, TOP_SLOT
from healthpages.page_model import SitePage, TopicPage
from healthpages.security_policy import add_policy, inline_script_hashes
from healthpages.template_cache import compiled_templates

NOT_FOUND_SLOT = '<div data-health-slot="not-found"></div>'
_TITLE = re.compile(r"<title>.*?</title>", re.S)
_HTML_LANG = re.compile(r'(<html\b[^>]*\blang=")[^"]*(")')
# Material's search dialog when it has no accessible name (Zensical's has one already).
_UNNAMED_SEARCH_DIALOG = re.compile(
    r'<div class="md-search" data-md-component="search" role="dialog"(?![^>]*\baria-label=)'
)
# Material's logo image: the link around it already carries the site's name, so the image is decorative.
_THEME_LOGO = re.compile(r'(<img src="[^"]*" )alt="logo">')
_SKIP = re.compile(r'(<div data-md-component="skip">).*?(</div>)', re.S)
_SKIP_TEXT = re.compile(r'<a href="[^"]*" class="md-skip">\s*(.*?)\s*</a>', re.S)
_ARTICLE = '<article class="md-content__inner md-typeset">'
_H1 = re.compile(r"<h1\b([^>]*)>")
_ID = re.compile(r'\bid="([^"]*)"')
_NAV = re.compile(r"<nav\b([^>]*)>|</nav>")
_NAMING = re.compile(r'\s(?:aria-label|aria-labelledby|aria-expanded)="[^"]*"')
_PALETTE_FIRST = re.compile(r'(<input class="md-option"[^>]*id="__palette_0">\s*)(<label [^>]*) hidden>')
_BUNDLE = re.compile(r'<script src="([^"]*assets/javascripts/)bundle\.[0-9a-f]+\.min\.js"></script>')
# The header's menu and search buttons are <label>s for hidden checkboxes, which the keyboard cannot reach.
_HEADER_BUTTONS = {
    '<label class="md-header__button md-icon" for="__drawer">': "Menu",
    '<label class="md-header__button md-icon" for="__search">': "Search",
}


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
        auto_reload=False,  # the product's code, read once per process like its Python: no file checks per page
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
    env.filters["qr_png"] = qr_png
    env.filters["leaflet_file"] = lambda result: leaflet_file(result.record.url)
    env.bytecode_cache = compiled_templates(env)  # compiled once, not in every process: after the filters are set
    return env


_ENV = _environment()


def render_block(name: str, library: Library, result: PageResult | None = None) -> str:
    context: dict[str, Any] = {"library": library, "settings": library.settings, "site": library.site, "result": result}
    return _ENV.get_template(f"blocks/{name}.html").render(context).strip()


def render_template(name: str, **context: Any) -> str:
    """A page of the product's own (the live preview's error page), from templates/ with the same escaping."""
    return _ENV.get_template(name).render(context)


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
    html = _page_heading(html, result.model.title)
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
    html = _theme_fixes(html)
    html = html.replace("</head>", head + "\n</head>", 1)
    return html if library.settings.preview else add_policy(html, scripts)


def _theme_fixes(html: str) -> str:
    """What the theme's own page gets wrong for readers, put right where the theme leaves a known marker."""
    # Name the search dialog once (axe: aria-dialog-name; Zensical's has a name already).
    html = _UNNAMED_SEARCH_DIALOG.sub(lambda m: m.group(0) + ' aria-label="Search"', html, count=1)
    html = _THEME_LOGO.sub(lambda m: m.group(1) + 'alt="">', html)
    html = _skip_to_title(html)
    html = _navigation_landmarks(html)
    for label, name in _HEADER_BUTTONS.items():
        # A button inside the label: a tap on it still works the label's checkbox (without any script too);
        # the product's script presses it on Enter and Space. (A label itself may not be given a button's role.)
        start = html.find(label)
        end = html.find("</label>", start) if start >= 0 else -1
        if end >= 0:
            inner = html[start + len(label) : end]
            button = f'<span class="health-header-button" role="button" tabindex="0" aria-label="{name}">'
            html = html[: start + len(label)] + button + inner.strip() + "</span>" + html[end:]
    # The product's script switches the colour scheme instead of Material's, which restyles the whole page
    # twice on every load; the header's second title (the page's, on scroll) is hidden by health.css, so
    # Material need not watch the page for it.
    html = html.replace('data-md-component="palette"', "data-health-palette", 1)
    # The first scheme's switch is shown from the start (the script may swap it for the other scheme's, of the
    # same size): shown only by the script, it would push the header's title onto a second line after the
    # page is drawn, and the whole page down with it.
    html = _PALETTE_FIRST.sub(
        lambda m: m.group(1).replace(' id="__palette_0"', ' id="__palette_0" checked') + m.group(2) + ">", html, count=1
    )
    html = html.replace(' data-md-component="header-title"', "", 1)
    return _BUNDLE.sub(lambda m: f'<script src="{m.group(1)}health.js"></script>\n      {m.group(0)}', html, count=1)


def _page_heading(html: str, title: str) -> str:
    """The page's heading says the page's own title (a navigation entry's short name, such as "Home", is for
    the menu)."""
    start = html.find(_ARTICLE)
    heading = _H1.search(html, start) if start >= 0 else None
    end = html.find("</h1>", heading.end()) if heading else -1
    if heading is None or end < 0 or "<" in html[heading.end() : end]:
        return html
    return html[: heading.end()] + str(escape(title)) + html[end:]


def _skip_to_title(html: str) -> str:
    """A skip link on every page, to the page's title (Material's goes to the first section, past the title,
    the summary and the key points, and pages without a table of contents have none)."""
    start = html.find(_ARTICLE)
    heading = _H1.search(html, start) if start >= 0 else None
    if heading is None or _SKIP.search(html) is None:
        return html
    found = _ID.search(heading.group(1))
    anchor = found.group(1) if found else "page-title"
    if not found:
        while f'id="{anchor}"' in html:
            anchor += "-"
        html = html[: heading.start()] + f'<h1 id="{anchor}" tabindex="-1"{heading.group(1)}>' + html[heading.end() :]
    elif "tabindex=" not in heading.group(1):
        html = html[: heading.start()] + f'<h1 tabindex="-1"{heading.group(1)}>' + html[heading.end() :]
    skip = _SKIP.search(html)
    assert skip is not None
    existing = _SKIP_TEXT.search(skip.group(0))
    text = existing.group(1) if existing else "Skip to content"
    link = f'{skip.group(1)}\n      <a href="#{anchor}" class="md-skip">{text}</a>\n    {skip.group(2)}'
    return html[: skip.start()] + link + html[skip.end() :]


def _navigation_landmarks(html: str) -> str:
    """Only the site's navigation, the page's table of contents and the product's own lists of links stay
    navigation landmarks. A <nav> inside another (a section of the menu, a sub-list of the table of contents,
    the search form's options) and the header's layout <nav> become plain containers; the menu's sections keep
    their label and open state as groups, which Material's script updates."""
    parts: list[str] = []
    position = 0
    stack: list[str] = []  # the closing tag of each open <nav>, as it is written out
    for match in _NAV.finditer(html):
        parts.append(html[position : match.start()])
        position = match.end()
        if match.group(0) == "</nav>":
            parts.append(stack.pop() if stack else "</nav>")
            continue
        attributes = match.group(1)
        if not stack and "md-header__inner" not in attributes:
            parts.append(match.group(0))
            stack.append("</nav>")
        elif "aria-labelledby=" in attributes or "aria-expanded=" in attributes:
            parts.append(f'<div role="group"{attributes}>')
            stack.append("</div>")
        else:
            parts.append(f"<div{_NAMING.sub('', attributes)}>")
            stack.append("</div>")
    parts.append(html[position:])
    return "".join(parts)

"""MkDocs hooks of the health library: validate each page once, then hand its data to the templates.

Data flows one way: front matter + Markdown -> one validated page model -> `page.meta["health"]`
-> Jinja partials in `overrides/` -> HTML and one JSON-LD graph. These hooks compute; the
templates render.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import Environment
from markupsafe import escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page

from healthpages.checks import check_page, today_from
from healthpages.faq import FaqExtension, read_rendered_faq
from healthpages.page_model import CheckContext, TopicPage
from healthpages.page_view import Library, make_view
from healthpages.problems import Problem, ProblemsFound
from healthpages.references import ReferencesExtension
from healthpages.site_data import SiteData, load_site_data
from healthpages.tables import ResponsiveTablesExtension
from healthpages.structured_data import Crumb, SiteGraph, build_page_graph, build_site_graph

log = logging.getLogger("mkdocs.plugins.health_library")


class _Build:
    """State of one build; replaced in on_config because `mkdocs serve` keeps hook modules loaded."""

    def __init__(self, config: MkDocsConfig, site: SiteData, today: date, release: bool) -> None:
        self.root = Path(config.config_file_path).resolve().parent
        # Problems name files as an editor sees them from where the command runs (the repository).
        docs = Path(config.docs_dir).resolve()
        cwd = Path.cwd().resolve()
        self.docs_prefix = docs.relative_to(cwd).as_posix() if docs.is_relative_to(cwd) else docs.as_posix()
        self.site = site
        self.today = today
        self.release = release
        self.context = CheckContext(site, today)
        self.problems: list[Problem] = []
        self.library = Library()
        self.graph: SiteGraph | None = None

    def shown(self, src_path: str) -> str:
        return f"{self.docs_prefix}/{src_path}"


_build: _Build | None = None


def _settings(config: MkDocsConfig) -> dict[str, Any]:
    return dict(config.extra.get("health_library") or {})


def _fail(problems: list[Problem]) -> PluginError:
    for problem in problems:
        log.error(str(problem))
    count = len(problems)
    return PluginError(f"{count} problem{'s' if count != 1 else ''} in the pages or data (listed above); "
                       "run `make check` for the same list without building")


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global _build
    settings = _settings(config)
    root = Path(config.config_file_path).resolve().parent
    try:
        site = load_site_data(root / settings.get("data_dir", "data"), root)
        today = today_from(settings.get("today"))
    except ProblemsFound as error:
        raise _fail(error.problems) from None
    _build = _Build(config, site, today, bool(settings.get("release")))
    for extension in (FaqExtension, ReferencesExtension, ResponsiveTablesExtension):
        if not any(isinstance(ext, extension) for ext in config.markdown_extensions):
            config.markdown_extensions.append(extension())
    return config


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    pages = frozenset(f.src_uri for f in files.documentation_pages())
    _build.context = CheckContext(_build.site, _build.today, pages)
    return files


def on_nav(nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
    _build.library.nav_order = [page.file.src_uri for page in nav.pages]
    return nav


def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
    checked = check_page(page.file.content_string, page.file.src_uri, _build.shown(page.file.src_uri),
                         _build.context, parsed=page.meta)
    if checked.problems:
        _build.problems += checked.problems
        return None
    model = checked.model
    view = make_view(model, page.file.src_uri, markdown, _build.site, _build.today)
    page.meta["health"] = view
    # MkDocs and Material print these two unescaped; the model keeps the raw text for the JSON-LD.
    page.meta["title"] = str(escape(model.title))
    page.meta["description"] = str(escape(model.description))
    # The sitemap's lastmod is the page's own date, never the build date.
    dates = [model.updated]
    if isinstance(model, TopicPage) and model.review.reviewed:
        dates.append(model.review.reviewed)
    page.update_date = max(dates).isoformat()
    _build.library.add(page, view)
    return None


def on_page_content(html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
    view = page.meta.get("health")
    if view is not None:
        view.faq = read_rendered_faq(html, page.canonical_url or page.abs_url or "")
    return None


def on_env(env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
    # `mkdocs serve --dirty` reads only the edited pages; read the others' sources (without
    # rendering them) so titles, related topics and the A to Z stay complete.
    for file in files.documentation_pages():
        page = file.page
        if page is not None and page.markdown is None:
            page.read_source(config)
            on_page_markdown(page.markdown, page=page, config=config, files=files)
    if _build.problems:
        raise _fail(sorted(_build.problems))
    _build.library.resolve_related()
    env.globals["health_library"] = _build.library
    env.globals["health_site"] = _build.site
    env.filters["uk_date"] = uk_date
    site_url = (config.site_url or "http://127.0.0.1:8000/").rstrip("/") + "/"

    def site_path(path: str) -> str:
        """A docs path with an optional #anchor, as a URL path relative to the site root."""
        target, _, anchor = path.partition("#")
        file = files.get_file_from_path(target)
        url = file.url if file else ""
        return f"{url}#{anchor}" if anchor else url

    _build.graph = build_site_graph(_build.site, site_url, config.site_name, lambda p: site_url + site_path(p))
    for entry in _build.library.topics:
        review = entry.view.review
        if review.reviewer is not None:
            review.reviewer_url = site_path(review.reviewer.profile)
    _report_review_state(config)
    return env


def _report_review_state(config: MkDocsConfig) -> None:
    overdue, drafts = [], []
    for entry in _build.library.topics:
        review = entry.view.review
        shown = _build.shown(entry.view.src_path)
        if review.overdue:
            overdue.append(shown)
            log.warning(f"{shown}: overdue for review: next review was due {uk_date(review.next_review)}")
        elif review.status == "draft":
            drafts.append(shown)
    if _build.release and (overdue or drafts):
        lines = [f"{path}: draft, not clinically reviewed" for path in drafts]
        lines += [f"{path}: overdue for review" for path in overdue]
        for line in lines:
            log.error(line)
        raise PluginError(f"release build refused: {len(lines)} medical page(s) are drafts or overdue (listed above)")


def on_page_context(context: dict[str, Any], *, page: Page, config: MkDocsConfig, nav: Navigation) -> dict[str, Any]:
    view = page.meta.get("health")
    if view is None or _build.graph is None:
        return context
    url = page.canonical_url or page.abs_url
    reviewer = view.review.reviewer if view.review else None
    reviewer_url = _build.graph.site_url + view.review.reviewer_url if reviewer is not None else None
    view.jsonld = build_page_graph(_build.graph, view.model, url, _breadcrumb(page, nav, config),
                                   view.faq, reviewer, reviewer_url)
    return context


def _breadcrumb(page: Page, nav: Navigation, config: MkDocsConfig) -> list[Crumb]:
    """Home, each section that has its own index page, then the page: the navigation's path."""
    site_url = (config.site_url or "").rstrip("/") + "/"
    crumbs = [Crumb(config.site_name, site_url)]
    if page.is_homepage:
        return crumbs
    for ancestor in reversed(page.ancestors):
        if isinstance(ancestor, Section) and ancestor.children:
            first = ancestor.children[0]
            if isinstance(first, Page) and first.file.name == "index" and first is not page:
                crumbs.append(Crumb(ancestor.title, first.canonical_url or first.abs_url))
    crumbs.append(Crumb(page.meta.get("health").model.title, page.canonical_url or page.abs_url))
    return crumbs


def uk_date(day: date | None) -> str:
    """21 November 2026: the date format UK readers expect."""
    return f"{day.day} {day:%B %Y}" if day else ""

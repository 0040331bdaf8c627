"""The pipeline of one build, whatever engine converts the Markdown.

Pages are read and validated as the engine reaches them (`read_page`), the conversion's findings are
added (`add_conversion`), and once every page is known `complete` checks what spans pages (related
topics, profiles, release rules) and computes each page's immutable `PageResult`: everything its
blocks, head tags and structured data need. Problems are collected, never raised one at a time, so
an editor sees them all at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from types import MappingProxyType

from healthpages import scaffold, spelling
from healthpages.front_matter import PageSource, source_problems, split_page
from healthpages.page_data import ConversionData, FaqEntry, Heading
from healthpages.page_model import CheckContext, Page, SitePage, TopicPage, is_prose, load_page, resolve_path
from healthpages.problems import Problem, ProblemsFound, field_name
from healthpages.readability import MAX_READING_AGE, Readability
from healthpages.review import ReviewState, release_problems, review_state, reviewer_fit_problem
from healthpages.settings import NavEntry, SiteSettings
from healthpages.site_data import Clinic, Disclaimer, Practitioner, SiteData
from healthpages.structured_data import Crumb, SiteGraph, build_site_graph, page_graph
from healthpages.text_source import decode


@dataclass(frozen=True)
class PageRecord:
    """A page read and validated."""

    src_path: str
    shown: str
    url: str  # relative to the site root, as the engine writes it
    source: PageSource
    model: Page

    @property
    def title(self) -> str:
        return self.model.title


@dataclass(frozen=True)
class Link:
    title: str
    url: str  # relative to the site root


@dataclass(frozen=True)
class PageResult:
    """Everything a finished page shows and tells crawlers, computed once."""

    record: PageRecord
    url: str  # absolute
    title_tag: str
    readability: Readability
    review: ReviewState | None = None
    disclaimers: tuple[Disclaimer, ...] = ()
    clinic: Clinic | None = None
    practitioner: Practitioner | None = None
    related: tuple[Link, ...] = ()
    faq: tuple[FaqEntry, ...] = ()
    headings: tuple[Heading, ...] = ()
    breadcrumb: tuple[Crumb, ...] = ()
    modified: date | None = None
    indexable: bool = True
    jsonld: Mapping[str, object] = field(default_factory=dict)

    @property
    def model(self) -> Page:
        return self.record.model

    @property
    def is_medical(self) -> bool:
        return isinstance(self.record.model, TopicPage)

    @property
    def reading_minutes(self) -> int:
        return self.readability.reading_minutes


@dataclass(frozen=True)
class Library:
    """Every page of the build, finished: for the blocks that list pages (home, A to Z, 404) and each page."""

    settings: SiteSettings
    site: SiteData
    graph: SiteGraph
    results: Mapping[str, PageResult]  # by docs path
    topics: tuple[PageResult, ...]  # topic pages in navigation order, the lead topic first

    @property
    def a_to_z(self) -> list[tuple[str, list[PageResult]]]:
        groups: dict[str, list[PageResult]] = {}
        for result in sorted(self.topics, key=lambda r: r.model.title.lower()):
            groups.setdefault(result.model.title[:1].upper(), []).append(result)
        return list(groups.items())

    def absolute(self, url: str) -> str:
        return self.settings.site_url + url


def title_tag(title: str, site_name: str, is_home: bool) -> str:
    """The page's <title>: the page, then the site when both fit in the 60 characters search results show."""
    if is_home:
        return site_name
    combined = f"{title} - {site_name}"
    return combined if len(combined) <= 60 else title


class LibraryBuilder:
    """Collects one build's pages and problems; `complete` turns them into a `Library`."""

    def __init__(self, settings: SiteSettings, site: SiteData, pages: frozenset[str]) -> None:
        self.settings = settings
        self.site = site
        self.pages = pages  # every page's docs path, for links between pages
        self.records: dict[str, PageRecord] = {}
        self.conversions: dict[str, ConversionData] = {}
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self.notices: list[Problem] = []  # listed by `check`, never fail a build
        self.nav: tuple[NavEntry, ...] = ()
        self.word_list = settings.shown(settings.data_dir / spelling.WORD_LIST)
        try:
            self.accepted_words = spelling.load_word_list(settings.data_dir, self.word_list)
        except ProblemsFound as error:
            self.problems += error.problems
            self.accepted_words = frozenset()

    # -- reading ---------------------------------------------------------------------------------------

    def read_bytes(self, src_path: str, data: bytes) -> PageRecord | None:
        shown = self.settings.shown_page(src_path)
        try:
            return self.read_page(src_path, decode(data, shown))
        except ProblemsFound as error:
            self.problems += error.problems
            return None

    def read_page(self, src_path: str, text: str) -> PageRecord | None:
        """Validate one page's front matter; its problems are kept for the end of the build."""
        shown = self.settings.shown_page(src_path)
        self.records.pop(src_path, None)
        try:
            source = split_page(text, shown)
        except ProblemsFound as error:
            self.problems += error.problems
            return None
        # What YAML read differently from what the editor meant is listed even when the page is otherwise valid.
        self.problems += source_problems(source.front_matter, shown, is_prose)
        try:
            context = CheckContext(self.site, self.settings.today, self.pages)
            model = load_page(source, src_path, self.settings.topics_dir, context)
        except ProblemsFound as error:
            self.problems += error.problems
            return None
        self.problems += scaffold.placeholder_problems(source)
        for loc, node in source.front_matter.scalars():
            if is_prose(loc):
                line = node.start_mark.line + source.front_matter.first_line
                self.problems += spelling.problems_in(
                    node.value, shown, line, field_name(loc), self.accepted_words, self.word_list
                )
        record = PageRecord(src_path, shown, self.settings.page_url(src_path), source, model)
        self.records[src_path] = record
        return record

    def add_conversion(self, src_path: str, data: ConversionData | None) -> None:
        """What the Markdown conversion found: problems in the body are reported at their file line."""
        record = self.records.get(src_path)
        if record is None or data is None:
            return
        self.conversions[src_path] = data
        for problem in data.problems:
            line = record.source.body_first_line + problem.line - 1
            self.problems.append(Problem(record.shown, line, problem.message, problem.field))
        for found in data.spelling:
            if found.word.lower() not in self.accepted_words:
                line = record.source.body_first_line + found.line - 1
                text = spelling.message(
                    spelling.Misspelling(found.word, found.suggestion, found.american), self.word_list
                )
                self.problems.append(Problem(record.shown, line, text, "spelling"))
        model = record.model
        if isinstance(model, TopicPage) and data.reading_age > MAX_READING_AGE:
            self.problems.append(
                Problem(
                    record.shown,
                    record.source.body_first_line,
                    f"reading age {data.reading_age:.1f} is above {MAX_READING_AGE:.0f}; use "
                    "shorter sentences and everyday words",
                    "readability",
                )
            )
        if isinstance(model, SitePage) and data.faq and model.page_type != "home":
            self.problems.append(
                Problem(
                    record.shown,
                    record.source.body_first_line,
                    f"an FAQ belongs on a medical page; medical pages live in docs/{self.settings.topics_dir}/",
                    "FAQ",
                )
            )

    # -- completing ------------------------------------------------------------------------------------

    def complete(self) -> Library:
        site, settings = self.site, self.settings
        graph = build_site_graph(
            site, settings.site_url, settings.site_name, lambda path: settings.site_url + self._url_of(path)
        )
        self._check_profiles()
        order = self._nav_order()
        results: dict[str, PageResult] = {}
        for src_path, record in self.records.items():
            results[src_path] = self._result(record, graph)
        topics = tuple(
            sorted(
                (r for r in results.values() if r.is_medical),
                key=lambda r: (order.get(r.record.src_path, len(order)), r.record.src_path),
            )
        )
        return Library(settings, site, graph, MappingProxyType(results), topics)

    def _url_of(self, path: str) -> str:
        """A docs path with an optional #anchor, as a URL relative to the site root."""
        target, _, anchor = path.partition("#")
        url = self.settings.page_url(target)
        return f"{url}#{anchor}" if anchor else url

    def _check_profiles(self) -> None:
        data_file = self.settings.shown(self.settings.data_dir / "reviewers.yml")
        for reviewer in self.site.reviewers.values():
            target = reviewer.profile.partition("#")[0]
            if target not in self.pages:
                self.problems.append(
                    Problem(
                        data_file,
                        1,
                        f"reviewer '{reviewer.id}': profile '{reviewer.profile}' "
                        "is not a page in docs/; give the page and the #anchor of the profile",
                        "profile",
                    )
                )

    def _nav_order(self) -> dict[str, int]:
        order: dict[str, int] = {}

        def walk(entries: tuple[NavEntry, ...]) -> None:
            for entry in entries:
                if entry.path:
                    order.setdefault(entry.path, len(order))
                walk(entry.children)

        walk(self.nav)
        return order

    def _breadcrumb(self, record: PageRecord) -> tuple[Crumb, ...]:
        """Home, each section that has its own index page, then the page: the navigation's path to it."""
        home = Crumb(self.settings.site_name, self.settings.site_url)
        if record.url == "":
            return (home,)

        def path_to(entries: tuple[NavEntry, ...], trail: tuple[NavEntry, ...]) -> tuple[NavEntry, ...] | None:
            for entry in entries:
                if entry.path == record.src_path:
                    return trail
                found = path_to(entry.children, (*trail, entry))
                if found is not None:
                    return found
            return None

        crumbs = [home]
        for section in path_to(self.nav, ()) or ():
            index = section.children[0].path if section.children else None
            if index and index.endswith("index.md") and index != record.src_path and index in self.records:
                crumbs.append(
                    Crumb(
                        section.title or self.records[index].title,
                        self.settings.site_url + self.settings.page_url(index),
                    )
                )
        crumbs.append(Crumb(record.title, self.settings.site_url + record.url))
        return tuple(crumbs)

    def _result(self, record: PageRecord, graph: SiteGraph) -> PageResult:
        settings = self.settings
        model = record.model
        conversion = self.conversions.get(record.src_path, ConversionData())
        result = PageResult(
            record=record,
            url=settings.site_url + record.url,
            title_tag=title_tag(model.title, settings.site_name, record.url == ""),
            readability=Readability(conversion.words, conversion.flesch_reading_ease, conversion.reading_age),
            faq=conversion.faq,
            headings=conversion.headings,
            breadcrumb=self._breadcrumb(record),
            modified=model.updated,
        )
        if isinstance(model, TopicPage):
            result = self._topic_result(result, model)
        return replace(result, jsonld=page_graph(graph, result))

    def _topic_result(self, result: PageResult, model: TopicPage) -> PageResult:
        settings, site, record = self.settings, self.site, result.record
        state = review_state(model, record.source, site, settings.today)
        if state.overdue and state.next_review is not None and not settings.release:
            self.warnings.append(
                Problem(
                    record.shown,
                    record.source.front_matter.line_of(("review", "next_review")),
                    f"overdue for review: next review was due {uk_date(state.next_review)}",
                    "review.next_review",
                )
            )
        if state.changed_since_review:
            self.notices.append(
                Problem(
                    record.shown,
                    record.source.front_matter.line_of(("review",)),
                    "changed since its last review: the page says so until a clinician signs it again",
                    "review",
                )
            )
        if settings.release:
            self.problems += release_problems(record.source, state)
        fit = reviewer_fit_problem(model, record.source, site)
        if fit is not None:
            self.problems.append(fit)
        disclaimers = [site.disclaimers.general]
        if model.disclaimer != "general":
            disclaimers.append(site.disclaimers.variants[model.disclaimer])
        clinic_id = site.practice.default_clinic if model.clinic is None else model.clinic_id
        clinic = site.clinics[clinic_id] if clinic_id else None
        related = tuple(
            Link(self.records[path].title, self.records[path].url)
            for path in (resolve_path(record.src_path, item) for item in model.related)
            if path in self.records
        )
        return replace(
            result,
            review=state,
            disclaimers=tuple(disclaimers),
            clinic=clinic,
            practitioner=site.practitioners[clinic.practitioner] if clinic else None,
            related=related,
            modified=max(model.updated, state.reviewed) if state.reviewed else model.updated,
            indexable=state.status == "reviewed" or settings.index_drafts,
        )


def uk_date(day: date | None) -> str:
    """21 November 2026: the date format UK readers expect."""
    return f"{day.day} {day:%B %Y}" if day else ""


def docs_page_paths(settings: SiteSettings) -> frozenset[str]:
    """Every Markdown page in docs/, as docs paths (for commands that run without an engine)."""
    return frozenset(
        p.relative_to(settings.docs_dir).as_posix() for p in settings.docs_dir.rglob("*.md") if not p.is_symlink()
    )

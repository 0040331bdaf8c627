"""The pipeline of one build, whatever engine converts the Markdown.

Pages are read and validated as the engine reaches them (`read_page`), the conversion's findings are
added (`add_conversion`), and once every page is known `complete` checks what spans pages (related
topics, profiles, release rules) and computes each page's immutable `PageResult`: everything its
blocks, head tags and structured data need. Problems are collected, never raised one at a time, so
an editor sees them all at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from types import MappingProxyType

from healthpages import scaffold, spelling
from healthpages.front_matter import PageSource, source_problems, split_page
from healthpages.page_data import ConversionData, FaqEntry, Heading
from healthpages.page_model import CheckContext, Page, SitePage, TopicPage, is_prose, load_page, resolve_path
from healthpages.problems import Problem, ProblemsFound, excerpt, field_name
from healthpages.readability import MAX_READING_AGE, Readability
from healthpages.review import ReviewState, release_problems, review_state, reviewer_fit_problem
from healthpages.settings import NavEntry, SiteSettings
from healthpages.site_data import Clinic, ContactPlan, Disclaimer, Practitioner, SiteData
from healthpages.social_cards import CARD_SIZE, Card, card_alt, card_path, host_of
from healthpages.structured_data import Author, Crumb, PageImage, SiteGraph, build_site_graph, page_graph
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
    contact: ContactPlan | None = None
    related: tuple[Link, ...] = ()
    faq: tuple[FaqEntry, ...] = ()
    headings: tuple[Heading, ...] = ()
    breadcrumb: tuple[Crumb, ...] = ()
    modified: date | None = None  # the later of updated and reviewed: JSON-LD, Open Graph and sitemap
    indexable: bool = True
    author: Author | None = None  # medical pages: who wrote the page
    image: PageImage | None = None  # the page's social card
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

    @cached_property
    def _site_pages(self) -> Mapping[str, PageResult]:
        """The first page of each kind in docs/ path order (as `LibraryBuilder._policy_page` chooses the policy
        for the JSON-LD), found once: every topic page links to the editorial policy."""
        pages: dict[str, PageResult] = {}
        for _, result in sorted(self.results.items()):
            pages.setdefault(result.model.page_type, result)
        return MappingProxyType(pages)

    def page_of_type(self, page_type: str) -> PageResult | None:
        """The site page of a kind (the editorial policy, the contact page), if the site has one."""
        return self._site_pages.get(page_type)

    def absolute(self, url: str) -> str:
        return self.settings.site_url + url

    def cards(self) -> list[Card]:
        """Every page's social card, to be drawn into the built site."""
        return page_cards([result.record for result in self.results.values()], self.settings)


def page_cards(records: Iterable[PageRecord], settings: SiteSettings) -> list[Card]:
    """The social card of each page: known once its front matter is read (see `PageResult.image`)."""
    host = host_of(settings.site_url)
    return [Card(card_path(record.url), record.model.title, settings.site_name, host) for record in records]


TITLE_LIMIT = 60  # characters of a title that search results show


def title_tag(title: str, site_name: str, is_home: bool) -> str:
    """The page's <title>: the page, then the site when both fit in the 60 characters search results show."""
    if is_home:
        return site_name
    combined = f"{title} - {site_name}"
    return combined if len(combined) <= TITLE_LIMIT else title


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
        self._trails: dict[str, tuple[NavEntry, ...]] = {}  # from the navigation, when the library is completed
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
        # The body lines the engine left out before converting (blank lines at its start), if any.
        skipped = max(0, len(record.source.body.split("\n")) - data.source_lines) if data.source_lines else 0

        def file_line(body_line: int) -> int:
            return record.source.body_first_line + skipped + body_line - 1

        for problem in data.problems:
            self.problems.append(Problem(record.shown, file_line(problem.line), problem.message, problem.field))
        for found in data.spelling:
            if found.word.lower() not in self.accepted_words:
                text = spelling.message(found, self.word_list)
                self.problems.append(Problem(record.shown, file_line(found.line), text, "spelling"))
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
        policy = self._policy_page()
        graph = build_site_graph(
            site,
            settings,
            lambda path: settings.site_url + self._url_of(path),
            settings.site_url + self.records[policy].url if policy else None,
        )
        self._check_profiles()
        self._trails = self._nav_trails()
        order = {path: number for number, path in enumerate(self._trails)}
        results: dict[str, PageResult] = {}
        for src_path, record in self.records.items():
            results[src_path] = self._result(record, graph, policy)
        self._check_titles(results)
        topics = tuple(
            sorted(
                (r for r in results.values() if r.is_medical),
                key=lambda r: (order.get(r.record.src_path, len(order)), r.record.src_path),
            )
        )
        return Library(settings, site, graph, MappingProxyType(results), topics)

    def _policy_page(self) -> str | None:
        """The editorial policy page (page_type: policy): how pages are written, sourced and reviewed."""
        pages = sorted(
            path for path, r in self.records.items() if isinstance(r.model, SitePage) and r.model.page_type == "policy"
        )
        return pages[0] if pages else None

    def _check_titles(self, results: dict[str, PageResult]) -> None:
        """Every <title> fits in search results and names one page only."""
        seen: dict[str, PageResult] = {}
        for src_path in sorted(results):
            result = results[src_path]
            record = result.record
            line = record.source.front_matter.line_of(("short_title",) if record.model.short_title else ("title",))
            if len(result.title_tag) > TITLE_LIMIT:
                self.problems.append(
                    Problem(
                        record.shown,
                        line,
                        f"'{result.title_tag}' is {len(result.title_tag)} characters; search results show "
                        f"{TITLE_LIMIT}: add short_title: with a title of at most {TITLE_LIMIT} characters",
                        "short_title" if record.model.short_title else "title",
                    )
                )
            other = seen.setdefault(result.title_tag, result)
            if other is not result:
                self.problems.append(
                    Problem(
                        record.shown,
                        line,
                        f"'{result.title_tag}' is also the title of {other.record.shown}; give each page its own "
                        "title (or short_title)",
                        "short_title" if record.model.short_title else "title",
                    )
                )

    def _url_of(self, path: str) -> str:
        """A docs path with an optional #anchor, as a URL relative to the site root."""
        target, _, anchor = path.partition("#")
        url = self.settings.page_url(target)
        return f"{url}#{anchor}" if anchor else url

    def _check_profiles(self) -> None:
        """Every `profile:` in the data files names a page of the site and, when given, an anchor on it; every
        practitioner's photo is a file in docs/."""
        practice_file = self.settings.shown(self.settings.data_dir / "practice.yml")
        for person in self.site.practice.practitioners:
            if person.image and not (self.settings.docs_dir / person.image).is_file():
                self.problems.append(
                    Problem(
                        practice_file,
                        1,
                        f"practitioner '{person.id}': image '{person.image}' is not a file in docs/; give the path "
                        "of the photo from docs/, for example assets/photo.jpg",
                        "image",
                    )
                )
        for link in self.site.profile_links:
            target, _, anchor = link.target.partition("#")
            if target not in self.pages:
                self.problems.append(
                    Problem(
                        link.path,
                        link.line,
                        f"{link.person}: profile '{excerpt(link.target)}' is not a page in docs/; give the page "
                        "and the #anchor of the profile, for example our-medical-experts.md#dr-jane-doe",
                        link.field,
                    )
                )
                continue
            anchors = self._anchors(target)
            if anchor and anchors is not None and anchor not in anchors:
                known = ", ".join(f"#{a}" for a in sorted(anchors)[:8]) or "none"
                self.problems.append(
                    Problem(
                        link.path,
                        link.line,
                        f"{link.person}: profile '{excerpt(link.target)}': the page has no heading or profile with "
                        f"the anchor #{excerpt(anchor, 40)}; anchors on the page: {known}",
                        link.field,
                    )
                )

    def _anchors(self, src_path: str) -> set[str] | None:
        """The anchors a page will have (None when its conversion is not known, as in `sign`): its headings, and
        on the experts page the practitioners' profiles its block renders."""
        record, conversion = self.records.get(src_path), self.conversions.get(src_path)
        if record is None or conversion is None:
            return None
        anchors = {heading.anchor for heading in conversion.headings if heading.anchor}
        if isinstance(record.model, SitePage) and record.model.page_type == "experts":
            anchors |= {person.anchor for person in self.site.practice.practitioners}
        return anchors

    def _nav_trails(self) -> dict[str, tuple[NavEntry, ...]]:
        """Each page in the navigation, in its order, with the sections above it (its first place, if several)."""
        trails: dict[str, tuple[NavEntry, ...]] = {}

        def walk(entries: tuple[NavEntry, ...], trail: tuple[NavEntry, ...]) -> None:
            for entry in entries:
                if entry.path:
                    trails.setdefault(entry.path, trail)
                walk(entry.children, (*trail, entry))

        walk(self.nav, ())
        return trails

    def _breadcrumb(self, record: PageRecord) -> tuple[Crumb, ...]:
        """Home, each section that has its own index page, then the page: the navigation's path to it."""
        home = Crumb("Home", self.settings.site_url)
        if record.url == "":
            return (home,)

        crumbs = [home]
        for section in self._trails.get(record.src_path, ()):
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

    def _result(self, record: PageRecord, graph: SiteGraph, policy: str | None) -> PageResult:
        settings = self.settings
        model = record.model
        conversion = self.conversions.get(record.src_path, ConversionData())
        result = PageResult(
            record=record,
            url=settings.site_url + record.url,
            title_tag=title_tag(model.short_title or model.title, settings.site_name, record.url == ""),
            readability=Readability(conversion.words, conversion.flesch_reading_ease, conversion.reading_age),
            faq=conversion.faq,
            headings=conversion.headings,
            breadcrumb=self._breadcrumb(record),
            modified=model.updated,
            image=PageImage(card_path(record.url), card_alt(model.title, settings.site_name), *CARD_SIZE),
        )
        if isinstance(model, TopicPage):
            result = self._topic_result(result, model, policy)
        return replace(result, jsonld=page_graph(graph, result))

    def _author(self, model: TopicPage, policy: str | None) -> Author:
        """Who wrote a medical page: the practitioner it names, or the practice's editorial team."""
        practice = self.site.practice
        if model.author is not None:
            person = self.site.practitioners[model.author]
            return Author(f"{person.display_name}, {person.job_title}", self._url_of(person.profile), person.id)
        return Author(f"{practice.editorial_team}, {practice.name}", self.records[policy].url if policy else "", None)

    def _topic_result(self, result: PageResult, model: TopicPage, policy: str | None) -> PageResult:
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
        if state.changed_since_review and not settings.release:
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
            contact=site.contact.pregnancy if model.is_pregnancy_page else site.contact.general,
            practitioner=site.practitioners[clinic.practitioner] if clinic else None,
            related=related,
            modified=max(model.updated, state.reviewed) if state.reviewed else model.updated,
            indexable=state.status == "reviewed" or settings.index_drafts,
            author=self._author(model, policy),
        )


def uk_date(day: date | None) -> str:
    """21 November 2026: the date format UK readers expect."""
    return f"{day.day} {day:%B %Y}" if day else ""


def docs_page_paths(settings: SiteSettings) -> frozenset[str]:
    """Every Markdown page in docs/, as docs paths (for commands that run without an engine).

    As the engines see docs/: hidden files and folders (a name starting with ".") are left out, and so
    are symbolic links, which the build refuses (`docs_policy`)."""
    found = set()
    for path in settings.docs_dir.rglob("*.md"):
        relative = path.relative_to(settings.docs_dir)
        if not path.is_symlink() and not any(part.startswith(".") for part in relative.parts):
            found.add(relative.as_posix())
    return frozenset(found)

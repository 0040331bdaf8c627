"""MkDocs as one engine for the product: its build events handed to the engine-neutral core.

The hooks file (`hooks/health_library.py`) calls one method of `MkDocsBuild` per event. Everything
here is about MkDocs: its configuration and navigation objects, its log messages (translated into
problems with a file and a line) and its build entry point for `healthpages check`.
"""

from __future__ import annotations

import logging
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, ConfigurationError, PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Link, Navigation, Section
from mkdocs.structure.pages import Page

from healthpages.docs_policy import docs_problems
from healthpages.library import Library, LibraryBuilder
from healthpages.page_data import take_page_data
from healthpages.problems import Problem, ProblemsFound
from healthpages.render import finish_content, finish_not_found, finish_page
from healthpages.settings import NavEntry, SiteSettings, settings_from
from healthpages.site_data import load_site_data
from healthpages.site_files import rewrite_sitemap, write_site_files
from healthpages.social_cards import write_cards
from healthpages.text_source import decode

log = logging.getLogger("mkdocs.plugins.health_library")
# Figures `healthpages check` prints; outside MkDocs' loggers, whose DEBUG level would change what MkDocs checks.
figures = logging.getLogger("healthpages.figures")
EXTENSION = "healthpages.extension"


def settings_from_config(config: MkDocsConfig) -> SiteSettings:
    values = {
        "site_name": config.site_name,
        "site_url": config.site_url,
        "docs_dir": config.docs_dir,
        "site_dir": config.site_dir,
        "use_directory_urls": config.use_directory_urls,
        "extra": config.extra,
    }
    return settings_from(Path(config.config_file_path or "mkdocs.yml").absolute(), values, None)


def nav_entries(items: list[Any]) -> tuple[NavEntry, ...]:
    entries = []
    for item in items:
        if isinstance(item, Section):
            entries.append(NavEntry(item.title, children=nav_entries(item.children)))
        elif isinstance(item, Page):
            entries.append(NavEntry(None, path=item.file.src_uri))
        elif isinstance(item, Link):
            entries.append(NavEntry(item.title, url=item.url))
    return tuple(entries)


def report(problems: list[Problem], level: int = logging.ERROR) -> None:
    for problem in sorted(problems):
        log.log(level, str(problem), extra={"problem": problem})


SUMMARY_END = "run `make check` for the same list without building"


def failure(problems: list[Problem], what: str = "in the pages or data") -> PluginError:
    report(problems)
    count = len(problems)
    return PluginError(f"{count} problem{'s' if count != 1 else ''} {what} (listed above); {SUMMARY_END}")


@dataclass
class _Translator(logging.Filter):
    """Turns MkDocs' own validation messages (links, anchors, images, navigation) into file:line problems."""

    build: MkDocsBuild
    removed: set[str] = field(default_factory=set)  # pages left out of the build because they could not be read

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.INFO or hasattr(record, "problem"):
            return True
        message = record.getMessage()
        problems = self.build.translate(message, self.removed)
        if problems is None:
            return True
        if not problems:
            return False  # already reported in another form
        record.msg, record.args = "\n".join(str(p) for p in problems), ()
        record.problem = problems[0]
        record.problems = problems
        return True


class MkDocsBuild:
    """One MkDocs build (or one rebuild of `mkdocs serve`): state lives here, logic in the core."""

    _translator: _Translator | None = None  # installed on MkDocs' logger for the current build

    def __init__(self, config: MkDocsConfig, *, preview: bool = False) -> None:
        self.config = config
        self.settings = replace(settings_from_config(config), preview=preview)
        try:
            self.site = load_site_data(self.settings.data_dir)
        except ProblemsFound as error:
            raise failure(error.problems, "in the data files") from None
        if EXTENSION not in config.markdown_extensions:
            config.markdown_extensions.append(EXTENSION)
        self.builder = LibraryBuilder(self.settings, self.site, frozenset())
        self.library: Library | None = None
        self.texts: dict[str, str] = {}  # each page's text, to find the line of a problem MkDocs reports
        self._install_translator()

    def _install_translator(self) -> None:
        """Translate MkDocs' messages for this build (and no longer for the one before, under `mkdocs serve`)."""
        loggers = [logging.getLogger(name) for name in ("mkdocs.structure.pages", "mkdocs.structure.nav")]
        handlers = logging.getLogger("mkdocs").handlers
        old = MkDocsBuild._translator
        if old is not None:
            for target in [*loggers, *handlers]:
                target.removeFilter(old)
        translator = MkDocsBuild._translator = _Translator(self)
        # A logger's filters see its own records; the handlers' filters see the messages of every child logger
        # (MkDocs counts warnings for --strict in a handler, so it counts the translated messages).
        for target in [*loggers, *handlers]:
            target.addFilter(translator)

    # -- events ----------------------------------------------------------------------------------------

    def pre_build(self) -> None:
        problems = docs_problems(self.settings.docs_dir, self.settings.shown(self.settings.docs_dir))
        if problems:
            raise failure(problems, "in docs/")

    def files(self, files: Files) -> Files:
        """Read every page's front matter first, so that pages can refer to each other (and dirty rebuilds work)."""
        pages = list(files.documentation_pages())
        self.builder.pages = frozenset(file.src_uri for file in pages)
        for file in pages:
            shown = self.settings.shown_page(file.src_uri)
            try:
                text = decode(Path(file.abs_src_path or "").read_bytes(), shown)
            except ProblemsFound as error:
                # Not text MkDocs could read either: leave it out of the build and report it with the others.
                self.builder.problems += error.problems
                files.remove(file)
                assert MkDocsBuild._translator is not None
                MkDocsBuild._translator.removed.add(file.src_uri)
                continue
            self.texts[file.src_uri] = text
            self.builder.read_page(file.src_uri, text)
        return files

    def nav(self, nav: Navigation) -> Navigation:
        self.builder.nav = nav_entries(nav.items)
        # A section with more pages than the limit is shown as a link to its own index page (the A to Z),
        # so every page renders a navigation of the same size however many topics the library has.
        limit = self.settings.nav_section_limit
        for item in nav.items:
            if isinstance(item, Section) and len(item.children) > limit:
                first = item.children[0]
                if isinstance(first, Page) and first.is_index:
                    item.children = [first]
        return nav

    def page_content(self, html: str, page: Page) -> str:
        html, data = take_page_data(html)
        self.builder.add_conversion(page.file.src_uri, data)
        # MkDocs and the theme read some front matter themselves, the template first of all. A page is
        # always rendered with the product's template; a page whose front matter was refused is rendered
        # with none of it (its problems fail the build at the end), so no value can crash the rendering.
        if page.file.src_uri not in self.builder.records:
            page.meta = {}
        page.meta.pop("template", None)
        return finish_content(html)

    def complete(self, files: Files) -> None:
        # `mkdocs serve --dirty` reads only the edited pages. Our own data for the others comes from `files`;
        # MkDocs' page objects need their sources read too, or the theme's navigation shows them as "None".
        for file in files.documentation_pages():
            if file.page is not None and file.page.markdown is None:
                file.page.read_source(self.config)
        self.library = self.builder.complete()
        for result in self.library.results.values():
            figures.debug("readability", extra={"readability": (result.record.shown, result.readability)})
        # Problems are listed now but stop the build only at its end, after MkDocs has checked every link and
        # anchor too, so that an editor sees every problem at once.
        report(self.builder.problems)
        report(self.builder.warnings, logging.WARNING)
        report(self.builder.notices, logging.INFO)

    def post_page(self, output: str, page: Page) -> str:
        assert self.library is not None
        result = self.library.results.get(page.file.src_uri)
        return finish_page(output, self.library, result) if result else output

    def post_template(self, output: str, template_name: str) -> str:
        assert self.library is not None
        if template_name == "404.html":
            return finish_not_found(output, self.library)
        if template_name == "sitemap.xml":
            return rewrite_sitemap(output, self.library)
        return output

    def post_build(self) -> None:
        assert self.library is not None
        write_site_files(self.library, self.settings.site_dir)
        if not self.builder.problems:
            log.info(str(write_cards(self.library.cards(), self.settings.site_dir)))
        if self.builder.problems:
            count = len(self.builder.problems)
            raise PluginError(
                f"{count} problem{'s' if count != 1 else ''} in the pages or data (listed above); {SUMMARY_END}"
            )

    # -- MkDocs' messages as problems ------------------------------------------------------------------

    def translate(self, message: str, removed: set[str]) -> list[Problem] | None:
        """MkDocs' message as problems with a file and line; None for messages that are not about content."""
        match = re.match(
            r"Doc file '([^']+)' contains (?:an? (?:absolute |unrecognized relative )?link) '([^']+)'"
            r"(?:, but (.*))?",
            message,
            re.S,
        )
        if match:
            src_path, target, detail = match.groups()
            return [self._link_problem(src_path, target, detail or message)]
        match = re.match(
            r"The following pages exist in the docs directory, but are not included in the \"nav\" "
            r"configuration:\n(.*)",
            message,
            re.S,
        )
        if match:
            paths = [line.strip().removeprefix("- ") for line in match.group(1).splitlines() if line.strip()]
            return [self._omitted_problem(path) for path in paths]
        match = re.match(
            r"A reference to '([^']+)' is included in the 'nav' configuration, which is not found", message
        )
        if match:
            if match.group(1) in removed:
                return []
            return [
                Problem(
                    self.settings.shown(self.settings.config_file),
                    self._nav_line(match.group(1)),
                    f"the navigation lists '{match.group(1)}', which is not a page in docs/; check the "
                    "spelling, or remove the line",
                    "nav",
                )
            ]
        return None

    def _source_line(self, src_path: str, needle: str) -> int:
        """The first line of the page that holds `needle` after its front matter (0 when none does)."""
        lines = self.texts.get(src_path, "").splitlines()
        closing = next((i for i, line in enumerate(lines[1:], start=1) if line.strip() in ("---", "...")), 0)
        for number, line in enumerate(lines[closing + 1 :], start=closing + 2):
            if needle in line:
                return number
        return 0

    def _link_problem(self, src_path: str, target: str, detail: str) -> Problem:
        shown = self.settings.shown_page(src_path)
        line = self._source_line(src_path, f"({target}") or self._source_line(src_path, target) or 1
        anchor = re.search(r"does not contain an anchor '#([^']+)'", detail)
        if anchor:
            message = f"link '{target}': the page has no heading with the anchor #{anchor.group(1)}"
        elif "no such anchor on this page" in detail:
            message = f"link '{target}': this page has no heading with that anchor"
        elif "absolute link" in detail:
            message = f"link '{target}' is absolute; link to the .md file relatively, for example endometriosis.md"
        elif target.lower().endswith((".png", ".jpg", ".jpeg", ".gif", ".webp", ".pdf")):
            message = f"'{target}': there is no such file in docs/; check the name and folder of the file"
        else:
            suggestion = re.search(r"Did you mean '([^']+)'\?", detail)
            hint = f"; did you mean '{suggestion.group(1)}'?" if suggestion else "; link to the .md file of a page"
            message = f"link '{target}': there is no such page in docs/{hint}"
        return Problem(shown, line, message, "link")

    def _omitted_problem(self, src_path: str) -> Problem:
        shown = self.settings.shown_page(src_path)
        folder = src_path.rpartition("/")[0]
        config_file = self.settings.shown(self.settings.config_file)
        sibling_line = self._nav_line_of_folder(folder)
        where = f" after line {sibling_line}" if sibling_line else ""
        return Problem(
            shown,
            1,
            f"the page is not in the site's navigation; add the line '- {src_path}' to nav: in {config_file}{where}",
            "nav",
        )

    def _nav_text(self) -> list[str]:
        try:
            return self.settings.config_file.read_text(encoding="utf-8").splitlines()
        except OSError:
            return []

    def _nav_line(self, path: str) -> int:
        for number, line in enumerate(self._nav_text(), start=1):
            if path in line:
                return number
        return 1

    def _nav_line_of_folder(self, folder: str) -> int:
        found = 0
        for number, line in enumerate(self._nav_text(), start=1):
            if re.search(rf"[\s:]{re.escape(folder + '/') if folder else ''}[^/\s]+\.md\s*$", line):
                found = number
        return found


# -- `healthpages check`: the build itself, into a folder that is thrown away ------------------------------


@dataclass
class BuildReport:
    problems: list[Problem] = field(default_factory=list)
    notices: list[Problem] = field(default_factory=list)  # listed, but they do not fail the check
    readability: list[tuple[str, Any]] = field(default_factory=list)
    pages: int = 0
    other: list[str] = field(default_factory=list)  # messages from MkDocs that are not about a page


class _Collector(logging.Handler):
    def __init__(self, report: BuildReport) -> None:
        super().__init__(logging.DEBUG)
        self.report = report

    def emit(self, record: logging.LogRecord) -> None:
        problems = getattr(record, "problems", None) or ([record.problem] if hasattr(record, "problem") else [])
        if problems and record.levelno >= logging.WARNING:
            self.report.problems.extend(problems)
        elif problems:
            self.report.notices.extend(problems)
        elif hasattr(record, "readability"):
            self.report.readability.append(record.readability)
        elif record.levelno >= logging.WARNING and not record.getMessage().endswith(SUMMARY_END):
            self.report.other.append(record.getMessage())


@contextmanager
def _collecting(report: BuildReport) -> Iterator[None]:
    handler = _Collector(report)
    mkdocs_log = logging.getLogger("mkdocs")
    previous = mkdocs_log.level, figures.level
    mkdocs_log.addHandler(handler)
    figures.addHandler(handler)
    mkdocs_log.setLevel(logging.INFO)
    figures.setLevel(logging.DEBUG)
    try:
        yield
    finally:
        mkdocs_log.removeHandler(handler)
        figures.removeHandler(handler)
        mkdocs_log.setLevel(previous[0])
        figures.setLevel(previous[1])


def check_build(config_file: Path, release: bool) -> BuildReport:
    """Build the site strictly into a temporary folder and collect every problem, as `mkdocs build --strict`."""
    report = BuildReport()
    with tempfile.TemporaryDirectory(prefix="healthpages-check-") as out, _collecting(report):
        try:
            config = load_config(str(config_file), site_dir=out, strict=True)
            if release:
                config.extra.setdefault("health_library", {})["release"] = True
            config.plugins.on_startup(command="build", dirty=False)
            try:
                build(config)
            finally:
                config.plugins.on_shutdown()
            report.pages = len(list(Path(out).rglob("*.html")))
        except (Abort, ConfigurationError, PluginError) as error:
            if not report.problems and not report.other:
                report.other.append(str(error))
    return report

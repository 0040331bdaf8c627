"""MkDocs as one engine for the product: its build events handed to the engine-neutral core.

The hooks file (`hooks/health_library.py`) calls one method of `MkDocsBuild` per event. Everything
here is about MkDocs: its configuration and navigation objects, its log messages (translated into
problems with a file and a line) and its build entry point for `healthpages check`.
"""

from __future__ import annotations

import difflib
import logging
import posixpath
import re
import shutil
import signal
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, ConfigurationError, PluginError
from mkdocs.livereload import LiveReloadServer, _Handler
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Link, Navigation, Section
from mkdocs.structure.pages import Page

from healthpages.docs_policy import docs_problems
from healthpages.engines.render_ahead import RenderAhead, wanted
from healthpages.front_matter import YamlDocument
from healthpages.library import Library, LibraryBuilder, page_cards
from healthpages.page_data import take_page_data
from healthpages.page_model import resolve_path
from healthpages.preview import bind_problem, error_page, is_page_request, port_problem
from healthpages.problems import Problem, ProblemsFound, excerpt
from healthpages.published import missing_redirects
from healthpages.render import finish_content, finish_not_found, finish_page
from healthpages.settings import (
    NAV_SHAPES,
    NavEntry,
    SiteSettings,
    read_mkdocs_yml,
    read_nav,
    read_settings,
    settings_from,
)
from healthpages.site_data import load_site_data
from healthpages.site_files import rewrite_sitemap, write_site_files
from healthpages.social_cards import CardHelper, CardStore, draw_alongside, write_cards
from healthpages.template_cache import compiled_templates
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
    _card_helper: CardHelper | None = None  # drawing the current build's missing social cards
    _ahead: RenderAhead | None = None  # converting the current build's last pages on a second core

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
        # mkdocs.yml as the one reader reads it, once per build: its problems, and the lines it is written on.
        self.config_document: YamlDocument | None = None
        # Nav entries YAML joined into the entry above (indented too far) are reported once, with their line,
        # by the one mkdocs.yml reader; MkDocs' own messages about them would only confuse.
        self.swallowed: frozenset[str] = frozenset()
        if config.config_file_path:
            shown = Path(self.settings.shown(Path(config.config_file_path)))
            try:
                values, self.config_document = read_mkdocs_yml(shown)
            except ProblemsFound as error:
                self.builder.problems += error.problems
            else:
                nav = read_nav(shown, values, self.config_document)
                self.builder.problems += nav.problems
                self.swallowed = nav.swallowed
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
        self._draw_cards_alongside()
        return files

    def _draw_cards_alongside(self) -> None:
        """Every title is known now: a helper process draws the missing social cards while MkDocs builds the pages
        (a rebuild of `mkdocs serve` stops the helper of the build before, which may have ended early)."""
        MkDocsBuild._stop_card_helper()
        if not self.builder.problems:
            cards = page_cards(self.builder.records.values(), self.settings)
            MkDocsBuild._card_helper = draw_alongside(cards, CardStore(self.settings.card_store))

    def page_source(self, page: Page) -> str | None:
        """The text read in `files`: MkDocs converts exactly what was checked, even if the file changes meanwhile
        (an editor saving while the preview rebuilds). The front matter already read is not given to MkDocs to
        parse again: `page_markdown` sets the page's meta from it."""
        text = self.texts.get(page.file.src_uri)
        record = self.builder.records.get(page.file.src_uri)
        return text if text is None or record is None else f"---\n{{}}\n---\n{record.source.body}"

    def page_markdown(self, page: Page) -> None:
        """The page's meta as MkDocs and the theme read it: the front matter as the product read it."""
        record = self.builder.records.get(page.file.src_uri)
        if record is not None:
            page.meta = dict(record.source.front_matter.data)

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

    def convert_ahead(self, files: Files, *, dirty: bool) -> None:
        """MkDocs is about to convert every page: with many pages, a copy converts the last ones on a second core."""
        self._stop_converting_ahead()
        pages = [file.page for file in files.documentation_pages() if file.page is not None]
        if wanted(len(pages), dirty=dirty):
            MkDocsBuild._ahead = RenderAhead(pages, self.config, files)

    @staticmethod
    def _stop_card_helper() -> None:
        helper, MkDocsBuild._card_helper = MkDocsBuild._card_helper, None
        if helper is not None:
            helper.stop()

    @staticmethod
    def shutdown() -> None:
        """The command ends, finished, failed or interrupted: no helper process or converting copy outlives it (what
        the helper drew stays in the store for the next build)."""
        MkDocsBuild._stop_card_helper()
        MkDocsBuild._stop_converting_ahead()

    @staticmethod
    def _stop_converting_ahead() -> None:
        ahead, MkDocsBuild._ahead = MkDocsBuild._ahead, None
        if ahead is not None:
            ahead.stop()
            log.debug(f"pages converted on a second core: {ahead.taken} of {len(ahead.pages)}")

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

    def complete(self, files: Files, env: Environment) -> None:
        self._stop_converting_ahead()  # every page is converted
        if env.bytecode_cache is None:  # the theme's templates compiled once, not on every build
            env.bytecode_cache = compiled_templates(env)
        # `mkdocs serve --dirty` reads only the edited pages. Our own data for the others comes from `files`;
        # MkDocs' page objects need their sources read too, or the theme's navigation shows them as "None".
        for file in files.documentation_pages():
            if file.page is not None and file.page.markdown is None:
                record = self.builder.records.get(file.src_uri)
                if record is None:
                    file.page.read_source(self.config)
                else:  # as read_source and page_markdown set them, from the front matter already read
                    file.page.markdown = record.source.body
                    self.page_markdown(file.page)
        plugin = self.config.plugins.get("redirects")
        redirects = dict(plugin.config.get("redirect_maps") or {}) if plugin is not None else None
        line = self._redirects_line()
        text = self._nav_text()[line - 1] if 0 < line <= len(self._nav_text()) else ""
        indent = " " * (len(text) - len(text.lstrip()) + 2)
        self.builder.problems += missing_redirects(self.settings, self.builder.pages, redirects, line, indent)
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
            helper, MkDocsBuild._card_helper = MkDocsBuild._card_helper, None
            store = CardStore(self.settings.card_store)
            cards = write_cards(self.library.cards(), self.settings.site_dir, store, helper)
            log.info(str(cards))
        if self.builder.problems:
            count = len(self.builder.problems)
            raise PluginError(
                f"{count} problem{'s' if count != 1 else ''} in the pages or data (listed above); {SUMMARY_END}"
            )

    # -- MkDocs' messages as problems ------------------------------------------------------------------

    def translate(self, message: str, removed: set[str]) -> list[Problem] | None:
        """MkDocs' message as problems with a file and line; None for messages that are not about content."""
        if message.startswith("A 'dirty' build is being performed"):
            return []  # `healthpages serve --dirty` says what that means when it starts
        match = re.match(
            r"Doc file '([^']+)' contains (?:an? (?:absolute |unrecognized relative )?link) '([^']+)'"
            r"(?:, but (.*))?",
            message,
            re.S,
        )
        if match:
            src_path, target, detail = match.groups()
            return [self._link_problem(src_path, target, detail or message)]
        match = re.match(r"Redirect target '([^']+)' does not exist!", message)
        if match:
            return [
                Problem(
                    self.settings.shown(self.settings.config_file),
                    self._nav_line(match.group(1)),
                    f"the redirect to '{match.group(1)}' goes to no page in docs/; give the .md file of the page "
                    "that replaced the old one, as in docs/",
                    "redirects",
                )
            ]
        match = re.match(
            r"The following pages exist in the docs directory, but are not included in the \"nav\" "
            r"configuration:\n(.*)",
            message,
            re.S,
        )
        if match:
            paths = [line.strip().removeprefix("- ") for line in match.group(1).splitlines() if line.strip()]
            joined = {piece for value in self.swallowed for piece in value.split(" - ")}
            return [self._omitted_problem(path) for path in paths if path not in joined]
        match = re.match(
            r"A reference to '([^']+)' is included in the 'nav' configuration, which is not found", message
        )
        if match:
            if match.group(1) in removed or match.group(1) in self.swallowed:
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
        """The first line of the page that holds `needle` after its front matter (0 when none does); a page whose
        front matter was refused is searched whole."""
        record = self.builder.records.get(src_path)
        closing = record.source.closing_line if record else 0
        lines = self.texts.get(src_path, "").splitlines()
        for number, line in enumerate(lines[closing:], start=closing + 1):
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
            # A page whose file name is close to the one written (the folders alone would make any two paths alike).
            by_name = {posixpath.basename(page): page for page in sorted(self.builder.pages, reverse=True)}
            wanted = posixpath.basename(resolve_path(src_path, target))
            close = [by_name[name] for name in difflib.get_close_matches(wanted, list(by_name), n=1, cutoff=0.8)]
            folder = posixpath.dirname(src_path) or "."
            if suggestion:
                hint = f"; did you mean '{suggestion.group(1)}'?"
            elif close:
                hint = f"; did you mean '{posixpath.relpath(close[0], folder)}'?"
            else:
                hint = "; link to the .md file of a page"
            message = f"link '{target}': there is no such page in docs/{hint}"
        return Problem(shown, line, message, "link")

    def _omitted_problem(self, src_path: str) -> Problem:
        shown = self.settings.shown_page(src_path)
        folder = src_path.rpartition("/")[0]
        config_file = self.settings.shown(self.settings.config_file)
        sibling_line = self._nav_line_of_folder(folder)
        if sibling_line:
            sibling = self._nav_text()[sibling_line - 1]
            indent = sibling[: len(sibling) - len(sibling.lstrip())]
            where = f"after line {sibling_line}: '{indent}- {src_path}'"
        else:
            where = f"under nav: '  - {src_path}'"
        return Problem(
            shown, 1, f"the page is not in the site's navigation; add this line to {config_file} {where}", "nav"
        )

    def _redirects_line(self) -> int:
        """The line of mkdocs.yml where a redirect goes (redirect_maps:, else plugins:)."""
        document = self.config_document
        if document is None:
            return 1
        for index, item in enumerate(document.data.get("plugins") or []):
            if isinstance(item, dict) and "redirects" in item:
                return document.line_of(("plugins", index, "redirects", "redirect_maps"))
        return document.line_of(("plugins",))

    def _nav_text(self) -> list[str]:
        return self.config_document.lines if self.config_document is not None else []

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
    failed: bool = False
    problems: list[Problem] = field(default_factory=list)
    notices: list[Problem] = field(default_factory=list)  # listed, but they do not fail the check
    readability: list[tuple[str, Any]] = field(default_factory=list)
    pages: int = 0
    other: list[str] = field(default_factory=list)  # messages from MkDocs that are not about a page
    unlogged: list[str] = field(default_factory=list)  # what the build stopped on before it could log it


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


def _config_problems(config_file: Path, messages: list[str]) -> tuple[list[Problem], list[str]]:
    """mkdocs.yml's problems as mkdocs.yml:LINE: the one mkdocs.yml reader's first, then MkDocs' own messages
    ("Config value 'nav': ...") placed at the line of their setting. Returns (problems, messages left over)."""
    try:
        read_settings(config_file)
        _, document = read_mkdocs_yml(config_file)
    except ProblemsFound as error:
        return error.problems, [m for m in messages if not _about_config(m)]
    shown = config_file.as_posix()
    problems, left = [], []
    for message in messages:
        match = re.match(r"Config value '([^']+)': (.*)", message, re.S)
        if match:
            key, text = match.groups()
            line = document.line_of(tuple(key.split(".")))
            problems.append(
                Problem(shown, line, f"{' '.join(text.split())}; {_CONFIG_HINTS.get(key, _CONFIG_HINT)}", key)
            )
        elif not _about_config(message):
            left.append(message)
    return problems, left


_CONFIG_HINT = "check this setting's spelling and indentation against the lines around it"
_CONFIG_HINTS = {"nav": NAV_SHAPES}


def _about_config(message: str) -> bool:
    return message.startswith(("Config value '", "MkDocs encountered an error parsing the configuration file")) or (
        message.startswith("Aborted with") and "configuration" in message
    )


def run_build(
    config_file: Path, site_dir: str, *, release: bool = False, dirty: bool = False, serve_url: str | None = None
) -> BuildReport:
    """One strict build into `site_dir`; every problem collected with its file and line, never a traceback."""
    report = BuildReport()
    with _collecting(report):
        try:
            config = load_config(str(config_file), site_dir=site_dir, strict=True)
            if release:
                config.extra.setdefault("health_library", {})["release"] = True
            if serve_url:
                config.site_url = serve_url
            config.plugins.on_startup(command="serve" if serve_url else "build", dirty=dirty)
            try:
                build(config, serve_url=serve_url, dirty=dirty)
            finally:
                config.plugins.on_shutdown()
            report.pages = len(list(Path(site_dir).rglob("*.html")))
        except (Abort, ConfigurationError, PluginError) as error:
            report.failed = True
            if not report.problems and not report.other:
                report.other.append(str(error))
                report.unlogged.append(str(error))
        except Exception as error:  # a fault of the generator itself: said in one line, the details on request
            report.failed = True
            log.debug("unexpected error", exc_info=True)
            message = (
                f"the site generator failed unexpectedly ({type(error).__name__}: {excerpt(error, 200)}); this is not "
                "a mistake in the pages: report it with the command you ran"
            )
            report.other.append(message)
            report.unlogged.append(message)
    if any(_about_config(message) for message in report.other):
        problems, report.other = _config_problems(config_file, report.other)
        report.problems += problems
        report.unlogged = [str(problem) for problem in problems] + report.other
    return report


def check_build(config_file: Path, release: bool) -> BuildReport:
    """Build the site strictly into a temporary folder and collect every problem, as `mkdocs build --strict`."""
    with tempfile.TemporaryDirectory(prefix="healthpages-check-") as out:
        return run_build(config_file, out, release=release)


# -- `healthpages serve`: MkDocs' live-reload server, with the product's error page while a build fails ----------


class PreviewServer(LiveReloadServer):
    """MkDocs' live-reload server; while the last build failed, every page request gets the error page.

    MkDocs' own server keeps waiting for a build that works, so the browser hangs. Here a failed build is a
    finished build: the browsers reload to the error page, and reload again when the site builds.
    """

    failure: bytes | None = None  # the error page, while the last build failed

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.RequestHandlerClass = _QuietErrorPages

    def _serve_request(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes] | None:
        path = environ["PATH_INFO"].encode("latin-1").decode("utf-8", "ignore")
        if self.failure is not None and not path.startswith("/livereload/") and is_page_request(path):
            with self._epoch_cond:  # as MkDocs: never answer from a build under way
                self._epoch_cond.wait_for(lambda: self._visible_epoch == self._wanted_epoch)
                epoch = self._visible_epoch
            failure = self.failure
            if failure is not None:
                content: bytes = self._inject_js_into_html(failure, epoch)  # type: ignore[no-untyped-call]
                start_response(
                    "500 Internal Server Error",
                    [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(content)))],
                )
                return [content]
        return super()._serve_request(environ, start_response)


class _QuietErrorPages(_Handler):
    """MkDocs' request log, without a warning each time a browser loads the error page (it lists the problems)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        if str(code) != "500":
            super().log_request(code, size)  # type: ignore[no-untyped-call]


def _watched(config_file: Path) -> list[Path]:
    """What the preview watches: mkdocs.yml, the pages, the data and the theme's overrides."""
    root = config_file.absolute().parent
    paths = [config_file.absolute(), root / "docs", root / "data", root / "overrides"]
    try:
        settings = read_settings(config_file)
        values, _ = read_mkdocs_yml(config_file)
    except ProblemsFound:
        return [path for path in paths if path.exists()]
    theme = values.get("theme")
    custom_dir = theme.get("custom_dir") if isinstance(theme, dict) else None
    paths[1:] = [settings.docs_dir, settings.data_dir, *([root / str(custom_dir)] if custom_dir else [])]
    return [path for path in dict.fromkeys(paths) if path.exists()]


def _newest_change(paths: list[Path]) -> float:
    """The newest modification time of any file under `paths`."""
    newest = 0.0
    for path in paths:
        for item in [path, *path.rglob("*")] if path.is_dir() else [path]:
            try:
                newest = max(newest, item.stat().st_mtime)
            except OSError:
                continue
    return newest


def _terminal() -> None:
    """MkDocs' own terminal output (as `mkdocs serve` prints it)."""
    from mkdocs.__main__ import ColorFormatter

    mkdocs_log = logging.getLogger("mkdocs")
    mkdocs_log.setLevel(logging.INFO)
    mkdocs_log.propagate = False
    if not any(getattr(handler, "name", "") == "healthpages-terminal" for handler in mkdocs_log.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(ColorFormatter())
        handler.name = "healthpages-terminal"
        mkdocs_log.addHandler(handler)


def serve(config_file: Path, host: str, port: int, dirty: bool = False) -> int:
    """Serve the site at http://host:port/ and rebuild it on every change; 1 when it cannot listen there."""
    problem = port_problem(host, port)
    if problem:
        print(problem, file=sys.stderr)
        return 1
    _terminal()
    try:
        values, _ = read_mkdocs_yml(config_file)
        mount_path = urlsplit(str(values.get("site_url") or "/")).path or "/"
        site_name = str(values.get("site_name") or "")
    except ProblemsFound:
        mount_path, site_name = "/", ""
    site_dir = tempfile.mkdtemp(prefix="healthpages-preview-")
    # Pages depend on data/, the templates and mkdocs.yml too: a change there rebuilds every page, even --dirty.
    shared = [config_file] + [path for path in _watched(config_file) if path.name in ("data", "overrides")]
    last_shared = [_newest_change(shared)]
    first = [True]

    def builder() -> None:
        log.info("Building documentation...")
        changed = _newest_change(shared)
        full = first[0] or changed != last_shared[0]
        first[0], last_shared[0] = False, changed
        report = run_build(config_file, site_dir, dirty=dirty and not full, serve_url=server.url)
        if report.failed or report.problems:
            for message in report.unlogged:
                log.error(message)
            server.failure = error_page(site_name, report.problems, report.other).encode("utf-8")
            log.error("the browser shows the problems above instead of the pages until they are fixed")
        else:
            server.failure = None

    # Files are looked at every quarter of a second (MkDocs: half), so an edit is seen sooner.
    server = PreviewServer(
        builder=builder, host=host, port=port, root=site_dir, mount_path=mount_path, polling_interval=0.25
    )

    def not_found(code: int) -> bytes | None:
        page = Path(site_dir) / f"{code}.html"
        return page.read_bytes() if code == 404 and page.is_file() else None

    server.error_handler = not_found
    if dirty:
        log.info("Rebuilding only the pages you edit: other pages' navigation may lag until a restart")

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt  # `kill` stops the preview as Ctrl-C does, removing its temporary folder

    signal.signal(signal.SIGTERM, stop)
    try:
        builder()
        for path in _watched(config_file):
            server.watch(str(path))
        try:
            server.serve()  # type: ignore[no-untyped-call]
        except OSError as error:  # the port was taken between the check and now
            print(bind_problem(host, port, error), file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            log.info("Shutting down...")
        finally:
            server.shutdown()
    finally:
        shutil.rmtree(site_dir, ignore_errors=True)
    return 0

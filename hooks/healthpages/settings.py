"""The site's settings: the one reader of `mkdocs.yml`, and the same settings as an engine hands them over.

The MkDocs hooks build `SiteSettings` from MkDocs' own parsed configuration; every command that runs
without MkDocs (`healthpages finish`, `new`, `sign`, `review-status`) reads `mkdocs.yml` here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from healthpages.front_matter import YamlDocument, yaml_error_problem
from healthpages.problems import Problem, ProblemsFound, excerpt, shown_path
from healthpages.text_source import decode

TODAY_VARIABLE = "HEALTHPAGES_TODAY"
DEFAULT_TOPICS_DIR = "conditions"


# Where the social cards drawn by earlier builds are kept, beside mkdocs.yml (in .gitignore, as Material
# keeps its own cards in .cache/): a build draws only the cards whose picture changed.
CARD_STORE = Path(".cache/healthpages/cards")


@dataclass(frozen=True)
class NavEntry:
    """One item of the site's navigation: a page (docs path), a link (URL) or a section with children."""

    title: str | None
    path: str | None = None  # a docs-relative page path
    url: str | None = None  # an external link
    children: tuple[NavEntry, ...] = ()
    line: int = 0  # line in mkdocs.yml, when read from the file


@dataclass(frozen=True)
class SiteSettings:
    config_file: Path
    docs_dir: Path
    site_dir: Path
    site_name: str
    site_url: str  # always ends with /
    use_directory_urls: bool
    data_dir: Path
    nav: tuple[NavEntry, ...] | None
    today: date
    release: bool = False
    topics_dir: str = DEFAULT_TOPICS_DIR  # medical pages live here, whatever their front matter says
    language: str = "en-GB"
    nav_section_limit: int = 20
    index_drafts: bool = False  # let search engines index pages awaiting clinical review (and read their FAQ)
    logo: str = "assets/logo.png"  # the publisher's logo for crawlers, relative to the site root
    # A local preview (`mkdocs serve`), never published: its pages carry no Content-Security-Policy, because
    # the live-reload script the server adds to each page changes on every request, so no hash can allow it.
    preview: bool = False
    leaflets: bool = False  # topic pages link their printable leaflet and carry its QR code (make leaflets)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def root(self) -> Path:
        return self.config_file.parent

    @property
    def card_store(self) -> Path:
        return self.root / CARD_STORE

    def shown(self, path: Path) -> str:
        return shown_path(path)

    def shown_page(self, src_path: str) -> str:
        return self.shown(self.docs_dir / src_path)

    def page_url(self, src_path: str) -> str:
        """The URL path of a page relative to the site root, as MkDocs makes it."""
        stem, _, _ = src_path.rpartition(".")
        directory, _, name = stem.rpartition("/")
        if name in ("index", "README"):
            return f"{directory}/" if directory else ""
        if self.use_directory_urls:
            return f"{stem}/"
        return f"{stem}.html"

    def output_file(self, src_path: str) -> Path:
        url = self.page_url(src_path)
        return self.site_dir / (url + "index.html" if url == "" or url.endswith("/") else url)


def today_from(configured: object = None) -> date:
    """Today's date, overridable (config value, then environment) so tests never depend on the clock."""
    value = configured or os.environ.get(TODAY_VARIABLE)
    if isinstance(value, date):
        return value
    if value:
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            raise ProblemsFound(
                [Problem(TODAY_VARIABLE, 0, f"'{excerpt(value)}' is not a date; use YYYY-MM-DD")]
            ) from None
    return date.today()


def _flag(value: Any) -> bool:
    """A yes/no setting: true, 1 or yes (any case, or from an environment variable's text) means yes."""
    return value is not None and str(value).lower() in ("true", "1", "yes")


def settings_from(config_file: Path, values: dict[str, Any], nav: tuple[NavEntry, ...] | None) -> SiteSettings:
    """Settings from the configuration's values (as parsed by MkDocs or by `read_mkdocs_yml`)."""
    root = config_file.parent
    extra = dict(values.get("extra") or {})
    health = dict(extra.get("health_library") or {})
    return SiteSettings(
        config_file=config_file,
        docs_dir=(root / str(values.get("docs_dir") or "docs")).absolute(),
        site_dir=(root / str(values.get("site_dir") or "site")).absolute(),
        site_name=str(values.get("site_name") or ""),
        site_url=(str(values.get("site_url") or "http://127.0.0.1:8000/")).rstrip("/") + "/",
        use_directory_urls=bool(values.get("use_directory_urls", True)),
        data_dir=(root / str(health.get("data_dir") or "data")).absolute(),
        nav=nav,
        today=today_from(health.get("today")),
        release=_flag(health.get("release")),
        topics_dir=str(health.get("topics_dir") or DEFAULT_TOPICS_DIR).strip("/"),
        language=str(health.get("language") or "en-GB"),
        nav_section_limit=int(health.get("nav_section_limit") or 20),
        index_drafts=_flag(health.get("index_drafts")),
        logo=str(health.get("logo") or "assets/logo.png").lstrip("/"),
        leaflets=_flag(health.get("leaflets")),
        extra=extra,
    )


try:
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover - libyaml is in the pinned PyYAML wheels
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]


class _ConfigLoader(_SafeLoader):
    """mkdocs.yml as MkDocs reads it: `!ENV` resolved from the environment, Python tags left as None.

    libyaml's parser (a large library's nav has thousands of lines, read at every rebuild of the preview)."""


def _env(loader: Any, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        names, default = [loader.construct_scalar(node)], None
    else:
        items = loader.construct_sequence(node)
        names, default = items[:-1], items[-1]
    for name in names:
        if str(name) in os.environ:
            return yaml.safe_load(os.environ[str(name)])
    return default


_ConfigLoader.add_constructor("!ENV", _env)
_ConfigLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def read_mkdocs_yml(config_file: Path) -> tuple[dict[str, Any], YamlDocument]:
    """mkdocs.yml's values and its node tree (for line numbers); problems name the line."""
    shown = config_file.as_posix()
    if not config_file.is_file():
        raise ProblemsFound(
            [
                Problem(
                    shown,
                    0,
                    "no mkdocs.yml here; run the command from the repository's top folder or pass --config-file",
                )
            ]
        )
    text = decode(config_file.read_bytes(), shown)
    try:
        loader = _ConfigLoader(text)
        try:
            node = loader.get_single_node()
            values = (loader.construct_document(node) if node is not None else None) or {}
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as error:
        raise ProblemsFound([yaml_error_problem(error, text, shown, 1)]) from None
    if not isinstance(values, dict):
        raise ProblemsFound([Problem(shown, 1, "mkdocs.yml must be a list of settings such as site_name: ...")])
    return values, YamlDocument(values, node, 1, text)


NAV_SHAPES = (
    "each navigation entry is a page path (- conditions/page.md), a titled page (- Title: page.md) or a "
    "section (- Section: followed by its pages on the next lines, indented two more spaces)"
)


@dataclass(frozen=True)
class NavReading:
    """mkdocs.yml's `nav:` as read: its entries, its problems, and the values of entries YAML joined into the
    entry above them (indented too far), exactly as YAML read them ("a.md - b.md")."""

    entries: tuple[NavEntry, ...] | None
    problems: tuple[Problem, ...]
    swallowed: frozenset[str]


def read_nav(config_file: Path, values: dict[str, Any], document: YamlDocument) -> NavReading:
    shown = config_file.as_posix()
    problems: list[Problem] = []
    swallowed: set[str] = set()
    if "nav" in values and not isinstance(values["nav"], list):
        problems.append(
            Problem(shown, document.line_of(("nav",)), "nav: must be followed by its entries, one per line: - page.md")
        )
    nav = _nav_entries(values["nav"], document, ("nav",), shown, problems, swallowed) if values.get("nav") else None
    return NavReading(nav, tuple(problems), frozenset(swallowed))


def _nav_entries(
    value: Any,
    document: YamlDocument,
    loc: tuple[str | int, ...],
    shown: str,
    problems: list[Problem],
    swallowed_values: set[str],
) -> tuple[NavEntry, ...]:
    entries: list[NavEntry] = []
    items = value if isinstance(value, list) else [value]
    for index, item in enumerate(items):
        here = (*loc, index) if isinstance(value, list) else loc
        line = document.line_of(here)
        node = document.node_at(here)
        if isinstance(node, yaml.MappingNode) and len(node.value) == 1:
            node = node.value[0][1]
        swallowed = document.swallowed_line(node)
        if swallowed:
            assert isinstance(node, yaml.ScalarNode)  # only a plain value runs on into the next line
            swallowed_values.add(str(node.value))
            problems.append(
                Problem(
                    shown,
                    swallowed,
                    "this entry is indented further than the entry above it, so it is read as part of that entry; "
                    "start its '-' in the same column as the '-' of the entry above",
                    "nav",
                )
            )
        elif isinstance(item, str):
            entries.append(_leaf(None, item, line))
        elif isinstance(item, dict) and len(item) == 1:
            ((title, target),) = item.items()
            if isinstance(target, (list, dict)):
                children = _nav_entries(target, document, (*here, str(title)), shown, problems, swallowed_values)
                entries.append(NavEntry(str(title), children=children, line=line))
            elif target is None:
                problems.append(
                    Problem(
                        shown,
                        line,
                        f"'{excerpt(title, 40)}' has nothing after its colon; give its page (- {title}: page.md), "
                        "or list the section's pages on the next lines, indented two more spaces than its '-'",
                        "nav",
                    )
                )
            else:
                entries.append(_leaf(str(title), str(target), line))
        else:
            problems.append(Problem(shown, line, NAV_SHAPES, "nav"))
    return tuple(entries)


def _leaf(title: str | None, target: str, line: int) -> NavEntry:
    if "://" in target or target.startswith("mailto:"):
        return NavEntry(title, url=target, line=line)
    return NavEntry(title, path=target.lstrip("/"), line=line)


def read_settings(config_file: Path) -> SiteSettings:
    values, document = read_mkdocs_yml(config_file)
    nav = read_nav(config_file, values, document)
    if nav.problems:
        raise ProblemsFound(list(nav.problems))
    return settings_from(config_file.absolute(), values, nav.entries)

"""`healthpages finish <site>`: finish a site another engine built from `mkdocs.yml` (Zensical, for example).

The engine converts the Markdown with this product's extension listed in `mkdocs.yml`; this step
then does, over the written HTML, what the MkDocs hooks do during a MkDocs build: it reads and
checks every page's front matter, takes the data the extension left in each page, computes the
same `PageResult`s, fills the blocks' slots and writes robots.txt, `_headers` and the sitemap's dates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from healthpages.docs_policy import docs_problems
from healthpages.library import Library, LibraryBuilder, docs_page_paths
from healthpages.page_data import END_SLOT, TOP_SLOT, take_page_data
from healthpages.problems import Problem, ProblemsFound
from healthpages.render import finish_content, finish_not_found, finish_page
from healthpages.settings import NavEntry, SiteSettings
from healthpages.site_data import load_site_data
from healthpages.site_files import rewrite_sitemap, write_site_files
from healthpages.social_cards import CardFigures, CardStore, write_cards


@dataclass
class FinishReport:
    library: Library | None = None
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    finished: list[Path] = field(default_factory=list)
    cards: CardFigures | None = None


def _nav_from_files(pages: list[str]) -> tuple[NavEntry, ...]:
    return tuple(NavEntry(None, path=path) for path in sorted(pages))


def read_library(settings: SiteSettings) -> LibraryBuilder:
    """Every page's front matter, read and checked without an engine (for `finish` and `review-status`)."""
    problems = docs_problems(settings.docs_dir, settings.shown(settings.docs_dir))
    if problems:
        raise ProblemsFound(problems)
    builder = LibraryBuilder(settings, load_site_data(settings.data_dir), frozenset())
    paths = sorted(docs_page_paths(settings))
    builder.pages = frozenset(paths)
    builder.nav = settings.nav or _nav_from_files(paths)
    for src_path in paths:
        builder.read_bytes(src_path, (settings.docs_dir / src_path).read_bytes())
    return builder


def _content_region(html: str) -> tuple[int, int] | None:
    start, end = html.find(TOP_SLOT), html.rfind(END_SLOT)
    return (start, end + len(END_SLOT)) if start >= 0 and end > start else None


def finish_site(settings: SiteSettings, site_dir: Path) -> FinishReport:
    report = FinishReport()
    builder = read_library(settings)
    pages: dict[str, tuple[Path, str]] = {}
    for src_path in sorted(builder.records):
        output = site_dir / settings.output_file(src_path).relative_to(settings.site_dir)
        if not output.is_file():
            builder.problems.append(
                Problem(
                    settings.shown_page(src_path),
                    1,
                    f"the engine wrote no page for it ({settings.shown(output)} is missing)",
                )
            )
            continue
        html, data = take_page_data(output.read_text(encoding="utf-8"))
        if data is None:
            builder.problems.append(
                Problem(
                    settings.shown(settings.config_file),
                    1,
                    f"{settings.shown(output)} carries no data from the product's Markdown extension: list "
                    "healthpages.extension under markdown_extensions in mkdocs.yml, build the site again and "
                    "finish it once (a site cannot be finished twice)",
                    "markdown_extensions",
                )
            )
            break
        builder.add_conversion(src_path, data)
        region = _content_region(html)
        if region:
            html = html[: region[0]] + finish_content(html[region[0] : region[1]]) + html[region[1] :]
        pages[src_path] = (output, html)
    library = builder.complete()
    report.problems, report.warnings = builder.problems, builder.warnings
    if report.problems:
        return report
    report.library = library
    for src_path, (output, html) in pages.items():
        output.write_text(finish_page(html, library, library.results[src_path]), encoding="utf-8")
        report.finished.append(output)
    not_found = site_dir / "404.html"
    if not_found.is_file():
        not_found.write_text(finish_not_found(not_found.read_text(encoding="utf-8"), library), encoding="utf-8")
    sitemap = site_dir / "sitemap.xml"
    if sitemap.is_file():
        sitemap.write_text(rewrite_sitemap(sitemap.read_text(encoding="utf-8"), library), encoding="utf-8")
    write_site_files(library, site_dir)
    report.cards = write_cards(library.cards(), site_dir, CardStore(settings.card_store))
    return report

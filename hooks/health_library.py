"""MkDocs hooks of the health library: each MkDocs event handed to the product's engine-neutral core.

The product's logic lives in the `healthpages` package (page model, FAQ, blocks, structured data,
review state); `healthpages.engines.mkdocs` adapts MkDocs' objects to it. Hook modules survive
`mkdocs serve` rebuilds, so the build's state is replaced in `on_config`.
"""

from __future__ import annotations

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from healthpages.engines.collector import set_for_command
from healthpages.engines.mkdocs import MkDocsBuild

_build: MkDocsBuild | None = None
_command = "build"  # the MkDocs command this process runs: "serve" builds a local preview
_dirty = False  # `--dirty`: MkDocs converts only the pages changed since the last build


def _current() -> MkDocsBuild:
    assert _build is not None, "on_config has not run"
    return _build


def on_startup(*, command: str, dirty: bool) -> None:
    global _command, _dirty
    _command, _dirty = command, dirty
    set_for_command(command)  # a one-shot build collects garbage less often, and not at its exit


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global _build
    _build = MkDocsBuild(config, preview=_command == "serve")
    return config


def on_pre_build(*, config: MkDocsConfig) -> None:
    _current().pre_build()


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    return _current().files(files)


def on_page_read_source(*, page: Page, config: MkDocsConfig) -> str | None:
    return _current().page_source(page)


@event_priority(-100)  # after every plugin's: the files and navigation are final when MkDocs starts converting
def on_nav(nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
    nav = _current().nav(nav)
    _current().convert_ahead(files, dirty=_dirty)
    return nav


@event_priority(100)  # first: other plugins read the page's meta as the product read it
def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    _current().page_markdown(page)
    return markdown


def on_page_content(html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    return _current().page_content(html, page)


def on_env(env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
    _current().complete(files, env)
    return env


def on_post_page(output: str, *, page: Page, config: MkDocsConfig) -> str:
    return _current().post_page(output, page)


def on_post_template(output_content: str, *, template_name: str, config: MkDocsConfig) -> str:
    return _current().post_template(output_content, template_name)


def on_post_build(*, config: MkDocsConfig) -> None:
    _current().post_build()


def on_shutdown() -> None:
    MkDocsBuild.shutdown()

"""Compiled templates are kept between builds (`healthpages.template_cache`), in Jinja's per-user folder, and
never given to an environment that would have compiled them differently.

Each test points the system's temporary folder (where Jinja keeps its folder) at a folder of its own.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from jinja2 import DictLoader, Environment, pass_context
from jinja2.runtime import Context

from healthpages.template_cache import compiled_templates

# A build in a process of its own that says how many templates it compiled.
BUILD = """
import sys
import jinja2

compiled = []
compile_template = jinja2.Environment.compile


def counting(self, source, name=None, filename=None, raw=False, defer_init=False):
    compiled.append(name)
    return compile_template(self, source, name, filename, raw, defer_init)


jinja2.Environment.compile = counting
from mkdocs.__main__ import cli

sys.argv = ["mkdocs", "build", "--strict", "--site-dir", sys.argv[1]]
try:
    cli()
finally:
    print("templates compiled:", *compiled, file=sys.stderr)
"""


@pytest.fixture
def own_temporary_folder(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "temporary"
    folder.mkdir()
    before = tempfile.tempdir
    tempfile.tempdir = str(folder)
    try:
        yield folder
    finally:
        tempfile.tempdir = before


def compiled_by_a_build(site: Path, temporary: Path, out: Path) -> list[str]:
    env = {**os.environ, "TMPDIR": str(temporary), "NO_MKDOCS_2_WARNING": "1", "HEALTHPAGES_TODAY": "2026-11-21"}
    result = subprocess.run(
        [sys.executable, "-c", BUILD, str(out)], cwd=site, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    (line,) = [line for line in result.stderr.splitlines() if line.startswith("templates compiled: ")]
    return line.split()[2:]


def test_the_next_build_compiles_no_template(fixture_site: Path, tmp_path: Path) -> None:
    temporary = tmp_path / "temporary"
    temporary.mkdir()
    first = compiled_by_a_build(fixture_site, temporary, tmp_path / "first")
    assert {"main.html", "partials/nav.html", "blocks/head.html", "blocks/topic_top.html"} <= set(first)
    # Only the theme's translations, which the search plugin reads in its own environment while MkDocs reads
    # the configuration, before the build's environment exists.
    assert set(compiled_by_a_build(fixture_site, temporary, tmp_path / "second")) == {
        "partials/language.html",
        "partials/languages/en.html",
    }
    assert (tmp_path / "first" / "index.html").read_bytes() == (tmp_path / "second" / "index.html").read_bytes()
    (kept,) = temporary.iterdir()  # Jinja's own folder, the user's alone
    assert kept.stat().st_mode & 0o777 == 0o700


def _render(env: Environment) -> str:
    env.bytecode_cache = compiled_templates(env)
    return env.get_template("page.html").render()


def _loud(value: str) -> str:
    return value.upper()


def _quiet(value: str) -> str:
    return value.lower()


@pass_context
def _named(context: Context, value: str) -> str:
    return f"{context.name}: {value}"


def _environment(source: str, shout: Callable[..., str] = _loud, **settings: Any) -> Environment:
    env = Environment(loader=DictLoader({"page.html": source}), **settings)
    env.filters["shout"] = shout
    return env


def test_a_changed_template_or_an_environment_set_up_differently_compiles_again(own_temporary_folder: Path) -> None:
    source = "{% if true %}\nshown{% endif %}"
    assert _render(_environment(source, trim_blocks=True)) == "shown"
    # The same template, where a newline after a block is kept: compiled code of its own.
    assert _render(_environment(source)) == "\nshown"
    # The template changed: compiled again.
    assert _render(_environment("{% if true %}\nchanged{% endif %}", trim_blocks=True)) == "changed"
    # A filter given a constant runs while the template is compiled, and how a filter is called is part of the
    # compiled code: another filter under the same name, or one called with the context, compiles again.
    source = "{{ 'Shown' | shout }}"
    assert _render(_environment(source)) == "SHOWN"
    assert _render(_environment(source, shout=_quiet)) == "shown"
    assert _render(_environment(source, shout=_named)) == "page.html: Shown"


def test_a_folder_that_cannot_be_written_costs_only_the_compiling(own_temporary_folder: Path) -> None:
    env = _environment("{{ 'kept' | shout }}")
    env.bytecode_cache = compiled_templates(env)
    folder = own_temporary_folder / f"_jinja2-cache-{os.getuid()}"
    folder.rmdir()  # removed while the process runs (a cleaner of the temporary folder), a file in its place
    folder.write_text("not a folder")
    assert env.get_template("page.html").render() == "KEPT"


def test_no_cache_where_jinja_finds_its_folder_unsafe(own_temporary_folder: Path) -> None:
    # Something other than the user's own folder where Jinja keeps its cache: nothing is kept, and nothing fails.
    (own_temporary_folder / f"_jinja2-cache-{os.getuid()}").write_text("not a folder")
    env = _environment("text")
    assert compiled_templates(env) is None
    assert _render(env) == "text"

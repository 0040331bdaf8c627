"""A large build converts its last pages on a second core (`healthpages.engines.render_ahead`), and the site it
writes is byte for byte the site of a build that converts every page itself, problems included.

Each build runs `mkdocs build` in a process of its own (the copy is forked only from a process with one
thread); `HEALTHPAGES_SERIAL=1` gives the build that converts every page itself.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from healthpages.engines.collector import YOUNG_OBJECTS
from healthpages.engines.render_ahead import AHEAD_FROM, SERIAL_VARIABLE
from sitebuild import ROOT

# The build in a process of its own; "stops" and "differs" change the copy only (it is a fork of this process).
BUILD = """
import gc, os, sys
import healthpages.engines.render_ahead as ahead
from healthpages.engines.mkdocs import MkDocsBuild

mode, config_file, site_dir = sys.argv[1:]
build_pid = os.getpid()
convert_in_copy = ahead._convert_from_the_end


def reports_frozen(*args):
    print(f"objects the copy's collections leave alone: {gc.get_freeze_count()}", file=sys.stderr, flush=True)
    convert_in_copy(*args)


ahead._convert_from_the_end = reports_frozen
if mode == "stops":  # the copy sends four pages, then stops after claiming a fifth
    convert = ahead._convert_from_the_end

    def stops(pages, config, files, claims, results):
        class Results:
            sent = 0

            def put(self, message):
                if self.sent == 4:
                    results.close()
                    results.join_thread()
                    os._exit(1)
                results.put(message)
                self.sent += 1

        convert(pages, config, files, claims, Results())

    ahead._convert_from_the_end = stops
elif mode == "differs":  # the copy reads a sentence more on every page than the build does
    page_source = MkDocsBuild.page_source

    def differs(self, page):
        text = page_source(self, page)
        return text + "\\n\\nOnly the copy converts this sentence.\\n" if os.getpid() != build_pid and text else text

    MkDocsBuild.page_source = differs

from mkdocs.__main__ import cli

sys.argv = ["mkdocs", "build", "--strict", "--verbose", "--config-file", config_file, "--site-dir", site_dir]
try:
    cli()
finally:
    print(f"objects the build's collections leave alone: {gc.get_freeze_count()}", file=sys.stderr, flush=True)
    print(f"the build collects its youngest objects every {gc.get_threshold()[0]}", file=sys.stderr, flush=True)
"""

TAKEN = re.compile(r"pages converted on a second core: (\d+) of (\d+)")
FROZEN = re.compile(r"objects the (copy|build)'s collections leave alone: (\d+)")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated library just large enough to be converted on two cores, and its mkdocs.yml."""
    sys.path.insert(0, str(ROOT))
    try:
        from benchmarks.configs import write_variants
        from benchmarks.corpus import generate
    finally:
        sys.path.remove(str(ROOT))
    root = tmp_path_factory.mktemp("library")
    made = generate(root, AHEAD_FROM, ROOT)
    return write_variants(ROOT, made)["a"]


def build(config_file: Path, site_dir: Path, *, mode: str = "plain", serial: bool = False) -> tuple[int, str]:
    env = {**os.environ, SERIAL_VARIABLE: "1" if serial else "0", "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, "-c", BUILD, mode, str(config_file), str(site_dir)],
        cwd=config_file.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return result.returncode, result.stdout + result.stderr


def taken(output: str) -> tuple[int, int]:
    match = TAKEN.search(output)
    assert match, output[-3000:]
    return int(match.group(1)), int(match.group(2))


def site_files(site_dir: Path) -> dict[str, bytes]:
    return {path.relative_to(site_dir).as_posix(): path.read_bytes() for path in site_dir.rglob("*") if path.is_file()}


def problems(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith(("ERROR", "WARNING"))]


@pytest.fixture(scope="module")
def serial_site(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    site_dir = tmp_path_factory.mktemp("serial") / "site"
    code, output = build(corpus, site_dir, serial=True)
    assert code == 0, output[-3000:]
    assert TAKEN.search(output) is None  # no copy was started
    return site_files(site_dir)


def test_the_copy_converts_pages_and_the_site_is_the_same(
    corpus: Path, serial_site: dict[str, bytes], tmp_path: Path
) -> None:
    code, output = build(corpus, tmp_path / "site")
    assert code == 0, output[-3000:]
    converted, pages = taken(output)
    assert pages == AHEAD_FROM + 3  # every topic and the home, A to Z and experts pages
    assert 0 < converted < pages
    # The copy's garbage collections leave the objects it shares with the build alone; the build's do not.
    frozen = dict(FROZEN.findall(output))
    assert int(frozen["copy"]) > 10_000
    assert int(frozen["build"]) == 0
    assert f"the build collects its youngest objects every {YOUNG_OBJECTS}\n" in output  # a one-shot command
    written = site_files(tmp_path / "site")
    assert written.keys() == serial_site.keys()
    assert [name for name in written if written[name] != serial_site[name]] == []


@pytest.mark.parametrize(
    ("mode", "from_the_copy"),
    [
        pytest.param("stops", 4, id="pages-a-stopped-copy-did-not-send-are-converted-by-the-build"),
        pytest.param("differs", 0, id="a-page-the-copy-read-differently-is-converted-by-the-build"),
    ],
)
def test_the_build_converts_what_the_copy_did_not_give_it(
    corpus: Path, serial_site: dict[str, bytes], tmp_path: Path, mode: str, from_the_copy: int
) -> None:
    code, output = build(corpus, tmp_path / "site", mode=mode)
    assert code == 0, output[-3000:]
    assert taken(output)[0] == from_the_copy
    written = site_files(tmp_path / "site")
    assert [name for name in serial_site if written.get(name) != serial_site[name]] == []


def test_problems_in_pages_the_copy_converts_are_reported_as_without_it(corpus: Path, tmp_path: Path) -> None:
    # A link to no page, in the last page of the last folder: the copy converts from the last page backward.
    last = sorted((corpus.parent / "docs" / "conditions").rglob("*.md"))[-1]
    last.write_text(last.read_text() + "\nSee [a page that is gone](gone.md).\n")
    try:
        serial_code, serial_output = build(corpus, tmp_path / "serial", serial=True)
        code, output = build(corpus, tmp_path / "site")
    finally:
        last.write_text(last.read_text().replace("\nSee [a page that is gone](gone.md).\n", ""))
    assert serial_code == code == 1
    assert taken(output)[0] > 0
    assert any("gone.md" in line and last.name in line for line in problems(output)), problems(output)
    assert problems(output) == problems(serial_output)

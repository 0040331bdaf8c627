"""The build benchmark works: a smoke run (N=20, one run) writes its results, and its corpus is valid.

Timing figures are never asserted: they depend on the machine and on what else it is doing.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from sitebuild import ROOT

ROW_KEYS = {"n", "variant", "pages", "runs", "median_s", "ms_per_page", "median_cpu_s", "peak_mb", "warnings"}


@pytest.fixture(scope="module")
def smoke(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bench")
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks.build_bench", "--smoke", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    # The table is printed as well as written.
    assert "| N | variant | median s | ms/page |" in completed.stdout
    return out


def test_smoke_run_writes_json_with_every_variant_built(smoke: Path) -> None:
    document = json.loads((smoke / "results.json").read_text())
    assert {"meta", "summary", "runs", "profile", "serve"} <= document.keys()
    summary = document["summary"]
    assert summary["sizes"] == [20]
    # One counted build per variant, no warm-up, and none of them printed a warning.
    assert sorted((r["variant"], r["warmup"], r["warnings"]) for r in document["runs"]) == [
        ("a", False, 0),
        ("b", False, 0),
        ("c", False, 0),
    ]
    assert [row["variant"] for row in summary["rows"]] == ["a", "b", "c"]
    for row in summary["rows"]:
        assert row.keys() >= ROW_KEYS
        assert (row["n"], row["runs"], row["pages"]) == (20, 1, 23)  # 20 topics + home, A to Z, experts
    assert {"a/b", "a/c"} <= summary["ratios"]["20"].keys()
    assert summary["targets"].keys() == {"hooks_cost", "linear", "against_material"}
    # Smoke mode skips the profile and the live preview.
    assert document["profile"] is None and document["serve"] == []


def test_smoke_run_writes_table_and_plot(smoke: Path) -> None:
    table = (smoke / "results.md").read_text()
    for text in (
        "| N | variant | median s | ms/page |",
        "| 20 | (a) full",
        "| 20 | (b) no hooks",
        "| 20 | (c) Material defaults",
        "| N | a/b (hooks' cost) | a/c",
    ):
        assert text in table
    assert (smoke / "ms_per_page.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_three_configurations_differ_as_named(smoke: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(ROOT))
    from benchmarks.configs import load_project_config

    site = smoke / "corpus" / "n20"
    full, no_hooks, material = (load_project_config(site / f"mkdocs-{v}.yml") for v in "abc")
    project = load_project_config(ROOT / "mkdocs.yml")
    # (a) is the project's configuration with absolute paths, (b) the same without hooks.
    assert full["hooks"] == [str(ROOT / hook) for hook in project["hooks"]]
    assert full["theme"]["custom_dir"] == no_hooks["theme"]["custom_dir"] == str(ROOT / project["theme"]["custom_dir"])
    assert full["theme"]["features"] == project["theme"]["features"]
    assert "hooks" not in no_hooks and {k: v for k, v in full.items() if k != "hooks"} == no_hooks
    # (c) is Material's defaults: no custom_dir, no hooks, no features.
    assert material["theme"] == {"name": "material"} and "hooks" not in material
    # All three share the project's Markdown extensions and a fixed "today".
    assert (
        full["markdown_extensions"]
        == no_hooks["markdown_extensions"]
        == material["markdown_extensions"]
        == project["markdown_extensions"]
    )
    assert full["extra"]["health_library"]["today"] == "2026-11-21"


def test_corpus_is_deterministic_and_passes_the_page_checks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(ROOT))
    from benchmarks.corpus import BENCH_TODAY, generate
    from healthpages.library import LibraryBuilder
    from healthpages.page_model import TopicPage
    from healthpages.settings import read_settings
    from healthpages.site_data import load_site_data

    first = generate(tmp_path / "one", 60, ROOT, section_size=25)
    second = generate(tmp_path / "two", 60, ROOT, section_size=25)
    files = sorted(p.relative_to(first.docs_dir) for p in first.docs_dir.rglob("*.md"))
    assert files == sorted(p.relative_to(second.docs_dir) for p in second.docs_dir.rglob("*.md"))
    assert all((first.docs_dir / f).read_bytes() == (second.docs_dir / f).read_bytes() for f in files)
    assert [len(members) for _, _, members in first.sections] == [25, 25, 10]

    settings = replace(read_settings(ROOT / "mkdocs.yml"), docs_dir=first.docs_dir, today=BENCH_TODAY)
    builder = LibraryBuilder(settings, load_site_data(first.root / "data"), frozenset(f.as_posix() for f in files))
    for topic in first.topics:
        text = (first.docs_dir / topic.src_path).read_text()
        record = builder.read_page(topic.src_path, text)
        assert builder.problems == [], topic.src_path
        assert record is not None and isinstance(record.model, TopicPage)
        expected = "draft" if record.model.is_pregnancy_page else "reviewed"
        assert record.model.review.status == expected
        assert record.model.when_to_get_help.tiers
        assert record.source.body.count("\n### ") == 5
        assert text.count("[^ref") >= 10  # 5 citations + 5 definitions

"""The build benchmark works: a smoke run (N=20, one run) writes its results, and its corpus is valid.

Timing figures are never asserted: they depend on the machine and on what else it is doing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import markdown
import pytest
import yaml
from mkdocs.config import load_config

from healthpages.library import LibraryBuilder
from healthpages.page_data import take_page_data
from healthpages.page_model import TopicPage
from healthpages.settings import read_settings
from healthpages.site_data import load_site_data
from sitebuild import ROOT

# The product's Markdown extension, as mkdocs.yml lists it.
EXTENSION = "healthpages.extension"

ROW_KEYS = {"n", "variant", "pages", "runs", "median_s", "ms_per_page", "median_cpu_s", "peak_mb", "warnings"}


def run_benchmark(module: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m benchmarks.<module> <args>` from the project's root; it must succeed."""
    completed = subprocess.run(
        [sys.executable, "-m", f"benchmarks.{module}", *args], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return completed


@pytest.fixture(scope="module")
def smoke(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bench")
    completed = run_benchmark("build_bench", "--smoke", "--out", str(out))
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
        ("w", False, 0),
    ]
    assert [row["variant"] for row in summary["rows"]] == ["a", "b", "c", "w"]
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
        "| 20 | (b) no hooks, no extension",
        "| 20 | (c) Material defaults",
        "| N | a/b (our code's cost) | a/c",
    ):
        assert text in table
    assert (smoke / "ms_per_page.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_three_configurations_differ_as_named(smoke: Path) -> None:
    # MkDocs itself reads the variants and the project's mkdocs.yml: what each build will really use.
    site = smoke / "corpus" / "n20"
    project = load_config(str(ROOT / "mkdocs.yml"))
    full, no_hooks, material = (load_config(str(site / f"mkdocs-{v}.yml")) for v in "abc")
    assert EXTENSION in project.markdown_extensions  # otherwise (b) would drop nothing of ours

    # (a) is the project's configuration: its hook file, its overrides and features, its extensions.
    written = yaml.safe_load((site / "mkdocs-a.yml").read_text())
    assert written["hooks"] == [str(ROOT / "hooks" / "health_library.py")]
    assert full.theme.custom_dir == str(ROOT / "overrides")
    assert full.theme["features"] == project.theme["features"] != []
    assert (full.markdown_extensions, full.mdx_configs) == (project.markdown_extensions, project.mdx_configs)
    assert written["extra"]["health_library"]["today"] == "2026-11-21"
    assert written["extra"]["health_library"]["release"] is False

    # (b) is the same without our code: no hooks and no extension, everything else as in (a).
    ours_dropped = [name for name in project.markdown_extensions if name != EXTENSION]
    assert len(ours_dropped) == len(project.markdown_extensions) - 1
    assert "hooks" not in yaml.safe_load((site / "mkdocs-b.yml").read_text())
    assert no_hooks.markdown_extensions == ours_dropped
    assert no_hooks.theme.custom_dir == str(ROOT / "overrides")
    assert no_hooks.theme["features"] == project.theme["features"]

    # (c) is Material's defaults: no custom_dir, no hooks, no features, the same extensions as (b).
    assert yaml.safe_load((site / "mkdocs-c.yml").read_text())["theme"] == {"name": "material"}
    assert material.theme.custom_dir is None and material.theme["features"] == []
    assert material.markdown_extensions == ours_dropped


def test_corpus_is_deterministic_and_passes_the_build_checks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(ROOT))
    from benchmarks.corpus import BENCH_TODAY, generate

    first = generate(tmp_path / "one", 60, ROOT, section_size=25)
    # Generated again in another process with another hash seed: set or dict order must not leak in.
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from benchmarks.corpus import generate; "
            "generate(Path(sys.argv[1]), 60, Path(sys.argv[2]), section_size=25)",
            str(tmp_path / "two"),
            str(ROOT),
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONHASHSEED": "12345"},
        check=True,
        timeout=120,
    )
    second = tmp_path / "two" / "docs"
    files = sorted(p.relative_to(first.docs_dir) for p in first.docs_dir.rglob("*.md"))
    assert len(files) == 63  # 60 topics + home, A to Z, experts
    assert files == sorted(p.relative_to(second) for p in second.rglob("*.md"))
    assert all((first.docs_dir / f).read_bytes() == (second / f).read_bytes() for f in files)
    assert [len(members) for _, _, members in first.sections] == [25, 25, 10]

    # Every page passes what the build checks: front matter, then the body's conversion (FAQ shape,
    # content policy, reading age), with the project's own Markdown extensions.
    settings = replace(read_settings(ROOT / "mkdocs.yml"), docs_dir=first.docs_dir, today=BENCH_TODAY)
    builder = LibraryBuilder(settings, load_site_data(first.root / "data"), frozenset(f.as_posix() for f in files))
    config = load_config(str(ROOT / "mkdocs.yml"))
    statuses = []
    for path in files:
        text = (first.docs_dir / path).read_text()
        record = builder.read_page(path.as_posix(), text)
        assert record is not None, builder.problems
        md = markdown.Markdown(extensions=config.markdown_extensions, extension_configs=config.mdx_configs)
        _, data = take_page_data(md.convert(record.source.body))
        builder.add_conversion(path.as_posix(), data)
        assert builder.problems == [], path
        if isinstance(record.model, TopicPage):
            assert data is not None and len(data.faq) == 5, path
            assert text.count("[^ref") >= 10  # 5 citations + 5 definitions
            statuses.append((path.parts[1], record.model.review.status))
    # The first section (25 pages) is pregnancy: drafts, as no reviewer of the practice covers obstetrics.
    assert sorted(set(statuses)) == [("fertility", "reviewed"), ("periods", "reviewed"), ("pregnancy", "draft")]
    assert [folder for folder, _ in statuses].count("pregnancy") == 25


def test_compare_builds_one_corpus_with_an_earlier_revision_and_this_one(tmp_path: Path) -> None:
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True)
    out = ["--out", str(tmp_path)]
    completed = run_benchmark("compare", "--before", "HEAD", "--n", "5", "--runs", "1", "--warmup", "0", *out)
    assert "| build | median s | CPU s |" in completed.stdout
    document = json.loads((tmp_path / "compare.json").read_text())
    assert document["meta"]["before"] == head.stdout.strip()
    assert [(row["side"], row["runs"]) for row in document["rows"]] == [("before", 1), ("cold", 1), ("warm", 1)]
    # Each side built the same pages: REV's copy is the corpus, from the revision's own files.
    pages = {
        side: sorted(p.relative_to(tmp_path / side / "docs") for p in (tmp_path / side / "docs").rglob("*.md"))
        for side in ("before", "after")
    }
    assert pages["before"] == pages["after"] and len(pages["before"]) == 5 + 3
    assert (tmp_path / "before-project" / "hooks" / "health_library.py").is_file()
    # The cold build drew every card into the store that the warm build reads.
    assert len(list((tmp_path / "after" / ".cache" / "healthpages" / "cards").glob("*.png"))) == 5 + 3


def test_compare_builds_a_later_revision_instead_of_the_working_tree(tmp_path: Path) -> None:
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True)
    args = ["--before", "HEAD", "--after", "HEAD", "--n", "3", "--runs", "1", "--warmup", "0", "--out", str(tmp_path)]
    run_benchmark("compare", *args)
    document = json.loads((tmp_path / "compare.json").read_text())
    assert document["meta"]["after"] == head.stdout.strip()[:7]
    assert "with uncommitted changes" not in document["meta"]["after"]
    # The later revision's own files, exported as the earlier one's are, built the after side.
    assert (tmp_path / "after-project" / "hooks" / "health_library.py").is_file()
    assert len(list((tmp_path / "after" / ".cache" / "healthpages" / "cards").glob("*.png"))) == 3 + 3

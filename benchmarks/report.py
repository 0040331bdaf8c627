"""Summarise the runs (medians, ratios, scaling, targets) and write them as JSON, Markdown and a PNG plot."""

from __future__ import annotations

import json
import statistics
from pathlib import Path
from typing import Any, TypedDict

from benchmarks.configs import VARIANTS
from benchmarks.runner import BuildRun


class Target(TypedDict):
    what: str
    limit: float


# The targets. Each names the variant or ratio it is measured on and at which N.
TARGETS: dict[str, Target] = {
    "hooks_cost": {"what": "a/b at N=1000 (our code's cost: hooks and extension)", "limit": 1.03},
    "linear": {"what": "ms/page of (a) at N=3000 / at N=100", "limit": 1.15},
    "against_material": {"what": "a/c at N=1000 (us against Material's defaults)", "limit": 0.25},
}

RESULTS_JSON = "results.json"
RESULTS_MD = "results.md"
PLOT_PNG = "ms_per_page.png"


def summarise(runs: list[BuildRun], pages: dict[int, int]) -> dict[str, Any]:
    """Median seconds, ms per page and peak MB per (N, variant); ratios per N; scaling per variant."""
    sizes = sorted({run.n for run in runs})
    rows: list[dict[str, Any]] = []
    for n in sizes:
        for variant in VARIANTS:
            counted = [r for r in runs if r.n == n and r.variant == variant and not r.warmup]
            if not counted:
                continue
            median = statistics.median(r.seconds for r in counted)
            cpu = statistics.median(r.cpu_seconds for r in counted)
            rows.append(
                {
                    "n": n,
                    "variant": variant,
                    "label": VARIANTS[variant],
                    "pages": pages[n],
                    "runs": len(counted),
                    "seconds": [r.seconds for r in counted],
                    "median_s": round(median, 3),
                    "ms_per_page": round(median * 1000 / pages[n], 2),
                    "median_cpu_s": round(cpu, 3),
                    "cpu_ms_per_page": round(cpu * 1000 / pages[n], 2),
                    "peak_mb": max(r.peak_mb for r in counted),
                    "warnings": max(r.warnings for r in counted),
                }
            )
    by = {(row["n"], row["variant"]): row for row in rows}
    ratios: dict[str, dict[str, float]] = {}
    for n in sizes:
        entry: dict[str, float] = {}
        for name, (top, bottom) in {"a/b": ("a", "b"), "a/c": ("a", "c")}.items():
            if (n, top) in by and (n, bottom) in by:
                entry[name] = round(by[n, top]["median_s"] / by[n, bottom]["median_s"], 3)
                # The same ratio from CPU time, a cross-check when other work shares the machine.
                entry[f"{name} cpu"] = round(by[n, top]["median_cpu_s"] / by[n, bottom]["median_cpu_s"], 3)
        ratios[str(n)] = entry
    scaling = {}
    if len(sizes) > 1:
        small, large = sizes[0], sizes[-1]
        for variant in VARIANTS:
            if (small, variant) in by and (large, variant) in by:
                scaling[variant] = {
                    "from_n": small,
                    "to_n": large,
                    "ratio": round(by[large, variant]["ms_per_page"] / by[small, variant]["ms_per_page"], 3),
                    "cpu_ratio": round(
                        by[large, variant]["cpu_ms_per_page"] / by[small, variant]["cpu_ms_per_page"], 3
                    ),
                }
    return {
        "sizes": sizes,
        "variants": VARIANTS,
        "rows": rows,
        "ratios": ratios,
        "scaling": scaling,
        "targets": targets(by, ratios),
    }


def targets(by: dict[tuple[int, str], dict[str, Any]], ratios: dict[str, dict[str, float]]) -> dict[str, Any]:
    def verdict(value: float | None, limit: float, note: str = "") -> dict[str, Any]:
        met = None if value is None else value <= limit
        return {"value": value, "limit": limit, "met": met, "note": note}

    out = {}
    a_b = ratios.get("1000", {}).get("a/b")
    out["hooks_cost"] = verdict(a_b, TARGETS["hooks_cost"]["limit"], "" if a_b else "N=1000 not measured")
    a_c = ratios.get("1000", {}).get("a/c")
    out["against_material"] = verdict(a_c, TARGETS["against_material"]["limit"], "" if a_c else "N=1000 not measured")
    if (3000, "a") in by and (100, "a") in by:
        out["linear"] = verdict(
            round(by[3000, "a"]["ms_per_page"] / by[100, "a"]["ms_per_page"], 3), TARGETS["linear"]["limit"]
        )
    else:
        sizes = sorted(n for n, v in by if v == "a")
        value = None
        note = "N=3000 not measured (run with --large)"
        if len(sizes) > 1:
            value = round(by[sizes[-1], "a"]["ms_per_page"] / by[sizes[0], "a"]["ms_per_page"], 3)
            note += f"; shown instead: N={sizes[-1]} / N={sizes[0]}"
        out["linear"] = {**verdict(value, TARGETS["linear"]["limit"], note), "met": None}
    for key, target in out.items():
        target["what"] = TARGETS[key]["what"]
    return out


def _fmt(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def markdown(summary: dict[str, Any]) -> str:
    lines = [
        "| N | variant | median s | ms/page | CPU s (median) | CPU ms/page | peak MB | runs |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in summary["rows"]:
        lines.append(
            f"| {row['n']:,} | ({row['variant']}) {row['label']} | {row['median_s']:.2f} | "
            f"{row['ms_per_page']:.1f} | {row['median_cpu_s']:.2f} | {row['cpu_ms_per_page']:.1f} | "
            f"{row['peak_mb']:.0f} | {row['runs']} |"
        )
    lines += [
        "",
        "| N | a/b (our code's cost) | a/c (us / Material defaults) | a/b from CPU time | a/c from CPU time |",
        "|---:|---:|---:|---:|---:|",
    ]
    for n, ratio in summary["ratios"].items():
        lines.append(
            f"| {int(n):,} | {_fmt(ratio.get('a/b'), 3)} | {_fmt(ratio.get('a/c'), 3)} | "
            f"{_fmt(ratio.get('a/b cpu'), 3)} | {_fmt(ratio.get('a/c cpu'), 3)} |"
        )
    if summary["scaling"]:
        lines += ["", "| variant | scaling: ms/page at largest N / at smallest N | from CPU time |", "|---|---:|---:|"]
        for variant, scale in summary["scaling"].items():
            lines.append(
                f"| ({variant}) {VARIANTS[variant]} | {scale['ratio']:.2f} "
                f"(N={scale['to_n']:,} / N={scale['from_n']:,}) | {scale['cpu_ratio']:.2f} |"
            )
    lines += ["", "| target | limit | measured | met? |", "|---|---:|---:|---|"]
    for target in summary["targets"].values():
        met = {True: "yes", False: "**no**", None: "n/a"}[target["met"]]
        note = f" ({target['note']})" if target["note"] else ""
        lines.append(f"| {target['what']} | {target['limit']} | {_fmt(target['value'], 3)} | {met}{note} |")
    return "\n".join(lines) + "\n"


def serve_markdown(serve: list[dict[str, Any]]) -> str:
    lines = [
        "| site | mode | pages | initial build s | edit to served page s (median) | each edit s | rebuild s (log) |",
        "|---|---|---:|---:|---:|---|---|",
    ]
    for entry in serve:
        if entry.get("error"):
            lines.append(
                f"| {entry['site']} | {entry['mode']} | {entry.get('pages', '')} | | error: {entry['error']} | | |"
            )
            continue
        each = ", ".join(f"{s:.2f}" for s in entry["edit_seconds"])
        builds = ", ".join("n/a" if s is None else f"{s:.2f}" for s in entry["rebuild_log_seconds"])
        lines.append(
            f"| {entry['site']} | {entry['mode']} | {entry['pages']} | {entry['startup_seconds']:.1f} | "
            f"{entry['median_edit_seconds']:.2f} | {each} | {builds} |"
        )
    return "\n".join(lines) + "\n"


def plot(summary: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(7, 4.5), dpi=120)
    for variant, label in VARIANTS.items():
        rows = [r for r in summary["rows"] if r["variant"] == variant]
        if rows:
            axes.plot(
                [r["n"] for r in rows], [r["ms_per_page"] for r in rows], marker="o", label=f"({variant}) {label}"
            )
    axes.set_xscale("log")
    axes.set_xticks(summary["sizes"], [f"{n:,}" for n in summary["sizes"]])
    axes.minorticks_off()
    axes.set_ylim(bottom=0)
    axes.set_xlabel("pages in the corpus (N)")
    axes.set_ylabel("build time per page (ms, median)")
    axes.set_title("mkdocs build: ms per page against N")
    axes.grid(True, alpha=0.3)
    axes.legend()
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)


def write(out: Path, document: dict[str, Any], with_plot: bool = True) -> str:
    """Write results.json, results.md and the plot; returns the Markdown that was written."""
    out.mkdir(parents=True, exist_ok=True)
    meta = document.get("meta") or {}
    text = "## Build time\n\n"
    if meta.get("warning"):
        text += f"**Warning: {meta['warning']}.**\n\n"
    text += markdown(document["summary"])
    if document.get("serve"):
        text += "\n## Live preview (mkdocs serve): one page edited\n\n" + serve_markdown(document["serve"])
    if document.get("profile"):
        text += f"\nProfile of one N={document['profile']['n']:,} build of (a): {document['profile']['markdown']}\n"
    (out / RESULTS_MD).write_text(text, encoding="utf-8")
    if with_plot and document["summary"]["rows"]:
        plot(document["summary"], out / PLOT_PNG)
        document["plot"] = PLOT_PNG
    (out / RESULTS_JSON).write_text(json.dumps(document, indent=2, default=str) + "\n", encoding="utf-8")
    return text

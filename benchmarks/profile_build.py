"""Profile one build in-process with cProfile and attribute its time to the phases of a build.

    python -m benchmarks.profile_build --config <site>/mkdocs-a.yml --out benchmarks/output --n 1000

Each function's own (self) time is attributed to a phase: Markdown conversion (python-markdown,
pymdownx, MkDocs' link and title processors), our hooks (anything under the project's hooks/
folder), template rendering (Jinja2 and the compiled templates), the search index, reading and
writing files, or other. A function that belongs to no phase (a builtin such as `re.Pattern.sub`,
`lxml`, `pydantic`, `yaml`) inherits the phases of its callers, in proportion to the time it spent
for each caller; so time spent in lxml on behalf of our hooks counts as our hooks.

cProfile slows Python code down unevenly, and it merges functions that share a file (python-markdown
and Material's search both run a copy of `html.parser`), so the phase shares are also measured a
second way, without the profiler, in a fresh process: the CPU time spent inside each phase's entry
points (`Page.render`, `jinja2.Template.render`, each plugin's and hook's event handlers, Markdown
processors defined in hooks/, `write_file`/`copy_file`/`File.content_string`), nested phases
excluded. That table is the one to quote; the profile says which functions the time is spent in.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import logging
import os
import pstats
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

MARKDOWN, HOOKS, TEMPLATES, SEARCH, FILES, OTHER = (
    "Markdown conversion",
    "our hooks",
    "template rendering",
    "search index",
    "reading and writing files",
    "other",
)
PHASES = (MARKDOWN, HOOKS, TEMPLATES, SEARCH, FILES, OTHER)
TEMPLATE_SUFFIXES = (".html", ".xml", ".txt", ".js")
# Page.render and the tree processors MkDocs adds to python-markdown start at this line of pages.py.
PAGES_RENDER_LINE = 263

Func = tuple[str, int, str]


def phase_of(func: Func, hooks_dir: str) -> str | None:
    """The phase a function belongs to by its file, or None for one that inherits its callers' phase."""
    filename, line, name = func
    if filename == "~":  # builtins and C extensions
        return None
    path = filename.replace("\\", "/")
    if path.startswith(hooks_dir):
        return HOOKS
    if "/mkdocs/contrib/search/" in path or "/material/plugins/search/" in path:
        return SEARCH
    if (
        "/jinja2/" in path
        or path.endswith(TEMPLATE_SUFFIXES)
        or path.endswith("/mkdocs/utils/templates.py")
        or path.endswith("/mkdocs/utils/filters.py")
    ):
        return TEMPLATES
    if (
        "/markdown/" in path
        or "/pymdownx/" in path
        or "/material/extensions/" in path
        or path.endswith("/mkdocs/structure/toc.py")
    ):
        return MARKDOWN
    if path.endswith("/mkdocs/structure/pages.py") and line >= PAGES_RENDER_LINE:
        return MARKDOWN
    if path.endswith("/mkdocs/utils/__init__.py") and name in ("write_file", "copy_file"):
        return FILES
    if path.endswith("/mkdocs/structure/files.py") and name in ("content_bytes", "content_string", "copy_file"):
        return FILES
    return None


def template_of(func: Func) -> str | None:
    filename = func[0].replace("\\", "/")
    if filename.endswith(TEMPLATE_SUFFIXES):
        parts = filename.split("/")
        # material/templates/partials/nav-item.html -> partials/nav-item.html; overrides/main.html stays.
        for anchor in ("templates", "overrides"):
            if anchor in parts:
                index = len(parts) - 1 - parts[::-1].index(anchor)
                prefix = "overrides/" if anchor == "overrides" else "material/"
                return prefix + "/".join(parts[index + 1 :])
        return parts[-1]
    return None


def attribute(
    stats: dict[Func, tuple], key: Callable[[Func], str | None], root: str
) -> tuple[dict[str, float], dict[Func, dict[str, float]]]:
    """Seconds of self time per label, and each function's shares of labels.

    Unlabelled functions share their callers' labels; a function nobody calls (the build itself) gets `root`.
    """
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 20000))
    memo: dict[Func, dict[str, float]] = {}

    def shares(func: Func, stack: frozenset[Func]) -> dict[str, float]:
        if func in memo:
            return memo[func]
        own = key(func)
        if own is not None:
            memo[func] = {own: 1.0}
            return memo[func]
        callers = {c: v for c, v in stats[func][4].items() if c != func and c not in stack and c in stats}
        result: dict[str, float] = defaultdict(float)
        if not callers:
            result[root] = 1.0
        else:
            # Weight each caller by the time this function spent for it, callees included (then self
            # time, then calls): the time that flows down through a thin wrapper follows its callers.
            for index in (3, 2, 1):
                total = sum(v[index] for v in callers.values())
                if total > 0:
                    break
            for caller, value in callers.items():
                weight = value[index] / total if total > 0 else 1 / len(callers)
                if weight:
                    for label, share in shares(caller, stack | {func}).items():
                        result[label] += weight * share
        memo[func] = dict(result)
        return memo[func]

    seconds: dict[str, float] = defaultdict(float)
    for func, (_, _, tottime, _, _) in stats.items():
        for label, share in shares(func, frozenset()).items():
            seconds[label] += tottime * share
    return dict(seconds), memo


class PhaseTimer:
    """CPU time per phase from wrapped entry points; a nested phase pauses the one that called it."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.stack: list[list] = []  # [phase, started]

    def wrap(self, phase: str, function: Callable) -> Callable:
        def timed(*args: Any, **kwargs: Any) -> Any:
            now = time.process_time()
            if self.stack:
                top = self.stack[-1]
                self.seconds[top[0]] += now - top[1]
            self.stack.append([phase, now])
            try:
                return function(*args, **kwargs)
            finally:
                done = time.process_time()
                finished = self.stack.pop()
                self.seconds[finished[0]] += done - finished[1]
                if self.stack:
                    self.stack[-1][1] = done

        timed.__wrapped__ = function  # type: ignore[attr-defined]
        return timed


def _plugin_phase(method: Callable, hooks_dir: str) -> str:
    code = getattr(getattr(method, "__func__", method), "__code__", None)
    filename = (code.co_filename if code else "").replace("\\", "/")
    if filename.startswith(hooks_dir):
        return HOOKS
    if "/mkdocs/contrib/search/" in filename or "/material/plugins/search/" in filename:
        return SEARCH
    return OTHER


def time_phases(config_file: Path, hooks_dir: str) -> dict[str, Any]:
    """Build once without the profiler, timing each phase's entry points (CPU seconds)."""
    import jinja2
    import markdown
    from mkdocs import utils
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.config.config_options import Hooks
    from mkdocs.structure.files import File
    from mkdocs.structure.pages import Page

    timer = PhaseTimer()
    # Importing the hook modules (and pydantic, lxml, phonenumbers with them) is part of our hooks' cost.
    Hooks._load_hook = timer.wrap(HOOKS, Hooks._load_hook)
    Page.render = timer.wrap(MARKDOWN, Page.render)
    jinja2.Template.render = timer.wrap(TEMPLATES, jinja2.Template.render)
    utils.write_file = timer.wrap(FILES, utils.write_file)
    utils.copy_file = timer.wrap(FILES, utils.copy_file)
    File.content_string = property(timer.wrap(FILES, File.content_string.fget), File.content_string.fset)
    site_dir = tempfile.mkdtemp(prefix="bench-phases-")
    start = time.process_time()
    wall = time.perf_counter()
    try:
        config = load_config(str(config_file), site_dir=site_dir)
        for event, methods in config.plugins.events.items():
            config.plugins.events[event] = [timer.wrap(_plugin_phase(m, hooks_dir), m) for m in methods]
        # Markdown processors that hooks add (the FAQ tree processor) run inside Markdown conversion.
        kinds = (
            markdown.treeprocessors.Treeprocessor,
            markdown.preprocessors.Preprocessor,
            markdown.postprocessors.Postprocessor,
        )
        for module in list(sys.modules.values()):
            if (getattr(module, "__file__", "") or "").replace("\\", "/").startswith(hooks_dir):
                for value in list(vars(module).values()):
                    if isinstance(value, type) and issubclass(value, kinds) and "run" in vars(value):
                        value.run = timer.wrap(HOOKS, vars(value)["run"])
        config.plugins.on_startup(command="build", dirty=False)
        build(config)
        config.plugins.on_shutdown()
    finally:
        shutil.rmtree(site_dir, ignore_errors=True)
    total = time.process_time() - start
    seconds = dict(timer.seconds)
    seconds[OTHER] = seconds.get(OTHER, 0.0) + total - sum(timer.seconds.values())
    return {
        "cpu_seconds": round(total, 2),
        "wall_seconds": round(time.perf_counter() - wall, 2),
        "phases": {
            p: {"seconds": round(seconds.get(p, 0.0), 2), "share": round(seconds.get(p, 0.0) / total, 4)}
            for p in PHASES
        },
    }


def describe(func: Func) -> tuple[str, str]:
    filename, line, name = func
    if filename == "~":
        return name, "builtin"
    path = filename.replace("\\", "/")
    stdlib = sysconfig.get_paths()["stdlib"].replace("\\", "/") + "/"
    if path.startswith(stdlib):
        return name, f"(stdlib) {path[len(stdlib) :]}:{line}"
    for marker in ("site-packages/", "/hooks/", "/benchmarks/"):
        if marker in path:
            path = ("hooks/" if marker == "/hooks/" else "") + path.split(marker, 1)[1]
            break
    return name, f"{path}:{line}"


def analyse(stats: dict[Func, tuple], hooks_dir: str, wall_seconds: float, top: int = 10) -> dict[str, Any]:
    phases, shares = attribute(stats, lambda f: phase_of(f, hooks_dir), OTHER)
    total = sum(phases.values())
    expensive = sorted(stats.items(), key=lambda item: item[1][2], reverse=True)[:top]
    top_functions = []
    for func, (_, nc, tottime, cumtime, _) in expensive:
        name, where = describe(func)
        top_functions.append(
            {
                "function": name,
                "where": where,
                "phase": max(shares[func], key=shares[func].get),
                "self_s": round(tottime, 3),
                "cumulative_s": round(cumtime, 3),
                "calls": nc,
            }
        )
    # Per phase, the functions of that phase whose cumulative time is largest: where the time goes in.
    entry_points: dict[str, list[dict[str, Any]]] = {}
    for phase in PHASES:
        owned = [(f, v) for f, v in stats.items() if phase_of(f, hooks_dir) == phase]
        owned.sort(key=lambda item: item[1][3], reverse=True)
        entry_points[phase] = [
            {"function": describe(f)[0], "where": describe(f)[1], "cumulative_s": round(v[3], 3), "calls": v[1]}
            for f, v in owned[:3]
        ]
    templates, _ = attribute(stats, template_of, "(outside templates)")
    templates.pop("(outside templates)", None)
    return {
        "wall_seconds_under_profiler": round(wall_seconds, 2),
        "profiled_seconds": round(total, 2),
        "phases": {
            p: {"seconds": round(phases.get(p, 0.0), 2), "share": round(phases.get(p, 0.0) / total, 4)} for p in PHASES
        },
        "top_functions": top_functions,
        "entry_points": entry_points,
        "templates": {
            name: {"seconds": round(s, 2), "share": round(s / total, 4)}
            for name, s in sorted(templates.items(), key=lambda item: -item[1])[:12]
        },
    }


def markdown(result: dict[str, Any], n: int) -> str:
    lines = [
        f"# Profile of one N={n:,} build of variant (a)",
        "",
        "Phases: CPU seconds inside each phase's entry points in a build without the profiler "
        f"({result['timing']['cpu_seconds']} s CPU, {result['timing']['wall_seconds']} s wall), and the same "
        f"phases attributed from the cProfile run ({result['wall_seconds_under_profiler']} s wall under the "
        "profiler, which slows Python code down unevenly).",
        "",
        "| phase | CPU s, no profiler | share | cProfile s (attributed) | share |",
        "|---|---:|---:|---:|---:|",
    ]
    for phase, value in result["phases"].items():
        timed = result["timing"]["phases"][phase]
        lines.append(
            f"| {phase} | {timed['seconds']:.2f} | {timed['share']:.1%} | {value['seconds']:.2f} | "
            f"{value['share']:.1%} |"
        )
    lines += ["", "## The ten most expensive functions (self time), grouped by phase", ""]
    for phase in PHASES:
        rows = [f for f in result["top_functions"] if f["phase"] == phase]
        if not rows:
            continue
        lines += [
            f"### {phase}",
            "",
            "| function | where | self s | cumulative s | calls |",
            "|---|---|---:|---:|---:|",
        ]
        lines += [
            f"| `{r['function']}` | {r['where']} | {r['self_s']:.2f} | {r['cumulative_s']:.2f} | {r['calls']:,} |"
            for r in rows
        ]
        lines.append("")
    lines += [
        "## Where each phase is entered (largest cumulative time of the phase's own functions)",
        "",
        "| phase | function | where | cumulative s | calls |",
        "|---|---|---|---:|---:|",
    ]
    for phase, rows in result["entry_points"].items():
        lines += [
            f"| {phase} | `{r['function']}` | {r['where']} | {r['cumulative_s']:.2f} | {r['calls']:,} |" for r in rows
        ]
    lines += [
        "",
        "## Template rendering by template file (with what the template calls)",
        "",
        "| template | seconds | share of the build |",
        "|---|---:|---:|",
    ]
    lines += [f"| {name} | {v['seconds']:.2f} | {v['share']:.1%} |" for name, v in result["templates"].items()]
    return "\n".join(lines) + "\n"


def profile(config_file: Path, out: Path, n: int, hooks_dir: Path) -> dict[str, Any]:
    """The phase timing (in a fresh process, no profiler), then one build under cProfile in this process."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    hooks = str(hooks_dir.resolve()).replace("\\", "/") + "/"
    out.mkdir(parents=True, exist_ok=True)
    timing_file = out / f"phases-n{n}.json"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.profile_build",
            "--config",
            str(config_file),
            "--out",
            str(out),
            "--n",
            str(n),
            "--hooks-dir",
            str(hooks_dir),
            "--phases-only",
        ],
        check=True,
    )
    timing = json.loads(timing_file.read_text(encoding="utf-8"))
    site_dir = tempfile.mkdtemp(prefix=f"bench-profile-n{n}-")
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.enable()
    try:
        config = load_config(str(config_file), site_dir=site_dir)
        config.plugins.on_startup(command="build", dirty=False)
        build(config)
        config.plugins.on_shutdown()
    finally:
        profiler.disable()
        shutil.rmtree(site_dir, ignore_errors=True)
    wall = time.perf_counter() - start
    prof = out / f"profile-n{n}.prof"
    profiler.dump_stats(prof)
    stats = pstats.Stats(str(prof)).stats  # type: ignore[attr-defined]
    result = analyse(stats, hooks, wall)
    result.update(n=n, prof_file=prof.name, timing=timing)
    (out / f"profile-n{n}.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    (out / f"profile-n{n}.md").write_text(markdown(result, n), encoding="utf-8")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--n", type=int, required=True)
    parser.add_argument("--hooks-dir", type=Path, default=Path(__file__).resolve().parent.parent / "hooks")
    parser.add_argument("--phases-only", action="store_true", help="only the phase timing, without the profiler")
    args = parser.parse_args(argv)
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s - %(message)s")
    if args.phases_only:
        hooks = str(args.hooks_dir.resolve()).replace("\\", "/") + "/"
        timing = time_phases(args.config, hooks)
        (args.out / f"phases-n{args.n}.json").write_text(json.dumps(timing, indent=2) + "\n", encoding="utf-8")
    else:
        profile(args.config, args.out, args.n, args.hooks_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())

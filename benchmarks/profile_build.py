"""Profile one build in-process and attribute its time to the phases of the product's pipeline.

    python -m benchmarks.profile_build --config <site>/mkdocs-a.yml --out benchmarks/output --n 1000

The phases follow a page through the build: Markdown conversion (Python-Markdown, pymdownx, MkDocs'
link processors and our extension's tree processors: FAQ, tables, references, slots, page data),
the content policy (`content_policy.check_tree`, `check_raw_html`), readability (`readability.prose`,
`measure`), the sanitiser (`render.finish_content`), reading and validating the front matter
(`LibraryBuilder.read_page`), completing the library (`LibraryBuilder.complete`: cross-page checks,
review state, the JSON-LD graphs), rendering our blocks into the page (`render.finish_page`, with
the page's Content-Security-Policy), drawing the social cards (`social_cards.write_cards`),
Material's templates, the search index, reading and writing files, the rest of our code (importing
it, the MkDocs adapter, data files, sitemap, robots.txt) and other (MkDocs itself).

Two measurements:

1. Without the profiler, in a fresh process (`--phases-only`): the CPU time spent inside each phase's
   entry points, wrapped for the run; a nested phase pauses the phase that called it (the content
   policy pauses Markdown conversion, our blocks' Jinja templates pause the MkDocs event that renders
   them). The social cards' row includes the CPU of the helper process that draws missing cards on
   another core (the build's only child process: the copy that converts pages on a second core is
   turned off, so every page is converted where its phases are timed). This table is the one to quote.
2. The same build under cProfile: each function's own time is attributed to a phase by its file (and,
   in our modules, its name); a function of no phase (a builtin, Jinja2's runtime, `nh3`, `pydantic`,
   `yaml`, `textstat`) inherits its callers' phases in proportion to the time it spent for each. It
   says which functions the time is spent in; cProfile slows Python code down unevenly and merges the
   copies of `html.parser` (Python-Markdown's, the content policy's and the search plugin's).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import logging
import os
import resource
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

MARKDOWN = "Markdown conversion (incl. our extension's tree processors)"
EXTENSION = "  of which our extension's tree processors (FAQ, tables, references, page data)"
POLICY = "content policy (content_policy.check_tree, check_raw_html)"
READABILITY = "readability (readability.prose, measure)"
SANITISER = "sanitiser (render.finish_content)"
FRONT_MATTER = "front matter: read and validate (library.read_page)"
LIBRARY = "completing the library (library.complete, incl. JSON-LD)"
BLOCKS = "our blocks into the page (render.finish_page)"
CARDS = "social cards (social_cards.write_cards)"
TEMPLATES = "Material's templates"
SEARCH = "search index"
FILES = "reading and writing files"
HOOKS = "our other code (imports, MkDocs adapter, data files, sitemap)"
OTHER = "other (MkDocs itself)"
# The rows of the tables. EXTENSION is part of MARKDOWN: its row says how much of that phase is ours.
PHASES = (
    MARKDOWN,
    EXTENSION,
    POLICY,
    READABILITY,
    SANITISER,
    FRONT_MATTER,
    LIBRARY,
    BLOCKS,
    CARDS,
    TEMPLATES,
    SEARCH,
    FILES,
    HOOKS,
    OTHER,
)
TEMPLATE_SUFFIXES = (".html", ".xml", ".txt", ".js")
# Page.render and the tree processors MkDocs adds to python-markdown start at this line of pages.py.
PAGES_RENDER_LINE = 263
# Our modules whose functions belong to one phase; the others' functions are named below or inherit.
MODULE_PHASES = {
    "extension.py": EXTENSION,
    "faq.py": EXTENSION,
    "tables.py": EXTENSION,
    "references.py": EXTENSION,
    "readability.py": READABILITY,
    "social_cards.py": CARDS,
}
# Our modules of shared helpers (page model, YAML, JSON-LD, review state): their time follows their callers.
INHERITING_MODULES = {
    "front_matter.py",
    "page_model.py",
    "validation.py",
    "problems.py",
    "scaffold.py",
    "text_source.py",
    "page_data.py",
    "settings.py",
    "structured_data.py",
    "review.py",
    "health_aspects.py",
    "security_policy.py",
}
LIBRARY_READING = {"read_page", "read_bytes"}
LIBRARY_COMPLETING = {
    "complete",
    "_url_of",
    "_check_profiles",
    "_nav_order",
    "_breadcrumb",
    "_result",
    "_topic_result",
}
# MkDocs' functions that render a theme template for a page (its Jinja2 calls inherit this phase).
THEME_RENDERING = {"_build_page", "_build_template", "_build_theme_template", "_build_extra_template", "get_context"}

Func = tuple[str, int, str]
CallerStat = tuple[int, int, float, float]
Stat = tuple[int, int, float, float, dict[Func, CallerStat]]


def _our_phase(relative: str, name: str) -> str | None:
    """The phase of a function in the project's hooks/ folder, by module and name (None: inherit)."""
    module = relative.rsplit("/", 1)[-1]
    if name == "<module>":
        return HOOKS  # importing our modules (and the libraries they import)
    if relative.startswith("healthpages/templates/"):
        return BLOCKS
    if module in MODULE_PHASES:
        return MODULE_PHASES[module]
    if module == "content_policy.py":
        return SANITISER if name == "sanitize" else POLICY
    if module == "render.py":
        return SANITISER if name == "finish_content" else BLOCKS
    if module == "library.py":
        if name in LIBRARY_READING:
            return FRONT_MATTER
        return LIBRARY if name in LIBRARY_COMPLETING else None
    if module in INHERITING_MODULES:
        return None
    return HOOKS


def phase_of(func: Func, hooks_dir: str) -> str | None:
    """The phase a function belongs to by its file, or None for one that inherits its callers' phase."""
    filename, line, name = func
    if filename == "~":  # builtins and C extensions
        return None
    path = filename.replace("\\", "/")
    if path.startswith(hooks_dir):
        return _our_phase(path[len(hooks_dir) :], name)
    if "/mkdocs/contrib/search/" in path or "/material/plugins/search/" in path:
        return SEARCH
    if path.endswith("/mkdocs/commands/build.py") and name in THEME_RENDERING:
        return TEMPLATES
    if path.endswith(TEMPLATE_SUFFIXES):
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
        # .../healthpages/templates/blocks/head.html -> healthpages/blocks/head.html;
        # .../material/templates/partials/nav-item.html -> material/partials/nav-item.html.
        for anchor, prefix in (("templates", "material/"), ("overrides", "overrides/")):
            if anchor in parts:
                index = len(parts) - 1 - parts[::-1].index(anchor)
                if anchor == "templates" and index > 0 and parts[index - 1] == "healthpages":
                    prefix = "healthpages/"
                return prefix + "/".join(parts[index + 1 :])
        return parts[-1]
    return None


def attribute(
    stats: dict[Func, Stat], key: Callable[[Func], str | None], root: str
) -> tuple[dict[str, float], dict[Func, dict[str, float]]]:
    """Seconds of self time per label, and each function's shares of labels.

    A function without a label of its own takes its callers' labels, each caller weighted by the time
    the function spent for it (callees included; else self time, else calls): time that flows down
    through a thin wrapper or a recursive helper follows whoever called it. The shares are solved as a
    fixed point, so recursion (copy.deepcopy, Jinja2's compiler) is followed to the code that entered
    it. A function nobody calls (the build itself), or one reached only from such functions, gets `root`.
    """
    fixed: dict[Func, dict[str, float]] = {}
    callers_of: dict[Func, list[tuple[Func, float]]] = {}
    for func, stat in stats.items():
        own = key(func)
        callers = {c: v for c, v in stat[4].items() if c != func and c in stats}
        if own is not None or not callers:
            fixed[func] = {own if own is not None else root: 1.0}
            continue
        total: float = 0
        for index in (3, 2, 1):
            total = sum(v[index] for v in callers.values())
            if total > 0:
                break
        callers_of[func] = [(c, v[index] / total if total > 0 else 1 / len(callers)) for c, v in callers.items()]
    shares: dict[Func, dict[str, float]] = {**fixed, **{func: {} for func in callers_of}}
    # Callers before callees (a caller's time includes its callees'), so one pass reaches down a call chain.
    order = sorted(callers_of.items(), key=lambda item: -stats[item[0]][3])
    for _ in range(50):  # recursion converges slowly; shares to 0.01% are plenty for a table in seconds
        change = 0.0
        for func, weighted in order:
            mixed: dict[str, float] = defaultdict(float)
            for caller, weight in weighted:
                for label, share in shares[caller].items():
                    mixed[label] += weight * share
            previous = shares[func]
            for label, share in mixed.items():
                change = max(change, abs(share - previous.get(label, 0.0)))
            shares[func] = dict(mixed)
        if change < 1e-4:
            break
    for func in callers_of:
        # Recursion converges slowly: the proportions are right before the sum is 1. A cycle that no
        # labelled function enters (nothing reached it) belongs to the root.
        total = sum(shares[func].values())
        shares[func] = {label: share / total for label, share in shares[func].items()} if total > 0 else {root: 1.0}
    seconds: dict[str, float] = defaultdict(float)
    for func, (_, _, tottime, _, _) in stats.items():
        for label, share in shares[func].items():
            seconds[label] += tottime * share
    return dict(seconds), shares


class PhaseTimer:
    """CPU time per phase from wrapped entry points; a nested phase pauses the one that called it."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.stack: list[tuple[str, float]] = []  # (phase, started or resumed at)

    def enter(self, phase: str) -> None:
        now = time.process_time()
        if self.stack:
            caller, since = self.stack[-1]
            self.seconds[caller] += now - since
        self.stack.append((phase, now))

    def leave(self) -> None:
        now = time.process_time()
        phase, since = self.stack.pop()
        self.seconds[phase] += now - since
        if self.stack:
            self.stack[-1] = (self.stack[-1][0], now)

    def wrap(self, phase: str | Callable[..., str], function: Callable[..., Any]) -> Callable[..., Any]:
        """`function`, timed as `phase` (or as the phase `phase(*args)` names for this call)."""

        def timed(*args: Any, **kwargs: Any) -> Any:
            self.enter(phase if isinstance(phase, str) else phase(*args))
            try:
                return function(*args, **kwargs)
            finally:
                self.leave()

        return timed

    def patch(self, owner: object, name: str, phase: str | Callable[..., str]) -> None:
        """Replace `owner.name` (a function, method or property) by its timed version, for this process."""
        current = vars(owner)[name] if isinstance(owner, type) else getattr(owner, name)
        if isinstance(current, property):
            assert current.fget is not None
            setattr(owner, name, property(self.wrap(phase, current.fget), current.fset))
        else:
            setattr(owner, name, self.wrap(phase, current))


def _plugin_phase(method: Callable[..., Any], hooks_dir: str) -> str:
    code = getattr(getattr(method, "__func__", method), "__code__", None)
    filename = (code.co_filename if code else "").replace("\\", "/")
    if filename.startswith(hooks_dir):
        return HOOKS
    if "/mkdocs/contrib/search/" in filename or "/material/plugins/search/" in filename:
        return SEARCH
    return OTHER


def _patch_product(timer: PhaseTimer) -> None:
    """Time the product's entry points: each phase of the pipeline that runs inside an MkDocs event."""
    import jinja2
    import markdown

    from healthpages import content_policy, library, readability, render
    from healthpages.engines import mkdocs as engine

    timer.patch(library.LibraryBuilder, "read_page", FRONT_MATTER)
    timer.patch(library.LibraryBuilder, "complete", LIBRARY)
    timer.patch(content_policy, "check_tree", POLICY)
    timer.patch(content_policy, "check_raw_html", POLICY)
    timer.patch(readability, "prose", READABILITY)
    timer.patch(readability, "measure", READABILITY)
    # The MkDocs adapter imported these by name: its names are the ones the build calls.
    timer.patch(engine, "finish_content", SANITISER)
    for name in ("finish_page", "finish_not_found"):
        timer.patch(engine, name, BLOCKS)
    timer.patch(engine, "write_cards", CARDS)

    # Our blocks are Jinja2 templates too, rendered by our own environment inside finish_page.
    def template_phase(template: jinja2.Template, *args: Any, **kwargs: Any) -> str:
        return BLOCKS if template.environment is render._ENV else TEMPLATES

    timer.patch(jinja2.Template, "render", template_phase)
    # The extension's processors run inside Markdown conversion (Page.render).
    kinds = (markdown.treeprocessors.Treeprocessor, markdown.preprocessors.Preprocessor)
    for module in list(sys.modules.values()):
        if module is not None and module.__name__.startswith("healthpages."):
            for value in list(vars(module).values()):
                if isinstance(value, type) and issubclass(value, kinds) and "run" in vars(value):
                    timer.patch(value, "run", EXTENSION)


def time_phases(config_file: Path, hooks_dir: str) -> dict[str, Any]:
    """Build once without the profiler, timing each phase's entry points (CPU seconds)."""
    from mkdocs import utils
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.config.config_options import Hooks
    from mkdocs.structure.files import File
    from mkdocs.structure.pages import Page

    timer = PhaseTimer()
    # Importing the hook modules (and pydantic, nh3 and the rest with them) is part of our code's cost.
    timer.patch(Hooks, "_load_hook", HOOKS)
    timer.patch(Page, "render", MARKDOWN)
    timer.patch(utils, "write_file", FILES)
    timer.patch(utils, "copy_file", FILES)
    timer.patch(File, "content_string", FILES)
    site_dir = tempfile.mkdtemp(prefix="bench-phases-")
    start = time.process_time()
    children = _children_cpu()
    wall = time.perf_counter()
    try:
        config = load_config(str(config_file), site_dir=site_dir)
        _patch_product(timer)  # after load_config, which imports the extension's modules
        for event, methods in config.plugins.events.items():
            config.plugins.events[event] = [timer.wrap(_plugin_phase(m, hooks_dir), m) for m in methods]
        config.plugins.on_startup(command="build", dirty=False)
        build(config)
        config.plugins.on_shutdown()
    finally:
        shutil.rmtree(site_dir, ignore_errors=True)
    total = time.process_time() - start
    seconds = dict(timer.seconds)
    seconds[OTHER] = seconds.get(OTHER, 0.0) + total - sum(timer.seconds.values())
    # The build's only child process is the helper that draws the social cards on another core.
    helper = _children_cpu() - children
    seconds[CARDS] = seconds.get(CARDS, 0.0) + helper
    total += helper
    seconds[MARKDOWN] = seconds.get(MARKDOWN, 0.0) + seconds.get(EXTENSION, 0.0)
    return {
        "cpu_seconds": round(total, 2),
        "wall_seconds": round(time.perf_counter() - wall, 2),
        "phases": _phase_table(seconds, total),
    }


def _children_cpu() -> float:
    """CPU seconds of this process's finished child processes."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _phase_table(seconds: dict[str, float], total: float) -> dict[str, dict[str, float]]:
    return {
        p: {"seconds": round(seconds.get(p, 0.0), 2), "share": round(seconds.get(p, 0.0) / total, 4)} for p in PHASES
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


def _main_phase(shares: dict[str, float]) -> str:
    return max(shares.items(), key=lambda item: item[1])[0]


def analyse(stats: dict[Func, Stat], hooks_dir: str, wall_seconds: float, top: int = 10) -> dict[str, Any]:
    phases, shares = attribute(stats, lambda f: phase_of(f, hooks_dir), OTHER)
    total = sum(phases.values())
    phases[MARKDOWN] = phases.get(MARKDOWN, 0.0) + phases.get(EXTENSION, 0.0)
    expensive = sorted(stats.items(), key=lambda item: item[1][2], reverse=True)[:top]
    top_functions = []
    for func, (_, nc, tottime, cumtime, _) in expensive:
        name, where = describe(func)
        top_functions.append(
            {
                "function": name,
                "where": where,
                "phase": _main_phase(shares[func]),
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
        "phases": _phase_table(phases, total),
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
        "profiler, which slows Python code down unevenly). The indented row is part of the row above it.",
        "",
        "| phase | CPU s, no profiler | share | cProfile s (attributed) | share |",
        "|---|---:|---:|---:|---:|",
    ]
    for phase, value in result["phases"].items():
        timed = result["timing"]["phases"][phase]
        label = phase.replace("  of which", "&nbsp;&nbsp;of which")
        lines.append(
            f"| {label} | {timed['seconds']:.2f} | {timed['share']:.1%} | {value['seconds']:.2f} | "
            f"{value['share']:.1%} |"
        )
    lines += ["", "## The ten most expensive functions (self time), grouped by phase", ""]
    for phase in PHASES:
        rows = [f for f in result["top_functions"] if f["phase"] == phase]
        if not rows:
            continue
        lines += [
            f"### {phase.strip()}",
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
            f"| {phase.strip()} | `{r['function']}` | {r['where']} | {r['cumulative_s']:.2f} | {r['calls']:,} |"
            for r in rows
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


def _stats(profiler: cProfile.Profile) -> dict[Func, Stat]:
    profiler.create_stats()
    return {
        func: (cc, nc, tt, ct, {caller: (a, b, c, d) for caller, (a, b, c, d) in callers.items()})
        for func, (cc, nc, tt, ct, callers) in profiler.stats.items()
    }


def profile(config_file: Path, out: Path, n: int, hooks_dir: Path) -> dict[str, Any]:
    """The phase timing (in a fresh process, no profiler), then one build under cProfile in this process."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from benchmarks.configs import card_store

    hooks = str(hooks_dir.resolve()).replace("\\", "/") + "/"
    timing_file = out / f"phases-n{n}.json"
    # Both builds draw every social card, as (a) does in the benchmark: no store of earlier cards.
    shutil.rmtree(card_store(config_file), ignore_errors=True)
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
    shutil.rmtree(card_store(config_file), ignore_errors=True)
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
    result = analyse(_stats(profiler), hooks, wall)
    result.update(n=n, prof_file=prof.name, timing=timing)
    (out / f"profile-n{n}.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    (out / f"profile-n{n}.md").write_text(markdown(result, n), encoding="utf-8")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--n", type=int, required=True)
    parser.add_argument("--hooks-dir", type=Path, default=Path(__file__).resolve().parent.parent / "hooks")
    parser.add_argument("--phases-only", action="store_true", help="only the phase timing, without the profiler")
    args = parser.parse_args(argv)
    from healthpages.engines.render_ahead import SERIAL_VARIABLE

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    # Every page converted in the build's own process, where its phases are timed: no copy converting pages on
    # a second core (`healthpages.engines.render_ahead`), whose CPU the tables would miss or misplace.
    os.environ[SERIAL_VARIABLE] = "1"
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s - %(message)s")
    args.out.mkdir(parents=True, exist_ok=True)
    if args.phases_only:
        hooks = str(args.hooks_dir.resolve()).replace("\\", "/") + "/"
        timing = time_phases(args.config, hooks)
        (args.out / f"phases-n{args.n}.json").write_text(json.dumps(timing, indent=2) + "\n", encoding="utf-8")
    else:
        profile(args.config, args.out, args.n, args.hooks_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())

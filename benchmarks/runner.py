"""Run one `mkdocs build` in a fresh subprocess and measure its wall time and peak memory."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass
class BuildRun:
    n: int
    variant: str
    round: int
    warmup: bool
    seconds: float  # wall time
    cpu_seconds: float  # user + system CPU time of the build process: less disturbed by other load
    peak_mb: float  # the build process's maximum resident set size
    warnings: int  # WARNING lines mkdocs printed (a clean corpus prints none)
    load_1min: float | None = None  # the machine's load average when the build started

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


class BuildFailed(RuntimeError):
    pass


def build_env(hooks_dir: Path | None = None) -> dict[str, str]:
    """The environment of every measured process: no MkDocs 2 banner, no release or date overrides; with
    `hooks_dir`, the product's package is imported from there (another revision's, see compare.py)."""
    env = dict(os.environ)
    if hooks_dir is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(hooks_dir), env.get("PYTHONPATH")]))
    env["NO_MKDOCS_2_WARNING"] = "1"
    env.pop("HEALTHPAGES_RELEASE", None)
    env.pop("HEALTHPAGES_TODAY", None)
    return env


@dataclass
class Measured:
    seconds: float
    cpu_seconds: float
    peak_mb: float
    returncode: int
    stderr: str


def timed_process(args: list[str], cwd: Path, timeout: float, hooks_dir: Path | None = None) -> Measured:
    """Wall and CPU seconds, peak RSS, exit code and stderr of one child process, killed after `timeout`."""
    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as errors:
        start = time.perf_counter()
        process = subprocess.Popen(
            args, cwd=cwd, env=build_env(hooks_dir), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=errors
        )
        timer = threading.Timer(timeout, process.kill)
        timer.start()
        try:
            # wait4 reports this child's own rusage (ru_maxrss in KiB on Linux), unlike RUSAGE_CHILDREN,
            # which keeps the maximum over every child the benchmark has had so far.
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        stderr = errors.read()
    peak_kib = usage.ru_maxrss if sys.platform != "darwin" else usage.ru_maxrss / 1024
    return Measured(seconds, usage.ru_utime + usage.ru_stime, peak_kib / 1024, process.returncode, stderr)


def run_build(
    config: Path,
    *,
    n: int,
    variant: str,
    round_: int,
    warmup: bool,
    timeout: float,
    python: str = sys.executable,
    hooks_dir: Path | None = None,
) -> BuildRun:
    """`python -m mkdocs build -q -f <config> -d <tmp>` in a fresh process; the output is thrown away."""
    site_dir = tempfile.mkdtemp(prefix=f"bench-n{n}-{variant}-")
    load = round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None
    try:
        result = timed_process(
            [python, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", site_dir],
            config.parent,
            timeout,
            hooks_dir,
        )
    finally:
        shutil.rmtree(site_dir, ignore_errors=True)
    if result.returncode != 0:
        reason = f"killed after {timeout:.0f} s" if result.returncode < 0 else f"exit code {result.returncode}"
        tail = "\n".join(result.stderr.strip().splitlines()[-20:])
        raise BuildFailed(f"variant ({variant}) at N={n} failed ({reason}): {config}\n{tail}")
    warnings = sum("WARNING" in line for line in result.stderr.splitlines())
    return BuildRun(
        n,
        variant,
        round_,
        warmup,
        round(result.seconds, 4),
        round(result.cpu_seconds, 4),
        round(result.peak_mb, 1),
        warnings,
        load,
    )

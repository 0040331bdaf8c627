"""Live preview: how long after an editor saves one page does `make serve` serve the new version?

For each site and mode (a full rebuild, and `--dirty`, which rebuilds only changed pages), start
`python -m healthpages serve --port <free port>` (what `make serve` runs: MkDocs' live-reload server
with the product's error page), wait for its first build, then edit one page a
few times. Each edit inserts a unique marker sentence; the time is measured from writing the file to
the moment the served page contains the marker (polling over HTTP; MkDocs' server holds a request
until a running rebuild has finished). The log lines "Building documentation..." and "Reloading
browsers" give the rebuild's own duration. Every wait is bounded and the server is always stopped.
"""

from __future__ import annotations

import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.runner import build_env

FRONT_MATTER_END = re.compile(r"\A---\n.*?\n---\n", re.S)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class ServerLog:
    """Lines the server prints, with the time each arrived."""

    lines: list[tuple[float, str]] = field(default_factory=list)
    changed: threading.Condition = field(default_factory=threading.Condition)

    def follow(self, stream: Iterable[str]) -> None:
        for line in stream:
            with self.changed:
                self.lines.append((time.perf_counter(), line.rstrip()))
                self.changed.notify_all()

    def wait_for(self, text: str, after: float, timeout: float, process: subprocess.Popen[str]) -> float | None:
        """Time of the first line containing `text` that arrived after `after`, or None on timeout/exit."""
        deadline = time.perf_counter() + timeout
        with self.changed:
            while True:
                found = self.first(text, after)
                if found is not None:
                    return found
                remaining = deadline - time.perf_counter()
                if remaining <= 0 or process.poll() is not None:
                    return None
                self.changed.wait(min(remaining, 0.5))

    def first(self, text: str, after: float) -> float | None:
        return next((t for t, line in self.lines if t >= after and text in line), None)

    def tail(self, count: int = 15) -> str:
        return "\n".join(line for _, line in self.lines[-count:])


def fetch(url: str, timeout: float) -> str:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        body: bytes = response.read()
    return body.decode("utf-8", "replace")


def _edited(original: str, marker: str) -> str:
    match = FRONT_MATTER_END.match(original)
    cut = match.end() if match else 0
    return original[:cut] + f"\nEdited by the build benchmark: {marker}.\n" + original[cut:]


def stop(process: subprocess.Popen[str]) -> None:
    """Ctrl-C first (so serve removes its temporary site folder), then kill."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=15)


def measure(
    *,
    site: str,
    config: Path,
    page: Path,
    url_path: str,
    pages: int,
    dirty: bool,
    edits: int = 3,
    startup_timeout: float = 900,
    rebuild_timeout: float = 600,
    python: str = sys.executable,
) -> dict[str, Any]:
    mode = "--dirty" if dirty else "full rebuild"
    result: dict[str, Any] = {"site": site, "mode": mode, "pages": pages, "page": url_path}
    port = free_port()
    args = [python, "-m", "healthpages", "--config-file", str(config), "serve", "--port", str(port)]
    if dirty:
        args.append("--dirty")
    original = page.read_text(encoding="utf-8")
    log = ServerLog()
    start = time.perf_counter()
    process = subprocess.Popen(
        args,
        cwd=config.parent,
        env=build_env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
    )
    reader = threading.Thread(target=log.follow, args=(process.stdout,), daemon=True)
    reader.start()
    try:
        served = log.wait_for("Serving on", start, startup_timeout, process)
        if served is None:
            raise RuntimeError(f"the server did not start within {startup_timeout:.0f} s:\n{log.tail()}")
        result["startup_seconds"] = round(served - start, 2)
        url = f"http://127.0.0.1:{port}/{url_path}"
        fetch(url, rebuild_timeout)
        result["edit_seconds"], result["rebuild_log_seconds"] = [], []
        for number in range(1, edits + 1):
            marker = f"benchmark edit {number} at {time.time_ns()}"
            time.sleep(1.0)  # let the watcher settle, so edits are never merged into one rebuild
            written = time.perf_counter()
            page.write_text(_edited(original, marker), encoding="utf-8")
            deadline = written + rebuild_timeout
            while True:
                try:
                    page_text = fetch(url, rebuild_timeout)
                except urllib.error.HTTPError as error:  # the error page, while a half-saved file fails to build
                    if error.code != 500:
                        raise
                    page_text = ""
                if marker in page_text:
                    done = time.perf_counter()
                    break
                if time.perf_counter() > deadline or process.poll() is not None:
                    raise RuntimeError(f"edit {number} was not served within {rebuild_timeout:.0f} s:\n{log.tail()}")
                time.sleep(0.05)
            reloaded = log.wait_for("Reloading browsers", written, 30, process)
            building = log.first("Building documentation", written)
            result["edit_seconds"].append(round(done - written, 3))
            result["rebuild_log_seconds"].append(
                round(reloaded - building, 3) if reloaded is not None and building is not None else None
            )
        result["median_edit_seconds"] = round(statistics.median(result["edit_seconds"]), 3)
    except (RuntimeError, OSError, urllib.error.URLError) as error:
        result["error"] = str(error).splitlines()[0]
        result["log_tail"] = log.tail()
    finally:
        # Stop the server before restoring the page, so the restore does not start a rebuild that
        # Ctrl-C would interrupt (and serve's temporary site folder would be left behind).
        stop(process)
        reader.join(timeout=5)
        page.write_text(original, encoding="utf-8")
    return result

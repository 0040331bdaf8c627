"""The live preview (`healthpages serve`, `make serve`), whatever engine builds the site.

While the site cannot be built, every page the browser asks for is an error page listing the problems
with their file and line (and the fix each message gives); the engine's live-reload script reloads it
as soon as a build succeeds. A port that another program holds is one plain line, before any build.
"""

from __future__ import annotations

import errno
import socket
from collections import defaultdict
from pathlib import PurePosixPath

from healthpages.problems import Problem
from healthpages.render import render_template

RELOAD_NOTE = "this page reloads by itself when the site builds again"


def port_problem(host: str, port: int) -> str | None:
    """Why the preview cannot listen on host:port (one line for the editor), or None when it can."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # As the server itself binds: a port left in TIME_WAIT by a server just stopped is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OverflowError:
            return f"port {port} does not exist; use a number from 1024 to 65535, for example make serve PORT=8001"
        except OSError as error:
            return bind_problem(host, port, error)
    return None


def bind_problem(host: str, port: int, error: OSError) -> str:
    """The reason a server cannot listen, as one line for the editor."""
    if error.errno == errno.EADDRINUSE:
        return f"port {port} is in use; stop the other server or run make serve PORT={port + 1}"
    if error.errno == errno.EACCES:
        return f"port {port} needs administrator rights; use a port from 1024 up, for example make serve PORT=8001"
    if error.errno == errno.EADDRNOTAVAIL:
        return f"{host} is not an address of this computer; serve on 127.0.0.1"
    return f"cannot serve on {host}:{port}: {error.strerror or error}"


def is_page_request(path: str) -> bool:
    """Whether a request's path asks for a page (which the error page stands in for), not a style sheet or image."""
    if path.endswith("/"):
        return True
    name = PurePosixPath(path).name
    return name.endswith(".html") or "." not in name


def error_page(site_name: str, problems: list[Problem], messages: list[str]) -> str:
    """The page the preview shows while the site cannot be built: every problem by file, with its line."""
    by_file: dict[str, list[Problem]] = defaultdict(list)
    for problem in sorted(set(problems)):
        by_file[problem.path].append(problem)
    count = len(set(problems)) + len(messages)
    return render_template(
        "preview_error.html",
        site_name=site_name,
        count=count,
        files=sorted(by_file.items()),
        messages=messages,
        reload_note=RELOAD_NOTE,
    )

"""Python's garbage collector set for a build, a process that runs once and then exits.

The cyclic garbage collector looks through the objects it tracks every few hundred allocations, all
of them on each full collection, and once more when the interpreter exits. A build keeps nearly
everything it makes until it ends (the pages, their HTML, the library), so these looks find little to
free: with 1,000 pages they took about 1 s during the build and 1.3 s at its exit, on one core
(measured with `gc.callbacks` and the time from the last exit handler to the process's end).

For a one-shot command (`mkdocs build`, `healthpages check`; not `serve`, which runs for hours, unless it
is `mkdocs serve --clean`, which MkDocs announces to plugins as a build):
- the youngest generation is collected every `YOUNG_OBJECTS` new objects instead of every 700;
- at exit, the collector leaves every object alone (`gc.freeze`): the operating system takes the
  process's memory back at once. Python does not promise to finalise objects at exit either.

`frozen_for_fork` follows the advice of Python's documentation for a process that forks without exec:
the forked copy's collections never look through the objects it inherited, so it does not copy their
memory pages for that. (The advice also disables collection in the parent; a build does not need it.)
Unfreezing in the parent puts every frozen object into the oldest generation, where a build's objects
end up anyway.
"""

from __future__ import annotations

import atexit
import gc
from collections.abc import Iterator
from contextlib import contextmanager

ONE_SHOT_COMMANDS = frozenset({"build", "gh-deploy"})
YOUNG_OBJECTS = 10_000  # Python's default is 700


def set_for_command(command: str) -> None:
    """Collect less often in a one-shot command, and not at its exit."""
    if command not in ONE_SHOT_COMMANDS:
        return
    young, middle, oldest = gc.get_threshold()
    gc.set_threshold(max(YOUNG_OBJECTS, young), middle, oldest)
    atexit.unregister(gc.freeze)  # once, however many builds this process runs
    atexit.register(gc.freeze)


@contextmanager
def frozen_for_fork() -> Iterator[None]:
    """Around a fork: the objects made so far are left out of collections, in the copy for good, in the parent
    only until the copy has started."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()

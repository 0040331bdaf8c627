"""A one-shot build collects garbage less often, and not at its exit (`healthpages.engines.collector`); the
live preview, which runs for hours, keeps Python's defaults.

Each case runs in a process of its own: the settings are the process's, and the exit is what is tested.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from healthpages.engines.collector import YOUNG_OBJECTS

# An object in a reference cycle, which only a collection frees, says so if the collection at exit frees it.
PROCESS = """
import gc, sys
from healthpages.engines.collector import set_for_command


class Cycle:
    def __init__(self):
        self.itself = self

    def __del__(self):
        print("freed at exit", flush=True)


default = gc.get_threshold()[0]
set_for_command(sys.argv[1])
set_for_command(sys.argv[1])  # a process that builds twice (the tests) ends with the same settings
young = gc.get_threshold()[0]
print("young generation collected every", "Python's default" if young == default else young, flush=True)
kept_to_the_end = Cycle()
"""


@pytest.mark.parametrize(
    # the MkDocs command, how often the youngest generation is collected, whether the exit collects
    ("command", "young", "freed_at_exit"),
    [
        ("build", YOUNG_OBJECTS, False),
        ("gh-deploy", YOUNG_OBJECTS, False),
        ("serve", "Python's default", True),
    ],
)
def test_a_one_shot_command_collects_less_often_and_not_at_exit(
    command: str, young: int | str, freed_at_exit: bool
) -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROCESS, command], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.splitlines()[0] == f"young generation collected every {young}"
    assert ("freed at exit" in result.stdout) is freed_at_exit

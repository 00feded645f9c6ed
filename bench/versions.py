"""Two gitstatus versions side by side, for the before/after benchmarks (``--before REV``).

``export`` writes the ``gitstatus`` package of a git revision into a folder, from where
``python -m gitstatus`` (run there, or with the folder on ``PYTHONPATH``) runs that version with
this checkout's interpreter and dependencies; ``print_medians`` reports the alternated runs.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from versus_hugo import Run, median

REPO = Path(__file__).resolve().parent.parent


def export(rev: str, folder: Path) -> Path:
    """The ``gitstatus`` package at ``rev``, in ``folder`` (made), which is returned."""
    folder.mkdir()
    archive = subprocess.run(["git", "archive", rev, "gitstatus"], cwd=REPO, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def print_medians(title: str, found: dict[str, list[Run]], width: int = 24) -> None:
    """One line per label: the median wall and CPU seconds and the peak memory of its runs."""
    print(title)
    for label, runs in found.items():
        m = median(runs)
        failed = "" if m.ok else " FAILED"
        print(f"  {label:{width}} {m.wall:6.2f} s wall, {m.cpu:6.2f} s CPU, {m.peak_mib:5.0f} MiB{failed}")

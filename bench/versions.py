"""Two gitstatus versions side by side, for the before/after benchmarks (``--before REV``).

``export`` writes the ``gitstatus`` package of a git revision into a folder, from where
``python -m gitstatus`` (run there, or with the folder on ``PYTHONPATH``) runs that version with
this checkout's interpreter and dependencies; ``print_medians`` reports the alternated runs.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from versus_hugo import Run, median

REPO = Path(__file__).resolve().parent.parent


def export(rev: str, folder: Path) -> Path:
    """The ``gitstatus`` package at ``rev``, in ``folder`` (made), which is returned.

    Its built-in theme (the top-level ``theme/``, installed as ``gitstatus.theme``) goes inside
    the package folder, where Python finds it before the editable install's mapping to this
    checkout's ``theme/``: each version renders with its own templates.
    """
    folder.mkdir()
    for path, into in (("gitstatus", folder), ("theme", folder / "gitstatus")):
        archive = subprocess.run(["git", "archive", rev, path], cwd=REPO, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return folder


def user_env() -> dict[str, str]:
    """This environment without ``PYTHONDONTWRITEBYTECODE`` (this machine's sessions set it): bytecode
    caching on, as users have it, or every command would compile gitstatus again."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def side_by_side(before: str, work: Path) -> dict[str, Path]:
    """``{"after": this checkout, "before": the gitstatus at ``before``}``, each checked to be what
    :func:`command` runs (``python -m`` in ``work`` must not pick up another gitstatus)."""
    paths = {"after": REPO, "before": export(before, work / "before-code")}
    for name, path in paths.items():
        probe = subprocess.run([*command(path)[:3], "-c", "import gitstatus.theme as t; print(t.__file__)"],
                               capture_output=True, text=True, check=True, cwd=work).stdout.strip()
        assert probe.startswith(str(path)), f"{name} runs {probe}"  # the package and its theme
    return paths


def command(path: Path, *args: str) -> list[str]:
    """``gitstatus args`` run from the package folder ``path`` (see :func:`side_by_side`)."""
    return ["env", f"PYTHONPATH={path}", sys.executable, "-m", "gitstatus", *args]


def print_medians(title: str, found: dict[str, list[Run]], width: int = 24) -> None:
    """One line per label: the median wall and CPU seconds and the peak memory of its runs."""
    print(title)
    for label, runs in found.items():
        m = median(runs)
        failed = "" if m.ok else " FAILED"
        print(f"  {label:{width}} {m.wall:6.2f} s wall, {m.cpu:6.2f} s CPU, {m.peak_mib:5.0f} MiB{failed}")

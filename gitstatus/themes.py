"""The theme: the built-in one, and a status repo's own ``theme/`` read through the one door.

A status repo's ``theme/templates/x.html`` replaces the built-in ``x.html`` of the same name;
its ``theme/static/`` files are published over the built-in ones. Every own theme file is read
through source.py (no link out of the repo, no pipe, 1 MiB at most), and ``check`` reports any
that cannot be used before a build reads it.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from importlib.resources import files
from pathlib import Path

from .rules import Diagnostic
from .source import list_files, list_folder, read_bytes


def builtin_theme() -> Path:
    """The built-in theme folder (``theme/`` in a checkout, ``gitstatus/theme`` in the wheel)."""
    return Path(str(files("gitstatus.theme")))


THEME_DIR = "theme"


def own_theme(root: Path) -> bool:
    """Whether the status repo has a ``theme/`` of its own (in gitstatus's own checkout it is the built-in one)."""
    path = root / THEME_DIR
    return os.path.lexists(path) and os.path.realpath(path) != os.path.realpath(builtin_theme())


def builtin_static() -> dict[str, Path]:
    """The built-in theme's static files by their path under ``static/``."""
    static = builtin_theme() / "static"
    return {
        path.relative_to(static).as_posix(): path
        for path in sorted(static.rglob("*"))
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(static).parts)
    }


def own_files(root: Path, folder: str) -> tuple[list[str], list[Diagnostic]]:
    """The repo's own theme files under ``theme/<folder>`` (paths in the repo, hidden ones left out),
    and the problems met listing them, ``theme/`` itself included."""
    if not own_theme(root):
        return [], []
    entries, problems = list_folder(root, THEME_DIR)
    if entries is None:
        return [], problems
    return list_files(root, f"{THEME_DIR}/{folder}")


def theme_problems(root: Path) -> list[Diagnostic]:
    """Every own theme file that could not be used, as ``check`` reports it: before a build reads any.

    Each file is read as a build would read it (templates too, used or not), so a link out of
    the repo or a named pipe in theme/ fails the pull request's check, not only the publishing.
    """
    problems: list[Diagnostic] = []
    for folder in ("templates", "static"):
        files, found = own_files(root, folder)
        problems += [d for d in found if d not in problems]  # a refused theme/ is met twice
        for relpath in files:
            problems += read_bytes(root, relpath)[1]
    return problems


def describe(problems: Sequence[Diagnostic]) -> str:
    """Refused theme files as ``path: CODE message`` lines, for errors that are not diagnostics."""
    return "; ".join(f"{d.path}: {d.code} {d.text}" for d in problems)

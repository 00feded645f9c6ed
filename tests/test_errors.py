"""One hierarchy of errors, printed and exited on in one place of the command line.

Every error a command can end with is a GitstatusError carrying its exit status; cli.py
prints ``gitstatus: <message>`` (and the diagnostics that explain it) and exits with it.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import gitstatus
from gitstatus import errors, writelock
from gitstatus.cli import main
from gitstatus.commands import author
from gitstatus.commands.build import BuildError
from gitstatus.commands.init import ScaffoldError
from gitstatus.errors import EXIT_FAILED, EXIT_USAGE, GitstatusError
from gitstatus.git import GitError
from gitstatus.merge_driver import DriverError
from gitstatus.read.settings import UrlError
from gitstatus.templating import ThemeError
from gitstatus.timeparse import TimeError
from gitstatus.write import OutFolderError, WriteError

from .conftest import REPO

NOW = "2026-06-12 00:00 UTC"
INCIDENT = """\
---
title: API slow
impact: major
components: [api]
---

## 2026-06-11 14:02 UTC — Investigating

Looking into it.
"""

#: Errors that never leave the module that raises them (they become a template's error there).
INTERNAL = {"gitstatus.routes.RouteError", "gitstatus.words.WordsError"}


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def package_exceptions() -> list[type[BaseException]]:
    found: dict[str, type[BaseException]] = {}
    for info in pkgutil.walk_packages(gitstatus.__path__, "gitstatus."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for _, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, BaseException) and value.__module__.startswith("gitstatus"):
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return [found[name] for name in sorted(found) if name not in INTERNAL]


def test_every_error_of_the_package_is_a_gitstatus_error() -> None:
    assert [e.__qualname__ for e in package_exceptions() if not issubclass(e, GitstatusError)] == []


@pytest.mark.parametrize("error, status", [
    (BuildError("x"), EXIT_FAILED), (WriteError("x"), EXIT_FAILED), (OutFolderError("x"), EXIT_USAGE),
    (ThemeError("x"), EXIT_FAILED), (ScaffoldError("x"), EXIT_FAILED), (ScaffoldError("x", usage=True), EXIT_USAGE),
    (DriverError("x"), EXIT_USAGE), (writelock.LockError("x"), EXIT_FAILED), (GitError("x"), EXIT_USAGE),
    (TimeError("x"), EXIT_USAGE), (UrlError("x"), EXIT_FAILED), (errors.RootError("x"), EXIT_USAGE),
])
def test_each_error_carries_its_exit_status(error: GitstatusError, status: int) -> None:
    assert (error.exit_code, error.message, str(error)) == (status, "x", "x")


def test_time_and_url_errors_are_still_value_errors_for_the_parsers_callers() -> None:
    assert issubclass(TimeError, ValueError) and issubclass(UrlError, ValueError)


def test_the_command_line_catches_gitstatus_errors_in_one_place() -> None:
    """No command maps an error to an exit status of its own: only GitstatusCommand.invoke catches them."""
    tree = ast.parse((REPO / "gitstatus" / "cli.py").read_text(encoding="utf-8"))
    names = {e.__name__ for e in package_exceptions()} | {"GitstatusError", "OSError"}
    catching = []
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef):
            continue
        for handler in ast.walk(function):
            if isinstance(handler, ast.ExceptHandler) and handler.type is not None:
                caught = {n.id if isinstance(n, ast.Name) else n.attr for n in ast.walk(handler.type)
                          if isinstance(n, ast.Name | ast.Attribute)}
                if caught & names:
                    catching.append((function.name, sorted(caught & names)))
    # get_now turns an unreadable --now into click's own usage error, with its "Usage:" lines
    assert catching == [("get_now", ["TimeError"]), ("invoke", ["GitstatusError"])]


def test_a_build_that_cannot_write_names_the_folder_and_keeps_the_old_site(
    make_repo: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_repo({"incidents/2026-06-11-a.md": INCIDENT})
    out = tmp_path / "out"

    def full(*args: object, **kwargs: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("gitstatus.write.Staging.commit", full)
    result = run("build", "--root", str(root), "--out", str(out), "--now", NOW)
    assert (result.exit_code, result.stderr) == (
        1, f"gitstatus: cannot write {out}: [Errno 28] No space left on device; the previous site was left as it was\n")
    assert not out.exists()


def test_a_writing_command_that_cannot_write_says_nothing_was_written(
    make_repo: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_repo({"incidents/2026-06-11-a.md": INCIDENT})

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(author, "apply", full)
    result = run("update", "2026-06-11-a", "--root", str(root), "-m", "Still on it.",
                 env={"SOURCE_DATE_EPOCH": "1781193600"})
    assert (result.exit_code, result.stderr) == (
        1, "gitstatus: cannot write: [Errno 28] No space left on device; nothing was written\n")
    assert (root / "incidents/2026-06-11-a.md").read_text(encoding="utf-8") == INCIDENT


def test_a_bad_source_date_epoch_ends_a_writing_command_as_a_usage_error(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"incidents/2026-06-11-a.md": INCIDENT})
    result = run("update", "2026-06-11-a", "--root", str(root), "-m", "Still on it.", env={"SOURCE_DATE_EPOCH": "soon"})
    assert result.exit_code == 2
    assert result.stderr.startswith("gitstatus: SOURCE_DATE_EPOCH='soon' is not a number of seconds")


def test_a_refusal_prints_its_diagnostics_under_the_message(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"incidents/2026-06-11-a.md": INCIDENT.replace("impact: major", "impact: majr")})
    result = run("update", "2026-06-11-a", "--root", str(root), "-m", "Still on it.",
                 env={"SOURCE_DATE_EPOCH": "1781193600"})
    assert result.exit_code == 1
    assert result.stderr == (
        "gitstatus: incidents/2026-06-11-a.md has errors; fix them before adding an update\n"
        f"  {root}/incidents/2026-06-11-a.md:3:9: E109 unknown impact 'majr' (did you mean 'major'?); "
        "use one of: minor, major, critical, maintenance\n")


def test_the_merge_driver_signs_its_errors_with_its_own_name(tmp_path: Path) -> None:
    result = run("merge-driver", str(tmp_path / "a"), str(tmp_path / "b"), str(tmp_path / "c"), "incidents/x.md")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"gitstatus merge-driver: cannot read {tmp_path / 'a'}: ")

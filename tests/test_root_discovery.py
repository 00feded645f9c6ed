"""Every command finds the status repo from any folder inside it, the way git finds its work tree."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from .conftest import git

NOW = "2026-06-12 00:00 UTC"
BROKEN = """\
---
title: Broken
impact: minor
components: [api]
---

## 2026-06-11 10:00 UTC — Resolvd

Over.
"""


def gitstatus(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gitstatus", *args], cwd=cwd, capture_output=True, text=True,
                          check=False)


def test_check_from_inside_incidents_finds_the_repo_and_shows_paths_from_there(
        make_repo: Callable[..., Path]) -> None:
    root = make_repo({"incidents/2026-06-11-broken.md": BROKEN})
    proc = gitstatus(root / "incidents", "check", "--now", NOW)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.startswith("../incidents/2026-06-11-broken.md:7:")


def test_list_and_new_work_from_a_folder_below_the_repo(make_repo: Callable[..., Path]) -> None:
    root = make_repo()
    (root / "theme" / "static").mkdir(parents=True)
    proc = gitstatus(root / "theme" / "static", "new", "Slow API", "--impact", "minor", "-c", "api",
                     "-m", "Looking.", "--at", "2026-06-11 10:00")
    assert proc.returncode == 0, proc.stderr
    assert [p.name for p in (root / "incidents").iterdir()] == ["2026-06-11-slow-api.md"]
    listed = gitstatus(root / "theme", "list", "--now", NOW)
    assert "2026-06-11-slow-api" in listed.stdout


def test_the_search_stops_at_the_top_of_a_git_work_tree(tmp_path: Path) -> None:
    """A components.yaml above the work tree belongs to something else and is never used."""
    (tmp_path / "components.yaml").write_text("site:\n  title: Not this one\n", encoding="utf-8")
    work = tmp_path / "project"
    (work / "docs").mkdir(parents=True)
    git(work, "init", "-q")
    proc = gitstatus(work / "docs", "check")
    assert proc.returncode == 2
    assert "not a status repo" in proc.stderr and "Not this one" not in proc.stdout


def test_init_advice_never_nests_a_repo_inside_incidents(tmp_path: Path) -> None:
    work = tmp_path / "status"
    (work / "incidents").mkdir(parents=True)
    git(work, "init", "-q")
    proc = gitstatus(work / "incidents", "check")
    assert proc.returncode == 2
    assert f"run 'gitstatus init {work.resolve()}'" in proc.stderr, proc.stderr
    without_git = tmp_path / "plain" / "incidents"
    without_git.mkdir(parents=True)
    proc = gitstatus(without_git, "check")
    assert proc.returncode == 2
    assert f"run 'gitstatus init {without_git.parent.resolve()}'" in proc.stderr, proc.stderr

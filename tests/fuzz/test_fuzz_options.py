"""Command-line options and arguments: a usage error or a refusal with a message, never a traceback.

Times in ``--now``, ``--at`` and ``--start/--end`` at the edges of the calendar, URLs, host names,
and arguments whose bytes are not UTF-8 (Python hands them over as lone surrogates) are tried
in-process; a few also go through a real process, where the bytes come from ``argv``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ..conftest import site_files, write_repo
from .conftest import ID, INCIDENT, NOW, awkward_text, invoke, run_process, scratch, times

EDGE_TIMES = ["0001-01-01 00:00 +05:00", "9999-12-31 23:59 -05:00", "9999-12-31 23:59 UTC", "1969-12-31 23:59 UTC"]


@pytest.mark.parametrize("moment", EDGE_TIMES)
@pytest.mark.parametrize("command", ["check", "build", "list", "init"])
def test_now_at_the_edges_of_the_calendar_is_a_usage_error(repo: Path, command: str, moment: str) -> None:
    where = ["--root", str(repo)] if command != "init" else [str(repo.parent / "new")]
    result = invoke([command, *where, "--now", moment])
    assert result.exit_code == 2, result.output
    assert "--now" in result.stderr and "supported range" in result.stderr and "9998-12-31" in result.stderr


@pytest.mark.parametrize("moment", EDGE_TIMES)
def test_at_the_edges_of_the_calendar_is_a_usage_error(repo: Path, moment: str) -> None:
    before = site_files(repo)
    for args in (["new", "Database down", "--impact", "critical", "-c", "api", "-m", "Down.", "--at", moment],
                 ["update", ID, "-m", "Still down.", "--at", moment],
                 ["resolve", ID, "-m", "Fixed.", "--at", moment]):
        result = invoke([*args, "--root", str(repo)])
        assert result.exit_code == 2, result.output
        assert "--at: " in result.stderr and "supported range" in result.stderr, result.stderr
    assert site_files(repo) == before


@pytest.mark.parametrize(("start", "end"), [
    ("9999-12-31 22:00 -05:00", "9999-12-31 23:59 -05:00"),
    ("0001-01-01 00:00 +05:00", "2026-12-01 02:00 UTC"),
    ("2026-12-01 02:00 UTC", "9999-12-31 23:59 UTC"),
])
def test_a_window_at_the_edges_of_the_calendar_is_a_usage_error(repo: Path, start: str, end: str) -> None:
    before = site_files(repo)
    result = invoke(["new", "Upgrade", "--impact", "maintenance", "-c", "api", "-m", "Planned.",
                     "--start", start, "--end", end, "--root", str(repo)])
    assert result.exit_code == 2, result.output
    assert "supported range" in result.stderr and ("--start: " in result.stderr or "--end: " in result.stderr)
    assert site_files(repo) == before


@pytest.mark.parametrize("at", ["١٤:٠٢", "2026-11-26 ١٤:٠٢", "１４:０２"])
def test_at_in_other_digits_is_a_usage_error(repo: Path, at: str) -> None:
    result = invoke(["update", ID, "-m", "Still down.", "--at", at, "--root", str(repo)])
    assert result.exit_code == 2, result.output
    assert "--at: " in result.stderr and "is not a time" in result.stderr


@pytest.mark.parametrize("url", ["http://[::1", "https://x:99999/", "http://[zz]/", "https://x:port/"])
def test_a_malformed_base_url_is_refused(repo: Path, tmp_path: Path, url: str) -> None:
    result = invoke(["build", "--root", str(repo), "--now", NOW, "--out", str(tmp_path / "site"), "--base-url", url])
    assert result.exit_code == 1, result.output
    assert "--base-url must be an absolute http(s) address" in result.stderr
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize("args", [
    ["new", "\udcff", "--impact", "major", "-c", "api", "-m", "Down."],
    ["new", "Down", "--impact", "major", "-c", "api", "-m", "caf\udce9"],
    ["new", "Down", "--impact", "major", "-c", "\udcff", "-m", "Down."],
    ["new", "Down", "--impact", "major", "-c", "api", "-m", "Down.", "--status", "\udcff"],
    ["update", ID, "-m", "\udcff"],
    ["resolve", ID, "-m", "ok", "--at", "\udcff"],
    ["build", "--base-url", "https://\udcff/", "--now", NOW],
    ["check", "--now", "2026-11-26 \udcff"],
], ids=["title", "message", "component", "status", "update-message", "at", "base-url", "now"])
def test_arguments_that_are_not_utf8_are_usage_errors(repo: Path, args: list[str]) -> None:
    before = site_files(repo)
    result = invoke([*args, "--root", str(repo)])
    assert result.exit_code == 2, result.output
    assert "is not UTF-8 text" in result.stderr, result.stderr
    assert site_files(repo) == before


def test_init_install_that_is_not_utf8_is_a_usage_error(tmp_path: Path) -> None:
    result = invoke(["init", str(tmp_path / "new"), "--now", NOW, "--install", "gitstatus==\udcff"])
    assert result.exit_code == 2 and "is not UTF-8 text" in result.stderr, result.output
    assert not (tmp_path / "new").exists()


@pytest.mark.parametrize("host", ["\udcff", "ä..b", "a\x00b", "é" * 70])
def test_serve_on_a_host_that_is_no_name_is_a_usage_error(repo: Path, host: str) -> None:
    result = invoke(["serve", "--root", str(repo), "--host", host, "--port", "0", "--now", NOW])
    assert result.exit_code == 2, result.output
    assert "--host" in result.stderr


def test_a_status_repo_whose_path_is_not_utf8_is_checked_and_built(tmp_path: Path) -> None:
    """Paths keep their bytes: such a folder is used, and its name is shown escaped."""
    root = write_repo(Path(os.fsdecode(bytes(tmp_path) + b"/caf\xe9")), {f"incidents/{ID}.md": INCIDENT})
    checked = invoke(["check", "--root", str(root), "--now", NOW, "--format", "json"])
    assert checked.exit_code == 0
    broken = invoke(["check", "--root", str(root), "--now", "2026-11-26 13:00 UTC"])
    assert broken.exit_code == 1 and "caf\\udce9/incidents/" in broken.stdout, broken.stdout
    built = invoke(["build", "--root", str(root), "--now", NOW, "--out", str(root / "site"), "--jobs", "1"])
    assert built.exit_code == 0 and (root / "site" / "index.html").is_file()
    made = invoke(["init", str(Path(os.fsdecode(bytes(tmp_path) + b"/\xff")))])
    assert made.exit_code == 0 and "\\udcff" in made.stdout


@pytest.mark.parametrize("command", [["check"], ["build"], ["list"], ["serve", "--port", "0"],
                                     ["new", "Down", "--impact", "major", "-m", "Down."], ["update", ID, "-m", "Up."]],
                         ids=lambda c: c[0])
def test_a_root_whose_name_is_too_long_is_a_usage_error(tmp_path: Path, command: list[str]) -> None:
    now = ["--now", NOW] if command[0] in ("check", "build", "list", "serve") else []
    result = invoke([*command, "--root", str(tmp_path / ("x" * 300)), *now])
    assert result.exit_code == 2, result.output
    assert "cannot be opened: File name too long" in result.stderr, result.stderr


# --- real processes: the bytes come from argv --------------------------------------------------------

def test_a_title_that_is_not_utf8_in_argv(repo: Path) -> None:
    before = site_files(repo)
    process = run_process(["new", b"caf\xe9", "--impact", "major", "-c", "api", "-m", "Down.", "--root", str(repo)])
    assert process.returncode == 2
    assert b"the byte 0xE9 (character 4) is not UTF-8 text" in process.stderr, process.stderr
    assert site_files(repo) == before


def test_a_root_that_is_not_utf8_in_argv_under_a_strict_locale(tmp_path: Path) -> None:
    """PYTHONIOENCODING=utf-8 makes standard output strict, as a UTF-8 locale other than C does."""
    root = write_repo(tmp_path / "caf\udce9", {f"incidents/{ID}.md": INCIDENT})
    process = run_process(["check", "--root", os.fsencode(root), "--now", "2026-11-26 13:00 UTC"],
                          env={"PYTHONIOENCODING": "utf-8"})
    assert process.returncode == 1
    assert b"caf\\udce9/incidents/2026-11-26-api-slow.md:7:4: E303" in process.stdout, process.stdout


# --- generated command lines ----------------------------------------------------------------------------

@st.composite
def command_lines(draw: st.DrawFn) -> list[str]:
    """One command with options drawn from times, awkward text and near-misses."""
    value = st.one_of(times(), awkward_text, st.sampled_from(["", " ", "-", "--", "api", ID, "major", "resolved"]))
    command = draw(st.sampled_from(["check", "build", "list", "new", "update", "resolve", "delete", "init"]))
    args = [command]
    if command == "new":
        args += [draw(value), "--impact", draw(st.sampled_from(["minor", "maintenance", "MAJOR", "x"])),
                 "-c", draw(value), "-m", draw(value)]
        if draw(st.booleans()):
            args += ["--start", draw(value), "--end", draw(value)]
    if command in ("update", "resolve", "delete"):
        args += [draw(value), "-m", draw(value)] if command != "delete" else [draw(value), "--yes"]
    if command in ("new", "update", "resolve") and draw(st.booleans()):
        args += ["--at", draw(value)]
    if command == "update" and draw(st.booleans()):
        args += ["--status", draw(value)]
    if command in ("check", "build", "list", "init") and draw(st.booleans()):
        args += ["--now", draw(value)]

    if command == "build" and draw(st.booleans()):
        args += ["--base-url", draw(value)]
    if command == "init" and draw(st.booleans()):
        args += ["--install", draw(value)]
    return args


@settings(max_examples=120, deadline=None)
@given(args=command_lines(), root_name=st.none() | awkward_text | st.sampled_from(["x" * 300, "a/" * 2100, ".."]))
def test_generated_command_lines_give_messages_never_tracebacks(args: list[str], root_name: str | None) -> None:
    """``root_name``, when drawn, is a folder name for the read-only commands, inside the scratch folder."""
    with scratch() as folder:
        root = write_repo(folder / "repo", {f"incidents/{ID}.md": INCIDENT})
        if root_name is not None and args[0] in ("check", "list"):
            root = Path(f"{folder}/{root_name}")  # never outside it: a drawn '/etc' stays a sub-folder
        if args[0] == "init":
            invoke([*args[:1], str(folder / "new"), *args[1:]])
        elif args[0] == "build":
            invoke([*args, "--root", str(root), "--out", str(folder / "site"), "--jobs", "1"])
        else:
            invoke([*args, "--root", str(root)])

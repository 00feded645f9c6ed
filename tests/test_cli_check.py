"""``gitstatus check`` from the outside: output formats, colour, exit codes, --root, --now, --strict.

Most tests use click's CliRunner (fast, in-process); the ones about terminals, tracebacks and
the generated benchmark corpus run the real command in a subprocess.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import pty
import re
import select
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from gitstatus import rules
from gitstatus.report import format_github
from gitstatus.rules import Diagnostic

from .conftest import API_SLOW_MINOR_RESOLVED as GOOD
from .conftest import GITSTATUS, REPO, run_cli, run_gitstatus

NOW = "2026-06-12 00:00 UTC"
ANSI = re.compile(r"\x1b\[[0-9;]*m")

ACTIVE = GOOD.split("\n## 2026-06-11 14:40")[0] + "\n"  # still investigating at 14:02


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SOURCE_DATE_EPOCH", "NO_COLOR", "GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY"):
        monkeypatch.delenv(name, raising=False)


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return run_cli("check", *args, env=env)


def broken_repo(make_repo: Callable[..., Path]) -> Path:
    return make_repo({
        "incidents/2026-06-11-a.md": GOOD.replace("— Resolved", "— Resolvd"),
        "incidents/2026-06-11-b.md": GOOD.replace("impact: minor", "impact: majr"),
        "incidents/2026-06-11-c.md": GOOD,
    })


# --- text ---------------------------------------------------------------------------------------------

def test_text_output_lines_and_summary(make_repo: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(broken_repo(make_repo))
    result = run("--now", NOW)
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "incidents/2026-06-11-a.md:11:27: E204 unknown status 'Resolvd' (did you mean 'resolved'?); use "
        "investigating, identified, monitoring or resolved (maintenance also: scheduled, in progress, verifying, "
        "completed, cancelled)",
        "incidents/2026-06-11-b.md:3:9: E109 unknown impact 'majr' (did you mean 'major'?); use one of: minor, "
        "major, critical, maintenance",
        "2 errors in components.yaml and 3 incidents.",
    ]


def test_paths_carry_the_root_as_typed(make_repo: Callable[..., Path], tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    broken_repo(make_repo)
    monkeypatch.chdir(tmp_path)
    lines = run("--root", "repo", "--now", NOW).output.splitlines()
    assert lines[0].startswith("repo/incidents/2026-06-11-a.md:11:27: E204 ")
    absolute = run("--root", str(tmp_path / "repo"), "--now", NOW).output.splitlines()
    assert absolute[0].startswith(f"{tmp_path}/repo/incidents/2026-06-11-a.md:11:27: E204 ")


def test_clean_repo(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"incidents/2026-06-11-api.md": GOOD})
    result = run("--root", str(root), "--now", NOW)
    assert (result.exit_code, result.output) == (0, "All good: components.yaml and 1 incident, no problems.\n")


def test_example_content_checks_clean_through_the_cli() -> None:
    result = run("--root", str(REPO), "--now", "2026-11-26 15:00 UTC")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("All good: components.yaml and ")


def test_every_error_in_every_file_sorted_by_file_then_line(make_repo: Callable[..., Path]) -> None:
    root = make_repo({
        "incidents/2026-06-03-z.md": GOOD.replace("— Investigating", "— Lookng").replace("[api]", "[apx]"),
        "incidents/2026-06-01-a.md": "no front matter\n",
        "incidents/2026-06-02-m.md": GOOD.replace("title: API responding slowly", "title: A\ntitle: B")
                                         .replace("14:40", "13:40"),
        "incidents/README.txt": "x",
    }, components="site:\n  title: S\n  timezone: Nowhere/Land\ncomponents:\n  - {id: api, name: API}\n"
                  "  - {id: API2, name: Bad}\n")
    result = run("--root", str(root), "--now", NOW, "--format", "json")
    found = [(Path(d["path"]).relative_to(root).as_posix(), d["line"], d["col"], d["code"])
             for d in json.loads(result.output)]
    assert found == [
        ("components.yaml", 3, 13, "E404"),
        ("components.yaml", 6, 10, "E402"),
        ("incidents/2026-06-01-a.md", 1, 1, "E101"),
        ("incidents/2026-06-02-m.md", 3, 1, "E105"),
        ("incidents/2026-06-02-m.md", 12, 4, "E301"),
        ("incidents/2026-06-03-z.md", 4, 14, "E110"),
        ("incidents/2026-06-03-z.md", 7, 27, "E204"),
        ("incidents/README.txt", 0, 0, "E004"),
    ]
    text = run("--root", str(root), "--now", NOW).output.splitlines()
    assert len(text) == len(found) + 1 and text[-1] == "8 errors in components.yaml and 3 incidents."


# --- colour ---------------------------------------------------------------------------------------------

def run_on_terminal(args: list[str], env: dict[str, str]) -> str:
    """Run the real command with stdout on a pseudo-terminal; return what it printed."""
    leader, follower = pty.openpty()
    process = subprocess.Popen([*GITSTATUS, *args], stdout=follower,
                               stderr=subprocess.DEVNULL, env=env)
    os.close(follower)
    chunks = []
    while True:
        ready, _, _ = select.select([leader], [], [], 30)
        if not ready:
            break
        try:
            data = os.read(leader, 65536)
        except OSError:  # the other side closed (EIO on Linux)
            break
        if not data:
            break
        chunks.append(data)
    os.close(leader)
    process.wait(timeout=30)
    return b"".join(chunks).decode()


@pytest.mark.parametrize("no_color, coloured", [(None, True), ("1", False), ("", True)])
def test_colour_only_on_a_terminal_and_no_color_honoured(make_repo: Callable[..., Path], no_color: str | None,
                                                         coloured: bool) -> None:
    root = broken_repo(make_repo)
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "GITHUB_ACTIONS", "SOURCE_DATE_EPOCH")}
    if no_color is not None:
        env["NO_COLOR"] = no_color
    output = run_on_terminal(["check", "--root", str(root), "--now", NOW], env)
    assert "E204 unknown status 'Resolvd'" in ANSI.sub("", output)
    assert bool(ANSI.search(output)) is coloured


def test_no_colour_when_piped(make_repo: Callable[..., Path]) -> None:
    root = broken_repo(make_repo)
    process = run_gitstatus("check", "--root", root, "--now", NOW, env={**os.environ, "TERM": "xterm-256color"})
    assert process.returncode == 1
    assert "E204" in process.stdout and "\x1b[" not in process.stdout


# --- github ------------------------------------------------------------------------------------------

def test_github_workflow_commands(make_repo: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(broken_repo(make_repo))
    result = run("--now", NOW, "--format", "github")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == (
        "::error title=gitstatus E204,file=incidents/2026-06-11-a.md,line=11,col=27::incidents/2026-06-11-a.md:11:27: "
        "E204 unknown status 'Resolvd' (did you mean 'resolved'?); use investigating, identified, monitoring or "
        "resolved (maintenance also: scheduled, in progress, verifying, completed, cancelled)"
    )
    assert lines[1].startswith("::error title=gitstatus E109,file=incidents/2026-06-11-b.md,line=3,col=9::")
    assert lines[2] == "2 errors in components.yaml and 3 incidents."


def test_github_escapes_data_and_properties(make_repo: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """A value with % and a line break reaches the message; a file name with , and : reaches the properties."""
    monkeypatch.chdir(make_repo({
        "incidents/2026-06-11-api.md": GOOD.replace("impact: minor", 'impact: "50%\\r\\nmajor"'),
        "incidents/a,b:c.md": GOOD,
    }))
    lines = run("--now", NOW, "--format", "github").output.splitlines()
    assert lines[0].startswith("::error title=gitstatus E109,file=incidents/2026-06-11-api.md,line=3,col=9::")
    # the word is shown with its line break as an escape, and named (see test_terminal_escaping.py)
    assert "unknown impact '50%25\\r\\nmajor' (U+000D, a control character, at position 4 is invisible" in lines[0]
    assert lines[1].startswith("::error title=gitstatus E004,file=incidents/a%2Cb%3Ac.md::incidents/a,b:c.md: E004 ")
    assert len(lines) == 3  # no raw line break split a command


def test_github_warnings_and_whole_file_problems() -> None:
    lines = format_github([
        Diagnostic("incidents/x.md", 0, 0, rules.TOO_LARGE, "too big", ""),
        Diagnostic("incidents/y.md", 7, 0, rules.NO_RECENT_UPDATE, "silent: 100% quiet\rreally", ""),
    ])
    assert lines == [
        "::error title=gitstatus E003,file=incidents/x.md::incidents/x.md: E003 too big",
        "::warning title=gitstatus W101,file=incidents/y.md,line=7::incidents/y.md:7: W101 silent: 100%25 quiet%0Dreally",
    ]


def test_format_auto_is_github_under_github_actions(make_repo: Callable[..., Path]) -> None:
    root = broken_repo(make_repo)
    assert run("--root", str(root), "--now", NOW, env={"GITHUB_ACTIONS": "true"}).output.startswith("::error ")
    assert run("--root", str(root), "--now", NOW, env={"GITHUB_ACTIONS": "false"}).output.startswith(str(root))


# --- json ------------------------------------------------------------------------------------------------

def test_json_is_a_list_of_objects_and_nothing_else(make_repo: Callable[..., Path]) -> None:
    root = make_repo({
        "incidents/2026-06-11-a.md": GOOD.replace("— Resolved", "— Resolvd"),
        "incidents/2026-06-11-b.md": GOOD,
    })
    result = run("--root", str(root), "--now", NOW, "--format", "json")
    assert result.exit_code == 1
    items = json.loads(result.output)
    assert items == [{
        "path": f"{root}/incidents/2026-06-11-a.md", "line": 11, "col": 27, "code": "E204",
        "message": items[0]["message"], "severity": "error", "hint": items[0]["hint"],
    }]
    assert items[0]["message"].startswith("unknown status 'Resolvd'")
    assert list(items[0]) == ["path", "line", "col", "code", "message", "severity", "hint"]


def test_json_clean_is_an_empty_list(make_repo: Callable[..., Path]) -> None:
    result = run("--root", str(make_repo({"incidents/2026-06-11-a.md": GOOD})), "--now", NOW, "--format", "json")
    assert (result.exit_code, json.loads(result.output)) == (0, [])


def test_json_warning_severity(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"incidents/2026-06-11-a.md": ACTIVE})
    result = run("--root", str(root), "--now", NOW, "--format", "json")
    assert result.exit_code == 0
    assert [(d["code"], d["severity"], d["line"]) for d in json.loads(result.output)] == [("W101", "warning", 7)]


# --- exit codes and --strict -------------------------------------------------------------------------

def test_warnings_exit_0_and_strict_makes_them_fail(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"incidents/2026-06-11-a.md": ACTIVE})
    relaxed = run("--root", str(root), "--now", NOW)
    assert relaxed.exit_code == 0
    assert relaxed.output.splitlines()[-1] == "1 warning in components.yaml and 1 incident."
    assert "W101 no update for 9 hours on an active incident" in relaxed.output
    assert run("--root", str(root), "--now", NOW, "--strict").exit_code == 1


def test_strict_on_a_clean_repo_is_0(make_repo: Callable[..., Path]) -> None:
    assert run("--root", str(make_repo({"incidents/2026-06-11-a.md": GOOD})), "--now", NOW, "--strict").exit_code == 0


def test_missing_root_is_exit_2(tmp_path: Path) -> None:
    result = run("--root", str(tmp_path / "nowhere"), "--now", NOW)
    assert result.exit_code == 2
    assert "is not a folder" in result.output


def test_folder_without_components_yaml_is_exit_2_with_a_clear_message(tmp_path: Path) -> None:
    (tmp_path / "incidents").mkdir()
    (tmp_path / "incidents" / "2026-06-11-a.md").write_text(GOOD)
    result = run("--root", str(tmp_path), "--now", NOW)
    assert result.exit_code == 2
    assert f"gitstatus: {tmp_path} has no components.yaml, so it is not a status repo" in result.output


def test_root_that_is_a_file_is_exit_2(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    assert run("--root", str(tmp_path / "file"), "--now", NOW).exit_code == 2


@pytest.mark.parametrize("args, words", [
    (["--now", "yesterday"], "--now: 'yesterday' is not a time"),
    (["--now", "2026-02-30 10:00"], "is not a real time"),
    (["--format", "xml", "--now", NOW], "Invalid value for '--format'"),
])
def test_usage_errors_are_exit_2(make_repo: Callable[..., Path], args: list[str], words: str) -> None:
    result = run("--root", str(make_repo({"incidents/2026-06-11-a.md": GOOD})), *args)
    assert result.exit_code == 2 and words in result.output


def test_bad_source_date_epoch_is_exit_2(make_repo: Callable[..., Path]) -> None:
    result = run("--root", str(make_repo({})), env={"SOURCE_DATE_EPOCH": "soon"})
    assert result.exit_code == 2 and "SOURCE_DATE_EPOCH='soon' is not a number of seconds" in result.output


def test_never_a_traceback_on_garbage(make_repo: Callable[..., Path]) -> None:
    root = make_repo({
        "incidents/2026-06-11-a.md": b"---\n\x00\x01\x02\n---\n## \xff",
        "incidents/2026-06-11-b.md": b"---\n[[[{{{\n---\n",
        "incidents/2026-06-11-c.md": b"---\n" + b"- " * 2000 + b"x\n---\n",
        "incidents/2026-06-11-d.md": b"---\ntitle: !!binary aGVsbG8=\nimpact: &a [*a]\n---\n",
        "incidents/2026-06-11-e.md": b"",
    }, components="site: [\n")
    process = run_gitstatus("check", "--root", root, "--now", NOW)
    assert process.returncode == 1, process.stderr
    assert "Traceback" not in process.stderr and process.stderr == ""
    assert process.stdout.splitlines()[-1].endswith("in components.yaml and 5 incidents.")


# --- now ------------------------------------------------------------------------------------------------

KOLKATA = "site:\n  title: S\n  timezone: Asia/Kolkata\ncomponents:\n  - {id: api, name: API}\n"
AT_1440_UTC = GOOD.replace("## 2026-06-11 14:02 UTC — Investigating\n\nWe are looking into reports of slow API "
                           "responses.\n\n", "")


@pytest.mark.parametrize("now, future", [
    ("2026-06-11 20:00", True),       # zoneless: 20:00 in Kolkata is 14:30 UTC, ten minutes before the update
    ("2026-06-11 20:30", False),      # 15:00 UTC
    ("2026-06-11 20:00 UTC", False),  # an explicit zone wins
    ("2026-06-11T14:30:00Z", True),
    ("2026-06-11 16:30 +02:00", True),
    ("2026-06-11 14:35 UTC", False),  # within the five-minute tolerance
])
def test_now_option_with_and_without_zone(make_repo: Callable[..., Path], now: str, future: bool) -> None:
    root = make_repo({"incidents/2026-06-11-a.md": AT_1440_UTC}, components=KOLKATA)
    result = run("--root", str(root), "--now", now)
    assert ("E303" in result.output) is future, result.output
    assert result.exit_code == (1 if future else 0)


def test_source_date_epoch_is_now_and_now_option_wins(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"incidents/2026-06-11-a.md": AT_1440_UTC})
    before = str(int(dt.datetime(2026, 6, 11, 14, 0, tzinfo=dt.UTC).timestamp()))
    after = str(int(dt.datetime(2026, 6, 11, 15, 0, tzinfo=dt.UTC).timestamp()))
    assert "E303 this update is dated 2026-06-11T14:40:00+00:00, after now (2026-06-11T14:00:00+00:00)" in \
        run("--root", str(root), env={"SOURCE_DATE_EPOCH": before}).output
    assert run("--root", str(root), env={"SOURCE_DATE_EPOCH": after}).exit_code == 0
    assert run("--root", str(root), "--now", "2026-06-11 15:00 UTC", env={"SOURCE_DATE_EPOCH": before}).exit_code == 0


def test_without_now_the_clock_is_used(make_repo: Callable[..., Path]) -> None:
    far_future = GOOD.replace("2026-06-11", "2999-06-11")
    result = run("--root", str(make_repo({"incidents/2999-06-11-a.md": far_future})))
    assert result.exit_code == 1 and "E303" in result.output


# --- the benchmark corpus -------------------------------------------------------------------------------

def test_generated_corpus_checks_clean_and_is_deterministic(tmp_path: Path) -> None:
    sys.path.insert(0, str(REPO / "bench"))
    try:
        import corpus
    finally:
        sys.path.remove(str(REPO / "bench"))
    first = corpus.generate(tmp_path / "one", 60, seed=3)
    second = corpus.generate(tmp_path / "two", 60, seed=3)
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    assert corpus.generate(tmp_path / "three", 60, seed=4)[0].read_bytes() != first[0].read_bytes()
    process = run_gitstatus("check", "--root", tmp_path / "one", "--now", corpus.DEFAULT_NOW.isoformat(), "--strict",
                            "--format", "json")
    assert (process.returncode, json.loads(process.stdout)) == (0, [])
    text = "".join(p.read_text() for p in first)
    for word in ("impact: minor", "impact: major", "impact: critical", "impact: maintenance", "scheduled:",
                 "— Investigating", "— Identified", "— Monitoring", "— Resolved", "— Scheduled", "— In progress",
                 "— Completed", "```", "](https://", "\n- ", "`HTTP "):
        assert word in text, word

"""The writer's commands end to end: new, update, resolve, delete and list on real status repos.

Every write is checked the way ``gitstatus check`` checks a repo, and a refused write must
leave every file exactly as it was (bytes and modification times).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import pty
import stat
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from gitstatus import canonical, editor, edits
from gitstatus.model import Status, Update
from gitstatus.timeparse import UTC

from .conftest import API_SLOW_INVESTIGATING as INVESTIGATING
from .conftest import COMPONENTS_YAML, GITSTATUS, database_upgrade, run_cli

NOW = "2026-06-11 16:00 UTC"

RESOLVED = """\
---
title: Dashboard down
impact: critical
components: [dashboard]
---

## 2026-06-10 09:00 UTC — Investigating

The dashboard does not load.

## 2026-06-10 09:30 UTC — Resolved

It loads again.
"""

MAINTENANCE = database_upgrade(("2026-06-11 14:00 UTC", "In progress", "The upgrade has started."),
                               start="2026-06-11 14:00 UTC", end="2026-06-11 18:00 UTC")


def run(root: Path, *args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
    """``gitstatus ARGS --root ROOT`` at NOW, with no editor configured."""
    return run_cli(*args, "--root", root, input=input,
                   env={"SOURCE_DATE_EPOCH": _epoch(NOW), "VISUAL": "", "EDITOR": "", **(env or {})})


def _epoch(text: str) -> str:
    """SOURCE_DATE_EPOCH for ``YYYY-MM-DD HH:MM[:SS] UTC``: the commands' "now"."""
    moment = dt.datetime.fromisoformat(text.removesuffix(" UTC")).replace(tzinfo=UTC)
    return str(int(moment.timestamp()))


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under ``root`` with its bytes and modification time."""
    return {p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*")) if p.is_file()}


def checks_clean(root: Path, now: str = NOW) -> None:
    result = run(root, "check", "--now", now)
    assert result.exit_code == 0, result.output
    assert " E" not in result.output


@pytest.fixture
def repo(make_repo: Callable[..., Path]) -> Path:
    return make_repo({"incidents/2026-06-11-api-slow.md": INVESTIGATING,
                      "incidents/2026-06-10-dashboard-down.md": RESOLVED})


def refused(root: Path, *args: str, code: int = 1, input: str | None = None) -> str:
    """Run a command that must fail; assert it changed nothing and return what it printed."""
    before = snapshot(root)
    time.sleep(0.01)  # a write would show in the mtimes even on coarse clocks
    result = run(root, *args, input=input)
    assert result.exit_code == code, result.output
    assert snapshot(root) == before
    return result.output


# --- new ----------------------------------------------------------------------------------------------

def test_new_writes_the_canonical_file_and_prints_its_path(repo: Path) -> None:
    result = run(repo, "new", "Café API — slow!", "--impact", "major", "-c", "api", "--component", "dashboard",
                 "--message", "We are *looking* into it.", "--at", "2026-06-11 15:10")
    assert result.exit_code == 0, result.output
    path = repo / "incidents/2026-06-11-cafe-api-slow.md"
    assert result.stdout == f"{path}\n"
    assert path.read_text(encoding="utf-8") == textwrap.dedent("""\
        ---
        title: Café API — slow!
        impact: major
        components: [api, dashboard]
        ---

        ## 2026-06-11 15:10 UTC — Investigating

        We are *looking* into it.
        """)
    checks_clean(repo)


def test_new_slug_collisions_get_numbered(repo: Path) -> None:
    paths = [run(repo, "new", "API responding slowly", "--impact", "minor", "-m", "Again.",
                 "--at", "2026-06-11 15:00").stdout.strip() for _ in range(2)]
    assert [Path(p).name for p in paths] == ["2026-06-11-api-responding-slowly.md",
                                             "2026-06-11-api-responding-slowly-2.md"]
    run(repo, "new", "api slow", "--impact", "minor", "-m", "x", "--at", "2026-06-11 15:00")
    third = run(repo, "new", "API: slow", "--impact", "minor", "-m", "x", "--at", "2026-06-11 15:00")
    assert third.stdout.strip().endswith("2026-06-11-api-slow-3.md")  # -2 was taken by "api slow"
    checks_clean(repo)


def test_new_writes_times_in_the_page_timezone(make_repo: Callable[..., Path]) -> None:
    root = make_repo(components=COMPONENTS_YAML.replace("timezone: UTC", "timezone: Europe/Berlin"))
    result = run(root, "new", "Late night", "--impact", "minor", "-m", "Slow.", "--at", "2026-06-10 22:30 UTC")
    path = Path(result.stdout.strip())
    assert path.name == "2026-06-11-late-night.md"  # the date of the page's timezone
    assert "## 2026-06-11 00:30 +02:00 — Investigating" in path.read_text(encoding="utf-8")
    checks_clean(root)


def test_new_defaults_to_now_cut_to_the_minute(repo: Path) -> None:
    result = run(repo, "new", "Now", "--impact", "minor", "-m", "x",
                 env={"SOURCE_DATE_EPOCH": _epoch("2026-06-11 16:02:05 UTC")})
    text = Path(result.stdout.strip()).read_text(encoding="utf-8")
    assert "## 2026-06-11 16:02 UTC — Investigating" in text


def test_new_maintenance_window_gets_a_scheduled_update(repo: Path) -> None:
    result = run(repo, "new", "Database upgrade", "--impact", "maintenance", "-c", "api",
                 "--start", "2026-06-20 02:00", "--end", "2026-06-20 04:00", "-m", "We will upgrade the database.",
                 "--at", "2026-06-11 12:00")
    assert result.exit_code == 0, result.output
    path = repo / "incidents/2026-06-20-database-upgrade.md"  # named for the window's day
    assert path.read_text(encoding="utf-8") == textwrap.dedent("""\
        ---
        title: Database upgrade
        impact: maintenance
        components: [api]
        scheduled:
          start: 2026-06-20 02:00 UTC
          end: 2026-06-20 04:00 UTC
        ---

        ## 2026-06-11 12:00 UTC — Scheduled

        We will upgrade the database.
        """)
    checks_clean(repo)
    listed = json.loads(run(repo, "list", "--json", "--now", NOW).stdout)
    assert {"id": "2026-06-20-database-upgrade", "phase": "upcoming", "status": "scheduled"}.items() <= \
        next(i for i in listed if i["id"] == "2026-06-20-database-upgrade").items()


def test_new_window_options_are_checked(repo: Path) -> None:
    assert "both --start and --end" in refused(repo, "new", "X", "--impact", "maintenance", "--start",
                                               "2026-06-20 02:00", "-m", "x", code=2)
    assert "--impact maintenance" in refused(repo, "new", "X", "--impact", "major", "--start", "2026-06-20 02:00",
                                             "--end", "2026-06-20 03:00", "-m", "x", code=2)
    assert "ends before it starts" in refused(repo, "new", "X", "--impact", "maintenance", "--start",
                                              "2026-06-20 04:00", "--end", "2026-06-20 03:00", "-m", "x", code=2)


def test_new_reads_the_message_from_stdin(repo: Path) -> None:
    result = run(repo, "new", "Piped", "--impact", "minor", "--at", "2026-06-11 15:00",
                 input="Line one.\r\n\r\n- a list\r\n")
    assert result.exit_code == 0, result.output
    text = Path(result.stdout.strip()).read_text(encoding="utf-8")
    assert text.endswith("— Investigating\n\nLine one.\n\n- a list\n")
    checks_clean(repo)


def test_new_with_an_empty_message_writes_nothing(repo: Path) -> None:
    assert "empty message" in refused(repo, "new", "Nothing", "--impact", "minor", input=" \n\n")
    assert "empty message" in refused(repo, "new", "Nothing", "--impact", "minor", "-m", "")


@pytest.mark.parametrize(("args", "expected"), [
    (["-c", "apii"], "E110 unknown component 'apii' (did you mean 'api'?)"),
    (["--at", "2099-01-01 00:00"], "E303"),
    (["--status", "resolvd"], "did you mean 'resolved'?"),
    (["--status", "completed"], "E205"),
    (["--at", "yesterday"], "is not a time"),
])
def test_new_refuses_what_check_would_reject(repo: Path, args: list[str], expected: str) -> None:
    usage = "--status" in args and "resolvd" in args or "yesterday" in args
    output = refused(repo, "new", "Refused", "--impact", "major", "-m", "text", *args, code=2 if usage else 1)
    assert expected in output


@pytest.mark.parametrize(("message", "expected"), [
    ("Fine.\n\n## Fixed\n\nMore.", "'## Fixed', would start a new update"),
    ("# Summary\n\ntext", "level-1 heading"),
    ("Look:\n\n```\ncode", "never closes"),
])
def test_messages_that_would_break_the_file_are_refused(repo: Path, message: str, expected: str) -> None:
    assert expected in refused(repo, "new", "X", "--impact", "minor", "-m", message)
    assert expected in refused(repo, "update", "api-slow", "-m", message)


def test_fenced_code_with_hashes_is_fine(repo: Path) -> None:
    message = "Run:\n\n```sh\n## not a heading\n```\n\n### Details\n\nDone."
    result = run(repo, "update", "api-slow", "-m", message, "--at", "2026-06-11 15:00")
    assert result.exit_code == 0, result.output
    checks_clean(repo)


def test_other_files_with_errors_block_writes(repo: Path) -> None:
    (repo / "incidents/2026-06-09-broken.md").write_text(INVESTIGATING.replace("Investigating", "Fixd"))
    output = refused(repo, "new", "X", "--impact", "minor", "-m", "x", "--at", "2026-06-11 15:00")
    assert "other files have errors" in output
    assert "2026-06-09-broken.md:7:27: E204" in output


def test_not_a_status_repo_is_a_usage_error(tmp_path: Path) -> None:
    result = run(tmp_path, "new", "X", "--impact", "minor", "-m", "x")
    assert result.exit_code == 2
    assert "no components.yaml" in result.output


# --- the editor ----------------------------------------------------------------------------------------

def _fake_editor(tmp_path: Path, body: str, status: int = 0) -> Path:
    """An editor that copies the template it was given to ``template.seen``, writes ``body`` above the
    template (whose ``# `` lines must be left out) and exits with ``status``."""
    script = tmp_path / "fake-editor"
    seen = tmp_path / "template.seen"
    script.write_text(textwrap.dedent(f"""\
        #!{sys.executable}
        import sys
        path = sys.argv[-1]
        template = open(path, encoding="utf-8").read()
        open({str(seen)!r}, "w", encoding="utf-8").write(template)
        open(path, "w", encoding="utf-8").write({body!r} + template)
        sys.exit({status})
        """))
    script.chmod(0o755)
    return script


def run_in_terminal(root: Path, args: list[str], editor: Path | None = None, answer: str = "") -> tuple[int, str]:
    """Run the CLI with a pseudo-terminal as standard input (so it may open an editor or ask)."""
    master, slave = pty.openpty()
    env = {**os.environ, "SOURCE_DATE_EPOCH": _epoch(NOW), "VISUAL": "", "EDITOR": str(editor or "")}
    proc = subprocess.Popen([*GITSTATUS, *args, "--root", str(root)], stdin=slave, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, env=env, text=True)
    os.close(slave)
    if answer:
        os.write(master, answer.encode())
    output, _ = proc.communicate(timeout=60)
    os.close(master)
    return proc.returncode, output


def test_new_opens_the_editor_on_a_terminal(repo: Path, tmp_path: Path) -> None:
    editor = _fake_editor(tmp_path, "Written in the editor.\n")
    code, output = run_in_terminal(repo, ["new", "From the editor", "--impact", "minor", "--at",
                                          "2026-06-11 15:00"], editor)
    assert code == 0, output
    text = (repo / "incidents/2026-06-11-from-the-editor.md").read_text(encoding="utf-8")
    assert text.endswith("— Investigating\n\nWritten in the editor.\n")  # the template's '# ' lines left out
    checks_clean(repo)


def test_update_template_shows_the_last_update(repo: Path, tmp_path: Path) -> None:
    editor = _fake_editor(tmp_path, "We found the cause.\n")
    code, output = run_in_terminal(repo, ["update", "api-slow", "--status", "identified", "--at",
                                          "2026-06-11 15:00"], editor)
    assert code == 0, output
    template = (tmp_path / "template.seen").read_text(encoding="utf-8")
    assert "# The last update (Investigating, 2026-06-11 14:02 UTC):" in template
    assert "#   We are looking into reports of slow API responses." in template
    assert (repo / "incidents/2026-06-11-api-slow.md").read_text(encoding="utf-8").endswith(
        "## 2026-06-11 15:00 UTC — Identified\n\nWe found the cause.\n")


def test_an_editor_that_fails_or_leaves_nothing_writes_nothing(repo: Path, tmp_path: Path) -> None:
    before = snapshot(repo)
    code, output = run_in_terminal(repo, ["new", "X", "--impact", "minor"], _fake_editor(tmp_path, "text", 3))
    assert code == 1 and "exited with status 3" in output
    code, output = run_in_terminal(repo, ["new", "X", "--impact", "minor"], _fake_editor(tmp_path, "\n\n"))
    assert code == 1 and "empty message" in output
    code, output = run_in_terminal(repo, ["new", "X", "--impact", "minor"])
    assert code == 2 and "set $EDITOR" in output
    assert snapshot(repo) == before


def test_a_doomed_update_is_refused_before_the_editor_opens(repo: Path, tmp_path: Path) -> None:
    editor = _fake_editor(tmp_path, "never used")
    code, output = run_in_terminal(repo, ["update", "dashboard-down"], editor)
    assert code == 1 and "already resolved" in output
    assert not (tmp_path / "template.seen").exists()


# --- update and resolve ----------------------------------------------------------------------------------

def test_update_appends_exactly_one_canonical_section(repo: Path) -> None:
    path = repo / "incidents/2026-06-11-api-slow.md"
    before = path.read_bytes()
    result = run(repo, "update", "2026-06-11-api", "--status", "identified", "-m", "The pool is exhausted.",
                 "--at", "2026-06-11 14:40")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{path}: Identified at 2026-06-11 14:40 UTC\n"
    update = Update(dt.datetime(2026, 6, 11, 14, 40, tzinfo=UTC), Status.IDENTIFIED, "The pool is exhausted.")
    assert path.read_bytes() == before + canonical.update_section(update, UTC).encode()
    checks_clean(repo)


def test_update_by_path_and_default_status(repo: Path) -> None:
    path = repo / "incidents/2026-06-11-api-slow.md"
    result = run(repo, "update", str(path), "-m", "Still investigating.", "--at", "2026-06-11 15:00")
    assert result.exit_code == 0, result.output
    assert path.read_text().endswith("## 2026-06-11 15:00 UTC — Investigating\n\nStill investigating.\n")


def test_update_keeps_every_existing_byte_of_unusual_files(repo: Path) -> None:
    crlf = repo / "incidents/2026-06-11-crlf.md"
    crlf.write_bytes(INVESTIGATING.replace("\n", "\r\n").encode())
    bare = repo / "incidents/2026-06-11-bare.md"
    bare.write_bytes(INVESTIGATING.rstrip("\n").encode())
    bom = repo / "incidents/2026-06-11-bom.md"
    bom.write_bytes(b"\xef\xbb\xbf" + INVESTIGATING.encode())
    originals = {p: p.read_bytes() for p in (crlf, bare, bom)}
    for path in originals:
        result = run(repo, "update", path.stem, "-m", "Line one.\nLine two.", "--at", "2026-06-11 15:00")
        assert result.exit_code == 0, result.output
    section = "\n## 2026-06-11 15:00 UTC — Investigating\n\nLine one.\nLine two.\n"
    assert crlf.read_bytes() == originals[crlf] + section.replace("\n", "\r\n").encode()
    assert bare.read_bytes() == originals[bare] + b"\n" + section.encode()
    assert bom.read_bytes() == originals[bom] + section.encode()
    checks_clean(repo)


def test_update_keeps_the_file_mode(repo: Path) -> None:
    path = repo / "incidents/2026-06-11-api-slow.md"
    path.chmod(0o640)
    run(repo, "update", "api-slow", "-m", "x", "--at", "2026-06-11 15:00")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".")]  # no temporary file left


def test_update_refusals_change_nothing(repo: Path) -> None:
    assert "E301" in refused(repo, "update", "api-slow", "-m", "x", "--at", "2026-06-11 14:00")
    assert "already resolved" in refused(repo, "update", "dashboard-down", "-m", "x")
    assert "E303" in refused(repo, "update", "api-slow", "-m", "x", "--at", "2026-06-12 14:00")
    assert "no incident matches 'nope'" in refused(repo, "update", "nope", "-m", "x", code=2)
    assert "unknown status" in refused(repo, "update", "api-slow", "--status", "fixd", "-m", "x", code=2)


def test_an_ambiguous_prefix_lists_the_candidates(repo: Path) -> None:
    output = refused(repo, "update", "2026-06-1", "-m", "x", code=2)
    assert "matches 2 incidents" in output
    assert "2026-06-10-dashboard-down" in output and "2026-06-11-api-slow" in output


def test_update_now_keeps_seconds_rather_than_go_back_in_time(repo: Path) -> None:
    path = repo / "incidents/2026-06-11-api-slow.md"
    path.write_text(INVESTIGATING.replace("14:02 UTC", "16:00:30 UTC"))
    result = run(repo, "update", "api-slow", "-m", "x", env={"SOURCE_DATE_EPOCH": _epoch("2026-06-11 16:00:40 UTC")})
    assert result.exit_code == 0, result.output
    assert "## 2026-06-11 16:00:40 UTC — Investigating" in path.read_text()


def test_resolve_posts_the_final_update(repo: Path, make_repo: Callable[..., Path]) -> None:
    result = run(repo, "resolve", "api-slow", "-m", "Fixed.", "--at", "2026-06-11 15:30")
    assert result.exit_code == 0, result.output
    assert (repo / "incidents/2026-06-11-api-slow.md").read_text().endswith(
        "## 2026-06-11 15:30 UTC — Resolved\n\nFixed.\n")
    (repo / "incidents/2026-06-11-database-upgrade.md").write_text(MAINTENANCE)
    result = run(repo, "resolve", "database", "-m", "Done.", "--at", "2026-06-11 15:40")
    assert result.exit_code == 0, result.output
    assert "— Completed\n\nDone.\n" in (repo / "incidents/2026-06-11-database-upgrade.md").read_text()
    checks_clean(repo)
    assert "already completed" in refused(repo, "resolve", "database", "-m", "again")


# --- delete ----------------------------------------------------------------------------------------------

def test_delete_with_yes(repo: Path) -> None:
    result = run(repo, "delete", "api-slow", "--yes")
    assert result.exit_code == 0, result.output
    assert not (repo / "incidents/2026-06-11-api-slow.md").exists()
    checks_clean(repo)


def test_delete_without_a_terminal_needs_yes(repo: Path) -> None:
    assert "pass --yes" in refused(repo, "delete", "api-slow", code=2)


def test_delete_asks_on_a_terminal(repo: Path) -> None:
    code, output = run_in_terminal(repo, ["delete", "api-slow"], answer="n\n")
    assert code == 1 and "Delete" in output
    assert (repo / "incidents/2026-06-11-api-slow.md").exists()
    code, output = run_in_terminal(repo, ["delete", "api-slow"], answer="y\n")
    assert code == 0, output
    assert not (repo / "incidents/2026-06-11-api-slow.md").exists()


# --- list --------------------------------------------------------------------------------------------------

def test_list_prints_an_aligned_table(repo: Path) -> None:
    (repo / "incidents/2026-06-11-database-upgrade.md").write_text(MAINTENANCE)
    result = run(repo, "list", "--now", NOW)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "ID                           IMPACT       STATUS         STARTED               LAST UPDATE           TITLE",
        "2026-06-11-api-slow          major        Investigating  2026-06-11 14:02 UTC  2026-06-11 14:02 UTC  "
        "API responding slowly",
        "2026-06-11-database-upgrade  maintenance  In progress    2026-06-11 14:00 UTC  2026-06-11 14:00 UTC  "
        "Database upgrade",
        "2026-06-10-dashboard-down    critical     Resolved       2026-06-10 09:00 UTC  2026-06-10 09:30 UTC  "
        "Dashboard down",
    ]
    active = run(repo, "list", "--active", "--now", NOW).stdout
    assert "api-slow" in active and "database-upgrade" in active and "dashboard-down" not in active


def test_list_json(repo: Path) -> None:
    result = run(repo, "list", "--json", "--now", NOW)
    assert json.loads(result.stdout) == [
        {"id": "2026-06-11-api-slow", "path": "incidents/2026-06-11-api-slow.md", "title": "API responding slowly",
         "impact": "major", "status": "investigating", "phase": "active", "components": ["api"],
         "started_at": "2026-06-11T14:02:00Z", "last_update_at": "2026-06-11T14:02:00Z", "resolved_at": None,
         "updates": 1},
        {"id": "2026-06-10-dashboard-down", "path": "incidents/2026-06-10-dashboard-down.md",
         "title": "Dashboard down", "impact": "critical", "status": "resolved", "phase": "past",
         "components": ["dashboard"], "started_at": "2026-06-10T09:00:00Z",
         "last_update_at": "2026-06-10T09:30:00Z", "resolved_at": "2026-06-10T09:30:00Z", "updates": 2},
    ]
    assert json.loads(run(repo, "list", "--json", "--active", "--now", "2026-06-09 00:00").stdout) == []


def test_list_reports_files_it_cannot_list(repo: Path) -> None:
    (repo / "incidents/2026-06-09-broken.md").write_text("no front matter")
    result = run(repo, "list", "--now", NOW)
    assert result.exit_code == 1
    assert "api-slow" in result.stdout
    assert "1 file with errors could not be listed" in result.stderr


# --- the pure parts ------------------------------------------------------------------------------------------

def test_strip_comments_keeps_markdown_headings() -> None:
    assert editor.strip_comments("text\n# a comment\n#\n### heading\n#tag\n") == "text\n### heading\n#tag\n"


def test_append_update_matches_line_ends() -> None:
    update = Update(dt.datetime(2026, 6, 11, 15, 0, tzinfo=UTC), Status.MONITORING, "ok")
    assert edits.append_update(b"a\r\nb\r\n", update, UTC) == \
        b"a\r\nb\r\n\r\n## 2026-06-11 15:00 UTC \xe2\x80\x94 Monitoring\r\n\r\nok\r\n"
    assert edits.append_update(b"a\nb", update, UTC) == \
        b"a\nb\n\n## 2026-06-11 15:00 UTC \xe2\x80\x94 Monitoring\n\nok\n"

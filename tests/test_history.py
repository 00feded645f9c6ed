"""``gitstatus check --base REF``: published history is append-only, checked against real git repos.

Each test builds a git repository in tmp_path (init, commit), edits the working tree the way a
writer would, and runs the real command; every rule is asserted with its line and column.
"""

from __future__ import annotations

import subprocess
import textwrap
from pathlib import Path

import pytest

from gitstatus import changes
from gitstatus import git as gitplumbing
from gitstatus.source import Disk, GitRev
from gitstatus.words import status_label

from .conftest import (
    API_SLOW,
    COMPONENTS_YAML,
    check_base,
    commit_all,
    edit,
    git,
    run_check,
    run_cli,
    status_repo,
    write_tree,
)
from .conftest import API_SLOW_PATH as PATH
from .conftest import HISTORY_NOW as NOW
from .conftest import WEBHOOKS_DELAYED as ACTIVE

pytestmark = pytest.mark.usefixtures("no_github")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return status_repo(tmp_path / "repo", {PATH: API_SLOW, "incidents/2026-06-12-webhooks.md": ACTIVE})


# --- allowed changes ------------------------------------------------------------------------------------


def test_appending_updates_and_new_incidents_is_clean(repo: Path) -> None:
    with open(repo / "incidents/2026-06-12-webhooks.md", "a", encoding="utf-8") as handle:
        handle.write("\n## 2026-06-12 11:50 UTC — Identified\n\nA queue worker is stuck; restarting it.\n")
    write_tree(repo, {"incidents/2026-06-12-login.md": ACTIVE.replace("Webhooks delayed", "Login slow")})
    code, lines, output = check_base(repo)
    assert (code, lines) == (0, []), output
    assert "All good" in output


def test_unchanged_tree_is_clean(repo: Path) -> None:
    assert check_base(repo)[:2] == (0, [])


# --- errors -----------------------------------------------------------------------------------------------


def test_changed_time_is_an_error_on_its_line(repo: Path) -> None:
    edit(repo, PATH, "## 2026-06-11 14:40 UTC — Identified", "## 2026-06-11 14:45 UTC — Identified")
    code, lines, _ = check_base(repo)
    assert code == 1
    assert len(lines) == 1
    assert lines[0].startswith(f"{PATH}:11:4: E502 this update's time changed: it was published at main as "
                               "'## 2026-06-11 14:40 UTC — Identified'")


def test_changed_status_points_at_the_status(repo: Path) -> None:
    edit(repo, PATH, "14:40 UTC — Identified", "14:40 UTC — Monitoring")
    code, lines, _ = check_base(repo)
    assert code == 1
    assert len(lines) == 1 and lines[0].startswith(f"{PATH}:11:27: E502 this update's status changed")


def test_changed_time_and_status_is_one_error(repo: Path) -> None:
    edit(repo, PATH, "14:40 UTC — Identified", "14:41 UTC — Monitoring")
    code, lines, _ = check_base(repo)
    assert code == 1
    assert len(lines) == 1 and lines[0].startswith(f"{PATH}:11:4: E502 this update's time and status changed")


def test_vanished_update_points_at_the_heading_in_its_place(repo: Path) -> None:
    edit(repo, PATH, "## 2026-06-11 14:40 UTC — Identified\n\nThe issue was traced to database connection pool "
                     "exhaustion.\n\n", "")
    code, lines, _ = check_base(repo)
    assert code == 1
    assert lines == [f"{PATH}:11:1: E501 the update '## 2026-06-11 14:40 UTC — Identified' published at main "
                     "is gone; it came just before this one: published updates stay: put it back (fixing a typo "
                     "in its message is fine)"]


def test_vanished_last_update_points_at_the_one_before(repo: Path) -> None:
    edit(repo, PATH, "\n## 2026-06-11 15:10 UTC — Resolved\n\nResponse times are back to normal.\n", "")
    code, lines, _ = check_base(repo)
    assert code == 1
    assert len(lines) == 1
    assert lines[0].startswith(f"{PATH}:11:1: E501 the update '## 2026-06-11 15:10 UTC — Resolved' published at "
                               "main is gone; it came just after this one")


def test_every_update_vanished_points_at_the_body(repo: Path) -> None:
    (repo / PATH).write_text(API_SLOW.split("## ")[0], encoding="utf-8")
    code, lines, output = check_base(repo)
    assert code == 1
    assert [line.split(": E")[0] for line in lines] == [f"{PATH}:6:1"] * 3, output
    assert "E206" in output  # and the checker's own complaint about an incident with no update


def test_reopened_incident_is_an_error_on_the_added_update(repo: Path) -> None:
    with open(repo / PATH, "a", encoding="utf-8") as handle:
        handle.write("\n## 2026-06-11 16:00 UTC — Investigating\n\nThe slowness is back.\n")
    code, lines, output = check_base(repo)
    assert code == 1
    assert lines == [f"{PATH}:19:1: E503 this incident was closed at main by '## 2026-06-11 15:10 UTC — Resolved': "
                     "a closed incident stays closed; for a new problem open a new incident"]
    assert f"{PATH}:19:1: E302" in output  # the file on its own says so too


def test_reopening_by_changing_the_final_status_and_adding_updates(repo: Path) -> None:
    edit(repo, PATH, "15:10 UTC — Resolved", "15:10 UTC — Monitoring")
    with open(repo / PATH, "a", encoding="utf-8") as handle:
        handle.write("\n## 2026-06-11 16:00 UTC — Identified\n\nThe slowness is back.\n")
    code, lines, output = check_base(repo)
    assert code == 1
    assert [line.split(" this")[0] for line in lines] == [f"{PATH}:15:27: E502", f"{PATH}:19:1: E503"], output
    assert "E302" not in output  # the file on its own is consistent: only history knows it was closed


def test_renamed_incident_is_an_error_naming_the_old_file(repo: Path) -> None:
    git(repo, "mv", PATH, "incidents/2026-06-11-api-slowness.md")
    code, lines, output = check_base(repo)
    assert code == 1
    assert lines == ["incidents/2026-06-11-api-slowness.md:1:1: E504 renamed from incidents/2026-06-11-api-slow.md, "
                     "as published at main: the file name is the incident's id, in its URL and feed entries, so "
                     "the rename breaks links: keep the old name"]
    assert "N501" not in output  # a rename is not a deletion


def test_renamed_and_edited_incident_is_still_compared(repo: Path) -> None:
    text = API_SLOW.replace("14:40 UTC — Identified", "14:40 UTC — Monitoring")
    (repo / PATH).unlink()
    write_tree(repo, {"incidents/2026-06-11-slow-api.md": text})
    code, lines, _ = check_base(repo)
    assert code == 1
    assert [line.split(" ")[0:2] for line in lines] == [
        ["incidents/2026-06-11-slow-api.md:1:1:", "E504"], ["incidents/2026-06-11-slow-api.md:11:27:", "E502"]]


def test_new_file_with_another_title_is_a_deletion_and_a_new_incident(repo: Path) -> None:
    (repo / PATH).unlink()
    write_tree(repo, {"incidents/2026-06-11-other.md": API_SLOW.replace("API responding slowly", "Other")})
    code, lines, _ = check_base(repo)
    assert code == 0
    assert [line.split(" ")[0:2] for line in lines] == [[f"{PATH}:", "N501"]]


# --- notices ----------------------------------------------------------------------------------------------


def test_deleted_incident_is_a_notice(repo: Path) -> None:
    (repo / PATH).unlink()
    code, lines, output = check_base(repo)
    assert code == 0, output
    assert lines == [f"{PATH}: N501 this incident, published at main, is deleted: it disappears from the page, "
                     "its history and the feeds (right for a false alarm)"]
    assert "1 notice" in output


def test_edited_message_is_a_notice_on_the_message(repo: Path) -> None:
    edit(repo, PATH, "connection pool exhaustion", "connection-pool exhaustion")
    code, lines, _ = check_base(repo)
    assert code == 0
    assert len(lines) == 1 and lines[0].startswith(f"{PATH}:13:1: N502 this message was edited since main")


def test_rewrapping_a_message_is_not_an_edit(repo: Path) -> None:
    edit(repo, PATH, "traced to database connection", "traced to\ndatabase   connection")
    assert check_base(repo)[:2] == (0, [])


def test_strict_still_passes_with_notices(repo: Path) -> None:
    (repo / PATH).unlink()
    code, _, _ = run_check(repo, "--base", "main", "--format", "text", "--strict")
    assert code == 0


# --- what is compared and what is not ----------------------------------------------------------------------


def test_same_moment_written_in_another_zone_is_not_a_change(tmp_path: Path) -> None:
    components = COMPONENTS_YAML.replace("timezone: UTC", "timezone: Europe/Berlin")
    root = status_repo(tmp_path / "repo", {PATH: API_SLOW.replace("14:02 UTC", "16:02")})
    (root / "components.yaml").write_text(components, encoding="utf-8")
    git(root, "commit", "-qam", "Berlin")
    edit(root, PATH, "## 2026-06-11 16:02 — Investigating", "## 2026-06-11 14:02 UTC — Investigating")
    assert check_base(root)[:2] == (0, [])
    edit(root, PATH, "## 2026-06-11 14:02 UTC", "## 2026-06-11 16:02 UTC")  # two hours later: a change
    assert check_base(root)[1][0].startswith(f"{PATH}:7:4: E502")


def test_zoneless_times_keep_the_timezone_they_were_published_in(tmp_path: Path) -> None:
    root = status_repo(tmp_path / "repo", {PATH: API_SLOW.replace("14:02 UTC", "14:02")})
    edit(root, "components.yaml", "timezone: UTC", "timezone: Asia/Tokyo")
    code, lines, _ = check_base(root)
    assert code == 1 and lines[0].startswith(f"{PATH}:7:4: E502 this update's time changed")


def test_line_ends_changed_by_a_checkout_are_not_a_change(repo: Path) -> None:
    (repo / PATH).write_bytes(API_SLOW.replace("\n", "\r\n").encode("utf-8"))  # core.autocrlf on Windows
    assert check_base(repo)[:2] == (0, [])


def test_unreadable_heading_is_left_to_the_checker(repo: Path) -> None:
    edit(repo, PATH, "14:40 UTC — Identified", "14:40 UTC — Identifed")
    code, lines, output = check_base(repo)
    assert code == 1 and lines == []
    assert f"{PATH}:11:27: E204 unknown status 'Identifed'" in output


def test_incident_broken_at_base_is_skipped(tmp_path: Path) -> None:
    broken = API_SLOW.replace("impact: major", "impact: severe")
    root = status_repo(tmp_path / "repo", {PATH: broken})
    (root / PATH).write_text(API_SLOW.replace("14:40 UTC", "14:45 UTC"), encoding="utf-8")
    assert check_base(root)[:2] == (0, [])


def test_files_outside_incidents_are_ignored(tmp_path: Path) -> None:
    root = status_repo(tmp_path / "repo", {PATH: API_SLOW, "notes/2026-06-11-api-slow.md": API_SLOW,
                                           "incidents/drafts/old.md": API_SLOW})
    (root / "notes/2026-06-11-api-slow.md").unlink()
    (root / "incidents/drafts/old.md").unlink()
    (root / "incidents/drafts").rmdir()
    assert check_base(root)[:2] == (0, [])


def test_status_repo_in_a_subfolder_of_the_work_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    top = tmp_path / "top"
    root = status_repo(top, {PATH: API_SLOW}, folder="status")
    write_tree(top, {PATH: API_SLOW})  # a same-named file outside the status repo must not be read
    git(top, "add", "-A")
    git(top, "commit", "-qm", "unrelated")
    edit(root, PATH, "14:40 UTC — Identified", "14:40 UTC — Monitoring")
    code, lines, _ = check_base(root)
    assert code == 1 and [line.split(" this")[0] for line in lines] == [f"{PATH}:11:27: E502"]
    monkeypatch.chdir(root)
    result = run_cli("check", "--now", NOW, "--base", "HEAD", "--format", "text")
    assert result.exit_code == 1
    assert result.stdout.startswith(f"{PATH}:11:27: E502")  # run from inside the folder, paths as seen from there


def test_base_at_an_older_commit(repo: Path) -> None:
    edit(repo, "incidents/2026-06-12-webhooks.md", "a few minutes.", "a few minutes.\n\n## 2026-06-12 11:45 UTC — "
         "Identified\n\nA queue worker is stuck.")
    commit_all(repo, "update")
    edit(repo, "incidents/2026-06-12-webhooks.md", "11:45 UTC", "11:46 UTC")
    assert check_base(repo, "HEAD~1")[:2] == (0, [])  # not published at HEAD~1: anything goes
    assert check_base(repo, "HEAD")[1][0].startswith("incidents/2026-06-12-webhooks.md:11:4: E502")


# --- git problems are usage errors (exit 2) -----------------------------------------------------------------


def test_unknown_revision_is_a_clear_usage_error(repo: Path) -> None:
    code, out, err = run_check(repo, "--base", "origin/nope")
    assert code == 2 and out == ""
    assert err.startswith("gitstatus: --base origin/nope: no such git revision")
    assert "fetch-depth: 0" in err


@pytest.mark.parametrize("ref", ["", "--help", "main..HEAD"])
def test_odd_revisions_are_usage_errors(repo: Path, ref: str) -> None:
    code, _, err = run_check(repo, f"--base={ref}")
    assert code == 2 and err.startswith("gitstatus: --base")


def test_folder_outside_git_is_a_usage_error(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "plain", {"components.yaml": COMPONENTS_YAML, PATH: API_SLOW})
    if subprocess.run(["git", "rev-parse"], cwd=root, capture_output=True, check=False).returncode == 0:
        pytest.skip("tmp_path is inside a git work tree on this machine")
    code, out, err = run_check(root, "--base", "main")
    assert code == 2 and out == ""
    assert "is not in a git work tree" in err


def test_missing_git_is_a_usage_error(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(repo / "no-such-bin"))
    code, _, err = run_check(repo, "--base", "main")
    assert code == 2 and "no 'git' command" in err


def test_git_is_asked_three_times_whatever_the_number_of_files(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    files = {f"incidents/2026-06-{day:02d}-api-{n}.md": API_SLOW.replace("2026-06-11", f"2026-06-{day:02d}")
             for day in range(1, 11) for n in range(5)}
    root = status_repo(tmp_path / "repo", files)
    calls: list[str] = []
    real = gitplumbing._git

    def counting(where: Path, args: list[str], stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
        calls.append(args[0])
        return real(where, args, stdin)

    monkeypatch.setattr(gitplumbing, "_git", counting)
    result = changes.compare(Disk(root), GitRev(root, "main"), __import__("datetime").timezone.utc)
    assert calls == ["rev-parse", "ls-tree", "cat-file"]
    assert result.diagnostics == [] and result.changes == []


def test_changes_list_what_readers_will_see(repo: Path) -> None:
    with open(repo / "incidents/2026-06-12-webhooks.md", "a", encoding="utf-8") as handle:
        handle.write("\n## 2026-06-12 11:50 UTC — Resolved\n\nAll webhooks are delivered.\n")
    write_tree(repo, {"incidents/2026-06-12-login.md": ACTIVE.replace("Webhooks delayed", "Login slow")})
    (repo / PATH).unlink()
    import datetime as dt

    result = changes.compare(Disk(repo), GitRev(repo, "main"), dt.UTC)
    seen = [(c.kind, c.path, c.line, c.title, status_label(c.status) if c.status else None) for c in result.changes]
    assert seen == [
        (changes.ChangeKind.DELETED, PATH, 0, "API responding slowly", None),
        (changes.ChangeKind.NEW, "incidents/2026-06-12-login.md", 7, "Login slow", "Investigating"),
        (changes.ChangeKind.RESOLVED, "incidents/2026-06-12-webhooks.md", 11, "Webhooks delayed", "Resolved"),
    ]
    assert len(result.commit) == 40


def test_the_module_docstring_lists_every_history_code() -> None:
    from gitstatus.rules import RULES

    codes = [r.code for r in RULES if r.code[1:3] == "50"]
    assert codes == ["E501", "E502", "E503", "E504", "E505", "E506", "E507", "N501", "N502", "N503", "N504", "N505"]
    assert all(code in textwrap.dedent(changes.__doc__ or "") for code in codes)

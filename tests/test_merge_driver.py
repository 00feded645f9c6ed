"""Two responders, one incident: ``gitstatus merge-driver`` and git's conflict markers.

Appending an update is how this format is written, so two branches that each append to the same
incident are the normal case, and git's text merge makes a conflict of it (both added lines at
the end of the file). The driver merges appended updates by time; anything else stays a real
conflict with git's markers, which ``gitstatus check`` reports as E209. The driver is tested as
git runs it: real repositories, ``merge.gitstatus.driver`` configured, ``git merge``.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import COMPONENTS_YAML, GIT_ENV, commit_all, git, run_check, run_cli, run_gitstatus, write_tree
from .conftest import HISTORY_NOW as NOW
from .conftest import WEBHOOKS_DELAYED as ACTIVE

PATH = "incidents/2026-06-12-webhooks.md"
OURS_UPDATE = "## 2026-06-12 11:50 UTC — Identified\n\nA queue worker is stuck; restarting it.\n"
THEIRS_UPDATE = "## 2026-06-12 11:45 UTC — Investigating\n\nDeliveries to EU endpoints are affected most.\n"
#: ``python -m gitstatus``, as git will run it from the work tree (whatever the tests' working folder).
DRIVER = f"{shlex.quote(sys.executable)} -m gitstatus merge-driver %O %A %B %P"


pytestmark = pytest.mark.usefixtures("no_github")


def appended(text: str, *updates: str) -> str:
    return text + "".join(f"\n{u}" for u in updates)


def check(root: Path) -> tuple[int, str]:
    code, out, _ = run_check(root, "--format", "text")
    return code, out


# --- the driver on its own: three files in, the merge in the second ---------------------------------------


def run_driver(tmp_path: Path, base: str, ours: str, theirs: str, components: str = COMPONENTS_YAML,
               ) -> tuple[int, str, str]:
    """Run the driver the way git does (cwd = the work tree, %P relative to it); return code, %A, stderr."""
    work = write_tree(tmp_path / "work", {"components.yaml": components})
    files = {}
    for name, text in (("base", base), ("ours", ours), ("theirs", theirs)):
        files[name] = tmp_path / f".merge_file_{name}"
        files[name].write_bytes(text.encode("utf-8"))
    proc = run_gitstatus("merge-driver", files["base"], files["ours"], files["theirs"], PATH, cwd=work)
    return proc.returncode, files["ours"].read_text(encoding="utf-8"), proc.stderr


def check_text(tmp_path: Path, text: str) -> tuple[int, str]:
    root = write_tree(tmp_path / "checked", {"components.yaml": COMPONENTS_YAML, PATH: text})
    return check(root)


def headings(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("## ")]


def test_updates_appended_on_both_sides_are_merged_by_time(tmp_path: Path) -> None:
    code, merged, err = run_driver(tmp_path, ACTIVE, appended(ACTIVE, OURS_UPDATE), appended(ACTIVE, THEIRS_UPDATE))
    assert code == 0, err
    assert merged == appended(ACTIVE, THEIRS_UPDATE, OURS_UPDATE)
    assert check_text(tmp_path, merged) == (0, "All good: components.yaml and 1 incident, no problems.\n")


def test_equal_times_keep_ours_first_and_the_same_update_once(tmp_path: Path) -> None:
    same_time = "## 2026-06-12 11:50 UTC — Identified\n\nEU workers are stuck too.\n"
    shared = "## 2026-06-12 11:40 UTC — Investigating\n\nStill looking.\n"
    ours = appended(ACTIVE, shared, OURS_UPDATE)
    theirs = appended(ACTIVE, shared, same_time)
    code, merged, err = run_driver(tmp_path, ACTIVE, ours, theirs)
    assert code == 0, err
    assert merged == appended(ACTIVE, shared, OURS_UPDATE, same_time)


def test_a_front_matter_change_on_one_side_is_kept(tmp_path: Path) -> None:
    ours = appended(ACTIVE.replace("impact: minor", "impact: major"), OURS_UPDATE)
    code, merged, err = run_driver(tmp_path, ACTIVE, ours, appended(ACTIVE, THEIRS_UPDATE))
    assert code == 0, err
    assert merged == appended(ACTIVE.replace("impact: minor", "impact: major"), THEIRS_UPDATE, OURS_UPDATE)


def test_a_typo_fixed_on_one_side_is_kept(tmp_path: Path) -> None:
    theirs = appended(ACTIVE.replace("a few minutes", "several minutes"), THEIRS_UPDATE)
    code, merged, err = run_driver(tmp_path, ACTIVE, appended(ACTIVE, OURS_UPDATE), theirs)
    assert code == 0, err
    assert merged == appended(ACTIVE.replace("a few minutes", "several minutes"), THEIRS_UPDATE, OURS_UPDATE)


def test_zoneless_times_are_ordered_in_the_pages_timezone(tmp_path: Path) -> None:
    berlin = COMPONENTS_YAML.replace("timezone: UTC", "timezone: Europe/Berlin")
    ours_update = "## 2026-06-12 13:40 — Identified\n\nA queue worker is stuck.\n"  # 11:40 UTC
    code, merged, err = run_driver(tmp_path, ACTIVE, appended(ACTIVE, ours_update),
                                   appended(ACTIVE, THEIRS_UPDATE), components=berlin)
    assert code == 0, err
    assert headings(merged)[1:] == ["## 2026-06-12 13:40 — Identified", "## 2026-06-12 11:45 UTC — Investigating"]


def test_front_matter_changed_differently_on_both_sides_is_a_conflict(tmp_path: Path) -> None:
    ours = appended(ACTIVE.replace("title: Webhooks delayed", "title: Webhooks delayed in the EU"), OURS_UPDATE)
    theirs = appended(ACTIVE.replace("impact: minor", "impact: major"), THEIRS_UPDATE)
    code, merged, err = run_driver(tmp_path, ACTIVE, ours, theirs)
    assert code == 1
    assert "both sides changed the front matter" in err
    assert merged.startswith("---\n<<<<<<< ours\ntitle: Webhooks delayed in the EU\nimpact: minor\n"
                             "components: [website]\n=======\ntitle: Webhooks delayed\nimpact: major\n"
                             "components: [website]\n>>>>>>> theirs\n---\n")
    assert headings(merged)[1:] == ["## 2026-06-12 11:45 UTC — Investigating", "## 2026-06-12 11:50 UTC — Identified"]
    code, out = check_text(tmp_path, merged)
    assert code == 1
    assert out.splitlines()[0].endswith(f"{PATH}:2:1: E209 a git merge conflict is left here (marker lines 2, 6 "
                                        "and 10): keep what both sides wrote (two responders' updates both stay, "
                                        "oldest first) and delete the marker lines; 'gitstatus merge-driver' merges "
                                        "appended updates by itself (see docs/github.md)")
    assert "E103" not in out  # the markers are the problem, not the YAML around them


def test_two_final_updates_are_a_conflict_of_the_appended_updates(tmp_path: Path) -> None:
    ours = appended(ACTIVE, "## 2026-06-12 11:50 UTC — Resolved\n\nAll webhooks are delivered.\n")
    theirs = appended(ACTIVE, "## 2026-06-12 11:55 UTC — Resolved\n\nThe backlog is cleared.\n")
    code, merged, err = run_driver(tmp_path, ACTIVE, ours, theirs)
    assert code == 1
    assert "an update would follow the final one" in err
    assert merged == ACTIVE + ("\n<<<<<<< ours\n## 2026-06-12 11:50 UTC — Resolved\n\nAll webhooks are delivered.\n"
                               "=======\n## 2026-06-12 11:55 UTC — Resolved\n\nThe backlog is cleared.\n"
                               ">>>>>>> theirs\n")


def test_the_same_message_edited_differently_is_a_conflict_with_gits_markers(tmp_path: Path) -> None:
    ours = ACTIVE.replace("a few minutes", "ten minutes")
    theirs = ACTIVE.replace("a few minutes", "up to an hour")
    code, merged, _ = run_driver(tmp_path, ACTIVE, ours, theirs)
    assert code == 1
    assert "<<<<<<< ours\nWebhook deliveries are delayed by ten minutes.\n=======\n" \
           "Webhook deliveries are delayed by up to an hour.\n>>>>>>> theirs\n" in merged
    assert "E209" in check_text(tmp_path, merged)[1]


def test_crlf_files_stay_crlf(tmp_path: Path) -> None:
    crlf = ACTIVE.replace("\n", "\r\n")
    files = {}
    for name, text in (("base", crlf), ("ours", crlf + "\r\n" + OURS_UPDATE.replace("\n", "\r\n")),
                       ("theirs", crlf + "\r\n" + THEIRS_UPDATE.replace("\n", "\r\n"))):
        files[name] = tmp_path / name
        files[name].write_bytes(text.encode("utf-8"))
    work = write_tree(tmp_path / "work", {"components.yaml": COMPONENTS_YAML})
    proc = run_gitstatus("merge-driver", files["base"], files["ours"], files["theirs"], PATH, cwd=work)
    assert proc.returncode == 0, proc.stderr
    assert files["ours"].read_bytes() == appended(ACTIVE, THEIRS_UPDATE, OURS_UPDATE).replace("\n", "\r\n").encode()


def test_an_unreadable_input_is_an_error_that_leaves_ours_alone(tmp_path: Path) -> None:
    ours = tmp_path / "ours"
    ours.write_text(ACTIVE, encoding="utf-8")
    result = run_cli("merge-driver", tmp_path / "missing", ours, tmp_path / "gone", PATH)
    assert result.exit_code == 2
    assert result.stderr.startswith("gitstatus merge-driver: cannot read ")
    assert ours.read_text(encoding="utf-8") == ACTIVE


# --- with git: a repository with the driver configured ----------------------------------------------------


def repo_with_driver(tmp_path: Path, configure: bool = True) -> Path:
    """A status repo made by ``gitstatus init`` (so its .gitattributes), one active incident, committed."""
    root = tmp_path / "repo"
    result = run_cli("init", root, "--now", NOW)
    assert result.exit_code == 0, result.output
    for example in (root / "incidents").iterdir():  # init's placeholders replaced, as a team does
        example.unlink()
    settings = root / "components.yaml"
    settings.write_text(settings.read_text(encoding="utf-8").replace(
        "https://status.example.com/  # the example address: put your page's here", "https://status.acme.test/"),
        encoding="utf-8")
    write_tree(root, {PATH: ACTIVE.replace("[website]", "[api]")})
    git(root, "init", "-q")
    if configure:
        git(root, "config", "merge.gitstatus.driver", DRIVER)
    commit_all(root, "published")
    return root


def branch_with(root: Path, branch: str, path: str, text: str) -> None:
    git(root, "switch", "-q", "-c", branch, "main")
    (root / path).write_text(text, encoding="utf-8")
    commit_all(root, branch)


def git_merge(root: Path, branch: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "merge", "--no-edit", branch], cwd=root, env={**os.environ, **GIT_ENV},
                          capture_output=True, text=True, check=False)


def test_git_merges_two_branches_that_appended_updates(tmp_path: Path) -> None:
    root = repo_with_driver(tmp_path)
    base = (root / PATH).read_text(encoding="utf-8")
    branch_with(root, "theirs", PATH, appended(base, THEIRS_UPDATE))
    branch_with(root, "ours", PATH, appended(base, OURS_UPDATE))
    proc = git_merge(root, "theirs")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (root / PATH).read_text(encoding="utf-8") == appended(base, THEIRS_UPDATE, OURS_UPDATE)
    assert git(root, "status", "--porcelain") == ""  # committed, nothing left to resolve
    assert check(root) == (0, "All good: components.yaml and 1 incident, no problems.\n")


def test_without_the_driver_configured_git_reports_the_usual_conflict(tmp_path: Path) -> None:
    root = repo_with_driver(tmp_path, configure=False)  # .gitattributes alone changes nothing
    base = (root / PATH).read_text(encoding="utf-8")
    branch_with(root, "theirs", PATH, appended(base, THEIRS_UPDATE))
    branch_with(root, "ours", PATH, appended(base, OURS_UPDATE))
    proc = git_merge(root, "theirs")
    assert proc.returncode == 1 and f"CONFLICT (content): Merge conflict in {PATH}" in proc.stdout
    code, out = check(root)
    assert code == 1 and f"{PATH}:11:1: E209 a git merge conflict is left here (marker lines 11, 15 and 19)" in out


def test_git_reports_a_conflict_the_driver_cannot_merge(tmp_path: Path) -> None:
    root = repo_with_driver(tmp_path)
    base = (root / PATH).read_text(encoding="utf-8")
    branch_with(root, "theirs", PATH, appended(base.replace("impact: minor", "impact: major"), THEIRS_UPDATE))
    branch_with(root, "ours", PATH, appended(base.replace("impact: minor", "impact: critical"), OURS_UPDATE))
    proc = git_merge(root, "theirs")
    assert proc.returncode == 1
    assert f"CONFLICT (content): Merge conflict in {PATH}" in proc.stdout
    assert git(root, "diff", "--name-only", "--diff-filter=U") == f"{PATH}\n"  # git holds it as unmerged
    text = (root / PATH).read_text(encoding="utf-8")
    assert "---\n<<<<<<< ours\n" in text and "impact: critical\ncomponents: [api]\n=======\n" in text
    code, out = check(root)
    assert code == 1 and f"{PATH}:2:1: E209" in out


def test_a_new_incident_on_each_side_needs_no_driver(tmp_path: Path) -> None:
    root = repo_with_driver(tmp_path)
    other = "incidents/2026-06-12-login.md"
    branch_with(root, "theirs", other, ACTIVE.replace("Webhooks delayed", "Login slow"))
    branch_with(root, "ours", PATH, appended((root / PATH).read_text(encoding="utf-8"), OURS_UPDATE))
    assert git_merge(root, "theirs").returncode == 0
    assert check(root)[0] == 0


# --- what init writes ---------------------------------------------------------------------------------------


def test_init_writes_the_attribute_and_says_how_to_configure_the_driver(tmp_path: Path) -> None:
    root = tmp_path / "status"
    assert run_cli("init", root, "--now", NOW).exit_code == 0
    attributes = (root / ".gitattributes").read_text(encoding="utf-8")
    assert "incidents/*.md merge=gitstatus\n" in attributes.splitlines(keepends=True)
    command = 'git config merge.gitstatus.driver "gitstatus merge-driver %O %A %B %P"'
    assert command in attributes
    assert command in (root / "README.md").read_text(encoding="utf-8")


def test_a_file_with_conflict_markers_is_not_compared_with_history(tmp_path: Path) -> None:
    """History would only repeat the conflict as edited messages: E209 says what to do."""
    root = repo_with_driver(tmp_path)
    edit_text = (root / PATH).read_text(encoding="utf-8")
    (root / PATH).write_text(appended(edit_text, "<<<<<<< HEAD\n" + OURS_UPDATE + "=======\n" + THEIRS_UPDATE
                                      + ">>>>>>> theirs\n"), encoding="utf-8")
    code, out, _ = run_check(root, "--base", "main", "--format", "text")
    assert code == 1
    assert [line.split(" ")[1] for line in out.splitlines()[:-1]] == ["E209", "E301"]

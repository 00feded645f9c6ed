"""The gitstatus GitHub Action (action.yml): linted, and its steps run for real on repos ``gitstatus init`` made.

The local runner (tests/localrunner.py) runs the Action's shell steps as GitHub would, with
``github.action_path`` this checkout: it really installs gitstatus from the checkout into a
virtual environment of its own (once per session, then reused as in a job that uses the Action
twice), and really runs check and build. A new status repo (in an empty folder, and in a
repository GitHub made with a README and a .gitignore) then goes through its own CI: the
pull-request check, and the publish job with its check against the last published commit.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from gitstatus.cli import main

from .conftest import REPO, commit_all, edit, git
from .localrunner import Runner, action_venv, load
from .test_workflows import run, tool

ACTION = REPO / "action.yml"
NOW = "2026-06-12 12:00 UTC"
EPOCH = "1781265600"  # NOW
EXAMPLE = "incidents/2026-06-11-example-slow-api-responses.md"
NEW_INCIDENT = """\
---
title: Logins slow
impact: minor
components: [api]
---

## 2026-06-12 11:30 UTC — Investigating

Logins take up to a minute.
"""
BROKEN_ACTION = """\
name: broken
description: an action with a step that is neither run nor uses
runs:
  using: composite
  steps:
    - name: nothing
      shell: bash
      retries: 3
"""


@pytest.fixture(scope="session")
def action_env(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return action_venv(tmp_path_factory.mktemp("action"))


def made_by_init(tmp_path: Path, variant: str, *args: str) -> tuple[Path, Path]:
    """A status repo made by ``gitstatus init`` on main, pushed to a bare 'origin'; (writer's clone, origin)."""
    writer = tmp_path / "writer"
    writer.mkdir()
    if variant == "existing":  # as GitHub makes a repository
        (writer / "README.md").write_text("# acme-status\n", encoding="utf-8")
        (writer / ".gitignore").write_text("__pycache__/\n/site\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["init", str(writer), "--now", NOW, *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    git(writer, "init", "-q")
    commit_all(writer, "A status page")
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", str(origin))
    git(writer, "remote", "add", "origin", str(origin))
    git(writer, "push", "-q", "origin", "main")
    return writer, origin


def checkout(tmp_path: Path, origin: Path, name: str, ref: str = "main") -> Path:
    """What actions/checkout with fetch-depth: 0 leaves: every branch as origin/*, the ref checked out."""
    workspace = tmp_path / name
    git(tmp_path, "clone", "-q", str(origin), str(workspace))
    git(workspace, "checkout", "-q", ref)
    return workspace


def runner(workspace: Path, tmp_path: Path, action_env: Path, **github: str) -> Runner:
    return Runner(workspace, tmp_path / f"temp-{workspace.name}", github=github, action_venv=action_env,
                  env={"SOURCE_DATE_EPOCH": EPOCH},
                  stubs={"actions/configure-pages": {"base_url": "https://acme.github.io/status"}})


def workflow(workspace: Path, name: str) -> dict[str, Any]:
    return load(workspace / ".github/workflows" / name)


# --- the Action's metadata ------------------------------------------------------------------------------------


def test_action_matches_githubs_action_schema(tmp_path: Path) -> None:
    proc = run([tool("check-jsonschema"), "--builtin-schema", "vendor.github-actions", str(ACTION)])
    assert proc.returncode == 0 and "ok -- validation done" in proc.stdout, proc.stdout + proc.stderr
    broken = tmp_path / "action.yml"
    broken.write_text(BROKEN_ACTION, encoding="utf-8")
    proc = run([tool("check-jsonschema"), "--builtin-schema", "vendor.github-actions", str(broken)])
    assert proc.returncode == 1 and "action.yml" in proc.stdout


def test_action_inputs_reach_its_scripts_through_env_only() -> None:
    action = load(ACTION)
    assert list(action["inputs"]) == ["command", "root", "base", "out", "base-url", "state", "python-version",
                                      "args", "install"]
    assert action["runs"]["using"] == "composite"
    scripts = [s for s in action["runs"]["steps"] if "run" in s]
    used = " ".join(str(v) for s in scripts for v in s.get("env", {}).values())
    for step in scripts:
        assert step["shell"] == "bash" and "${{" not in step["run"]
    for name in action["inputs"]:
        if name != "python-version":  # that one goes to actions/setup-python's with:
            assert f"inputs.{name} }}}}" in used, name
    (setup,) = [s for s in action["runs"]["steps"] if "uses" in s]
    assert setup["uses"] == "actions/setup-python@v7" and setup["if"] == "inputs.python-version != ''"


def test_the_action_installs_gitstatus_from_its_own_checkout(action_env: Path) -> None:
    """Not the test's gitstatus, not PyPI's: the checkout the Action was run from, as a normal install."""
    assert (action_env / ".source").read_text(encoding="utf-8") == str(REPO)
    site = next(action_env.glob("lib/python3*/site-packages"))
    direct = json.loads(next(site.glob("gitstatus_page-*.dist-info/direct_url.json")).read_text(encoding="utf-8"))
    assert direct["url"] == REPO.as_uri() and not direct.get("dir_info", {}).get("editable")
    assert (site / "gitstatus/cli.py").is_file()  # copied in, not linked to the checkout
    assert (site / "gitstatus/theme/templates").is_dir()
    assert not (action_env / "pyvenv.cfg").read_text(encoding="utf-8").count("include-system-site-packages = true")


# --- a new status repo through its own CI ---------------------------------------------------------------------


@pytest.mark.parametrize("variant", ["empty", "existing"])
def test_a_new_status_repo_passes_its_pull_request_check(tmp_path: Path, action_env: Path, variant: str) -> None:
    writer, origin = made_by_init(tmp_path, variant)
    git(writer, "switch", "-q", "-c", "incident-logins")
    (writer / "incidents/2026-06-12-logins-slow.md").write_text(NEW_INCIDENT, encoding="utf-8")
    commit_all(writer, "Incident: logins slow")
    git(writer, "push", "-q", "origin", "incident-logins")
    workspace = checkout(tmp_path, origin, "pr", "incident-logins")
    job = runner(workspace, tmp_path, action_env, base_ref="main").job(workflow(workspace, "status-check.yml"),
                                                                       "check")
    assert job.result == "success", job.stdout + job.stderr
    check = job.step("Check against the base branch")
    assert "| New incident | Logins slow | Investigating | 2026-06-12 11:30 UTC |" in check.summary
    assert "::error" not in job.stdout
    assert job.step("Build the page (templates and links)").outcome == "success"
    assert (tmp_path / "temp-pr/site/index.html").is_file()


@pytest.mark.parametrize("variant", ["empty", "existing"])
def test_a_new_status_repo_publishes_and_a_rewrite_pushed_to_main_is_stopped(tmp_path: Path, action_env: Path,
                                                                            variant: str) -> None:
    writer, origin = made_by_init(tmp_path, variant)
    first = checkout(tmp_path, origin, "first")
    job = runner(first, tmp_path, action_env).job(workflow(first, "publish.yml"), "build")
    assert job.result == "success", job.stdout + job.stderr
    assert "::notice title=First publish::There is no branch gitstatus-published yet" in job.stdout
    page = (first / "_site/index.html").read_text(encoding="utf-8")
    assert "https://acme.github.io/status/" in page  # the Pages address, from configure-pages
    # The Record job moved gitstatus-published to what was deployed; then someone pushes a rewrite to main.
    git(writer, "push", "-q", "origin", "main:gitstatus-published")
    edit(writer, EXAMPLE, "12:18 UTC — Identified", "12:18 UTC — Monitoring")
    commit_all(writer, "Rewrite a published update")
    git(writer, "push", "-q", "origin", "main")
    second = checkout(tmp_path, origin, "second")
    job = runner(second, tmp_path, action_env).job(workflow(second, "publish.yml"), "build")
    assert job.result == "failure"
    published = git(second, "rev-parse", "origin/gitstatus-published").strip()
    assert f"Checking against the last published commit, {published}" in job.stdout
    check = job.step("Check against the last published commit")
    assert check.returncode == 1
    assert f"::error title=gitstatus E502,file={EXAMPLE},line=" in check.stdout
    assert f"| {EXAMPLE}:" in check.summary and "E502 error" in check.summary
    assert job.step("Build the page").outcome == "skipped"
    assert not (second / "_site").exists()


def test_a_force_push_is_compared_with_what_was_published_all_the_same(tmp_path: Path, action_env: Path) -> None:
    writer, origin = made_by_init(tmp_path, "empty")
    git(writer, "push", "-q", "origin", "main:gitstatus-published")
    edit(writer, EXAMPLE, "12:18 UTC — Identified", "12:18 UTC — Monitoring")
    git(writer, "add", "-A")
    git(writer, "commit", "-q", "--amend", "-m", "A status page, rewritten")
    git(writer, "push", "-q", "--force", "origin", "main")
    workspace = checkout(tmp_path, origin, "ci")
    job = runner(workspace, tmp_path, action_env).job(workflow(workspace, "publish.yml"), "build")
    assert "::warning title=History rewritten::The last published commit is not in this commit's history" \
        in job.stdout
    assert job.result == "failure" and "E502" in job.step("Check against the last published commit").stdout


@pytest.mark.parametrize(("build", "deploy", "record", "heading", "says", "ok"), [
    ("success", "success", "success", "### Published", "now shows commit `abc123`", True),
    ("success", "success", "failure", "### Published", "could not be moved to it (failure)", True),
    ("failure", "skipped", "skipped", "### Not published", "The check or the build failed (failure)", False),
    ("success", "failure", "skipped", "### Not published", "Settings > Pages > Source is GitHub Actions", False),
])
def test_the_report_says_what_was_published_or_why_not(tmp_path: Path, action_env: Path, build: str, deploy: str,
                                                       record: str, heading: str, says: str, ok: bool) -> None:
    writer, _ = made_by_init(tmp_path, "empty")
    needs = {"build": {"result": build}, "deploy": {"result": deploy}, "record": {"result": record},
             "announce": {"result": "success" if deploy == "success" else "skipped"}}
    job = runner(writer, tmp_path, action_env, sha="abc123").job(workflow(writer, "publish.yml"), "report", needs)
    assert (job.result == "success") is ok
    assert job.summary.startswith(heading + "\n\n") and says in job.summary
    told = job.step("Tell the team that the page was not published")
    if ok:
        assert told.outcome == "skipped"
    else:
        assert "::error title=Not published::" in job.stdout
        # init's repo has no channels yet: the command runs, and says so
        assert told.outcome == "success" and "No channels" in told.stdout, told.stdout + told.stderr
        assert job.steps[-1].outcome == "failure"


def test_the_announce_job_tells_each_change_once_and_the_report_tells_the_team(tmp_path: Path,
                                                                               action_env: Path) -> None:
    """The publish workflow's notify, run twice with its record kept between runs as actions/cache keeps it."""
    from .test_notify_delivery import Receiver

    live = tmp_path / "live"
    live.mkdir()
    chat = Receiver(live)
    try:
        writer, origin = made_by_init(tmp_path, "empty")
        (writer / "components.yaml").write_text((writer / "components.yaml").read_text(encoding="utf-8")
                                                + "\nnotify:\n  - name: ops\n    url_env: OPS_NOTIFY_URL\n",
                                                encoding="utf-8")
        git(writer, "rm", "-q", EXAMPLE)
        commit_all(writer, "Channels")
        git(writer, "push", "-q", "origin", "main")
        workspace = checkout(tmp_path, origin, "ci")
        run_ = runner(workspace, tmp_path, action_env)
        run_.secrets["OPS_NOTIFY_URL"] = f"json://127.0.0.1:{chat.port}/chat"
        needs = {"build": {"outputs": {"base-url": "https://acme.github.io/status/"}}}
        publish = workflow(workspace, "publish.yml")

        first = run_.job(publish, "announce", needs)  # no record yet: nothing is owed, the record starts
        assert first.result == "success", first.stdout + first.stderr
        assert (workspace / ".gitstatus-notify/notify-state.json").is_file() and chat.posts == []

        (writer / "incidents").mkdir(exist_ok=True)
        (writer / "incidents/2026-06-12-logins-slow.md").write_text(NEW_INCIDENT, encoding="utf-8")
        commit_all(writer, "Incident: logins slow")
        git(writer, "push", "-q", "origin", "main")
        git(workspace, "pull", "-q", "origin", "main")
        for _ in range(2):  # the second run, a re-run, sends nothing again
            job = run_.job(publish, "announce", needs)
            assert job.result == "success", job.stdout + job.stderr
        opened, status = (post.json() for post in chat.taken("/chat"))
        assert (opened["title"], status["title"]) == ("New incident: Logins slow", "Status change: API")
        assert "https://acme.github.io/status/incidents/2026-06-12-logins-slow.html" in opened["message"]

        failed = {"build": {"result": "failure"}, "deploy": {"result": "skipped"}, "record": {"result": "skipped"},
                  "announce": {"result": "skipped"}}
        report = run_.job(publish, "report", failed)
        assert report.result == "failure"
        [told] = chat.taken("/chat")
        assert told.json()["title"] == "Not published: Example Status"
    finally:
        chat.close()


@pytest.mark.parametrize(("existing", "call"), [
    (True, "api --method PATCH repos/acme/status/git/refs/heads/gitstatus-published -f sha=abc123 -F force=true"),
    (False, "api --method POST repos/acme/status/git/refs -f ref=refs/heads/gitstatus-published -f sha=abc123"),
])
def test_the_record_job_moves_or_creates_the_published_branch(tmp_path: Path, existing: bool, call: str) -> None:
    writer, _ = made_by_init(tmp_path, "empty")
    log = tmp_path / "gh.log"
    fake = tmp_path / "bin/gh"
    fake.parent.mkdir()
    fake.write_text(f'#!/bin/sh\nprintf "%s\\n" "$*" >> "{log}"\n'
                    f'case "$*" in *git/ref/heads/*) exit {0 if existing else 1} ;; esac\n', encoding="utf-8")
    fake.chmod(0o755)
    job = Runner(writer, tmp_path / "temp", github={"sha": "abc123"},
                 env={"PATH": f"{fake.parent}{os.pathsep}{os.environ['PATH']}"}).job(workflow(writer, "publish.yml"),
                                                                                       "record")
    assert job.result == "success", job.stdout + job.stderr
    assert log.read_text(encoding="utf-8").splitlines() == [
        "api repos/acme/status/git/ref/heads/gitstatus-published --silent", f"{call} --silent"]


# --- the Action's commands and inputs ---------------------------------------------------------------------------


def test_a_failed_build_says_so_in_the_job_summary(tmp_path: Path, action_env: Path) -> None:
    writer, _ = made_by_init(tmp_path, "empty")
    edit(writer, EXAMPLE, "impact: minor", "impact: severe")
    run_ = runner(writer, tmp_path, action_env).action({"command": "build", "out": "_site"})
    assert (run_.outcome, run_.returncode) == ("failure", 1)
    assert f"::error title=gitstatus E109,file={EXAMPLE}" in run_.stdout
    assert run_.summary.startswith("### The status page was not built\n")
    assert "exit status 1" in run_.summary and not (writer / "_site").exists()


def test_notify_runs_the_notify_command(tmp_path: Path, action_env: Path) -> None:
    writer, _ = made_by_init(tmp_path, "empty")
    run_ = runner(writer, tmp_path, action_env).action({"command": "notify", "out": "_site"})
    # the command itself answers: with no built site in _site it has nowhere to keep its record
    assert run_.returncode == 2 and "(or give --state FILE)" in run_.stderr, run_.stderr
    run_ = runner(writer, tmp_path, action_env).action({"command": "publish"})
    assert run_.returncode == 2 and "the action's command input must be check, build or notify" in run_.stdout


def test_args_are_split_at_spaces_and_never_expanded(tmp_path: Path, action_env: Path) -> None:
    writer, _ = made_by_init(tmp_path, "empty")
    run_ = runner(writer, tmp_path, action_env).action({"command": "check", "args": "--format=json --strict"})
    # both arguments took effect: JSON, and --strict failing on init's placeholder warning
    assert (run_.outcome, run_.returncode) == ("failure", 1)
    found = json.loads(run_.stdout.split("\n", 1)[1])  # after the install line: check's JSON
    assert [d["code"] for d in found] == ["W110", "W103"]
    run_ = runner(writer, tmp_path, action_env).action({"command": "check", "args": "*"})
    assert run_.returncode == 2 and "Got unexpected extra argument (*)" in run_.stderr


def test_hostile_inputs_stay_data(tmp_path: Path, action_env: Path) -> None:
    writer, _ = made_by_init(tmp_path, "empty")
    marker = tmp_path / "pwned"
    run_ = runner(writer, tmp_path, action_env).action({
        "command": "check", "base": f'main"; touch {marker}; echo "', "root": f"$(touch {marker})",
        "args": f"`touch {marker}`"})
    assert run_.returncode == 2 and not marker.exists()

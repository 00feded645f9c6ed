"""``gitstatus init --host``: the CI of GitLab Pages, Netlify and Cloudflare Pages, linted and run.

Each host's CI file is checked by its own schema where one exists (GitLab's, vendored by
check-jsonschema; the GitHub workflows in tests/test_workflows.py; netlify.toml has none, so it is
parsed as TOML and its keys asserted). Then its commands run with bash as the host would run
them, in a clone of a repo ``init`` made, with the variables the host sets: the history rules
stop a rewrite pushed to the default branch, and a clean repo builds. What talks to the host
itself (wrangler, the build hook) is a stand-in on PATH that records its arguments.
"""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from gitstatus.commands import init as scaffold

from .conftest import commit_all, edit, git
from .localrunner import Runner, action_venv, load
from .test_action import EPOCH, EXAMPLE, checkout, made_by_init
from .test_workflows import run, tool

WHEN = dt.datetime(2026, 6, 12, 12, tzinfo=dt.UTC)
FILES = {
    "github": [".github/workflows/publish.yml", ".github/workflows/status-check.yml"],
    "gitlab": [".gitlab-ci.yml"],
    "netlify": [".github/workflows/rebuild.yml", ".github/workflows/status-check.yml", "netlify.toml"],
    "cloudflare": [".github/workflows/publish.yml", ".github/workflows/status-check.yml"],
}
BROKEN_GITLAB_CI = """\
pages:
  stage: deploy
  script: gitstatus build --out public
  artifacts:
    paths: public
  retries: 3
"""


@pytest.fixture(scope="session")
def action_env(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return action_venv(tmp_path_factory.mktemp("action"))


def bash(script: str, cwd: Path, env: dict[str, str], action_env: Path) -> Any:
    """A script as the host runs it: bash with -e and pipefail, its python the one gitstatus is installed in."""
    path = f"{action_env / 'bin'}{os.pathsep}{os.environ['PATH']}"
    return run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=cwd,
               env={**os.environ, "PATH": path, "SOURCE_DATE_EPOCH": EPOCH, "PIP_DISABLE_PIP_VERSION_CHECK": "1",
                    **env})


def stand_in(folder: Path, name: str, exit_status: int = 0) -> Path:
    """A command on PATH that records its arguments in ``folder/name.log``."""
    log = folder / f"{name}.log"
    script = folder / "bin" / name
    script.parent.mkdir(parents=True, exist_ok=True)
    script.write_text(f'#!/bin/sh\nprintf "%s\\n" "$*" >> "{log}"\nexit {exit_status}\n', encoding="utf-8")
    script.chmod(0o755)
    return log


@pytest.mark.parametrize("host", scaffold.HOSTS)
def test_each_host_gets_its_ci_files(host: str) -> None:
    written = scaffold.files(WHEN, host)
    ci = sorted(p for p in written if p.startswith(".github/") or p in (".gitlab-ci.yml", "netlify.toml"))
    assert ci == FILES[host]
    assert "gitstatus-page @ git+https://github.com/gitstatus/gitstatus@v1" in written["README.md"]


# --- GitLab Pages ------------------------------------------------------------------------------------------------


def test_gitlab_ci_matches_gitlabs_schema(tmp_path: Path) -> None:
    path = tmp_path / ".gitlab-ci.yml"
    path.write_text(scaffold.files(WHEN, "gitlab")[
        ".gitlab-ci.yml"], encoding="utf-8")
    proc = run([tool("check-jsonschema"), "--builtin-schema", "vendor.gitlab-ci", str(path)])
    assert proc.returncode == 0 and "ok -- validation done" in proc.stdout, proc.stdout + proc.stderr
    path.write_text(BROKEN_GITLAB_CI, encoding="utf-8")
    proc = run([tool("check-jsonschema"), "--builtin-schema", "vendor.gitlab-ci", str(path)])
    assert proc.returncode == 1 and ".gitlab-ci.yml" in proc.stdout


def gitlab_job(workspace: Path, name: str) -> str:
    """A GitLab job's before_script and script as the one shell script GitLab's runner makes of them."""
    ci = yaml.safe_load((workspace / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    job = ci[name]
    assert ci["default"]["image"].startswith("python:3.11")
    lines = [*ci["default"]["before_script"], *job["script"]]
    variables = "".join(f'export {k}="{v}"\n' for k, v in ci["variables"].items())
    return variables + "\n".join(lines)


def test_gitlab_pages_job_checks_against_the_commit_before_the_push(tmp_path: Path, action_env: Path) -> None:
    writer, origin = made_by_init(tmp_path, "empty", "--host", "gitlab", "--install", "gitstatus-page")
    before = git(writer, "rev-parse", "HEAD").strip()
    edit(writer, EXAMPLE, "12:18 UTC — Identified", "12:18 UTC — Monitoring")
    commit_all(writer, "Rewrite a published update")
    git(writer, "push", "-q", "origin", "main")
    workspace = checkout(tmp_path, origin, "ci")
    script = gitlab_job(workspace, "pages")
    env = {"CI_COMMIT_BRANCH": "main", "CI_DEFAULT_BRANCH": "main"}
    proc = bash(script, workspace, {**env, "CI_COMMIT_BEFORE_SHA": before}, action_env)
    assert proc.returncode == 1 and "E502" in proc.stdout, proc.stdout + proc.stderr
    assert not (workspace / "public").exists()
    # A scheduled pipeline has no commit before it: the check runs without the history rules, and the page is built.
    proc = bash(script, workspace, {**env, "CI_COMMIT_BEFORE_SHA": "0" * 40}, action_env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "checking without the history rules" in proc.stdout
    assert (workspace / "public/index.html").is_file()


def test_gitlab_merge_request_job_checks_against_the_target_branch(tmp_path: Path, action_env: Path) -> None:
    writer, origin = made_by_init(tmp_path, "existing", "--host", "gitlab", "--install", "gitstatus-page")
    git(writer, "switch", "-q", "-c", "rewrite")
    edit(writer, EXAMPLE, "12:18 UTC — Identified", "12:18 UTC — Monitoring")
    commit_all(writer, "Rewrite a published update")
    git(writer, "push", "-q", "origin", "rewrite")
    workspace = tmp_path / "mr"
    git(tmp_path, "clone", "-q", "--single-branch", "--branch", "rewrite", str(origin), str(workspace))  # no main
    env = {"CI_PIPELINE_SOURCE": "merge_request_event",
           "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main", "TMPDIR": str(tmp_path)}
    proc = bash(gitlab_job(workspace, "status-check"), workspace, env, action_env)
    assert proc.returncode == 1 and "E502" in proc.stdout, proc.stdout + proc.stderr
    git(workspace, "revert", "--no-edit", "HEAD")
    proc = bash(gitlab_job(workspace, "status-check"), workspace, env, action_env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (tmp_path / "gitstatus-site/index.html").is_file()


# --- Netlify ------------------------------------------------------------------------------------------------------


def netlify(workspace: Path) -> dict[str, Any]:
    return tomllib.loads((workspace / "netlify.toml").read_text(encoding="utf-8"))


def test_netlify_toml_says_what_to_build_and_publish(tmp_path: Path) -> None:
    writer, _ = made_by_init(tmp_path, "empty", "--host", "netlify")
    config = netlify(writer)
    assert config["build"]["publish"] == "site"
    assert config["build"]["environment"] == {
        "PYTHON_VERSION": "3.11", "GITSTATUS": "gitstatus-page @ git+https://github.com/gitstatus/gitstatus@v1"}
    assert set(config) == {"build"} and set(config["build"]) == {"command", "publish", "environment"}


def test_netlify_build_checks_against_the_last_built_commit(tmp_path: Path, action_env: Path) -> None:
    writer, origin = made_by_init(tmp_path, "empty", "--host", "netlify", "--install", "gitstatus-page")
    built = git(writer, "rev-parse", "HEAD").strip()
    edit(writer, EXAMPLE, "12:18 UTC — Identified", "12:18 UTC — Monitoring")
    commit_all(writer, "Rewrite a published update")
    git(writer, "push", "-q", "origin", "main")
    workspace = checkout(tmp_path, origin, "netlify")
    command, head = netlify(workspace)["build"]["command"], git(workspace, "rev-parse", "HEAD").strip()
    env = {"GITSTATUS": "gitstatus-page", "COMMIT_REF": head}
    proc = bash(command, workspace, {**env, "CACHED_COMMIT_REF": built}, action_env)
    assert proc.returncode == 1 and "E502" in proc.stdout, proc.stdout + proc.stderr
    assert not (workspace / "site").exists()
    proc = bash(command, workspace, {**env, "CACHED_COMMIT_REF": head}, action_env)  # the first build: the same
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "checking without the history rules" in proc.stdout
    assert (workspace / "site/index.html").is_file()


@pytest.mark.parametrize("hook", ["https://api.netlify.com/build_hooks/abc", ""])
def test_netlify_rebuild_workflow_calls_the_build_hook(tmp_path: Path, hook: str) -> None:
    writer, _ = made_by_init(tmp_path, "empty", "--host", "netlify")
    log = stand_in(tmp_path, "curl")
    runner = Runner(writer, tmp_path / "temp", secrets={"NETLIFY_BUILD_HOOK": hook} if hook else {},
                    env={"PATH": f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}"})
    job = runner.job(load(writer / ".github/workflows/rebuild.yml"), "rebuild")
    if hook:
        assert job.result == "success", job.stdout + job.stderr
        assert log.read_text(encoding="utf-8") == \
            f"--fail --silent --show-error --max-time 60 --request POST --data {{}} {hook}\n"
    else:
        assert job.result == "failure" and not log.exists()
        assert "::error title=No build hook::add the secret NETLIFY_BUILD_HOOK" in job.stdout


# --- Cloudflare Pages -------------------------------------------------------------------------------------------


def test_cloudflare_workflow_builds_then_deploys_with_wrangler(tmp_path: Path, action_env: Path) -> None:
    writer, origin = made_by_init(tmp_path, "existing", "--host", "cloudflare")
    workspace = checkout(tmp_path, origin, "ci")
    workflow = load(workspace / ".github/workflows/publish.yml")
    build = Runner(workspace, tmp_path / "temp-build", action_venv=action_env, env={"SOURCE_DATE_EPOCH": EPOCH}
                   ).job(workflow, "build")
    assert build.result == "success", build.stdout + build.stderr
    assert (workspace / "_site/index.html").is_file()
    assert "https://status.example.com/" in (workspace / "_site/index.html").read_text(encoding="utf-8")  # site.url
    log = stand_in(tmp_path, "npx")
    secrets = {"CLOUDFLARE_API_TOKEN": "token", "CLOUDFLARE_ACCOUNT_ID": "account"}
    env = {"PATH": f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    github = {"sha": "abc123", "event": {"repository": {"name": "acme-status"}}}
    deploy = Runner(workspace, tmp_path / "temp-deploy", github=github, secrets=secrets,
                    env=env).job(workflow, "deploy")
    assert deploy.result == "success", deploy.stdout + deploy.stderr
    assert log.read_text(encoding="utf-8") == ("--yes wrangler@4.164.0 pages deploy _site --project-name=acme-status "
                                               "--branch=main --commit-hash=abc123\n")
    log.unlink()
    deploy = Runner(workspace, tmp_path / "temp-nosecrets", github=github, env=env).job(
        workflow, "deploy")
    assert deploy.result == "failure" and not log.exists()
    assert "::error title=Cloudflare Pages is not set up::add the secrets CLOUDFLARE_API_TOKEN" in deploy.stdout


def test_the_cloudflare_publish_is_stopped_by_a_rewrite_as_on_github(tmp_path: Path, action_env: Path) -> None:
    writer, origin = made_by_init(tmp_path, "empty", "--host", "cloudflare")
    git(writer, "push", "-q", "origin", "main:gitstatus-published")
    edit(writer, EXAMPLE, "12:18 UTC — Identified", "12:18 UTC — Monitoring")
    commit_all(writer, "Rewrite a published update")
    git(writer, "push", "-q", "origin", "main")
    workspace = checkout(tmp_path, origin, "ci")
    job = Runner(workspace, tmp_path / "temp", action_venv=action_env, env={"SOURCE_DATE_EPOCH": EPOCH}).job(
        load(workspace / ".github/workflows/publish.yml"), "build")
    assert job.result == "failure" and "E502" in job.step("Check against the last published commit").stdout

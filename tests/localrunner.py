"""A small stand-in for the GitHub Actions runner: the shell steps of workflows and of the gitstatus Action, run for real.

It does what these files need and nothing more, the way GitHub does it:

- ``run:`` steps with bash as GitHub runs them (``bash --noprofile --norc -eo pipefail FILE``), in
  the workspace, with the ``env:`` of the workflow, the job and the step;
- ``${{ }}`` expressions that name a context value (``inputs.x``, ``github.x``,
  ``steps.ID.outputs.NAME``, ``needs.JOB.result``, ``runner.temp``, ``secrets.X``), and the
  ``if:`` conditions these files use (``always()``, ``success()``, ``failure()``, ``X != ''``,
  comparisons joined by ``||``);
- step outputs (``$GITHUB_OUTPUT``) and job summaries (``$GITHUB_STEP_SUMMARY``), one file per step;
- ``uses:`` of the gitstatus Action (``./`` or ``OWNER/REPO@REF`` of it): action.yml's composite
  steps run the same way, with ``github.action_path`` the checkout under test, so the Action
  really installs gitstatus from it. Other actions are GitHub's own (checkout, setup-python, the
  Pages actions): they stand in as the outputs a test gives them, and the current interpreter
  stands in for setup-python's.

An expression it does not know, or a ``${{`` inside a script, fails the test: a workflow cannot
drift away from what is tested here without a test noticing.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .conftest import REPO

BIN = Path(sys.executable).parent
ACTION = REPO / "action.yml"
_EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
_COMPARISON = re.compile(r"^([\w.-]+)\s*(==|!=)\s*'([^']*)'$")
#: The Action's own virtual environment, once per test session (installing it takes a while).
_INSTALLED: dict[str, Path] = {}


@dataclass
class StepRun:
    name: str
    outcome: str  # success, failure or skipped
    stdout: str = ""
    stderr: str = ""
    returncode: int = 0
    outputs: dict[str, str] = field(default_factory=dict)
    summary: str = ""


@dataclass
class JobRun:
    result: str
    steps: list[StepRun]

    @property
    def stdout(self) -> str:
        return "".join(s.stdout for s in self.steps)

    @property
    def stderr(self) -> str:
        return "".join(s.stderr for s in self.steps)

    @property
    def summary(self) -> str:
        return "".join(s.summary for s in self.steps)

    def step(self, name: str) -> StepRun:
        return next(s for s in self.steps if s.name == name)


def load(path: Path | str) -> dict[str, Any]:
    """A workflow or action file, with YAML 1.1's ``on: → True`` key put back."""
    text = path.read_text(encoding="utf-8") if isinstance(path, Path) else path
    data: dict[Any, Any] = yaml.safe_load(text)
    if True in data:
        data["on"] = data.pop(True)
    return data


def lookup(context: Mapping[str, Any], name: str) -> str:
    """A context value by its dotted name; a missing step output or secret is '' as on GitHub."""
    value: Any = context
    parts = name.split(".")
    for index, part in enumerate(parts):
        if isinstance(value, Mapping) and part in value:
            value = value[part]
        elif parts[0] in ("steps", "secrets", "needs") and index >= 1:
            return ""
        else:
            raise AssertionError(f"the test runner does not know ${{{{ {name} }}}}")
    assert isinstance(value, str), f"${{{{ {name} }}}} is not a string: {value!r}"
    return value


def expand(text: str, context: Mapping[str, Any]) -> str:
    return _EXPRESSION.sub(lambda m: lookup(context, m[1]), text)


def condition(expression: str | None, failed: bool, context: Mapping[str, Any]) -> bool:
    """Whether a step or job with this ``if:`` runs, after earlier steps ``failed`` or not."""
    expression = _EXPRESSION.sub(lambda m: m[1], (expression or "success()").strip())
    if expression == "always()":
        return True
    if expression == "success()":
        return not failed
    if expression == "failure()":
        return failed
    return not failed and any(_compare(part.strip(), context) for part in expression.split("||"))


def _compare(expression: str, context: Mapping[str, Any]) -> bool:
    """``X == 'v'`` or ``X != 'v'``: the one kind of comparison these files make (joined by ``||``)."""
    match = _COMPARISON.match(expression)
    assert match, f"the test runner does not know the condition {expression!r}"
    equal = lookup(context, match[1]) == match[3]
    return equal if match[2] == "==" else not equal


class Runner:
    """One job's machine: a workspace, a runner temp folder, the GitHub context, stand-in actions."""

    def __init__(self, workspace: Path, temp: Path, github: Mapping[str, Any] | None = None,
                 secrets: Mapping[str, str] | None = None, stubs: Mapping[str, Mapping[str, str]] | None = None,
                 env: Mapping[str, str] | None = None, action_venv: Path | None = None) -> None:
        self.workspace = workspace
        self.temp = temp
        self.github: dict[str, Any] = {"action_path": str(REPO), "workspace": str(workspace), "sha": "0" * 40, "token": "t0ken",
                       "repository": "acme/status", "ref_name": "main", **(github or {})}
        self.secrets = dict(secrets or {})
        self.stubs = dict(stubs or {})
        self.extra_env = dict(env or {})
        self.counter = 0
        temp.mkdir(parents=True, exist_ok=True)
        if action_venv is not None and not (temp / "gitstatus-action").exists():
            (temp / "gitstatus-action").symlink_to(action_venv, target_is_directory=True)

    # --- the environment every step sees ---------------------------------------------------------------------

    def base_env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("GITHUB_", "RUNNER_")) and k not in ("CI", "SOURCE_DATE_EPOCH")}
        env.update({
            "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",  # python3: the current interpreter
            "CI": "true",
            "GITHUB_ACTIONS": "true",
            "GITHUB_WORKSPACE": str(self.workspace),
            "GITHUB_SHA": self.github["sha"],
            "GITHUB_REPOSITORY": self.github["repository"],
            "GITHUB_REF_NAME": self.github["ref_name"],
            "RUNNER_TEMP": str(self.temp),
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        })
        env.update(self.extra_env)
        return env

    def context(self, steps: Mapping[str, Any], **more: Any) -> dict[str, Any]:
        return {"github": self.github, "runner": {"temp": str(self.temp)}, "secrets": self.secrets,
                "steps": steps, **more}

    # --- steps ------------------------------------------------------------------------------------------------

    def shell(self, name: str, script: str, env: Mapping[str, str]) -> StepRun:
        """A ``run:`` step, as GitHub runs a bash step."""
        assert "${{" not in script, f"{name}: an expression in a script (values reach scripts through env: only)"
        self.counter += 1
        files = {kind: self.temp / f"_step{self.counter}.{kind}" for kind in ("sh", "output", "summary")}
        files["sh"].write_text(script, encoding="utf-8")
        for kind in ("output", "summary"):
            files[kind].write_text("", encoding="utf-8")
        full = {**self.base_env(), **env, "GITHUB_OUTPUT": str(files["output"]),
                "GITHUB_STEP_SUMMARY": str(files["summary"])}
        proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(files["sh"])],
                              cwd=self.workspace, env=full, capture_output=True, text=True, check=False, timeout=600)
        outputs = dict(line.split("=", 1) for line in files["output"].read_text(encoding="utf-8").splitlines()
                       if "=" in line)
        return StepRun(name, "success" if proc.returncode == 0 else "failure", proc.stdout, proc.stderr,
                       proc.returncode, outputs, files["summary"].read_text(encoding="utf-8"))

    def action(self, inputs: Mapping[str, str], name: str = "gitstatus", env: Mapping[str, str] | None = None,
               ) -> StepRun:
        """The gitstatus Action (action.yml) with ``inputs``, its composite steps run one by one.

        ``env`` is the ``env:`` of the step that uses it: GitHub gives it to every step of the action.
        """
        action = load(ACTION)
        declared = action["inputs"]
        unknown = set(inputs) - set(declared)
        assert not unknown, f"the Action has no input {', '.join(sorted(unknown))}"
        values = {key: str(inputs.get(key, spec.get("default", ""))) for key, spec in declared.items()}
        steps: dict[str, Any] = {}
        runs: list[StepRun] = []
        for step in action["runs"]["steps"]:
            context = self.context(steps, inputs=values)
            if "uses" in step:  # actions/setup-python: the current interpreter stands in
                assert step["uses"].startswith("actions/setup-python@"), step["uses"]
                continue
            assert step.get("shell") == "bash", "a composite step names its shell"
            if not condition(step.get("if"), any(r.outcome == "failure" for r in runs), context):
                continue
            env = {**(env or {}), **{k: expand(str(v), context) for k, v in step.get("env", {}).items()}}
            run = self.shell(expand(step.get("name", "run"), context), step["run"], env)
            runs.append(run)
            if "id" in step:
                steps[step["id"]] = {"outputs": run.outputs, "outcome": run.outcome}
            if run.outcome == "failure":
                break
        context = self.context(steps, inputs=values)
        outputs = {key: expand(str(spec["value"]), context) for key, spec in action.get("outputs", {}).items()}
        failed = any(r.outcome == "failure" for r in runs)
        return StepRun(name, "failure" if failed else "success", "".join(r.stdout for r in runs),
                       "".join(r.stderr for r in runs), next((r.returncode for r in runs if r.returncode), 0),
                       outputs, "".join(r.summary for r in runs))

    def job(self, workflow: Mapping[str, Any], job_id: str, needs: Mapping[str, Mapping[str, Any]] | None = None,
            ) -> JobRun:
        """One job of ``workflow``: its steps in order, a failed step skipping the rest unless their if says."""
        job = workflow["jobs"][job_id]
        steps: dict[str, Any] = {}
        runs: list[StepRun] = []
        base = self.context(steps, needs=dict(needs or {}))
        env_sources = [{k: expand(str(v), base) for k, v in scope.get("env", {}).items()} for scope in (workflow, job)]
        for index, step in enumerate(job["steps"]):
            context = self.context(steps, needs=dict(needs or {}))
            name = step.get("name") or step.get("uses") or f"step {index + 1}"
            failed = any(r.outcome == "failure" for r in runs)
            if not condition(step.get("if"), failed, context):
                runs.append(StepRun(name, "skipped"))
                continue
            env = {**env_sources[0], **env_sources[1], **{k: expand(str(v), context)
                                                          for k, v in step.get("env", {}).items()}}
            if "run" in step:
                run = self.shell(name, step["run"], env)
            elif self.is_gitstatus_action(step["uses"]):
                inputs = {k: expand(str(v), context) for k, v in step.get("with", {}).items()}
                run = self.action(inputs, name, env)
            else:
                prefix = step["uses"].split("@")[0]
                run = StepRun(name, "success", outputs=dict(self.stubs.get(prefix, {})))
            runs.append(run)
            if "id" in step:
                steps[step["id"]] = {"outputs": run.outputs, "outcome": run.outcome}
        result = "failure" if any(r.outcome == "failure" for r in runs) else "success"
        return JobRun(result, runs)

    @staticmethod
    def is_gitstatus_action(uses: str) -> bool:
        return uses == "./" or uses.split("@")[0] in ("gitstatus/gitstatus",)


def action_venv(temp: Path) -> Path:
    """The gitstatus Action's virtual environment, installed for real from the checkout once per session.

    This runs the Action's own install step (pip installs REPO into a new venv); every later
    Runner given ``action_venv`` links to it, and the Action then finds gitstatus installed from
    the same source and skips the install, as it does when a job uses it twice.
    """
    if "venv" not in _INSTALLED:
        runner = Runner(temp, temp / "runner-temp")
        action = load(ACTION)
        install = next(s for s in action["runs"]["steps"] if s.get("id") == "install")
        context = runner.context({}, inputs={"install": ""})
        run = runner.shell("Install gitstatus", install["run"],
                           {k: expand(str(v), context) for k, v in install["env"].items()})
        assert run.outcome == "success", run.stdout + run.stderr
        _INSTALLED["venv"] = temp / "runner-temp" / "gitstatus-action"
        _INSTALLED["log"] = temp / "install.log"
        _INSTALLED["log"].write_text(run.stdout + run.stderr + "\n" + repr(run.outputs), encoding="utf-8")
    return _INSTALLED["venv"]

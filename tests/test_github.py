"""Pull-request feedback: annotations, the job summary, and the status-check workflow run for real.

The workflow test reads the check step out of the workflow file (this repo's and the one
``gitstatus init`` writes) and runs its script with bash, its env and the GitHub variables it
would see, in a clone whose ``origin/main`` is the base branch: the same command, the same
arguments.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml
from markdown_it import MarkdownIt

from gitstatus import rules
from gitstatus.commands import init as scaffold
from gitstatus.report import summary
from gitstatus.rules import Diagnostic

from .conftest import API_SLOW, REPO, commit_all, edit, git, run_check, status_repo, table_rows, write_tree
from .conftest import API_SLOW_PATH as PATH

BIN = Path(sys.executable).parent
EVIL_TITLE = "<img src=x onerror=alert(1)> | `tick` [link](javascript:alert(1)) ![i](x.png) *b* $m$"


pytestmark = pytest.mark.usefixtures("no_github")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return status_repo(tmp_path / "repo", {PATH: API_SLOW})


def render_html(markdown: str) -> str:
    """Render like GitHub would: tables on, raw HTML *allowed*, so an injection would show."""
    return MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown)


# --- the job summary ----------------------------------------------------------------------------------


def test_summary_lists_changes_then_problems(repo: Path, tmp_path: Path) -> None:
    edit(repo, PATH, "14:40 UTC — Identified", "14:41 UTC — Identified")
    write_tree(repo, {
        "incidents/2026-06-12-login.md": """\
            ---
            title: Login slow
            impact: minor
            components: [api]
            ---

            ## 2026-06-12 11:00 UTC — Investigating

            Logins take up to a minute.

            ## 2026-06-12 11:40 UTC — Resolved

            Logins are fast again.
            """,
    })
    out = tmp_path / "summary.md"
    out.write_text("earlier step\n", encoding="utf-8")
    code, stdout, _ = run_check(repo, "--base", "main", "--format", "github", env={"GITHUB_STEP_SUMMARY": str(out)})
    assert code == 1
    assert f"::error title=gitstatus E502,file={repo}/{PATH},line=11,col=4::" in stdout
    text = out.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n## gitstatus check\n")  # appended, never overwritten
    rows = table_rows(text, "| Change | Incident | Status | Time | File |")
    assert len(rows) == 1
    assert rows[0].startswith("| New incident | Login slow | Resolved | 2026-06-12 11:00 UTC | ")
    assert rows[0].endswith("incidents/2026-06-12-login.md:7 |")
    problems = table_rows(text, "| Where | Code | Problem |")
    assert len(problems) == 1
    where = summary.escape(f"{repo}/{PATH}")
    assert problems[0].startswith(f"| {where}:11:4 | E502 error | this update's time changed")
    assert "compared with main, " in text
    html = render_html(text)
    assert html.count("<table>") == 2


def test_summary_shows_resolutions_updates_and_deletions(tmp_path: Path) -> None:
    active = API_SLOW.split("## 2026-06-11 14:40")[0].rstrip() + "\n"
    root = status_repo(tmp_path / "repo", {PATH: active, "incidents/2026-06-10-gone.md": API_SLOW.replace(
        "2026-06-11", "2026-06-10").replace("API responding slowly", "False alarm")})
    with open(root / PATH, "a", encoding="utf-8") as handle:
        handle.write("\n## 2026-06-11 14:40 UTC — Identified\n\nFound it.\n"
                     "\n## 2026-06-11 15:10 UTC — Resolved\n\nFixed.\n")
    (root / "incidents/2026-06-10-gone.md").unlink()
    out = tmp_path / "summary.md"
    code, _, _ = run_check(root, "--base", "main", "--format", "github", env={"GITHUB_STEP_SUMMARY": str(out)})
    assert code == 0
    cells = [[c.strip() for c in row.strip("|").split(" | ")]
             for row in table_rows(out.read_text(encoding="utf-8"), "| Change | Incident | Status | Time | File |")]
    assert [(c[0], c[1], c[2], c[3]) for c in cells] == [
        ("Deleted", "False alarm", "", ""),
        ("New update", "API responding slowly", "Identified", "2026-06-11 14:40 UTC"),
        ("Resolved", "API responding slowly", "Resolved", "2026-06-11 15:10 UTC"),
    ]
    problems = table_rows(out.read_text(encoding="utf-8"), "| Where | Code | Problem |")
    assert len(problems) == 1 and "| N501 notice |" in problems[0]


def test_summary_without_base_lists_problems_only(repo: Path, tmp_path: Path) -> None:
    edit(repo, PATH, "impact: major", "impact: severe")
    out = tmp_path / "summary.md"
    code, _, _ = run_check(repo, "--format", "github", env={"GITHUB_STEP_SUMMARY": str(out)})
    assert code == 1
    text = out.read_text(encoding="utf-8")
    assert "What this change shows" not in text
    assert "| E109 error | unknown impact 'severe'" in text


def test_clean_summary_says_so(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "summary.md"
    code, _, _ = run_check(repo, "--base", "main", "--format", "github", env={"GITHUB_STEP_SUMMARY": str(out)})
    assert code == 0
    text = out.read_text(encoding="utf-8")
    assert "All good: components.yaml and 1 incident, no problems." in text
    assert "No incident or update is added, changed or removed." in text
    assert "### Problems" not in text


def test_untrusted_titles_cannot_inject_markup(repo: Path, tmp_path: Path) -> None:
    evil = API_SLOW.replace("title: API responding slowly", f"title: '{EVIL_TITLE}'")
    write_tree(repo, {"incidents/2026-06-12-evil.md": evil.replace("2026-06-11", "2026-06-12")})
    out = tmp_path / "summary.md"
    run_check(repo, "--base", "main", "--format", "github", env={"GITHUB_STEP_SUMMARY": str(out)})
    text = out.read_text(encoding="utf-8")
    row = table_rows(text, "| Change | Incident | Status | Time | File |")[0]
    assert len(re.findall(r"(?<!\\)\|", row)) == 6  # five cells: the title's pipe is escaped
    html = render_html(text)
    assert "<img" not in html and "<a " not in html and "<code>" not in html and "<em>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt; | `tick` [link](javascript:alert(1))" in html


def test_escape_keeps_text_and_defuses_markup() -> None:
    assert summary.escape("a|b") == "a\\|b"
    assert summary.escape("<b>&") == "&lt;b&gt;&amp;"
    assert summary.escape("two\nlines") == "two lines"
    html = render_html("| x |\n| --- |\n| " + summary.escape(EVIL_TITLE) + " |\n")
    assert html.count("<td>") == 1 and "<img" not in html and "<a " not in html


def test_long_problem_lists_are_cut_with_a_count() -> None:
    import datetime as dt

    problems = [Diagnostic(f"incidents/x{i:04d}.md", 1, 1, rules.UNKNOWN_IMPACT, "unknown impact")
                for i in range(summary.MAX_ROWS + 5)]
    text = summary.render(problems, "components.yaml and 305 incidents", dt.UTC)
    assert len(table_rows(text, "| Where | Code | Problem |")) == summary.MAX_ROWS
    assert "…and 5 more: run `gitstatus check` to see them all." in text


def test_auto_format_under_github_actions_writes_the_summary(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "summary.md"
    code, _, _ = run_check(repo, "--base", "main", env={"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(out)})
    assert code == 0 and out.read_text(encoding="utf-8").startswith("## gitstatus check")


def test_text_format_writes_no_summary(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "summary.md"
    run_check(repo, "--base", "main", "--format", "text", env={"GITHUB_STEP_SUMMARY": str(out)})
    assert not out.exists()


def test_unwritable_summary_is_reported_and_changes_no_outcome(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "missing-folder" / "summary.md"
    code, _, stderr = run_check(repo, "--base", "main", "--format", "github",
                                     env={"GITHUB_STEP_SUMMARY": str(out)})
    assert code == 0
    assert f"gitstatus: cannot write the job summary to {out}" in stderr
    edit(repo, PATH, "impact: major", "impact: severe")
    assert run_check(repo, "--format", "github", env={"GITHUB_STEP_SUMMARY": str(out)})[0] == 1


def test_history_annotations_escape_their_messages(repo: Path) -> None:
    (repo / PATH).unlink()
    code, stdout, _ = run_check(repo, "--base", "main", "--format", "github")
    assert code == 0
    line = next(line for line in stdout.splitlines() if "N501" in line)
    assert line.startswith(f"::notice title=gitstatus N501,file={repo}/{PATH}::")
    assert "%0A" not in line and "\n" not in line


# --- the status-check workflow, run as GitHub would run it --------------------------------------------------


def workflow_step(workflow: Mapping[str, Any], step_id: str) -> Mapping[str, Any]:
    for job in workflow["jobs"].values():
        for step in job.get("steps", []):
            if step.get("id") == step_id:
                return step  # type: ignore[no-any-return]
    raise AssertionError(f"no step with id {step_id!r}")


def expand(value: str, context: Mapping[str, str]) -> str:
    """``${{ name }}`` in an env value, from ``context``; anything else is a test failure."""
    def one(match: re.Match[str]) -> str:
        assert match[1] in context, f"unexpected expression {match[0]}"
        return context[match[1]]
    return re.sub(r"\$\{\{\s*([\w.]+)\s*\}\}", one, value)


def run_step(step: Mapping[str, Any], workflow_env: Mapping[str, str], cwd: Path, tmp: Path,
             context: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    """The step's script as GitHub runs a bash step (``bash --noprofile --norc -eo pipefail``)."""
    assert "${{" not in step["run"], "github.* values reach scripts through env only (no script injection)"
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "GITHUB_ACTIONS": "true",
        "GITHUB_STEP_SUMMARY": str(tmp / "step-summary.md"),
        "RUNNER_TEMP": str(tmp / "runner-temp"),
        "SOURCE_DATE_EPOCH": "1781265600",  # NOW, 2026-06-12 12:00 UTC
        **{k: expand(str(v), context) for k, v in {**workflow_env, **step.get("env", {})}.items()},
    }
    (tmp / "runner-temp").mkdir(exist_ok=True)
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                          cwd=cwd, env=env, capture_output=True, text=True, check=False)


def pull_request_clone(tmp_path: Path, root: Path) -> Path:
    """A clone of ``root`` (pushed to a bare 'origin') as actions/checkout with fetch-depth: 0 leaves it."""
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", str(origin))
    git(root, "push", "-q", str(origin), "main")
    git(tmp_path, "clone", "-q", str(origin), "pr")
    clone = tmp_path / "pr"
    git(clone, "switch", "-q", "-c", "writer/update")
    return clone


def workflows() -> dict[str, str]:
    return {
        "this repo": (REPO / ".github/workflows/status-check.yml").read_text(encoding="utf-8"),
        "gitstatus init": scaffold.files(__import__("datetime").datetime(2026, 6, 12, 12, tzinfo=__import__(
            "datetime").timezone.utc))[".github/workflows/status-check.yml"],
    }


@pytest.mark.parametrize("source", ["this repo", "gitstatus init"])
def test_status_check_step_passes_a_good_pull_request(tmp_path: Path, source: str) -> None:
    workflow = yaml.safe_load(workflows()[source])
    root = status_repo(tmp_path / "writer", {PATH: API_SLOW.split("## 2026-06-11 15:10")[0].rstrip() + "\n"})
    clone = pull_request_clone(tmp_path, root)
    with open(clone / PATH, "a", encoding="utf-8") as handle:
        handle.write("\n## 2026-06-11 15:10 UTC — Resolved\n\nResponse times are back to normal.\n")
    commit_all(clone, "Resolve the API incident")
    context = {"github.base_ref": "main"}
    proc = run_step(workflow_step(workflow, "check"), workflow.get("env", {}), clone, tmp_path, context)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "::error" not in proc.stdout
    text = (tmp_path / "step-summary.md").read_text(encoding="utf-8")
    assert ("| Resolved | API responding slowly | Resolved | 2026-06-11 15:10 UTC | "
            "incidents/2026-06-11-api-slow.md:15 |") in text
    build = [s for job in workflow["jobs"].values() for s in job["steps"] if "gitstatus build" in s.get("run", "")]
    assert len(build) == 1
    proc = run_step(build[0], workflow.get("env", {}), clone, tmp_path, context)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (tmp_path / "runner-temp/site/index.html").is_file()


@pytest.mark.parametrize("source", ["this repo", "gitstatus init"])
def test_status_check_step_fails_a_pull_request_that_rewrites_history(tmp_path: Path, source: str) -> None:
    workflow = yaml.safe_load(workflows()[source])
    root = status_repo(tmp_path / "writer", {PATH: API_SLOW})
    clone = pull_request_clone(tmp_path, root)
    edit(clone, PATH, "14:40 UTC — Identified", "14:40 UTC — Monitoring")
    commit_all(clone, "Rewrite history")
    proc = run_step(workflow_step(workflow, "check"), workflow.get("env", {}), clone, tmp_path,
                    {"github.base_ref": "main"})
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert f"::error title=gitstatus E502,file={PATH},line=11,col=27::{PATH}:11:27: E502 this update's status " \
           "changed: it was published at origin/main as '## 2026-06-11 14:40 UTC — Identified'" in proc.stdout
    text = (tmp_path / "step-summary.md").read_text(encoding="utf-8")
    assert f"| {PATH}:11:27 | E502 error |" in text


def test_status_check_with_a_base_branch_that_was_not_fetched(tmp_path: Path) -> None:
    workflow = yaml.safe_load(workflows()["this repo"])
    root = status_repo(tmp_path / "writer", {PATH: API_SLOW})
    proc = run_step(workflow_step(workflow, "check"), {}, root, tmp_path, {"github.base_ref": "main"})
    assert proc.returncode == 2
    assert "--base origin/main: no such git revision" in proc.stderr


def test_a_hostile_branch_name_stays_data(tmp_path: Path) -> None:
    """A base_ref with shell syntax reaches git as one argument, never as a command."""
    workflow = yaml.safe_load(workflows()["gitstatus init"])
    root = status_repo(tmp_path / "writer", {PATH: API_SLOW})
    marker = tmp_path / "pwned"
    proc = run_step(workflow_step(workflow, "check"), workflow.get("env", {}), root, tmp_path,
                    {"github.base_ref": f'main"; touch {marker}; echo "'})
    assert proc.returncode == 2 and not marker.exists()

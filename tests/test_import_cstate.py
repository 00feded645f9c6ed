"""``gitstatus import cstate`` on cState's own example site (tests/fixtures/import/SOURCES.md).

The site's issues hold most of what cState writers do: tracked updates newest first, a
post-mortem above the updates, bodies without any update markers, informational posts, an
unresolved automated alert and status words gitstatus does not have. The import must keep
every word of them, follow the tracked times, pass ``gitstatus check``, and say what it bent.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

from gitstatus.outputs.plaintext import message_text

from .conftest import REPO, cli_build, run_cli

SITE = REPO / "tests" / "fixtures" / "import" / "cstate"
NOW = "2026-11-30 12:00 UTC"


def new_repo(root: Path) -> Path:
    """A status repo as ``gitstatus init`` writes it, its example incident deleted."""
    result = run_cli("init", root, "--now", NOW)
    assert result.exit_code == 0, result.output
    for example in (root / "incidents").glob("*.md"):
        example.unlink()
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def run_import(root: Path, site: Path = SITE, *args: str) -> Any:
    return run_cli("import", "cstate", site, "--root", root, "--now", NOW, *args)


def api_incidents(root: Path, out: Path) -> dict[str, dict[str, Any]]:
    cli_build(root, out, NOW)
    doc = json.loads((out / "api" / "v2" / "incidents.json").read_text(encoding="utf-8"))
    return {i["id"]: i for i in doc["incidents"]}


def words(text: str) -> str:
    return " ".join(text.split())


def test_the_example_site_imports_checks_and_builds_with_every_word(tmp_path: Path) -> None:
    root = new_repo(tmp_path / "repo")
    result = run_import(root)
    assert result.exit_code == 0, result.output
    assert "11 incidents created" in result.output
    assert run_cli("check", "--root", root, "--now", NOW).exit_code == 0
    built = api_incidents(root, tmp_path / "site")
    assert len(built) == 11
    guilds = built["2018-04-13-unavailable-guilds-connection-issues"]
    assert guilds["impact"] == "critical" and guilds["status"] == "resolved"
    updates = guilds["incident_updates"][::-1]  # the API lists them newest first, as Statuspage does
    assert [(u["status"], u["display_at"][:16]) for u in updates] == [
        ("investigating", "2018-04-13T15:54"), ("monitoring", "2018-04-13T16:50"), ("resolved", "2018-04-13T17:30")]
    assert "{{<" not in json.dumps(built)  # track shortcodes become the updates' times, not text
    last = message_text(updates[-1]["body"])
    assert "Looks like this has been fixed." in last
    assert "Redis instance acting as the primary for a highly-available cluster" in last  # the post-mortem, kept
    pipeline = built["2019-10-05-new-pipeline-rollout"]["incident_updates"][::-1]
    assert words(message_text(pipeline[0]["body"])) == "There may be disruptions in the rollout."
    assert pipeline[1]["display_at"].startswith("2019-10-05T16:58")  # resolvedWhen
    formatting = (root / "incidents" / "2023-04-16-formatting-testing.md").read_text(encoding="utf-8")
    assert "```\nThis is a code block." in formatting and "***bold and italics***" in formatting
    dns = built["2024-12-27-api-dns-resolution-error"]
    assert dns["status"] == "investigating"  # resolved: false stays open, and check warns
    assert "W101" in result.output and "W102" in result.output
    components = (root / "components.yaml").read_text(encoding="utf-8")
    assert "  - id: gateway\n    name: Gateway\n    group: North Coast\n" in components
    assert "  - id: media-proxy\n" in components
    assert "= API is api" in result.output  # init's API, reused by name


def test_every_approximation_is_reported(tmp_path: Path) -> None:
    result = run_import(new_repo(tmp_path / "repo"))
    report = result.output
    for expected in (
        "the text above its first update ('*Post-mortem* At approximately 14:01",
        "the status 'Update' has no counterpart",
        "its body has no '*Status* - text' updates; it is kept whole",
        "an informational post: imported as a minor incident",
        "severity 'notice': imported as a 'minor' incident",
        "the status 'Fixed' is read as 'resolved'",
        "2 of its updates have no time",
    ):
        assert expected in report
    counted = re.search(r"Approximations \((\d+)\):", report)
    assert counted and int(counted[1]) == report.count("\n  ~ ")


def test_the_writers_components_yaml_is_kept_and_only_added_to(tmp_path: Path) -> None:
    root = new_repo(tmp_path / "repo")
    before = (root / "components.yaml").read_text(encoding="utf-8")
    assert run_import(root).exit_code == 0
    after = (root / "components.yaml").read_text(encoding="utf-8")
    assert after.startswith(before)  # every comment and line as it was
    assert after[len(before):].startswith("  # Imported from cState: Eggsample Status\n  - id: gateway\n")


def test_a_second_import_changes_nothing_and_a_new_update_is_appended(tmp_path: Path) -> None:
    """The issue as it was before its last update was posted (cState adds updates at the top), then as it is."""
    site = tmp_path / "site"
    shutil.copytree(SITE, site)
    issue = site / "content" / "issues" / "2018-05-25-us-east-conn-issues.md"
    complete = issue.read_text(encoding="utf-8")
    newest = re.search(r"\*Resolved\* -\n.*?>\}\}\n\n", complete, re.S)
    assert newest
    issue.write_text(complete.replace(newest[0], "").replace("resolved: true", "resolved: false"), encoding="utf-8")
    root = new_repo(tmp_path / "repo")
    assert run_import(root, site).exit_code == 0
    before = snapshot(root)
    again = run_import(root, site)
    assert again.exit_code == 0 and "Nothing to write" in again.output
    assert snapshot(root) == before
    issue.write_text(complete, encoding="utf-8")
    result = run_import(root, site)
    assert result.exit_code == 0, result.output
    assert "0 incidents created, 1 updated (1 updates)" in result.output
    after = snapshot(root)
    path = "incidents/2018-05-25-us-east-connection-issues.md"
    assert [p for p in after if after[p] != before.get(p)] == [path]
    assert after[path] == before[path] + (
        "\n## 2018-05-25 05:54 UTC — Resolved\n\nWe believe all users experiencing issues have been able to "
        "connect at this time.\n").encode()


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    root = new_repo(tmp_path / "repo")
    before = snapshot(root)
    result = run_import(root, SITE, "--dry-run")
    assert result.exit_code == 0
    assert "Incident files would be created (11):" in result.output
    assert "Dry run, nothing was written" in result.output
    assert snapshot(root) == before


def test_a_folder_that_is_no_cstate_site_is_a_usage_error(tmp_path: Path) -> None:
    root = new_repo(tmp_path / "repo")
    (tmp_path / "empty").mkdir()
    result = run_import(root, tmp_path / "empty")
    assert result.exit_code == 2
    assert "has no config.yml" in result.output


def test_hugos_timezone_reads_the_times_and_a_future_issue_waits(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(SITE, site)
    config = site / "config.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("buildFuture: true", "buildFuture: true\ntimeZone: "
                                                                 "Europe/Berlin"), encoding="utf-8")
    (site / "content" / "issues" / "2027-01-05-upgrade.md").write_text(
        "---\ntitle: Database upgrade\ndate: 2027-01-05 02:00:00\nseverity: notice\naffected: [API]\n"
        "section: issue\n---\n\nWe will upgrade the database.\n", encoding="utf-8")
    root = new_repo(tmp_path / "repo")
    result = run_import(root, site)
    assert result.exit_code == 0, result.output
    assert "times without a zone are read in Europe/Berlin" in result.output
    guilds = (root / "incidents" / "2018-04-13-unavailable-guilds-connection-issues.md").read_text(encoding="utf-8")
    assert "## 2018-04-13 13:54 UTC — Investigating" in guilds  # 15:54 in Berlin (summer time)
    assert "cstate:2027-01-05-upgrade: left out: it has an update dated 2027-01-05 01:00 UTC, after now" in result.output
    assert not list((root / "incidents").glob("2027-*"))

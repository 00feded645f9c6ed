"""``gitstatus check --base REF``: history rewritten without removing or retiming an update.

Two ways to change what readers already saw that the first history rules let through:
an update slipped in *before* published ones (backdating), and a published incident's front
matter edited (title, impact, components, component_status, the maintenance window), which
changes the page's uptime history. Each test commits a real git repo, edits the working tree
and runs the real command; every diagnostic is asserted with its line and column.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from gitstatus import changes
from gitstatus.report import summary
from gitstatus.source import Disk, GitRev

from .conftest import API_SLOW, check_base, database_upgrade, edit, run_check, status_repo, table_rows, write_tree
from .conftest import API_SLOW_PATH as PATH
from .conftest import WEBHOOKS_DELAYED as ACTIVE

WEBHOOKS = "incidents/2026-06-12-webhooks.md"
MAINT = "incidents/2026-06-20-db-upgrade.md"

#: Maintenance announced for a window after the tests' now (2026-06-12 12:00 UTC).
UPCOMING = database_upgrade(
    ("2026-06-10 09:00 UTC", "Scheduled", "We will upgrade the database; the API may be slow for a few minutes."))

#: Maintenance whose window opened an hour before now and is still open.
IN_PROGRESS = UPCOMING.replace("2026-06-20 02:00 UTC", "2026-06-12 11:00 UTC").replace(
    "2026-06-20 04:00 UTC", "2026-06-12 13:00 UTC")

#: Maintenance that is over: window and final update in the past.
COMPLETED = UPCOMING.replace("2026-06-20 02:00 UTC", "2026-06-11 02:00 UTC").replace(
    "2026-06-20 04:00 UTC", "2026-06-11 04:00 UTC") + """
## 2026-06-11 03:30 UTC — Completed

The upgrade is done.
"""


pytestmark = pytest.mark.usefixtures("no_github")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return status_repo(tmp_path / "repo", {PATH: API_SLOW, WEBHOOKS: ACTIVE})


def maintenance_repo(tmp_path: Path, text: str) -> Path:
    return status_repo(tmp_path / "repo", {MAINT: text})


def codes(lines: list[str]) -> list[str]:
    """``path:line:col: CODE`` of each history line."""
    return [line.split(" ", 2)[0] + " " + line.split(" ", 2)[1] for line in lines]


# --- item: an update inserted before published updates ----------------------------------------------------


def test_update_inserted_between_published_updates_is_an_error(repo: Path) -> None:
    edit(repo, PATH, "## 2026-06-11 14:40 UTC — Identified",
         "## 2026-06-11 14:20 UTC — Investigating\n\nStill looking.\n\n## 2026-06-11 14:40 UTC — Identified")
    code, lines, output = check_base(repo)
    assert code == 1, output
    assert lines == [f"{PATH}:11:1: E505 this update is added before the published update at 2026-06-11 14:40 UTC "
                     "(Identified, as at main): that backdates history readers already saw; this incident was "
                     "closed at main, so nothing is added to it: for news, open a new incident"]


def test_update_inserted_before_the_first_published_update_is_an_error(repo: Path) -> None:
    edit(repo, WEBHOOKS, "## 2026-06-12 11:30 UTC — Investigating",
         "## 2026-06-12 11:20 UTC — Investigating\n\nFirst reports.\n\n## 2026-06-12 11:30 UTC — Investigating")
    code, lines, output = check_base(repo)
    assert code == 1, output
    assert lines == [f"{WEBHOOKS}:7:1: E505 this update is added before the published update at 2026-06-12 11:30 "
                     "UTC (Investigating, as at main): that backdates history readers already saw; new updates go "
                     "at the end of the file, with a time after the last published one (2026-06-12 11:30 UTC)"]


def test_inserted_updates_are_each_reported_and_still_listed_as_new(repo: Path) -> None:
    edit(repo, WEBHOOKS, "## 2026-06-12 11:30 UTC — Investigating",
         "## 2026-06-12 11:10 UTC — Investigating\n\nOne.\n\n## 2026-06-12 11:20 UTC — Investigating\n\nTwo.\n\n"
         "## 2026-06-12 11:30 UTC — Investigating")
    with open(repo / WEBHOOKS, "a", encoding="utf-8") as handle:
        handle.write("\n## 2026-06-12 11:50 UTC — Identified\n\nAppended, as it should be.\n")
    code, lines, _ = check_base(repo)
    assert code == 1
    assert codes(lines) == [f"{WEBHOOKS}:7:1: E505", f"{WEBHOOKS}:11:1: E505"]  # the appended one is fine
    result = changes.compare(Disk(repo), GitRev(repo, "main"), dt.UTC, dt.datetime(2026, 6, 12, 12, tzinfo=dt.UTC))
    assert [(c.kind, c.line) for c in result.changes] == [
        (changes.ChangeKind.UPDATE, 7), (changes.ChangeKind.UPDATE, 11), (changes.ChangeKind.UPDATE, 19)]


def test_appending_after_the_last_published_update_is_still_clean(repo: Path) -> None:
    with open(repo / WEBHOOKS, "a", encoding="utf-8") as handle:
        handle.write("\n## 2026-06-12 11:50 UTC — Identified\n\nA queue worker is stuck.\n")
    assert check_base(repo)[:2] == (0, [])


# --- item: a published incident's front matter changed ---------------------------------------------------


def test_title_change_is_a_notice_with_old_and_new(repo: Path) -> None:
    edit(repo, PATH, "title: API responding slowly", "title: API responding slowly in the EU")
    code, lines, output = check_base(repo)
    assert code == 0, output
    assert lines == [f"{PATH}:2:8: N503 title changed since main: 'API responding slowly' → 'API responding slowly "
                     "in the EU' (fine for a wording fix; the page and feeds show the new title from now on)"]


def test_lowering_the_impact_of_a_resolved_incident_is_an_error(repo: Path) -> None:
    edit(repo, PATH, "impact: major", "impact: minor")
    code, lines, output = check_base(repo)
    assert code == 1, output
    assert lines == [f"{PATH}:3:9: E506 impact changed since main: major → minor, on an incident closed at main: "
                     "that makes the uptime history readers already saw look better than it was; keep what was "
                     "published (a correction that makes the record worse, after a postmortem, is allowed)"]


def test_raising_the_impact_of_a_resolved_incident_is_a_notice(repo: Path) -> None:
    edit(repo, PATH, "impact: major", "impact: critical")
    code, lines, output = check_base(repo)
    assert code == 0, output
    assert codes(lines) == [f"{PATH}:3:9: N504"]
    assert "impact changed since main: major → critical" in lines[0]


def test_turning_a_resolved_outage_into_maintenance_is_an_error(repo: Path) -> None:
    edit(repo, PATH, "impact: major", "impact: maintenance")
    code, lines, _ = check_base(repo)
    assert code == 1
    assert codes(lines) == [f"{PATH}:3:9: E506"]


def test_removing_a_component_from_a_resolved_incident_is_an_error(tmp_path: Path) -> None:
    root = status_repo(tmp_path / "repo", {PATH: API_SLOW.replace("[api]", "[api, dashboard]")})
    edit(root, PATH, "[api, dashboard]", "[api]")
    code, lines, _ = check_base(root)
    assert code == 1
    assert len(lines) == 1
    assert lines[0].startswith(f"{PATH}:4:13: E506 components changed since main: [api, dashboard] → [api], "
                               "on an incident closed at main")


def test_adding_a_component_to_a_resolved_incident_is_a_notice(repo: Path) -> None:
    edit(repo, PATH, "components: [api]", "components: [api, website]")
    code, lines, _ = check_base(repo)
    assert code == 0
    assert codes(lines) == [f"{PATH}:4:13: N504"]
    assert "components changed since main: [api] → [api, website]" in lines[0]


def test_reordering_or_reformatting_components_is_not_a_change(tmp_path: Path) -> None:
    root = status_repo(tmp_path / "repo", {PATH: API_SLOW.replace("[api]", "[api, dashboard]")})
    edit(root, PATH, "components: [api, dashboard]", "components:\n  - dashboard\n  - api")
    assert check_base(root)[:2] == (0, [])


def test_softer_component_status_on_a_resolved_incident_is_an_error(repo: Path) -> None:
    edit(repo, PATH, "components: [api]", "components: [api]\ncomponent_status: {api: degraded_performance}")
    code, lines, _ = check_base(repo)
    assert code == 1
    assert codes(lines) == [f"{PATH}:5:19: E506"]
    assert "component_status changed since main: {} → {api: degraded_performance}" in lines[0]


def test_harsher_component_status_on_a_resolved_incident_is_a_notice(repo: Path) -> None:
    edit(repo, PATH, "components: [api]", "components: [api]\ncomponent_status: {api: major_outage}")
    code, lines, _ = check_base(repo)
    assert code == 0
    assert codes(lines) == [f"{PATH}:5:19: N504"]


def test_changes_to_an_active_incident_are_notices_even_downwards(tmp_path: Path) -> None:
    root = status_repo(tmp_path / "repo", {WEBHOOKS: ACTIVE.replace("impact: minor", "impact: critical")})
    edit(root, WEBHOOKS, "impact: critical", "impact: major")
    edit(root, WEBHOOKS, "components: [website]", "components: [api, website]")
    edit(root, WEBHOOKS, "title: Webhooks delayed", "title: Webhooks and API calls delayed")
    code, lines, output = check_base(root)
    assert code == 0, output
    assert codes(lines) == [f"{WEBHOOKS}:2:8: N503", f"{WEBHOOKS}:3:9: N504", f"{WEBHOOKS}:4:13: N504"]
    assert "impact changed since main: critical → major" in lines[1]


def test_moving_an_upcoming_maintenance_window_is_a_notice(tmp_path: Path) -> None:
    root = maintenance_repo(tmp_path, UPCOMING)
    edit(root, MAINT, "start: 2026-06-20 02:00 UTC", "start: 2026-06-21 02:00 UTC")
    edit(root, MAINT, "end: 2026-06-20 04:00 UTC", "end: 2026-06-21 04:00 UTC")
    code, lines, output = check_base(root)
    assert code == 0, output
    assert lines == [
        f"{MAINT}:6:10: N505 the maintenance window's start changed since main: 2026-06-20 02:00 UTC → "
        "2026-06-21 02:00 UTC (fine while both moments are ahead: readers see the new window)",
        f"{MAINT}:7:8: N505 the maintenance window's end changed since main: 2026-06-20 04:00 UTC → "
        "2026-06-21 04:00 UTC (fine while both moments are ahead: readers see the new window)",
    ]


def test_extending_the_end_of_a_window_in_progress_is_a_notice(tmp_path: Path) -> None:
    root = maintenance_repo(tmp_path, IN_PROGRESS)
    edit(root, MAINT, "end: 2026-06-12 13:00 UTC", "end: 2026-06-12 14:00 UTC")
    code, lines, _ = check_base(root)
    assert code == 0
    assert codes(lines) == [f"{MAINT}:7:8: N505"]


def test_moving_the_start_of_a_window_that_began_is_an_error(tmp_path: Path) -> None:
    root = maintenance_repo(tmp_path, IN_PROGRESS)
    edit(root, MAINT, "start: 2026-06-12 11:00 UTC", "start: 2026-06-12 11:30 UTC")
    code, lines, _ = check_base(root)
    assert code == 1
    assert lines == [f"{MAINT}:6:10: E507 the maintenance window's start changed since main: 2026-06-12 11:00 UTC → "
                     "2026-06-12 11:30 UTC, a moment that has passed (now is 2026-06-12 12:00 UTC): readers saw "
                     "the window as published; keep it, and say in a new update what really happened"]


def test_moving_an_upcoming_window_into_the_past_is_an_error(tmp_path: Path) -> None:
    root = maintenance_repo(tmp_path, UPCOMING)
    edit(root, MAINT, "start: 2026-06-20 02:00 UTC", "start: 2026-06-12 10:00 UTC")
    code, lines, _ = check_base(root)
    assert code == 1
    assert codes(lines) == [f"{MAINT}:6:10: E507"]


def test_rewriting_a_past_window_is_an_error(tmp_path: Path) -> None:
    root = maintenance_repo(tmp_path, COMPLETED)
    edit(root, MAINT, "end: 2026-06-11 04:00 UTC", "end: 2026-06-11 03:00 UTC")
    code, lines, _ = check_base(root)
    assert code == 1
    assert codes(lines) == [f"{MAINT}:7:8: E507"]


def test_removing_the_window_of_an_upcoming_maintenance_is_one_notice(tmp_path: Path) -> None:
    root = maintenance_repo(tmp_path, UPCOMING)
    edit(root, MAINT, "scheduled:\n  start: 2026-06-20 02:00 UTC\n  end: 2026-06-20 04:00 UTC\n", "")
    code, lines, _ = check_base(root)
    assert code == 0
    assert lines == [f"{MAINT}:2:1: N505 the maintenance window changed since main: 2026-06-20 02:00 UTC – "
                     "2026-06-20 04:00 UTC → none (fine while both moments are ahead: readers see the new window)"]


def test_a_key_that_no_longer_reads_is_left_to_the_checker(repo: Path) -> None:
    edit(repo, PATH, "impact: major", "impact: majr")
    code, lines, output = check_base(repo)
    assert code == 1 and lines == []
    assert f"{PATH}:3:9: E109 unknown impact 'majr'" in output


def test_each_front_matter_change_is_a_row_of_the_job_summary(repo: Path, tmp_path: Path) -> None:
    edit(repo, PATH, "title: API responding slowly", "title: API slow")
    edit(repo, PATH, "impact: major", "impact: minor")
    edit(repo, PATH, "components: [api]", "components: [api, website]")
    out = tmp_path / "summary.md"
    code, stdout, _ = run_check(repo, "--base", "main", "--format", "github", env={"GITHUB_STEP_SUMMARY": str(out)})
    assert code == 1
    assert f"::error title=gitstatus E506,file={repo}/{PATH},line=3,col=9::" in stdout
    assert f"::notice title=gitstatus N503,file={repo}/{PATH},line=2,col=8::" in stdout
    text = out.read_text(encoding="utf-8")
    assert "No incident or update is added, changed or removed." not in text
    cells = [[c.strip() for c in row.strip("|").split(" | ")]
             for row in table_rows(text, "| Change | Incident | Status | Time | File |")]
    assert [(c[0], c[1], c[4].rsplit("/", 1)[-1]) for c in cells] == [
        (summary.escape(what), "API slow", summary.escape(f"2026-06-11-api-slow.md:{line}")) for what, line in (
            ("Title changed (API responding slowly → API slow)", 2),
            ("Impact changed (major → minor)", 3),
            ("Components changed ([api] → [api, website])", 4),
        )]


def test_a_front_matter_change_in_a_new_file_is_not_compared(repo: Path) -> None:
    write_tree(repo, {"incidents/2026-06-12-login.md": ACTIVE.replace("Webhooks delayed", "Login slow")})
    assert check_base(repo)[:2] == (0, [])

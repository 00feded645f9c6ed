"""Maintenance that moves on by itself, is cancelled, or is written too late: the page, the API,
the feeds, the calendar, notify's events and the writing commands agree.

A window that opens with no "In progress" update gets an automatic one at its start; one that
ends with no "Completed" update gets an automatic one at its end; so the maintenance's status is
always its newest update's, as on Statuspage. "Cancelled" before the window calls it off.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gitstatus.changes import compare
from gitstatus.events import compute
from gitstatus.model import ComponentStatus, EventKind, Status
from gitstatus.project import load
from gitstatus.source import Disk, GitRev
from gitstatus.state import derive
from gitstatus.timeparse import UTC

from .conftest import build, database_upgrade, incident, run_cli, status_repo

ANNOUNCED = database_upgrade(("2026-06-18 10:00 UTC", "Scheduled", "We will upgrade the database."))
PATH = "incidents/2026-06-20-database-upgrade.md"


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def env(now: str) -> dict[str, str]:
    return {"SOURCE_DATE_EPOCH": str(int(at(now).timestamp())), "VISUAL": "", "EDITOR": ""}


def built(root: Path, out: Path, now: str) -> dict[str, Any]:
    result = build(root, out, now=now)
    assert result.exit_code == 0, result.output
    (found,) = json.loads((out / "api/v2/scheduled-maintenances.json").read_text())["scheduled_maintenances"]
    assert isinstance(found, dict)
    return found


@pytest.fixture
def announced(make_repo: Callable[..., Path]) -> Path:
    return make_repo({PATH: ANNOUNCED})


@pytest.mark.parametrize(("now", "status", "newest", "api_status"), [
    ("2026-06-19 12:00", "scheduled", "2026-06-20-database-upgrade.1", "operational"),
    ("2026-06-20 03:00", "in_progress", "2026-06-20-database-upgrade.started", "under_maintenance"),
    ("2026-06-20 05:00", "completed", "2026-06-20-database-upgrade.completed", "operational"),
])
def test_the_status_is_the_newest_update(announced: Path, tmp_path: Path, now: str, status: str, newest: str,
                                         api_status: str) -> None:
    found = built(announced, tmp_path / "site", f"{now} UTC")
    updates = found["incident_updates"]
    assert isinstance(updates, list)
    assert found["status"] == status == updates[0]["status"]
    assert updates[0]["id"] == newest
    assert [c["status"] for c in found["components"]] == [api_status]
    if status == "completed":
        assert [u["id"] for u in updates] == ["2026-06-20-database-upgrade.completed",
                                              "2026-06-20-database-upgrade.started", "2026-06-20-database-upgrade.1"]
        assert updates[0]["body"] == "The scheduled maintenance has been completed."
        assert updates[0]["created_at"] == "2026-06-20T04:00:00.000Z"
        assert updates[1]["affected_components"][0]["new_status"] == "under_maintenance"
        assert updates[0]["affected_components"][0]["new_status"] == "operational"
        page = (tmp_path / "site/incidents/2026-06-20-database-upgrade.html").read_text()
        assert page.count("message--automatic") == 2 and "(automatic update)" in page
        feed = next((tmp_path / "site").rglob("*.atom")).read_text()
        assert "The maintenance window ended: the work is completed (automatic update)." in feed


def test_an_update_after_the_window_keeps_it_open(make_repo: Callable[..., Path]) -> None:
    """The work overran and the writer said so: no automatic "Completed" at the window's end."""
    text = database_upgrade(("2026-06-18 10:00 UTC", "Scheduled", "Planned."),
                            ("2026-06-20 04:10 UTC", "In progress", "Taking longer than planned."))
    page = load(Disk(make_repo({PATH: text}))).check(at("2026-06-20 05:00")).page
    state = derive(page, at("2026-06-20 05:00"))
    (found,) = state.active
    assert [(u.status, u.automatic) for u in found.updates] == [
        (Status.SCHEDULED, False), (Status.IN_PROGRESS, True), (Status.IN_PROGRESS, False)]
    assert state.component_status["api"] is ComponentStatus.UNDER_MAINTENANCE


@pytest.mark.parametrize(("written", "shown"), [
    # Statuspage's own transition, imported, arrives seconds late: it is the opening, shown once
    ("2026-06-20 02:00:34 UTC", [(Status.SCHEDULED, False), (Status.IN_PROGRESS, False)]),
    ("2026-06-20 02:05 UTC", [(Status.SCHEDULED, False), (Status.IN_PROGRESS, False)]),
    # a writer's "we started" well after the window opened: the opening was automatic, then theirs
    ("2026-06-20 02:06 UTC", [(Status.SCHEDULED, False), (Status.IN_PROGRESS, True), (Status.IN_PROGRESS, False)]),
])
def test_a_written_opening_just_after_the_start_is_the_transition(make_repo: Callable[..., Path], written: str,
                                                                  shown: list[tuple[Status, bool]]) -> None:
    text = database_upgrade(("2026-06-18 10:00 UTC", "Scheduled", "Planned."), (written, "In progress", "Started."))
    page = load(Disk(make_repo({PATH: text}))).check(at("2026-06-20 03:00")).page
    (found,) = derive(page, at("2026-06-20 03:00")).active
    assert [(u.status, u.automatic) for u in found.updates] == shown


def test_resolve_cancel_calls_it_off_everywhere(announced: Path, tmp_path: Path) -> None:
    result = run_cli("resolve", "database", "--cancel", "-m", "The upgrade is postponed.", "--root", announced,
                     env=env("2026-06-19 09:00"))
    assert result.exit_code == 0, result.output
    assert "Cancelled at 2026-06-19 09:00 UTC" in result.output
    assert (announced / PATH).read_text().endswith("## 2026-06-19 09:00 UTC — Cancelled\n\nThe upgrade is postponed.\n")
    found = built(announced, tmp_path / "site", "2026-06-25 12:00 UTC")  # after the window: never started
    assert found["status"] == "completed"
    assert [u["status"] for u in found["incident_updates"]] == ["completed", "scheduled"]
    site = tmp_path / "site"
    page = (site / "incidents/2026-06-20-database-upgrade.html").read_text()
    assert "Cancelled" in page and "Duration" not in page and "under a minute" not in page
    assert "under a minute" not in (site / "index.html").read_text()
    assert "STATUS:CANCELLED" in (site / "maintenance.ics").read_text()
    summary = json.loads((site / "api/v2/summary.json").read_text())
    assert all(c["status"] == "operational" for c in summary["components"])
    project = load(Disk(announced))
    state = derive(project.check(at("2026-06-25 12:00")).page, at("2026-06-25 12:00"))
    assert all(not day.incidents for day in state.uptime["api"].days)  # it touched no component, on no day
    before = load(Disk(announced))  # notify: between the announcement and after the window, only the cancellation
    page_then = before.check(at("2026-06-25 12:00")).page
    kinds = [e.kind for e in compute(page_then, page_then, [], at("2026-06-18 12:00"), at("2026-06-25 12:00"))]
    assert EventKind.STARTED not in kinds and EventKind.COMPLETED not in kinds


def test_the_cancel_event(tmp_path: Path) -> None:
    """notify announces the cancellation (kind ``cancelled``), and no window opening or closing."""
    root = status_repo(tmp_path / "status", {PATH: ANNOUNCED})
    old = load(Disk(root)).check(at("2026-06-19 08:00")).page
    assert run_cli("resolve", "database", "--cancel", "-m", "Postponed.", "--root", root,
                   env=env("2026-06-19 09:00")).exit_code == 0
    new = load(Disk(root)).check(at("2026-06-21 10:00")).page
    found = compare(Disk(root), GitRev(root, "main"), UTC, at("2026-06-21 10:00"))
    events = compute(old, new, found.changes, at("2026-06-19 08:00"), at("2026-06-21 10:00"))
    assert [(e.kind, e.id) for e in events] == [(EventKind.CANCELLED, "2026-06-20-database-upgrade:cancelled")]


@pytest.mark.parametrize(("args", "now", "expected"), [
    (("resolve", "database", "--cancel"), "2026-06-20 02:30", "E305 'Cancelled' after the window opened"),
    (("resolve", "api-slow", "--cancel"), "2026-06-19 09:00", "only planned maintenance can be cancelled"),
    (("new", "Old work", "--impact", "maintenance", "-c", "api", "--start", "2026-06-01 02:00",
      "--end", "2026-06-01 04:00"), "2026-06-19 09:00", "the window is already over"),
])
def test_refused(make_repo: Callable[..., Path], args: tuple[str, ...], now: str, expected: str) -> None:
    root = make_repo({PATH: ANNOUNCED, "incidents/2026-06-19-api-slow.md": incident(
        "API slow", "minor", "[api]", ("2026-06-19 08:00 UTC", "Investigating", "Slow."))})
    before = {p: p.read_bytes() for p in (root / "incidents").iterdir()}
    result = run_cli(*args, "-m", "x", "--root", root, env=env(now))
    assert result.exit_code != 0
    assert expected in result.output
    assert {p: p.read_bytes() for p in (root / "incidents").iterdir()} == before


def test_new_records_past_work_with_at(make_repo: Callable[..., Path]) -> None:
    root = make_repo()
    result = run_cli("new", "Old work", "--impact", "maintenance", "-c", "api", "--start", "2026-06-01 02:00",
                     "--end", "2026-06-01 04:00", "--at", "2026-06-01 02:00", "--status", "in progress",
                     "-m", "Recorded afterwards.", "--root", root, env=env("2026-06-19 09:00"))
    assert result.exit_code == 0, result.output
    check = run_cli("check", "--root", root, "--now", "2026-06-19 09:00 UTC")
    assert check.exit_code == 0 and "W104" not in check.output


def test_rescheduling_keeps_the_old_window(tmp_path: Path) -> None:
    root = status_repo(tmp_path / "status", {PATH: ANNOUNCED})
    result = run_cli("update", "database", "--start", "2026-06-27 02:00", "--end", "2026-06-27 04:00",
                     "-m", "Moved a week.", "--root", root, env=env("2026-06-19 09:00"))
    assert result.exit_code == 0, result.output
    text = (root / PATH).read_text()
    assert "scheduled:\n  start: 2026-06-27 02:00 UTC\n  end: 2026-06-27 04:00 UTC\n---" in text
    assert text.endswith("## 2026-06-19 09:00 UTC — Scheduled\nRescheduled from: 2026-06-20 02:00 UTC to "
                         "2026-06-20 04:00 UTC\n\nMoved a week.\n")
    check = run_cli("check", "--root", root, "--now", "2026-06-19 09:00 UTC", "--base", "main")
    assert check.exit_code == 0 and "N505" in check.output and " E" not in check.output, check.output
    out = tmp_path / "site"
    found = built(root, out, "2026-06-25 12:00 UTC")  # the old window has passed: still only announced
    assert found["status"] == "scheduled" and found["scheduled_for"] == "2026-06-27T02:00:00.000Z"
    page = (out / "incidents/2026-06-20-database-upgrade.html").read_text()
    assert 'class="timeline__moved">Rescheduled. The window was <time datetime="2026-06-20T02:00:00+00:00"' in page


def test_rescheduling_refused_once_the_window_opened(announced: Path) -> None:
    before = (announced / PATH).read_bytes()
    result = run_cli("update", "database", "--start", "2026-06-27 02:00", "--end", "2026-06-27 04:00",
                     "-m", "Moved.", "--root", announced, env=env("2026-06-20 02:30"))
    assert result.exit_code == 2 and "has begun or ended: its window stays as it was" in result.output
    assert (announced / PATH).read_bytes() == before

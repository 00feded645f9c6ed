"""Component statuses set by updates (``Components: api operational``): from the file to every output.

An incident's components start at the status its impact gives them and change where an update's
``Components:`` line says so; the page's statuses, the banner, the 90-day uptime, the JSON API's
components and ``affected_components``, the feeds, notify's events and the writing commands all
follow the same steps.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from gitstatus.events import compute
from gitstatus.model import ComponentStatus, EventKind
from gitstatus.project import load
from gitstatus.source import Disk
from gitstatus.state import derive
from gitstatus.timeparse import UTC

from .conftest import build, edit, incident, run_cli, status_repo

SLOW = incident(
    "API and dashboard slow", "major", "[api, dashboard]",
    ("2026-06-11 10:00 UTC", "Investigating", "We are looking into slow responses."),
    ("2026-06-11 11:00 UTC", "Monitoring", "Components: api operational, dashboard degraded\n\nA fix is in."),
)


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def slow(make_repo: Callable[..., Path]) -> Path:
    return make_repo({"incidents/2026-06-11-slow.md": SLOW})


def test_the_statuses_follow_the_updates(slow: Path) -> None:
    page = load(Disk(slow)).check(at("2026-06-11 12:00")).page
    (found,) = page.incidents
    assert found.updates[1].components == (("api", ComponentStatus.OPERATIONAL),
                                           ("dashboard", ComponentStatus.DEGRADED_PERFORMANCE))
    assert found.updates[1].message == "A fix is in."  # the line is not part of the message
    before = derive(page, at("2026-06-11 10:30"))
    assert before.component_status["api"] is ComponentStatus.PARTIAL_OUTAGE
    assert before.indicator.value == "major"
    after = derive(page, at("2026-06-11 12:00"))
    assert after.component_status["api"] is ComponentStatus.OPERATIONAL
    assert after.component_status["dashboard"] is ComponentStatus.DEGRADED_PERFORMANCE
    assert after.indicator.value == "major"  # one component is still degraded: the incident still weighs


def test_uptime_counts_only_what_readers_were_told(slow: Path) -> None:
    """One hour of partial outage (30 %) for the api, however long the incident stays open."""
    page = load(Disk(slow)).check(at("2026-06-11 23:59")).page
    state = derive(page, at("2026-06-11 23:59"))
    today = state.uptime["api"].days[-1]
    assert today.downtime == dt.timedelta(hours=1) * 0.3
    assert today.level == "partial_outage"
    assert state.uptime["dashboard"].days[-1].downtime == dt.timedelta(hours=1) * 0.3  # degraded weighs nothing


def test_all_operational_clears_the_banner(make_repo: Callable[..., Path]) -> None:
    text = SLOW.replace("dashboard degraded", "dashboard operational")
    page = load(Disk(make_repo({"incidents/2026-06-11-slow.md": text}))).check(at("2026-06-11 12:00")).page
    state = derive(page, at("2026-06-11 12:00"))
    assert state.indicator.value == "none"
    assert [s.id for s in state.active] == ["2026-06-11-slow"]  # still shown, in Monitoring


def test_the_api_and_feed_show_the_changes(slow: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert build(slow, out, now="2026-06-11 12:00 UTC").exit_code == 0
    summary = json.loads((out / "api/v2/summary.json").read_text())
    statuses = {c["id"]: c["status"] for c in summary["components"]}
    assert statuses["api"] == "operational" and statuses["dashboard"] == "degraded_performance"
    assert statuses["core"] == "degraded_performance"  # the group: its worst member
    updated = {c["id"]: c["updated_at"] for c in summary["components"]}
    assert updated["api"] == "2026-06-11T11:00:00.000Z"
    (found,) = summary["incidents"]
    newest, first = found["incident_updates"]
    assert newest["affected_components"] == [
        {"code": "api", "name": "Core - API", "old_status": "partial_outage", "new_status": "operational"},
        {"code": "dashboard", "name": "Core - Dashboard", "old_status": "partial_outage",
         "new_status": "degraded_performance"},
    ]
    assert [c["new_status"] for c in first["affected_components"]] == ["partial_outage", "partial_outage"]
    page = (out / "incidents/2026-06-11-slow.html").read_text()
    assert 'class="timeline__components"' in page and "Degraded performance" in page
    assert "Components: api" not in page
    feed = (out / "history.atom").read_text() if (out / "history.atom").exists() else \
        next(p for p in out.rglob("*.atom")).read_text()
    assert "Component status:" in feed


def test_notify_sees_a_change_an_update_made(slow: Path) -> None:
    """Between 10:30 and 12:00 nothing started or ended, yet the api came back: an event at 11:00."""
    page = load(Disk(slow)).check(at("2026-06-11 12:00")).page
    events = compute(page, page, [], at("2026-06-11 10:30"), at("2026-06-11 12:00"))
    moved = {e.component.id: e for e in events if e.kind is EventKind.COMPONENT_STATUS and e.component}
    assert moved["api"].new_status is ComponentStatus.OPERATIONAL
    assert moved["api"].at == at("2026-06-11 11:00")


def test_update_writes_the_line(slow: Path) -> None:
    env = {"SOURCE_DATE_EPOCH": str(int(at("2026-06-11 12:00").timestamp())), "VISUAL": "", "EDITOR": ""}
    result = run_cli("update", "slow", "-c", "dashboard=operational", "--component", "api=degraded performance",
                     "-m", "Both are fine; the API is a bit slow.", "--root", slow, env=env)
    assert result.exit_code == 0, result.output
    text = (slow / "incidents/2026-06-11-slow.md").read_text()
    assert text.endswith("## 2026-06-11 12:00 UTC — Monitoring\nComponents: dashboard operational, "
                         "api degraded_performance\n\nBoth are fine; the API is a bit slow.\n")
    assert run_cli("check", "--root", slow, "--now", "2026-06-11 12:00 UTC").exit_code == 0


@pytest.mark.parametrize(("option", "expected"), [
    ("api=operatonal", "unknown status 'operatonal' (did you mean 'operational'?)"),
    ("api", "'api' needs a status"),
    ("website=operational", "E210 'website' is not one of this incident's components"),
])
def test_update_refuses_a_bad_component(slow: Path, option: str, expected: str) -> None:
    before = (slow / "incidents/2026-06-11-slow.md").read_bytes()
    env = {"SOURCE_DATE_EPOCH": str(int(at("2026-06-11 12:00").timestamp())), "VISUAL": "", "EDITOR": ""}
    result = run_cli("update", "slow", "-c", option, "-m", "x", "--root", slow, env=env)
    assert result.exit_code != 0
    assert expected in result.output
    assert (slow / "incidents/2026-06-11-slow.md").read_bytes() == before


def test_operational_from_the_start(make_repo: Callable[..., Path]) -> None:
    """``component_status: {x: operational}`` names a component that is watched, not hurt (yet)."""
    text = incident("Reports of errors", "major", "[api, dashboard]",
                    ("2026-06-11 10:00 UTC", "Investigating", "Looking into it."),
                    ("2026-06-11 10:20 UTC", "Identified", "Components: dashboard major_outage\n\nFound it."),
                    extra="component_status: {dashboard: operational}\n")
    page = load(Disk(make_repo({"incidents/2026-06-11-errors.md": text}))).check(at("2026-06-11 12:00")).page
    assert derive(page, at("2026-06-11 10:10")).component_status["dashboard"] is ComponentStatus.OPERATIONAL
    assert derive(page, at("2026-06-11 10:30")).component_status["dashboard"] is ComponentStatus.MAJOR_OUTAGE


def test_check_base_keeps_published_component_statuses(tmp_path: Path) -> None:
    """An unchanged update with a Components line is no edit; changing the line is E502, on it."""
    root = status_repo(tmp_path / "status", {"incidents/2026-06-11-slow.md": SLOW})
    with (root / "incidents/2026-06-11-slow.md").open("a", encoding="utf-8") as file:
        file.write("\n## 2026-06-11 12:00 UTC — Resolved\n\nAll fine.\n")
    result = run_cli("check", "--root", root, "--now", "2026-06-11 13:00 UTC", "--base", "main")
    assert result.exit_code == 0 and "N502" not in result.output, result.output
    edit(root, "incidents/2026-06-11-slow.md", "dashboard degraded", "dashboard operational")
    result = run_cli("check", "--root", root, "--now", "2026-06-11 13:00 UTC", "--base", "main")
    assert result.exit_code == 1
    assert "2026-06-11-slow.md:13:1: E502 this update's component statuses changed: it was published at main " \
           "with 'components: api operational, dashboard degraded'" in result.output

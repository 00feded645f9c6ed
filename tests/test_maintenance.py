"""Maintenance windows before, during and after, as the built page and the API show them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import database_upgrade, run_gitstatus
from .htmlparse import parse as parse_html

WINDOW = database_upgrade(
    ("2026-06-13 10:00 UTC", "Scheduled", "We will upgrade the database on June 20, 02:00-04:00 UTC."))

STARTED = WINDOW + """
## 2026-06-20 02:01 UTC — In progress

The upgrade has started.
"""

COMPLETED = STARTED + """
## 2026-06-20 03:10 UTC — Completed

The upgrade is complete.
"""

OUTAGE = """\
---
title: Website down
impact: critical
components: [website]
---

## 2026-06-20 02:30 UTC — Investigating

The website does not load.
"""


def build(root: Path, now: str) -> tuple[dict, dict]:
    out = root / "site"
    result = run_gitstatus("build", "--root", root, "--now", now)
    assert result.returncode == 0, result.stdout + result.stderr
    summary = json.loads((out / "api/v2/summary.json").read_text())
    index = parse_html((out / "index.html").read_text())
    return summary, {"index": index, "out": out}


def component_status(summary: dict, component_id: str) -> str:
    return next(c["status"] for c in summary["components"] if c["id"] == component_id)


def banner(index) -> str:
    return index.find(id="overall").text.strip()


def section_ids(index) -> list[str]:
    return [s.attrs.get("aria-labelledby", "") for s in index.find_all("section")]


@pytest.mark.parametrize(
    ("body", "now", "expected"),
    [
        (WINDOW, "2026-06-19 12:00 UTC", "upcoming"),
        (WINDOW, "2026-06-20 02:00 UTC", "active"),  # the window opens on time, with no update needed
        (STARTED, "2026-06-20 03:00 UTC", "active"),
        (STARTED, "2026-06-20 05:00 UTC", "past"),  # the window closed with no final update
        (COMPLETED, "2026-06-20 03:30 UTC", "past"),  # completed early
    ],
)
def test_maintenance_phase_on_the_page(make_repo, body: str, now: str, expected: str) -> None:
    root = make_repo({"incidents/2026-06-20-database-upgrade.md": body})
    summary, pages = build(root, now)
    index = pages["index"]
    sections = section_ids(index)
    if expected == "upcoming":
        assert "maintenance-heading" in sections and "active-heading" not in sections
        assert component_status(summary, "api") == "operational"
        assert banner(index) == "All Systems Operational"
        assert [m["status"] for m in summary["scheduled_maintenances"]] == ["scheduled"]
    elif expected == "active":
        assert "active-heading" in sections and "maintenance-heading" not in sections
        assert component_status(summary, "api") == "under_maintenance"
        assert banner(index) == "Service Under Maintenance"
        assert [m["status"] for m in summary["scheduled_maintenances"]] == ["in_progress"]
    else:
        assert "active-heading" not in sections and "maintenance-heading" not in sections
        assert component_status(summary, "api") == "operational"
        assert banner(index) == "All Systems Operational"
        assert summary["scheduled_maintenances"] == []
        page = parse_html((pages["out"] / "incidents/2026-06-20-database-upgrade.html").read_text())
        assert "Completed" in page.text


def test_an_outage_during_maintenance_sets_the_banner(make_repo) -> None:
    root = make_repo({
        "incidents/2026-06-20-database-upgrade.md": STARTED,
        "incidents/2026-06-20-website-down.md": OUTAGE,
    })
    summary, pages = build(root, "2026-06-20 03:00 UTC")
    assert banner(pages["index"]) == "Major System Outage"
    assert component_status(summary, "api") == "under_maintenance"
    assert component_status(summary, "website") == "major_outage"
    assert summary["status"]["indicator"] == "critical"


def test_upcoming_window_is_listed_with_its_times_and_calendar_link(make_repo) -> None:
    root = make_repo({"incidents/2026-06-20-database-upgrade.md": WINDOW})
    _, pages = build(root, "2026-06-19 12:00 UTC")
    index = pages["index"]
    section = next(s for s in index.find_all("section") if s.attrs.get("aria-labelledby") == "maintenance-heading")
    times = [t.attrs["datetime"] for t in section.find_all("time")]
    assert times[:2] == ["2026-06-20T02:00:00+00:00", "2026-06-20T04:00:00+00:00"]
    assert any(a.attrs.get("href") == "maintenance.ics" for a in section.find_all("a"))
    assert (pages["out"] / "maintenance.ics").is_file()

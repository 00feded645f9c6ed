"""What ``gitstatus notify`` announces, as a pure function: the page then, the page now, the changes, two moments.

Each lifecycle is a table of runs: the files as they stand at each run and the moment of the run,
and the events that run must announce, in order. The files are read and compared with the real
readers and the real ``changes.compare`` (on in-memory sources), so these are the events a
publish run would find; tests/test_notify_delivery.py sends them through real channels.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from gitstatus import changes
from gitstatus.events import Event, compute, for_channel
from gitstatus.model import EventKind, StatusPage
from gitstatus.project import load
from gitstatus.rules import Diagnostic
from gitstatus.source import GitRev, Source
from gitstatus.timeparse import UTC, parse_time

from .conftest import COMPONENTS_YAML

INCIDENT = "incidents/2026-06-11-api-errors.md"
MAINTENANCE = "incidents/2026-06-19-db-upgrade.md"


class Memory(Source):
    """A status repo held in memory: the working tree of a run."""

    has_theme = False

    def __init__(self, files: Mapping[str, str]) -> None:
        self.root = Path(".")
        self.files = {path: textwrap.dedent(text).encode("utf-8") for path, text in files.items()}

    def incident_paths(self) -> tuple[list[str], list[Diagnostic]]:
        return sorted(p for p in self.files if p.startswith("incidents/")), []

    def read(self, relpath: str) -> tuple[bytes | None, list[Diagnostic]]:
        return self.files.get(relpath), []


class Published(GitRev):
    """The files of the last announced commit, without git."""

    def __init__(self, memory: Memory) -> None:
        self.root = Path(".")
        self.has_theme = False
        self.ref = "announced"
        self.commit = "0" * 40
        self.files = dict(memory.files)


def at(text: str) -> dt.datetime:
    return parse_time(text, UTC)


def page(source: Source, moment: dt.datetime) -> StatusPage:
    result = load(source).check(moment)
    assert [d for d in result.diagnostics if d.code.startswith("E")] == []
    return result.page


def events_between(before: Mapping[str, str], since: str, after: Mapping[str, str], now: str) -> list[Event]:
    old, new = Memory(before), Memory(after)
    found = changes.compare(new, Published(old), UTC, at(now)).changes
    return compute(page(old, at(since)), page(new, at(now)), found, at(since), at(now))


def shown(events: list[Event]) -> list[str]:
    """``kind id`` of each event, ids without the file's date prefix, component moments left out."""
    out = []
    for e in events:
        ident = e.id.replace("2026-06-11-", "").replace("2026-06-19-", "")
        if e.kind is EventKind.COMPONENT_STATUS:
            assert e.component is not None and e.old_status is not None and e.new_status is not None
            ident = f"{e.component.id} {e.old_status.value} -> {e.new_status.value}"
        out.append(f"{e.kind.value} {ident}")
    return out


HEAD = """\
---
title: API errors
impact: major
components: [api]
---
"""
OPENED = "\n## 2026-06-11 14:02 UTC — Investigating\n\nErrors on the API.\n"
IDENTIFIED = "\n## 2026-06-11 14:30 UTC — Identified\n\nA bad deploy.\n"
MONITORING = "\n## 2026-06-11 14:50 UTC — Monitoring\n\nRolled back.\n"
RESOLVED = "\n## 2026-06-11 15:10 UTC — Resolved\n\nAll good.\n"

MAINT_HEAD = """\
---
title: Database upgrade
impact: maintenance
components: [api, dashboard]
scheduled:
  start: {start}
  end: {end}
---

## 2026-06-19 10:00 UTC — Scheduled

We upgrade the database.
"""
WINDOW = {"start": "2026-06-20 02:00 UTC", "end": "2026-06-20 04:00 UTC"}
MOVED = {"start": "2026-06-20 03:00 UTC", "end": "2026-06-20 05:00 UTC"}
WORKING = "\n## 2026-06-20 03:20 UTC — In progress\n\nHalfway.\n"
STARTED_EARLY = "\n## 2026-06-20 01:55 UTC — In progress\n\nWe start a little early.\n"
DONE = "\n## 2026-06-20 03:40 UTC — Completed\n\nDone.\n"


@dataclass(frozen=True)
class Run:
    """A publish run: the incident files as they stand, the moment, and what it must announce."""

    now: str
    files: Mapping[str, str]
    expected: list[str]


LIFECYCLES: dict[str, list[Run]] = {
    "incident, a run after each update": [
        Run("2026-06-11 14:00 UTC", {}, []),
        Run("2026-06-11 14:05 UTC", {INCIDENT: HEAD + OPENED},
            ["opened api-errors:opened", "component_status api operational -> partial_outage"]),
        Run("2026-06-11 14:35 UTC", {INCIDENT: HEAD + OPENED + IDENTIFIED}, ["updated api-errors:update:2"]),
        Run("2026-06-11 15:00 UTC", {INCIDENT: HEAD + OPENED + IDENTIFIED + MONITORING},
            ["updated api-errors:update:3"]),
        Run("2026-06-11 15:15 UTC", {INCIDENT: HEAD + OPENED + IDENTIFIED + MONITORING + RESOLVED},
            ["resolved api-errors:resolved", "component_status api partial_outage -> operational"]),
        Run("2026-06-11 15:45 UTC", {INCIDENT: HEAD + OPENED + IDENTIFIED + MONITORING + RESOLVED}, []),
    ],
    "incident, runs skipped until it was over": [
        Run("2026-06-11 14:00 UTC", {}, []),
        Run("2026-06-11 16:00 UTC", {INCIDENT: HEAD + OPENED + IDENTIFIED + MONITORING + RESOLVED},
            ["opened api-errors:opened", "updated api-errors:update:2", "updated api-errors:update:3",
             "resolved api-errors:resolved"]),  # the components are where they were: no status change
    ],
    "maintenance that runs by the clock": [
        Run("2026-06-19 09:00 UTC", {}, []),
        Run("2026-06-19 10:05 UTC", {MAINTENANCE: MAINT_HEAD.format(**WINDOW)},
            ["scheduled db-upgrade:scheduled"]),
        Run("2026-06-19 12:00 UTC", {MAINTENANCE: MAINT_HEAD.format(**MOVED)},
            ["moved db-upgrade:moved:20260620T030000Z-20260620T050000Z"]),
        Run("2026-06-20 02:30 UTC", {MAINTENANCE: MAINT_HEAD.format(**MOVED)}, []),  # the old start: nothing
        Run("2026-06-20 03:10 UTC", {MAINTENANCE: MAINT_HEAD.format(**MOVED)},
            ["started db-upgrade:started", "component_status api operational -> under_maintenance",
             "component_status dashboard operational -> under_maintenance"]),
        Run("2026-06-20 03:30 UTC", {MAINTENANCE: MAINT_HEAD.format(**MOVED) + WORKING},
            ["updated db-upgrade:update:2"]),
        Run("2026-06-20 05:10 UTC", {MAINTENANCE: MAINT_HEAD.format(**MOVED) + WORKING},
            ["completed db-upgrade:completed", "component_status api under_maintenance -> operational",
             "component_status dashboard under_maintenance -> operational"]),
        Run("2026-06-20 06:00 UTC", {MAINTENANCE: MAINT_HEAD.format(**MOVED) + WORKING}, []),
    ],
    "maintenance that its updates start and complete": [
        Run("2026-06-19 10:05 UTC", {MAINTENANCE: MAINT_HEAD.format(**WINDOW)}, ["scheduled db-upgrade:scheduled"]),
        Run("2026-06-20 01:58 UTC", {MAINTENANCE: MAINT_HEAD.format(**WINDOW) + STARTED_EARLY},
            ["started db-upgrade:started", "component_status api operational -> under_maintenance",
             "component_status dashboard operational -> under_maintenance"]),
        Run("2026-06-20 03:45 UTC", {MAINTENANCE: MAINT_HEAD.format(**WINDOW) + STARTED_EARLY + DONE},
            ["completed db-upgrade:completed", "component_status api under_maintenance -> operational",
             "component_status dashboard under_maintenance -> operational"]),
    ],
    "maintenance whose whole window fell between two runs": [
        Run("2026-06-19 10:05 UTC", {MAINTENANCE: MAINT_HEAD.format(**WINDOW)}, ["scheduled db-upgrade:scheduled"]),
        Run("2026-06-20 06:00 UTC", {MAINTENANCE: MAINT_HEAD.format(**WINDOW)},
            ["started db-upgrade:started", "completed db-upgrade:completed"]),
    ],
}


@pytest.mark.parametrize("name", list(LIFECYCLES))
def test_each_run_announces_exactly_what_happened_since_the_last_one(name: str) -> None:
    runs = LIFECYCLES[name]
    files: Mapping[str, str] = {"components.yaml": COMPONENTS_YAML}  # the first run starts from an empty repo
    since = runs[0].now
    for run in runs:
        after = {"components.yaml": COMPONENTS_YAML, **run.files}
        assert shown(events_between(files, since, after, run.now)) == run.expected, f"{name}: the run at {run.now}"
        files, since = after, run.now


def test_the_same_interval_gives_the_same_events_with_the_same_ids() -> None:
    before = {"components.yaml": COMPONENTS_YAML}
    after = {"components.yaml": COMPONENTS_YAML, INCIDENT: HEAD + OPENED + IDENTIFIED}
    first = events_between(before, "2026-06-11 14:00 UTC", after, "2026-06-11 14:35 UTC")
    again = events_between(before, "2026-06-11 14:00 UTC", after, "2026-06-11 14:35 UTC")
    assert first == again and len({e.id for e in first}) == len(first) == 3


def test_an_event_carries_the_incident_as_it_was_and_its_update() -> None:
    before = {"components.yaml": COMPONENTS_YAML}
    after = {"components.yaml": COMPONENTS_YAML, INCIDENT: HEAD + OPENED + IDENTIFIED + MONITORING + RESOLVED}
    events = events_between(before, "2026-06-11 14:00 UTC", after, "2026-06-11 16:00 UTC")
    opened, identified = events[0], events[1]
    assert opened.incident is not None and len(opened.incident.updates) == 1
    assert opened.update is not None and opened.update.message == "Errors on the API."
    assert identified.incident is not None and [u.status.value for u in identified.incident.updates] == [
        "investigating", "identified"]
    assert (identified.position, identified.at) == (2, at("2026-06-11 14:30 UTC"))


def test_a_deleted_incident_and_an_edited_message_are_not_announced() -> None:
    published = {"components.yaml": COMPONENTS_YAML, INCIDENT: HEAD + OPENED + IDENTIFIED + MONITORING + RESOLVED}
    edited = {"components.yaml": COMPONENTS_YAML,
              INCIDENT: HEAD + OPENED.replace("Errors", "Many errors") + IDENTIFIED + MONITORING + RESOLVED}
    assert events_between(published, "2026-06-11 16:00 UTC", edited, "2026-06-11 16:30 UTC") == []
    gone = {"components.yaml": COMPONENTS_YAML}
    assert events_between(published, "2026-06-11 16:00 UTC", gone, "2026-06-11 16:30 UTC") == []


def test_channel_filters_pick_by_kind_and_by_component() -> None:
    before = {"components.yaml": COMPONENTS_YAML}
    after = {"components.yaml": COMPONENTS_YAML, INCIDENT: HEAD + OPENED,
             MAINTENANCE: MAINT_HEAD.format(**WINDOW)}
    events = events_between(before, "2026-06-19 09:00 UTC", after, "2026-06-19 10:05 UTC")
    assert shown(events) == ["opened api-errors:opened", "scheduled db-upgrade:scheduled",
                             "component_status api operational -> partial_outage"]
    assert shown(for_channel(events, ["dashboard"], None)) == ["scheduled db-upgrade:scheduled"]
    assert shown(for_channel(events, None, [EventKind.OPENED, EventKind.RESOLVED])) == ["opened api-errors:opened"]
    assert for_channel(events, ["website"], None) == []

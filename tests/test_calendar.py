"""maintenance.ics: parsed by the ``icalendar`` package, and checked byte by byte against RFC 5545."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import icalendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gitstatus.outputs.calendar import escape_text, fold

from .conftest import MACHINE_BASE, MACHINE_REPO, cli_build

UTC = dt.UTC
HOST = "status.machine.test"


@pytest.fixture(scope="module")
def ics(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    out = tmp_path_factory.mktemp("calendar") / "site"
    cli_build(MACHINE_REPO, out)
    return (out / "maintenance.ics").read_bytes()


def events(data: bytes) -> dict[str, Any]:
    calendar = icalendar.Calendar.from_ical(data)
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def test_calendar_properties(ics: bytes) -> None:
    calendar = icalendar.Calendar.from_ical(ics)
    assert calendar.name == "VCALENDAR"
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"]) == "-//gitstatus//Maintenance calendar//EN"
    assert str(calendar["CALSCALE"]) == "GREGORIAN"
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(calendar["X-WR-CALNAME"]) == "Machine & <Status> maintenance"


def test_upcoming_active_and_recent_windows_only(ics: bytes) -> None:
    found = events(ics)
    assert list(found) == [f"{i}@{HOST}" for i in (
        "2026-05-05-firmware-update",      # ended 41 days before now
        "2026-06-01-storage-migration",
        "2026-06-05-dns-change",           # lapsed without a final update
        "2026-06-14-cancelled-upgrade",
        "2026-06-15-cache-rotation",       # in progress
        "2026-06-15-network-maintenance",  # in progress
        "2026-06-20-database-upgrade",     # upcoming
    )]  # not: the January window (over 90 days ago), the window-less patch, incidents


def test_event_fields(ics: bytes) -> None:
    upgrade = events(ics)[f"2026-06-20-database-upgrade@{HOST}"]
    assert upgrade["DTSTART"].dt == dt.datetime(2026, 6, 20, 0, 0, tzinfo=UTC)  # 02:00 in Berlin
    assert upgrade["DTEND"].dt == dt.datetime(2026, 6, 20, 2, 0, tzinfo=UTC)
    assert upgrade["DTSTAMP"].dt == dt.datetime(2026, 6, 12, 9, 0, tzinfo=UTC)  # its last update, not the clock
    assert str(upgrade["SUMMARY"]) == "Maintenance: Database upgrade; writes paused, briefly"
    assert str(upgrade["URL"]) == MACHINE_BASE + "incidents/2026-06-20-database-upgrade.html"
    assert str(upgrade["STATUS"]) == "CONFIRMED"
    description = str(upgrade["DESCRIPTION"])
    assert description.startswith("Scheduled (Jun 12, 2026, 11:00 CEST):\n\nWir aktualisieren die Datenbank; ")
    assert 'Pfad: C:\\data\\export, "quoted", semi;colon, comma, backslash \\ and' in description
    assert "数据库升级将在窗口内完成，写入会短暂暂停 ✅🚀" in description
    assert "- step two: runbook (https://example.com/runbook)" in description
    assert description.endswith("Details: " + MACHINE_BASE + "incidents/2026-06-20-database-upgrade.html")

    storage = events(ics)[f"2026-06-01-storage-migration@{HOST}"]
    assert storage["DTSTAMP"].dt == dt.datetime(2026, 6, 1, 2, 50, tzinfo=UTC)
    assert str(storage["DESCRIPTION"]).startswith("Completed (Jun 1, 2026, 04:50 CEST):\n\nDone.")
    assert int(storage["SEQUENCE"]) == 3
    cancelled = events(ics)[f"2026-06-14-cancelled-upgrade@{HOST}"]
    assert str(cancelled["STATUS"]) == "CANCELLED"


def test_raw_bytes_follow_rfc_5545(ics: bytes) -> None:
    assert ics.endswith(b"\r\n")
    lines = ics.split(b"\r\n")[:-1]
    assert b"\n" not in ics.replace(b"\r\n", b"") and b"\r" not in ics.replace(b"\r\n", b"")
    assert max(len(line) for line in lines) <= 75
    assert any(len(line) == 75 for line in lines)  # long lines were folded, at the limit
    for line in lines:
        line.decode("utf-8")  # no UTF-8 sequence was split across a fold
    logical = ics.replace(b"\r\n ", b"").split(b"\r\n")
    for name in (b"DTSTART:", b"DTEND:", b"DTSTAMP:", b"CREATED:", b"LAST-MODIFIED:"):
        values = [line[len(name):] for line in logical if line.startswith(name)]
        assert values and all(len(v) == 16 and v.endswith(b"Z") for v in values), name
    assert logical[0] == b"BEGIN:VCALENDAR" and logical[-2] == b"END:VCALENDAR"


def window(day: str, start: str, end: str, updates: str, name: str = "Work") -> str:
    return (f"---\ntitle: {name}\nimpact: maintenance\ncomponents: [api]\n"
            f"scheduled: {{start: {day} {start} UTC, end: {day} {end} UTC}}\n---\n\n{updates}")


def test_recent_means_ended_within_ninety_days(make_repo: Callable[..., Path], tmp_path: Path) -> None:
    done = "## {d} 01:00 UTC — Scheduled\n\nPlanned.\n\n## {d} 03:00 UTC — Completed\n\nDone.\n"
    root = make_repo({
        "incidents/2026-03-18-inside.md": window("2026-03-18", "01:00", "02:00", done.format(d="2026-03-18")),
        "incidents/2026-03-16-outside.md": window("2026-03-16", "01:00", "02:00", done.format(d="2026-03-16")),
    })
    cli_build(root, tmp_path / "out", "2026-06-15 12:00 UTC")  # 90 days back: March 17, 12:00
    assert list(events((tmp_path / "out" / "maintenance.ics").read_bytes())) == ["2026-03-18-inside@status.test"]


@pytest.mark.parametrize("now", ["2026-06-20 01:00 UTC", "2026-06-20 02:30 UTC", "2026-06-20 05:00 UTC"])
def test_a_window_is_listed_before_during_and_after(make_repo: Callable[..., Path], tmp_path: Path, now: str) -> None:
    root = make_repo({"incidents/2026-06-20-work.md": window(
        "2026-06-20", "02:00", "04:00", "## 2026-06-10 09:00 UTC — Scheduled\n\nPlanned.\n")})
    cli_build(root, tmp_path / "out", now)
    found = events((tmp_path / "out" / "maintenance.ics").read_bytes())
    event = found["2026-06-20-work@status.test"]
    assert event["DTSTART"].dt == dt.datetime(2026, 6, 20, 2, 0, tzinfo=UTC)
    expected_stamp = dt.datetime(2026, 6, 20, 4, 0, tzinfo=UTC) if now.startswith("2026-06-20 05") else (
        dt.datetime(2026, 6, 20, 2, 0, tzinfo=UTC) if now.startswith("2026-06-20 02") else
        dt.datetime(2026, 6, 10, 9, 0, tzinfo=UTC))
    assert event["DTSTAMP"].dt == expected_stamp  # the window opening and closing are changes too


def test_an_empty_calendar_is_still_a_calendar(make_repo: Callable[..., Path], tmp_path: Path) -> None:
    cli_build(make_repo({}), tmp_path / "out")
    data = (tmp_path / "out" / "maintenance.ics").read_bytes()
    assert events(data) == {}
    assert str(icalendar.Calendar.from_ical(data)["METHOD"]) == "PUBLISH"


def test_escape_and_fold_by_hand() -> None:
    assert escape_text("a,b;c\\d\ne\r\nf\x07") == "a\\,b\\;c\\\\d\\ne\\nf"
    assert fold("X" * 75) == ["X" * 75]
    assert fold("X" * 76) == ["X" * 75, " X"]
    assert fold("DESCRIPTION:" + "é" * 40) == ["DESCRIPTION:" + "é" * 31, " " + "é" * 9]  # 12 + 62 octets, then the rest


@settings(max_examples=150, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_any_text_survives_escaping_and_folding(value: str) -> None:
    lines = fold("DESCRIPTION:" + escape_text(value))
    for line in lines:
        assert len(line.encode("utf-8")) <= 75
    data = ("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n" + "\r\n".join(lines) + "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    event = icalendar.Calendar.from_ical(data.encode("utf-8")).walk("VEVENT")[0]
    expected = value.replace("\r\n", "\n").replace("\r", "\n")
    expected = "".join(c for c in expected if c in "\t\n" or not (ord(c) < 32 or ord(c) == 127))
    assert str(event.get("DESCRIPTION", "")) == expected

"""Incident files and the folder a command writes into: diagnostics or a clean refusal, never a traceback.

Times in update headings and ``scheduled:`` windows are the writer's input that reaches the most
arithmetic (uptime days, feeds, the calendar), so the edges of the calendar are tried explicitly;
``init`` is tried on folders it cannot create.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ..conftest import COMPONENTS_YAML, write_repo
from .conftest import INCIDENT, NOW, codes, diagnostics, invoke, scratch, times

PATH = "incidents/2026-11-26-api-slow.md"


def incident(heading_time: str, status: str = "Investigating") -> str:
    return INCIDENT.replace("2026-11-26 14:02 UTC", heading_time).replace("Investigating", status)


def maintenance(start: str, end: str, heading_time: str = "2026-11-26 14:00 UTC") -> str:
    return (f"---\ntitle: Database upgrade\nimpact: maintenance\ncomponents: [api]\n"
            f"scheduled:\n  start: {start}\n  end: {end}\n---\n\n## {heading_time} — Scheduled\n\nWe will upgrade.\n")


def in_zone(zone: str) -> str:
    return COMPONENTS_YAML.replace("timezone: UTC", f"timezone: {zone}")


@pytest.mark.parametrize(("text", "zone", "code", "line"), [
    (incident("0001-01-01 00:00 +05:00"), "UTC", "E203", 7),
    (incident("9999-12-31 23:59 -05:00"), "UTC", "E203", 7),
    (incident("9999-12-31 23:59 UTC"), "UTC", "E203", 7),
    (incident("0001-01-01 00:00 UTC"), "UTC", "E203", 7),
    (incident("0001-01-01 00:00"), "Europe/Berlin", "E203", 7),
    (incident("9999-12-31 23:59"), "America/New_York", "E203", 7),
    (incident("1969-12-31 23:59 UTC"), "UTC", "E203", 7),
    (incident("1970-01-01 00:30 +01:00"), "UTC", "E203", 7),
    (incident("2026-11-26 ١٤:٠٢ UTC"), "UTC", "E203", 7),
    (incident("2026-11-26 14:02 +٠٥:٠٠"), "UTC", "E203", 7),
    (maintenance("9999-12-31 20:00 UTC", "9999-12-31 23:59 -05:00"), "UTC", "E114", 6),
    (maintenance("0001-01-01 00:00 +05:00", "2026-11-26 16:00 UTC"), "UTC", "E114", 6),
    (maintenance("2026-11-27 02:00 UTC", "9999-12-31 23:59 UTC"), "UTC", "E114", 7),
], ids=["year-1-offset", "year-9999-offset", "year-9999-utc", "year-1-utc", "year-1-zoneless", "year-9999-zoneless",
        "1969", "before-1970-by-offset", "arabic-indic-digits", "arabic-indic-offset", "window-9999",
        "window-year-1", "window-end-9999"])
def test_times_at_the_edges_of_the_calendar_are_diagnostics(tmp_path: Path, text: str, zone: str, code: str,
                                                             line: int) -> None:
    root = write_repo(tmp_path / "repo", {PATH: text}, components=in_zone(zone))
    checked = invoke(["check", "--root", str(root), "--now", NOW])
    assert checked.exit_code == 1
    assert code in codes(checked), checked.output
    assert any(d.startswith(f"{root}/{PATH}:{line}:") for d in diagnostics(checked)), checked.output
    if code in ("E203", "E114") and "١" not in text and "٠" not in text:
        assert "supported range" in checked.output and "1970" in checked.output and "9998" in checked.output
    built = invoke(["build", "--root", str(root), "--now", NOW, "--out", str(tmp_path / "site"), "--jobs", "1"])
    assert built.exit_code == 1 and not (tmp_path / "site").exists()


@pytest.mark.parametrize(("heading", "now", "zone"), [
    ("1970-01-01 00:00 UTC", "1970-01-01 01:00 UTC", "Etc/GMT+12"),
    ("1970-01-01 00:00 UTC", "1970-01-01 01:00 UTC", "Pacific/Kiritimati"),
    ("9998-12-31 23:00 UTC", "9998-12-31 23:59:59 UTC", "Pacific/Kiritimati"),
    ("9998-12-31 23:00 UTC", "9998-12-31 23:59 UTC", "Etc/GMT+12"),
], ids=["first-west", "first-east", "last-east", "last-west"])
def test_the_first_and_last_supported_moments_build(tmp_path: Path, heading: str, now: str, zone: str) -> None:
    """Uptime days, past days, feeds and the calendar reach a day beyond ``now`` and 3650 days before it."""
    components = in_zone(zone).replace("past_days: 7", "past_days: 3650")
    window = maintenance(heading, now.replace(" UTC", "").replace(":59:59", ":59") + " UTC", heading)
    root = write_repo(tmp_path / "repo", {PATH: incident(heading), "incidents/2026-11-27-upgrade.md": window},
                     components=components)
    out = tmp_path / "site"
    built = invoke(["build", "--root", str(root), "--now", now, "--out", str(out), "--jobs", "1"])
    assert built.exit_code == 0, built.output
    year = heading[:4]
    assert f"<published>{year}-" in (out / "history.atom").read_text(encoding="utf-8")
    assert f"DTSTART:{year}" in (out / "maintenance.ics").read_text(encoding="utf-8")


@st.composite
def incident_files(draw: st.DrawFn) -> str:
    """An incident or maintenance file whose headings and window take their times from :func:`times`."""
    statuses = ["Investigating", "Identified", "Resolved", "Scheduled", "In progress", "Completed"]
    headings = [f"## {draw(times())} — {draw(st.sampled_from(statuses))}\n\nText.\n"
                for _ in range(draw(st.integers(1, 3)))]
    if draw(st.booleans()):
        front = (f"title: Upgrade\nimpact: maintenance\ncomponents: [api]\n"
                 f"scheduled:\n  start: '{draw(times())}'\n  end: '{draw(times())}'\n")
    else:
        front = f"title: Slow\nimpact: {draw(st.sampled_from(['minor', 'major', 'critical']))}\ncomponents: [api]\n"
    return f"---\n{front}---\n\n" + "\n".join(headings)


@settings(max_examples=100, deadline=None)
@given(text=incident_files(), zone=st.sampled_from(["UTC", "Europe/Berlin", "Pacific/Kiritimati", "Etc/GMT+12"]))
def test_generated_incident_files_give_diagnostics_never_tracebacks(text: str, zone: str) -> None:
    with scratch() as folder:
        root = write_repo(folder / "repo", {PATH: text}, components=in_zone(zone))
        checked = invoke(["check", "--root", str(root), "--now", NOW])
        assert (checked.exit_code == 1) == any(" E" in d for d in diagnostics(checked)), checked.output
        invoke(["list", "--root", str(root), "--now", NOW])
        built = invoke(["build", "--root", str(root), "--now", NOW, "--out", str(folder / "site"), "--jobs", "1"])
        assert built.exit_code == checked.exit_code, (checked.output, built.output)


# --- the folder init writes into ----------------------------------------------------------------------

def listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_init_where_the_parent_folder_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "notes").write_text("a file, not a folder\n")
    result = invoke(["init", str(tmp_path / "notes" / "status"), "--now", NOW])
    assert result.exit_code in (1, 2)
    assert "notes" in result.stderr and "not a folder" in result.stderr, result.stderr
    assert listing(tmp_path) == ["notes"]


@pytest.mark.parametrize("blocker", [".github", ".github/workflows", "incidents"])
def test_init_where_a_folder_it_needs_is_a_file(tmp_path: Path, blocker: str) -> None:
    root = tmp_path / "status"
    (root / blocker).parent.mkdir(parents=True, exist_ok=True)
    (root / blocker).write_text("a file\n")
    before = listing(root)
    result = invoke(["init", str(root), "--now", NOW])
    assert result.exit_code in (1, 2)
    assert blocker in result.stderr and "nothing was written" in result.stderr, result.stderr
    assert listing(root) == before


@pytest.mark.skipif(not os.path.ismount("/sys"), reason="needs sysfs at /sys, where no one may create a folder")
def test_init_on_a_folder_where_creating_fails() -> None:
    """As root no folder is read-only; sysfs refuses mkdir to root too (EPERM), a real failing file system."""
    result = invoke(["init", "/sys/gitstatus-init-test", "--now", NOW])
    assert result.exit_code == 1
    assert "/sys/gitstatus-init-test" in result.stderr and "nothing was written" in result.stderr, result.stderr


def test_init_undoes_the_folders_it_made_when_creating_one_fails(tmp_path: Path) -> None:
    """``new`` is created, then its sub-folder's name is too long for the file system: ``new`` goes again."""
    result = invoke(["init", str(tmp_path / "new" / ("x" * 300)), "--now", NOW])
    assert result.exit_code == 1
    assert "File name too long" in result.stderr and "nothing was written" in result.stderr, result.stderr
    assert listing(tmp_path) == []

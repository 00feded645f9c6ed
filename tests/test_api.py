"""The Statuspage-compatible JSON API, built by the real CLI from a fixture repo that holds every case.

Every file is validated against the JSON Schemas in tests/schemas/, written from
Statuspage's documented format; the rest pins what a schema cannot: orderings,
filtering, the 50 limit, the mapping of our words to Statuspage's, stable ids and
byte-identical rebuilds.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource

from gitstatus.outputs.api import api_time
from gitstatus.outputs.machine import short_id

from .conftest import BUILD_NOW, MACHINE_BASE, MACHINE_REPO, REPO, cli_build, run_gitstatus

SCHEMAS = REPO / "tests" / "schemas"

ENDPOINTS = {
    "api/v2/summary.json": "summary.json",
    "api/v2/status.json": "status.json",
    "api/v2/components.json": "components.json",
    "api/v2/incidents.json": "incidents.json",
    "api/v2/incidents/unresolved.json": "incidents-unresolved.json",
    "api/v2/scheduled-maintenances.json": "scheduled-maintenances.json",
    "api/v2/scheduled-maintenances/upcoming.json": "scheduled-maintenances-upcoming.json",
    "api/v2/scheduled-maintenances/active.json": "scheduled-maintenances-active.json",
}
MACHINE_OUTPUTS = ("api/", "badges/", "badge.svg", "history.atom", "history.rss", "maintenance.ics")


def run_build(root: Path, out: Path, now: str = BUILD_NOW, *extra: str, env: dict[str, str] | None = None) -> None:
    """``gitstatus build`` in a real subprocess, as CI runs it."""
    result = run_gitstatus("build", "--root", root, "--out", out, "--now", now, *extra, env={**os.environ, **(env or {})})
    assert result.returncode == 0, result.stdout + result.stderr


def load(site: Path, path: str) -> Any:
    return json.loads((site / path).read_text(encoding="utf-8"))


def machine_files(site: Path) -> dict[str, bytes]:
    files = {}
    for path in sorted(site.rglob("*")):
        rel = path.relative_to(site).as_posix()
        if path.is_file() and rel.startswith(MACHINE_OUTPUTS):
            files[rel] = path.read_bytes()
    return files


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("machine") / "site"
    cli_build(MACHINE_REPO, out)
    return out


@functools.cache
def validator(schema_file: str) -> Draft202012Validator:
    resources = []
    for path in SCHEMAS.glob("*.json"):
        schema = json.loads(path.read_text(encoding="utf-8"))
        resources.append((schema["$id"], Resource.from_contents(schema)))
    registry: Registry = Registry().with_resources(resources)
    schema = json.loads((SCHEMAS / schema_file).read_text(encoding="utf-8"))
    return Draft202012Validator(schema, registry=registry, format_checker=FormatChecker())


def errors(schema_file: str, document: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator(schema_file).iter_errors(document)]


def by_id(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {item["id"]: item for item in items}


# --- schemas --------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", sorted(ENDPOINTS))
def test_every_endpoint_matches_its_schema(site: Path, path: str) -> None:
    assert errors(ENDPOINTS[path], load(site, path)) == []


def test_schemas_are_valid_draft_2020_12() -> None:
    for path in SCHEMAS.glob("*.json"):
        Draft202012Validator.check_schema(json.loads(path.read_text(encoding="utf-8")))


MUTATIONS: dict[str, Callable[[dict[str, Any]], None]] = {
    "extra key on page": lambda d: d["page"].__setitem__("extra", 1),
    "missing page key": lambda d: d["page"].pop("time_zone"),
    "unknown indicator": lambda d: d["status"].__setitem__("indicator", "degraded"),
    "unknown component status": lambda d: d["components"][0].__setitem__("status", "down"),
    "position as text": lambda d: d["components"][0].__setitem__("position", "1"),
    "group without members": lambda d: next(c for c in d["components"] if c["group"]).pop("components"),
    "members on a plain component": lambda d: next(c for c in d["components"] if not c["group"])
    .__setitem__("components", ["x"]),
    "timestamp without offset": lambda d: d["page"].__setitem__("updated_at", "2026-06-15T12:00:00.000"),
    "resolved incident in unresolved list": lambda d: d["incidents"][0].__setitem__("status", "resolved"),
    "maintenance word on an incident update": lambda d: d["incidents"][0]["incident_updates"][0]
    .__setitem__("status", "in_progress"),
    "extra key on an update": lambda d: d["incidents"][0]["incident_updates"][0].__setitem__("html", "<p>"),
    "missing scheduled_until": lambda d: d["scheduled_maintenances"][0].pop("scheduled_until"),
    "completed maintenance in summary": lambda d: d["scheduled_maintenances"][0].__setitem__("status", "completed"),
    "impact maintenance on an incident": lambda d: d["incidents"][0].__setitem__("impact", "maintenance"),
    "bad affected component status": lambda d: d["incidents"][0]["incident_updates"][-1]["affected_components"][0]
    .__setitem__("new_status", "broken"),
}


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_schemas_reject_what_statuspage_would_not_write(site: Path, name: str) -> None:
    document = copy.deepcopy(load(site, "api/v2/summary.json"))
    assert errors("summary.json", document) == []
    MUTATIONS[name](document)
    assert errors("summary.json", document), f"the schema accepted: {name}"


def test_incidents_schema_refuses_more_than_fifty(site: Path) -> None:
    document = load(site, "api/v2/incidents.json")
    document["incidents"] = (document["incidents"] * 4)[:51]
    assert any("is too long" in e for e in errors("incidents.json", document))


# --- what the fixture holds, and how it maps ------------------------------------------------------

def test_fixture_covers_every_case(site: Path) -> None:
    everything = load(site, "api/v2/incidents.json")["incidents"]
    assert {i["impact"] for i in everything} == {"minor", "major", "critical", "maintenance"}
    assert {u["status"] for i in everything for u in i["incident_updates"]} == {
        "investigating", "identified", "monitoring", "resolved", "scheduled", "in_progress", "verifying", "completed"}
    assert {i["status"] for i in everything if i["impact"] == "maintenance"} == {
        "scheduled", "in_progress", "verifying", "completed"}
    statuses = {c["status"] for c in load(site, "api/v2/components.json")["components"]}
    assert statuses == {"operational", "degraded_performance", "partial_outage", "under_maintenance"}


def test_summary_holds_unresolved_incidents_and_current_maintenance(site: Path) -> None:
    summary = load(site, "api/v2/summary.json")
    assert summary["status"] == {"indicator": "major", "description": "Partial System Outage"}
    assert [i["id"] for i in summary["incidents"]] == ["2026-06-15-slow-webhooks", "2026-06-15-api-errors"]
    assert [m["id"] for m in summary["scheduled_maintenances"]] == [
        "2026-06-20-database-upgrade", "2026-06-15-emergency-patch",
        "2026-06-15-network-maintenance", "2026-06-15-cache-rotation"]
    assert summary["incidents"] == load(site, "api/v2/incidents/unresolved.json")["incidents"]
    assert summary["components"] == load(site, "api/v2/components.json")["components"]
    status = load(site, "api/v2/status.json")
    assert status == {"page": summary["page"], "status": summary["status"]}


def test_maintenance_lists_are_filtered_by_phase(site: Path) -> None:
    upcoming = load(site, "api/v2/scheduled-maintenances/upcoming.json")["scheduled_maintenances"]
    active = load(site, "api/v2/scheduled-maintenances/active.json")["scheduled_maintenances"]
    everything = load(site, "api/v2/scheduled-maintenances.json")["scheduled_maintenances"]
    assert [m["id"] for m in upcoming] == ["2026-06-20-database-upgrade"]
    assert [(m["id"], m["status"]) for m in active] == [
        ("2026-06-15-emergency-patch", "in_progress"),
        ("2026-06-15-network-maintenance", "in_progress"),
        ("2026-06-15-cache-rotation", "verifying"),
    ]
    assert len(everything) == 9
    assert all(m["impact"] == "maintenance" for m in everything)
    incidents = by_id(load(site, "api/v2/incidents.json")["incidents"])
    for maintenance in everything:  # maintenance also appears in incidents.json, as on Statuspage
        assert incidents[maintenance["id"]] == maintenance


def test_lists_are_newest_first(site: Path) -> None:
    for path, key in (("api/v2/incidents.json", "incidents"),
                      ("api/v2/scheduled-maintenances.json", "scheduled_maintenances")):
        items = load(site, path)[key]
        starts = [dt.datetime.fromisoformat(i["started_at"]) for i in items]
        assert starts == sorted(starts, reverse=True), path
        for item in items:
            created = [dt.datetime.fromisoformat(u["created_at"]) for u in item["incident_updates"]]
            assert created == sorted(created, reverse=True)
            assert item["incident_updates"][-1]["id"] == f"{item['id']}.1"


def test_components_by_position_with_groups_as_statuspage_writes_them(site: Path) -> None:
    """Sorted by position across levels, as real payloads are: groups and members interleave."""
    components = load(site, "api/v2/components.json")["components"]
    assert [(c["id"], c["position"], c["group"], c["group_id"]) for c in components] == [
        ("website", 1, False, None),
        ("api", 1, False, "core-platform"),
        ("webhooks", 1, False, "integrations"),
        ("core-platform", 2, True, None),
        ("dashboard", 2, False, "core-platform"),
        ("email", 2, False, "integrations"),
        ("database", 3, False, "core-platform"),
        ("integrations", 3, True, None),
        ("billing", 4, False, None),
    ]
    found = by_id(components)
    assert found["core-platform"]["components"] == ["api", "dashboard", "database"]
    assert found["integrations"]["components"] == ["webhooks", "email"]
    assert found["email"]["name"] == "Email <alerts> & digests"
    assert found["website"]["description"] == "The marketing site"
    assert found["dashboard"]["description"] is None
    assert found["database"]["start_date"] == "2026-02-01" and found["dashboard"]["start_date"] is None
    assert found["core-platform"]["start_date"] is None  # a group's own is null, as in real payloads
    # statuses: impact, overrides (on an incident and on a maintenance), groups take the worst member
    assert {k: found[k]["status"] for k in found} == {
        "website": "under_maintenance", "core-platform": "partial_outage", "api": "partial_outage",
        "dashboard": "degraded_performance", "database": "operational", "integrations": "degraded_performance",
        "webhooks": "degraded_performance", "email": "degraded_performance", "billing": "under_maintenance",
    }
    # created_at: start_date at midnight in the page's timezone, else the earliest moment in the content
    assert found["database"]["created_at"] == "2026-02-01T00:00:00.000+01:00"
    assert found["dashboard"]["created_at"] == "2026-01-01T00:00:00.000+01:00"
    # updated_at: when an incident last started or stopped affecting it
    assert found["webhooks"]["updated_at"] == "2026-06-15T13:20:00.000+02:00"
    assert found["database"]["updated_at"] == "2026-06-10T11:45:00.000+02:00"


def test_incident_fields_map_our_words_to_statuspages(site: Path) -> None:
    incidents = by_id(load(site, "api/v2/incidents.json")["incidents"])
    outage = incidents["2026-06-10-database-outage"]
    assert outage["name"] == "Database <b>down</b> & out"
    assert (outage["status"], outage["impact"]) == ("resolved", "critical")
    assert outage["created_at"] == outage["started_at"] == "2026-06-10T10:00:00.000+02:00"
    assert outage["monitoring_at"] == "2026-06-10T11:00:00.000+02:00"
    assert outage["resolved_at"] == outage["updated_at"] == "2026-06-10T11:45:00.000+02:00"
    assert outage["shortlink"] == MACHINE_BASE + "incidents/2026-06-10-database-outage.html"
    assert [c["id"] for c in outage["components"]] == ["api", "database"]  # page order
    first, last = outage["incident_updates"][-1], outage["incident_updates"][0]
    assert first["body"].startswith("The database is unreachable. <script>")  # the Markdown source
    assert first["affected_components"] == [
        {"code": "api", "name": "Core Platform - API", "old_status": "operational", "new_status": "major_outage"},
        {"code": "database", "name": "Core Platform - Database", "old_status": "operational",
         "new_status": "major_outage"},
    ]
    assert [c["new_status"] for c in last["affected_components"]] == ["operational", "operational"]
    assert all(u["affected_components"] is None for u in outage["incident_updates"][1:-1])

    active = incidents["2026-06-15-api-errors"]
    assert (active["status"], active["resolved_at"]) == ("monitoring", None)
    assert [c["new_status"] for c in active["incident_updates"][-1]["affected_components"]] == [
        "partial_outage", "degraded_performance"]  # component_status override
    notice = incidents["2026-03-03-general-notice"]
    assert notice["components"] == [] and notice["incident_updates"][0]["affected_components"] is None


def test_maintenance_statuses_and_windows(site: Path) -> None:
    found = by_id(load(site, "api/v2/scheduled-maintenances.json")["scheduled_maintenances"])
    firmware = found["2026-05-05-firmware-update"]  # written with incident words
    assert [u["status"] for u in firmware["incident_updates"]] == [
        "completed", "verifying", "in_progress", "in_progress", "scheduled"]
    assert firmware["monitoring_at"] == "2026-05-05T03:40:00.000+02:00"
    upgrade = found["2026-06-20-database-upgrade"]
    assert (upgrade["scheduled_for"], upgrade["scheduled_until"]) == (
        "2026-06-20T02:00:00.000+02:00", "2026-06-20T04:00:00.000+02:00")
    assert upgrade["incident_updates"][0]["affected_components"] == [
        {"code": "database", "name": "Core Platform - Database", "old_status": "operational",
         "new_status": "operational"}]  # the announcement changes nothing yet
    lapsed = found["2026-06-05-dns-change"]
    assert (lapsed["status"], lapsed["resolved_at"]) == ("completed", "2026-06-05T04:00:00.000+02:00")
    assert lapsed["updated_at"] == lapsed["resolved_at"]  # the window closing is activity
    network = found["2026-06-15-network-maintenance"]
    assert [c["new_status"] for c in network["incident_updates"][0]["affected_components"]] == [
        "under_maintenance", "under_maintenance"]
    patch = found["2026-06-15-emergency-patch"]  # no window: its work as far as it is known
    assert patch["scheduled_for"] == patch["scheduled_until"] == "2026-06-15T13:30:00.000+02:00"


def test_page_object_and_stable_ids(site: Path) -> None:
    page = load(site, "api/v2/summary.json")["page"]
    assert page == {
        "id": "qopqwnd1x3fp",  # derived from the base URL: the same on every machine and every build
        "name": "Machine & <Status>",
        "url": "https://status.machine.test",
        "time_zone": "Europe/Berlin",
        "updated_at": "2026-06-15T13:50:00.000+02:00",  # the latest update in the content
    }
    assert short_id(MACHINE_BASE) == page["id"]
    for path in ENDPOINTS:
        document = load(site, path)
        assert document["page"] == page
        for item in document.get("incidents", []) + document.get("scheduled_maintenances", []):
            assert item["page_id"] == page["id"]
            ids = [u["id"] for u in item["incident_updates"]]
            written = [i for i in ids if not i.endswith((".started", ".completed"))]  # automatic steps apart
            assert written == [f"{item['id']}.{n}" for n in range(len(written), 0, -1)]


def test_api_time_uses_the_page_timezone_with_milliseconds() -> None:
    moment = dt.datetime(2026, 1, 15, 12, 0, 0, 123456, tzinfo=dt.UTC)
    assert api_time(moment, dt.UTC) == "2026-01-15T12:00:00.123Z"
    assert api_time(moment, dt.timezone(dt.timedelta(hours=-5, minutes=-30))) == "2026-01-15T06:30:00.123-05:30"


def test_a_later_build_with_nothing_new_writes_the_same_bytes(site: Path, tmp_path: Path) -> None:
    """``updated_at`` comes from the content, so a scheduled rebuild changes nothing."""
    later = tmp_path / "later"
    cli_build(MACHINE_REPO, later, "2026-06-15 12:05 UTC")
    assert machine_files(later) == machine_files(site)


def test_two_builds_are_byte_identical(site: Path, tmp_path: Path) -> None:
    """A second build, in another process with another hash seed and local timezone, gives the same bytes."""
    again = tmp_path / "again"
    run_build(MACHINE_REPO, again, BUILD_NOW, "--jobs", "1", env={"PYTHONHASHSEED": "12345", "TZ": "America/New_York"})
    first, second = machine_files(site), machine_files(again)
    assert len(first) == 8 + 1 + 9 + 3  # API, page badge, component and group badges, feeds and calendar
    assert first == second


# --- the 50 limit ---------------------------------------------------------------------------------

def test_lists_stop_at_the_fifty_most_recent(big_site: Path) -> None:
    incidents = load(big_site, "api/v2/incidents.json")["incidents"]
    assert len(incidents) == 50
    newest = sorted(incidents, key=lambda i: i["started_at"], reverse=True)
    assert incidents == newest
    assert incidents[0]["id"] == "2026-03-01-outage-59" and incidents[-1]["id"] == "2026-02-05-work-35"
    maintenance = load(big_site, "api/v2/scheduled-maintenances.json")["scheduled_maintenances"]
    assert len(maintenance) == 50
    assert [m["id"] for m in maintenance] == [f"{(dt.date(2026, 1, 1) + dt.timedelta(days=n)):%Y-%m-%d}-work-{n:02d}"
                                              for n in range(59, 9, -1)]
    assert errors("incidents.json", load(big_site, "api/v2/incidents.json")) == []
    assert errors("scheduled-maintenances.json", load(big_site, "api/v2/scheduled-maintenances.json")) == []
    assert load(big_site, "api/v2/incidents/unresolved.json")["incidents"] == []
    assert load(big_site, "api/v2/summary.json")["status"]["indicator"] == "none"

"""What the page says at a moment: phases, component statuses, the overall indicator, days, months, warnings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from gitstatus.commands.build import check
from gitstatus.model import (
    Component,
    ComponentStatus,
    Impact,
    Incident,
    Site,
    Status,
    StatusPage,
    Update,
    Window,
)
from gitstatus.project import activity_warnings
from gitstatus.state import (
    ComponentRow,
    GroupRow,
    Indicator,
    Phase,
    derive,
    incident_state,
)
from gitstatus.words import banner, status_label

UTC = dt.UTC
NOW = dt.datetime(2026, 6, 11, 16, 0, tzinfo=UTC)
OP, DEG, PART, MAJ, MAINT = (ComponentStatus.OPERATIONAL, ComponentStatus.DEGRADED_PERFORMANCE,
                             ComponentStatus.PARTIAL_OUTAGE, ComponentStatus.MAJOR_OUTAGE,
                             ComponentStatus.UNDER_MAINTENANCE)
COMPONENTS = (
    Component("website", "Website"),
    Component("api", "API", group="Core"),
    Component("dashboard", "Dashboard", group="Core"),
    Component("billing", "Billing"),
    Component("email", "Email", group="Integrations"),
)


def at(text: str) -> dt.datetime:
    """``"06-11 14:02"`` in UTC, 2026."""
    return dt.datetime.fromisoformat(f"2026-{text}").replace(tzinfo=UTC)


def incident(id: str, impact: Impact, components: Sequence[str], updates: Sequence[tuple[str, Status]],
             overrides: dict[str, ComponentStatus] | None = None, window: tuple[str, str] | None = None) -> Incident:
    return Incident(
        id=id, title=id.title(), impact=impact, components=tuple(components),
        updates=tuple(Update(at(t), s, f"{status_label(s)}.", line=7 + 4 * n) for n, (t, s) in enumerate(updates)),
        component_status=overrides or {}, scheduled=Window(at(window[0]), at(window[1])) if window else None,
        path=f"incidents/{id}.md",
    )


def page(*incidents: Incident, timezone: str = "UTC", past_days: int = 7) -> StatusPage:
    site = Site(title="S", url="https://s.test/", description="", timezone=timezone, past_days=past_days)
    return StatusPage(site, COMPONENTS, tuple(sorted(incidents, key=lambda i: i.id)))


def active(id: str, impact: Impact, components: Sequence[str], **kwargs: object) -> Incident:
    return incident(id, impact, components, [("06-11 15:30", Status.INVESTIGATING)], **kwargs)  # type: ignore[arg-type]


def resolved(id: str, impact: Impact, components: Sequence[str], day: str = "06-11") -> Incident:
    return incident(id, impact, components, [(f"{day} 10:00", Status.INVESTIGATING), (f"{day} 11:00", Status.RESOLVED)])


# --- phases -------------------------------------------------------------------------------------------

def test_resolved_incident_is_past_with_its_interval() -> None:
    state = incident_state(resolved("a", Impact.MAJOR, ["api"]), NOW)
    assert (state.phase, state.started_at, state.ended_at) == (Phase.PAST, at("06-11 10:00"), at("06-11 11:00"))
    assert state.duration == dt.timedelta(hours=1) and state.status is Status.RESOLVED


def test_unresolved_incident_is_active() -> None:
    state = incident_state(incident("a", Impact.MINOR, ["api"], [("06-11 10:00", Status.INVESTIGATING),
                                                                 ("06-11 10:30", Status.MONITORING)]), NOW)
    assert (state.phase, state.ended_at, state.duration, state.status) == (Phase.ACTIVE, None, None, Status.MONITORING)


MAINTENANCE_WINDOW = ("06-12 02:00", "06-12 04:00")


def maintenance(*updates: tuple[str, Status], window: tuple[str, str] | None = MAINTENANCE_WINDOW) -> Incident:
    return incident("m", Impact.MAINTENANCE, ["api"], updates, window=window)


@pytest.mark.parametrize("now, phase, started, ended, status", [
    ("06-11 16:00", Phase.UPCOMING, "06-12 02:00", None, Status.SCHEDULED),
    ("06-12 02:00", Phase.ACTIVE, "06-12 02:00", None, Status.IN_PROGRESS),  # an automatic "In progress"
    ("06-12 03:59", Phase.ACTIVE, "06-12 02:00", None, Status.IN_PROGRESS),
    ("06-12 04:00", Phase.PAST, "06-12 02:00", "06-12 04:00", Status.COMPLETED),  # the window lapsed: completed
])
def test_scheduled_maintenance_follows_its_window(now: str, phase: Phase, started: str, ended: str | None,
                                                  status: Status) -> None:
    state = incident_state(maintenance(("06-10 09:00", Status.SCHEDULED)), at(now))
    assert (state.phase, state.started_at, state.ended_at, state.status) == (
        phase, at(started), at(ended) if ended else None, status)


def test_maintenance_that_starts_early_is_active_from_its_first_work_update() -> None:
    state = incident_state(maintenance(("06-10 09:00", Status.SCHEDULED), ("06-11 15:00", Status.IN_PROGRESS)), NOW)
    assert (state.phase, state.started_at) == (Phase.ACTIVE, at("06-11 15:00"))


def test_completed_maintenance_is_past_until_its_final_update() -> None:
    state = incident_state(maintenance(("06-10 09:00", Status.SCHEDULED), ("06-12 02:00", Status.IN_PROGRESS),
                                       ("06-12 02:40", Status.COMPLETED)), at("06-12 05:00"))
    assert (state.phase, state.started_at, state.ended_at, state.status) == (
        Phase.PAST, at("06-12 02:00"), at("06-12 02:40"), Status.COMPLETED)


def test_maintenance_without_window_is_like_an_incident() -> None:
    state = incident_state(maintenance(("06-11 15:00", Status.IN_PROGRESS), window=None), NOW)
    assert (state.phase, state.started_at) == (Phase.ACTIVE, at("06-11 15:00"))


# --- component statuses -------------------------------------------------------------------------------

@pytest.mark.parametrize("impact, expected", [(Impact.MINOR, DEG), (Impact.MAJOR, PART), (Impact.CRITICAL, MAJ),
                                              (Impact.MAINTENANCE, MAINT)])
def test_each_impact_gives_its_component_status(impact: Impact, expected: ComponentStatus) -> None:
    state = derive(page(active("a", impact, ["api", "billing"])), NOW)
    assert dict(state.component_status) == {"website": OP, "api": expected, "dashboard": OP, "billing": expected,
                                            "email": OP}


def test_worst_active_impact_wins_and_maintenance_ranks_below_outages() -> None:
    state = derive(page(
        active("a", Impact.MINOR, ["api"]),
        active("b", Impact.CRITICAL, ["api", "website"]),
        active("c", Impact.MAINTENANCE, ["website", "billing"]),
        active("d", Impact.MAJOR, ["billing"]),
    ), NOW)
    assert state.component_status["api"] is MAJ
    assert state.component_status["website"] is MAJ
    assert state.component_status["billing"] is PART


def test_component_status_overrides_the_impact_either_way() -> None:
    state = derive(page(active("a", Impact.CRITICAL, ["api", "dashboard"], overrides={"dashboard": DEG}),
                        active("b", Impact.MINOR, ["billing"], overrides={"billing": MAJ})), NOW)
    assert (state.component_status["api"], state.component_status["dashboard"], state.component_status["billing"]) \
        == (MAJ, DEG, MAJ)


def test_past_and_upcoming_incidents_leave_components_operational() -> None:
    state = derive(page(resolved("a", Impact.CRITICAL, ["api"]), maintenance(("06-10 09:00", Status.SCHEDULED)),
                        active("c", Impact.MAJOR, [])), NOW)
    assert set(state.component_status.values()) == {OP}


def test_layout_keeps_file_order_and_groups_take_their_worst_member() -> None:
    state = derive(page(active("a", Impact.MINOR, ["api"]), active("b", Impact.MAJOR, ["dashboard"])), NOW)
    rows = state.layout
    assert [type(r).__name__ for r in rows] == ["ComponentRow", "GroupRow", "ComponentRow", "GroupRow"]
    core = rows[1]
    assert isinstance(core, GroupRow) and (core.id, core.name) == ("core", "Core")
    assert [m.component.id for m in core.members] == ["api", "dashboard"]
    assert core.status is PART
    integrations = rows[3]
    assert isinstance(integrations, GroupRow) and integrations.status is OP
    assert isinstance(rows[0], ComponentRow) and rows[0].component.id == "website"


# --- the overall indicator ----------------------------------------------------------------------------

@pytest.mark.parametrize("impacts, expected, text", [
    ((), Indicator.NONE, "All Systems Operational"),
    ((Impact.MINOR,), Indicator.MINOR, "Minor Service Outage"),
    ((Impact.MAJOR, Impact.MINOR), Indicator.MAJOR, "Partial System Outage"),
    ((Impact.CRITICAL, Impact.MAJOR), Indicator.CRITICAL, "Major System Outage"),
    ((Impact.MAINTENANCE,), Indicator.MAINTENANCE, "Service Under Maintenance"),
    ((Impact.MAINTENANCE, Impact.MINOR), Indicator.MINOR, "Minor Service Outage"),
    ((Impact.MAINTENANCE, Impact.CRITICAL), Indicator.CRITICAL, "Major System Outage"),
])
def test_indicator(impacts: tuple[Impact, ...], expected: Indicator, text: str) -> None:
    state = derive(page(*(active(f"i{n}", impact, ["api"]) for n, impact in enumerate(impacts)),
                        resolved("old", Impact.CRITICAL, ["api"])), NOW)
    assert state.indicator is expected and banner(state.indicator) == text


def test_indicator_ignores_upcoming_maintenance() -> None:
    assert derive(page(maintenance(("06-10 09:00", Status.SCHEDULED))), NOW).indicator is Indicator.NONE


# --- incidents, days and months -------------------------------------------------------------------------

def test_incidents_newest_first_and_active_upcoming_views() -> None:
    state = derive(page(resolved("a", Impact.MINOR, ["api"], "06-01"), resolved("b", Impact.MINOR, ["api"], "06-05"),
                        active("c", Impact.MAJOR, ["api"]), maintenance(("06-10 09:00", Status.SCHEDULED))), NOW)
    assert [s.id for s in state.incidents] == ["m", "c", "b", "a"]
    assert [s.id for s in state.active] == ["c"] and [s.id for s in state.upcoming] == ["m"]


def test_past_days_count_back_from_today_including_empty_days() -> None:
    state = derive(page(resolved("a", Impact.MINOR, ["api"], "06-11"), resolved("b", Impact.MINOR, ["api"], "06-09"),
                        resolved("old", Impact.MINOR, ["api"], "06-04"), past_days=7), NOW)
    assert [d.date for d in state.days] == [dt.date(2026, 6, 11) - dt.timedelta(days=n) for n in range(7)]
    assert {d.date.day: [s.id for s in d.incidents] for d in state.days if d.incidents} == {11: ["a"], 9: ["b"]}


def test_days_are_in_the_page_timezone() -> None:
    late = incident("late", Impact.MINOR, ["api"], [("06-10 23:30", Status.INVESTIGATING),
                                                    ("06-10 23:50", Status.RESOLVED)])
    in_utc = derive(page(late), NOW)
    in_berlin = derive(page(late, timezone="Europe/Berlin"), NOW)
    assert [d.date.day for d in in_utc.days if d.incidents] == [10]
    assert [d.date.day for d in in_berlin.days if d.incidents] == [11]  # 01:30 CEST on the 11th


def test_today_is_the_page_timezone_date_of_now() -> None:
    state = derive(page(timezone="Pacific/Kiritimati"), at("06-11 12:00"))  # UTC+14: already the 12th
    assert state.days[0].date == dt.date(2026, 6, 12)


def test_months_newest_first_skipping_empty_ones_and_upcoming() -> None:
    state = derive(page(resolved("a", Impact.MINOR, ["api"], "06-02"), resolved("b", Impact.MINOR, ["api"], "06-01"),
                        resolved("c", Impact.MINOR, ["api"], "03-15"), maintenance(("06-10 09:00", Status.SCHEDULED))),
                   NOW)
    assert [(m.key, m.first_day, [s.id for s in m.incidents]) for m in state.months] == [
        ("2026-06", dt.date(2026, 6, 1), ["a", "b"]), ("2026-03", dt.date(2026, 3, 1), ["c"])]


def test_months_are_in_the_page_timezone() -> None:
    edge = incident("edge", Impact.MINOR, ["api"], [("05-31 23:00", Status.INVESTIGATING),
                                                    ("05-31 23:10", Status.RESOLVED)])
    assert [m.key for m in derive(page(edge), NOW).months] == ["2026-05"]
    assert [m.key for m in derive(page(edge, timezone="Asia/Tokyo"), NOW).months] == ["2026-06"]


# --- warnings -------------------------------------------------------------------------------------------

def warnings(*incidents: Incident, now: dt.datetime = NOW) -> list[tuple[str, str, int, str]]:
    return [(d.code, d.path, d.line, d.text) for d in activity_warnings(derive(page(*incidents), now))]


@pytest.mark.parametrize("last, words", [
    ("06-11 14:59", "no update for 61 minutes"),
    ("06-11 14:01", "no update for 119 minutes"),
    ("06-11 13:00", "no update for 3 hours"),
    ("06-09 17:00", "no update for 47 hours"),
    ("06-09 16:00", "no update for 2 days"),
])
def test_w101_a_silent_active_incident(last: str, words: str) -> None:
    silent = incident("s", Impact.MAJOR, ["api"], [("06-09 15:00", Status.INVESTIGATING), (last, Status.IDENTIFIED)])
    [(code, path, line, message)] = warnings(silent)
    assert (code, path, line) == ("W101", "incidents/s.md", 11)
    assert message.startswith(words + " on an active incident") and "every 30-60 minutes" in message


def test_w101_not_at_exactly_sixty_minutes() -> None:
    assert warnings(incident("s", Impact.MAJOR, ["api"], [("06-11 15:00", Status.INVESTIGATING)])) == []


def test_w102_an_incident_active_for_over_a_week() -> None:
    long = incident("l", Impact.MINOR, ["api"], [("06-04 15:59", Status.INVESTIGATING), ("06-11 15:30", Status.MONITORING)])
    assert [(c, line) for c, _, line, _ in warnings(long)] == [("W102", 7)]
    exactly = incident("e", Impact.MINOR, ["api"], [("06-04 16:00", Status.INVESTIGATING), ("06-11 15:30", Status.MONITORING)])
    assert warnings(exactly) == []


def test_both_warnings_on_one_incident() -> None:
    both = incident("b", Impact.CRITICAL, ["api"], [("06-01 09:00", Status.INVESTIGATING), ("06-02 09:00", Status.IDENTIFIED)])
    assert [(c, line) for c, _, line, _ in warnings(both)] == [("W101", 11), ("W102", 7)]


def test_no_warnings_for_past_upcoming_or_maintenance() -> None:
    long_maintenance = incident("m2", Impact.MAINTENANCE, ["api"], [("06-01 09:00", Status.IN_PROGRESS)])
    assert warnings(resolved("a", Impact.CRITICAL, ["api"], "05-01"), maintenance(("06-01 09:00", Status.SCHEDULED)),
                    long_maintenance) == []


def test_check_reports_warnings_with_file_positions(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"incidents/2026-06-11-api.md": """\
        ---
        title: API slow
        impact: major
        components: [api]
        ---

        ## 2026-06-11 14:02 UTC — Investigating

        Looking.
        """})
    result = check(root, NOW)
    assert [(d.path, d.line, d.col, d.code) for d in result.diagnostics] == [("incidents/2026-06-11-api.md", 7, 1, "W101")]
    assert not result.failed() and result.failed(strict=True)

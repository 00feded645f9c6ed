"""The uptime arithmetic, pinned with hand-computed cases.

Weights: major outage 100 %, partial outage 30 %, degraded performance and maintenance 0 %.
Overlaps count once, at the worst weight in force; days are days in the page's timezone.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from gitstatus.model import Component, ComponentStatus, Impact, Incident, Status, Update
from gitstatus.state import incident_state
from gitstatus.uptime import NO_DATA, compute

UTC = dt.UTC
NOW = dt.datetime(2026, 6, 30, 12, 0, tzinfo=UTC)
API = Component("api", "API", start_date=dt.date(2026, 1, 1))


def t(text: str, tz: dt.tzinfo = UTC) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=tz)


def incident(iid: str, impact: Impact, start: str, end: str | None, components: tuple[str, ...] = ("api",),
             overrides: dict[str, ComponentStatus] | None = None) -> Incident:
    updates = [Update(t(start), Status.INVESTIGATING, "Looking.")]
    if end:
        updates.append(Update(t(end), Status.RESOLVED, "Fixed."))
    return Incident(iid, iid, impact, components, tuple(updates), overrides or {})


def rows(*incidents: Incident, components: tuple[Component, ...] = (API,), groups=None, tz: dt.tzinfo = UTC,
         now: dt.datetime = NOW, days: int = 90):
    states = [incident_state(i, now) for i in incidents]
    return compute(components, groups or {}, states, now, tz, days)


def day(row, date: str):
    return next(d for d in row.days if d.date == dt.date.fromisoformat(date))


def test_a_critical_hour_counts_in_full() -> None:
    row = rows(incident("a", Impact.CRITICAL, "2026-06-10 10:00", "2026-06-10 11:00"))["api"]
    bar = day(row, "2026-06-10")
    assert bar.level == "major_outage"
    assert bar.downtime == dt.timedelta(hours=1)
    observed = dt.timedelta(days=89, hours=12)  # 89 whole days plus today until noon
    assert row.uptime == pytest.approx(1 - 3600 / observed.total_seconds())


def test_a_partial_outage_counts_at_thirty_percent_and_minor_not_at_all() -> None:
    row = rows(
        incident("a", Impact.MAJOR, "2026-06-10 10:00", "2026-06-10 12:00"),
        incident("b", Impact.MINOR, "2026-06-11 10:00", "2026-06-11 18:00"),
    )["api"]
    assert day(row, "2026-06-10").downtime == dt.timedelta(minutes=36)  # 2 h x 0.3
    assert day(row, "2026-06-11").downtime == dt.timedelta(0)
    assert day(row, "2026-06-11").level == "degraded_performance"


def test_maintenance_colours_the_day_but_is_not_downtime() -> None:
    row = rows(incident("m", Impact.MAINTENANCE, "2026-06-12 02:00", "2026-06-12 04:00"))["api"]
    assert day(row, "2026-06-12").level == "under_maintenance"
    assert day(row, "2026-06-12").downtime == dt.timedelta(0)
    assert row.uptime == 1.0
    assert row.percent == "100.00"


def test_overlapping_incidents_never_count_a_minute_twice() -> None:
    # 10:00-12:00 critical and 11:00-13:00 critical: 3 hours, not 4.
    row = rows(
        incident("a", Impact.CRITICAL, "2026-06-10 10:00", "2026-06-10 12:00"),
        incident("b", Impact.CRITICAL, "2026-06-10 11:00", "2026-06-10 13:00"),
    )["api"]
    assert day(row, "2026-06-10").downtime == dt.timedelta(hours=3)


def test_overlap_of_different_weights_takes_the_worst_at_each_moment() -> None:
    # partial 10:00-14:00, critical 11:00-12:00: 3 h x 0.3 + 1 h x 1.0 = 1 h 54 min.
    row = rows(
        incident("a", Impact.MAJOR, "2026-06-10 10:00", "2026-06-10 14:00"),
        incident("b", Impact.CRITICAL, "2026-06-10 11:00", "2026-06-10 12:00"),
    )["api"]
    bar = day(row, "2026-06-10")
    assert bar.downtime == dt.timedelta(hours=1, minutes=54)
    assert bar.level == "major_outage"
    assert [s.id for s in bar.incidents] == ["a", "b"]


def test_an_incident_crossing_midnight_in_the_page_timezone_is_split_between_days() -> None:
    berlin = ZoneInfo("Europe/Berlin")  # UTC+2 in June
    # 21:00-23:00 UTC is 23:00-01:00 in Berlin: one hour on each local day.
    row = rows(incident("a", Impact.CRITICAL, "2026-06-10 21:00", "2026-06-10 23:00"), tz=berlin)["api"]
    assert day(row, "2026-06-10").downtime == dt.timedelta(hours=1)
    assert day(row, "2026-06-11").downtime == dt.timedelta(hours=1)
    assert day(row, "2026-06-11").level == "major_outage"


def test_an_active_incident_counts_until_now() -> None:
    row = rows(incident("a", Impact.CRITICAL, "2026-06-30 09:00", None))["api"]
    today = row.days[-1]
    assert today.date == dt.date(2026, 6, 30)
    assert today.downtime == dt.timedelta(hours=3)
    assert today.level == "major_outage"


def test_component_status_override_sets_the_weight() -> None:
    inc = incident("a", Impact.CRITICAL, "2026-06-10 10:00", "2026-06-10 20:00", ("api", "web"),
                   {"web": ComponentStatus.DEGRADED_PERFORMANCE})
    web = Component("web", "Web", start_date=dt.date(2026, 1, 1))
    result = rows(inc, components=(API, web))
    assert day(result["api"], "2026-06-10").downtime == dt.timedelta(hours=10)
    assert day(result["web"], "2026-06-10").downtime == dt.timedelta(0)
    assert day(result["web"], "2026-06-10").level == "degraded_performance"


def test_days_before_start_date_have_no_data_and_do_not_dilute_uptime() -> None:
    fresh = Component("api", "API", start_date=dt.date(2026, 6, 21))
    row = rows(incident("a", Impact.CRITICAL, "2026-06-25 00:00", "2026-06-25 12:00"), components=(fresh,))["api"]
    assert day(row, "2026-06-20").level == NO_DATA
    assert not day(row, "2026-06-20").has_data
    assert day(row, "2026-06-21").level == "operational"
    observed = dt.timedelta(days=9, hours=12)  # June 21-29 whole, June 30 until noon
    assert row.uptime == pytest.approx(1 - 12 * 3600 / observed.total_seconds())


def test_without_start_date_history_begins_with_the_repos_first_incident() -> None:
    bare = Component("api", "API")
    other = incident("first", Impact.MINOR, "2026-06-01 08:00", "2026-06-01 09:00", components=())
    row = rows(other, components=(bare,))["api"]
    assert day(row, "2026-05-31").level == NO_DATA
    assert day(row, "2026-06-01").level == "operational"
    assert row.uptime == 1.0


def test_no_incidents_and_no_start_date_means_no_data_at_all() -> None:
    row = rows(components=(Component("api", "API"),))["api"]
    assert all(d.level == NO_DATA for d in row.days)
    assert row.uptime is None
    assert row.percent == ""


def test_a_group_merges_its_members_intervals() -> None:
    web = Component("web", "Web", start_date=dt.date(2026, 1, 1))
    result = rows(
        incident("a", Impact.CRITICAL, "2026-06-10 10:00", "2026-06-10 12:00", ("api",)),
        incident("b", Impact.CRITICAL, "2026-06-10 11:00", "2026-06-10 13:00", ("web",)),
        components=(API, web), groups={"core": ["api", "web"]},
    )
    assert day(result["core"], "2026-06-10").downtime == dt.timedelta(hours=3)
    assert day(result["api"], "2026-06-10").downtime == dt.timedelta(hours=2)


def test_percent_is_floored_so_downtime_never_shows_as_100() -> None:
    row = rows(incident("a", Impact.CRITICAL, "2026-06-10 10:00", "2026-06-10 10:01"))["api"]
    assert row.uptime is not None and row.uptime < 1
    assert row.percent == "99.99"


def test_quiet_days_are_grouped_into_runs_and_incident_days_stand_alone() -> None:
    row = rows(incident("a", Impact.MINOR, "2026-06-10 10:00", "2026-06-10 11:00"))["api"]
    runs = row.runs
    assert sum(len(r.days) for r in runs) == 90
    # April 2 (90 days before June 30) to June 9 is 29 + 31 + 9 days; June 11 to 30 is 20.
    assert [len(r.days) for r in runs] == [69, 1, 20]
    assert runs[1].incidents and runs[1].first.date == dt.date(2026, 6, 10)


def test_upcoming_maintenance_does_not_touch_history() -> None:
    from gitstatus.model import Window

    upcoming = Incident("m", "m", Impact.MAINTENANCE, ("api",),
                        (Update(t("2026-06-29 10:00"), Status.SCHEDULED, "Soon."),), {},
                        Window(t("2026-07-02 02:00"), t("2026-07-02 04:00")))
    state = incident_state(upcoming, NOW)
    row = compute((API,), {}, [s for s in [state] if s.phase.value != "upcoming"], NOW, UTC)["api"]
    assert all(d.level == "operational" for d in row.days)


def test_dst_day_is_23_hours_long() -> None:
    berlin = ZoneInfo("Europe/Berlin")  # clocks go forward on 2026-03-29
    now = dt.datetime(2026, 3, 30, 12, 0, tzinfo=UTC)
    row = rows(incident("a", Impact.CRITICAL, "2026-03-28 23:00", "2026-03-29 22:00"), tz=berlin, now=now)["api"]
    # The local day of March 29 runs 22:00 UTC (28th) to 22:00 UTC (29th): 23 hours, of which 23 down.
    assert day(row, "2026-03-29").downtime == dt.timedelta(hours=23)

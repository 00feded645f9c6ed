"""Ninety days of history per component: daily bars and an uptime percentage.

Downtime comes from incident intervals (first update to final update, or to ``now``
while active), per component, cut where an update's ``Components:`` line changes the
component's status (an update that says "api operational" ends the api's downtime there).
Overlapping incidents are merged so no minute counts
twice: at every moment the component is as down as its worst incident says.
Weights follow Statuspage: a major outage counts in full, a partial outage at 30 %,
degraded performance and maintenance not at all::

    uptime = 1 - sum(weight(t) dt) / observed time

where the observed time runs from the later of the window's first day and the day
the component's history begins (``start_date``, else the repo's first incident) up
to ``now``. Days before that show as "no data", not as 100 %.

Linear in the number of incidents: one pass to collect intervals per component, one
sort and one sweep per component.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .model import Component, ComponentStatus

if TYPE_CHECKING:
    from .state import IncidentState

WINDOW_DAYS = 90
WEIGHTS: Mapping[ComponentStatus, float] = {
    ComponentStatus.MAJOR_OUTAGE: 1.0,
    ComponentStatus.PARTIAL_OUTAGE: 0.3,
    ComponentStatus.DEGRADED_PERFORMANCE: 0.0,
    ComponentStatus.UNDER_MAINTENANCE: 0.0,
    ComponentStatus.OPERATIONAL: 0.0,
}
NO_DATA = "no_data"


@dataclass(frozen=True)
class Interval:
    start: dt.datetime
    end: dt.datetime
    status: ComponentStatus
    incident: IncidentState


@dataclass(frozen=True)
class DayBar:
    """One day of one component's history."""

    date: dt.date
    level: str
    """A ComponentStatus value (the worst that touched the day), or ``no_data``."""
    downtime: dt.timedelta
    """Weighted downtime that day."""
    incidents: tuple[IncidentState, ...]

    @property
    def has_data(self) -> bool:
        return self.level != NO_DATA


@dataclass(frozen=True)
class Run:
    """Consecutive quiet days (same level, no incidents) drawn as one stretch of bars."""

    days: tuple[DayBar, ...]

    @property
    def first(self) -> DayBar:
        return self.days[0]

    @property
    def last(self) -> DayBar:
        return self.days[-1]

    @property
    def level(self) -> str:
        return self.days[0].level

    @property
    def incidents(self) -> tuple[IncidentState, ...]:
        return self.days[0].incidents if len(self.days) == 1 else ()


@dataclass(frozen=True)
class UptimeRow:
    days: tuple[DayBar, ...]
    """Oldest first; the last one is today (in the page's timezone)."""
    uptime: float | None
    """Fraction of observed time up, or None when no day has data."""

    @property
    def runs(self) -> tuple[Run, ...]:
        runs: list[list[DayBar]] = []
        for day in self.days:
            quiet = not day.incidents
            if runs and quiet and not runs[-1][-1].incidents and runs[-1][-1].level == day.level:
                runs[-1].append(day)
            else:
                runs.append([day])
        return tuple(Run(tuple(r)) for r in runs)

    @property
    def percent(self) -> str:
        """``99.95``: floored, so any downtime never shows as 100.00."""
        if self.uptime is None:
            return ""
        floored = int(self.uptime * 10000) / 100
        return f"{floored:.2f}"


def _local_midnight(day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tz).astimezone(dt.UTC)


def _sweep(intervals: Sequence[Interval]) -> list[tuple[dt.datetime, dt.datetime, float]]:
    """Disjoint segments with the worst weight in force, so overlaps never count twice."""
    events: list[tuple[dt.datetime, int, float]] = []
    for iv in intervals:
        weight = WEIGHTS[iv.status]
        if weight and iv.end > iv.start:
            events.append((iv.start, 1, weight))
            events.append((iv.end, -1, weight))
    events.sort(key=lambda e: (e[0], e[1]))
    segments: list[tuple[dt.datetime, dt.datetime, float]] = []
    active: dict[float, int] = defaultdict(int)
    previous: dt.datetime | None = None
    for moment, kind, weight in events:
        if previous is not None and moment > previous and active:
            segments.append((previous, moment, max(active)))
        if kind == 1:
            active[weight] += 1
        else:
            active[weight] -= 1
            if not active[weight]:
                del active[weight]
        previous = moment
    return segments


def _day_range(bounds: Sequence[dt.datetime], start: dt.datetime, end: dt.datetime) -> range:
    """Indexes of the days an interval touches; a zero-length interval touches the day it lies in."""
    first = max(0, bisect_right(bounds, start) - 1)
    last = bisect_left(bounds, end) - 1 if end > start else bisect_right(bounds, start) - 1
    return range(first, min(last, len(bounds) - 2) + 1)


def _row(
    intervals: Sequence[Interval], data_start: dt.date | None, today: dt.date, now: dt.datetime,
    tz: dt.tzinfo, days: int,
) -> UptimeRow:
    dates = [today - dt.timedelta(days=n) for n in range(days - 1, -1, -1)]
    bounds = [_local_midnight(d, tz) for d in dates] + [_local_midnight(today + dt.timedelta(days=1), tz)]
    window_start = bounds[0]
    down = [dt.timedelta(0)] * days
    for seg_start, seg_end, weight in _sweep(intervals):
        seg_start, seg_end = max(seg_start, window_start), min(seg_end, now)
        for n in _day_range(bounds, seg_start, seg_end):
            lo, hi = max(seg_start, bounds[n]), min(seg_end, bounds[n + 1])
            if hi > lo:
                down[n] += (hi - lo) * weight
    touching: list[list[Interval]] = [[] for _ in range(days)]
    for iv in intervals:
        for n in _day_range(bounds, iv.start, iv.end):
            touching[n].append(iv)
    bars = []
    observed = dt.timedelta(0)
    total_down = dt.timedelta(0)
    for n, date in enumerate(dates):
        if data_start is None or date < data_start:
            bars.append(DayBar(date, NO_DATA, dt.timedelta(0), ()))
            continue
        observed += min(bounds[n + 1], now) - bounds[n]
        total_down += down[n]
        worst = max((iv.status for iv in touching[n]), key=lambda s: s.rank, default=ComponentStatus.OPERATIONAL)
        seen: dict[str, IncidentState] = {}
        for iv in touching[n]:
            seen.setdefault(iv.incident.id, iv.incident)
        incidents = tuple(sorted(seen.values(), key=lambda s: (s.started_at, s.id)))
        bars.append(DayBar(date, worst.value, down[n], incidents))
    uptime = None if observed <= dt.timedelta(0) else max(0.0, 1 - total_down / observed)
    return UptimeRow(tuple(bars), uptime)


def compute(
    components: Sequence[Component], groups: Mapping[str, Sequence[str]], states: Iterable[IncidentState],
    now: dt.datetime, tz: dt.tzinfo, days: int = WINDOW_DAYS,
) -> dict[str, UptimeRow]:
    """Uptime rows for every component id and every group id (its members' intervals together).

    ``states`` are the incidents that have begun (upcoming maintenance left out) with their intervals.
    """
    today = now.astimezone(tz).date()
    window_start = _local_midnight(today - dt.timedelta(days=days - 1), tz)
    per_component: dict[str, list[Interval]] = defaultdict(list)
    earliest: dt.datetime | None = None
    for state in states:
        if earliest is None or state.started_at < earliest:
            earliest = state.started_at
        end = state.ended_at or now
        if end < window_start:
            continue
        until = min(end, now)
        for component_id, steps in state.steps().items():
            ends = [at for at, _ in steps[1:]] + [until]
            for (start, status), stop in zip(steps, ends, strict=True):
                if start < until or start == state.started_at:  # a step after the end never happened
                    per_component[component_id].append(Interval(start, min(stop, until), status, state))
    first_incident = earliest.astimezone(tz).date() if earliest is not None else None
    rows: dict[str, UptimeRow] = {}
    starts: dict[str, dt.date | None] = {}
    for component in components:
        starts[component.id] = component.start_date or first_incident
        rows[component.id] = _row(per_component[component.id], starts[component.id], today, now, tz, days)
    for group_id, members in groups.items():
        member_starts = [s for s in (starts[m] for m in members) if s is not None]
        intervals = [iv for m in members for iv in per_component[m]]
        rows[group_id] = _row(intervals, min(member_starts, default=None), today, now, tz, days)
    return rows

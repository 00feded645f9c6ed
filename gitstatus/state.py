"""What the page says at one moment: everything that depends on ``now``.

Pure functions of the model and a time. Active or past, each component's status,
the overall indicator, the days on the front page and the months of the history
are all derived here, once, and every output reads them from :class:`SiteState`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from operator import attrgetter
from typing import TypeVar

from .model import Component, ComponentStatus, Impact, Incident, Status, StatusPage, Step, Update
from .read.settings import group_slug
from .uptime import UptimeRow
from .uptime import compute as compute_uptime


class Phase(str, Enum):
    UPCOMING = "upcoming"
    """Maintenance announced for a window that has not started."""
    ACTIVE = "active"
    PAST = "past"


class Indicator(str, Enum):
    """The page's overall state, with Statuspage's indicator values."""

    NONE = "none"
    MINOR = "minor"
    MAJOR = "major"
    CRITICAL = "critical"
    MAINTENANCE = "maintenance"


_IMPACT_INDICATOR = {Impact.MINOR: Indicator.MINOR, Impact.MAJOR: Indicator.MAJOR, Impact.CRITICAL: Indicator.CRITICAL}


@dataclass(frozen=True)
class IncidentState:
    """An incident as it stands at ``now``."""

    incident: Incident
    phase: Phase
    started_at: dt.datetime
    """When it began to affect users: the first update, or the window's start for maintenance."""
    ended_at: dt.datetime | None
    """The final update, or the window's end for maintenance that lapsed with no final update."""
    shown: tuple[Update, ...] = ()
    """The updates readers see, oldest first: the file's, and the automatic steps of a maintenance
    whose window opened or ended with no update saying so (empty: just the file's)."""
    id: str = field(init=False, repr=False, compare=False)
    """The incident's id, kept here: every ordering of the page's incidents sorts by it."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "id", self.incident.id)

    @property
    def updates(self) -> tuple[Update, ...]:
        """What the page, the API and the feeds list: the file's updates and the automatic ones, oldest first."""
        return self.shown or self.incident.updates

    @property
    def last_update(self) -> Update:
        return self.updates[-1]

    @property
    def status(self) -> Status:
        """The newest update's status (an automatic ``completed`` for a window that ran out without one)."""
        return self.updates[-1].status

    @property
    def cancelled(self) -> bool:
        """Maintenance called off before its window opened (see :func:`is_cancelled`)."""
        return remembered(self, "_cancelled", lambda: is_cancelled(self.incident))

    @property
    def duration(self) -> dt.timedelta | None:
        return self.ended_at - self.started_at if self.ended_at else None

    def steps(self) -> dict[str, list[Step]]:
        """Each listed component's status from the moment the incident took effect (see :meth:`Incident.steps`).

        Made once per state and shared: the uptime, the API and the events all ask; callers only read it.
        """
        return remembered(self, "_steps", lambda: self.incident.steps(self.started_at))

    def statuses_at(self, moment: dt.datetime) -> dict[str, ComponentStatus]:
        """The status this incident gives each of its components at ``moment`` (while it is in effect)."""
        steps = self.steps()
        return {c: self.incident.status_at(c, moment, self.started_at, steps) for c in self.incident.components}

    def in_effect(self, moment: dt.datetime) -> bool:
        """Whether the incident still weighs on the page's overall status at ``moment``.

        An incident whose updates have set every one of its components back to operational (the
        fix is in, the team is monitoring) is still shown, but no longer darkens the banner: the
        banner follows the components, as Statuspage's blended status does.
        """
        if not self.incident.components:
            return True
        return any(s is not ComponentStatus.OPERATIONAL for s in self.statuses_at(moment).values())


_Value = TypeVar("_Value")


def remembered(owner: object, key: str, make: Callable[[], _Value]) -> _Value:
    """``make()``, computed once per ``owner`` (a frozen state object) and kept in its ``__dict__``.

    For values that are a function of the owner's fields alone. They are not fields, so they take
    no part in the owner's equality, hash or repr.
    """
    kept = owner.__dict__
    try:
        return kept[key]  # type: ignore[no-any-return]
    except KeyError:
        value = kept[key] = make()
        return value


@dataclass(frozen=True)
class ComponentRow:
    component: Component
    status: ComponentStatus


@dataclass(frozen=True)
class GroupRow:
    """A group of components shown together; its status is its worst member's."""

    id: str
    name: str
    members: tuple[ComponentRow, ...]

    @property
    def status(self) -> ComponentStatus:
        return max((m.status for m in self.members), key=lambda s: s.rank)


@dataclass(frozen=True)
class Day:
    """One day block of "Past incidents": a date in the page's timezone and its incidents."""

    date: dt.date
    incidents: tuple[IncidentState, ...]


@dataclass(frozen=True)
class Month:
    """One page of the history."""

    key: str
    """``YYYY-MM``, also its folder name."""
    first_day: dt.date
    incidents: tuple[IncidentState, ...]


@dataclass(frozen=True)
class SiteState:
    page: StatusPage
    now: dt.datetime
    incidents: tuple[IncidentState, ...]
    """Every incident, newest first (by start, then id)."""
    layout: tuple[ComponentRow | GroupRow, ...]
    """The components list: single components and groups, in components.yaml's order."""
    indicator: Indicator
    days: tuple[Day, ...]
    """The front page's past days, newest first, ``past_days`` of them (empty days included)."""
    months: tuple[Month, ...]
    """History pages, newest first; months with no incidents are left out."""
    uptime: Mapping[str, UptimeRow]
    """90 days of history for every component id and group id."""

    @property
    def active(self) -> tuple[IncidentState, ...]:
        """Active incidents, worst first (maintenance last), then newest first: what hurts most leads the page."""
        return remembered(self, "_active", lambda: tuple(sorted(  # newest first already; sorted is stable
            (s for s in self.incidents if s.phase is Phase.ACTIVE), key=lambda s: -s.incident.impact.rank)))

    @property
    def upcoming(self) -> tuple[IncidentState, ...]:
        return remembered(self, "_upcoming", lambda: tuple(sorted(
            (s for s in self.incidents if s.phase is Phase.UPCOMING), key=lambda s: (s.started_at, s.id))))

    @property
    def component_status(self) -> Mapping[str, ComponentStatus]:
        result: dict[str, ComponentStatus] = {}
        for row in self.layout:
            for member in row.members if isinstance(row, GroupRow) else (row,):
                result[member.component.id] = member.status
        return result

    def local(self, moment: dt.datetime) -> dt.datetime:
        return moment.astimezone(self.page.site.tz)


def is_cancelled(incident: Incident) -> bool:
    """Maintenance called off before its window opened: its final update says "Cancelled", or (as
    files written before that word existed do) "Completed" before the window with only "Scheduled"
    updates before it. Readers see "Cancelled" either way; its components were never touched."""
    if not incident.is_final or incident.impact is not Impact.MAINTENANCE:
        return False
    if incident.last_update.status is Status.CANCELLED:
        return True
    window = incident.scheduled
    return window is not None and incident.last_update.at < window.start and all(
        u.status is Status.SCHEDULED for u in incident.updates[:-1])


#: How late a written "In progress" may come and still be the window's opening (see automatic_updates).
TRANSITION_GRACE = dt.timedelta(minutes=5)


def automatic_updates(incident: Incident, now: dt.datetime) -> tuple[Update, ...]:
    """The file's updates with the steps a maintenance takes by itself, as Statuspage posts them.

    When the window opens and no update (other than "Scheduled") came by its start, an automatic
    "In progress" update is shown at the start. A written one up to :data:`TRANSITION_GRACE` after
    the start is taken for the transition itself: Statuspage's own automatic updates arrive
    seconds late, so an imported page shows each once; when the window ends and the maintenance
    has no final update and no update at or after the end (a writer who posts during an overrun
    keeps it open), an automatic "Completed" update is shown at the end. So the maintenance's
    status is always its newest update's.
    """
    window = incident.scheduled
    updates = incident.updates
    if window is None or incident.impact is not Impact.MAINTENANCE or is_cancelled(incident) or now < window.start:
        return updates
    added: list[Update] = []
    began = any(u.status is not Status.SCHEDULED and u.at <= window.start + TRANSITION_GRACE for u in updates)
    closed_first = incident.is_final and incident.last_update.at <= window.start
    if not began and not closed_first:
        added.append(Update(window.start, Status.IN_PROGRESS, "", automatic=True))
    if now >= window.end and not incident.is_final and not any(u.at >= window.end for u in updates):
        added.append(Update(window.end, Status.COMPLETED, "", automatic=True))
    if not added:
        return updates
    return tuple(sorted((*updates, *added), key=lambda u: u.at))  # stable: a file's update first at a tie


def incident_state(incident: Incident, now: dt.datetime) -> IncidentState:
    """Phase and interval of one incident at ``now``.

    Maintenance with a window is upcoming until the window opens (or an update other than
    "scheduled" says work began early), in progress until its final update or, with none,
    until the window closes (unless an update came after the window's end: the work overran,
    and it stays in progress until its final update). Cancelled maintenance is past from the
    moment it was called off, and never started.
    """
    window = incident.scheduled
    if is_cancelled(incident):
        at = incident.last_update.at
        return IncidentState(incident, Phase.PAST, at, at)
    if window is None:
        end = incident.resolved_at
        return IncidentState(incident, Phase.PAST if end else Phase.ACTIVE, incident.started_at, end)
    shown = automatic_updates(incident, now)
    work = [u.at for u in incident.updates if u.status is not Status.SCHEDULED]
    if not work and now < window.start:
        return IncidentState(incident, Phase.UPCOMING, window.start, None, shown)
    start = min([window.start, *work])
    if incident.is_final:
        return IncidentState(incident, Phase.PAST, min(start, incident.last_update.at), incident.last_update.at, shown)
    if now >= window.end and not any(u.at >= window.end for u in incident.updates):
        return IncidentState(incident, Phase.PAST, start, window.end, shown)
    return IncidentState(incident, Phase.ACTIVE, start, None, shown)


def _layout(
    components: Sequence[Component], status: Mapping[str, ComponentStatus]
) -> tuple[ComponentRow | GroupRow, ...]:
    rows: list[ComponentRow | GroupRow] = []
    groups: dict[str, list[ComponentRow]] = {}
    names: dict[str, str] = {}
    for component in components:
        row = ComponentRow(component, status[component.id])
        if component.group is None:
            rows.append(row)
            continue
        key = group_slug(component.group)
        if key not in groups:
            groups[key] = []
            names[key] = component.group
            rows.append(GroupRow(key, component.group, ()))  # placeholder keeps the position
        groups[key].append(row)
    return tuple(
        GroupRow(r.id, names[r.id], tuple(groups[r.id])) if isinstance(r, GroupRow) else r for r in rows
    )


def _indicator(active: Sequence[IncidentState]) -> Indicator:
    outages = [s.incident.impact for s in active if s.incident.impact is not Impact.MAINTENANCE]
    if outages:
        return _IMPACT_INDICATOR[max(outages, key=lambda i: i.rank)]
    return Indicator.MAINTENANCE if active else Indicator.NONE


def _days(states: Sequence[IncidentState], today: dt.date, count: int, tz: dt.tzinfo) -> tuple[Day, ...]:
    first = today - dt.timedelta(days=count - 1)
    by_day: dict[dt.date, list[IncidentState]] = defaultdict(list)
    for state in states:  # newest first, by start: once a start is before the first day, all the rest are
        day = state.started_at.astimezone(tz).date()
        if day < first:
            break
        if state.phase is not Phase.UPCOMING and day <= today:
            by_day[day].append(state)
    return tuple(Day(today - dt.timedelta(days=n), tuple(by_day[today - dt.timedelta(days=n)])) for n in range(count))


def _months(states: Sequence[IncidentState], tz: dt.tzinfo) -> tuple[Month, ...]:
    by_month: dict[dt.date, list[IncidentState]] = defaultdict(list)
    for state in states:
        if state.phase is Phase.UPCOMING:
            continue
        kept = state.__dict__.get("_month")  # kept with the state: the preview's states outlive a rebuild
        if kept is None or kept[0] is not tz:
            kept = state.__dict__["_month"] = (tz, state.started_at.astimezone(tz).date().replace(day=1))
        by_month[kept[1]].append(state)
    return tuple(
        Month(first.strftime("%Y-%m"), first, tuple(by_month[first]))
        for first in sorted(by_month, reverse=True)
    )


def settled_from(incident: Incident) -> dt.datetime | None:
    """From when on :func:`incident_state` gives the same state at every ``now`` (None: at any ``now``).

    An incident without a window never depends on ``now``. A maintenance does until its window has
    ended and its last update is past; from then on its phase, interval and automatic steps are fixed.
    """
    window = incident.scheduled
    if window is None:
        return None
    return max(window.start, window.end, incident.last_update.at)


class StateMemo:
    """Incident states kept from one :func:`derive` to the next, for the preview's rebuilds.

    The preview re-reads only the files a save changed, so every other incident is the same object
    as in the last rebuild; its state (and what the outputs computed from it, see :func:`remembered`)
    is reused when it cannot have changed with ``now`` (:func:`settled_from`). Keyed by the
    incident's identity, never by equality: an incident read again is a new object, and a new state.
    """

    def __init__(self) -> None:
        self._kept: dict[int, tuple[Incident, IncidentState, dt.datetime | None]] = {}
        self.reused = 0

    def states(self, incidents: Sequence[Incident], now: dt.datetime) -> list[IncidentState]:
        kept: dict[int, tuple[Incident, IncidentState, dt.datetime | None]] = {}
        states = []
        self.reused = 0
        for incident in incidents:
            found = self._kept.get(id(incident))
            if found is not None and found[0] is incident and (found[2] is None or now >= found[2]):
                state, since = found[1], found[2]
                self.reused += 1
            else:
                state, since = incident_state(incident, now), settled_from(incident)
                if since is not None and now < since:
                    states.append(state)  # may change with the clock: made afresh each time
                    continue
            kept[id(incident)] = (incident, state, since)
            states.append(state)
        self._kept = kept
        return states


#: The page's order of incidents (newest first, reversed), as a key made in C: derive sorts every incident.
_BY_START = attrgetter("started_at", "id")


def derive(page: StatusPage, now: dt.datetime, memo: StateMemo | None = None) -> SiteState:
    """The state of the page at ``now``: linear in the number of incidents.

    With a ``memo`` (the preview), the states of incidents unchanged since the last call are reused.
    """
    tz = page.site.tz
    made = memo.states(page.incidents, now) if memo is not None else [incident_state(i, now) for i in page.incidents]
    states = sorted(made, key=_BY_START, reverse=True)
    status = {c.id: ComponentStatus.OPERATIONAL for c in page.components}
    for state in states:
        if state.phase is not Phase.ACTIVE:
            continue
        for component_id, new in state.statuses_at(now).items():
            if component_id in status and new.rank > status[component_id].rank:
                status[component_id] = new
    active = [s for s in states if s.phase is Phase.ACTIVE and s.in_effect(now)]
    layout = _layout(page.components, status)
    groups = {row.id: [m.component.id for m in row.members] for row in layout if isinstance(row, GroupRow)}
    begun = [s for s in states if s.phase is not Phase.UPCOMING and not s.cancelled]  # uptime: what touched a component
    return SiteState(
        page=page,
        now=now,
        incidents=tuple(states),
        layout=layout,
        indicator=_indicator(active),
        days=_days(states, now.astimezone(tz).date(), page.site.past_days, tz),
        months=_months(states, tz),
        uptime=compute_uptime(page.components, groups, begun, now, tz),
    )

"""What there is to announce between two moments of a status page: ordered, typed events.

A pure function of what was published (the page at the last announcement, as the files said at
that commit) and what is published now, of the typed changes between the two (changes.py), and
of the two moments. Content events come from the changes: an incident opened, an update posted,
a resolution, maintenance scheduled or moved. Time events come from the page itself at the two
moments (state.py): a maintenance window that opened or closed with no commit. A component's
status is compared at the two moments, whatever moved it.

Every event has an id that names what it announces, not when it was found (``<incident>:opened``,
``<incident>:update:3``), so a run that is retried, or a channel that catches up on what it
missed, can tell what it already sent. ``gitstatus notify`` sends them (commands/notify.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from .changes import Change, ChangeKind
from .model import Component, ComponentStatus, EventKind, Impact, Incident, Status, StatusPage, Update, Window
from .state import IncidentState, Phase, derive

#: How events at the same moment are ordered: the announcement before the work, the work before its end,
#: incidents before the component statuses they explain.
_ORDER = {kind: n for n, kind in enumerate((
    EventKind.SCHEDULED, EventKind.MOVED, EventKind.CANCELLED, EventKind.OPENED, EventKind.STARTED,
    EventKind.UPDATED, EventKind.RESOLVED, EventKind.COMPLETED, EventKind.POSTMORTEM, EventKind.COMPONENT_STATUS,
    EventKind.PUBLISH_FAILED,
))}


@dataclass(frozen=True)
class Event:
    """One thing to announce."""

    id: str
    """What it announces, stable across runs: ``2026-06-11-api-slow:update:3``."""
    kind: EventKind
    at: dt.datetime
    """When it happened: the update's time, the window's edge, or ``now`` for what has no time of its own."""
    incident: Incident | None = None
    """The incident as readers saw it then: its updates up to the one announced."""
    update: Update | None = None
    """The update announced (its status and message), if the event has one."""
    position: int = 0
    """The update's position in its incident, from 1 (the JSON API's update id is ``<incident>.<position>``)."""
    component: Component | None = None
    old_status: ComponentStatus | None = None
    new_status: ComponentStatus | None = None
    window: Window | None = None
    """Maintenance: the window as it is now."""
    previous_window: Window | None = None
    """A moved window: where it was."""
    commit: str | None = None
    """A failed publish: the commit that was not published."""
    details_url: str | None = None
    """A failed publish: where the team reads why (the workflow run)."""

    @property
    def components(self) -> tuple[str, ...]:
        """The component ids the event is about (a channel's ``components:`` filter reads them)."""
        if self.component is not None:
            return (self.component.id,)
        return self.incident.components if self.incident is not None else ()

    @property
    def sort_key(self) -> tuple[dt.datetime, int, str]:
        return (self.at, _ORDER[self.kind], self.id)


def compact(moment: dt.datetime) -> str:
    """``20261203T020000Z``: a moment in an event id."""
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def compute(old: StatusPage, new: StatusPage, changes: Sequence[Change], since: dt.datetime,
            now: dt.datetime) -> list[Event]:
    """The events between the page ``old`` at ``since`` and the page ``new`` at ``now``, oldest first.

    ``changes`` are the typed changes between the files of ``old`` and of ``new``; with no commit
    between the two moments, ``old`` is ``new`` and ``changes`` is empty, and only time events
    (a window opening or closing, the component statuses they move) remain.
    """
    before = derive(old, since)
    after = derive(new, now)
    was = {s.id: s for s in before.incidents}
    found: dict[str, Event] = {}

    def add(events: Iterable[Event]) -> None:
        for event in events:
            found.setdefault(event.id, event)  # a content event wins over the time event with the same id

    by_path = {i.path: i for i in new.incidents}
    old_windows = {i.id: i.scheduled for i in old.incidents}
    for change in sorted(changes):
        incident = by_path.get(change.path)
        if incident is None:
            continue  # deleted (a false alarm is not announced) or not valid now (the page leaves it out)
        if change.kind is ChangeKind.NEW:
            add(_update_event(incident, n, was.get(incident.id)) for n in range(1, len(incident.updates) + 1))
        elif change.kind in (ChangeKind.UPDATE, ChangeKind.RESOLVED):
            position = next((n for n, u in enumerate(incident.updates, 1) if u.line == change.line), None)
            if position is not None:
                add([_update_event(incident, position, was.get(incident.id))])
        elif change.kind is ChangeKind.WINDOW:
            add(_moved(incident, old_windows.get(incident.id), now))
    for state in after.incidents:
        add(_window_events(state, was.get(state.id)))
        add(_postmortem_event(state.incident, was.get(state.id)))
    add(_component_events(before.component_status, after.component_status, new, after.incidents, since, now))
    return sorted(found.values(), key=lambda e: e.sort_key)


def _as_of(incident: Incident, position: int) -> Incident:
    """The incident as readers saw it when its ``position``-th update was posted."""
    return replace(incident, updates=incident.updates[:position])


def _begun(state: IncidentState | None) -> bool:
    return state is not None and state.phase is not Phase.UPCOMING


def _update_event(incident: Incident, position: int, was: IncidentState | None) -> Event:
    """The event an update makes: what it does to the incident decides its kind.

    For maintenance, the first update that is not "scheduled" starts the work (unless the window
    had already opened when the last announcement was made: then it is news about work that was
    announced as started), and a final update completes it.
    """
    update = incident.updates[position - 1]
    maintenance = incident.impact is Impact.MAINTENANCE
    kind, key = EventKind.UPDATED, f"update:{position}"
    if maintenance:
        first_work = update.status is not Status.SCHEDULED and all(
            u.status is Status.SCHEDULED for u in incident.updates[:position - 1])
        if position == 1 and update.status is Status.SCHEDULED:
            kind, key = EventKind.SCHEDULED, "scheduled"
        elif update.status is Status.CANCELLED:
            kind, key = EventKind.CANCELLED, "cancelled"
        elif update.status.is_final and not (was is not None and was.phase is Phase.PAST):
            kind, key = EventKind.COMPLETED, "completed"
        elif first_work and not _begun(was):
            kind, key = EventKind.STARTED, "started"
    elif position == 1:
        kind, key = EventKind.OPENED, "opened"
    elif update.status.is_final:
        kind, key = EventKind.RESOLVED, "resolved"
    return Event(f"{incident.id}:{key}", kind, update.at, _as_of(incident, position), update, position,
                 window=incident.scheduled)


def _postmortem_event(incident: Incident, was: IncidentState | None) -> list[Event]:
    """A post-mortem published since the last announcement (one per incident: editing it is not news)."""
    if incident.postmortem is None or (was is not None and was.incident.postmortem is not None):
        return []
    return [Event(f"{incident.id}:postmortem", EventKind.POSTMORTEM, incident.postmortem.at, incident)]


def _moved(incident: Incident, previous: Window | None, now: dt.datetime) -> list[Event]:
    window = incident.scheduled
    if window is None or previous is None or window == previous:
        return []
    return [Event(f"{incident.id}:moved:{compact(window.start)}-{compact(window.end)}", EventKind.MOVED, now,
                  incident, window=window, previous_window=previous)]


def _window_events(state: IncidentState, was: IncidentState | None) -> list[Event]:
    """A maintenance that began or ended between the two moments, with or without an update saying so."""
    incident = state.incident
    if incident.impact is not Impact.MAINTENANCE or state.cancelled:
        return []  # a cancelled maintenance never started: its cancellation is its update's event
    events = []
    if _begun(state) and not _begun(was):
        events.append(Event(f"{incident.id}:started", EventKind.STARTED, state.started_at, incident,
                            window=incident.scheduled))
    if state.phase is Phase.PAST and not (was is not None and was.phase is Phase.PAST):
        assert state.ended_at is not None
        events.append(Event(f"{incident.id}:completed", EventKind.COMPLETED, state.ended_at, incident,
                            window=incident.scheduled))
    return events


def _component_events(before: Mapping[str, ComponentStatus], after: Mapping[str, ComponentStatus],
                      page: StatusPage, states: Sequence[IncidentState], since: dt.datetime,
                      now: dt.datetime) -> list[Event]:
    """Each component whose status differs between the two moments: the net change, not every step.

    Its time is the last moment an incident listing it began or ended in between, or an update's
    ``Components:`` line changed it (else ``now``).
    """
    events = []
    for component in page.components:
        old, new = before.get(component.id), after.get(component.id)
        if old is None or new is None or old == new:
            continue
        moments = [m for s in states if component.id in s.incident.components and not s.cancelled
                   for m in (s.started_at, s.ended_at, *(at for at, _ in s.steps()[component.id][1:]))
                   if m is not None and since < m <= now]
        events.append(Event(f"component:{component.id}:{compact(since)}:{old.value}:{new.value}",
                            EventKind.COMPONENT_STATUS, max(moments, default=now), component=component,
                            old_status=old, new_status=new))
    return events


def for_channel(events: Iterable[Event], components: Sequence[str] | None,
                kinds: Sequence[EventKind] | None) -> list[Event]:
    """The events a channel's filters let through (None: no filter).

    A failed publish is about the whole page, so a channel limited to some components gets it too;
    only its ``events:`` list can leave it out.
    """
    return [e for e in events
            if (kinds is None or e.kind in kinds)
            and (components is None or e.kind is EventKind.PUBLISH_FAILED or set(e.components) & set(components))]


def publish_failed(now: dt.datetime, commit: str | None, details_url: str | None) -> Event:
    """The event of a publish run that failed: its id names the commit, so a re-run of the run says it once."""
    return Event(f"publish:{commit or compact(now)}:failed", EventKind.PUBLISH_FAILED, now,
                 commit=commit, details_url=details_url)

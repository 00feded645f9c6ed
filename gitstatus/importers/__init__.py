"""What an importer reads from another status page, before it becomes files: one neutral shape.

Each importer (``statuspage.py``, ``cstate.py``) turns its source into a :class:`SourceData`:
components with the source's own keys, incidents whose updates already follow gitstatus's
lifecycle (oldest first, statuses that the incident's impact allows, nothing after the final
one), and a :class:`Note` for everything that could not be carried over exactly. ``plan.py``
then maps that onto a status repo as it is; ``commands/importing.py`` checks and writes it.

:func:`settle` is the one place where a source's sequence of updates is made to follow the
lifecycle, so both importers bend the same rules the same way, and say so the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..model import ComponentStatus, Impact, Status, Window


@dataclass(frozen=True)
class Note:
    """Something the import could not carry over exactly, and what it did instead."""

    where: str
    """The incident's origin (``statuspage:<page>/<incident>``), or what else it is about (``components``)."""
    what: str


@dataclass(frozen=True)
class SourceComponent:
    key: str
    """The source's own id for it: a Statuspage component id, a cState system's name."""
    name: str
    description: str = ""
    group: str | None = None
    start_date: dt.date | None = None


@dataclass(frozen=True)
class SourceUpdate:
    at: dt.datetime
    status: Status
    message: str
    """Markdown, safe to be one update's text (see markup.py)."""


@dataclass(frozen=True)
class SourceIncident:
    origin: str
    """Where it came from, written to the file's ``source:`` so a later import finds it."""
    title: str
    impact: Impact
    components: tuple[str, ...]
    """Source keys of the affected components, in the page's order."""
    updates: tuple[SourceUpdate, ...]
    """Oldest first, in the lifecycle's order (:func:`settle`)."""
    component_status: Mapping[str, ComponentStatus] = field(default_factory=dict)
    """Source key → the status it had in this incident, where the impact alone would say otherwise."""
    window: Window | None = None


@dataclass
class SourceData:
    """Everything one import read: the page's components and incidents, and what it had to bend."""

    kind: str
    """``Statuspage`` or ``cState``, for the report."""
    name: str
    """The source page's name."""
    timezone: str | None
    """The source page's IANA zone, when it says (Statuspage's ``time_zone``)."""
    components: list[SourceComponent] = field(default_factory=list)
    incidents: list[SourceIncident] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """What the reader should know about the source as a whole (the public API's limits…)."""
    approximations: list[Note] = field(default_factory=list)


@dataclass(frozen=True)
class RawUpdate:
    """An update as the source has it: a time, the status it maps to (None: none does), its word, its text."""

    at: dt.datetime
    status: Status | None
    word: str
    message: str


#: What each status becomes on the other kind of incident: maintenance has its own four words.
_TO_MAINTENANCE = {Status.INVESTIGATING: Status.IN_PROGRESS, Status.IDENTIFIED: Status.IN_PROGRESS,
                   Status.MONITORING: Status.VERIFYING, Status.RESOLVED: Status.COMPLETED}
_TO_INCIDENT = {Status.SCHEDULED: Status.INVESTIGATING, Status.IN_PROGRESS: Status.IDENTIFIED,
                Status.VERIFYING: Status.MONITORING, Status.COMPLETED: Status.RESOLVED}


def _for_kind(status: Status, maintenance: bool) -> Status:
    table = _TO_MAINTENANCE if maintenance else _TO_INCIDENT
    return table.get(status, status)


def settle(origin: str, impact: Impact, raw: Sequence[RawUpdate], closed: bool | None,
           notes: list[Note]) -> tuple[SourceUpdate, ...]:
    """The updates in gitstatus's lifecycle: oldest first, each status allowed, the final one last.

    ``raw`` is oldest first as far as the source says; equal times keep that order. ``closed``
    is whether the source calls the incident over (None: it does not say). Every status bent
    is added to ``notes``.
    """
    maintenance = impact is Impact.MAINTENANCE
    ordered = sorted(raw, key=lambda u: u.at)
    if [u.at for u in ordered] != [u.at for u in raw]:
        notes.append(Note(origin, "the updates were not in order of time; they are written oldest first"))
    final = Status.COMPLETED if maintenance else Status.RESOLVED
    first = Status.IN_PROGRESS if maintenance else Status.INVESTIGATING
    settled: list[SourceUpdate] = []
    for position, update in enumerate(ordered):
        status = update.status
        if status is None:
            status = settled[-1].status if settled else first
            notes.append(Note(origin, f"the status '{update.word}' has no counterpart; that update is written as "
                                      f"'{status.value}' (the status before it)"))
        mapped = _for_kind(status, maintenance)
        if mapped is not status:
            notes.append(Note(origin, f"'{status.value}' became '{mapped.value}', the "
                                      f"{'maintenance' if maintenance else 'incident'} status of the same stage"))
        last = position == len(ordered) - 1
        if mapped.is_final and not last:
            mapped = Status.VERIFYING if maintenance else Status.MONITORING
            notes.append(Note(origin, f"an update marked '{update.word}' is followed by others; it is written as "
                                      f"'{mapped.value}', since nothing may follow the final update"))
        if last and closed and not mapped.is_final:
            notes.append(Note(origin, f"the source calls it over, but its last update says '{update.word}'; that "
                                      f"update is written as '{final.value}'"))
            mapped = final
        settled.append(SourceUpdate(update.at, mapped, update.message))
    return tuple(settled)

"""The Statuspage-compatible JSON API under ``api/v2/``, as static files.

Chat bots, aggregators and Atlassian's own status widget already read Statuspage's
public API v2; writing the same envelopes, field names, types and enum values lets
them read a gitstatus page unchanged. The mapping from our words to Statuspage's, and
where we differ, is documented in docs/api.md; tests hold every file to a JSON Schema
written from Statuspage's documented format (tests/schemas/).

Everything here is derived from the state and the content: ids come from the incident
ids and update positions, dates from the updates, so the same files and the same
``now`` give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from typing import Any

from .. import routes
from ..model import Component, ComponentStatus, Impact, Incident, Status
from ..state import ComponentRow, GroupRow, IncidentState, Indicator, Phase, SiteState
from ..timeparse import format_offset
from . import BuildContext, OutputFile
from .machine import activity_at, is_maintenance, midnight, newest, page_updated_at, short_id

Json = dict[str, Any]

# The English in this module is a machine contract, not words for readers: Statuspage's API
# returns these exact descriptions and status values, and clients compare them. They stay here
# and are never translated; what a reader sees (pages, feeds, calendar, badges) comes from
# gitstatus/words/.

#: Statuspage's descriptions of its indicator, as real pages write them.
INDICATOR_DESCRIPTION: Mapping[Indicator, str] = {
    Indicator.NONE: "All Systems Operational",
    Indicator.MINOR: "Minor Service Outage",
    Indicator.MAJOR: "Partial System Outage",
    Indicator.CRITICAL: "Major Service Outage",
    Indicator.MAINTENANCE: "Service Under Maintenance",
}

#: An update's status on a maintenance, in Statuspage's maintenance vocabulary. Maintenance
#: files may also use the incident words; they map to the maintenance step they describe.
MAINTENANCE_UPDATE_STATUS: Mapping[Status, str] = {
    Status.SCHEDULED: "scheduled",
    Status.INVESTIGATING: "in_progress",
    Status.IDENTIFIED: "in_progress",
    Status.IN_PROGRESS: "in_progress",
    Status.MONITORING: "verifying",
    Status.VERIFYING: "verifying",
    Status.RESOLVED: "completed",
    Status.COMPLETED: "completed",
    Status.CANCELLED: "completed",  # Statuspage has no word for it; the update's body says it
}

#: The body of the update a maintenance takes by itself (state.automatic_updates): what Statuspage's own
#: automatic transitions say, so a client sees the same kind of update it would see there.
AUTOMATIC_BODY: Mapping[Status, str] = {
    Status.IN_PROGRESS: "Scheduled maintenance is currently in progress. We will provide updates as necessary.",
    Status.COMPLETED: "The scheduled maintenance has been completed.",
}


def api_time(moment: dt.datetime, tz: dt.tzinfo) -> str:
    """Statuspage's timestamp: ISO 8601 in the page's timezone with milliseconds and an
    offset, ``Z`` when the offset is zero (``2026-06-11T16:02:00.000+02:00``)."""
    local = moment.astimezone(tz)
    return f"{local:%Y-%m-%dT%H:%M:%S}.{local.microsecond // 1000:03d}{format_offset(local, zero='Z')}"


def incident_status(state: IncidentState) -> str:
    """The incident's status in Statuspage's words: its newest update's.

    For maintenance that includes the automatic steps (an "In progress" update when the window
    opens, a "Completed" one when it ends with no update saying so), so it is ``scheduled`` before
    its window, ``in_progress`` or ``verifying`` while active and ``completed`` when past, and
    always equal to its newest update's status, as on Statuspage.
    """
    if not is_maintenance(state):
        if state.incident.postmortem is not None:
            return "postmortem"  # as Statuspage's incident once its post-mortem is published
        return state.incident.last_update.status.value
    if state.phase is Phase.UPCOMING:
        return "scheduled"
    if state.phase is Phase.PAST:
        return "completed"
    return update_status(state.incident, state.last_update.status)


def update_status(incident: Incident, status: Status) -> str:
    if incident.impact is Impact.MAINTENANCE:
        return MAINTENANCE_UPDATE_STATUS[status]
    return status.value


def update_id(incident_id: str, position: int) -> str:
    """``<incident id>.<n>``, n counting from 1 at the oldest update. Updates are only ever
    appended, so a position never changes meaning; the dot cannot occur in an incident id."""
    return f"{incident_id}.{position}"


def _changes(s: IncidentState, now: dt.datetime) -> dict[str, dt.datetime]:
    """For each component of one incident, the last moment up to ``now`` it started or stopped affecting
    it, or an update changed it. Kept with the state once every such moment is past (the preview reuses it)."""
    settled = s.__dict__.get("_component_changes")
    if settled is not None and now >= settled[0]:
        return settled[1]  # type: ignore[no-any-return]
    ends = [m for m in (s.started_at, s.ended_at) if m is not None]
    steps = s.steps()
    candidates = ends + [at for line in steps.values() for at, _ in line[1:]]
    ends = [m for m in ends if m <= now]
    latest: dict[str, dt.datetime] = {}
    for component_id, line in steps.items():
        moments = ends + [at for at, _ in line[1:] if at <= now and (s.ended_at is None or at < s.ended_at)]
        if moments:
            latest[component_id] = max(moments)
    since = max(candidates)
    if now >= since:
        s.__dict__["_component_changes"] = (since, latest)
    return latest


class Api:
    """Builds the API objects once per build; each endpoint is an envelope around them."""

    def __init__(self, state: SiteState, ctx: BuildContext) -> None:
        self.state = state
        self.ctx = ctx
        self.tz = ctx.site.tz
        self.page_id = short_id(ctx.base_url)
        self.page: Json = {
            "id": self.page_id,
            "name": ctx.site.title,
            "url": ctx.base_url.rstrip("/"),
            "time_zone": ctx.site.timezone,
            "updated_at": self.time(page_updated_at(state)),
        }
        self.status: Json = {
            "indicator": state.indicator.value,
            "description": INDICATOR_DESCRIPTION[state.indicator],
        }
        self._changed = self._component_changes()
        self._origin = self._content_origin()
        self.components = self._components()
        self.by_id = {c["id"]: c for c in self.components}
        self.order = {c["id"]: n for n, c in enumerate(self.components)}
        self.display_name = self._display_names()

    def time(self, moment: dt.datetime) -> str:
        return api_time(moment, self.tz)

    # --- components -------------------------------------------------------------------------

    def _components(self) -> list[Json]:
        """Flat and sorted by ``position``, which counts within each level, as Statuspage's real payloads are.

        So groups and members interleave (the first top-level row and every group's first member,
        then the second of each…); equal positions keep the page's order (a group before its members).
        """
        objects: list[Json] = []
        for top, row in enumerate(self.state.layout, start=1):
            if isinstance(row, ComponentRow):
                objects.append(self._component(row.component, row.status, top, None))
                continue
            members = [self._component(m.component, m.status, n, row.id) for n, m in enumerate(row.members, start=1)]
            objects.append(self._group(row, top, members))
            objects += members
        return sorted(objects, key=lambda o: int(o["position"]))  # stable

    def _component_times(self, component: Component) -> tuple[dt.datetime, dt.datetime]:
        created = midnight(component.start_date, self.tz) if component.start_date else self._origin
        return created, max(created, self._changed.get(component.id, created))

    def _component(self, component: Component, status: ComponentStatus, position: int, group_id: str | None) -> Json:
        created, updated = self._component_times(component)
        return {
            "id": component.id,
            "name": component.name,
            "status": status.value,
            "created_at": self.time(created),
            "updated_at": self.time(updated),
            "position": position,
            "description": component.description or None,
            "showcase": True,
            "start_date": component.start_date.isoformat() if component.start_date else None,
            "group_id": group_id,
            "page_id": self.page_id,
            "group": False,
            "only_show_if_degraded": False,
        }

    def _group(self, row: GroupRow, position: int, members: list[Json]) -> Json:
        """A group as Statuspage writes one: a component with ``group: true`` and its members' ids.
        Its dates span its members'; its own ``start_date`` is null, as in real payloads (even when
        every member has one)."""
        times = [self._component_times(m.component) for m in row.members]
        return {
            "id": row.id,
            "name": row.name,
            "status": row.status.value,
            "created_at": self.time(min(t[0] for t in times)),
            "updated_at": self.time(max(t[1] for t in times)),
            "position": position,
            "description": None,
            "showcase": True,
            "start_date": None,
            "group_id": None,
            "page_id": self.page_id,
            "group": True,
            "only_show_if_degraded": False,
            "components": [m["id"] for m in members],
        }

    def _component_changes(self) -> dict[str, dt.datetime]:
        """For each component, the last time an incident started or stopped affecting it, or an update changed it."""
        now = self.state.now
        latest: dict[str, dt.datetime] = {}
        upcoming = Phase.UPCOMING
        for s in self.state.incidents:
            if s.phase is upcoming or s.cancelled:  # cancelled maintenance never touched its components
                continue
            for component_id, moment in _changes(s, now).items():
                known = latest.get(component_id)
                if known is None or moment > known:
                    latest[component_id] = moment
        return latest

    def _content_origin(self) -> dt.datetime:
        """``created_at`` for a component without ``start_date``: the model has no creation time,
        so use the earliest moment in the content (first update of the oldest incident, or the
        earliest ``start_date``); a page with neither uses the page's ``updated_at``."""
        moments = [i.updates[0].at for i in self.state.page.incidents]
        moments += [midnight(c.start_date, self.tz) for c in self.state.page.components if c.start_date]
        return min(moments) if moments else page_updated_at(self.state)

    def _display_names(self) -> dict[str, str]:
        """``Group - Name`` for members of a group, as Statuspage names them in update payloads."""
        names = {}
        for row in self.state.layout:
            if isinstance(row, GroupRow):
                for member in row.members:
                    names[member.component.id] = f"{row.name} - {member.component.name}"
            else:
                names[row.component.id] = row.component.name
        return names

    # --- incidents and maintenance ----------------------------------------------------------

    def incident(self, s: IncidentState) -> Json:
        incident = s.incident
        statuses = [update_status(incident, u.status) for u in s.updates]
        monitoring = next(
            (u.at for u, st in zip(s.updates, statuses, strict=True) if st in ("monitoring", "verifying")), None
        )
        resolved = s.ended_at if s.phase is Phase.PAST else None
        listed = sorted((c for c in incident.components if c in self.by_id), key=self.order.__getitem__)
        obj: Json = {
            "id": incident.id,
            "name": incident.title,
            "status": incident_status(s),
            "created_at": self.time(incident.updates[0].at),
            "updated_at": self.time(activity_at(s, self.state.now)),
            "monitoring_at": self.time(monitoring) if monitoring else None,
            "resolved_at": self.time(resolved) if resolved else None,
            "impact": incident.impact.value,
            "shortlink": self.ctx.url("incident", id=incident.id),
            "started_at": self.time(s.started_at),
            "page_id": self.page_id,
            "incident_updates": self._updates(s, statuses),
            "components": [self.by_id[c] for c in listed],
            "reminder_intervals": None,  # present, and null, in current real payloads
        }
        if incident.postmortem is not None:
            obj["postmortem_body"] = incident.postmortem.message
            obj["postmortem_body_last_updated_at"] = self.time(incident.postmortem.at)
        if is_maintenance(s):
            window = incident.scheduled
            if window is not None:
                start, until = window.start, window.end
            else:  # no planned window: the work as it happened, and while it runs, as far as it is known
                start, until = s.started_at, s.ended_at or activity_at(s, self.state.now)
            obj["scheduled_for"] = self.time(start)
            obj["scheduled_until"] = self.time(until)
        return obj

    def _updates(self, s: IncidentState, statuses: list[str]) -> list[Json]:
        """Newest first, each with the component changes it marks (see :meth:`_transitions`)."""
        incident = s.incident
        changes = self._transitions(s)
        updates = []
        n = 0
        for index, (update, status) in enumerate(zip(s.updates, statuses, strict=True)):
            when = self.time(update.at)
            if update.automatic:  # not in the file: an id of its own, so the file's updates keep theirs
                uid = f"{incident.id}.{'started' if update.status is Status.IN_PROGRESS else 'completed'}"
            else:
                n += 1
                uid = update_id(incident.id, n)
            updates.append({
                "id": uid,
                "status": status,
                "body": AUTOMATIC_BODY[update.status] if update.automatic else update.message,
                "incident_id": incident.id,
                "created_at": when,
                "updated_at": when,
                "display_at": when,
                "affected_components": changes[index],
                "deliver_notifications": False,
                "custom_tweet": None,
                "tweet_id": None,
            })
        updates.reverse()
        return updates

    def _transitions(self, s: IncidentState) -> list[list[Json] | None]:
        """``affected_components`` of each update, oldest first.

        The update that starts the incident's effect (the first one; for maintenance the first
        that is not "scheduled") moves its components from operational to the status they have
        then; an update with a ``Components:`` line moves the components it names; the final
        update moves them all back to operational. A maintenance's announcement lists them
        unchanged, as Statuspage does. Other updates change nothing: ``null``.
        """
        incident = s.incident
        ids = sorted((c for c in incident.components if c in self.by_id), key=self.order.__getitem__)
        if not ids:
            return [None] * len(s.updates)
        maintenance = incident.impact is Impact.MAINTENANCE
        operational = ComponentStatus.OPERATIONAL.value
        current = {c: operational for c in ids}
        steps = s.steps()
        started = False
        result: list[list[Json] | None] = []
        for n, update in enumerate(s.updates):
            announce = maintenance and n == 0 and update.status is Status.SCHEDULED
            begins = not started and not (maintenance and update.status is Status.SCHEDULED)
            final = update.status.is_final
            named = [c for c in ids if c in dict(update.components)]
            if not (announce or begins or final or (started and named)):
                result.append(None)
                continue
            target = dict(current)
            shown = ids
            if begins:
                started = True
                moment = max(update.at, s.started_at)
                target = {c: incident.status_at(c, moment, s.started_at, steps).value for c in ids}
            elif started and not final:
                target.update({c: incident.status_at(c, update.at, s.started_at, steps).value for c in named})
                shown = named
            if final:
                target = {c: operational for c in ids}
            result.append([
                {"code": c, "name": self.display_name.get(c, c), "old_status": current[c], "new_status": target[c]}
                for c in shown
            ])
            current = target
        return result

    # --- endpoints --------------------------------------------------------------------------

    def files(self) -> list[OutputFile]:
        states = self.state.incidents  # newest first
        incidents: list[IncidentState] = []
        maintenance: list[IncidentState] = []
        for s in states:
            (maintenance if s.incident.impact is Impact.MAINTENANCE else incidents).append(s)
        unresolved = [s for s in incidents if s.phase is Phase.ACTIVE]
        upcoming = [s for s in maintenance if s.phase is Phase.UPCOMING]
        active = [s for s in maintenance if s.phase is Phase.ACTIVE]
        current = [s for s in maintenance if s.phase is not Phase.PAST]
        cache: dict[str, Json] = {}

        def objects(chosen: Iterable[IncidentState]) -> list[Json]:
            out = []
            for s in chosen:
                if s.id not in cache:
                    cache[s.id] = self.incident(s)
                out.append(cache[s.id])
            return out

        page = self.page
        envelopes: list[tuple[str, Json]] = [
            ("api.summary", {
                "page": page,
                "components": self.components,
                "incidents": objects(unresolved),
                "scheduled_maintenances": objects(current),
                "status": self.status,
            }),
            ("api.status", {"page": page, "status": self.status}),
            ("api.components", {"page": page, "components": self.components}),
            ("api.incidents", {"page": page, "incidents": objects(newest(states))}),
            ("api.incidents.unresolved", {"page": page, "incidents": objects(unresolved)}),
            ("api.scheduled_maintenances", {"page": page, "scheduled_maintenances": objects(newest(maintenance))}),
            ("api.scheduled_maintenances.upcoming", {"page": page, "scheduled_maintenances": objects(upcoming)}),
            ("api.scheduled_maintenances.active", {"page": page, "scheduled_maintenances": objects(active)}),
        ]
        return [OutputFile(routes.path(route), encode(body)) for route, body in envelopes]


def encode(body: Json) -> bytes:
    """Compact UTF-8 JSON, as Statuspage serves it, with a final newline."""
    return (json.dumps(body, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def render(state: SiteState, ctx: BuildContext) -> list[OutputFile]:
    """Every file of the JSON API."""
    return Api(state, ctx).files()

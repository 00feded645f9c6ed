"""Statuspage (Atlassian) to the import's neutral shape: saved API answers, a page's address, or the management API.

Three ways in, one reading. Saved files of the public API v2 (``summary.json``,
``components.json``, ``incidents.json``, ``scheduled-maintenances.json``, in any combination,
recognised by what they hold, not by their names), the same three endpoints fetched from a
page's address (the public API lists only the 50 most recent incidents and maintenances), or
the management API (``api.statuspage.io/v1``, with a page id and an API key), which pages
through the whole history.

What gitstatus cannot hold yet is kept as well as it can be and said (:class:`Note`): the
per-update component statuses become each component's worst status in the incident, a
post-mortem becomes the end of the final update, impact ``none`` becomes ``minor``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..model import IMPACT_COMPONENT_STATUS, ComponentStatus, Impact, Window
from ..read.incident import parse_status
from ..timeparse import EARLIEST, LATEST
from . import Note, RawUpdate, SourceComponent, SourceData, SourceIncident, settle
from .fetch import ImportFailed, get_json
from .markup import from_statuspage

Json = dict[str, Any]
Fetch = Callable[[str, Mapping[str, str] | None], object]

PUBLIC_ENDPOINTS = ("components.json", "incidents.json", "scheduled-maintenances.json")
PUBLIC_LIMIT_NOTE = ("the public API lists only the 50 most recent incidents and the 50 most recent maintenances; "
                     "for the whole history import from the management API (--page-id, with an API key)")
MANAGEMENT_API = "https://api.statuspage.io/v1"
PER_PAGE = 100
MAX_PAGES = 1000
"""100 000 incidents: a bound, so a server that always answers a full page cannot keep the import going."""
_MAINTENANCE_WORDS = frozenset({"scheduled", "in_progress", "verifying", "completed"})
_CLOSED = frozenset({"resolved", "postmortem", "completed"})
_IMPACTS = {"minor": Impact.MINOR, "major": Impact.MAJOR, "critical": Impact.CRITICAL}


@dataclass
class Payload:
    """What the sources said, gathered before it is read: the page, its components, its incidents."""

    page: Json = field(default_factory=dict)
    components: dict[str, Json] = field(default_factory=dict)
    groups: dict[str, str] = field(default_factory=dict)
    """Group id → name, from a group's own entry or the management API's component groups."""
    incidents: dict[str, Json] = field(default_factory=dict)
    maintenances: set[str] = field(default_factory=set)
    """Ids of the incidents that came as scheduled maintenances."""

    def add_component(self, item: Json) -> None:
        key = str(item.get("id") or "")
        if not key:
            return
        if item.get("group") is True:
            self.groups[key] = str(item.get("name") or "")
        self.components.setdefault(key, item)

    def add_incident(self, item: Json, maintenance: bool) -> None:
        key = str(item.get("id") or "")
        if not key:
            return
        known = self.incidents.get(key)
        if known is None or len(_list(item.get("incident_updates"))) > len(_list(known.get("incident_updates"))):
            self.incidents[key] = item
        if maintenance:
            self.maintenances.add(key)

    def add(self, doc: object, where: str) -> None:
        """One answer of the API (an envelope, or a list of incidents or components), recognised by what it holds."""
        found = False
        if isinstance(doc, dict):
            if isinstance(doc.get("page"), dict):
                self.page = self.page or doc["page"]
                found = True
            for item in _dicts(doc.get("components")):
                self.add_component(item)
                found = True
            for item in _dicts(doc.get("incidents")):
                self.add_incident(item, maintenance=False)
                found = True
            for item in _dicts(doc.get("scheduled_maintenances")):
                self.add_incident(item, maintenance=True)
                found = True
            found = found or any(isinstance(doc.get(k), list) for k in ("components", "incidents",
                                                                          "scheduled_maintenances"))
        elif isinstance(doc, list):
            for item in _dicts(doc):
                if "incident_updates" in item:
                    self.add_incident(item, maintenance=False)
                    found = True
                elif "name" in item and ("position" in item or "group_id" in item or "group" in item):
                    self.add_component(item)
                    found = True
            found = found or not doc
        if not found:
            raise UsageError(f"{where} is not an answer of Statuspage's API: it has no page, components, incidents "
                             "or scheduled_maintenances")


def _dicts(value: object) -> list[Json]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _text(value: object) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _time(value: object) -> dt.datetime | None:
    """Statuspage's ISO times (milliseconds and an offset) to the second, aware; None for what is not one."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        return None
    if moment.tzinfo is None or not EARLIEST <= moment <= LATEST:
        return None
    return moment.replace(microsecond=0)


# --- reading the sources ------------------------------------------------------------------------------


def read_files(paths: Sequence[Path], payload: Payload) -> Payload:
    """Saved answers of the public API (or lists of the management API's), in any combination."""
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError as err:
            raise UsageError(f"cannot read {path}: {err.strerror or err}") from None
        try:
            doc = json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as err:
            raise UsageError(f"{path} is not JSON ({err}): save the API's answer as it came") from None
        payload.add(doc, str(path))
    return payload


def public_base(url: str) -> str:
    """A page's address (``https://status.example.com``, with or without ``/api/v2``) to the API's base."""
    base = url.strip().rstrip("/")
    for suffix in ("/api/v2", "/api"):
        if base.endswith(suffix):
            base = base[: -len(suffix)]
    return base + "/api/v2"


def read_public(url: str, fetch: Fetch, payload: Payload) -> Payload:
    """The public API's three endpoints of the page at ``url``."""
    base = public_base(url)
    for endpoint in PUBLIC_ENDPOINTS:
        address = f"{base}/{endpoint}"
        payload.add(fetch(address, None), address)
    return payload


def read_management(page_id: str, key: str, api: str, fetch: Fetch, payload: Payload) -> Payload:
    """The whole history from the management API: the page, its components and groups, every incident.

    The key goes in the Authorization header only, so no address or message ever carries it.
    """
    headers = {"Authorization": f"OAuth {key}"}
    base = f"{api.rstrip('/')}/pages/{page_id}"
    page = fetch(base, headers)
    if isinstance(page, dict):
        payload.page = {"id": page.get("id") or page_id, "name": page.get("name"),
                        "url": page.get("url") or page.get("domain"), "time_zone": page.get("time_zone")}
    for group in _dicts(fetch(f"{base}/component-groups", headers)):
        payload.groups[str(group.get("id") or "")] = str(group.get("name") or "")
    for item in _pages(f"{base}/components", headers, fetch):
        payload.add_component(item)
    for item in _pages(f"{base}/incidents", headers, fetch):
        payload.add_incident(item, maintenance=False)
    return payload


def _pages(address: str, headers: Mapping[str, str], fetch: Fetch) -> Iterable[Json]:
    for number in range(1, MAX_PAGES + 1):
        answer = fetch(f"{address}?page={number}&per_page={PER_PAGE}", headers)
        if not isinstance(answer, list):
            raise ImportFailed(f"{address}: expected a list, got {type(answer).__name__}; nothing was written")
        yield from _dicts(answer)
        if len(answer) < PER_PAGE:
            return


def fetch_json(url: str, headers: Mapping[str, str] | None) -> object:
    return get_json(url, headers)


# --- to the neutral shape -----------------------------------------------------------------------------


def convert(payload: Payload, tz: dt.tzinfo) -> SourceData:
    """What the payload says, as components and incidents gitstatus can hold, with every approximation noted."""
    page = payload.page
    page_id = str(page.get("id") or "") or next(
        (str(i.get("page_id")) for i in payload.incidents.values() if i.get("page_id")), "page")
    data = SourceData("Statuspage", _text(page.get("name")) or page_id,
                      page.get("time_zone") if isinstance(page.get("time_zone"), str) else None)
    for item in payload.incidents.values():  # components only named inside incidents still exist
        for component in _dicts(item.get("components")):
            payload.add_component(component)
    data.components = _components(payload, tz, data.approximations)
    known = {c.key for c in data.components}
    extra: dict[str, str] = {}
    for key in sorted(payload.incidents, key=lambda k: (str(payload.incidents[k].get("created_at")), k)):
        incident = _incident(payload, key, page_id, known, extra, data.approximations)
        if incident is not None:
            data.incidents.append(incident)
    for code, name in extra.items():
        data.components.append(SourceComponent(code, name))
    if extra:
        names = ", ".join(f"'{name}'" for name in extra.values())
        data.approximations.append(Note("components", f"{len(extra)} named only in updates' component changes, "
                                                      f"added without a group or description: {names}"))
    return data


def _components(payload: Payload, tz: dt.tzinfo, notes: list[Note]) -> list[SourceComponent]:
    """The page's components in its order: top-level ones and groups by position, a group's members in its place."""
    def position(item: Json) -> tuple[int, str]:
        value = item.get("position")
        return (value if isinstance(value, int) else 1 << 30, _text(item.get("name")))

    items = [c for c in payload.components.values() if c.get("group") is not True and _text(c.get("name"))]
    groups = {k: v for k, v in payload.groups.items() if k and _text(v)}
    units: list[tuple[tuple[int, str], str, Json | None]] = []
    for item in items:
        group_id = str(item.get("group_id") or "")
        if not group_id or group_id not in groups:
            units.append((position(item), "", item))
            if group_id:
                notes.append(Note("components", f"'{_text(item.get('name'))}' belongs to a group the source does "
                                                "not name; it is added without a group"))
    for group_id, name in groups.items():
        members = [c for c in items if str(c.get("group_id") or "") == group_id]
        entry = payload.components.get(group_id)
        where = position(entry) if entry is not None else min((position(c) for c in members), default=(0, name))
        units.append((where, group_id, None))
    ordered: list[SourceComponent] = []
    for _, group_id, member in sorted(units, key=lambda unit: unit[0]):
        if member is not None:
            ordered.append(_component(member, None, tz))
            continue
        members = sorted((c for c in items if str(c.get("group_id") or "") == group_id), key=position)
        ordered += [_component(c, _text(groups[group_id]), tz) for c in members]
    return ordered


def _component(item: Json, group: str | None, tz: dt.tzinfo) -> SourceComponent:
    start: dt.date | None = None
    if isinstance(item.get("start_date"), str):
        try:
            start = dt.date.fromisoformat(item["start_date"])
        except ValueError:
            start = None
    if start is None:
        created = _time(item.get("created_at"))
        start = created.astimezone(tz).date() if created else None
    return SourceComponent(str(item["id"]), _text(item.get("name")), _text(item.get("description")),
                           group or None, start)


def _is_maintenance(payload: Payload, key: str, item: Json) -> bool:
    words = {str(u.get("status")) for u in _dicts(item.get("incident_updates"))}
    return (key in payload.maintenances or bool(item.get("scheduled_for")) or item.get("impact") == "maintenance"
            or str(item.get("status")) in _MAINTENANCE_WORDS or bool(words & _MAINTENANCE_WORDS))


def _incident(payload: Payload, key: str, page_id: str, known: set[str], extra: dict[str, str],
              notes: list[Note]) -> SourceIncident | None:
    item = payload.incidents[key]
    origin = f"statuspage:{page_id}/{key}"
    maintenance = _is_maintenance(payload, key, item)
    word = str(item.get("impact") or "none")
    if maintenance:
        impact = Impact.MAINTENANCE
        if word in _IMPACTS:
            notes.append(Note(origin, f"a maintenance with impact '{word}': gitstatus shows maintenance as "
                                      "maintenance, whatever its impact"))
    elif word in _IMPACTS:
        impact = _IMPACTS[word]
    else:
        impact = Impact.MINOR
        notes.append(Note(origin, f"impact '{word}' has no counterpart; it is imported as 'minor'"))
    raw: list[RawUpdate] = []
    changes: dict[str, list[ComponentStatus]] = {}
    for update in reversed(_dicts(item.get("incident_updates"))):  # Statuspage lists them newest first
        at = _time(update.get("display_at")) or _time(update.get("created_at"))
        if at is None:
            notes.append(Note(origin, "an update without a readable time is left out"))
            continue
        status_word = str(update.get("status") or "")
        body = from_statuspage(str(update.get("body") or ""))
        raw.append(RawUpdate(at, parse_status(status_word), status_word, body))
        for change in _dicts(update.get("affected_components")):
            code = str(change.get("code") or "")
            try:
                new = ComponentStatus(str(change.get("new_status")))
            except ValueError:
                continue
            if code:
                changes.setdefault(code, []).append(new)
                if code not in known and code not in extra:
                    extra[code] = _text(change.get("name")) or code
    if not raw:
        notes.append(Note(origin, f"'{_text(item.get('name'))}' has no updates; it is left out"))
        return None
    postmortem = item.get("postmortem_body")
    if isinstance(postmortem, str) and postmortem.strip():
        last = raw[-1] if raw[-1].at == max(u.at for u in raw) else max(raw, key=lambda u: u.at)
        raw[raw.index(last)] = RawUpdate(last.at, last.status, last.word,
                                         f"{last.message}\n\n### Post-mortem\n\n{from_statuspage(postmortem)}")
        notes.append(Note(origin, "the post-mortem is kept as the last part of the last update (gitstatus has no "
                                  "post-mortem of its own yet)"))
    updates = settle(origin, impact, raw, str(item.get("status")) in _CLOSED, notes)
    listed = [str(c.get("id")) for c in _dicts(item.get("components")) if c.get("id")]
    listed += [code for code in changes if code not in listed]
    overrides = _worst_statuses(origin, impact, listed, changes, notes)
    title = _text(item.get("name"))
    if not title:
        title = "(untitled)"
        notes.append(Note(origin, "it has no name; it is titled '(untitled)'"))
    return SourceIncident(origin, title, impact, tuple(dict.fromkeys(listed)), updates, overrides,
                          _window(origin, item, maintenance, notes))


def _worst_statuses(origin: str, impact: Impact, listed: list[str], changes: Mapping[str, list[ComponentStatus]],
                    notes: list[Note]) -> dict[str, ComponentStatus]:
    """Each component's worst status in the incident, where the impact alone implies another one."""
    implied = IMPACT_COMPONENT_STATUS[impact]
    overrides: dict[str, ComponentStatus] = {}
    varied = False
    for code in listed:
        seen = changes.get(code, [])
        worst = max(seen, key=lambda s: s.rank, default=None)
        varied = varied or len(set(seen)) > 1
        if worst is not None and worst is not ComponentStatus.OPERATIONAL and worst is not implied:
            overrides[code] = worst
    if varied:
        notes.append(Note(origin, "its components' statuses changed from update to update; each component is "
                                  "shown with the worst status it had in the incident (gitstatus has no status "
                                  "per update yet)"))
    return overrides


def _window(origin: str, item: Json, maintenance: bool, notes: list[Note]) -> Window | None:
    start, end = _time(item.get("scheduled_for")), _time(item.get("scheduled_until"))
    if not maintenance or (start is None and end is None):
        return None
    if start is None or end is None or end <= start:
        notes.append(Note(origin, "its maintenance window is incomplete or ends before it starts; it is imported "
                                  "without a window"))
        return None
    return Window(start, end)

"""What an import writes into a status repo, planned without I/O: new incident files, appended updates, new components.

Pure: the source's data and the repo's :class:`Project` in, a :class:`Plan` of file changes
out. The repo is only added to: an incident the repo already has (its ``source:`` names the
same origin) gets the source's newer updates appended after its last one, byte for byte as
``gitstatus update`` appends them, and is never rewritten; components.yaml gets the new
components appended to its ``components:`` list as text, so its comments and layout stay; a
component whose name the repo already has is reused. ``commands/importing.py`` checks the
plan as ``gitstatus check`` would and writes it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .. import canonical
from ..edits import append_update
from ..errors import Refused
from ..model import Incident, Update
from ..project import Project, read_settings
from ..read.document import COMPONENTS_FILE, INCIDENTS_DIR
from ..read.incident import FUTURE_TOLERANCE
from ..slug import is_device_name, slugify
from ..source import Overlay
from ..timeparse import format_time
from ..write import FileChange
from . import Note, SourceComponent, SourceData, SourceIncident


@dataclass(frozen=True)
class AddedComponent:
    id: str
    name: str
    group: str | None


@dataclass(frozen=True)
class PlannedFile:
    relpath: str
    origin: str
    title: str
    updates: int
    """Updates written: all of a new file's, or the ones appended."""


@dataclass
class Plan:
    """The import's changes to the repo, and what they mean."""

    changes: list[FileChange] = field(default_factory=list)
    created: list[PlannedFile] = field(default_factory=list)
    appended: list[PlannedFile] = field(default_factory=list)
    components: list[AddedComponent] = field(default_factory=list)
    reused: list[tuple[str, str]] = field(default_factory=list)
    """(source name, id) of the source's components the repo already had, by name."""
    unchanged: int = 0
    """Incidents the repo already has with every update the source has."""
    skipped: int = 0
    """Incidents (or their new updates) left out; each has a note saying why."""
    approximations: list[Note] = field(default_factory=list)

    @property
    def edits(self) -> dict[str, bytes | None]:
        return {c.relpath: c.data for c in self.changes}


def plan(source: SourceData, project: Project, now: dt.datetime) -> Plan:
    """The changes that bring ``source`` into the repo ``project`` reads, at ``now``."""
    result = Plan()
    ids = _merge_components(source, project, result)
    existing = {i.source: i for i in project.incidents if i.source}
    taken = {f.path.rsplit("/", 1)[-1][: -len(".md")] for f in project.files}
    for incident in sorted(source.incidents, key=lambda i: (i.updates[0].at, i.origin)):
        ahead = [u for u in incident.updates if u.at > now + FUTURE_TOLERANCE]
        if ahead:
            result.skipped += 1
            result.approximations.append(Note(incident.origin, f"left out: it has an update dated "
                                                               f"{format_time(ahead[0].at, project.tz)}, after now; "
                                                               "import it again once that time has passed"))
            continue
        known = existing.get(incident.origin)
        if known is None:
            _create(incident, ids, project, taken, result)
        else:
            _append(incident, known, project, result)
    touched = {f.origin for f in [*result.created, *result.appended]}
    if result.components:
        touched.add("components")
    result.approximations[:0] = [n for n in source.approximations if n.where in touched]
    return result


# --- components -----------------------------------------------------------------------------------------


def _norm(name: str) -> str:
    return " ".join(name.split()).casefold()


def _merge_components(source: SourceData, project: Project, result: Plan) -> dict[str, str]:
    """Source key → component id: the repo's own component of the same name, or a new one added to the plan."""
    by_name = {_norm(c.name): c.id for c in project.components}
    names = {c.id: c.name for c in project.components}
    ids: dict[str, str] = {}
    new: list[tuple[str, SourceComponent]] = []
    for component in source.components:
        same = by_name.get(_norm(component.name))
        if same is not None:
            ids[component.key] = same
            if same in {c.id for c in project.components}:
                result.reused.append((component.name, same))
            continue
        base = slugify(component.name) or "component"
        if is_device_name(base):
            base = f"{base}-component"
        candidate, n = base, 1
        while candidate in names:
            n += 1
            candidate = f"{base}-{n}"
        if candidate != base:
            result.approximations.append(Note("components", f"'{component.name}' is added as '{candidate}': "
                                                            f"'{base}' is already the id of '{names[base]}'"))
        elif not slugify(component.name):
            result.approximations.append(Note("components", f"'{component.name}' gives no id of letters and digits; "
                                                            f"it is added as '{candidate}'"))
        names[candidate] = component.name
        by_name[_norm(component.name)] = candidate
        ids[component.key] = candidate
        new.append((candidate, component))
        result.components.append(AddedComponent(candidate, component.name, component.group))
    if new:
        result.changes.append(_components_change(source, project, new))
    return ids


_COMPONENTS_KEY = re.compile(r"^components[ \t]*:[ \t]*(?:#.*)?$")
_EMPTY_FLOW = re.compile(r"^components[ \t]*:[ \t]*\[[ \t]*\][ \t]*(?:#.*)?$")
_ITEM = re.compile(r"^([ \t]*)- ")


def _entry(indent: str, component_id: str, component: SourceComponent) -> list[str]:
    lines = [f"{indent}- id: {component_id}", f"{indent}  name: {canonical.yaml_scalar(component.name)}"]
    if component.description:
        lines.append(f"{indent}  description: {canonical.yaml_scalar(component.description)}")
    if component.group:
        lines.append(f"{indent}  group: {canonical.yaml_scalar(component.group)}")
    if component.start_date:
        lines.append(f"{indent}  start_date: {component.start_date.isoformat()}")
    return lines


def append_components(text: str, header: str, new: Sequence[tuple[str, SourceComponent]]) -> str | None:
    """components.yaml's text with ``new`` appended to its ``components:`` list; None when that cannot be done as text.

    Everything else stays as the writer wrote it: the entries go after the list's last line,
    indented as its entries are, under a comment that says where they came from.
    """
    lines = text.split("\n")
    start = next((i for i, line in enumerate(lines) if _COMPONENTS_KEY.match(line)), None)
    if start is None:
        flow = next((i for i, line in enumerate(lines) if _EMPTY_FLOW.match(line)), None)
        if flow is not None:
            lines[flow] = "components:"
            start = flow
        elif any(line.startswith("components") for line in lines):
            return None
        else:
            if lines and lines[-1] == "":
                lines.pop()
            lines += ["", "components:"]
            start = len(lines) - 1
    end = start
    indent = None
    for i in range(start + 1, len(lines)):
        line = lines[i]
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace() and not line.startswith("-"):
            break
        end = i
        item = _ITEM.match(line)
        if indent is None and item:
            indent = item[1]
    indent = "  " if indent is None else indent
    block = [f"{indent}# {header}"]
    for component_id, component in new:
        block += _entry(indent, component_id, component)
    result = lines[: end + 1] + block + lines[end + 1:]
    joined = "\n".join(result)
    return joined if joined.endswith("\n") else joined + "\n"


def _components_change(source: SourceData, project: Project,
                       new: Sequence[tuple[str, SourceComponent]]) -> FileChange:
    before, problems = project.source.read(COMPONENTS_FILE)
    if before is None:
        raise Refused("cannot read components.yaml; fix it first", problems)
    crlf = b"\r\n" in before
    text = before.decode("utf-8-sig").replace("\r\n", "\n")
    header = f"Imported from {source.kind}: {source.name}"
    extended = append_components(text, header.replace("\n", " "), new)
    expected = [(c.id, c.name, c.group) for c in project.components] + [(i, c.name, c.group) for i, c in new]
    if extended is not None:
        data = (extended.replace("\n", "\r\n") if crlf else extended).encode("utf-8")
        if before.startswith(b"\xef\xbb\xbf"):
            data = b"\xef\xbb\xbf" + data
        settings = read_settings(Overlay(project.source, {COMPONENTS_FILE: data}))
        if [(c.id, c.name, c.group) for c in settings.components] == expected:
            return FileChange(COMPONENTS_FILE, data, before)
    listing = "\n".join("\n".join(_entry("  ", i, c)) for i, c in new)
    raise Refused("components.yaml's 'components:' list is not written in a way the import can add to as text; "
                  f"nothing was written. Add these components to it yourself, then import again:\n{listing}")


# --- incidents ------------------------------------------------------------------------------------------


def _updates(incident: SourceIncident) -> tuple[Update, ...]:
    return tuple(Update(u.at, u.status, u.message) for u in incident.updates)


def _create(incident: SourceIncident, ids: Mapping[str, str], project: Project, taken: set[str],
            result: Plan) -> None:
    day = incident.updates[0].at.astimezone(project.tz).date()
    base = f"{day.isoformat()}-{slugify(incident.title) or 'incident'}"
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    taken.add(candidate)
    listed = tuple(dict.fromkeys(ids[k] for k in incident.components if k in ids))
    overrides = {ids[k]: s for k, s in incident.component_status.items() if k in ids and ids[k] in listed}
    written = Incident(
        id=candidate, title=incident.title, impact=incident.impact, components=listed, updates=_updates(incident),
        component_status=overrides, scheduled=incident.window, source=incident.origin,
    )
    relpath = f"{INCIDENTS_DIR}/{candidate}.md"
    result.changes.append(FileChange(relpath, canonical.incident_text(written, project.tz).encode("utf-8"), None))
    result.created.append(PlannedFile(relpath, incident.origin, incident.title, len(written.updates)))


def _append(incident: SourceIncident, known: Incident, project: Project, result: Plan) -> None:
    """The source's updates the file does not have yet, appended after its last update; nothing is rewritten."""
    have = {(u.at, u.status) for u in known.updates}
    new = [u for u in _updates(incident) if (u.at, u.status) not in have]
    if not new:
        result.unchanged += 1
        return
    last = known.last_update
    if known.is_final:
        result.skipped += 1
        result.approximations.append(Note(incident.origin, f"{known.path} is already {last.status.value} here; "
                                                           f"{len(new)} update(s) of the source are not added"))
        return
    later = [u for u in new if u.at >= last.at]
    if len(later) < len(new):
        result.approximations.append(Note(incident.origin, f"{len(new) - len(later)} update(s) of the source are "
                                                           f"older than the last update of {known.path} and are "
                                                           "not added (updates are only appended)"))
    if not later:
        result.skipped += 1
        return
    before, problems = project.source.read(known.path)
    if before is None:
        raise Refused(f"cannot read {known.path}; fix it first", problems)
    data = before
    for update in later:
        data = append_update(data, update, project.tz)
    result.changes.append(FileChange(known.path, data, before))
    result.appended.append(PlannedFile(known.path, incident.origin, known.title, len(later)))

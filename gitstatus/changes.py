"""Typed changes between the published incidents and the working tree, and the rules that judge them.

The changes (:class:`Change`: an incident opened, an update posted, a resolution, a deletion,
front matter changed…) are one list with several readers: ``check --base`` judges them, the job
summary (report.py) prints them, and ``gitstatus notify`` announces them (events.py).

Published history is append-only.
Once an update is on the page, people have read it, feeds have delivered it and links point at
its incident. So ``gitstatus check --base REF`` compares the working tree with the incidents at
REF and reports, on the line to fix:

- E501 a published update that vanished, E502 one whose time or status changed;
- E503 a resolved incident that was reopened (an update after its final update at REF);
- E504 an incident whose id (file name) changed;
- E505 an update added before a published update (backdating what readers saw);
- E506 a closed incident's impact, components or component status made less severe;
- E507 a maintenance window moved where it has passed (or into the past);
- N501 a deleted incident (a false alarm), N502 an edited message (typo fixes are fine);
- N503 a changed title; N504 a changed impact, components or component status (an open
  incident, or a closed one made more severe); N505 a window moved while still ahead.

It also lists what the change will show users (new incidents, new updates, resolutions,
deletions) for the pull request's job summary. Both sides are Sources (source.py): the files at
REF come from git in one batch (:class:`source.GitRev`), the working tree's through the one
safe door (:class:`source.Disk`). Only files whose bytes differ from REF are parsed, and with
the same readers the Project uses (read/), so the cost follows the size of the change rather than
of the repo: that is why this compares two Sources file by file instead of two whole Projects.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from enum import Enum

from . import rules
from .model import IMPACT_COMPONENT_STATUS, ComponentStatus, Impact, Incident, Status, Window
from .project import read_settings
from .read.document import RawIncident, RawSection, decode, parse_incident
from .read.incident import (  # the checker's readers of each key, so that history reads them as the page does
    COMPONENTS_LINE_RE,
    FRONT_MATTER,
    HEADING_RE,
    content_digest,
    is_postmortem_heading,
    parse_status,
    read_component_status,
    read_components,
    read_impact,
    read_window,
    status_word,
    validate_incident,
)
from .read.settings import Checker
from .rules import Diagnostic
from .source import GitRev, Source
from .timeparse import UTC, TimeError, format_time, parse_time

#: Problems that leave a working-tree file without readable updates: comparing it would only
#: repeat them as "every update vanished" (or, for a merge conflict, as edited messages).
_UNREADABLE = {rules.CANNOT_READ, rules.NOT_UTF8, rules.TOO_LARGE, rules.NO_FRONT_MATTER, rules.UNCLOSED_FRONT_MATTER,
               rules.CONFLICT_MARKERS}


class ChangeKind(str, Enum):
    """What a change does to the public page (its words are in the catalogue, ``change.<value>``)."""

    NEW = "new"
    UPDATE = "update"
    RESOLVED = "resolved"
    EDITED = "edited"
    RENAMED = "renamed"
    DELETED = "deleted"
    TITLE = "title"
    IMPACT = "impact"
    COMPONENTS = "components"
    COMPONENT_STATUS = "component_status"
    WINDOW = "window"


@dataclass(frozen=True, order=True)
class Change:
    """One thing readers of the page will see differently after this change."""

    path: str
    """The file in the working tree (for a deletion: where it was), relative to the status repo."""
    line: int
    kind: ChangeKind
    title: str
    """The incident's title, untrusted text: escape it wherever it is shown."""
    status: Status | None = None
    at: dt.datetime | None = None
    detail: str = ""


@dataclass(frozen=True)
class Entry:
    """One update of an incident file, as far as it can be read."""

    at: dt.datetime | None
    status: Status | None
    message: str
    heading: str
    line: int
    col: int
    """Where the heading text (its time) starts."""
    status_col: int
    message_line: int

    @property
    def key(self) -> tuple[dt.datetime, Status] | None:
        """What may never change once published: the time and the status."""
        if self.at is None or self.status is None:
            return None
        return (self.at, self.status)


@dataclass(frozen=True)
class FrontMatter:
    """The front-matter keys that shape the page, each read as the checker reads it.

    A key that is written but does not read (the checker reports why) is in ``unread`` and is
    not compared; an optional key that is absent reads as ``{}`` or ``None``.
    """

    title: str | None
    impact: Impact | None
    components: tuple[str, ...] | None
    component_status: dict[str, ComponentStatus] | None
    scheduled: Window | None
    unread: frozenset[str]
    where: dict[str, tuple[int, int]]
    """Where each value is written (``scheduled.start``, ``scheduled.end`` too); ``""``: the front matter."""

    def at(self, *keys: str) -> tuple[int, int]:
        """The position of the first of ``keys`` that is written, else of the front matter itself."""
        return next((self.where[k] for k in keys if k in self.where), self.where[""])

    def effective(self, component: str) -> ComponentStatus | None:
        """The status this incident gives ``component`` on the page (what uptime is made of)."""
        if self.impact is None or self.component_status is None:
            return None
        return self.component_status.get(component, IMPACT_COMPONENT_STATUS[self.impact])


@dataclass(frozen=True)
class Snapshot:
    """An incident file at one point in time: its title, its updates and its front matter."""

    path: str
    title: str | None
    entries: tuple[Entry, ...]
    first_line: int
    """Where to point when there is no update to point at: the first line of the body."""
    front: FrontMatter | None = None
    """``None`` when the front matter is not a mapping at all."""

    @property
    def is_final(self) -> bool:
        last = self.entries[-1].status if self.entries else None
        return last is not None and last.is_final

    @property
    def signature(self) -> tuple[str, tuple[dt.datetime, Status]] | None:
        """Title and first update: how a renamed file is recognised."""
        if not self.title or not self.entries or self.entries[0].key is None:
            return None
        return (self.title, self.entries[0].key)


@dataclass(frozen=True)
class HistoryResult:
    base: str
    """The revision as the user wrote it."""
    commit: str
    diagnostics: list[Diagnostic]
    changes: list[Change]


# --- git ------------------------------------------------------------------------------------------


# --- snapshots --------------------------------------------------------------------------------------


def _title(raw: RawIncident) -> str | None:
    fields = raw.meta.value if raw.meta is not None else None
    node = fields.get("title") if isinstance(fields, dict) else None
    if node is None or not isinstance(node.value, str) or not node.value.strip():
        return None
    return node.value.strip()


def _front_matter(raw: RawIncident, tz: dt.tzinfo) -> FrontMatter | None:
    """The front matter read leniently, key by key, with the checker's own readers.

    Their complaints are dropped: the checker reports them on its own, and history only
    compares what reads.
    """
    checker = Checker(raw.path)
    fields = checker.mapping(raw.meta, "the front matter", FRONT_MATTER.keys) if raw.meta is not None else None
    if fields is None or raw.meta is None:
        return None
    title = checker.text(fields.get("title"), "title") or None
    impact = read_impact(checker, fields.get("impact"))
    listed = read_components(checker, fields.get("components"), None)
    overrides = read_component_status(checker, fields.get("component_status"), listed) if listed is not None else None
    window = read_window(checker, fields.get("scheduled"), impact, tz)
    values: dict[str, object] = {"title": title, "impact": impact, "components": listed,
                                 "component_status": overrides}
    unread = {key for key, value in values.items() if value is None}
    if "scheduled" in fields and window is None:
        unread.add("scheduled")
    where = {"": (raw.meta.line, raw.meta.col)}
    for key, node in fields.items():
        where[key] = (node.line, node.col)
        if key == "scheduled" and isinstance(node.value, dict):
            for edge in ("start", "end"):
                if edge in node.value:
                    where[f"scheduled.{edge}"] = (node.value[edge].line, node.value[edge].col)
    return FrontMatter(title, impact, listed, overrides, window, frozenset(unread), where)


def _entry(section: RawSection, tz: dt.tzinfo) -> Entry:
    """One section read leniently: what cannot be read stays ``None`` (the checker reports why)."""
    at: dt.datetime | None = None
    status: Status | None = None
    status_col = section.col
    match = HEADING_RE.match(section.heading)
    if match:
        try:
            at = parse_time(match["time"], tz)
        except TimeError:
            pass
        status = parse_status(match["status"])
        status_col = section.col + match.start("status")
    return Entry(at, status, section.message, section.heading, section.line, section.col, status_col,
                 section.message_line)


def current_snapshot(source: Source, relpath: str, tz: dt.tzinfo) -> Snapshot | None:
    """A working-tree incident, or ``None`` when its updates cannot be read at all."""
    data, problems = source.read(relpath)
    if data is None:
        return None
    text, problems = decode(data, relpath)
    if text is None:
        return None
    raw, problems = parse_incident(text, relpath)
    if any(d.rule in _UNREADABLE for d in problems):
        return None
    entries = tuple(_entry(s, tz) for s in raw.sections if not is_postmortem_heading(s.heading))  # not an update
    return Snapshot(relpath, _title(raw), entries, raw.body_line, _front_matter(raw, tz))


def published_snapshot(relpath: str, data: bytes, tz: dt.tzinfo) -> Snapshot | None:
    """An incident at REF, or ``None`` when it was not valid there (REF may have been broken)."""
    text, problems = decode(data, relpath)
    if text is None:
        return None
    raw, problems = parse_incident(text, relpath)
    incident: Incident | None = None
    if not problems:
        incident, problems, _ = validate_incident(raw, None, tz)
    if incident is None:
        return None
    by_line = {s.line: s for s in raw.sections}
    entries = []
    for update in incident.updates:
        section = by_line[update.line]
        entry = _entry(section, tz)
        # the section's text as written (its Components line included), as the working tree's entries hold it
        entries.append(Entry(update.at, update.status, section.message, section.heading, section.line,
                             section.col, entry.status_col, section.message_line))
    return Snapshot(relpath, incident.title, tuple(entries), raw.body_line, _front_matter(raw, tz))


def _published_zone(base: Source, fallback: dt.tzinfo) -> dt.tzinfo:
    """The page's timezone at REF: times written without a zone meant a moment in it."""
    settings = read_settings(base)
    if not settings.readable or any(d.rule is rules.UNKNOWN_TIMEZONE for d in settings.diagnostics):
        return fallback
    return settings.tz


# --- comparison ---------------------------------------------------------------------------------------


def _same_text(a: str, b: str) -> bool:
    """Messages equal up to white space (re-wrapping a paragraph changes nothing on the page)."""
    return a.split() == b.split()


def _pairs(old: Snapshot, new: Snapshot) -> dict[int, int]:
    """Which new update each published update became: equal ones first, then by position."""
    a = [e.key for e in old.entries]
    b = [e.key if e.key is not None else ("unreadable", i) for i, e in enumerate(new.entries)]
    pairs: dict[int, int] = {}
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal" or tag == "replace":
            pairs.update(zip(range(i1, i2), range(j1, j2), strict=False))  # a "replace" may be uneven
    return pairs


def _vanished(old: Snapshot, new: Snapshot, index: int, pairs: dict[int, int], ref: str) -> Diagnostic:
    """E501 at the heading now standing where the vanished update was."""
    gone = old.entries[index]
    was = f"the update '## {gone.heading}' published at {ref} is gone"
    later = [pairs[i] for i in range(index + 1, len(old.entries)) if i in pairs]
    earlier = [pairs[i] for i in range(index) if i in pairs]
    if later:
        spot = new.entries[min(later)]
        return Diagnostic(new.path, spot.line, 1, rules.UPDATE_REMOVED, f"{was}; it came just before this one")
    if earlier:
        spot = new.entries[max(earlier)]
        return Diagnostic(new.path, spot.line, 1, rules.UPDATE_REMOVED, f"{was}; it came just after this one")
    if new.entries:
        return Diagnostic(new.path, new.entries[0].line, 1, rules.UPDATE_REMOVED, was)
    return Diagnostic(new.path, new.first_line, 1, rules.UPDATE_REMOVED, was)


def _components_line(message: str) -> str:
    """An update's ``Components:`` line, spaced and cased alike (empty without one): what it set, as text."""
    for first in message.split("\n")[:2]:  # it may follow a 'Rescheduled from' line
        if COMPONENTS_LINE_RE.match(first):
            return " ".join(first.lower().replace("=", " ").split())
    return ""


def _changed(old: Entry, new: Entry, path: str, ref: str) -> Diagnostic | None:
    """E502 when the time, the status or the component statuses that readers saw are no longer what the file says."""
    time_changed = new.at is not None and new.at != old.at
    status_changed = new.status is not None and new.status != old.status
    components_changed = _components_line(new.message) != _components_line(old.message)
    if not (time_changed or status_changed or components_changed):
        return None
    what = " and ".join(w for w, changed in (("time", time_changed), ("status", status_changed),
                                            ("component statuses", components_changed)) if changed)
    if not (time_changed or status_changed):  # only its Components line: point at it
        return Diagnostic(path, new.message_line, 1, rules.UPDATE_CHANGED, f"this update's component statuses "
                          f"changed: it was published at {ref} with '{_components_line(old.message) or 'none'}'",
                          sep="; ")
    col = new.col if time_changed else new.status_col
    return Diagnostic(path, new.line, col, rules.UPDATE_CHANGED,
                      f"this update's {what} changed: it was published at {ref} as '## {old.heading}'", sep="; ")


def _backdated(old: Snapshot, new: Snapshot, j: int, published: dict[int, int], ref: str,
               tz: dt.tzinfo) -> Diagnostic | None:
    """E505 when the added update ``new.entries[j]`` stands before a published update.

    Readers saw the published updates as the story so far; an update slipped in before one of
    them rewrites that story after the fact, whatever time it claims.
    """
    later = [k for k in published if k > j]
    if not later:
        return None
    before = old.entries[published[min(later)]]
    assert before.at is not None and before.status is not None  # published updates were valid at REF
    last = old.entries[-1]
    assert last.at is not None
    advice = (f"this incident was closed at {ref}, so nothing is added to it: for news, open a new incident"
              if old.is_final else
              f"new updates go at the end of the file, with a time after the last published one "
              f"({format_time(last.at, tz)})")
    return Diagnostic(new.path, new.entries[j].line, 1, rules.BACKDATED,
                      f"this update is added before the published update at {format_time(before.at, tz)} "
                      f"({status_word(before.status)}, as at {ref}): that backdates history readers already saw",
                      advice, "; ")


def compare_incident(old: Snapshot, new: Snapshot, ref: str, tz: dt.tzinfo = UTC,
                     now: dt.datetime | None = None) -> tuple[list[Diagnostic], list[Change]]:
    """The history rules for one incident that exists at REF and in the working tree.

    ``tz`` is the page's timezone (for times in messages); ``now`` decides whether a moved
    maintenance window had already begun (default: the clock).
    """
    diagnostics: list[Diagnostic] = []
    changes: list[Change] = []
    title = new.title or old.title or new.path
    pairs = _pairs(old, new)
    for i, gone in enumerate(old.entries):
        if i not in pairs:
            diagnostics.append(_vanished(old, new, i, pairs, ref))
            continue
        entry = new.entries[pairs[i]]
        problem = _changed(gone, entry, new.path, ref)
        if problem is not None:
            diagnostics.append(problem)
        elif not _same_text(gone.message, entry.message):
            diagnostics.append(Diagnostic(new.path, entry.message_line, 1, rules.MESSAGE_EDITED,
                                          f"this message was edited since {ref} (fine for a typo fix; readers "
                                          "who already saw it are not told: for news, post a new update)"))
            changes.append(Change(new.path, entry.line, ChangeKind.EDITED, title, entry.status, entry.at))
    published = {j: i for i, j in pairs.items()}
    last_published = pairs.get(len(old.entries) - 1, max(published, default=-1))
    reopened = False
    for j, entry in enumerate(new.entries):
        if j in published:
            continue
        if old.is_final and j > last_published and not reopened:
            reopened = True
            final = old.entries[-1]
            diagnostics.append(Diagnostic(new.path, entry.line, 1, rules.REOPENED,
                                          f"this incident was closed at {ref} by '## {final.heading}'"))
        backdated = _backdated(old, new, j, published, ref, tz)
        if backdated is not None:
            diagnostics.append(backdated)
        kind = ChangeKind.RESOLVED if entry.status is not None and entry.status.is_final else ChangeKind.UPDATE
        changes.append(Change(new.path, entry.line, kind, title, entry.status, entry.at))
    if old.front is not None and new.front is not None:
        found = compare_front_matter(old, new, ref, tz, now if now is not None else dt.datetime.now(UTC))
        diagnostics += [d for d, _ in found]
        changes += [c for _, c in found]
    return diagnostics, changes


# --- front matter: what the page says about a published incident -----------------------------------------

#: The keys whose change alters the page's record of an incident (the title only its wording).
_RECORD_KEYS = {"impact": ChangeKind.IMPACT, "components": ChangeKind.COMPONENTS,
                "component_status": ChangeKind.COMPONENT_STATUS}


def _closed(old: Snapshot, now: dt.datetime) -> bool:
    """Over as readers saw it at REF: a final update, or maintenance whose window has ended."""
    window = old.front.scheduled if old.front is not None else None
    return old.is_final or (window is not None and window.end <= now)


def _shown(key: str, front: FrontMatter) -> str:
    """A key's value as the diagnostic and the job summary show it."""
    if key == "impact" and front.impact is not None:
        return front.impact.value
    if key == "components" and front.components is not None:
        return "[" + ", ".join(front.components) + "]"
    if key == "component_status" and front.component_status is not None:
        return "{" + ", ".join(f"{c}: {s.value}" for c, s in front.component_status.items()) + "}"
    return str(front.title)


def _differs(key: str, old: FrontMatter, new: FrontMatter) -> bool:
    """Whether the page says something else now (the order of components is not a change)."""
    if key == "components":
        return set(old.components or ()) != set(new.components or ())
    return bool(getattr(old, key) != getattr(new, key))


def _softer(key: str, old: FrontMatter, new: FrontMatter) -> bool:
    """Whether the change makes the incident look less severe than it was published."""
    if key == "impact":
        return old.impact is not None and new.impact is not None and new.impact.rank < old.impact.rank
    if key == "components":
        return bool(set(old.components or ()) - set(new.components or ()))
    for component in set(old.components or ()) & set(new.components or ()):
        was, now = old.effective(component), new.effective(component)
        if was is not None and now is not None and now.rank < was.rank:
            return True
    return False


def _record_change(key: str, old: Snapshot, new: Snapshot, ref: str, closed: bool) -> Diagnostic:
    """E506 for a closed incident made to look less severe, N504 for any other change of its record."""
    assert old.front is not None and new.front is not None
    line, col = new.front.at(key)
    what = f"{key} changed since {ref}: {_shown(key, old.front)} → {_shown(key, new.front)}"
    if closed and _softer(key, old.front, new.front):
        return Diagnostic(new.path, line, col, rules.MADE_LESS_SEVERE,
                          f"{what}, on an incident closed at {ref}: that makes the uptime history readers already "
                          "saw look better than it was", sep="; ")
    why = ("a correction that makes the record worse: the page's history changes with it" if closed else
           "fine while the incident is open, as understanding grows: the page shows it for the whole incident")
    return Diagnostic(new.path, line, col, rules.RECORD_CHANGED, f"{what} ({why})")


def _window_changes(old: Snapshot, new: Snapshot, ref: str, tz: dt.tzinfo,
                    now: dt.datetime) -> list[tuple[Diagnostic, str, int]]:
    """E507 for a window moved where it has passed or into the past, N505 while it is all ahead.

    Returns each diagnostic with the job summary's detail and the line it is on. A window added
    or removed as a whole is one change; otherwise each moved edge is one.
    """
    assert old.front is not None and new.front is not None
    was, will = old.front.scheduled, new.front.scheduled
    if was == will:
        return []
    moved: list[tuple[str, str, list[dt.datetime], tuple[int, int]]] = []
    """(what moved, old → new, the moments involved, where): one per change."""
    if was is None or will is None:
        shown = [format_time(w.start, tz) + " – " + format_time(w.end, tz) if w else "none" for w in (was, will)]
        moments = [m for w in (was, will) if w is not None for m in (w.start, w.end)]
        moved.append(("", f"{shown[0]} → {shown[1]}", moments, new.front.at("scheduled")))
    else:
        for edge in ("start", "end"):
            a, b = getattr(was, edge), getattr(will, edge)
            if a != b:
                moved.append((edge, f"{format_time(a, tz)} → {format_time(b, tz)}", [a, b],
                              new.front.at(f"scheduled.{edge}", "scheduled")))
    found = []
    for edge, detail, moments, (line, col) in moved:
        what = f"the maintenance window's {edge}" if edge else "the maintenance window"
        text = f"{what} changed since {ref}: {detail}"
        if min(moments) <= now:
            diagnostic = Diagnostic(new.path, line, col, rules.PAST_WINDOW_MOVED,
                                    f"{text}, a moment that has passed (now is {format_time(now, tz)}): readers saw "
                                    "the window as published", sep="; ")
        else:
            diagnostic = Diagnostic(new.path, line, col, rules.WINDOW_MOVED_AHEAD,
                                    f"{text} (fine while both moments are ahead: readers see the new window)")
        found.append((diagnostic, f"{edge}: {detail}" if edge else detail, line))
    return found


def compare_front_matter(old: Snapshot, new: Snapshot, ref: str, tz: dt.tzinfo,
                         now: dt.datetime) -> list[tuple[Diagnostic, Change]]:
    """Each changed key of a published incident's front matter, as a diagnostic and a summary row.

    Keys that do not read on either side are left to the checker.
    """
    assert old.front is not None and new.front is not None
    skip = old.front.unread | new.front.unread
    title = new.title or old.title or new.path
    found: list[tuple[Diagnostic, Change]] = []
    if "title" not in skip and old.front.title != new.front.title:
        line, col = new.front.at("title")
        found.append((Diagnostic(new.path, line, col, rules.TITLE_CHANGED,
                                 f"title changed since {ref}: '{old.front.title}' → '{new.front.title}' (fine for a "
                                 "wording fix; the page and feeds show the new title from now on)"),
                      Change(new.path, line, ChangeKind.TITLE, title,
                             detail=f"{old.front.title} → {new.front.title}")))
    closed = _closed(old, now)
    for key, kind in _RECORD_KEYS.items():
        if key in skip or not _differs(key, old.front, new.front):
            continue
        diagnostic = _record_change(key, old, new, ref, closed)
        detail = f"{_shown(key, old.front)} → {_shown(key, new.front)}"
        found.append((diagnostic, Change(new.path, diagnostic.line, kind, title, detail=detail)))
    if "scheduled" not in skip:
        for diagnostic, detail, line in _window_changes(old, new, ref, tz, now):
            found.append((diagnostic, Change(new.path, line, ChangeKind.WINDOW, title, detail=detail)))
    return found


def _new_incident(new: Snapshot) -> Change:
    first = new.entries[0] if new.entries else None
    last = new.entries[-1] if new.entries else None
    return Change(new.path, first.line if first else 1, ChangeKind.NEW, new.title or new.path,
                  last.status if last else None, first.at if first else None)


def _renames(deleted: Sequence[Snapshot], added: Sequence[Snapshot]) -> dict[str, Snapshot]:
    """New path -> the published incident it is a rename of (same title and same first update)."""
    by_signature: dict[object, list[Snapshot]] = {}
    for snapshot in added:
        if snapshot.signature is not None:
            by_signature.setdefault(snapshot.signature, []).append(snapshot)
    renames: dict[str, Snapshot] = {}
    for old in deleted:
        candidates = by_signature.get(old.signature, []) if old.signature is not None else []
        if candidates:
            renames[candidates.pop(0).path] = old
    return renames


def compare(working: Source, base: GitRev, tz: dt.tzinfo, now: dt.datetime | None = None,
            digests: Mapping[str, bytes] | None = None) -> HistoryResult:
    """Every history diagnostic and every visible change between the files at REF and ``working``.

    ``tz`` is the page's timezone now; the one at REF is read from REF's components.yaml.
    ``now`` (default: the clock) tells a maintenance window still ahead from one that began.
    ``digests`` are the working tree's content hashes where a Project has just read it
    (:attr:`IncidentFile.digest`): an unchanged file is then recognised without reading it again.
    """
    known = digests or {}

    def unchanged(relpath: str, data: bytes) -> bool:
        digest = known.get(relpath)
        if digest:
            return digest == content_digest(data)
        return working.read(relpath)[0] == data

    now = now if now is not None else dt.datetime.now(UTC)
    ref = base.ref
    files = {p: base.files[p] for p in base.incident_paths()[0]}
    old_tz = _published_zone(base, tz)
    # A file with the same bytes as at REF says the same thing, unless the page's timezone moved
    # its zoneless times: most files of a pull request are unchanged, and need no parsing at all.
    same_zone = str(old_tz) == str(tz)
    present = set(working.incident_paths()[0])
    published: dict[str, Snapshot] = {}
    current: dict[str, Snapshot] = {}
    for relpath in sorted(present | files.keys()):
        data = files.get(relpath)
        if data is not None and relpath in present and same_zone and unchanged(relpath, data):
            continue
        old = published_snapshot(relpath, data, old_tz) if data is not None else None
        if old is not None:
            published[relpath] = old
        new = current_snapshot(working, relpath, tz) if relpath in present else None
        if new is not None:
            current[relpath] = new
    deleted = [published[p] for p in sorted(published) if p not in present]
    added = [current[p] for p in sorted(current) if p not in files]
    renames = _renames(deleted, added)
    renamed_from = {old.path for old in renames.values()}

    diagnostics: list[Diagnostic] = []
    changes: list[Change] = []
    for path, new in sorted(current.items()):
        old = published.get(path)
        if path in renames:
            old = renames[path]
            diagnostics.append(Diagnostic(path, 1, 1, rules.RENAMED,
                                          f"renamed from {old.path}, as published at {ref}: the file name is the "
                                          "incident's id, in its URL and feed entries, so the rename breaks links"))
            changes.append(Change(path, 1, ChangeKind.RENAMED, new.title or path, detail=f"from {old.path}"))
        if old is None:  # new, or broken at REF (so never on the page)
            changes.append(_new_incident(new))
            continue
        problems, found = compare_incident(old, new, ref, tz, now)
        diagnostics += problems
        changes += found
    for old in deleted:
        if old.path in renamed_from:
            continue
        diagnostics.append(Diagnostic(old.path, 0, 0, rules.INCIDENT_DELETED,
                                      f"this incident, published at {ref}, is deleted: it disappears from the "
                                      "page, its history and the feeds (right for a false alarm)"))
        changes.append(Change(old.path, 0, ChangeKind.DELETED, old.title or old.path))
    return HistoryResult(ref, base.commit, sorted(diagnostics), sorted(changes))

"""Raw documents to the frozen model, with every rule of the format and the lifecycle.

Each rule adds a diagnostic and moves on, so one run reports every problem in every
file. An incident with any error is left out of the model (a build then fails, so a
broken incident never silently disappears from a published page).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from .. import rules
from ..fields import Field, Kind
from ..model import Component, ComponentStatus, Impact, Incident, Postmortem, Status, Update, Window
from ..rules import Diagnostic, Severity, unknown
from ..slug import ID_HINT, MAX_ID_LENGTH, is_device_name, is_id, slugify
from ..terminal import printable
from ..timeparse import TimeError, format_time, parse_time
from .document import RawIncident, RawSection, decode, parse_incident
from .settings import Checker, group_slug, kind
from .yamlnodes import Node

FUTURE_TOLERANCE = dt.timedelta(minutes=5)
"""Clocks drift and writers round; an update this little ahead of ``now`` is accepted."""

HEADING_EXAMPLE = "'## 2026-06-11 14:02 UTC — Investigating'"
HEADING_RE = re.compile(r"^(?P<time>.*\S)\s+[—–\-·|]\s+(?P<status>\S.*?)$")
_OVERRIDE_STATUSES = tuple(s.value for s in ComponentStatus)
_COMPONENT_STATUS_WORDS = tuple(s.value for s in ComponentStatus)
#: The first line of an update's message that sets component statuses: ``Components: api operational, …``.
COMPONENTS_LINE_RE = re.compile(r"^(?P<indent>\s*)components\s*:(?P<rest>.*)$", re.IGNORECASE)
_ENTRY_RE = re.compile(r"^(?P<id>[^\s=]+)\s*(?:=\s*|\s+)(?P<status>\S.*)$")
#: Short spellings writers use for a component status (``dashboard degraded``).
_COMPONENT_STATUS_ALIASES = {"degraded": ComponentStatus.DEGRADED_PERFORMANCE,
                             "maintenance": ComponentStatus.UNDER_MAINTENANCE}
_STATUS_WORDS = tuple(s.value for s in Status)
_STATUS_SPACES_RE = re.compile(r"[\s_-]+")
#: Times as timeparse reads them, for the schema; written for ECMAScript regexes too (no inline flags),
#: since editors evaluate patterns in JavaScript.
TIME_PATTERN = (r"^\s*\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2})?\s*(?:[Uu][Tt][Cc]|[Zz]|[+-]\d{2}:?\d{2})?\s*$")
_TIME_HELP = "'YYYY-MM-DD HH:MM' with UTC, Z or an offset like +02:00; without one, the page's timezone."


def parse_status(word: str) -> Status | None:
    """A status in any letter case; ``in-progress`` and ``in_progress`` mean ``in progress``."""
    normal = _STATUS_SPACES_RE.sub(" ", word.strip().lower())
    if normal == "canceled":  # the American spelling
        normal = Status.CANCELLED.value
    try:
        return Status(normal)
    except ValueError:
        return None


def status_word(status: Status) -> str:
    """A status as incident files spell it in update headings: ``In progress``; :func:`parse_status` reads it back.

    Part of the file format, like the heading's time, so never translated (the page's words
    are in gitstatus/words/).
    """
    return status.value.capitalize()


def _incident_id(checker: Checker, path: str) -> str | None:
    """The file name's id, when it has the id's shape and can be a file name on every system.

    The build writes ``incidents/<id>.html``; what ``check`` passes, the build must be able to write.
    """
    stem = path.rsplit("/", 1)[-1][: -len(".md")]
    if not is_id(stem):
        better = slugify(stem)
        hint = f"rename it to '{better}.md'" if better else ""
        checker.error(0, 0, rules.BAD_FILE_NAME, f"'{printable(stem)}' is not a valid incident id ({ID_HINT})", hint)
        return None
    if len(stem) > MAX_ID_LENGTH:
        checker.error(0, 0, rules.ID_TOO_LONG, f"the incident id is {len(stem)} characters long, over the limit of "
                      f"{MAX_ID_LENGTH}: it is also the name of its page, incidents/<id>.html, which must fit every "
                      "file system", f"rename the file to a shorter id, such as '{slugify(stem)}.md'", "; ")
        return None
    if is_device_name(stem):
        checker.error(0, 0, rules.ID_DEVICE_NAME, f"'{stem}' is a device name on Windows (like CON, NUL or COM1), "
                      f"where no file incidents/{stem}.md or {stem}.html can be created",
                      f"rename it, e.g. to '{stem}-incident.md'")
        return None
    return stem


def read_impact(checker: Checker, node: Node | None) -> Impact | None:
    text = checker.text(node, "impact", required=node is not None)  # an empty 'impact:' must not pass silently
    if text is None or node is None:
        return None
    try:
        return Impact(text.lower())
    except ValueError:
        choices = [i.value for i in Impact]
        checker.error(node.line, node.col, rules.UNKNOWN_IMPACT, f"unknown impact {unknown(text, choices)}",
                      f"use one of: {', '.join(choices)}", "; ")
        return None


def group_members(known: Mapping[str, Component]) -> dict[str, tuple[str, ...]]:
    """Each group's id (as the page and the API name it) and its members' ids, in components.yaml's order."""
    groups: dict[str, list[str]] = {}
    for component in known.values():
        if component.group is not None:
            groups.setdefault(group_slug(component.group), []).append(component.id)
    return {group: tuple(members) for group, members in groups.items()}


def read_components(
    checker: Checker, node: Node | None, known: Mapping[str, Component] | None
) -> tuple[str, ...] | None:
    """The listed ids; with ``known`` None (components.yaml unreadable) any id is accepted.

    A group's id stands for every member of the group (``components: [core]``); a member also
    named on its own is listed once.
    """
    groups = group_members(known) if known is not None else {}
    if node is None:
        return None
    if not isinstance(node.value, list):
        what = "nothing" if node.value is None else f"a {kind(node)}"
        checker.error(node.line, node.col, rules.WRONG_TYPE,
                      "'components' must be a list of component ids like [api, dashboard] "
                      f"(or [] for none), not {what}")
        return None
    ids: list[str] = []
    ok = True
    for item in node.value:
        if not isinstance(item.value, str):
            checker.error(item.line, item.col, rules.WRONG_TYPE, "each entry of 'components' must be a component id")
            ok = False
        elif item.value in groups:
            ids += [member for member in groups[item.value] if member not in ids]
        elif known is not None and item.value not in known:
            checker.error(item.line, item.col, rules.UNKNOWN_COMPONENT,
                          f"unknown component {unknown(item.value, [*known, *groups])}",
                          "components and groups are listed in components.yaml", "; ")
            ok = False
        elif item.value in ids:
            checker.error(item.line, item.col, rules.COMPONENT_LISTED_TWICE,
                          f"component '{item.value}' is listed twice")
        else:
            ids.append(item.value)
    return tuple(ids) if ok else None


def read_component_status(
    checker: Checker, node: Node | None, listed: Iterable[str]
) -> dict[str, ComponentStatus] | None:
    if node is None:
        return {}
    fields = node.value
    if not isinstance(fields, dict):
        checker.error(node.line, node.col, rules.WRONG_TYPE,
                      "'component_status' must be a mapping like {api: partial_outage}")
        return None
    listed = tuple(listed)
    result: dict[str, ComponentStatus] = {}
    ok = True
    for component_id, value in fields.items():
        line, col = value.key_at
        if component_id not in listed:
            named = unknown(component_id, listed)
            checker.error(line, col, rules.BAD_COMPONENT_STATUS, f"component_status names {named.quoted}, which is not "
                          f"in this incident's components{named.note}", "add it there or remove it here")
            ok = False
            continue
        word = value.value if isinstance(value.value, str) else ""
        if word not in _OVERRIDE_STATUSES:
            named = unknown(word, _OVERRIDE_STATUSES)
            checker.error(value.line, value.col, rules.BAD_COMPONENT_STATUS,
                          f"{named.quoted} is not a component status{named.note}",
                          f"use one of: {', '.join(_OVERRIDE_STATUSES)}", "; ")
            ok = False
            continue
        result[component_id] = ComponentStatus(word)
    return result if ok else None


def parse_component_status(word: str) -> ComponentStatus | None:
    """A component status in any letter case, with spaces or hyphens for its underscores; ``degraded`` and
    ``maintenance`` are short for ``degraded_performance`` and ``under_maintenance``."""
    normal = _STATUS_SPACES_RE.sub("_", word.strip().lower())
    if normal in _COMPONENT_STATUS_ALIASES:
        return _COMPONENT_STATUS_ALIASES[normal]
    try:
        return ComponentStatus(normal)
    except ValueError:
        return None


RESCHEDULED_LINE_RE = re.compile(r"^\s*rescheduled from\s*:\s*(?P<start>.*?)\s+(?:to|–|—)\s+(?P<end>.*?)\s*$",
                                 re.IGNORECASE)
_RESCHEDULED_START_RE = re.compile(r"^\s*rescheduled from\s*:", re.IGNORECASE)


def rescheduled_line(
    checker: Checker, section: RawSection, impact: Impact | None, tz: dt.tzinfo
) -> tuple[Window | None, RawSection]:
    """The window an update moved a maintenance from (``Rescheduled from: <start> to <end>``, its first
    line), and the section without that line; problems are E216."""
    first, _, rest = section.message.partition("\n")
    if not _RESCHEDULED_START_RE.match(first):
        return None, section
    stripped = rest.lstrip("\n")
    after = replace(section, message=stripped, message_line=section.message_line + 1 + len(rest) - len(stripped))
    line = section.message_line
    match = RESCHEDULED_LINE_RE.match(first)
    if impact is not None and impact is not Impact.MAINTENANCE:
        checker.error(line, 1, rules.BAD_RESCHEDULED, "only maintenance is rescheduled", "")
        return None, after
    if match is None:
        checker.error(line, 1, rules.BAD_RESCHEDULED, "this 'Rescheduled from' line needs the old window's start and "
                      "end, joined by 'to'")
        return None, after
    times = []
    for key in ("start", "end"):
        try:
            times.append(parse_time(match[key], tz))
        except TimeError as err:
            checker.error(line, match.start(key) + 1, rules.BAD_RESCHEDULED, f"rescheduled from: {err}", "")
    if len(times) < 2:
        return None, after
    if times[1] <= times[0]:
        checker.error(line, match.start("end") + 1, rules.BAD_RESCHEDULED, "the old window ends before it starts")
        return None, after
    return Window(times[0], times[1]), after


def components_line(
    checker: Checker, section: RawSection, listed: Iterable[str] | None, final: bool,
    known: Mapping[str, Component] | None = None,
) -> tuple[tuple[tuple[str, ComponentStatus], ...], str] | None:
    """The component statuses an update's first line sets, and the message without that line.

    ``Components: api operational, dashboard degraded_performance`` (``api=operational`` too).
    None when the line has a problem (each one reported); ``listed`` None means the incident's
    components could not be read, so ids are not checked. ``known`` (every component id) only
    widens the "did you mean".
    """
    first, _, rest = section.message.partition("\n")
    match = COMPONENTS_LINE_RE.match(first)
    if match is None:
        return (), section.message
    line = section.message_line
    listed = tuple(listed) if listed is not None else None
    groups = group_members(known) if known is not None else {}
    found: dict[str, ComponentStatus] = {}
    ok = True
    col = match.start("rest") + 1
    for part in match["rest"].split(","):
        entry = part.strip()
        at = col + len(part) - len(part.lstrip())
        col += len(part) + 1
        if not entry:
            continue
        parsed = _ENTRY_RE.match(entry)
        status = parse_component_status(parsed["status"]) if parsed else None
        if parsed is None or status is None:
            word = parsed["status"] if parsed else entry
            named = unknown(word, _COMPONENT_STATUS_WORDS)
            what = f"{named.quoted} is not a component status{named.note}" if parsed else \
                f"'{printable(entry)}' needs a component and its status, like 'api operational'"
            checker.error(line, at, rules.BAD_UPDATE_COMPONENT_STATUS, what, sep="; ")
            ok = False
            continue
        component_id = parsed["id"]
        members = groups.get(component_id, ())
        if listed is not None and members and all(m in listed for m in members):
            if final and status is not ComponentStatus.OPERATIONAL:
                checker.error(line, at, rules.FINAL_COMPONENT_STATUS, f"'{component_id} {status.value}' on the final "
                              "update: the incident's components are operational again once it ends", sep="; ")
                ok = False
                continue
            found.update((member, status) for member in members)  # a group: each of its members
            continue
        if listed is not None and component_id not in listed:
            named = unknown(component_id, [*listed, *(c for c in known or () if c not in listed)])
            checker.error(line, at, rules.BAD_UPDATE_COMPONENT, f"{named.quoted} is not one of this incident's "
                          f"components{named.note}", "add it to 'components:' in the front matter, or remove it here")
            ok = False
            continue
        if final and status is not ComponentStatus.OPERATIONAL:
            checker.error(line, at, rules.FINAL_COMPONENT_STATUS, f"'{component_id} {status.value}' on the final "
                          "update: the incident's components are operational again once it ends", sep="; ")
            ok = False
            continue
        found[component_id] = status
    if not found and ok:
        checker.error(line, col - 1, rules.BAD_UPDATE_COMPONENT_STATUS, "this Components line names no component")
        ok = False
    message = rest.strip("\n")
    return (tuple(found.items()), message) if ok else None


def read_window(checker: Checker, node: Node | None, impact: Impact | None, tz: dt.tzinfo) -> Window | None:
    if node is None:
        return None
    line, col = node.key_at
    if impact is not None and impact is not Impact.MAINTENANCE:
        checker.error(line, col, rules.SCHEDULED_NOT_MAINTENANCE, "'scheduled' is only for impact: maintenance",
                      sep="; ")
        return None
    fields = checker.mapping(node, "scheduled", WINDOW.keys)
    if fields is None:
        return None
    times: dict[str, dt.datetime] = {}
    for key in WINDOW.keys:
        value = fields.get(key)
        if value is None:
            article = "a" if key == "start" else "an"
            checker.error(line, col, rules.BAD_WINDOW,
                          f"'scheduled' needs {article} '{key}' time, e.g. {key}: 2026-06-20 02:00 UTC")
            continue
        text = checker.text(value, key)
        if text is None:
            continue
        try:
            times[key] = parse_time(text, tz)
        except TimeError as err:
            checker.error(value.line, value.col, rules.BAD_WINDOW, f"scheduled {key}: {err}")
    if len(times) < 2:
        return None
    if times["end"] <= times["start"]:
        where = fields["end"]
        checker.error(where.line, where.col, rules.BAD_WINDOW, "the maintenance window ends before it starts",
                      "check 'end'")
        return None
    return Window(times["start"], times["end"])


WINDOW = Field("scheduled", Kind.BLOCK, "Maintenance only: the planned window.", reader=read_window,
               examples=("{start: 2026-12-03 02:00 UTC, end: 2026-12-03 04:00 UTC}",), fields=(
    Field("start", Kind.TIME, f"When the maintenance window starts. {_TIME_HELP}", required=True,
          pattern=TIME_PATTERN, examples=("2026-06-20 02:00 UTC",), reader=parse_time),
    Field("end", Kind.TIME, f"When the maintenance window ends. {_TIME_HELP}", required=True,
          pattern=TIME_PATTERN, examples=("2026-06-20 02:00 UTC",), reader=parse_time),
))
FRONT_MATTER = Field("front matter", Kind.BLOCK, "The front matter of a gitstatus incident file.", fields=(
    Field("title", Kind.TEXT, "A short summary of what users experience.", required=True,
          examples=("API responding slowly",), reader=Checker.text),
    Field("impact", Kind.CHOICE, "minor: limited impact, most users unaffected; major: a significant share of "
          "users affected; critical: service broadly unavailable; maintenance: planned work.", required=True,
          choices=tuple(i.value for i in Impact), reader=read_impact),
    Field("components", Kind.LIST, "Ids of the affected components, from components.yaml (a group's id means "
          "every member of the group); [] for none.",
          required=True, examples=("[api, dashboard]",), reader=read_components,
          item=Field("component id", Kind.ID, "A component id from components.yaml.")),
    Field("component_status", Kind.MAP, "Overrides the status the impact implies, for some of this incident's "
          "components, until an update's 'Components:' line changes it.", choices=_OVERRIDE_STATUSES,
          examples=("{dashboard: partial_outage}",),
          reader=read_component_status),
    WINDOW,
    Field("source", Kind.TEXT, "Where an imported incident came from (written by gitstatus import, which reads it "
          "to add only what is new on the next import).", examples=("statuspage:kctbh9vrtdwd/69sb0f8lydp4",),
          reader=Checker.text),
))
"""An incident's front matter, in the order ``gitstatus new`` writes it; ``validate_incident`` reads it."""


_H3_RE = re.compile(r"^ {0,3}###[ \t]+(?P<text>.*?)[ \t#]*$")
_FENCE_LINE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def _headings_in_message(checker: Checker, section: RawSection, tz: dt.tzinfo) -> None:
    """E213 for a ``### <time> — <status>`` line in a message: one '#' too many, so an update is lost in the last."""
    fence = False
    for offset, line in enumerate(section.message.split("\n")):
        if _FENCE_LINE_RE.match(line):
            fence = not fence
            continue
        match = None if fence or "###" not in line else _H3_RE.match(line)
        heading = HEADING_RE.match(match["text"]) if match else None
        if heading is None or parse_status(heading["status"]) is None:
            continue
        try:
            parse_time(heading["time"], tz)
        except TimeError:
            continue
        checker.error(section.message_line + offset, 1, rules.UPDATE_HEADING_IN_MESSAGE,
                      f"'{printable(line.strip())}' is read as part of the message above it")


def _update(
    checker: Checker, section: RawSection, impact: Impact | None, tz: dt.tzinfo, listed: Iterable[str] | None = None,
    known: Mapping[str, Component] | None = None,
) -> Update | None:
    match = HEADING_RE.match(section.heading)
    if not match:
        checker.error(section.line, section.col, rules.BAD_HEADING,
                      f"update heading '## {section.heading}' must be a time, a dash and a status: {HEADING_EXAMPLE}")
        return None
    try:
        at = parse_time(match["time"], tz)
    except TimeError as err:
        checker.error(section.line, section.col, rules.BAD_TIME, str(err))
        at = None
    status = parse_status(match["status"])
    status_col = section.col + match.start("status")
    if status is None:
        word = match["status"]
        checker.error(section.line, status_col, rules.UNKNOWN_STATUS, f"unknown status {unknown(word, _STATUS_WORDS)}",
                      sep="; ")
    elif status.is_maintenance_word and impact is not None and impact is not Impact.MAINTENANCE:
        checker.error(section.line, status_col, rules.MAINTENANCE_STATUS, f"'{status_word(status)}' is for maintenance",
                      sep="; ")
        status = None
    _headings_in_message(checker, section, tz)
    moved_from, section = rescheduled_line(checker, section, impact, tz)
    statuses = components_line(checker, section, listed, status is not None and status.is_final, known)
    message = statuses[1] if statuses is not None else section.message
    if not message.strip():  # reported, but the update still counts for the lifecycle rules
        checker.error(section.line, 1, rules.EMPTY_UPDATE, "this update has no message")
    if at is None or status is None:
        return None
    return Update(at=at, status=status, message=message, line=section.line,
                  components=statuses[0] if statuses is not None else (), moved_from=moved_from)


_POSTMORTEM_WORDS = frozenset({"postmortem", "post mortem"})


def is_postmortem_heading(heading: str) -> bool:
    """``<time> — Post-mortem`` (or Postmortem, Post mortem, in any letter case): the post-mortem's section."""
    match = HEADING_RE.match(heading)
    return match is not None and _STATUS_SPACES_RE.sub(" ", match["status"].strip().lower()) in _POSTMORTEM_WORDS


def _postmortem(
    checker: Checker, sections: tuple[RawSection, ...], updates: list[Update], impact: Impact | None, tz: dt.tzinfo
) -> tuple[Postmortem | None, bool]:
    """The post-mortem section, if any, and whether it is where it must be (E214 for each way it is not)."""
    found = [s for s in sections if is_postmortem_heading(s.heading)]
    if not found:
        return None, True
    section = found[0]
    ok = True
    match = HEADING_RE.match(section.heading)
    assert match is not None
    at: dt.datetime | None = None
    try:
        at = parse_time(match["time"], tz)
    except TimeError as err:
        checker.error(section.line, section.col, rules.BAD_TIME, str(err))
        ok = False
    for extra in found[1:]:
        checker.error(extra.line, 1, rules.POSTMORTEM_OUT_OF_PLACE, f"a second post-mortem (the first is on line "
                      f"{section.line}): keep one, and edit it")
        ok = False
    final = next((u for u in updates if u.status.is_final), None)
    if impact is Impact.MAINTENANCE:
        checker.error(section.line, 1, rules.POSTMORTEM_OUT_OF_PLACE, "maintenance has no post-mortem", "")
        ok = False
    elif final is None:  # (an update after the post-mortem follows the final update: E302 says so)
        checker.error(section.line, 1, rules.POSTMORTEM_OUT_OF_PLACE, "a post-mortem before the incident is resolved")
        ok = False
    elif at is not None and at < final.at:
        checker.error(section.line, 4, rules.POSTMORTEM_OUT_OF_PLACE, f"the post-mortem is dated before the "
                      f"'{status_word(final.status)}' update on line {final.line}")
        ok = False
    message = section.message
    if not message.strip():
        checker.error(section.line, 1, rules.EMPTY_UPDATE, "the post-mortem has no message",
                      "write what happened, why, and what will change")
        ok = False
    return (Postmortem(at, message, section.line) if at is not None else None), ok


def _maintenance_lifecycle(checker: Checker, updates: list[Update], window: Window | None) -> None:
    """E305 for a cancellation after work began; W104 for a window that was over before the first update."""
    for update in updates:
        if update.status is Status.CANCELLED:
            work = next((u for u in updates if u.status not in (Status.SCHEDULED, Status.CANCELLED)
                         and u.at <= update.at), None)
            if work is not None:
                checker.error(update.line, 1, rules.CANCELLED_AFTER_START, f"'Cancelled' after the "
                              f"'{status_word(work.status)}' update on line {work.line}")
            elif window is not None and update.at >= window.start:
                opened = format_time(window.start, window.start.tzinfo or dt.UTC)
                checker.error(update.line, 1, rules.CANCELLED_AFTER_START, f"'Cancelled' after the window opened "
                              f"({opened}): readers were shown the work as in progress")
            break
    if window is not None and updates and updates[0].at >= window.end:
        ended = format_time(window.end, window.end.tzinfo or dt.UTC)
        checker.error(updates[0].line, 4, rules.WINDOW_OVER_WHEN_WRITTEN, f"the window ended ({ended}) before this "
                      "first update, so readers were never told ahead")


def _lifecycle(checker: Checker, updates: list[Update]) -> None:
    descending = len(updates) >= 2 and all(b.at < a.at for a, b in zip(updates, updates[1:], strict=False))
    if descending and (len(updates) >= 3 or updates[0].status.is_final):  # two updates: maybe just one wrong time
        checker.error(updates[0].line, 4, rules.NEWEST_FIRST, f"each update is earlier than the one above it "
                      f"(the newest, line {updates[0].line}, is at the top)")
        return  # "earlier than the one before" on every line, or "after the final update", would say less
    final: Update | None = None
    for previous, update in zip([None, *updates], updates, strict=False):
        if final is not None:
            checker.error(update.line, 1, rules.AFTER_FINAL, f"an update after the final '{status_word(final.status)}' "
                          f"update on line {final.line}")
            break
        if previous is not None and update.at < previous.at:
            checker.error(update.line, 4, rules.OUT_OF_ORDER, f"this update is earlier than the one on line "
                          f"{previous.line}")
        if update.status.is_final:
            final = update


#: The sentence that marks the example incident ``gitstatus init`` writes (commands/init.py uses it).
EXAMPLE_MARK = "This is an example incident: delete this file before you publish the page."


def _placeholders(checker: Checker, updates: list[Update]) -> None:
    """W103 on the update that carries init's example mark: an example left in would be published."""
    for update in updates:
        if EXAMPLE_MARK in update.message:
            checker.error(update.line, 1, rules.EXAMPLE_INCIDENT,
                          "this is the example incident that gitstatus init wrote")
            return


def future_updates(path: str, updates: Iterable[Update], now: dt.datetime) -> list[Diagnostic]:
    """E303 for each update dated after ``now`` (with a little tolerance): the one rule of a file that needs the clock.

    It runs on the Project (project.py), not in :func:`read_incident`, so that reading stays pure.
    """
    return [
        Diagnostic(path, update.line, 4, rules.IN_THE_FUTURE, f"this update is dated {_same_offset(update.at, now)}, "
                   f"after now ({now.isoformat()})")
        for update in updates if update.at > now + FUTURE_TOLERANCE
    ]


def _same_offset(moment: dt.datetime, now: dt.datetime) -> str:
    """The update's time as written, and in now's offset when that differs, so the two compare at a glance."""
    if moment.utcoffset() == now.utcoffset():
        return moment.isoformat()
    return f"{moment.isoformat()} ({moment.astimezone(now.tzinfo).isoformat()})"


@dataclass(frozen=True)
class IncidentFile:
    """What one incident file says: its incident when it is valid, and every problem with it."""

    path: str
    """Relative to the status repo, forward slashes: ``incidents/2026-06-11-api-slow.md``."""
    incident: Incident | None
    """``None`` when the file has any error: a broken incident is never half-published."""
    updates: tuple[Update, ...]
    """Every update that could be read, the incident valid or not (rules over time see them all)."""
    diagnostics: tuple[Diagnostic, ...]
    digest: bytes = b""
    """A hash of the file's bytes (empty when it could not be read): whether it changed, without reading it again."""


def content_digest(data: bytes) -> bytes:
    """The hash :attr:`IncidentFile.digest` holds: equal digests, equal bytes."""
    return hashlib.blake2b(data, digest_size=16).digest()


def validate_incident(
    raw: RawIncident, components: Mapping[str, Component] | None, tz: dt.tzinfo
) -> tuple[Incident | None, list[Diagnostic], list[Update]]:
    """One raw incident to an :class:`Incident`, or ``None`` with the reasons why not; and its readable updates.

    ``components`` is None when components.yaml could not be read; ids are then not checked
    (one broken file should not bury its own error under one per incident).
    """
    checker = Checker(raw.path)
    incident_id = _incident_id(checker, raw.path)
    fields = checker.mapping(raw.meta, "the front matter", FRONT_MATTER.keys) if raw.meta is not None else None
    title = impact = listed = overrides = window = source = None
    if fields is not None:
        for key in FRONT_MATTER.required_keys:
            if key not in fields:
                checker.error(1, 1, rules.MISSING_KEY, f"the front matter needs '{key}'"
                              + (" (one of minor, major, critical, maintenance)" if key == "impact" else "")
                              + (" (a list of component ids, or [])" if key == "components" else ""))
        title = checker.text(fields.get("title"), "title", required="title" in fields)
        impact = read_impact(checker, fields.get("impact"))
        listed = read_components(checker, fields.get("components"), components)
        overrides = read_component_status(checker, fields.get("component_status"), listed) \
            if listed is not None else {}
        window = read_window(checker, fields.get("scheduled"), impact, tz)
        source = checker.text(fields.get("source"), "source", required="source" in fields)
    if not any(not is_postmortem_heading(s.heading) for s in raw.sections) and raw.meta is not None:
        checker.error(raw.body_line, 1, rules.NO_UPDATES, "no updates",
                      f"add one below the front matter, like {HEADING_EXAMPLE} followed by a message")
    sections = tuple(s for s in raw.sections if not is_postmortem_heading(s.heading))
    updates = [u for u in (_update(checker, s, impact, tz, listed, components) for s in sections) if u is not None]
    _lifecycle(checker, updates)  # over the updates that could be read, so one bad heading hides nothing else
    if impact is Impact.MAINTENANCE:
        _maintenance_lifecycle(checker, updates, window)
    postmortem, _ = _postmortem(checker, raw.sections, updates, impact, tz)
    _placeholders(checker, updates)
    has_error = any(d.severity is Severity.ERROR for d in checker.diagnostics)
    if has_error or None in (incident_id, title, impact, listed, overrides) or not updates:
        return None, checker.diagnostics, updates
    assert incident_id and title and impact and listed is not None and overrides is not None
    incident = Incident(
        id=incident_id, title=title, impact=impact, components=listed, updates=tuple(updates),
        component_status=overrides, scheduled=window, path=raw.path, source=source, postmortem=postmortem,
    )
    return incident, checker.diagnostics, updates


def read_incident(
    relpath: str, data: bytes | None, components: Mapping[str, Component] | None, tz: dt.tzinfo,
    problems: Iterable[Diagnostic] = (),
) -> IncidentFile:
    """One incident file's bytes to what it says. Pure: the same bytes and settings give the same result.

    ``data`` is None when the file could not be read; ``problems`` are what reading it found
    (a link out of the repo, too large…). Any error, the reader's own included, leaves the
    incident out.
    """
    diagnostics = list(problems)
    text, digest = None, b""
    if data is not None:
        text, found = decode(data, relpath)
        diagnostics += found
        digest = content_digest(data)
    if text is None:
        return IncidentFile(relpath, None, (), tuple(diagnostics), digest)
    raw, found = parse_incident(text, relpath)
    diagnostics += found
    incident, found, updates = validate_incident(raw, components, tz)
    diagnostics += found
    if any(d.severity is Severity.ERROR for d in diagnostics):
        incident = None
    return IncidentFile(relpath, incident, tuple(updates), tuple(diagnostics), digest)

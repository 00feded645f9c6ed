"""What a writing command writes, planned without touching the disk: the parts that need no I/O.

The times of a new update (``--at``, ``HH:MM`` for today, the window's ends), a status typed on
the command line, the checks a message must pass to be one update's text, and the exact bytes
of an appended update. ``commands/author.py`` reads the repo, plans with these, checks the result
as a Project overlay and writes it under the lock.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import canonical, rules
from .errors import Refused
from .model import ComponentStatus, Impact, Site, Status, Update, Window
from .project import Project
from .read.document import parse_incident
from .read.incident import parse_component_status, parse_status
from .rules import unknown
from .timeparse import UTC, TimeError, parse_time

_CLOCK_RE = re.compile(r"^([0-9]{1,2}):([0-9]{2})$")  # ASCII digits, as parse_time reads them


@dataclass(frozen=True)
class Repo:
    """What the commands need to know about a status repo before changing it: its Project, and now."""

    root: Path
    project: Project
    now: dt.datetime

    @property
    def site(self) -> Site:
        return self.project.site

    @property
    def tz(self) -> dt.tzinfo:
        return self.project.tz


def parse_at(text: str | None, repo: Repo, after: dt.datetime | None = None) -> dt.datetime:
    """The time of a new update: ``--at`` (any accepted format, or ``HH:MM`` for today), else now.

    Now is cut to the minute, as writers write times, unless that would put the update
    before ``after`` (the last update), where the seconds are kept instead.
    """
    if text is None:
        minute = repo.now.replace(second=0, microsecond=0)
        return minute if after is None or minute >= after else repo.now
    named = _ABBREVIATION_RE.match(text.strip())
    if named and (named["abbr"].upper() in ("UTC", "Z") or _OFFSET_END_RE.search(named["time"])):
        named = None  # parse_time reads UTC and Z itself; an offset and a name together are refused by it
    if named:
        text = named["time"]
    clock = _CLOCK_RE.match(text.strip())
    try:
        if clock:
            today = repo.now.astimezone(repo.tz).date()
            moment = parse_time(f"{today.isoformat()} {int(clock[1]):02d}:{clock[2]}", repo.tz)
        else:
            moment = parse_time(text, repo.tz)
    except TimeError as err:
        raise Refused(f"--at: {err}", usage=True) from None
    if named:
        return _in_named_zone(moment, named["abbr"], repo)
    return moment


#: A time followed by a zone's abbreviation, as the page prints it: ``2026-11-27 10:20 CET``, ``10:20 CEST``.
_ABBREVIATION_RE = re.compile(r"^(?P<time>.*[0-9])\s+(?P<abbr>[A-Za-z]{2,5})$")
_OFFSET_END_RE = re.compile(r"(?:[+-][0-9]{2}:?[0-9]{2}|[0-9][Zz])$")


def _in_named_zone(moment: dt.datetime, abbr: str, repo: Repo) -> dt.datetime:
    """``moment``'s wall clock read in the page's zone, where that zone is called ``abbr`` then.

    Accepted only when the page's zone uses the abbreviation at that wall time (``CET`` in winter
    and ``CEST`` in summer for Europe/Berlin); in the hour that happens twice in autumn it says
    which of the two is meant. Any other zone's abbreviation is refused: abbreviations are
    ambiguous (IST, CST…), and the page's own is the one a writer copies from the page.
    """
    wall = moment.replace(tzinfo=None)
    for fold in (0, 1):
        candidate = wall.replace(tzinfo=repo.tz, fold=fold)
        if (candidate.tzname() or "").upper() == abbr.upper():
            return candidate.astimezone(dt.timezone(candidate.utcoffset() or dt.timedelta(0)))
    name = getattr(repo.tz, "key", str(repo.tz))
    raise Refused(f"--at: '{abbr}' is not what the page's timezone ({name}) is called at {wall:%Y-%m-%d %H:%M} "
                  f"(it is {wall.replace(tzinfo=repo.tz).tzname()} then); write the time without it, or with an "
                  "offset like +01:00", usage=True)


def parse_window(start: str | None, end: str | None, repo: Repo) -> Window | None:
    if start is None and end is None:
        return None
    if start is None or end is None:
        raise Refused("a maintenance window needs both --start and --end", usage=True)
    times = []
    for option, text in (("--start", start), ("--end", end)):
        try:
            times.append(parse_time(text, repo.tz))
        except TimeError as err:
            raise Refused(f"{option}: {err}", usage=True) from None
    if times[1] <= times[0]:
        raise Refused("the maintenance window ends before it starts: check --start and --end", usage=True)
    return Window(times[0], times[1])


def parse_status_option(word: str, option: str = "--status") -> Status:
    status = parse_status(word)
    if status is None:
        words = [s.value for s in Status]
        raise Refused(f"{option}: unknown status {unknown(word, words)}; use one of: {', '.join(words)}",
                      usage=True)
    return status


def parse_component_options(items: Sequence[str]) -> tuple[tuple[str, ComponentStatus], ...]:
    """``--component api=operational`` (repeated, or comma-separated) as the statuses an update sets.

    Only the words are checked here; whether each id is one of the incident's components is the
    checker's rule (E210), which the overlay of the written file applies.
    """
    found: dict[str, ComponentStatus] = {}
    for item in (part.strip() for text in items for part in text.split(",")):
        if not item:
            continue
        component_id, sep, word = item.partition("=")
        status = parse_component_status(word) if sep else None
        if not component_id.strip() or status is None:
            words = [s.value for s in ComponentStatus]
            what = f"unknown status {unknown(word.strip(), words)}" if sep and word.strip() else \
                f"'{item}' needs a status"
            raise Refused(f"--component: {what}; write ID=STATUS, e.g. api=operational, with one of: "
                          f"{', '.join(words)}", usage=True)
        found[component_id.strip()] = status
    return tuple(found.items())


def normalise_message(text: str) -> str:
    """Line ends to ``\\n`` and surrounding blank lines removed (how the file will hold it)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip("\n").rstrip()


def message_problem(message: str) -> str | None:
    """Why ``message`` cannot be one update's text, or ``None`` when it can.

    A line ``## …`` would start a new update, a ``# …`` heading is not allowed in incidents,
    and a code block left open would swallow the next update appended after it.
    """
    probe = f"---\n---\n\n## 2000-01-01 00:00 UTC — Investigating\n\n{message}\n\n## probe — probe\n\nx\n"
    raw, diagnostics = parse_incident(probe, "message")
    first_line = 6
    for d in diagnostics:
        if d.rule is rules.BAD_HEADING:
            line = probe.split("\n")[d.line - 1]
            return (f"line {d.line - first_line + 1} of the message, '{line.strip()}', is a level-1 heading: "
                    "use '###' for a heading inside a message")
    if len(raw.sections) > 2:
        extra = raw.sections[1]
        return (f"line {extra.line - first_line + 1} of the message, '## {extra.heading}', would start a new "
                "update: use '###' for a heading inside a message")
    if len(raw.sections) < 2:
        return ("the message opens a code block (``` or ~~~) that it never closes: close it, "
                "or the next update would be swallowed into it")
    return None


def checked_message(text: str) -> str:
    message = normalise_message(text)
    if not message.strip():
        raise Refused("empty message: nothing was written")
    problem = message_problem(message)
    if problem:
        raise Refused(f"{problem}; nothing was written")
    return message


@dataclass(frozen=True)
class Prompt:
    """What a message is asked for, so the editor's template can remind the writer."""

    heading: str
    """E.g. ``The new Identified update of incidents/2026-06-11-api-slow.md.``"""
    last: Update | None = None
    """The incident's latest update, shown for reference."""
    tz: dt.tzinfo = UTC


#: Asked for the message once the command knows it can proceed.
MessageSource = Callable[[Prompt], str]


def _encode_like(text: str, existing: bytes) -> bytes:
    """``text`` in the line-end convention of ``existing`` (CRLF when its first line ends so)."""
    first = existing.find(b"\n")
    crlf = first > 0 and existing[first - 1:first] == b"\r"
    return (text.replace("\n", "\r\n") if crlf else text).encode("utf-8")


def append_update(existing: bytes, update: Update, tz: dt.tzinfo) -> bytes:
    """``existing`` with one canonical update section appended; every existing byte kept."""
    section = canonical.update_section(update, tz)
    if existing and not existing.endswith((b"\n", b"\r")):
        section = "\n" + section
    return existing + _encode_like(section, existing)


@dataclass(frozen=True)
class NewIncident:
    title: str
    impact: Impact
    components: tuple[str, ...]
    status: Status | None
    at: str | None
    window: Window | None = None
    """Maintenance only: the planned window (``--start``/``--end``)."""
    component_status: Mapping[str, ComponentStatus] = field(default_factory=dict)
    """From a template: the statuses its components start with."""


def default_status(impact: Impact, window: Window | None) -> Status:
    if impact is Impact.MAINTENANCE:
        return Status.SCHEDULED if window else Status.IN_PROGRESS
    return Status.INVESTIGATING

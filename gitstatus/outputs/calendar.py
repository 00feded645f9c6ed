"""``maintenance.ics``: planned maintenance windows as an iCalendar (RFC 5545) subscription.

People subscribe once and see every announced window in their own calendar. The
encoder is small and written here (the format is simple, and its pitfalls are few and
tested): text escaping of backslash, semicolon, comma and newline, URIs percent-encoded,
lines folded at 75 octets without cutting a UTF-8 character, CRLF line ends, times in UTC.

Included: maintenance with a ``scheduled`` window that is upcoming or in progress, or
that ended within the last :data:`RECENT_DAYS` days. Every date comes from the content
(DTSTAMP is the incident's last activity), so the file changes only when a window does.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from urllib.parse import quote, urlsplit

from .. import routes
from ..model import Status
from ..state import IncidentState, Phase, SiteState
from ..templating import format_full
from ..words import status_label, t
from . import BuildContext, OutputFile
from .machine import activity_at, is_maintenance, utc_compact
from .plaintext import message_text

RECENT_DAYS = 90
"""Past windows stay in the calendar for this many days after they end."""

REFRESH = "PT1H"
"""How often subscribers are asked to refetch; the published page is rebuilt on a schedule anyway."""

LINE_LIMIT = 75
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")  # RFC 5545 TEXT allows no control character but tab


def escape_text(value: str) -> str:
    """A TEXT value: ``\\`` ``;`` ``,`` escaped, newlines as ``\\n``, other controls dropped."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _CONTROL.sub("", value)
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def uri(value: str) -> str:
    """A URI value (RFC 5545 3.3.13), which is not TEXT-escaped: every character a URI cannot hold
    (controls, spaces, quotes, non-ASCII) is percent-encoded, so no value can end its line."""
    return quote(value, safe="!#$%&'()*+,/:;=?@[]~")


def fold(line: str) -> list[str]:
    """One content line as physical lines of at most 75 octets each (continuations start with
    a space, which counts), never splitting a UTF-8 sequence."""
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    limit = LINE_LIMIT
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            pieces.append("".join(current))
            current, size, limit = [], 0, LINE_LIMIT - 1
        current.append(char)
        size += width
    pieces.append("".join(current))
    return [pieces[0], *(" " + p for p in pieces[1:])]


def content_lines(properties: Iterable[tuple[str, str]]) -> list[str]:
    lines: list[str] = []
    for name, value in properties:
        lines += fold(f"{name}:{value}")
    return lines


def in_calendar(state: IncidentState, now: dt.datetime) -> bool:
    window = state.incident.scheduled
    if not is_maintenance(state) or window is None:
        return False
    if state.phase is not Phase.PAST:
        return True
    ended = max(window.end, state.ended_at or window.end)
    return ended >= now - dt.timedelta(days=RECENT_DAYS)


def description(state: IncidentState, ctx: BuildContext, names: dict[str, str], url: str) -> str:
    """The latest update in plain text, then the window, the components and the link."""
    incident = state.incident
    tz = ctx.site.tz
    latest = state.last_update
    window = incident.scheduled
    assert window is not None
    span = t("time.range", start=format_full(window.start.astimezone(tz)), end=format_full(window.end.astimezone(tz)))
    automatic = "maintenance.automatic_started" if latest.status is Status.IN_PROGRESS \
        else "maintenance.automatic_completed"
    parts = [
        t("calendar.latest", status=status_label(latest.status), time=format_full(latest.at.astimezone(tz))),
        t(automatic) if latest.automatic else message_text(latest.message),
        t("calendar.window", window=span),
    ]
    if incident.components:
        parts.append(t("affected.list", components=", ".join(names.get(c, c) for c in incident.components)))
    parts.append(t("calendar.details", url=url))
    return "\n\n".join(p for p in parts if p)


def event(state: IncidentState, ctx: BuildContext, host: str, names: dict[str, str], now: dt.datetime) -> list[str]:
    incident = state.incident
    window = incident.scheduled
    assert window is not None
    url = ctx.url("incident", id=incident.id)
    changed = utc_compact(activity_at(state, now))
    return ["BEGIN:VEVENT", *content_lines([
        ("UID", escape_text(f"{incident.id}@{host}")),
        ("DTSTAMP", changed),
        ("CREATED", utc_compact(incident.updates[0].at)),
        ("LAST-MODIFIED", changed),
        ("SEQUENCE", str(len(incident.updates) - 1)),
        ("DTSTART", utc_compact(window.start)),
        ("DTEND", utc_compact(window.end)),
        ("SUMMARY", escape_text(t("calendar.summary", title=incident.title))),
        ("DESCRIPTION", escape_text(description(state, ctx, names, url))),
        ("URL", uri(url)),
        ("STATUS", "CANCELLED" if state.cancelled else "CONFIRMED"),
        ("TRANSP", "TRANSPARENT"),
        ("CATEGORIES", escape_text(t("calendar.category"))),
    ]), "END:VEVENT"]


def render(state: SiteState, ctx: BuildContext) -> list[OutputFile]:
    """The calendar file: every window in it, ordered by start, then id."""
    site = ctx.site
    host = urlsplit(ctx.base_url).hostname or "localhost"
    names = {c.id: c.name for c in state.page.components}
    chosen = sorted(
        (s for s in state.incidents if s.incident.scheduled is not None and in_calendar(s, state.now)),
        key=lambda s: (s.incident.scheduled.start if s.incident.scheduled else s.started_at, s.id),
    )
    name = t("calendar.name", site=site.title)
    lines = ["BEGIN:VCALENDAR", *content_lines([
        ("VERSION", "2.0"),
        ("PRODID", "-//gitstatus//Maintenance calendar//EN"),
        ("CALSCALE", "GREGORIAN"),
        ("METHOD", "PUBLISH"),
        ("NAME", escape_text(name)),
        ("X-WR-CALNAME", escape_text(name)),
        ("X-WR-CALDESC", escape_text(t("calendar.description", site=site.title, url=ctx.base_url))),
        ("REFRESH-INTERVAL;VALUE=DURATION", REFRESH),
        ("X-PUBLISHED-TTL", REFRESH),
    ])]
    for s in chosen:
        lines += event(s, ctx, host, names, state.now)
    lines.append("END:VCALENDAR")
    return [OutputFile(routes.path("calendar"), ("\r\n".join(lines) + "\r\n").encode("utf-8"))]

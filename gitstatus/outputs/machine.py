"""Shared by the machine-readable outputs (JSON API, feeds, badges, calendar).

Machines compare what they fetch with what they saw last time, so these outputs take
every date from the content (an update's time, a maintenance window opening or
closing) and never from the build clock: a scheduled rebuild with nothing new gives
the same bytes, and feed readers and caches see no false change.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Sequence

from ..model import Impact
from ..state import IncidentState, Phase, SiteState, remembered

UTC = dt.UTC

#: How many incidents Statuspage returns from its list endpoints and its feeds.
LIST_LIMIT = 50

# Characters XML 1.0 forbids anywhere, even escaped (C0 controls but tab/LF/CR, surrogates, U+FFFE/U+FFFF).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_escape(text: str) -> str:
    """``& < >`` escaped, as ``xml.sax.saxutils.escape`` does (which imports urllib, http and email for it)."""
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def xml_quoteattr(text: str) -> str:
    """An attribute value with its quotes, as ``xml.sax.saxutils.quoteattr`` writes it (same bytes)."""
    text = xml_escape(text).replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    if '"' not in text:
        return f'"{text}"'
    if "'" not in text:
        return f"'{text}'"
    return '"{}"'.format(text.replace('"', "&quot;"))


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def rfc822_gmt(moment: dt.datetime) -> str:
    """``Thu, 26 Nov 2026 14:48:00 GMT``, as ``email.utils.format_datetime(…, usegmt=True)`` writes it."""
    m = moment.astimezone(UTC)
    return (f"{_DAYS[m.weekday()]}, {m.day:02d} {_MONTHS[m.month - 1]} {m.year:04d} "
            f"{m.hour:02d}:{m.minute:02d}:{m.second:02d} GMT")


def xml_safe(text: str) -> str:
    """``text`` with the characters XML cannot carry removed, so one stray control byte
    in an incident file cannot make a whole feed unreadable."""
    return _XML_ILLEGAL.sub("", text)


def is_maintenance(state: IncidentState) -> bool:
    return state.incident.impact is Impact.MAINTENANCE


def activity_at(state: IncidentState, now: dt.datetime) -> dt.datetime:
    """The last moment this incident changed for a reader: its last update, its post-mortem, or a
    maintenance window that opened or closed on its own since then (both already past at ``now``)."""
    settled = state.__dict__.get("_activity")
    if settled is not None and now >= settled[0]:
        return settled[1]  # type: ignore[no-any-return]
    moments = [state.incident.last_update.at]
    if state.incident.postmortem is not None:
        moments.append(state.incident.postmortem.at)
    if state.phase is not Phase.UPCOMING and state.started_at <= now:
        moments.append(state.started_at)
    if state.ended_at is not None and state.ended_at <= now:
        moments.append(state.ended_at)
    since = max(state.started_at, state.ended_at or state.started_at)
    if state.phase is not Phase.UPCOMING and now >= since:  # both moments past: the same at any later now
        state.__dict__["_activity"] = (since, max(moments))
    return max(moments)


def by_activity(states: Iterable[IncidentState], now: dt.datetime) -> list[IncidentState]:
    """Newest activity first; ties broken by id so the order never depends on input order."""
    return sorted(states, key=lambda s: (activity_at(s, now), s.id), reverse=True)


def page_by_activity(state: SiteState) -> list[IncidentState]:
    """All the page's incidents by :func:`by_activity`, ordered once per state (the feeds ask twice)."""
    return remembered(state, "_by_activity", lambda: by_activity(state.incidents, state.now))


def page_updated_at(state: SiteState) -> dt.datetime:
    """When the page last changed: the latest activity of any incident.

    A page with no incident at all falls back to the latest component ``start_date`` (at
    midnight in the page's timezone) and, with none, to ``now``, which is an input of the
    build (``--now`` or SOURCE_DATE_EPOCH), so the output stays reproducible.
    """
    return remembered(state, "_updated_at", lambda: _page_updated_at(state))


def _page_updated_at(state: SiteState) -> dt.datetime:
    ordered = page_by_activity(state)  # newest activity first
    if ordered:
        return activity_at(ordered[0], state.now)
    starts = [midnight(c.start_date, state.page.site.tz) for c in state.page.components if c.start_date]
    past = [m for m in starts if m <= state.now]
    return max(past) if past else state.now


def midnight(day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0, 0), tz)


def newest(states: Sequence[IncidentState], limit: int = LIST_LIMIT) -> list[IncidentState]:
    """The first ``limit`` of a newest-first sequence."""
    return list(states[:limit])


def short_id(text: str, length: int = 12) -> str:
    """A Statuspage-shaped id (lowercase letters and digits) derived from ``text``: the same
    text gives the same id on every machine, and different texts practically never collide."""
    number = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest(), "big")
    alphabet = "0123456789abcdefghijklmnopqrstuvwxyz"
    chars = []
    for _ in range(length):
        number, digit = divmod(number, 36)
        chars.append(alphabet[digit])
    return "".join(chars)


def utc_compact(moment: dt.datetime) -> str:
    """``20261203T020000Z``: the UTC form of iCalendar DATE-TIME values."""
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def rfc3339_utc(moment: dt.datetime) -> str:
    """``2026-12-03T02:00:00Z``: Atom's date format, always in UTC."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

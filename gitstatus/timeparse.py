"""The time formats writers may use, and the one canonical form gitstatus writes.

Accepted: ``2026-06-11 14:02 UTC``, ``2026-06-11 14:02:30Z``, ``2026-06-11 19:32 +05:30``,
``2026-06-11T14:02:00+00:00`` and, with no zone at all, ``2026-06-11 14:02`` read in the
page's timezone. Every time leaves this module timezone-aware, and within :data:`EARLIEST` and
:data:`LATEST`: the pages, feeds, calendar and uptime bars compute with days around each time, and
Python's datetimes end at the years 1 and 9999, so a time at the edge of the calendar would
overflow far from where it was written. Refusing it here names the file, line and option.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
from collections.abc import Callable
from importlib import resources
from zoneinfo import ZoneInfo

from .errors import UsageError
from .rules import unknown

UTC = dt.UTC

_TIME_RE = re.compile(  # [0-9], not \d: \d also takes other scripts' digits, which int() reads but no one expects
    r"""^(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})[Tt ](?P<hour>[0-9]{2}):(?P<minute>[0-9]{2})(?::(?P<second>[0-9]{2}))?
        \s*(?P<zone>UTC|Z|[+-][0-9]{2}:?[0-9]{2})?$""",
    re.VERBOSE | re.IGNORECASE,
)

FORMAT_HINT = "write it as 'YYYY-MM-DD HH:MM UTC' (or with an offset like +02:00)"

EARLIEST = dt.datetime(1970, 1, 1, tzinfo=UTC)
"""The first moment gitstatus accepts: the Unix epoch, where SOURCE_DATE_EPOCH begins."""
LATEST = dt.datetime(9998, 12, 31, 23, 59, 59, tzinfo=UTC)
"""The last: a year before Python's datetimes end, so the arithmetic around a time (a day past
``now`` for the uptime bars, UTC offsets, the tolerance for clock drift) never overflows."""
RANGE_HINT = "gitstatus supports times from 1970-01-01 00:00 UTC to 9998-12-31 23:59 UTC"


class TimeError(UsageError, ValueError):
    """A time string that cannot be read; the message says why and how to write it.

    Reading a file, it becomes a diagnostic where it is caught. What reaches the command line
    came from it (``--at``, ``--now``) or from the environment (``SOURCE_DATE_EPOCH``): a usage
    error (exit status 2). It stays a ValueError for the parsers' callers.
    """


def parse_time(text: str, tz: dt.tzinfo) -> dt.datetime:
    """Read one time; a time without a zone is in ``tz``. Raises :class:`TimeError`."""
    match = _TIME_RE.match(text.strip())
    if not match:
        raise TimeError(f"'{text.strip()}' is not a time: {FORMAT_HINT}")
    try:
        day = dt.date.fromisoformat(match["date"])
        clock = dt.time(int(match["hour"]), int(match["minute"]), int(match["second"] or 0))
    except ValueError as err:
        raise TimeError(f"'{text.strip()}' is not a real time ({err})") from None
    zone = match["zone"]
    if zone is None:
        local = _in_range(dt.datetime.combine(day, clock, tz), text)
        if local.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != local.replace(tzinfo=None):
            raise TimeError(f"'{text.strip()}' does not exist in {tz}: the clocks skip it (summer time); "
                            "write the time with its UTC offset, e.g. '2026-03-29 03:30 +02:00'")
        # A fixed offset, not the zone: a wall time that happens twice (fold) compares unequal to every
        # time in another zone when it keeps a ZoneInfo (PEP 495). The first of the two is meant.
        return local.replace(tzinfo=dt.timezone(local.utcoffset() or dt.timedelta(0)))
    if zone.upper() in ("UTC", "Z"):
        tzinfo: dt.tzinfo = UTC
    else:
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:])
        if hours > 23 or minutes > 59:
            raise TimeError(f"'{text.strip()}' has an impossible offset {zone}")
        tzinfo = dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))
    return _in_range(dt.datetime.combine(day, clock, tzinfo), text)


def _in_range(moment: dt.datetime, text: str) -> dt.datetime:
    """``moment`` when it lies in the supported range; comparing aware times never overflows, converting might."""
    if not EARLIEST <= moment <= LATEST:
        raise TimeError(f"'{text.strip()}' is outside the supported range of times: {RANGE_HINT}; check the year")
    return moment


def format_time(moment: dt.datetime, tz: dt.tzinfo) -> str:
    """The canonical form: local to the page, seconds only when not zero.

    ``UTC`` when the offset is zero, ``+05:30`` otherwise, so the text is unambiguous
    even when read without the page's settings.
    """
    local = moment.astimezone(tz)
    text = local.strftime("%Y-%m-%d %H:%M")
    if local.second:
        text += local.strftime(":%S")
    return f"{text} {format_offset(local, zero='UTC')}"


def format_offset(local: dt.datetime, zero: str) -> str:
    """``+05:30`` or ``-04:00``; ``zero`` (``UTC``, ``Z``) when the offset is nil."""
    offset = local.utcoffset() or dt.timedelta(0)
    if not offset:
        return zero
    total = int(offset.total_seconds()) // 60
    sign = "-" if total < 0 else "+"
    hours, minutes = divmod(abs(total), 60)
    return f"{sign}{hours:02d}:{minutes:02d}"


NOT_A_PLACE = frozenset({"Factory"})
"""In tzdata, but the zone of no place: its times read '-00', never what a status page means."""


@functools.cache
def zone_names() -> frozenset[str]:
    """The timezone names gitstatus accepts: those of the tzdata package it depends on.

    IANA names, including the 'backward' links such as ``US/Pacific`` or ``Europe/Kiev`` (old
    names that tzdata keeps meaning the same place), but not what only some machines have:
    ``localtime`` (whatever the build machine is set to), ``posixrules``, ``posix/…``, ``right/…``.
    """
    text = resources.files("tzdata").joinpath("zones").read_text(encoding="utf-8")
    return frozenset(text.split()) - NOT_A_PLACE


class _PackagedZone(ZoneInfo):
    """A zone read from the tzdata package, pickled by name (worker processes load their own)."""

    def __reduce__(self) -> tuple[Callable[[str], ZoneInfo], tuple[str]]:
        return load_zone, (self.key,)


@functools.cache
def _packaged_zone(name: str) -> ZoneInfo:
    with resources.files("tzdata.zoneinfo").joinpath(*name.split("/")).open("rb") as handle:
        return _PackagedZone.from_file(handle, key=name)


def load_zone(name: str) -> ZoneInfo:
    """An IANA zone by name, from the tzdata package only. Raises :class:`TimeError` with a hint.

    Never from the machine's zone files (``ZoneInfo(name)`` would try /usr/share/zoneinfo and
    PYTHONTZPATH first): the same repo must give the same times, and so the same site, on any machine.
    """
    if name not in zone_names():
        raise TimeError(f"unknown timezone {unknown(name, zone_names())}: use an IANA name such "
                        "as 'UTC', 'Europe/Berlin' or 'America/New_York'")
    return _packaged_zone(name)


def resolve_now(option: str | None, tz: dt.tzinfo = UTC) -> dt.datetime:
    """The moment a run treats as "now": ``--now``, else SOURCE_DATE_EPOCH, else the clock.

    This is the only place that reads the clock; everything below takes ``now`` as an argument.
    """
    if option:
        return parse_time(option, tz)
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        return epoch_time(epoch)
    return dt.datetime.now(UTC).replace(microsecond=0)


def epoch_time(epoch: str) -> dt.datetime:
    """SOURCE_DATE_EPOCH's moment: ASCII digits only, as reproducible-builds.org specifies it.

    ``int()`` would also take ``-1``, ``1_000``, ``١٥`` and numbers beyond any date; each is refused
    with the variable's name, since no option on the command line is at fault.
    """
    if not re.fullmatch(r"[0-9]+", epoch):
        raise TimeError(f"SOURCE_DATE_EPOCH='{epoch}' is not a number of seconds since 1970-01-01 00:00 UTC: "
                        "use the digits 0-9 only, e.g. SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)")
    last = int(LATEST.timestamp())
    digits = epoch.lstrip("0") or "0"
    if len(digits) > len(str(last)) or int(digits) > last:  # int() refuses over 4300 digits: compare lengths first
        raise TimeError(f"SOURCE_DATE_EPOCH='{epoch}' is outside the supported range of times: {RANGE_HINT} "
                        f"(0 to {last} seconds)")
    return EARLIEST + dt.timedelta(seconds=int(digits))


def iso(moment: dt.datetime) -> str:
    """ISO 8601 with offset, as machine formats (API, feeds, ``<time datetime>``) want it."""
    return moment.isoformat()

"""Dates, times, durations and numbers as a language writes them, from CLDR through Babel.

A catalogue (``<language>.yaml``) holds sentences; how a language writes a date ("11. Juni
2026"), a clock time, a timezone's abbreviation ("MEZ"), a duration ("2 Std., 5 Min."), a
percentage ("99,93 %") or a relative day ("vor 90 Tagen") is CLDR's, which Babel ships, so
every language gets them right without a translator spelling them out. Everything is in the
page's timezone, and nothing depends on the build machine's locale: the same inputs build the
same bytes anywhere.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache

from babel import Locale
from babel.dates import format_date, format_skeleton, format_timedelta, get_timezone_name
from babel.numbers import format_percent
from babel.units import format_unit

from . import Words, babel_locale

#: A CLDR zone name that is only an offset (``+0100``, ``GMT+1``): the zone's own abbreviation says more.
_OFFSET = re.compile(r"^(?:GMT|UTC)?[+\-\u2212]\d")


class Formats:
    """One language's way of writing moments and amounts, in one timezone (a page's)."""

    def __init__(self, words: Words, tz: dt.tzinfo) -> None:
        self.words = words
        self.tz = tz
        self.locale: Locale = babel_locale(words.language)

    def local(self, moment: dt.datetime) -> dt.datetime:
        return moment.astimezone(self.tz)

    def date(self, day: dt.date) -> str:
        """``June 11, 2026``, ``11. Juni 2026``, ``2026年6月11日``: CLDR's long date."""
        return _date(day, self.locale)

    def month(self, day: dt.date) -> str:
        """``June 2026``, ``Juni 2026``: the month and year of a day."""
        return _skeleton("yMMMM", day.replace(day=1), self.locale)

    def zone(self, moment: dt.datetime) -> str:
        """The zone's short name in this language (``MEZ``, ``UTC``), or its own abbreviation (``CET``)
        where CLDR has only an offset."""
        return _zone(moment.tzinfo, moment.utcoffset(), moment.tzname() or "", self.locale)

    def clock(self, moment: dt.datetime) -> str:
        """``Jun 11, 14:02 UTC``: a moment of this year in the page's timezone, on a 24-hour clock."""
        local = self.local(moment)
        return self._glue(_skeleton("MMMd", local.date(), self.locale), local)

    def full(self, moment: dt.datetime) -> str:
        """``Jun 11, 2026, 14:02 UTC``, ``11. Juni 2026, 14:02 MEZ``."""
        local = self.local(moment)
        return self._glue(_skeleton("yMMMd", local.date(), self.locale), local)

    def _glue(self, day: str, local: dt.datetime) -> str:
        time = f"{_skeleton('Hm', dt.time(local.hour, local.minute), self.locale)} {self.zone(local)}"
        return _datetime_pattern(self.locale).replace("{1}", day).replace("{0}", time)

    def duration(self, span: dt.timedelta | None) -> str:
        """``2 hr, 5 min``, ``3 days, 4 hr``, ``under a minute``: CLDR's short units, at most two, days and hours
        or hours and minutes."""
        if span is None:
            return ""
        minutes = int(span.total_seconds() // 60)
        if minutes < 1:
            return self.words.t("duration.under_a_minute")
        days, rest = divmod(minutes, 1440)
        hours, minutes = divmod(rest, 60)
        parts = [_unit(days, "duration-day", self.locale)] if days else []
        if hours:
            parts.append(_unit(hours, "duration-hour", self.locale))
        if minutes and not days:
            parts.append(_unit(minutes, "duration-minute", self.locale))
        return parts[0] if len(parts) == 1 else _pair_pattern(self.locale).replace("{0}", parts[0]).replace(
            "{1}", parts[1])

    def percent(self, fraction: float) -> str:
        """``99.93%``, ``99,93 %``, ``%99,93``: a share floored to two decimals, so downtime never shows as 100."""
        floored = int(fraction * 10000) / 10000
        return _percent(floored, self.locale)

    def days_ago(self, days: int) -> str:
        """``90 days ago``, ``vor 90 Tagen``: CLDR's relative time, in days whatever the number."""
        return _days_ago(days, self.locale)


@cache
def _date(day: dt.date, locale: Locale) -> str:
    return str(format_date(day, "long", locale=locale))


@cache  # a page names the same days and minutes again and again; Babel's formatting costs ~20 µs a call
def _skeleton(skeleton: str, value: dt.date | dt.time, locale: Locale) -> str:
    """A day (or a clock time) by a CLDR skeleton: only what the skeleton names is read from ``value``."""
    return str(format_skeleton(skeleton, value, locale=locale))


@cache
def _zone(tz: dt.tzinfo | None, offset: dt.timedelta | None, abbreviation: str, locale: Locale) -> str:
    """A zone's short name; the arguments name one zone at one offset, so a page asks CLDR once for each."""
    moment = dt.datetime(2000, 1, 1, tzinfo=dt.timezone(offset or dt.timedelta(0))) if tz is None else None
    name = str(get_timezone_name(moment or _at_offset(tz, offset), "short", locale=locale))
    if abbreviation and (_OFFSET.match(name) or not name):
        return abbreviation
    return name


def _at_offset(tz: dt.tzinfo | None, offset: dt.timedelta | None) -> dt.datetime:
    """A moment of ``tz`` with ``offset`` (summer or winter time), for asking CLDR the zone's name then."""
    for month in (1, 7):
        moment = dt.datetime(2026, month, 15, 12, tzinfo=tz)
        if moment.utcoffset() == offset:
            return moment
    return dt.datetime(2026, 1, 15, 12, tzinfo=tz)


@cache
def _datetime_pattern(locale: Locale) -> str:
    """How a date ``{1}`` and a time ``{0}`` are joined: ``{1}, {0}`` in English, ``{1} {0}`` in Japanese."""
    return str(locale.datetime_formats["medium"])


@cache
def _unit(count: int, unit: str, locale: Locale) -> str:
    return str(format_unit(count, unit, length="short", locale=locale))


@cache
def _pair_pattern(locale: Locale) -> str:
    """How two units of one duration are joined (CLDR's short unit list, as the units are short: ``{0}, {1}``,
    ``{0} {1}``, ``{0} et {1}``). Babel leaves some locales' two-item pattern out, so its ``end`` stands in."""
    for style in ("unit-short", "unit", "unit-narrow"):
        try:
            patterns = locale.list_patterns[style]
        except KeyError:
            continue
        for key in ("2", "end"):
            pattern = patterns.get(key)
            if pattern and "{0}" in pattern and "{1}" in pattern:
                return str(pattern)
    return "{0} {1}"


@cache
def _percent(fraction: float, locale: Locale) -> str:
    pattern = str(locale.percent_formats[None].pattern)
    return str(format_percent(fraction, pattern.replace("#,##0", "#,##0.00", 1), locale=locale))


@cache
def _days_ago(days: int, locale: Locale) -> str:
    # A threshold no number of days reaches keeps the unit at days: "90 days ago", never "3 months ago".
    return str(format_timedelta(dt.timedelta(days=-days), granularity="day", threshold=10**9, add_direction=True,
                                locale=locale))

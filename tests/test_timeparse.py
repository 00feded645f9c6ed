"""The time formats writers may use, the canonical form gitstatus writes, and where "now" comes from."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gitstatus.timeparse import UTC, TimeError, format_time, iso, load_zone, parse_time, resolve_now

BERLIN = ZoneInfo("Europe/Berlin")
KOLKATA = ZoneInfo("Asia/Kolkata")
NEW_YORK = ZoneInfo("America/New_York")
MOMENT = dt.datetime(2026, 6, 11, 14, 2, tzinfo=UTC)


@pytest.mark.parametrize("text", [
    "2026-06-11 14:02 UTC",
    "2026-06-11 14:02 utc",
    "2026-06-11 14:02Z",
    "2026-06-11 14:02 Z",
    "2026-06-11T14:02Z",
    "2026-06-11t14:02z",
    "2026-06-11 14:02:00 UTC",
    "2026-06-11T14:02:00+00:00",
    "2026-06-11 16:02 +02:00",
    "2026-06-11 16:02 +0200",
    "2026-06-11T16:02+02:00",
    "2026-06-11 19:32 +05:30",
    "2026-06-11 10:02 -04:00",
    "  2026-06-11 14:02 UTC  ",
])
def test_accepted_formats_name_the_same_moment(text: str) -> None:
    parsed = parse_time(text, BERLIN)
    assert parsed == MOMENT
    assert parsed.tzinfo is not None


def test_seconds_are_kept() -> None:
    assert parse_time("2026-06-11 14:02:30Z", UTC) == MOMENT.replace(second=30)


@pytest.mark.parametrize("zone, expected_utc", [
    (UTC, dt.datetime(2026, 6, 11, 14, 2, tzinfo=UTC)),
    (BERLIN, dt.datetime(2026, 6, 11, 12, 2, tzinfo=UTC)),  # CEST, +02:00
    (KOLKATA, dt.datetime(2026, 6, 11, 8, 32, tzinfo=UTC)),  # +05:30
    (NEW_YORK, dt.datetime(2026, 6, 11, 18, 2, tzinfo=UTC)),  # EDT, -04:00
])
def test_a_time_without_zone_is_in_the_page_timezone(zone: dt.tzinfo, expected_utc: dt.datetime) -> None:
    parsed = parse_time("2026-06-11 14:02", zone)
    assert parsed == expected_utc
    assert parsed.utcoffset() == zone.utcoffset(parsed.replace(tzinfo=None))


def test_a_zoneless_winter_time_uses_the_winter_offset() -> None:
    assert parse_time("2026-01-11 14:02", BERLIN) == dt.datetime(2026, 1, 11, 13, 2, tzinfo=UTC)


@pytest.mark.parametrize("text, words", [
    ("", "is not a time"),
    ("yesterday", "is not a time: write it as 'YYYY-MM-DD HH:MM UTC'"),
    ("2026-06-11", "is not a time"),
    ("14:02 UTC", "is not a time"),
    ("11.06.2026 14:02", "is not a time"),
    ("2026-06-11 14:02 CEST", "is not a time"),
    ("2026-06-11 14:02 GMT+2", "is not a time"),
    ("2026-06-11 1:02 UTC", "is not a time"),
    ("2026-06-11 14:02:3 UTC", "is not a time"),
    ("2026-06-11 24:00 UTC", "is not a real time"),
    ("2026-06-11 14:60 UTC", "is not a real time"),
    ("2026-06-11 14:02:60 UTC", "is not a real time"),
    ("2026-02-29 14:02 UTC", "is not a real time"),
    ("2026-13-01 14:02 UTC", "is not a real time"),
    ("2026-06-11 14:02 +24:00", "impossible offset"),
    ("2026-06-11 14:02 +05:60", "impossible offset"),
])
def test_unreadable_times_say_why(text: str, words: str) -> None:
    with pytest.raises(TimeError) as caught:
        parse_time(text, UTC)
    assert words in str(caught.value)


def test_a_local_time_the_clocks_skip_is_refused() -> None:
    with pytest.raises(TimeError, match="'2026-03-29 02:30' does not exist in Europe/Berlin: the clocks skip it"):
        parse_time("2026-03-29 02:30", BERLIN)
    assert parse_time("2026-03-29 02:30 +01:00", BERLIN) == dt.datetime(2026, 3, 29, 1, 30, tzinfo=UTC)


def test_a_local_time_that_happens_twice_is_the_first() -> None:
    assert parse_time("2026-10-25 02:30", BERLIN) == dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # still +02:00
    assert parse_time("2026-10-25 02:30 +01:00", BERLIN) == dt.datetime(2026, 10, 25, 1, 30, tzinfo=UTC)


def test_leap_day_is_accepted() -> None:
    assert parse_time("2028-02-29 00:00 UTC", UTC).day == 29


@pytest.mark.parametrize("moment, zone, text", [
    (MOMENT, UTC, "2026-06-11 14:02 UTC"),
    (MOMENT.replace(second=30), UTC, "2026-06-11 14:02:30 UTC"),
    (MOMENT, BERLIN, "2026-06-11 16:02 +02:00"),
    (MOMENT, KOLKATA, "2026-06-11 19:32 +05:30"),
    (MOMENT, NEW_YORK, "2026-06-11 10:02 -04:00"),
    (dt.datetime(2026, 1, 11, 14, 2, tzinfo=UTC), BERLIN, "2026-01-11 15:02 +01:00"),
    (dt.datetime(2026, 6, 11, 23, 30, tzinfo=UTC), BERLIN, "2026-06-12 01:30 +02:00"),
    (dt.datetime(2026, 6, 11, 12, 0, tzinfo=ZoneInfo("Europe/London")), ZoneInfo("Europe/London"),
     "2026-06-11 12:00 +01:00"),
    (dt.datetime(2026, 1, 11, 12, 0, tzinfo=ZoneInfo("Europe/London")), ZoneInfo("Europe/London"),
     "2026-01-11 12:00 UTC"),
])
def test_canonical_form(moment: dt.datetime, zone: dt.tzinfo, text: str) -> None:
    assert format_time(moment, zone) == text


ZONES = st.sampled_from([UTC, BERLIN, KOLKATA, NEW_YORK, ZoneInfo("Australia/Lord_Howe"),
                         ZoneInfo("Pacific/Chatham"), ZoneInfo("America/St_Johns"), dt.timezone(dt.timedelta(hours=-11))])


@given(
    moment=st.datetimes(min_value=dt.datetime(1970, 1, 2), max_value=dt.datetime(2200, 1, 1),
                        timezones=st.just(UTC)).map(lambda d: d.replace(microsecond=0)),
    page=ZONES,
    reader=ZONES,
)
def test_canonical_form_reads_back_as_the_same_moment(moment: dt.datetime, page: dt.tzinfo, reader: dt.tzinfo) -> None:
    """Written in any page timezone (DST gaps and folds included), read in any other, it is the same instant."""
    assert parse_time(format_time(moment, page), reader) == moment


def test_iso_keeps_the_offset() -> None:
    assert iso(MOMENT.astimezone(BERLIN)) == "2026-06-11T16:02:00+02:00"


@pytest.mark.parametrize("name", ["UTC", "Europe/Berlin", "America/Argentina/Buenos_Aires", "Asia/Kolkata"])
def test_known_zones_load(name: str) -> None:
    assert str(load_zone(name)) == name


@pytest.mark.parametrize("name", ["", "Mars/Olympus", "Europe/Berln", "../../etc/passwd", "/etc/localtime",
                                  "Europe/../UTC", "CEST", "utc\x00"])
def test_unknown_zones_are_refused_with_a_hint(name: str) -> None:
    with pytest.raises(TimeError) as caught:
        load_zone(name)
    assert "use an IANA name such as 'UTC', 'Europe/Berlin'" in str(caught.value)


def test_now_option_wins_over_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    assert resolve_now("2026-06-11 14:02 UTC") == MOMENT


def test_zoneless_now_option_is_in_the_given_zone() -> None:
    assert resolve_now("2026-06-11 16:02", BERLIN) == MOMENT


def test_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(MOMENT.timestamp())))
    now = resolve_now(None)
    assert now == MOMENT and now.utcoffset() == dt.timedelta(0)


@pytest.mark.parametrize("value", ["yesterday", "1.5", "99999999999999999999"])
def test_bad_source_date_epoch_is_an_error(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    with pytest.raises(TimeError, match="SOURCE_DATE_EPOCH"):
        resolve_now(None)


def test_the_clock_is_read_only_without_option_or_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    before = dt.datetime.now(UTC).replace(microsecond=0)
    now = resolve_now(None)
    after = dt.datetime.now(UTC)
    assert before <= now <= after
    assert now.tzinfo is not None and now.microsecond == 0

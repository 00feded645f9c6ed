"""Every shipped catalogue is complete, and each language's dates, durations, numbers and plurals are CLDR's.

A catalogue is complete when it has exactly English's keys, each with English's placeholders,
and no plural form its language's rule can never pick; the comparison is a function tested on a
broken catalogue too, so it cannot pass by seeing nothing. Then, per locale, the formats a page
shows (words/locale.py), including a day on which Europe/Berlin leaves summer time.
"""

from __future__ import annotations

import datetime as dt
from importlib.resources import files
from zoneinfo import ZoneInfo

import pytest
from babel.numbers import format_decimal

from gitstatus.words import Words, babel_locale, catalogue, cldr_plural, direction
from gitstatus.words.catalogues import languages, spelled
from gitstatus.words.locale import Formats

ENGLISH = catalogue("en")
ENGLISH_SOURCE = files("gitstatus.words").joinpath("en.yaml").read_text(encoding="utf-8")
LANGUAGES = languages()
BERLIN = ZoneInfo("Europe/Berlin")


def catalogue_problems(words: Words, english: Words = ENGLISH) -> list[str]:
    """What keeps ``words`` from standing in for English: keys missing or added, placeholders that differ,
    plural forms the language's CLDR rule never picks, a ``meta.language`` that is not its tag."""
    problems = [f"missing '{k}'" for k in sorted(english.fields.keys() - words.fields.keys())]
    problems += [f"not in en.yaml: '{k}'" for k in sorted(words.fields.keys() - english.fields.keys())]
    for key in sorted(english.fields.keys() & words.fields.keys()):
        if words.fields[key] != english.fields[key]:
            problems.append(f"'{key}' takes {sorted(words.fields[key])}, en.yaml's takes {sorted(english.fields[key])}")
        value = words.texts[key]
        if not isinstance(value, str):
            tags = set(babel_locale(words.language).plural_form.tags) | {"other"}
            problems += [f"'{key}' has the form '{form}', which {words.language} never uses"
                         for form in sorted(set(value) - tags)]
    if words.texts.get("meta.language") != words.language:
        problems.append(f"meta.language is '{words.texts.get('meta.language')}', not '{words.language}'")
    return problems


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_catalogue_has_exactly_the_english_keys_and_placeholders(language: str) -> None:
    assert catalogue_problems(catalogue(language)) == []


def test_the_comparison_finds_a_missing_key_an_extra_key_a_changed_placeholder_and_a_dead_form() -> None:
    source = (ENGLISH_SOURCE.replace('nav.history: History\n', '')
              .replace('index.as_of: "As of {time}"', 'index.as_of: "As of {when}"')
              + 'nav.extra: Extra\n'
              + 'uptime.in_days:\n  one: "in {count} day"\n  few: "in {count} days"\n  other: "in {count} days"\n')
    source = source.replace('uptime.in_days:\n  one: "in {count} day"\n  other: "in {count} days"\n', '', 1)
    broken = Words.parse("en", source, "broken.yaml")
    assert catalogue_problems(broken) == [
        "missing 'nav.history'",
        "not in en.yaml: 'nav.extra'",
        "'index.as_of' takes ['when'], en.yaml's takes ['time']",
        "'uptime.in_days' has the form 'few', which en never uses",
    ]


def test_at_least_twelve_complete_languages_one_right_to_left_and_one_cjk() -> None:
    complete = [lang for lang in LANGUAGES if not catalogue_problems(catalogue(lang))]
    assert len(complete) >= 12, complete
    assert {"ar", "he"} & set(complete) and {"ja", "zh-Hans", "ko"} & set(complete)
    assert [lang for lang in complete if direction(lang) == "rtl"] == [lang for lang in ("ar", "he") if lang in complete]


def test_a_tag_is_found_in_any_letter_case() -> None:
    assert spelled("PT-br") == "pt-BR" and spelled("zh-hans") == "zh-Hans" and spelled("de") == "de"
    assert spelled("xx") is None and spelled("pt_BR") is None, "a BCP 47 tag is written with hyphens"


# --- CLDR per locale: dates, times, zones, durations, percentages, plurals ------------------------------------

MOMENT = dt.datetime(2026, 11, 26, 15, 0, tzinfo=dt.UTC)  # 16:00 in Berlin (winter time)
SPAN = dt.timedelta(hours=2, minutes=5)


@pytest.mark.parametrize(("language", "full", "day", "duration", "percent", "ago"), [
    ("en", "Nov 26, 2026, 16:00 CET", "November 26, 2026", "2 hr, 5 min", "99.93%", "90 days ago"),
    ("de", "26. Nov. 2026, 16:00 MEZ", "26. November 2026", "2 Std., 5 Min.", "99,93\xa0%", "vor 90 Tagen"),
    ("fr", "26 nov. 2026, 16:00 CET", "26 novembre 2026", "2\u202fh 5\xa0min", "99,93\xa0%", "il y a 90 jours"),
    ("ja", "2026年11月26日 16:00 CET", "2026年11月26日", "2 時間 5 分", "99.93%", "90 日前"),
    ("zh-Hans", "2026年11月26日 16:00 CET", "2026年11月26日", "2小时5分钟", "99.93%", "90天前"),
    ("ar", "26 نوفمبر 2026، 16:00 CET", "26 نوفمبر 2026", "2 س، و5 د", "99.93%", "قبل 90 يومًا"),
    ("tr", "26 Kas 2026 16:00 CET", "26 Kasım 2026", "2 sa. 5 dk.", "%99,93", "90 gün önce"),
])
def test_dates_durations_and_numbers_are_the_languages(language: str, full: str, day: str, duration: str,
                                                       percent: str, ago: str) -> None:
    if language not in LANGUAGES:
        pytest.skip(f"no catalogue of {language}")
    formats = Formats(catalogue(language), BERLIN)
    assert formats.full(MOMENT) == full
    assert formats.date(MOMENT.astimezone(BERLIN).date()) == day
    assert formats.duration(SPAN) == duration
    assert formats.percent(0.99936) == percent, "floored, never rounded up"
    assert formats.days_ago(90) == ago


def test_english_keeps_the_pages_formats() -> None:
    """The golden site's English: month names, 24-hour clock, the zone's own abbreviation."""
    formats = Formats(ENGLISH, dt.UTC)
    moment = dt.datetime(2026, 6, 11, 14, 2, tzinfo=dt.UTC)
    assert (formats.full(moment), formats.clock(moment)) == ("Jun 11, 2026, 14:02 UTC", "Jun 11, 14:02 UTC")
    assert (formats.date(moment.date()), formats.month(moment.date())) == ("June 11, 2026", "June 2026")
    assert formats.duration(dt.timedelta(seconds=59)) == "under a minute" and formats.duration(None) == ""
    assert formats.duration(dt.timedelta(days=3, hours=4, minutes=5)) == "3 days, 4 hr", "days leave out minutes"
    assert formats.percent(1.0) == "100.00%" and formats.percent(0.99999) == "99.99%"


def test_the_day_berlin_leaves_summer_time_shows_each_hour_with_its_own_zone() -> None:
    """2026-10-25: 02:00-03:00 happens twice in Berlin, first in summer time (MESZ), then in winter time (MEZ)."""
    formats = Formats(catalogue("de" if "de" in LANGUAGES else "en"), BERLIN)
    first = dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC)
    second = dt.datetime(2026, 10, 25, 1, 30, tzinfo=dt.UTC)
    if formats.words.language == "de":
        assert formats.full(first) == "25. Okt. 2026, 02:30 MESZ"
        assert formats.full(second) == "25. Okt. 2026, 02:30 MEZ"
        assert formats.clock(dt.datetime(2026, 10, 24, 22, 30, tzinfo=dt.UTC)) == "25. Okt., 00:30 MESZ"
    assert formats.duration(second - first) == formats.duration(dt.timedelta(hours=1)), \
        "a duration is the time that passed, not the difference of the wall clocks (both read 02:30)"
    english = Formats(ENGLISH, BERLIN)
    assert (english.full(first), english.full(second)) == ("Oct 25, 2026, 02:30 CEST", "Oct 25, 2026, 02:30 CET")
    assert english.date(first.astimezone(BERLIN).date()) == "October 25, 2026"
    assert english.clock(dt.datetime(2026, 10, 24, 22, 30, tzinfo=dt.UTC)) == "Oct 25, 00:30 CEST", \
        "the day is Berlin's, not UTC's (22:30 UTC is already the 25th there)"


@pytest.mark.parametrize(("language", "counts"), [
    ("en", {1: "one", 2: "other", 0: "other", 21: "other"}),
    ("de", {1: "one", 2: "other", 0: "other"}),
    ("fr", {0: "one", 1: "one", 2: "other", 1_000_000: "many"}),
    ("pl", {1: "one", 2: "few", 4: "few", 5: "many", 12: "many", 22: "few", 25: "many"}),
    ("uk", {1: "one", 21: "one", 3: "few", 11: "many", 5: "many"}),
    ("ar", {0: "zero", 1: "one", 2: "two", 3: "few", 11: "many", 100: "other"}),
    ("he", {1: "one", 2: "two", 3: "other"}),
    ("ja", {1: "other", 2: "other"}),
])
def test_plural_categories_are_cldrs(language: str, counts: dict[int, str]) -> None:
    rule = cldr_plural(language)
    assert {n: rule(n) for n in counts} == counts


@pytest.mark.parametrize("language", [lang for lang in ("pl", "uk", "ar", "en") if lang in LANGUAGES])
def test_a_catalogue_picks_its_form_by_the_languages_rule_and_writes_the_number_its_way(language: str) -> None:
    words = catalogue(language)
    rule = cldr_plural(language)
    for count in (1, 2, 5, 22, 1234):
        text = words.t("incidents.count", count=count)
        forms = words.texts["incidents.count"]
        assert not isinstance(forms, str)
        expected = forms.get(rule(count), forms["other"])
        assert text == expected.replace("{count}", str(format_decimal(count, locale=babel_locale(language))))


def test_whole_numbers_are_grouped_the_languages_way() -> None:
    assert ENGLISH.t("incidents.count", count=1234) == "1,234 incidents"
    if "de" in LANGUAGES:
        assert catalogue("de").t("incidents.count", count=1234).startswith("1.234 ")

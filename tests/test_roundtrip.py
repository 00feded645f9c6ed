"""Any incident written in the canonical form (canonical.incident_text) loads back equal.

Hypothesis builds whole incidents: titles with quotes, colons, hashes, YAML words and any
Unicode; component ids that YAML would otherwise convert; component_status overrides;
maintenance windows; update times in several timezones, written in a page timezone that may
not be UTC; and Markdown messages with paragraphs, sub-headings, lists, block quotes, inline
and fenced code (whose ``##`` lines must stay inside the message). The text goes through
the real decoder, loader and validator, and must come back as the same incident, and write
back to the same text.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from gitstatus.canonical import incident_text, yaml_scalar
from gitstatus.model import (
    MAINTENANCE_STATUSES,
    Component,
    ComponentStatus,
    Impact,
    Incident,
    Postmortem,
    Status,
    Update,
    Window,
)
from gitstatus.read import yamlnodes
from gitstatus.read.document import decode, parse_incident
from gitstatus.read.incident import validate_incident
from gitstatus.timeparse import UTC

PAGE_ZONES = [UTC, ZoneInfo("Europe/Berlin"), ZoneInfo("Asia/Kolkata"), ZoneInfo("America/St_Johns"),
              ZoneInfo("Australia/Lord_Howe"), ZoneInfo("Pacific/Chatham"), ZoneInfo("America/Los_Angeles")]
TIME_ZONES = st.sampled_from(PAGE_ZONES + [dt.timezone(dt.timedelta(hours=-9, minutes=-30)),
                                           dt.timezone(dt.timedelta(hours=13))])
NOW = dt.datetime(2100, 1, 1, tzinfo=UTC)
YAML_WORDS = ["no", "on", "off", "yes", "null", "true", "2026-06-11", "1e3", "0x1f", "012", "1-2", "nan"]

ids = st.one_of(st.sampled_from(YAML_WORDS), st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,2}", fullmatch=True))

# Titles: anything YAML can hold, as the validator leaves it (stripped, not empty).
title_chars = st.characters(blacklist_categories=("Cs",))
titles = st.one_of(
    st.text(title_chars, min_size=1, max_size=40),
    st.sampled_from(YAML_WORDS + ['API "slow"', "it's down", "Search: degraded", "#1 outage", "C# SDK broken",
                                  "a #b", "key: value", "ends with colon:", "- list", "[flow]", "{map}", "& anchor",
                                  "* alias", "! tag", "% directive", "@ at", "`tick`", "| block", "> folded",
                                  "'quoted'", '"double"', "back\\slash", "tab\there", "Ünïcödé — ok", "日本語の障害",
                                  "emoji 🚨", "NEL\x85x", "LS\u2028x", "zero\u200bwidth", "nbsp\xa0x", "del\x7fx",
                                  "bom\ufeffx", "nul\x00x", "bell\x07x", "line\nbreak", "---", "...", "~", "?"]),
).map(str.strip).filter(bool)

# Message building blocks. Plain lines never start with '#', '`', '~', '>' or spaces, so the
# blocks below decide exactly where headings, fences and quotes are.
word_chars = st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\x85")
words = st.text(word_chars, min_size=1, max_size=12).filter(lambda w: not w.isspace())
inline = st.one_of(words, words.map(lambda w: f"`{w}`"), words.map(lambda w: f"**{w}**"),
                   st.sampled_from(["[docs](https://docs.example.com/a_b?c=1#d)", "<https://example.com>",
                                    "## in a line", "a # b", "x: y", "50%", "\\", "&amp;", "<b>raw</b>", "`##`"]))
plain_line = st.lists(inline, min_size=1, max_size=5).map(" ".join).map(lambda s: "w " + s if s.lstrip()[:1] in
                                                                         "#`~>-+*=0123456789|" else s).map(str.rstrip)
paragraph = st.lists(plain_line, min_size=1, max_size=2).map("\n".join)
sub_heading = st.tuples(st.sampled_from(["###", "####", "######"]), plain_line).map(" ".join)
bullet_list = st.lists(plain_line, min_size=1, max_size=4).map(lambda items: "\n".join(f"- {i}" for i in items))
numbered = st.lists(plain_line, min_size=1, max_size=3).map(lambda items: "\n".join(f"{n}. {i}" for n, i in
                                                                                   enumerate(items, 1)))
quote = plain_line.map(lambda line: f"> ## {line}")
indented = plain_line.map(lambda line: f"    ## {line}")
CODE_LINES = ["## 2026-06-11 14:02 UTC — Resolved", "# a comment", "##2026-06-11 14:02 UTC — Investigating", "",
              "    indented", "``", "~~", "SELECT 1;"]


@st.composite
def fenced(draw: st.DrawFn) -> str:
    char = draw(st.sampled_from("`~"))
    length = draw(st.integers(3, 5))
    info = draw(st.sampled_from(["", "sh", "json", " python", "text {.x}"]))
    body = draw(st.lists(st.one_of(st.sampled_from(CODE_LINES), plain_line), max_size=5))
    other = "~~~" if char == "`" else "```"  # the other fence character never closes this block
    body += draw(st.lists(st.just(other), max_size=1))
    closing = char * draw(st.integers(length, length + 2))
    return "\n".join([char * length + info, *body, closing])


blocks = st.one_of(paragraph, paragraph, sub_heading, bullet_list, numbered, quote, fenced(), indented,
                   st.just("***"))
messages = st.lists(blocks, min_size=1, max_size=4).map("\n\n".join)


# Real instants (no DST-gap wall times), seen in one of several zones.
moments = st.tuples(st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2090, 1, 1),
                                 timezones=st.just(UTC)), TIME_ZONES).map(
    lambda pair: pair[0].replace(microsecond=0).astimezone(pair[1]))


@st.composite
def incidents(draw: st.DrawFn) -> tuple[Incident, tuple[Component, ...], dt.tzinfo]:
    known = draw(st.lists(ids, min_size=1, max_size=6, unique=True))
    components = tuple(Component(cid, f"Component {cid}") for cid in known)
    impact = draw(st.sampled_from(list(Impact)))
    listed = tuple(draw(st.lists(st.sampled_from(known), unique=True, max_size=len(known))))
    overrides = {cid: draw(st.sampled_from([s for s in ComponentStatus if s is not ComponentStatus.OPERATIONAL]))
                 for cid in draw(st.lists(st.sampled_from(listed), unique=True))} if listed else {}
    statuses = [s for s in Status if impact is Impact.MAINTENANCE or s not in MAINTENANCE_STATUSES]
    count = draw(st.integers(1, 4))
    times = sorted(draw(st.lists(moments, min_size=count, max_size=count)))
    chosen = [draw(st.sampled_from([s for s in statuses if not s.is_final])) for _ in range(count - 1)]
    announced = all(s is Status.SCHEDULED for s in chosen)  # only maintenance that never began may be cancelled
    chosen.append(draw(st.sampled_from([s for s in statuses if s is not Status.CANCELLED or announced])))
    steps = st.lists(st.tuples(st.sampled_from(listed), st.sampled_from(list(ComponentStatus))), unique_by=lambda x: x[0],
                     max_size=len(listed)) if listed else st.just([])
    moved = st.none() if impact is not Impact.MAINTENANCE else st.one_of(st.none(), st.builds(
        lambda start, hours: Window(start, start + dt.timedelta(hours=hours)), moments, st.integers(1, 48)))
    updates = tuple(Update(at, status, draw(messages), components=() if status.is_final else tuple(draw(steps)),
                           moved_from=draw(moved))
                    for at, status in zip(times, chosen, strict=True))
    window = None
    if impact is Impact.MAINTENANCE and draw(st.booleans()):  # announced ahead, as maintenance is (W104, E305)
        start = times[-1] + dt.timedelta(seconds=draw(st.integers(1, 86400)))
        window = Window(start, start + dt.timedelta(seconds=draw(st.integers(1, 3 * 86400))))
    postmortem = None
    if impact is not Impact.MAINTENANCE and chosen[-1].is_final and draw(st.booleans()):
        postmortem = Postmortem(times[-1] + dt.timedelta(seconds=draw(st.integers(0, 86400))), draw(messages))
    incident = Incident(id="2026-06-11-roundtrip", title=draw(titles), impact=impact, components=listed,
                        updates=updates, component_status=overrides, scheduled=window,
                        path="incidents/2026-06-11-roundtrip.md", postmortem=postmortem)
    return incident, components, draw(st.sampled_from(PAGE_ZONES))


def load_back(text: str, components: tuple[Component, ...], tz: dt.tzinfo) -> tuple[Incident | None, list[str]]:
    path = "incidents/2026-06-11-roundtrip.md"
    decoded, problems = decode(text.encode("utf-8"), path)
    assert decoded is not None and problems == []
    raw, problems = parse_incident(decoded, path)
    incident, more, _ = validate_incident(raw, {c.id: c for c in components}, tz)
    return incident, [f"{d.line}:{d.col}: {d.code} {d.text}" for d in problems + more]


def without_lines(incident: Incident) -> Incident:
    """The incident without line numbers, its times in UTC.

    Python compares two aware times in different zones as unequal when one falls in the hour a
    clock repeats in autumn (PEP 495), even when they are the same moment; in UTC they compare as moments.
    """
    def utc(moment: dt.datetime) -> dt.datetime:
        return moment.astimezone(UTC)

    window = incident.scheduled
    return dataclasses.replace(
        incident, updates=tuple(dataclasses.replace(u, line=0, at=utc(u.at), moved_from=Window(
            utc(u.moved_from.start), utc(u.moved_from.end)) if u.moved_from else None) for u in incident.updates),
        scheduled=Window(utc(window.start), utc(window.end)) if window else None,
        postmortem=dataclasses.replace(incident.postmortem, line=0, at=utc(incident.postmortem.at))
        if incident.postmortem else None)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(incidents())
@example((Incident(id="2026-06-11-roundtrip", title="Clocks go back", impact=Impact.MINOR, components=(),
                   updates=(Update(dt.datetime(2000, 10, 29, 0, 30, tzinfo=UTC), Status.INVESTIGATING, "Once."),
                            Update(dt.datetime(2000, 10, 29, 1, 30, tzinfo=UTC), Status.RESOLVED, "Twice.")),
                   path="incidents/2026-06-11-roundtrip.md"),
          (), ZoneInfo("Europe/Berlin")))  # 02:30 twice in Berlin: the hour the clock repeats
@example((Incident(id="2026-06-11-roundtrip", title="no", impact=Impact.MAINTENANCE, components=("no", "1e3"),
                   updates=(Update(dt.datetime(2026, 6, 11, 14, 2, tzinfo=UTC), Status.IN_PROGRESS,
                                   "    indented first line\n\n```\n## 2026-06-11 14:03 UTC — Completed\n```\n\n"
                                   "last line with a hard break  "),),
                   component_status={"no": ComponentStatus.MAJOR_OUTAGE},
                   scheduled=Window(dt.datetime(2026, 6, 11, 14, tzinfo=UTC), dt.datetime(2026, 6, 11, 15, tzinfo=UTC)),
                   path="incidents/2026-06-11-roundtrip.md"),
          (Component("no", "Norway"), Component("1e3", "Thousand")), ZoneInfo("Asia/Kolkata")))
def test_canonical_text_loads_back_equal(case: tuple[Incident, tuple[Component, ...], dt.tzinfo]) -> None:
    incident, components, tz = case
    text = incident_text(incident, tz)
    loaded, problems = load_back(text, components, tz)
    assert problems == [], f"{problems}\n--- text ---\n{text}"
    assert loaded is not None
    assert without_lines(loaded) == without_lines(incident)
    assert incident_text(loaded, tz) == text  # writing it again changes nothing


@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=30))
def test_yaml_scalar_reads_back_as_the_same_string(text: str) -> None:
    node, problems = yamlnodes.parse(f"title: {yaml_scalar(text)}\n", "f.md", 2)
    assert problems == []
    assert node is not None and isinstance(node.value, dict)
    assert (node.value["title"].value or "") == text

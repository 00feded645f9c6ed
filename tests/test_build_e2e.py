"""``gitstatus build`` end to end: the real CLI on fixture status repos, asserting on parsed HTML.

One fixture repo (``SITE``) in Europe/Berlin, built once per module at a fixed ``--now``, is
read by most tests: the sections of the front page and their order, the past days, the incident
pages, the history, the links and the sitemap. Small repos built per test cover the banner and
component statuses for each impact, the command's options, its exit codes and its summary line.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import difflib
import hashlib
import os
import re
import xml.etree.ElementTree as ET
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from .conftest import build, built_site, incident, run_cli, run_gitstatus, site_files, write_tree
from .htmlparse import Element, html_files, is_relative, local_target, parse_file, url_values

NOW = "2026-06-15 12:00 UTC"  # 14:00 CEST in Berlin
BASE = "https://status.fixture.test/"

COMPONENTS = """\
site:
  title: Fixture Status
  url: https://status.fixture.test/
  description: Status of the fixture services
  timezone: Europe/Berlin
  past_days: 5
components:
  - id: website
    name: Website
    description: The marketing site
  - id: api
    name: API
    group: Core
  - id: dashboard
    name: Dashboard
    group: Core
  - id: auth
    name: Login
    group: Core
  - id: email
    name: Email
    group: Integrations
  - id: webhooks
    name: Webhooks
    group: Integrations
  - id: billing
    name: Billing
"""


SITE: dict[str, str] = {
    "components.yaml": COMPONENTS,
    # active, major; dashboard overridden to degraded performance
    "incidents/2026-06-15-api-errors.md": incident(
        "API errors", "major", "[api, dashboard]",
        ("2026-06-15 10:00 UTC", "Investigating", "We are investigating errors on the API."),
        ("2026-06-15 11:30 UTC", "Identified", "A bad deploy causes the errors; we are rolling it back."),
        extra="component_status: {dashboard: degraded_performance}\n",
    ),
    # active maintenance: its window contains now and work has begun
    "incidents/2026-06-15-billing-upgrade.md": incident(
        "Billing upgrade", "maintenance", "[billing]",
        ("2026-06-10 09:00 UTC", "Scheduled", "We will upgrade the billing system."),
        ("2026-06-15 11:00 UTC", "In progress", "The upgrade has started."),
        extra="scheduled: {start: 2026-06-15 11:00 UTC, end: 2026-06-15 13:00 UTC}\n",
    ),
    # upcoming maintenance
    "incidents/2026-06-22-website-move.md": incident(
        "Website move", "maintenance", "[website]",
        ("2026-06-14 09:00 UTC", "Scheduled", "We will move the website to new servers."),
        extra="scheduled: {start: 2026-06-22 02:00 UTC, end: 2026-06-22 04:00 UTC}\n",
    ),
    # 23:30 UTC on June 13 is 01:30 on June 14 in Berlin
    "incidents/2026-06-13-email-delays.md": incident(
        "Email delays", "minor", "[email]",
        ("2026-06-13 23:30 UTC", "Investigating", "Emails are delayed."),
        ("2026-06-14 00:15 UTC", "Monitoring", "A fix is deployed; we are watching the queues."),
        ("2026-06-14 01:00 UTC", "Resolved", "All delayed emails have been sent."),
    ),
    "incidents/2026-06-12-login-outage.md": incident(
        "Login outage", "critical", "[auth, dashboard]",
        ("2026-06-12 08:00 UTC", "Investigating", "Nobody can log in."),
        ("2026-06-12 09:10 UTC", "Resolved", "Logins work again."),
    ),
    # the first of the five days, by Berlin's clock (01:30 on June 11)
    "incidents/2026-06-10-webhooks-late.md": incident(
        "Webhooks late", "minor", "[webhooks]",
        ("2026-06-10 23:30 UTC", "Investigating", "Webhooks arrive late."),
        ("2026-06-11 00:30 UTC", "Resolved", "Webhooks are on time again."),
    ),
    # 23:00 on June 10 in Berlin: a day before the front page's window
    "incidents/2026-06-10-website-slow.md": incident(
        "Website slow", "minor", "[website]",
        ("2026-06-10 21:00 UTC", "Investigating", "The website is slow."),
        ("2026-06-10 21:30 UTC", "Resolved", "The website is fast again."),
    ),
    # maintenance whose window lapsed without a final update: past, shown as completed
    "incidents/2026-06-01-database-maintenance.md": incident(
        "Database maintenance", "maintenance", "[api]",
        ("2026-05-28 09:00 UTC", "Scheduled", "The database will be upgraded."),
        ("2026-06-01 02:00 UTC", "In progress", "The upgrade has started."),
        extra="scheduled: {start: 2026-06-01 02:00 UTC, end: 2026-06-01 03:00 UTC}\n",
    ),
    # 22:30 UTC on May 31 is June 1 in Berlin: it belongs to June's history page
    "incidents/2026-05-31-api-blip.md": incident(
        "API blip", "minor", "[api]",
        ("2026-05-31 22:30 UTC", "Investigating", "A few API requests failed."),
        ("2026-05-31 22:45 UTC", "Resolved", "Requests succeed again."),
    ),
    "incidents/2026-05-20-dashboard-down.md": incident(
        "Dashboard down", "major", "[dashboard]",
        ("2026-05-20 10:00 UTC", "Investigating", "The dashboard does not load."),
        ("2026-05-20 11:00 UTC", "Resolved", "The dashboard loads again."),
    ),
    # a year earlier
    "incidents/2025-06-10-old-outage.md": incident(
        "Old outage", "critical", "[api]",
        ("2025-06-10 14:00 UTC", "Investigating", "The API is down."),
        ("2025-06-10 16:05 UTC", "Resolved", "The API is back."),
    ),
}
SITE_IDS = sorted(p[len("incidents/"):-len(".md")] for p in SITE if p.startswith("incidents/"))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture repo built once into ``<tmp>/out``."""
    return built_site(tmp_path_factory.mktemp("berlin"), SITE, NOW)


@pytest.fixture(scope="module")
def index(site: Path) -> Element:
    return parse_file(site / "index.html")


def incident_href(incident_id: str) -> Callable[[Element], bool]:
    return lambda e: e.tag == "a" and urlsplit(e.attrs.get("href", "")).path.endswith(f"incidents/{incident_id}.html")


def linked_ids(element: Element) -> list[str]:
    """The incidents linked from ``element``, in document order, each once."""
    ids: list[str] = []
    for a in element.find_all("a"):
        match = re.search(r"incidents/([a-z0-9-]+)\.html$", urlsplit(a.attrs.get("href", "")).path)
        if match and match[1] not in ids:
            ids.append(match[1])
    return ids


def section(doc: Element, heading: str) -> Element:
    """The ``<section>`` whose own heading reads ``heading``."""
    found = [
        s for s in doc.find_all("section")
        if (h := s.find(where=lambda e: e.tag in ("h1", "h2"))) is not None and h.text == heading
    ]
    assert len(found) == 1, f"expected one section headed {heading!r}, found {len(found)}"
    return found[0]


def position(doc: Element, element: Element) -> int:
    return next(n for n, e in enumerate(doc.iter()) if e is element)


def parse_time(element: Element) -> dt.datetime:
    value = element.attrs["datetime"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?([+-]\d\d:\d\d|Z)", value), value
    moment = dt.datetime.fromisoformat(value)
    assert moment.utcoffset() is not None
    return moment


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


# --- the front page --------------------------------------------------------------------------------

def test_index_sections_in_order(index: Element) -> None:
    main = index.one("main")
    banner = main.one(class_="banner")
    parts = [section(main, h) for h in ("Active incidents", "Scheduled maintenance", "Components", "Past incidents")]
    places = [position(main, banner), *(position(main, p) for p in parts)]
    assert places == sorted(places), "banner, active, maintenance, components, past incidents, in that order"
    history = [a for a in parts[-1].find_all("a")
               if local_target("index.html", a.attrs["href"]) == "history/index.html"]
    assert history, "the past incidents section ends with a link to the history"
    assert position(main, history[-1]) > max(position(main, d) for d in parts[-1].find_all(class_="day"))


def test_index_banner_names_the_worst_active_impact(index: Element) -> None:
    banner = index.one(class_="banner")
    assert banner.modifier("banner") == "major"  # major beats the maintenance in progress
    assert banner.find(where=lambda e: e.tag in ("h1", "h2")).text == "Partial System Outage"
    as_of = banner.one("time")
    assert parse_time(as_of) == utc("2026-06-15T12:00")
    assert "CEST" in as_of.text


def test_index_active_incidents(index: Element) -> None:
    active = section(index, "Active incidents")
    assert linked_ids(active) == ["2026-06-15-api-errors", "2026-06-15-billing-upgrade"], "worst first: major before maintenance"
    card = next(a for a in active.find_all("article") if a.find(where=incident_href("2026-06-15-api-errors")))
    assert any(c.endswith("--major") for c in card.classes), "the card carries its impact colour"
    assert "API errors" in card.text
    assert "Affected: API, Dashboard" in card.text
    assert "A bad deploy causes the errors" in card.text, "the latest update is shown"
    assert "We are investigating errors" not in card.text, "only the latest update"
    assert [parse_time(t) for t in card.find_all("time")] == [utc("2026-06-15T11:30")]
    assert card.one(class_="status-word").text == "Identified"


def test_index_scheduled_maintenance(index: Element) -> None:
    upcoming = section(index, "Scheduled maintenance")
    assert linked_ids(upcoming) == ["2026-06-22-website-move"]
    assert [parse_time(t) for t in upcoming.find_all("time")] == [utc("2026-06-22T02:00"), utc("2026-06-22T04:00")]
    assert "Website" in upcoming.text
    assert "We will move the website" in upcoming.text


def component_rows(doc: Element) -> dict[str, tuple[str, str | None]]:
    """Component name → (status text, status modifier), groups excluded."""
    rows = {}
    for li in section(doc, "Components").find_all("li", class_="component"):
        status = li.one(class_="component__status")
        rows[li.one(class_="component__name").own_text()] = (status.text, status.modifier("component__status"))
    return rows


def group_rows(doc: Element) -> dict[str, tuple[str, str | None, list[str]]]:
    """Group name → (status text, status modifier, member names)."""
    groups = {}
    for li in section(doc, "Components").find_all("li", class_="component-group"):
        members = li.find_all("li", class_="component")
        def own(e: Element, members: list[Element] = members) -> bool:
            return not any(m is e or m in e.ancestors() for m in members)

        statuses = [e for e in li.find_all(class_="component__status") if own(e)]
        names = [e for e in li.find_all(class_="component__name") if own(e)]
        assert len(statuses) == 1 and len(names) == 1
        groups[names[0].own_text()] = (statuses[0].text, statuses[0].modifier("component__status"),
                                 [m.one(class_="component__name").own_text() for m in members])
    return groups


def test_index_components_and_groups(index: Element) -> None:
    assert component_rows(index) == {
        "Website": ("Operational", "operational"),
        "API": ("Partial outage", "partial_outage"),
        "Dashboard": ("Degraded performance", "degraded_performance"),  # component_status override
        "Login": ("Operational", "operational"),
        "Email": ("Operational", "operational"),
        "Webhooks": ("Operational", "operational"),
        "Billing": ("Under maintenance", "under_maintenance"),
    }
    assert group_rows(index) == {
        "Core": ("Partial outage", "partial_outage", ["API", "Dashboard", "Login"]),
        "Integrations": ("Operational", "operational", ["Email", "Webhooks"]),
    }
    names = [e.own_text() for e in section(index, "Components").find_all(class_="component__name")]
    assert names == ["Website", "Core", "API", "Dashboard", "Login", "Integrations", "Email", "Webhooks", "Billing"], \
        "components.yaml's order, each group shown together where its first member is"
    descriptions = section(index, "Components").find_all(class_="component__description")
    assert [d.text for d in descriptions] == ["The marketing site"]


def day_blocks(doc: Element) -> list[tuple[dt.date, list[str], bool]]:
    """(date, linked incident ids, says "No incidents reported.") for each day block."""
    days = []
    for block in section(doc, "Past incidents").find_all(class_="day"):
        heading = block.one(where=lambda e: e.tag in ("h3", "h4"))
        date = dt.datetime.strptime(heading.text, "%B %d, %Y").date()
        days.append((date, linked_ids(block), "No incidents reported." in block.text))
    return days


def test_index_past_days_newest_first_in_the_page_timezone(index: Element) -> None:
    assert day_blocks(index) == [
        (dt.date(2026, 6, 15), ["2026-06-15-billing-upgrade", "2026-06-15-api-errors"], False),
        (dt.date(2026, 6, 14), ["2026-06-13-email-delays"], False),  # 23:30 UTC is the next day in Berlin
        (dt.date(2026, 6, 13), [], True),
        (dt.date(2026, 6, 12), ["2026-06-12-login-outage"], False),
        (dt.date(2026, 6, 11), ["2026-06-10-webhooks-late"], False),
    ]
    past = section(index, "Past incidents")
    assert "2026-06-10-website-slow" not in linked_ids(past), "23:00 on June 10 in Berlin is before the five days"
    assert "2026-06-22-website-move" not in linked_ids(past), "upcoming maintenance is not a past incident"


def test_index_past_day_lines_show_status_time_and_duration(index: Element) -> None:
    past = section(index, "Past incidents")
    line = next(li for li in past.find_all("li") if li.find(where=incident_href("2026-06-13-email-delays")))
    assert line.one(class_="status-word").text == "Resolved"
    assert parse_time(line.one("time")) == utc("2026-06-13T23:30")
    assert "CEST" in line.one("time").text
    assert "1 hr, 30 min" in line.text
    assert "Email" in line.text


# --- banner and component statuses for each impact (small repos on the default components) ----------

RESOLVED = incident("Old", "critical", "[api, dashboard, website]",
                    ("2026-06-01 10:00 UTC", "Investigating", "Down."), ("2026-06-01 11:00 UTC", "Resolved", "Up."))
UPCOMING = incident("Later", "maintenance", "[website]", ("2026-06-15 09:00 UTC", "Scheduled", "Soon."),
                    extra="scheduled: {start: 2026-06-20 02:00 UTC, end: 2026-06-20 03:00 UTC}\n")


def active(impact: str, components: str, extra: str = "") -> str:
    if impact == "maintenance":
        return incident("Work", "maintenance", components, ("2026-06-15 11:00 UTC", "In progress", "Working."),
                        extra=extra + "scheduled: {start: 2026-06-15 11:00 UTC, end: 2026-06-15 14:00 UTC}\n")
    return incident(f"Active {impact}", impact, components, ("2026-06-15 11:30 UTC", "Investigating", "Looking."),
                    extra=extra)


@pytest.mark.parametrize(("incidents", "indicator", "text"), [
    ({"old": RESOLVED, "later": UPCOMING}, "none", "All Systems Operational"),
    ({"a": active("minor", "[api]")}, "minor", "Minor Service Outage"),
    ({"a": active("major", "[api]")}, "major", "Partial System Outage"),
    ({"a": active("critical", "[api]")}, "critical", "Major System Outage"),
    ({"a": active("maintenance", "[api]")}, "maintenance", "Service Under Maintenance"),
    ({"a": active("maintenance", "[api]"), "b": active("critical", "[website]")}, "critical", "Major System Outage"),
    ({"a": active("minor", "[]"), "b": active("major", "[]"), "c": active("maintenance", "[]")},
     "major", "Partial System Outage"),
], ids=["none", "minor", "major", "critical", "maintenance-only", "critical-beats-maintenance", "worst-of-three"])
def test_banner_follows_the_worst_active_impact(
    make_repo: Callable[..., Path], tmp_path: Path, incidents: dict[str, str], indicator: str, text: str
) -> None:
    root = make_repo({f"incidents/2026-06-15-{name}.md": body for name, body in incidents.items()})
    result = build(root, tmp_path / "out", now=NOW)
    assert result.exit_code == 0, result.output
    banner = parse_file(tmp_path / "out" / "index.html").one(class_="banner")
    assert banner.modifier("banner") == indicator
    assert banner.find(where=lambda e: e.tag in ("h1", "h2")).text == text


@pytest.mark.parametrize(("impact", "label", "value"), [
    ("minor", "Degraded performance", "degraded_performance"),
    ("major", "Partial outage", "partial_outage"),
    ("critical", "Major outage", "major_outage"),
    ("maintenance", "Under maintenance", "under_maintenance"),
])
def test_component_status_per_impact(
    make_repo: Callable[..., Path], tmp_path: Path, impact: str, label: str, value: str
) -> None:
    root = make_repo({"incidents/2026-06-15-a.md": active(impact, "[api]"), "incidents/2026-06-01-old.md": RESOLVED})
    assert build(root, tmp_path / "out", now=NOW).exit_code == 0
    doc = parse_file(tmp_path / "out" / "index.html")
    assert component_rows(doc) == {
        "API": (label, value), "Dashboard": ("Operational", "operational"), "Website": ("Operational", "operational"),
    }
    assert group_rows(doc)["Core"][:2] == (label, value), "a group shows its worst member's status"


def test_component_status_overrides_and_worst_of_several_incidents(
    make_repo: Callable[..., Path], tmp_path: Path
) -> None:
    root = make_repo({
        "incidents/2026-06-15-a.md": active("critical", "[api, dashboard]",
                                            extra="component_status: {api: degraded_performance}\n"),
        "incidents/2026-06-15-b.md": active("minor", "[website]",
                                            extra="component_status: {website: partial_outage}\n"),
        "incidents/2026-06-15-c.md": active("maintenance", "[website]"),
    })
    assert build(root, tmp_path / "out", now=NOW).exit_code == 0
    doc = parse_file(tmp_path / "out" / "index.html")
    assert component_rows(doc) == {
        "API": ("Degraded performance", "degraded_performance"),
        "Dashboard": ("Major outage", "major_outage"),
        "Website": ("Partial outage", "partial_outage"),  # an outage outranks maintenance on the same component
    }
    assert group_rows(doc)["Core"] == ("Major outage", "major_outage", ["API", "Dashboard"])


def test_no_active_incidents_means_no_active_section(make_repo: Callable[..., Path], tmp_path: Path) -> None:
    root = make_repo({"incidents/2026-06-01-old.md": RESOLVED})
    assert build(root, tmp_path / "out", now=NOW).exit_code == 0
    doc = parse_file(tmp_path / "out" / "index.html")
    headings = [h.text for h in doc.one("main").find_all("h2")]
    assert "Active incidents" not in headings and "Scheduled maintenance" not in headings
    assert [d for d in day_blocks(doc) if not d[2]] == [], "June 1 is before the 7 days: every day is empty"
    assert len(day_blocks(doc)) == 7


# --- incident pages --------------------------------------------------------------------------------

def facts(doc: Element) -> dict[str, Element]:
    dl = doc.one("dl")
    return {dt_.text: dd for dt_, dd in zip(dl.find_all("dt"), dl.find_all("dd"), strict=True)}


def timeline(doc: Element) -> list[tuple[str, dt.datetime, str]]:
    items = doc.one(class_="timeline").find_all("li")
    return [(li.one(class_="status-word").text, parse_time(li.one("time")), li.one(class_="message").text)
            for li in items]


def test_incident_page_resolved(site: Path) -> None:
    doc = parse_file(site / "incidents" / "2026-06-13-email-delays.html")
    assert doc.one("h1").text == "Email delays"
    assert doc.one("title").text.startswith("Email delays")
    badge = doc.one("main").one(where=lambda e: e.modifier("badge") is not None)
    assert (badge.modifier("badge"), badge.text) == ("minor", "Minor")
    fields = facts(doc)
    assert fields["Status"].text == "Resolved"
    assert fields["Affected"].text == "Email"
    assert parse_time(fields["Started"].one("time")) == utc("2026-06-13T23:30")
    assert fields["Started"].text == "Jun 14, 2026, 01:30 CEST"  # the page's timezone, with its abbreviation
    assert parse_time(fields["Resolved"].one("time")) == utc("2026-06-14T01:00")
    assert fields["Duration"].text == "1 hr, 30 min"
    assert timeline(doc) == [  # newest first
        ("Resolved", utc("2026-06-14T01:00"), "All delayed emails have been sent."),
        ("Monitoring", utc("2026-06-14T00:15"), "A fix is deployed; we are watching the queues."),
        ("Investigating", utc("2026-06-13T23:30"), "Emails are delayed."),
    ]


def test_incident_page_active(site: Path) -> None:
    doc = parse_file(site / "incidents" / "2026-06-15-api-errors.html")
    fields = facts(doc)
    assert "Identified" in fields["Status"].text
    assert fields["Affected"].text == "API, Dashboard"
    assert "Resolved" not in fields and "Duration" not in fields, "an active incident has no end yet"
    assert [t[0] for t in timeline(doc)] == ["Identified", "Investigating"]


def test_incident_page_lapsed_maintenance_is_completed(site: Path) -> None:
    doc = parse_file(site / "incidents" / "2026-06-01-database-maintenance.html")
    fields = facts(doc)
    assert fields["Status"].text == "Completed"
    assert parse_time(fields["Started"].one("time")) == utc("2026-06-01T02:00")
    ended = fields.get("Completed") or fields["Resolved"]
    assert parse_time(ended.one("time")) == utc("2026-06-01T03:00"), "the window's end"
    assert fields["Duration"].text == "1 hr"
    assert [t[0] for t in timeline(doc)] == ["Completed", "In progress", "Scheduled"]  # an automatic "Completed"


def test_incident_times_carry_their_offset(site: Path) -> None:
    for page in (site / "incidents").glob("*.html"):
        for time in parse_file(page).find_all("time"):
            parse_time(time)
            assert re.search(r"\b(CEST|CET)$", time.text), f"{page.name}: {time.text!r} names the page's zone"


# --- history ---------------------------------------------------------------------------------------

MONTHS = {
    "2026-06": ["2026-06-15-billing-upgrade", "2026-06-15-api-errors", "2026-06-13-email-delays",
                "2026-06-12-login-outage", "2026-06-10-webhooks-late", "2026-06-10-website-slow",
                "2026-06-01-database-maintenance", "2026-05-31-api-blip"],
    "2026-05": ["2026-05-20-dashboard-down"],
    "2025-06": ["2025-06-10-old-outage"],
}


def test_history_index_lists_months_newest_first(site: Path) -> None:
    doc = parse_file(site / "history" / "index.html")
    main = doc.one("main")
    months = [local_target("history/index.html", a.attrs["href"]) for a in main.find_all("a")]
    months = [m for m in months if m and re.fullmatch(r"history/\d{4}-\d\d\.html", m)]
    assert months == [f"history/{key}.html" for key in MONTHS]
    texts = [a.text for a in main.find_all("a") if re.search(r"\d{4}-\d\d\.html$", a.attrs["href"])]
    assert texts == ["June 2026", "May 2026", "June 2025"]


def test_month_pages_list_their_incidents_newest_first(site: Path) -> None:
    for key, ids in MONTHS.items():
        doc = parse_file(site / "history" / f"{key}.html")
        assert linked_ids(doc.one("main")) == ids, key
    assert "2026-06-22-website-move" not in {i for ids in MONTHS.values() for i in ids}


def test_month_pages_link_to_newer_and_older_months(site: Path) -> None:
    def pager(key: str) -> dict[str, str | None]:
        links = parse_file(site / "history" / f"{key}.html").find_all("a", where=lambda e: "rel" in e.attrs)
        return {a.attrs["rel"]: local_target(f"history/{key}.html", a.attrs["href"]) for a in links}

    assert pager("2026-06") == {"next": "history/2026-05.html"}
    assert pager("2026-05") == {"prev": "history/2026-06.html", "next": "history/2025-06.html"}
    assert pager("2025-06") == {"prev": "history/2026-05.html"}


def crawl(site: Path, start: str = "index.html") -> set[str]:
    """Every HTML page reachable from ``start`` by following relative links."""
    seen, queue = {start}, deque([start])
    while queue:
        page = queue.popleft()
        for element in parse_file(site / page).iter():
            for _, url in url_values(element):
                target = local_target(page, url) if is_relative(url) else None
                if target and target.endswith(".html") and target not in seen and (site / target).is_file():
                    seen.add(target)
                    queue.append(target)
    return seen


def test_every_page_is_reachable_from_the_front_page(site: Path) -> None:
    reachable = crawl(site)
    assert "incidents/2025-06-10-old-outage.html" in reachable, "a year-old incident is reachable through the history"
    pages = {p.relative_to(site).as_posix() for p in html_files(site)}
    assert pages - reachable == {"404.html"}


def test_incident_breadcrumb_links_to_its_month(site: Path) -> None:
    for incident_id, month in (("2026-05-31-api-blip", "2026-06"), ("2025-06-10-old-outage", "2025-06")):
        page = f"incidents/{incident_id}.html"
        targets = {local_target(page, a.attrs["href"]) for a in parse_file(site / page).one("main").find_all("a")}
        assert f"history/{month}.html" in targets


# --- links -----------------------------------------------------------------------------------------

def links(site: Path) -> Iterator[tuple[str, Element, str, str]]:
    """(page, element, attribute, URL) for every URL attribute of every HTML page."""
    for path in html_files(site):
        page = path.relative_to(site).as_posix()
        for element in parse_file(path).iter():
            for attribute, url in url_values(element):
                yield page, element, attribute, url


def test_every_relative_link_resolves_to_a_file(site: Path) -> None:
    broken = []
    for page, element, attribute, url in links(site):
        if page == "404.html" or not is_relative(url):
            continue
        target = local_target(page, url)
        if not urlsplit(url).path:
            fragment = urlsplit(url).fragment
            if fragment and parse_file(site / page).find(id=fragment) is None:
                broken.append(f"{page}: {attribute}={url!r} names no element")
            continue
        if target is None or not (site / target).is_file():
            broken.append(f"{page}: <{element.tag} {attribute}={url!r}> → {target}")
    assert broken == []


@pytest.mark.parametrize("base", [
    "https://status.example.com/", "https://acme.github.io/status/", "file:///srv/www/site/",
])
def test_links_work_at_a_root_under_a_path_and_from_disk(site: Path, base: str) -> None:
    """Resolved the way a browser does from each place the site may live, every link stays inside it."""
    broken = []
    for page, _element, _attribute, url in links(site):
        if page == "404.html" or not is_relative(url):
            continue
        resolved = urlsplit(urljoin(base + page, url))
        home = urlsplit(base)
        inside = (resolved.scheme, resolved.netloc) == home[:2] and resolved.path.startswith(home.path)
        target = resolved.path[len(home.path):]
        if not inside or not (site / (target or "index.html")).is_file():
            broken.append(f"{page}: {url!r} → {resolved.geturl()}")
    assert broken == []


def test_no_absolute_urls_except_canonical(site: Path) -> None:
    found = []
    for page, element, attribute, url in links(site):
        if page == "404.html":
            continue
        if is_relative(url):
            continue
        if element.tag == "link" and element.attrs.get("rel") == "canonical":
            assert url == BASE + page, "the canonical URL is the page's own address"
            continue
        found.append(f"{page}: <{element.tag} {attribute}={url!r}>")
    assert found == [], "pages link and load relatively; nothing is requested from another host"


def test_404_links_are_root_relative_to_the_base_path(make_repo: Callable[..., Path], tmp_path: Path) -> None:
    root = make_repo({"incidents/2026-06-01-old.md": RESOLVED})
    for base, prefix in (("https://acme.github.io/status", "/status/"), (None, "/")):
        out = tmp_path / ("project" if base else "domain")
        assert build(root, out, *(["--base-url", base] if base else []), now=NOW).exit_code == 0
        doc = parse_file(out / "404.html")
        urls = [url for e in doc.iter() for _, url in url_values(e) if not url.startswith("#")]
        assert urls, "the 404 page links back to the site"
        for url in urls:
            assert url.startswith(prefix) and not url.startswith("//"), url
            assert (out / urlsplit(url).path[len(prefix):]).is_file(), url
        assert doc.find("link", where=lambda e: e.attrs.get("rel") == "canonical") is None


# --- sitemap ---------------------------------------------------------------------------------------

def test_sitemap_lists_index_history_and_every_incident(site: Path) -> None:
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    urlset = ET.parse(site / "sitemap.xml").getroot()
    assert urlset.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    locs = [loc.text for loc in urlset.findall("s:url/s:loc", ns)]
    assert len(locs) == len(set(locs))
    expected = {BASE + "index.html", BASE + "history/index.html", BASE + "subscribe.html"}
    expected |= {BASE + f"history/{key}.html" for key in MONTHS}
    expected |= {BASE + f"incidents/{i}.html" for i in SITE_IDS}
    assert set(locs) == expected
    for url in urlset.findall("s:url", ns):
        lastmod = url.find("s:lastmod", ns)
        if lastmod is not None:
            dt.date.fromisoformat(lastmod.text or "")
    for loc in locs:
        assert (site / loc[len(BASE):]).is_file()


# --- the command: summary, exit codes, options -----------------------------------------------------

def test_summary_line_and_default_out(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"incidents/2026-06-01-old.md": RESOLVED})
    result = run_cli("build", "--root", root, "--now", NOW)
    assert result.exit_code == 0, result.output
    out = root / "site"
    written = sum(1 for p in out.rglob("*") if p.is_file())
    pages = sum(1 for p in out.rglob("*.html") if p.is_file())
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    match = re.fullmatch(
        r"Built (\d+) pages and (\d+) other files into (.+) in (\d+\.\d+) s \(1 incident\)\. Open (.+)", lines[0])
    assert match, lines[0]
    assert int(match[1]) == pages
    assert int(match[1]) + int(match[2]) == written
    assert Path(match[3]) == out
    assert Path(match[5]) == out / "index.html"
    assert result.stderr == ""


def test_out_elsewhere(make_repo: Callable[..., Path], tmp_path: Path) -> None:
    root = make_repo({"incidents/2026-06-01-old.md": RESOLVED})
    out = tmp_path / "deploy" / "nested" / "public"
    result = build(root, out, now=NOW)
    assert result.exit_code == 0, result.output
    assert (out / "index.html").is_file() and (out / "incidents" / "2026-06-01-old.html").is_file()
    assert not (root / "site").exists()
    assert sorted(p.name for p in out.parent.iterdir()) == ["public"], "no temporary folder is left beside it"


def test_without_a_base_url_the_build_fails_and_writes_nothing(make_repo: Callable[..., Path], tmp_path: Path) -> None:
    root = make_repo({"incidents/2026-06-01-old.md": RESOLVED},
                     components="site:\n  title: No URL\ncomponents:\n  - id: api\n    name: API\n")
    root.joinpath("incidents/2026-06-01-old.md").write_text(RESOLVED.replace("[api, dashboard, website]", "[api]"))
    out = tmp_path / "public" / "site"
    result = build(root, out, now=NOW)
    assert result.exit_code == 1
    assert "--base-url" in result.stderr and "url:" in result.stderr
    assert "Traceback" not in result.output
    assert not out.parent.exists(), "not even the parent folder is created"

    result = build(root, out, "--base-url", "https://status.example.org/status", now=NOW)
    assert result.exit_code == 0, result.output
    assert parse_file(out / "index.html").one("link", where=lambda e: e.attrs.get("rel") == "canonical") \
        .attrs["href"] == "https://status.example.org/status/index.html"


def test_base_url_option_overrides_site_url(site: Path, tmp_path: Path) -> None:
    root = site.parent / "repo"
    out = tmp_path / "out"
    assert build(root, out, "--base-url", "https://other.example/page/", now=NOW).exit_code == 0
    sitemap = (out / "sitemap.xml").read_text()
    assert "https://other.example/page/incidents/2026-06-12-login-outage.html" in sitemap
    assert BASE not in sitemap
    for path in html_files(out):
        assert BASE.encode() not in path.read_bytes(), path


@pytest.mark.parametrize("url", ["ftp://example.com/", "status.example.com", "https://", "https:///path"])
def test_bad_base_url_is_refused(make_repo: Callable[..., Path], tmp_path: Path, url: str) -> None:
    root = make_repo({"incidents/2026-06-01-old.md": RESOLVED})
    result = build(root, tmp_path / "out", "--base-url", url, now=NOW)
    assert result.exit_code == 1
    assert "base-url" in result.stderr and url in result.stderr
    assert not (tmp_path / "out").exists()


def test_usage_errors_exit_2(make_repo: Callable[..., Path], tmp_path: Path) -> None:
    root = make_repo({"incidents/2026-06-01-old.md": RESOLVED})
    assert build(tmp_path / "nowhere", tmp_path / "out", now=NOW).exit_code == 2
    assert build(root, tmp_path / "out", now="yesterday").exit_code == 2
    assert build(root, tmp_path / "out", "--jobs", "0", now=NOW).exit_code == 2
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("where", [".", "incidents", "theme", ".."])
def test_refuses_to_replace_the_status_repo(make_repo: Callable[..., Path], where: str) -> None:
    """The output folder is replaced as a whole: it must never be (or contain) the status repo."""
    root = make_repo({"incidents/2026-06-01-old.md": RESOLVED, "theme/static/extra.css": "p {}\n"})
    before = sorted(p.relative_to(root.parent).as_posix() for p in root.parent.rglob("*"))
    result = build(root, root / where, now=NOW)
    assert result.exit_code == 2
    assert "refusing to build into" in result.stderr
    assert "Traceback" not in result.output
    assert sorted(p.relative_to(root.parent).as_posix() for p in root.parent.rglob("*")) == before


@pytest.mark.parametrize("marker", [".git", "components.yaml"])
def test_refuses_to_replace_a_checkout_or_another_status_repo(
    make_repo: Callable[..., Path], tmp_path: Path, marker: str
) -> None:
    root = make_repo({"incidents/2026-06-01-old.md": RESOLVED})
    marker_file = f"{marker}/HEAD" if marker == ".git" else marker
    other = write_tree(tmp_path / "other", {marker_file: "x\n", "notes.txt": "mine\n"})
    result = build(root, other, now=NOW)
    assert result.exit_code == 2
    assert "refusing to build into" in result.stderr
    assert sorted(p.name for p in other.iterdir()) == sorted([marker, "notes.txt"])


# --- determinism -----------------------------------------------------------------------------------

def assert_same_site(built: Path, expected: Path) -> None:
    """Byte-for-byte equal folders; on failure, the first difference as a readable diff."""
    a, b = site_files(built), site_files(expected)
    assert sorted(a) == sorted(b)
    differing = [path for path in a if a[path] != b[path]]
    if differing:
        diff = difflib.unified_diff(b[differing[0]].decode(errors="replace").splitlines(),
                                    a[differing[0]].decode(errors="replace").splitlines(), lineterm="", n=1)
        pytest.fail(f"{len(differing)} files differ, e.g. {differing[0]}:\n" + "\n".join(list(diff)[:40]))


@pytest.fixture
def reference(site: Path, tmp_path: Path) -> tuple[Path, Path]:
    """The fixture repo and a fresh build of it made by this test (not the module's, which may be older)."""
    root = site.parent / "repo"
    assert build(root, tmp_path / "reference", now=NOW).exit_code == 0
    return root, tmp_path / "reference"


def test_two_builds_are_byte_identical(reference: tuple[Path, Path], tmp_path: Path) -> None:
    root, first = reference
    assert build(root, tmp_path / "again", now=NOW).exit_code == 0
    assert_same_site(tmp_path / "again", first)
    assert build(root, tmp_path / "again", now=NOW).exit_code == 0, "rebuilding over an existing site"
    assert_same_site(tmp_path / "again", first)


def test_builds_do_not_depend_on_hash_seeds_or_the_machine_zone(reference: tuple[Path, Path], tmp_path: Path) -> None:
    root, first = reference
    for seed, zone in (("0", "UTC"), ("1", "America/New_York"), ("4242", "Asia/Kolkata")):
        out = tmp_path / f"seed-{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed, "TZ": zone, "LC_ALL": "C"}
        env.pop("SOURCE_DATE_EPOCH", None)
        done = run_gitstatus("build", "--root", root, "--out", out, "--now", NOW, env=env, timeout=120)
        assert done.returncode == 0, done.stderr
        assert_same_site(out, first)


def test_source_date_epoch_stands_for_now(reference: tuple[Path, Path], tmp_path: Path) -> None:
    root, first = reference
    epoch = int(utc("2026-06-15T12:00").timestamp())
    result = build(root, tmp_path / "sde", now=None, env={"SOURCE_DATE_EPOCH": str(epoch)})
    assert result.exit_code == 0, result.output
    assert_same_site(tmp_path / "sde", first)
    later = build(root, tmp_path / "later", now=None, env={"SOURCE_DATE_EPOCH": str(epoch + 3600)})
    assert later.exit_code == 0
    assert site_files(tmp_path / "later") != site_files(first), "the epoch is really used"


def many_incidents(count: int) -> dict[str, str]:
    """``count`` resolved incidents spread over the last few years, with a little Markdown each."""
    files = {"components.yaml": COMPONENTS}
    impacts = ("minor", "major", "critical")
    components = ("[api]", "[dashboard, api]", "[email]", "[website]", "[]")
    for n in range(count):
        start = dt.datetime(2026, 6, 14, 12, tzinfo=dt.UTC) - dt.timedelta(hours=5 * n + n % 3)
        end = start + dt.timedelta(minutes=20 + n % 90)
        files[f"incidents/{start:%Y-%m-%d}-incident-{n}.md"] = incident(
            f"Incident number {n}", impacts[n % 3], components[n % 5],
            (f"{start:%Y-%m-%d %H:%M} UTC", "Investigating",
             f"Investigating **case {n}**: `code` and a [link](https://example.com/{n})."),
            (f"{end:%Y-%m-%d %H:%M} UTC", "Resolved", f"Resolved.\n\n- item {n}\n- item {n + 1}\n"),
        )
    return files


def test_process_pool_output_matches_a_single_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from gitstatus import project as units

    # incident pages are rendered in the Project's pool (as they are validated); enough for several chunks, one partial
    count = max(units.POOL_THRESHOLD, 2 * units.CHUNK) + 1
    root = write_tree(tmp_path / "repo", many_incidents(count))
    pools: list[str] = []

    real_pool = concurrent.futures.ProcessPoolExecutor  # project.py imports it when it needs a pool

    def counting(module: str) -> type:
        class CountingPool(real_pool):  # type: ignore[misc,valid-type]
            def __init__(self, *args: object, **kwargs: object) -> None:
                pools.append(module)
                super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        return CountingPool

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", counting("units"))
    one = build(root, tmp_path / "one", "--jobs", "1", now=NOW)
    assert one.exit_code == 0, one.output
    assert pools == [], "--jobs 1 renders in this process"
    two = build(root, tmp_path / "two", "--jobs", "2", "--no-cache", now=NOW)  # the cache would make it all free
    assert two.exit_code == 0, two.output
    assert pools, f"{count} incidents are enough to use a pool"
    files = site_files(tmp_path / "one")
    assert sum(1 for p in files if p.startswith("incidents/")) == count
    assert_same_site(tmp_path / "two", tmp_path / "one")


# --- atomicity -------------------------------------------------------------------------------------

def snapshot(folder: Path) -> dict[str, str]:
    """Every file and folder under ``folder`` with the SHA-256 of its bytes (folders: "dir")."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
        for p in sorted(folder.rglob("*"))
    }


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, Path]:
    """A small repo and its site in ``<tmp>/public/site``, the site's parent holding nothing else."""
    root = write_tree(tmp_path / "repo", {
        "components.yaml": COMPONENTS,
        "incidents/2026-06-12-login-outage.md": SITE["incidents/2026-06-12-login-outage.md"],
        "incidents/2026-06-13-email-delays.md": SITE["incidents/2026-06-13-email-delays.md"],
    })
    out = tmp_path / "public" / "site"
    assert build(root, out, now=NOW).exit_code == 0
    return root, out


def test_a_failing_build_leaves_the_old_site_untouched(built: tuple[Path, Path]) -> None:
    root, out = built
    before = snapshot(out.parent)
    (root / "incidents" / "2026-06-14-broken.md").write_text(
        incident("Broken", "severe", "[api]", ("2026-06-14 10:00 UTC", "Fixd", "Oops.")))
    result = build(root, out, now=NOW)
    assert result.exit_code == 1
    assert re.search(r"incidents/2026-06-14-broken\.md:\d+:\d+: E109 unknown impact 'severe'", result.stdout)
    assert re.search(r"incidents/2026-06-14-broken\.md:\d+:\d+: E204 unknown status 'Fixd'", result.stdout)
    assert str(out) in result.stderr and "left as it was" in result.stderr
    assert snapshot(out.parent) == before, "same files, same bytes, nothing beside it"


@pytest.mark.parametrize("interruption", [OSError(28, "No space left on device"), KeyboardInterrupt()],
                         ids=["disk-full", "interrupt"])
def test_an_interrupted_write_leaves_the_old_site_untouched(
    built: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, interruption: BaseException
) -> None:
    root, out = built
    before = snapshot(out.parent)
    (root / "incidents" / "2026-06-13-email-delays.md").unlink()
    calls: list[Path] = []
    real = Path.write_bytes

    def failing_write(self: Path, data: bytes) -> int:
        calls.append(self)
        if len(calls) == 5:
            raise interruption
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", failing_write)
    result = build(root, out, now=NOW)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    if isinstance(interruption, KeyboardInterrupt):
        assert "Aborted" in result.stderr  # click's answer to Ctrl-C
    else:
        assert "No space left" in result.stderr and "left as it was" in result.stderr
    assert len(calls) == 5
    monkeypatch.undo()
    assert snapshot(out.parent) == before


def test_a_deleted_incident_disappears(built: tuple[Path, Path]) -> None:
    root, out = built
    assert (out / "incidents" / "2026-06-13-email-delays.html").is_file()
    (root / "incidents" / "2026-06-13-email-delays.md").unlink()
    assert build(root, out, now=NOW).exit_code == 0
    assert not (out / "incidents" / "2026-06-13-email-delays.html").exists()
    for path in [*html_files(out), out / "sitemap.xml"]:
        assert b"2026-06-13-email-delays" not in path.read_bytes(), path
    assert sorted(p.name for p in out.parent.iterdir()) == ["site"]

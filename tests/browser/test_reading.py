"""What a reader sees and does in Chromium: the front page, an incident, the history, the network."""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import Locator, Page, expect
from pytest_playwright.pytest_playwright import CreateContextCallback

from .conftest import watch
from .fixture_repo import CRITICAL, LONG, LONG_TITLE, PAST_DAYS, UPCOMING, YEAR_AGO


def section(page: Page, heading: str) -> Locator:
    """The front page's <section> labelled by the heading ``heading``."""
    return page.locator("section", has=page.locator(f"h2:text-is('{heading}')"))


def test_index_banner_active_incidents_components_and_past_days(page: Page, site_url: str) -> None:
    page.goto(site_url)
    banner = page.locator(".banner")
    expect(banner).to_have_class(re.compile(r"\bbanner--critical\b"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Major System Outage")

    active = section(page, "Active incidents")
    expect(active.locator("article h3")).to_have_text(["Checkout unavailable", LONG_TITLE])  # worst first
    expect(active.locator("article").nth(0)).to_have_class(re.compile(r"incident-card--critical"))
    expect(active.locator("article").nth(0)).to_contain_text("Update 20 of 20")
    expect(section(page, "Scheduled maintenance").locator("article h3")).to_have_text(["Database upgrade"])

    statuses = dict(section(page, "Components").locator("li.component").evaluate_all(
        """rows => rows.map(r => [r.querySelector('.component__name').firstChild.textContent.trim(),
                                  r.querySelector('.component__status').textContent.trim()])"""))
    assert statuses["Checkout"] == "Major outage"
    assert statuses["API"] == "Major outage"
    assert statuses["Europe West (Dublin)"] == "Degraded performance"
    assert statuses["Webhooks"] == "Operational"
    assert statuses["Dashboard"] == "Operational", "upcoming maintenance does not touch a component"
    assert len(statuses) == 15

    days = section(page, "Past incidents").locator(".day")
    expect(days).to_have_count(PAST_DAYS)
    dates = [dt.datetime.strptime(d, "%B %d, %Y").date() for d in days.locator("h3").all_inner_texts()]
    assert dates == [dt.date(2026, 6, 15) - dt.timedelta(days=n) for n in range(PAST_DAYS)], "newest first"
    expect(days.nth(2)).to_have_text(re.compile(r"June 13, 2026\s+No incidents reported\."))
    expect(days.nth(1).locator(".incident-line__title")).to_have_text(["Webhook deliveries delayed", "Slow logins"])


def test_clicking_an_active_incident_opens_its_full_timeline_newest_first(page: Page, site_url: str) -> None:
    page.goto(site_url)
    section(page, "Active incidents").get_by_role("link", name="Checkout unavailable", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/incidents/{CRITICAL}\.html$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Checkout unavailable")
    items = page.locator("ol.timeline > li")
    expect(items).to_have_count(20)
    stamps = items.locator("time").evaluate_all("ts => ts.map(t => t.getAttribute('datetime'))")
    moments = [dt.datetime.fromisoformat(s) for s in stamps]
    assert moments == sorted(moments, reverse=True) and len(set(moments)) == 20
    expect(items.first).to_contain_text("Update 20 of 20")
    expect(items.last).to_contain_text("Update 1 of 20")
    expect(items.last.locator(".status-word")).to_have_text("Investigating")


def test_history_reaches_an_incident_from_a_year_earlier(page: Page, site_url: str) -> None:
    page.goto(site_url)
    page.get_by_role("navigation", name="Site").get_by_role("link", name="History").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Incident history")
    expect(page.locator("main ul.months a")).to_have_text(["June 2026", "March 2026", "June 2025"])
    page.get_by_role("link", name="March 2026").click()
    page.get_by_role("link", name=re.compile("June 2025")).click()  # the month pager, one step older
    expect(page.get_by_role("heading", level=1)).to_have_text("June 2025")
    page.get_by_role("link", name="Object storage unavailable").click()
    expect(page).to_have_url(re.compile(rf"/incidents/{YEAR_AGO}\.html$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Object storage unavailable")
    expect(page.locator(".facts")).to_contain_text("2 hr, 30 min")


def test_no_console_errors_no_failed_requests_and_no_other_host(
    new_context: CreateContextCallback, site_url: str,
) -> None:
    context = new_context()
    traffic = watch(context, site_url)
    page = context.new_page()
    for path in ("", f"incidents/{LONG}.html", f"incidents/{CRITICAL}.html", f"incidents/{UPCOMING}.html",
                 "history/index.html", "history/2026-06.html", "404.html"):
        page.goto(site_url + path)
        page.wait_for_load_state("load")
        expect(page.locator("main")).to_be_visible()
    assert traffic.problems() == []
    loaded = {re.sub(r"\?.*", "", u[len(site_url):]) for u in traffic.requests}
    assert {"static/style.css", "static/local-time.js", "static/tooltip.js"} <= loaded, "the assets were loaded"

    # the watch itself: a request to another host, a missing file and a script error are all caught
    page.evaluate("""() => { const img = document.createElement('img'); img.src = 'https://cdn.example.net/a.png';
                            document.body.append(img); fetch('static/missing.css');
                            setTimeout(() => { throw new Error('boom'); }); }""")
    for _ in range(100):  # until all three are seen, at most 5 s
        if traffic.foreign and traffic.errors and any("missing.css" in f for f in traffic.failed):
            break
        page.wait_for_timeout(50)
    assert traffic.foreign == ["https://cdn.example.net/a.png"]
    assert any("missing.css (HTTP 404)" in f for f in traffic.failed)
    assert any("boom" in e for e in traffic.errors)


def test_group_is_open_when_a_member_is_not_operational(page: Page, site_url: str) -> None:
    page.goto(site_url)
    groups = page.locator("li.component-group > details")
    state = dict(groups.evaluate_all(
        "ds => ds.map(d => [d.querySelector('summary .component__name').firstChild.textContent.trim(), d.open])"))
    assert state == {"Core": True, "Integrations": False, "Regions": True}
    integrations = groups.filter(has=page.locator("summary", has_text="Integrations"))
    expect(integrations.get_by_text("Email notifications")).to_be_hidden()
    integrations.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(integrations.get_by_text("Email notifications")).to_be_visible()

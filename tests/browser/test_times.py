"""Times for every reader: the page's own zone without JavaScript, the reader's zone with it."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect
from pytest_playwright.pytest_playwright import CreateContextCallback

from .fixture_repo import CRITICAL, TIMEZONE

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def shown(moment: dt.datetime, style: str, zone: str, abbreviation: str) -> str:
    """How the page writes ``moment`` in ``zone``: ``Jun 15, 2026, 13:45 CEST`` (full) or without the year."""
    local = moment.astimezone(ZoneInfo(zone))
    year = f" {local.year}," if style == "full" else ""
    return f"{MONTHS[local.month - 1]} {local.day},{year} {local:%H:%M} {abbreviation}"


def times(page: Page) -> list[dict[str, str]]:
    return page.locator("time").evaluate_all(
        "ts => ts.map(t => ({datetime: t.getAttribute('datetime'), style: t.dataset.style, text: t.textContent,"
        " title: t.title, local: t.dataset.local || ''}))")


def test_without_javascript_everything_is_readable_in_the_page_timezone(
    new_context: CreateContextCallback, site_url: str,
) -> None:
    page = new_context(java_script_enabled=False, timezone_id="America/New_York").new_page()
    page.goto(site_url)
    expect(page.locator(".banner time")).to_have_text("Jun 15, 2026, 14:00 CEST")
    for heading in ("Active incidents", "Scheduled maintenance", "Components", "Past incidents"):
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    expect(page.locator(".tz-note")).to_have_text(f"Times are shown in {TIMEZONE}.")

    # a day's story under the uptime bars: read where it stands, shown on keyboard focus
    # (API errors in US East ran 23:30 to 01:10 in Berlin: 30 minutes of it on June 12)
    core = page.locator("ol.bars[aria-label^='Core:']")
    expect(core.locator(".bar[tabindex] .tip").first).to_have_text(
        re.compile(r"June 12, 2026 · Major outage\s+API errors in US East\s+30 min of downtime"))
    snapshot = core.aria_snapshot()
    assert "June 12, 2026" in snapshot and 'link "API errors in US East"' in snapshot, "a screen reader reads it"
    page.keyboard.press("Tab")
    for _ in range(60):
        if page.evaluate("document.activeElement.matches('.bar[tabindex]')"):
            break
        page.keyboard.press("Tab")
    focused = page.locator(".bar:focus")
    expect(focused.locator(".tip")).to_be_visible()
    assert focused.locator(".tip").bounding_box()["width"] > 100

    page.goto(site_url + f"incidents/{CRITICAL}.html")
    found = times(page)
    assert len(found) == 21  # the start in the facts and twenty updates
    for t in found:
        assert t["text"] == shown(dt.datetime.fromisoformat(t["datetime"]), t["style"], TIMEZONE, "CEST")
        assert t["local"] == ""


@pytest.mark.parametrize(("zone", "abbreviation"), [("America/New_York", "EDT"), ("Asia/Kolkata", "GMT+5:30")])
def test_local_time_script_shows_times_in_the_readers_zone(
    new_context: CreateContextCallback, site_url: str, zone: str, abbreviation: str,
) -> None:
    page = new_context(timezone_id=zone).new_page()
    for path in ("", f"incidents/{CRITICAL}.html"):
        page.goto(site_url + path)
        expect(page.locator("time[data-local]").first).to_be_attached()
        found = times(page)
        assert {t["style"] for t in found} == ({"full", "clock"} if path == "" else {"full"})
        for t in found:
            moment = dt.datetime.fromisoformat(t["datetime"])
            assert t["text"] == shown(moment, t["style"], zone, abbreviation), t
            assert t["title"] == shown(moment, t["style"], TIMEZONE, "CEST"), "the page's own time stays at hand"
            assert t["local"]
        expect(page.locator(".tz-note")).to_contain_text("your timezone")


def test_a_reader_in_the_page_timezone_sees_the_page_as_built(
    new_context: CreateContextCallback, site_url: str,
) -> None:
    page = new_context(timezone_id=TIMEZONE).new_page()
    page.goto(site_url + f"incidents/{CRITICAL}.html")
    page.wait_for_load_state("load")
    found = times(page)
    assert found and all(t["local"] == "" and t["title"] == "" for t in found)
    assert all(re.fullmatch(r"Jun 15, 2026, \d\d:\d\d CEST", t["text"]) for t in found)
    expect(page.locator(".tz-note")).to_have_text(f"Times are shown in {TIMEZONE}.")

"""refresh.js in Chromium: a page a reader keeps open notices when the site's status changes."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pytest_playwright.pytest_playwright import CreateContextCallback

from .conftest import serve, watch


@pytest.fixture
def live_site(fixture_site: Path, tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A copy of the fixture site that polls every 0.2 s and reloads 1 s after a change, served."""
    site = tmp_path / "site"
    shutil.copytree(fixture_site, site)
    index = site / "index.html"
    index.write_text(index.read_text(encoding="utf-8").replace('data-interval="60" data-reload-after="30"',
                                                               'data-interval="0.2" data-reload-after="1"'),
                     encoding="utf-8")
    with serve(site) as url:
        yield site, url


def change_status(site: Path) -> None:
    path = site / "api" / "v2" / "status.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["status"]["indicator"] = "none"
    data["page"]["updated_at"] = "2099-01-01T00:00:00Z"
    path.write_text(json.dumps(data), encoding="utf-8")


def test_a_change_of_status_shows_the_notice_and_reloads_the_page(
    new_context: CreateContextCallback, live_site: tuple[Path, str],
) -> None:
    site, url = live_site
    context = new_context()
    traffic = watch(context, url)
    page = context.new_page()
    page.goto(url)
    notice = page.locator("[data-refresh-notice]")
    page.wait_for_timeout(700)  # a few polls of an unchanged status: nothing happens
    expect(notice).to_be_hidden()
    assert sum("api/v2/status.json" in r for r in traffic.requests) >= 3
    page.evaluate("window.stillTheSamePage = true")

    change_status(site)
    expect(notice).to_be_visible()
    expect(notice).to_have_attribute("role", "status")
    expect(notice.get_by_role("button", name="Reload")).to_be_visible()
    page.wait_for_function("window.stillTheSamePage === undefined", timeout=5000)  # reloaded by itself
    assert traffic.problems() == []


def test_a_reader_who_is_busy_with_the_page_keeps_it_until_they_reload(
    new_context: CreateContextCallback, live_site: tuple[Path, str],
) -> None:
    site, url = live_site
    page = new_context().new_page()
    page.goto(url)
    page.wait_for_timeout(500)
    page.evaluate("window.stillTheSamePage = true")
    change_status(site)
    notice = page.locator("[data-refresh-notice]")
    expect(notice).to_be_visible()
    page.keyboard.press("Tab")
    page.wait_for_timeout(1500)  # past the automatic reload
    assert page.evaluate("window.stillTheSamePage") is True
    notice.get_by_role("button", name="Reload").click()
    page.wait_for_function("window.stillTheSamePage === undefined", timeout=5000)


def test_without_javascript_the_page_works_and_shows_no_notice(
    new_context: CreateContextCallback, live_site: tuple[Path, str],
) -> None:
    site, url = live_site
    page = new_context(java_script_enabled=False).new_page()
    page.goto(url)
    change_status(site)
    expect(page.locator("[data-refresh-notice]")).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_visible()

"""Following the page without a server: an Atom feed per component and group, the Subscribe page,
and the script that refreshes a page a reader keeps open."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import feedparser
import pytest

from .conftest import MACHINE_BASE, MACHINE_REPO, cli_build
from .htmlparse import local_target, parse_file
from .test_feeds import ORDER, url


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("subscribe") / "site"
    cli_build(MACHINE_REPO, out)
    return out


def parse(site: Path, name: str) -> Any:
    feed = feedparser.parse((site / name).read_bytes())
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def in_order(*ids: str) -> list[str]:
    """The fixture's incidents among ``ids``, newest activity first, as the page's feed orders them."""
    return [url(i) for i in ORDER if i in ids]


# --- feeds/<id>.atom ----------------------------------------------------------------------------

def test_a_component_feed_holds_the_incidents_that_name_it(site: Path) -> None:
    feed = parse(site, "feeds/database.atom")
    assert feed.feed.id == MACHINE_BASE + "feeds/database.atom"
    assert feed.feed.title == "Machine & <Status> - Database - Incident History"
    assert {link.rel: link.href for link in feed.feed.links} == {
        "alternate": MACHINE_BASE, "self": MACHINE_BASE + "feeds/database.atom"}
    assert [e.id for e in feed.entries] == in_order(
        "2026-06-01-storage-migration", "2026-06-10-database-outage", "2026-06-20-database-upgrade")


def test_a_group_feed_holds_the_incidents_of_any_member(site: Path) -> None:
    feed = parse(site, "feeds/core-platform.atom")  # api, dashboard and database
    assert feed.feed.title == "Machine & <Status> - Core Platform - Incident History"
    assert [e.id for e in feed.entries] == in_order(
        "2026-05-05-firmware-update", "2026-06-01-storage-migration", "2026-06-10-database-outage",
        "2026-06-15-api-errors", "2026-06-20-database-upgrade")


def test_every_component_and_group_has_a_feed_and_an_entry_is_the_page_feeds_entry(site: Path) -> None:
    names = sorted(p.name for p in (site / "feeds").iterdir())
    assert names == sorted(f"{i}.atom" for i in (
        "website", "core-platform", "api", "dashboard", "database", "integrations", "webhooks", "email", "billing"))
    page = {e.id: e for e in parse(site, "history.atom").entries}
    email = parse(site, "feeds/email.atom")
    assert [e.id for e in email.entries] == in_order("2026-05-20-email-delays", "2026-06-15-cache-rotation")
    for entry in email.entries:
        assert entry.content[0].value == page[entry.id].content[0].value
        assert entry.updated == page[entry.id].updated


def test_a_feed_of_a_quiet_component_is_valid_and_empty(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "incidents").mkdir(parents=True)
    (repo / "components.yaml").write_text(
        "site:\n  title: Quiet\n  url: https://quiet.test/\n"
        "components:\n  - id: web\n    name: Web\n    start_date: 2026-01-01\n", encoding="utf-8")
    cli_build(repo, tmp_path / "site")
    feed = parse(tmp_path / "site", "feeds/web.atom")
    assert feed.entries == [] and feed.feed.updated_parsed


# --- subscribe.html -----------------------------------------------------------------------------

def test_the_header_link_subscribe_opens_the_subscribe_page_on_every_page(site: Path) -> None:
    for page in ("index.html", "history/index.html", "incidents/2026-06-15-api-errors.html", "subscribe.html"):
        nav = parse_file(site / page).find("nav")
        assert nav is not None
        links = {a.text.strip(): a.attrs["href"] for a in nav.find_all("a")}
        assert local_target(page, links["Subscribe"]) == "subscribe.html", page


def test_the_subscribe_page_offers_feeds_calendar_badges_and_chat(site: Path) -> None:
    doc = parse_file(site / "subscribe.html")
    main = doc.find("main")
    assert main is not None
    targets = {local_target("subscribe.html", a.attrs["href"]) for a in main.find_all("a")}
    feeds = {f"feeds/{p.name}" for p in (site / "feeds").iterdir()}
    assert feeds | {"history.atom", "history.rss", "maintenance.ics"} <= targets
    images = {local_target("subscribe.html", i.attrs["src"]) for i in main.find_all("img")}
    assert {"badge.svg", "badges/database.svg", "badges/core-platform.svg"} <= images
    assert all(i.attrs.get("alt") for i in main.find_all("img"))
    for target in targets | images:
        assert target and (site / target).is_file(), target
    copies = [c.text for c in main.find_all("code", class_="copy")]
    assert f"/feed subscribe {MACHINE_BASE}history.atom" in copies
    assert f"{MACHINE_BASE}maintenance.ics" in copies
    assert f"[![Machine & <Status>]({MACHINE_BASE}badge.svg)]({MACHINE_BASE})" in copies
    text = main.text
    for words in ("Microsoft Teams", "Power Automate", "RSS-to-e-mail", "Google Calendar", "Outlook", "Apple Calendar"):
        assert words in text
    assert not doc.find_all("script", where=lambda e: "refresh.js" in e.attrs.get("src", ""))


def test_the_subscribe_page_is_in_the_sitemap(site: Path) -> None:
    assert f"<loc>{MACHINE_BASE}subscribe.html</loc>" in (site / "sitemap.xml").read_text(encoding="utf-8")


# --- refresh.js ---------------------------------------------------------------------------------

def refresh_script(site: Path, page: str) -> Any:
    doc = parse_file(site / page)
    found = doc.find_all("script", where=lambda e: "refresh.js" in e.attrs.get("src", ""))
    return found[0] if found else None


@pytest.mark.parametrize("page", ["index.html", "incidents/2026-06-15-api-errors.html"])
def test_pages_a_reader_keeps_open_poll_their_own_status(site: Path, page: str) -> None:
    script = refresh_script(site, page)
    assert script is not None and "defer" in script.attrs
    assert (site / (local_target(page, script.attrs["src"]) or "")).is_file()
    assert local_target(page, script.attrs["data-status"]) == "api/v2/status.json"
    notice = parse_file(site / page).find(where=lambda e: "data-refresh-notice" in e.attrs)
    assert notice is not None and "hidden" in notice.attrs, "without the script the notice never shows"
    assert notice.text.split() == ["The", "status", "has", "changed", "since", "this", "page", "was", "loaded.", "Reload"]


@pytest.mark.parametrize("page", ["history/index.html", "404.html", "subscribe.html"])
def test_other_pages_do_not_poll(site: Path, page: str) -> None:
    assert refresh_script(site, page) is None

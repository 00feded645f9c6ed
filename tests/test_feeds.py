"""history.atom and history.rss: parsed by feedparser and by a plain XML parser."""

from __future__ import annotations

import re
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import feedparser
import pytest

from gitstatus import routes
from gitstatus.commands.build import build_context
from gitstatus.outputs import feeds
from gitstatus.outputs.machine import LIST_LIMIT, activity_at
from gitstatus.project import load
from gitstatus.source import Disk
from gitstatus.words import using

from .conftest import MACHINE_BASE, MACHINE_REPO, REPO, cli_build, run_cli, run_gitstatus, site_files

sys.path.insert(0, str(REPO / "bench"))
try:
    import corpus
finally:
    sys.path.remove(str(REPO / "bench"))

ATOM = "{http://www.w3.org/2005/Atom}"

#: The fixture's incidents by their latest activity, newest first (ties by id, descending).
ORDER = [
    "2026-06-15-cache-rotation",        # verifying update 11:50 UTC
    "2026-06-15-emergency-patch",       # 11:30
    "2026-06-15-api-errors",            # 11:30
    "2026-06-15-slow-webhooks",         # 11:20
    "2026-06-15-network-maintenance",   # 11:00
    "2026-06-14-cancelled-upgrade",     # June 12, 16:00
    "2026-06-20-database-upgrade",      # announced June 12, 09:00
    "2026-06-10-database-outage",
    "2026-06-05-dns-change",            # its window closed June 5, 02:00, with no update
    "2026-06-01-storage-migration",
    "2026-05-20-email-delays",
    "2026-05-05-firmware-update",
    "2026-03-03-general-notice",
    "2026-01-10-old-maintenance",
]


def url(incident_id: str) -> str:
    return f"{MACHINE_BASE}incidents/{incident_id}.html"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("feeds") / "site"
    cli_build(MACHINE_REPO, out)
    return out


def parse(site: Path, name: str) -> Any:
    return feedparser.parse((site / name).read_bytes())


def utc(parsed: time.struct_time) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", parsed)


def test_atom_feed(site: Path) -> None:
    feed = parse(site, "history.atom")
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.id == MACHINE_BASE + "history.atom"
    assert feed.feed.title == "Machine & <Status> - Incident History"
    assert utc(feed.feed.updated_parsed) == "2026-06-15T11:50:00Z"
    links = {link.rel: link.href for link in feed.feed.links}
    assert links == {"alternate": MACHINE_BASE, "self": MACHINE_BASE + "history.atom"}
    assert [e.id for e in feed.entries] == [url(i) for i in ORDER]
    for entry in feed.entries:
        assert entry.link == entry.id
        assert entry.updated_parsed >= entry.published_parsed
    outage = feed.entries[ORDER.index("2026-06-10-database-outage")]
    assert (utc(outage.published_parsed), utc(outage.updated_parsed)) == ("2026-06-10T08:00:00Z", "2026-06-10T09:45:00Z")
    lapsed = feed.entries[ORDER.index("2026-06-05-dns-change")]
    assert utc(lapsed.updated_parsed) == "2026-06-05T02:00:00Z"
    updated = [e.updated_parsed for e in feed.entries]
    assert updated == sorted(updated, reverse=True)


def test_rss_feed(site: Path) -> None:
    feed = parse(site, "history.rss")
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "rss20"
    assert feed.feed.title == "Machine & <Status> - Incident History"
    assert feed.feed.link == MACHINE_BASE
    assert utc(feed.feed.updated_parsed) == "2026-06-15T11:50:00Z"
    assert [e.id for e in feed.entries] == [url(i) for i in ORDER]
    assert all(e.link == e.id for e in feed.entries)
    published = [e.published_parsed for e in feed.entries]
    assert published == sorted(published, reverse=True)
    assert utc(feed.entries[0].published_parsed) == "2026-06-15T11:50:00Z"
    assert re.search(rb'<atom:link href="https://status.machine.test/history.rss" rel="self"',
                     (site / "history.rss").read_bytes())


def content_of(site: Path, name: str, incident_id: str) -> tuple[str, str]:
    """(title, content) of one entry, read with a plain XML parser: the HTML as the reader gets it."""
    root = ET.fromstring((site / name).read_bytes())
    if name.endswith(".atom"):
        for entry in root.iter(f"{ATOM}entry"):
            if entry.findtext(f"{ATOM}id") == url(incident_id):
                return entry.findtext(f"{ATOM}title") or "", entry.findtext(f"{ATOM}content") or ""
    else:
        for item in root.iter("item"):
            if item.findtext("guid") == url(incident_id):
                return item.findtext("title") or "", item.findtext("description") or ""
    raise AssertionError(f"no entry for {incident_id}")


@pytest.mark.parametrize("name", ["history.atom", "history.rss"])
def test_hostile_text_arrives_escaped(site: Path, name: str) -> None:
    title, html = content_of(site, name, "2026-06-10-database-outage")
    assert title == "Database <b>down</b> & out"  # text, not markup
    assert "&lt;script&gt;alert(&quot;feed&quot;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "[click](javascript:alert(1))" in html  # the unsafe link stays literal text
    assert "<script" not in html and "<img" not in html and 'href="javascript' not in html
    assert '<a href="https://example.com/report?a=1&amp;b=2" rel="nofollow noopener">report</a>' in html
    parsed = parse(site, name)
    entry = next(e for e in parsed.entries if e.id == url("2026-06-10-database-outage"))
    assert entry.title == "Database <b>down</b> & out"


@pytest.mark.parametrize("name", ["history.atom", "history.rss"])
def test_entry_content_is_the_timeline_newest_first(site: Path, name: str) -> None:
    _, html = content_of(site, name, "2026-06-01-storage-migration")
    labels = re.findall(r"<strong>(Completed|Verifying|In progress|Scheduled)</strong>", html)
    assert labels == ["Completed", "Verifying", "In progress", "Scheduled"]
    assert "<strong>Window:</strong> Jun 1, 2026, 03:00 CEST to Jun 1, 2026, 05:00 CEST." in html
    assert "<strong>Affected:</strong> Database." in html
    _, html = content_of(site, name, "2026-06-15-api-errors")
    assert "<code>5xx</code>" in html  # each message rendered as Markdown
    assert html.index("Monitoring") < html.index("Identified") < html.index("Investigating")


def test_feeds_stop_at_the_fifty_most_recent(big_site: Path) -> None:
    for name, version in (("history.atom", "atom10"), ("history.rss", "rss20")):
        feed = parse(big_site, name)
        assert (feed.bozo, feed.version) == (0, version)
        assert len(feed.entries) == 50
        assert feed.entries[0].id == "https://status.test/incidents/2026-03-01-outage-59.html"
        assert feed.entries[-1].id == "https://status.test/incidents/2026-02-05-work-35.html"


def test_control_characters_cannot_break_the_feeds(make_repo: Callable[..., Path], tmp_path: Path) -> None:
    root = make_repo({"incidents/2026-06-10-bell.md": (
        "---\ntitle: \"Bell \\a in the title\"\nimpact: minor\ncomponents: [api]\n---\n\n"
        "## 2026-06-10 08:00 UTC — Resolved\n\nA bell \x07 and a form feed \x0c in the text.\n")})
    cli_build(root, tmp_path / "out")
    for name in ("history.atom", "history.rss"):
        feed = parse(tmp_path / "out", name)
        assert feed.bozo == 0, feed.get("bozo_exception")
        assert feed.entries[0].title == "Bell  in the title"


def test_every_page_links_both_feeds_and_they_exist(site: Path) -> None:
    for page in ("index.html", "incidents/2026-06-10-database-outage.html", "history/index.html"):
        html = (site / page).read_text(encoding="utf-8")
        alternates = re.findall(r'<link rel="alternate" type="([^"]+)"[^>]*href="([^"]+)"', html)
        assert [t for t, _ in alternates] == ["application/atom+xml", "application/rss+xml"]
        for _, href in alternates:
            assert (site / page).parent.joinpath(href).resolve().is_file()
    for linked in ("history.atom", "history.rss", "maintenance.ics", "api/v2/summary.json"):
        assert (site / linked).is_file()


NO_URL = """\
site:
  title: No URL Status
components:
  - id: api
    name: API
"""


def test_a_build_without_a_base_url_fails_clearly_and_writes_nothing(
    make_repo: Callable[..., Path], tmp_path: Path
) -> None:
    root = make_repo({"incidents/2026-06-10-x.md": (
        "---\ntitle: X\nimpact: minor\ncomponents: [api]\n---\n\n## 2026-06-10 08:00 UTC — Resolved\n\nFixed.\n")},
        components=NO_URL)
    out = tmp_path / "out"
    result = run_gitstatus("build", "--root", root, "--now", "2026-06-15 12:00 UTC", "--out", out)
    assert result.returncode == 1
    assert "url: https://status.example.com/" in result.stderr and "--base-url" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not out.exists()
    assert sorted(p.name for p in root.iterdir()) == ["components.yaml", "incidents"]

    cli_build(root, out, "2026-06-15 12:00 UTC", "--base-url", "https://old.example.org/")
    old_site = site_files(out)
    result = run_cli("build", "--root", root, "--now", "2026-06-15 12:00 UTC", "--out", out)
    assert result.exit_code == 1
    assert site_files(out) == old_site

    cli_build(root, out, "2026-06-15 12:00 UTC", "--base-url", "https://example.org/status")
    feed = feedparser.parse((out / "history.atom").read_bytes())
    assert feed.entries[0].id == "https://example.org/status/incidents/2026-06-10-x.html"


def test_each_component_feed_holds_the_newest_incidents_naming_it(tmp_path: Path) -> None:
    """feeds.render walks the incidents once and merges a group's members' lists: each component's and
    group's feed must hold exactly what sorting every incident that names it would give (the first 50
    by activity, ties by id). 600 incidents fill every feed past its limit."""
    root = tmp_path / "repo"
    corpus.generate(root, 600, seed=5)
    result = load(Disk(root)).check(corpus.DEFAULT_NOW)
    assert not result.failed()
    state = result.state
    ctx, _ = build_context(root, state.page.site, "https://status.test/")
    with using(ctx.words):
        files = {f.path: f.data for f in feeds.render(state, ctx)}
    checked = 0
    for key, _name, ids in feeds.feed_parts(state):
        naming = [s for s in state.incidents if any(c in ids for c in s.incident.components)]
        expected = sorted(naming, key=lambda s: (activity_at(s, state.now), s.id), reverse=True)[:LIST_LIMIT]
        feed = ET.fromstring(files[routes.path("component_atom", id=key)])
        shown = [e.findtext(f"{ATOM}id") for e in feed.findall(f"{ATOM}entry")]
        assert shown == [url(s.id).replace(MACHINE_BASE, "https://status.test/") for s in expected], key
        checked += len(naming) > LIST_LIMIT
    assert checked >= 3  # some feeds were cut at the limit, groups among them

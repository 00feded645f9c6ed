"""Post-mortems: a ``## <time> — Post-mortem`` section after the final update, from the file to every output.

Written by ``gitstatus postmortem`` (or by hand), checked (E214 in tests/cases/), shown as its own
block on the incident page, flagged in the history and the feeds, in the JSON API where Statuspage
has it (``status: postmortem``, ``postmortem_body``), and announced once by notify.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from gitstatus.changes import compare
from gitstatus.events import compute
from gitstatus.model import EventKind
from gitstatus.project import load
from gitstatus.source import Disk, GitRev
from gitstatus.timeparse import UTC

from .conftest import build, incident, run_cli, status_repo

RESOLVED = incident("Dashboard down", "critical", "[dashboard]",
                    ("2026-06-10 09:00 UTC", "Investigating", "The dashboard does not load."),
                    ("2026-06-10 09:30 UTC", "Resolved", "It loads again."))
OPEN = incident("API slow", "minor", "[api]", ("2026-06-10 09:00 UTC", "Investigating", "Slow."))
PATH = "incidents/2026-06-10-dashboard-down.md"
REVIEW = "A release broke the bundle.\n\n### What we change\n\n- A browser check before every release."


def env(now: str = "2026-06-12 10:00") -> dict[str, str]:
    moment = dt.datetime.fromisoformat(now).replace(tzinfo=UTC)
    return {"SOURCE_DATE_EPOCH": str(int(moment.timestamp())), "VISUAL": "", "EDITOR": ""}


def test_postmortem_is_written_and_shown_everywhere(make_repo: Callable[..., Path], tmp_path: Path) -> None:
    root = make_repo({PATH: RESOLVED})
    result = run_cli("postmortem", "dashboard", "-m", REVIEW, "--root", root, env=env())
    assert result.exit_code == 0, result.output
    assert "Post-mortem at 2026-06-12 10:00 UTC" in result.output
    text = (root / PATH).read_text()
    assert text.endswith(f"## 2026-06-10 09:30 UTC — Resolved\n\nIt loads again.\n\n"
                         f"## 2026-06-12 10:00 UTC — Post-mortem\n\n{REVIEW}\n")
    out = tmp_path / "site"
    assert build(root, out, now="2026-06-12 12:00 UTC").exit_code == 0
    page = (out / "incidents/2026-06-10-dashboard-down.html").read_text()
    block = page[page.index('<section class="postmortem"'):page.index("</section>")]
    assert "A browser check before every release." in block and "2026-06-12T10:00:00+00:00" in block
    assert page.index('class="postmortem"') < page.index('id="updates-heading"')  # its own block, above the updates
    month = (out / "history/2026-06.html").read_text()
    assert 'class="flag flag--postmortem">Post-mortem</span>' in month
    atom = (out / "history.atom").read_text()
    assert '<category term="postmortem"/>' in atom and "<updated>2026-06-12T10:00:00Z</updated>" in atom
    assert "A browser check before every release." in atom
    assert "<category>postmortem</category>" in (out / "history.rss").read_text()
    (found,) = json.loads((out / "api/v2/incidents.json").read_text())["incidents"]
    assert found["status"] == "postmortem"
    assert found["postmortem_body"] == REVIEW
    assert found["postmortem_body_last_updated_at"] == "2026-06-12T10:00:00.000Z"
    assert found["updated_at"] == "2026-06-12T10:00:00.000Z"
    assert [u["status"] for u in found["incident_updates"]] == ["resolved", "investigating"]


@pytest.mark.parametrize(("files", "ref", "expected"), [
    ({"incidents/2026-06-10-api-slow.md": OPEN}, "api-slow", "not resolved yet: resolve it first"),
    ({PATH: RESOLVED + "\n## 2026-06-11 10:00 UTC — Post-mortem\n\nDone.\n"}, "dashboard",
     "already has a post-mortem (line 15)"),
    ({"incidents/2026-06-10-db.md": incident("DB upgrade", "maintenance", "[api]",
                                             ("2026-06-10 09:00 UTC", "In progress", "Go."),
                                             ("2026-06-10 10:00 UTC", "Completed", "Done."))}, "db",
     "a post-mortem is for an incident"),
])
def test_postmortem_refused(make_repo: Callable[..., Path], files: dict[str, str], ref: str, expected: str) -> None:
    root = make_repo(files)
    before = {p: p.read_bytes() for p in (root / "incidents").iterdir()}
    result = run_cli("postmortem", ref, "-m", "Review.", "--root", root, env=env())
    assert result.exit_code != 0
    assert expected in result.output
    assert {p: p.read_bytes() for p in (root / "incidents").iterdir()} == before


def test_notify_announces_it_once(tmp_path: Path) -> None:
    root = status_repo(tmp_path / "status", {PATH: RESOLVED})
    since, now = dt.datetime(2026, 6, 11, tzinfo=UTC), dt.datetime(2026, 6, 12, 12, tzinfo=UTC)
    old = load(Disk(root)).check(since).page
    assert run_cli("postmortem", "dashboard", "-m", REVIEW, "--root", root, env=env()).exit_code == 0
    new = load(Disk(root)).check(now).page
    found = compare(Disk(root), GitRev(root, "main"), UTC, now)
    events = compute(old, new, found.changes, since, now)
    assert [(e.kind, e.id) for e in events] == [(EventKind.POSTMORTEM, "2026-06-10-dashboard-down:postmortem")]
    assert found.diagnostics == []  # a post-mortem is not an update after the final one (no E503)
    assert compute(new, new, [], now, now + dt.timedelta(hours=1)) == []  # not again


def test_check_base_accepts_a_postmortem(tmp_path: Path) -> None:
    root = status_repo(tmp_path / "status", {PATH: RESOLVED})
    assert run_cli("postmortem", "dashboard", "-m", REVIEW, "--root", root, env=env()).exit_code == 0
    result = run_cli("check", "--root", root, "--now", "2026-06-12 12:00 UTC", "--base", "main")
    assert result.exit_code == 0, result.output
    assert " E" not in result.output

"""The JSON API as real Statuspage payloads are (checked against captured pages): ordering and null fields."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from .conftest import build, incident

COMPONENTS = """\
site:
  title: Shapes
  url: https://status.shapes.test/
  timezone: UTC
components:
  - id: web
    name: Web
    start_date: 2026-01-01
  - id: api
    name: API
    group: Core
    start_date: 2026-01-01
  - id: db
    name: Database
    group: Core
    start_date: 2026-01-01
  - id: mail
    name: Mail
    group: Messaging
    start_date: 2026-01-01
  - id: docs
    name: Docs
    start_date: 2026-01-01
"""


def test_flat_components_by_position_groups_without_start_date(make_repo: Callable[..., Path], tmp_path: Path) -> None:
    root = make_repo({"incidents/2026-06-10-api.md": incident(
        "API slow", "minor", "[api]", ("2026-06-10 09:00 UTC", "Investigating", "Slow."))}, components=COMPONENTS)
    out = tmp_path / "site"
    assert build(root, out, now="2026-06-10 10:00 UTC").exit_code == 0
    summary = json.loads((out / "api/v2/summary.json").read_text())
    assert [(c["id"], c["position"]) for c in summary["components"]] == [
        ("web", 1), ("api", 1), ("mail", 1), ("core", 2), ("db", 2), ("messaging", 3), ("docs", 4)]
    groups = {c["id"]: c for c in summary["components"] if c["group"]}
    assert {g: groups[g]["start_date"] for g in groups} == {"core": None, "messaging": None}  # every member has one
    (found,) = summary["incidents"]
    assert "reminder_intervals" in found and found["reminder_intervals"] is None

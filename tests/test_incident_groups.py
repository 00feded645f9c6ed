"""A group's id in an incident means every member of the group: in check, the page, the API and authoring."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

from gitstatus.model import ComponentStatus
from gitstatus.project import load
from gitstatus.source import Disk
from gitstatus.state import derive
from gitstatus.timeparse import UTC

from .conftest import build, incident, run_cli

NOW = dt.datetime(2026, 6, 11, 12, tzinfo=UTC)
CORE_DOWN = incident("Core services down", "critical", "[core]",
                     ("2026-06-11 10:00 UTC", "Investigating", "Everything in Core fails."),
                     ("2026-06-11 11:00 UTC", "Monitoring", "Components: core degraded\n\nMostly back."))


def test_a_group_id_lists_every_member(make_repo: Callable[..., Path], tmp_path: Path) -> None:
    root = make_repo({"incidents/2026-06-11-core-down.md": CORE_DOWN})
    page = load(Disk(root)).check(NOW).page
    (found,) = page.incidents
    assert found.components == ("api", "dashboard")  # the group's members, in components.yaml's order
    state = derive(page, NOW)
    assert state.component_status["api"] is state.component_status["dashboard"] is \
        ComponentStatus.DEGRADED_PERFORMANCE  # the Components line's group id set both
    assert state.component_status["website"] is ComponentStatus.OPERATIONAL
    out = tmp_path / "site"
    assert build(root, out, now="2026-06-11 12:00 UTC").exit_code == 0
    (api,) = json.loads((out / "api/v2/incidents.json").read_text())["incidents"]
    assert [c["id"] for c in api["components"]] == ["api", "dashboard"]


def test_a_member_named_too_is_listed_once(make_repo: Callable[..., Path]) -> None:
    text = CORE_DOWN.replace("components: [core]", "components: [dashboard, core, website]")
    page = load(Disk(make_repo({"incidents/2026-06-11-core-down.md": text}))).check(NOW).page
    assert page.incidents[0].components == ("dashboard", "api", "website")


def test_new_takes_a_group(make_repo: Callable[..., Path]) -> None:
    root = make_repo()
    result = run_cli("new", "Core slow", "--impact", "minor", "-c", "core", "-m", "Slow.", "--root", root,
                     env={"SOURCE_DATE_EPOCH": str(int(NOW.timestamp())), "VISUAL": "", "EDITOR": ""})
    assert result.exit_code == 0, result.output
    assert "components: [core]" in (root / "incidents/2026-06-11-core-slow.md").read_text()
    typo = run_cli("new", "Core slow", "--impact", "minor", "-c", "cor", "-m", "Slow.", "--root", root,
                   env={"SOURCE_DATE_EPOCH": str(int(NOW.timestamp())), "VISUAL": "", "EDITOR": ""})
    assert typo.exit_code == 1
    assert "E110 unknown component 'cor' (did you mean 'core'?)" in typo.output

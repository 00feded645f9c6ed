"""The example status repo at the top of this repository checks clean and uses every word of the format."""

from __future__ import annotations

import datetime as dt

from gitstatus.commands.build import check
from gitstatus.model import Impact, Status
from gitstatus.state import Phase

from .conftest import REPO

EXAMPLE_NOW = dt.datetime(2026, 11, 26, 15, 0, tzinfo=dt.UTC)


def test_example_content_checks_clean() -> None:
    result = check(REPO, EXAMPLE_NOW)
    assert result.diagnostics == []


def test_example_content_covers_the_format() -> None:
    result = check(REPO, EXAMPLE_NOW)
    incidents = result.page.incidents
    assert len(incidents) >= 8
    assert 8 <= len(result.page.components) <= 12
    assert any(c.group for c in result.page.components)
    assert {i.impact for i in incidents} == set(Impact)
    assert {u.status for i in incidents for u in i.updates} == set(Status)
    phases = {s.phase for s in result.state.incidents}
    assert Phase.ACTIVE in phases and Phase.UPCOMING in phases

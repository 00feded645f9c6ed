"""Near misses of writers caught by the writing commands: a zone's abbreviation in ``--at``, a forgotten ``-c``.

(The near misses ``check`` reports, E103's "quote it", E213, E304 and E303's instants, are rule
cases in tests/cases/.)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from gitstatus.timeparse import UTC

from .conftest import COMPONENTS_YAML, run_cli

BERLIN = COMPONENTS_YAML.replace("timezone: UTC", "timezone: Europe/Berlin")
NOW = dt.datetime(2026, 12, 1, 12, tzinfo=UTC)


def env() -> dict[str, str]:
    return {"SOURCE_DATE_EPOCH": str(int(NOW.timestamp())), "VISUAL": "", "EDITOR": ""}


@pytest.mark.parametrize(("at", "heading"), [
    ("2026-11-27 10:20 CET", "## 2026-11-27 10:20 +01:00 — Investigating"),
    ("2026-11-27 10:20 cet", "## 2026-11-27 10:20 +01:00 — Investigating"),
    ("2026-07-01 10:20 CEST", "## 2026-07-01 10:20 +02:00 — Investigating"),
    ("2026-10-25 02:30 CEST", "## 2026-10-25 02:30 +02:00 — Investigating"),  # the hour that happens twice:
    ("2026-10-25 02:30 CET", "## 2026-10-25 02:30 +01:00 — Investigating"),  # the name says which one
    ("2026-11-27 09:20 UTC", "## 2026-11-27 10:20 +01:00 — Investigating"),
])
def test_at_takes_the_page_zones_abbreviation(make_repo: Callable[..., Path], at: str, heading: str) -> None:
    root = make_repo(components=BERLIN)
    result = run_cli("new", "Slow", "--impact", "minor", "-c", "api", "-m", "Slow.", "--at", at, "--root", root,
                     env=env())
    assert result.exit_code == 0, result.output
    (written,) = (root / "incidents").iterdir()
    assert heading in written.read_text(encoding="utf-8")


@pytest.mark.parametrize(("at", "expected"), [
    ("2026-11-27 10:20 CEST", "'CEST' is not what the page's timezone (Europe/Berlin) is called at 2026-11-27 10:20 "
                              "(it is CET then)"),
    ("2026-11-27 10:20 IST", "'IST' is not what the page's timezone"),
])
def test_at_refuses_another_zones_abbreviation(make_repo: Callable[..., Path], at: str, expected: str) -> None:
    root = make_repo(components=BERLIN)
    result = run_cli("new", "Slow", "--impact", "minor", "-c", "api", "-m", "Slow.", "--at", at, "--root", root,
                     env=env())
    assert result.exit_code == 2
    assert expected in result.output
    assert list((root / "incidents").iterdir()) == []


def test_new_without_components_warns(make_repo: Callable[..., Path]) -> None:
    root = make_repo()
    result = run_cli("new", "Announcement", "--impact", "minor", "-m", "Hello.", "--root", root, env=env())
    assert result.exit_code == 0, result.output
    assert "warning: no components given (-c ID)" in result.stderr
    with_components = run_cli("new", "Slow", "--impact", "minor", "-c", "api", "-m", "Slow.", "--root", root,
                              env=env())
    assert "warning" not in with_components.stderr

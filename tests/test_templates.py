"""Incident templates: ``templates/<name>.md`` filled in by ``gitstatus new --template NAME --var k=v``.

(What ``check`` says about a broken template is the rule case tests/cases/e215-bad-template.)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from gitstatus.timeparse import UTC

from .conftest import run_cli

REGION_SLOW = """\
---
title: "Slow responses in {region}"
impact: minor
components: [core]
component_status: {api: partial_outage}
status: identified
---

{component} respond slowly in {region}. Literal braces: {{like this}}.
"""
NOW = dt.datetime(2026, 6, 11, 10, tzinfo=UTC)


def env() -> dict[str, str]:
    return {"SOURCE_DATE_EPOCH": str(int(NOW.timestamp())), "VISUAL": "", "EDITOR": ""}


@pytest.fixture
def repo(make_repo: Callable[..., Path]) -> Path:
    return make_repo({"templates/region-slow.md": REGION_SLOW})


def test_new_from_a_template(repo: Path) -> None:
    result = run_cli("new", "--template", "region-slow", "--var", "region=eu-west", "--root", repo, env=env())
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("incidents/2026-06-11-slow-responses-in-eu-west.md")
    assert (repo / "incidents/2026-06-11-slow-responses-in-eu-west.md").read_text() == (
        "---\ntitle: Slow responses in eu-west\nimpact: minor\ncomponents: [api, dashboard]\n"
        "component_status:\n  api: partial_outage\n---\n\n## 2026-06-11 10:00 UTC — Identified\n\n"
        "API, Dashboard respond slowly in eu-west. Literal braces: {like this}.\n")
    check = run_cli("check", "--root", repo, "--now", "2026-06-11 10:00 UTC")
    assert check.exit_code == 0 and "1 incident and 1 template" in check.output


def test_options_override_the_template(repo: Path) -> None:
    result = run_cli("new", "Website slow in {region}", "--template", "region-slow", "--var", "region=us",
                     "--impact", "major", "-c", "website", "--status", "investigating", "-m", "Own words.",
                     "--root", repo, env=env())
    assert result.exit_code == 0, result.output
    text = (repo / "incidents/2026-06-11-website-slow-in-region.md").read_text()
    assert text == ("---\ntitle: Website slow in {region}\nimpact: major\ncomponents: [website]\n---\n\n"
                    "## 2026-06-11 10:00 UTC — Investigating\n\nOwn words.\n")  # a given title is taken as it is


@pytest.mark.parametrize(("args", "expected"), [
    (("--template", "region-slow"), "the template region-slow needs a value for {region}: pass --var region=…"),
    (("--template", "region-slw"), "no template 'region-slw' (did you mean 'region-slow'?) in templates/"),
    (("--template", "region-slow", "--var", "region"), "--var: 'region' needs a name and a value"),
    ((), "give a TITLE and --impact, or --template NAME"),
])
def test_refused(repo: Path, args: tuple[str, ...], expected: str) -> None:
    result = run_cli("new", *args, "--root", repo, env=env())
    assert result.exit_code == 2
    assert expected in result.output
    assert list((repo / "incidents").iterdir()) == []


def test_a_broken_template_is_refused_with_its_problems(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"templates/broken.md": REGION_SLOW.replace("impact: minor", "impact: minr")})
    result = run_cli("new", "--template", "broken", "--var", "region=eu", "--root", root, env=env())
    assert result.exit_code == 1
    assert "the template templates/broken.md has errors" in result.output
    assert "E109 unknown impact 'minr'" in result.output
    assert list((root / "incidents").iterdir()) == []

"""components.yaml to the model: what a valid file gives, and what an invalid entry leaves out.

The error codes and positions of components.yaml are pinned by the tests/cases/e4xx-* and
*-components-yaml-* folders; here: the values that reach the model.
"""

from __future__ import annotations

import datetime as dt

import pytest

from gitstatus.model import Component, Site
from gitstatus.read import yamlnodes
from gitstatus.read.settings import DEFAULT_SITE, group_slug, validate_components


def load(text: str) -> tuple[Site, tuple[Component, ...], list[tuple[int, int, str]]]:
    node, problems = yamlnodes.parse(text, "components.yaml")
    assert problems == []
    site, components, diagnostics = validate_components(node)
    return site, components, [(d.line, d.col, d.code) for d in diagnostics]


FULL = """\
site:
  title: Acme Status
  url: https://status.example.com
  description: Live status of Acme's services
  timezone: Europe/Berlin
  past_days: 30
components:
  - id: website
    name: Website
  - id: api
    name: API
    description: Public REST API
    group: Core
    start_date: 2025-06-01
  - id: dashboard
    name: "Dashboard: web app"
    group: Core
"""


def test_a_full_file() -> None:
    site, components, problems = load(FULL)
    assert problems == []
    assert site == Site(title="Acme Status", url="https://status.example.com/",
                        description="Live status of Acme's services", timezone="Europe/Berlin", past_days=30)
    assert str(site.tz) == "Europe/Berlin"
    assert [c.id for c in components] == ["website", "api", "dashboard"]  # the file's order
    api = components[1]
    assert (api.name, api.description, api.group, api.start_date, api.line) == (
        "API", "Public REST API", "Core", dt.date(2025, 6, 1), 10)
    assert components[0].group is None and components[0].start_date is None and components[0].description == ""
    assert components[2].name == "Dashboard: web app"


def test_defaults_when_only_a_title_is_given() -> None:
    site, _, problems = load("site:\n  title: Status\ncomponents:\n  - {id: api, name: API}\n")
    assert problems == []
    assert (site.url, site.description, site.timezone, site.past_days) == (None, "", "UTC", 15)


@pytest.mark.parametrize("url, expected", [
    ("https://status.example.com/", "https://status.example.com/"),
    ("https://status.example.com", "https://status.example.com/"),
    ("http://example.com/status", "http://example.com/status/"),
    ("https://example.github.io/status/", "https://example.github.io/status/"),
])
def test_site_url_gets_a_trailing_slash(url: str, expected: str) -> None:
    site, _, problems = load(f"site:\n  title: S\n  url: {url}\ncomponents:\n  - {{id: a, name: A}}\n")
    assert problems == [] and site.url == expected


@pytest.mark.parametrize("url", ["status.example.com", "ftp://example.com/", "https://", "/status/",
                                 "javascript:alert(1)", "mailto:ops@example.com"])
def test_bad_site_urls(url: str) -> None:
    site, _, problems = load(f"site:\n  title: S\n  url: '{url}'\ncomponents:\n  - {{id: a, name: A}}\n")
    assert problems == [(3, 8, "E405")] and site.url is None


@pytest.mark.parametrize("value, expected", [("1", 1), ("'7'", 7), ("3650", 3650)])
def test_past_days_accepted(value: str, expected: int) -> None:
    site, _, problems = load(f"site:\n  title: S\n  past_days: {value}\ncomponents:\n  - {{id: a, name: A}}\n")
    assert problems == [] and site.past_days == expected


@pytest.mark.parametrize("value", ["0", "3651", "-1", "1.5", "1e3", "fifteen", "[15]"])
def test_past_days_refused_and_default_kept(value: str) -> None:
    site, _, problems = load(f"site:\n  title: S\n  past_days: {value}\ncomponents:\n  - {{id: a, name: A}}\n")
    assert [p[2] for p in problems] == (["E108"] if value.startswith("[") else ["E406"])
    assert site.past_days == DEFAULT_SITE.past_days


def test_unknown_timezone_falls_back_to_utc() -> None:
    site, _, problems = load("site:\n  title: S\n  timezone: Mars/Olympus\ncomponents:\n  - {id: a, name: A}\n")
    assert problems == [(3, 13, "E404")] and site.timezone == "UTC"


def test_invalid_and_duplicate_components_are_left_out_and_the_rest_kept() -> None:
    _, components, problems = load("""\
site: {title: S}
components:
  - {id: api, name: API}
  - {id: Bad_Id, name: Bad}
  - {id: nameless}
  - {id: api, name: API again}
  - {id: web, name: Web}
""")
    assert [c.id for c in components] == ["api", "web"]
    assert [p[2] for p in problems] == ["E402", "E107", "E403"]


def test_a_component_with_a_bad_start_date_is_reported_and_kept_without_it() -> None:
    _, components, problems = load("site: {title: S}\ncomponents:\n  - {id: a, name: A, start_date: 2026-02-30}\n")
    assert problems == [(3, 34, "E407")]
    assert [(c.id, c.start_date) for c in components] == [("a", None)]


def test_missing_site_block_uses_defaults() -> None:
    site, components, problems = load("components:\n  - {id: a, name: A}\n")
    assert problems == [(1, 1, "E107")]
    assert site == DEFAULT_SITE and [c.id for c in components] == ["a"]


def test_site_without_title_is_an_error() -> None:
    site, _, problems = load("site:\n  timezone: UTC\ncomponents:\n  - {id: a, name: A}\n")
    assert [p[2] for p in problems] == ["E107"] and site.title == DEFAULT_SITE.title


def test_components_must_be_a_list() -> None:
    _, components, problems = load("site: {title: S}\ncomponents:\n  api: API\n")
    assert problems == [(3, 3, "E108")] and components == ()


def test_an_unreadable_file_gives_defaults_and_no_diagnostics_of_its_own() -> None:
    assert validate_components(None) == (DEFAULT_SITE, (), [])


@pytest.mark.parametrize("name, slug", [("Core", "core"), ("Core services", "core-services"),
                                        ("Zürich DC", "zurich-dc"), ("API & Webhooks", "api-webhooks"), ("★", "group")])
def test_group_ids(name: str, slug: str) -> None:
    assert group_slug(name) == slug


def test_two_components_in_one_group_do_not_collide_with_each_other() -> None:
    _, components, problems = load("""\
site: {title: S}
components:
  - {id: api, name: API, group: Core services}
  - {id: db, name: DB, group: Core services}
  - {id: core, name: Core}
""")
    assert problems == [] and len(components) == 3


def test_the_group_collision_is_reported_once_per_group() -> None:
    _, _, problems = load("""\
site: {title: S}
components:
  - {id: core, name: Core}
  - {id: api, name: API, group: Core}
  - {id: db, name: DB, group: Core}
""")
    assert problems == [(4, 1, "E403")]


def test_two_spellings_of_one_group_are_an_error() -> None:
    _, _, problems = load("""\
site: {title: S}
components:
  - {id: api, name: API, group: Core}
  - {id: db, name: DB, group: core}
""")
    assert problems == [(4, 1, "E403")]

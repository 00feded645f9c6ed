"""Settings and names that end up in the published files: ``site.url``/``--base-url``, the timezone, ids.

Each table row is one input a writer (or a hostile pull request) can put in a status repo, with
what ``gitstatus check`` must say about it. Three promises are pinned here:

- the site's address is an absolute http(s) URL and nothing else, refused with the file and line
  otherwise; and the renderers keep even an address that slipped past the check inert: it changes
  the text of the feeds, sitemap, calendar and pages, never their structure;
- the timezone is an IANA name from the tzdata package, never a file of the build machine;
- what ``check`` passes, ``build`` can write: every id fits in the file names it becomes.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import xml.etree.ElementTree as ET
from importlib import resources
from pathlib import Path

import icalendar
import pytest
from jsonschema import Draft202012Validator

from gitstatus import schema
from gitstatus.commands.build import check, render_site
from gitstatus.read import yamlnodes
from gitstatus.read.settings import validate_components

from .conftest import run_cli, run_gitstatus
from .htmlparse import parse

NOW = "2026-06-15 12:00 UTC"
URL_AT = (3, 8)
"""Where the value of ``url:`` starts in the components.yaml written by :func:`settings`."""
TIMEZONE_AT = (4, 13)

INCIDENT = """\
---
title: API errors
impact: major
components: [api]
---

## 2026-06-11 14:02 UTC — Investigating

We are looking into it; see [the history](history/index.html).

## 2026-06-11 14:40 UTC — Resolved

Fixed.
"""

MAINTENANCE = """\
---
title: Database upgrade
impact: maintenance
components: [api]
scheduled: {start: 2026-06-20 02:00 UTC, end: 2026-06-20 04:00 UTC}
---

## 2026-06-14 10:00 UTC — Scheduled

The plan is on [the history page](history/index.html).
"""


def settings(url: str = "https://status.test/", timezone: str = "UTC", components: str = "") -> str:
    """A components.yaml whose ``url`` and ``timezone`` are exactly the given strings (JSON quoting is
    YAML double quoting, so control characters and quotes arrive unchanged)."""
    return (f"site:\n  title: Injection Status\n  url: {json.dumps(url)}\n  timezone: {json.dumps(timezone)}\n"
            f"components:\n  - id: api\n    name: API\n{components}")


def make(root: Path, components_yaml: str, incidents: dict[str, str] | None = None) -> Path:
    (root / "incidents").mkdir(parents=True, exist_ok=True)
    (root / "components.yaml").write_text(components_yaml, encoding="utf-8")
    for name, text in (incidents if incidents is not None else {"2026-06-11-api-errors.md": INCIDENT}).items():
        (root / "incidents" / name).write_text(text, encoding="utf-8")
    return root


def run_check(root: Path) -> tuple[int, list[tuple[str, int, int, str, str]]]:
    result = run_cli("check", "--root", root, "--now", NOW, "--format", "json")
    found = [(Path(d["path"]).relative_to(root).as_posix(), d["line"], d["col"], d["code"], d["message"])
             for d in json.loads(result.stdout)]
    return result.exit_code, found


# --- site.url and --base-url ---------------------------------------------------------------------------------

HOSTILE_URLS = {
    "double quote": 'https://status.test/" onmouseover="alert(1)',
    "single quote": "https://status.test/'onmouseover='alert(1)",
    "angle brackets": "https://status.test/<script>alert(1)</script>",
    "CRLF": "https://status.test/\r\nDESCRIPTION:injected",
    "LF": "https://status.test/\nX-INJECTED:1",
    "CR": "https://status.test/\rX",
    "tab": "https://status.test/\tx",
    "NUL": "https://status.test/\x00",
    "DEL": "https://status.test/\x7f",
    "line separator": "https://status.test/\u2028x",
    "space in the path": "https://status.test/a b/",
    "space in the host": "https://status test/",
    "backslash": "https://status.test\\@evil.test/",
    "non-ASCII": "https://status.test/é/",
    "user and password": "https://user:secret@status.test/",
    "user": "https://user@status.test/",
    "query": "https://status.test/?utm=1",
    "empty query": "https://status.test/?",
    "fragment": "https://status.test/#top",
    "no host": "https:///status/",
    "empty label": "https://status..test/",
    "label starting with a hyphen": "https://-status.test/",
    "underscore in the host": "https://status_page.test/",
    "label over 63 characters": f"https://{'a' * 64}.test/",
    "numeric host that is no IPv4 address": "https://999.1.1.1/",
    "port out of range": "https://status.test:65536/",
    "port zero": "https://status.test:0/",
    "port not a number": "https://status.test:https/",
    "empty port": "https://status.test:/",
    "broken IPv6": "https://[::1/",
    "not an IPv6 address": "https://[status.test]/",
    "bad percent escape": "https://status.test/%zz/",
    "javascript scheme": "javascript://status.test/%0Aalert(1)",
    "ftp": "ftp://status.test/",
    "relative": "/status/",
    "no scheme": "status.test",
}

GOOD_URLS = {
    "https://status.example.com": "https://status.example.com/",
    "http://localhost:8000/": "http://localhost:8000/",
    "https://example.github.io/status": "https://example.github.io/status/",
    "https://192.0.2.1/": "https://192.0.2.1/",
    "https://[2001:db8::1]:8443/s/": "https://[2001:db8::1]:8443/s/",
    "https://status.example.com/a%20b/": "https://status.example.com/a%20b/",
    "https://xn--bcher-kva.example/": "https://xn--bcher-kva.example/",
    "https://status.example.com/(ops)/~team/": "https://status.example.com/(ops)/~team/",
}


@pytest.mark.parametrize("url", HOSTILE_URLS.values(), ids=HOSTILE_URLS.keys())
def test_a_hostile_site_url_is_refused_at_its_line(url: str, tmp_path: Path) -> None:
    exit_code, found = run_check(make(tmp_path, settings(url=url)))
    assert exit_code == 1
    assert [f[:4] for f in found] == [("components.yaml", *URL_AT, "E405")]
    message = found[0][4]
    assert message.startswith("url must be an absolute http(s) address like 'https://status.example.com/'")
    assert message.isprintable(), "the URL is quoted back with its control characters escaped, on one line"
    assert "secret" not in message, "a password is never printed"


@pytest.mark.parametrize("url", HOSTILE_URLS.values(), ids=HOSTILE_URLS.keys())
def test_a_hostile_base_url_option_is_refused_and_nothing_is_written(url: str, tmp_path: Path) -> None:
    root = make(tmp_path / "repo", settings())
    out = tmp_path / "site"
    result = run_cli("build", "--root", root, "--out", out, "--now", NOW, "--base-url", url)
    assert result.exit_code == 1
    assert result.stderr.startswith("gitstatus: --base-url must be an absolute http(s) address")
    assert "Traceback" not in result.output and result.stderr.count("\n") == 1
    assert "secret" not in result.output, "a password is never printed"
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["repo"]


@pytest.mark.parametrize("url, expected", GOOD_URLS.items())
def test_good_site_urls_are_kept_with_a_trailing_slash(url: str, expected: str) -> None:
    node, problems = yamlnodes.parse(settings(url=url), "components.yaml")
    site, _, diagnostics = validate_components(node)
    assert problems == [] and diagnostics == [] and site.url == expected
    document = {"site": {"title": "S", "url": url}, "components": [{"id": "api", "name": "API"}]}
    assert not list(Draft202012Validator(schema.components_schema()).iter_errors(document))


def test_a_good_base_url_option_is_used(tmp_path: Path) -> None:
    root = make(tmp_path / "repo", settings())
    out = tmp_path / "site"
    result = run_cli("build", "--root", root, "--out", out, "--now", NOW, "--base-url", "https://[2001:db8::1]:8443/s")
    assert result.exit_code == 0, result.output
    assert "<loc>https://[2001:db8::1]:8443/s/index.html</loc>" in (out / "sitemap.xml").read_text(encoding="utf-8")


SCHEMA_LEAVES_TO_THE_CHECKER = ("numeric host that is no IPv4 address", "port out of range")
"""Arithmetic a pattern does not do; the checker refuses these."""


@pytest.mark.parametrize("url", [u for k, u in HOSTILE_URLS.items() if k not in SCHEMA_LEAVES_TO_THE_CHECKER],
                         ids=[k for k in HOSTILE_URLS if k not in SCHEMA_LEAVES_TO_THE_CHECKER])
def test_the_editor_schema_refuses_hostile_urls_too(url: str) -> None:
    validator = Draft202012Validator(schema.components_schema())
    document = {"site": {"title": "S", "url": url}, "components": [{"id": "api", "name": "API"}]}
    assert list(validator.iter_errors(document)), "the schema accepts it"


# --- the renderers, given a hostile address directly (defence in depth) ---------------------------------------

RENDER_URLS = {
    "attribute break-out": 'https://x.test/" onmouseover="alert(1)" data-x="',
    "single-quote break-out": "https://x.test/' onmouseover='alert(1)' data-x='",
    "element break-out": "https://x.test/</loc><script>alert(1)</script><loc>",
    "calendar line injection": "https://x.test/\r\nDESCRIPTION:injected\r\nX-EVIL:1\r\n",
    "bare LF and CR": "https://x.test/\nBEGIN:VEVENT\rEND:VEVENT/",
    "controls XML cannot carry": "https://x.test/\x00\x01\x0b\x1b/",
    "entities": "https://x.test/&amp;&lt;&/",
    "Unicode line breaks": "https://x.test/\u2028\u0085/",
}
BENIGN = "https://x.test/"


def rendered(root: Path, url: str) -> dict[str, bytes]:
    result = check(root, dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC))
    assert not result.failed(), result.diagnostics
    return {f.path: f.data for f in render_site(result.state, root, url)}


def xml_shape(data: bytes) -> list[tuple[str, list[str]]]:
    """Every element's tag and attribute names, in document order: what a hostile text must not change."""
    return [(e.tag, sorted(e.attrib)) for e in ET.fromstring(data).iter()]


def html_shape(html: str | bytes) -> list[tuple[str, list[str]]]:
    return [(e.tag, sorted(e.attrs)) for e in parse(html).iter()]


def feed_html_shapes(data: bytes) -> list[list[tuple[str, list[str]]]]:
    """The HTML inside each entry of a feed, as a feed reader would parse it after the XML."""
    tree = ET.fromstring(data)
    bodies = [e.text or "" for e in tree.iter() if e.tag in ("{http://www.w3.org/2005/Atom}content", "description")]
    return [html_shape(body) for body in bodies if "<" in body]


def ics_names(data: bytes) -> list[str]:
    """The property names of the calendar's content lines, after checking the physical lines."""
    text = data.decode("utf-8")
    assert text.endswith("\r\n")
    lines = text[:-2].split("\r\n")
    assert not any("\r" in line or "\n" in line for line in lines), "a bare CR or LF inside a line"
    assert all(len(line.encode("utf-8")) <= 75 for line in lines)
    unfolded: list[str] = []
    for line in lines:
        if line.startswith(" "):
            unfolded[-1] += line[1:]
        else:
            unfolded.append(line)
    return [re.split(r"[;:]", line, maxsplit=1)[0] for line in unfolded]


@pytest.mark.parametrize("url", RENDER_URLS.values(), ids=RENDER_URLS.keys())
def test_renderers_keep_a_hostile_base_url_inert(url: str, tmp_path: Path) -> None:
    root = make(tmp_path, settings(), {"2026-06-11-api-errors.md": INCIDENT, "2026-06-20-db.md": MAINTENANCE})
    good, bad = rendered(root, BENIGN), rendered(root, url)
    assert sorted(good) == sorted(bad)
    for path in ("history.atom", "history.rss", "sitemap.xml"):
        assert xml_shape(bad[path]) == xml_shape(good[path]), path
        assert feed_html_shapes(bad[path]) == feed_html_shapes(good[path]), path
    assert ics_names(bad["maintenance.ics"]) == ics_names(good["maintenance.ics"])
    calendar = icalendar.Calendar.from_ical(bad["maintenance.ics"])
    assert [e.get("SUMMARY") for e in calendar.walk("VEVENT")] == ["Maintenance: Database upgrade"]
    for path in ("index.html", "404.html", "incidents/2026-06-11-api-errors.html", "history/index.html"):
        assert html_shape(bad[path]) == html_shape(good[path]), path
    for path, data in bad.items():
        if path.endswith(".json"):
            json.loads(data)


# --- timezone --------------------------------------------------------------------------------------------------

BAD_ZONES = {
    "the build machine's zone": "localtime",
    "a copy of the default rules": "posixrules",
    "no place at all": "Factory",
    "a path up and out": "../../etc/localtime",
    "an absolute path": "/etc/localtime",
    "a path that comes back": "Europe/../UTC",
    "a system folder of other rules": "posix/Europe/Berlin",
    "leap-second rules": "right/UTC",
    "a data file": "zone.tab",
    "another data file": "tzdata.zi",
    "a folder": "Europe",
    "wrong letter case": "europe/berlin",
    "a trailing slash": "Europe/Berlin/",
    "an abbreviation": "CEST",
    "a typo": "Europe/Berln",
    "a NUL": "UTC\x00",
}
GOOD_ZONES = ["UTC", "Europe/Berlin", "America/Argentina/Buenos_Aires", "Etc/GMT+5",
              "US/Pacific", "Europe/Kiev", "Asia/Calcutta"]  # the last three: IANA 'backward' links


@pytest.mark.parametrize("name", BAD_ZONES.values(), ids=BAD_ZONES.keys())
def test_a_timezone_that_is_no_iana_name_is_refused(name: str, tmp_path: Path) -> None:
    exit_code, found = run_check(make(tmp_path, settings(timezone=name)))
    assert exit_code == 1
    assert [f[:4] for f in found] == [("components.yaml", *TIMEZONE_AT, "E404")]
    assert found[0][4].isprintable()


@pytest.mark.parametrize("name", GOOD_ZONES)
def test_iana_names_and_their_backward_links_are_accepted(name: str, tmp_path: Path) -> None:
    assert run_check(make(tmp_path, settings(timezone=name))) == (0, [])


def test_the_timezone_comes_from_tzdata_not_from_the_machine(tmp_path: Path) -> None:
    """A machine whose zone files say something else (PYTHONTZPATH first, then /usr/share/zoneinfo)
    builds the same bytes, and knows no more zone names than tzdata does."""
    tzdata = resources.files("tzdata.zoneinfo")
    machine = tmp_path / "zoneinfo"
    (machine / "Europe").mkdir(parents=True)
    (machine / "Mars").mkdir()
    (machine / "Europe" / "Berlin").write_bytes(tzdata.joinpath("Asia", "Tokyo").read_bytes())
    (machine / "Mars" / "Olympus").write_bytes(tzdata.joinpath("UTC").read_bytes())
    root = make(tmp_path / "repo", settings(timezone="Europe/Berlin"), {"2026-06-11-api-errors.md": INCIDENT.replace(
        "2026-06-11 14:02 UTC", "2026-06-11 16:02")})  # a time without a zone: read in the page's timezone
    env = {**os.environ, "PYTHONTZPATH": str(machine)}
    env.pop("SOURCE_DATE_EPOCH", None)

    def build(out: Path, environment: dict[str, str] | None) -> None:
        done = run_gitstatus("build", "--root", root, "--out", out, "--now", NOW, env=environment)
        assert done.returncode == 0, done.stderr

    build(tmp_path / "here", None)
    build(tmp_path / "there", env)
    here = {p.relative_to(tmp_path / "here"): p.read_bytes() for p in (tmp_path / "here").rglob("*") if p.is_file()}
    there = {p.relative_to(tmp_path / "there"): p.read_bytes() for p in (tmp_path / "there").rglob("*") if p.is_file()}
    assert here == there
    incidents = json.loads(here[Path("api/v2/incidents.json")])["incidents"]
    assert incidents[0]["created_at"] == "2026-06-11T16:02:00.000+02:00"

    (root / "components.yaml").write_text(settings(timezone="Mars/Olympus"), encoding="utf-8")
    (root / "incidents" / "2026-06-11-api-errors.md").write_text(INCIDENT, encoding="utf-8")
    checked = run_gitstatus("check", "--root", root, "--now", NOW, "--format", "json", env=env)
    assert checked.returncode == 1
    assert [(d["line"], d["col"], d["code"]) for d in json.loads(checked.stdout)] == [(*TIMEZONE_AT, "E404")]


# --- ids: what check passes, build can write -------------------------------------------------------------------

LONGEST = 100
"""The longest id check accepts (docs/diagnostics.md, E010 and E408)."""


def component(cid: str, group: str | None = None) -> str:
    return f"  - id: {cid}\n    name: Extra\n" + (f"    group: {json.dumps(group)}\n" if group else "")


ID_CASES: dict[str, tuple[dict[str, str], str, list[tuple[str, int, int, str]]]] = {
    # name: (incident files, extra components, expected diagnostics (path, line, col, code))
    "incident id one over the limit": (
        {f"{'a' * (LONGEST + 1)}.md": INCIDENT}, "", [(f"incidents/{'a' * (LONGEST + 1)}.md", 0, 0, "E010")]),
    "incident id as long as a file name allows": (
        {f"{'b' * 251}.md": INCIDENT}, "", [(f"incidents/{'b' * 251}.md", 0, 0, "E010")]),
    "incident id at the limit": ({f"{'c' * LONGEST}.md": INCIDENT}, "", []),
    "incident named like a Windows device": ({"aux.md": INCIDENT}, "", [("incidents/aux.md", 0, 0, "E011")]),
    "incident named like a numbered port": ({"com1.md": INCIDENT, "lpt9.md": INCIDENT}, "",
                                            [("incidents/com1.md", 0, 0, "E011"), ("incidents/lpt9.md", 0, 0, "E011")]),
    "incident merely starting like a device": ({"con-outage.md": INCIDENT, "nul1.md": INCIDENT}, "", []),
    "incident ids differing only in case": (
        {"api-slow.md": INCIDENT, "API-slow.md": INCIDENT}, "", [("incidents/API-slow.md", 0, 0, "E004")]),
    "incident id ending in a line break": ({"abc\n.md": INCIDENT}, "", [("incidents/abc\n.md", 0, 0, "E004")]),
    "component id one over the limit": ({}, component("d" * (LONGEST + 1)), [("components.yaml", 8, 9, "E408")]),
    "component id at the limit": ({}, component("e" * LONGEST), []),
    "component named like a Windows device": ({}, component("nul"), [("components.yaml", 8, 9, "E409")]),
    "group whose id is a Windows device": ({}, component("printer", group="PRN"), [("components.yaml", 10, 12, "E409")]),
    "group with the longest name": ({}, component("grouped", group="Long " * 60), []),
}


@pytest.mark.parametrize("incidents, extra, expected", ID_CASES.values(), ids=ID_CASES.keys())
def test_ids_that_cannot_become_file_names_are_refused_at_their_file(
    incidents: dict[str, str], extra: str, expected: list[tuple[str, int, int, str]], tmp_path: Path
) -> None:
    root = make(tmp_path / "repo", settings(components=extra), incidents or None)
    exit_code, found = run_check(root)
    assert [f[:4] for f in found] == expected, found
    assert all(f[4].isprintable() for f in found)
    assert exit_code == (1 if expected else 0)
    if expected:
        return
    out = tmp_path / "site"  # what check passes, build must build
    result = run_cli("build", "--root", root, "--out", out, "--now", NOW)
    assert result.exit_code == 0, result.output
    for name in incidents:
        assert (out / "incidents" / name.replace(".md", ".html")).is_file()


def test_a_build_refuses_an_over_long_id_with_the_diagnostic_not_an_os_error(tmp_path: Path) -> None:
    name = f"{'b' * 251}.md"
    root = make(tmp_path / "repo", settings(), {name: INCIDENT})
    out = tmp_path / "site"
    result = run_cli("build", "--root", root, "--out", out, "--now", NOW)
    assert result.exit_code == 1
    assert f"incidents/{name}: E010" in result.stdout and "File name too long" not in result.output
    assert not out.exists()


def test_the_editor_schema_refuses_an_over_long_component_id() -> None:
    validator = Draft202012Validator(schema.components_schema())
    document = {"site": {"title": "S"}, "components": [{"id": "a" * (LONGEST + 1), "name": "A"}]}
    assert list(validator.iter_errors(document))
    document["components"] = [{"id": "a" * LONGEST, "name": "A"}]
    assert not list(validator.iter_errors(document))


"""``gitstatus import statuspage`` on real Statuspage payloads (tests/fixtures/import/SOURCES.md says whose).

Round trip: a page's saved history is imported into a new status repo, which must pass
``gitstatus check`` and build; the built ``api/v2/incidents.json`` must carry the same
incidents, update statuses, times and texts as the source. A second import changes no byte;
a source with one more update appends just it; a failed import leaves every file as it was.
The address and management-API paths are served by real HTTP servers on 127.0.0.1.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import threading
from collections.abc import Callable, Iterator, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from gitstatus.importers.markup import EMPTY
from gitstatus.outputs.plaintext import message_text

from .conftest import COMPONENTS_YAML, REPO, cli_build, run_cli, write_tree

FIXTURES = REPO / "tests" / "fixtures" / "import" / "statuspage"
EMMA = FIXTURES / "emma" / "incidents.json"
GITHUB = sorted((FIXTURES / "github").glob("*.json"))
NOW = "2026-11-30 12:00 UTC"
MAINTENANCE_WORDS = {"scheduled", "in_progress", "verifying", "completed"}


def new_repo(root: Path, components: str = COMPONENTS_YAML) -> Path:
    return write_tree(root, {"components.yaml": components, "incidents/.gitkeep": ""})


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def run_import(root: Path, *args: str | Path, env: Mapping[str, str | None] | None = None) -> Any:
    return run_cli("import", "statuspage", *args, "--root", root, "--now", NOW, env=env)


def source_incidents(*paths: Path) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for path in paths:
        doc = json.loads(path.read_text(encoding="utf-8"))
        for item in [*doc.get("incidents", []), *doc.get("scheduled_maintenances", [])]:
            found[item["id"]] = item
    return found


def built_incidents(root: Path, out: Path) -> list[dict[str, Any]]:
    cli_build(root, out, NOW)
    return json.loads((out / "api" / "v2" / "incidents.json").read_text(encoding="utf-8"))["incidents"]  # type: ignore[no-any-return]


def origins(root: Path) -> dict[str, str]:
    """Incident id (file name) → the source's incident id, from each file's ``source:``."""
    found = {}
    for path in (root / "incidents").glob("*.md"):
        match = re.search(r"^source: statuspage:\w+/(\w+)$", path.read_text(encoding="utf-8"), re.M)
        assert match, f"{path.name} has no source"
        found[path.stem] = match[1]
    return found


def as_text(body: str) -> str:
    """A Statuspage body as its reader sees the words: tags gone, entities read, whitespace as one space."""
    text = re.sub(r"<br\s*/?>", " ", body)
    text = re.sub(r"<[^>]+>", "", text)
    return " ".join(text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").split())


def shown_text(markdown: str) -> str:
    """Our update's Markdown as the page shows its words: links' addresses aside."""
    return " ".join(re.sub(r" \((?:https?|mailto):[^)]*\)", "", message_text(markdown)).split())


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).astimezone(dt.UTC).replace(microsecond=0)


def assert_round_trip(root: Path, out: Path, sources: list[Path]) -> int:
    """Every source incident is in the built API with the same title, statuses, times and texts; the count of updates."""
    source = source_incidents(*sources)
    built = {i["id"]: i for i in built_incidents(root, out)}
    by_source = {origin: built[incident_id] for incident_id, origin in origins(root).items()}
    assert set(by_source) == set(source)
    compared = 0
    for key, original in source.items():
        ours = by_source[key]
        assert ours["name"] == " ".join(original["name"].split())
        theirs = sorted(original["incident_updates"], key=lambda u: utc(u["display_at"]))
        mine = sorted(ours["incident_updates"], key=lambda u: utc(u["display_at"]))
        assert [utc(u["display_at"]) for u in mine] == [utc(u["display_at"]) for u in theirs]
        assert [u["status"] for u in mine] == [u["status"] for u in theirs]
        for a, b in zip(mine, theirs, strict=True):
            assert shown_text(a["body"]) == (as_text(b["body"]) or EMPTY)
            compared += 1
        assert ours["status"] == ("postmortem" if original["status"] == "postmortem" else original["status"])
    return compared


# --- saved files --------------------------------------------------------------------------------------------


def test_a_pages_saved_history_round_trips_through_check_and_build(tmp_path: Path) -> None:
    root = new_repo(tmp_path / "repo")
    result = run_import(root, EMMA)
    assert result.exit_code == 0, result.output
    assert "22 incidents created" in result.output
    assert "impact 'none' has no counterpart" in result.output
    check = run_cli("check", "--root", root, "--now", NOW)
    assert check.exit_code == 0, check.output
    assert assert_round_trip(root, tmp_path / "site", [EMMA]) == 105


def test_components_groups_windows_and_html_of_real_github_payloads(tmp_path: Path) -> None:
    root = new_repo(tmp_path / "repo")
    result = run_import(root, *GITHUB)
    assert result.exit_code == 0, result.output
    assert_round_trip(root, tmp_path / "site", GITHUB)
    text = (root / "components.yaml").read_text(encoding="utf-8")
    assert text.startswith(COMPONENTS_YAML)  # the writer's file is kept, byte for byte, and added to
    for name in ("Git Operations", "Webhooks", "Actions", "Pages", "API Requests"):
        assert f"name: {name}\n" in text
    assert "    start_date: 2017-01-31\n" in text  # created_at, as the uptime history's start
    maintenance = json.loads((tmp_path / "site" / "api" / "v2" / "scheduled-maintenances.json").read_text())
    [window] = maintenance["scheduled_maintenances"]
    source = json.loads(GITHUB[2].read_text(encoding="utf-8"))["scheduled_maintenances"][0]
    assert utc(window["scheduled_for"]) == utc(source["scheduled_for"])
    assert utc(window["scheduled_until"]) == utc(source["scheduled_until"])
    assert [u["status"] for u in window["incident_updates"]][::-1] == ["scheduled", "scheduled", "in_progress",
                                                                       "completed"]
    first = window["incident_updates"][-1]["body"]
    assert "[API Authentication via Query Parameters](https://developer.github.com/changes/" in first
    page = (tmp_path / "site" / "incidents" / "2024-09-16-disruption-with-git-ssh.html").read_text()
    assert "<p>We are seeing up to 2% of Git SSH connections failing.</p>\n<p>We have taken" in page
    actions = (root / "incidents" / "2024-09-16-incident-with-pages-and-actions.md").read_text()
    assert "component_status:\n  actions: major_outage\n" in actions  # its worst, above what 'major' implies
    assert "each component is shown with the worst status it had" in result.output


def test_a_second_import_changes_no_byte_and_says_so(tmp_path: Path) -> None:
    root = new_repo(tmp_path / "repo")
    assert run_import(root, *GITHUB, EMMA).exit_code == 0
    before = snapshot(root)
    again = run_import(root, *GITHUB, EMMA)
    assert again.exit_code == 0, again.output
    assert snapshot(root) == before
    assert "Nothing to write" in again.output and "25 already up to date" in again.output


def test_a_new_update_at_the_source_is_appended_and_nothing_else_changes(tmp_path: Path) -> None:
    doc = json.loads(GITHUB[1].read_text(encoding="utf-8"))
    assert GITHUB[1].name == "incidents.json"
    ssh = next(i for i in doc["incidents"] if i["id"] == "r3x7x31k7nn1")
    earlier = copy.deepcopy(doc)
    open_one = next(i for i in earlier["incidents"] if i["id"] == "r3x7x31k7nn1")
    open_one["incident_updates"] = open_one["incident_updates"][1:]  # before it was resolved
    open_one["status"] = "investigating"
    saved = tmp_path / "incidents.json"
    saved.write_text(json.dumps(earlier), encoding="utf-8")
    root = new_repo(tmp_path / "repo")
    assert run_import(root, saved).exit_code == 0
    path = root / "incidents" / "2024-09-16-disruption-with-git-ssh.md"
    before = snapshot(root)
    saved.write_text(json.dumps(doc), encoding="utf-8")
    result = run_import(root, saved)
    assert result.exit_code == 0, result.output
    assert "0 incidents created, 1 updated (1 updates)" in result.output
    after = snapshot(root)
    assert [p for p in after if after[p] != before.get(p)] == ["incidents/2024-09-16-disruption-with-git-ssh.md"]
    resolved = ssh["incident_updates"][0]
    assert path.read_bytes() == before["incidents/2024-09-16-disruption-with-git-ssh.md"] + (
        f"\n## 2024-09-16 14:28:03 UTC — Resolved\n\n{resolved['body']}\n".encode())


def test_the_page_timezone_is_used_and_the_source_zone_reported(tmp_path: Path) -> None:
    root = new_repo(tmp_path / "repo", COMPONENTS_YAML.replace("timezone: UTC", "timezone: America/Chicago"))
    result = run_import(root, EMMA)
    assert result.exit_code == 0, result.output
    text = (root / "incidents" / "2017-06-11-elevated-api-errors.md").read_text(encoding="utf-8")
    assert "## 2017-06-11 06:55 -05:00 — Investigating" in text  # 06:55:00.000-05:00 at the source
    assert "showed times in" not in result.output
    other = new_repo(tmp_path / "utc")
    assert "Statuspage showed times in America/Chicago; this page shows them in UTC" in run_import(other, EMMA).output


# --- nothing changes when the import fails -----------------------------------------------------------------


def test_a_result_that_would_not_pass_check_writes_nothing(tmp_path: Path) -> None:
    """A real body of 1.2 MB: the incident file would be over the reader's 1 MiB limit, so check would fail."""
    doc = json.loads(GITHUB[1].read_text(encoding="utf-8"))
    doc["incidents"][1]["incident_updates"][0]["body"] = "We are investigating. " * 55_000
    saved = tmp_path / "incidents.json"
    saved.write_text(json.dumps(doc), encoding="utf-8")
    root = new_repo(tmp_path / "repo")
    before = snapshot(root)
    result = run_import(root, saved, *GITHUB[:1])
    assert result.exit_code == 1
    assert "not written: the imported files would not pass 'gitstatus check'" in result.output
    assert "E0" in result.output or "E1" in result.output
    assert snapshot(root) == before


def test_a_repo_with_errors_is_refused_before_anything_is_read(tmp_path: Path) -> None:
    root = new_repo(tmp_path / "repo")
    (root / "incidents" / "broken.md").write_text("---\ntitle: x\n---\n", encoding="utf-8")
    before = snapshot(root)
    result = run_import(root, EMMA)
    assert result.exit_code == 1
    assert "the status repo has errors" in result.output
    assert snapshot(root) == before


def test_a_file_that_is_no_api_answer_is_a_usage_error(tmp_path: Path) -> None:
    root = new_repo(tmp_path / "repo")
    bogus = tmp_path / "x.json"
    bogus.write_text('{"hello": 1}', encoding="utf-8")
    result = run_import(root, bogus)
    assert result.exit_code == 2
    assert "is not an answer of Statuspage's API" in result.output
    assert run_import(root).exit_code == 2


def test_dry_run_prints_the_plan_and_writes_nothing(tmp_path: Path) -> None:
    root = new_repo(tmp_path / "repo")
    before = snapshot(root)
    result = run_import(root, *GITHUB, "--dry-run")
    assert result.exit_code == 0, result.output
    assert snapshot(root) == before
    for line in ("Components would be added to components.yaml (5):", "  + git-operations: Git Operations",
                 "Incident files would be created (3):", "Approximations (2):",
                 "Dry run, nothing was written: 3 incidents created"):
        assert line in result.output


# --- a page's address, served on 127.0.0.1 -----------------------------------------------------------------


class Pages:
    """A real HTTP server answering from a table of path → (status, body); what it was asked, kept."""

    def __init__(self, routes: Callable[[str, dict[str, str]], tuple[int, bytes]]) -> None:
        self.asked: list[tuple[str, dict[str, str]]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                headers = dict(self.headers.items())
                outer.asked.append((self.path, headers))
                status, body = routes(self.path, headers)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def serve() -> Iterator[Callable[[Callable[[str, dict[str, str]], tuple[int, bytes]]], Pages]]:
    started: list[Pages] = []

    def start(routes: Callable[[str, dict[str, str]], tuple[int, bytes]]) -> Pages:
        started.append(Pages(routes))
        return started[-1]

    yield start
    for pages in started:
        pages.close()


def public_routes(fail: dict[str, int] | None = None) -> Callable[[str, dict[str, str]], tuple[int, bytes]]:
    """GitHub's saved answers at /api/v2/…; ``fail`` answers a path with 503 that many times first."""
    bodies = {f"/api/v2/{p.name}": p.read_bytes() for p in GITHUB}
    left = dict(fail or {})

    def route(path: str, headers: dict[str, str]) -> tuple[int, bytes]:
        if left.get(path, 0) > 0:
            left[path] -= 1
            return 503, b'{"error": "busy"}'
        return (200, bodies[path]) if path in bodies else (404, b"{}")

    return route


def test_a_pages_address_imports_what_its_files_import(tmp_path: Path, serve: Any) -> None:
    pages = serve(public_routes(fail={"/api/v2/incidents.json": 1}))  # one 503: retried after a backoff
    by_url = new_repo(tmp_path / "url")
    result = run_import(by_url, pages.url + "/")
    assert result.exit_code == 0, result.output
    assert "the public API lists only the 50 most recent incidents" in result.output
    assert [p for p, _ in pages.asked] == ["/api/v2/components.json", "/api/v2/incidents.json",
                                           "/api/v2/incidents.json", "/api/v2/scheduled-maintenances.json"]
    by_files = new_repo(tmp_path / "files")
    assert run_import(by_files, *GITHUB).exit_code == 0
    assert snapshot(by_url) == snapshot(by_files)


def test_a_network_error_changes_nothing(tmp_path: Path, serve: Any) -> None:
    pages = serve(public_routes(fail={"/api/v2/scheduled-maintenances.json": 99}))
    root = new_repo(tmp_path / "repo")
    before = snapshot(root)
    result = run_import(root, pages.url)
    assert result.exit_code == 1
    assert "scheduled-maintenances.json: HTTP 503" in result.output and "tried 3 times" in result.output
    assert snapshot(root) == before
    closed = serve(public_routes())
    closed.close()
    refused = run_import(root, closed.url)
    assert refused.exit_code == 1 and "nothing was written" in refused.output
    assert snapshot(root) == before


# --- the management API, served on 127.0.0.1 ----------------------------------------------------------------

KEY = "s3cr3t-key-0123456789"


def management_routes(incidents: list[dict[str, Any]]) -> Callable[[str, dict[str, str]], tuple[int, bytes]]:
    """Statuspage's management API for page 4lzycl8t1x0c, paginated, behind an OAuth key."""
    def route(path: str, headers: dict[str, str]) -> tuple[int, bytes]:
        if headers.get("Authorization") != f"OAuth {KEY}":
            return 401, b'{"error": "Could not authenticate"}'
        url = urlsplit(path)
        query = {k: int(v[0]) for k, v in parse_qs(url.query).items()}
        if url.path == "/v1/pages/4lzycl8t1x0c":
            return 200, json.dumps({"id": "4lzycl8t1x0c", "name": "Emma", "time_zone": "America/Chicago"}).encode()
        if url.path == "/v1/pages/4lzycl8t1x0c/component-groups":
            return 200, b"[]"
        if url.path == "/v1/pages/4lzycl8t1x0c/components":
            return 200, b"[]"
        if url.path == "/v1/pages/4lzycl8t1x0c/incidents":
            page, size = query["page"], query["per_page"]
            return 200, json.dumps(incidents[(page - 1) * size: page * size]).encode()
        return 404, b"{}"

    return route


def history() -> list[dict[str, Any]]:
    """Emma's 22 real incidents, and five more copies of them (other ids, a year apart each): 132, two pages."""
    real = json.loads(EMMA.read_text(encoding="utf-8"))["incidents"]
    every = list(real)
    for copy_number in range(1, 6):
        years, tag = copy_number * 6, f"c{copy_number}"
        text = json.dumps(real)
        text = re.sub(r'"(20\d\d)-', lambda m, years=years: f'"{int(m[1]) - years}-', text)  # type: ignore[misc]
        text = re.sub(r'"id": "(\w+)"', lambda m, tag=tag: f'"id": "{m[1]}{tag}"', text)  # type: ignore[misc]
        every += json.loads(text)
    return every


def test_the_management_api_pages_through_the_whole_history_and_never_shows_the_key(
        tmp_path: Path, serve: Any) -> None:
    incidents = history()
    pages = serve(management_routes(incidents))
    root = new_repo(tmp_path / "repo")
    env = {"STATUSPAGE_API_KEY": KEY}
    result = run_import(root, "--page-id", "4lzycl8t1x0c", "--api-url", pages.url + "/v1", env=env)
    assert result.exit_code == 0, result.output
    assert f"{len(incidents)} incidents created" in result.output
    asked = [p for p, _ in pages.asked]
    assert "/v1/pages/4lzycl8t1x0c/incidents?page=1&per_page=100" in asked
    assert "/v1/pages/4lzycl8t1x0c/incidents?page=2&per_page=100" in asked
    assert KEY not in result.output
    assert KEY not in "".join(p.read_text(encoding="utf-8") for p in root.rglob("*") if p.is_file())
    wrong = run_import(new_repo(tmp_path / "other"), "--page-id", "4lzycl8t1x0c", "--api-url", pages.url + "/v1",
                       env={"STATUSPAGE_API_KEY": "wrong-key"})
    assert wrong.exit_code == 1
    assert "HTTP 401" in wrong.output and "check the API key" in wrong.output and "wrong-key" not in wrong.output
    missing = run_import(new_repo(tmp_path / "none"), "--page-id", "4lzycl8t1x0c", env={"STATUSPAGE_API_KEY": None})
    assert missing.exit_code == 2 and "STATUSPAGE_API_KEY" in missing.output


def test_the_key_is_never_sent_over_plain_http_to_another_machine(tmp_path: Path) -> None:
    root = new_repo(tmp_path / "repo")
    result = run_import(root, "--page-id", "4lzycl8t1x0c", "--api-url", "http://api.example.test/v1",
                        env={"STATUSPAGE_API_KEY": KEY})
    assert result.exit_code == 2 and "is not https" in result.output and KEY not in result.output


# --- what the saved payloads above do not show: groups, post-mortems ----------------------------------------


def test_groups_keep_the_pages_order_and_a_post_mortem_ends_the_last_update(tmp_path: Path) -> None:
    """GitHub's real payloads, with a group around two components and a post-mortem added as Statuspage writes them."""
    components = json.loads(GITHUB[0].read_text(encoding="utf-8"))
    assert GITHUB[0].name == "components.json"
    components["components"].insert(0, {"id": "grp", "name": "Git", "group": True, "position": 1,
                                        "components": ["8l4ygp009s5s", "4230lsnqdsld"], "group_id": None})
    for member in components["components"][1:]:
        member["group_id"] = "grp"
    incidents = json.loads(GITHUB[1].read_text(encoding="utf-8"))
    ssh = next(i for i in incidents["incidents"] if i["id"] == "r3x7x31k7nn1")
    ssh["status"] = "postmortem"
    ssh["postmortem_body"] = "<p>A network device <strong>dropped</strong> SSH sessions.</p>"
    (tmp_path / "components.json").write_text(json.dumps(components), encoding="utf-8")
    (tmp_path / "incidents.json").write_text(json.dumps(incidents), encoding="utf-8")
    root = new_repo(tmp_path / "repo")
    result = run_import(root, tmp_path / "components.json", tmp_path / "incidents.json")
    assert result.exit_code == 0, result.output
    added = re.findall(r"^  - id: (\S+)\n(?:    .*\n)*?    group: (\S+)", (root / "components.yaml").read_text(), re.M)
    assert added[-2:] == [("git-operations", "Git"), ("webhooks", "Git")]
    text = (root / "incidents" / "2024-09-16-disruption-with-git-ssh.md").read_text(encoding="utf-8")
    assert text.endswith("This incident has been resolved.\n\n### Post-mortem\n\nA network device **dropped** SSH "
                         "sessions.\n")
    assert "the post-mortem is kept as the last part of the last update" in result.output

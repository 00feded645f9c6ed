"""``gitstatus notify`` end to end: real git repos, a real HTTP receiver and a real SMTP server on 127.0.0.1.

apprise's ``json://`` posts to the receiver, its ``mailto://`` to aiosmtpd, the webhook channel
posts Statuspage's JSON there, signed; the record of what was announced is a file (``--state``)
or, as in a publish run, a file of the built site that the next run fetches from the "live" site
the receiver serves. Clocks are ``--now``: the lifecycles of an incident and of a maintenance
window produce exactly the expected messages in order, a re-run sends nothing, an unreachable
channel is reported while the others deliver, and no secret reaches any output.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import hmac
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner, Result
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource

from gitstatus.cli import main

from .conftest import REPO, write_tree

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test Writer", "GIT_AUTHOR_EMAIL": "writer@example.invalid",
    "GIT_COMMITTER_NAME": "Test Writer", "GIT_COMMITTER_EMAIL": "writer@example.invalid",
    "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
}
INCIDENT = "incidents/2026-06-11-api-errors.md"
MAINTENANCE = "incidents/2026-06-19-db-upgrade.md"
SECRET = "sh4red-webhook-k3y"
SCHEMAS = REPO / "tests" / "schemas"


# --- the real parts ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Post:
    path: str
    headers: Mapping[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class Receiver:
    """An HTTP server on 127.0.0.1: records every POST; serves GETs from ``live`` (the published site)."""

    def __init__(self, live: Path) -> None:
        self.live = live
        self.posts: list[Post] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver.lock:
                    receiver.posts.append(Post(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(500 if self.path.startswith("/broken") else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_GET(self) -> None:
                path = receiver.live / urlsplit(self.path).path.lstrip("/")  # a static host ignores the query
                if not path.is_file():
                    self.send_error(404)
                    return
                data = path.read_bytes()
                self.send_response(200)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def url(self, path: str = "") -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    def taken(self, path: str) -> list[Post]:
        """The POSTs to ``path`` so far, and forget them."""
        with self.lock:
            found = [p for p in self.posts if p.path == path]
            self.posts = [p for p in self.posts if p.path != path]
        return found

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Mailbox:
    """aiosmtpd on 127.0.0.1: every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.rejected: set[str] = set()
        """Recipients refused with 550, as a server refuses an unknown mailbox."""
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    async def handle_RCPT(self, server: object, session: object, envelope: Any, address: str,
                          options: list[str]) -> str:
        if address in self.rejected:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 OK"

    def taken(self) -> list[EmailMessage]:
        found, self.messages = self.messages, []
        return found

    def url(self, to: str = "ops@example.test") -> str:
        return f"mailto://127.0.0.1:{self.port}?from=status@example.test&to={to}&mode=insecure"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def receiver(tmp_path: Path) -> Iterator[Receiver]:
    live = tmp_path / "live"
    live.mkdir()
    server = Receiver(live)
    yield server
    server.close()


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    box = Mailbox()
    yield box
    box.controller.stop()


@pytest.fixture(autouse=True)
def no_github(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


def git(root: Path, *args: str) -> None:
    proc = subprocess.run(["git", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", *args], cwd=root,
                          env={**os.environ, **GIT_ENV}, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr


def commit(root: Path, files: Mapping[str, str]) -> None:
    write_tree(root, files)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "change")


COMPONENTS = """\
site:
  title: Acme Status
  url: {url}
  timezone: UTC
components:
  - id: api
    name: API
  - id: dashboard
    name: Dashboard
notify:
  - name: chat
    url_env: CHAT_URL
  - name: mail
    url_env: MAIL_URL
    format: text
    events: [opened, resolved, scheduled, started, completed]
  - name: hook
    url_env: HOOK_URL
    format: webhook
    secret_env: HOOK_SECRET
    components: [api]
"""

HEAD = "---\ntitle: API errors\nimpact: major\ncomponents: [api]\n---\n"
OPENED = "\n## 2026-06-11 14:02 UTC — Investigating\n\nRequests to the API **fail** for some customers.\n"
IDENTIFIED = "\n## 2026-06-11 14:30 UTC — Identified\n\nA bad deploy; we are rolling it back.\n"
RESOLVED = "\n## 2026-06-11 15:10 UTC — Resolved\n\nThe rollback is done and errors are back to normal.\n"
MAINT = """\
---
title: Database upgrade
impact: maintenance
components: [api, dashboard]
scheduled:
  start: 2026-06-20 02:00 UTC
  end: 2026-06-20 04:00 UTC
---

## 2026-06-19 10:00 UTC — Scheduled

We upgrade the database; the API may be slow.
"""


@pytest.fixture
def repo(tmp_path: Path, receiver: Receiver) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    commit(root, {"components.yaml": COMPONENTS.format(url=receiver.url()), "incidents/.keep": ""})
    return root


def channels(receiver: Receiver, mailbox: Mailbox) -> dict[str, str]:
    return {"CHAT_URL": f"json://127.0.0.1:{receiver.port}/chat", "MAIL_URL": mailbox.url(),
            "HOOK_URL": receiver.url("hook"), "HOOK_SECRET": SECRET}


def notify(root: Path, now: str, env: Mapping[str, str], *args: str, state: Path | None = None) -> Result:
    where = ["--state", str(state)] if state is not None else []
    return CliRunner().invoke(main, ["notify", "--root", str(root), "--now", now, "--retries", "1", *where, *args],
                              env=dict(env), catch_exceptions=False)


def chat_titles(receiver: Receiver) -> list[str]:
    return [p.json()["title"] for p in receiver.taken("/chat")]


def webhook_schema() -> Draft202012Validator:
    """tests/schemas/webhook.json, with the API's objects it refers to (docs/notify.md documents it)."""
    loaded = [json.loads(p.read_text(encoding="utf-8")) for p in SCHEMAS.glob("*.json")]
    registry: Registry = Registry().with_resources((s["$id"], Resource.from_contents(s)) for s in loaded)
    schema = json.loads((SCHEMAS / "webhook.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema, registry=registry, format_checker=FormatChecker())


def hook_events(receiver: Receiver) -> list[str]:
    """``kind status`` of each webhook received, each checked: its signature, its headers, its schema."""
    found = []
    validator = webhook_schema()
    for post in receiver.taken("/hook"):
        expected = "sha256=" + hmac.new(SECRET.encode(), post.body, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(post.headers["x-gitstatus-signature"], expected)
        body = post.json()
        assert [e.message for e in validator.iter_errors(body)] == []
        if body["meta"]["event"]["kind"] in ("opened", "updated", "resolved"):
            updates = body["incident"]["incident_updates"]
            assert [u["id"] for u in updates if u["deliver_notifications"]] == [updates[0]["id"]]
        assert post.headers["x-gitstatus-event"] == body["meta"]["event"]["kind"]
        assert post.headers["x-gitstatus-delivery"] == body["meta"]["event"]["id"]
        subject = body["incident"]["status"] if "incident" in body else body["component_update"]["new_status"]
        found.append(f"{body['meta']['event']['kind']} {subject}")
    return found


def subjects(mailbox: Mailbox) -> list[str]:
    return [str(m["Subject"]) for m in mailbox.taken()]


# --- lifecycles -------------------------------------------------------------------------------------------


def test_an_incidents_lifecycle_sends_exactly_the_expected_messages_in_order(
        repo: Path, tmp_path: Path, receiver: Receiver, mailbox: Mailbox) -> None:
    env, state = channels(receiver, mailbox), tmp_path / "notify-state.json"

    first = notify(repo, "2026-06-11 14:00 UTC", env, state=state)
    assert first.exit_code == 0, first.output
    assert "No earlier announcement" in first.output and state.is_file()
    assert (chat_titles(receiver), hook_events(receiver), subjects(mailbox)) == ([], [], [])

    commit(repo, {INCIDENT: HEAD + OPENED})
    run = notify(repo, "2026-06-11 14:05 UTC", env, state=state)
    assert run.exit_code == 0, run.output
    assert chat_titles(receiver) == ["New incident: API errors", "Status change: API"]
    assert hook_events(receiver) == ["opened investigating", "component_status partial_outage"]
    [opened] = mailbox.taken()
    assert opened["Subject"] == "New incident: API errors"
    body = opened.get_content()
    assert "Status: Investigating (Jun 11, 2026, 14:02 UTC)" in body
    assert "Requests to the API fail for some customers." in body  # plain text: the Markdown is read, not shown
    assert f"Details: {receiver.url('incidents/2026-06-11-api-errors.html')}" in body

    commit(repo, {INCIDENT: HEAD + OPENED + IDENTIFIED})
    assert notify(repo, "2026-06-11 14:35 UTC", env, state=state).exit_code == 0
    assert chat_titles(receiver) == ["Update: API errors"]
    assert hook_events(receiver) == ["updated identified"]
    assert subjects(mailbox) == []  # the mail channel takes opened and resolved only

    commit(repo, {INCIDENT: HEAD + OPENED + IDENTIFIED + RESOLVED})
    assert notify(repo, "2026-06-11 15:15 UTC", env, state=state).exit_code == 0
    assert chat_titles(receiver) == ["Resolved: API errors", "Status change: API"]
    assert hook_events(receiver) == ["resolved resolved", "component_status operational"]
    assert subjects(mailbox) == ["Resolved: API errors"]

    again = notify(repo, "2026-06-11 15:20 UTC", env, state=state)  # the same publish run, re-run
    assert again.exit_code == 0 and "0 events since 2026-06-11 15:15 UTC" in again.output
    assert (chat_titles(receiver), hook_events(receiver), subjects(mailbox)) == ([], [], [])


def test_a_maintenance_window_is_announced_as_it_opens_and_closes_without_a_commit(
        repo: Path, tmp_path: Path, receiver: Receiver, mailbox: Mailbox) -> None:
    env, state = channels(receiver, mailbox), tmp_path / "notify-state.json"
    assert notify(repo, "2026-06-19 09:00 UTC", env, state=state).exit_code == 0
    commit(repo, {MAINTENANCE: MAINT})
    sent = []
    for now in ("2026-06-19 10:05 UTC", "2026-06-20 01:30 UTC", "2026-06-20 02:10 UTC", "2026-06-20 04:05 UTC",
                "2026-06-20 04:35 UTC"):
        run = notify(repo, now, env, state=state)
        assert run.exit_code == 0, run.output
        sent.append((now[11:16], chat_titles(receiver), subjects(mailbox), hook_events(receiver)))
    assert sent == [
        ("10:05", ["Maintenance scheduled: Database upgrade"], ["Maintenance scheduled: Database upgrade"],
         ["scheduled scheduled"]),
        ("01:30", [], [], []),
        ("02:10", ["Maintenance started: Database upgrade", "Status change: API", "Status change: Dashboard"],
         ["Maintenance started: Database upgrade"], ["started in_progress", "component_status under_maintenance"]),
        ("04:05", ["Maintenance completed: Database upgrade", "Status change: API", "Status change: Dashboard"],
         ["Maintenance completed: Database upgrade"], ["completed completed", "component_status operational"]),
        ("04:35", [], [], []),
    ]


def test_a_run_that_was_skipped_loses_nothing(repo: Path, tmp_path: Path, receiver: Receiver,
                                              mailbox: Mailbox) -> None:
    env, state = channels(receiver, mailbox), tmp_path / "notify-state.json"
    assert notify(repo, "2026-06-19 09:00 UTC", env, state=state).exit_code == 0
    commit(repo, {MAINTENANCE: MAINT})  # the runs at 10:05 and during the window never happened
    assert notify(repo, "2026-06-20 05:00 UTC", env, state=state).exit_code == 0
    assert subjects(mailbox) == ["Maintenance scheduled: Database upgrade", "Maintenance started: Database upgrade",
                                 "Maintenance completed: Database upgrade"]


# --- failures ---------------------------------------------------------------------------------------------


def test_an_unreachable_channel_is_reported_the_others_deliver_and_it_catches_up_later(
        repo: Path, tmp_path: Path, receiver: Receiver, mailbox: Mailbox) -> None:
    env, state = channels(receiver, mailbox), tmp_path / "notify-state.json"
    assert notify(repo, "2026-06-11 14:00 UTC", env, state=state).exit_code == 0
    commit(repo, {INCIDENT: HEAD + OPENED})
    down = {**env, "CHAT_URL": f"json://127.0.0.1:{free_port()}/chat"}

    run = notify(repo, "2026-06-11 14:05 UTC", down, state=state)
    assert run.exit_code == 1
    [line] = [line for line in run.stdout.splitlines() if line.startswith("chat:")]
    assert line.startswith("chat: FAILED after 2 tries:") and "sent 0 of 2, the other 2 are sent next run" in line
    assert "mail: sent 1 message" in run.stdout and "hook: sent 2 messages" in run.stdout
    assert subjects(mailbox) == ["New incident: API errors"]
    assert hook_events(receiver) == ["opened investigating", "component_status partial_outage"]
    record = json.loads(state.read_text())
    assert list(record["behind"]) == ["chat"] and record["behind"]["chat"]["at"] == "2026-06-11T14:00:00+00:00"

    later = notify(repo, "2026-06-11 14:20 UTC", env, state=state)  # the channel is back; no new commit
    assert later.exit_code == 0, later.output
    assert chat_titles(receiver) == ["New incident: API errors", "Status change: API"]
    assert (subjects(mailbox), hook_events(receiver)) == ([], [])  # the others are not sent anything twice
    assert json.loads(state.read_text())["behind"] == {}


def test_a_channel_whose_variable_is_unset_is_skipped_with_a_warning(
        repo: Path, tmp_path: Path, receiver: Receiver, mailbox: Mailbox) -> None:
    env, state = channels(receiver, mailbox), tmp_path / "notify-state.json"
    del env["MAIL_URL"]
    assert notify(repo, "2026-06-11 14:00 UTC", env, state=state).exit_code == 0
    commit(repo, {INCIDENT: HEAD + OPENED})
    run = notify(repo, "2026-06-11 14:05 UTC", env, state=state)
    assert run.exit_code == 0
    assert "mail: skipped, MAIL_URL is not set" in run.stdout
    assert chat_titles(receiver) == ["New incident: API errors", "Status change: API"]
    check = CliRunner().invoke(main, ["check", "--root", str(repo), "--now", "2026-06-11 14:05 UTC"],
                               env={}, catch_exceptions=False)
    assert check.exit_code == 0 and "MAIL_URL" not in check.output  # never an error of check


def test_secrets_never_reach_the_output_the_job_summary_or_the_record(
        repo: Path, tmp_path: Path, receiver: Receiver, mailbox: Mailbox) -> None:
    closed = free_port()
    mailbox.rejected.add("s3cret-list@example.test")  # the server names the refused mailbox; so does apprise's log
    secrets = {"CHAT_URL": f"json://chatuser:pa55w0rd-x@127.0.0.1:{closed}/t0ken-in-the-path?key=qu3ry-s3cret",
               "MAIL_URL": mailbox.url(to="s3cret-list@example.test"),
               "HOOK_URL": f"http://127.0.0.1:{closed}/hook-s3cret-path", "HOOK_SECRET": SECRET}
    state, summary = tmp_path / "notify-state.json", tmp_path / "summary.md"
    summary.write_text("")
    github = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    assert notify(repo, "2026-06-11 14:00 UTC", secrets, state=state).exit_code == 0
    commit(repo, {INCIDENT: HEAD + OPENED})
    runner = CliRunner()
    dry = runner.invoke(main, ["notify", "--root", str(repo), "--now", "2026-06-11 14:05 UTC", "--state", str(state),
                               "--dry-run"], env=secrets, catch_exceptions=False)
    run = subprocess.run(  # a real process: whatever apprise logs goes to the real standard error
        [sys.executable, "-m", "gitstatus", "notify", "--root", str(repo), "--now", "2026-06-11 14:05 UTC",
         "--state", str(state), "--retries", "0", "--timeout", "2"],
        env={**os.environ, **secrets, **github}, capture_output=True, text=True, check=False, cwd=REPO)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "chat: FAILED" in run.stdout and "hook: FAILED" in run.stdout
    assert 'mail: FAILED after 1 try: not delivered (Sending email to "***@***" failed.' in run.stdout
    assert "::error title=gitstatus notify::chat: FAILED" in run.stderr
    shown = dry.output + run.stdout + run.stderr + summary.read_text() + state.read_text()
    for word in ("chatuser", "pa55w0rd-x", "t0ken-in-the-path", "qu3ry-s3cret", "s3cret-list", "hook-s3cret-path",
                 SECRET, str(closed)):
        assert word not in shown, word
    assert "| chat | failed | 0 of 2 |" in summary.read_text()


def test_a_repo_with_errors_announces_nothing(repo: Path, tmp_path: Path, receiver: Receiver,
                                              mailbox: Mailbox) -> None:
    env, state = channels(receiver, mailbox), tmp_path / "notify-state.json"
    assert notify(repo, "2026-06-11 14:00 UTC", env, state=state).exit_code == 0
    before = state.read_bytes()
    commit(repo, {INCIDENT: HEAD + OPENED.replace("Investigating", "Investigatin")})
    run = notify(repo, "2026-06-11 14:05 UTC", env, state=state)
    assert run.exit_code == 1
    assert "nothing is announced" in run.stderr and "E204" in run.stderr
    assert receiver.posts == [] and mailbox.messages == [] and state.read_bytes() == before


def test_a_record_that_cannot_be_read_stops_the_run_before_anything_is_sent(
        repo: Path, tmp_path: Path, receiver: Receiver, mailbox: Mailbox) -> None:
    env, state = channels(receiver, mailbox), tmp_path / "notify-state.json"
    state.write_text('{"format": 1, "generator": "gitstatus notify", "commit": "--upload-pack=touch x", "at": "x"}')
    commit(repo, {INCIDENT: HEAD + OPENED})
    run = notify(repo, "2026-06-11 14:05 UTC", env, state=state)
    assert run.exit_code == 1
    assert "cannot use the record of what was announced" in run.stderr and "Nothing was sent" in run.stderr
    assert receiver.posts == [] and mailbox.messages == []


# --- the record on the live site, dry runs, JSON, templates ------------------------------------------------


def test_the_record_is_published_with_the_site_and_read_back_from_the_live_site(
        repo: Path, tmp_path: Path, receiver: Receiver, mailbox: Mailbox) -> None:
    env, site = channels(receiver, mailbox), tmp_path / "site"

    def publish(now: str) -> Result:
        built = CliRunner().invoke(main, ["build", "--root", str(repo), "--out", str(site), "--now", now],
                                   catch_exceptions=False)
        assert built.exit_code == 0, built.output
        run = notify(repo, now, env, "--out", str(site))
        shutil.rmtree(receiver.live)
        shutil.copytree(site, receiver.live)  # the deploy
        return run

    first = publish("2026-06-11 14:00 UTC")
    assert first.exit_code == 0 and f"({receiver.url('notify-state.json')} has no record)" in first.output
    assert json.loads((site / ".gitstatus-manifest.json").read_text())["files"].count("notify-state.json") == 1
    commit(repo, {INCIDENT: HEAD + OPENED})
    second = publish("2026-06-11 14:05 UTC")
    assert second.exit_code == 0 and "2 events since 2026-06-11 14:00 UTC" in second.output
    assert chat_titles(receiver) == ["New incident: API errors", "Status change: API"]
    rerun = publish("2026-06-11 14:10 UTC")
    assert rerun.exit_code == 0 and chat_titles(receiver) == []


def test_a_dry_run_prints_the_messages_and_json_the_events_and_nothing_is_sent_or_written(
        repo: Path, tmp_path: Path, receiver: Receiver, mailbox: Mailbox) -> None:
    env, state = channels(receiver, mailbox), tmp_path / "notify-state.json"
    assert notify(repo, "2026-06-11 14:00 UTC", env, state=state).exit_code == 0
    before = state.read_bytes()
    commit(repo, {INCIDENT: HEAD + OPENED})
    dry = notify(repo, "2026-06-11 14:05 UTC", env, "--dry-run", state=state)
    assert dry.exit_code == 0
    assert "--- mail, message 1 of 1 ---\nNew incident: API errors\n\nStatus: Investigating" in dry.stdout
    assert '"incident":{"id":"2026-06-11-api-errors"' in dry.stdout  # the webhook's JSON as it would be posted
    printed = json.loads(notify(repo, "2026-06-11 14:05 UTC", env, "--dry-run", "--format", "json",
                                state=state).stdout)
    assert [e["id"] for e in printed["events"]] == ["2026-06-11-api-errors:opened",
                                                    "component:api:20260611T140000Z:operational:partial_outage"]
    assert printed["events"][0]["update"]["message"] == "Requests to the API **fail** for some customers."
    assert {c["name"]: c["status"] for c in printed["channels"]} == {"chat": "dry-run", "mail": "dry-run",
                                                                     "hook": "dry-run"}
    assert receiver.posts == [] and mailbox.messages == [] and state.read_bytes() == before


def test_a_repo_overrides_the_message_templates_in_its_theme(repo: Path, tmp_path: Path, receiver: Receiver,
                                                             mailbox: Mailbox) -> None:
    env, state = channels(receiver, mailbox), tmp_path / "notify-state.json"
    assert notify(repo, "2026-06-11 14:00 UTC", env, state=state).exit_code == 0
    commit(repo, {INCIDENT: HEAD + OPENED,
                  "theme/templates/notify/title.txt": "[{{ site }}] {{ headline }}\n",
                  "theme/templates/notify/message.txt": "{{ status }}: {{ message_text }} {{ url }}\n"})
    assert notify(repo, "2026-06-11 14:05 UTC", env, state=state).exit_code == 0
    [mail] = mailbox.taken()
    assert mail["Subject"] == "[Acme Status] New incident: API errors"
    assert mail.get_content().strip() == (
        f"Investigating: Requests to the API fail for some customers. "
        f"{receiver.url('incidents/2026-06-11-api-errors.html')}")


def test_a_broken_template_stops_the_run_before_any_channel_is_sent_anything(
        repo: Path, tmp_path: Path, receiver: Receiver, mailbox: Mailbox) -> None:
    env, state = channels(receiver, mailbox), tmp_path / "notify-state.json"
    env["CHAT_URL"] += "?format=markdown"  # chat renders message.md; mail, the next channel, message.txt
    assert notify(repo, "2026-06-11 14:00 UTC", env, state=state).exit_code == 0
    before = state.read_bytes()
    commit(repo, {INCIDENT: HEAD + OPENED, "theme/templates/notify/message.txt": "{{ status }}\n{{ no_such_thing }}\n"})
    run = notify(repo, "2026-06-11 14:05 UTC", env, state=state)
    assert run.exit_code == 1 and "Traceback" not in run.output
    assert "theme/templates/notify/message.txt:2" in run.stderr and "nothing was sent" in run.stderr
    assert receiver.posts == [] and mailbox.messages == [] and state.read_bytes() == before


def test_an_html_mail_carries_the_pages_own_safe_html(
        repo: Path, tmp_path: Path, receiver: Receiver, mailbox: Mailbox) -> None:
    env, state = channels(receiver, mailbox), tmp_path / "notify-state.json"
    env["CHAT_URL"] = mailbox.url(to="chat@example.test")  # format auto: e-mail's own format is HTML
    del env["MAIL_URL"]
    assert notify(repo, "2026-06-11 14:00 UTC", env, state=state).exit_code == 0
    commit(repo, {INCIDENT: HEAD.replace("API errors", "API <b>errors</b>") + OPENED.replace(
        "Requests to the API **fail**", 'Requests <script>alert(1)</script> **fail** ([more](javascript:alert(1)))')})
    assert notify(repo, "2026-06-11 14:05 UTC", env, state=state).exit_code == 0
    opened = mailbox.taken()[0]
    assert opened["Subject"] == "New incident: API <b>errors</b>"  # a subject is text, shown as written
    html = opened.get_body(("html",)).get_content()
    assert "<strong>fail</strong>" in html and "<b>" not in html
    assert "<script>" not in html and "&lt;script&gt;" in html and 'href="javascript' not in html
    assert f'<a href="{receiver.url("incidents/2026-06-11-api-errors.html")}">See it on the status page</a>' in html


def test_a_since_that_is_no_time_is_a_usage_error_naming_the_option(repo: Path, receiver: Receiver,
                                                                    mailbox: Mailbox, tmp_path: Path) -> None:
    run = notify(repo, "2026-06-11 14:05 UTC", channels(receiver, mailbox), "--since", "yesterday",
                 state=tmp_path / "notify-state.json")
    assert run.exit_code == 2 and run.stderr.startswith("gitstatus: --since: ") and "Traceback" not in run.output
    assert receiver.posts == [] and mailbox.messages == []


def test_a_receiver_that_answers_an_error_is_tried_again_a_bounded_number_of_times(
        repo: Path, tmp_path: Path, receiver: Receiver, mailbox: Mailbox) -> None:
    env, state = channels(receiver, mailbox), tmp_path / "notify-state.json"
    env["HOOK_URL"] = receiver.url("broken")
    assert notify(repo, "2026-06-11 14:00 UTC", env, state=state).exit_code == 0
    commit(repo, {INCIDENT: HEAD + OPENED})
    run = notify(repo, "2026-06-11 14:05 UTC", env, "--retries", "2", state=state)
    assert run.exit_code == 1
    assert ("hook: FAILED after 3 tries: the receiver answered HTTP 500 Internal Server Error; sent 0 of 2, "
            "the other 2 are sent next run") in run.stdout
    tries = receiver.taken("/broken")
    assert [p.json()["meta"]["event"]["id"] for p in tries] == ["2026-06-11-api-errors:opened"] * 3  # then it stops
    assert len(chat_titles(receiver)) == 2 and len(subjects(mailbox)) == 1  # the others delivered

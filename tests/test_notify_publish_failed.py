"""``gitstatus notify --publish-failed``: the team is told when the page could not be published.

The publish workflow's Report job runs it when the deploy did not succeed. Real parts as in
test_notify_delivery.py: a git repo, an HTTP receiver and an SMTP server on 127.0.0.1. The
message goes to every channel whose ``events:`` let ``publish_failed`` through (a component
filter does not stop it: it is about the whole page), names the commit and links the run, is
sent even when incident files have errors (they may be why the publish failed), keeps no
record, and a failing channel fails the run while the others still get it.
"""

from __future__ import annotations

import hashlib
import hmac
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from gitstatus.cli import main

from . import test_notify_delivery as delivery
from .test_notify_delivery import COMPONENTS, Mailbox, Receiver, channels, commit, notify, webhook_schema

# The real receiver, SMTP server and repo of the delivery tests, as this module's fixtures.
receiver, mailbox, repo = delivery.receiver, delivery.mailbox, delivery.repo

NOW = "2026-06-11T15:30:00Z"
RUN = {"GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "acme/status", "GITHUB_RUN_ID": "4242"}
RUN_URL = "https://github.com/acme/status/actions/runs/4242"


def head(root: Path) -> str:
    return subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True,
                          check=True).stdout.strip()


def test_the_team_is_told_on_every_channel_that_lets_it_through(repo: Path, receiver: Receiver,
                                                                mailbox: Mailbox, tmp_path: Path) -> None:
    state = tmp_path / "record.json"
    result = notify(repo, NOW, {**channels(receiver, mailbox), **RUN}, "--publish-failed", state=state)
    assert result.exit_code == 0, result.output
    sha = head(repo)

    [chat] = receiver.taken("/chat")
    message = chat.json()
    assert message["title"] == "Not published: Acme Status"
    assert f"commit {sha[:12]} failed" in message["message"]
    assert RUN_URL in message["message"]
    assert message["type"] == "failure"

    # The mail channel lists its events without publish_failed: it is a channel for readers.
    assert mailbox.taken() == []

    # The webhook channel is limited to the api component, and gets it all the same, signed.
    [hook] = receiver.taken("/hook")
    body = hook.json()
    webhook_schema().validate(body)
    assert body["publish_failed"] == {"commit": sha, "details_url": RUN_URL, "created_at": "2026-06-11T15:30:00.000Z"}
    assert body["meta"]["event"]["kind"] == "publish_failed"
    assert body["meta"]["event"]["id"] == f"publish:{sha}:failed"
    expected = hmac.new(b"sh4red-webhook-k3y", hook.body, hashlib.sha256).hexdigest()
    assert expected in hook.headers["x-gitstatus-signature"]

    assert not state.exists(), "a failed publish is not an announcement: no record is written"
    assert "No record is kept" in result.output


def test_a_channel_that_lists_publish_failed_gets_it(repo: Path, receiver: Receiver, mailbox: Mailbox,
                                                     tmp_path: Path) -> None:
    text = COMPONENTS.format(url=receiver.url()).replace("events: [opened, resolved,",
                                                          "events: [publish_failed, opened, resolved,")
    commit(repo, {"components.yaml": text})
    result = notify(repo, NOW, channels(receiver, mailbox), "--publish-failed", "--details",
                    "https://ci.example.test/jobs/7")
    assert result.exit_code == 0, result.output
    [mail] = mailbox.taken()
    assert mail["Subject"] == "Not published: Acme Status"
    assert "https://ci.example.test/jobs/7" in mail.get_content()


def test_it_is_sent_when_incident_files_have_errors(repo: Path, receiver: Receiver, mailbox: Mailbox) -> None:
    commit(repo, {"incidents/2026-06-11-broken.md": "---\ntitle: Broken\nimpact: huge\n---\n"})
    result = notify(repo, NOW, {**channels(receiver, mailbox), **RUN}, "--publish-failed")
    assert result.exit_code == 0, result.output
    assert len(receiver.taken("/chat")) == 1


def test_unreadable_channels_stop_it_with_the_reason(repo: Path, receiver: Receiver, mailbox: Mailbox) -> None:
    text = COMPONENTS.format(url=receiver.url()).replace("url_env: CHAT_URL", "url_env: 'json://leaked'")
    commit(repo, {"components.yaml": text})
    result = notify(repo, NOW, channels(receiver, mailbox), "--publish-failed")
    assert result.exit_code == 1
    assert "components.yaml has errors" in result.output
    assert "components.yaml:12" in result.output
    assert receiver.posts == []


def test_a_failing_channel_fails_the_run_and_the_others_deliver(repo: Path, receiver: Receiver,
                                                                  mailbox: Mailbox) -> None:
    env = {**channels(receiver, mailbox), "HOOK_URL": receiver.url("broken")}
    result = notify(repo, NOW, env, "--publish-failed")
    assert result.exit_code == 1
    assert "hook: FAILED" in result.output
    assert len(receiver.taken("/chat")) == 1
    assert "sh4red" not in result.output


def test_dry_run_sends_nothing(repo: Path, receiver: Receiver, mailbox: Mailbox) -> None:
    result = notify(repo, NOW, channels(receiver, mailbox), "--publish-failed", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Not published: Acme Status" in result.output
    assert receiver.posts == []


@pytest.mark.parametrize("args", [["--details", "https://ci.example.test/1"]])
def test_details_needs_publish_failed(repo: Path, args: list[str]) -> None:
    result = CliRunner().invoke(main, ["notify", "--root", str(repo), "--now", NOW, *args], catch_exceptions=False)
    assert result.exit_code == 2
    assert "--details goes with --publish-failed" in result.output

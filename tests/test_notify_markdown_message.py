"""A Markdown notification reads as separate lines under CommonMark, the Markdown Teams' Adaptive Cards read.

In CommonMark, lines with no blank line between them are one paragraph: "Status: …", "Impact: …"
and "Affected: …" would run together on one line in Teams (docs/notify.md shows the card). The
messages come from the real ``gitstatus notify --dry-run`` over a real git repo, and are read
by a CommonMark parser.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from click.testing import CliRunner
from markdown_it import MarkdownIt

from gitstatus.cli import main

from .conftest import write_tree

GIT_ENV = {"GIT_AUTHOR_NAME": "Test Writer", "GIT_AUTHOR_EMAIL": "writer@example.invalid",
           "GIT_COMMITTER_NAME": "Test Writer", "GIT_COMMITTER_EMAIL": "writer@example.invalid",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
COMPONENTS = """\
site:
  title: Acme Status
  url: https://status.acme.example/
  timezone: UTC
components:
  - id: api
    name: API
notify:
  - name: chat
    url_env: CHAT_URL
    format: markdown
"""
INCIDENT = """\
---
title: API errors
impact: major
components: [api]
---

## 2026-06-11 14:02 UTC — Investigating

Requests to the API **fail**:

- sign-in
- uploads
"""


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", *args], cwd=root,
                   env={**os.environ, **GIT_ENV}, check=True, capture_output=True)


def paragraphs(markdown: str) -> list[str]:
    """The text of each top-level block, as a CommonMark reader groups the lines."""
    tokens = MarkdownIt("commonmark").parse(markdown)
    return [t.content for t in tokens if t.type == "inline" and t.level == 1]


def test_each_line_of_a_markdown_message_is_a_paragraph_of_its_own(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    write_tree(root, {"components.yaml": COMPONENTS, "incidents/.keep": ""})
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "start")
    write_tree(root, {"incidents/2026-06-11-api-errors.md": INCIDENT})
    run = CliRunner().invoke(main, ["notify", "--root", str(root), "--now", "2026-06-11 14:05 UTC", "--base", "HEAD",
                                    "--since", "2026-06-11 14:00 UTC", "--state", str(tmp_path / "state.json"), "--dry-run",
                                    "--format", "json"],
                             env={"CHAT_URL": "json://127.0.0.1:9/chat"}, catch_exceptions=False)
    assert run.exit_code == 0, run.output
    [chat] = json.loads(run.stdout)["channels"]
    link = "[See it on the status page](https://status.acme.example/incidents/2026-06-11-api-errors.html)"
    opened, status = chat["preview"]
    title, body = opened.split("\n\n", 1)
    assert title == "New incident: API errors"
    assert paragraphs(body) == ["**Status: Investigating (Jun 11, 2026, 14:02 UTC)**", "Impact: Major", "Affected: API",
                                "Requests to the API **fail**:", link]
    assert "- sign-in\n- uploads\n" in body  # the update's own list is kept as written
    title, body = status.split("\n\n", 1)
    assert title == "Status change: API"
    assert paragraphs(body) == ["API is now Partial outage (was Operational).",
                                "[See it on the status page](https://status.acme.example/index.html)"]

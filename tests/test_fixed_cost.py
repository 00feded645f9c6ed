"""What every command pays before it does anything: no module a command does not need.

``check`` imports neither the templates (jinja2), nor Markdown, nor the networking and mail
modules that ``xml.sax.saxutils`` and ``importlib.metadata`` drag in; the small escapes that
replace ``xml.sax.saxutils`` and ``email.utils`` give the very same bytes.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import subprocess
import sys
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import pytest

from gitstatus.outputs.machine import rfc822_gmt, xml_escape, xml_quoteattr

from .conftest import API_SLOW, EXAMPLE_NOW, REPO, incident, write_repo

PROBE = """
import json, sys
from gitstatus.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""

HEAVY = {"jinja2", "markdown_it", "xml.sax", "email", "http.client", "urllib.request", "ssl", "importlib.metadata"}


@pytest.mark.parametrize("args", [["check", "--no-cache"], ["check"]])
def test_check_imports_nothing_it_does_not_need(args: list[str], tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-c", PROBE, *args, "--root", str(REPO), "--now", EXAMPLE_NOW,
                           "--cache-dir", str(tmp_path / "cache")],
                          capture_output=True, text=True, check=False)
    modules = set(json.loads(proc.stderr.strip().splitlines()[-1]))
    assert "All good" in proc.stdout or "problem" in proc.stdout
    assert sorted(HEAVY & modules) == []


LISTED = incident("Uploads failing", "minor", "[website]",
                  ("2026-06-12 09:00 UTC", "Resolved", "Fixed:\n\n- uploads\n- [retries](https://example.com/)"))


@pytest.mark.parametrize(("files", "parser"), [
    ({"incidents/2026-06-11-api-slow.md": API_SLOW}, False),  # plain prose: rendered without markdown-it
    ({"incidents/2026-06-11-api-slow.md": API_SLOW, "incidents/2026-06-12-uploads.md": LISTED}, True),
])
def test_a_build_loads_the_markdown_parser_only_for_a_message_that_needs_it(files: dict[str, str], parser: bool,
                                                                             tmp_path: Path) -> None:
    repo = write_repo(tmp_path / "repo", files)
    proc = subprocess.run([sys.executable, "-c", PROBE, "build", "--root", str(repo), "--out", str(tmp_path / "site"),
                           "--now", "2026-06-15 12:00 UTC", "--no-cache", "--jobs", "1",
                           "--base-url", "https://status.example.com/"],
                          capture_output=True, text=True, check=False)
    modules = set(json.loads(proc.stderr.strip().splitlines()[-1]))
    assert (tmp_path / "site" / "incidents" / "2026-06-11-api-slow.html").exists(), proc.stdout
    assert ("markdown_it" in modules) is parser


def test_escapes_match_the_standard_library() -> None:
    rng = random.Random(7)
    alphabet = "ab&<>\"'\n\r\t é]]>"
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        assert xml_escape(text) == escape(text)
        assert xml_quoteattr(text) == quoteattr(text)
    for _ in range(3000):
        moment = dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=rng.randint(0, 8_000_000_000))
        moment = moment.astimezone(dt.timezone(dt.timedelta(minutes=rng.randint(-720, 840))))
        assert rfc822_gmt(moment) == format_datetime(moment.astimezone(dt.UTC), usegmt=True)

"""What the tests share: example content, status repos built from it, and gitstatus run for real.

Each piece lives here once. A test module imports the constants and helpers it uses
(``from .conftest import ...``) and requests the fixtures (``make_repo``, ``no_github``) by
name; a variant of an example incident is built with :func:`incident` from the module's own data,
so that every test keeps exactly the bytes it was written against. Helpers for reading built
HTML pages are in ``htmlparse.py``.
"""

from __future__ import annotations

import datetime as dt
import http.client
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner, Result

from gitstatus.cli import main

REPO = Path(__file__).resolve().parent.parent
#: A status repo that holds every case the machine-readable outputs (API, feeds, badges, calendar) know.
MACHINE_REPO = REPO / "tests" / "fixtures" / "machine_repo"
MACHINE_BASE = "https://status.machine.test/"
BUILD_NOW = "2026-06-15 12:00 UTC"
"""The moment sites are built at unless a test says otherwise."""
EXAMPLE_NOW = "2026-11-26 15:00 UTC"
"""dev.py's EXAMPLE_NOW: the moment this repo's example content was written for (an incident on,
maintenance ahead)."""
GITSTATUS = [sys.executable, "-m", "gitstatus"]


# --- example content -------------------------------------------------------------------------------------

COMPONENTS_YAML = """\
site:
  title: Test Status
  url: https://status.test/
  timezone: UTC
  past_days: 7
components:
  - id: api
    name: API
    group: Core
  - id: dashboard
    name: Dashboard
    group: Core
  - id: website
    name: Website
"""


def incident(title: str, impact: str, components: str, *updates: tuple[str, str, str], extra: str = "") -> str:
    """An incident file: front matter (``extra`` is more of it, whole lines), then ``(time, status,
    message)`` updates oldest first, each as its ``## time — status`` section."""
    head = f"---\ntitle: {title}\nimpact: {impact}\ncomponents: {components}\n{extra}---\n"
    return head + "".join(f"\n## {at} — {status}\n\n{message}\n" for at, status, message in updates)


def database_upgrade(*updates: tuple[str, str, str], start: str = "2026-06-20 02:00 UTC",
                     end: str = "2026-06-20 04:00 UTC") -> str:
    """The example maintenance: the API's database upgraded in a window (by default June 20, 02:00-04:00 UTC)."""
    return incident("Database upgrade", "maintenance", "[api]", *updates,
                    extra=f"scheduled:\n  start: {start}\n  end: {end}\n")


#: The example incident's first update: the API slow, on June 11, 2026.
SLOW_API_REPORTED = ("2026-06-11 14:02 UTC", "Investigating", "We are looking into reports of slow API responses.")
BACK_TO_NORMAL = "Response times are back to normal."
API_SLOW_PATH = "incidents/2026-06-11-api-slow.md"

#: The example incident, still under investigation.
API_SLOW_INVESTIGATING = incident("API responding slowly", "major", "[api]", SLOW_API_REPORTED)
#: The example incident, identified and resolved.
API_SLOW = incident(
    "API responding slowly", "major", "[api]", SLOW_API_REPORTED,
    ("2026-06-11 14:40 UTC", "Identified", "The issue was traced to database connection pool exhaustion."),
    ("2026-06-11 15:10 UTC", "Resolved", BACK_TO_NORMAL),
)
#: The example incident as a minor one, resolved at 14:40 with no update between.
API_SLOW_MINOR_RESOLVED = incident("API responding slowly", "minor", "[api]", SLOW_API_REPORTED,
                                   ("2026-06-11 14:40 UTC", "Resolved", BACK_TO_NORMAL))
#: An incident still open the next day, June 12, 2026.
WEBHOOKS_DELAYED = incident("Webhooks delayed", "minor", "[website]",
                            ("2026-06-12 11:30 UTC", "Investigating", "Webhook deliveries are delayed by a few minutes."))


def daily_incidents(count: int) -> dict[str, str]:
    """``count`` resolved incidents and ``count`` completed maintenances, one of each a day from January 1, 2026."""
    files = {}
    start = dt.datetime(2026, 1, 1, 8, 0, tzinfo=dt.UTC)
    for n in range(count):
        day = start + dt.timedelta(days=n)
        files[f"incidents/{day:%Y-%m-%d}-outage-{n:02d}.md"] = incident(
            f"Outage {n}", "minor", "[api]", (f"{day:%Y-%m-%d %H:%M} UTC", "Investigating", "Looking."),
            (f"{day:%Y-%m-%d} 09:00 UTC", "Resolved", "Fixed."))
        files[f"incidents/{day:%Y-%m-%d}-work-{n:02d}.md"] = incident(
            f"Work {n}", "maintenance", "[website]",
            (f"{day - dt.timedelta(days=1):%Y-%m-%d} 10:00 UTC", "Scheduled", "Planned."),
            (f"{day:%Y-%m-%d} 02:50 UTC", "Completed", "Done."),
            extra=f"scheduled: {{start: {day:%Y-%m-%d} 02:00 UTC, end: {day:%Y-%m-%d} 03:00 UTC}}\n")
    return files


# --- status repos on disk ----------------------------------------------------------------------------------

def write_tree(root: Path, files: Mapping[str, str | bytes]) -> Path:
    """Write ``{relative path: text or bytes}`` under ``root``; text is dedented."""
    for relpath, content in files.items():
        path = root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")
    return root


def write_repo(root: Path, files: Mapping[str, str | bytes] | None = None,
               components: str | None = COMPONENTS_YAML) -> Path:
    """A status repo in ``root``: an incidents/ folder, components.yaml (none if ``components`` is None)
    and ``files`` (see :func:`write_tree`)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "incidents").mkdir(exist_ok=True)
    if components is not None:
        (root / "components.yaml").write_text(components, encoding="utf-8")
    return write_tree(root, files or {})


@pytest.fixture
def make_repo(tmp_path: Path) -> Callable[..., Path]:
    """:func:`write_repo` in ``tmp_path/repo``: ``make_repo(files=None, components=COMPONENTS_YAML)``."""

    def make(files: Mapping[str, str | bytes] | None = None, components: str | None = COMPONENTS_YAML) -> Path:
        return write_repo(tmp_path / "repo", files, components)

    return make


@pytest.fixture(scope="module")
def big_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site built from :func:`daily_incidents` (60 of each), more than the API's and feeds' limits."""
    root = write_tree(tmp_path_factory.mktemp("many") / "repo", {"components.yaml": COMPONENTS_YAML,
                                                                 **daily_incidents(60)})
    out = root / "site"
    cli_build(root, out, "2026-06-01 00:00 UTC")
    return out


def site_files(site: Path) -> dict[str, bytes]:
    """Every file of a built site by its relative path, for byte-for-byte comparisons."""
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


# --- git ----------------------------------------------------------------------------------------------------

#: Git that works the same on a fresh machine: no user config, a fixed identity, no signing.
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test Writer",
    "GIT_AUTHOR_EMAIL": "writer@example.invalid",
    "GIT_COMMITTER_NAME": "Test Writer",
    "GIT_COMMITTER_EMAIL": "writer@example.invalid",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(root: Path, *args: str) -> str:
    """``git ARGS`` in ``root`` (branch main for a new repo); fails the test unless it succeeds. Its output."""
    proc = subprocess.run(
        ["git", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", *args],
        cwd=root, env={**os.environ, **GIT_ENV}, capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 0, f"git {' '.join(args)} failed: {proc.stderr}"
    return proc.stdout


def commit_all(root: Path, message: str = "change") -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


def status_repo(top: Path, files: Mapping[str, str], folder: str = "") -> Path:
    """A git repo at ``top`` with a status repo in ``folder`` (components.yaml + files), committed on main."""
    top.mkdir(parents=True, exist_ok=True)
    git(top, "init", "-q")
    root = top / folder if folder else top
    write_tree(root, {"components.yaml": COMPONENTS_YAML, **files})
    commit_all(top, "published")
    return root


def edit(root: Path, relpath: str, old: str, new: str) -> None:
    """Replace the first ``old`` in a file by ``new``; ``old`` must be there."""
    path = root / relpath
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {relpath}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# --- gitstatus in this process (click's CliRunner) -------------------------------------------------------

def run_cli(*args: str | Path, env: Mapping[str, str | None] | None = None,
            input: str | bytes | None = None) -> Result:
    """``gitstatus <args>`` in this process, exceptions propagating (a traceback is a test failure)."""
    return CliRunner().invoke(main, [str(a) for a in args], input=input, env=env, catch_exceptions=False)


def build(root: Path, out: Path, *args: str | Path, now: str | None = BUILD_NOW,
          env: Mapping[str, str | None] | None = None) -> Result:
    """``gitstatus build --root ROOT --out OUT [--now NOW] ARGS``."""
    extra = ["--now", now] if now else []
    return run_cli("build", "--root", root, "--out", out, *extra, *args, env=env)


def cli_build(root: Path, out: Path, now: str = BUILD_NOW, *extra: str) -> None:
    """:func:`build`, which must succeed."""
    result = build(root, out, *extra, now=now)
    assert result.exit_code == 0, result.output


def built_site(folder: Path, files: Mapping[str, str | bytes], now: str = BUILD_NOW) -> Path:
    """``files`` written as a status repo in ``folder/repo`` and built into ``folder/out``, which it returns."""
    root = write_tree(folder / "repo", files)
    cli_build(root, folder / "out", now)
    return folder / "out"


def broken_by_own_template(root: Path, out: Path, template: str, now: str = BUILD_NOW) -> str:
    """Build ``root`` into ``out``, then again with ``template`` as its own theme/templates/incident.html.
    The second build must fail cleanly (exit 1, no traceback) and leave the site as it was; its stderr."""
    assert build(root, out, now=now).exit_code == 0
    before = site_files(out)
    (root / "theme" / "templates").mkdir(parents=True)
    (root / "theme" / "templates" / "incident.html").write_text(template)
    result = build(root, out, now=now)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert site_files(out) == before
    return result.stderr


HISTORY_NOW = "2026-06-12 12:00 UTC"
"""The moment ``check --base`` runs at in the history tests: the day after :data:`API_SLOW`."""


def run_check(root: Path, *args: str, env: Mapping[str, str | None] | None = None) -> tuple[int, str, str]:
    """``gitstatus check --root ROOT --now HISTORY_NOW ARGS``: exit code, stdout, stderr."""
    result = run_cli("check", "--root", root, "--now", HISTORY_NOW, *args, env=env)
    return result.exit_code, result.stdout, result.stderr


def history_lines(output: str, root: Path) -> list[str]:
    """The E5xx/N5xx lines of a text report, with the root prefix removed."""
    prefix = f"{root}/"
    return [line.removeprefix(prefix) for line in output.splitlines()
            if any(f": {c}" in line for c in ("E50", "N50"))]


def check_base(root: Path, ref: str = "main") -> tuple[int, list[str], str]:
    """``check --base REF`` as text: exit code, the history lines, and all it printed."""
    code, out, err = run_check(root, "--base", ref, "--format", "text")
    return code, history_lines(out, root), out + err


def table_rows(markdown: str, header: str) -> list[str]:
    """The rows of the Markdown table under ``header`` (a job summary's), without its delimiter row."""
    lines = markdown.splitlines()
    start = lines.index(header)
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        rows.append(line)
    return rows


@pytest.fixture
def no_github(monkeypatch: pytest.MonkeyPatch) -> None:
    """For tests that print text: under GitHub Actions they must not write the real job summary.
    A module asks for it on every test with ``pytestmark = pytest.mark.usefixtures("no_github")``."""
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


# --- gitstatus as a real process ----------------------------------------------------------------------------

def run_gitstatus(*args: str | Path, cwd: Path | None = None, env: Mapping[str, str] | None = None,
                  timeout: float | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m gitstatus ARGS`` as a real process, as CI runs it; ``env`` is its whole environment
    (this one's when None). Output is captured as text; a failure is returned, not raised."""
    return subprocess.run([*GITSTATUS, *map(str, args)], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)


PREVIEW_NOW = "2026-06-11 15:00 UTC"
WAIT = 30.0
"""Seconds to wait for an event before failing (never a measure of speed)."""


class Preview:
    """A running ``gitstatus serve`` subprocess, its log, and one event-stream listener."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.proc = subprocess.Popen(
            [*GITSTATUS, "serve", "--root", str(root), "--port", "0", "--now", PREVIEW_NOW],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self.lines: list[str] = []
        self.url = ""
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line)
            match = re.search(r"Serving the preview at (http://\S+/)", line)
            if match:
                self.url = match[1]
                break
        assert self.url, "".join(self.lines)
        parts = urlsplit(self.url)
        self.host, self.port = parts.hostname or "", parts.port or 0
        self.drain = threading.Thread(target=self._drain, daemon=True)
        self.drain.start()
        self.events: queue.Queue[tuple[str, str]] = queue.Queue()
        self.listener = threading.Thread(target=self._listen, daemon=True)
        self.listener.start()
        assert self.next_event() == ("content-type", "text/event-stream")
        kind, self.version = self.next_event()
        assert kind == "hello"

    @property
    def out(self) -> Path:
        match = re.search(r"into (\S+)$", "".join(self.lines), re.MULTILINE)
        assert match
        return Path(match[1])

    def _drain(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line)

    def _listen(self) -> None:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
        try:
            conn.request("GET", "/__gitstatus/events")
            response = conn.getresponse()
            self.events.put(("content-type", response.getheader("Content-Type") or ""))
            kind = ""
            while line := response.fp.readline():
                text = line.decode().rstrip("\n")
                if text.startswith("event: "):
                    kind = text[len("event: "):]
                elif text.startswith("data: "):
                    self.events.put((kind, text[len("data: "):]))
            response.close()
        finally:
            conn.close()

    def next_event(self) -> tuple[str, str]:
        return self.events.get(timeout=WAIT)

    def change(self, action: Callable[[], object]) -> str:
        """Do ``action`` (a file change) and wait for the reload event it causes; returns its version."""
        action()
        kind, version = self.next_event()
        assert kind == "reload" and version != self.version
        self.version = version
        return version

    def get(self, path: str, method: str = "GET") -> tuple[int, dict[str, str], str]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=WAIT)
        try:
            conn.request(method, path)
            response = conn.getresponse()
            body = response.read().decode("utf-8", "replace")
            return response.status, {k.lower(): v for k, v in response.getheaders()}, body
        finally:
            conn.close()

    def raw(self, target: str) -> tuple[int, str]:
        """Send a request line exactly as written (no client normalises the path)."""
        with socket.create_connection((self.host, self.port), timeout=WAIT) as sock:
            sock.sendall(f"GET {target} HTTP/1.0\r\nHost: {self.host}\r\n\r\n".encode("latin-1"))
            data = b""
            while chunk := sock.recv(65536):
                data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        return int(head.split()[1]), body.decode("utf-8", "replace")

    def log(self) -> str:
        return "".join(self.lines)

    def wait_for_log(self, pattern: str) -> str:
        """The first log line matching ``pattern``; the log is read in a thread, so it may lag the events."""
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if re.search(pattern, line):
                    return line
            time.sleep(0.02)
        raise AssertionError(f"no log line matches {pattern!r}:\n{self.log()}")

    def stop(self) -> tuple[int, str]:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        code = self.proc.wait(timeout=WAIT)
        self.drain.join(WAIT)
        self.listener.join(WAIT)
        assert self.proc.stdout is not None
        self.proc.stdout.close()
        return code, self.log()


@pytest.fixture
def preview(make_repo: Callable[..., Path]) -> Iterator[Preview]:
    """A preview of a repo with the example incident open and maintenance ahead; it must stop cleanly."""
    root = make_repo({
        API_SLOW_PATH: API_SLOW_INVESTIGATING,
        "incidents/2026-06-11-database-upgrade.md": database_upgrade(
            ("2026-06-11 12:00 UTC", "Scheduled", "We will upgrade the database.")),
    })
    server = Preview(root)
    try:
        yield server
    finally:
        code, log = server.stop()
        assert code == 0, log
        assert "Traceback" not in log, log
        assert "Stopped." in log


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", default=False,
        help="Rebuild the golden example site in tests/golden/site instead of comparing with it.",
    )

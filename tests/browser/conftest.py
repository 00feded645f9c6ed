"""Browser tests: real Chromium (Debian's package) driven by Playwright, on a freshly built site.

One browser per session (pytest-playwright's ``browser``), one built fixture site per session,
served on 127.0.0.1 on a free port. Chromium is found at ``GITSTATUS_CHROMIUM`` or
/usr/bin/chromium and launched through ``executable_path`` (``playwright install`` downloads a
browser and is never needed). Without Chromium the browser tests are skipped with the reason,
except under CI (``CI=true``), where a missing browser is a failure.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import importlib.util
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

from ..conftest import run_gitstatus
from .fixture_repo import NOW, write_fixture_repo

if TYPE_CHECKING:  # Playwright may be missing; the tests then skip (or fail under CI)
    from playwright.sync_api import BrowserContext, Page, Route

CHROMIUM = os.environ.get("GITSTATUS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
IN_CI = os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")
REPO = Path(__file__).resolve().parents[2]

if importlib.util.find_spec("playwright") is None and not IN_CI:
    # Without Playwright the modules cannot even be imported; under CI that import error is the failure.
    collect_ignore_glob = ["test_*.py"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark this folder's tests ``browser``, so ``-m "not browser"`` leaves them out."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


def require_chromium() -> None:
    """Skip (locally) or fail (under CI) when there is no Chromium to drive."""
    if os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK):
        return
    reason = (f"Chromium not found at {CHROMIUM}: install Debian's chromium package "
              "(apt-get install chromium) or set GITSTATUS_CHROMIUM")
    if IN_CI:
        pytest.fail(f"{reason}; under CI=true the browser tests must run, not skip", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """pytest-playwright's launch options, pointed at Debian's Chromium with no network chatter."""
    require_chromium()
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


def build_site(root: Path, out: Path, now: str) -> Path:
    """``gitstatus build`` through the real command line, as a user runs it."""
    result = run_gitstatus("build", "--root", root, "--out", out, "--now", now, cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """A static server for ``folder`` on 127.0.0.1 and a free port; yields its base URL (with ``/``)."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture repo (tests/browser/fixture_repo.py) built at its fixed NOW."""
    base = tmp_path_factory.mktemp("browser")
    return build_site(write_fixture_repo(base / "repo"), base / "site", NOW)


@pytest.fixture(scope="session")
def site_url(fixture_site: Path) -> Iterator[str]:
    with serve(fixture_site) as url:
        yield url


@dataclass
class Traffic:
    """What a page did on the network and the console while a test drove it."""

    origin: str
    requests: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return ([f"request to another host: {u}" for u in self.foreign]
                + [f"failed request: {u}" for u in self.failed]
                + [f"console or page error: {e}" for e in self.errors])


def watch(context: BrowserContext, origin: str) -> Traffic:
    """Record every request of ``context``; anything not for ``origin`` is recorded and aborted."""
    traffic = Traffic(origin)
    host = urlsplit(origin).netloc

    def route(route: Route) -> None:
        url = route.request.url
        traffic.requests.append(url)
        if urlsplit(url).netloc != host or urlsplit(url).scheme != "http":
            traffic.foreign.append(url)
            route.abort()
        else:
            route.continue_()

    def on_page(page: Page) -> None:
        page.on("console", lambda m: traffic.errors.append(f"{m.type}: {m.text}")
                if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: traffic.errors.append(str(e)))
        # ERR_ABORTED is a request cancelled by the browser (a favicon still loading when the test
        # moves on to the next page), not an answer from the server
        page.on("requestfailed", lambda r: traffic.failed.append(f"{r.url} ({r.failure})")
                if r.url not in traffic.foreign and "ERR_ABORTED" not in (r.failure or "") else None)
        page.on("response", lambda r: traffic.failed.append(f"{r.url} (HTTP {r.status})") if r.status >= 400 else None)

    context.route("**/*", route)
    context.on("page", on_page)
    return traffic

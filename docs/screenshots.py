#!/usr/bin/env python3
"""Screenshots of this repository's example status page, for the README.

    .venv/bin/python docs/screenshots.py [--out docs/screenshots] [--chromium /usr/bin/chromium]

Builds the example content (components.yaml and incidents/ at the top of this repository)
with the real CLI and a fixed ``--now``, serves it on 127.0.0.1 and photographs it in
Chromium: the front page on a desktop in light and dark mode, and on a phone. The reader's
timezone is set to the page's own (UTC) so the pictures do not depend on the machine.
Needs Chromium (Debian's ``chromium`` package) and the ``test`` extra (Playwright).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
#: The moment the pictures show: an incident in progress and maintenance announced ahead.
NOW = "2026-11-26 15:00 UTC"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@dataclass(frozen=True)
class Shot:
    """One picture: a viewport, a colour scheme, and how much of the page it shows."""

    width: int
    height: int
    scheme: str
    scale: float = 1
    until: str = ""
    """A CSS selector: the picture ends just below that element (the whole page when empty)."""
    max_height: int = 0
    """Or: the picture ends after this many CSS pixels of the page."""
    hover: str = ""
    """A CSS selector to rest the pointer on, e.g. an uptime bar to show its tooltip."""


#: The whole front page in light mode; in dark mode down to the components, with an uptime day's
#: tooltip open; the first screens on a phone.
SHOTS: dict[str, Shot] = {
    "desktop-light": Shot(1100, 900, "light"),
    "desktop-dark": Shot(1100, 900, "dark", until="#components-heading + .components",
                         hover=".component-group .bars > .bar[tabindex]:last-child"),
    "phone": Shot(375, 812, "light", scale=2, max_height=1500),
}


def build_site(out: Path) -> None:
    """The example site, built by the real command line."""
    subprocess.run(
        [sys.executable, "-m", "gitstatus", "build", "--root", str(REPO), "--out", str(out), "--now", NOW],
        check=True, stdout=subprocess.DEVNULL,
    )


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """A quiet static server for ``folder`` on a free loopback port; yields its base URL."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def take(base_url: str, out: Path, chromium: str) -> list[Path]:
    from playwright.sync_api import sync_playwright

    written = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            for name, shot in SHOTS.items():
                context = browser.new_context(
                    viewport={"width": shot.width, "height": shot.height}, device_scale_factor=shot.scale,
                    color_scheme=shot.scheme, timezone_id="UTC", locale="en-US",
                    is_mobile=shot.width < 600, has_touch=shot.width < 600,
                )
                page = context.new_page()
                page.goto(base_url + "index.html")
                page.wait_for_load_state("load")
                height = page.evaluate("document.scrollingElement.scrollHeight")
                if shot.until:
                    box = page.locator(shot.until).first.bounding_box()
                    assert box is not None, f"{shot.until} is not on the page"
                    height = min(height, int(box["y"] + box["height"] + 24))
                if shot.max_height:
                    height = min(height, shot.max_height)
                if shot.hover:
                    page.locator(shot.hover).first.hover()
                target = out / f"{name}.png"
                page.screenshot(path=str(target), full_page=True, animations="disabled", caret="hide",
                                clip={"x": 0, "y": 0, "width": shot.width, "height": height})
                context.close()
                written.append(target)
        finally:
            browser.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots", help="folder for the PNG files")
    parser.add_argument("--chromium", default="/usr/bin/chromium", help="the Chromium executable")
    args = parser.parse_args(argv)
    if not Path(args.chromium).exists():
        print(f"{args.chromium} not found: install Chromium (apt-get install chromium)", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="gitstatus-shots-") as tmp:
        site = Path(tmp) / "site"
        build_site(site)
        with serve(site) as url:
            for path in take(url, args.out, args.chromium):
                shown = path.relative_to(REPO) if path.is_relative_to(REPO) else path
                print(f"wrote {shown} ({path.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

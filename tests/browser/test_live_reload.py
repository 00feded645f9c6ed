"""The preview in Chromium: the injected script reloads the page after a save, shows the error
page while a file is broken, and comes back to the site once it is fixed, all by itself."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from ..test_serve import INCIDENT, MAINTENANCE, WAIT, Preview

TIMEOUT = WAIT * 1000


@pytest.fixture
def preview(make_repo: Callable[..., Path]) -> Iterator[Preview]:
    root = make_repo({"incidents/2026-06-11-api-slow.md": INCIDENT,
                      "incidents/2026-06-11-database-upgrade.md": MAINTENANCE})
    server = Preview(root)
    try:
        yield server
    finally:
        code, log = server.stop()
        assert code == 0 and "Traceback" not in log, log


def test_the_page_follows_saves_errors_and_fixes(page: Page, preview: Preview) -> None:
    path = preview.root / "incidents/2026-06-11-api-slow.md"
    good = path.read_text()
    page.goto(preview.url + "incidents/2026-06-11-api-slow.html")
    expect(page.locator("h1")).to_have_text("API responding slowly")

    preview.change(lambda: path.write_text(good.replace("API responding slowly", "API slow everywhere")))
    expect(page.locator("h1")).to_have_text("API slow everywhere", timeout=TIMEOUT)

    preview.change(lambda: path.write_text(good.replace("Investigating", "Fixd")))
    expect(page.locator("h1")).to_have_text("The status page cannot be built", timeout=TIMEOUT)
    expect(page.locator("li code")).to_contain_text("E204 unknown status 'Fixd'")

    preview.change(lambda: path.write_text(good))
    expect(page.locator("h1")).to_have_text("API responding slowly", timeout=TIMEOUT)

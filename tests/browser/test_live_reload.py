"""The preview in Chromium: the injected script reloads the page after a save, shows the error
page while a file is broken, and comes back to the site once it is fixed, all by itself."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from ..conftest import WAIT, Preview

TIMEOUT = WAIT * 1000


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

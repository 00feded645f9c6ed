"""A page in German and one written right to left (Arabic), in real Chromium.

The fixture repo is built with ``site.languages: [de, ar]``: German at the root, Arabic under
``ar/``, sharing the theme's files. Both must be clean for axe, fit a 320 px phone, and the
Arabic one must mirror: days run from the right, accents and the timeline's dots are on the
right, a day's story stays on the screen. The reader's own timezone is shown in the page's
language, with the page's own sentence.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from pytest_playwright.pytest_playwright import CreateContextCallback

from gitstatus.words.catalogues import languages

from .conftest import build_site, serve, watch
from .fixture_repo import CRITICAL, LONG, NOW, write_fixture_repo
from .test_accessibility import serious
from .test_layout import OVERFLOWING

if not {"de", "ar"} <= set(languages()):
    pytest.skip("needs the German and Arabic catalogues", allow_module_level=True)

PAGES = ("", f"incidents/{LONG}.html", f"incidents/{CRITICAL}.html", "history/index.html", "history/2026-06.html",
         "subscribe.html")


@pytest.fixture(scope="module")
def languages_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    base = tmp_path_factory.mktemp("languages")
    root = write_fixture_repo(base / "repo")
    settings = root / "components.yaml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("  past_days: 7\n",
                                                                      "  past_days: 7\n  languages: [de, ar]\n"),
                        encoding="utf-8")
    site = build_site(root, base / "site", NOW)
    with serve(site) as url:
        yield url


@pytest.mark.parametrize("tree", ["", "ar/"])
def test_axe_finds_nothing_serious(new_context: CreateContextCallback, languages_url: str, tree: str) -> None:
    axe = Axe()
    context = new_context()
    traffic = watch(context, languages_url)
    page = context.new_page()
    found = {}
    for path in PAGES:
        page.goto(languages_url + tree + path)
        if problems := serious(axe.run(page)):
            found[tree + (path or "index.html")] = problems
    page.goto(languages_url + tree)
    page.locator(".bar[tabindex]").first.focus()
    if problems := serious(axe.run(page)):
        found[tree + "index.html with a tooltip"] = problems
    assert found == {}
    assert traffic.problems() == [], "every shared file (style, scripts, API) is found from the language's folder"


@pytest.mark.parametrize("tree", ["", "ar/"])
def test_nothing_overflows_at_320_px(new_context: CreateContextCallback, languages_url: str, tree: str) -> None:
    page = new_context(viewport={"width": 320, "height": 740}, is_mobile=True, has_touch=True).new_page()
    problems = {}
    for path in PAGES:
        page.goto(languages_url + tree + path)
        scroll, inner = page.evaluate("[document.scrollingElement.scrollWidth, innerWidth]")
        assert inner == 320, f"{tree}{path}: a phone widens its layout viewport to what overflows ({inner} px)"
        if scroll > inner:
            problems[tree + (path or "index.html")] = (scroll, page.evaluate(OVERFLOWING)[:5])
    assert problems == {}
    page.goto(languages_url + tree)
    boxes = page.evaluate("""() => [...document.querySelectorAll('.bar[tabindex]')]
        .filter(bar => bar.checkVisibility())
        .map(bar => { bar.focus(); const r = bar.querySelector('.tip').getBoundingClientRect();
                      return {left: r.left, right: r.right, width: r.width}; })""")
    assert boxes and all(b["width"] > 150 and b["left"] >= 0 and b["right"] <= 320 for b in boxes), boxes
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 320


def test_the_arabic_page_mirrors(new_context: CreateContextCallback, languages_url: str) -> None:
    page = new_context(viewport={"width": 1000, "height": 900}).new_page()
    page.goto(languages_url + "ar/")
    assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == ["ar", "rtl"]
    first, last = page.evaluate("""() => { const bars = [...document.querySelector('.bars').children];
        return [bars[0].getBoundingClientRect().left, bars[bars.length - 1].getBoundingClientRect().left]; }""")
    assert first > last, "the oldest day is on the right, today on the left"
    legend = page.evaluate("""() => [...document.querySelector('.uptime__legend').children]
        .map(e => e.getBoundingClientRect().left)""")
    assert legend[0] > legend[-1], "'90 days ago' stands over the oldest day, 'today' over today"
    card = page.locator(".incident-card").first
    assert card.evaluate("e => [getComputedStyle(e).borderRightWidth, getComputedStyle(e).borderLeftWidth]") == \
        ["4px", "1px"], "the impact's accent is on the start side, the right"
    page.locator(".bar[tabindex]").last.focus()
    tip = page.locator(".bar[tabindex]").last.locator(".tip")
    bar_box, tip_box = page.locator(".bar[tabindex]").last.bounding_box(), tip.bounding_box()
    assert bar_box and tip_box and tip_box["x"] >= 0 and tip_box["x"] + tip_box["width"] <= 1000
    page.goto(languages_url + f"ar/incidents/{CRITICAL}.html")
    right = page.evaluate("""() => getComputedStyle(document.querySelector('.timeline__item'), '::before').right""")
    assert right == "0px", "the timeline's dot sits at the right edge of each update"


def test_times_in_the_readers_zone_are_written_in_the_pages_language(
    new_context: CreateContextCallback, languages_url: str,
) -> None:
    page = new_context(timezone_id="America/New_York").new_page()
    page.goto(languages_url)
    note = page.locator(".tz-note")
    expect(note).to_have_text("Zeiten in Ihrer Zeitzone, America/New_York (die der Seite ist Europe/Berlin).")
    first = page.locator("time[data-local]").first
    expect(first).to_have_attribute("data-local", "America/New_York")
    assert "Juni" in first.inner_text() or "Jun" in first.inner_text()
    assert "EDT" in first.inner_text() or "GMT-4" in first.inner_text()
    page.goto(languages_url + "ar/")
    assert "America/New_York" in page.locator(".tz-note").inner_text()
    assert "يونيو" in page.locator("time[data-local]").first.inner_text()


def test_the_language_switcher_works_without_javascript(new_context: CreateContextCallback, languages_url: str) -> None:
    page = new_context(java_script_enabled=False).new_page()
    page.goto(languages_url + f"incidents/{CRITICAL}.html")
    page.locator("nav.languages a[hreflang='ar']").click()
    assert page.url == languages_url + f"ar/incidents/{CRITICAL}.html"
    assert page.evaluate("document.documentElement.dir") == "rtl"
    page.locator("nav.languages a[hreflang='de']").click()
    assert page.url == languages_url + f"incidents/{CRITICAL}.html"


def screenshots(languages_url: str, new_context: CreateContextCallback, folder: Path) -> list[Path]:
    """The German front page and the Arabic one at a desktop width (docs/images/ holds the ones made so)."""
    page = new_context(viewport={"width": 900, "height": 1100}).new_page()
    made = []
    for tree, name in (("", "page-de.png"), ("ar/", "page-ar.png")):
        page.goto(languages_url + tree)
        made.append(folder / name)
        page.screenshot(path=str(made[-1]))
    return made


def test_screenshots_can_be_made(new_context: CreateContextCallback, languages_url: str, tmp_path: Path) -> None:
    for path in screenshots(languages_url, new_context, tmp_path):
        assert path.read_bytes().startswith(b"\x89PNG") and path.stat().st_size > 10_000

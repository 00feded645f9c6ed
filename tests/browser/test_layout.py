"""The page on a phone, in dark mode and from the keyboard."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from pytest_playwright.pytest_playwright import CreateContextCallback

from .fixture_repo import CRITICAL, LONG, UPCOMING

PAGES = ("", f"incidents/{LONG}.html", f"incidents/{CRITICAL}.html", f"incidents/{UPCOMING}.html",
         "history/index.html", "history/2026-06.html", "404.html")

#: The elements that stick out past the right edge of the viewport, named for the failure message.
OVERFLOWING = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > innerWidth + 0.5 && getComputedStyle(e).position !== 'absolute')
  .map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ').join('.') : ''))"""


@pytest.mark.parametrize("width", [320, 375])
def test_nothing_overflows_horizontally_on_a_phone(
    new_context: CreateContextCallback, site_url: str, width: int,
) -> None:
    page = new_context(viewport={"width": width, "height": 740}, is_mobile=True, has_touch=True).new_page()
    problems = {}
    for path in PAGES:
        page.goto(site_url + path)
        scroll, inner = page.evaluate("[document.scrollingElement.scrollWidth, innerWidth]")
        assert inner == width
        if scroll > inner:
            problems[path or "index.html"] = (scroll, page.evaluate(OVERFLOWING)[:5])
    assert problems == {}


def test_a_days_story_stays_inside_a_phone_screen(new_context: CreateContextCallback, site_url: str) -> None:
    page = new_context(viewport={"width": 320, "height": 640}, is_mobile=True, has_touch=True).new_page()
    page.goto(site_url)
    boxes = page.evaluate("""() => [...document.querySelectorAll('.bar[tabindex]')]
        .filter(bar => bar.checkVisibility())
        .map(bar => { bar.focus(); const r = bar.querySelector('.tip').getBoundingClientRect();
                      return {left: r.left, right: r.right, width: r.width}; })""")
    assert len(boxes) >= 5
    for n, box in enumerate(boxes):
        assert box["width"] > 150 and box["left"] >= 0 and box["right"] <= 320, f"bar {n}: {box}"
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 320
    expect(page.locator(".bar--old").first).to_be_hidden()  # phones show the last 30 days
    expect(page.locator(".uptime__legend .short").first).to_have_text("30 days ago")


def luminance(css_colour: str) -> float:
    """Relative luminance (WCAG) of an ``rgb(r, g, b)`` value."""
    r, g, b = (int(v) / 255 for v in re.findall(r"\d+", css_colour)[:3])
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_colour_scheme_follows_the_reader(new_context: CreateContextCallback, site_url: str, scheme: str) -> None:
    page = new_context(color_scheme=scheme).new_page()
    page.goto(site_url)
    colours = page.evaluate("""() => {
        const style = e => getComputedStyle(document.querySelector(e));
        return {page: style('body').backgroundColor, text: style('body').color,
                card: style('.components').backgroundColor, banner: style('.banner').backgroundColor};
    }""")
    background, text, card = (luminance(colours[k]) for k in ("page", "text", "card"))
    if scheme == "dark":
        assert background < 0.05 and card < 0.05 and text > 0.6, colours
    else:
        assert background > 0.85 and card > 0.85 and text < 0.05, colours
    assert luminance(colours["banner"]) < 0.3, "the critical banner is a strong red in both schemes"


def test_keyboard_reaches_the_days_with_incidents_and_shows_their_story(page: Page, site_url: str) -> None:
    page.goto(site_url)
    tip = page.locator(".bar[tabindex] .tip").first
    assert tip.bounding_box()["width"] <= 1, "a day's story is out of sight until asked for"
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('.bar[tabindex]')"):
            break
    n = page.evaluate("[...document.querySelectorAll('.bar[tabindex]')].indexOf(document.activeElement)")
    assert n >= 0, "Tab reaches a day with incidents"
    bar = page.locator(".bar[tabindex]").nth(n)
    story = bar.locator(".tip")
    expect(story).to_be_visible()
    expect(story).to_contain_text(re.compile(r"\w+ \d+, 2026 · "))
    assert story.bounding_box()["width"] > 150

    page.keyboard.press("Tab")  # into the story: its incident link
    expect(story.get_by_role("link").first).to_be_focused()
    expect(story).to_be_visible()
    page.keyboard.press("Escape")  # dismissible (tooltip.js)
    assert story.bounding_box()["width"] <= 1
    page.keyboard.press("Tab")
    next_bar = page.locator(".bar[tabindex]").nth(n + 1)
    expect(next_bar).to_be_focused()
    expect(next_bar.locator(".tip")).to_be_visible()

    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")  # following the link in the story opens the incident
    expect(page).to_have_url(re.compile(r"/incidents/[\w-]+\.html$"))

"""axe-core (bundled by axe-playwright-python, no network) on every kind of page, light and dark."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe, AxeResults
from pytest_playwright.pytest_playwright import CreateContextCallback

from .fixture_repo import LONG

SERIOUS = ("serious", "critical")
#: The front page, an incident (the one with long words, a table and code), the history, a month
#: and the Subscribe page.
PAGES = ("", f"incidents/{LONG}.html", "history/index.html", "history/2026-06.html", "subscribe.html")


@pytest.fixture(scope="module")
def axe() -> Axe:
    return Axe()


def serious(results: AxeResults) -> list[str]:
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}"
            for v in results.response["violations"] if v["impact"] in SERIOUS]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_violations_on_any_kind_of_page(
    new_context: CreateContextCallback, site_url: str, axe: Axe, scheme: str,
) -> None:
    page = new_context(color_scheme=scheme).new_page()
    found = {}
    for path in PAGES:
        page.goto(site_url + path)
        if problems := serious(axe.run(page)):
            found[path or "index.html"] = problems
    page.goto(site_url)
    page.locator(".bar[tabindex]").first.focus()  # with a day's story on show
    if problems := serious(axe.run(page)):
        found["index.html with a tooltip"] = problems
    page.evaluate("document.querySelector('[data-refresh-notice]').hidden = false")  # what refresh.js shows
    if problems := serious(axe.run(page)):
        found["index.html with the refresh notice"] = problems
    assert found == {}


#: One of everything that carries an impact or status colour, for the contrast check.
SWATCHES = """() => {
  const main = document.querySelector('main');
  const box = document.createElement('div');
  box.id = 'swatches';
  const words = {none: 'All Systems Operational', minor: 'Minor Service Outage', major: 'Partial System Outage',
                 critical: 'Major System Outage', maintenance: 'Service Under Maintenance'};
  let html = '';
  for (const [value, text] of Object.entries(words))
    html += `<section class="banner banner--${value}"><h2>${text}</h2>` +
            '<p>As of <time>Jun 15, 14:00 CEST</time></p></section>';
  html += '<div class="incident-card">';
  for (const impact of ['minor', 'major', 'critical', 'maintenance'])
    html += `<span class="badge badge--${impact}">${impact}</span> `;
  html += '</div><ul class="components">';
  for (const status of ['operational', 'degraded_performance', 'partial_outage', 'major_outage', 'under_maintenance'])
    html += `<li class="component"><div class="component__row"><span class="component__name">x</span>` +
            `<span class="component__status component__status--${status}">${status}</span></div></li>`;
  box.innerHTML = html + '</ul>';
  main.prepend(box);
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_impact_colour_has_enough_contrast(
    new_context: CreateContextCallback, site_url: str, axe: Axe, scheme: str,
) -> None:
    page = new_context(color_scheme=scheme).new_page()
    page.goto(site_url)
    page.evaluate(SWATCHES)
    results = axe.run(page, context="#swatches", options={"runOnly": ["color-contrast"]})
    assert results.response["passes"], "the contrast rule ran on the swatches"
    assert serious(results) == []

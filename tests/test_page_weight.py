"""The front page stays light: the example site's index HTML + CSS + JS under 60 KB, no web fonts.

A status page is read in a hurry, often on a poor connection while something is broken; every
byte and every extra host is a reason for it to load slowly or not at all.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from .conftest import EXAMPLE_NOW, REPO, build
from .htmlparse import is_relative, local_target, parse_file

BUDGET = 60 * 1024
FONT_FILES = re.compile(r"\.(woff2?|ttf|otf|eot)$", re.IGNORECASE)


@pytest.fixture(scope="module")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("weight") / "site"
    result = build(REPO, out, now=EXAMPLE_NOW)
    assert result.exit_code == 0, result.output
    return out


def index_assets(site: Path) -> list[Path]:
    """The stylesheets and scripts the front page loads, as files of the site."""
    doc = parse_file(site / "index.html")
    urls = [e.attrs["href"] for e in doc.find_all("link") if "stylesheet" in e.attrs.get("rel", "").split()]
    urls += [e.attrs["src"] for e in doc.find_all("script") if "src" in e.attrs]
    assert all(is_relative(u) for u in urls), urls
    return [site / local_target("index.html", u) for u in urls]


def test_index_html_css_and_js_weigh_under_60_kb(example_site: Path) -> None:
    assets = index_assets(example_site)
    assert {p.suffix for p in assets} == {".css", ".js"}, "the page has a stylesheet and its optional scripts"
    total = (example_site / "index.html").stat().st_size + sum(p.stat().st_size for p in assets)
    assert total < BUDGET, f"{total} bytes: " + ", ".join(f"{p.name} {p.stat().st_size}" for p in assets)


def test_no_web_fonts_and_nothing_from_another_host(example_site: Path) -> None:
    files = [p for p in example_site.rglob("*") if p.is_file()]
    assert not [p for p in files if FONT_FILES.search(p.name)], "no font files"
    for css in (p for p in files if p.suffix == ".css"):
        text = css.read_text(encoding="utf-8")
        assert "@font-face" not in text and "@import" not in text, css
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", text):
            assert is_relative(url) or url.startswith(("data:", "#")), f"{css.name} loads {url}"
    for page in (p for p in files if p.suffix == ".html"):
        doc = parse_file(page)
        loaded = [e.attrs.get("src", "") for e in doc.find_all(where=lambda e: e.tag in ("script", "img", "iframe"))]
        loaded += [e.attrs["href"] for e in doc.find_all("link")
                   if set(e.attrs.get("rel", "").split()) & {"stylesheet", "icon", "preload", "modulepreload"}]
        assert loaded and all(not urlsplit(u).scheme and not urlsplit(u).netloc for u in loaded), (page, loaded)


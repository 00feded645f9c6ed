"""A status repo's own ``theme/`` overrides the built-in theme, template by template and file by file."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

from gitstatus.themes import builtin_theme

from .conftest import broken_by_own_template, build, site_files
from .htmlparse import Element, html_files, parse_file

NOW = "2026-06-15 12:00 UTC"
INCIDENT = """\
---
title: API errors <b>now</b>
impact: major
components: [api]
---

## 2026-06-15 10:00 UTC — Investigating

We are **looking**.

## 2026-06-15 11:00 UTC — Resolved

Fixed.
"""
OWN_INCIDENT_TEMPLATE = """\
{% extends "base.html" %}
{% block title %}{{ incident.title }} · custom{% endblock %}
{% block main %}
<article class="own-incident" data-impact="{{ incident.impact.value }}">
  <h1>{{ incident.title }}</h1>
  <p class="own-status">{{ state.status|status }} after {{ state.duration|duration }}</p>
  {% for update in incident.updates %}
  <section class="own-update">{{ time(update.at) }}{{ markdown(update.message) }}</section>
  {% endfor %}
  <a href="{{ root }}index.html">Back</a>
</article>
{% endblock %}
"""
OWN_CSS = "body { font-family: Georgia, serif; }\n"
LOGO = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><rect width="1" height="1"/></svg>\n'


@pytest.fixture
def themed(make_repo: Callable[..., Path], tmp_path: Path) -> Path:
    root = make_repo({
        "incidents/2026-06-15-api-errors.md": INCIDENT,
        "theme/templates/incident.html": OWN_INCIDENT_TEMPLATE,
        "theme/static/style.css": OWN_CSS,
        "theme/static/brand/logo.svg": LOGO,
        "theme/static/.DS_Store": b"\x00junk",
    })
    result = build(root, tmp_path / "out", now=NOW)
    assert result.exit_code == 0, result.output
    return tmp_path / "out"


def stylesheet(doc: Element) -> str:
    return doc.one("link", where=lambda e: e.attrs.get("rel") == "stylesheet").attrs["href"]


def test_own_template_replaces_the_builtin_one(themed: Path) -> None:
    doc = parse_file(themed / "incidents" / "2026-06-15-api-errors.html")
    article = doc.one("article", class_="own-incident")
    assert article.attrs["data-impact"] == "major"
    assert article.one("h1").text == "API errors <b>now</b>", "own templates autoescape too"
    assert article.one("p", class_="own-status").text == "Resolved after 1 hr"
    assert [s.one("strong").text for s in article.find_all(class_="own-update") if s.find("strong")] == ["looking"]
    assert doc.find("ol", class_="timeline") is None, "nothing of the built-in incident.html is left"
    assert doc.one("title").text.endswith("· custom")


def test_own_template_extends_the_builtin_base(themed: Path) -> None:
    own = parse_file(themed / "incidents" / "2026-06-15-api-errors.html")
    builtin = parse_file(themed / "index.html")
    for doc in (own, builtin):
        assert doc.one("header", class_="masthead") is not None
        assert doc.one("footer") is not None
    assert stylesheet(own) == "../" + stylesheet(builtin), "the base's links follow the page's depth"


def test_other_templates_stay_builtin(themed: Path) -> None:
    index = parse_file(themed / "index.html")
    assert index.one(class_="banner") is not None
    assert [h.text for h in index.one("main").find_all("h2")][-2:] == ["Components", "Past incidents"]
    month = parse_file(themed / "history" / "2026-06.html")
    assert month.find(class_="own-incident") is None
    assert month.find("a", where=lambda e: e.attrs.get("href") == "../incidents/2026-06-15-api-errors.html")


def test_static_files_are_overridden_and_added(themed: Path) -> None:
    static = builtin_theme() / "static"
    files = site_files(themed)
    assert files["static/style.css"] == OWN_CSS.encode()
    assert files["static/brand/logo.svg"] == LOGO.encode()
    assert files["static/local-time.js"] == (static / "local-time.js").read_bytes(), "the others stay built-in"
    assert files["static/favicon.svg"] == (static / "favicon.svg").read_bytes()
    assert not any(path.endswith(".DS_Store") for path in files), "hidden files are not published"


def test_stylesheet_link_fingerprints_the_override(themed: Path) -> None:
    """The ?v= query changes with the CSS, so readers never keep a stale stylesheet from the cache."""
    version = hashlib.sha256(OWN_CSS.encode()).hexdigest()[:10]
    builtin_version = hashlib.sha256((builtin_theme() / "static" / "style.css").read_bytes()).hexdigest()[:10]
    for page in html_files(themed):
        href = stylesheet(parse_file(page))
        assert href.endswith(f"static/style.css?v={version}"), (page, href)
        assert builtin_version not in href


def test_own_partial_is_used_by_builtin_templates(make_repo: Callable[..., Path], tmp_path: Path) -> None:
    root = make_repo({
        "incidents/2026-06-15-api-errors.md": INCIDENT,
        "theme/templates/partials/component.html":
            '<li class="own-component" data-status="{{ member.status.value }}">{{ member.component.name }}</li>\n',
    })
    assert build(root, tmp_path / "out", now=NOW).exit_code == 0
    index = parse_file(tmp_path / "out" / "index.html")
    rows = {li.text: li.attrs["data-status"] for li in index.find_all("li", class_="own-component")}
    assert rows == {"API": "operational", "Dashboard": "operational", "Website": "operational"}
    assert index.find("li", class_="component") is None


def test_own_base_template_wraps_every_page(make_repo: Callable[..., Path], tmp_path: Path) -> None:
    root = make_repo({
        "incidents/2026-06-15-api-errors.md": INCIDENT,
        "theme/templates/base.html": (
            '<!doctype html><html lang="de"><head><title>{% block title %}{{ site.title }}{% endblock %}</title>'
            '{% block head %}{% endblock %}</head><body class="own-base">{% block main %}{% endblock %}</body></html>\n'
        ),
    })
    assert build(root, tmp_path / "out", now=NOW).exit_code == 0
    for page in html_files(tmp_path / "out"):
        doc = parse_file(page)
        assert doc.one("html").attrs["lang"] == "de", page
        assert doc.one("body", class_="own-base") is not None, page


@pytest.mark.parametrize(("template", "line", "reason"), [
    ("{% extends 'base.html' %}\n{% block main %}\n{{ incident.title \n{% endblock %}\n", 4, "end of print statement"),
    ("{% extends 'base.html' %}\n{% block main %}\n\n{{ incident.no_such_field }}\n{% endblock %}\n", 4,
     "no_such_field"),
    ("{% include 'partials/missing.html' %}\n", 1, "missing.html"),
], ids=["syntax", "undefined", "missing-include"])
def test_a_broken_own_template_fails_cleanly(
    make_repo: Callable[..., Path], tmp_path: Path, template: str, line: int, reason: str
) -> None:
    root = make_repo({"incidents/2026-06-15-api-errors.md": INCIDENT})
    stderr = broken_by_own_template(root, tmp_path / "out", template, NOW)
    assert f"theme/templates/incident.html:{line}" in stderr, stderr
    assert reason in stderr

"""Hostile text in every field that reaches the page never becomes markup, script or a dangerous link.

Incident files arrive in pull requests from anyone who can open one, and components.yaml is
edited by many hands. A fixture repo puts attacks into the site title and description,
component names, descriptions and group names, incident titles and update messages; the
built site is then parsed the way a browser tokenises it and searched for any way to run
script. A Hypothesis property does the same for random message text.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gitstatus import markdown

from .conftest import built_site
from .htmlparse import Element, html_files, parse, parse_file, url_scheme, url_values

NOW = "2026-06-15 12:00 UTC"
SAFE_SCHEMES = {"http", "https", "mailto"}
#: Elements only an attacker would bring, wherever they appear.
FORBIDDEN = {"iframe", "object", "embed", "base", "form", "frame", "frameset", "applet"}
#: Elements a message must never contain (images become links; no inline SVG, styles or media).
FORBIDDEN_IN_MESSAGES = FORBIDDEN | {"img", "svg", "math", "style", "script", "video", "audio", "source", "link",
                                     "meta", "input", "button", "textarea", "select", "picture"}

SITE_TITLE = '<script>alert("site")</script> & "Co" {{ 7*7 }}'
DESCRIPTION = '"><script>alert("description")</script>'
COMPONENT_NAME = '<img src=x onerror=alert("name")>'
COMPONENT_DESCRIPTION = 'javascript:alert(1) <a href="javascript:alert(1)">x</a>'
GROUP_NAME = "<b onmouseover=alert('group')>Core</b>"
TITLES = {
    "active": "<script>alert('title')</script>",
    "upcoming": '"><svg onload=alert(1)> maintenance',
    "resolved": "</title><script>alert(1)</script> {% if true %}x{% endif %}",
}

HOSTILE_MESSAGE = """\
<script>alert(1)</script>

<img src=x onerror=alert(1)>

<a href="javascript:alert(1)">raw link</a> <div onclick="alert(1)">div</div> <svg/onload=alert(1)>

<iframe src="javascript:alert(1)"></iframe><!-- comment --><style>body{display:none}</style>

[js](javascript:alert(1)) [mixed](JaVaScRiPt:alert(1)) [entity](&#106;avascript:alert(1))
[named](javascript&colon;alert(1)) [hex](javascript&#x3A;alert(1)) [spaced]( javascript:alert(1) )
[angle](<javascript:alert(1)>) [tabbed](<java\tscript:alert(1)>)

[vb](vbscript:msgbox(1)) [data](data:text/html,<script>alert(1)</script>)
[data64](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) [file](file:///etc/passwd)

<javascript:alert(1)> <JAVASCRIPT:alert(1)> <vbscript:msgbox(1)> <data:text/html,alert(1)>

Bare javascript:alert(1) and https://example.com/ok.

[reference][evil] and [another][evil2]

[evil]: javascript:alert(1)
[evil2]: data:text/html,alert(1) "title"

![js image](javascript:alert(1)) ![data image](data:image/png;base64,iVBORw0KGgo=)
![svg image](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+PC9zdmc+)
![remote image](https://example.com/pixel.png)

[quoted title](https://example.com/ "x\\" onmouseover=\\"alert(1)")

```html" onmouseover="alert(1)
<script>alert(1)</script>
```

| <script>alert(1)</script> | [x](javascript:alert(1)) |
| --- | --- |
| <img src=x onerror=alert(1)> | ~~<b>x</b>~~ |
"""


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text)


COMPONENTS = f"""\
site:
  title: {q(SITE_TITLE)}
  url: https://status.example.com/
  description: {q(DESCRIPTION)}
  timezone: UTC
  past_days: 7
components:
  - id: api
    name: {q(COMPONENT_NAME)}
    description: {q(COMPONENT_DESCRIPTION)}
    group: {q(GROUP_NAME)}
  - id: web
    name: Web
"""


def hostile_incident(title: str, impact: str, updates: list[tuple[str, str]], extra: str = "") -> str:
    head = f"---\ntitle: {q(title)}\nimpact: {impact}\ncomponents: [api, web]\n{extra}---\n"
    return head + "".join(f"\n## {at} — {status}\n\n{HOSTILE_MESSAGE}\n" for at, status in updates)


FILES = {
    "components.yaml": COMPONENTS,
    "incidents/2026-06-15-active.md": hostile_incident(
        TITLES["active"], "critical",
        [("2026-06-15 11:00 UTC", "Investigating"), ("2026-06-15 11:30 UTC", "Identified")]),
    "incidents/2026-06-20-upcoming.md": hostile_incident(
        TITLES["upcoming"], "maintenance", [("2026-06-14 09:00 UTC", "Scheduled")],
        extra="scheduled: {start: 2026-06-20 02:00 UTC, end: 2026-06-20 03:00 UTC}\n"),
    "incidents/2026-06-10-resolved.md": hostile_incident(
        TITLES["resolved"], "major", [("2026-06-10 10:00 UTC", "Investigating"), ("2026-06-10 11:00 UTC", "Resolved")]),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_site(tmp_path_factory.mktemp("hostile"), FILES, NOW)


def unsafe_parts(doc: Element, raw: str, where: str) -> list[str]:
    """Everything in a parsed page that could run script or load a dangerous URL."""
    problems = []
    scripts = doc.find_all("script")
    for script in scripts:
        src = script.attrs.get("src", "")
        if not re.fullmatch(r"(\.\./)*/?([\w-]+/)*static/(local-time|tooltip|refresh)\.js(\?v=\w+)?", src) or script.children:
            problems.append(f"{where}: a script other than the theme's own: {script!r}")
    if len(re.findall(r"<script", raw, re.IGNORECASE)) != len(scripts):
        problems.append(f"{where}: '<script' in the raw text that is not one of the theme's script elements")
    for element in doc.iter():
        if element.tag in FORBIDDEN:
            problems.append(f"{where}: <{element.tag}> element")
        for name, _ in element.raw_attrs:
            if name.startswith("on"):
                problems.append(f"{where}: event handler attribute {name} on <{element.tag}>")
        for attribute, url in url_values(element):
            scheme = url_scheme(url)
            if scheme is not None and scheme not in SAFE_SCHEMES:
                problems.append(f"{where}: <{element.tag} {attribute}={url!r}> uses the scheme {scheme}:")
    for message in doc.find_all(class_="message"):
        for element in message.iter():
            if element.tag in FORBIDDEN_IN_MESSAGES:
                problems.append(f"{where}: <{element.tag}> inside a message")
    return problems


def test_no_script_handler_or_unsafe_url_anywhere(site: Path) -> None:
    pages = html_files(site)
    assert len(pages) >= 7
    problems = []
    for path in pages:
        raw = path.read_text("utf-8")
        problems += unsafe_parts(parse(raw), raw, path.relative_to(site).as_posix())
    assert problems == []


def test_the_theme_script_is_still_there(site: Path) -> None:
    """The checks above are not vacuous: the theme's own script is found and accepted."""
    assert parse_file(site / "index.html").find("script") is not None


def test_hostile_text_is_shown_as_text(site: Path) -> None:
    index = parse_file(site / "index.html")
    assert index.one("title").text == SITE_TITLE.strip()
    assert index.one("meta", where=lambda e: e.attrs.get("name") == "description").attrs["content"] == DESCRIPTION
    names = [e.own_text() for e in index.find_all(class_="component__name")]
    assert COMPONENT_NAME in names and GROUP_NAME in names
    assert COMPONENT_DESCRIPTION in [e.text for e in index.find_all(class_="component__description")]
    linked = {a.text for a in index.find_all("a")}
    assert TITLES["active"] in linked and TITLES["upcoming"] in linked
    for name, title in TITLES.items():
        page = next(p for p in (site / "incidents").glob(f"*-{name}.html"))
        assert parse_file(page).one("h1").text == title, "titles are escaped, never run as templates"


def test_messages_keep_their_safe_parts(site: Path) -> None:
    """Hostile Markdown is neutralised, not dropped: text stays readable and safe links still work."""
    page = parse_file(next((site / "incidents").glob("*-resolved.html")))
    message = page.find_all(class_="message")[0]
    assert "<script>alert(1)</script>" in message.text, "raw HTML is shown as text"
    links = {a.text: a.attrs.get("href") for a in message.find_all("a")}
    assert links["https://example.com/ok"] == "https://example.com/ok"
    assert links["remote image"] == "https://example.com/pixel.png", "an image becomes a link to it"
    assert links["quoted title"] == "https://example.com/"
    for text in ("js", "mixed", "entity", "named", "hex", "vb", "data", "data64", "file", "reference",
                 "js image", "data image", "svg image"):
        assert text not in links, f"the {text!r} link must not be a link"
    assert message.find("table") is not None and message.find("pre") is not None


# --- random message text ---------------------------------------------------------------------------

FRAGMENTS = [
    "<script>", "</script>", "<SCRIPT", "<scr", "ipt>", "<", ">", "[", "]", "(", ")", "!", "![", "](", "<img ",
    "javascript:", "JaVaScRiPt:", "java\tscript:", "vbscript:", "data:text/html,", "data:image/png;base64,AA==",
    "data:image/svg+xml,", "&#106;", "&#x6A;", "&colon;", "&#58;", "&#x3A;", "&Tab;", "&NewLine;", "\n", "\n\n",
    " ", "\t", "`", "```", "*", "_", "<javascript:", "http://", "https://", "www.", "mailto:", "\"", "'", "=",
    " onerror=", "onload=", "alert(1)", "[r]: ", "[r]", "%", "%0a", "\\", "&", ";", "#", "|", "-", "~~", ":", "//",
    "\x00", "\x01", "\u200b", "\u00a0",
]
messages = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=6)), max_size=40).map("".join)


@settings(max_examples=400, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(messages)
def test_random_messages_never_render_script_or_unsafe_links(text: str) -> None:
    html = markdown.render(text)
    assert "<script" not in html.lower()
    doc = parse(html)
    for element in doc.iter():
        assert element.tag not in FORBIDDEN_IN_MESSAGES, html
        assert not any(name.startswith("on") for name, _ in element.raw_attrs), html
        for _, url in url_values(element):
            assert url_scheme(url) in (None, *SAFE_SCHEMES), html


def test_the_detector_finds_what_it_looks_for() -> None:
    """The page checks above would catch each kind of attack if it reached the page."""
    attacks = [
        '<script>alert(1)</script>', '<SCRIPT SRC="https://evil.example/x.js"></SCRIPT>',
        '<img src=x onerror=alert(1)>', '<a href="JaVaScRiPt:alert(1)">x</a>',
        '<a href="&#106;avascript:alert(1)">x</a>', '<a href=" \tjava&#x09;script:alert(1)">x</a>',
        '<a href="vbscript:x">x</a>', '<a href="data:text/html,x">x</a>',
        '<iframe src="https://evil.example/"></iframe>',
        '<div class="message"><img src="https://e.example/p.png"></div>',
        '<svg><a xlink:href="javascript:alert(1)">x</a></svg>', '<form action="javascript:alert(1)"></form>',
    ]
    for attack in attacks:
        assert unsafe_parts(parse(attack), attack, "page"), attack
    benign = '<p><a href="../x.html">x</a> <a href="https://e.example/" rel="nofollow noopener">e</a></p>'
    assert unsafe_parts(parse(benign), benign, "page") == []

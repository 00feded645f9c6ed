"""Update messages: CommonMark plus tables, strikethrough and autolinks, safe for untrusted text.

Unit tests of ``gitstatus.markdown`` on parsed output, then one build to show that what
writers put in a message (headings, tables, code with ``##`` lines) reaches the incident page.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import pytest

from gitstatus.links import is_safe_url
from gitstatus.markdown import render

from .conftest import build
from .htmlparse import Element, parse, parse_file


def html(text: str) -> Element:
    return parse(render(text))


def test_tables() -> None:
    doc = html("| Region | Status |\n| :--- | ---: |\n| EU | **down** |\n| US | up |\n")
    table = doc.one("table")
    assert [th.text for th in table.find_all("th")] == ["Region", "Status"]
    rows = [[td.text for td in tr.find_all("td")] for tr in table.one("tbody").find_all("tr")]
    assert rows == [["EU", "down"], ["US", "up"]]
    assert table.one("strong").text == "down"


def test_strikethrough() -> None:
    doc = html("The ETA was ~~14:00~~ 15:00.")
    assert doc.one("s").text == "14:00"
    assert doc.one("p").text == "The ETA was 14:00 15:00."


def test_autolinked_urls_and_addresses() -> None:
    doc = html("Details at https://acme.example/incidents/42?x=1 or write to support@acme.com.")
    links = {a.text: a.attrs for a in doc.find_all("a")}
    assert links["https://acme.example/incidents/42?x=1"]["href"] == "https://acme.example/incidents/42?x=1"
    assert links["https://acme.example/incidents/42?x=1"]["rel"] == "nofollow noopener"
    assert links["support@acme.com"]["href"] == "mailto:support@acme.com"


def test_explicit_links_keep_safe_schemes() -> None:
    doc = html("[docs](https://acme.example/docs) [mail](mailto:ops@acme.example) [up](../index.html) "
               "[here](#details) [SHOUT](HTTPS://ACME.EXAMPLE/) [proto](//cdn.acme.example/x)")
    links = {a.text: a.attrs for a in doc.find_all("a")}
    assert links["docs"] == {"href": "https://acme.example/docs", "rel": "nofollow noopener"}
    assert links["mail"] == {"href": "mailto:ops@acme.example"}
    assert links["up"] == {"href": "gitstatus-root:../index.html"}, "marked until a page puts its root in"
    assert links["here"] == {"href": "#details"}
    assert links["SHOUT"]["rel"] == "nofollow noopener", "schemes are case-insensitive"
    assert links["proto"]["rel"] == "nofollow noopener", "a protocol-relative link leads to another site"


def test_fenced_code() -> None:
    doc = html("Run:\n\n```sh\ncurl -s https://acme.example/ | grep '<b>'\n## not a heading\n```\n")
    code = doc.one("pre").one("code")
    assert code.classes == ["language-sh"]
    assert code.text == "curl -s https://acme.example/ | grep '<b>' ## not a heading"
    assert code.find("a") is None, "no autolinks in code"
    assert doc.find("h2") is None


def test_headings_lists_and_inline_code() -> None:
    doc = html("### What happened\n\n- one `x < y`\n- two\n\n#### Next steps\n\n1. first\n2. second\n")
    assert doc.one("h3").text == "What happened"
    assert doc.one("h4").text == "Next steps"
    assert [li.text for li in doc.one("ul").find_all("li")] == ["one x < y", "two"]
    assert [li.text for li in doc.one("ol").find_all("li")] == ["first", "second"]
    assert doc.one("code").text == "x < y"


def test_images_become_links() -> None:
    doc = html("![graph of errors](https://acme.example/graph.png) ![](https://acme.example/p.png) "
               "![inline *em*](/local.png)")
    assert doc.find("img") is None
    links = [(a.text, a.attrs.get("href"), a.attrs.get("class")) for a in doc.find_all("a")]
    assert links == [
        ("graph of errors", "https://acme.example/graph.png", "image-link"),
        ("https://acme.example/p.png", "https://acme.example/p.png", "image-link"),  # no alt text: the address
        ("inline em", "/local.png", "image-link"),
    ]


def test_relative_links_resolve_from_the_site_root_on_every_page() -> None:
    from gitstatus.markdown import render_at

    text = "See [the history](history/index.html), [top](#top) and [abs](/status/)."
    for root in ("", "../", "https://status.example.com/"):
        links = {a.text: a.attrs["href"] for a in parse(render_at(text, root)).find_all("a")}
        assert links == {"the history": f"{root}history/index.html", "top": "#top", "abs": "/status/"}
    image = parse(render_at("![chart](img/chart.png)", "../")).one("a")
    assert image.attrs["href"] == "../img/chart.png"


def test_the_root_mark_cannot_be_written_by_hand() -> None:
    doc = html("[x](gitstatus-root:../secret) <gitstatus-root:foo>")
    assert doc.find("a") is None


def test_raw_html_is_shown_as_text() -> None:
    doc = html('Before <b>bold</b> <span style="color:red">red</span>\n\n<div>block</div>\n')
    assert doc.find("b") is None and doc.find("span") is None and doc.find("div") is None
    assert "<b>bold</b>" in doc.text and "<div>block</div>" in doc.text


@pytest.mark.parametrize(("url", "safe"), [
    ("https://acme.example/", True), ("http://acme.example/", True), ("mailto:ops@acme.example", True),
    ("HTTPS://ACME.EXAMPLE/", True), ("../index.html", True), ("/status/", True), ("#top", True), ("?q=1", True),
    ("page.html?next=javascript:x", True), ("a/b:c", True), ("", True),
    ("javascript:alert(1)", False), ("JaVaScRiPt:alert(1)", False), (" javascript:alert(1)", False),
    ("java\tscript:alert(1)", False), ("java\nscript:alert(1)", False), ("\x01javascript:alert(1)", False),
    ("vbscript:msgbox(1)", False), ("data:text/html,x", False), ("data:image/png;base64,AA==", False),
    ("file:///etc/passwd", False), ("ftp://acme.example/", False), ("tel:+123", False), ("javascript:/x", False),
    ("javascript://%0aalert(1)", False),
])
def test_is_safe_url(url: str, safe: bool) -> None:
    assert is_safe_url(url) is safe


def test_messages_render_on_the_incident_page(make_repo: Callable[..., Path], tmp_path: Path) -> None:
    message = (
        "### Impact\n\n| Region | Errors |\n| --- | --- |\n| EU | ~~40%~~ 5% |\n\n"
        "See https://acme.example/status for details.\n\n"
        "```text\n## 2026-06-15 10:30 UTC — Resolved\nnot an update\n```\n"
    )
    root = make_repo({"incidents/2026-06-15-errors.md": (
        "---\ntitle: Errors\nimpact: minor\ncomponents: [api]\n---\n\n"
        f"## 2026-06-15 10:00 UTC — Investigating\n\n{message}\n"
        "## 2026-06-15 11:00 UTC — Resolved\n\nFixed.\n"
    )})
    result = build(root, tmp_path / "out", now="2026-06-15 12:00 UTC")
    assert result.exit_code == 0, result.output
    doc = parse_file(tmp_path / "out" / "incidents" / "2026-06-15-errors.html")
    messages = doc.find_all(class_="message")
    assert len(messages) == 2, "the ## line in the code block does not start an update"
    first = messages[1]  # the timeline is newest first
    assert first.one("h3").text == "Impact"
    assert [td.text for td in first.one("table").find_all("td")] == ["EU", "40% 5%"]
    assert first.one("s").text == "40%"
    assert first.one("a").attrs["href"] == "https://acme.example/status"
    assert "## 2026-06-15 10:30 UTC — Resolved" in first.one("pre").text


def test_a_relative_link_in_a_message_works_on_the_index_and_the_incident_page(
    make_repo: Callable[..., Path], tmp_path: Path
) -> None:
    root = make_repo({"incidents/2026-06-15-errors.md": (
        "---\ntitle: Errors\nimpact: minor\ncomponents: [api]\n---\n\n"
        "## 2026-06-15 11:00 UTC — Investigating\n\nEarlier reports are in [the history](history/index.html).\n"
    )})
    out = tmp_path / "out"
    assert build(root, out, now="2026-06-15 12:00 UTC").exit_code == 0
    for page in ("index.html", "incidents/2026-06-15-errors.html"):
        link = next(a for a in parse_file(out / page).find_all("a") if a.text == "the history")
        assert (out / page).parent.joinpath(link.attrs["href"]).resolve() == (out / "history/index.html").resolve()
    assert 'href="https://status.test/history/index.html"' in (out / "history.atom").read_text().replace("&quot;", '"')


# --- the plain-prose fast path gives exactly the parser's output ------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from gitstatus import markdown as markdown_module  # noqa: E402

#: Mostly characters that keep text plain, plus the ones at line starts that change its meaning.
_PROSE = st.lists(
    st.sampled_from(list("abcXYZ019 .,;:'\"?()%/-+=\n") + ["\n\n", "é", "—", "“", "\u00a0", "1. ", "2) ", "word "]),
    max_size=40,
).map("".join)


@settings(max_examples=3000, deadline=None)
@given(_PROSE)
def test_the_plain_prose_path_matches_the_parser(text: str) -> None:
    fast = markdown_module._plain_prose(text)
    if fast is not None:
        assert fast == markdown_module.parser().render(text)


@pytest.mark.parametrize("text", [
    "We are investigating.", "One.\n\nTwo \"quoted\" words.\nSame paragraph.", "Ends at 14:05 UTC (roughly).",
])
def test_plain_prose_takes_the_fast_path(text: str) -> None:
    assert markdown_module._plain_prose(text) == markdown_module.parser().render(text)


@pytest.mark.parametrize("text", [
    "- a list", "1. first", "2026) year", "Title\n---", "Title\n===", "    code", "a  \nhard break", "x & y",
    "see https://acme.example", "mail ops@acme.example", "a *b*", "Tab\there", "one\n\n\nthree",
])
def test_anything_that_may_be_markdown_goes_to_the_parser(text: str) -> None:
    assert markdown_module._plain_prose(text) is None


def test_the_root_is_escaped_as_markdown_it_escapes_attributes() -> None:
    """render_at escapes a page's way to the root without loading markdown-it; the same bytes as its escapeHtml."""
    from markdown_it.common.utils import escapeHtml

    from gitstatus.markdown import escape_html

    rng = random.Random(11)
    for _ in range(5000):
        text = "".join(rng.choice("ab&<>\"' /é\n") for _ in range(rng.randint(0, 12)))
        assert escape_html(text) == escapeHtml(text)

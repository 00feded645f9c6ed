"""The job summary rendered by GitHub's own renderer: no text from a file becomes a link or markup.

GitHub renders ``$GITHUB_STEP_SUMMARY`` with cmark-gfm and its extensions, autolink among them:
``www.…``, ``https://…`` and e-mail addresses in plain text become live links there even though
CommonMark alone leaves them as text. ``cmarkgfm`` is that renderer (GitHub's C library), so these
tests render the summary of a real ``gitstatus check --base`` with it, raw HTML allowed (so an
injection would show), and read the HTML.
"""

from __future__ import annotations

import json
from pathlib import Path

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options

from gitstatus.report import summary

from .conftest import API_SLOW, run_check, status_repo
from .conftest import API_SLOW_PATH as PATH
from .htmlparse import Element, parse

HOSTILE_TITLES = [
    "www.evil.example",
    "Go to www.evil.example/login now",
    "(www.evil.example)",
    "*www.evil.example*",
    "https://x.example",
    "Read https://x.example/a?b=c#d",
    "http://x and ftp://files.example/x",
    "user@example.com",
    "Mail first.last+tag@mail.example.com please",
    "mailto:user@example.com",
    "xmpp:user@example.com",
    "<https://x.example>",
    "<user@example.com>",
    "[a](https://x.example)",
    "[a][ref]\n\n[ref]: https://x.example",
    "![i](https://x.example/i.png)",
    "<img src=x onerror=alert(1)>",
    "<a href='https://x.example'>y</a>",
    "<script>alert(1)</script>",
    "a | b | c",
    "`tick` and ``double``",
    "two\nlines",
    "*em* _em_ **strong** ~~gone~~",
    "&amp; &lt;b&gt; &#x41;",
    "a trailing backslash \\",
    "- [ ] task",
]


def render(markdown: str) -> Element:
    """HTML as GitHub makes it from a job summary: GFM with its extensions, raw HTML kept."""
    return parse(cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE))


def markup_from_text(cell: Element) -> list[str]:
    return [e.tag for e in cell.iter() if e is not cell]


pytestmark = pytest.mark.usefixtures("no_github")


def hostile_summary(tmp_path: Path) -> str:
    root = status_repo(tmp_path / "repo", {PATH: API_SLOW})
    for n, title in enumerate(HOSTILE_TITLES):
        text = API_SLOW.replace("title: API responding slowly", f"title: {json.dumps(title)}")
        (root / f"incidents/2026-06-11-t{n:02d}.md").write_text(text, encoding="utf-8")
    bad = API_SLOW.replace("— Identified", "— see www.evil.example, https://x.example or user@example.com")
    (root / "incidents/2026-06-11-urls.md").write_text(bad, encoding="utf-8")
    (root / "incidents/user@example.com.md").write_text(API_SLOW, encoding="utf-8")
    out = tmp_path / "summary.md"
    code, _, _ = run_check(root, "--base", "main", "--format", "github", env={"GITHUB_STEP_SUMMARY": str(out)})
    assert code == 1
    return out.read_text(encoding="utf-8")


def test_no_title_or_message_becomes_a_link_or_markup(tmp_path: Path) -> None:
    page = render(hostile_summary(tmp_path))
    assert page.find_all("a") == [] and page.find_all("img") == [] and page.find_all("script") == []
    changes, problems = page.find_all("table")
    rows = changes.find_all("tr")[1:]
    titles = {row.find_all("td")[1].text for row in rows}
    for title in HOSTILE_TITLES:  # each title is one cell's text, exactly, and nothing else
        assert " ".join(title.split()) in titles, title
    for row in rows:
        cells = row.find_all("td")
        assert len(cells) == 5, row.text
        assert [markup_from_text(cell) for cell in cells] == [[]] * 5, row.text
    texts = [row.text for row in problems.find_all("tr")[1:]]
    assert any("'see www.evil.example, https://x.example or user@example.com'" in t for t in texts), texts
    assert any("/incidents/user@example.com.md E004 error 'user@example.com'" in t for t in texts), texts
    for row in problems.find_all("tr")[1:]:
        assert [markup_from_text(cell) for cell in row.find_all("td")] == [[]] * 3, row.text


@pytest.mark.parametrize("text", HOSTILE_TITLES)
def test_escape_leaves_only_text_in_a_cell(text: str) -> None:
    page = render(f"| x |\n| --- |\n| {summary.escape(text)} |\n")
    (cell,) = page.find_all("td")
    assert markup_from_text(cell) == []
    assert cell.text == " ".join(text.split())


def test_escape_shows_hidden_characters_like_the_terminal() -> None:
    """A bidi override in a title would reorder the row on the run's page: it is shown as an escape."""
    cell = summary.escape("abc \u202e\x1b[31m def")
    page = render(f"| x |\n| --- |\n| {cell} |\n")
    assert page.find_all("td")[0].text == "abc \\u202e\\x1b[31m def"

"""Another page's update text as one update's Markdown: it renders as it read, and it stays one update.

Statuspage's bodies are text where line breaks count and some HTML is allowed; the cases are
from real bodies (GitHub's ``<br /><br />``, its ``<a href>`` in a maintenance) and what a
body can hold that Markdown or the incident format would misread.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gitstatus import markdown
from gitstatus.edits import message_problem
from gitstatus.importers.markup import EMPTY, from_markdown, from_statuspage
from gitstatus.read.document import parse_incident

CASES = [
    ("We are seeing up to 2% of Git SSH connections failing.<br /><br />We have taken suspected problematic hosts "
     "out of rotation.",
     "We are seeing up to 2% of Git SSH connections failing.\n\nWe have taken suspected problematic hosts out of "
     "rotation.",
     "<p>We are seeing up to 2% of Git SSH connections failing.</p>\n<p>We have taken suspected problematic hosts "
     "out of rotation.</p>\n"),
    ('We will be removing <a href="https://developer.github.com/changes/x/">API Authentication</a> today.',
     "We will be removing [API Authentication](https://developer.github.com/changes/x/) today.",
     '<p>We will be removing <a href="https://developer.github.com/changes/x/" rel="nofollow noopener">API '
     "Authentication</a> today.</p>\n"),
    ("First line\nsecond line\n\nNew paragraph",
     "First line\\\nsecond line\n\nNew paragraph",
     "<p>First line<br />\nsecond line</p>\n<p>New paragraph</p>\n"),
    ("Fixed in file_name_here and *not* emphasis",
     "Fixed in file\\_name\\_here and \\*not\\* emphasis",
     "<p>Fixed in file_name_here and *not* emphasis</p>\n"),
    ("# not a heading\n## not an update",
     "\\# not a heading\\\n\\## not an update",
     "<p># not a heading<br />\n## not an update</p>\n"),
    ("<ul><li>one</li><li>two &amp; three</li></ul>",
     "- one\n- two & three",
     "<ul>\n<li>one</li>\n<li>two &amp; three</li>\n</ul>\n"),
    ('<a href="javascript:alert(1)">click</a>',
     "click",
     "<p>click</p>\n"),
    ("<strong>Update:</strong> all good",
     "**Update:** all good",
     "<p><strong>Update:</strong> all good</p>\n"),
    ("", EMPTY, "<p>(This update had no message.)</p>\n"),
]


@pytest.mark.parametrize(("body", "expected", "html"), CASES)
def test_statuspage_bodies_become_markdown_that_renders_as_they_read(body: str, expected: str, html: str) -> None:
    converted = from_statuspage(body)
    assert converted == expected
    assert markdown.render(converted) == html


def one_update(message: str) -> bool:
    text = f"---\ntitle: t\n---\n\n## 2024-01-01 00:00 UTC — Investigating\n\n{message}\n"
    raw, problems = parse_incident(text, "incidents/x.md")
    return len(raw.sections) == 1 and not problems


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*"ab #*_`~-=>\n<>/&;[]()!|\\", "<br>", "```", "## ", "\n---\n", "<pre>",
                                  "</pre>", "<h2>", "<a href='https://x.test/'>", "</a>", "<li>"]), max_size=40))
def test_whatever_the_body_holds_it_stays_one_update(parts: list[str]) -> None:
    body = "".join(parts)
    converted = from_statuspage(body)
    assert message_problem(converted) is None
    assert one_update(converted)


def test_markdown_bodies_keep_their_markdown_and_lose_only_what_would_break_the_file() -> None:
    text, changed = from_markdown("## Root cause\n\nIt was *DNS*.\n\n```\nunclosed")
    assert text == "### Root cause\n\nIt was *DNS*.\n\n```\nunclosed\n```"
    assert len(changed) == 2
    kept, nothing = from_markdown("It was **DNS**.\n\n- one\n- two")
    assert (kept, nothing) == ("It was **DNS**.\n\n- one\n- two", [])

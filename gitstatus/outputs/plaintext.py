"""Update messages as plain text, for outputs that cannot carry HTML (the calendar).

The message goes through the one safe Markdown renderer first and its HTML is then
flattened, so what a calendar shows is exactly what the page shows, minus the markup:
lists keep their bullets, links keep their targets in brackets.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from .. import markdown

_BLOCKS = frozenset({"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "pre", "blockquote",
                     "table", "tr", "hr"})


class _Flattener(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.pre = 0
        self.links: list[tuple[str, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self.out.append("\n\n")
        if tag == "pre":
            self.pre += 1
        elif tag == "li":
            self.out.append("\n- ")
        elif tag == "br":
            self.out.append("\n")
        elif tag in ("td", "th"):
            self.out.append(" | ")
        elif tag == "a":
            self.links.append((dict(attrs).get("href") or "", len(self.out)))

    def handle_endtag(self, tag: str) -> None:
        if tag == "pre":
            self.pre -= 1
        if tag == "a" and self.links:
            href, start = self.links.pop()
            shown = "".join(self.out[start:]).strip()
            if href and href not in (shown, f"mailto:{shown}"):
                self.out.append(f" ({href})")
        if tag in _BLOCKS:
            self.out.append("\n\n")

    def handle_data(self, data: str) -> None:
        self.out.append(data if self.pre else re.sub(r"\s+", " ", data))


def message_text(message: str) -> str:
    """The Markdown ``message`` as readable plain text."""
    parser = _Flattener()
    parser.feed(markdown.render(message))
    parser.close()
    text = "\n".join(line.strip() for line in "".join(parser.out).split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip()

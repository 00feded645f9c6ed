"""Another page's update text as one update's Markdown: it must read as it did, and stay one update.

Statuspage keeps an update's body as text in which line breaks count and a little HTML is
allowed (``<br />``, ``<a href>``, ``<strong>``, lists); :func:`from_statuspage` turns that into
Markdown that gitstatus renders the same way: HTML to its Markdown, line breaks to hard breaks,
and the characters Markdown would read as markup escaped. cState's bodies are Markdown already;
:func:`from_markdown` only keeps them inside one update. Both end with :func:`fit`, which makes
sure that nothing in the text can start a new update or swallow the next one.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from ..edits import message_problem

EMPTY = "(This update had no message.)"
"""The text of an update that had none: gitstatus needs one, and says so rather than invent."""

_BLOCK = {"p", "div", "table", "tr", "blockquote", "section", "article", "header", "footer"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_ESCAPE = re.compile(r"([\\`*_\[\]])")
_SAFE_LINK = re.compile(r"^(?:https?://|mailto:)", re.IGNORECASE)
_LINE_START = re.compile(r"^(\s*)(#|=+\s*$|-{3,}\s*$|\+ |> )")
_HEADING_LINE = re.compile(r"^(#{1,2})(?=\s|$)", re.MULTILINE)
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})", re.MULTILINE)
_BREAK = "\x00"
"""A hard line break, until the end: the text must not change around it before it is written."""
_HEADING = "\x01"
_RULE = "\x02"
"""A heading's ``###`` and a rule's ``---``, kept apart from the text's own ``#`` and ``---``, which are escaped."""


class _ToMarkdown(HTMLParser):
    """Statuspage's body (text, a little HTML) to Markdown parts, with line breaks marked."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.links: list[tuple[str, int]] = []
        self.lists: list[list[int]] = []
        self.pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag in _BLOCK:
            self.out.append("\n\n")
        elif tag in _HEADINGS:
            self.out.append(f"\n\n{_HEADING} ")
        elif tag == "br":
            self.out.append(_BREAK)
        elif tag in ("strong", "b"):
            self.out.append("**")
        elif tag in ("em", "i"):
            self.out.append("*")
        elif tag == "code" and not self.pre:
            self.out.append("`")
        elif tag == "pre":
            self.pre += 1
            self.out.append("\n\n```\n")
        elif tag in ("ul", "ol"):
            self.lists.append([0] if tag == "ol" else [])
            self.out.append("\n\n")
        elif tag == "li":
            numbering = self.lists[-1] if self.lists else []
            if numbering:
                numbering[0] += 1
                self.out.append(f"\n{numbering[0]}. ")
            else:
                self.out.append("\n- ")
        elif tag == "a":
            self.links.append((found.get("href") or "", len(self.out)))
        elif tag == "img":
            src = found.get("src") or ""
            if _SAFE_LINK.match(src):
                self.out.append(f"[{_escape(found.get('alt') or 'image')}]({src})")
        elif tag == "hr":
            self.out.append(f"\n\n{_RULE}\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK or tag in _HEADINGS:
            self.out.append("\n\n")
        elif tag in ("strong", "b"):
            self.out.append("**")
        elif tag in ("em", "i"):
            self.out.append("*")
        elif tag == "code" and not self.pre:
            self.out.append("`")
        elif tag == "pre" and self.pre:
            self.pre -= 1
            self.out.append("\n```\n\n")
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()
            self.out.append("\n\n")
        elif tag == "a" and self.links:
            href, start = self.links.pop()
            shown = "".join(self.out[start:]).strip()
            if _SAFE_LINK.match(href) and " " not in href and ")" not in href:
                del self.out[start:]
                self.out.append(f"[{shown or _escape(href)}]({href})")

    def handle_data(self, data: str) -> None:
        if self.pre:
            self.out.append(data)
        else:
            self.out.append(_escape(data).replace("\n", _BREAK))


def _escape(text: str) -> str:
    return _ESCAPE.sub(r"\\\1", text)


def from_statuspage(body: str) -> str:
    """A Statuspage update's body as Markdown that renders as the original read."""
    parser = _ToMarkdown()
    parser.feed(body.replace("\r\n", "\n").replace("\r", "\n"))
    parser.close()
    text = re.sub(r"(?<![\\`])``(?!`)", "", "".join(parser.out).replace("****", ""))  # <b></b>: nothing
    text = re.sub(f"[ \t]*{_BREAK}[ \t]*", _BREAK, text)
    text = re.sub(f"{_BREAK}{{2,}}", "\n\n", text)  # two breaks in a row: a new paragraph
    text = re.sub(f"{_BREAK}(?=\\s*\n\\s*\n)|(?<=\n\n){_BREAK}", "", text)  # beside a paragraph's end: none
    text = text.strip("\n " + _BREAK).replace(_BREAK, "\\\n")
    lines = []
    in_code = False
    for line in text.split("\n"):
        if _FENCE.match(line):
            in_code = not in_code
            lines.append(line)
        elif in_code:
            lines.append(line)
        else:
            lines.append(_LINE_START.sub(lambda m: "\\" + m[2], line.strip(" \t")))
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
    return fit(text.replace(_HEADING, "###").replace(_RULE, "---"))


def from_markdown(body: str) -> tuple[str, list[str]]:
    """A Markdown body (cState's) as one update's text, and what had to change for it to be one."""
    changed: list[str] = []
    text = body.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    demoted = _HEADING_LINE.sub("###", text)
    if demoted != text:
        changed.append("level-1 and level-2 headings in the text became level-3 ('###'): '##' starts an update")
    return fit(demoted, changed), changed


def fit(text: str, changed: list[str] | None = None) -> str:
    """``text`` as one update's message: not empty, no line that starts an update, no code block left open."""
    text = text.strip()
    if not text:
        if changed is not None:
            changed.append("an update without text is written with the words " + repr(EMPTY))
        return EMPTY
    if message_problem(text) is None:
        return text
    fence = _FENCE.findall(text)
    closed = text + "\n" + (fence[-1] if fence else "```")
    if message_problem(closed) is None:
        if changed is not None:
            changed.append("a code block the text opened and never closed is closed at its end")
        return closed
    if changed is not None:
        changed.append("the text could not be kept as Markdown; it is kept as an indented block of plain text")
    return "\n".join("    " + line for line in text.replace("```", "'''").replace("~~~", "'''").split("\n"))

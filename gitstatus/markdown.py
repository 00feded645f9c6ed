"""The one Markdown renderer for update messages, configured for untrusted text.

Incident files come from pull requests, so a message is hostile until proven
otherwise: raw HTML is escaped, links keep only http, https, mailto and relative
targets, and images become plain links (a status page should not load a stranger's
pixels from another host). Every message is rendered once and cached by its text.

Most messages are plain prose and never reach the parser (:func:`_plain_prose`), so the
parser and its libraries (markdown_parser.py) are loaded only when a message needs them.
"""

from __future__ import annotations

import functools
import hashlib
import re
from typing import TYPE_CHECKING

from .links import ROOT_MARK

if TYPE_CHECKING:
    from markdown_it import MarkdownIt


@functools.cache
def parser() -> MarkdownIt:
    """The one configured markdown-it parser, made on first need (markdown_parser.py)."""
    from .markdown_parser import make_parser

    return make_parser()


# --- plain prose, rendered without the parser ------------------------------------------------------
# Most status updates are a few paragraphs of plain sentences. markdown-it costs about 60 µs a call
# before it reads a character, and about 50 µs a paragraph; for text in which no character and no
# line start can mean anything to CommonMark (or to the autolinker), the result is known: each
# paragraph in <p>, lines joined by newlines, quotes escaped. A property test holds this path to
# the parser's exact output (tests/test_markdown.py).

_SPECIAL_CHAR = re.compile(  # Markdown's own characters, controls, and every space but " " and "\n"
    r"[\x00-\x09\x0b-\x1f\x7f#*_\[\]!<>`~|&\\@\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]|//"
)
_SPECIAL_LINE = re.compile(r"^(?:[ \-+=]|\d{1,9}[.)](?: |$))|[ ]$", re.MULTILINE)


def _plain_prose(text: str) -> str | None:
    """The HTML of ``text`` when it is plain prose, else None (the parser must decide)."""
    if _SPECIAL_CHAR.search(text) or _SPECIAL_LINE.search(text):
        return None
    paragraphs = [p for p in text.split("\n\n") if p]
    if not paragraphs or any(p.startswith("\n") or p.endswith("\n") for p in paragraphs):
        return None  # runs of blank lines: leave them to the parser
    return "".join("<p>" + p.replace('"', "&quot;") + "</p>\n" for p in paragraphs)


KNOWN: dict[bytes, str] = {}
"""HTML rendered by an earlier run (the build's cache), by :func:`text_key`; filled before rendering starts."""
MADE: dict[bytes, str] | None = None
"""When a dict, every rendering of this process is recorded in it, for the cache to keep."""


def text_key(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


@functools.lru_cache(maxsize=65536)
def render(text: str) -> str:
    """Message Markdown to safe HTML, relative links still marked with :data:`ROOT_MARK`."""
    if not KNOWN and MADE is None:
        fast = _plain_prose(text)
        return fast if fast is not None else parser().render(text)
    key = text_key(text)
    html = KNOWN.get(key)
    if html is None:
        fast = _plain_prose(text)
        html = fast if fast is not None else parser().render(text)
    if MADE is not None:
        MADE[key] = html
    return html


def render_at(text: str, root: str) -> str:
    """Message Markdown to safe HTML for a page whose way to the site root is ``root``.

    ``root`` is ``""`` on the index, ``"../"`` one folder down, or an absolute URL in feeds; it
    is escaped for the attribute it lands in, whatever it holds.
    """
    html = render(text)
    return html.replace(f'href="{ROOT_MARK}', f'href="{escape_html(root)}') if ROOT_MARK in html else html


def escape_html(text: str) -> str:
    """``&``, ``<``, ``>`` and ``"`` escaped, as markdown-it escapes attribute values."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")

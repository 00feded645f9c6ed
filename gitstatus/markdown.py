"""The one Markdown renderer for update messages, configured for untrusted text.

Incident files come from pull requests, so a message is hostile until proven
otherwise: raw HTML is escaped, links keep only http, https, mailto and relative
targets, and images become plain links (a status page should not load a stranger's
pixels from another host). Every message is rendered once and cached by its text.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Sequence

from linkify_it import LinkifyIt
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

SAFE_SCHEMES = ("http", "https", "mailto")


def is_safe_url(url: str) -> bool:
    """http(s), mailto or a relative reference; ``javascript:``, ``data:`` and friends are refused."""
    candidate = "".join(ch for ch in url if ch > " ").lower()  # browsers ignore control chars and spaces here
    head = candidate.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    if ":" not in head:
        return True
    return head.split(":", 1)[0] in SAFE_SCHEMES


#: Stands for "the site's root" in a rendered relative link. A message's HTML is shared by pages
#: at different depths (the index, incident pages, feeds), so ``[x](history/index.html)`` is
#: rendered with this mark and each page puts its own way to the root in its place. Writers
#: cannot produce it: it looks like a URL scheme, and unknown schemes never become links.
ROOT_MARK = "gitstatus-root:"


def _is_relative(url: str) -> bool:
    """A path relative to the page (not ``/abs``, ``#frag``, ``?query`` or a scheme): resolved from the site root."""
    return bool(url) and url[0] not in "/#?" and ":" not in url.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]


def _target(url: str) -> str:
    return ROOT_MARK + url if _is_relative(url) else url


def _is_external(url: str) -> bool:
    """A link to another site (``https://…``, ``HTTP://…``, ``//host/…``): marked so it earns no ranking."""
    return url.lower().startswith(("http://", "https://", "//"))


def _image_as_link(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    src = str(token.attrGet("src") or "")
    alt = self.renderInlineAsText(token.children or [], options, env) or src or "image"
    rel = ' rel="nofollow noopener"' if _is_external(src) else ""
    return f'<a href="{escapeHtml(_target(src))}" class="image-link"{rel}>{escapeHtml(alt)}</a>'


def _link_open(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    href = str(token.attrGet("href") or "")
    if _is_external(href):
        token.attrSet("rel", "nofollow noopener")
    elif _is_relative(href):
        token.attrSet("href", _target(href))
    return self.renderToken(tokens, idx, options, env)


class _Linkify(LinkifyIt):  # type: ignore[misc]
    """Autolinks ``https://…``, ``mailto:`` and e-mail addresses, not bare domains.

    linkify-it's own pretest is a large regex that doubled the cost of rendering a
    message; every link we accept contains ``//`` or ``@``, so a substring test
    answers first (docs/performance.md).
    """

    def __init__(self) -> None:
        super().__init__()
        self.set({"fuzzy_link": False})

    def pretest(self, text: str) -> bool:
        return "//" in text or "@" in text

    def test(self, text: str) -> bool:
        return ("//" in text or "@" in text) and bool(super().test(text))


def make_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False})
    md.linkify = _Linkify()
    md.enable(["table", "strikethrough", "linkify"])
    md.validateLink = is_safe_url  # type: ignore[method-assign]
    md.add_render_rule("image", _image_as_link)
    md.add_render_rule("link_open", _link_open)
    return md


_PARSER = make_parser()


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
        return fast if fast is not None else _PARSER.render(text)
    key = text_key(text)
    html = KNOWN.get(key)
    if html is None:
        fast = _plain_prose(text)
        html = fast if fast is not None else _PARSER.render(text)
    if MADE is not None:
        MADE[key] = html
    return html


def render_at(text: str, root: str) -> str:
    """Message Markdown to safe HTML for a page whose way to the site root is ``root``.

    ``root`` is ``""`` on the index, ``"../"`` one folder down, or an absolute URL in feeds; it
    is escaped for the attribute it lands in, whatever it holds.
    """
    html = render(text)
    return html.replace(f'href="{ROOT_MARK}', f'href="{escapeHtml(root)}') if ROOT_MARK in html else html

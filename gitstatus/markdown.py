"""The one Markdown renderer for update messages, configured for untrusted text.

Incident files come from pull requests, so a message is hostile until proven
otherwise: raw HTML is escaped, links keep only http, https, mailto and relative
targets, and images become plain links (a status page should not load a stranger's
pixels from another host). Every message is rendered once and cached by its text.
"""

from __future__ import annotations

import functools
from typing import Any, Sequence

from markdown_it import MarkdownIt
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


def _image_as_link(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    src = self.escape(str(token.attrGet("src") or ""))  # type: ignore[attr-defined]
    alt = self.renderInlineAsText(token.children or [], options, env) or str(token.attrGet("src") or "image")
    return f'<a href="{src}" class="image-link">{self.escape(alt)}</a>'  # type: ignore[attr-defined]


def _link_open(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    href = str(token.attrGet("href") or "")
    if href.startswith(("http://", "https://")):
        token.attrSet("rel", "nofollow noopener")
    return self.renderToken(tokens, idx, options, env)


def make_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False})
    md.enable(["table", "strikethrough", "linkify"])
    md.validateLink = is_safe_url  # type: ignore[method-assign]
    md.add_render_rule("image", _image_as_link)
    md.add_render_rule("link_open", _link_open)
    return md


_PARSER = make_parser()


@functools.lru_cache(maxsize=65536)
def render(text: str) -> str:
    """Message Markdown to safe HTML."""
    return _PARSER.render(text)


def render_many(texts: Sequence[str]) -> list[str]:
    return [render(t) for t in texts]


def cache_info() -> Any:
    return render.cache_info()

"""The markdown-it parser for messages that are more than plain prose, configured for untrusted text.

Apart from markdown.py so that a run whose messages are all plain prose (or already rendered,
in the build's cache) never imports markdown-it and its plugins.
"""

from __future__ import annotations

from collections.abc import Sequence

from linkify_it import LinkifyIt
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from .links import is_external, is_relative, is_safe_url, marked


def _image_as_link(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    src = str(token.attrGet("src") or "")
    alt = self.renderInlineAsText(token.children or [], options, env) or src or "image"
    rel = ' rel="nofollow noopener"' if is_external(src) else ""
    return f'<a href="{escapeHtml(marked(src))}" class="image-link"{rel}>{escapeHtml(alt)}</a>'


def _link_open(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    href = str(token.attrGet("href") or "")
    if is_external(href):
        token.attrSet("rel", "nofollow noopener")
    elif is_relative(href):
        token.attrSet("href", marked(href))
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

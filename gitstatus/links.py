"""Which link targets a message may have, and how a relative one is marked until a page places it.

Shared by the Markdown renderer (markdown_parser.py) and the pages that place its HTML
(markdown.py), without either importing the other.
"""

from __future__ import annotations

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


def is_relative(url: str) -> bool:
    """A path relative to the page (not ``/abs``, ``#frag``, ``?query`` or a scheme): resolved from the site root."""
    return bool(url) and url[0] not in "/#?" and ":" not in url.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]


def marked(url: str) -> str:
    """A link's target as the renderer writes it: a relative one behind :data:`ROOT_MARK`."""
    return ROOT_MARK + url if is_relative(url) else url


def is_external(url: str) -> bool:
    """A link to another site (``https://…``, ``HTTP://…``, ``//host/…``): marked so it earns no ranking."""
    return url.lower().startswith(("http://", "https://", "//"))

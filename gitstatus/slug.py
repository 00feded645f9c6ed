"""Ids and URL slugs: the one shape every incident and component id must have."""

from __future__ import annotations

import re
import unicodedata

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ID_HINT = "use lowercase letters, digits and single hyphens, like 'api-gateway'"


def is_id(text: str) -> bool:
    return bool(ID_RE.match(text))


def slugify(text: str, max_length: int = 60) -> str:
    """ASCII-fold and hyphenate: ``"Café API — slow!"`` becomes ``cafe-api-slow``.

    Cut at a word boundary so a long title does not end in half a word.
    """
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    if len(slug) > max_length:
        cut = slug[: max_length + 1]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else cut[:max_length]
    return slug.strip("-")

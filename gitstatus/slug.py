"""Ids and URL slugs: the one shape every incident and component id must have."""

from __future__ import annotations

import re
import unicodedata

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ID_HINT = "use lowercase letters, digits and single hyphens, like 'api-gateway'"


MAX_ID_LENGTH = 100
"""The longest id. An id becomes file names (``incidents/<id>.md`` and ``.html``, ``badges/<id>.svg``):
most file systems allow 255 bytes a name, eCryptfs 143, and Windows 260 characters a whole path by
default; 100 leaves room for the suffixes, the folders above and tools' own (``.swp``, ``.gz``)."""

WINDOWS_DEVICES = frozenset({"con", "prn", "aux", "nul", *(f"{port}{n}" for port in ("com", "lpt") for n in range(10))})
"""Names Windows keeps for devices, with any extension: ``nul.html`` cannot be created or checked out there."""


def is_id(text: str) -> bool:
    """The whole text has the id's shape (``fullmatch``: ``$`` alone would let a final newline through)."""
    return bool(ID_RE.fullmatch(text))


def is_device_name(text: str) -> bool:
    """An id that cannot be a file name on Windows, whatever the extension."""
    return text.lower() in WINDOWS_DEVICES


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

"""Which languages gitstatus ships: the catalogue files beside ``en.yaml``, named by BCP 47 tag.

The settings reader checks ``site.language`` against this list (with "did you mean"), and
the word machinery loads from it; it imports nothing of the package, so both can ask it.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

DEFAULT = "en"
"""The language of a page that names none, and of the JSON API's values (Statuspage's words)."""


@cache
def languages() -> tuple[str, ...]:
    """The BCP 47 tags of the shipped catalogues, sorted: ``('ar', 'de', 'en', …)``."""
    return tuple(sorted(entry.name.removesuffix(".yaml") for entry in files("gitstatus.words").iterdir()
                        if entry.name.endswith(".yaml") and entry.is_file()))


def spelled(tag: str) -> str | None:
    """The shipped catalogue's own spelling of a tag written in any letter case (``pt-br`` is ``pt-BR``: BCP 47
    tags are case-insensitive), or None when no catalogue is of that language."""
    wanted = tag.strip().lower()
    return next((shipped for shipped in languages() if shipped.lower() == wanted), None)

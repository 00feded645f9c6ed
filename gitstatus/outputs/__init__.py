"""Renderers: pure functions from the derived state to files (path and bytes).

They never read the status repo or the clock and never touch the output folder;
``write.py`` does that, once, for all of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .. import routes
from ..model import Site


@dataclass(frozen=True)
class OutputFile:
    """One file of the built site: a relative path with forward slashes, and its bytes."""

    path: str
    data: bytes


@dataclass(frozen=True)
class BuildContext:
    """What every renderer may need besides the state: where the theme is, the absolute base URL."""

    root: Path
    """The status repo (for its theme overrides)."""
    base_url: str
    """Absolute URL of the site's root, ending in a slash."""
    site: Site
    assets: dict[str, str] = field(default_factory=dict)
    """Content hashes of static files, for cache-busting query strings."""

    def absolute(self, path: str) -> str:
        """The absolute URL of a site-relative path."""
        return routes.absolute(self.base_url, path)

    def url(self, route: str, /, **params: str) -> str:
        """The absolute URL of a route: ``ctx.url("incident", id="x")``."""
        return self.absolute(routes.path(route, **params))

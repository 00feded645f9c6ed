"""Renderers: pure functions from the derived state to files (path and bytes).

They never read the status repo or the clock and never touch the output folder;
``write.py`` does that, once, for all of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from .. import routes
from ..model import Site
from ..words import Words, catalogue


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
    translations: tuple[Words, ...] = field(default_factory=lambda: (catalogue(),))
    """The catalogue of each language of the site (the repo's own phrases laid over), the default first."""
    tree: str = ""
    """The folder of this language's pages (``de/``), or empty for the default language at the root;
    ``base_url`` is then the tree's, and ``site_url`` the site's."""
    site_url: str = ""
    """Absolute URL of the whole site's root, where the shared outputs are (the JSON API, static files)."""

    @property
    def words(self) -> Words:
        """The catalogue of this context's language."""
        language = self.tree.rstrip("/") or self.translations[0].language
        return next(w for w in self.translations if w.language == language)

    @property
    def root_url(self) -> str:
        """Absolute URL of the site's root (``base_url`` outside a language's tree)."""
        return self.site_url or self.base_url

    def trees(self) -> Iterator[BuildContext]:
        """A context per language: the default one (this, at the root), then one per other language,
        whose pages, feeds, calendar and badges are under ``<language>/``."""
        yield self
        for words in self.translations[1:]:
            folder = f"{words.language}/"
            yield replace(self, tree=folder, site_url=self.base_url, base_url=self.base_url + folder)

    def absolute(self, path: str) -> str:
        """The absolute URL of a site-relative path."""
        return routes.absolute(self.base_url, path)

    def url(self, route: str, /, **params: str) -> str:
        """The absolute URL of a route: ``ctx.url("incident", id="x")``."""
        return self.absolute(routes.path(route, **params))

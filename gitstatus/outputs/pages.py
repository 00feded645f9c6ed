"""The HTML pages: index, one page per incident, history by month, 404 and the sitemap.

Incident pages are independent units (``render_incident`` needs one incident and the
shared context), so the build can spread them over processes or reuse them; the
aggregate pages each take one pass over the incidents.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from .. import markdown, routes
from ..source import read_bytes
from ..state import GroupRow, IncidentState, Month, Phase, SiteState
from ..templating import ThemeError, asset_version, make_environment
from ..themes import builtin_static, describe, own_files
from ..words import Words, babel_locale, current
from . import BuildContext, OutputFile
from .feeds import feed_parts
from .machine import xml_escape, xml_safe


@dataclass(frozen=True)
class Link:
    path: str
    title: str
    type: str = ""


def feed_links(words: Words | None = None) -> tuple[Link, ...]:
    """Alternate links in every page's head. Paths are relative to the language's tree (each has its feeds)."""
    words = words or current()
    return (
        Link(routes.path("atom"), words.t("links.atom"), "application/atom+xml"),
        Link(routes.path("rss"), words.t("links.rss"), "application/rss+xml"),
    )


def footer_links(words: Words | None = None, up: str = "") -> tuple[Link, ...]:
    """The footer's links; ``up`` leads from a language's tree to the site's root, where the JSON API is."""
    words = words or current()
    return (
        Link(routes.path("history"), words.t("nav.history")),
        *feed_links(words),
        Link(routes.path("calendar"), words.t("links.calendar")),
        Link(up + routes.path("api.summary"), words.t("links.api")),
    )


@dataclass(frozen=True)
class Alternate:
    """The same page in one of the site's languages: for ``hreflang`` links and the language switcher."""

    language: str
    name: str
    """The language's name in itself (``Deutsch``, ``日本語``), as a reader looks for it."""
    href: str
    """Relative to the page."""
    url: str
    """Absolute."""
    current: bool


def language_name(language: str) -> str:
    """``Deutsch``, ``日本語``, ``English``: a language's name in itself, from CLDR."""
    name = babel_locale(language).get_display_name(babel_locale(language)) or language
    return name[:1].upper() + name[1:]


def static_outputs(root: Path) -> list[OutputFile]:
    """The theme's static files under ``static/``, the repo's own overriding the built-in ones.

    The repo's own are read through the one door (a link out of the repo is never published);
    ``check`` has reported any it refuses, so a refusal here raises :class:`ThemeError`.
    """
    chosen = {name: path.read_bytes() for name, path in builtin_static().items()}
    own, problems = own_files(root, "static")
    prefix = "theme/static/"
    for relpath in own:
        data, found = read_bytes(root, relpath)
        problems += found
        if data is not None:
            chosen[relpath[len(prefix):]] = data
    if problems:
        raise ThemeError(f"the theme's static files cannot be published: {describe(problems)}")
    return [OutputFile(routes.static(name), data) for name, data in sorted(chosen.items())]


def asset_versions(statics: Iterable[OutputFile]) -> dict[str, str]:
    return {routes.static_name(f.path): asset_version(f.data) for f in statics}


@pass_context
def _markdown(context: Context, text: str) -> Markup:
    """``{{ markdown(update.message) }}``: the safe HTML, its relative links fitted to this page's depth."""
    return Markup(markdown.render_at(text, context["root"]))


class KeptPages:
    """Month pages rendered before, by a key of everything a month page shows; this one keeps them in memory.

    A month page shows its incidents (each a function of its file's content hash, with its phase
    and interval at ``now``) and its neighbours' names, besides what every page shares (the
    renderer's context: whoever keeps pages keeps them per context). Only the pages of the last
    :meth:`PageRenderer.history` call are kept.
    """

    def __init__(self, digests: Mapping[str, bytes]) -> None:
        self.digests = digests
        self.pages: dict[str, bytes] = {}
        self.used: dict[str, bytes] = {}

    def key(self, month: Month, newer: Month | None, older: Month | None) -> str | None:
        parts = [month.key, newer.key if newer else "", older.key if older else ""]
        for s in month.incidents:
            part = s.__dict__.get("_month_key")
            if part is not None:  # kept with the state (the preview asks again on every save): its file's digest
                parts.append(part[1])
                continue
            digest = self.digests.get(s.incident.path)
            if not digest:
                return None
            ended = s.ended_at.isoformat() if s.ended_at else ""
            part = s.__dict__["_month_key"] = (digest, "\0".join(
                [s.incident.path, digest.hex(), s.phase.value, s.started_at.isoformat(), ended]))
            parts.append(part[1])
        return hashlib.blake2b("\0".join(parts).encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()

    def get(self, key: str) -> bytes | None:
        data = self.pages.get(key)
        if data is not None:
            self.used[key] = data
        return data

    def put(self, key: str, data: bytes) -> None:
        self.used[key] = data

    def renew(self, digests: Mapping[str, bytes]) -> None:
        """Start another rendering: keep what the last one used, with the files' hashes now."""
        self.pages, self.used, self.digests = self.used, {}, digests


class PageStore(Protocol):
    """Where a build keeps pages between runs (cache.py's ``PageStore``)."""

    def key(self, relpath: str, digest: bytes, reading: str, state: tuple[str, ...]) -> str: ...
    def read(self, key: str) -> bytes | None: ...
    def write(self, key: str, data: bytes) -> bool: ...


class StoredPages(KeptPages):
    """Month pages kept in the build's cache, under the cache's fingerprint of the pages' context."""

    def __init__(self, store: PageStore, digests: Mapping[str, bytes]) -> None:
        super().__init__(digests)
        self.store = store
        self.stored: list[str] = []
        """The cache keys used: what the cache keeps."""

    def _name(self, key: str) -> str:
        return self.store.key("month", b"", key, ())

    def get(self, key: str) -> bytes | None:
        name = self._name(key)
        data = self.store.read(name)
        if data is not None:
            self.stored.append(name)
        return data

    def put(self, key: str, data: bytes) -> None:
        name = self._name(key)
        if self.store.write(name, data):
            self.stored.append(name)


class PageRenderer:
    """Renders templates with the shared context; one per process (the Jinja environment is costly)."""

    def __init__(self, ctx: BuildContext, component_names: dict[str, str]) -> None:
        self.ctx = ctx
        self.env = make_environment(ctx.root, ctx.site.tz, catalogue=ctx.words)
        self.env.globals["markdown"] = _markdown
        self.up = "../" * ctx.tree.count("/")
        self.common: dict[str, Any] = {
            "site": ctx.site,
            "names": component_names,
            "assets": ctx.assets,
            "up": self.up,
            "feeds": feed_links(ctx.words),
            "footer_links": footer_links(ctx.words, self.up),
            "calendar": routes.path("calendar"),
            "scripts": "local-time.js" in ctx.assets,
            "refresh": "refresh.js" in ctx.assets,
            "live": False,  # the pages a reader keeps open to watch (index, incidents) poll for changes
            "shared_parts": {},  # {% shared %} parts (templating.SharedParts), for this context only
        }
        self.kept: KeptPages | None = None
        """Month pages rendered before, by a key of all they show (None: render every one)."""

    def page(
        self, template: str, path: str, canonical: bool = True, root: str | None = None, **values: Any
    ) -> OutputFile:
        depth = path.count("/")
        root = "../" * depth if root is None else root
        context = {
            **self.common,
            "root": root,
            "canonical": self.ctx.absolute(path) if canonical else None,
            "alternates": self.alternates(path, root) if canonical else (),
            **values,
        }
        html = self.env.get_template(template).render(context)
        return OutputFile(path, html.encode("utf-8"))

    def alternates(self, path: str, root: str) -> tuple[Alternate, ...]:
        """The page at ``path`` (in its tree) in every language of the site; none for a site in one language."""
        translations = self.ctx.translations
        if len(translations) < 2:
            return ()
        base = self.ctx.root_url
        found = []
        for n, words in enumerate(translations):
            tree = f"{words.language}/" if n else ""
            found.append(Alternate(words.language, language_name(words.language), root + self.up + tree + path,
                                   base + tree + path, words.language == self.ctx.words.language))
        return tuple(found)

    def incident(self, state: IncidentState) -> OutputFile:
        month = state.started_at.astimezone(self.ctx.site.tz).strftime("%Y-%m")
        return self.page("incident.html", routes.incident(state.id), live=True, incident=state.incident, state=state,
                         month=month if state.phase is not Phase.UPCOMING else None)

    def incidents(self, states: Sequence[IncidentState]) -> list[OutputFile]:
        return [self.incident(s) for s in states]

    def index(self, state: SiteState) -> OutputFile:
        return self.page("index.html", routes.path("index"), live=True, state=state)

    def history(self, state: SiteState) -> list[OutputFile]:
        """The history page and a page per month; with :attr:`kept` set (the preview's memory, the
        build's cache), a month page whose key is there is not rendered again."""
        months = state.months
        files = [self.page("history.html", routes.path("history"), months=months)]
        for n, month in enumerate(months):
            newer = months[n - 1] if n > 0 else None
            older = months[n + 1] if n + 1 < len(months) else None
            key = self.kept.key(month, newer, older) if self.kept is not None else None
            data = self.kept.get(key) if self.kept is not None and key is not None else None
            if data is not None:
                files.append(OutputFile(routes.month(month.key), data))
                continue
            page = self.page("month.html", routes.month(month.key), month=month, newer=newer, older=older)
            if self.kept is not None and key is not None:
                self.kept.put(key, page.data)
            files.append(page)
        return files

    def subscribe(self, state: SiteState) -> OutputFile:
        """The ways to follow the page: its feeds, one feed per component and group, chat, calendar, badges."""
        members = {m.component.id for row in state.layout if isinstance(row, GroupRow) for m in row.members}
        parts = [
            {"name": name, "member": key in members, "feed": routes.path("component_atom", id=key),
             "badge": routes.path("component_badge", id=key)}
            for key, name, _ in feed_parts(state)
        ]
        return self.page("subscribe.html", routes.path("subscribe"), parts=parts, base=self.ctx.base_url,
                         badge=routes.path("badge"))

    def not_found(self) -> OutputFile:
        """404.html is served at any depth, so its links are root-relative to the site's path."""
        return self.page("404.html", routes.path("not_found"), canonical=False,
                         root=urlsplit(self.ctx.base_url).path or "/")


def sitemap(state: SiteState, ctx: BuildContext) -> OutputFile:
    """sitemap.xml with absolute URLs, every language's pages; ``lastmod`` from the content, never the build clock."""
    pages: list[tuple[str, str | None]] = [(routes.path("index"), None), (routes.path("history"), None),
                                           (routes.path("subscribe"), None)]
    pages += [(routes.month(m.key), None) for m in state.months]
    trees = list(ctx.trees())
    several = len(trees) > 1
    namespaces = ' xmlns:xhtml="http://www.w3.org/1999/xhtml"' if several else ""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"{namespaces}>']

    def line(tree: BuildContext, path: str, lastmod: str | None) -> str:
        extra = f"<lastmod>{lastmod}</lastmod>" if lastmod else ""
        if several:  # each page names its translations, as search engines read them (hreflang)
            extra += "".join(f'<xhtml:link rel="alternate" hreflang="{other.words.language}" '
                             f'href="{xml_escape(xml_safe(ctx.absolute(other.tree + path)))}"/>'
                             for other in trees)
        return f"  <url><loc>{xml_escape(xml_safe(ctx.absolute(tree.tree + path)))}</loc>{extra}</url>"

    incidents = sorted(state.incidents, key=attrgetter("id"))
    for tree in trees:
        lines += [line(tree, path, lastmod) for path, lastmod in pages]
        # An incident's lines are kept with its state under all they depend on (the preview asks on every save).
        key = "\0".join(["_sitemap", ctx.base_url, tree.tree, *(f"{o.tree}:{o.words.language}" for o in trees)])
        for s in incidents:
            kept = s.__dict__.get(key)
            if kept is None:
                kept = s.__dict__[key] = line(tree, routes.incident(s.id), s.incident.last_update.at.date().isoformat())
            lines.append(kept)
    lines.append("</urlset>")
    return OutputFile(routes.path("sitemap"), ("\n".join(lines) + "\n").encode("utf-8"))

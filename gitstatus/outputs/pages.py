"""The HTML pages: index, one page per incident, history by month, 404 and the sitemap.

Incident pages are independent units (``render_incident`` needs one incident and the
shared context), so the build can spread them over processes or reuse them; the
aggregate pages each take one pass over the incidents.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from .. import markdown, routes
from ..source import read_bytes
from ..state import GroupRow, IncidentState, Month, Phase, SiteState
from ..templating import ThemeError, asset_version, make_environment
from ..themes import builtin_static, describe, own_files
from ..words import t
from . import BuildContext, OutputFile
from .feeds import feed_parts
from .machine import xml_escape, xml_safe


@dataclass(frozen=True)
class Link:
    path: str
    title: str
    type: str = ""


def feed_links() -> tuple[Link, ...]:
    """Alternate links in every page's head. Paths are site-relative."""
    return (
        Link(routes.path("atom"), t("links.atom"), "application/atom+xml"),
        Link(routes.path("rss"), t("links.rss"), "application/rss+xml"),
    )


def footer_links() -> tuple[Link, ...]:
    return (
        Link(routes.path("history"), t("nav.history")),
        *feed_links(),
        Link(routes.path("calendar"), t("links.calendar")),
        Link(routes.path("api.summary"), t("links.api")),
    )


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


class PageRenderer:
    """Renders templates with the shared context; one per process (the Jinja environment is costly)."""

    def __init__(self, ctx: BuildContext, component_names: dict[str, str]) -> None:
        self.ctx = ctx
        self.env = make_environment(ctx.root, ctx.site.tz)
        self.env.globals["markdown"] = _markdown
        self.common: dict[str, Any] = {
            "site": ctx.site,
            "names": component_names,
            "assets": ctx.assets,
            "feeds": feed_links(),
            "footer_links": footer_links(),
            "calendar": routes.path("calendar"),
            "scripts": "local-time.js" in ctx.assets,
            "refresh": "refresh.js" in ctx.assets,
            "live": False,  # the pages a reader keeps open to watch (index, incidents) poll for changes
        }
        self.memo: dict[tuple[object, ...], tuple[OutputFile, Month]] | None = None
        """Month pages of the last :meth:`history` call, when the renderer is kept (the preview); None: off."""

    def page(
        self, template: str, path: str, canonical: bool = True, root: str | None = None, **values: Any
    ) -> OutputFile:
        depth = path.count("/")
        context = {
            **self.common,
            "root": "../" * depth if root is None else root,
            "canonical": self.ctx.absolute(path) if canonical else None,
            **values,
        }
        html = self.env.get_template(template).render(context)
        return OutputFile(path, html.encode("utf-8"))

    def incident(self, state: IncidentState) -> OutputFile:
        month = state.started_at.astimezone(self.ctx.site.tz).strftime("%Y-%m")
        return self.page("incident.html", routes.incident(state.id), live=True, incident=state.incident, state=state,
                         month=month if state.phase is not Phase.UPCOMING else None)

    def incidents(self, states: Sequence[IncidentState]) -> list[OutputFile]:
        return [self.incident(s) for s in states]

    def index(self, state: SiteState) -> OutputFile:
        return self.page("index.html", routes.path("index"), live=True, state=state)

    def history(self, state: SiteState) -> list[OutputFile]:
        """The history page and a page per month; with :attr:`memo` set (the preview), a month whose
        incidents and neighbours are the very ones of the last call is not rendered again."""
        months = state.months
        files = [self.page("history.html", routes.path("history"), months=months)]
        memo: dict[tuple[object, ...], tuple[OutputFile, Month]] = {}
        for n, month in enumerate(months):
            newer = months[n - 1] if n > 0 else None
            older = months[n + 1] if n + 1 < len(months) else None
            # The incidents by identity: the entry holds the Month, so no id in a kept key can be reused.
            key = (month.key, newer.key if newer else None, older.key if older else None,
                   *((id(s.incident), s.phase, s.started_at, s.ended_at) for s in month.incidents))
            found = self.memo.get(key) if self.memo is not None else None
            page = found[0] if found else self.page("month.html", routes.month(month.key), month=month,
                                                     newer=newer, older=older)
            memo[key] = (page, month)
            files.append(page)
        if self.memo is not None:
            self.memo = memo
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
    """sitemap.xml with absolute URLs; ``lastmod`` from the content, never the build clock."""
    entries: list[tuple[str, str | None]] = [(routes.path("index"), None), (routes.path("history"), None),
                                             (routes.path("subscribe"), None)]
    entries += [(routes.month(m.key), None) for m in state.months]
    entries += [
        (routes.incident(s.id), s.incident.last_update.at.date().isoformat())
        for s in sorted(state.incidents, key=lambda s: s.id)
    ]
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for path, lastmod in entries:
        extra = f"<lastmod>{lastmod}</lastmod>" if lastmod else ""
        lines.append(f"  <url><loc>{xml_escape(xml_safe(ctx.absolute(path)))}</loc>{extra}</url>")
    lines.append("</urlset>")
    return OutputFile(routes.path("sitemap"), ("\n".join(lines) + "\n").encode("utf-8"))

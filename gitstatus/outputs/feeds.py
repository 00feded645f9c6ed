"""``history.atom`` (Atom 1.0) and ``history.rss`` (RSS 2.0), named as Statuspage names them,
and ``feeds/<id>.atom``: an Atom feed per component and per group, for readers who care about one part.

One entry per incident, newest activity first, the 50 most recent. A component's feed holds the
incidents that name it; a group's, those that name any of its members. An entry's id is its
page's absolute URL, so a reader shows a new update as a change to the same entry, not
as a new one. Its content is the whole timeline as HTML, each message rendered by the
one safe Markdown renderer and then escaped into the XML: incident text never becomes
live markup in a feed reader.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence

from markupsafe import escape as html_escape

from .. import markdown, routes
from ..model import Status, Update
from ..state import ComponentRow, GroupRow, IncidentState, SiteState, remembered
from ..templating import format_full
from ..words import impact_label, status_label, t
from . import BuildContext, OutputFile
from .machine import (
    LIST_LIMIT,
    activity_at,
    by_activity,
    page_by_activity,
    page_updated_at,
    rfc822_gmt,
    rfc3339_utc,
    xml_escape,
    xml_quoteattr,
    xml_safe,
)

ATOM_PATH = routes.path("atom")
RSS_PATH = routes.path("rss")


def text(value: str) -> str:
    """XML character data: illegal characters dropped, ``& < >`` escaped."""
    return xml_escape(xml_safe(value))


def attr(value: str) -> str:
    return xml_quoteattr(xml_safe(value))


def rfc822(moment: dt.datetime) -> str:
    """RSS dates: ``Thu, 26 Nov 2026 14:48:00 GMT``, independent of the machine's locale."""
    return rfc822_gmt(moment)


def update_components(update: Update, names: Mapping[str, str]) -> str:
    """``Component status: API Operational, Dashboard Degraded performance``: what an update set."""
    listed = ", ".join(t("incident.component_is", component=names.get(c, c), status=status_label(s))
                       for c, s in update.components)
    return f"{t('incident.update_components')} {listed}"


def timeline_html(state: IncidentState, names: dict[str, str], tz: dt.tzinfo, base_url: str) -> str:
    """The incident's facts and updates (newest first) as an HTML fragment.

    Everything from the incident file is escaped or goes through ``markdown.render_at``,
    which escapes raw HTML, drops unsafe links and makes relative links absolute.
    """
    incident = state.incident
    parts = []
    affected = ", ".join(names.get(c, c) for c in incident.components) or t("feed.no_components")
    parts.append(f"<p><strong>{html_escape(t('feed.impact'))}</strong> {html_escape(impact_label(incident.impact))}. "
                 f"<strong>{html_escape(t('feed.affected'))}</strong> {html_escape(affected)}.</p>")
    if incident.scheduled:
        start, end = incident.scheduled.start.astimezone(tz), incident.scheduled.end.astimezone(tz)
        window = t("time.range", start=format_full(start), end=format_full(end))
        parts.append(f"<p><strong>{html_escape(t('feed.window'))}</strong> {html_escape(window)}.</p>")
    if incident.postmortem is not None:  # first: the review is what a reader comes back for
        when = format_full(incident.postmortem.at.astimezone(tz))
        parts.append(f"<p><small>{html_escape(when)}</small><br><strong>{html_escape(t('postmortem.heading'))}"
                     "</strong></p>")
        parts.append(markdown.render_at(incident.postmortem.message, base_url).strip())
    for update in reversed(state.updates):
        when = format_full(update.at.astimezone(tz))
        parts.append(f"<p><small>{html_escape(when)}</small><br><strong>{html_escape(status_label(update.status))}</strong></p>")
        if update.moved_from:
            old = t("time.range", start=format_full(update.moved_from.start.astimezone(tz)),
                    end=format_full(update.moved_from.end.astimezone(tz)))
            parts.append(f"<p>{html_escape(t('maintenance.moved_from', window=old))}</p>")
        if update.components:
            parts.append(f"<p>{html_escape(update_components(update, names))}</p>")
        if update.automatic:
            automatic = "maintenance.automatic_started" if update.status is Status.IN_PROGRESS \
                else "maintenance.automatic_completed"
            parts.append(f"<p>{html_escape(t(automatic))}</p>")
        else:
            parts.append(markdown.render_at(update.message, base_url).strip())
    return "\n".join(parts)


class Feeds:
    """The feeds of one selection of incidents: the whole page's, or one component's or group's.

    ``content`` is shared between the selections (pass the page's ``Feeds`` as ``shared``), so an
    incident's HTML is rendered once however many component feeds it appears in.
    """

    def __init__(self, state: SiteState, ctx: BuildContext, incidents: Sequence[IncidentState] | None = None,
                 title: str | None = None, shared: Feeds | None = None) -> None:
        self.state = state
        self.ctx = ctx
        self.names = {c.id: c.name for c in state.page.components}
        ordered = page_by_activity(state) if incidents is None else by_activity(incidents, state.now)
        self.entries: Sequence[IncidentState] = ordered[:LIST_LIMIT]
        self.updated = (activity_at(self.entries[0], state.now) if self.entries else page_updated_at(state))
        self.title = title or t("feed.title", site=ctx.site.title)
        self.home = ctx.absolute("")
        self._content: dict[str, str] = shared._content if shared else {}
        self._key: str = shared._key if shared else "\0".join(
            ["_timeline", t("meta.language"), ctx.base_url, str(ctx.site.tz), repr(sorted(self.names.items()))])

    def url(self, s: IncidentState) -> str:
        return self.ctx.url("incident", id=s.id)

    def content(self, s: IncidentState) -> str:
        """The entry's HTML, built once for both feeds."""
        if s.id not in self._content:
            # Kept with the state too, under all the HTML depends on: the preview's states outlive a build.
            self._content[s.id] = remembered(
                s, self._key, lambda: timeline_html(s, self.names, self.ctx.site.tz, self.ctx.base_url))
        return self._content[s.id]

    def _kept(self, kind: str, s: IncidentState, make: Callable[[IncidentState, dt.datetime], list[str]]) -> list[str]:
        """An incident's entry: the same in every feed it is in, and kept with its state while its
        activity time is the same (the preview's states outlive a build)."""
        changed = activity_at(s, self.state.now)
        key = f"{self._key}\0{kind}"
        kept = s.__dict__.get(key)
        if kept is None or kept[0] != changed:
            kept = s.__dict__[key] = (changed, make(s, changed))
        return kept[1]

    def _atom_entry(self, s: IncidentState, changed: dt.datetime) -> list[str]:
        incident = s.incident
        return [
            "  <entry>",
            f"    <id>{text(self.url(s))}</id>",
            f"    <title>{text(incident.title)}</title>",
            f'    <link rel="alternate" type="text/html" href={attr(self.url(s))}/>',
            f"    <published>{rfc3339_utc(incident.updates[0].at)}</published>",
            f"    <updated>{rfc3339_utc(changed)}</updated>",
            f"    <category term={attr(incident.impact.value)}/>",
            *(["    <category term=\"postmortem\"/>"] if incident.postmortem else []),
            f'    <content type="html">{text(self.content(s))}</content>',
            "  </entry>",
        ]

    def _rss_item(self, s: IncidentState, changed: dt.datetime) -> list[str]:
        return [
            "    <item>",
            f"      <title>{text(s.incident.title)}</title>",
            f"      <link>{text(self.url(s))}</link>",
            f'      <guid isPermaLink="true">{text(self.url(s))}</guid>',
            f"      <pubDate>{rfc822(changed)}</pubDate>",
            f"      <category>{text(s.incident.impact.value)}</category>",
            *(["      <category>postmortem</category>"] if s.incident.postmortem else []),
            f"      <description>{text(self.content(s))}</description>",
            "    </item>",
        ]

    def atom(self, path: str = ATOM_PATH) -> OutputFile:
        site = self.ctx.site
        self_url = self.ctx.absolute(path)
        lines = [
            '<?xml version="1.0" encoding="utf-8"?>',
            f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang={attr(t("meta.language"))}>',
            f"  <id>{text(self_url)}</id>",
            f"  <title>{text(self.title)}</title>",
        ]
        if site.description:
            lines.append(f"  <subtitle>{text(site.description)}</subtitle>")
        lines += [
            f"  <updated>{rfc3339_utc(self.updated)}</updated>",
            f'  <link rel="alternate" type="text/html" href={attr(self.home)}/>',
            f'  <link rel="self" type="application/atom+xml" href={attr(self_url)}/>',
            f"  <author><name>{text(site.title)}</name><uri>{text(self.home)}</uri></author>",
            "  <generator>gitstatus</generator>",
        ]
        for s in self.entries:
            lines += self._kept("atom", s, self._atom_entry)
        lines.append("</feed>")
        return OutputFile(path, ("\n".join(lines) + "\n").encode("utf-8"))

    def rss(self) -> OutputFile:
        site = self.ctx.site
        self_url = self.ctx.absolute(RSS_PATH)
        lines = [
            '<?xml version="1.0" encoding="utf-8"?>',
            '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">',
            "  <channel>",
            f"    <title>{text(self.title)}</title>",
            f"    <link>{text(self.home)}</link>",
            f"    <description>{text(site.description or t('feed.description', site=site.title))}</description>",
            f"    <language>{text(t('meta.language'))}</language>",
            f"    <lastBuildDate>{rfc822(self.updated)}</lastBuildDate>",
            f'    <atom:link href={attr(self_url)} rel="self" type="application/rss+xml"/>',
            "    <generator>gitstatus</generator>",
        ]
        for s in self.entries:
            lines += self._kept("rss", s, self._rss_item)
        lines += ["  </channel>", "</rss>"]
        return OutputFile(RSS_PATH, ("\n".join(lines) + "\n").encode("utf-8"))


def feed_parts(state: SiteState) -> list[tuple[str, str, frozenset[str]]]:
    """(id, name, component ids) for every component and every group, in page order.

    A group's feed follows all its members; a component's, only itself.
    """
    parts = []
    for row in state.layout:
        items: list[ComponentRow | GroupRow] = [row, *row.members] if isinstance(row, GroupRow) else [row]
        for item in items:
            if isinstance(item, GroupRow):
                parts.append((item.id, item.name, frozenset(m.component.id for m in item.members)))
            else:
                parts.append((item.component.id, item.component.name, frozenset({item.component.id})))
    return parts


def render(state: SiteState, ctx: BuildContext) -> list[OutputFile]:
    """The page's two feeds and an Atom feed for each component and group.

    The incidents are ordered by activity once, and walked once: each component keeps the first
    :data:`LIST_LIMIT` that name it (the same order, as the order is total). A group's feed is its
    members' lists merged in that order: any of its first entries is among some member's first.
    """
    feeds = Feeds(state, ctx)
    files = [feeds.atom(), feeds.rss()]
    ordered = page_by_activity(state)
    firsts: dict[str, list[int]] = {c.id: [] for c in state.page.components}
    for n, s in enumerate(ordered):
        for c in s.incident.components:
            line = firsts.get(c)
            if line is not None and len(line) < LIST_LIMIT:
                line.append(n)
    for key, name, ids in feed_parts(state):
        title = t("feed.component_title", site=ctx.site.title, component=name)
        positions = sorted({n for c in ids for n in firsts.get(c, ())})[:LIST_LIMIT]
        part = Feeds(state, ctx, [ordered[n] for n in positions], title, shared=feeds)
        files.append(part.atom(routes.path("component_atom", id=key)))
    return files

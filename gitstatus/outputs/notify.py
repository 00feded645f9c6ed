"""Notifications as they are sent: a message per event and channel format, a webhook's JSON, an event's JSON.

Pure, like every renderer: events and the page's state in, text and bytes out. Messages come
from the theme's ``notify/`` templates (a repo overrides them in ``theme/templates/notify/``),
with every word from the catalogue; links are absolute (``routes.absolute``). The webhook's
JSON is Statuspage's incident webhook (``meta``, ``page``, ``incident``; or ``component_update``
and ``component`` for a component's status), made of the JSON API's own objects (api.py), so a
consumer of Statuspage's webhooks or of our API reads it unchanged. docs/notify.md documents both.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

from .. import markdown, routes
from ..events import Event
from ..model import ChannelFormat, EventKind, Status
from ..state import SiteState, incident_state
from ..templating import format_full, make_environment
from ..words import event_title, impact_label, status_label, t, using
from . import BuildContext
from .api import INDICATOR_DESCRIPTION, Api, api_time, encode, update_id
from .machine import short_id
from .plaintext import message_text

Json = dict[str, Any]

#: apprise's notification types, by what an event says: its colour or icon in most services.
NOTIFY_TYPES = {
    EventKind.OPENED: "failure", EventKind.UPDATED: "warning", EventKind.RESOLVED: "success",
    EventKind.POSTMORTEM: "info", EventKind.SCHEDULED: "info", EventKind.MOVED: "info", EventKind.STARTED: "info",
    EventKind.COMPLETED: "success", EventKind.CANCELLED: "info", EventKind.COMPONENT_STATUS: "warning",
    EventKind.PUBLISH_FAILED: "failure",
}
#: The status a time event stands for (a window that opened or closed on its own).
_TIME_STATUS = {EventKind.STARTED: Status.IN_PROGRESS, EventKind.COMPLETED: Status.COMPLETED}
_TEMPLATES = {ChannelFormat.TEXT: "notify/message.txt", ChannelFormat.MARKDOWN: "notify/message.md",
              ChannelFormat.HTML: "notify/message.html"}


@dataclass(frozen=True)
class Message:
    """One notification for one channel: apprise's title, body, format and type."""

    event_id: str
    title: str
    body: str
    format: ChannelFormat
    """TEXT, MARKDOWN or HTML: the body's format, as apprise is told."""
    notify_type: str


class Renderer:
    """Renders events for one run: the page's state at ``now`` and the theme's templates, loaded once."""

    def __init__(self, state: SiteState, ctx: BuildContext) -> None:
        self.state = state
        self.ctx = ctx
        self.tz = ctx.site.tz
        self.names = {c.id: c.name for c in state.page.components}
        self.words = ctx.words
        self.env: Environment = make_environment(ctx.root, self.tz, html_only=True, catalogue=self.words)
        self._api: Api | None = None

    @property
    def api(self) -> Api:
        """The JSON API's objects, made once and only for webhooks."""
        if self._api is None:
            self._api = Api(self.state, self.ctx)
        return self._api

    def url(self, event: Event) -> str:
        """The incident's page, or the front page for a component's status."""
        if event.incident is not None:
            return self.ctx.url("incident", id=event.incident.id)
        if event.details_url is not None:
            return event.details_url
        return self.ctx.absolute(routes.path("index"))

    def _when(self, moment: dt.datetime) -> str:
        return format_full(moment.astimezone(self.tz))

    def _window(self, event: Event, previous: bool = False) -> str:
        window = event.previous_window if previous else event.window
        if window is None:
            return ""
        return t("time.range", start=self._when(window.start), end=self._when(window.end))

    def context(self, event: Event) -> dict[str, Any]:
        """What the ``notify/`` templates see (documented in docs/notify.md)."""
        incident, update = event.incident, event.update
        status = update.status if update is not None else _TIME_STATUS.get(event.kind)
        if incident is not None:
            subject = incident.title
        elif event.kind is EventKind.PUBLISH_FAILED:
            subject = self.ctx.site.title
        else:
            subject = self.names.get(event.components[0], "")
        message = update.message if update is not None else ""
        if event.kind is EventKind.PUBLISH_FAILED:
            message = t("notify.publish_failed", commit=(event.commit or "?")[:12])
        elif event.kind is EventKind.POSTMORTEM and incident is not None and incident.postmortem is not None:
            message = incident.postmortem.message
        return {
            "event": event.kind.value,
            "headline": event_title(event.kind, subject),
            "title": subject,
            "site": self.ctx.site.title,
            "url": self.url(event),
            "when": self._when(event.at),
            "status": status_label(status) if status is not None else "",
            "impact": impact_label(incident.impact) if incident is not None and event.kind is EventKind.OPENED else "",
            "components": ", ".join(self.names[c] for c in incident.components if c in self.names)
            if incident is not None else "",
            "component": self.names.get(event.component.id, "") if event.component is not None else "",
            "old_status": status_label(event.old_status) if event.old_status is not None else "",
            "new_status": status_label(event.new_status) if event.new_status is not None else "",
            "window": self._window(event) if event.kind in (EventKind.SCHEDULED, EventKind.MOVED) else "",
            "previous_window": self._window(event, previous=True),
            "message": message,
            "message_text": message_text(message) if message else "",
            "message_html": Markup(markdown.render(message)) if message else "",
        }

    def message(self, event: Event, body_format: ChannelFormat) -> Message:
        """The notification of ``event`` in ``body_format`` (TEXT, MARKDOWN or HTML), in the page's language."""
        with using(self.words):
            values = self.context(event)
        title = self.env.get_template("notify/title.txt").render(values).strip()
        body = self.env.get_template(_TEMPLATES[body_format]).render(values).strip() + "\n"
        return Message(event.id, " ".join(title.split()), body, body_format, NOTIFY_TYPES[event.kind])

    def webhook(self, event: Event) -> bytes:
        """Statuspage's webhook JSON for ``event``: the incident as of the event, or the component's change."""
        api = self.api
        meta: Json = {"unsubscribe": None, "documentation": None, "generator": "gitstatus",
                      "event": {"id": event.id, "kind": event.kind.value, "at": api.time(event.at)}}
        page: Json = {"id": api.page_id, "status_indicator": self.state.indicator.value,
                      "status_description": INDICATOR_DESCRIPTION[self.state.indicator]}
        if event.kind is EventKind.PUBLISH_FAILED:
            body: Json = {"meta": meta, "page": page,
                          "publish_failed": {"commit": event.commit, "details_url": event.details_url,
                                             "created_at": api.time(event.at)}}
        elif event.incident is not None:
            incident = api.incident(incident_state(event.incident, self.state.now))
            announced = update_id(event.incident.id, event.position) if event.update is not None else None
            for update in incident["incident_updates"]:
                update["deliver_notifications"] = update["id"] == announced  # the update this webhook delivers
            body = {"meta": meta, "page": page, "incident": incident}
        else:
            assert event.component is not None and event.old_status is not None and event.new_status is not None
            body = {"meta": meta, "page": page,
                    "component_update": {"id": short_id(event.id), "component_id": event.component.id,
                                         "old_status": event.old_status.value, "new_status": event.new_status.value,
                                         "created_at": api.time(event.at)},
                    "component": api.by_id[event.component.id]}
        return encode(body)


def event_json(event: Event, ctx: BuildContext) -> Json:
    """An event as ``gitstatus notify --format json`` prints it: what it is, when, about what, and its link."""
    tz = ctx.site.tz
    incident, update = event.incident, event.update
    found: Json = {"id": event.id, "kind": event.kind.value, "at": api_time(event.at, tz)}
    if incident is not None:
        found["incident"] = {"id": incident.id, "title": incident.title, "impact": incident.impact.value,
                             "components": list(incident.components), "path": incident.path,
                             "url": ctx.url("incident", id=incident.id)}
    if update is not None:
        found["update"] = {"position": event.position, "status": update.status.value, "at": api_time(update.at, tz),
                           "message": update.message}
    if event.component is not None:
        found["component"] = {"id": event.component.id, "name": event.component.name,
                              "old_status": event.old_status.value if event.old_status else None,
                              "new_status": event.new_status.value if event.new_status else None}
    if event.kind is EventKind.PUBLISH_FAILED:
        found["publish"] = {"commit": event.commit, "details_url": event.details_url}
    for key, window in (("window", event.window), ("previous_window", event.previous_window)):
        if window is not None:
            found[key] = {"start": api_time(window.start, tz), "end": api_time(window.end, tz)}
    return found


def dumps(value: object) -> str:
    """Indented JSON with sorted keys: the same events give the same text."""
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True)

"""``notify:`` in components.yaml: the channels notifications go to, declared and read.

Each channel names the environment variable that holds its address (``url_env``), never the
address itself: a Slack, Teams or SMTP address carries its credentials, and the repo (and the
published page, and CI logs) must not. The same goes for a webhook's signing key
(``secret_env``). One declaration per key (``NOTIFY``, ``CHANNEL`` below, see fields.py), as
for the rest of components.yaml; ``gitstatus notify`` sends, ``gitstatus check`` checks.

This module does not import read/settings.py (which registers ``notify`` among the file's keys
and calls :func:`read_notify`): the checker it is given only has to answer :class:`Checking`.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from typing import Protocol

from .. import rules
from ..fields import Field, Kind
from ..model import Channel, ChannelFormat, Component, EventKind
from ..rules import Rule, unknown
from ..slug import ID_HINT, is_id
from .yamlnodes import Node

ENV_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
ENV_PATTERN = ENV_NAME_RE.pattern
_URL_LIKE = re.compile(r"[:/@]")


class Checking(Protocol):
    """What the readers here need of read/settings.py's ``Checker``."""

    def error(self, line: int, col: int, rule: Rule, message: str, hint: str | None = None,
              sep: str = ": ") -> None: ...

    def mapping(self, node: Node | None, what: str, allowed: Iterable[str]) -> dict[str, Node] | None: ...

    def text(self, node: Node | None, key: str, required: bool = False, line: int = 1,
             col: int = 1) -> str | None: ...


def _env_name(checker: Checking, node: Node | None, key: str, channel: str, required: bool = False,
              where: tuple[int, int] = (1, 1)) -> str | None:
    """The name of an environment variable; a URL written in its place is refused without being quoted."""
    text = checker.text(node, key, required=required, line=where[0], col=where[1])
    if text is None:
        return None
    assert node is not None
    if _URL_LIKE.search(text):
        checker.error(node.line, node.col, rules.BAD_NOTIFY_CHANNEL,
                      f"'{key}' of channel '{channel}' holds an address, not the name of an environment variable",
                      "an address carries credentials and must never be in the repo (the value is not repeated "
                      "here); remove it from the file and from git's history, put it in a secret, and write the "
                      "secret's name here, e.g. OPS_NOTIFY_URL")
        return None
    if not ENV_NAME_RE.match(text):
        checker.error(node.line, node.col, rules.BAD_NOTIFY_CHANNEL,
                      f"'{key}' of channel '{channel}' must be the name of an environment variable (letters, digits "
                      f"and underscores, not starting with a digit), e.g. OPS_NOTIFY_URL, not '{text}'", "")
        return None
    return text


def _names(checker: Checking, node: Node | None, key: str) -> list[tuple[str, Node]] | None:
    """A list of words (``[api, dashboard]``), each with its node; None when absent or not a list of words."""
    if node is None:
        return None
    if not isinstance(node.value, list):
        checker.error(node.line, node.col, rules.WRONG_TYPE, f"'{key}' must be a list like [a, b], not a {_kind(node)}")
        return None
    items = []
    for item in node.value:
        if not isinstance(item.value, str):
            checker.error(item.line, item.col, rules.WRONG_TYPE,
                          f"each entry of '{key}' must be a word, not a {_kind(item)}")
            return None
        items.append((item.value.strip(), item))
    return items


def _kind(node: Node) -> str:
    if isinstance(node.value, dict):
        return "mapping"
    return "list" if isinstance(node.value, list) else "text value"


def _components(checker: Checking, node: Node | None, known: Collection[str]) -> tuple[str, ...] | None:
    items = _names(checker, node, "components")
    if items is None:
        return None
    ids = []
    for word, item in items:
        if word not in known:
            checker.error(item.line, item.col, rules.UNKNOWN_COMPONENT,
                          f"unknown component {unknown(word, known)} in a notify channel",
                          "components are listed under 'components:'", "; ")
        elif word not in ids:
            ids.append(word)
    return tuple(ids)


def _events(checker: Checking, node: Node | None) -> tuple[EventKind, ...] | None:
    items = _names(checker, node, "events")
    if items is None:
        return None
    kinds: list[EventKind] = []
    for word, item in items:
        try:
            kind = EventKind(word.lower())
        except ValueError:
            checker.error(item.line, item.col, rules.UNKNOWN_NOTIFY_WORD,
                          f"unknown event kind {unknown(word, EVENT_WORDS)} in a notify channel",
                          f"the kinds are {', '.join(EVENT_WORDS)}", "; ")
            continue
        if kind not in kinds:
            kinds.append(kind)
    return tuple(kinds)


def _format(checker: Checking, node: Node | None) -> ChannelFormat:
    text = checker.text(node, "format")
    if text is None:
        return ChannelFormat.AUTO
    try:
        return ChannelFormat(text.lower())
    except ValueError:
        assert node is not None
        checker.error(node.line, node.col, rules.UNKNOWN_NOTIFY_WORD,
                      f"unknown format {unknown(text, FORMAT_WORDS)} of a notify channel",
                      f"use {', '.join(FORMAT_WORDS)}", "; ")
        return ChannelFormat.AUTO


def _channel(checker: Checking, node: Node, position: int, known: Collection[str]) -> Channel | None:
    fields = checker.mapping(node, f"notify channel #{position}", CHANNEL.keys)
    if fields is None:
        return None
    where = (node.line, node.col)
    name = checker.text(fields.get("name"), "name", required=True, line=where[0], col=where[1])
    if name is not None and not is_id(name):
        checker.error(fields["name"].line, fields["name"].col, rules.BAD_NOTIFY_CHANNEL,
                      f"channel name '{name}' is not valid", ID_HINT)
        name = None
    shown = name or f"#{position}"
    url_env = _env_name(checker, fields.get("url_env"), "url_env", shown, required=True, where=where)
    components = _components(checker, fields.get("components"), known)
    events = _events(checker, fields.get("events"))
    secret_env = _env_name(checker, fields.get("secret_env"), "secret_env", shown)
    channel_format = _format(checker, fields.get("format"))
    if secret_env is not None and channel_format is not ChannelFormat.WEBHOOK:
        spot = fields["secret_env"]
        checker.error(spot.line, spot.col, rules.BAD_NOTIFY_CHANNEL, f"'secret_env' of channel '{shown}' signs "
                      "webhooks only", "add 'format: webhook' (the JSON of Statuspage's incident webhook, signed "
                      "with HMAC-SHA256), or remove 'secret_env'")
    if name is None or url_env is None:
        return None
    return Channel(name, url_env, components, events, secret_env, channel_format, node.line)


def read_notify(checker: Checking, node: Node | None, components: Iterable[Component]) -> tuple[Channel, ...]:
    """The channels under ``notify:``, each problem reported; an absent key means no channels."""
    if node is None or node.value is None:
        return ()
    if not isinstance(node.value, list):
        checker.error(node.line, node.col, rules.WRONG_TYPE,
                      "'notify' must be a list of channels ('- name: ops' and 'url_env: OPS_NOTIFY_URL')")
        return ()
    known = {c.id for c in components}
    channels: list[Channel] = []
    seen: dict[str, int] = {}
    for position, item in enumerate(node.value, start=1):
        channel = _channel(checker, item, position, known)
        if channel is None:
            continue
        if channel.name in seen:
            checker.error(item.line, item.col, rules.BAD_NOTIFY_CHANNEL,
                          f"channel name '{channel.name}' is already used on line {seen[channel.name]}",
                          "each channel keeps its own record of what it was sent, so names must differ")
            continue
        seen[channel.name] = item.line
        channels.append(channel)
    return tuple(channels)


EVENT_WORDS = tuple(k.value for k in EventKind)
FORMAT_WORDS = tuple(f.value for f in ChannelFormat)

CHANNEL = Field("channel", Kind.BLOCK, "One channel notifications are sent to.", reader=_channel, fields=(
    Field("name", Kind.ID, "The channel's name, in the output and in the record of what it was sent.",
          required=True, reader=_channel),
    Field("url_env", Kind.ENV, "The environment variable holding the channel's apprise URL (slack://…, "
          "mailto://…, workflows://…, json://…) or, for a webhook, its https:// address; never the URL itself.",
          required=True, pattern=ENV_PATTERN, examples=("OPS_NOTIFY_URL",), reader=_env_name),
    Field("components", Kind.LIST, "Only events about these components (default: all).",
          examples=("[api, dashboard]",), reader=_components,
          item=Field("component id", Kind.ID, "A component id from components.yaml.")),
    Field("events", Kind.LIST, "Only events of these kinds (default: all).", examples=("[opened, resolved]",),
          reader=_events, item=Field("event kind", Kind.CHOICE, "What a notification announces.",
                                     choices=EVENT_WORDS)),
    Field("secret_env", Kind.ENV, "Webhooks only: the environment variable holding the key that signs each "
          "payload (HMAC-SHA256).", pattern=ENV_PATTERN, examples=("OPS_WEBHOOK_SECRET",), reader=_env_name),
    Field("format", Kind.CHOICE, "What is sent: auto (the service's own format), text, markdown, html, or "
          "webhook (Statuspage's incident webhook JSON).", default="auto", choices=FORMAT_WORDS, reader=_format),
))
NOTIFY = Field("notify", Kind.LIST, "Where `gitstatus notify` announces incidents and maintenance (docs/notify.md).",
               item=CHANNEL, reader=read_notify)

"""Sending notifications: through apprise, or as a signed webhook, with timeouts and bounded retries.

A channel's messages go in order; each is tried ``1 + retries`` times, waiting ``backoff``, then
twice as long, between tries (never more than :data:`MAX_WAIT`), and each try is bounded by
``timeout``. A message that still fails stops its channel there (later ones would arrive out
of order): the rest stay owed, and the next run sends them. One channel never stops another.

Addresses and signing keys are secrets: they never reach a message of this module. What
apprise or the network says about a failure is kept only after every part of the address
(its host, user, password, path and query, each decoded too) has been masked.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from . import __version__
from .errors import GitstatusError
from .model import ChannelFormat
from .outputs.notify import Message

if TYPE_CHECKING:
    from apprise.plugins.base import NotifyBase

MAX_WAIT = 30.0
"""The longest wait between two tries of one message, in seconds."""
SIGNATURE_HEADER = "X-Gitstatus-Signature"
EVENT_HEADER = "X-Gitstatus-Event"
DELIVERY_HEADER = "X-Gitstatus-Delivery"
MASK = "***"
_SPLIT = re.compile(r"[/:@?&=#;,+\s]+")


class DeliveryError(GitstatusError):
    """A message was not delivered; the text is safe to print (no address, no key).

    It never ends a command: the channel's result says it, and the other channels go on.
    """


@dataclass(frozen=True)
class Outgoing:
    """One message to send: the rendered message, or a webhook's JSON."""

    event_id: str
    kind: str
    message: Message | None = None
    payload: bytes | None = None


@dataclass
class ChannelReport:
    """What happened to one channel's messages."""

    delivered: list[str] = field(default_factory=list)
    """Event ids delivered, in order."""
    failed: str | None = None
    """The event id that could not be delivered (the ones after it were not tried)."""
    error: str = ""
    attempts: int = 0


Sender = Callable[[Outgoing], None]


def secrets_in(*values: str) -> list[str]:
    """Every part of these secrets worth masking, longest first: the whole, and each piece of an address."""
    parts: set[str] = set()
    for value in values:
        if not value:
            continue
        parts.add(value)
        scheme, _, rest = value.partition("://")
        for piece in _SPLIT.split(rest if rest else value):
            for form in (piece, unquote(piece)):
                if len(form) >= 3:
                    parts.add(form)
    return sorted(parts, key=len, reverse=True)


def redact(text: str, secrets: Sequence[str]) -> str:
    """``text`` with every one of ``secrets`` masked."""
    for secret in secrets:
        text = text.replace(secret, MASK)
    return text


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(record.getMessage())
        except Exception:  # a record that cannot format itself says nothing useful
            pass


@contextmanager
def _apprise_log() -> Iterator[_Collect]:
    """apprise's warnings, collected instead of printed (they may name a host or a token)."""
    logger = logging.getLogger("apprise")
    handler = _Collect()
    saved = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.propagate = saved


def apprise_format(url: str, wanted: ChannelFormat) -> ChannelFormat:
    """The body format to render for this apprise URL: the channel's, or with ``auto`` the service's own.

    Raises :class:`DeliveryError` when apprise does not know the URL (its scheme, or its shape).
    """
    service = _service(url)
    if wanted is not ChannelFormat.AUTO:
        return wanted
    return ChannelFormat(service.resolve_format(None).value)


def _service(url: str) -> NotifyBase:
    import apprise  # loaded only by a run that sends: it imports a plugin per service

    service = apprise.Apprise.instantiate(url)
    if service is None:
        raise DeliveryError("apprise does not understand the channel's URL (check its scheme, e.g. slack://, "
                            "mailto://, workflows://, json://, and its parts; see apprise's wiki for the service)")
    return service


def apprise_sender(url: str, timeout: float) -> Sender:
    """Sends each message through apprise, a new connection per message, with ``timeout`` on each socket.

    A new apprise object per message: apprise would otherwise wait 5.5 s between two messages to
    most services, and a run sends a handful.
    """
    import apprise

    secrets = secrets_in(url)

    def send(outgoing: Outgoing) -> None:
        message = outgoing.message
        assert message is not None
        with _apprise_log() as log:
            service = _service(url)
            service.socket_connect_timeout = timeout
            service.socket_read_timeout = timeout
            try:
                ok = service.notify(
                    body=message.body, title=message.title, body_format=apprise.NotifyFormat(message.format.value),
                    notify_type=apprise.NotifyType(message.notify_type))
            except Exception as err:  # a plugin's own bug must not stop the other channels
                raise DeliveryError(redact(f"apprise failed: {type(err).__name__}: {err}", secrets)) from None
        if not ok:
            said = "; ".join(line.strip() for line in log.lines if line.strip()) or "no reason given"
            raise DeliveryError(redact(f"not delivered ({said})", secrets))

    return send


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is a failure: urllib would repeat a POST as a GET, without its body."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def signature(secret: str, body: bytes) -> str:
    """``sha256=<hex>``: HMAC-SHA256 of the exact bytes posted, keyed with the channel's secret."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def webhook_sender(url: str, secret: str | None, timeout: float) -> Sender:
    """Posts each payload as JSON to ``url`` (http or https), signed when there is a ``secret``."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise DeliveryError("a webhook channel's URL must start with https:// (or http://)")
    secrets = secrets_in(url, secret or "")

    def send(outgoing: Outgoing) -> None:
        body = outgoing.payload
        assert body is not None
        headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": f"gitstatus/{__version__}",
                   EVENT_HEADER: outgoing.kind, DELIVERY_HEADER: outgoing.event_id}
        if secret:
            headers[SIGNATURE_HEADER] = signature(secret, body)
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with _OPENER.open(request, timeout=timeout) as response:
                response.read(1024)
        except urllib.error.HTTPError as err:
            said = redact(str(err.reason), secrets)
            raise DeliveryError(f"the receiver answered HTTP {err.getcode()} {said}") from None
        except (urllib.error.URLError, OSError, ValueError) as err:
            reason = err.reason if isinstance(err, urllib.error.URLError) else err
            raise DeliveryError(redact(f"cannot reach the receiver ({reason})", secrets)) from None

    return send


def deliver(send: Sender, messages: Sequence[Outgoing], retries: int, backoff: float,
            sleep: Callable[[float], None] = time.sleep) -> ChannelReport:
    """Send ``messages`` in order, each tried up to ``1 + retries`` times; stop at the first that fails."""
    report = ChannelReport()
    for outgoing in messages:
        wait = backoff
        for attempt in range(retries + 1):
            report.attempts += 1
            try:
                send(outgoing)
            except DeliveryError as err:
                report.error = str(err)
                if attempt < retries:
                    sleep(min(wait, MAX_WAIT))
                    wait *= 2
                continue
            report.error = ""
            report.delivered.append(outgoing.event_id)
            break
        else:
            report.failed = outgoing.event_id
            return report
    return report

"""The record of what ``gitstatus notify`` announced: read back at the start of a run, written at its end.

A small JSON file (route ``notify_state``, ``notify-state.json``) published with the site: the
commit and the moment announced up to, and, for a channel that did not receive everything, its
own point with the ids of what it did receive since. The next run fetches it from the live site
(or reads it from ``--state FILE``), so a run GitHub skipped loses nothing (the next one covers
its interval), a re-run finds the same point (and announces nothing twice), and a channel that
failed catches up on what it missed. docs/notify.md explains the choice and its failure modes.

The file is public like the rest of the site: it holds no address, no key, only a commit id, a
moment, channel names and event ids. What is read back is checked strictly: a commit is hex
before git sees it, and anything else is refused with a message (:class:`StateError`).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import __version__
from .errors import GitstatusError
from .slug import is_id

FORMAT = 1
MAX_BYTES = 1024 * 1024
MAX_SENT = 10_000
"""Event ids a channel keeps while it is behind: more than any interval a run covers."""
_COMMIT = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")


class StateError(GitstatusError):
    """The record cannot be read or trusted: nothing is sent, so nothing is announced twice (exit 1)."""


@dataclass(frozen=True)
class Mark:
    """A point announced up to: a commit (None outside git) and a moment, and what was sent past it."""

    commit: str | None
    at: dt.datetime
    sent: frozenset[str] = frozenset()
    """Ids of events past this point that were delivered already (a channel that stopped on a failure)."""


@dataclass(frozen=True)
class Announced:
    """The whole record: the run's point, and the channels that are behind it."""

    mark: Mark
    behind: Mapping[str, Mark] = field(default_factory=dict)

    def of(self, channel: str) -> Mark:
        """Where ``channel`` was announced up to."""
        return self.behind.get(channel, self.mark)


def _moment(value: object, what: str) -> dt.datetime:
    if not isinstance(value, str):
        raise ValueError(f"{what} is not a time")
    moment = dt.datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError(f"{what} has no timezone")
    return moment.astimezone(dt.UTC)


def _mark(value: object, what: str) -> Mark:
    if not isinstance(value, dict):
        raise ValueError(f"{what} is not an object")
    commit = value.get("commit")
    if commit is not None and not (isinstance(commit, str) and _COMMIT.match(commit)):
        raise ValueError(f"{what}'s commit is not a commit id")
    sent = value.get("sent", [])
    if not (isinstance(sent, list) and len(sent) <= MAX_SENT and all(isinstance(s, str) for s in sent)):
        raise ValueError(f"{what}'s sent is not a list of event ids")
    return Mark(commit, _moment(value.get("at"), f"{what}'s at"), frozenset(sent))


def parse(data: bytes, where: str) -> Announced:
    """The record in ``data`` (read from ``where``, named in errors)."""
    try:
        value = json.loads(data.decode("utf-8"))
        if not isinstance(value, dict) or value.get("generator") != "gitstatus notify":
            raise ValueError("it is not a record written by gitstatus notify")
        if value.get("format") != FORMAT:
            raise ValueError(f"it has format {value.get('format')!r}, and this gitstatus reads format {FORMAT}")
        behind = value.get("behind", {})
        if not isinstance(behind, dict) or not all(is_id(name) for name in behind):
            raise ValueError("'behind' is not an object of channel names")
        channels = {name: _mark(m, f"channel '{name}'") for name, m in behind.items()}
        return Announced(_mark(value, "the record"), channels)
    except (ValueError, UnicodeDecodeError) as err:
        raise StateError(f"cannot use the record of what was announced, {where}: {err}. Nothing was sent. "
                         "Pass --base REF and --since TIME to say what to announce from") from None


def _mark_json(mark: Mark) -> dict[str, Any]:
    found: dict[str, Any] = {"commit": mark.commit, "at": mark.at.astimezone(dt.UTC).isoformat()}
    if mark.sent:
        found["sent"] = sorted(mark.sent)
    return found


def render(announced: Announced) -> bytes:
    """The record as JSON, keys sorted: the same record gives the same bytes."""
    value = {"format": FORMAT, "generator": "gitstatus notify", **_mark_json(announced.mark),
             "behind": {name: _mark_json(m) for name, m in sorted(announced.behind.items())}}
    return (json.dumps(value, indent=1, sort_keys=True) + "\n").encode("utf-8")


def is_url(location: str) -> bool:
    return location.startswith(("https://", "http://"))


def fetch(url: str, timeout: float) -> bytes | None:
    """The record published at ``url``; None when the site has none (404: never announced, or a first run)."""
    fresh = f"{url}{'&' if '?' in url else '?'}fresh={time.time_ns()}"  # past a CDN's cached copy (Pages: 10 min)
    request = urllib.request.Request(fresh, headers={"User-Agent": f"gitstatus/{__version__}",
                                                     "Cache-Control": "no-cache"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            data: bytes = response.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as err:
        status = err.getcode()
        if status in (404, 410):
            return None
        raise StateError(f"cannot fetch the record of what was announced from {url}: HTTP {status}. Nothing was "
                         "sent; the next run tries again") from None
    except (urllib.error.URLError, OSError, ValueError) as err:
        reason = err.reason if isinstance(err, urllib.error.URLError) else err
        raise StateError(f"cannot fetch the record of what was announced from {url} ({reason}). Nothing was sent; "
                         "the next run tries again") from None
    if len(data) > MAX_BYTES:
        raise StateError(f"the record of what was announced at {url} is over 1 MiB: it is not one gitstatus wrote")
    return data


def read_file(path: Path) -> bytes | None:
    """The record in ``path``; None when there is no such file yet."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        return None
    except OSError as err:
        raise StateError(f"cannot read the record of what was announced, {path}: {err.strerror or err}") from None
    if len(data) > MAX_BYTES:
        raise StateError(f"{path} is over 1 MiB: it is not a record gitstatus wrote")
    return data

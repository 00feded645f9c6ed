"""``gitstatus notify``: announce what changed since the last announcement, on every channel of ``notify:``.

1. Read the repo as ``check`` does (a repo with errors announces nothing) and the channels.
2. Read back the record of the last announcement (announced.py): from the live site, or ``--state``.
   Each channel is owed the events between its point there (a commit and a moment) and now;
   ``--base REF`` and ``--since TIME`` set that point by hand. With no record and neither option
   (a first run) nothing is owed, and the record starts now.
3. Compute the events (events.py): the files at the point's commit against the working tree,
   the page at the point's moment against the page now.
4. Send each channel what its filters let through and it has not received yet (deliver.py); an
   unset variable skips its channel with a warning, a failure stops only its channel.
5. Write the new record (into the built site, or ``--state FILE``): a channel that failed keeps
   its old point and the ids it did receive, so the next run sends it the rest.

Nothing is sent before every check that could stop the run has passed, so a run that stops early
announces nothing; ``--dry-run`` sends and writes nothing. Addresses and keys come from the
environment and never reach the output.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import TemplateError

from .. import announced, changes, routes
from ..announced import Announced, Mark
from ..deliver import (
    ChannelReport,
    DeliveryError,
    Outgoing,
    Sender,
    apprise_format,
    apprise_sender,
    deliver,
    webhook_sender,
)
from ..errors import GitstatusError, UsageError
from ..events import Event, compute, for_channel, publish_failed
from ..git import GitError, resolve
from ..model import Channel, ChannelFormat, StatusPage
from ..outputs import BuildContext, OutputFile
from ..outputs.api import api_time
from ..outputs.notify import Renderer, dumps, event_json
from ..project import CheckResult, load
from ..read import yamlnodes
from ..read.document import COMPONENTS_FILE, decode
from ..read.notify import read_notify
from ..read.settings import Checker
from ..report.summary import escape
from ..rules import Severity, has_errors
from ..source import Disk, GitRev
from ..templating import template_problem
from ..timeparse import TimeError, format_time, parse_time
from ..words import status_label
from ..write import WriteError, add_to_site, check_site, replace_file
from .build import BuildError, resolve_base_url, translations


class NotifyError(GitstatusError):
    """The run cannot announce anything (errors in the repo, a record that cannot be read); nothing was sent."""


@dataclass(frozen=True)
class Request:
    """What ``gitstatus notify`` was asked to do."""

    root: Path
    now: dt.datetime
    base: str | None = None
    since_text: str | None = None
    """``--since``: a time as incident files write it, in the page's timezone unless it says its zone."""
    state: str | None = None
    """Where the record is read from: a file, or an http(s) URL (default: the live site's)."""
    out: Path | None = None
    """The built site the record is published with when it is read from a URL (default: site/)."""
    base_url: str | None = None
    dry_run: bool = False
    timeout: float = 10.0
    retries: int = 2
    backoff: float = 1.0
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    publish_failed: bool = False
    """``--publish-failed``: tell the team the page was not published, instead of announcing changes."""
    details_url: str | None = None
    """``--details URL``: where the team reads why (default under GitHub Actions: the workflow run)."""


@dataclass
class ChannelResult:
    """What one channel was owed, and what became of it."""

    channel: Channel
    owed: list[Event]
    status: str
    """``sent``, ``nothing`` (nothing owed), ``skipped`` (its variable is unset), ``failed`` or ``dry-run``."""
    note: str = ""
    """Why it was skipped or failed; safe to print."""
    report: ChannelReport | None = None
    preview: list[str] = field(default_factory=list)
    """``--dry-run``: what would be sent, message by message."""


@dataclass
class NotifyResult:
    events: list[Event]
    """What there is to announce since the run's point (a channel that is behind may be owed more)."""
    point: Mark | None
    """The run's point (None on a first run: nothing to compare with)."""
    channels: list[ChannelResult]
    read_from: str
    written_to: str | None
    context: BuildContext
    publish_failed: bool = False
    """The run told the team about a failed publish (no record is read or written)."""

    @property
    def failed(self) -> bool:
        return any(c.status == "failed" for c in self.channels)


# --- reading ------------------------------------------------------------------------------------------


def channels_of(root: Path, result: CheckResult) -> tuple[Channel, ...]:
    """The channels under ``notify:`` (components.yaml checked clean, so their reading is quiet)."""
    data, _ = Disk(root).read(COMPONENTS_FILE)
    text = decode(data, COMPONENTS_FILE)[0] if data is not None else None
    node = yamlnodes.parse(text, COMPONENTS_FILE, 1)[0] if text is not None else None
    if node is None or not isinstance(node.value, dict):
        return ()
    return read_notify(Checker(COMPONENTS_FILE), node.value.get("notify"), result.page.components)


def _head(root: Path) -> str | None:
    """The commit checked out, or None when the status repo is not in git (then only time events)."""
    try:
        return resolve(root, "HEAD")[0]
    except GitError:
        return None


def _read_record(location: str, timeout: float) -> Announced | None:
    data = announced.fetch(location, timeout) if announced.is_url(location) else announced.read_file(Path(location))
    return announced.parse(data, f"read from {location}") if data is not None else None


def _check_writable(request: Request, location: str) -> str:
    """Where the new record goes, checked before anything is sent; a problem stops the run here."""
    if not announced.is_url(location):
        parent = Path(location).absolute().parent
        if not parent.is_dir():
            raise UsageError(f"--state {location}: the folder {parent} does not exist")
        return location
    out = request.out if request.out is not None else request.root / "site"
    try:
        check_site(out)
    except WriteError as err:
        raise UsageError(f"{err}; the record of what is announced is published with the site, so notify runs "
                         "after 'gitstatus build' and before the deploy (or give --state FILE)") from None
    return str(out / routes.path("notify_state"))


# --- the points each channel is owed events from --------------------------------------------------------


def _base_commit(request: Request) -> str | None:
    if request.base is None:
        return None
    try:
        return resolve(request.root, request.base)[0]
    except GitError as err:
        raise UsageError(err.message) from None


def _since(request: Request, tz: dt.tzinfo) -> dt.datetime | None:
    if request.since_text is None:
        return None
    try:
        return parse_time(request.since_text, tz)
    except TimeError as err:
        raise UsageError(f"--since: {err.message}") from None


def _point(request: Request, recorded: Mark | None, base: str | None, since: dt.datetime | None,
           head: str | None) -> Mark | None:
    """Where events are owed from; None: nothing is (a first run). ``--base``/``--since`` replace the record's."""
    if request.base is None and since is None:
        return recorded
    commit = base if request.base is not None else (recorded.commit if recorded else head)
    return Mark(commit, since if since is not None else (recorded.at if recorded else request.now))


class _Events:
    """Events per point, each computed once: usually every channel shares the run's point."""

    def __init__(self, request: Request, result: CheckResult) -> None:
        self.request = request
        self.result = result
        self.done: dict[tuple[str | None, dt.datetime], list[Event]] = {}

    def since(self, point: Mark) -> list[Event]:
        since = min(point.at, self.request.now)
        key = (point.commit, since)
        if key not in self.done:
            self.done[key] = self._compute(point.commit, since)
        return self.done[key]

    def owed(self, channel: Channel, point: Mark | None) -> list[Event]:
        """What ``channel`` is owed from ``point``: its filters let it through, and it did not get it yet."""
        if point is None:
            return []
        return [e for e in for_channel(self.since(point), channel.components, channel.events) if e.id not in point.sent]

    def _compute(self, commit: str | None, since: dt.datetime) -> list[Event]:
        new = self.result.page
        if commit is None:
            return compute(new, new, [], since, self.request.now)
        try:
            base = GitRev(self.request.root, commit)
        except GitError:
            raise NotifyError(f"the last announcement was made at commit {commit[:12]}, which is not in this clone: "
                              "fetch the history (actions/checkout with fetch-depth: 0); if it was rewritten, "
                              "pass --base REF once to say what to announce from. Nothing was sent") from None
        old = load(base).check(since).page
        digests = {f.path: f.digest for f in self.result.project.files}
        found = changes.compare(Disk(self.request.root), base, self.result.project.tz, self.request.now, digests)
        return compute(StatusPage(old.site, old.components, old.incidents), new, found.changes, since,
                       self.request.now)


# --- sending ------------------------------------------------------------------------------------------


def _outgoing(channel: Channel, url: str, events: Sequence[Event], renderer: Renderer) -> list[Outgoing]:
    """The messages of ``events`` in the channel's format (raises DeliveryError for a URL apprise cannot use)."""
    if channel.format is ChannelFormat.WEBHOOK:
        return [Outgoing(e.id, e.kind.value, payload=renderer.webhook(e)) for e in events]
    body_format = apprise_format(url, channel.format)
    return [Outgoing(e.id, e.kind.value, message=renderer.message(e, body_format)) for e in events]


def _preview(outgoing: Outgoing) -> str:
    if outgoing.payload is not None:
        return outgoing.payload.decode("utf-8")
    assert outgoing.message is not None
    return f"{outgoing.message.title}\n\n{outgoing.message.body}"


@dataclass
class _Ready:
    """A channel's messages, rendered, and how to send them; or, in ``result``, why there is nothing to send."""

    result: ChannelResult
    outgoing: list[Outgoing] = field(default_factory=list)
    sender: Sender | None = None


def _prepare(channel: Channel, owed: list[Event], request: Request, renderer: Renderer) -> _Ready:
    """Everything short of sending: the address, the key, the messages (a broken template raises here)."""
    url = request.environ.get(channel.url_env, "").strip()
    if not url:
        return _Ready(ChannelResult(channel, owed, "skipped", f"{channel.url_env} is not set"))
    secret: str | None = None
    if channel.secret_env is not None:
        secret = request.environ.get(channel.secret_env, "").strip() or None
        if secret is None:
            return _Ready(ChannelResult(channel, owed, "failed", f"{channel.secret_env} is not set, and webhooks to "
                                        "this channel are signed: nothing was sent unsigned"))
    if not owed:
        return _Ready(ChannelResult(channel, owed, "nothing"))
    try:
        outgoing = _outgoing(channel, url, owed, renderer)
        sender = (webhook_sender(url, secret, request.timeout) if channel.format is ChannelFormat.WEBHOOK
                  else apprise_sender(url, request.timeout))
    except DeliveryError as err:
        return _Ready(ChannelResult(channel, owed, "failed", f"{err} (the URL is in {channel.url_env})"))
    if request.dry_run:
        return _Ready(ChannelResult(channel, owed, "dry-run", preview=[_preview(o) for o in outgoing]))
    return _Ready(ChannelResult(channel, owed, "sent"), outgoing, sender)


def _send_all(channels: Sequence[Channel], owed: Mapping[str, list[Event]], request: Request,
              renderer: Renderer) -> list[ChannelResult]:
    """Each channel's messages, every one rendered before the first is sent (a broken template sends nothing)."""
    try:
        ready = [_prepare(channel, owed[channel.name], request, renderer) for channel in channels]
    except TemplateError as err:
        raise NotifyError(f"{template_problem(err)}; nothing was sent") from None
    return [_send(r, request) for r in ready]


def _send(ready: _Ready, request: Request) -> ChannelResult:
    if ready.sender is None:
        return ready.result
    report = deliver(ready.sender, ready.outgoing, request.retries, request.backoff)
    ready.result.report = report
    if report.failed is not None:
        ready.result.status = "failed"
        ready.result.note = report.error  # deliver.py masked the address in it
    return ready.result


# --- the record ---------------------------------------------------------------------------------------


def _new_record(points: Mapping[str, Mark | None], results: Sequence[ChannelResult], head: str | None,
                now: dt.datetime) -> Announced:
    """The run's point is (HEAD, now); a channel that failed keeps its point and what it did receive."""
    behind: dict[str, Mark] = {}
    for result in results:
        point = points.get(result.channel.name)
        if result.status != "failed" or point is None:
            continue
        delivered = result.report.delivered if result.report is not None else []
        behind[result.channel.name] = Mark(point.commit, point.at, point.sent | frozenset(delivered))
    return Announced(Mark(head, now), behind)


def _write_record(location: str, written_to: str, request: Request, record: Announced) -> None:
    data = announced.render(record)
    try:
        if announced.is_url(location):
            out = request.out if request.out is not None else request.root / "site"
            add_to_site(out, OutputFile(routes.path("notify_state"), data))
        else:
            replace_file(Path(location), data)
    except (WriteError, OSError) as err:
        raise NotifyError(f"the messages went out, but the record of them cannot be written to {written_to}: {err}; "
                          "the next run will send them again") from None


# --- the command --------------------------------------------------------------------------------------


def _base_url(request: Request, result: CheckResult) -> str:
    try:
        return resolve_base_url(request.base_url, result.page.site.url)
    except BuildError as err:
        raise UsageError(err.message.replace("feeds and the sitemap would have broken links",
                                             "notifications would have no links")) from None


def run_url(environ: Mapping[str, str]) -> str | None:
    """The GitHub Actions run this is part of, from the variables every job has; None elsewhere."""
    parts = [environ.get(name, "") for name in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_RUN_ID")]
    return f"{parts[0]}/{parts[1]}/actions/runs/{parts[2]}" if all(parts) else None


def announce_failure(request: Request, result: CheckResult) -> NotifyResult:
    """``--publish-failed``: one message to every channel whose ``events:`` let it through; no record.

    It is sent even when the repo has errors (they may be why the publish failed): only the
    channels must read. Its id names the commit, so a receiver can drop the repeat of a re-run.
    """
    problems = [d for d in result.diagnostics if d.path == COMPONENTS_FILE and d.severity is Severity.ERROR]
    if problems:
        raise NotifyError("components.yaml has errors, so the channels cannot be read and nobody was told that "
                          "the page was not published: fix them ('gitstatus check' lists them)", problems)
    context = BuildContext(root=request.root, base_url=_base_url(request, result), site=result.page.site,
                           translations=translations(request.root, result.page.site))
    commit = request.environ.get("GITHUB_SHA") or _head(request.root)
    event = publish_failed(request.now, commit, request.details_url or run_url(request.environ))
    renderer = Renderer(result.state, context)
    channels = channels_of(request.root, result)
    results = _send_all(channels, {c.name: for_channel([event], c.components, c.events) for c in channels},
                        request, renderer)
    return NotifyResult([event], None, results, "", None if request.dry_run else "", context, publish_failed=True)


def notify(request: Request) -> NotifyResult:
    """Announce what changed since the last announcement; see the module's docstring for the steps."""
    project = load(Disk(request.root))
    result = project.check(request.now)
    if request.publish_failed:
        return announce_failure(request, result)
    if has_errors(result.diagnostics):
        errors = [d for d in result.diagnostics if d.severity is Severity.ERROR]
        raise NotifyError("the status repo has errors, so nothing is announced: fix them ('gitstatus check' "
                          "lists them) and run again", errors)
    # the default language's words, the repo's own phrases laid over (a notification is in the page's language)
    context = BuildContext(root=request.root, base_url=_base_url(request, result), site=result.page.site,
                           translations=translations(request.root, result.page.site))
    channels = channels_of(request.root, result)
    location = request.state or routes.absolute(context.base_url, routes.path("notify_state"))
    written_to = None if request.dry_run else _check_writable(request, location)
    head = _head(request.root)
    previous = _read_record(location, request.timeout)
    base, since = _base_commit(request), _since(request, result.project.tz)
    run_point = _point(request, previous.mark if previous is not None else None, base, since, head)
    points = {c.name: _point(request, previous.of(c.name) if previous is not None else None, base, since, head)
              for c in channels}
    events = _Events(request, result)  # every event is computed before anything is sent: a failure sends nothing
    owed = {c.name: events.owed(c, points[c.name]) for c in channels}
    all_events = events.since(run_point) if run_point is not None else []
    renderer = Renderer(result.state, context)
    results = _send_all(channels, owed, request, renderer)
    if written_to is not None:
        _write_record(location, written_to, request, _new_record(points, results, head, request.now))
    return NotifyResult(all_events, run_point, results, location, written_to, context)


# --- what the run prints ------------------------------------------------------------------------------


def _since_text(result: NotifyResult) -> str:
    if result.publish_failed:
        return "The page was not published: telling the team"
    point = result.point
    if point is None:
        return (f"No earlier announcement ({result.read_from} has no record): nothing is owed yet; from now on, "
                "what changes is announced")
    tz = result.context.site.tz
    commit = f" (commit {point.commit[:12]})" if point.commit else ""
    count = len(result.events)
    return f"{count} event{'' if count == 1 else 's'} since {format_time(point.at, tz)}{commit}"


def _event_line(event: Event, tz: dt.tzinfo) -> str:
    subject = (event.incident.title if event.incident is not None
               else event.component.name if event.component is not None
               else " ".join(filter(None, (f"commit {event.commit[:12]}" if event.commit else "", event.details_url))))
    status = f" ({status_label(event.update.status)})" if event.update is not None else ""
    if event.new_status is not None:
        status = f" ({status_label(event.new_status)})"
    return f"  {format_time(event.at, tz)}  {event.kind.value:<16}  {subject}{status}"


def _channel_line(channel: ChannelResult) -> str:
    name = channel.channel.name
    owed = len(channel.owed)
    if channel.status == "sent":
        return f"{name}: sent {owed} message{'' if owed == 1 else 's'}"
    if channel.status == "nothing":
        return f"{name}: nothing to send"
    if channel.status == "skipped":
        return f"{name}: skipped, {channel.note} (nothing is sent to it until it is)"
    if channel.status == "dry-run":
        return f"{name}: would be sent {owed} message{'' if owed == 1 else 's'}"
    report = channel.report
    if report is None:
        return f"{name}: FAILED: {channel.note}; nothing was sent, it is tried again next run"
    sent = len(report.delivered)
    return (f"{name}: FAILED after {report.attempts} tr{'y' if report.attempts == 1 else 'ies'}: {channel.note}; "
            f"sent {sent} of {owed}, the other {owed - sent} are sent next run")


def format_text(result: NotifyResult) -> list[str]:
    """The run as people read it: the events, then one line per channel (and, dry, what would be sent)."""
    tz = result.context.site.tz
    lines = [_since_text(result) + (":" if result.events else ".")]
    lines += [_event_line(e, tz) for e in result.events]
    if not result.channels:
        lines.append("No channels: add them under 'notify:' in components.yaml (docs/notify.md).")
    for channel in result.channels:
        lines.append(_channel_line(channel))
        for n, preview in enumerate(channel.preview, start=1):
            lines.append(f"--- {channel.channel.name}, message {n} of {len(channel.preview)} ---")
            lines += preview.rstrip("\n").split("\n")
    if result.publish_failed:
        lines.append("Dry run: nothing was sent." if result.written_to is None else "No record is kept of this "
                     "message: it is not an announcement to readers.")
    elif result.written_to is not None:
        lines.append(f"The record of what was announced is in {result.written_to}.")
    else:
        lines.append("Dry run: nothing was sent and no record was written.")
    return lines


def format_json(result: NotifyResult) -> str:
    """The run for tools: the point, the events, and each channel's outcome."""
    point = result.point
    channels = []
    for c in result.channels:
        found: dict[str, object] = {"name": c.channel.name, "status": c.status, "note": c.note,
                                    "owed": [e.id for e in c.owed],
                                    "delivered": c.report.delivered if c.report is not None else [],
                                    "failed": c.report.failed if c.report is not None else None}
        if c.status == "dry-run":
            found["preview"] = c.preview
        channels.append(found)
    return dumps({
        "point": {"commit": point.commit, "at": api_time(point.at, result.context.site.tz)} if point else None,
        "events": [event_json(e, result.context) for e in result.events],
        "channels": channels,
        "record": result.written_to,
        "dry_run": result.written_to is None,
    })


def summary_markdown(result: NotifyResult) -> str:
    """The run in the job summary of GitHub Actions: every channel, and why one failed."""
    lines = ["## gitstatus notify", "", escape(_since_text(result)) + ".", ""]
    if result.channels:
        lines += ["| Channel | Result | Messages | Note |", "| --- | --- | --- | --- |"]
        for c in result.channels:
            delivered = len(c.report.delivered) if c.report is not None else (len(c.owed) if c.status == "sent" else 0)
            lines.append(f"| {escape(c.channel.name)} | {c.status} | {delivered} of {len(c.owed)} | {escape(c.note)} |")
        lines.append("")
    return "\n".join(lines) + "\n"


def github_commands(result: NotifyResult) -> list[str]:
    """GitHub workflow commands for what needs a look: a failed channel (error), a skipped one (warning)."""
    found = []
    for c in result.channels:
        if c.status in ("failed", "skipped"):
            level = "error" if c.status == "failed" else "warning"
            text = _channel_line(c).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
            found.append(f"::{level} title=gitstatus notify::{text}")
    return found

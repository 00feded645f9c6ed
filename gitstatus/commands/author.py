"""The writer's commands new, update, resolve and delete: edits that validate before they write.

Each command first computes a :class:`Change` (the new bytes of one file, or its removal)
with pure functions, then checks the whole repo *as it would be* after the change, the way
``gitstatus check`` does, and only writes when nothing is wrong. The write is atomic (a
temporary file in the same folder, then a rename) and keeps the file's mode, so a refused or
interrupted command leaves every file exactly as it was.

Two commands at the same moment must not both read a file and then each rename their version
over it (the second would drop the first's update), so the reading, checking and writing happen
under the repo's write lock (:mod:`writelock`): the second command waits, then reads the repo
as the first left it and appends after it, or refuses when that is no longer valid.

``update`` and ``resolve`` append exactly :func:`canonical.update_section` and keep every
byte before it: a file without a final newline gets one first, and a file written with
CRLF line ends gets the new update with CRLF too.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .. import canonical, writelock
from ..edits import (
    MessageSource,
    NewIncident,
    Prompt,
    Repo,
    append_update,
    checked_message,
    default_status,
    parse_at,
    parse_component_options,
    parse_status_option,
    parse_window,
)
from ..errors import Refused, RootError
from ..model import ComponentStatus, Impact, Incident, Postmortem, Status, Update, Window
from ..project import load, load_verdict
from ..read.document import INCIDENTS_DIR, parse_incident
from ..read.incident import group_members
from ..read.template import TEMPLATES_DIR, fill, missing_values
from ..rules import Diagnostic, Severity, unknown
from ..slug import slugify
from ..source import Disk, incident_paths, read_bytes
from ..state import Phase, incident_state
from ..timeparse import format_time
from ..words import status_label
from ..write import FileChange as Change
from ..write import apply
from .templates import load_templates

_BODY_PLACEHOLDER = "(message)"


def open_repo(root: Path, now: dt.datetime) -> Repo:
    """Read a status repo once, as ``check`` reads it. Raises :class:`Refused` (usage) when ``root`` is not one.

    Through the cache (cache.py) when it can be used: only the files changed since ``check`` or
    ``build`` last filled it are parsed, and the verdict is the one a full ``check`` gives. A
    writing command only reads the cache: a refused one leaves every file as it was.
    """
    from ..cache import Cache, cache_folder

    try:
        cache = Cache.open(root, cache_folder(root, None, True))
        project = load(Disk(root), cache=cache)
    except RootError as err:
        raise Refused(str(err), usage=True) from None
    return Repo(root, project, now)


def open_for_change(root: Path, now: dt.datetime) -> Repo:
    """The repo as a writing command needs it: :func:`open_repo`, but a Project for verdicts only
    (:func:`project.load_verdict`): the settings, and every file as far as ``errors(now)`` needs it.

    Every writing command checks its change as an overlay of this Project, which reads the
    changed file afresh, so its verdict is the one a full ``check`` gives. Only reads the cache.
    """
    from ..cache import Cache, cache_folder

    try:
        cache = Cache.open(root, cache_folder(root, None, True))
        project = load_verdict(Disk(root), now, cache)
    except RootError as err:
        raise Refused(str(err), usage=True) from None
    return Repo(root, project, now)


def _ensure_repo(root: Path) -> None:
    try:
        Disk(root).check()
    except RootError as err:
        raise Refused(str(err), usage=True) from None


# --- times ------------------------------------------------------------------------------------------

# --- messages ---------------------------------------------------------------------------------------

# --- the changes ----------------------------------------------------------------------------------

def new_incident_id(repo: Repo, title: str, day: dt.date) -> str:
    """``<date>-<slug>``, with ``-2``, ``-3``… when the name is taken."""
    slug = slugify(title) or "incident"
    base = f"{day.isoformat()}-{slug}"
    taken = {p.rsplit("/", 1)[-1][: -len(".md")] for p in incident_paths(repo.root)[0]}
    folder = repo.root / INCIDENTS_DIR
    candidate, n = base, 1
    while candidate in taken or (folder / f"{candidate}.md").exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def plan_new(repo: Repo, spec: NewIncident, message: str) -> Change:
    title = " ".join(spec.title.split())
    if not title:
        raise Refused("the title must not be empty", usage=True)
    if spec.window is not None and spec.impact is not Impact.MAINTENANCE:
        raise Refused("--start and --end are for planned maintenance: add --impact maintenance", usage=True)
    at = parse_at(spec.at, repo)
    status = spec.status or default_status(spec.impact, spec.window)
    day = (spec.window.start if spec.window else at).astimezone(repo.tz).date()
    incident_id = new_incident_id(repo, title, day)
    components = tuple(dict.fromkeys(spec.components))
    incident = Incident(
        id=incident_id, title=title, impact=spec.impact, components=components,
        updates=(Update(at, status, message),), scheduled=spec.window, component_status=dict(spec.component_status),
    )
    text = canonical.incident_text(incident, repo.tz)
    return Change(f"{INCIDENTS_DIR}/{incident_id}.md", text.encode("utf-8"), None)


def current_bytes(repo: Repo, relpath: str) -> bytes:
    """The incident file's bytes, read as ``check`` reads it: never through a link out of the repo, never a pipe."""
    data, problems = read_bytes(repo.root, relpath)
    if data is None:
        raise Refused(f"cannot use {relpath}; fix it first", problems)
    return data


def read_incident(repo: Repo, relpath: str) -> tuple[bytes, Incident | None, list[Diagnostic]]:
    """The file's bytes and the incident they hold (``None`` with the reasons when invalid)."""
    data = current_bytes(repo, relpath)
    project = repo.project.overlay({relpath: data})  # the bytes just read, whatever was listed
    mine = [d for d in project.errors(repo.now) if d.path == relpath]
    file = project.file(relpath)
    found = file.incident if file is not None and not mine else None  # as the page would have it (no error)
    return data, found, mine


def _with_window(text: str, relpath: str, window: Window, tz: dt.tzinfo) -> str:
    """``text`` with its front matter's ``scheduled:`` replaced by ``window`` (block style); every other line kept."""
    raw, _ = parse_incident(text, relpath)
    fields = raw.meta.value if raw.meta is not None else None
    node = fields.get("scheduled") if isinstance(fields, dict) else None
    if node is None or not isinstance(node.value, dict):
        raise Refused(f"{relpath} has no 'scheduled:' window to move", usage=True)
    first = node.key_at[0]
    last = max([first, *(value.line for value in node.value.values())])
    lines = text.split("\n")
    block = ["scheduled:", f"  start: {format_time(window.start, tz)}", f"  end: {format_time(window.end, tz)}"]
    return "\n".join(lines[:first - 1] + block + lines[last:])


def plan_reschedule(repo: Repo, relpath: str, window: Window, status: Status | None, at_text: str | None,
                    message: str) -> tuple[Change, Update, Incident]:
    """Move a maintenance's window before it opens: ``scheduled:`` rewritten, and an update appended that
    records the old window (``Rescheduled from:``), so the page keeps its history."""
    data, incident, problems = read_incident(repo, relpath)
    if incident is None:
        errors = [d for d in problems if d.severity is Severity.ERROR]
        raise Refused(f"{relpath} has errors; fix them before moving its window", errors)
    if incident.impact is not Impact.MAINTENANCE or incident.scheduled is None:
        raise Refused(f"{incident.id} has no maintenance window to move (--start and --end are for planned "
                      "maintenance)", usage=True)
    if incident_state(incident, repo.now).phase is not Phase.UPCOMING:
        raise Refused(f"{incident.id} has begun or ended: its window stays as it was; post an update that says "
                      "what changes", usage=True)
    if window.end <= repo.now:
        raise Refused("the new window is already over: check --start and --end", usage=True)
    update = Update(parse_at(at_text, repo, after=incident.last_update.at), status or Status.SCHEDULED, message,
                    moved_from=incident.scheduled)
    text = data.decode("utf-8")
    crlf = "\r\n" in text
    moved = _with_window(text.replace("\r\n", "\n"), relpath, window, repo.tz)
    moved_bytes = (moved.replace("\n", "\r\n") if crlf else moved).encode("utf-8")
    return Change(relpath, append_update(moved_bytes, update, repo.tz), data), update, incident


def plan_update(repo: Repo, relpath: str, status: Status | None, at_text: str | None, message: str,
                final: bool = False, components: tuple[tuple[str, ComponentStatus], ...] = (),
                window: Window | None = None) -> tuple[Change, Update, Incident]:
    """Append one update. ``final`` picks resolved, or completed for maintenance; no status keeps the last one.

    ``components`` are the statuses the update sets (its ``Components:`` line); ``window`` moves a
    maintenance's window (:func:`plan_reschedule`).
    """
    if window is not None:
        return plan_reschedule(repo, relpath, window, status, at_text, message)
    data, incident, problems = read_incident(repo, relpath)
    if incident is None:
        errors = [d for d in problems if d.severity is Severity.ERROR]
        raise Refused(f"{relpath} has errors; fix them before adding an update", errors)
    if incident.is_final:
        last = incident.last_update
        raise Refused(f"{incident.id} is already {last.status.value} (line {last.line}): a closed incident stays "
                      "closed; open a new incident with 'gitstatus new' instead")
    if final and status is Status.CANCELLED and incident.impact is not Impact.MAINTENANCE:
        raise Refused(f"{incident.id} is not maintenance: only planned maintenance can be cancelled; "
                      "resolve it instead", usage=True)
    if final and status is not Status.CANCELLED:
        status = Status.COMPLETED if incident.impact is Impact.MAINTENANCE else Status.RESOLVED
    update = Update(parse_at(at_text, repo, after=incident.last_update.at), status or incident.last_update.status,
                    message, components=components)
    return Change(relpath, append_update(data, update, repo.tz), data), update, incident


def plan_postmortem(repo: Repo, relpath: str, at_text: str | None, message: str) -> tuple[Change, Postmortem]:
    """Append the post-mortem section to a resolved incident (refused when open, maintenance, or done already)."""
    data, incident, problems = read_incident(repo, relpath)
    if incident is None:
        errors = [d for d in problems if d.severity is Severity.ERROR]
        raise Refused(f"{relpath} has errors; fix them before adding a post-mortem", errors)
    if incident.impact is Impact.MAINTENANCE:
        raise Refused(f"{incident.id} is maintenance: a post-mortem is for an incident", usage=True)
    if not incident.is_final:
        raise Refused(f"{incident.id} is not resolved yet: resolve it first ('gitstatus resolve'), then publish "
                      "its post-mortem", usage=True)
    if incident.postmortem is not None:
        raise Refused(f"{incident.id} already has a post-mortem (line {incident.postmortem.line}): edit it in the "
                      "file")
    postmortem = Postmortem(parse_at(at_text, repo, after=incident.last_update.at), message)
    section = canonical.postmortem_section(postmortem, repo.tz)
    return Change(relpath, _append_text(data, section), data), postmortem


def _append_text(existing: bytes, section: str) -> bytes:
    """``existing`` with ``section`` appended as append_update appends an update: a final newline first, CRLF kept."""
    first = existing.find(b"\n")
    crlf = first > 0 and existing[first - 1:first] == b"\r"
    if existing and not existing.endswith((b"\n", b"\r")):
        section = "\n" + section
    return existing + (section.replace("\n", "\r\n") if crlf else section).encode("utf-8")


def publish_postmortem(root: Path, now: dt.datetime, ref: str, message: str | None, at: str | None,
                       source: MessageSource) -> tuple[str, Postmortem, dt.tzinfo]:
    """``gitstatus postmortem``: append the post-mortem section to the resolved incident ``ref``.

    Returns the file, the post-mortem written and the page's timezone (to show its time in).
    """
    with _nothing_written():
        repo = open_for_change(root, now)
        relpath = find_incident(root, ref)
        if message is None:
            trial, _ = plan_postmortem(repo, relpath, at, _BODY_PLACEHOLDER)
            ensure_valid(repo, trial)  # refuse before asking for a message
            message = source(Prompt(f"The post-mortem of {relpath}: what happened, why, and what will change."))
        message = checked_message(message)
        with _locked(repo, f"adding a post-mortem to {relpath}") as fresh:
            change, postmortem = plan_postmortem(fresh, relpath, at, message)
            ensure_valid(fresh, change)
            apply(fresh.root, change)
        return relpath, postmortem, repo.tz


def plan_delete(repo: Repo, relpath: str) -> Change:
    return Change(relpath, None, current_bytes(repo, relpath))


# --- validating a change against the whole repo ------------------------------------------------------

def problems_after(repo: Repo, change: Change) -> list[Diagnostic]:
    """Every error ``gitstatus check`` would report once ``change`` is made."""
    return sorted(repo.project.overlay({change.relpath: change.data}).errors(repo.now))


def ensure_valid(repo: Repo, change: Change) -> None:
    problems = problems_after(repo, change)
    if not problems:
        return
    elsewhere = [d for d in problems if d.path != change.relpath]
    if len(elsewhere) == len(problems):
        raise Refused("not written: other files have errors, and the repo must pass 'gitstatus check' "
                      "after every change; fix them first", problems)
    raise Refused(f"not written: {change.relpath} would not pass 'gitstatus check'", problems)


# --- writing ------------------------------------------------------------------------------------------

# --- finding an incident by what the writer typed -------------------------------------------------------

def find_incident(root: Path, ref: str, listed: Sequence[str] | None = None) -> str:
    """The relpath of the incident named by an id, a unique prefix of one, or a path to its file.

    A prefix of the part after the date (``api-slow`` for ``2026-06-11-api-slow``) works too.
    ``listed`` are the incident files a reading of the repo already listed (not listed again).
    """
    folder = (root / INCIDENTS_DIR).resolve()
    if ref.endswith(".md") or "/" in ref or os.sep in ref:
        path = Path(ref)
        for candidate in (path, root / path) if not path.is_absolute() else (path,):
            if candidate.is_file():
                resolved = candidate.resolve()
                if resolved.parent != folder:
                    raise Refused(f"{ref} is not an incident file in {root / INCIDENTS_DIR}", usage=True)
                return f"{INCIDENTS_DIR}/{resolved.name}"
        raise Refused(f"{ref}: no such file", usage=True)
    paths = incident_paths(root)[0] if listed is None else listed
    ids = [p.rsplit("/", 1)[-1][: -len(".md")] for p in paths]
    if ref in ids:
        return f"{INCIDENTS_DIR}/{ref}.md"
    matches = [i for i in ids if i.startswith(ref)]
    if not matches:
        matches = [i for i in ids if re.sub(r"^\d{4}-\d{2}-\d{2}-", "", i).startswith(ref)]
    if len(matches) == 1:
        return f"{INCIDENTS_DIR}/{matches[0]}.md"
    if not matches:
        raise Refused(f"no incident matches {unknown(ref, ids)}: see 'gitstatus list'", usage=True)
    shown = "\n".join(f"  {m}" for m in matches[:20]) + ("\n  …" if len(matches) > 20 else "")
    raise Refused(f"'{ref}' matches {len(matches)} incidents; give more of the id:\n{shown}", usage=True)


# --- the commands, start to finish ---------------------------------------------------------------------

@contextmanager
def _locked(repo: Repo, doing: str) -> Iterator[Repo]:
    """Hold the repo's write lock and yield the repo read afresh under it.

    What was read before (to refuse early, before the editor opens) may be stale by now: the
    change is planned and checked again on what the lock's last holder left.
    """
    with _locked_at(repo.root, repo.now, doing) as fresh:
        yield fresh


@contextmanager
def _locked_at(root: Path, now: dt.datetime, doing: str) -> Iterator[Repo]:
    """Hold the repo's write lock and yield the repo as read under it: the one reading a command with its
    message given needs."""
    try:
        with writelock.hold(root, doing):
            yield open_for_change(root, now)
    except writelock.LockError as err:
        raise Refused(str(err)) from None


def create(repo: Repo, spec: NewIncident, message: str | None, source: MessageSource) -> str:
    """Write a new incident file; returns its relpath."""
    status = spec.status or default_status(spec.impact, spec.window)
    if message is None:
        ensure_valid(repo, plan_new(repo, spec, _BODY_PLACEHOLDER))  # refuse before asking for a message
        message = source(Prompt(f"The first update of \"{' '.join(spec.title.split())}\" ({status_label(status)})."))
    message = checked_message(message)
    with _locked(repo, "writing a new incident") as fresh:
        return _write_new(fresh, spec, message)


def _write_new(repo: Repo, spec: NewIncident, message: str) -> str:
    change = plan_new(repo, spec, message)
    ensure_valid(repo, change)
    apply(repo.root, change)
    return change.relpath


def add_update(repo: Repo, ref: str, status: Status | None, at: str | None, message: str | None,
               source: MessageSource, final: bool = False,
               components: tuple[tuple[str, ComponentStatus], ...] = (),
               window: Window | None = None) -> tuple[str, Update]:
    """Append an update (or the final one) to an incident; returns its relpath and the update."""
    relpath = find_incident(repo.root, ref)
    if message is None:
        trial, update, incident = plan_update(repo, relpath, status, at, _BODY_PLACEHOLDER, final, components,
                                              window)
        ensure_valid(repo, trial)  # refuse before asking for a message
        message = source(Prompt(f"The new {status_label(update.status)} update of {relpath}.",
                                incident.last_update, repo.tz))
    message = checked_message(message)
    with _locked(repo, f"adding an update to {relpath}") as fresh:
        return relpath, _write_update(fresh, relpath, status, at, message, final, components, window)


def _write_update(repo: Repo, relpath: str, status: Status | None, at: str | None, message: str, final: bool,
                  components: tuple[tuple[str, ComponentStatus], ...] = (), window: Window | None = None) -> Update:
    change, update, _ = plan_update(repo, relpath, status, at, message, final, components, window)
    ensure_valid(repo, change)
    apply(repo.root, change)
    return update


def remove(repo: Repo, relpath: str) -> None:
    with _locked(repo, f"deleting {relpath}") as fresh:
        _write_delete(fresh, relpath)


def _write_delete(repo: Repo, relpath: str) -> None:
    change = plan_delete(repo, relpath)
    ensure_valid(repo, change)
    apply(repo.root, change)


# --- the commands as the command line runs them ----------------------------------------------------------

@contextmanager
def _nothing_written() -> Iterator[None]:
    """A file system error ends a writing command as a refusal: each write is atomic, so nothing was written."""
    try:
        yield
    except BrokenPipeError:  # the reader of the output left: the command line ends quietly
        raise
    except OSError as err:
        raise Refused(f"cannot write: {err}; nothing was written") from None


def shown(root: Path, relpath: str) -> str:
    """A file of the repo as the writer would type it: relative to where they are, through ``--root``."""
    return relpath if root == Path(".") else str(root / relpath)


@dataclass(frozen=True)
class FromTemplate:
    """``new --template NAME --var k=v``: the template to start from and the values of its placeholders."""

    name: str
    values: Mapping[str, str]


def parse_vars(items: Sequence[str]) -> dict[str, str]:
    """``--var region=eu-west`` (repeatable) as placeholder values."""
    values: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise Refused(f"--var: '{item}' needs a name and a value, like region=eu-west", usage=True)
        values[name.strip()] = value
    return values


def _from_template(repo: Repo, chosen: FromTemplate, title: str | None, impact: Impact | None,
                   components: Sequence[str], status: str | None, message: str | None
                   ) -> tuple[str, Impact, tuple[str, ...], Status | None, str | None, Mapping[str, ComponentStatus]]:
    """What ``new`` writes from a template: the options given override the template's values."""
    templates, problems = load_templates(repo.root, repo.project.settings.known, repo.tz)
    mine = [d for d in problems if d.path == f"{TEMPLATES_DIR}/{chosen.name}.md"]
    template = templates.get(chosen.name)
    if template is None:
        if mine:
            raise Refused(f"the template {TEMPLATES_DIR}/{chosen.name}.md has errors; fix them first", mine)
        raise Refused(f"--template: no template {unknown(chosen.name, templates)} in {TEMPLATES_DIR}/"
                      + (f" (there are: {', '.join(sorted(templates))})" if templates else ""), usage=True)
    ids = tuple(components) or template.components
    names = {c.id: c.name for c in repo.project.components}
    known = repo.project.settings.known or {}
    expanded = [m for i in ids for m in (group_members(known).get(i, (i,)))]
    values = {"component": ", ".join(names.get(i, i) for i in dict.fromkeys(expanded)), **chosen.values}
    missing = missing_values(template, values)
    if missing:
        raise Refused(f"the template {chosen.name} needs a value for " + ", ".join(f"{{{n}}}" for n in missing)
                      + ": pass " + " ".join(f"--var {n}=…" for n in missing), usage=True)
    filled_title, filled_message = fill(template, values)
    first = parse_status_option(status) if status else template.status
    return (title or filled_title, impact or template.impact, ids, first,
            message if message is not None else filled_message, template.component_status if not components else {})


def new(root: Path, now: dt.datetime, title: str | None, impact: Impact | None, components: Sequence[str],
        status: str | None, message: str | None, at: str | None, start: str | None, end: str | None,
        source: MessageSource, template: FromTemplate | None = None) -> str:
    """``gitstatus new``: write a new incident with its first update; returns its relpath.

    With ``template``, the incident starts from ``templates/<name>.md``: its title, impact,
    components and message, each overridden by the option given.
    """
    def spec(repo: Repo) -> tuple[NewIncident, str | None]:
        """The incident to write, and its message, as the repo ``repo`` reads (the template's too)."""
        chosen_title, chosen_impact, ids, chosen_message = title, impact, tuple(components), message
        overrides: Mapping[str, ComponentStatus] = {}
        first = parse_status_option(status) if status else None
        if template is not None:
            chosen_title, chosen_impact, ids, first, chosen_message, overrides = _from_template(
                repo, template, title, impact, components, status, message)
        if chosen_title is None or chosen_impact is None:
            raise Refused("new needs a TITLE and --impact (or --template NAME)", usage=True)
        found = NewIncident(
            title=chosen_title, impact=chosen_impact, components=ids,
            status=first, at=at, window=parse_window(start, end, repo), component_status=overrides,
        )
        if found.window is not None and found.window.end <= now and found.at is None:
            raise Refused(f"the window is already over (it ended {format_time(found.window.end, repo.tz)}): check "
                          "--start and --end; to record past work, pass --at with a time inside the window",
                          usage=True)
        return found, chosen_message

    with _nothing_written():
        if message is None or template is not None:  # read to refuse before the editor opens, again under the lock
            repo = open_for_change(root, now)
            found, chosen_message = spec(repo)
            return create(repo, found, chosen_message, source)
        _ensure_repo(root)
        message = checked_message(message)
        with _locked_at(root, now, "writing a new incident") as fresh:  # the one reading
            return _write_new(fresh, spec(fresh)[0], message)


@dataclass(frozen=True)
class Posted:
    """An update that ``update`` or ``resolve`` wrote, and the page's timezone to show its time in."""

    relpath: str
    update: Update
    tz: dt.tzinfo


def post(root: Path, now: dt.datetime, ref: str, status: str | None, message: str | None, at: str | None,
         source: MessageSource, final: bool = False, components: Sequence[str] = (), cancel: bool = False,
         start: str | None = None, end: str | None = None) -> Posted:
    """``gitstatus update`` (``final``: ``gitstatus resolve``): append an update to the incident ``ref``.

    ``components`` are ``ID=STATUS`` words (``--component api=operational``); ``cancel`` (``resolve
    --cancel``) closes a maintenance that has not begun with "Cancelled".
    """
    with _nothing_written():
        parsed = parse_status_option(status) if status else None
        if cancel:
            parsed, final = Status.CANCELLED, True
        statuses = parse_component_options(components)
        if message is None:  # read once to refuse before the editor opens, and again under the lock
            repo = open_for_change(root, now)
            relpath, update = add_update(repo, ref, parsed, at, message, source, final=final, components=statuses,
                                         window=parse_window(start, end, repo))
            return Posted(relpath, update, repo.tz)
        _ensure_repo(root)
        message = checked_message(message)
        with _locked_at(root, now, f"adding an update to {ref}") as fresh:  # the one reading, the one listing
            relpath = find_incident(root, ref, [f.path for f in fresh.project.files])
            update = _write_update(fresh, relpath, parsed, at, message, final, statuses,
                                   parse_window(start, end, fresh))
            return Posted(relpath, update, fresh.tz)


def delete(root: Path, now: dt.datetime, ref: str, yes: bool, ask: Callable[[str], bool] | None) -> str:
    """``gitstatus delete``: remove the incident ``ref`` once the writer said yes; returns its relpath.

    ``ask`` asks the writer about the shown path (``None``: there is no terminal to ask on).
    """
    with _nothing_written():
        _ensure_repo(root)
        relpath = find_incident(root, ref)
        if not yes:
            if ask is None:
                raise Refused(f"not deleting {shown(root, relpath)} without confirmation: "
                              "pass --yes when there is no terminal to ask on", usage=True)
            if not ask(shown(root, relpath)):
                raise Refused("nothing was deleted")
        with _locked_at(root, now, f"deleting {relpath}") as fresh:  # the one reading
            _write_delete(fresh, relpath)
        return relpath

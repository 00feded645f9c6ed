"""``gitstatus import statuspage|cstate``: another status page's history, checked like any change, written at once.

The source is read first (files, or the network: nothing of the repo is touched while it
downloads). Then, under the repo's write lock, the repo is read afresh, the import is planned
against it (importers/plan.py), the repo as it would be is checked as ``gitstatus check``
checks it (a :meth:`Project.overlay` of the planned files), and only a result without errors
is written, all files staged before the first one is renamed into place. ``--dry-run`` stops
after the check. A second import of the same source finds each incident by its ``source:``
and only appends what is new, so importing again changes nothing when nothing changed.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from .. import writelock
from ..errors import Refused
from ..importers import SourceData, statuspage
from ..importers import cstate as cstate_reader
from ..importers.fetch import ImportFailed
from ..importers.plan import Plan, plan
from ..project import Project
from ..rules import Diagnostic, Severity
from ..write import apply_all
from .author import open_repo

Reader = Callable[[dt.tzinfo], SourceData]
_PAGE_ID = re.compile(r"^[A-Za-z0-9]{1,64}$")
_LOOPBACK = ("127.0.0.1", "localhost", "::1")
"""Where the management API may be plain http (a local proxy, the tests' server): the key never leaves the machine."""


@dataclass
class ImportResult:
    source: SourceData
    plan: Plan
    written: bool
    """False for ``--dry-run`` (and when there was nothing to write)."""
    warnings: list[Diagnostic] = field(default_factory=list)
    """What ``gitstatus check`` warns about once the import is in (an old incident still open…)."""


@contextmanager
def _nothing_written() -> Iterator[None]:
    try:
        yield
    except BrokenPipeError:
        raise
    except OSError as err:
        raise Refused(f"cannot write: {err}; nothing was written") from None


def run(root: Path, now: dt.datetime, read: Reader, dry_run: bool) -> ImportResult:
    """Read the source, plan, check and (unless ``dry_run``) write: the import, start to finish."""
    with _nothing_written():
        repo = open_repo(root, now)
        before = [d for d in repo.project.check(now).diagnostics if d.severity is Severity.ERROR]
        if before:
            raise Refused("the status repo has errors; fix them first (see 'gitstatus check'): an import must leave "
                          "a repo that passes", before)
        data = read(repo.tz)
        if dry_run:
            planned = plan(data, repo.project, now)
            return ImportResult(data, planned, False, _checked(repo.project, planned, now))
        try:
            with writelock.hold(root, "importing"):
                fresh = open_repo(root, now)
                planned = plan(data, fresh.project, now)
                warnings = _checked(fresh.project, planned, now)
                if planned.changes:
                    apply_all(root, planned.changes)
        except writelock.LockError as err:
            raise Refused(str(err)) from None
        return ImportResult(data, planned, bool(planned.changes), warnings)


def _checked(project: Project, planned: Plan, now: dt.datetime) -> list[Diagnostic]:
    """The warnings of the repo with the plan in; :class:`Refused` with every error when it would not pass."""
    result = project.overlay(planned.edits).check(now) if planned.changes else project.check(now)
    errors = sorted(d for d in result.diagnostics if d.severity is Severity.ERROR)
    if errors:
        raise Refused("not written: the imported files would not pass 'gitstatus check'", errors)
    return sorted(d for d in result.diagnostics if d.severity is not Severity.ERROR)


# --- the two sources --------------------------------------------------------------------------------------


def statuspage_reader(sources: Sequence[str], page_id: str | None, key_env: str, api_url: str,
                      fetch: statuspage.Fetch = statuspage.fetch_json) -> Reader:
    """How to read Statuspage: saved files and page addresses (``sources``), or the management API (``page_id``)."""
    if page_id and sources:
        raise Refused("give either SOURCE files and addresses or --page-id, not both", usage=True)
    if not page_id and not sources:
        raise Refused("give a saved API answer (incidents.json…), a page's address, or --page-id", usage=True)
    if page_id is not None and not _PAGE_ID.match(page_id):
        raise Refused(f"--page-id: '{page_id}' is not a Statuspage page id (letters and digits, like "
                      "'kctbh9vrtdwd')", usage=True)
    if page_id and urlsplit(api_url).scheme != "https" and urlsplit(api_url).hostname not in _LOOPBACK:
        raise Refused(f"--api-url: '{api_url}' is not https: the API key would travel unencrypted", usage=True)
    key = os.environ.get(key_env, "") if page_id else ""
    if page_id and not key.strip():
        raise Refused(f"--page-id needs an API key: put it in the environment variable {key_env} (or name another "
                      "with --api-key-env)", usage=True)

    def read(tz: dt.tzinfo) -> SourceData:
        payload = statuspage.Payload()
        urls = [s for s in sources if s.lower().startswith(("http://", "https://"))]
        try:
            if page_id:
                statuspage.read_management(page_id, key.strip(), api_url, fetch, payload)
            for url in urls:
                statuspage.read_public(url, fetch, payload)
        except ImportFailed as err:
            raise Refused(err.message) from None
        statuspage.read_files([Path(s) for s in sources if s not in urls], payload)
        data = statuspage.convert(payload, tz)
        if urls:
            data.notes.append(statuspage.PUBLIC_LIMIT_NOTE)
        if page_id:
            data.notes.append("read from the management API: every incident and maintenance of the page")
        return data

    return read


def cstate_site_reader(folder: Path) -> Reader:
    def read(tz: dt.tzinfo) -> SourceData:
        return cstate_reader.read_site(folder)

    return read


# --- the report -------------------------------------------------------------------------------------------


def report(result: ImportResult, tz: dt.tzinfo) -> list[str]:
    """What was (or would be) written, and every approximation, as lines for the terminal."""
    data, planned = result.source, result.plan
    verb = "" if result.written or not planned.changes else "would be "
    lines = [f"Import from {data.kind}: {data.name} ({len(data.incidents)} incidents and maintenances, "
             f"{len(data.components)} components read)"]
    lines += [f"  note: {note}" for note in data.notes]
    if data.timezone and data.timezone not in ("UTC", "Etc/UTC") and str(tz) != data.timezone:
        lines.append(f"  note: {data.kind} showed times in {data.timezone}; this page shows them in {tz} (set "
                     f"site.timezone: {data.timezone} in components.yaml to keep showing them as before)")
    if planned.components:
        lines.append(f"Components {verb}added to components.yaml ({len(planned.components)}):")
        lines += [f"  + {c.id}: {c.name}" + (f" (group {c.group})" if c.group else "") for c in planned.components]
    if planned.reused and planned.changes:
        lines.append(f"Components already in components.yaml, matched by name ({len(planned.reused)}):")
        lines += [f"  = {name} is {component_id}" for name, component_id in planned.reused]
    if planned.created:
        lines.append(f"Incident files {verb}created ({len(planned.created)}):")
        lines += [f"  + {f.relpath} ({f.updates} update{'s' if f.updates != 1 else ''}) from {f.origin}"
                  for f in planned.created]
    if planned.appended:
        lines.append(f"Updates {verb}appended ({sum(f.updates for f in planned.appended)}):")
        lines += [f"  > {f.relpath}: {f.updates} new update{'s' if f.updates != 1 else ''}" for f in planned.appended]
    where = {f.origin: f.relpath for f in [*planned.created, *planned.appended]}
    if planned.approximations:
        lines.append(f"Approximations ({len(planned.approximations)}):")
        lines += [f"  ~ {where.get(n.where, n.where)}: {n.what}" for n in planned.approximations]
    if result.warnings:
        lines.append(f"gitstatus check warns ({len(result.warnings)}):")
        lines += [f"  ! {d.path}:{d.line}: {d.rule.code} {d.message}" for d in result.warnings]
    counts = (f"{len(planned.created)} incidents created, {len(planned.appended)} updated "
              f"({sum(f.updates for f in planned.appended)} updates), {planned.unchanged} already up to date, "
              f"{planned.skipped} left out; {len(planned.components)} components added; "
              f"{len(planned.approximations)} approximations")
    if not planned.changes:
        lines.append(f"Nothing to write: {counts}.")
    elif result.written:
        lines.append(f"Written: {counts}. 'gitstatus check' passes.")
    else:
        lines.append(f"Dry run, nothing was written: {counts}. 'gitstatus check' would pass.")
    return lines

"""The one assembly: a status repo read from a :class:`Source`, as every command sees it.

``check``, ``build``, ``serve``, ``list``, the writing commands, ``init`` and ``check --base``
all ask :func:`load` for a :class:`Project`, so "valid" means one thing everywhere. Reading is
pure and per file (read/): no incident depends on another, so a large repo's files are spread
over worker processes, and a build can render each valid incident's page in the same pass
(:class:`FileJob`). The rules that need ``now`` or several files run here, on the Project
(:meth:`Project.check`), never inside a reader.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from . import rules
from .model import Component, Impact, Incident, Site, StatusPage
from .read import yamlnodes
from .read.document import COMPONENTS_FILE, decode
from .read.incident import FUTURE_TOLERANCE, IncidentFile, future_updates, read_incident
from .read.settings import example_url_warnings, validate_components
from .rules import Diagnostic, Severity, has_errors
from .source import Overlay, Source
from .state import SiteState, StateMemo, derive, remembered
from .themes import theme_problems
from .timeparse import UTC, TimeError, load_zone
from .words.overrides import overrides_problems

if TYPE_CHECKING:
    from concurrent.futures import Future

    from .cache import Cache

#: Below this many files one process is faster than starting a pool.
POOL_THRESHOLD = 400
CHUNK = 200

SILENCE_LIMIT = dt.timedelta(minutes=60)
LONG_INCIDENT = dt.timedelta(days=7)


class FileJob:
    """More work for each valid incident, done where it was read (a build renders its page there).

    Sent once to each worker process: keep it small and picklable; :meth:`start` makes what is
    costly (a template environment) in the process that runs it.
    """

    def start(self) -> None:
        """Called once in each process before the first :meth:`run`."""

    def run(self, incident: Incident, digest: bytes = b"") -> str | None:
        """Do the work for one valid incident (``digest``: its file's content hash); the result (e.g. the
        page's path) comes back with it."""
        raise NotImplementedError

    def cached(self, file: IncidentFile) -> str | None:
        """The result for a valid incident when it needs no work (its page is in the cache), else None."""
        return None


@dataclass(frozen=True)
class Reading:
    """What every process needs to read incident files: the source and the settings they depend on."""

    source: Source
    known: Mapping[str, Component] | None
    """Component ids from components.yaml, or None when it could not be read (ids then go unchecked)."""
    timezone: str
    job: FileJob | None = None


@dataclass(frozen=True)
class FileResult:
    file: IncidentFile
    job_result: str | None = None


class _Reader:
    """Reads files in one process, with the settings' zone loaded once and the job started."""

    def __init__(self, reading: Reading) -> None:
        self.reading = reading
        self.tz = _zone(reading.timezone)
        if reading.job is not None:
            reading.job.start()

    def run(self, relpath: str) -> FileResult:
        data, problems = self.reading.source.read(relpath)
        file = read_incident(relpath, data, self.reading.known, self.tz, problems)
        if file.incident is None or self.reading.job is None:
            return FileResult(file)
        return FileResult(file, self.reading.job.run(file.incident, file.digest))

    def run_many(self, relpaths: Sequence[str]) -> list[FileResult]:
        return [self.run(p) for p in relpaths]


_worker: _Reader | None = None


def _init_worker(reading: Reading) -> None:
    global _worker
    _worker = _Reader(reading)


def _run_chunk(relpaths: Sequence[str]) -> list[FileResult]:
    assert _worker is not None
    return _worker.run_many(relpaths)


def read_files(relpaths: Sequence[str], reading: Reading, jobs: int) -> list[FileResult]:
    """Every file's result, in the order of ``relpaths``, using ``jobs`` processes when it pays off.

    This process is one of the ``jobs``: it takes chunks from the same queue as ``jobs - 1``
    workers, so no more processes compete than there are cores, and its share of the results
    never has to be pickled. Workers are kept two chunks ahead so they never wait for it.
    """
    if jobs <= 1 or len(relpaths) < POOL_THRESHOLD:
        return _Reader(reading).run_many(relpaths)
    queue = deque(enumerate(relpaths[i:i + CHUNK] for i in range(0, len(relpaths), CHUNK)))
    results: list[list[FileResult]] = [[] for _ in queue]
    here = _Reader(reading)
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait  # only a large repo needs it

    with ProcessPoolExecutor(jobs - 1, initializer=_init_worker, initargs=(reading,)) as pool:
        pending: dict[Future[list[FileResult]], int] = {}
        while queue or pending:
            for future in [f for f in pending if f.done()]:
                results[pending.pop(future)] = future.result()
            while queue and len(pending) < 2 * (jobs - 1):
                index, chunk = queue.popleft()
                pending[pool.submit(_run_chunk, chunk)] = index
            if queue:
                index, chunk = queue.popleft()
                results[index] = here.run_many(chunk)
            elif pending:
                wait(pending, return_when=FIRST_COMPLETED)
    return [result for chunk_results in results for result in chunk_results]


def latest_update(file: IncidentFile) -> dt.datetime:
    """The time of a file's latest update (it has one), kept with the reading: the preview checks every save."""
    return remembered(file, "_latest", lambda: max(u.at for u in file.updates))


def default_jobs() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def _zone(name: str) -> dt.tzinfo:
    try:
        return load_zone(name)
    except TimeError:
        return UTC  # components.yaml's E404 says why


@dataclass(frozen=True)
class Project:
    """A status repo as its files say it, independent of the moment: settings, components, every incident file."""

    source: Source
    site: Site
    components: tuple[Component, ...]
    settings: Settings
    files: tuple[IncidentFile, ...]
    """Every incident file, sorted by path, valid or not."""
    listing_problems: tuple[Diagnostic, ...]
    """What else lies in incidents/ and theme/ (a stray file, a folder that cannot be listed)."""
    job_results: Mapping[str, str] = field(default_factory=dict, repr=False)
    """Path → what the :class:`FileJob` returned for it (a build: the page it wrote)."""

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """Everything reading found: components.yaml, what lies in incidents/, each file."""
        found = [*self.settings.diagnostics, *self.listing_problems]
        for f in self.files:
            found += f.diagnostics
        return found

    def overlay(self, edits: Mapping[str, bytes | None]) -> Project:
        """The repo as it will be with ``edits`` (path → new bytes, or None to delete), reading only those files.

        What a writing command checks before it writes: every other file's reading is reused, and
        the listing of incidents/ is this Project's (the repo as it was read, with the edits laid over).
        """
        source = Overlay(self.source, dict(edits))
        if COMPONENTS_FILE in edits:
            return load(source)
        paths = source.laid_over(f.path for f in self.files)
        kept = {f.path: f for f in self.files if f.path not in edits}
        reader = _Reader(Reading(source, self.settings.known, self.site.timezone))
        files = tuple(kept[p] if p in kept else reader.run(p).file for p in paths)
        listing = tuple(d for d in self.listing_problems if d.path not in edits)
        return Project(source, self.site, self.components, self.settings, files, listing)

    def reread(self, relpaths: Iterable[str]) -> Project:
        """The repo after the incident files ``relpaths`` changed on disk (edited, added, deleted, renamed).

        What the preview does on a save: only those files are read again, every other file's
        reading is reused; the listing of incidents/ and theme/ is made afresh. A change to
        components.yaml or the theme needs :func:`load` (every reading depends on the settings).
        """
        changed = set(relpaths)
        paths, listing = self.source.incident_paths()
        if self.source.has_theme:
            listing += theme_problems(self.source.root)
        kept = {f.path: f for f in self.files if f.path not in changed}
        reader = _Reader(Reading(self.source, self.settings.known, self.site.timezone))
        files = tuple(kept[p] if p in kept else reader.run(p).file for p in paths)
        return Project(self.source, self.site, self.components, self.settings, files, tuple(listing))

    @cached_property
    def tz(self) -> dt.tzinfo:
        """The page's timezone, or UTC while components.yaml names none that exists (E404 says so)."""
        return _zone(self.site.timezone)

    @cached_property
    def incidents(self) -> tuple[Incident, ...]:
        """The valid incidents, sorted by id."""
        return tuple(sorted((f.incident for f in self.files if f.incident is not None), key=lambda i: i.id))

    @property
    def page(self) -> StatusPage:
        return StatusPage(self.site, self.components, self.incidents)

    def file(self, relpath: str) -> IncidentFile | None:
        return next((f for f in self.files if f.path == relpath), None)

    def errors(self, now: dt.datetime) -> list[Diagnostic]:
        """The errors :meth:`check` reports at ``now``, without deriving the page's state.

        A writing command's verdict needs no more: the rules that need the page's state only warn.
        """
        found = [d for d in self.diagnostics if d.severity is Severity.ERROR]
        for f in self.files:
            found += [d for d in future_updates(f.path, f.updates, now) if d.severity is Severity.ERROR]
        return found

    def check(self, now: dt.datetime, memo: StateMemo | None = None) -> CheckResult:
        """The repo at ``now``: every diagnostic (reading's and the rules that need the clock) and the page's state.

        An incident with an update in the future is left out like any other with an error. ``memo``
        keeps incident states from one check to the next (the preview's, see :class:`StateMemo`).
        """
        diagnostics = list(self.diagnostics)
        future: set[str] = set()
        limit = now + FUTURE_TOLERANCE
        for f in self.files:
            if f.updates and latest_update(f) <= limit:
                continue  # nothing after now: the usual case, decided without a look at every update
            found = future_updates(f.path, f.updates, now)
            if found:
                future.add(f.path)
                diagnostics += found
        incidents = tuple(i for i in self.incidents if i.path not in future)
        state = derive(StatusPage(self.site, self.components, incidents), now, memo)
        if not has_errors(diagnostics):
            diagnostics += activity_warnings(state)
        return CheckResult(self, state, diagnostics)


@dataclass(frozen=True)
class CheckResult:
    """A Project at one moment: what ``gitstatus check`` reports and what ``build`` renders."""

    project: Project
    state: SiteState
    diagnostics: list[Diagnostic]

    @property
    def page(self) -> StatusPage:
        return self.state.page

    @property
    def files_checked(self) -> int:
        """components.yaml and every incident file."""
        return len(self.project.files) + 1

    def failed(self, strict: bool = False) -> bool:
        return has_errors(self.diagnostics, strict)


@dataclass(frozen=True)
class Settings:
    """components.yaml, read: the page's settings and components, and what is wrong with them."""

    site: Site
    components: tuple[Component, ...]
    readable: bool
    """False when components.yaml could not be read or parsed at all (component ids then go unchecked)."""
    diagnostics: list[Diagnostic]

    @property
    def tz(self) -> dt.tzinfo:
        return _zone(self.site.timezone)

    @property
    def known(self) -> Mapping[str, Component] | None:
        """Component ids for checking incidents, or None when components.yaml could not be read at all."""
        return {c.id: c for c in self.components} if self.readable else None


def read_settings(source: Source) -> Settings:
    """Only components.yaml: for what needs the page's timezone before (or without) reading the incidents."""
    data, diagnostics = source.read(COMPONENTS_FILE)
    node = None
    if data is not None:
        text, problems = decode(data, COMPONENTS_FILE)
        diagnostics += problems
        if text is not None:
            node, problems = yamlnodes.parse(text, COMPONENTS_FILE, 1)
            diagnostics += problems + example_url_warnings(node, text)
    site, components, problems = validate_components(node)
    return Settings(site, components, node is not None, diagnostics + problems)


#: Makes the per-file job from the validated settings (a build's page renderer), or None for no job.
JobMaker = Callable[[Settings], "FileJob | None"]


def _listing(source: Source, settings: Settings) -> tuple[list[str], list[Diagnostic]]:
    """The incident files, and the problems of the repo as a whole: the listing, the theme, own phrases.

    One function for :func:`load` and :func:`load_verdict`, so both report the same problems.
    """
    paths, listing = source.incident_paths()
    if source.has_theme:
        listing += theme_problems(source.root)
    listing += overrides_problems(source.root, settings.site, source.has_theme)  # own phrases: words/overrides.py
    return list(paths), list(listing)


def load(source: Source, jobs: int = 1, job: JobMaker | None = None, cache: Cache | None = None) -> Project:
    """Read a status repo. Raises :class:`errors.RootError` only when it is not one; content problems are diagnostics.

    ``job`` is asked for a :class:`FileJob` once components.yaml is known to be valid, so a broken
    settings file is reported, never rendered with. With a ``cache``, a file whose bytes it knows
    is not read again, and its job is not done again when the job finds its result there.
    """
    source.check()
    settings = read_settings(source)
    paths, listing = _listing(source, settings)
    ready = not has_errors([*settings.diagnostics, *listing])
    file_job = job(settings) if job is not None and ready else None
    reading = Reading(source, settings.known, settings.site.timezone, file_job)
    usable = cache if cache is not None and cache.usable else None
    results = read_files(paths, reading, jobs) if usable is None else _read_cached(paths, reading, jobs, usable)
    return Project(
        source, settings.site, settings.components, settings, tuple(r.file for r in results), tuple(listing),
        {r.file.path: r.job_result for r in results if r.job_result is not None},
    )


def _read_cached(paths: Sequence[str], reading: Reading, jobs: int, cache: Cache) -> list[FileResult]:
    """:func:`read_files` with the cache: what it knows is taken from it, the rest is read (in parallel) and kept."""
    from .cache import reading_stamp

    store = cache.reads(reading_stamp(reading.known, reading.timezone))
    found: dict[str, FileResult] = {}
    todo: list[str] = []
    for relpath in paths:
        file = store.lookup(reading.source, relpath)
        done = None
        if file is not None and file.incident is not None and reading.job is not None:
            done = reading.job.cached(file)
            if done is None:
                todo.append(relpath)  # its job still has work to do: in a worker, with the reading
                continue
        if file is None:
            todo.append(relpath)
        else:
            found[relpath] = FileResult(file, done)
    for result in read_files(todo, reading, jobs):
        found[result.file.path] = result
        store.remember(result.file)
    store.forget_others()
    return [found[p] for p in paths]


def load_verdict(source: Source, now: dt.datetime, cache: Cache | None, jobs: int = 1) -> Project:
    """The repo as far as :meth:`Project.check` and :meth:`Project.errors` at ``now`` need it: their verdict
    (every diagnostic, in the same order) is the one a Project from :func:`load` gives, at a fraction of the cost.

    With the cache's verdict index (cache.py), a file whose bytes it knows is taken as its
    diagnostics alone (no incident, no updates) unless its verdict depends on ``now``: it has an
    update after ``now`` (E303, which also keeps its incident off the page), or its incident is
    open and so may be active (W101, W102). Those few, and every file the index does not know,
    are read in full, from the reading cache when it has them. No other rule looks at more than
    one file or at the clock, and a closed incident is never active, so leaving the others'
    incidents out changes neither the diagnostics nor the active incidents, nor their order
    (``derive`` orders incidents by start and id, each one's own). The Project is for verdicts
    only: its valid, closed incidents are not in it. Without a usable cache this is :func:`load`.
    """
    if cache is None or not cache.usable:
        return load(source, jobs, cache=cache)
    from .cache import micros, reading_stamp

    source.check()
    settings = read_settings(source)
    paths, listing = _listing(source, settings)
    stamp = reading_stamp(settings.known, settings.site.timezone)
    index = cache.verdicts(stamp)
    reads = cache.reads(stamp)
    limit = micros(now + FUTURE_TOLERANCE)
    found: dict[str, IncidentFile] = {}
    todo: list[str] = []
    for relpath in paths:
        verdict = index.lookup(source, relpath)
        if verdict is not None and not verdict.open and (verdict.latest is None or verdict.latest <= limit):
            found[relpath] = IncidentFile(relpath, None, (), verdict.diagnostics, verdict.digest)
            continue
        file = reads.lookup(source, relpath) if verdict is None else reads.known(relpath, verdict.digest)
        if file is None:
            todo.append(relpath)
        else:
            found[relpath] = file
            if verdict is None:
                index.remember(file)
    reading = Reading(source, settings.known, settings.site.timezone)
    for result in read_files(todo, reading, jobs):
        found[result.file.path] = result.file
        reads.remember(result.file)
        index.remember(result.file)
    files = tuple(found[p] for p in paths)
    return Project(source, settings.site, settings.components, settings, files, tuple(listing))


def activity_warnings(state: SiteState) -> list[Diagnostic]:
    """Warnings about active incidents: long silences frustrate users; week-long incidents are usually forgotten."""
    warnings = []
    for s in state.active:
        incident = s.incident
        if incident.impact is Impact.MAINTENANCE:
            continue
        last = incident.last_update
        silent = state.now - last.at
        if silent > SILENCE_LIMIT:
            minutes = int(silent.total_seconds() // 60)
            warnings.append(Diagnostic(incident.path, last.line, 1, rules.NO_RECENT_UPDATE,
                                       f"no update for {_span(minutes)} on an active incident"))
        if state.now - incident.started_at > LONG_INCIDENT:
            warnings.append(Diagnostic(incident.path, incident.updates[0].line, 1, rules.LONG_INCIDENT,
                                       "this incident has been active for over 7 days"))
    return warnings


def _span(minutes: int) -> str:
    if minutes < 120:
        return f"{minutes} minutes"
    if minutes < 48 * 60:
        return f"{minutes // 60} hours"
    return f"{minutes // 1440} days"

"""Per-incident work as independent units: read, validate and (for a build) render one page.

No incident depends on another, so a whole repo's incidents can be spread over worker
processes: each unit runs files → model → state → page for one file, and only the
small results come back. Markdown and templates dominate a cold build, and this is
what lets a 2-core machine use both cores for them (docs/performance.md).
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

from jinja2 import TemplateError

from .diagnostics import Diagnostic, Severity
from .load import load_incident
from .model import Component, Incident
from .outputs import BuildContext, OutputFile
from .state import incident_state
from .templating import ThemeError, template_problem
from .timeparse import load_zone
from .validate import validate_incident
from .write import write_files

#: Below this many files one process is faster than starting a pool.
POOL_THRESHOLD = 400
CHUNK = 200


@dataclass(frozen=True)
class UnitSettings:
    """What every unit needs, sent once to each worker."""

    root: Path
    known: Mapping[str, Component] | None
    """Component ids from components.yaml, or None when it could not be read (ids then go unchecked)."""
    timezone: str
    now: dt.datetime
    render: BuildContext | None = None
    """Set for a build: render the incident's page too."""
    names: Mapping[str, str] | None = None
    stage: Path | None = None
    """Where a build's pages are written (the staging folder); without it they are returned."""


@dataclass(frozen=True)
class UnitResult:
    path: str
    incident: Incident | None
    diagnostics: list[Diagnostic]
    page: OutputFile | None = None
    """The rendered page, when it was not written to the staging folder."""
    page_path: str | None = None
    """The page's path, once written to the staging folder."""


class UnitRunner:
    """Runs units in one process; holds the Jinja environment and the Markdown cache between them."""

    def __init__(self, settings: UnitSettings) -> None:
        self.settings = settings
        self.tz = load_zone(settings.timezone)
        self._folders: set[str] = set()
        self.renderer = None
        if settings.render is not None:
            from .outputs.pages import PageRenderer  # only a build renders; 'check' need not import it

            self.renderer = PageRenderer(settings.render, dict(settings.names or {}))

    def run(self, relpath: str) -> UnitResult:
        raw, diagnostics = load_incident(self.settings.root, relpath)
        incident, problems = validate_incident(raw, self.settings.known, self.tz, self.settings.now)
        diagnostics += problems
        if any(d.severity is Severity.ERROR for d in diagnostics):
            incident = None  # the loader's own errors (a duplicate key, a stray heading) also disqualify it
        if incident is None or self.renderer is None:
            return UnitResult(relpath, incident, diagnostics)
        page = self.renderer.incident(incident_state(incident, self.settings.now))
        if self.settings.stage is None:
            return UnitResult(relpath, incident, diagnostics, page)
        write_files(self.settings.stage, [page], self._folders)  # no page crosses a process boundary
        return UnitResult(relpath, incident, diagnostics, page_path=page.path)

    def run_many(self, relpaths: Sequence[str]) -> list[UnitResult]:
        return [self.run(p) for p in relpaths]


_worker: UnitRunner | None = None


def _init_worker(settings: UnitSettings) -> None:
    global _worker
    _worker = UnitRunner(settings)


def _run_chunk(relpaths: Sequence[str]) -> list[UnitResult]:
    assert _worker is not None
    try:
        return _worker.run_many(relpaths)
    except TemplateError as err:  # a traceback does not cross processes: describe it here, with file:line
        raise ThemeError(template_problem(err)) from None


def run_units(relpaths: Sequence[str], settings: UnitSettings, jobs: int) -> list[UnitResult]:
    """Every unit's result, in the order of ``relpaths``, using ``jobs`` processes when it pays off.

    This process is one of the ``jobs``: it takes chunks from the same queue as ``jobs - 1``
    workers, so no more processes compete than there are cores, and its share of the results
    never has to be pickled. Workers are kept two chunks ahead so they never wait for it.
    """
    if jobs <= 1 or len(relpaths) < POOL_THRESHOLD:
        return UnitRunner(settings).run_many(relpaths)
    queue = deque(enumerate(relpaths[i:i + CHUNK] for i in range(0, len(relpaths), CHUNK)))
    results: list[list[UnitResult]] = [[] for _ in queue]
    here = UnitRunner(settings)
    with ProcessPoolExecutor(jobs - 1, initializer=_init_worker, initargs=(settings,)) as pool:
        pending: dict[Future[list[UnitResult]], int] = {}
        while queue or pending:
            for future in [f for f in pending if f.done()]:
                results[pending.pop(future)] = future.result()
            while queue and len(pending) < 2 * (jobs - 1):
                index, chunk = queue.popleft()
                pending[pool.submit(_run_chunk, chunk)] = index
            if queue:
                index, chunk = queue.popleft()
                try:
                    results[index] = here.run_many(chunk)
                except TemplateError as err:
                    raise ThemeError(template_problem(err)) from None
            elif pending:
                wait(pending, return_when=FIRST_COMPLETED)
    return [result for chunk_results in results for result in chunk_results]


def has_error(results: Sequence[UnitResult]) -> bool:
    return any(d.severity is Severity.ERROR for r in results for d in r.diagnostics)

"""The pipeline: load, validate, derive, render, write. ``check`` is the first three.

Incident pages are rendered in a process pool when there are many: Markdown is the
dominant cost of a cold build (see docs/performance.md) and each page is independent.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

from .diagnostics import Diagnostic, has_errors
from .load import load_repo
from .model import StatusPage
from .outputs import BuildContext, OutputFile
from .outputs.pages import PageRenderer, asset_versions, sitemap, static_outputs
from .state import IncidentState, SiteState, activity_warnings, derive
from .validate import validate
from .write import write_site

#: Below this many incidents one process is faster than starting a pool.
POOL_THRESHOLD = 400
CHUNK = 250


class BuildError(Exception):
    """The site cannot be built for a reason that is not a content error (e.g. no base URL)."""


@dataclass(frozen=True)
class CheckResult:
    page: StatusPage
    state: SiteState
    diagnostics: list[Diagnostic]
    files_checked: int

    def failed(self, strict: bool = False) -> bool:
        return has_errors(self.diagnostics, strict)


@dataclass(frozen=True)
class BuildResult:
    check: CheckResult
    written: int = 0
    seconds: float = 0.0
    files: list[OutputFile] = field(default_factory=list, repr=False)


def check(root: Path, now: dt.datetime) -> CheckResult:
    """Load and validate a status repo and derive its state at ``now``; never raises on content."""
    raw = load_repo(root)
    page, diagnostics = validate(raw, now)
    state = derive(page, now)
    if not has_errors(diagnostics):
        diagnostics += activity_warnings(state)
    return CheckResult(page, state, diagnostics, len(raw.incidents) + 1)


# --- incident pages, possibly in worker processes ------------------------------------------------

_worker: PageRenderer | None = None


def _init_worker(ctx: BuildContext, names: dict[str, str]) -> None:
    global _worker
    _worker = PageRenderer(ctx, names)


def _render_chunk(states: Sequence[IncidentState]) -> list[OutputFile]:
    assert _worker is not None
    return _worker.incidents(states)


def render_incident_pages(
    renderer: PageRenderer, states: Sequence[IncidentState], names: dict[str, str], jobs: int
) -> list[OutputFile]:
    if jobs <= 1 or len(states) < POOL_THRESHOLD:
        return renderer.incidents(states)
    chunks = [states[i:i + CHUNK] for i in range(0, len(states), CHUNK)]
    with ProcessPoolExecutor(jobs, initializer=_init_worker, initargs=(renderer.ctx, names)) as pool:
        return [page for pages in pool.map(_render_chunk, chunks) for page in pages]


def default_jobs() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


OutputStep = Callable[[SiteState, BuildContext], Iterable[OutputFile]]
#: Renderers of machine-readable outputs (JSON API, feeds, badges, calendar) register here.
EXTRA_OUTPUTS: list[OutputStep] = []


def render_site(state: SiteState, root: Path, base_url: str, jobs: int) -> list[OutputFile]:
    """Every output file of the site, in a stable order."""
    statics = static_outputs(root)
    ctx = BuildContext(root=root, base_url=base_url, site=state.page.site, assets=asset_versions(statics))
    names = {c.id: c.name for c in state.page.components}
    renderer = PageRenderer(ctx, names)
    files = list(statics)
    files += render_incident_pages(renderer, state.incidents, names, jobs)
    files.append(renderer.index(state))
    files += renderer.history(state)
    files.append(renderer.not_found())
    files.append(sitemap(state, ctx))
    for step in EXTRA_OUTPUTS:
        files += step(state, ctx)
    return files


def resolve_base_url(option: str | None, page: StatusPage) -> str:
    url = option or page.site.url
    if not url:
        raise BuildError(
            "the site's absolute URL is unknown, so feeds and the sitemap would have broken links: "
            "add 'url: https://status.example.com/' under 'site:' in components.yaml, or pass --base-url"
        )
    if not url.startswith(("http://", "https://")):
        raise BuildError(f"--base-url must be an absolute http(s) URL, not '{url}'")
    return url if url.endswith("/") else url + "/"


def build(root: Path, out: Path, now: dt.datetime, base_url: str | None = None, jobs: int | None = None) -> BuildResult:
    """Check, and when there is no error render and write the site. The old site survives any failure."""
    started = time.perf_counter()
    result = check(root, now)
    if result.failed():
        return BuildResult(result)
    url = resolve_base_url(base_url, result.page)
    files = render_site(result.state, root, url, jobs or default_jobs())
    written = write_site(files, out)
    return BuildResult(result, written, time.perf_counter() - started, files)

"""The pipeline: load, validate, derive, render, write. ``check`` is the first three.

Each incident goes through all of it as an independent unit, spread over processes
(units.py): Markdown and templates are most of a cold build (docs/performance.md). The
aggregate pages and machine outputs follow in one pass each over the derived state.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import TemplateError

from .config import split_url, validate_components
from .diagnostics import Diagnostic, has_errors
from .load import check_root, incident_paths, load_components
from .model import Site, StatusPage
from .outputs import BuildContext, OutputFile
from .state import SiteState, activity_warnings, derive
from .templating import ThemeError, template_problem
from .units import UnitSettings, run_units
from .write import Staging


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
    paths: list[str] = field(default_factory=list, repr=False)
    """Every file of the site, relative to the output folder."""


def check(root: Path, now: dt.datetime, jobs: int = 1) -> CheckResult:
    """Load and validate a status repo and derive its state at ``now``; never raises on content."""
    return _check(root, now, jobs, render=None)[0]


def _check(
    root: Path, now: dt.datetime, jobs: int, render: Callable[[Site], BuildContext | None] | None,
    stage: Path | None = None,
) -> tuple[CheckResult, list[str]]:
    """The check, optionally rendering each valid incident's page in the same pass.

    ``render`` makes the build context from the validated settings; it is called only when
    components.yaml is valid, so a broken settings file is reported, not rendered with. The
    pages are written into ``stage`` by whichever process rendered them; their paths are returned.
    """
    check_root(root)
    node, diagnostics = load_components(root)
    site, components, problems = validate_components(node)
    diagnostics += problems
    paths, problems = incident_paths(root)
    diagnostics += problems
    ctx = render(site) if render is not None and not has_errors(diagnostics) else None
    settings = UnitSettings(
        root=root,
        known={c.id: c for c in components} if node is not None else None,
        timezone=site.timezone,
        now=now,
        render=ctx,
        names={c.id: c.name for c in components},
        stage=stage,
    )
    results = run_units(paths, settings, jobs)
    for unit in results:
        diagnostics += unit.diagnostics
    incidents = tuple(sorted((u.incident for u in results if u.incident is not None), key=lambda i: i.id))
    page = StatusPage(site, components, incidents)
    state = derive(page, now)
    if not has_errors(diagnostics):
        diagnostics += activity_warnings(state)
    pages = [u.page_path for u in results if u.page_path is not None]
    return CheckResult(page, state, diagnostics, len(paths) + 1), pages


def default_jobs() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


OutputStep = Callable[[SiteState, BuildContext], Iterable[OutputFile]]


def machine_outputs() -> list[OutputStep]:
    """The renderers of machine-readable outputs: JSON API, feeds, badges, calendar."""
    from .outputs import api, badges, calendar, feeds

    return [api.render, feeds.render, badges.render, calendar.render]


def build_context(root: Path, site: Site, base_url: str) -> tuple[BuildContext, list[OutputFile]]:
    """The shared render context and the static files it fingerprints."""
    from .outputs.pages import asset_versions, static_outputs

    statics = static_outputs(root)
    return BuildContext(root=root, base_url=base_url, site=site, assets=asset_versions(statics)), statics


def render_site(
    state: SiteState, root: Path, base_url: str, incident_pages: Sequence[OutputFile] | None = None
) -> list[OutputFile]:
    """Every output file of the site, in a stable order.

    ``incident_pages`` are pages rendered elsewhere (a build's units write their own; the
    preview keeps them in a cache): then only the aggregate pages and outputs are made here.
    """
    try:
        return _render_site(state, root, base_url, incident_pages)
    except TemplateError as err:
        raise BuildError(template_problem(err)) from None


def _render_site(
    state: SiteState, root: Path, base_url: str, incident_pages: Sequence[OutputFile] | None
) -> list[OutputFile]:
    from .outputs.pages import PageRenderer, sitemap

    ctx, statics = build_context(root, state.page.site, base_url)
    renderer = PageRenderer(ctx, {c.id: c.name for c in state.page.components})
    files = list(statics)
    files += renderer.incidents(state.incidents) if incident_pages is None else incident_pages
    files.append(renderer.index(state))
    files += renderer.history(state)
    files.append(renderer.not_found())
    files.append(sitemap(state, ctx))
    for step in machine_outputs():
        files += step(state, ctx)
    return files


def resolve_base_url(option: str | None, site_url: str | None) -> str:
    url = option or site_url
    if not url:
        raise BuildError(
            "the site's absolute URL is unknown, so feeds and the sitemap would have broken links: "
            "add 'url: https://status.example.com/' under 'site:' in components.yaml, or pass --base-url"
        )
    parts = split_url(url)
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise BuildError(f"--base-url must be an absolute http(s) URL like 'https://status.example.com/', not '{url}'")
    return url if url.endswith("/") else url + "/"


def check_out_folder(root: Path, out: Path) -> None:
    """Refuse an output folder whose replacement would delete the status repo or another project.

    The output folder is replaced as a whole, so it must not be the repo, hold it, lie inside its
    sources, or be something that is clearly not a built site (a git checkout, a status repo).
    """
    repo, target = root.resolve(), out.resolve()
    sources = [repo / "incidents", repo / "theme", repo / "components.yaml", repo / ".git"]
    if target == repo or target in repo.parents or any(target == s or s in target.parents for s in sources):
        raise BuildError(f"refusing to build into {out}: the output folder is replaced as a whole and this one "
                         f"holds the status repo's own files; use a folder of its own, such as {root / 'site'}")
    if target.is_dir() and any((target / name).exists() for name in (".git", "components.yaml")):
        raise BuildError(f"refusing to build into {out}: it holds a git checkout or a status repo, which "
                         "replacing it would delete; use an empty folder or a previously built site")


def build(root: Path, out: Path, now: dt.datetime, base_url: str | None = None, jobs: int | None = None) -> BuildResult:
    """Check, and when there is no error render and write the site. The old site survives any failure."""
    started = time.perf_counter()
    jobs = jobs or default_jobs()
    check_root(root)
    check_out_folder(root, out)

    def context(site: Site) -> BuildContext | None:
        try:
            return build_context(root, site, resolve_base_url(base_url, site.url))[0]
        except BuildError:
            return None  # reported after the check, so content errors are shown first

    with Staging(out) as staging:  # leaving the block without commit() deletes it: the old site stays
        try:
            result, pages = _check(root, now, jobs, render=context, stage=staging.path)
        except TemplateError as err:
            raise BuildError(template_problem(err)) from None
        except ThemeError as err:  # raised in a worker process, already described
            raise BuildError(str(err)) from None
        if result.failed():
            return BuildResult(result)
        url = resolve_base_url(base_url, result.page.site.url)
        files = render_site(result.state, root, url, incident_pages=[])  # the units wrote them
        staging.add(files)
        written = staging.commit(written_elsewhere=pages)
        paths = [*staging.paths, *pages]
    return BuildResult(result, written, time.perf_counter() - started, sorted(paths))

"""The pipeline: read, check, derive, render, write. ``check`` is the first three.

The status repo is read once, as a Project (project.py); a build renders each valid incident's
page where it was read (:class:`PageJob`, spread over processes with the reading: Markdown and
templates are most of a cold build, docs/performance.md). The aggregate pages and machine
outputs follow in one pass each over the derived state, and the one writer (write.py) swaps the
whole site in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import TemplateError

from .. import routes
from ..errors import GitstatusError
from ..model import Component, Incident, Site
from ..outputs import BuildContext, OutputFile
from ..project import CheckResult, FileJob, Project, Settings, default_jobs, load
from ..read.incident import IncidentFile
from ..read.settings import UrlError, check_site_url
from ..slug import is_id
from ..source import Disk, Source
from ..state import IncidentState, SiteState, incident_state
from ..templating import ThemeError, template_problem
from ..words import Words, using
from ..words.overrides import site_words, theme_words
from ..write import OutFolderError, Reserved, Staging, WriteError

if TYPE_CHECKING:
    from ..cache import Cache, PageStore
    from ..outputs.pages import KeptPages, PageRenderer, StoredPages


class BuildError(GitstatusError):
    """The site cannot be built for a reason that is not a content error (e.g. no base URL, a broken theme)."""


@dataclass(frozen=True)
class BuildResult:
    check: CheckResult
    written: int = 0
    seconds: float = 0.0
    paths: list[str] = field(default_factory=list, repr=False)
    """Every file of the site, relative to the output folder."""


def check(root: Path, now: dt.datetime, jobs: int = 1, source: Source | None = None) -> CheckResult:
    """Read and check a status repo and derive its state at ``now``; never raises on content."""
    return load(source or Disk(root), jobs).check(now)


class PageJob(FileJob):
    """Renders one valid incident's page in the process that read it and hands it to the writer.

    With a cache (``pages``), a page whose key is there is hard-linked into the staging folder
    instead, and a page rendered here is linked into the cache for the next build.
    """

    def __init__(self, ctx: BuildContext, components: Sequence[Component], now: dt.datetime,
                 reserved: Reserved, pages: PageStore | None = None, reading: str = "") -> None:
        self.ctx = ctx
        self.names = {c.id: c.name for c in components}
        self.now = now
        self.reserved = reserved
        self.pages = pages
        self.reading = reading
        self.renderer: PageRenderer | None = None
        self.keys: dict[str, str] = {}
        """The keys this process computed, by incident path (the main process's: what the cache keeps)."""

    def __getstate__(self) -> dict[str, object]:
        return {k: (None if k == "renderer" else {} if k == "keys" else v) for k, v in self.__dict__.items()}

    def key(self, relpath: str, digest: bytes, state: IncidentState) -> str | None:
        """The page's cache key: the incident's file and reading, and what of ``now`` the page shows."""
        if self.pages is None or not digest:
            return None
        ended = state.ended_at.isoformat() if state.ended_at else ""
        key = self.pages.key(relpath, digest, self.reading, (state.phase.value, state.started_at.isoformat(), ended))
        self.keys[relpath] = key
        return key

    def cached(self, file: IncidentFile) -> str | None:
        assert file.incident is not None
        key = self.key(file.path, file.digest, incident_state(file.incident, self.now))
        if key is None or self.pages is None or not self.pages.valid(key):
            return None
        return self.reserved.link(self.pages.path(key), routes.incident(file.incident.id))

    def run(self, incident: Incident, digest: bytes = b"") -> str | None:
        from ..outputs.pages import PageRenderer  # only a build renders; 'check' need not import it

        state = incident_state(incident, self.now)
        key = self.key(incident.path, digest, state)
        if key is not None and self.pages is not None and self.pages.valid(key):
            linked = self.reserved.link(self.pages.path(key), routes.incident(incident.id))
            if linked is not None:
                return linked
        if self.renderer is None:
            self.renderer = PageRenderer(self.ctx, self.names)
        try:
            with using(self.ctx.words):
                page = self.renderer.incident(state)
        except TemplateError as err:  # a traceback does not cross processes: describe it here, with file:line
            raise BuildError(template_problem(err)) from None
        path = self.reserved.write(page)
        if key is not None and self.pages is not None:
            self.pages.add(key, self.reserved.staged(path))
        return path


OutputStep = Callable[[SiteState, BuildContext], Iterable[OutputFile]]


def machine_outputs() -> list[OutputStep]:
    """The renderers of machine-readable outputs: JSON API, feeds, badges, calendar."""
    from ..outputs import api, badges, calendar, feeds

    return [api.render, feeds.render, badges.render, calendar.render]


def language_outputs() -> list[OutputStep]:
    """The machine outputs each language has its own of (feeds, badges, calendar); the JSON API is shared."""
    from ..outputs import badges, calendar, feeds

    return [feeds.render, badges.render, calendar.render]


def translations(root: Path, site: Site) -> tuple[Words, ...]:
    """Each language's catalogue with the repo's own phrases (theme/words/, then components.yaml's words:)."""
    theme, _ = theme_words(root, site)  # check reported their problems; what is usable is used
    return tuple(site_words(site, language, theme) for language in site.all_languages)


def build_context(root: Path, site: Site, base_url: str) -> tuple[BuildContext, list[OutputFile]]:
    """The shared render context (with each language's words) and the static files it fingerprints."""
    from ..outputs.pages import asset_versions, static_outputs

    try:
        statics = static_outputs(root)
    except ThemeError as err:  # check reported it already, unless the file changed since
        raise BuildError(str(err)) from None
    return BuildContext(root=root, base_url=base_url, site=site, assets=asset_versions(statics),
                        translations=translations(root, site)), statics


def render_site(
    state: SiteState, root: Path, base_url: str, incident_pages: Sequence[OutputFile] | None = None,
    renderer: PageRenderer | None = None, kept: KeptPages | None = None,
) -> list[OutputFile]:
    """Every output file of the site, in a stable order.

    ``incident_pages`` are pages rendered elsewhere (a build's units write their own; the
    preview keeps them in a cache): then only the aggregate pages and outputs are made here.
    ``renderer`` is one made for the same context before (the preview keeps its templates);
    ``kept`` are month pages rendered before (the build's cache).
    """
    try:
        return _render_site(state, root, base_url, incident_pages, renderer, kept)
    except TemplateError as err:
        raise BuildError(template_problem(err)) from None


def _render_site(
    state: SiteState, root: Path, base_url: str, incident_pages: Sequence[OutputFile] | None,
    renderer: PageRenderer | None, kept: KeptPages | None,
) -> list[OutputFile]:
    from ..outputs.pages import PageRenderer, sitemap

    ctx, statics = build_context(root, state.page.site, base_url)
    names = {c.id: c.name for c in state.page.components}
    files = list(statics)
    for tree in ctx.trees():  # the default language at the root, then each other one in its folder
        if tree.tree:  # another language: its own templates' words, nothing kept from the default's pages
            mine = PageRenderer(tree, names)
        else:
            mine = renderer or PageRenderer(tree, names)
            if kept is not None:
                mine.kept = kept
        with using(tree.words):
            made = _render_tree(state, tree, mine, incident_pages if not tree.tree else None)
        files += [OutputFile(tree.tree + f.path, f.data) for f in made] if tree.tree else made
    files.append(sitemap(state, ctx))
    return files


def _render_tree(state: SiteState, ctx: BuildContext, renderer: PageRenderer,
                 incident_pages: Sequence[OutputFile] | None) -> list[OutputFile]:
    """One language's pages and outputs, with paths in its tree; the shared ones (the JSON API, 404) only
    in the default language's."""
    files = renderer.incidents(state.incidents) if incident_pages is None else list(incident_pages)
    files.append(renderer.index(state))
    files += renderer.history(state)
    files.append(renderer.subscribe(state))
    if not ctx.tree:
        files.append(renderer.not_found())
    for step in machine_outputs() if not ctx.tree else language_outputs():
        files += step(state, ctx)
    return files


def page_fingerprint(ctx: BuildContext, components: Sequence[Component]) -> str:
    """What every incident page shares, for the cache's keys: the context, the component names, the own templates.

    The built-in theme and gitstatus itself are in the cache's code stamp; static files are in
    ``ctx.assets`` by their hashes.
    """
    from ..source import read_bytes
    from ..themes import own_files

    parts = [repr((ctx.base_url, ctx.site, sorted(ctx.assets.items()), [(c.id, c.name) for c in components]))]
    # every language's words as used, the repo's own phrases (components.yaml's, theme/words/) laid over
    parts += [json.dumps([words.language, words.texts], sort_keys=True, ensure_ascii=False)
              for words in ctx.translations]
    templates, _ = own_files(ctx.root, "templates")
    for relpath in templates:
        data, _ = read_bytes(ctx.root, relpath)
        parts.append(f"{relpath}\0{hashlib.sha256(data).hexdigest() if data is not None else '-'}")
    return "\n".join(parts)


def _stored_months(store: PageStore, project: Project) -> StoredPages:
    from ..outputs.pages import StoredPages

    return StoredPages(store, {f.path: f.digest for f in project.files})


def _page_keys(job: PageJob, project: Project, now: dt.datetime) -> list[str]:
    """The cache keys of the incident pages this build made (what the cache keeps)."""
    keys = (job.keys.get(f.path) or job.key(f.path, f.digest, incident_state(f.incident, now))
            for f in project.files if f.incident is not None)
    return [k for k in keys if k is not None]


def resolve_base_url(option: str | None, site_url: str | None) -> str:
    """The base URL of every absolute link: ``--base-url``, else ``site.url``, held to the one rule for both."""
    url = option or site_url
    if not url:
        raise BuildError(
            "the site's absolute URL is unknown, so feeds and the sitemap would have broken links: "
            "add 'url: https://status.example.com/' under 'site:' in components.yaml, or pass --base-url"
        )
    try:
        return check_site_url(url)
    except UrlError as err:
        raise BuildError(f"{'--base-url' if option else 'site.url'} {err}") from None


def repo_sources(root: Path) -> list[Path]:
    """The status repo's own files and folders, which no output folder may be, hold or lie inside."""
    return [root / "incidents", root / "theme", root / "components.yaml", root / ".git"]


def planned_pages(paths: Iterable[str]) -> list[str]:
    """The incident pages a build may write: one per incident file whose name is a valid id."""
    stems = (p.rsplit("/", 1)[-1].removesuffix(".md") for p in paths)
    return [routes.path("incident", id=stem) for stem in stems if is_id(stem)]


def build(root: Path, out: Path, now: dt.datetime, base_url: str | None = None, jobs: int | None = None,
          cache: Cache | None = None) -> BuildResult:
    """Check, and when there is no error render and write the site. The old site survives any failure.

    Raises :class:`WriteError` naming ``out`` when the disk (or a renderer) fails the writing,
    :class:`OutFolderError` when ``out`` is not the build's to replace, :class:`BuildError` when
    the site cannot be made, :class:`~gitstatus.errors.RootError` when ``root`` is no status repo.
    """
    try:
        return _build(root, out, now, base_url, jobs, cache)
    except OutFolderError:  # not a failure to write: the user must choose another folder
        raise
    except (WriteError, OSError) as err:
        raise WriteError(f"cannot write {out}: {err}; the previous site was left as it was") from err


def _build(root: Path, out: Path, now: dt.datetime, base_url: str | None, jobs: int | None,
           cache: Cache | None) -> BuildResult:
    started = time.perf_counter()
    jobs = jobs or default_jobs()
    source = Disk(root)
    source.check()

    # Refuses (OutFolderError) an output folder that holds what a build did not write, before any work.
    with Staging(out, protect=repo_sources(root)) as staging:  # leaving without commit() deletes it
        reserved = staging.reserve(planned_pages(source.incident_paths()[0]))
        made: list[PageJob] = []

        def page_job(settings: Settings) -> FileJob | None:
            try:
                ctx = build_context(root, settings.site, resolve_base_url(base_url, settings.site.url))[0]
            except BuildError:
                return None  # reported after the check, so content errors are shown first
            if cache is None or not cache.usable:
                return PageJob(ctx, settings.components, now, reserved)
            from ..cache import reading_stamp

            pages = cache.pages(page_fingerprint(ctx, settings.components))
            cache.load_markdown()
            made.append(PageJob(ctx, settings.components, now, reserved, pages,
                                reading_stamp(settings.known, settings.site.timezone)))
            return made[0]

        try:
            project = load(source, jobs, job=page_job, cache=cache)
        except TemplateError as err:
            raise BuildError(template_problem(err)) from None
        except ThemeError as err:
            raise BuildError(str(err)) from None
        result = project.check(now)
        if result.failed():
            if cache is not None:
                cache.save()
            return BuildResult(result)
        url = resolve_base_url(base_url, result.page.site.url)
        kept = _stored_months(made[0].pages, project) if made and made[0].pages is not None else None
        files = render_site(result.state, root, url, incident_pages=[], kept=kept)  # the workers wrote the rest
        staging.add(files)
        pages = sorted(project.job_results.values())
        written = staging.commit(written_elsewhere=pages)
        paths = [*staging.paths, *pages]
    if cache is not None:
        used = _page_keys(made[0], project, now) if made else []
        used += kept.stored if kept is not None else []
        cache.save(used_pages=used, new_pages=used)
    return BuildResult(result, written, time.perf_counter() - started, sorted(paths))

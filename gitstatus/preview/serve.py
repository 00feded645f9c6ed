"""``gitstatus serve``: a preview that rebuilds on every save and reloads the browser.

The site is built into a temporary folder (the writer's ``site/`` is never touched) with the
server's own URL as the base URL, and served by the standard library's threaded HTTP server
(``preview_http.py``).
A watchdog observer reports changes under ``incidents/``, ``components.yaml`` and ``theme/``;
a burst of saves is debounced into one rebuild, in this process, so rendered Markdown stays
cached between rebuilds. Each rebuild bumps a version that a small script, added to HTML
responses only (never to the files), hears on a Server-Sent Events stream: it reloads the
page. While the files have errors every HTML request gets a page listing them, and the next
good build brings the site back. Nothing here can stop the server but Ctrl-C.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import secrets
import shutil
import signal
import sys
import tempfile
import threading
import time
import traceback
import webbrowser
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import jinja2
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from ..commands.build import BuildError, build_context, render_site
from ..errors import RootError
from ..outputs import OutputFile
from ..outputs.pages import KeptPages, PageRenderer
from ..preview.http import Hub, PreviewServer, Snapshot, is_loopback, make_server, server_url
from ..project import Project, load
from ..read.document import COMPONENTS_FILE, INCIDENTS_DIR
from ..report import format_text
from ..source import Disk, check_root, is_editor_temp
from ..state import IncidentState, SiteState, StateMemo
from ..templating import template_problem as build_template_problem
from ..terminal import printable
from ..timeparse import resolve_now
from ..write import SyncedFolder

QUIET = 0.05
"""Seconds without a new event before a rebuild starts: editors save in bursts of a few ms (a write, a
rename, a backup), so 50 ms sees a burst through while adding little to the save → reload time."""
MAX_WAIT = 1.0
"""A steady stream of events still rebuilds at least this often."""


# --- which changes matter --------------------------------------------------------------------------

def classify(relpath: str) -> str | None:
    """What a changed path (relative to the repo, forward slashes) is: incident, components, theme, or None."""
    parts = PurePosixPath(relpath).parts
    if not parts or any(is_editor_temp(p) for p in parts):
        return None
    if parts == (COMPONENTS_FILE,):
        return "components"
    if parts[0] == INCIDENTS_DIR and (len(parts) == 1 or (len(parts) == 2 and parts[1].endswith(".md"))):
        return "incident"
    if parts[0] == "theme":
        return "theme"
    return None


# --- building -------------------------------------------------------------------------------------

def _template_frames(err: BaseException) -> list[traceback.FrameSummary]:
    """Traceback frames in template files (Jinja rewrites them to point at the template's lines)."""
    return [f for f in traceback.extract_tb(err.__traceback__) if f.filename.endswith((".html", ".xml", ".txt"))]


def template_problem(err: Exception, root: Path) -> str:
    """Where in which template a rendering failed, and why, with paths relative to the repo."""
    if isinstance(err, jinja2.TemplateError):
        text = build_template_problem(err)
    else:  # e.g. {{ 1 + "a" }}: a Python error raised from a template's line
        frames = _template_frames(err)
        where = f" at {frames[-1].filename}:{frames[-1].lineno}" if frames else ""
        text = f"a theme template cannot be rendered{where}: {type(err).__name__}: {err}"
    return _relative(text, root)


def _relative(text: str, root: Path) -> str:
    return text.replace(f"{root.resolve()}{os.sep}", "")


class PageCache:
    """Incident pages of the previous build, reused while the incident, its state and the theme are unchanged.

    A page is a function of its incident's state and of the shared context (settings, component
    names, asset hashes, templates). An incident is a function of its file's bytes and the
    settings, so a page is keyed by the file's content hash and what of ``now`` it shows (its
    phase and interval), and the whole cache is dropped when the context changes. The renderer
    (its template environment) is kept as long as the context is.
    """

    def __init__(self) -> None:
        self.fingerprint = ""
        self.pages: dict[tuple[object, ...], OutputFile] = {}
        self.same: dict[int, tuple[IncidentState, tuple[object, ...], OutputFile]] = {}
        """Per state kept by the memo (by identity), its page's key and page: found without making the key again."""
        self.rendered = 0
        self.renderer: PageRenderer | None = None

    def incident_pages(self, state: SiteState, root: Path, base_url: str, generation: int,
                       digests: Mapping[str, bytes] | None = None) -> list[OutputFile]:
        ctx, _ = build_context(root, state.page.site, base_url)
        names = {c.id: c.name for c in state.page.components}
        fingerprint = repr((ctx, names, generation))
        if fingerprint != self.fingerprint or self.renderer is None:
            self.fingerprint, self.pages, self.renderer = fingerprint, {}, PageRenderer(ctx, names)
            self.same = {}
            self.renderer.kept = KeptPages(digests or {})  # month pages whose incidents did not change are reused
        elif self.renderer.kept is not None:
            self.renderer.kept.renew(digests or {})
        renderer = self.renderer
        pages: dict[tuple[object, ...], OutputFile] = {}
        same: dict[int, tuple[IncidentState, tuple[object, ...], OutputFile]] = {}
        self.rendered = 0
        for incident in state.incidents:
            known = self.same.get(id(incident))
            if known is not None and known[0] is incident:
                key, page = known[1], known[2]  # the very state of the last rebuild (state.StateMemo): its page
            else:
                digest = digests.get(incident.incident.path) if digests is not None else None
                key = ((incident.incident.path, digest, incident.phase, incident.started_at, incident.ended_at)
                       if digest else (repr(incident),))
                found = self.pages.get(key)
                if found is None:
                    found = renderer.incident(incident)
                    self.rendered += 1
                page = found
            pages[key] = page
            same[id(incident)] = (incident, key, page)
        self.pages, self.same = pages, same
        return list(pages.values())


class Builder:
    """Builds the site into ``out``; :meth:`build` never raises, it reports."""

    def __init__(self, root: Path, out: Path, base_url: str, now: dt.datetime | None,
                 log: Callable[[str], None]) -> None:
        self.root, self.out, self.base_url, self.now, self.log = root, out, base_url, now, log
        self.session = secrets.token_hex(4)
        self.epoch = 0
        self.generation = 0
        """Bumped when anything but an incident changes: templates are not part of the page cache's key."""
        self.cache = PageCache()
        self.folder = SyncedFolder(out)
        self.project: Project | None = None
        """The repo as the last build read it: a save re-reads only the incident files it changed."""
        self.pending: set[str] = set()
        self.memo = StateMemo()
        """Incident states kept between rebuilds: an incident a save did not touch keeps its state."""

    def build(self, changed: Sequence[str]) -> Snapshot:
        self.epoch += 1
        if any(classify(path) != "incident" for path in changed):
            self.generation += 1
        if any(classify(path) != "incident" or path == INCIDENTS_DIR for path in changed):
            self.project = None  # settings, theme or the folder itself: read everything again
        self.pending.update(changed)
        version = f"{self.session}-{self.epoch}"
        started = time.perf_counter()
        what = _changed_text(changed)
        whole = self.project is None
        try:
            outcome = self._build()
        except Exception as err:  # the server must outlive any bug in a renderer: show it and keep going
            self.log(f"Internal error while building{what}; the browser shows it\n{traceback.format_exc()}")
            return Snapshot(version, False, (f"internal error: {type(err).__name__}: {err}",))
        seconds = time.perf_counter() - started
        if whole and self.project is not None:
            settle_memory()
        if not outcome.ok:
            count = len(outcome.problems)
            self.log(f"{count} problem{'' if count == 1 else 's'} after {seconds:.2f} s{what}; "
                     "the browser lists them:\n" + "\n".join(f"  {p}" for p in outcome.problems))
            return Snapshot(version, False, tuple(outcome.problems))
        notes = "".join(f"\n  {p}" for p in outcome.problems)  # warnings: the site is built all the same
        self.log(f"Rebuilt in {seconds:.2f} s{what}: {_count(outcome.incidents, 'incident')}, "
                 f"{_count(self.cache.rendered, 'incident page')} rendered, "
                 f"{_count(outcome.written, 'file')} written{notes}")
        return Snapshot(version, True)

    def _build(self) -> _Outcome:
        """Check, render and write; content, template and disk errors come back as problems to show."""
        try:
            now = self.now or resolve_now(None)
            result = self._read().check(now, self.memo)
        except RootError as err:
            if self.root.is_dir() and not (self.root / COMPONENTS_FILE).exists():
                return _Outcome(False, [f"{COMPONENTS_FILE}: the file is missing; the preview comes back when it does"])
            return _Outcome(False, [f"{self.root}: {err}"])
        except ValueError as err:  # a bad SOURCE_DATE_EPOCH
            return _Outcome(False, [f"now: {err}"])
        if result.failed():
            return _Outcome(False, format_text(result.diagnostics))
        try:
            digests = {f.path: f.digest for f in result.project.files}
            pages = self.cache.incident_pages(result.state, self.root, self.base_url, self.generation, digests)
            files = render_site(result.state, self.root, self.base_url, incident_pages=pages,
                                renderer=self.cache.renderer)
        except BuildError as err:  # a theme template's mistake, described by the build
            return _Outcome(False, [_relative(str(err), self.root)])
        except Exception as err:
            if not isinstance(err, jinja2.TemplateError) and not _template_frames(err):
                raise
            return _Outcome(False, [template_problem(err, self.root)])
        try:
            written = self.folder.sync(files)
        except OSError as err:
            self.folder.digests = {}  # unknown state on disk: rewrite everything next time
            return _Outcome(False, [f"{self.out}: cannot write the preview: {err}"])
        return _Outcome(True, format_text(result.diagnostics), len(result.page.incidents), written)


    def _read(self) -> Project:
        """The repo now: the kept Project with the changed files read again, or (the first time, and after a
        change to the settings or the theme) all of it."""
        if self.project is None:
            self.project = load(Disk(self.root))
        elif self.pending:
            self.project = self.project.reread(self.pending)
        self.pending = set()
        return self.project


def settle_memory() -> None:
    """After reading the whole repo: what the last full reading left behind is collected, and what is
    kept now (the Project, the pages, the states, the templates) is moved out of the collector's way.

    With 10,000 incidents the kept objects number in the millions; a full collection walking them in
    the middle of a rebuild cost up to 0.25 s. Frozen, they are freed by reference counting as saves
    replace them (the model is acyclic); the next full reading unfreezes and collects what is left.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()


@dataclass(frozen=True)
class _Outcome:
    ok: bool
    problems: list[str]
    incidents: int = 0
    written: int = 0


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _changed_text(changed: Sequence[str]) -> str:
    if not changed:
        return ""
    shown = ", ".join(printable(path) for path in changed[:3])  # a file's name must not break the log's lines
    shown += f" and {len(changed) - 3} more" if len(changed) > 3 else ""
    return f" ({shown} changed)"


# --- watching -----------------------------------------------------------------------------------------

class Debouncer:
    """Collects changed paths and calls ``rebuild`` once a burst of saves has settled."""

    def __init__(self, rebuild: Callable[[list[str]], None]) -> None:
        self.rebuild = rebuild
        self.pending: set[str] = set()
        self.first = self.last = 0.0
        self.stopped = False
        self._cond = threading.Condition()
        self.thread = threading.Thread(target=self._run, name="gitstatus-rebuild", daemon=True)

    def add(self, relpath: str) -> None:
        with self._cond:
            now = time.monotonic()
            if not self.pending:
                self.first = now
            self.pending.add(relpath)
            self.last = now
            self._cond.notify()

    def stop(self) -> None:
        with self._cond:
            self.stopped = True
            self._cond.notify()

    def _run(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self.stopped or bool(self.pending))
                while not self.stopped:
                    remaining = min(self.last + QUIET, self.first + MAX_WAIT) - time.monotonic()
                    if remaining <= 0:
                        break
                    self._cond.wait(remaining)
                if self.stopped:
                    return
                batch, self.pending = sorted(self.pending), set()
            try:
                self.rebuild(batch)
            except Exception:  # the watch must go on; Builder.build itself never raises
                print(f"gitstatus serve: rebuild failed\n{traceback.format_exc()}", file=sys.stderr, flush=True)


class Watcher(FileSystemEventHandler):
    """Feeds relevant changes to the debouncer; watches incidents/ and theme/ as they come and go."""

    WATCHED = ((INCIDENTS_DIR, False), ("theme", True))
    KINDS = frozenset({"created", "modified", "deleted", "moved", "closed"})

    def __init__(self, root: Path, debouncer: Debouncer) -> None:
        self.root = root.resolve()
        self.debouncer = debouncer
        self.observer = Observer()
        self.watches: dict[str, tuple[object, int]] = {}
        self._lock = threading.Lock()

    def start(self) -> None:
        self.observer.schedule(self, str(self.root), recursive=False)  # components.yaml, the folders themselves
        self.refresh()
        self.observer.start()

    def stop(self) -> None:
        self.observer.stop()
        self.observer.join(timeout=5)

    def refresh(self) -> None:
        """(Re)watch incidents/ and theme/ when they were created, replaced or removed."""
        with self._lock:
            for name, recursive in self.WATCHED:
                folder = self.root / name
                try:
                    inode = folder.stat().st_ino if folder.is_dir() else None
                except OSError:
                    inode = None
                old = self.watches.get(name)
                if old is not None and old[1] == inode:
                    continue
                if old is not None:
                    try:
                        self.observer.unschedule(old[0])  # type: ignore[arg-type]
                    except (KeyError, OSError):
                        pass
                    del self.watches[name]
                if inode is not None:
                    try:
                        self.watches[name] = (self.observer.schedule(self, str(folder), recursive=recursive), inode)
                    except OSError:
                        pass

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in self.KINDS or (event.is_directory and event.event_type in ("modified", "closed")):
            return
        for raw in (event.src_path, getattr(event, "dest_path", "")):
            if not raw:
                continue
            path = os.fsdecode(raw)
            try:
                relpath = Path(os.path.relpath(path, self.root)).as_posix()
            except ValueError:
                continue
            if classify(relpath):
                self.debouncer.add(relpath)


# --- the command ----------------------------------------------------------------------------------------

def _log(message: str) -> None:
    """One timestamped entry; file names and problems in it are shown with hidden characters as escapes."""
    shown = printable(message, keep="\n")  # its own line breaks (problem lists, tracebacks) are meant
    print(f"{time.strftime('%H:%M:%S')} {shown}", file=sys.stderr, flush=True)


def run(root: Path, host: str, port: int, open_browser: bool = False, now: dt.datetime | None = None) -> int:
    """Serve a preview of ``root`` until Ctrl-C; returns the exit status. Raises RootError when not a status repo."""
    check_root(root)
    temp = Path(tempfile.mkdtemp(prefix="gitstatus-preview-"))
    out = temp / "site"
    try:
        try:
            server = make_server(host, port, out)
        except OSError as err:
            hint = ": pass another --port, or --port 0 for a free one" if port else ""
            print(printable(f"gitstatus: cannot listen on {host}:{port}: {err.strerror or err}{hint}"), file=sys.stderr)
            return 1
        if not is_loopback(str(server.server_address[0])):
            print(printable(f"gitstatus: warning: the preview listens on {host}, so anyone who can reach this "
                            "machine over the network can read it, drafts and errors included; "
                            "--host 127.0.0.1 keeps it to this machine"), file=sys.stderr, flush=True)
        url = server_url(host, server.server_address[1])
        return _serve(root, server, url, out, open_browser, now)
    finally:
        shutil.rmtree(temp, ignore_errors=True)


def _serve(root: Path, server: PreviewServer, url: str, out: Path, open_browser: bool,
           now: dt.datetime | None) -> int:
    builder = Builder(root, out, url, now, _log)
    stop = threading.Event()
    hub: Hub | None = None

    def rebuild(changed: list[str]) -> None:
        watcher.refresh()
        snapshot = builder.build(changed)
        if hub is not None:
            hub.publish(snapshot)

    debouncer = Debouncer(rebuild)
    watcher = Watcher(root, debouncer)
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    serving = False
    try:
        watcher.start()
        _log(f"Building a preview of {root.resolve()} into {out}")
        hub = Hub(builder.build([]))
        server.hub = hub
        debouncer.thread.start()
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, name="gitstatus-http",
                         daemon=True).start()
        serving = True
        print(printable(f"Serving the preview at {url} (Ctrl-C to stop)"), flush=True)
        if open_browser:
            webbrowser.open(url)
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not interrupt the clean-up
        signal.signal(signal.SIGTERM, previous)
        if hub is not None:
            hub.stop()
        if serving:
            server.shutdown()
        server.server_close()
        watcher.stop()
        debouncer.stop()
        if debouncer.thread.ident is not None:
            debouncer.thread.join(timeout=30)  # let a rebuild under way finish before its folder is removed
        print("Stopped.", file=sys.stderr, flush=True)
    return 0

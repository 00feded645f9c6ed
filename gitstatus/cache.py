"""The persistent cache: what reading a file and rendering a page gave, kept between runs.

A build or a check reads every incident file and a build renders every incident page; on the
next run almost all of them are the same. Both are pure functions of their inputs (read/ of a
file's bytes and the settings it needs; an incident page of the incident, its phase at ``now``,
the settings, the theme and gitstatus itself), so each result is kept under a key made of
content hashes of exactly those inputs, and a run reuses what it finds instead of redoing it.

The folder (``.gitstatus-cache/`` at the status repo's root by default) holds:

- ``index`` — per incident path, the file's stat (inode, size, times) and its content hash, and
  per page key the cached page's stat and hash: how an unchanged file is recognised without
  reading it, and a cached page is trusted without reading it (as git's index does). A stat is
  recorded only once the file is two seconds old, so a file changed twice in one clock tick is
  never taken for unchanged; anything that does not match is read and hashed again.
- ``reads-NN`` — 64 shards of reading results (by path), as plain JSON, decoded into the model
  with every type checked: nothing in the cache is ever executed or unpickled.
- ``pages/<key>.html`` — incident pages, hard-linked into the build's staging folder (the
  staging folder's new pages are linked back), so an unchanged page is neither rendered nor
  written.

Each file starts with a stamp line holding the format and a checksum of the rest; a file that
does not match, was made by another version of gitstatus (``code_stamp``: the version and the
hash of its own files and of the libraries that shape its output), or cannot be decoded is
ignored, never trusted. A cache git tracks (committed by a pull request) is ignored as a whole,
since anyone could have written it. Writes are atomic (write.py); each build keeps only what it
used, so the cache never outgrows the repo. Nothing here reads or writes outside the cache
folder, and a cache folder that is a symbolic link is not used.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import stat
import subprocess
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from . import rules, write
from .model import ComponentStatus, Impact, Incident, Status, Update, Window
from .read.incident import IncidentFile
from .rules import Diagnostic
from .source import Source
from .timeparse import load_zone

FORMAT = 1
"""Bumped whenever what the cache files hold changes shape."""
DIR_NAME = ".gitstatus-cache"
ENV = "GITSTATUS_CACHE_DIR"
SHARDS = 64
RACY_NS = 2_000_000_000
"""A file's stat is trusted only once its last change is this much older than the moment it is recorded."""
_MAGIC = b"gitstatus-cache"
_TAG = (b"Signature: 8a477f597d28d172789f06886806bc55\n"
        b"# This folder is gitstatus's cache (see docs/performance.md); it can be deleted at any time.\n")

StatKey = tuple[int, int, int, int]
"""inode, size, mtime and ctime in nanoseconds."""


class CacheError(ValueError):
    """A cache file that is corrupt, truncated, foreign or of another version: ignored."""


# --- what the cache depends on ------------------------------------------------------------------------

def _hash(*parts: str | bytes) -> str:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part.encode("utf-8", "surrogateescape") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


_CODE_STAMP: str | None = None


def code_stamp() -> str:
    """gitstatus's version, as a hash of its own files (code, built-in theme, words), and the YAML library's.

    A content hash rather than the version string: two versions with the same files make the
    same output, and a checkout edited in place (same version) is told apart exactly; no time
    stamps, so a reinstall in CI keeps the cache. Computed once per process (about 5 ms).
    """
    global _CODE_STAMP
    if _CODE_STAMP is None:
        import yaml

        parts: list[str | bytes] = [yaml.__version__, str(FORMAT)]
        package = Path(__file__).resolve().parent
        theme = Path(str(resources.files("gitstatus.theme"))).resolve()
        for base in dict.fromkeys((package, theme)):
            for folder, dirs, names in os.walk(base):
                dirs[:] = sorted(d for d in dirs if d != "__pycache__" and not d.startswith("."))
                for name in sorted(names):
                    if name.endswith((".pyc", ".pyo")) or name.startswith("."):
                        continue
                    path = os.path.join(folder, name)
                    parts += [os.path.relpath(path, base), Path(path).read_bytes()]
        _CODE_STAMP = _hash(*parts)
    return _CODE_STAMP


def render_stamp() -> str:
    """The versions of the libraries that shape a page's bytes (a build imports them anyway)."""
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for name in ("jinja2", "markdown-it-py", "mdit-py-plugins", "markupsafe", "linkify-it-py"):
        try:
            found.append(version(name))
        except PackageNotFoundError:
            found.append("-")
    return "/".join(found)


def reading_stamp(known: Mapping[str, object] | None, timezone: str) -> str:
    """What a file's reading depends on besides its bytes: the component ids and the page's timezone."""
    ids = "\n".join(sorted(known)) if known is not None else "\0unchecked"
    return _hash(code_stamp(), ids, timezone)


# --- the cache folder ------------------------------------------------------------------------------------

def cache_folder(root: Path, option: Path | None, enabled: bool) -> Path | None:
    """Where the cache lives: ``--cache-dir``, else ``$GITSTATUS_CACHE_DIR``, else ``.gitstatus-cache/``;
    None when it is off."""
    if not enabled:
        return None
    if option is not None:
        return option
    env = os.environ.get(ENV)
    return Path(env) if env else root / DIR_NAME


def _tracked(root: Path, folder: Path) -> bool:
    """Whether git tracks anything in ``folder``: then a pull request could have written it, and it is not used."""
    try:
        inner = os.path.relpath(os.path.realpath(folder), os.path.realpath(root))
    except ValueError:
        return False
    if inner == os.pardir or inner.startswith(os.pardir + os.sep):
        return False  # outside the repo, so not in its git history
    try:
        proc = subprocess.run(["git", "ls-files", "-z", "--", inner], cwd=root, capture_output=True, check=False,
                              env={**os.environ, "GIT_LITERAL_PATHSPECS": "1", "LC_ALL": "C"}, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return False  # no git: no pull request either
    return proc.returncode == 0 and bool(proc.stdout)


def _pack(data: Any) -> bytes:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    head = b"%s %d %s\n" % (_MAGIC, FORMAT, hashlib.blake2b(body, digest_size=16).hexdigest().encode("ascii"))
    return head + body


def _unpack(data: bytes) -> Any:
    head, sep, body = data.partition(b"\n")
    fields = head.split(b" ")
    if not sep or len(fields) != 3 or fields[0] != _MAGIC or fields[1] != str(FORMAT).encode("ascii"):
        raise CacheError("not a cache file of this format")
    if hashlib.blake2b(body, digest_size=16).hexdigest().encode("ascii") != fields[2]:
        raise CacheError("checksum mismatch (corrupt or truncated)")
    try:
        return json.loads(body)
    except ValueError as err:
        raise CacheError(str(err)) from None


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


def _read_regular(path: str | Path) -> bytes | None:
    """A file of the cache folder, never through a link, never anything but a regular file."""
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None
        parts = [os.read(fd, info.st_size + 1)]
        while parts[-1]:
            parts.append(os.read(fd, 1 << 20))
        return b"".join(parts)
    except OSError:
        return None
    finally:
        os.close(fd)


def stat_key(info: os.stat_result) -> StatKey:
    return info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns


def _settled(info: os.stat_result, now_ns: int) -> bool:
    return info.st_ctime_ns + RACY_NS < now_ns and info.st_mtime_ns + RACY_NS < now_ns


class Cache:
    """One run's view of the cache folder: what it found there, and what it used and made, saved at the end."""

    def __init__(self, folder: Path, note: str | None = None) -> None:
        self.folder = folder
        self.note = note
        """Why a cache that was asked for is not used (None when it is)."""
        self.usable = note is None
        self.code = code_stamp() if self.usable else ""
        self._index: dict[str, Any] = {"files": {}, "pages": {}}
        self._shards: dict[int, dict[str, Any]] = {}
        self._shard_stamp: dict[int, str] = {}
        self._dirty_index = False
        self._dirty_shards: set[int] = set()
        if self.usable:
            self._load_index()

    @classmethod
    def open(cls, root: Path, folder: Path | None) -> Cache | None:
        """The cache at ``folder`` (None: no cache), made if missing; unusable (with a note) when it may not be used."""
        if folder is None:
            return None
        try:
            info = os.lstat(folder)
        except FileNotFoundError:
            info = None
        except OSError as err:
            return cls(folder, f"cannot use the cache folder {folder}: {err.strerror or err}")
        if info is not None and stat.S_ISLNK(info.st_mode):
            return cls(folder, f"the cache folder {folder} is a symbolic link, which gitstatus does not follow; "
                               "the cache is not used (make it a folder, or pass --cache-dir)")
        if info is not None and not stat.S_ISDIR(info.st_mode):
            return cls(folder, f"the cache folder {folder} is not a folder; the cache is not used")
        pages = folder / "pages"
        if info is not None and os.path.lexists(pages) and not stat.S_ISDIR(os.lstat(pages).st_mode):
            return cls(folder, f"{pages} is not a folder (a symbolic link?), which gitstatus does not follow; "
                               "the cache is not used (delete the cache folder)")
        if info is not None and _tracked(root, folder):
            return cls(folder, f"the cache folder {folder} is tracked by git, so anyone could have written it; "
                               f"it is not used (remove it from git: git rm -r --cached {folder})")
        return cls(folder)

    # --- the index: stats of incident files and cached pages

    def _load_index(self) -> None:
        data = _read_regular(self.folder / "index")
        if data is None:
            return
        try:
            index = _unpack(data)
            if not (isinstance(index, dict) and index.get("code") == self.code
                    and isinstance(index.get("files"), dict) and isinstance(index.get("pages"), dict)):
                raise CacheError("of another version")
        except CacheError:
            self._dirty_index = True
            return
        self._index = {"files": index["files"], "pages": index["pages"]}

    # --- reading results

    def reads(self, stamp: str) -> ReadCache:
        return ReadCache(self, stamp)

    def _shard(self, n: int, stamp: str) -> dict[str, Any]:
        if self._shard_stamp.get(n) == stamp:
            return self._shards[n]
        entries: dict[str, Any] = {}
        data = _read_regular(self.folder / f"reads-{n:02d}")
        if data is not None:
            try:
                shard = _unpack(data)
                if isinstance(shard, dict) and shard.get("stamp") == stamp and isinstance(shard.get("files"), dict):
                    entries = shard["files"]
                else:
                    self._dirty_shards.add(n)
            except CacheError:
                self._dirty_shards.add(n)
        self._shards[n], self._shard_stamp[n] = entries, stamp
        return entries

    # --- pages

    def pages(self, fingerprint: str) -> PageStore:
        """The cached pages under ``fingerprint``; the folder is made now, before workers link pages into it."""
        folder = self.folder / "pages"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            if not stat.S_ISDIR(os.lstat(folder).st_mode) or stat.S_ISLNK(os.lstat(self.folder).st_mode):
                raise OSError("not a folder")
        except OSError:
            return PageStore(folder, "", {}, usable=False)
        return PageStore(folder, _hash(self.code, render_stamp(), fingerprint), dict(self._index["pages"]))

    # --- rendered Markdown (what the aggregate pages and feeds render in the main process)

    def load_markdown(self) -> None:
        """Give markdown.py the HTML of the messages an earlier build rendered, and record this build's."""
        from . import markdown

        markdown.MADE = {}
        if not self.usable:
            return
        data = _read_regular(self.folder / "markdown")
        if data is None:
            return
        try:
            found = _unpack(data)
            if not (isinstance(found, dict) and found.get("stamp") == _hash(self.code, render_stamp())
                    and isinstance(found.get("html"), dict)):
                raise CacheError("of another version")
            known = {bytes.fromhex(_str(k)): _str(v) for k, v in found["html"].items()}
        except (CacheError, ValueError):
            return
        markdown.KNOWN.update(known)
        self._markdown = set(known)

    def _save_markdown(self) -> None:
        from . import markdown

        made = markdown.MADE
        if made is None or set(made) == getattr(self, "_markdown", None):
            return
        html = {k.hex(): v for k, v in sorted(made.items())}
        write.replace_file(self.folder / "markdown", _pack({"stamp": _hash(self.code, render_stamp()), "html": html}),
                           durable=False)

    # --- saving

    def save(self, used_pages: Iterable[str] | None = None, new_pages: Iterable[str] = ()) -> None:
        """Write what changed, atomically; with ``used_pages`` (a build), keep only those pages.

        Never raises: a cache that cannot be written costs the next run time, not this one its result.
        """
        if not self.usable:
            return
        try:
            self._save(used_pages, new_pages)
        except OSError:
            pass

    def _save(self, used_pages: Iterable[str] | None, new_pages: Iterable[str]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        if stat.S_ISLNK(os.lstat(self.folder).st_mode):
            return
        tag = self.folder / "CACHEDIR.TAG"
        if not os.path.lexists(tag):
            write.replace_file(tag, _TAG, durable=False)
        pages: dict[str, Any] = self._index["pages"]
        folder = os.path.join(self.folder, "pages")
        for key in new_pages:
            known = pages.get(key)
            try:
                info = os.lstat(os.path.join(folder, f"{key}.html"))
            except OSError:
                continue
            stats = list(stat_key(info))
            if isinstance(known, list) and known[:4] == stats:
                continue
            if isinstance(known, list) and len(known) == 5 and known[1] == info.st_size:
                # Checked by this run (by its stat or its hash) before linking it, which changed its ctime;
                # a page rendered again under the same key has the same bytes.
                entry: list[Any] | None = [*stats, known[4]]
            else:
                entry = PageStore.record(self.folder / "pages", key)
            if entry is not None and entry != known:
                pages[key] = entry
                self._dirty_index = True
        if used_pages is not None:
            keep = set(used_pages)
            for key in [k for k in pages if k not in keep]:
                del pages[key]
                self._dirty_index = True
            write.remove_unlisted(self.folder / "pages", {f"{k}.html" for k in keep})
        if used_pages is not None:
            self._save_markdown()
        for n in sorted(self._dirty_shards):
            if self._shard_stamp.get(n) is not None:
                shard = {"stamp": self._shard_stamp[n], "files": self._shards[n]}
                write.replace_file(self.folder / f"reads-{n:02d}", _pack(shard), durable=False)
        self._dirty_shards.clear()
        if self._dirty_index:
            index = {"code": self.code, "files": self._index["files"], "pages": pages}
            write.replace_file(self.folder / "index", _pack(index), durable=False)
            self._dirty_index = False


def _shard_of(relpath: str) -> int:
    return hashlib.blake2b(relpath.encode("utf-8", "surrogateescape"), digest_size=2).digest()[0] % SHARDS


class ReadCache:
    """Reading results under one reading stamp: a file's result when its bytes (by content hash) are known."""

    def __init__(self, cache: Cache, stamp: str) -> None:
        self.cache = cache
        self.stamp = stamp
        self.files: dict[str, Any] = cache._index["files"]
        self.seen: set[str] = set()
        self.hits = 0
        self._stats: dict[str, os.stat_result | None] = {}
        self._now_ns = time.time_ns()

    def lookup(self, source: Source, relpath: str) -> IncidentFile | None:
        """The cached reading of ``relpath`` if its bytes are those it was made from, else None (read it)."""
        self.seen.add(relpath)
        info = source.stat(relpath)
        self._stats[relpath] = info
        entry = self.files.get(relpath)
        digest: str | None = None
        if info is not None and isinstance(entry, list) and len(entry) == 5 and list(stat_key(info)) == entry[:4]:
            digest = entry[4]
        if digest is None:
            data, problems = source.read(relpath)
            if data is None or problems:
                return None
            digest = hashlib.blake2b(data, digest_size=16).hexdigest()
        shard = self.cache._shard(_shard_of(relpath), self.stamp)
        cached = shard.get(relpath)
        if not (isinstance(cached, list) and len(cached) == 2 and cached[0] == digest):
            return None
        try:
            file = decode_file(relpath, bytes.fromhex(digest), cached[1])
        except (CacheError, KeyError, TypeError, ValueError, IndexError, AttributeError):
            del shard[relpath]
            self.cache._dirty_shards.add(_shard_of(relpath))
            return None
        self._note_stat(relpath, digest)
        self.hits += 1
        return file

    def remember(self, file: IncidentFile) -> None:
        """Keep the reading of a file that was just read (not one that could not be read)."""
        if not file.digest or any(d.rule in (rules.CANNOT_READ, rules.NOT_REGULAR_FILE, rules.LINK_OUTSIDE)
                                  for d in file.diagnostics):
            return
        self.seen.add(file.path)
        n = _shard_of(file.path)
        shard = self.cache._shard(n, self.stamp)
        digest = file.digest.hex()
        known = shard.get(file.path)
        if not (isinstance(known, list) and known[:1] == [digest]):
            shard[file.path] = [digest, encode_file(file)]
            self.cache._dirty_shards.add(n)
        self._note_stat(file.path, digest)

    def _note_stat(self, relpath: str, digest: str) -> None:
        info = self._stats.get(relpath)
        entry = [*stat_key(info), digest] if info is not None and _settled(info, self._now_ns) else None
        if self.files.get(relpath) != entry:
            if entry is None:
                self.files.pop(relpath, None)
            else:
                self.files[relpath] = entry
            self.cache._dirty_index = True

    def forget_others(self) -> None:
        """Drop the files this run did not meet (deleted incidents), so the cache never outgrows the repo."""
        for relpath in [p for p in self.files if p not in self.seen]:
            del self.files[relpath]
            self.cache._dirty_index = True
        for n in range(SHARDS):
            shard = self.cache._shard(n, self.stamp)
            gone = [p for p in shard if p not in self.seen]
            for relpath in gone:
                del shard[relpath]
            if gone:
                self.cache._dirty_shards.add(n)


@dataclass
class PageStore:
    """Cached incident pages under one fingerprint (gitstatus, the libraries, the settings, the theme).

    Picklable and small enough to send to each worker: the index of what is there, and the folder.
    """

    folder: Path
    fingerprint: str
    index: dict[str, Any]
    usable: bool = True

    def key(self, relpath: str, digest: bytes, reading: str, state: tuple[str, ...]) -> str:
        """A page's key: the fingerprint, the incident (path, content hash, reading stamp) and its state at now."""
        return _hash(self.fingerprint, relpath, digest, reading, *state)

    def path(self, key: str) -> str:
        return os.path.join(self.folder, f"{key}.html")

    def valid(self, key: str) -> bool:
        """Whether the cached page of ``key`` is there and holds what was cached (by stat, else by content hash)."""
        entry = self.index.get(key)
        if not self.usable or not (isinstance(entry, list) and len(entry) == 5):
            return False
        path = self.path(key)
        try:
            info = os.lstat(path)
        except OSError:
            return False
        if not stat.S_ISREG(info.st_mode) or info.st_size != entry[1]:
            return False
        if list(stat_key(info)) == entry[:4]:
            return True
        data = _read_regular(path)
        return data is not None and hashlib.blake2b(data, digest_size=16).hexdigest() == entry[4]

    @staticmethod
    def record(folder: Path, key: str) -> list[Any] | None:
        """The index entry of a page just put into the cache: its stat (once settled) and content hash."""
        path = folder / f"{key}.html"
        data = _read_regular(path)
        if data is None:
            return None
        info = os.lstat(path)  # recorded as it is: only builds link pages, and each link changes the ctime
        return [*stat_key(info), hashlib.blake2b(data, digest_size=16).hexdigest()]

    def read(self, key: str) -> bytes | None:
        """The cached page of ``key`` when it is valid (see :meth:`valid`)."""
        return _read_regular(self.path(key)) if self.valid(key) else None

    def write(self, key: str, data: bytes) -> bool:
        """Put a page rendered in this process into the cache."""
        if not self.usable:
            return False
        try:
            write.replace_file(Path(self.path(key)), data, durable=False)
        except OSError:
            return False
        return True

    def add(self, key: str, staged: Path) -> bool:
        """Put a page just written into the staging folder into the cache too (a hard link: no copy)."""
        return self.usable and write.link_file(staged, Path(self.path(key)), replace=True)


# --- reading results as plain data ---------------------------------------------------------------------

def _moment(value: dt.datetime) -> list[Any]:
    zone = getattr(value.tzinfo, "key", None)
    return [value.isoformat(), zone, value.fold]


_ZONES: dict[str, dt.tzinfo] = {}


def _unmoment(data: Any) -> dt.datetime:
    text, zone, fold = data
    value = dt.datetime.fromisoformat(text)
    if zone is not None:
        tz = _ZONES.get(zone)
        if tz is None:
            tz = _ZONES[_str(zone)] = load_zone(zone)
        value = value.replace(tzinfo=tz, fold=fold)
    elif value.tzinfo is None:
        raise CacheError("a naive time")
    return value


def _str(value: Any) -> str:
    if type(value) is not str:
        raise CacheError("not a string")
    return value


def _int(value: Any) -> int:
    if type(value) is not int:
        raise CacheError("not an integer")
    return value


def _diagnostic(d: Diagnostic, relpath: str) -> list[Any]:
    """A diagnostic of the file at ``relpath``; its path is written only when it names another file."""
    return [d.line, d.col, d.rule.code, d.message, d.hint, d.sep, *([d.path] if d.path != relpath else [])]


def _undiagnostic(relpath: str, data: Sequence[Any]) -> Diagnostic:
    path = relpath if len(data) == 6 else _str(data[6])
    hint = data[4]
    return Diagnostic(path, _int(data[0]), _int(data[1]), rules.by_code(_str(data[2])), _str(data[3]),
                      None if hint is None else _str(hint), _str(data[5]))


def _update(u: Update) -> list[Any]:
    return [_moment(u.at), u.status.value, u.message, u.line]


_STATUSES: dict[str, Status] = {s.value: s for s in Status}


def _unupdate(data: Sequence[Any]) -> Update:
    at, status, message, line = data
    if type(message) is not str or type(line) is not int:
        raise CacheError("not an update")
    return Update(_unmoment(at), _STATUSES[status], message, line)


def encode_file(file: IncidentFile) -> dict[str, Any]:
    """A reading result as JSON-ready data; :func:`decode_file` turns it back into equal values."""
    data: dict[str, Any] = {
        "u": [_update(u) for u in file.updates],
        "d": [_diagnostic(d, file.path) for d in file.diagnostics],
    }
    i = file.incident
    if i is not None:
        data["i"] = {
            "id": i.id, "title": i.title, "impact": i.impact.value, "components": list(i.components),
            "status": {k: v.value for k, v in i.component_status.items()},
            "window": None if i.scheduled is None else [_moment(i.scheduled.start), _moment(i.scheduled.end)],
            "updates": None if i.updates == file.updates else [_update(u) for u in i.updates],
        }
    return data


def decode_file(relpath: str, digest: bytes, data: Any) -> IncidentFile:
    """The reading result that :func:`encode_file` encoded, every value checked; :class:`CacheError` otherwise."""
    if not isinstance(data, dict):
        raise CacheError("not an object")
    updates = tuple(_unupdate(u) for u in data["u"])
    diagnostics = tuple(_undiagnostic(relpath, d) for d in data["d"])
    incident = None
    i = data.get("i")
    if i is not None:
        window = i["window"]
        scheduled = None if window is None else Window(_unmoment(window[0]), _unmoment(window[1]))
        own = updates if i["updates"] is None else tuple(_unupdate(u) for u in i["updates"])
        statuses = i["status"]
        if not isinstance(statuses, dict):
            raise CacheError("not an object")
        incident = Incident(
            id=_str(i["id"]), title=_str(i["title"]), impact=Impact(_str(i["impact"])),
            components=tuple(_str(c) for c in i["components"]), updates=own,
            component_status={_str(k): ComponentStatus(_str(v)) for k, v in statuses.items()},
            scheduled=scheduled, path=relpath,
        )
    return IncidentFile(relpath, incident, updates, diagnostics, digest)

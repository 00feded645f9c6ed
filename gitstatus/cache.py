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
  written; and month pages of the history.
- ``markdown`` — the HTML of the messages the build's main process rendered (for the index,
  the history and the feeds), by a hash of their text.
- ``verdicts`` — per incident path, what a check's verdict needs of its reading and no more
  (:class:`VerdictIndex`): its stat and content hash, its diagnostics, the time of its latest
  update and whether it is still open, so ``check`` and the writing commands decode the full
  reading only of the few files whose verdict depends on ``now``.

Each file starts with a stamp line holding the format and a checksum of the rest; a file that
does not match, was made by another version of gitstatus (``code_stamp``: a hash of its own
files, and the versions of the libraries that shape its output), or cannot be decoded is
ignored, never trusted. A cache git tracks (committed by a pull request) is ignored as a whole,
since anyone could have written it. Writes are atomic (write.py); each build keeps only what it
used, so the cache never outgrows the repo. Nothing here reads or writes outside the cache
folder, and a cache folder that is a symbolic link is not used.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import json
import os
import stat
import subprocess
import time
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from importlib import resources
from pathlib import Path
from typing import Any

from . import rules, write
from .errors import GitstatusError
from .model import Component, Incident
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


class CacheError(GitstatusError):
    """A cache file that is corrupt, truncated, foreign or of another version: ignored, never shown."""


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


def reading_stamp(known: Mapping[str, Component] | None, timezone: str) -> str:
    """What a file's reading depends on besides its bytes: the components (ids, groups, in their order,
    since a group listed by an incident stands for its members) and the page's timezone."""
    ids = "\n".join(f"{c}\t{v.group}" for c, v in known.items()) if known is not None else "\0unchecked"
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
        self.stamp = code_stamp() if self.usable else ""
        self._loaded: dict[str, Any] | None = None
        self._shards: dict[int, dict[str, Any]] = {}
        self._shard_stamp: dict[int, str] = {}
        self._dirty_index = False
        self._dirty_shards: set[int] = set()
        self._verdicts: VerdictIndex | None = None

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

    @property
    def _index(self) -> dict[str, Any]:
        """The index, read when first needed (the verdict index spares ``check`` and ``update`` reading it)."""
        if self._loaded is None:
            self._loaded = {"files": {}, "pages": {}}
            if self.usable:
                self._load_index()
        return self._loaded

    def _load_index(self) -> None:
        data = _read_regular(self.folder / "index")
        if data is None:
            return
        try:
            index = _unpack(data)
            if not (isinstance(index, dict) and index.get("code") == self.stamp
                    and isinstance(index.get("files"), dict) and isinstance(index.get("pages"), dict)):
                raise CacheError("of another version")
        except CacheError:
            self._dirty_index = True
            return
        self._loaded = {"files": index["files"], "pages": index["pages"]}

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

    # --- verdicts

    def verdicts(self, stamp: str) -> VerdictIndex:
        """What the verdict needs of each file's reading under the reading stamp ``stamp`` (:class:`VerdictIndex`)."""
        self._verdicts = VerdictIndex(self.folder, stamp if self.usable else "", self.usable)
        return self._verdicts

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
        return PageStore(folder, _hash(self.stamp, render_stamp(), fingerprint), dict(self._index["pages"]))

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
            if not (isinstance(found, dict) and found.get("stamp") == _hash(self.stamp, render_stamp())
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
        write.replace_file(self.folder / "markdown", _pack({"stamp": _hash(self.stamp, render_stamp()), "html": html}),
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
        new_pages = list(new_pages)
        if self._loaded is None and used_pages is None and not new_pages:
            pages: dict[str, Any] = {}  # not read: nothing in it changed
        else:
            pages = self._index["pages"]
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
        if self._verdicts is not None:
            self._verdicts.save()
        if self._dirty_index:
            index = {"code": self.stamp, "files": self._index["files"], "pages": pages}
            write.replace_file(self.folder / "index", _pack(index), durable=False)
            self._dirty_index = False


def _shard_of(relpath: str) -> int:
    return hashlib.blake2b(relpath.encode("utf-8", "surrogateescape"), digest_size=2).digest()[0] % SHARDS


class ReadCache:
    """Reading results under one reading stamp: a file's result when its bytes (by content hash) are known."""

    def __init__(self, cache: Cache, stamp: str) -> None:
        self.cache = cache
        self.stamp = stamp
        self.seen: set[str] = set()
        self.hits = 0
        self._stats: dict[str, os.stat_result | None] = {}
        self._now_ns = time.time_ns()

    @property
    def files(self) -> dict[str, Any]:
        """Per path, the stat and content hash of the file a reading was made from."""
        files: dict[str, Any] = self.cache._index["files"]
        return files

    def known(self, relpath: str, digest: bytes) -> IncidentFile | None:
        """The cached reading of ``relpath`` made from bytes with the content hash ``digest``, else None.

        For a caller that has recognised the file itself (the verdict index, by stat or content hash).
        """
        self.seen.add(relpath)
        n = _shard_of(relpath)
        shard = self.cache._shard(n, self.stamp)
        cached = shard.get(relpath)
        if not (isinstance(cached, list) and len(cached) == 2 and cached[0] == digest.hex()):
            return None
        try:
            file = decode_file(relpath, digest, cached[1])
        except (CacheError, KeyError, TypeError, ValueError, IndexError, AttributeError):
            del shard[relpath]
            self.cache._dirty_shards.add(n)
            return None
        self.hits += 1
        return file

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


VERDICTS = "verdicts"


def micros(moment: dt.datetime) -> int:
    """An aware time as whole microseconds since the epoch: compared exactly, as datetimes compare."""
    return (moment - _EPOCH) // dt.timedelta(microseconds=1)


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Verdict:
    """What ``check(now)`` needs of one file's reading when the file has no update after ``now``
    and its incident is closed (or invalid): its diagnostics. The rest decides when that is so."""

    digest: bytes
    diagnostics: tuple[Diagnostic, ...]
    latest: int | None
    """Its latest update's time (:func:`micros`), None without one: E303 needs the reading only past it."""
    open: bool
    """A valid incident whose last update is not final: the only kind that can be active (W101, W102)."""


class VerdictIndex:
    """Per incident path, the file's :class:`Verdict` under one reading stamp, recognised by stat or content hash.

    One file (``verdicts``), read whole and written whole by the command that owns the cache
    (``check``); validated like every cache file, and ignored when it does not match.
    """

    def __init__(self, folder: Path, stamp: str, usable: bool) -> None:
        self.folder = folder
        self.stamp = stamp
        self.entries: dict[str, Any] = {}
        self.seen: set[str] = set()
        self.dirty = False
        self._now_ns = time.time_ns()
        self._stats: dict[str, os.stat_result | None] = {}
        if not usable:
            return
        data = _read_regular(folder / VERDICTS)
        if data is None:
            return
        try:
            found = _unpack(data)
            if not (isinstance(found, dict) and found.get("stamp") == stamp and isinstance(found.get("files"), dict)):
                raise CacheError("of another version or other settings")
        except CacheError:
            self.dirty = True
            return
        self.entries = found["files"]

    def lookup(self, source: Source, relpath: str) -> Verdict | None:
        """The file's verdict when its bytes are those it was made from (by stat, else by content hash), else None."""
        self.seen.add(relpath)
        info = source.stat(relpath)
        self._stats[relpath] = info
        entry = self.entries.get(relpath)
        if not (isinstance(entry, list) and len(entry) == 8):
            return None
        if info is None or [info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns] != entry[:4]:
            data, problems = source.read(relpath)
            if data is None or problems or hashlib.blake2b(data, digest_size=16).hexdigest() != entry[4]:
                return None
            self._note_stat(relpath, entry)
        try:
            diagnostics = _DIAGNOSTICS(entry[5]) if entry[5] != [] else ()
            latest = entry[6] if entry[6] is None else _int(entry[6])
            return Verdict(bytes.fromhex(_str(entry[4])), diagnostics, latest, _bool(entry[7]))
        except (CacheError, KeyError, TypeError, ValueError):
            del self.entries[relpath]
            self.dirty = True
            return None

    def remember(self, file: IncidentFile) -> None:
        """Keep the verdict of a file just read (not of one that could not be read)."""
        self.seen.add(file.path)
        if not file.digest or any(d.rule in (rules.CANNOT_READ, rules.NOT_REGULAR_FILE, rules.LINK_OUTSIDE)
                                  for d in file.diagnostics):
            return
        incident = file.incident
        latest = max((micros(u.at) for u in file.updates), default=None)
        entry = [0, 0, 0, 0, file.digest.hex(), encode(file.diagnostics), latest,
                 incident is not None and not incident.is_final]
        self._note_stat(file.path, entry)

    def _note_stat(self, relpath: str, entry: list[Any]) -> None:
        info = self._stats.get(relpath)
        stats = list(stat_key(info)) if info is not None and _settled(info, self._now_ns) else [0, 0, 0, 0]
        new = [*stats, *entry[4:]]
        if self.entries.get(relpath) != new:
            self.entries[relpath] = new
            self.dirty = True

    def save(self) -> None:
        """Write the index when it changed, keeping only the files this run met (deleted ones go)."""
        gone = [p for p in self.entries if p not in self.seen]
        for relpath in gone:
            del self.entries[relpath]
        if (self.dirty or gone) and self.stamp:
            write.replace_file(self.folder / VERDICTS, _pack({"stamp": self.stamp, "files": self.entries}),
                               durable=False)
            self.dirty = False


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
# Driven by the dataclasses' own fields and type hints, so a field added to the model is kept like the
# others; a type the codec does not know makes every reading a miss (read again), never a wrong value.

_ZONES: dict[str, dt.tzinfo] = {}


def _moment(value: dt.datetime) -> list[Any]:
    return [value.isoformat(), getattr(value.tzinfo, "key", None), value.fold]


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


def _bool(value: Any) -> bool:
    if type(value) is not bool:
        raise CacheError("not a boolean")
    return value


def _list(value: Any) -> list[Any]:
    if type(value) is not list:
        raise CacheError("not a list")
    return value


def encode(value: Any) -> Any:
    """A model value as JSON-ready data (:func:`decoder` of its type reads it back)."""
    kind = type(value)
    if value is None or kind is str or kind is int or kind is bool:
        return value
    if isinstance(value, dt.datetime):
        return _moment(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, rules.Rule):
        return value.code
    if isinstance(value, bytes):
        return value.hex()
    if dataclasses.is_dataclass(value):
        return [encode(getattr(value, f.name)) for f in dataclasses.fields(value)]
    if isinstance(value, (tuple, list)):
        return [encode(item) for item in value]
    if isinstance(value, Mapping):
        return {encode(k): encode(v) for k, v in value.items()}
    raise CacheError(f"cannot keep a {kind.__name__}")


Decoder = Callable[[Any], Any]
_DECODERS: dict[object, Decoder] = {}


def decoder(hint: object) -> Decoder:
    """The function that reads :func:`encode`'s data of type ``hint`` back, checking every value."""
    found = _DECODERS.get(hint)
    if found is None:
        found = _DECODERS[hint] = _make_decoder(hint)
    return found


def _make_decoder(hint: object) -> Decoder:
    simple: dict[object, Decoder] = {str: _str, int: _int, bool: _bool, dt.datetime: _unmoment,
                                     dt.date: lambda v: dt.date.fromisoformat(_str(v)),
                                     bytes: lambda v: bytes.fromhex(_str(v)),
                                     rules.Rule: lambda v: rules.by_code(_str(v))}
    if hint in simple:
        return simple[hint]
    if isinstance(hint, type) and issubclass(hint, Enum):
        members = {m.value: m for m in hint}
        return lambda v: members[v]
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _dataclass_decoder(hint)
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        item = decoder(args[0])
        return lambda v: tuple(map(item, _list(v)))
    if origin is tuple and args and Ellipsis not in args:  # a fixed shape: (component id, status)
        items = [decoder(a) for a in args]

        def fixed(v: Any) -> tuple[Any, ...]:
            found = _list(v)
            if len(found) != len(items):
                raise CacheError("a tuple of another length")
            return tuple(item(x) for item, x in zip(items, found, strict=True))
        return fixed
    if origin in (Mapping, dict) and len(args) == 2:
        key, value = decoder(args[0]), decoder(args[1])

        def mapping(v: Any) -> dict[Any, Any]:
            if type(v) is not dict:
                raise CacheError("not an object")
            return {key(k): value(x) for k, x in v.items()}
        return mapping
    if origin in (typing.Union, types.UnionType):
        options = [a for a in args if a is not type(None)]
        if len(options) == 1 and len(args) == 2:
            inner = decoder(options[0])
            return lambda v: None if v is None else inner(v)
    raise CacheError(f"cannot keep a value of type {hint!r}")


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _dataclass_decoder(cls: type) -> Decoder:
    """A decoder made for ``cls`` as source code (one call per field, no loop), as attrs and cattrs do:
    10,000 readings hold some 200,000 values, and a loop over a field list costs twice as much.

    The code is made here from the class's own field count: no cached data ever reaches ``exec``.
    """
    hints = _hints(cls)
    fields = [f for f in dataclasses.fields(cls) if f.init]
    if len(fields) != len(dataclasses.fields(cls)):
        raise CacheError(f"cannot keep {cls.__name__}")
    scope: dict[str, Any] = {f"d{n}": decoder(hints[f.name]) for n, f in enumerate(fields)}
    scope.update(cls=cls, CacheError=CacheError, problem=f"not a {cls.__name__}")
    count = len(fields)
    values = ", ".join(f"d{n}(v[{n}])" for n in range(count))
    exec(f"def decode(v):\n"  # our own source, see above
         f"    if type(v) is not list or len(v) != {count}:\n"
         f"        raise CacheError(problem)\n"
         f"    return cls({values})\n", scope)
    made: Decoder = scope["decode"]
    return made


_DIAGNOSTICS = decoder(tuple[Diagnostic, ...])

_FILE_FIELDS = [f.name for f in dataclasses.fields(IncidentFile)]
_INCIDENT_FIELDS = [f.name for f in dataclasses.fields(Incident)]
_SHARED = (_FILE_FIELDS.index("updates"), _INCIDENT_FIELDS.index("updates"))
"""An incident's updates are its file's (the same tuple): written once."""


@functools.cache
def _file_decoders() -> tuple[list[Decoder | None], list[Decoder]]:
    """The decoders of a reading's fields (None for the incident, decoded apart) and of an incident's."""
    file_hints, hints = _hints(IncidentFile), _hints(Incident)
    return ([None if name == "incident" else decoder(file_hints[name]) for name in _FILE_FIELDS],
            [decoder(hints[name]) for name in _INCIDENT_FIELDS])


def encode_file(file: IncidentFile) -> list[Any]:
    """A reading result as JSON-ready data; :func:`decode_file` turns it back into equal values."""
    data = [encode(getattr(file, name)) for name in _FILE_FIELDS]
    incident = data[_FILE_FIELDS.index("incident")]
    if file.incident is not None and file.incident.updates == file.updates:
        incident[_SHARED[1]] = None
    return data


def decode_file(relpath: str, digest: bytes, data: Any) -> IncidentFile:
    """The reading result that :func:`encode_file` encoded, every value checked; :class:`CacheError` otherwise."""
    values = _list(data)
    if len(values) != len(_FILE_FIELDS):
        raise CacheError("not a reading")
    file_decoders, incident_decoders = _file_decoders()
    found = {name: decode(value) for name, decode, value in zip(_FILE_FIELDS, file_decoders, values, strict=True)
             if decode is not None}
    incident = values[_FILE_FIELDS.index("incident")]
    if incident is not None:
        parts = _list(incident)
        if len(parts) != len(_INCIDENT_FIELDS):
            raise CacheError("not an incident")
        found["incident"] = Incident(**{
            name: found["updates"] if name == "updates" and part is None else decode(part)
            for name, decode, part in zip(_INCIDENT_FIELDS, incident_decoders, parts, strict=True)
        })
    else:
        found["incident"] = None
    file = IncidentFile(**found)
    if file.path != relpath or file.digest != digest:
        raise CacheError("another file's reading")
    return file

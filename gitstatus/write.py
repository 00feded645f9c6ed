"""The only code that touches the output folder.

It refuses two outputs on one path and any path that would land outside the folder,
writes everything into a temporary sibling folder and then swaps it in, so a reader
(or a crash, or a failed build) never sees a half-built site, and files that no longer
belong (a deleted incident) are gone.

Swapping deletes the old folder, so it replaces only a folder that is absent, empty or a
site it built: every site carries a manifest of the files it wrote (:data:`MANIFEST`), and
a folder holding anything else is refused (:class:`OutFolderError`). The staging folders a
killed build leaves beside the output are deleted by the next build that succeeds, once a
lock file shows their build is gone (:func:`clean_stale`).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import hashlib
import json
import os
import re
import secrets
import shlex
import shutil
import stat
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from . import routes
from .errors import GitstatusError, Refused, UsageError
from .outputs import OutputFile

try:
    import fcntl
except ImportError:  # Windows: no flock, so no leftover is ever proven stale and all are kept
    fcntl = None  # type: ignore[assignment]

MANIFEST = routes.path("manifest")
"""Written into every site: the files the build wrote, so the next build knows the folder is its own."""
MANIFEST_FORMAT = 1
_LOCK_TEXT = b"gitstatus staging lock\n"
_SHOWN = 5
"""How many of the files in the way a refusal names."""


class WriteError(GitstatusError):
    """The outputs cannot be written as asked (a bug in a renderer or theme, or the disk)."""


class OutFolderError(WriteError, UsageError):
    """The output folder may not be replaced: replacing it would delete what gitstatus did not write.

    A usage error (exit 2): nothing was written, and the user has to choose another folder or
    clear this one, which gitstatus never does on its own.
    """


def check_paths(files: Iterable[OutputFile]) -> list[OutputFile]:
    """The files, after refusing duplicate and escaping paths (and a file where another needs a folder)."""
    seen: dict[str, str] = {}
    folders: dict[str, str] = {}
    checked = []
    for f in files:
        key, above = _keys(f.path)
        if key in seen or key in folders:
            raise WriteError(f"two outputs want the same path '{f.path}'")
        seen[key] = f.path
        for folder in above:
            if folder in seen:
                raise WriteError(f"two outputs want the same path '{seen[folder]}' (one as a file, one as a folder)")
            folders.setdefault(folder, f.path)
        checked.append(f)
    return checked


@functools.lru_cache(maxsize=1 << 17)
def _keys(path: str) -> tuple[str, tuple[str, ...]]:
    """The path as :func:`check_paths` compares it, and its folders', innermost first; remembered, as
    the preview checks the same tens of thousands of paths on every save. Raises like :func:`_parts`."""
    parts = _parts(path)
    # two names that differ only in case collide on macOS and Windows
    return "/".join(parts).lower(), tuple("/".join(parts[:end]).lower() for end in range(len(parts) - 1, 0, -1))


def _parts(path: str) -> list[str]:
    """:func:`safe_path`'s parts without building a path object (a site has tens of thousands of files)."""
    if "\\" in path or not path or path.endswith("/") or path.startswith("/"):
        safe_path(path)  # raises, with the one message
    parts = [part for part in path.split("/") if part not in ("", ".")]
    if ".." in parts or not parts:
        raise WriteError(f"refusing to write '{path}': outputs must stay inside the output folder")
    return parts


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths with Linux's renameat2(RENAME_EXCHANGE); False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:  # glibc's name first: find_library would start ldconfig in a subprocess
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
    except OSError:
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        except OSError:
            return False
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:  # glibc before 2.28, or another libc
        return False
    at_fdcwd, rename_exchange = -100, 2
    result: int = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return result == 0


def safe_path(path: str) -> PurePosixPath:
    """``path`` as a relative path that stays inside the output folder, or :class:`WriteError`."""
    pure = PurePosixPath(path)
    if pure.is_absolute() or ".." in pure.parts or "\\" in path or not path or path.endswith("/"):
        raise WriteError(f"refusing to write '{path}': outputs must stay inside the output folder")
    return pure


def write_files(folder: Path, files: Iterable[OutputFile], made: set[str] | None = None) -> list[str]:
    """Write ``files`` under ``folder`` (a staging folder); return their paths.

    Safe to call from several processes at once on one folder: each file is its own, and
    folders are created with ``exist_ok``. ``made`` remembers folders already created
    across calls (a worker writes thousands of pages into one folder).
    """
    made = set() if made is None else made
    written = []
    for f in files:
        target = folder / safe_path(f.path)
        parent = str(target.parent)
        if parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(parent)
        target.write_bytes(f.data)
        written.append(f.path)
    return written


class Reserved:
    """Paths in a staging folder that other processes may write, checked for collisions before any is written.

    A build's workers render incident pages where they read them; they hand each page to
    :meth:`write`, which refuses a path that was not reserved, so nothing lands in the staging
    folder that the collision check (:func:`check_paths`) has not seen. Picklable: it is sent to
    each worker once.
    """

    def __init__(self, folder: Path, paths: Iterable[str]) -> None:
        self.folder = folder
        self.paths = frozenset(f.path for f in check_paths(OutputFile(p, b"") for p in paths))
        self._made: set[str] = set()

    def __getstate__(self) -> tuple[Path, frozenset[str]]:
        return self.folder, self.paths

    def __setstate__(self, state: tuple[Path, frozenset[str]]) -> None:
        self.folder, self.paths = state
        self._made = set()

    def write(self, file: OutputFile) -> str:
        if file.path not in self.paths:
            raise WriteError(f"refusing to write '{file.path}': no such output was planned")
        write_files(self.folder, [file], self._made)
        return file.path

    def link(self, cached: str, path: str) -> str | None:
        """Put the file ``cached`` (a regular file of the cache) at ``path`` as a hard link: no bytes written.

        None when it cannot be linked (another file system, the cached file gone): render it instead.
        """
        if path not in self.paths:  # reserved paths were checked: plain string joins from here
            raise WriteError(f"refusing to write '{path}': no such output was planned")
        target = os.path.join(self.folder, path)
        parent = os.path.dirname(target)
        if parent not in self._made:
            os.makedirs(parent, exist_ok=True)
            self._made.add(parent)
        return path if link_file(cached, target) else None

    def staged(self, path: str) -> Path:
        """Where a reserved output lies in the staging folder."""
        return self.folder / safe_path(path)


class Staging:
    """A temporary folder beside the output that replaces it in one step, or disappears.

    Used as a context manager: leaving the block without :meth:`commit` (an error, a failed
    check, Ctrl-C) deletes the staging folder and leaves the output exactly as it was.
    Worker processes may write into :attr:`path` with :func:`write_files`. ``protect`` are
    paths the output may not be, hold or lie inside (the status repo's own sources).
    """

    def __init__(self, out: Path, protect: Iterable[Path] = ()) -> None:
        self.out = check_out_folder(out, protect)
        self._shown = out
        self._made = [folder for folder in (self.out.parent, *self.out.parent.parents) if not folder.exists()]
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self.paths: list[str] = []
        self._open = True
        try:
            self._lock = _Lock.create(self.out)
        except BaseException:
            self._remove_made()
            raise
        self.path = self._lock.folder("new")
        try:
            self.path.mkdir(0o700)
        except BaseException:
            self.discard()
            raise

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, *exc: object) -> None:
        self.discard()

    def add(self, files: Iterable[OutputFile]) -> None:
        self.paths += write_files(self.path, files)

    def reserve(self, paths: Iterable[str]) -> Reserved:
        """Paths other processes will write into the staging folder (see :class:`Reserved`)."""
        return Reserved(self.path, paths)

    def commit(self, written_elsewhere: Iterable[str] = ()) -> int:
        """Check every path (duplicates, escapes), write the manifest, then swap the staging folder in.

        The output folder is checked again just before the swap: a file put there during the
        build is not deleted with it. Returns the file count, the manifest included.
        """
        paths = [*self.paths, *written_elsewhere]
        check_paths(OutputFile(p, b"") for p in [*paths, MANIFEST])
        self.add([OutputFile(MANIFEST, manifest(paths))])
        _refuse_unless_ours(self.out, _describe(self._shown, self.out))
        self.path.chmod(0o755)
        if self.out.exists():
            _replace(self.path, self.out, self._lock.folder("old"))
        else:
            os.rename(self.path, self.out)
        self._open = False
        self._lock.release()
        clean_stale(self.out)  # the build succeeded: tidy up after the ones that crashed
        return len(paths) + 1

    def discard(self) -> None:
        """Delete the staging folder unless it was committed (then it is the output, or the old site is gone)."""
        if self._open:
            shutil.rmtree(self.path, ignore_errors=True)
            self._lock.release()
            self._open = False
            self._remove_made()

    def _remove_made(self) -> None:
        """Remove the folders made for the output, deepest first: a failed build leaves no trace."""
        for folder in self._made:
            try:
                folder.rmdir()
            except OSError:
                break


def write_site(files: Iterable[OutputFile], out: Path) -> int:
    """Write ``files`` as the whole content of ``out``. Returns how many were written.

    On any failure the existing ``out`` is left exactly as it was.
    """
    checked = check_paths(files)
    with Staging(out) as staging:
        staging.add(checked)
        return staging.commit()


def _replace(staging: Path, out: Path, old: Path) -> None:
    """Put ``staging`` where ``out`` is and delete the old ``out``; on failure ``out`` is as it was.

    ``old`` is an unused name beside ``out`` for the two-rename fallback; like ``staging`` it is
    named after the build's lock, so should the build die before the old site is deleted, the
    next one can tell it is a leftover.
    """
    if _exchange(staging, out):
        shutil.rmtree(staging, ignore_errors=True)  # staging now holds the old site
        return
    # Two renames: a reader may briefly find no folder, but never a half-built one.
    old.mkdir(0o700)
    try:
        os.rename(out, old / "site")
    except BaseException:
        old.rmdir()
        raise
    try:
        os.rename(staging, out)
    except BaseException:
        os.rename(old / "site", out)  # should this fail too, the old site is kept in `old`, not deleted
        old.rmdir()
        raise
    shutil.rmtree(old, ignore_errors=True)


# --- which folder may be replaced --------------------------------------------------------------------

def manifest(paths: Iterable[str]) -> bytes:
    """The manifest of a site made of ``paths``: sorted, so the same site gives the same bytes."""
    files = sorted({safe_path(p).as_posix() for p in paths})
    data = {"format": MANIFEST_FORMAT, "generator": "gitstatus", "files": files}
    return (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def check_out_folder(out: Path, protect: Iterable[Path] = ()) -> Path:
    """The folder that writing a site to ``out`` replaces, or :class:`OutFolderError` saying why it may not.

    A symlinked ``out`` (``site -> /var/www/status``) stands for the folder it points to, which is
    replaced while the link stays. That folder must not be, hold or lie inside any ``protect`` path,
    and must be absent, empty or a site gitstatus built and nobody added to.
    """
    target = out.absolute()
    if target.is_symlink():
        target = _real(target)
    shown = _describe(out, target)
    real = _real(target)
    for path in protect:
        source = _real(path)
        if real == source or real in source.parents or source in real.parents:
            raise OutFolderError(
                f"refusing to build into {shown}: the output folder is replaced as a whole, and this one is, holds "
                f"or lies inside the status repo's own files ({path}); use a folder of its own, such as site/ "
                "in the status repo")
    _refuse_unless_ours(target, shown)
    return target


def _real(path: Path) -> Path:
    """``path`` with links resolved as far as they go: a loop (``incidents -> incidents``) is the check's to
    report, not a reason for this one to fail (``Path.resolve`` raises on loops)."""
    return Path(os.path.realpath(path))


def _describe(out: Path, target: Path) -> str:
    return str(out) if target == out.absolute() else f"{out} (a link to {target})"


def _refuse_unless_ours(folder: Path, shown: str) -> None:
    """Raise :class:`OutFolderError` unless ``folder`` is absent, empty or entirely a site gitstatus wrote."""
    if not folder.exists():
        return
    if not folder.is_dir():
        raise OutFolderError(f"refusing to build into {shown}: it exists and is not a folder; "
                             "choose another path, or move that file away")
    with os.scandir(folder) as entries:
        if next(entries, None) is None:
            return
    listed = _read_manifest(folder, shown)
    if listed is None:
        raise OutFolderError(f"refusing to build into {shown}: {_why_without_manifest(folder)}")
    unlisted = _unlisted(folder, listed)
    if unlisted:
        them = "it" if len(unlisted) == 1 else "them"
        raise OutFolderError(
            f"refusing to build into {shown}: it holds a site gitstatus built, but also {_count(unlisted)} "
            f"gitstatus did not write: {_names(unlisted)}. The output folder is replaced as a whole, which would "
            f"delete {them}. Move {them} out of it and build again (a file the site needs belongs in the theme's "
            "static/ folder), or build into another folder")


def _why_without_manifest(folder: Path) -> str:
    """Why a folder without a manifest is refused: a site of an older gitstatus gets its own advice."""
    if (folder / "index.html").is_file() and (folder / "api" / "v2" / "summary.json").is_file():
        return ("it looks like a site built by an older gitstatus, which did not record the files it wrote, "
                "so gitstatus cannot tell whether anything else is in it, and replacing it would delete "
                "everything. Check that nothing of yours is in it, delete it yourself "
                f"(rm -r {shlex.quote(str(folder))}) and build again; from then on each build replaces it on its own")
    with os.scandir(folder) as entries:
        held = sorted(e.name + ("/" if e.is_dir(follow_symlinks=False) else "") for e in entries)
    return (f"it holds {_names(held)}, and is not a site gitstatus built (there is no {MANIFEST} in it); the output "
            "folder is replaced as a whole, which would delete everything in it. Build into a new or empty "
            "folder, or, if nothing in this one is needed, delete it yourself and build again")


def _read_manifest(folder: Path, shown: str) -> frozenset[str] | None:
    """The files the manifest in ``folder`` lists; None when there is none; refused when it cannot be trusted."""
    path = folder / MANIFEST
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    if not stat.S_ISREG(info.st_mode):  # a link could make any folder look like a site
        raise OutFolderError(f"refusing to build into {shown}: its {MANIFEST} is not a file gitstatus wrote "
                             "(it is a link or a folder); build into a new or empty folder")
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except ValueError:  # not UTF-8, or not JSON
        data = None
    version = data.get("format") if isinstance(data, dict) else None
    if type(version) is int and version > MANIFEST_FORMAT:
        raise OutFolderError(f"refusing to build into {shown}: it was built by a newer gitstatus (manifest format "
                             f"{version}); build with that version, or delete the folder yourself")
    known = isinstance(data, dict) and type(version) is int and version == MANIFEST_FORMAT
    files = data.get("files") if known and isinstance(data, dict) else None
    if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
        raise OutFolderError(f"refusing to build into {shown}: its {MANIFEST} cannot be read as a gitstatus "
                             "manifest, so gitstatus cannot tell what else is in it; check the folder and delete "
                             "it yourself, or build into another folder")
    return frozenset(files)


def _unlisted(folder: Path, listed: frozenset[str]) -> list[str]:
    """Everything in ``folder`` that the manifest does not list as a file, folders as ``name/``, sorted.

    Links are never followed; an unlisted folder is named, not entered.
    """
    folders = {parent.as_posix() for f in listed for parent in PurePosixPath(f).parents[:-1]}
    found: list[str] = []

    def walk(directory: Path, prefix: str) -> None:
        with os.scandir(directory) as entries:  # an unreadable folder raises: what it holds is unknown
            for entry in sorted(entries, key=lambda e: e.name):
                relpath = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    if relpath in folders:
                        walk(Path(entry.path), relpath + "/")
                    else:
                        found.append(relpath + "/")
                elif not (relpath in listed and entry.is_file(follow_symlinks=False)) and relpath != MANIFEST:
                    found.append(relpath)

    walk(folder, "")
    return found


def _names(entries: list[str]) -> str:
    """The first few of ``entries``, and how many more."""
    more = len(entries) - _SHOWN
    return ", ".join(entries[:_SHOWN]) + (f" and {more} more" if more > 0 else "")


def _count(unlisted: list[str]) -> str:
    return "1 entry" if len(unlisted) == 1 else f"{len(unlisted)} entries"


# --- staging folders, and the ones crashed builds left ----------------------------------------------

class _Lock:
    """The lock file of one build's staging folders: ``.<out>.lock-<pid>-<token>`` beside the output.

    The build holds it (flock) while it runs; the folders it stages in and moves the old site
    to are ``.<out>.new-<pid>-<token>`` and ``.<out>.old-<pid>-<token>``. A lock file with our
    text whose process is gone and whose lock is free marks them as a crash's leftovers. The
    lock is released when the process dies, however it dies (SIGKILL, power loss).
    """

    def __init__(self, out: Path, tag: str, fd: int) -> None:
        self.out, self.tag, self.fd = out, tag, fd
        self.path = out.parent / f".{out.name}.lock-{tag}"

    @classmethod
    def create(cls, out: Path) -> _Lock:
        tag = f"{os.getpid()}-{secrets.token_hex(8)}"
        lock = cls(out, tag, -1)
        lock.fd = os.open(lock.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)
        try:
            if fcntl is not None:
                fcntl.flock(lock.fd, fcntl.LOCK_EX)
            os.write(lock.fd, _LOCK_TEXT)  # only once locked: a cleaner never mistakes it for a dead build's
        except BaseException:
            lock.release()
            raise
        return lock

    def folder(self, kind: str) -> Path:
        return self.out.parent / f".{self.out.name}.{kind}-{self.tag}"

    def release(self) -> None:
        """Let go of the lock, and delete the lock file unless a folder of ours is left to clean up.

        The file goes first, so no one finds it free and ours while the folders are being deleted;
        a folder that could not be deleted keeps its lock file, so a later build deletes it.
        """
        if self.fd < 0:
            return
        left = any(os.path.lexists(self.folder(kind)) for kind in ("new", "old"))
        if fcntl is None:  # Windows deletes no open file; with no lock there is no order to keep
            os.close(self.fd)
            self.fd = -1
        try:
            if not left:
                self.path.unlink(missing_ok=True)
        finally:
            if self.fd >= 0:
                os.close(self.fd)
                self.fd = -1


def clean_stale(out: Path) -> list[Path]:
    """Delete the staging folders that killed builds into ``out`` left beside it; return what was deleted.

    Only what is provably such a leftover: a lock file named for this output, holding our text,
    whose process is not running here and whose lock nobody holds (a build in another container
    has a pid this one cannot see, but still holds its lock), and the real folders (not links)
    of the same build. Anything else that looks alike (an older gitstatus's ``.site.new-x1y2z3``,
    a concurrent build's folders) is left alone. Best effort: a leftover that cannot be deleted
    now is tried again by the next build.
    """
    if fcntl is None:
        return []
    pattern = re.compile(rf"\.{re.escape(out.name)}\.lock-([0-9]+)-[0-9a-f]{{16}}")
    removed: list[Path] = []
    try:
        with os.scandir(out.parent) as entries:
            locks = [(entry.name, int(m[1])) for entry in entries if (m := pattern.fullmatch(entry.name))]
    except OSError:
        return removed
    for name, pid in sorted(locks):
        if not _running(pid):
            removed += _remove_leftover(out, name.split(".lock-", 1)[1])
    return removed


def _running(pid: int) -> bool:
    """Whether ``pid`` may be running here; only a certain no is False."""
    if pid <= 0:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError):  # another user's process runs; a pid too large for this system is no proof
        return True
    return True


def _remove_leftover(out: Path, tag: str) -> list[Path]:
    """Delete the folders of the build ``tag`` and its lock file, if that lock is free and ours."""
    assert fcntl is not None
    lock = _Lock(out, tag, -1)
    try:
        fd = os.open(lock.path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return []
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # held: the build runs (in another pid namespace)
        if not stat.S_ISREG(os.fstat(fd).st_mode) or os.read(fd, len(_LOCK_TEXT) + 1) != _LOCK_TEXT:
            return []
        folders = [lock.folder(kind) for kind in ("new", "old")]
        if any(f.is_symlink() or (f.exists() and not f.is_dir()) for f in folders):
            return []  # not what a build of ours leaves
        removed = [f for f in folders if f.exists()]
        for folder in removed:
            shutil.rmtree(folder)
        lock.path.unlink()
        return removed
    except OSError:
        return []
    finally:
        os.close(fd)


# --- single files: authoring and init ---------------------------------------------------------------


@dataclass(frozen=True)
class FileChange:
    """One file of the status repo to write (``data``) or remove (``data is None``), and what it must hold now."""

    relpath: str
    """Relative to the repo root, forward slashes: ``incidents/2026-06-11-api-slow.md``."""
    data: bytes | None
    before: bytes | None
    """The file's current bytes, or ``None`` when it must not exist yet."""


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _current(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def apply(root: Path, change: FileChange) -> None:
    """Make ``change`` atomically, if the file still holds what was checked.

    Other gitstatus commands wait for the write lock, so the file can only have changed if
    another program wrote it: its bytes are compared once more right before the rename, and a
    difference refuses the change rather than overwrite that program's work.
    """
    target = root / change.relpath
    if change.data is None:
        _ensure_unchanged(target, change)
        target.unlink()
        _fsync_folder(target.parent)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    mode = stat.S_IMODE(target.stat().st_mode) if change.before is not None else None
    temp = _temp_beside(target, change.data)
    try:
        if mode is not None:
            os.chmod(temp, mode)
        _ensure_unchanged(target, change)
        if change.before is None:
            _create(temp, target, change.relpath)
        else:
            os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _fsync_folder(target.parent)


def apply_all(root: Path, changes: Sequence[FileChange]) -> None:
    """Make several changes (``gitstatus import``): all staged and checked first, then renamed into place.

    Every new file is written beside its target and every target is checked to hold what was
    planned before the first rename, so an error while writing or a file another program
    changed leaves the repo exactly as it was. Only the renames themselves remain, which do
    not fail on a disk that took the staged files.
    """
    staged: list[tuple[Path, FileChange]] = []
    made: list[Path] = []
    try:
        for change in changes:
            if change.data is None:
                raise WriteError(f"{change.relpath}: apply_all only writes files")
            target = root / change.relpath
            missing = [f for f in (target.parent, *target.parent.parents) if not f.exists()]
            for folder in reversed(missing):
                folder.mkdir()
                made.append(folder)
            temp = _temp_beside(target, change.data)
            staged.append((temp, change))
            if change.before is not None:
                os.chmod(temp, stat.S_IMODE(target.stat().st_mode))
        for _, change in staged:
            _ensure_unchanged(root / change.relpath, change)
    except BaseException:
        for temp, _ in staged:
            temp.unlink(missing_ok=True)
        for folder in reversed(made):
            try:
                folder.rmdir()
            except OSError:
                pass
        raise
    for temp, change in staged:
        target = root / change.relpath
        if change.before is None:
            _create(temp, target, change.relpath)
        else:
            os.replace(temp, target)
    for folder in sorted({(root / c.relpath).parent for _, c in staged}):
        _fsync_folder(folder)


def _ensure_unchanged(target: Path, change: FileChange) -> None:
    if _current(target) != change.before:
        what = "was created" if change.before is None else "changed"
        raise Refused(f"{change.relpath} {what} while this command ran (another program wrote it); "
                      "nothing was written, try again")


def _create(temp: Path, target: Path, relpath: str) -> None:
    """Move ``temp`` to ``target`` only if no file took that name meanwhile (a hard link cannot overwrite)."""
    try:
        os.link(temp, target)
    except FileExistsError:
        raise Refused(f"{relpath} was created while this command ran; nothing was written, try again") from None
    except OSError:  # a file system without hard links
        if target.exists():
            raise Refused(f"{relpath} was created while this command ran; nothing was written, try again") from None
        os.replace(temp, target)
        return
    temp.unlink()


def _temp_beside(target: Path, data: bytes, durable: bool = True) -> Path:
    """``data`` in a new hidden file beside ``target`` (never read as an incident), ready to be renamed over it.

    Created exclusively, so two writers never share one; the umask applies, as for any new file.
    ``durable`` flushes it to disk first, so a crash after the rename never leaves an empty file.
    """
    temp = target.parent / f".{target.name}.{secrets.token_hex(4)}.tmp"
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def replace_file(path: Path, data: bytes, durable: bool = True) -> None:
    """Replace ``path`` as a whole (the merge driver's result); on failure it is as it was. Raises OSError.

    ``durable=False`` skips the flush to disk, for what a crash may lose (the cache, which checks its files).
    """
    temp = _temp_beside(path, data, durable)
    try:
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def check_site(out: Path) -> frozenset[str]:
    """The files of the site gitstatus built in ``out``, or :class:`WriteError` when it is not one.

    What :func:`add_to_site` needs before it changes anything: a command that adds a file to a
    built site (``gitstatus notify``) checks first, and does its other work only then.
    """
    if not out.is_dir():
        raise WriteError(f"{out} is not a folder with a built site: run 'gitstatus build' first")
    listed = _read_manifest(out, str(out))
    if listed is None:
        raise WriteError(f"{out} is not a site gitstatus built (there is no {MANIFEST} in it)")
    return listed


def add_to_site(out: Path, file: OutputFile) -> None:
    """Put one file into the site built in ``out``, atomically, and list it in the site's manifest.

    The next build then replaces the folder as its own (a file it does not list would stop it).
    """
    listed = check_site(out)
    path = safe_path(file.path).as_posix()
    target = out / path
    target.parent.mkdir(parents=True, exist_ok=True)
    replace_file(target, file.data)
    if path not in listed:
        replace_file(out / MANIFEST, manifest([*listed, path]))


def write_new_files(root: Path, contents: dict[str, bytes]) -> list[str]:
    """Write several files under ``root`` all or nothing (``gitstatus init``); return their paths, sorted.

    Every file is staged beside its target first; only when all are staged are they renamed into
    place. On an error the staged files and the folders made for them are removed and the OSError
    is raised: nothing was written.
    """
    relpaths = sorted(contents)
    created: list[Path] = []
    staged: list[tuple[Path, Path]] = []
    try:
        for folder in sorted({(root / p).parent for p in relpaths}):
            missing = [f for f in (folder, *folder.parents) if not f.exists()]
            for path in reversed(missing):
                path.mkdir()
                created.append(path)
        for relpath in relpaths:
            target = root / relpath
            staged.append((_temp_beside(target, contents[relpath]), target))
    except OSError:
        for temp, _ in staged:
            temp.unlink(missing_ok=True)
        for folder in reversed(created):
            try:
                folder.rmdir()
            except OSError:
                pass
        raise
    for temp, target in staged:
        os.replace(temp, target)
    return relpaths


class SyncedFolder:
    """The preview's own folder, updated in place: only files whose bytes changed are rewritten.

    A rebuild after one saved file then writes a handful of files instead of the whole site;
    each file is replaced atomically, and the reload event is sent only after all are written.
    """

    def __init__(self, out: Path) -> None:
        self.out = out
        self.digests: dict[str, bytes] = {}
        self._data: dict[str, bytes] = {}
        """Per path, the bytes object last written: the same object again (a kept page) is not hashed again."""

    def sync(self, files: Sequence[OutputFile]) -> int:
        """Make the folder hold exactly ``files``; returns how many were (re)written."""
        checked = check_paths(files)
        known, before = self.digests, self._data
        wanted: dict[str, bytes] = {}
        data: dict[str, bytes] = {}
        for f in checked:
            path = f.path
            digest = known.get(path) if before.get(path) is f.data else None
            wanted[path] = digest or hashlib.blake2b(f.data, digest_size=16).digest()
            data[path] = f.data
        self._data = data
        written = 0
        for f in checked:
            if self.digests.get(f.path) == wanted[f.path]:
                continue
            target = self.out / f.path
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(_temp_beside(target, f.data, durable=False), target)  # a preview need not survive a crash
            written += 1
        for gone in sorted(set(self.digests) - set(wanted)):
            (self.out / gone).unlink(missing_ok=True)
        self.digests = wanted
        return written


# --- the cache's files ----------------------------------------------------------------------------------


def link_file(source: str | Path, target: str | Path, replace: bool = False) -> bool:
    """Hard-link the regular file ``source`` to the new name ``target``; False when it cannot be done.

    A link is never followed nor linked (``os.link`` would link the link itself). What is already at
    ``target`` is kept, unless ``replace``: then the link is made beside it and renamed over it.
    """
    try:
        if not stat.S_ISREG(os.lstat(source).st_mode):
            return False
        if not replace:
            os.link(source, target, follow_symlinks=False)
            return True
        folder, name = os.path.split(target)
        temp = os.path.join(folder, f".{name}.{secrets.token_hex(4)}.tmp")
        os.link(source, temp, follow_symlinks=False)
        try:
            os.replace(temp, target)
        except OSError:
            os.unlink(temp)
            raise
    except OSError:
        return False
    return True


def remove_unlisted(folder: Path, keep: set[str]) -> int:
    """Delete the regular files of ``folder`` (the cache's pages) whose names are not in ``keep``; never a folder
    or what a link points to. Returns how many were deleted; best effort."""
    removed = 0
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name not in keep and entry.is_file(follow_symlinks=False):
                    try:
                        os.unlink(entry.path)
                        removed += 1
                    except OSError:
                        pass
    except OSError:
        pass
    return removed

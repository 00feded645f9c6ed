"""The only code that touches the output folder.

It refuses two outputs on one path and any path that would land outside the folder,
writes everything into a temporary sibling folder and then swaps it in, so a reader
(or a crash, or a failed build) never sees a half-built site, and files that no longer
belong (a deleted incident) are gone.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from .outputs import OutputFile


class WriteError(Exception):
    """The outputs cannot be written as asked (a bug in a renderer or theme, or the disk)."""


def check_paths(files: Iterable[OutputFile]) -> list[OutputFile]:
    """The files, after refusing duplicate and escaping paths (and a file where another needs a folder)."""
    seen: dict[str, str] = {}
    folders: dict[str, str] = {}
    checked = []
    for f in files:
        path = safe_path(f.path)
        key = path.as_posix().lower()  # two names that differ only in case collide on macOS and Windows
        if key in seen or key in folders:
            raise WriteError(f"two outputs want the same path '{f.path}'")
        seen[key] = f.path
        for parent in path.parents[:-1]:
            folder = parent.as_posix().lower()
            if folder in seen:
                raise WriteError(f"two outputs want the same path '{seen[folder]}' (one as a file, one as a folder)")
            folders.setdefault(folder, f.path)
        checked.append(f)
    return checked


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


class Staging:
    """A temporary folder beside the output that replaces it in one step, or disappears.

    Used as a context manager: leaving the block without :meth:`commit` (an error, a failed
    check, Ctrl-C) deletes the staging folder and leaves the output exactly as it was.
    Worker processes may write into :attr:`path` with :func:`write_files`.
    """

    def __init__(self, out: Path) -> None:
        out = out.absolute()
        if out.is_symlink():  # replace the folder it points to and keep the link (e.g. site -> /var/www/status)
            out = out.resolve()
        if out.exists() and not out.is_dir():
            raise WriteError(f"{out} exists and is not a folder")
        self._made = [folder for folder in (out.parent, *out.parent.parents) if not folder.exists()]
        out.parent.mkdir(parents=True, exist_ok=True)
        self.out = out
        self.path = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
        self.paths: list[str] = []
        self._open = True

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, *exc: object) -> None:
        self.discard()

    def add(self, files: Iterable[OutputFile]) -> None:
        self.paths += write_files(self.path, files)

    def commit(self, written_elsewhere: Iterable[str] = ()) -> int:
        """Check every path (duplicates, escapes), then swap the staging folder in. Returns the file count."""
        paths = [*self.paths, *written_elsewhere]
        check_paths(OutputFile(p, b"") for p in paths)
        self.path.chmod(0o755)
        if self.out.exists():
            _replace(self.path, self.out)
        else:
            os.rename(self.path, self.out)
        self._open = False
        return len(paths)

    def discard(self) -> None:
        """Delete the staging folder unless it was committed (then it is the output, or the old site is gone)."""
        if self._open:
            shutil.rmtree(self.path, ignore_errors=True)
            self._open = False
            for folder in self._made:  # the folders made for it, deepest first: a failed build leaves no trace
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


def _replace(staging: Path, out: Path) -> None:
    """Put ``staging`` where ``out`` is and delete the old ``out``; on failure ``out`` is as it was."""
    if _exchange(staging, out):
        shutil.rmtree(staging, ignore_errors=True)  # staging now holds the old site
        return
    # Two renames: a reader may briefly find no folder, but never a half-built one.
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
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

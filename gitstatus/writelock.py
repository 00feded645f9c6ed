"""The write lock of a status repo: one writing command at a time.

``new``, ``update``, ``resolve`` and ``delete`` each read a file, compute its new bytes and
rename them into place. Two of them at the same moment would both read the old bytes, and the
second rename would silently drop the first one's update. So each holds this lock from the
moment it reads the repo until its write is done; a second command waits for it (a few seconds
at most, then it refuses and names the holder).

The lock is an OS lock (``flock``; ``msvcrt.locking`` on Windows) on a file that exists only while
a command writes: the OS releases the lock when its holder exits, even by a crash, so a lock is
never left held, and the holder removes the file before it lets go, so a command (refused or
not) leaves nothing behind. The file is ``.git/gitstatus.lock`` when the repo has a ``.git``
folder, where ``git status`` never shows it, else ``.gitstatus.lock`` at the repo's root (the
.gitignore that ``gitstatus init`` writes lists it). It says who holds it, for the message of a
command that gave up waiting.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import stat
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from .errors import GitstatusError

#: How long a command waits for another to finish writing before it refuses.
WAIT_SECONDS = 5.0
GIT_LOCK_NAME = "gitstatus.lock"
"""The lock's name inside ``.git/``."""
ROOT_LOCK_NAME = ".gitstatus.lock"
"""The lock's name at the repo's root when there is no ``.git`` folder (a subfolder of a git repo, a worktree)."""
_HOLDER_MAX = 400
"""Bytes of holder description read back; more is not a description gitstatus wrote."""


class LockError(GitstatusError):
    """The lock could not be taken: it stayed busy, or its file cannot be made or opened (exit status 1)."""


if sys.platform == "win32":  # pragma: no cover - the tests run on Linux
    import msvcrt

    _WINDOWS_LOCK_BYTE = 1 << 30
    """Windows locks byte ranges and a locked range cannot be read, so lock one far past the holder text."""

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, _WINDOWS_LOCK_BYTE, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, _WINDOWS_LOCK_BYTE, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


def lock_path(root: Path) -> Path:
    """``.git/gitstatus.lock`` when ``root`` has a ``.git`` folder (not a link), else ``.gitstatus.lock``.

    Every writer of one repo picks the same file, since the choice depends on the repo alone. A
    ``.git`` file (a worktree) or link points outside the repo, which gitstatus does not write to.
    """
    git = root / ".git"
    try:
        is_git_folder = stat.S_ISDIR(os.lstat(git).st_mode)
    except OSError:
        is_git_folder = False
    return git / GIT_LOCK_NAME if is_git_folder else root / ROOT_LOCK_NAME


def _open(path: Path) -> int:
    """The lock file, created if need be; never through a link (the lock is the repo's own file)."""
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    return os.open(path, flags, 0o666)


def _is_current(fd: int, path: Path) -> bool:
    """Whether ``fd`` is still the file at ``path``, not one that its last holder removed."""
    if sys.platform == "win32":  # pragma: no cover - the file is not removed there
        return True
    try:
        now = os.stat(path, follow_symlinks=False)
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (now.st_dev, now.st_ino) == (mine.st_dev, mine.st_ino)


def _holder(path: Path) -> str | None:
    """What the holder wrote about itself: one printable line, or ``None``."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        data = os.read(fd, _HOLDER_MAX)
    except OSError:
        return None
    finally:
        os.close(fd)
    line = data.decode("utf-8", "replace").split("\n", 1)[0]
    line = "".join(c for c in line if c.isprintable()).strip()
    return line or None


def _describe(fd: int, doing: str) -> None:
    """Write who holds the lock and what for, in place of anything a crashed holder left."""
    since = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, f"pid {os.getpid()} on {socket.gethostname()}, {doing}, since {since}\n".encode())


def _busy(path: Path, wait: float) -> LockError:
    holder = _holder(path)
    if holder:
        return LockError(f"another gitstatus command is writing to this repo ({holder}); waited {wait:g} s "
                         f"for it to finish, nothing was written: try again once it has (the lock is {path})")
    return LockError(f"another program holds this repo's write lock {path}; waited {wait:g} s for it, "
                     "nothing was written: try again once it has finished")


def _acquire(path: Path, wait: float) -> int:
    """A descriptor of the lock file at ``path``, locked; waits up to ``wait`` seconds for it."""
    deadline = time.monotonic() + wait
    pause = 0.002
    while True:
        try:
            fd = _open(path)
        except OSError as err:
            raise LockError(f"cannot write to this repo: its lock file {path} cannot be opened "
                            f"({err.strerror or err}); nothing was written") from None
        while not _try_lock(fd):
            if time.monotonic() >= deadline:
                os.close(fd)
                raise _busy(path, wait)
            time.sleep(pause)
            pause = min(pause * 2, 0.05)
        if _is_current(fd, path):
            return fd
        os.close(fd)  # the holder removed the file as we waited for it: lock the next one


@contextmanager
def hold(root: Path, doing: str) -> Iterator[None]:
    """Hold ``root``'s write lock for the ``with`` block; ``doing`` says what for, to those who wait.

    Waits up to :data:`WAIT_SECONDS` for another holder, then raises :class:`LockError`, as it
    does when the lock file cannot be made (a read-only repo): no lock, no write.
    """
    path = lock_path(root)
    fd = _acquire(path, WAIT_SECONDS)
    try:
        _describe(fd, doing)
        yield
    finally:
        try:
            # Removed while still locked: whoever waits on this file then sees it is gone and takes
            # the next one. Windows cannot remove a file that is open; there it stays, empty.
            if sys.platform != "win32" and _is_current(fd, path):
                with suppress(OSError):
                    os.unlink(path)
            else:
                os.ftruncate(fd, 0)
        finally:
            _unlock(fd)
            os.close(fd)

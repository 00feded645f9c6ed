"""The only door into the status repo: listing and bounded, safe reading of its files.

A :class:`Source` is where a Project's files come from: :class:`Disk` (the working tree),
:class:`GitRev` (the files at a git revision, for ``check --base``) or :class:`Overlay` (either,
with in-memory edits laid over it: what an authoring command or an importer is about to write).

Every read of the working tree (incidents, components.yaml, the theme, the preview) goes through
:func:`read_bytes` and :func:`list_folder`: they follow no symbolic link out of the repo (or into
a hidden folder such as ``.git``), read only regular files and at most ``MAX_BYTES + 1`` bytes of
them, and turn each refusal into a diagnostic that names the file and never quotes what lies
outside.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from . import rules
from .errors import RootError
from .read.document import COMPONENTS_FILE, INCIDENTS_DIR, MAX_BYTES, decode, too_large
from .rules import Diagnostic

_FIX_LINK = "replace the link by the file itself"


_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


_READ_CHUNK = 64 * 1024


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def _unlinked(root: Path, relpath: str) -> str | None:
    """``root/relpath`` when nothing in it below the root is a symbolic link, the common case.

    One ``lstat`` per name instead of resolving every folder above the root too: this runs for
    each of 10,000 incident files. (Opening never follows a final link, so a link made after
    this look is refused as a loop, never followed.)
    """
    parts = relpath.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return None
    path = str(root)
    for part in parts:
        path = os.path.join(path, part)
        if os.path.islink(path):
            return None
    return path


def locate(root: Path, relpath: str) -> tuple[str, Diagnostic | None]:
    """Where ``relpath`` really is, symbolic links followed, or E005 when that is not the repo's to read.

    A link may lead anywhere inside the status repo (incidents/a.md -> ../shared/a.md), the repo
    itself may be reached through a link, but nothing outside it is read, however the link is
    written: not a secret file, not /proc/self/environ, not /dev/zero. Nor is anything in a
    hidden folder a link leads into (``.git/config`` holds CI's token after actions/checkout).
    The message never says where an outside link leads: only the file's own name is shown.
    """
    plain = _unlinked(root, relpath)
    if plain is not None:
        return plain, None
    base = os.path.realpath(root)
    real = os.path.realpath(os.path.join(base, relpath))  # a loop stays a link, which opening reports
    inner = os.path.relpath(real, base)
    if inner == os.pardir or inner.startswith(os.pardir + os.sep):
        return real, Diagnostic(relpath, 0, 0, rules.LINK_OUTSIDE,
                                "is a symbolic link that leads outside the status repo, and gitstatus reads nothing "
                                "outside it, so that nothing else can reach the page or the logs", _FIX_LINK, "; ")
    linked = inner != os.path.normpath(relpath)
    if linked and any(part.startswith(".") for part in Path(inner).parts):
        shown = Path(inner).as_posix()
        return real, Diagnostic(relpath, 0, 0, rules.LINK_OUTSIDE,
                                f"is a symbolic link to {shown}, inside a hidden folder, which gitstatus never reads "
                                "(it may hold credentials)", _FIX_LINK, "; ")
    return real, None


def _open_regular(path: str, flags: int) -> int:
    """``open``'s opener: never through a final link, never waiting for a pipe's writer or a terminal."""
    return os.open(path, flags | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | os.O_NOCTTY)


def _read_bounded(fd: int, size: int) -> bytes:
    """At most ``MAX_BYTES + 1`` bytes, whatever ``fstat`` said (/proc files say 0 and are not empty).

    The first read asks for the reported size and one byte more, so a file of the size it claims
    costs one allocation of its own size, not of the limit's.
    """
    parts: list[bytes] = []
    total, request = 0, min(size, MAX_BYTES) + 1
    while total <= MAX_BYTES:
        chunk = os.read(fd, min(request, MAX_BYTES + 1 - total))
        if not chunk:
            break
        parts.append(chunk)
        total += len(chunk)
        request = _READ_CHUNK
    return b"".join(parts)


def cannot_read(relpath: str, err: OSError) -> Diagnostic:
    if err.errno == errno.ELOOP:
        return Diagnostic(relpath, 0, 0, rules.CANNOT_READ,
                          "cannot read the file: it is a loop of symbolic links", _FIX_LINK, "; ")
    return Diagnostic(relpath, 0, 0, rules.CANNOT_READ, f"cannot read the file: {err.strerror or err}")


def not_regular(relpath: str, kind: str) -> Diagnostic:
    return Diagnostic(relpath, 0, 0, rules.NOT_REGULAR_FILE,
                      f"is {kind}, not a regular file: gitstatus reads only regular files, as reading anything "
                      "else can block or never end", "replace it by the file itself", "; ")


def _open_problem(relpath: str, real: str, err: OSError) -> Diagnostic:
    """Why opening failed: E006 for what is no regular file (a folder, a socket cannot be opened at all)."""
    try:
        mode = os.lstat(real).st_mode
    except OSError:
        return cannot_read(relpath, err)
    if stat.S_ISREG(mode) or stat.S_ISLNK(mode):
        return cannot_read(relpath, err)
    return not_regular(relpath, _kind(mode))


def read_bytes(root: Path, relpath: str) -> tuple[bytes | None, list[Diagnostic]]:
    """The bytes of the regular file ``relpath`` in the status repo, or why it may not be read.

    The one function that opens a file of the status repo (see the module's docstring). A file
    over 1 MiB by its size is refused unread. (Asking ``read`` for "at most 1 MiB" would cost a
    1 MiB allocation per file, a sixth of loading one: the first read asks for the size.)
    """
    real, problem = locate(root, relpath)
    if problem is not None:
        return None, [problem]
    try:
        with open(real, "rb", buffering=0, opener=_open_regular) as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                return None, [not_regular(relpath, _kind(info.st_mode))]
            if info.st_size > MAX_BYTES:
                return None, [too_large(relpath, info.st_size)]
            data = _read_bounded(handle.fileno(), info.st_size)
    except OSError as err:
        return None, [_open_problem(relpath, real, err)]
    if len(data) > MAX_BYTES:
        return None, [too_large(relpath, len(data), at_least=True)]
    return data, []


def read_file(root: Path, relpath: str) -> tuple[str | None, list[Diagnostic]]:
    """Read (through :func:`read_bytes`) and decode one file of the status repo."""
    data, problems = read_bytes(root, relpath)
    if data is None:
        return None, problems
    return decode(data, relpath)


_FOLDER_FIXES = {
    INCIDENTS_DIR: "incident files go in a folder named incidents/; rename or remove this file",
    "theme": "theme/ holds the status repo's own templates and static files; rename or remove this file",
}


def not_a_folder(relpath: str, real: str, err: OSError) -> Diagnostic:
    """E007: a folder gitstatus reads is something else, or cannot be listed; never silently empty."""
    if err.errno == errno.ENOTDIR:
        try:
            mode = os.stat(real).st_mode
        except OSError:
            mode = stat.S_IFREG
        kind = "a file" if stat.S_ISREG(mode) else _kind(mode)
        message, fix = f"is {kind}, not a folder", _FOLDER_FIXES.get(relpath, "make it a folder, or remove it")
    elif err.errno == errno.ENOENT:
        message, fix = "is a symbolic link that points nowhere", "make it the folder itself"
    elif err.errno == errno.ELOOP:
        message, fix = "is a loop of symbolic links", "make it the folder itself"
    else:
        return Diagnostic(relpath, 0, 0, rules.NOT_A_FOLDER, f"cannot list the folder: {err.strerror or err}",
                          "make it readable (chmod a+rx)", "; ")
    return Diagnostic(relpath, 0, 0, rules.NOT_A_FOLDER, message, fix)


def is_folder(entry: os.DirEntry[str]) -> bool:
    """Whether an entry is a folder or a link to one; a link loop is not (reading it says why)."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def list_folder(root: Path, relpath: str) -> tuple[list[os.DirEntry[str]] | None, list[Diagnostic]]:
    """The entries of a folder of the status repo sorted by name; ``None`` when it is absent or refused.

    Absent is no problem (a new repo has no incidents yet); anything else that is not a folder
    one may list is a diagnostic, so an unreadable incidents/ never reads as "0 incidents".
    """
    if not os.path.lexists(os.path.join(root, relpath)):
        return None, []
    real, problem = locate(root, relpath)
    if problem is not None:
        return None, [problem]
    try:
        with os.scandir(real) as entries:
            named = {e.name: e for e in entries}
        return [named[name] for name in sorted(named)], []  # sorting the names: no key function to call
    except OSError as err:
        return None, [not_a_folder(relpath, real, err)]


def list_files(root: Path, relpath: str) -> tuple[list[str], list[Diagnostic]]:
    """Every file under a folder of the status repo, recursively, sorted; hidden ones are left out.

    Sub-folders (links to folders inside the repo too) are entered once: a link back to a folder
    it is in is reported, not walked forever. "Files" here are all that is not a folder: reading
    them (:func:`read_bytes`) is what refuses pipes, devices and links out of the repo.
    """
    files: list[str] = []
    problems: list[Diagnostic] = []

    def visit(folder: str, above: frozenset[str]) -> None:
        entries, found = list_folder(root, folder)
        problems.extend(found)
        real = os.path.realpath(os.path.join(root, folder))
        if entries is not None and real in above:
            problems.append(Diagnostic(folder, 0, 0, rules.NOT_A_FOLDER, "is a symbolic link to a folder it is in, "
                                       "which would repeat forever", "replace the link by the files it should hold"))
            return
        for entry in entries or ():
            if entry.name.startswith("."):
                continue
            child = f"{folder}/{entry.name}"
            if is_folder(entry):
                visit(child, above | {real})
            else:
                files.append(child)

    visit(relpath, frozenset())
    return sorted(files), problems


_EDITOR_SUFFIXES = ("~", ".swp", ".swo", ".swx", ".tmp", "___jb_tmp___", "___jb_old___")


def is_editor_temp(name: str) -> bool:
    """Hidden files and what editors write beside the file being edited (swap files, backups, locks,
    vim's ``4913`` probe): never an incident, and never a reason for the preview to rebuild."""
    return (
        name.startswith(".") or name.endswith(_EDITOR_SUFFIXES)
        or (name.startswith("#") and name.endswith("#")) or name.isdigit()
    )


def incident_paths(root: Path) -> tuple[list[str], list[Diagnostic]]:
    """The incident files of a repo, sorted, and problems with what else lies in ``incidents/``."""
    entries, diagnostics = list_folder(root, INCIDENTS_DIR)
    paths: list[str] = []
    for entry in entries or ():
        name = entry.name
        if is_editor_temp(name):
            continue
        relpath = f"{INCIDENTS_DIR}/{name}"
        if name.endswith(".md") and not is_folder(entry):
            paths.append(relpath)
        else:
            diagnostics.append(
                Diagnostic(relpath, 0, 0, rules.BAD_FILE_NAME,
                           "incidents/ holds only incident files named like '2026-06-11-api-slow.md'",
                           "rename it to end in .md or move it elsewhere", "; ")
            )
    return paths, diagnostics


def template_paths(root: Path) -> tuple[list[str], list[Diagnostic]]:
    """The incident templates of a repo (``templates/*.md``), sorted; other files there are not templates."""
    entries, diagnostics = list_folder(root, "templates")
    paths = [f"templates/{e.name}" for e in entries or ()
             if e.name.endswith(".md") and not is_editor_temp(e.name) and not is_folder(e)]
    return paths, diagnostics


def find_root(start: Path = Path(".")) -> Path:
    """The status repo that ``start`` is in, as git finds its work tree: the nearest folder up with components.yaml.

    The search stops at the top of a git work tree (a folder with ``.git``), so a components.yaml
    of something else above the repo is never picked up. The path is relative to ``start`` as
    given (``..`` from ``incidents/``), so problems are shown as paths from where the command ran.
    When there is none, ``start`` itself is returned, and :func:`check_root` says what to do.
    """
    candidate = start
    for _ in range(64):  # deeper than any real folder; a loop of links cannot keep this going
        if os.path.lexists(candidate / COMPONENTS_FILE):
            return candidate
        if os.path.lexists(candidate / ".git") or os.path.realpath(candidate) == os.path.realpath(candidate / ".."):
            break
        candidate = candidate / ".." if candidate != Path(".") else Path("..")
    return start


def _init_advice(root: Path) -> Path:
    """Where ``gitstatus init`` belongs for someone standing in ``root``: the top of its git work tree when
    there is one, and never inside the folders a status repo is made of (incidents/, theme/, site/)."""
    real = Path(os.path.realpath(root))
    for folder in (real, *real.parents):
        if os.path.lexists(folder / ".git"):
            return folder if folder != real else root
    if real.name in (INCIDENTS_DIR, "theme", "site"):
        return real.parent
    return root


def check_root(root: Path) -> None:
    """Raise :class:`RootError` when ``root`` is not a status repo."""
    try:
        is_folder = root.is_dir()
    except OSError as err:  # a name too long for the file system, a loop of links: pathlib only hides "not found"
        raise RootError(f"{root} cannot be opened: {err.strerror or err}") from None
    if not is_folder:
        raise RootError(f"{root} is not a folder")
    if not os.path.lexists(root / COMPONENTS_FILE):  # there but unreadable is a diagnostic, not "no repo"
        raise RootError(
            f"{root} has no {COMPONENTS_FILE}, so it is not a status repo, and neither is a folder above it "
            f"(run 'gitstatus init {_init_advice(root)}' to start one, or pass --root)"
        )


# --- sources: where a Project's files come from -------------------------------------------------------


class Source:
    """The files of a status repo: components.yaml and the incident files, each with its read problems.

    ``root`` is the status repo's folder on disk, which the theme is read from and messages
    name, whichever revision the incidents come from.
    """

    root: Path
    has_theme = True
    """Whether ``root``'s theme/ belongs to these files (a past revision's theme is not read)."""

    def incident_paths(self) -> tuple[list[str], list[Diagnostic]]:
        """The incident files, sorted, and problems with what else lies in ``incidents/``."""
        raise NotImplementedError

    def read(self, relpath: str) -> tuple[bytes | None, list[Diagnostic]]:
        """A file's bytes, or ``None`` with the reasons it cannot be read."""
        raise NotImplementedError

    def stat(self, relpath: str) -> os.stat_result | None:
        """The stat of a plain regular file (no link on its way), for the cache to tell it unchanged; else None."""
        return None

    def check(self) -> None:
        """Raise :class:`RootError` when this is not a status repo at all (before reading anything)."""


class Disk(Source):
    """The working tree: every read through the one safe door (:func:`read_bytes`)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._folders: dict[str, str | None] = {}
        """Folders :meth:`stat` found free of links, looked at once: a stat only tells a cached file unchanged,
        and a file is always read through :func:`read_bytes`."""

    def __repr__(self) -> str:
        return f"Disk({str(self.root)!r})"

    def check(self) -> None:
        check_root(self.root)

    def incident_paths(self) -> tuple[list[str], list[Diagnostic]]:
        return incident_paths(self.root)

    def read(self, relpath: str) -> tuple[bytes | None, list[Diagnostic]]:
        return read_bytes(self.root, relpath)

    def stat(self, relpath: str) -> os.stat_result | None:
        folder, _, name = relpath.rpartition("/")
        plain = self._folders.get(folder)
        if plain is None:
            plain = self._folders[folder] = _unlinked(self.root, folder) if folder else str(self.root)
        if plain is None or name in ("", ".", ".."):
            return None
        path = f"{plain}{os.sep}{name}"  # lstat: a final link is never followed (and is not a regular file)
        try:
            info = os.lstat(path)
        except OSError:
            return None
        return info if stat.S_ISREG(info.st_mode) else None


class GitRev(Source):
    """The files at a git revision (read in one batch when made; :class:`git.GitError` when git cannot answer)."""

    def __init__(self, root: Path, ref: str) -> None:
        from . import git

        self.root = root
        self.has_theme = False
        self.ref = ref
        self.commit, prefix = git.resolve(root, ref)
        self.files = git.files_at(root, self.commit, prefix)

    def __repr__(self) -> str:
        return f"GitRev({str(self.root)!r}, {self.ref!r})"

    def incident_paths(self) -> tuple[list[str], list[Diagnostic]]:
        return sorted(p for p in self.files if p != COMPONENTS_FILE), []

    def read(self, relpath: str) -> tuple[bytes | None, list[Diagnostic]]:
        data = self.files.get(relpath)
        if data is None:
            return None, [Diagnostic(relpath, 0, 0, rules.CANNOT_READ,
                                     f"cannot read the file: it is not at {self.ref}")]
        return data, []


class Overlay(Source):
    """Another source with edits laid over it: ``{relpath: bytes}`` to write, ``{relpath: None}`` to delete.

    What an authoring command (or an importer) is about to write is checked as a Project of the
    repo as it will be, without writing anything first.
    """

    def __init__(self, base: Source, edits: dict[str, bytes | None]) -> None:
        self.base = base
        self.root = base.root
        self.has_theme = base.has_theme
        self.edits = dict(edits)

    def __repr__(self) -> str:
        return f"Overlay({self.base!r}, {sorted(self.edits)!r})"

    def check(self) -> None:
        self.base.check()

    def incident_paths(self) -> tuple[list[str], list[Diagnostic]]:
        paths, problems = self.base.incident_paths()
        edited = self._edited()
        return self.laid_over(paths), [d for d in problems if d.path not in edited]

    def _edited(self) -> set[str]:
        prefix = f"{INCIDENTS_DIR}/"
        return {p for p in self.edits if p.startswith(prefix) and "/" not in p[len(prefix):]}

    def laid_over(self, paths: Iterable[str]) -> list[str]:
        """The incident files ``paths`` of the base, as they will be with the edits: deleted ones gone, new ones in."""
        edited = self._edited()
        kept = [p for p in paths if p not in edited]
        added = [p for p in edited if self.edits[p] is not None]
        return sorted(kept + added)

    def read(self, relpath: str) -> tuple[bytes | None, list[Diagnostic]]:
        if relpath in self.edits:
            data = self.edits[relpath]
            if data is None:
                return None, [Diagnostic(relpath, 0, 0, rules.CANNOT_READ, "cannot read the file: it is being deleted")]
            if len(data) > MAX_BYTES:
                return None, [too_large(relpath, len(data))]
            return data, []
        return self.base.read(relpath)

    def stat(self, relpath: str) -> os.stat_result | None:
        return None if relpath in self.edits else self.base.stat(relpath)

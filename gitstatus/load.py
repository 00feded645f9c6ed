"""Files to raw documents: the only part of the pipeline that reads the status repo.

A raw document is what a file says, with line numbers, before any rule is applied:
the front matter as a YAML node tree and the body cut into update sections. Every
problem met on the way (unreadable, not UTF-8, too large, no front matter, YAML
syntax) is a diagnostic, never an exception.

Every read of the status repo, here and elsewhere (the theme, ``check --base``, the
authoring commands, the preview), goes through :func:`read_bytes` and :func:`list_folder`:
they follow no symbolic link out of the repo (or into a hidden folder such as ``.git``),
read only regular files and at most ``MAX_BYTES + 1`` bytes of them, and turn each refusal
into a diagnostic that names the file and never quotes what lies outside.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from . import yamlnodes
from .diagnostics import Diagnostic
from .yamlnodes import Node

MAX_BYTES = 1024 * 1024
COMPONENTS_FILE = "components.yaml"
INCIDENTS_DIR = "incidents"

_BOM = b"\xef\xbb\xbf"
# An ATX heading of level 1 or 2 (CommonMark: up to three spaces of indent, then a space or the end).
_HEADING_RE = re.compile(r"^ {0,3}(#{1,2})(?:[ \t]+(.*?))?[ \t]*$")
_FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
_CLOSING_HASHES_RE = re.compile(r"(?:^|[ \t]+)#+[ \t]*$")
# "##2026-06-11 14:02 UTC — Investigating": not a heading in Markdown (no space), but clearly meant as one.
_SPACELESS_UPDATE_RE = re.compile(r"^ {0,3}##\d")
# Only lines whose first non-space character is one of these can open, close or be a heading.
_MARKERS = frozenset("#`~")
# Git's merge conflict markers: seven '<', '|' or '>' at the very start of a line, then a space and a
# label or nothing; and the '=======' between the two sides (alone, a Markdown heading underline).
_CONFLICT_RE = re.compile(r"^(?:(<{7}|\|{7}|>{7})(?: .*)?|={7})$", re.M)


class RootError(Exception):
    """The folder is not a status repo at all (exit code 2, not a content error)."""


@dataclass(frozen=True)
class RawSection:
    """One ``## time — status`` section of an incident body."""

    heading: str
    """The heading's text after ``## `` (closing hashes removed)."""
    line: int
    col: int
    """Column where the heading text starts."""
    message: str
    message_line: int
    """First line of the message, or the heading's line when the message is empty."""


@dataclass(frozen=True)
class RawIncident:
    path: str
    """Relative to the repo root, forward slashes."""
    meta: Node | None
    """The front matter, or ``None`` when it is missing or unreadable."""
    sections: tuple[RawSection, ...] = ()
    body_line: int = 1
    """The first line after the front matter."""


@dataclass(frozen=True)
class RawRepo:
    components: Node | None
    incidents: tuple[RawIncident, ...]
    diagnostics: tuple[Diagnostic, ...] = field(default=())


def too_large(path: str, size: int, at_least: bool = False) -> Diagnostic:
    """E003; ``at_least`` when the file was read up to the limit (its reported size was not to be trusted)."""
    how_big = f"more than {size - 1:,}" if at_least else f"{size:,}"
    return Diagnostic(path, 0, 0, "E003", f"file is {how_big} bytes, over the 1 MiB limit: split or shorten it")


def decode(data: bytes, path: str) -> tuple[str | None, list[Diagnostic]]:
    """Bytes to text with ``\\n`` line ends; a BOM and CRLF are accepted."""
    if len(data) > MAX_BYTES:
        return None, [too_large(path, len(data))]
    if data.startswith(_BOM):
        data = data[len(_BOM):]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        line_start = data.rfind(b"\n", 0, err.start) + 1
        col = len(data[line_start:err.start].decode("utf-8")) + 1  # characters, as editors count them
        return None, [
            Diagnostic(path, line, col, "E002", f"byte 0x{data[err.start]:02x} is not UTF-8: save the file as UTF-8")
        ]
    return text.replace("\r\n", "\n").replace("\r", "\n"), []


# --- the one door into the status repo ----------------------------------------------------------------

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
        return real, Diagnostic(relpath, 0, 0, "E005",
                                "is a symbolic link that leads outside the status repo, and gitstatus reads nothing "
                                "outside it, so that nothing else can reach the page or the logs; " + _FIX_LINK)
    linked = inner != os.path.normpath(relpath)
    if linked and any(part.startswith(".") for part in Path(inner).parts):
        shown = Path(inner).as_posix()
        return real, Diagnostic(relpath, 0, 0, "E005",
                                f"is a symbolic link to {shown}, inside a hidden folder, which gitstatus never reads "
                                "(it may hold credentials); " + _FIX_LINK)
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
        return Diagnostic(relpath, 0, 0, "E001",
                          "cannot read the file: it is a loop of symbolic links; " + _FIX_LINK)
    return Diagnostic(relpath, 0, 0, "E001", f"cannot read the file: {err.strerror or err}")


def not_regular(relpath: str, kind: str) -> Diagnostic:
    return Diagnostic(relpath, 0, 0, "E006",
                      f"is {kind}, not a regular file: gitstatus reads only regular files, as reading anything "
                      "else can block or never end; replace it by the file itself")


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
        fix = _FOLDER_FIXES.get(relpath, "make it a folder, or remove it")
        message = f"is {kind}, not a folder: {fix}"
    elif err.errno == errno.ENOENT:
        message = "is a symbolic link that points nowhere: make it the folder itself"
    elif err.errno == errno.ELOOP:
        message = "is a loop of symbolic links: make it the folder itself"
    else:
        message = f"cannot list the folder: {err.strerror or err}; make it readable (chmod a+rx)"
    return Diagnostic(relpath, 0, 0, "E007", message)


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
            return sorted(entries, key=lambda e: e.name), []
    except OSError as err:
        return None, [not_a_folder(relpath, real, err)]


def split_front_matter(text: str, path: str) -> tuple[str | None, int, str, int, list[Diagnostic]]:
    """Cut ``---``-fenced YAML off the top of an incident file.

    Returns (yaml text or None, its first line, body, the body's first line, problems).
    """
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return None, 0, text, 1, [
            Diagnostic(path, 1, 1, "E101",
                       "the file must start with '---', then title, impact and components, then '---'")
        ]
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            yaml_text = "\n".join(lines[1:index])
            body = "\n".join(lines[index + 1:])
            return yaml_text, 2, body, index + 2, []
    return None, 0, "", len(lines) + 1, [
        Diagnostic(path, 1, 1, "E102", "the front matter opened on line 1 is never closed: add a line '---' after it")
    ]


def split_sections(body: str, first_line: int, path: str) -> tuple[list[RawSection], list[Diagnostic]]:
    """Cut the body at its level-2 headings, skipping fenced code, which may hold ``##`` lines."""
    diagnostics: list[Diagnostic] = []
    sections: list[RawSection] = []
    heading: tuple[str, int, int] | None = None
    message: list[tuple[int, str]] = []
    fence: str | None = None
    fence_line = 0
    swallowed = 0
    """The first update-like heading inside the open fence: an unclosed fence would hide it."""

    def close() -> None:
        while message and not message[-1][1].strip():
            message.pop()
        while message and not message[0][1].strip():
            message.pop(0)
        if heading is None:
            if message:
                diagnostics.append(
                    Diagnostic(path, message[0][0], 1, "E201",
                               "text before the first update: start the body with a heading '## <time> — <status>'")
                )
            return
        text = "\n".join(line for _, line in message)
        sections.append(RawSection(heading[0], heading[1], heading[2], text, message[0][0] if message else heading[1]))

    for offset, line in enumerate(body.split("\n")):
        number = first_line + offset
        if line.lstrip(" ")[:1] not in _MARKERS:  # fast path: most lines are prose
            message.append((number, line))
            continue
        fence_match = _FENCE_RE.match(line)
        if fence is not None:
            if fence_match and fence_match[1][0] == fence[0] and len(fence_match[1]) >= len(fence) \
                    and not fence_match[2].strip():
                fence = None
            elif not swallowed and (match := _HEADING_RE.match(line)) and len(match[1]) == 2:
                swallowed = number
            message.append((number, line))
            continue
        if fence_match and not (fence_match[1][0] == "`" and "`" in fence_match[2]):
            fence, fence_line, swallowed = fence_match[1], number, 0
            message.append((number, line))
            continue
        if _SPACELESS_UPDATE_RE.match(line):
            diagnostics.append(
                Diagnostic(path, number, 1, "E202",
                           "this looks like an update heading but has no space after '##': "
                           "write '## <time> — <status>'")
            )
            message.append((number, line))
            continue
        heading_match = _HEADING_RE.match(line)
        if heading_match and len(heading_match[1]) == 1:
            diagnostics.append(
                Diagnostic(path, number, 1, "E202",
                           "a level-1 heading in an incident: use '## <time> — <status>' for updates "
                           "and ### inside messages")
            )
            message.append((number, line))
            continue
        if heading_match:
            close()
            text = _CLOSING_HASHES_RE.sub("", heading_match[2] or "")
            col = heading_match.start(2) + 1 if heading_match[2] else line.index("#") + 1
            heading = (text, number, col)
            message = []
            continue
        message.append((number, line))
    close()
    if fence is not None and swallowed:
        diagnostics.append(
            Diagnostic(path, fence_line, 1, "E208",
                       f"the code block opened here with {fence} is never closed, so the update heading on line "
                       f"{swallowed} is read as code: close the block with a line {fence}")
        )
    return sections, diagnostics


def conflict_blocks(text: str) -> list[list[int]]:
    """The line numbers of git's conflict markers in ``text``, one list per conflict.

    A conflict runs from ``<<<<<<<`` to ``>>>>>>>``, with ``|||||||`` (diff3) and ``=======``
    between. A ``=======`` line outside one is a Markdown heading underline and is left alone;
    a lone ``<<<<<<<``, ``|||||||`` or ``>>>>>>>`` line is what is left of a conflict.
    """
    if "<<<<<<<" not in text and ">>>>>>>" not in text and "|||||||" not in text:
        return []  # the usual case, without a regular expression over the whole file
    blocks: list[list[int]] = []
    current: list[int] | None = None
    line, counted = 1, 0
    for match in _CONFLICT_RE.finditer(text):
        line += text.count("\n", counted, match.start())
        counted = match.start()
        kind = match[0][0]
        if kind == "<":
            if current is not None:
                blocks.append(current)
            current = [line]
        elif current is not None:
            current.append(line)
            if kind == ">":
                blocks.append(current)
                current = None
        elif kind != "=":
            blocks.append([line])
    if current is not None:
        blocks.append(current)
    return blocks


def _conflict(path: str, lines: list[int]) -> Diagnostic:
    if len(lines) == 1:
        which = f"marker line {lines[0]}"
    else:
        which = "marker lines " + ", ".join(str(n) for n in lines[:-1]) + f" and {lines[-1]}"
    return Diagnostic(path, lines[0], 1, "E209",
                      f"a git merge conflict is left here ({which}): keep what both sides wrote (two responders' "
                      "updates both stay, oldest first) and delete the marker lines; 'gitstatus merge-driver' "
                      "merges appended updates by itself (see docs/github.md)")


def parse_incident(text: str, path: str) -> tuple[RawIncident, list[Diagnostic]]:
    """One incident file's text to a raw incident (pure; used by the loader and by authoring).

    Conflict markers are reported first: a front matter with one in it is not read as YAML (it
    would only add a syntax error about the markers), and one in the body stays in the message.
    """
    conflicts = conflict_blocks(text)
    yaml_text, yaml_line, body, body_line, diagnostics = split_front_matter(text, path)
    diagnostics = [_conflict(path, lines) for lines in conflicts] + diagnostics
    if yaml_text is not None and any(yaml_line <= n < body_line for lines in conflicts for n in lines):
        yaml_text = None
    meta = None
    if yaml_text is not None:
        meta, problems = yamlnodes.parse(yaml_text, path, yaml_line)
        diagnostics += problems
    sections, problems = split_sections(body, body_line, path)
    if yaml_text is None and body_line == 1:  # no front matter: what precedes the updates is most likely it
        problems = [d for d in problems if d.code != "E201"]
    diagnostics += problems
    return RawIncident(path, meta, tuple(sections), body_line), diagnostics


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
            problems.append(Diagnostic(folder, 0, 0, "E007", "is a symbolic link to a folder it is in, which would "
                                       "repeat forever: replace the link by the files it should hold"))
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
        if is_editor_temp(entry.name):
            continue
        relpath = f"{INCIDENTS_DIR}/{entry.name}"
        if entry.name.endswith(".md") and not is_folder(entry):
            paths.append(relpath)
        else:
            diagnostics.append(
                Diagnostic(relpath, 0, 0, "E004",
                           "incidents/ holds only incident files named like '2026-06-11-api-slow.md'; "
                           "rename it to end in .md or move it elsewhere")
            )
    return paths, diagnostics


def load_components(root: Path) -> tuple[Node | None, list[Diagnostic]]:
    text, diagnostics = read_file(root, COMPONENTS_FILE)
    if text is None:
        return None, diagnostics
    node, problems = yamlnodes.parse(text, COMPONENTS_FILE, 1)
    return node, diagnostics + problems


def load_incident(root: Path, relpath: str) -> tuple[RawIncident, list[Diagnostic]]:
    text, diagnostics = read_file(root, relpath)
    if text is None:
        return RawIncident(relpath, None), diagnostics
    raw, problems = parse_incident(text, relpath)
    return raw, diagnostics + problems


def check_root(root: Path) -> None:
    """Raise :class:`RootError` when ``root`` is not a status repo."""
    if not root.is_dir():
        raise RootError(f"{root} is not a folder")
    if not os.path.lexists(root / COMPONENTS_FILE):  # there but unreadable is a diagnostic, not "no repo"
        raise RootError(
            f"{root} has no {COMPONENTS_FILE}, so it is not a status repo "
            f"(run 'gitstatus init {root}' to start one, or pass --root)"
        )


def load_repo(root: Path) -> RawRepo:
    """Read a whole status repo. Raises :class:`RootError` only when it is not one."""
    check_root(root)
    components, diagnostics = load_components(root)
    paths, problems = incident_paths(root)
    diagnostics += problems
    incidents = []
    for relpath in paths:
        raw, problems = load_incident(root, relpath)
        incidents.append(raw)
        diagnostics += problems
    return RawRepo(components, tuple(incidents), tuple(diagnostics))

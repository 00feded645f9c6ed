"""Files to raw documents: the only part of the pipeline that reads the status repo.

A raw document is what a file says, with line numbers, before any rule is applied:
the front matter as a YAML node tree and the body cut into update sections. Every
problem met on the way (unreadable, not UTF-8, too large, no front matter, YAML
syntax) is a diagnostic, never an exception.
"""

from __future__ import annotations

import os
import re
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


def too_large(path: str, size: int) -> Diagnostic:
    return Diagnostic(path, 0, 0, "E003", f"file is {size:,} bytes, over the 1 MiB limit: split or shorten it")


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


def read_file(root: Path, relpath: str) -> tuple[str | None, list[Diagnostic]]:
    """Read and decode one file under ``root``; a file over 1 MiB is reported from its size, not read.

    (Asking ``read`` for "at most 1 MiB" costs a 1 MiB allocation per file, a sixth of loading one.)
    """
    try:
        with open(root / relpath, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            data = handle.read() if size <= MAX_BYTES else b""
    except OSError as err:
        return None, [Diagnostic(relpath, 0, 0, "E001", f"cannot read the file: {err.strerror or err}")]
    if size > MAX_BYTES:
        return None, [too_large(relpath, size)]
    return decode(data, relpath)


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


def parse_incident(text: str, path: str) -> tuple[RawIncident, list[Diagnostic]]:
    """One incident file's text to a raw incident (pure; used by the loader and by authoring)."""
    yaml_text, yaml_line, body, body_line, diagnostics = split_front_matter(text, path)
    meta = None
    if yaml_text is not None:
        meta, problems = yamlnodes.parse(yaml_text, path, yaml_line)
        diagnostics += problems
    sections, problems = split_sections(body, body_line, path)
    if yaml_text is None and body_line == 1:  # no front matter: what precedes the updates is most likely it
        problems = [d for d in problems if d.code != "E201"]
    diagnostics += problems
    return RawIncident(path, meta, tuple(sections), body_line), diagnostics


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
    folder = root / INCIDENTS_DIR
    if not folder.is_dir():
        return [], []
    paths, diagnostics = [], []
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        if is_editor_temp(entry.name):
            continue
        relpath = f"{INCIDENTS_DIR}/{entry.name}"
        if entry.name.endswith(".md") and not entry.is_dir():
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
    try:
        is_folder, has_components = root.is_dir(), (root / COMPONENTS_FILE).is_file()
    except OSError as err:  # a name too long for the file system, a loop of links: pathlib only hides "not found"
        raise RootError(f"{root} cannot be opened: {err.strerror or err}") from None
    if not is_folder:
        raise RootError(f"{root} is not a folder")
    if not has_components:
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

"""One file's text to a raw document: what it says, with line numbers, before any rule is applied.

The front matter becomes a YAML node tree (yamlnodes.py) and the body is cut into update
sections. Pure: bytes in, a raw document and diagnostics out, so the result of a file can be
cached by its content. Every problem met on the way (not UTF-8, too large, no front matter,
YAML syntax, merge-conflict markers) is a diagnostic, never an exception.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import rules
from ..rules import Diagnostic
from . import yamlnodes
from .yamlnodes import Node

MAX_BYTES = 1024 * 1024
"""The largest file gitstatus reads: an incident is a page of text, not a log."""
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


def too_large(path: str, size: int, at_least: bool = False) -> Diagnostic:
    """E003; ``at_least`` when the file was read up to the limit (its reported size was not to be trusted)."""
    how_big = f"more than {size - 1:,}" if at_least else f"{size:,}"
    return Diagnostic(path, 0, 0, rules.TOO_LARGE, f"file is {how_big} bytes, over the 1 MiB limit")


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
            Diagnostic(path, line, col, rules.NOT_UTF8, f"byte 0x{data[err.start]:02x} is not UTF-8")
        ]
    return text.replace("\r\n", "\n").replace("\r", "\n"), []


def split_front_matter(text: str, path: str) -> tuple[str | None, int, str, int, list[Diagnostic]]:
    """Cut ``---``-fenced YAML off the top of an incident file.

    Returns (yaml text or None, its first line, body, the body's first line, problems).
    """
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return None, 0, text, 1, [
            Diagnostic(path, 1, 1, rules.NO_FRONT_MATTER,
                       "the file must start with '---', then title, impact and components, then '---'")
        ]
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            yaml_text = "\n".join(lines[1:index])
            body = "\n".join(lines[index + 1:])
            return yaml_text, 2, body, index + 2, []
    return None, 0, "", len(lines) + 1, [
        Diagnostic(path, 1, 1, rules.UNCLOSED_FRONT_MATTER, "the front matter opened on line 1 is never closed")
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
                    Diagnostic(path, message[0][0], 1, rules.TEXT_BEFORE_UPDATES, "text before the first update")
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
                Diagnostic(path, number, 1, rules.BAD_HEADING,
                           "this looks like an update heading but has no space after '##'",
                           "write '## <time> — <status>'")
            )
            message.append((number, line))
            continue
        heading_match = _HEADING_RE.match(line)
        if heading_match and len(heading_match[1]) == 1:
            diagnostics.append(
                Diagnostic(path, number, 1, rules.BAD_HEADING, "a level-1 heading in an incident",
                           "use '## <time> — <status>' for updates and ### inside messages")
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
            Diagnostic(path, fence_line, 1, rules.UNCLOSED_CODE_BLOCK,
                       f"the code block opened here with {fence} is never closed, so the update heading on line "
                       f"{swallowed} is read as code", f"close the block with a line {fence}")
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
    return Diagnostic(path, lines[0], 1, rules.CONFLICT_MARKERS, f"a git merge conflict is left here ({which})")


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
        problems = [d for d in problems if d.rule is not rules.TEXT_BEFORE_UPDATES]
    diagnostics += problems
    return RawIncident(path, meta, tuple(sections), body_line), diagnostics

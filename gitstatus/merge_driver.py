"""``gitstatus merge-driver``: git's merge of an incident file, for two responders appending updates.

Updates are appended at the end of the file, so two branches that each post an update to the
same incident both add lines at the same place, and git's text merge calls that a conflict. Set
up as a merge driver (``incidents/*.md merge=gitstatus`` in .gitattributes, and
``git config merge.gitstatus.driver "gitstatus merge-driver %O %A %B %P"``), this merges them:

- the front matter: taken from the side that changed it; changed differently on both sides
  is a conflict (of the front matter only);
- the published updates (those of the common ancestor): each kept, with a message fixed on
  one side taken from that side;
- the updates each side appended: all of them, ordered by time (equal times: ours first), an
  update appended identically on both sides once. A merge that would put an update after a
  final one (both sides resolved) is a conflict of the appended updates.

Anything else (a published update's heading changed, an update removed or inserted, a file
that does not read) is merged as git merges text, with ``git merge-file``: a real conflict
stays a conflict. As git expects from a driver, the result is written over ``%A`` and the exit
status is 0 for a clean merge and 1 for a conflict, with git's markers in ``%A``; 2 means the
driver could not run (``%A`` is left as it was, and git reports a conflict).
"""

from __future__ import annotations

import datetime as dt
import heapq
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from . import rules
from .errors import EXIT_USAGE, GitstatusError
from .project import read_settings
from .read.document import COMPONENTS_FILE, decode, parse_incident
from .read.incident import HEADING_RE, is_postmortem_heading, parse_status
from .source import Disk
from .timeparse import UTC, TimeError, parse_time
from .write import replace_file

OURS, BASE, THEIRS = "ours", "base", "theirs"
"""The labels of the conflict markers (git does not tell a driver the branch names)."""
BOM = b"\xef\xbb\xbf"


#: Problems after which a file is merged as text, not by its parts: the parts cannot be told apart.
_NOT_BY_PARTS = {rules.NO_FRONT_MATTER, rules.UNCLOSED_FRONT_MATTER, rules.CONFLICT_MARKERS}


class DriverError(GitstatusError):
    """The driver cannot run: an input cannot be read, or git is missing.

    Exit status 2, which git takes as a conflict like 1, but which tells the person reading the
    log that no conflict markers were written.
    """

    exit_code = EXIT_USAGE
    program = "gitstatus merge-driver"


@dataclass(frozen=True)
class Section:
    """One update as written: its heading line through its message, without trailing blank lines."""

    text: str
    heading: str
    message: str

    def same(self, other: Section) -> bool:
        """The same update: the same heading and the same words (re-wrapping is no difference)."""
        return self.heading == other.heading and self.message.split() == other.message.split()


@dataclass(frozen=True)
class Parts:
    """An incident file cut into what comes before the first update (the front matter) and its updates."""

    front: str
    sections: tuple[Section, ...]


@dataclass(frozen=True)
class Merged:
    """The merged text, how many conflicts it holds, and why (for the person running git)."""

    text: str
    conflicts: int
    reasons: tuple[str, ...] = ()


# --- reading ---------------------------------------------------------------------------------------------


def split(text: str, path: str) -> Parts | None:
    """``text`` in parts, or ``None`` when it is not an incident file this driver can merge by parts."""
    raw, problems = parse_incident(text, path)
    if raw.meta is None or any(d.rule in _NOT_BY_PARTS for d in problems):
        return None
    lines = text.split("\n")
    starts = [s.line for s in raw.sections] + [len(lines) + 1]
    front = "\n".join(lines[: starts[0] - 1]).rstrip()
    sections = tuple(
        Section("\n".join(lines[start - 1: end - 1]).rstrip(), s.heading, s.message)
        for s, start, end in zip(raw.sections, starts, starts[1:], strict=False)
    )
    return Parts(front, sections)


def page_zone(pathname: str) -> dt.tzinfo:
    """The page's timezone, from the components.yaml beside ``incidents/`` of ``pathname`` (else UTC).

    Git runs a driver at the top of the work tree with ``%P`` relative to it; a path that leaves
    the work tree is not followed.
    """
    parts = PurePosixPath(pathname).parts
    if not pathname or PurePosixPath(pathname).is_absolute() or ".." in parts or len(parts) < 2:
        return UTC
    root = Path(*parts[:-2]) if len(parts) > 2 else Path(".")
    if not (root / COMPONENTS_FILE).is_file():
        return UTC
    return read_settings(Disk(root)).tz


def _time(section: Section, tz: dt.tzinfo) -> dt.datetime | None:
    match = HEADING_RE.match(section.heading)
    if not match:
        return None
    try:
        return parse_time(match["time"], tz)
    except TimeError:
        return None


def _is_final(section: Section) -> bool:
    match = HEADING_RE.match(section.heading)
    status = parse_status(match["status"]) if match else None
    return status is not None and status.is_final


# --- merging ---------------------------------------------------------------------------------------------


def _pick(base: str, ours: str, theirs: str) -> str | None:
    """The three-way choice for one part: the side that changed it, or ``None`` when both did, differently."""
    if ours == theirs or theirs == base:
        return ours
    if ours == base:
        return theirs
    return None


def _conflict(ours: str, theirs: str) -> str:
    return f"<<<<<<< {OURS}\n{ours}\n=======\n{theirs}\n>>>>>>> {THEIRS}"


def merge_front(base: str, ours: str, theirs: str) -> tuple[str, bool]:
    """The merged front matter, and whether it is a conflict (markers inside the ``---`` lines)."""
    chosen = _pick(base, ours, theirs)
    if chosen is not None:
        return chosen, False
    o, t = ours.split("\n"), theirs.split("\n")
    if len(o) > 1 and len(t) > 1 and o[0] == t[0] == "---" and o[-1] == t[-1] == "---":
        return "---\n" + _conflict("\n".join(o[1:-1]), "\n".join(t[1:-1])) + "\n---", True
    return _conflict(ours, theirs), True


def _in_time_order(ours: Sequence[Section], theirs: Sequence[Section], tz: dt.tzinfo) -> list[Section] | None:
    """Both sides' appended updates by time, each side's own order kept; ``None`` if a time does not read."""
    keyed: list[list[tuple[dt.datetime, int, Section]]] = []
    for side, sections in enumerate((ours, theirs)):
        times = [_time(s, tz) for s in sections]
        if any(t is None for t in times):
            return None
        keyed.append([(t, side, s) for t, s in zip(times, sections, strict=True) if t is not None])
    merged: Iterator[tuple[dt.datetime, int, Section]] = heapq.merge(*keyed, key=lambda item: (item[0], item[1]))
    return [section for _, _, section in merged]


def merge_updates(base: Sequence[Section], ours: Sequence[Section], theirs: Sequence[Section],
                  tz: dt.tzinfo) -> Merged | None:
    """The merged updates, or ``None`` when the sides did more than append (and fix messages)."""
    n = len(base)
    if len(ours) < n or len(theirs) < n:
        return None
    kept: list[str] = []
    for b, o, t in zip(base, ours, theirs, strict=False):
        if not b.heading == o.heading == t.heading:
            return None
        chosen = _pick(b.text, o.text, t.text)
        if chosen is None:
            return None
        kept.append(chosen)
    ours_new = list(ours[n:])
    theirs_new = [t for t in theirs[n:] if not any(t.same(o) for o in ours_new)]
    if not ours_new or not theirs_new:
        return Merged("\n\n".join(kept + [s.text for s in ours_new or theirs_new]), 0)
    ordered = _in_time_order(ours_new, theirs_new, tz)
    if ordered is None:
        return None
    updates = [s for s in [*base, *ordered] if not is_postmortem_heading(s.heading)]  # a post-mortem follows the end
    finals = [i for i, s in enumerate(updates) if _is_final(s)]
    if finals and finals[0] < len(updates) - 1:
        block = _conflict("\n\n".join(s.text for s in ours_new), "\n\n".join(s.text for s in theirs_new))
        return Merged("\n\n".join([*kept, block]), 1, ("an update would follow the final one: both sides added "
                                                       "updates to an incident that one of them closed",))
    return Merged("\n\n".join(kept + [s.text for s in ordered]), 0)


def merge_text(base: str, ours: str, theirs: str) -> Merged:
    """Git's own three-way text merge (``git merge-file``), with its conflict markers."""
    with tempfile.TemporaryDirectory(prefix="gitstatus-merge-") as temp:
        paths = []
        for name, text in ((OURS, ours), (BASE, base), (THEIRS, theirs)):
            path = Path(temp) / name
            path.write_bytes(text.encode("utf-8"))
            paths.append(str(path))
        try:
            proc = subprocess.run(["git", "merge-file", "-p", "-L", OURS, "-L", BASE, "-L", THEIRS, *paths],
                                  capture_output=True, check=False)
        except OSError as err:
            raise DriverError(f"cannot run git merge-file: {err}") from None
    if not 0 <= proc.returncode < 128:
        raise DriverError(f"git merge-file failed: {proc.stderr.decode('utf-8', 'replace').strip()}")
    reasons = ("both sides changed the same lines",) if proc.returncode else ()
    return Merged(proc.stdout.decode("utf-8"), proc.returncode, reasons)


def merge(base: str, ours: str, theirs: str, path: str, tz: dt.tzinfo) -> Merged:
    """Three versions of one incident file to one: see the module's docstring for the rules."""
    b, o, t = (split(text, path) for text in (base, ours, theirs))
    if b is None or o is None or t is None:
        return merge_text(base, ours, theirs)
    front, front_conflict = merge_front(b.front, o.front, t.front)
    reasons = ("both sides changed the front matter",) if front_conflict else ()
    body = merge_updates(b.sections, o.sections, t.sections, tz)
    if body is None:
        body = merge_text(*("\n\n".join(s.text for s in parts.sections) + "\n" for parts in (b, o, t)))
    text = f"{front}\n\n{body.text.rstrip()}\n" if body.text.strip() else f"{front}\n"
    return Merged(text, body.conflicts + front_conflict, reasons + body.reasons)


# --- the command ---------------------------------------------------------------------------------------------


def _read(path: Path) -> tuple[bytes, str]:
    try:
        data = path.read_bytes()
    except OSError as err:
        raise DriverError(f"cannot read {path}: {err.strerror or err}") from None
    text, problems = decode(data, str(path))
    if text is None:
        raise DriverError(problems[0].text if problems else f"cannot read {path}")
    return data, text


def _write(path: Path, data: bytes) -> None:
    """Replace ``path`` as a whole, so a failed write leaves git's ``%A`` as it was."""
    try:
        replace_file(path, data)
    except OSError as err:
        raise DriverError(f"cannot write {path}: {err.strerror or err}") from None


def run(ancestor: Path, current: Path, other: Path, pathname: str) -> Merged:
    """Merge the files git passes (``%O %A %B``) into ``current``; raises :class:`DriverError`."""
    (_, base), (ours_data, ours), (_, theirs) = _read(ancestor), _read(current), _read(other)
    merged = merge(base, ours, theirs, pathname or str(current), page_zone(pathname))
    data = merged.text
    if b"\r\n" in ours_data:
        data = data.replace("\n", "\r\n")
    _write(current, (BOM if ours_data.startswith(BOM) else b"") + data.encode("utf-8"))
    return merged

"""How problems are shown: lines for people and editors, GitHub annotations, JSON, the job summary.

ARCHITECTURE: reporting is apart from the rules (rules.py) and from the command line: these
functions take a list of diagnostics and return text, and ``cli.py`` prints it. They do not
import click, so the preview, ``init`` and tools use them as they are. This module holds the
formats of one line per problem (text, github, json) and the run's summary line;
:mod:`.summary` the Markdown job summary a pull request's check shows.

Paths and messages carry text from files, so every format shows hidden characters as escapes
(terminal.py) and keeps each problem on one line.
"""

from __future__ import annotations

from collections.abc import Sequence

from .. import terminal
from ..rules import Diagnostic, Severity

#: ANSI colours of the code, by severity (the text format on a terminal).
_COLOURS = {Severity.ERROR: "\x1b[31m", Severity.WARNING: "\x1b[33m", Severity.NOTICE: "\x1b[36m"}
_BOLD = "\x1b[1m"
_RESET = "\x1b[0m"


def location(d: Diagnostic) -> str:
    parts = [terminal.printable(d.path)]  # a file name may hold a line break; the report stays one line per problem
    if d.line:
        parts.append(str(d.line))
        if d.col:
            parts.append(str(d.col))
    return ":".join(parts)


def format_text(diagnostics: Sequence[Diagnostic], colour: bool = False) -> list[str]:
    """``path:line:col: CODE message`` lines, sorted, for people and for editors' problem matchers.

    Paths and messages carry text from files: hidden characters are shown as escapes.
    """
    lines = []
    for d in sorted(diagnostics):
        code = f"{_COLOURS[d.severity]}{_BOLD}{d.code}{_RESET}" if colour else d.code
        where = terminal.printable(location(d))
        where = f"{_BOLD}{where}{_RESET}" if colour else where
        lines.append(f"{where}: {code} {terminal.printable(d.text)}")
    return lines


def checked_text(incidents: int) -> str:
    """What a run checked, for :func:`summary_line`: ``components.yaml and 9 incidents``."""
    return f"components.yaml and {incidents} incident{'' if incidents == 1 else 's'}"


def summary_line(diagnostics: Sequence[Diagnostic], checked: str) -> str:
    """One line at the end of a run, e.g. ``3 errors, 1 warning in 9 incidents``."""
    counts = {s: sum(1 for d in diagnostics if d.severity is s) for s in Severity}
    parts = [
        f"{n} {name}{'' if n == 1 else 's'}"
        for name, n in (
            ("error", counts[Severity.ERROR]),
            ("warning", counts[Severity.WARNING]),
            ("notice", counts[Severity.NOTICE]),
        )
        if n
    ]
    if not parts:
        return terminal.printable(f"All good: {checked}, no problems.")
    return terminal.printable(f"{', '.join(parts)} in {checked}.")


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(diagnostics: Sequence[Diagnostic]) -> list[str]:
    """GitHub workflow commands, which become annotations on the pull request's diff.

    One line each, whatever a path or message holds: GitHub's own escapes (``%0A``, ``%3A``, …) keep
    a line break from starting a second command and ``:`` or ``,`` from ending a property; other
    hidden characters are shown as escapes, as in the text format (the run's log is a terminal too).
    """
    lines = []
    for d in sorted(diagnostics):
        props = {"title": f"gitstatus {d.code}", "file": terminal.printable(d.path, keep="\r\n")}
        if d.line:
            props["line"] = str(d.line)
            if d.col:
                props["col"] = str(d.col)
        rendered = ",".join(f"{k}={_escape_property(v)}" for k, v in props.items())
        message = terminal.printable(f"{location(d)}: {d.code} {d.text}", keep="\r\n")
        lines.append(f"::{d.severity.value} {rendered}::{_escape_data(message)}")
    return lines


def format_json(diagnostics: Sequence[Diagnostic]) -> str:
    """A JSON list of objects, one per diagnostic, for tools.

    ``message`` is the whole text, as the other formats print it; ``hint`` is its advice on its
    own (``null`` when there is none), for a tool that shows the two apart.
    """
    items = [
        {"path": d.path, "line": d.line, "col": d.col, "code": d.code, "message": d.text,
         "severity": d.severity.value, "hint": d.hint or None}
        for d in sorted(diagnostics)
    ]
    return terminal.dumps(items)

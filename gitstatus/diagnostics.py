"""Problems found in a status repo, the table of their codes, and the reporters that print them.

A problem is a small sortable value. Loading and validating collect them into a
list instead of raising, so one run reports every problem in every file. The
reporters (text, github, json) only format that list.
"""

from __future__ import annotations

import difflib
import os
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from enum import Enum

from . import terminal


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    NOTICE = "notice"


#: Every code with its one-line explanation. The first letter gives the severity.
#: Codes are stable: docs, CI logs and users' muscle memory refer to them.
CODES: dict[str, str] = {
    # files
    "E001": "the file cannot be read",
    "E002": "the file is not valid UTF-8",
    "E003": "the file is larger than 1 MiB",
    "E004": "the file name is not a valid incident id",
    "E005": "a symbolic link leads outside the status repo",
    "E006": "the file is not a regular file",
    "E007": "a folder gitstatus reads is not a folder it can list",
    "E010": "the incident id is too long",
    "E011": "the incident id is a device name on Windows",
    # front matter and YAML (incident files and components.yaml)
    "E101": "the file does not start with a front matter block (---)",
    "E102": "the front matter block is never closed with ---",
    "E103": "YAML syntax error",
    "E104": "the YAML is not a mapping of keys to values",
    "E105": "a key appears twice",
    "E106": "unknown key",
    "E107": "a required key is missing",
    "E108": "a value has the wrong type",
    "E109": "unknown impact",
    "E110": "unknown component",
    "E111": "a component is listed twice",
    "E112": "invalid component_status entry",
    "E113": "scheduled is only allowed on maintenance incidents",
    "E114": "invalid scheduled window",
    "E115": "YAML anchors, aliases and tags are not supported",
    "E116": "a text value is empty",
    # updates
    "E201": "text before the first update heading",
    "E202": "malformed update heading",
    "E203": "invalid time in an update heading",
    "E204": "unknown status",
    "E205": "a maintenance status on an incident that is not maintenance",
    "E206": "the incident has no updates",
    "E207": "an update has no message",
    "E208": "a code block is never closed and hides an update heading",
    "E209": "git merge conflict markers are left in the file",
    # lifecycle
    "E301": "an update is earlier than the one before it",
    "E302": "an update follows the final update",
    "E303": "an update is in the future",
    # components.yaml
    "E401": "components.yaml has no components",
    "E402": "invalid component id",
    "E403": "duplicate component id",
    "E404": "unknown timezone",
    "E405": "invalid site URL",
    "E406": "invalid number",
    "E407": "invalid date",
    "E408": "a component id is too long",
    "E409": "a component or group id is a device name on Windows",
    "E411": "invalid notify channel",
    "E412": "unknown event kind or format in a notify channel",
    # history (check --base)
    "E501": "a published update was removed",
    "E502": "a published update's time or status was changed",
    "E503": "a resolved incident was reopened",
    "E504": "a published incident was renamed",
    "E505": "an update was added before a published update",
    "E506": "a closed incident was made to look less severe",
    "E507": "a maintenance window was moved where it has passed",
    # warnings
    "W101": "an active incident has had no update for over 60 minutes",
    "W102": "an incident has been active for over 7 days",
    # notices
    "N501": "a published incident was deleted",
    "N502": "a published update's message was edited",
    "N503": "a published incident's title was changed",
    "N504": "a published incident's impact or components were changed",
    "N505": "a maintenance window was moved ahead of time",
}


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem at one place. Lines and columns are 1-based; 0 means "the whole file"."""

    path: str
    line: int
    col: int
    code: str
    message: str

    @property
    def severity(self) -> Severity:
        return {"E": Severity.ERROR, "W": Severity.WARNING, "N": Severity.NOTICE}[self.code[0]]

    def at(self, prefix: str) -> Diagnostic:
        """The same diagnostic with its path under ``prefix`` (the root as the user typed it)."""
        if not prefix or prefix == ".":
            return self
        return Diagnostic(os.path.join(prefix, self.path), self.line, self.col, self.code, self.message)


@dataclass(frozen=True)
class Unknown:
    """A word that is not one of a closed set, quoted as written, and what to say about it."""

    quoted: str
    """``'word'``, with lookalike and invisible characters written as escapes."""
    note: str
    """`` (U+0435 … is not a Latin letter; did you mean 'x'?)``, or an empty string."""

    def __str__(self) -> str:
        return self.quoted + self.note


def unknown(word: str, choices: Iterable[str]) -> Unknown:
    """How every message about a word outside a closed set (statuses, impacts, keys, ids) shows it.

    A lookalike letter (Cyrillic 'е' in "Invеstigating") or an invisible one (a zero-width space)
    makes a word that reads exactly like a choice and is not; "unknown status 'Investigating'" would
    leave the writer staring at it. So every character that is neither plain ASCII nor in any of the
    choices, and every hidden one, is written as an escape, the first is named, and the close
    choice is suggested as before.
    """
    choices = list(choices)
    alphabet = set("".join(choices))
    odd = [(i, c) for i, c in enumerate(word, 1)
           if terminal.is_hidden(c) or (not c.isascii() and c not in alphabet)]
    marked = {i for i, _ in odd}
    quoted = "'" + "".join(terminal.escape(c) if i in marked else c for i, c in enumerate(word, 1)) + "'"
    notes = [_odd_character(*odd[0])] if odd else []
    visible = "".join(c for c in word if not terminal.is_hidden(c))
    lowered = {c.lower(): c for c in choices}  # letter case is no difference worth a worse suggestion
    matches = difflib.get_close_matches(visible.lower(), lowered, n=1, cutoff=0.6)
    if matches:
        notes.append(f"did you mean '{lowered[matches[0]]}'?")
    return Unknown(quoted, f" ({'; '.join(notes)})" if notes else "")


def _odd_character(position: int, char: str) -> str:
    code = f"U+{ord(char):04X}"
    name = unicodedata.name(char, "")
    if terminal.is_hidden(char):
        if not name:  # controls have no name, nor do lone surrogates (bytes of a name that are not UTF-8)
            what = "a control character" if unicodedata.category(char) == "Cc" else "not a character"
            return f"{code}, {what}, at position {position} is invisible"
        return f"{code} {name} at position {position} is invisible"
    if unicodedata.category(char).startswith("L"):
        kind = "a plain ASCII letter" if name.startswith("LATIN") else "a Latin letter"
        return f"{code} {name} at position {position} is not {kind}"
    return f"{code} {name or 'a character'} at position {position} is not an ASCII character"


def has_errors(diagnostics: Iterable[Diagnostic], strict: bool = False) -> bool:
    """True when the run must fail: any error, or with ``strict`` any warning too."""
    failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    return any(d.severity in failing for d in diagnostics)


# --- reporters ---------------------------------------------------------------------------

_COLOURS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.NOTICE: "cyan"}


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
    import click

    lines = []
    for d in sorted(diagnostics):
        code = click.style(d.code, fg=_COLOURS[d.severity], bold=True) if colour else d.code
        where = terminal.printable(location(d))
        where = click.style(where, bold=True) if colour else where
        lines.append(f"{where}: {code} {terminal.printable(d.message)}")
    return lines


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
        message = terminal.printable(f"{location(d)}: {d.code} {d.message}", keep="\r\n")
        lines.append(f"::{d.severity.value} {rendered}::{_escape_data(message)}")
    return lines


def format_json(diagnostics: Sequence[Diagnostic]) -> str:
    """A JSON list of objects, one per diagnostic, for tools."""
    items = [{**asdict(d), "severity": d.severity.value} for d in sorted(diagnostics)]
    return terminal.dumps(items)

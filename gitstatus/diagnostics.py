"""Problems found in a status repo, the table of their codes, and the reporters that print them.

A problem is a small sortable value. Loading and validating collect them into a
list instead of raising, so one run reports every problem in every file. The
reporters (text, github, json) only format that list.
"""

from __future__ import annotations

import difflib
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from enum import Enum


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
    # history (check --base)
    "E501": "a published update was removed",
    "E502": "a published update's time or status was changed",
    "E503": "a resolved incident was reopened",
    "E504": "a published incident was renamed",
    # warnings
    "W101": "an active incident has had no update for over 60 minutes",
    "W102": "an incident has been active for over 7 days",
    # notices
    "N501": "a published incident was deleted",
    "N502": "a published update's message was edited",
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


def suggest(word: str, choices: Iterable[str]) -> str:
    """A ``(did you mean 'x'?)`` suffix, or an empty string when nothing is close."""
    matches = difflib.get_close_matches(word.lower(), list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{matches[0]}'?)" if matches else ""


def has_errors(diagnostics: Iterable[Diagnostic], strict: bool = False) -> bool:
    """True when the run must fail: any error, or with ``strict`` any warning too."""
    failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    return any(d.severity in failing for d in diagnostics)


# --- reporters ---------------------------------------------------------------------------

_COLOURS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.NOTICE: "cyan"}


def location(d: Diagnostic) -> str:
    parts = [d.path]
    if d.line:
        parts.append(str(d.line))
        if d.col:
            parts.append(str(d.col))
    return ":".join(parts)


def format_text(diagnostics: Sequence[Diagnostic], colour: bool = False) -> list[str]:
    """``path:line:col: CODE message`` lines, sorted, for people and for editors' problem matchers."""
    import click

    lines = []
    for d in sorted(diagnostics):
        code = click.style(d.code, fg=_COLOURS[d.severity], bold=True) if colour else d.code
        where = click.style(location(d), bold=True) if colour else location(d)
        lines.append(f"{where}: {code} {d.message}")
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
        return f"All good: {checked}, no problems."
    return f"{', '.join(parts)} in {checked}."


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(diagnostics: Sequence[Diagnostic]) -> list[str]:
    """GitHub workflow commands, which become annotations on the pull request's diff."""
    lines = []
    for d in sorted(diagnostics):
        props = {"title": f"gitstatus {d.code}", "file": d.path}
        if d.line:
            props["line"] = str(d.line)
            if d.col:
                props["col"] = str(d.col)
        rendered = ",".join(f"{k}={_escape_property(v)}" for k, v in props.items())
        message = f"{location(d)}: {d.code} {d.message}"
        lines.append(f"::{d.severity.value} {rendered}::{_escape_data(message)}")
    return lines


def format_json(diagnostics: Sequence[Diagnostic]) -> str:
    """A JSON list of objects, one per diagnostic, for tools."""
    items = [{**asdict(d), "severity": d.severity.value} for d in sorted(diagnostics)]
    return json.dumps(items, indent=2, ensure_ascii=False)

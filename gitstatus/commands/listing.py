"""``gitstatus list``: the incidents of a repo as a table for people or JSON for scripts.

The status shown is the one the page shows at ``now`` (a maintenance window that ran out
without a final update reads "Completed"), so the list and the page never disagree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .. import terminal
from ..edits import Repo
from ..errors import Refused
from ..rules import Diagnostic, Severity
from ..state import IncidentState, Phase
from ..timeparse import UTC, format_time
from ..words import status_label
from .author import open_repo

HEADER = ("ID", "IMPACT", "STATUS", "STARTED", "LAST UPDATE", "TITLE")


@dataclass(frozen=True)
class Row:
    state: IncidentState

    def cells(self, tz: dt.tzinfo) -> tuple[str, ...]:
        incident = self.state.incident
        status = status_label(self.state.status) + (" (upcoming)" if self.state.phase is Phase.UPCOMING else "")
        return (incident.id, incident.impact.value, status, format_time(self.state.started_at, tz),
                format_time(incident.last_update.at, tz), incident.title)

    def as_json(self) -> dict[str, object]:
        incident = self.state.incident
        return {
            "id": incident.id,
            "path": incident.path,
            "title": incident.title,
            "impact": incident.impact.value,
            "status": self.state.status.value,
            "phase": self.state.phase.value,
            "components": list(incident.components),
            "started_at": _utc(self.state.started_at),
            "last_update_at": _utc(incident.last_update.at),
            "resolved_at": _utc(incident.resolved_at) if incident.resolved_at else None,
            "updates": len(incident.updates),
        }


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def incident_rows(repo: Repo, active_only: bool) -> tuple[list[Row], list[Diagnostic]]:
    """Incidents newest first (as on the page), and the errors of files that could not be listed.

    The same Project and the same check as ``gitstatus check``: a file ``check`` reports an error in
    is not listed, and is named among the errors.
    """
    result = repo.project.check(repo.now)
    rows = [Row(s) for s in result.state.incidents if not active_only or s.phase is Phase.ACTIVE]
    return rows, sorted(d for d in result.diagnostics if d.severity is Severity.ERROR)


@dataclass(frozen=True)
class Listing:
    """What ``gitstatus list`` shows, and the refusal it ends with when files could not be listed."""

    rows: list[Row]
    tz: dt.tzinfo
    problem: Refused | None = None


def list_incidents(root: Path, now: dt.datetime, active_only: bool) -> Listing:
    """``gitstatus list``: the incidents of the repo at ``root``; files with errors are counted, not listed."""
    repo = open_repo(root, now)
    rows, errors = incident_rows(repo, active_only)
    problem = None
    if errors:
        files = len({d.path for d in errors})
        problem = Refused(f"{files} file{'' if files == 1 else 's'} with errors could not be listed "
                          "(see 'gitstatus check')")
    return Listing(rows, repo.tz, problem)


def format_table(rows: Sequence[Row], tz: dt.tzinfo) -> list[str]:
    """Aligned columns; the title comes last, so a long one does not push the others.

    Titles are the writers' text: hidden characters are shown as escapes (and counted in the widths).
    """
    body = [tuple(terminal.printable(cell) for cell in r.cells(tz)) for r in rows]
    widths = [max(len(row[i]) for row in [HEADER, *body]) for i in range(len(HEADER) - 1)]
    return ["  ".join([*(cell.ljust(w) for cell, w in zip(row, widths, strict=False)), row[-1]]).rstrip()
            for row in [HEADER, *body]]


def format_json(rows: Sequence[Row]) -> str:
    return terminal.dumps([r.as_json() for r in rows])

"""``gitstatus check``: every problem in the status repo, and with ``--base`` in its published history.

The repo is read once as a Project and checked at ``now`` (through the cache's verdict index,
which gives the verdict of a full reading: see :func:`project.load_verdict`); ``--base REF`` compares the incidents
with those at a git revision (changes.py); under GitHub Actions the Markdown job summary is
added to the run's page. What to print, and the exit status, are the command line's.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .. import changes
from ..project import default_jobs, load_verdict
from ..report import checked_text, summary
from ..rules import Diagnostic, has_errors
from ..source import Disk, GitRev, template_paths
from .templates import load_templates

if TYPE_CHECKING:
    from ..cache import Cache


@dataclass(frozen=True)
class Checked:
    diagnostics: list[Diagnostic]
    """The problems of the files, then those of their history (with ``--base``), paths relative to the repo."""
    checked: str
    """What was checked, for the summary line: ``components.yaml and 9 incidents``."""
    summary_problem: str | None = None
    """Why the job summary could not be written (which never fails the check)."""

    def failed(self, strict: bool = False) -> bool:
        return has_errors(self.diagnostics, strict)


def check(root: Path, now: dt.datetime, base_ref: str | None = None, job_summary: bool = False,
          cache: Cache | None = None) -> Checked:
    """Check the status repo at ``root``; ``job_summary`` writes the summary to ``$GITHUB_STEP_SUMMARY``.

    Raises :class:`~gitstatus.errors.RootError` when ``root`` is not a status repo and
    :class:`~gitstatus.git.GitError` when ``base_ref`` cannot be read.
    """
    source = Disk(root)
    result = load_verdict(source, now, cache, default_jobs()).check(now)
    if cache is not None:
        cache.save()
    compared = None
    if base_ref is not None:
        digests = {f.path: f.digest for f in result.project.files}
        compared = changes.compare(source, GitRev(root, base_ref), result.project.tz, now, digests)
    _, problems = load_templates(root, result.project.settings.known, result.project.tz)
    diagnostics = result.diagnostics + problems + (compared.diagnostics if compared else [])
    checked = checked_text(result.files_checked - 1)
    templates = len(template_paths(root)[0])
    if templates:
        checked = checked.replace(" and ", ", ", 1) + f" and {templates} template{'' if templates == 1 else 's'}"
    problem = None
    if job_summary and os.environ.get("GITHUB_STEP_SUMMARY"):
        prefix = "" if root == Path(".") else str(root)
        problem = summary.append_to_step_summary(
            summary.render(diagnostics, checked, result.page.site.tz, compared, prefix))
    return Checked(diagnostics, checked, problem)

"""The one hierarchy of errors a command can end with, each carrying its exit status.

Content problems are never exceptions: they are diagnostics, collected and reported together
(rules.py, report/). What is raised here is what stops a command as a whole: a command line
that makes no sense, a folder that is not a status repo, an output folder that is not ours to
replace, a theme that cannot render. ``cli.py`` catches :class:`GitstatusError` once, prints
its message and exits with its :attr:`~GitstatusError.exit_code`; no other module maps errors
to exit statuses.

Exit statuses: 0 clean, 1 content errors or a failed command, 2 a usage error.
"""

from __future__ import annotations

from collections.abc import Sequence

from .rules import Diagnostic

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


class GitstatusError(Exception):
    """A command cannot go on; the message says why and what to do. Nothing was changed on disk."""

    exit_code = EXIT_FAILED
    program = "gitstatus"
    """Who speaks: the command line prints ``<program>: <message>``."""

    def __init__(self, message: str, diagnostics: Sequence[Diagnostic] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.diagnostics = list(diagnostics)
        """Problems in files that explain the refusal (shown under the message)."""


class UsageError(GitstatusError):
    """The command line asks for something impossible: a bad option, a folder that is not a status repo."""

    exit_code = EXIT_USAGE


class RootError(UsageError):
    """The folder is not a status repo at all."""


class Refused(GitstatusError):
    """A writing command will not do what was asked; nothing was written.

    ``usage`` marks mistakes in the command line itself (exit status 2) as opposed to a result
    that would not pass the checks (exit status 1).
    """

    def __init__(self, message: str, diagnostics: Sequence[Diagnostic] = (), usage: bool = False) -> None:
        super().__init__(message, diagnostics)
        self.usage = usage
        self.exit_code = EXIT_USAGE if usage else EXIT_FAILED

"""Where an update's message comes from when ``--message`` is not given, as ``git commit`` does it.

Standard input when it is not a terminal (``echo "…" | gitstatus update …`` and scripts),
else the writer's editor (``$VISUAL``, then ``$EDITOR``) on a temporary file holding a short
template whose ``# `` lines are left out of the message. A level-1 heading is never valid in
an incident, so no real message line is lost that way.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TextIO

from .edits import Prompt
from .errors import Refused
from .timeparse import format_time
from .words import status_label

_FOOT = (
    "# Write what users should know, in Markdown ('###' for headings).",
    "# Lines starting with '# ' are left out. An empty message aborts: nothing is written.",
)


def template(prompt: Prompt) -> str:
    """The editor's starting text: an empty first line for the message, then comments."""
    lines = ["", f"# {prompt.heading}"]
    if prompt.last is not None:
        last = prompt.last
        lines += ["#", f"# The last update ({status_label(last.status)}, {format_time(last.at, prompt.tz)}):"]
        lines += [f"#   {line}".rstrip() for line in last.message.split("\n")]
    return "\n".join([*lines, *_FOOT]) + "\n"


def strip_comments(text: str) -> str:
    """The editor's text without the template's ``# `` lines; ``###`` headings and ``#tags`` stay."""
    return "\n".join(line for line in text.split("\n") if not (line == "#" or line.startswith("# ")))


def editor_command() -> str | None:
    """The writer's editor command line, or ``None`` when none is set."""
    for name in ("VISUAL", "EDITOR"):
        value = os.environ.get(name, "").strip()
        if value:
            return value
    return None


def run_editor(command: str, path: Path) -> int:
    """Run ``command`` on ``path``; the command may carry arguments (``code --wait``), as in git."""
    if os.name == "nt":  # pragma: no cover - no POSIX shell
        return subprocess.call([*shlex.split(command, posix=False), str(path)])
    return subprocess.call(["/bin/sh", "-c", f'{command} "$@"', command, str(path)])


def edit(text: str) -> str:
    """Open the editor on ``text`` and return what the writer saved, without comment lines."""
    command = editor_command()
    if command is None:
        raise Refused("no message: pass --message TEXT, pipe the message on standard input, "
                      "or set $EDITOR to write it in your editor", usage=True)
    with tempfile.TemporaryDirectory(prefix="gitstatus-") as folder:
        path = Path(folder) / "UPDATE_MESSAGE.md"
        path.write_text(text, encoding="utf-8")
        try:
            status = run_editor(command, path)
        except OSError as err:
            raise Refused(f"cannot start the editor '{command}': {err.strerror or err}; nothing was written") from None
        if status != 0:
            raise Refused(f"the editor '{command}' exited with status {status}; nothing was written")
        try:
            saved = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise Refused(f"cannot read the message back from the editor: {err}; nothing was written") from None
    return strip_comments(saved)


class MessageFromInput:
    """A :data:`authoring.MessageSource`: standard input when it is not a terminal, else the editor."""

    def __init__(self, stdin: TextIO) -> None:
        self.stdin = stdin

    def __call__(self, prompt: Prompt) -> str:
        try:
            interactive = self.stdin.isatty()
        except (AttributeError, ValueError):
            interactive = False
        if not interactive:
            return read_input(self.stdin)
        return edit(template(prompt))


def read_input(stdin: TextIO) -> str:
    """Standard input as UTF-8 text, or :class:`Refused` saying where it is not UTF-8.

    Read as bytes: the text layer would raise on such input under a UTF-8 locale, or (in the C
    locale) turn it into lone surrogates that could never be written to the incident file.
    """
    buffer = getattr(stdin, "buffer", None)
    try:
        data = buffer.read() if buffer is not None else stdin.read().encode("utf-8", "surrogateescape")
        return str(data.decode("utf-8"))
    except UnicodeDecodeError as err:
        line = err.object[: err.start].count(b"\n") + 1
        raise Refused(f"the message on standard input is not UTF-8 text (line {line} has the byte "
                      f"0x{err.object[err.start]:02X}): convert it to UTF-8; nothing was written") from None
    except UnicodeError as err:  # a text stream that gave characters no encoding can hold
        raise Refused(f"the message on standard input is not UTF-8 text ({err}); nothing was written") from None


def message_source(stdin: TextIO | None = None) -> MessageFromInput:
    return MessageFromInput(stdin or sys.stdin)

"""The Markdown job summary of ``gitstatus check --format github`` for a pull request (part of report).

Annotations show at most ten errors per step on the diff; the summary, shown on the run's page,
has room for the whole list and for what the change will show readers of the status page.
GitHub renders it as Markdown (cmark-gfm, with GitHub's extensions), and titles and messages come
from incident files, so every piece of text from a file is escaped: no table cell can be broken,
no HTML, markup or link injected, and no address in the text turned into a link.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from ..rules import Diagnostic
from ..terminal import printable
from ..timeparse import format_time
from ..words import change_label, status_label, t
from . import location, summary_line

if TYPE_CHECKING:  # the summary shows what check --base found; reporting needs none of its machinery
    from ..changes import Change, HistoryResult

#: Rows of problems shown; past it the summary says how many more (GitHub caps a summary at 1 MiB).
MAX_ROWS = 300

_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}
#: The characters that can start inline markup in a table cell: code, emphasis, links, images,
#: strikethrough, math, a cell edge, or an escape. Block markers (#, -, +, 1.) cannot, inside a cell.
_MARKUP = set("\\`*_[]()!|~$#")
#: Where GitHub's autolink extension would make a link of plain text. It reads ``www.`` and
#: ``scheme://`` in the raw text, so the ``.`` or ``:`` there is escaped (shown the same, never
#: matched); it finds e-mail addresses after parsing, where escapes are gone, so an empty HTML
#: comment after each ``@`` ends the text node there (and shows nothing): no address is whole.
_AUTOLINK = re.compile(r"(?<=www)\.|:(?=/)|@", re.IGNORECASE)
_AUTOLINK_BREAK = {".": "\\.", ":": "\\:", "@": "@<!-- -->"}


def escape(text: str) -> str:
    """Text safe in a Markdown table cell: one line, HTML-escaped, inline markup characters escaped.

    CommonMark lets a backslash escape any ASCII punctuation, and GitHub's tables take ``\\|``
    for a literal pipe, so nothing in ``text`` can become markup, a link, an image or a cell edge;
    ``www.``, ``scheme://`` and ``@`` are broken up so that no address becomes a link either
    (see ``_AUTOLINK``). Hidden characters (bidi overrides, controls) are shown as
    escapes, as on a terminal, so they cannot reorder or hide a row.
    """
    out = []
    for char in printable(" ".join(text.split())):
        if char in _ENTITIES:
            out.append(_ENTITIES[char])
        elif char in _MARKUP:
            out.append("\\" + char)
        else:
            out.append(char)
    return _AUTOLINK.sub(lambda m: _AUTOLINK_BREAK[m[0]], "".join(out))


def _where(path: str, line: int, prefix: str) -> str:
    shown = os.path.join(prefix, path) if prefix and prefix != "." else path
    return escape(f"{shown}:{line}" if line else shown)


def _change_row(change: Change, tz: dt.tzinfo, prefix: str) -> str:
    status = status_label(change.status) if change.status is not None else ""
    when = format_time(change.at, tz) if change.at is not None else ""
    what = change_label(change.kind) + (f" ({change.detail})" if change.detail else "")
    cells = [escape(what), escape(change.title), escape(status), escape(when), _where(change.path, change.line, prefix)]
    return "| " + " | ".join(cells) + " |"


def _row(cells: Iterable[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def render(
    diagnostics: Sequence[Diagnostic],
    checked: str,
    tz: dt.tzinfo,
    history: HistoryResult | None = None,
    prefix: str = "",
) -> str:
    """The whole summary. ``diagnostics`` include the history ones; paths are relative to the status repo."""
    shown = sorted(d.at(prefix) for d in diagnostics)
    lines = [f"## {t('summary.title')}", "", escape(summary_line(shown, checked)), ""]
    if history is not None:
        lines += [f"### {t('summary.changes', base=escape(history.base), commit=escape(history.commit[:12]))}", ""]
        if history.changes:
            lines += [_row((t("summary.column.change"), t("summary.column.incident"), t("summary.column.status"),
                            t("summary.column.time"), t("summary.column.file"))),
                      "| --- | --- | --- | --- | --- |"]
            lines += [_change_row(c, tz, prefix) for c in history.changes]
        else:
            lines.append(t("summary.no_changes"))
        lines.append("")
    if shown:
        lines += [f"### {t('summary.problems')}", "",
                  _row((t("summary.column.where"), t("summary.column.code"), t("summary.column.problem"))),
                  "| --- | --- | --- |"]
        for d in shown[:MAX_ROWS]:
            lines.append(f"| {escape(location(d))} | {d.code} {d.severity.value} | {escape(d.text)} |")
        if len(shown) > MAX_ROWS:
            lines += ["", t("summary.more", count=len(shown) - MAX_ROWS)]
        lines.append("")
    return "\n".join(lines) + "\n"


def append_to_step_summary(text: str) -> str | None:
    """Add ``text`` to the file GitHub names in ``$GITHUB_STEP_SUMMARY``; an error message, or None.

    A summary that cannot be written never changes the outcome of the check: it is reported, not raised.
    """
    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if not path:
        return None
    try:
        with open(path, "a", encoding="utf-8", errors="backslashreplace") as handle:  # paths may not be UTF-8
            handle.write(text)
    except OSError as err:
        return f"cannot write the job summary to {path}: {err.strerror or err}"
    return None

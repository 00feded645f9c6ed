"""The canonical text of incident files: what ``gitstatus new`` and ``update`` write.

Loading the canonical text of an incident gives the same incident back (a property
test holds this module to it), so authoring commands can write files that read
exactly as they were meant.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable

from .model import Incident, Postmortem, Update
from .read.incident import FRONT_MATTER, status_word
from .timeparse import format_time

SEPARATOR = "—"
# Plain YAML scalars that our strict loader reads back unchanged: no leading indicator,
# no ': ' or ' #', no trailing space. Anything else is written double-quoted.
_PLAIN_RE = re.compile(r"^[A-Za-z0-9(][^\n\r\t]*$")
_UNSAFE_IN_PLAIN = (": ", " #", "\\")
# Characters JSON leaves raw but YAML refuses (non-printable) or reads as line breaks (NEL, LS, PS).
_RAW_IN_JSON_NOT_YAML_RE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")


def yaml_scalar(text: str) -> str:
    """``text`` as a YAML scalar: plain when that is safe, double-quoted (JSON-escaped) otherwise."""
    if (
        _PLAIN_RE.match(text)
        and text.isprintable()
        and text == text.strip()
        and not text.endswith(":")
        and not any(bad in text for bad in _UNSAFE_IN_PLAIN)
    ):
        return text
    quoted = json.dumps(text, ensure_ascii=False)
    return _RAW_IN_JSON_NOT_YAML_RE.sub(lambda m: f"\\u{ord(m[0]):04x}", quoted)


def _component_status(incident: Incident, tz: dt.tzinfo) -> list[str]:
    if not incident.component_status:
        return []
    return ["component_status:", *(f"  {cid}: {status.value}" for cid, status in incident.component_status.items())]


def _scheduled(incident: Incident, tz: dt.tzinfo) -> list[str]:
    if not incident.scheduled:
        return []
    return ["scheduled:", f"  start: {format_time(incident.scheduled.start, tz)}",
            f"  end: {format_time(incident.scheduled.end, tz)}"]


#: The lines of each front-matter key (none when it has nothing to say). Every key declared in
#: read/incident.py's FRONT_MATTER has one, and they are written in the declared order.
_WRITERS: dict[str, Callable[[Incident, dt.tzinfo], list[str]]] = {
    "title": lambda incident, tz: [f"title: {yaml_scalar(incident.title)}"],
    "impact": lambda incident, tz: [f"impact: {incident.impact.value}"],
    "components": lambda incident, tz: [f"components: [{', '.join(incident.components)}]"],
    "component_status": _component_status,
    "scheduled": _scheduled,
    "source": lambda incident, tz: [f"source: {yaml_scalar(incident.source)}"] if incident.source else [],
}


def front_matter(incident: Incident, tz: dt.tzinfo) -> str:
    lines = ["---"]
    for field in FRONT_MATTER.fields:
        lines += _WRITERS[field.name](incident, tz)
    lines.append("---")
    return "\n".join(lines) + "\n"


def update_heading(update: Update, tz: dt.tzinfo) -> str:
    return f"## {format_time(update.at, tz)} {SEPARATOR} {status_word(update.status)}"


def message_text(message: str) -> str:
    """The message without blank lines around it, as the loader reads it back.

    Only whole blank lines go: the first line's indent (an indented code block) and the last
    line's trailing spaces are the writer's and stay.
    """
    lines = message.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    while lines and not lines[0].strip():
        lines.pop(0)
    return "\n".join(lines)


def components_line(update: Update) -> str:
    """``Components: api operational, dashboard degraded_performance``: the statuses an update sets."""
    return "Components: " + ", ".join(f"{cid} {status.value}" for cid, status in update.components)


def update_section(update: Update, tz: dt.tzinfo) -> str:
    """One update as appended to a file: a blank line, the heading (and the Components line right under
    it, when the update sets statuses), a blank line, the message."""
    statuses = f"{components_line(update)}\n" if update.components else ""
    moved = update.moved_from
    moved_line = f"Rescheduled from: {format_time(moved.start, tz)} to {format_time(moved.end, tz)}\n" if moved else ""
    return f"\n{update_heading(update, tz)}\n{moved_line}{statuses}\n{message_text(update.message)}\n"


POSTMORTEM_WORD = "Post-mortem"
"""The heading's word for a post-mortem section, as the file format spells it (read/incident.py reads it)."""


def postmortem_section(postmortem: Postmortem, tz: dt.tzinfo) -> str:
    """The post-mortem as appended to a resolved incident's file: ``## <time> — Post-mortem`` and its text."""
    heading = f"## {format_time(postmortem.at, tz)} {SEPARATOR} {POSTMORTEM_WORD}"
    return f"\n{heading}\n\n{message_text(postmortem.message)}\n"


def incident_text(incident: Incident, tz: dt.tzinfo) -> str:
    """A whole incident file in the canonical form."""
    text = front_matter(incident, tz) + "".join(update_section(u, tz) for u in incident.updates)
    return text + (postmortem_section(incident.postmortem, tz) if incident.postmortem else "")

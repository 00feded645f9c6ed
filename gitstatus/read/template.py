"""Incident templates: ``templates/<name>.md``, a prepared incident that ``gitstatus new --template`` fills in.

A template is an incident file without updates: the front matter an incident starts with
(title, impact, components, component_status, and optionally the first update's ``status``)
and, as its body, the first update's message. The title and the message may hold placeholders,
``{name}``, that ``--var name=value`` fills (``{component}`` is filled with the names of the
incident's components); ``{{`` and ``}}`` are literal braces. Pure, like every reader: bytes
and settings in, a template and its diagnostics out, so ``check`` reports a broken template
before anyone reaches for it during an incident.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field

from .. import rules
from ..model import Component, ComponentStatus, Impact, Status
from ..rules import Diagnostic, Severity
from ..terminal import printable
from . import yamlnodes
from .document import decode, split_front_matter, split_sections
from .incident import parse_status, read_component_status, read_components, read_impact
from .settings import Checker

TEMPLATES_DIR = "templates"
#: The keys of a template's front matter: an incident's, without the window, and the first update's status.
TEMPLATE_KEYS = ("title", "impact", "components", "component_status", "status")
#: Placeholders gitstatus fills itself, from the incident being written.
BUILT_IN = {"component": "the names of the incident's components, e.g. 'API, Dashboard'"}
_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class IncidentTemplate:
    """A prepared incident: what ``new --template`` starts from."""

    name: str
    """The file name without ``.md``: what ``--template`` names."""
    title: str
    impact: Impact
    components: tuple[str, ...]
    message: str
    status: Status | None = None
    component_status: Mapping[str, ComponentStatus] = field(default_factory=dict)
    path: str = ""

    @property
    def placeholders(self) -> tuple[str, ...]:
        """Every ``{name}`` of the title and the message, in order of first use."""
        return tuple(dict.fromkeys(_names(self.title) + _names(self.message)))


def _names(text: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(text) if name]


def _placeholder_problem(text: str) -> str | None:
    """Why ``text`` is not a template text (a brace left open, a placeholder that is not a plain name), or None."""
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as err:
        return f"{err} (write '{{{{' and '}}}}' for literal braces)"
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if not _NAME_RE.match(name) or spec or conversion:
            return (f"'{{{printable(name)}{'!' + conversion if conversion else ''}{':' + spec if spec else ''}}}' "
                    "is not a placeholder: use lowercase names like {region}")
    return None


def missing_values(template: IncidentTemplate, values: Mapping[str, str]) -> list[str]:
    """The placeholders ``values`` has no value for, in order of first use."""
    return [name for name in template.placeholders if name not in values]


def fill(template: IncidentTemplate, values: Mapping[str, str]) -> tuple[str, str]:
    """The title and message with every placeholder replaced (check :func:`missing_values` first)."""
    return template.title.format_map(values), template.message.format_map(values)


def read_template(
    relpath: str, data: bytes, known: Mapping[str, Component] | None, tz: dt.tzinfo
) -> tuple[IncidentTemplate | None, list[Diagnostic]]:
    """One template file's bytes to a template, or ``None`` with every reason why not."""
    text, diagnostics = decode(data, relpath)
    if text is None:
        return None, diagnostics
    checker = Checker(relpath)
    yaml_text, yaml_line, body, body_line, problems = split_front_matter(text, relpath)
    checker.diagnostics += problems
    meta = None
    if yaml_text is not None:
        meta, problems = yamlnodes.parse(yaml_text, relpath, yaml_line)
        checker.diagnostics += problems
    fields = checker.mapping(meta, "the front matter", TEMPLATE_KEYS) if meta is not None else None
    title = impact = listed = overrides = None
    status: Status | None = None
    if fields is not None:
        for key in ("title", "impact", "components"):
            if key not in fields:
                checker.error(1, 1, rules.MISSING_KEY, f"the template's front matter needs '{key}'")
        title = checker.text(fields.get("title"), "title", required="title" in fields)
        impact = read_impact(checker, fields.get("impact"))
        listed = read_components(checker, fields.get("components"), known)
        overrides = read_component_status(checker, fields.get("component_status"), listed) \
            if listed is not None else {}
        node = fields.get("status")
        word = checker.text(node, "status") if node is not None else None
        if word is not None and node is not None:
            status = parse_status(word)
            if status is None or status.is_final:
                checker.error(node.line, node.col, rules.BAD_TEMPLATE, f"'{printable(word)}' is not a status an "
                              "incident can start with", "use investigating, identified or monitoring (maintenance: "
                              "scheduled or in progress)")
    sections, _ = split_sections(body, body_line, relpath)
    if sections:
        checker.error(sections[0].line, 1, rules.BAD_TEMPLATE, "a template holds the first update's message only, "
                      "not update headings", "remove the '## …' line: 'gitstatus new' writes the heading")
    message = body.strip("\n").rstrip()
    message_line = body_line + len(body) - len(body.lstrip("\n"))
    if not sections and not message.strip():
        checker.error(body_line, 1, rules.BAD_TEMPLATE, "the template has no message",
                      "write the first update's message below the front matter")
    title_node = fields.get("title") if fields is not None else None
    title_at = (title_node.line, title_node.col) if title_node is not None else (1, 1)
    for what, (line, col), value in (("title", title_at, title), ("message", (message_line, 1), message)):
        problem = _placeholder_problem(value) if value else None
        if problem:
            checker.error(line, col, rules.BAD_TEMPLATE, f"in the {what}: {problem}")
    found = checker.diagnostics
    if any(d.severity is Severity.ERROR for d in [*diagnostics, *found]) or None in (title, impact, listed, overrides):
        return None, [*diagnostics, *found]
    assert title is not None and impact is not None and listed is not None and overrides is not None
    name = relpath.rsplit("/", 1)[-1][: -len(".md")]
    return IncidentTemplate(name, title, impact, listed, message, status, overrides, relpath), [*diagnostics, *found]

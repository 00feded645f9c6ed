"""JSON Schema (draft 2020-12) of an incident's front matter and of components.yaml, for editors.

``gitstatus schema incident|components`` prints them. Editors with the YAML language server then
flag unknown keys, wrong impacts or malformed ids as a file is typed, and offer the keys and
values. The schemas are built from the same tables the checker uses (keys, impacts, statuses, the
id pattern), so they cannot drift apart; tests hold them to agree with ``gitstatus check`` on
example files and on a set of broken ones.

Two readers meet here. gitstatus reads every YAML scalar as a string (``past_days: 15`` is the text
``"15"``), while an editor's YAML 1.2 parser reads numbers and booleans as such; so text values
accept numbers and booleans too, and numeric settings accept both forms. Rules that need another
file (is this component listed in components.yaml?) or cross-field arithmetic (does the window
end after it starts?) stay with the checker.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from .model import ComponentStatus, Impact
from .read.incident import INCIDENT_KEYS, REQUIRED_KEYS
from .read.settings import COMPONENT_KEYS, SITE_KEYS, TOP_KEYS
from .slug import ID_RE, MAX_ID_LENGTH

Schema = dict[str, Any]

DRAFT = "https://json-schema.org/draft/2020-12/schema"
#: Times as timeparse reads them; written for ECMAScript regexes too (no inline flags), since
#: editors evaluate patterns in JavaScript.
TIME_PATTERN = (r"^\s*\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2})?\s*(?:[Uu][Tt][Cc]|[Zz]|[+-]\d{2}:?\d{2})?\s*$")
DATE_PATTERN = r"^\s*\d{4}-\d{2}-\d{2}\s*$"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
#: The checker's rule for site.url (config.check_site_url) as far as a pattern can say it: a host name or
#: [IPv6], a port, a path of URL characters; no credentials, query, fragment, quotes, spaces or controls.
URL_PATTERN = (rf"^\s*[Hh][Tt][Tt][Pp][Ss]?://(?:\[[0-9A-Fa-f:.]+\]|{_LABEL}(?:\.{_LABEL})*)(?::[1-9][0-9]{{0,4}})?"
               r"(?:/(?:[A-Za-z0-9\-._~!$&()*+,;=:@/]|%[0-9A-Fa-f]{2})*)?\s*$")
PAST_DAYS_PATTERN = r"^\s*0*(?:[1-9]\d{0,2}|[12]\d{3}|3[0-5]\d{2}|36[0-4]\d|3650)\s*$"
_OVERRIDES = [s.value for s in ComponentStatus if s is not ComponentStatus.OPERATIONAL]


def _any_case(words: Iterable[str]) -> str:
    """A pattern matching any of ``words`` in any letter case, without the (?i) flag JavaScript lacks."""
    def one(word: str) -> str:
        return "".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else re.escape(c) for c in word)
    return r"^\s*(?:" + "|".join(one(w) for w in words) + r")\s*$"


def _text(description: str, required: bool = False, examples: list[str] | None = None) -> Schema:
    schema: Schema = {"description": description,
                      "type": ["string", "number", "boolean"] + ([] if required else ["null"])}
    if required:
        schema["pattern"] = r"\S"
    if examples:
        schema["examples"] = examples
    return schema


def _id(description: str) -> Schema:
    return {
        "description": description,
        "anyOf": [{"type": "string", "pattern": ID_RE.pattern, "maxLength": MAX_ID_LENGTH},
                  {"type": "integer", "minimum": 0}],
    }


def _closed(properties: dict[str, Schema], required: Iterable[str], description: str, keys: Iterable[str]) -> Schema:
    """An object with exactly the checker's keys (``keys``), so the two cannot disagree on a key."""
    assert list(properties) == list(keys), "schema and checker must list the same keys"
    return {"description": description, "type": "object", "required": list(required),
            "additionalProperties": False, "properties": properties}


def incident_schema() -> Schema:
    """The front matter of an incident file (between the ``---`` lines)."""
    impacts = [i.value for i in Impact]
    time: Schema = {"type": "string", "pattern": TIME_PATTERN, "examples": ["2026-06-20 02:00 UTC"],
            "description": "'YYYY-MM-DD HH:MM' with UTC, Z or an offset like +02:00; without one, the "
                           "page's timezone."}
    properties: dict[str, Schema] = {
        "title": _text("A short summary of what users experience.", required=True,
                       examples=["API responding slowly"]),
        "impact": {
            "description": "minor: limited impact, most users unaffected; major: a significant share of "
                           "users affected; critical: service broadly unavailable; maintenance: planned work.",
            "anyOf": [{"enum": impacts}, {"type": "string", "pattern": _any_case(impacts)}],
        },
        "components": {
            "description": "Ids of the affected components, from components.yaml; [] for none.",
            "type": "array", "uniqueItems": True, "items": _id("A component id from components.yaml."),
        },
        "component_status": {
            "description": "Overrides the status the impact implies, for some of this incident's components.",
            "type": "object",
            "propertyNames": {"pattern": ID_RE.pattern, "maxLength": MAX_ID_LENGTH},
            "additionalProperties": {"enum": _OVERRIDES},
        },
        "scheduled": _closed(
            {"start": {**time, "description": f"When the maintenance window starts. {time['description']}"},
             "end": {**time, "description": f"When the maintenance window ends. {time['description']}"}},
            ("start", "end"), "Maintenance only: the planned window.", ("start", "end"),
        ),
    }
    schema = _closed(properties, REQUIRED_KEYS, "The front matter of a gitstatus incident file.", INCIDENT_KEYS)
    return {
        "$schema": DRAFT,
        "title": "gitstatus incident",
        **schema,
        # 'scheduled' is for maintenance only.
        "if": {"required": ["impact"],
               "properties": {"impact": {"type": "string", "pattern": _any_case(["maintenance"])}}},
        "else": {"not": {"required": ["scheduled"]}},
    }


def components_schema() -> Schema:
    """components.yaml: the page's settings and its components."""
    site = _closed(
        {
            "title": _text("The page's name, in its header and the browser tab.", required=True,
                           examples=["Acme Status"]),
            "url": {"description": "Where the page is published (absolute http or https); feeds and the "
                                   "sitemap need it.",
                    "type": ["string", "null"], "pattern": URL_PATTERN,
                    "examples": ["https://status.example.com/"]},
            "description": _text("One sentence about the page, for search engines and feeds."),
            "timezone": {"description": "An IANA timezone name: times without a zone are read in it and the "
                                        "page shows times in it.",
                         "type": ["string", "null"], "examples": ["UTC", "Europe/Berlin", "America/New_York"]},
            "past_days": {"description": "Days of past incidents on the front page (1 to 3650; default 15).",
                          "anyOf": [{"type": "integer", "minimum": 1, "maximum": 3650},
                                    {"type": "string", "pattern": PAST_DAYS_PATTERN},
                                    {"type": "null"}]},
        },
        ("title",), "Settings of the whole page.", SITE_KEYS,
    )
    component = _closed(
        {
            "id": _id("Lowercase letters, digits and single hyphens; what incident files list."),
            "name": _text("What readers see.", required=True, examples=["REST API"]),
            "description": _text("A line under the name."),
            "group": _text("Components with the same group are shown together under it."),
            "start_date": {"description": "The day its uptime history begins (YYYY-MM-DD).",
                           "type": ["string", "null"], "pattern": DATE_PATTERN, "examples": ["2025-06-01"]},
        },
        ("id", "name"), "One component of the page.", COMPONENT_KEYS,
    )
    top = _closed(
        {
            "site": site,
            "components": {"description": "The components, in the order the page shows them.",
                           "type": "array", "minItems": 1, "items": component},
        },
        ("site", "components"), "The settings and components of a gitstatus status page.", TOP_KEYS,
    )
    return {"$schema": DRAFT, "title": "gitstatus components.yaml", **top}


SCHEMAS = {"incident": incident_schema, "components": components_schema}


def render(name: str) -> str:
    """The schema called ``name`` as indented JSON, the same bytes every time."""
    return json.dumps(SCHEMAS[name](), indent=2, ensure_ascii=False) + "\n"

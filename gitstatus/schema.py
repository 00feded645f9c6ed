"""JSON Schema (draft 2020-12) of an incident's front matter and of components.yaml, for editors.

``gitstatus schema incident|components`` prints them. Editors with the YAML language server then
flag unknown keys, wrong impacts or malformed ids as a file is typed, and offer the keys and
values. The schemas are built from the declarations the checker reads its keys by (fields.py; the
tables are in read/incident.py and read/settings.py): each key's kind gives its schema, its help
the description. So they cannot drift apart; tests hold them to agree with ``gitstatus check`` on
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
from collections.abc import Callable, Iterable
from typing import Any

from .fields import Field, Kind
from .read.incident import FRONT_MATTER
from .read.settings import TOP
from .slug import ID_RE, MAX_ID_LENGTH

Schema = dict[str, Any]

DRAFT = "https://json-schema.org/draft/2020-12/schema"


def _any_case(words: Iterable[str]) -> str:
    """A pattern matching any of ``words`` in any letter case, without the (?i) flag JavaScript lacks."""
    def one(word: str) -> str:
        return "".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else re.escape(c) for c in word)
    return r"^\s*(?:" + "|".join(one(w) for w in words) + r")\s*$"


def _text(field: Field) -> Schema:
    """Free text: gitstatus reads any scalar as text, an editor may see a number or a boolean."""
    schema: Schema = {"description": field.description,
                      "type": ["string", "number", "boolean"] + ([] if field.required else ["null"])}
    if field.required:
        schema["pattern"] = r"\S"
    return schema | _examples(field)


def _string(field: Field) -> Schema:
    """A value with a shape of its own (an address, a timezone, a date): a string, or nothing."""
    schema: Schema = {"description": field.description, "type": ["string", "null"]}
    if field.pattern:
        schema["pattern"] = field.pattern
    return schema | _examples(field)


def _time(field: Field) -> Schema:
    return {"type": "string", "pattern": field.pattern, **_examples(field), "description": field.description}


def _examples(field: Field) -> Schema:
    return {"examples": list(field.examples)} if field.examples else {}


def _id(field: Field) -> Schema:
    return {
        "description": field.description,
        "anyOf": [{"type": "string", "pattern": ID_RE.pattern, "maxLength": MAX_ID_LENGTH},
                  {"type": "integer", "minimum": 0}],
    }


def _days(field: Field) -> Schema:
    """A whole number, or its digits as text (how gitstatus reads every scalar)."""
    return {"description": field.description,
            "anyOf": [{"type": "integer", "minimum": field.low, "maximum": field.high},
                      {"type": "string", "pattern": field.pattern},
                      {"type": "null"}]}


def _choice(field: Field) -> Schema:
    return {"description": field.description,
            "anyOf": [{"enum": list(field.choices)}, {"type": "string", "pattern": _any_case(field.choices)}]}


def _list(field: Field) -> Schema:
    assert field.item is not None, f"the list {field.name} declares no item"
    schema: Schema = {"description": field.description, "type": "array"}
    if field.item.kind is Kind.ID:  # ids in a list each name one thing, once
        schema["uniqueItems"] = True
    if field.low:
        schema["minItems"] = field.low
    return schema | {"items": field_schema(field.item)}


def _map(field: Field) -> Schema:
    return {"description": field.description, "type": "object",
            "propertyNames": {"pattern": ID_RE.pattern, "maxLength": MAX_ID_LENGTH},
            "additionalProperties": {"enum": list(field.choices)}}


def _words(field: Field) -> Schema:
    """Keys to texts or plural forms; a language's tag to such a mapping (its keys are checked against the
    catalogue by ``gitstatus check``)."""
    forms: Schema = {"type": "object", "additionalProperties": {"type": "string"}}
    phrases: Schema = {"type": "object", "additionalProperties": {"anyOf": [{"type": "string"}, forms]}}
    return {"description": field.description, "type": "object",
            "additionalProperties": {"anyOf": [{"type": "string"}, forms, phrases]}}


def _block(field: Field) -> Schema:
    """A mapping with exactly the checker's keys, so the two cannot disagree on a key."""
    return {"description": field.description, "type": "object", "required": list(field.required_keys),
            "additionalProperties": False, "properties": {f.name: field_schema(f) for f in field.fields}}


_KINDS: dict[Kind, Callable[[Field], Schema]] = {
    Kind.TEXT: _text, Kind.ID: _id, Kind.URL: _string, Kind.TIMEZONE: _string, Kind.DAYS: _days,
    Kind.DATE: _string, Kind.TIME: _time, Kind.ENV: _string, Kind.CHOICE: _choice, Kind.LIST: _list, Kind.MAP: _map,
    Kind.BLOCK: _block, Kind.WORDS: _words,
}


def field_schema(field: Field) -> Schema:
    """The schema of one declared key, from its kind."""
    return _KINDS[field.kind](field)


def incident_schema() -> Schema:
    """The front matter of an incident file (between the ``---`` lines)."""
    return {
        "$schema": DRAFT,
        "title": "gitstatus incident",
        **field_schema(FRONT_MATTER),
        # 'scheduled' is for maintenance only: a rule between two keys, which no one declaration says.
        "if": {"required": ["impact"],
               "properties": {"impact": {"type": "string", "pattern": _any_case(["maintenance"])}}},
        "else": {"not": {"required": ["scheduled"]}},
    }


def components_schema() -> Schema:
    """components.yaml: the page's settings and its components."""
    return {"$schema": DRAFT, "title": "gitstatus components.yaml", **field_schema(TOP)}


SCHEMAS = {"incident": incident_schema, "components": components_schema}


def render(name: str) -> str:
    """The schema called ``name`` as indented JSON, the same bytes every time."""
    return json.dumps(SCHEMAS[name](), indent=2, ensure_ascii=False) + "\n"

"""Strict YAML reading with line numbers: every scalar a string, duplicate keys caught.

PyYAML's usual loaders silently keep the last of two equal keys and turn ``no`` into
``False``, ``2026-06-11`` into a date and ``1e3`` into a float, so a component called
``no`` would change meaning. Here libyaml only *composes* the document (fast, C) and we
convert the node tree ourselves: plain scalars stay strings (an empty one is ``None``),
every value keeps its position, and a key seen twice is reported, not overwritten.
Type conversion happens later, in ``validate``, where the expected type of each key is known.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

from .. import rules
from ..rules import Diagnostic

try:  # libyaml ships in PyPI's PyYAML wheels; the pure-Python parser is ~7x slower
    _Loader: type = yaml.CBaseLoader
except AttributeError:  # pragma: no cover - only without libyaml
    _Loader = yaml.BaseLoader

_STANDARD_TAGS = {"tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"}

Value = str | None | list["Node"] | dict[str, "Node"]


@dataclass(frozen=True)
class Node:
    """A YAML value with where it was written (1-based, in the whole file)."""

    value: Value
    line: int
    col: int
    key_line: int = 0
    """For a value in a mapping: the line of its key (where "unknown key" errors point)."""
    key_col: int = 0
    quoted: bool = field(default=False, compare=False)

    @property
    def key_at(self) -> tuple[int, int]:
        return (self.key_line or self.line, self.key_col or self.col)


_KEY_VALUE_RE = re.compile(r"^(?P<indent>\s*)(?P<key>[\w-]+):\s+(?P<value>[^'\"{\[].*?)\s*$")


def _quote_hint(text: str, index: int) -> str | None:
    """A "quote it" hint for ``title: API: slow``, where a value holds ``: `` (YAML reads a second key)."""
    lines = text.split("\n")
    match = _KEY_VALUE_RE.match(lines[index]) if 0 <= index < len(lines) else None
    if match is None or ": " not in match["value"]:
        return None
    quoted = '"' + match["value"].replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"a value with ': ' in it must be quoted: {match['key']}: {quoted}"


def parse(text: str, path: str, first_line: int = 1) -> tuple[Node | None, list[Diagnostic]]:
    """Parse one YAML document that starts on ``first_line`` of the file at ``path``.

    Returns the node tree (``None`` when the text cannot be parsed) and the problems found.
    """
    diagnostics: list[Diagnostic] = []
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = first_line + mark.line if mark else first_line
        col = mark.column + 1 if mark else 0
        problem = err.problem or err.context or "cannot be parsed"
        context = f" {err.context}" if err.context and err.problem else ""
        hint = _quote_hint(text, mark.line) if mark and "mapping values are not allowed" in problem else None
        diagnostics.append(Diagnostic(path, line, col, rules.YAML_SYNTAX, f"YAML syntax error: {problem}{context}",
                                      hint))
        return None, diagnostics
    except yaml.reader.ReaderError as err:  # a character YAML does not allow, e.g. a control character
        char = err.character if isinstance(err.character, str) else chr(err.character)
        index = text.find(char)  # the first character YAML refuses; libyaml's position counts bytes
        before = text[: max(index, 0)]
        line = first_line + before.count("\n")
        col = len(before) - (before.rfind("\n") + 1) + 1
        diagnostics.append(Diagnostic(path, line, col, rules.YAML_SYNTAX, f"YAML syntax error: the character "
                                      f"U+{ord(char):04X} is not allowed in YAML", "remove it"))
        return None, diagnostics
    except yaml.YAMLError as err:
        diagnostics.append(Diagnostic(path, first_line, 0, rules.YAML_SYNTAX, f"YAML syntax error: {err}"))
        return None, diagnostics
    if root is None:
        return Node(None, first_line, 1), diagnostics
    if "*" in text:
        aliases = _alias_marks(text)
        if aliases:  # composed aliases share their anchor's node and position: report where they are used
            for line, col in aliases:
                diagnostics.append(Diagnostic(path, first_line + line, col + 1, rules.YAML_NOT_SUPPORTED,
                                              "YAML aliases (*name) are not supported", "write the value out"))
            return None, diagnostics
    converter = _Converter(path, first_line, diagnostics)
    return converter.convert(root), diagnostics


def _alias_marks(text: str) -> list[tuple[int, int]]:
    """0-based (line, column) of every alias in a document that is known to parse."""
    return [
        (event.start_mark.line, event.start_mark.column)
        for event in yaml.parse(text, Loader=_Loader)
        if isinstance(event, yaml.AliasEvent) and event.start_mark is not None
    ]


class _Converter:
    def __init__(self, path: str, first_line: int, diagnostics: list[Diagnostic]) -> None:
        self.path = path
        self.first_line = first_line
        self.diagnostics = diagnostics
        self.seen: set[int] = set()

    def _pos(self, node: yaml.Node) -> tuple[int, int]:
        return self.first_line + node.start_mark.line, node.start_mark.column + 1

    def convert(self, node: yaml.Node, key_line: int = 0, key_col: int = 0) -> Node:
        line, col = self._pos(node)
        if id(node) in self.seen:
            self.diagnostics.append(
                Diagnostic(self.path, line, col, rules.YAML_NOT_SUPPORTED, "YAML aliases (*name) are not supported",
                           "write the value out")
            )
            return Node(None, line, col, key_line, key_col)
        self.seen.add(id(node))
        if node.tag not in _STANDARD_TAGS:
            self.diagnostics.append(
                Diagnostic(self.path, line, col, rules.YAML_NOT_SUPPORTED, f"YAML tag {node.tag!r} is not supported",
                           "remove it")
            )
        if isinstance(node, yaml.ScalarNode):
            quoted = node.style in ("'", '"')
            value = None if node.value == "" and not quoted else node.value
            return Node(value, line, col, key_line, key_col, quoted)
        if isinstance(node, yaml.SequenceNode):
            return Node([self.convert(item) for item in node.value], line, col, key_line, key_col)
        mapping: dict[str, Node] = {}
        for key_node, value_node in node.value:
            k_line, k_col = self._pos(key_node)
            if not isinstance(key_node, yaml.ScalarNode):
                self.diagnostics.append(
                    Diagnostic(self.path, k_line, k_col, rules.WRONG_TYPE, "a key must be a plain word, not a list or "
                               "mapping")
                )
                continue
            key = key_node.value
            if key in mapping:
                first = mapping[key].key_line
                self.diagnostics.append(
                    Diagnostic(
                        self.path, k_line, k_col, rules.DUPLICATE_KEY,
                        f"duplicate key '{key}' (first given on line {first})",
                    )
                )
                continue
            mapping[key] = self.convert(value_node, k_line, k_col)
        return Node(mapping, line, col, key_line, key_col)

"""The built-in theme's templates compiled ahead of time, once for every language and repo.

Compiling the built-in templates took Jinja about 60 ms in every process that renders, a
fifth of a build of no incident. Jinja cannot ship them compiled as they are: :class:`FixedWords`
writes each fixed word (``t('nav.history')``) into the compiled code, so the code differs per
language and per repo's own phrases. So the code shipped in ``compiled_theme.py`` is compiled
with a *marker* in place of every fixed word (make_compiled_theme.py), and filling the markers in
is done on the compiled code's constants (:func:`fill`), never on source text: a phrase, which
any pull request can bring, is only ever a string constant, never code.

A marker reads ``\\ue000nav.history<\\ue001``. The ``<`` tells where Jinja escaped the word while
compiling (it becomes ``&lt;``), so the filled-in word is escaped exactly there and nowhere else.

The shipped code is used only when it is what Jinja would make now: the same Jinja version,
the same template source (by hash), the same autoescaping, and every key in the catalogue.
Otherwise the template is compiled as usual, with the same result, only slower.
``tests/test_precompiled.py`` holds that the filled code equals Jinja's own compilation for
every language, and that the shipped file is current; ``python3 dev.py templates`` remakes it
(``python -m gitstatus.make_compiled_theme``).
"""

from __future__ import annotations

import hashlib
import re
from types import CodeType
from typing import Any

import jinja2
from jinja2 import Environment, PackageLoader, Template
from markupsafe import escape

from . import words

OPEN, CLOSE, MARK = "\ue000", "\ue001", "<"
_MARKER = re.compile(f"{OPEN}([^{CLOSE}<&]+)(<|&lt;){CLOSE}")


def source_hash(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


def escaped(environment: Environment, name: str) -> bool:
    """Whether ``environment`` autoescapes the template ``name`` (it decides the compiled code)."""
    mode = environment.autoescape
    return bool(mode(name) if callable(mode) else mode)


def fill(code: CodeType, catalogue: Any) -> CodeType:
    """``code`` with every marker in its string constants (and its nested code's) replaced by the word.

    Raises :class:`words.WordsError` for a key the catalogue has no fixed word for.
    """
    memo: dict[tuple[str, str], str] = {}

    def word(found: re.Match[str]) -> str:
        key, mark = found.group(1), found.group(2)
        if (key, mark) not in memo:
            text = catalogue.t(key)
            memo[key, mark] = text if mark == MARK else str(escape(text))
        return memo[key, mark]

    def const(value: object) -> object:
        if isinstance(value, str):
            return _MARKER.sub(word, value) if OPEN in value else value
        if isinstance(value, CodeType):
            return fill_code(value)
        if isinstance(value, tuple):
            return tuple(const(v) for v in value)
        if isinstance(value, frozenset):
            return frozenset(const(v) for v in value)
        return value

    def fill_code(code: CodeType) -> CodeType:
        return code.replace(co_consts=tuple(const(c) for c in code.co_consts))

    return fill_code(code)


def _shipped() -> tuple[str, dict[tuple[str, bool], tuple[str, str]]] | None:
    try:
        from . import compiled_theme
    except ImportError:  # a copy of the source without the generated file: compile as usual
        return None
    return compiled_theme.JINJA, compiled_theme.TEMPLATES


_marked_code: dict[tuple[str, bool, str], CodeType] = {}  # compiled once per process, filled per catalogue


def shipped_code(environment: Environment, name: str, source: str, filename: str) -> CodeType | None:
    """The template's code for ``environment``'s words from the shipped compilation, or None to compile it."""
    shipped = _shipped()
    if shipped is None or shipped[0] != jinja2.__version__:
        return None
    flag = escaped(environment, name)
    entry = shipped[1].get((name, flag))
    if entry is None or entry[0] != source_hash(source):
        return None
    marked = _marked_code.get((name, flag, filename))
    if marked is None:
        marked = _marked_code[name, flag, filename] = compile(entry[1], filename, "exec")
    try:
        return fill(marked, environment.gitstatus_words)  # type: ignore[attr-defined]
    except words.WordsError:  # Jinja compiles it, and says why at the template's line
        return None


class BuiltinLoader(PackageLoader):
    """The built-in theme's templates, from the shipped compilation whenever it is current."""

    def __init__(self) -> None:
        super().__init__("gitstatus.theme", "templates")

    def load(self, environment: Environment, name: str,
             globals: Any = None) -> Template:
        source, filename, uptodate = self.get_source(environment, name)
        code = shipped_code(environment, name, source, filename)
        if code is None:
            code = environment.compile(source, name, filename)
        return environment.template_class.from_code(environment, code, globals or {}, uptodate)

"""Makes compiled_theme.py: the built-in templates compiled with a marker for each fixed word.

Run by ``python3 dev.py templates`` after a change to theme/templates/ or to Jinja (``--check``
says whether the file is current). precompiled.py fills the markers in at run time.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from pathlib import Path

import jinja2
from jinja2 import Environment, PackageLoader

from . import words
from .precompiled import CLOSE, MARK, OPEN, escaped, source_hash
from .templating import make_environment

GENERATED = Path(__file__).with_name("compiled_theme.py")


class MarkedWords:
    """Stands in for a catalogue while the shipped code is compiled: a fixed word becomes its marker.

    A key is checked against the English catalogue, as :class:`FixedWords` would check it
    against the page's: unknown keys and keys that take parameters are the same syntax errors.
    """

    language = "en"

    def __init__(self) -> None:
        self.english = words.catalogue("en")

    def t(self, key: str, /) -> str:
        self.english.t(key)  # raises WordsError as the real catalogue would
        return f"{OPEN}{key}{MARK}{CLOSE}"


def _environments() -> Iterator[Environment]:
    """An environment of each kind gitstatus renders with, its words replaced by markers."""
    for html_only in (False, True):
        env = make_environment(None, dt.UTC, html_only=html_only, catalogue=words.catalogue("en"))
        env.gitstatus_words = MarkedWords()  # type: ignore[attr-defined]  # extend() keeps the first value
        yield env


def marked_sources() -> dict[tuple[str, bool], tuple[str, str]]:
    """Every built-in template, compiled to Python source with markers, by name and autoescaping."""
    loader = PackageLoader("gitstatus.theme", "templates")
    found: dict[tuple[str, bool], tuple[str, str]] = {}
    for env in _environments():
        for name in loader.list_templates():
            flag = escaped(env, name)
            if (name, flag) in found:
                continue
            source = loader.get_source(env, name)[0]
            found[name, flag] = (source_hash(source), env.compile(source, name, raw=True))
    return found


def generated() -> str:
    """The text of compiled_theme.py for the installed Jinja and the built-in templates as they are."""
    lines = [
        '"""The built-in templates compiled with markers for their words: made by make_compiled_theme.py, do not edit.',
        "",
        "Remake it with ``python3 dev.py templates`` after changing a template of theme/templates/.",
        '"""',
        "",
        "# fmt: off",
        f"JINJA = {jinja2.__version__!r}",
        "TEMPLATES: dict[tuple[str, bool], tuple[str, str]] = {",
    ]
    for (name, flag), (digest, code) in sorted(marked_sources().items()):
        lines.append(f"    ({name!r}, {flag}): ({digest!r}, {code!r}),")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    text = generated()
    if argv == ["--check"]:
        current = GENERATED.read_text(encoding="utf-8") if GENERATED.exists() else ""
        if current != text:
            print(f"{GENERATED} is not current: run python3 dev.py templates", file=sys.stderr)
            return 1
        return 0
    GENERATED.write_text(text, encoding="utf-8")
    print(f"wrote {GENERATED} ({len(text) // 1024} KiB, Jinja {jinja2.__version__})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

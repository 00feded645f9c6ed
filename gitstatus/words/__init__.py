"""The words a reader sees: one catalogue per language, read through one function.

Every word of the pages, feeds, calendar and badges comes from ``<language>.yaml`` in this
folder through :func:`t`, so a word is changed in one place and a translation is one more
catalogue (docs/translating.md). A file's name is its BCP 47 tag (``de``, ``pt-BR``,
``zh-Hans``). Keys are dotted (``nav.history``). A value is a text with named placeholders
in str.format style (``"Affected: {components}"``), or, for a text about a number, a
mapping of CLDR plural categories to texts (``{one: "{count} incident", other: "{count}
incidents"}``), of which the language's plural rule (CLDR's, through Babel) picks one by
the ``count`` parameter; a category the mapping leaves out falls back to ``other``. Whole
numbers in parameters are written the language's way (``1.234`` in German).

:func:`t` answers in the language in effect: English, or the catalogue a build put in
effect with :func:`using` while it renders one language's tree (a site may have several).
Dates, times, durations and percentages are not words of a catalogue: ``locale.py`` takes
them from CLDR.

The catalogue is checked when it is loaded (keys, categories, placeholders) and every
call is checked against it (the key exists, the parameters are exactly its placeholders),
so a typo fails the build instead of showing a reader a hole. Enumerations carry values
only; their words are looked up here by value (:func:`status_label` and friends).
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from enum import Enum
from functools import cache, cached_property
from importlib.resources import files
from typing import TYPE_CHECKING, Any

import yaml
from babel import Locale, UnknownLocaleError
from babel.numbers import format_decimal
from markupsafe import Markup, escape

from ..model import ComponentStatus, EventKind, Impact, Status
from .catalogues import languages

if TYPE_CHECKING:  # state.py reads settings, whose reader asks catalogues.py: this package stays importable first
    from ..state import Indicator

PluralRule = Callable[[int], str]
"""A language's plural rule: a count to its CLDR plural category (``one``, ``few``, ``other`` …)."""

CATEGORIES = frozenset({"zero", "one", "two", "few", "many", "other"})
try:  # libyaml, as yamlnodes.py uses it: the pure-Python parser costs 10 ms per process for this file
    _Loader: type = yaml.CBaseLoader
except AttributeError:  # pragma: no cover - only without libyaml
    _Loader = yaml.BaseLoader
_KEY = re.compile(r"^[a-z0-9_]+(?:\.[a-z0-9_]+)+$")
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")


def english_plural(count: int) -> str:
    """CLDR's rule for English (integers): ``one`` for 1, ``other`` for anything else."""
    return "one" if count == 1 else "other"


def babel_locale(language: str) -> Locale:
    """The CLDR locale of a BCP 47 tag (``pt-BR``, ``zh-Hans``); a tag CLDR does not know is a WordsError."""
    try:
        return _babel_locale(language)
    except (ValueError, UnknownLocaleError):
        raise WordsError(f"CLDR knows no language '{language}'") from None


@cache
def _babel_locale(language: str) -> Locale:
    return Locale.parse(language, sep="-")


def cldr_plural(language: str) -> PluralRule:
    """CLDR's plural rule of a language, from Babel: ``one``/``few``/``many``/``other`` for Polish, and so on."""
    rule = babel_locale(language).plural_form
    return lambda count: str(rule(count))


def direction(language: str) -> str:
    """``rtl`` for a language written right to left (Arabic, Hebrew…), else ``ltr``: HTML's ``dir``."""
    return "rtl" if babel_locale(language).character_order == "right-to-left" else "ltr"


class WordsError(Exception):
    """A catalogue that cannot be used, or a call it cannot answer; the message says which key and why."""


@dataclass(frozen=True)
class Words:
    """One loaded catalogue: its language, its texts and the plural rule that picks among forms."""

    language: str
    texts: Mapping[str, str | Mapping[str, str]]
    plural: PluralRule | None
    """The rule that picks a plural form; None for CLDR's rule of ``language`` (found when first needed,
    so a catalogue crosses process boundaries as plain data)."""
    fields: Mapping[str, frozenset[str]]
    """Each key's placeholders; a plural key's always include ``count``."""

    @classmethod
    def parse(cls, language: str, source: str, name: str, plural: PluralRule | None = None) -> Words:
        """The catalogue in ``source`` (YAML read as text only), checked; ``name`` is its file, for errors."""
        texts: dict[str, str | Mapping[str, str]] = {}
        fields: dict[str, frozenset[str]] = {}
        for key, value, line in entries(source, name):
            where = f"{name}:{line}: '{key}'"
            if not _KEY.match(key):
                raise WordsError(f"{where} is not a dotted key of lowercase words, like 'nav.history'")
            if isinstance(value, str):
                fields[key] = _placeholders(value, where)
            else:
                if "other" not in value or not value.keys() <= CATEGORIES:
                    raise WordsError(f"{where} needs plural forms named by CLDR category "
                                     f"({', '.join(sorted(CATEGORIES))}), 'other' among them")
                fields[key] = frozenset({"count"}).union(*(_placeholders(v, where) for v in value.values()))
            texts[key] = value
        return cls(language, texts, plural, fields)

    @classmethod
    def load(cls, language: str) -> Words:
        """The catalogue ``<language>.yaml`` shipped in this package."""
        if language not in languages():
            raise WordsError(f"there is no catalogue of words for the language '{language}'")
        resource = files(__name__) / f"{language}.yaml"
        babel_locale(language)  # a catalogue is of a language CLDR knows, for its plurals, dates and numbers
        return cls.parse(language, resource.read_text(encoding="utf-8"), f"gitstatus/words/{language}.yaml")

    def overridden(self, texts: Mapping[str, str | Mapping[str, str]]) -> Words:
        """This catalogue with some phrases replaced (a status repo's own words, checked by overrides.py).

        Each replacement must be of a key of this catalogue with the same placeholders; a
        WordsError says which is not.
        """
        if not texts:
            return self
        merged = dict(self.texts)
        for key, value in texts.items():
            if key not in self.fields:
                raise WordsError(f"there are no words for '{key}' in the '{self.language}' catalogue to replace")
            found = (_placeholders(value, key) if isinstance(value, str) else
                     frozenset({"count"}).union(*(_placeholders(v, key) for v in value.values())))
            if found != self.fields[key] and not (isinstance(value, str) and found | {"count"} == self.fields[key]):
                raise WordsError(f"'{key}' takes {_listed(self.fields[key])}, not {_listed(found)}")
            merged[key] = value
        return replace(self, texts=merged)

    def category(self, count: int) -> str:
        """The CLDR plural category of ``count`` in this language."""
        return (self.plural or cldr_plural(self.language))(count)

    def t(self, key: str, /, **params: Any) -> str:
        """The text of ``key`` with its placeholders filled in.

        A plural key picks its form by ``params["count"]``. When a parameter is markup (has
        ``__html__``, like the ``time()`` of a template), the result is markup too, with the
        text and every other parameter escaped, so a sentence can hold an element.
        """
        value = self.texts.get(key)
        if value is None:
            raise WordsError(f"there are no words for '{key}' in the '{self.language}' catalogue")
        if params.keys() != self.fields[key]:
            raise WordsError(f"the words '{key}' take {_listed(self.fields[key])}, not {_listed(params)}")
        if not params:  # the commonest call, a fixed text: no formatting (a page makes dozens of them)
            return self._fixed[key]
        if not isinstance(value, str):
            value = value.get(self.category(params["count"]), value["other"])
        params = {k: _number(v, self.language) if type(v) is int else v for k, v in params.items()}
        for param in params.values():
            if hasattr(param, "__html__"):
                return Markup(escape(value)).format(**params)
        return value.format(**params)

    @cached_property
    def _fixed(self) -> Mapping[str, str]:
        """The texts without placeholders, formatted once (``{{`` is a literal brace)."""
        texts = self.texts.items()
        return {key: value.format() for key, value in texts if isinstance(value, str) and not self.fields[key]}


@cache
def _number(value: int, language: str) -> str:
    """A whole number as the language writes it (grouping, digits): ``1,234``, ``1.234``, ``1 234``."""
    try:
        return str(format_decimal(value, locale=babel_locale(language)))
    except WordsError:  # a catalogue made for a test, of no language CLDR knows
        return str(value)


def entries(source: str, name: str) -> Iterator[tuple[str, str | dict[str, str], int]]:
    """(key, text or plural forms, line) of a catalogue, refusing anything else and repeated keys."""
    try:
        root = yaml.compose(source, Loader=_Loader)  # every scalar as text: "No" stays a word
    except yaml.YAMLError as err:
        raise WordsError(f"{name} is not valid YAML: {err}") from None
    if not isinstance(root, yaml.MappingNode):
        raise WordsError(f"{name} must be a mapping of keys to words")
    seen: set[str] = set()
    for key_node, value_node in root.value:
        key, line = str(key_node.value), key_node.start_mark.line + 1
        if not isinstance(key_node, yaml.ScalarNode) or key in seen:
            raise WordsError(f"{name}:{line}: the key '{key}' is repeated or not a plain word")
        seen.add(key)
        if isinstance(value_node, yaml.ScalarNode):
            yield key, str(value_node.value), line
        elif isinstance(value_node, yaml.MappingNode) and all(
            isinstance(k, yaml.ScalarNode) and isinstance(v, yaml.ScalarNode) for k, v in value_node.value
        ):
            yield key, {str(k.value): str(v.value) for k, v in value_node.value}, line
        else:
            raise WordsError(f"{name}:{line}: '{key}' must be a text or a mapping of plural forms to texts")


def _placeholders(text: str, where: str) -> frozenset[str]:
    """The named placeholders of a text; positional, indexed or formatted ones are refused."""
    names = set()
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as err:
        raise WordsError(f"{where} has a broken placeholder ({err}); write a literal brace as {{{{ or }}}}") from None
    for _, field, spec, conversion in parsed:
        if field is None:
            continue
        if not _IDENTIFIER.match(field) or spec or conversion:
            raise WordsError(f"{where} has the placeholder '{{{field}}}': use plain names like {{count}}")
        names.add(field)
    return frozenset(names)


def _listed(names: Mapping[str, Any] | frozenset[str]) -> str:
    return ", ".join(sorted(names)) or "no parameters"


@cache
def catalogue(language: str = "en") -> Words:
    """The shipped catalogue of a language, read once per process."""
    return Words.load(language)


_current: ContextVar[Words | None] = ContextVar("gitstatus_words", default=None)


def current() -> Words:
    """The catalogue in effect: the one :func:`using` set, else English."""
    return _current.get() or catalogue()


@contextmanager
def using(words: Words) -> Iterator[Words]:
    """Puts ``words`` in effect for :func:`t` (and so for every renderer) until the block ends."""
    token = _current.set(words)
    try:
        yield words
    finally:
        _current.reset(token)


def t(key: str, /, **params: Any) -> str:
    """The words of ``key`` in the page's language: ``t("incidents.count", count=2)`` is ``2 incidents``."""
    return current().t(key, **params)


# --- the words of enumerations, looked up by value ---------------------------------------------

_BANNER: Mapping[str, str] = {  # by the Indicator's value
    "none": "all_operational",
    "minor": "minor_outage",
    "major": "partial_outage",
    "critical": "major_outage",
    "maintenance": "maintenance",
}


def status_key(status: Status | ComponentStatus) -> str:
    """``status.in_progress`` for an update's status, ``component.partial_outage`` for a component's."""
    kind = "status" if isinstance(status, Status) else "component"
    return f"{kind}.{status.value.replace(' ', '_')}"


def status_label(status: Status | ComponentStatus) -> str:
    """``In progress``, ``Partial outage``: a status as a reader sees it."""
    return t(status_key(status))


def change_key(kind: Enum) -> str:
    return f"change.{kind.value}"


def change_label(kind: Enum) -> str:
    """``New update``: what a change does to the page, as the job summary says it."""
    return t(change_key(kind))


def event_key(kind: EventKind) -> str:
    return f"notify.event.{kind.value}"


def event_title(kind: EventKind, title: str) -> str:
    """``Resolved: API errors``: a notification's title (an e-mail's subject)."""
    return t(event_key(kind), title=title)


def impact_key(impact: Impact) -> str:
    return f"impact.{impact.value}"


def impact_label(impact: Impact) -> str:
    """``Major``: an impact as a reader sees it."""
    return t(impact_key(impact))


def banner_key(indicator: Indicator) -> str:
    return f"banner.{_BANNER[indicator.value]}"


def banner(indicator: Indicator) -> str:
    """The front page's overall status: ``Partial System Outage``."""
    return t(banner_key(indicator))


def badge_key(indicator: Indicator) -> str:
    return f"badge.{_BANNER[indicator.value]}"


def badge_message(indicator: Indicator) -> str:
    """The page badge's status: the JSON API's description, so a badge and a bot agree (docs/api.md)."""
    return t(badge_key(indicator))


def derived_keys() -> frozenset[str]:
    """The keys this module builds from values (enumerations) rather than spells out.

    The job summary's change words (:func:`change_key`) are built from ``changes.ChangeKind``, which
    this package does not import (changes.py reads the repo, and the repo's own phrases are read with
    this package).
    """
    keys = {status_key(s) for s in (*Status, *ComponentStatus)}
    keys |= {impact_key(i) for i in Impact}
    keys |= {event_key(k) for k in EventKind}
    from ..state import Indicator

    keys |= {f(i) for i in Indicator for f in (banner_key, badge_key)}
    return frozenset(keys)

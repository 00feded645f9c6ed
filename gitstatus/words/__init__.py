"""The words a reader sees: one catalogue per language, read through one function.

Every word of the pages, feeds, calendar and badges comes from ``<language>.yaml`` in this
folder through :func:`t`, so a word is changed in one place and a translation is one more
catalogue. Keys are dotted (``nav.history``). A value is a text with named placeholders
in str.format style (``"Affected: {components}"``), or, for a text about a number, a
mapping of CLDR plural categories to texts (``{one: "{count} incident", other: "{count}
incidents"}``), of which the language's plural rule picks one by the ``count`` parameter;
a category the mapping leaves out falls back to ``other``.

The catalogue is checked when it is loaded (keys, categories, placeholders) and every
call is checked against it (the key exists, the parameters are exactly its placeholders),
so a typo fails the build instead of showing a reader a hole. Enumerations carry values
only; their words are looked up here by value (:func:`status_label` and friends).
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from enum import Enum
from functools import cache, cached_property
from importlib.resources import files
from typing import Any

import yaml
from markupsafe import Markup, escape

from ..model import ComponentStatus, EventKind, Impact, Status
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


#: Plural rules by language. A later version may take them from Babel for any locale.
PLURAL_RULES: dict[str, PluralRule] = {"en": english_plural}


class WordsError(Exception):
    """A catalogue that cannot be used, or a call it cannot answer; the message says which key and why."""


@dataclass(frozen=True)
class Words:
    """One loaded catalogue: its language, its texts and the plural rule that picks among forms."""

    language: str
    texts: Mapping[str, str | Mapping[str, str]]
    plural: PluralRule
    fields: Mapping[str, frozenset[str]]
    """Each key's placeholders; a plural key's always include ``count``."""

    @classmethod
    def parse(cls, language: str, source: str, name: str, plural: PluralRule) -> Words:
        """The catalogue in ``source`` (YAML read as text only), checked; ``name`` is its file, for errors."""
        texts: dict[str, str | Mapping[str, str]] = {}
        fields: dict[str, frozenset[str]] = {}
        for key, value, line in _entries(source, name):
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
        resource = files(__name__) / f"{language}.yaml"
        if language not in PLURAL_RULES or not resource.is_file():
            raise WordsError(f"there is no catalogue of words for the language '{language}'")
        return cls.parse(language, resource.read_text(encoding="utf-8"), f"gitstatus/words/{language}.yaml",
                         PLURAL_RULES[language])

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
            value = value.get(self.plural(params["count"]), value["other"])
        for param in params.values():
            if hasattr(param, "__html__"):
                return Markup(escape(value)).format(**params)
        return value.format(**params)

    @cached_property
    def _fixed(self) -> Mapping[str, str]:
        """The texts without placeholders, formatted once (``{{`` is a literal brace)."""
        texts = self.texts.items()
        return {key: value.format() for key, value in texts if isinstance(value, str) and not self.fields[key]}


def _entries(source: str, name: str) -> Iterator[tuple[str, str | dict[str, str], int]]:
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
    """The loaded catalogue of a language (English, the only one so far), read once per process."""
    return Words.load(language)


def t(key: str, /, **params: Any) -> str:
    """The words of ``key`` in the page's language: ``t("incidents.count", count=2)`` is ``2 incidents``."""
    return catalogue().t(key, **params)


# --- the words of enumerations, looked up by value ---------------------------------------------

_BANNER: Mapping[Indicator, str] = {
    Indicator.NONE: "all_operational",
    Indicator.MINOR: "minor_outage",
    Indicator.MAJOR: "partial_outage",
    Indicator.CRITICAL: "major_outage",
    Indicator.MAINTENANCE: "maintenance",
}
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")


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
    return f"banner.{_BANNER[indicator]}"


def banner(indicator: Indicator) -> str:
    """The front page's overall status: ``Partial System Outage``."""
    return t(banner_key(indicator))


def badge_key(indicator: Indicator) -> str:
    return f"badge.{_BANNER[indicator]}"


def badge_message(indicator: Indicator) -> str:
    """The page badge's status: the JSON API's description, so a badge and a bot agree (docs/api.md)."""
    return t(badge_key(indicator))


def month_key(month: int, abbreviated: bool = False) -> str:
    return f"date.{'month_abbr' if abbreviated else 'month'}.{_MONTHS[month - 1]}"


@cache  # every time on every page names its month
def month_name(month: int, abbreviated: bool = False) -> str:
    """``June``, or ``Jun`` abbreviated: month 1 to 12."""
    return t(month_key(month, abbreviated))


def derived_keys() -> frozenset[str]:
    """The keys this module builds from values (enumerations, months) rather than spells out."""
    keys = {status_key(s) for s in (*Status, *ComponentStatus)}
    keys |= {impact_key(i) for i in Impact}
    keys |= {event_key(k) for k in EventKind}
    keys |= {f(i) for i in Indicator for f in (banner_key, badge_key)}
    keys |= {month_key(m, short) for m in range(1, 13) for short in (False, True)}
    from ..changes import ChangeKind  # the job summary's words; changes.py is not needed to render a page

    keys |= {change_key(kind) for kind in ChangeKind}
    return frozenset(keys)

"""A status repo's own phrases: ``words:`` in components.yaml and ``theme/words/<language>.yaml``.

A repo may replace any single phrase of a shipped catalogue ("All Systems Operational" → "All
good"). Each replacement is checked against the catalogue it replaces a phrase of: the key must
exist (E118, with "did you mean"), the placeholders must be the catalogue's (E119), and a
language the page is not shown in is named (W107). A phrase can come from any pull request, so
it is text like any other: the templates escape it, and it is never a template itself.

The theme's files are applied first and components.yaml's ``words:`` on top, so a key set in both
reads as components.yaml says.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from .. import rules
from ..model import Site
from ..read.document import COMPONENTS_FILE, decode
from ..rules import Diagnostic, unknown
from ..source import read_bytes
from ..themes import THEME_DIR, own_files
from . import Words, WordsError, catalogue, entries
from .catalogues import languages, spelled

Texts = dict[str, str | Mapping[str, str]]
WORDS_FOLDER = "words"


def phrase_problems(site: Site) -> list[Diagnostic]:
    """What is wrong with components.yaml's ``words:``: each phrase against its language's catalogue."""
    problems: list[Diagnostic] = []
    for phrase in site.words:
        value = phrase.text if isinstance(phrase.text, str) else dict(phrase.text)
        problems += _check(COMPONENTS_FILE, phrase.line, phrase.col, site, phrase.language, phrase.key, value)
    return problems


def theme_words(root: Path, site: Site) -> tuple[dict[str, Texts], list[Diagnostic]]:
    """The phrases of ``theme/words/<language>.yaml`` by language (only the page's languages, only usable
    ones), and what is wrong with the files."""
    paths, problems = own_files(root, WORDS_FOLDER)
    problems = [d for d in problems if d.path != THEME_DIR]  # a refused theme/ itself: check reports it once
    found: dict[str, Texts] = {}
    for relpath in paths:
        name = relpath.rsplit("/", 1)[-1]
        language = spelled(name.removesuffix(".yaml")) if name.endswith(".yaml") else None
        if language is None or relpath.count("/") != 2:
            named = unknown(name.removesuffix(".yaml"), languages())
            problems.append(Diagnostic(relpath, 0, 0, rules.UNKNOWN_LANGUAGE, f"theme/words/ holds catalogues "
                                       f"named <language>.yaml, and there is no language {named.quoted}"
                                       f"{named.note}", f"use one of: {', '.join(languages())}"))
            continue
        data, read_problems = read_bytes(root, relpath)
        text, decode_problems = decode(data, relpath) if data is not None else (None, [])
        problems += read_problems + decode_problems
        if text is None:
            continue
        try:
            file_entries = list(entries(text, relpath))
        except WordsError as err:
            problems.append(Diagnostic(relpath, 1, 1, rules.BAD_WORDS, str(err)))
            continue
        texts: Texts = {}
        for key, value, line in file_entries:
            found_here = _check(relpath, line, 1, site, language, key, value)
            problems += found_here
            if not found_here:
                texts[key] = value
        if language in site.all_languages:
            found[language] = texts
    return found, problems


def site_words(site: Site, language: str, theme: Mapping[str, Texts] | None = None) -> Words:
    """The catalogue of ``language`` with the repo's own phrases laid over it: the theme's, then components.yaml's.

    Phrases ``check`` refused are left out (a build runs only when there are none).
    """
    words = catalogue(language)
    own: Texts = dict((theme or {}).get(language, {}))
    for phrase in site.words:
        if phrase.language == language:
            own[phrase.key] = phrase.text if isinstance(phrase.text, str) else dict(phrase.text)
    usable = {key: value for key, value in own.items() if _fits(words, key, value)}
    return words.overridden(usable)


def _fits(words: Words, key: str, value: str | Mapping[str, str]) -> bool:
    try:
        words.overridden({key: value})
    except WordsError:
        return False
    return True


def _check(path: str, line: int, col: int, site: Site, language: str, key: str,
           value: str | Mapping[str, str]) -> list[Diagnostic]:
    """One phrase against the catalogue of its language."""
    if language not in site.all_languages:
        return [Diagnostic(path, line, col, rules.WORDS_FOR_ANOTHER_LANGUAGE, f"the phrase '{key}' is for the "
                           f"language '{language}', which the page is not shown in (site.languages: "
                           f"{', '.join(site.all_languages)}), so it is not used")]
    words = catalogue(language)
    if key not in words.fields:
        named = unknown(key, words.fields)
        return [Diagnostic(path, line, col, rules.UNKNOWN_WORDS_KEY, f"the catalogue has no phrase "
                           f"{named.quoted}{named.note}", "the keys are those of gitstatus/words/en.yaml")]
    if not isinstance(value, str):
        categories = set(value) - {"zero", "one", "two", "few", "many", "other"}
        if categories or "other" not in value:
            return [Diagnostic(path, line, col, rules.BAD_WORDS, f"the plural forms of '{key}' must be named by "
                               "CLDR category (zero, one, two, few, many, other), 'other' among them")]
    try:
        words.overridden({key: value})
    except WordsError as err:
        return [Diagnostic(path, line, col, rules.BAD_WORDS, f"the phrase '{key}' does not fit: {err}")]
    return []


def overrides_problems(root: Path, site: Site, has_theme: bool) -> list[Diagnostic]:
    """Every problem of the repo's own phrases, as ``check`` reports them."""
    problems = phrase_problems(site)
    if has_theme:
        problems += theme_words(root, site)[1]
    return problems


"""components.yaml: the page's settings and its components, validated into the model.

One declaration per key (``SITE``, ``COMPONENT`` and ``TOP`` below, see fields.py), one
converter per value type, and every problem reported with its line, so a writer fixes the
whole file in one pass.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import ipaddress
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from .. import rules
from ..errors import GitstatusError
from ..fields import Field, Kind
from ..model import Component, Phrase, Site
from ..rules import Diagnostic, Rule, unknown
from ..slug import ID_HINT, MAX_ID_LENGTH, is_device_name, is_id, slugify
from ..terminal import printable
from ..timeparse import TimeError, load_zone
from ..words.catalogues import DEFAULT, languages, spelled
from .document import COMPONENTS_FILE
from .notify import NOTIFY, read_notify
from .yamlnodes import Node


class Checker:
    """Collects diagnostics for one file, with small helpers for typed values."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.diagnostics: list[Diagnostic] = []

    def error(self, line: int, col: int, rule: Rule, message: str, hint: str | None = None, sep: str = ": ") -> None:
        self.diagnostics.append(Diagnostic(self.path, line, col, rule, message, hint, sep))

    def mapping(self, node: Node | None, what: str, allowed: Iterable[str]) -> dict[str, Node] | None:
        """The node as a mapping with only ``allowed`` keys; unknown keys are reported."""
        if node is None:
            return None
        if not isinstance(node.value, dict):
            self.error(node.line, node.col, rules.NOT_A_MAPPING, f"{what} must be a mapping of 'key: value' lines")
            return None
        allowed = tuple(allowed)
        for key, value in node.value.items():
            if key not in allowed:
                line, col = value.key_at
                named = unknown(key, allowed)
                self.error(line, col, rules.UNKNOWN_KEY, f"unknown key {named.quoted} in {what}{named.note}",
                           f"allowed keys: {', '.join(allowed)}", "; ")
        return {k: v for k, v in node.value.items() if k in allowed}

    def text(self, node: Node | None, key: str, required: bool = False, line: int = 1, col: int = 1) -> str | None:
        """A string value; ``None`` when absent (reported at ``line``:``col`` if ``required``) or of the wrong type."""
        if node is None or node.value is None:
            if required:
                where = node.key_at if node is not None else (line, col)
                self.error(*where, rules.MISSING_KEY if node is None else rules.EMPTY_TEXT,
                           f"'{key}' is required and must not be empty")
            return None
        if not isinstance(node.value, str):
            self.error(node.line, node.col, rules.WRONG_TYPE, f"'{key}' must be text, not a {kind(node)}")
            return None
        if required and not node.value.strip():
            self.error(node.line, node.col, rules.EMPTY_TEXT, f"'{key}' must not be empty")
            return None
        return node.value.strip()


def kind(node: Node) -> str:
    if isinstance(node.value, dict):
        return "mapping"
    if isinstance(node.value, list):
        return "list"
    return "text value"


def _positive_int(checker: Checker, node: Node | None, key: str, default: int) -> int:
    if node is None:
        return default
    text = checker.text(node, key)
    if text is None:
        return default
    digits = text.lstrip("0")  # isdigit() also takes '²' and '١٥'; int() refuses over 4300 digits
    if not (text.isascii() and text.isdigit()) or len(digits) > 4 or not 1 <= int(digits or "0") <= 3650:
        checker.error(node.line, node.col, rules.BAD_NUMBER,
                      f"'{key}' must be a whole number of days from 1 to 3650, not '{text}'")
        return default
    return int(digits)


class UrlError(GitstatusError, ValueError):
    """An address that cannot be the site's base URL; the message says why and how to fix it."""


URL_EXAMPLE = "https://status.example.com/"
#: RFC 3986's characters (unreserved, reserved, percent), less the quote: an address made of these
#: needs no escaping in an HTML attribute, XML, an iCalendar line or JSON, where every link is written.
_URL_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$&()*+,;=%")
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_USERINFO = re.compile(r"^([^:/?#]*://)[^/?#]*@")


def check_site_url(text: str) -> str:
    """``text`` as the site's base URL, with a trailing slash; :class:`UrlError` when it cannot be one.

    The one rule for ``site.url`` and ``--base-url``. Every absolute link of the site (feeds,
    sitemap, calendar, canonical links, API) is this address plus a path, so it must be an
    absolute http(s) URL that a path can follow: no credentials (they would be published), no
    query or fragment, a real host name, and only characters that mean the same in every format.
    """
    problem = _url_problem(text)
    if problem:
        shown = printable(_USERINFO.sub(r"\1***@", text))  # a password stays out of CI logs
        raise UrlError(f"must be an absolute http(s) address like '{URL_EXAMPLE}', not '{shown}': {problem}")
    return text if text.endswith("/") else text + "/"


def _url_problem(text: str) -> str | None:
    """The first thing wrong with ``text`` as a base URL, said so a writer can fix it; None when fine."""
    for char in text:
        if char in _URL_CHARS:
            continue
        if char == " ":
            return "it contains a space: write it as %20"
        if not char.isprintable() or char.isspace():
            return f"it contains the invisible character {printable(char)}: remove it"
        if not char.isascii():
            return (f"it contains the character '{char}': percent-encode it, and write an international "
                    "domain name in its xn-- form")
        shown = f'"{char}"' if char == "'" else f"'{char}'"
        return f"it contains the character {shown}, which an address cannot hold: write it as %{ord(char):02X}"
    if _BAD_PERCENT.search(text):
        return "a '%' must start an escape of two hex digits, like %20"
    try:
        parts = urlsplit(text)
    except ValueError as err:
        return f"it is not a URL ({err})"
    if parts.scheme not in ("http", "https") or not text[len(parts.scheme):].startswith("://"):
        return "it must start with https:// (or http://)"
    if "@" in parts.netloc:
        return "a user name or password must not be in the address: it would be published in every feed"
    if "?" in text or "#" in text:
        return "every page's address is this one plus a path, so it cannot have a query (?…) or fragment (#…)"
    return _host_problem(parts.netloc)


def _host_problem(netloc: str) -> str | None:
    """What is wrong with ``host[:port]`` (an IPv6 address in brackets), or None."""
    if netloc.startswith("["):
        host, _, rest = netloc[1:].partition("]")
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return f"'[{host}]' is not an IPv6 address"
        if rest and not rest.startswith(":"):
            return f"'{netloc}' is not a host and port"
        port = rest[1:] if rest else None
    else:
        host, colon, port_text = netloc.partition(":")
        port = port_text if colon else None
        if not host:
            return "it has no host name"
        labels = host.lower().split(".")
        if len(host) > 253 or not all(_LABEL.match(label) for label in labels):
            return (f"'{host}' is not a host name: use labels of letters, digits and inner hyphens "
                    "(at most 63 characters each) joined by dots, like status.example.com")
        if labels[-1].isdigit():
            try:
                ipaddress.IPv4Address(host)
            except ValueError:
                return f"'{host}' is neither a host name nor an IPv4 address"
    if port is not None and not (port.isascii() and port.isdigit() and 1 <= int(port) <= 65535):
        return f"the port '{port}' is not a number from 1 to 65535 (or leave out the colon)"
    return None


def _url(checker: Checker, node: Node | None) -> str | None:
    text = checker.text(node, "url") if node is not None else None
    if text is None:
        return None
    try:
        return check_site_url(text)
    except UrlError as err:
        assert node is not None
        checker.error(node.line, node.col, rules.BAD_SITE_URL, f"url {err}")
        return None


def _language(checker: Checker, node: Node | None, key: str = "language") -> str | None:
    """A shipped catalogue's BCP 47 tag, in any letter case (``pt-br`` is ``pt-BR``); E117 for another."""
    text = checker.text(node, key) if node is not None else None
    if text is None:
        return None
    found = spelled(text)
    if found is None:
        assert node is not None
        named = unknown(text, languages())
        checker.error(node.line, node.col, rules.UNKNOWN_LANGUAGE, f"there is no catalogue of the language "
                      f"{named.quoted}{named.note}", f"use one of: {', '.join(languages())}, or add a catalogue "
                      "(docs/translating.md)", "; ")
    return found


def _languages(checker: Checker, node: Node | None) -> tuple[str, ...] | None:
    """``site.languages``: shipped languages, each once, the default first; None when absent or unusable."""
    if node is None or node.value is None:
        return None
    if not isinstance(node.value, list) or not node.value:
        checker.error(node.line, node.col, rules.WRONG_TYPE, "'languages' must be a list of language tags, "
                      "the default first, like [en, de, ja]")
        return None
    found: list[str] = []
    for item in node.value:
        tag = _language(checker, item, "languages")
        if tag in found:
            checker.error(item.line, item.col, rules.UNKNOWN_LANGUAGE, f"'languages' lists '{tag}' twice",
                          "list each language once")
        elif tag is not None:
            found.append(tag)
    return tuple(found) or None


def _site(checker: Checker, node: Node | None) -> Site:
    fields = checker.mapping(node, "site", SITE.keys)
    if fields is None:
        return DEFAULT_SITE
    title = checker.text(fields.get("title"), "title", required=SITE.field("title").required,
                         line=node.line if node else 1)
    timezone = checker.text(fields.get("timezone"), "timezone") or DEFAULT_SITE.timezone
    try:
        load_zone(timezone)
    except TimeError as err:
        where = fields["timezone"]
        checker.error(where.line, where.col, rules.UNKNOWN_TIMEZONE, str(err))
        timezone = "UTC"
    language = _language(checker, fields.get("language"))
    shown = _languages(checker, fields.get("languages"))
    if shown and language and language != shown[0]:
        where = fields["language"]
        checker.error(where.line, where.col, rules.LANGUAGE_AND_LANGUAGES, f"site.language '{language}' is "
                      f"ignored: the page's default language is the first of site.languages, '{shown[0]}'")
    return Site(
        title=title or DEFAULT_SITE.title,
        url=_url(checker, fields.get("url")),
        description=checker.text(fields.get("description"), "description") or DEFAULT_SITE.description,
        timezone=timezone,
        past_days=_positive_int(checker, fields.get("past_days"), "past_days", DEFAULT_SITE.past_days),
        language=shown[0] if shown else language or DEFAULT,
        languages=shown if shown and len(shown) > 1 else None,
    )


_KEY_LIKE = re.compile(r"^[a-z0-9_]+(?:\.[a-z0-9_]+)+$")


def _words(checker: Checker, node: Node | None, site: Site) -> tuple[Phrase, ...]:
    """``words:``: catalogue keys mapped to the repo's own texts (plural keys to forms by CLDR category),
    for the default language; a language's tag mapped to such a mapping, for that language.

    Only the shape is checked here; words/overrides.py checks each key and its placeholders against the
    catalogue, where "did you mean" can name the catalogue's keys.
    """
    fields = _mapping_of(checker, node, "words")
    phrases: list[Phrase] = []
    for key, value in fields.items():
        if _KEY_LIKE.match(key):
            phrases += _phrase(checker, site.language, key, value)
            continue
        language = spelled(key)
        if language is None:
            named = unknown(key, [*languages(), "nav.history"])
            checker.error(*value.key_at, rules.UNKNOWN_LANGUAGE, f"'words' names {named.quoted}, which is neither "
                          f"a key of the catalogue (like 'nav.history') nor a shipped language{named.note}")
            continue
        for inner, text in _mapping_of(checker, value, f"words.{key}").items():
            phrases += _phrase(checker, language, inner, text)
    return tuple(phrases)


def _mapping_of(checker: Checker, node: Node | None, what: str) -> dict[str, Node]:
    if node is None or node.value is None:
        return {}
    if not isinstance(node.value, dict):
        checker.error(node.line, node.col, rules.WRONG_TYPE, f"'{what}' must be a mapping of keys to texts")
        return {}
    return node.value


def _phrase(checker: Checker, language: str, key: str, node: Node) -> list[Phrase]:
    line, col = node.key_at
    if isinstance(node.value, str) and node.value.strip():
        return [Phrase(language, key, node.value, line, col)]
    if isinstance(node.value, dict) and node.value and all(
            isinstance(v.value, str) and v.value.strip() for v in node.value.values()):
        forms = tuple((category, str(v.value)) for category, v in node.value.items())
        return [Phrase(language, key, forms, line, col)]
    checker.error(node.line, node.col, rules.BAD_WORDS, f"the words for '{key}' must be a text, or plural forms "
                  "(one: …, other: …) each with a text")
    return []


def _date(checker: Checker, node: Node | None, key: str) -> dt.date | None:
    text = checker.text(node, key) if node is not None else None
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        assert node is not None
        checker.error(node.line, node.col, rules.BAD_DATE, f"'{key}' must be a date written YYYY-MM-DD, not '{text}'")
        return None


def _component(checker: Checker, node: Node, position: int) -> Component | None:
    fields = checker.mapping(node, f"component #{position}", COMPONENT.keys)
    if fields is None:
        return None
    component_id = checker.text(fields.get("id"), "id", required=COMPONENT.field("id").required,
                                line=node.line, col=node.col)
    name = checker.text(fields.get("name"), "name", required=COMPONENT.field("name").required,
                        line=node.line, col=node.col)
    if component_id is not None and not is_id(component_id):
        where = fields["id"]
        better = slugify(component_id)
        example = f" (e.g. '{better}')" if better else ""
        checker.error(where.line, where.col, rules.BAD_COMPONENT_ID, f"component id '{component_id}' is not valid",
                      f"{ID_HINT}{example}")
        component_id = None
    component_id = _file_name_id(checker, fields.get("id"), component_id)
    group = checker.text(fields.get("group"), "group")
    if group and is_device_name(group_slug(group)):
        where = fields["group"]
        checker.error(where.line, where.col, rules.COMPONENT_DEVICE_NAME, f"group '{group}' has the id "
                      f"'{group_slug(group)}', a device name on Windows, where its badge "
                      f"badges/{group_slug(group)}.svg cannot be written", "rename the group")
    start_date = _date(checker, fields.get("start_date"), "start_date")
    if component_id is None or name is None:
        return None
    return Component(
        id=component_id,
        name=name,
        description=checker.text(fields.get("description"), "description") or "",
        group=group or None,
        start_date=start_date,
        line=node.line,
    )


def _file_name_id(checker: Checker, node: Node | None, component_id: str | None) -> str | None:
    """The id, when it can name a file on every system (the build writes ``badges/<id>.svg``)."""
    if component_id is None or node is None:
        return component_id
    if len(component_id) > MAX_ID_LENGTH:
        checker.error(node.line, node.col, rules.COMPONENT_ID_TOO_LONG, f"component id is {len(component_id)} "
                      f"characters long, over the limit of {MAX_ID_LENGTH}: it is also the name of its badge, "
                      "badges/<id>.svg, which must fit every file system",
                      f"use a shorter id, such as '{slugify(component_id)}'", "; ")
        return None
    if is_device_name(component_id):
        checker.error(node.line, node.col, rules.COMPONENT_DEVICE_NAME, f"component id '{component_id}' is a device "
                      f"name on Windows (like CON, NUL or COM1), where its badge badges/{component_id}.svg cannot "
                      "be written", f"use another id, e.g. '{component_id}-service'")
        return None
    return component_id


def _components(checker: Checker, node: Node | None) -> list[Component]:
    if node is None or node.value is None:
        line, col = node.key_at if node is not None else (1, 1)
        checker.error(line, col, rules.NO_COMPONENTS, "components.yaml must list the page's components under "
                      "'components:'")
        return []
    if not isinstance(node.value, list):
        checker.error(node.line, node.col, rules.WRONG_TYPE, "'components' must be a list of '- id: … name: …' entries")
        return []
    components: list[Component] = []
    seen: dict[str, int] = {}
    for position, item in enumerate(node.value, start=1):
        component = _component(checker, item, position)
        if component is None:
            continue
        if component.id in seen:
            checker.error(item.line, item.col, rules.DUPLICATE_COMPONENT_ID,
                          f"component id '{component.id}' is already used on line {seen[component.id]}")
            continue
        seen[component.id] = item.line
        components.append(component)
    groups: dict[str, str] = {}
    for component in components:
        if component.group is None:
            continue
        group_id = group_slug(component.group)
        if group_id in seen and groups.get(group_id) is None:
            checker.error(component.line, 1, rules.DUPLICATE_COMPONENT_ID,
                          f"group '{component.group}' would share the id '{group_id}' with a component", "rename one")
        elif groups.get(group_id, component.group) != component.group:
            checker.error(component.line, 1, rules.DUPLICATE_COMPONENT_ID,
                          f"group '{component.group}' and group '{groups[group_id]}' would share the id "
                          f"'{group_id}'", "spell the group the same way everywhere")
        groups.setdefault(group_id, component.group)
    if not node.value:
        checker.error(node.line, node.col, rules.NO_COMPONENTS, "components.yaml lists no components",
                      "add at least one")
    return components


#: The checker's rule for site.url (check_site_url) as far as a pattern can say it, for the schema: a host
#: name or [IPv6], a port, a path of URL characters; no credentials, query, fragment, quotes, spaces or controls.
_URL_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
URL_PATTERN = (rf"^\s*[Hh][Tt][Tt][Pp][Ss]?://(?:\[[0-9A-Fa-f:.]+\]|{_URL_LABEL}(?:\.{_URL_LABEL})*)"
               r"(?::[1-9][0-9]{0,4})?(?:/(?:[A-Za-z0-9\-._~!$&()*+,;=:@/]|%[0-9A-Fa-f]{2})*)?\s*$")
PAST_DAYS_PATTERN = r"^\s*0*(?:[1-9]\d{0,2}|[12]\d{3}|3[0-5]\d{2}|36[0-4]\d|3650)\s*$"
DATE_PATTERN = r"^\s*\d{4}-\d{2}-\d{2}\s*$"

SITE = Field("site", Kind.BLOCK, "Settings of the whole page.", required=True, reader=_site, fields=(
    Field("title", Kind.TEXT, "The page's name, in its header and the browser tab.", required=True,
          default="Status", examples=("Acme Status",), reader=Checker.text),
    Field("url", Kind.URL, "Where the page is published (absolute http or https); feeds and the sitemap need it.",
          pattern=URL_PATTERN, examples=(URL_EXAMPLE,), reader=_url),
    Field("description", Kind.TEXT, "One sentence about the page, for search engines and feeds.", default="",
          reader=Checker.text),
    Field("timezone", Kind.TIMEZONE, "An IANA timezone name: times without a zone are read in it and the page "
          "shows times in it.", default="UTC", examples=("UTC", "Europe/Berlin", "America/New_York"), reader=load_zone),
    Field("past_days", Kind.DAYS, "Days of past incidents on the front page ({low} to {high}; default {default}).",
          default=15, low=1, high=3650, pattern=PAST_DAYS_PATTERN, reader=_positive_int),
    Field("language", Kind.CHOICE, "The BCP 47 tag of the page's language: its words, dates and numbers "
          "(docs/translating.md).", default=DEFAULT, choices=languages(), examples=("de", "pt-BR"), reader=_language),
    Field("languages", Kind.LIST, "Several languages, the default first: each has its own pages (`/de/…`), "
          "feeds and switcher.", examples=("[en, de, ja]",), low=1, reader=_languages,
          item=Field("language", Kind.CHOICE, "A shipped language's BCP 47 tag.", choices=languages())),
))
COMPONENT = Field("component", Kind.BLOCK, "One component of the page.", reader=_component, fields=(
    Field("id", Kind.ID, "Lowercase letters, digits and single hyphens; what incident files list.", required=True,
          reader=_component),
    Field("name", Kind.TEXT, "What readers see.", required=True, examples=("REST API",), reader=Checker.text),
    Field("description", Kind.TEXT, "A line under the name.", reader=Checker.text),
    Field("group", Kind.TEXT, "Components with the same group are shown together under it.", reader=Checker.text),
    Field("start_date", Kind.DATE, "The day its uptime history begins (YYYY-MM-DD).", pattern=DATE_PATTERN,
          examples=("2025-06-01",), reader=_date),
))
TOP = Field(COMPONENTS_FILE, Kind.BLOCK, "The settings and components of a gitstatus status page.", fields=(
    SITE,
    Field("components", Kind.LIST, "The components, in the order the page shows them.", required=True, low=1,
          item=COMPONENT, reader=_components),
    NOTIFY,
    Field("words", Kind.WORDS, "The page's own phrases: catalogue keys mapped to texts, for the default language, "
          "or under a language's tag for that one (docs/translating.md).",
          examples=("{banner.all_operational: All good}",), reader=_words),
))
"""components.yaml's keys; ``validate_components`` reads them."""

DEFAULT_SITE = Site(**SITE.defaults())
"""The page's settings when components.yaml has no usable ``site:``."""


def group_slug(name: str) -> str:
    """A group's id, derived from its name (groups have no id of their own in components.yaml)."""
    return slugify(name) or "group"


#: The example ``site.url`` that ``gitstatus init`` writes, and the comment it writes after it (W110 while both stay).
EXAMPLE_URL = "https://status.example.com/"
EXAMPLE_URL_MARK = "the example address: put your page's here"


def example_url_warnings(node: Node | None, text: str) -> list[Diagnostic]:
    """W110 when ``site.url`` is the line ``init`` wrote, its marking comment still there.

    The comment is the signal, not the domain: a page may well live under example.com in tests
    and examples, but a url line that still carries init's own comment was never looked at, and
    feeds, the sitemap and a build without ``--base-url`` would point readers at a page that is
    not theirs. Changing the address or deleting the comment ends the warning.
    """
    if node is None or not isinstance(node.value, dict):
        return []
    site = node.value.get("site")
    url = site.value.get("url") if site is not None and isinstance(site.value, dict) else None
    if url is None or not isinstance(url.value, str) or url.value.strip() != EXAMPLE_URL:
        return []
    lines = text.splitlines()
    if not 0 < url.line <= len(lines) or EXAMPLE_URL_MARK not in lines[url.line - 1]:
        return []
    return [Diagnostic(COMPONENTS_FILE, url.line, url.col, rules.EXAMPLE_URL,
                       f"site.url is still {url.value.strip()}, the example address that gitstatus init wrote",
                       "write the address the page is published at (feeds, the sitemap and notifications link to "
                       "it), and remove the comment")]


def validate_components(node: Node | None) -> tuple[Site, tuple[Component, ...], list[Diagnostic]]:
    """components.yaml's node tree to the page settings and components, with every problem found."""
    checker = Checker(COMPONENTS_FILE)
    if node is None:
        return DEFAULT_SITE, (), checker.diagnostics
    top = checker.mapping(node, COMPONENTS_FILE, TOP.keys)
    if top is None:
        return DEFAULT_SITE, (), checker.diagnostics
    if "site" not in top:
        checker.error(1, 1, rules.MISSING_KEY, "components.yaml needs a 'site:' block with at least a title")
    site = _site(checker, top.get("site"))
    components = _components(checker, top.get("components"))
    read_notify(checker, top.get("notify"), components)  # gitstatus notify reads the channels it sends to
    phrases = _words(checker, top.get("words"), site)
    if phrases:
        site = dataclasses.replace(site, words=phrases)
    return site, tuple(components), checker.diagnostics

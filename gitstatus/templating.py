"""The Jinja environment: autoescaped, strict, and overridable by a status repo's own ``theme/``.

A status repo's ``theme/templates/x.html`` replaces the built-in ``x.html`` of the same
name; its ``theme/static/`` files are copied over the built-in ones. Templates see
the variables documented in docs/themes.md and the filters registered here. The repo's
own theme files are read only through load.py's one door (:func:`load.read_bytes`), so a
theme file cannot bring anything from outside the repo into the site.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Mapping
from enum import Enum
from pathlib import Path

from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    Environment,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateRuntimeError,
    TemplateSyntaxError,
    nodes,
    pass_context,
    select_autoescape,
)
from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream
from jinja2.parser import Parser
from jinja2.runtime import Context
from markupsafe import Markup, escape

from . import routes, words
from .errors import GitstatusError
from .model import ComponentStatus, Impact, Status
from .precompiled import BuiltinLoader
from .themeloader import ThemeLoader
from .themes import own_theme
from .timeparse import iso
from .words.locale import Formats

# --- filters: formatting for people (the page's language and timezone, words/locale.py) and machines (ISO) ---

def format_full(moment: dt.datetime) -> str:
    """``Jun 11, 2026, 14:02 UTC`` in the language in effect and the moment's own timezone (feeds, calendar)."""
    return Formats(words.current(), moment.tzinfo or dt.UTC).full(moment)


class TimeFormatter:
    """Formats moments in the page's timezone and language; bound to one site and language per environment."""

    def __init__(self, tz: dt.tzinfo, catalogue: words.Words | None = None) -> None:
        self.tz = tz
        self.formats = Formats(catalogue or words.current(), tz)

    def local(self, moment: dt.datetime) -> dt.datetime:
        return moment.astimezone(self.tz)

    def time_element(self, moment: dt.datetime, style: str = "full") -> Markup:
        """``<time datetime="ISO" data-style="full">Jun 11, 2026, 14:02 UTC</time>``.

        The text is readable with JavaScript off; local-time.js may rewrite it in the reader's zone.
        """
        text = self.formats.full(moment) if style == "full" else self.formats.clock(moment)
        # Plain string building: Markup.format costs a third of an incident page's rendering time.
        return Markup(f'<time datetime="{iso(moment)}" data-style="{escape(style)}">{escape(text)}</time>')


def _badges(catalogue: words.Words) -> dict[Enum, Markup]:
    """Every badge, made once: ``<span class="badge badge--major">Major</span>`` and the status words."""
    made: dict[Enum, Markup] = {
        i: Markup(f'<span class="badge badge--{i.value}">{escape(catalogue.t(words.impact_key(i)))}</span>')
        for i in Impact
    }
    for status in (*Status, *ComponentStatus):
        css = status.value.replace(" ", "-")
        label = catalogue.t(words.status_key(status))
        made[status] = Markup(f'<span class="status-word status-word--{css}">{escape(label)}</span>')
    return made


def component_names(ids: Iterable[str], names: Mapping[str, str]) -> str:
    """``API, Dashboard``: the names of the listed components (escaped by the template like any text)."""
    return ", ".join(names[i] for i in ids)


@pass_context
def url_for(context: Context, name: str, /, root: str | None = None, **params: str) -> str:
    """``{{ url_for('incident', id=s.id) }}``: the link from this page to a route (gitstatus/routes.py).

    The page's ``root`` prefix comes first; a macro imported without context has no page,
    so it passes its caller's ``root`` explicitly. A page of a language's folder links to what the
    site has once (static files, the JSON API) through ``up``, the way to the site's root.
    """
    try:
        path = routes.path(name, **params)
    except routes.RouteError as err:
        raise TemplateRuntimeError(str(err)) from None
    base = context["root"] if root is None else root
    if name in routes.SHARED:  # from a language's folder (de/) up to the site's root, where these are
        base += context.get("up", "")
    return base + path


def translator(catalogue: words.Words) -> Callable[..., str]:
    """``{{ t('nav.history') }}``: the catalogue's words (gitstatus/words/), autoescaped like any text."""

    def translate(key: str, /, **params: object) -> str:
        try:
            return catalogue.t(key, **params)
        except words.WordsError as err:
            raise TemplateRuntimeError(str(err)) from None

    return translate


class FixedWords(Extension):
    """Compiles ``t('key')`` without parameters to its text, as if the template spelt it out.

    A page holds a dozen fixed words, and a call from a template costs several times the
    Python call (Jinja dispatches each through its context): this keeps the catalogue from
    slowing a big build down. A key that is not in the catalogue, or needs parameters, is a
    syntax error at its line. Calls with parameters stay calls of the ``t`` global.
    """

    def filter_stream(self, stream: TokenStream) -> list[Token]:
        tokens = list(stream)
        out: list[Token] = []
        n = 0
        while n < len(tokens):
            token = tokens[n]
            shape = [(x.type, x.value if x.type == "name" else None) for x in tokens[n:n + 4]]
            fixed = shape == [("name", "t"), ("lparen", None), ("string", None), ("rparen", None)]
            if fixed and not (out and out[-1].type == "dot"):  # x.t('…') is someone else's t
                try:
                    text = self.environment.gitstatus_words.t(tokens[n + 2].value)  # type: ignore[attr-defined]
                except words.WordsError as err:
                    raise TemplateSyntaxError(str(err), token.lineno, stream.name, stream.filename) from None
                out.append(Token(token.lineno, "string", text))
                n += 4
                continue
            out.append(token)
            n += 1
        return out


class SharedParts(Extension):
    """``{% shared root %}…{% endshared %}``: a part of a page rendered once for all pages with the same key.

    The head's links, the masthead and the footer are the same on every page at one depth, and
    rendering them anew cost a fifth of an incident page. The part is kept in the page
    context's ``shared_parts`` (a dict the renderer makes afresh with the context it belongs to)
    by its template, line and key, so the key must name every variable the part reads that is
    not the same for all pages of one renderer. Without ``shared_parts`` (or with a key that
    cannot be hashed) the part is simply rendered.
    """

    tags = {"shared"}

    def parse(self, parser: Parser) -> nodes.Node:
        lineno = next(parser.stream).lineno
        keys: list[nodes.Expr] = []
        while parser.stream.current.type != "block_end":
            if keys:
                parser.stream.expect("comma")
            keys.append(parser.parse_expression())
        body = parser.parse_statements(("name:endshared",), drop_needle=True)
        where = nodes.Const(f"{parser.name}:{lineno}")
        call = self.call_method("_part", [where, nodes.Tuple(keys, "load"), nodes.ContextReference()])
        return nodes.CallBlock(call, [], [], body).set_lineno(lineno)

    @staticmethod
    def _part(where: str, key: tuple[object, ...], context: Context, caller: Callable[[], str]) -> str:
        store = context.get("shared_parts")
        if store is None:
            return caller()
        try:
            return store[where, key]  # type: ignore[no-any-return]
        except KeyError:
            made = store[where, key] = caller()
            return made
        except TypeError:  # a key that cannot be hashed: no sharing
            return caller()


def make_environment(root: Path | None, tz: dt.tzinfo, html_only: bool = False,
                     catalogue: words.Words | None = None) -> Environment:
    """The environment for one status repo and one language: its own templates first, then the built-in ones.

    With no ``root``, only the built-in templates.

    Every template is HTML-escaped, unless ``html_only``: then only ``*.html`` ones are, and
    ``*.txt`` and ``*.md`` (the notifications' plain text and Markdown) are written as they are.
    The words are ``catalogue``'s, or the ones in effect (:func:`words.using`) when it is None.
    The built-in templates come compiled ahead of time when they can (precompiled.py).
    """
    catalogue = catalogue or words.current()
    loaders: list[BaseLoader] = [ThemeLoader(root)] if root is not None and own_theme(root) else []
    loaders.append(BuiltinLoader())
    env = Environment(
        loader=ChoiceLoader(loaders),
        autoescape=(select_autoescape(["html"], default_for_string=False, default=False) if html_only
                    else select_autoescape(default_for_string=True, default=True)),
        undefined=StrictUndefined,
        auto_reload=False,  # one environment per build; checking mtimes cost a stat per template per page
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=[FixedWords, SharedParts],
    )
    env.extend(gitstatus_words=catalogue)  # before any template is compiled: FixedWords reads it
    formatter = TimeFormatter(tz, catalogue)
    formats = formatter.formats
    badges = _badges(catalogue)
    env.filters.update(
        date=formats.date,
        month=formats.month,
        duration=formats.duration,
        percent=formats.percent,
        days_ago=formats.days_ago,
        iso=iso,
        impact=lambda impact: catalogue.t(words.impact_key(impact)),
        status=lambda status: catalogue.t(words.status_key(status)),
        banner=lambda indicator: catalogue.t(words.banner_key(indicator)),
        local=formatter.local,
    )
    env.globals.update(time=formatter.time_element, impact_badge=badges.__getitem__, status_badge=badges.__getitem__,
                       component_names=component_names, url_for=url_for, t=translator(catalogue),
                       language=catalogue.language, direction=words.direction(catalogue.language))
    return env


def asset_version(data: bytes) -> str:
    """A short content hash for ``style.css?v=…``, so readers never see a stale stylesheet."""
    return hashlib.sha256(data).hexdigest()[:10]


class ThemeError(GitstatusError):
    """A template cannot be rendered; the message says where and why (it crosses process boundaries)."""


def template_problem(err: TemplateError) -> str:
    """A theme's template mistake as ``file:line: message``, so its author can fix it without a traceback.

    Jinja rewrites tracebacks so that template frames carry the template's file and line;
    the innermost one is where the mistake is.
    """
    where = ""
    if isinstance(err, TemplateSyntaxError):
        where = f"{err.filename or err.name}:{err.lineno}"
    tb = err.__traceback__
    while tb is not None:
        if "__jinja_exception__" in tb.tb_frame.f_globals:
            where = f"{tb.tb_frame.f_code.co_filename}:{tb.tb_lineno}"
        tb = tb.tb_next
    reason = f"there is no template named '{err.name}'" if isinstance(err, TemplateNotFound) else str(err)
    return f"a theme template cannot be rendered{' at ' + where if where else ''}: {reason}"


def html_escape(text: str) -> str:
    return str(escape(text))

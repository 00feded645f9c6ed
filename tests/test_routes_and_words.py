"""Every path of the site comes from gitstatus/routes.py, every word a reader sees from gitstatus/words/.

The catalogue and its uses are checked against each other, both ways: a key used in a template
or in the code is in the catalogue with exactly the placeholders the call fills, and every key
of the catalogue is used. Routes are unique and read back, every file a build writes is a route,
and a theme's own templates can call ``url_for`` and ``t`` like the built-in ones.
"""

from __future__ import annotations

import ast
import datetime as dt
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from jinja2 import Environment, nodes
from jinja2.defaults import DEFAULT_FILTERS
from markupsafe import Markup

from gitstatus import routes
from gitstatus.changes import ChangeKind
from gitstatus.model import ComponentStatus, Impact, Status
from gitstatus.outputs.pages import _markdown
from gitstatus.state import Indicator
from gitstatus.templating import SharedParts, make_environment
from gitstatus.themes import builtin_theme
from gitstatus.words import (
    Words,
    WordsError,
    banner,
    catalogue,
    change_key,
    derived_keys,
    english_plural,
    status_label,
    t,
)

from .conftest import REPO, broken_by_own_template, build, incident
from .htmlparse import parse_file

PACKAGE = REPO / "gitstatus"
WORDS = catalogue()
SAMPLE = {"id": "2026-06-11-api-slow", "key": "2026-06", "name": "brand/logo.svg"}
NOW = "2026-06-15 12:00 UTC"
INCIDENT = incident("API errors", "major", "[api]", ("2026-06-15 10:00 UTC", "Investigating", "We are looking."))


# --- what the templates and the code ask of the catalogue -----------------------------------------

def template_calls(function: str) -> Iterator[tuple[str, str, set[str]]]:
    """(where, first argument, keyword names) of every call of ``function`` with a literal first
    argument in the built-in templates, found by Jinja's own parser."""
    env = Environment(extensions=[SharedParts])  # the theme's own tag; not FixedWords, which removes t() calls
    templates = builtin_theme() / "templates"
    for path in sorted(p for pattern in ("*.html", "*.txt", "*.md") for p in templates.rglob(pattern)):
        tree = env.parse(path.read_text(encoding="utf-8"))
        for call in tree.find_all(nodes.Call):
            if isinstance(call.node, nodes.Name) and call.node.name == function:
                assert call.args and isinstance(call.args[0], nodes.Const), f"{path}:{call.lineno}: a literal name"
                yield f"{path.name}:{call.lineno}", call.args[0].value, {k.key for k in call.kwargs}


def code_calls() -> Iterator[tuple[str, str, set[str]]]:
    """(where, key, keyword names) of every ``t("key", …)`` in the package, found by Python's parser."""
    for path in sorted(PACKAGE.rglob("*.py")):
        for call in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name | ast.Attribute)):
                continue
            name = call.func.id if isinstance(call.func, ast.Name) else call.func.attr
            if name == "t" and call.args and isinstance(call.args[0], ast.Constant):
                assert all(k.arg for k in call.keywords), f"{path}:{call.lineno}: named parameters only"
                yield f"{path.name}:{call.lineno}", call.args[0].value, {str(k.arg) for k in call.keywords}


def all_word_calls() -> list[tuple[str, str, set[str]]]:
    return [*template_calls("t"), *code_calls()]


def test_the_scans_find_the_calls_of_the_pages_and_the_outputs() -> None:
    keys = {key for _, key, _ in all_word_calls()}
    assert {"nav.history", "incidents.count", "index.as_of", "feed.title", "calendar.summary", "duration.under_a_minute"} <= keys
    assert len(keys) > 60


def test_every_key_used_is_in_the_catalogue_with_the_placeholders_the_call_fills() -> None:
    problems = []
    for where, key, params in all_word_calls():
        if key not in WORDS.texts:
            problems.append(f"{where}: '{key}' is not in en.yaml")
        elif params != WORDS.fields[key]:
            problems.append(f"{where}: '{key}' is called with {sorted(params)}, en.yaml has {sorted(WORDS.fields[key])}")
    assert not problems, "\n".join(problems)


def test_every_key_of_the_catalogue_is_used() -> None:
    used = {key for _, key, _ in all_word_calls()} | derived_keys() | {change_key(k) for k in ChangeKind}
    assert sorted(WORDS.texts.keys() - used) == []


def test_every_status_impact_and_indicator_has_words() -> None:
    assert derived_keys() <= WORDS.texts.keys()
    assert status_label(Status.IN_PROGRESS) == "In progress"
    assert status_label(ComponentStatus.PARTIAL_OUTAGE) == "Partial outage"
    assert (banner(Indicator.CRITICAL), banner(Indicator.NONE)) == ("Major System Outage", "All Systems Operational")
    assert not hasattr(Status.RESOLVED, "label") and not hasattr(ComponentStatus.OPERATIONAL, "label")
    assert not hasattr(Indicator.NONE, "description"), "enumerations carry values; their words are in the catalogue"
    assert {i.value for i in Impact} == {k.removeprefix("impact.") for k in WORDS.texts if k.startswith("impact.")}


# --- the catalogue's rules -----------------------------------------------------------------------

def test_plural_forms_are_chosen_by_the_languages_rule() -> None:
    assert [t("incidents.count", count=n) for n in (0, 1, 2)] == ["0 incidents", "1 incident", "2 incidents"]
    assert english_plural(1) == "one" and english_plural(21) == "other"

    def slavic(count: int) -> str:  # a rule with more categories than English, as a later Babel rule gives
        return "one" if count % 10 == 1 and count % 100 != 11 else "few" if 2 <= count % 10 <= 4 else "many"

    words = Words.parse("xx", 'n.files:\n  one: "{count} plik"\n  few: "{count} pliki"\n  other: "{count} plików"\n',
                        "xx.yaml", slavic)
    assert [words.t("n.files", count=n) for n in (1, 3, 5)] == ["1 plik", "3 pliki", "5 plików"], \
        "a category the mapping leaves out (many) falls back to other"


def test_markup_parameters_make_markup_and_everything_else_is_escaped() -> None:
    words = Words.parse("xx", 'a.b: "{when} & {who}"\n', "xx.yaml", english_plural)
    result = words.t("a.b", when=Markup("<time>now</time>"), who="<script>")
    assert isinstance(result, Markup) and result == "<time>now</time> &amp; &lt;script&gt;"
    plain = words.t("a.b", when="<b>", who="x")
    assert not isinstance(plain, Markup) and plain == "<b> & x", "plain text is escaped by whoever outputs it"


@pytest.mark.parametrize(("source", "reason"), [
    ("a.b: x\na.b: y\n", "xx.yaml:2: the key 'a.b' is repeated"),
    ("nav: x\n", "xx.yaml:1: 'nav' is not a dotted key"),
    ('a.b: "{0} items"\n', "xx.yaml:1: 'a.b' has the placeholder '{0}'"),
    ('a.b: "{n!r}"\n', "xx.yaml:1: 'a.b' has the placeholder '{n}'"),
    ('a.b: "{n"\n', "xx.yaml:1: 'a.b' has a broken placeholder"),
    ("a.b:\n  one: x\n", "'other' among them"),
    ("a.b:\n  single: x\n  other: y\n", "needs plural forms named by CLDR category"),
    ("a.b: [x, y]\n", "must be a text or a mapping of plural forms"),
    ("- a\n", "must be a mapping of keys to words"),
], ids=["repeated", "undotted", "positional", "conversion", "unclosed", "no-other", "bad-category", "list", "list-root"])
def test_a_broken_catalogue_is_refused_with_its_line(source: str, reason: str) -> None:
    with pytest.raises(WordsError, match=re.escape(reason)):
        Words.parse("xx", source, "xx.yaml", english_plural)


def test_a_call_that_does_not_fit_the_catalogue_is_refused() -> None:
    with pytest.raises(WordsError, match="no words for 'nav.nope'"):
        t("nav.nope")
    with pytest.raises(WordsError, match=r"'incident.lasted' take duration, not minutes"):
        t("incident.lasted", minutes=3)
    with pytest.raises(WordsError, match="take count, not no parameters"):
        t("incidents.count")
    with pytest.raises(WordsError, match="no catalogue of words for the language 'tlh'"):
        Words.load("tlh")


def test_yaml_words_stay_words() -> None:
    words = Words.parse("xx", "a.yes: No\na.null: null\n", "xx.yaml", english_plural)
    assert (words.t("a.yes"), words.t("a.null")) == ("No", "null")


# --- routes --------------------------------------------------------------------------------------

def sample_params(route: routes.Route) -> dict[str, str]:
    return {name: SAMPLE[name] for name in route.parameters}


@pytest.mark.parametrize("route", routes.ROUTES.values(), ids=list(routes.ROUTES))
def test_a_route_reads_back_from_its_path_and_no_other_route_gives_it(route: routes.Route) -> None:
    params = sample_params(route)
    path = routes.path(route.name, **params)
    assert routes.match(path) == (route.name, params)
    assert [r.name for r in routes.ROUTES.values() if r.regex.fullmatch(path)] == [route.name]


def test_routes_are_unique() -> None:
    patterns = [r.pattern for r in routes.ROUTES.values()]
    assert len(set(patterns)) == len(patterns) == len(routes.ROUTES)
    assert routes.path("incident", id="x") == "incidents/x.html"
    assert routes.absolute("https://status.test/sub/", routes.path("month", key="2026-06")) == \
        "https://status.test/sub/history/2026-06.html"


@pytest.mark.parametrize(("name", "params", "reason"), [
    ("incident", {"id": "../x"}, "cannot take"),
    ("incident", {"id": "a/b"}, "cannot take"),
    ("incident", {"id": "A.B"}, "cannot take"),
    ("month", {"key": "index"}, "cannot take"),
    ("static", {"name": "../components.yaml"}, "cannot take"),
    ("static", {"name": "css/../../x"}, "cannot take"),
    ("static", {"name": "/etc/passwd"}, "cannot take"),
    ("month", {}, "takes key, not no parameters"),
    ("index", {"id": "x"}, "takes no parameters, not id"),
    ("nowhere", {}, "there is no route named 'nowhere'"),
])
def test_a_path_with_a_parameter_of_the_wrong_shape_is_refused(name: str, params: dict[str, str], reason: str) -> None:
    with pytest.raises(routes.RouteError, match=re.escape(reason)):
        routes.path(name, **params)


def test_every_file_of_the_example_site_is_a_route() -> None:
    golden = REPO / "tests" / "golden" / "site"
    paths = [p.relative_to(golden).as_posix() for p in golden.rglob("*") if p.is_file()]
    assert len(paths) > 40
    assert [p for p in paths if routes.match(p) is None] == []
    written_by_notify = {"notify_state"}  # gitstatus notify adds it to a built site
    assert {routes.match(p)[0] for p in paths} == set(routes.ROUTES) - written_by_notify  # type: ignore[index]


# --- templates: url_for and t, in the built-in theme and in a repo's own ---------------------------

def test_the_built_in_templates_link_through_url_for_with_the_routes_parameters() -> None:
    calls = list(template_calls("url_for"))
    assert len(calls) > 10
    for where, name, params in calls:
        assert name in routes.ROUTES, where
        assert params - {"root"} == routes.ROUTES[name].parameters, where


def test_the_built_in_templates_type_no_path() -> None:
    typed = re.compile(r"""incidents/|history/|\.html["']|static/|\.(json|svg|ics|atom|rss)\b""")
    # Template names, a route's parameters and static files' names in assets[] are no paths.
    names = re.compile(r"""\{%-? *(extends|include|from|import) [^%]*%\}|url_for\([^)]*\)|assets\[[^]]*\]""")
    for path in sorted((builtin_theme() / "templates").rglob("*.html")):
        text = re.sub(r"\{#.*?#\}", lambda m: "\n" * m[0].count("\n"), path.read_text(encoding="utf-8"), flags=re.S)
        for n, line in enumerate(text.splitlines(), start=1):
            assert not typed.search(names.sub("", line)), f"{path.name}:{n}: {line.strip()}"


OWN_TEMPLATE = """\
{% extends "base.html" %}
{% from "own-macros.html" import back %}
{% block main %}
<p class="own-words">{{ t('incidents.count', count=2) }} / {{ t('nav.history') }} / {{ state.status|status }}</p>
<a class="own-link" href="{{ url_for('month', key=month) }}">{{ state.started_at|local|month }}</a>
<a class="own-badge" href="{{ url_for('component_badge', id='api') }}">badge</a>
{{ back(root) }}
{% endblock %}
"""
OWN_MACROS = """\
{% macro back(root) %}<a class="own-back" href="{{ url_for('index', root=root) }}">{{ t('breadcrumb.current') }}</a>{% endmacro %}
"""


def test_an_own_template_calls_url_for_and_t(make_repo: Callable[..., Path], tmp_path: Path) -> None:
    root = make_repo({
        "incidents/2026-06-15-api-errors.md": INCIDENT,
        "theme/templates/incident.html": OWN_TEMPLATE,
        "theme/templates/own-macros.html": OWN_MACROS,
    })
    result = build(root, tmp_path / "out", now=NOW)
    assert result.exit_code == 0, result.output
    doc = parse_file(tmp_path / "out" / "incidents" / "2026-06-15-api-errors.html")
    assert doc.one("p", class_="own-words").text == "2 incidents / History / Investigating"
    assert doc.one("a", class_="own-link").attrs["href"] == "../history/2026-06.html"
    assert (tmp_path / "out" / "history" / "2026-06.html").is_file()
    assert doc.one("a", class_="own-badge").attrs["href"] == "../badges/api.svg"
    assert (tmp_path / "out" / "badges" / "api.svg").is_file()
    back = doc.one("a", class_="own-back")
    assert (back.attrs["href"], back.text) == ("../index.html", "Current status")


@pytest.mark.parametrize(("line", "reason"), [
    ("{{ t('nav.nope') }}", "there are no words for 'nav.nope'"),
    ("{{ t('incidents.count', n=2) }}", "the words 'incidents.count' take count, not n"),
    ("{{ url_for('incident', id='../../etc') }}", "the route 'incident' cannot take"),
    ("{{ url_for('rss-feed') }}", "there is no route named 'rss-feed'"),
], ids=["unknown-key", "wrong-parameter", "bad-id", "unknown-route"])
def test_a_wrong_word_or_route_in_an_own_template_fails_the_build_cleanly(
    make_repo: Callable[..., Path], tmp_path: Path, line: str, reason: str
) -> None:
    root = make_repo({"incidents/2026-06-15-api-errors.md": INCIDENT})
    stderr = broken_by_own_template(root, tmp_path / "out",
                                    "{% extends 'base.html' %}\n{% block main %}\n" + line + "\n{% endblock %}\n", NOW)
    assert "theme/templates/incident.html:3" in stderr, stderr
    assert reason in stderr


def test_docs_themes_lists_every_function_and_filter_of_the_templates(tmp_path: Path) -> None:
    env = make_environment(tmp_path, dt.UTC)
    env.globals["markdown"] = _markdown
    ours = {*(set(env.globals) - set(Environment().globals)), *(set(env.filters) - set(DEFAULT_FILTERS))}
    assert {"url_for", "t", "banner"} <= ours
    table = (REPO / "docs" / "themes.md").read_text(encoding="utf-8").split("### Filters and functions")[1]
    documented = set(re.findall(r"^\| `([a-z_]+)", table, re.MULTILINE))
    assert sorted(ours - documented) == []


def test_fixed_words_are_compiled_into_the_template_and_words_with_parameters_stay_calls(tmp_path: Path) -> None:
    env = make_environment(tmp_path, dt.UTC)
    called: list[str] = []
    translate = env.globals["t"]

    def spy(key: str, /, **params: object) -> object:
        called.append(key)
        return translate(key, **params)  # type: ignore[operator]

    env.globals["t"] = spy
    source = "{{ t('nav.history') }} <i>{{ t('incidents.count', count=n) }}</i> {{ x.t('nav.history') }}"
    page = env.from_string(source).render(n=3, x={"t": lambda key: f"<{key}>"})
    assert page == "History <i>3 incidents</i> &lt;nav.history&gt;", "x.t('key') is someone else's t"
    assert called == ["incidents.count"], "t('key') without parameters is its text already, no call"

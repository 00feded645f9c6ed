"""The built-in templates shipped compiled (gitstatus/precompiled.py): the same code Jinja makes, or none.

The shipped code holds a marker for each fixed word, filled in per catalogue. These tests hold
that the filled code is Jinja's own compilation for every language and for any phrase a repo
may bring (one that looks like code or like a marker included), that the shipped file is what
the templates and the installed Jinja make, and that a stale or unfillable compilation is
never used.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import CodeType

import jinja2
import pytest
from jinja2 import Environment, PackageLoader

from gitstatus import compiled_theme, make_compiled_theme, precompiled, words
from gitstatus.templating import make_environment
from gitstatus.words.catalogues import languages

LOADER = PackageLoader("gitstatus.theme", "templates")
NAMES = LOADER.list_templates()
_COMPARED = ("co_code", "co_names", "co_varnames", "co_freevars", "co_cellvars", "co_argcount",
             "co_posonlyargcount", "co_kwonlyargcount", "co_flags", "co_stacksize", "co_name",
             "co_qualname", "co_firstlineno", "co_exceptiontable")


def differences(made: CodeType, expected: CodeType, where: str = "") -> list[str]:
    """Where two code objects differ in what they do, their line numbers included.

    Column offsets are left out: a marker is longer or shorter than the word it stands for,
    which moves the columns after it on its line (a traceback's caret, nothing more).
    """
    where = f"{where}/{expected.co_name}"
    found = [f"{where}: {attr}" for attr in _COMPARED if getattr(made, attr) != getattr(expected, attr)]
    if list(made.co_lines()) != list(expected.co_lines()):
        found.append(f"{where}: line numbers")
    if len(made.co_consts) != len(expected.co_consts):
        return [*found, f"{where}: constants"]
    for mine, theirs in zip(made.co_consts, expected.co_consts, strict=True):
        if isinstance(theirs, CodeType) and isinstance(mine, CodeType):
            found += differences(mine, theirs, where)
        elif type(mine) is not type(theirs) or mine != theirs:
            found.append(f"{where}: constant {mine!r} is not {theirs!r}")
    return found


@pytest.fixture(scope="module")
def marked() -> dict[tuple[str, bool], tuple[str, str]]:
    return make_compiled_theme.marked_sources()


def compare_all(catalogue: words.Words, marked: dict[tuple[str, bool], tuple[str, str]]) -> list[str]:
    """Every built-in template in both kinds of environment: filled shipped code against Jinja's."""
    found = []
    for html_only in (False, True):
        env = make_environment(None, dt.UTC, html_only=html_only, catalogue=catalogue)
        for name in NAMES:
            source = LOADER.get_source(env, name)[0]
            expected = compile(env.compile(source, name, raw=True), name, "exec")
            made = precompiled.fill(compile(marked[name, precompiled.escaped(env, name)][1], name, "exec"), catalogue)
            found += [f"{name} (html_only={html_only}){d}" for d in differences(made, expected)]
    return found


@pytest.mark.parametrize("language", languages())
def test_filled_code_is_what_jinja_compiles_for_every_language(language: str, marked) -> None:
    assert compare_all(words.catalogue(language), marked) == []


HOSTILE = {  # a repo's own phrases can come from any pull request
    "nav.history": "Past ' \" \\ ''' \"\"\" incidents",
    "nav.subscribe": "<script>alert(1)</script> & friends",
    "nav.skip": "\ue000nav.history<\ue001 and \ue000nav.history&lt;\ue001",  # a marker as text stays text
    "footer.generator": "'); import os; os.system('x'); ('\n{{{{ 7 * 7 }}}} {{% raw %}}",  # {{ is a literal brace
    "incident.updates": "Aktualisierungen \u202e\u0000 \U0001f525",
}


def test_phrases_are_filled_in_as_text_whatever_they_hold(marked) -> None:
    catalogue = words.catalogue("de").overridden(HOSTILE)
    assert compare_all(catalogue, marked) == []


def render_base(catalogue: words.Words) -> str:
    env = make_environment(None, dt.UTC, catalogue=catalogue)
    values = dict(site=type("S", (), {"timezone": "UTC", "title": "T", "description": ""})(), canonical="",
                  alternates=[], assets={"style.css": "1", "favicon.svg": "2", "local-time.js": "3"}, feeds=[],
                  scripts=False, live=False, refresh=False, root="", footer_links=[], up="")
    return env.get_template("base.html").render(values)


def test_a_phrase_reaches_the_page_escaped_and_never_as_a_marker_or_template() -> None:
    page = render_base(words.catalogue("en").overridden(HOSTILE))
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; friends" in page
    assert "\ue000nav.history&lt;\ue001 and \ue000nav.history&amp;lt;\ue001" in page  # the text, not the word
    assert "Past &#39; &#34; \\ &#39;&#39;&#39;" in page  # nav.history's own word is where it belongs
    assert "{{ 7 * 7 }}" in page and "49" not in page


def count_parses(monkeypatch) -> list[str]:
    parsed: list[str] = []
    original = Environment._parse

    def counting(self, source, name, filename):
        parsed.append(name)
        return original(self, source, name, filename)

    monkeypatch.setattr(Environment, "_parse", counting)
    return parsed


def test_the_built_in_templates_are_not_compiled_when_rendering(monkeypatch) -> None:
    if jinja2.__version__ != compiled_theme.JINJA:
        pytest.fail(f"compiled_theme.py was made with Jinja {compiled_theme.JINJA}, and {jinja2.__version__} "
                    "is installed: run python3 dev.py templates")
    parsed = count_parses(monkeypatch)
    for language in ("en", "fr", "ar"):
        for html_only in (False, True):
            env = make_environment(None, dt.UTC, html_only=html_only, catalogue=words.catalogue(language))
            for name in NAMES:
                env.get_template(name)
    assert parsed == []


def test_a_repo_s_own_template_is_compiled_and_the_built_in_ones_it_extends_are_not(tmp_path: Path,
                                                                                    monkeypatch) -> None:
    (tmp_path / "theme" / "templates").mkdir(parents=True)
    (tmp_path / "theme" / "templates" / "base.html").write_text("<p>{{ t('nav.history') }}</p>{% block main %}"
                                                                "{% endblock %}")
    parsed = count_parses(monkeypatch)
    env = make_environment(tmp_path, dt.UTC, catalogue=words.catalogue("en"))
    assert env.get_template("base.html").filename.endswith("theme/templates/base.html")
    assert env.get_template("404.html").filename == LOADER.get_source(env, "404.html")[1]
    assert parsed == ["base.html"]


@pytest.mark.parametrize("stale", ["jinja", "source", "escaping"])
def test_a_stale_compilation_is_not_used(stale: str, monkeypatch) -> None:
    env = make_environment(None, dt.UTC, catalogue=words.catalogue("en"))
    source, filename, _ = LOADER.get_source(env, "index.html")
    assert precompiled.shipped_code(env, "index.html", source, filename) is not None
    if stale == "jinja":
        monkeypatch.setattr(compiled_theme, "JINJA", "0.0")
    elif stale == "source":
        source += "{# changed #}"
    else:
        env.autoescape = False
    assert precompiled.shipped_code(env, "index.html", source, filename) is None


def test_a_catalogue_without_a_word_gets_jinja_s_own_compilation_and_error() -> None:
    class Lacking:  # a catalogue missing the words of the masthead's navigation
        language = "en"
        english = words.catalogue("en")

        def t(self, key: str, /, **params: object) -> str:
            if key == "nav.history":
                raise words.WordsError("there are no words for 'nav.history' in the 'en' catalogue")
            return self.english.t(key, **params)

    env = make_environment(None, dt.UTC, catalogue=words.catalogue("en"))
    env.gitstatus_words = Lacking()
    source, filename, _ = LOADER.get_source(env, "base.html")
    assert precompiled.shipped_code(env, "base.html", source, filename) is None
    with pytest.raises(jinja2.TemplateSyntaxError, match="nav.history"):
        env.get_template("base.html")


def test_the_shipped_file_is_what_these_templates_and_this_jinja_make() -> None:
    shipped = make_compiled_theme.GENERATED.read_text(encoding="utf-8")
    if jinja2.__version__ == compiled_theme.JINJA:
        assert shipped == make_compiled_theme.generated(), "compiled_theme.py is not current: run python3 dev.py templates"
    else:  # a newer Jinja than the file was made with: it must not be used (the test above says to remake it)
        env = make_environment(None, dt.UTC, catalogue=words.catalogue("en"))
        source, filename, _ = LOADER.get_source(env, "index.html")
        assert precompiled.shipped_code(env, "index.html", source, filename) is None

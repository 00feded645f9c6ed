"""Whole sites in each shipped language, own phrases, and a site in several languages, built by the real CLI.

Every reader-facing word comes from the page's catalogue: a site whose own content (titles,
messages, component names) is made of no English word is built in each language, and no English
phrase of the catalogue may be left on the front page, an incident's page, the history, a month,
the Subscribe page or the 404 page, nor in the feed, the calendar or the badge. Data-driven over
the catalogues present, so a new language is tested as soon as its file is there.
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Iterator
from pathlib import Path

import pytest

from gitstatus import routes
from gitstatus.words import catalogue, direction
from gitstatus.words.catalogues import languages

from .conftest import build, commit_all, git, incident, run_cli, write_repo
from .htmlparse import Element, parse_file

NOW = "2026-06-15 12:00 UTC"
ENGLISH = catalogue("en")
OTHERS = [lang for lang in languages() if lang != "en"]


def components(site: str) -> str:
    """A page whose own words are no language's: only the catalogue and CLDR speak."""
    return f"""\
site:
  title: Qoxa
  url: https://status.example.test/
  timezone: Europe/Berlin
{site}components:
  - id: alpha
    name: Zyx
    group: Vrr
  - id: beta
    name: Kwq
    group: Vrr
  - id: delta
    name: Plk
    start_date: 2026-05-01
"""


INCIDENTS = {
    "incidents/2026-06-15-zorb.md": incident("Zorb", "major", "[alpha]",
                                             ("2026-06-15 10:00 UTC", "Investigating", "Qwrt zmx."),
                                             ("2026-06-15 10:30 UTC", "Identified", "Qwrt vbn.")),
    "incidents/2026-06-14-blix.md": incident("Blix", "minor", "[beta]",
                                             ("2026-06-14 08:00 UTC", "Investigating", "Qwrt zmx."),
                                             ("2026-06-14 09:35 UTC", "Resolved", "Qwrt vbn.")),
    "incidents/2026-05-10-krad.md": incident("Krad", "critical", "[alpha, beta]",
                                             ("2026-05-10 22:00 UTC", "Investigating", "Qwrt zmx."),
                                             ("2026-05-11 01:10 UTC", "Resolved", "Qwrt vbn.")),
    "incidents/2026-06-20-vlam.md": incident("Vlam", "maintenance", "[delta]",
                                             ("2026-06-12 09:00 UTC", "Scheduled", "Qwrt zmx."),
                                             extra="scheduled:\n  start: 2026-06-20 02:00 UTC\n"
                                                   "  end: 2026-06-20 04:00 UTC\n"),
}
PAGES = ("index.html", "incidents/2026-06-15-zorb.html", "incidents/2026-06-14-blix.html", "history/index.html",
         "history/2026-05.html", "subscribe.html", "404.html")


def english_phrases() -> set[str]:
    """What English says on a page: each fixed phrase, and each run of words around a placeholder."""
    found: set[str] = set()
    for key, value in ENGLISH.texts.items():
        if key.startswith(("summary.", "change.", "meta.")):
            continue  # the job summary is for the repo's writers, in English; meta.language is a tag
        for text in [value] if isinstance(value, str) else list(value.values()):
            for literal, *_ in string.Formatter().parse(text):
                words = literal.strip(" :·,.()-–")
                if len(words) >= 4 and re.search(r"[A-Za-z]{3}", words):
                    found.add(words)
    return found


def kept_in(language: str) -> set[str]:
    """English phrases a translation rightly keeps (a product's name, a word the language shares)."""
    words = catalogue(language)
    kept = set()
    for key, value in ENGLISH.texts.items():
        other = words.texts[key]
        texts = [value] if isinstance(value, str) else list(value.values())
        others = [other] if isinstance(other, str) else list(other.values())
        for text in texts:
            for literal, *_ in string.Formatter().parse(text):
                phrase = literal.strip(" :·,.()-–")
                if any(phrase in o for o in others):
                    kept.add(phrase)
    return kept


def visible(page: Element) -> Iterator[str]:
    """The text a reader sees or hears: text, and the attributes read out or shown (and the local-time note)."""
    for element in page.iter():
        if element.tag in ("script", "style"):
            continue
        for name in ("aria-label", "title", "alt", "data-local-note", "content"):
            if name in element.attrs and not (element.tag == "meta" and element.attrs.get("name") != "description"):
                yield element.attrs[name]
        yield from (c for c in element.children if isinstance(c, str))


def english_left(text: str, language: str) -> list[str]:
    text = re.sub(r"https?://\S+|[\w/.-]+\.(?:ics|atom|rss|svg|json|html)\b", " ", text)  # addresses are not words
    allowed = kept_in(language)
    return sorted(p for p in english_phrases() - allowed if re.search(rf"(?<![\w]){re.escape(p)}(?![\w])", text))


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The same repo built in every shipped language (one CLI build each)."""
    built = {}
    for language in languages():
        root = write_repo(tmp_path_factory.mktemp(language) / "repo", INCIDENTS,
                          components(f"  language: {language}\n"))
        result = build(root, root / "out", now=NOW)
        assert result.exit_code == 0, result.output
        built[language] = root / "out"
    return built


def test_the_english_phrases_are_found_on_the_english_site(sites: dict[str, Path]) -> None:
    """The scan sees what it looks for: on the English site it finds the page's English."""
    text = "\n".join(t for page in PAGES for t in visible(parse_file(sites["en"] / page)))
    left = english_left(text, "en")
    assert left == [] and english_phrases() - kept_in("en") == set()
    found = [p for p in english_phrases() if re.search(rf"(?<![\w]){re.escape(p)}(?![\w])", text)]
    assert {"Partial System Outage", "Active incidents", "Scheduled maintenance", "Page not found",
            "Subscribe to updates", "of downtime", "Times are shown in", "Skip to content"} <= set(found)


@pytest.mark.parametrize("language", OTHERS)
def test_no_english_word_is_left_on_the_pages(sites: dict[str, Path], language: str) -> None:
    problems = {}
    for page in PAGES:
        doc = parse_file(sites[language] / page)
        left = english_left("\n".join(visible(doc)), language)
        if left:
            problems[page] = left
    assert problems == {}


@pytest.mark.parametrize("language", OTHERS)
def test_no_english_word_is_left_in_the_feed_calendar_and_badge(sites: dict[str, Path], language: str) -> None:
    site = sites[language]
    text = "\n".join((site / name).read_text(encoding="utf-8")
                     for name in ("history.atom", "history.rss", "maintenance.ics", "badge.svg", "badges/vrr.svg"))
    # tags and addresses are not words, nor categories (the impact's value, a term for machines)
    text = re.sub(r"<category[^>]*>[^<]*</category>|<[^>]+>|https?://\S+", " ", text)
    text = re.sub(r"^(?!SUMMARY|DESCRIPTION|X-WR-CALNAME|X-WR-CALDESC|CATEGORIES)[A-Z-]+[:;].*$", " ", text, flags=re.M)
    assert english_left(text.replace("\\n", "\n").replace("\\,", ","), language) == []


@pytest.mark.parametrize("language", languages())
def test_the_page_says_its_language_and_direction(sites: dict[str, Path], language: str) -> None:
    html = parse_file(sites[language] / "index.html").one("html")
    assert html.attrs["lang"] == language
    assert html.attrs.get("dir", "ltr") == direction(language)
    atom = (sites[language] / "history.atom").read_text(encoding="utf-8")
    assert f'xml:lang="{language}"' in atom


def test_the_json_api_keeps_statuspages_english_values(sites: dict[str, Path]) -> None:
    for language in ("en", *OTHERS[:3]):
        summary = json.loads((sites[language] / "api/v2/summary.json").read_text(encoding="utf-8"))
        assert summary["status"]["description"] == "Partial System Outage"
        assert {c["status"] for c in summary["components"]} <= {"operational", "partial_outage", "major_outage",
                                                                 "degraded_performance", "under_maintenance"}


def test_right_to_left_pages_mirror_with_logical_properties(sites: dict[str, Path]) -> None:
    rtl = [lang for lang in languages() if direction(lang) == "rtl"]
    assert rtl, "a right-to-left catalogue is shipped"
    css = (sites[rtl[0]] / "static" / "style.css").read_text(encoding="utf-8")
    physical = re.findall(r"(?<![\w-])(?:margin|padding|border)-(?:left|right)\b|(?<![\w-])(?:left|right):", css)
    assert physical == [], "the layout mirrors only where it is written start and end, not left and right"
    month = parse_file(sites[rtl[0]] / "history/2026-05.html")
    assert month.one("html").attrs["dir"] == "rtl"


# --- own phrases ------------------------------------------------------------------------------------------------

def test_own_phrases_replace_the_catalogues_and_are_escaped(tmp_path: Path) -> None:
    own = """\
words:
  banner.partial_outage: "Some <b>things</b> & stuff"
  index.as_of: "Checked {time}"
  de:
    nav.history: Chronik
"""
    root = write_repo(tmp_path / "repo", INCIDENTS, components("  languages: [en, de]\n") + own)
    (root / "theme" / "words").mkdir(parents=True)
    (root / "theme" / "words" / "de.yaml").write_text("nav.subscribe: Folgen\nnav.history: Vergangenheit\n",
                                                      encoding="utf-8")
    result = build(root, root / "out", now=NOW)
    assert result.exit_code == 0, result.output
    index = (root / "out" / "index.html").read_text(encoding="utf-8")
    assert "<h1 id=\"overall\">Some &lt;b&gt;things&lt;/b&gt; &amp; stuff</h1>" in index
    assert re.search(r"<p>Checked <time datetime=\"[^\"]+\" data-style=\"full\">Jun 15, 2026, 14:00 CEST</time></p>",
                     index)
    german = parse_file(root / "out" / "de" / "index.html")
    nav = [a.text for a in german.one("header", class_="masthead").find_all("a")]
    assert "Chronik" in nav and "Folgen" in nav, "components.yaml's phrase wins over the theme's; the theme's fills in"


def test_own_phrases_are_checked_against_the_catalogue(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "repo", INCIDENTS, components("") + "words:\n  nav.histroy: Past\n")
    (root / "theme" / "words").mkdir(parents=True)
    (root / "theme" / "words" / "en.yaml").write_text("index.as_of: \"As of {when}\"\nnav.skipp: Skip\n",
                                                      encoding="utf-8")
    (root / "theme" / "words" / "xx.yaml").write_text("nav.history: X\n", encoding="utf-8")
    result = run_cli("check", "--root", root, "--now", NOW)
    assert result.exit_code == 1
    lines = sorted(line.removeprefix(f"{root}/") for line in result.output.splitlines() if ": E1" in line)
    assert lines == [
        "components.yaml:16:3: E118 the catalogue has no phrase 'nav.histroy' (did you mean 'nav.history'?): "
        "the keys are those of gitstatus/words/en.yaml",
        "theme/words/en.yaml:1:1: E119 the phrase 'index.as_of' does not fit: 'index.as_of' takes time, not when: "
        "keep the catalogue's {placeholders}, and write plural forms as one:, few:, other: …",
        "theme/words/en.yaml:2:1: E118 the catalogue has no phrase 'nav.skipp' (did you mean 'nav.skip'?): "
        "the keys are those of gitstatus/words/en.yaml",
        "theme/words/xx.yaml: E117 theme/words/ holds catalogues named <language>.yaml, and there is no "
        "language 'xx': use one of: " + ", ".join(languages()),
    ]
    assert build(root, root / "out", now=NOW).exit_code == 1 and not (root / "out").exists()


# --- several languages ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def multilingual(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not {"de", "ja"} <= set(languages()):
        pytest.skip("needs the German and Japanese catalogues")
    root = write_repo(tmp_path_factory.mktemp("multi") / "repo", INCIDENTS, components("  languages: [en, de, ja]\n"))
    result = build(root, root / "out", now=NOW)
    assert result.exit_code == 0, result.output
    return root / "out"


def test_each_language_has_its_tree_the_default_at_the_root(multilingual: Path) -> None:
    for tree, language in (("", "en"), ("de/", "de"), ("ja/", "ja")):
        for page in ("index.html", "incidents/2026-06-15-zorb.html", "history/index.html", "subscribe.html",
                     "history.atom", "history.rss", "maintenance.ics", "badge.svg"):
            assert (multilingual / tree / page).is_file(), tree + page
        assert parse_file(multilingual / tree / "index.html").one("html").attrs["lang"] == language
    assert not (multilingual / "de" / "api").exists() and not (multilingual / "de" / "static").exists(), \
        "the JSON API and the theme's files are the site's, once"
    assert not (multilingual / "de" / "404.html").exists()
    feed = (multilingual / "de" / "history.atom").read_text(encoding="utf-8")
    assert 'xml:lang="de"' in feed and "https://status.example.test/de/incidents/2026-06-15-zorb.html" in feed


def test_hreflang_links_and_a_switcher_that_needs_no_script(multilingual: Path) -> None:
    page = parse_file(multilingual / "de" / "incidents" / "2026-06-15-zorb.html")
    alternates = {link.attrs["hreflang"]: link.attrs["href"] for link in page.find_all("link")
                  if link.attrs.get("rel") == "alternate" and "hreflang" in link.attrs}
    base = "https://status.example.test/"
    assert alternates == {"en": f"{base}incidents/2026-06-15-zorb.html", "de": f"{base}de/incidents/2026-06-15-zorb.html",
                          "ja": f"{base}ja/incidents/2026-06-15-zorb.html", "x-default": f"{base}incidents/2026-06-15-zorb.html"}
    switcher = page.one("nav", class_="languages")
    links = {a.attrs["hreflang"]: (a.attrs["href"], a.text, "aria-current" in a.attrs) for a in switcher.find_all("a")}
    assert links == {"en": ("../../incidents/2026-06-15-zorb.html", "English", False),
                     "de": ("../../de/incidents/2026-06-15-zorb.html", "Deutsch", True),
                     "ja": ("../../ja/incidents/2026-06-15-zorb.html", "日本語", False)}
    for href, _, _ in links.values():  # plain links to files that exist: no script needed
        assert (multilingual / "de" / "incidents" / href).resolve().is_file()
    style = next(link.attrs["href"] for link in page.find_all("link") if link.attrs.get("rel") == "stylesheet")
    assert style.startswith("../../static/style.css?v="), "the theme's files are shared"
    refresh = next(s for s in page.find_all("script") if "data-status" in s.attrs)
    assert refresh.attrs["data-status"] == "../../api/v2/status.json"


def test_every_file_of_a_multilingual_site_is_a_route_and_a_languages_shared_one_is_not(multilingual: Path) -> None:
    paths = [p.relative_to(multilingual).as_posix() for p in multilingual.rglob("*") if p.is_file()]
    assert [p for p in paths if routes.match(p) is None] == []
    assert routes.match("de/incidents/2026-06-15-zorb.html") == ("incident", {"id": "2026-06-15-zorb", "language": "de"})
    assert routes.match("de/api/v2/summary.json") is None and routes.match("de/static/style.css") is None


def test_the_sitemap_lists_every_languages_pages(multilingual: Path) -> None:
    sitemap = (multilingual / "sitemap.xml").read_text(encoding="utf-8")
    locs = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    for tree in ("", "de/", "ja/"):
        assert f"https://status.example.test/{tree}incidents/2026-06-15-zorb.html" in locs
        assert f"https://status.example.test/{tree}index.html" in locs
    assert len(locs) == 3 * len({loc.removeprefix("https://status.example.test/") for loc in locs
                                 if not loc.removeprefix("https://status.example.test/").startswith(("de/", "ja/"))})
    zorb = next(line for line in sitemap.splitlines() if "<loc>https://status.example.test/ja/incidents/2026-06-15-zorb" in line)
    assert re.findall(r'hreflang="([^"]+)" href="([^"]+)"', zorb) == [
        (lang, f"https://status.example.test/{tree}incidents/2026-06-15-zorb.html")
        for lang, tree in (("en", ""), ("de", "de/"), ("ja", "ja/"))]
    assert 'xmlns:xhtml="http://www.w3.org/1999/xhtml"' in sitemap


def test_incident_text_stays_as_written_in_every_language(multilingual: Path) -> None:
    for tree in ("", "de/", "ja/"):
        page = parse_file(multilingual / tree / "incidents" / "2026-06-15-zorb.html")
        assert page.one("h1").text == "Zorb"
        assert [m.text.strip() for m in page.find_all("div", class_="message")] == ["Qwrt vbn.", "Qwrt zmx."]


def test_a_multilingual_build_is_deterministic(multilingual: Path, tmp_path: Path) -> None:
    root = multilingual.parent
    again = tmp_path / "again"
    assert build(root, again, now=NOW).exit_code == 0
    first = {p.relative_to(multilingual): p.read_bytes() for p in multilingual.rglob("*") if p.is_file()}
    second = {p.relative_to(again): p.read_bytes() for p in again.rglob("*") if p.is_file()}
    assert first == second


# --- notifications ---------------------------------------------------------------------------------------------

def test_notifications_speak_the_pages_language(tmp_path: Path) -> None:
    if "de" not in languages():
        pytest.skip("needs the German catalogue")
    root = write_repo(tmp_path / "repo", {"incidents/2026-06-11-zorb.md": incident(
        "Zorb", "major", "[alpha]", ("2026-06-11 14:00 UTC", "Investigating", "Qwrt zmx."))},
        components("  language: de\n") + "notify:\n  - name: chat\n    url_env: CHAT_URL\n    format: text\n")
    git(root, "init", "-q")
    commit_all(root)
    result = run_cli("notify", "--root", root, "--now", "2026-06-11 14:05 UTC", "--since", "2026-06-11 13:00 UTC",
                     "--dry-run", "--state", tmp_path / "state.json", env={"CHAT_URL": "json://127.0.0.1:9/x"})
    assert result.exit_code == 0, result.output
    german = catalogue("de")
    message = result.output.split("--- chat, message 1 of 1 ---\n", 1)[1]
    assert message.startswith(german.t("notify.event.component_status", title="Zyx") + "\n")
    assert german.t("notify.component", component="Zyx", new=german.t("component.partial_outage"),
                    old=german.t("component.operational")) in message
    assert german.t("notify.footer", site="Qoxa") in message

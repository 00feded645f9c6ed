"""The persistent cache: a warm build's site is byte for byte a cold build's, whatever changed.

Every kind of input a result depends on is changed in turn between a build that fills the cache
and one that uses it (an incident changed, added, deleted; the settings; a theme file; ``--now``;
gitstatus's own version), and the warm site is compared with a ``--no-cache`` build of the same
repo. A damaged cache (corrupt, truncated, another repo's, another version's, a link out of the
repo, one git tracks) is ignored, never trusted, and ``--no-cache`` writes nothing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from gitstatus import cache as cache_module
from gitstatus.cli import main

from .conftest import REPO, site_files

sys.path.insert(0, str(REPO / "bench"))
try:
    import corpus
finally:
    sys.path.remove(str(REPO / "bench"))

NOW = corpus.DEFAULT_NOW.isoformat()
LATER = "2026-06-25T12:00:00+00:00"
"""Past the corpus's upcoming maintenance window: its page shows another phase."""
BASE = "https://status.cache.test/"


def gitstatus(*args: str | Path) -> str:
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def build(root: Path, out: Path, *extra: str | Path, now: str = NOW) -> dict[str, bytes]:
    gitstatus("build", "--root", root, "--out", out, "--now", now, "--base-url", BASE, "--jobs", "1", *extra)
    return site_files(out)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    corpus.generate(root, 40, seed=5)
    return root


def incident(root: Path, n: int = 0) -> Path:
    return sorted((root / "incidents").glob("*.md"))[n]


def _edit_incident(root: Path) -> None:
    path = incident(root, 7)
    path.write_text(path.read_text(encoding="utf-8").replace("## ", "## ", 1) + "\nOne more line.\n",
                    encoding="utf-8")


def _add_incident(root: Path) -> None:
    text = incident(root, 7).read_text(encoding="utf-8")
    (root / "incidents" / "2026-06-01-a-new-one.md").write_text(text, encoding="utf-8")


def _delete_incident(root: Path) -> None:
    incident(root, 7).unlink()


def _rename_component(root: Path) -> None:
    path = root / "components.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("name: REST API", "name: Public API"), encoding="utf-8")


def _change_timezone(root: Path) -> None:
    path = root / "components.yaml"
    text = path.read_text(encoding="utf-8")
    assert "timezone: UTC" in text
    path.write_text(text.replace("timezone: UTC", "timezone: Europe/Berlin"), encoding="utf-8")


def _own_template(root: Path) -> None:
    folder = root / "theme" / "templates"
    folder.mkdir(parents=True, exist_ok=True)
    builtin = (REPO / "theme" / "templates" / "incident.html").read_text(encoding="utf-8")
    (folder / "incident.html").write_text(builtin.replace("{% block main %}", "{% block main %}<p>own theme</p>", 1),
                                          encoding="utf-8")


def _own_stylesheet(root: Path) -> None:
    folder = root / "theme" / "static"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "style.css").write_text("body { color: black }\n", encoding="utf-8")


def _rewrite_own_template(root: Path) -> None:
    path = root / "theme" / "templates" / "incident.html"
    path.write_text(path.read_text(encoding="utf-8").replace("own theme", "another own theme"), encoding="utf-8")


def _set_site(root: Path, line: str) -> None:
    path = root / "components.yaml"
    text = path.read_text(encoding="utf-8")
    assert "timezone: UTC" in text
    path.write_text(text.replace("timezone: UTC", f"timezone: UTC\n  {line}"), encoding="utf-8")


def _language(root: Path) -> None:
    _set_site(root, "language: de")


def _languages(root: Path) -> None:
    _set_site(root, "languages: [en, de]")


def _own_phrase(root: Path) -> None:
    """A phrase of the theme's own words file: no template or setting changes, the pages do."""
    folder = root / "theme" / "words"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "en.yaml").write_text("nav.history: Past incidents and maintenance\n", encoding="utf-8")


def _nothing(root: Path) -> None:
    pass


CHANGES: dict[str, tuple[Callable[[Path], None], Callable[[Path], None]]] = {
    # what the repo holds before the cache is filled, and what changes then
    "nothing": (_nothing, _nothing),
    "an incident changed": (_nothing, _edit_incident),
    "an incident added": (_nothing, _add_incident),
    "an incident deleted": (_nothing, _delete_incident),
    "a component renamed": (_nothing, _rename_component),
    "the timezone changed": (_nothing, _change_timezone),
    "an own template added": (_nothing, _own_template),
    "an own template changed": (_own_template, _rewrite_own_template),
    "an own stylesheet": (_nothing, _own_stylesheet),
    "the language changed": (_nothing, _language),
    "a second language": (_nothing, _languages),
    "an own phrase": (_nothing, _own_phrase),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_warm_build_equals_cold_build(repo: Path, tmp_path: Path, change: str) -> None:
    setup, make_change = CHANGES[change]
    setup(repo)
    first = build(repo, tmp_path / "first")
    make_change(repo)
    warm = build(repo, tmp_path / "warm")
    cold = build(repo, tmp_path / "cold", "--no-cache")
    assert warm.keys() == cold.keys()
    assert [p for p in warm if warm[p] != cold[p]] == []
    assert (warm == first) == (change == "nothing")  # each change shows in the site: the test can fail


def test_now_changed(repo: Path, tmp_path: Path) -> None:
    build(repo, tmp_path / "first")
    warm = build(repo, tmp_path / "warm", now=LATER)
    cold = build(repo, tmp_path / "cold", "--no-cache", now=LATER)
    assert warm == cold
    assert warm != build(repo, tmp_path / "before", now=NOW)  # the change shows: the test can fail


def test_version_changed(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cache of another gitstatus (another version: other files) is not used; the next build refills it."""
    build(repo, tmp_path / "first")
    pages = repo / ".gitstatus-cache" / "pages"
    before = set(os.listdir(pages))
    monkeypatch.setattr(cache_module, "_CODE_STAMP", cache_module._hash("gitstatus 99.0.0"))
    warm = build(repo, tmp_path / "warm")
    assert warm == build(repo, tmp_path / "cold", "--no-cache")
    assert before.isdisjoint(os.listdir(pages))  # every page was made again, and the old ones pruned


def test_unchanged_pages_are_hard_links_into_the_cache(repo: Path, tmp_path: Path) -> None:
    """The cache is used: an unchanged incident's page is the cached file itself, a changed one is new."""
    build(repo, tmp_path / "first")
    _edit_incident(repo)
    build(repo, tmp_path / "warm")
    cached = {os.stat(p).st_ino for p in (repo / ".gitstatus-cache" / "pages").iterdir()}
    pages = sorted((tmp_path / "warm" / "incidents").glob("*.html"))
    linked = [p.name for p in pages if os.stat(p).st_ino in cached and os.stat(p).st_nlink >= 2]
    assert len(linked) == len(pages)  # the changed page was linked into the cache too, for the next build
    first = {p.name: os.stat(p).st_ino for p in (tmp_path / "first" / "incidents").glob("*.html")}
    changed = incident(repo, 7).stem + ".html"
    same = [p.name for p in pages if first.get(p.name) == os.stat(p).st_ino]
    assert changed not in same and len(same) == len(pages) - 1


def _damage(root: Path, how: str) -> None:
    folder = root / ".gitstatus-cache"
    targets = [folder / "index", folder / "markdown", *sorted(folder.glob("reads-*"))[:3],
               *sorted((folder / "pages").iterdir())[:3]]
    for path in targets:
        data = path.read_bytes()
        if how == "truncated":
            data = data[: len(data) // 2]
        elif how == "corrupt":  # same size, one byte flipped halfway: only a checksum can tell
            middle = len(data) // 2
            data = data[:middle] + bytes([data[middle] ^ 0x20]) + data[middle + 1:]
        elif how == "garbage":
            data = os.urandom(len(data))
        path.unlink()  # a new inode: the stat no longer vouches for it
        path.write_bytes(data)


@pytest.mark.parametrize("how", ["corrupt", "truncated", "garbage"])
def test_damaged_cache_is_ignored(repo: Path, tmp_path: Path, how: str) -> None:
    build(repo, tmp_path / "first")
    _damage(repo, how)
    _edit_incident(repo)
    warm = build(repo, tmp_path / "warm")
    assert warm == build(repo, tmp_path / "cold", "--no-cache")
    again = build(repo, tmp_path / "again")  # the damaged entries were replaced
    assert again == warm


def test_corrupt_page_with_a_right_looking_index_is_rendered_again(repo: Path, tmp_path: Path) -> None:
    """A cached page changed in place (its stat then differs) is checked by its hash and replaced."""
    build(repo, tmp_path / "first")
    page = sorted((repo / ".gitstatus-cache" / "pages").iterdir())[0]
    data = page.read_bytes()
    with open(page, "r+b") as handle:  # in place: the site's hard link to it changes too, as a user's edit would
        handle.write(b"<!-- tampered -->"[: len(data)])
    warm = build(repo, tmp_path / "warm")
    assert warm == build(repo, tmp_path / "cold", "--no-cache")


def test_cache_of_another_repo(repo: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    corpus.generate(other, 40, seed=9)
    build(other, tmp_path / "other-site")
    shutil.copytree(other / ".gitstatus-cache", repo / ".gitstatus-cache")
    warm = build(repo, tmp_path / "warm")
    assert warm == build(repo, tmp_path / "cold", "--no-cache")


def test_no_cache_writes_nothing(repo: Path, tmp_path: Path) -> None:
    build(repo, tmp_path / "site", "--no-cache")
    gitstatus("check", "--root", repo, "--now", NOW, "--no-cache")
    assert not (repo / ".gitstatus-cache").exists()


def test_cache_dir_option_and_environment(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(repo, tmp_path / "one", "--cache-dir", tmp_path / "here")
    assert (tmp_path / "here" / "index").is_file()
    monkeypatch.setenv("GITSTATUS_CACHE_DIR", str(tmp_path / "env"))
    build(repo, tmp_path / "two")
    assert (tmp_path / "env" / "index").is_file()
    assert not (repo / ".gitstatus-cache").exists()


def test_cache_folder_linked_out_of_the_repo_is_not_followed(repo: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (repo / ".gitstatus-cache").symlink_to(outside)
    result = CliRunner().invoke(main, ["build", "--root", str(repo), "--out", str(tmp_path / "warm"), "--now", NOW,
                                       "--base-url", BASE, "--jobs", "1"], catch_exceptions=False)
    assert result.exit_code == 0
    assert "symbolic link" in result.output
    assert list(outside.iterdir()) == []
    assert site_files(tmp_path / "warm") == build(repo, tmp_path / "cold", "--no-cache")


def test_pages_folder_linked_out_is_not_followed(repo: Path, tmp_path: Path) -> None:
    build(repo, tmp_path / "first")
    outside = tmp_path / "outside"
    outside.mkdir()
    pages = repo / ".gitstatus-cache" / "pages"
    shutil.rmtree(pages)
    pages.symlink_to(outside)
    warm = build(repo, tmp_path / "warm")
    assert list(outside.iterdir()) == []
    assert warm == build(repo, tmp_path / "cold", "--no-cache")


def test_cache_tracked_by_git_is_not_used(repo: Path, tmp_path: Path) -> None:
    """A pull request could commit a cache that says anything: one that git tracks is ignored."""
    build(repo, tmp_path / "first")
    page = sorted((repo / ".gitstatus-cache" / "pages").iterdir())[0]
    page.unlink()
    page.write_bytes(b"<script>alert(1)</script>")  # and a forged index entry to go with it
    index = repo / ".gitstatus-cache" / "index"
    forged = cache_module._unpack(index.read_bytes())
    forged["pages"][page.stem] = [*cache_module.stat_key(os.lstat(page)), "0" * 32]
    index.write_bytes(cache_module._pack(forged))
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    for args in (["init", "-q"], ["add", "-f", "."], ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "x"]):
        subprocess.run(["git", *args], cwd=repo, check=True, env=env)
    result = CliRunner().invoke(main, ["build", "--root", str(repo), "--out", str(tmp_path / "warm"), "--now", NOW,
                                       "--base-url", BASE, "--jobs", "1"], catch_exceptions=False)
    assert result.exit_code == 0 and "tracked by git" in result.output
    assert b"alert(1)" not in b"".join(site_files(tmp_path / "warm").values())


def test_check_uses_the_cache_with_the_same_verdict(repo: Path, tmp_path: Path) -> None:
    cold = gitstatus("check", "--root", repo, "--now", LATER, "--no-cache", "--format", "json")
    gitstatus("check", "--root", repo, "--now", NOW)
    warm = gitstatus("check", "--root", repo, "--now", LATER, "--format", "json")
    assert warm == cold and '"code"' in warm  # LATER finds the active incidents silent: warnings to compare


def test_check_after_a_component_is_added(repo: Path) -> None:
    """Which component ids exist is part of a reading's key: an unknown id becomes known."""
    path = incident(repo, 7)
    text = path.read_text(encoding="utf-8")
    start = text.index("components: [") + len("components: [")
    path.write_text(text[:start] + "brand-new, " + text[start:], encoding="utf-8")
    failed = CliRunner().invoke(main, ["check", "--root", str(repo), "--now", NOW], catch_exceptions=False)
    assert failed.exit_code == 1 and "brand-new" in failed.output
    settings = repo / "components.yaml"
    settings.write_text(settings.read_text(encoding="utf-8").replace(
        "components:\n", "components:\n  - id: brand-new\n    name: Brand new\n", 1), encoding="utf-8")
    assert gitstatus("check", "--root", repo, "--now", NOW) == gitstatus("check", "--root", repo, "--now", NOW,
                                                                         "--no-cache")


def test_cache_stays_bounded(repo: Path, tmp_path: Path) -> None:
    """Entries of deleted incidents and pages no build uses any more are dropped."""
    build(repo, tmp_path / "first")
    for path in sorted((repo / "incidents").glob("*.md"))[10:]:
        path.unlink()
    build(repo, tmp_path / "second")
    pages = list((repo / ".gitstatus-cache" / "pages").iterdir())
    site = site_files(tmp_path / "second")
    months = [p for p in site if p.startswith("history/") and p != "history/index.html"]
    assert months and len(pages) == len(list((tmp_path / "second" / "incidents").glob("*.html"))) + len(months)
    index = cache_module._unpack((repo / ".gitstatus-cache" / "index").read_bytes())
    assert len(index["files"]) <= 10 and len(index["pages"]) == len(pages)


def test_reading_results_round_trip(repo: Path) -> None:
    """Every reading result of the example repo and of the corpus decodes to what was encoded."""
    from gitstatus.project import load
    from gitstatus.source import Disk

    for root in (REPO, repo):
        for file in load(Disk(root)).files:
            again = cache_module.decode_file(file.path, file.digest, cache_module.encode_file(file))
            assert repr(again) == repr(file)


CASES = sorted(p for p in (REPO / "tests" / "cases").iterdir() if p.is_dir())


@pytest.mark.parametrize("case", CASES, ids=[p.name for p in CASES])
def test_writing_commands_verdict_equals_checks(case: Path, tmp_path: Path) -> None:
    """The writing commands judge a change by its errors alone (no page state): the errors ``check`` finds."""
    import datetime as dt

    from gitstatus.project import load
    from gitstatus.source import Disk
    from gitstatus.timeparse import resolve_now

    root = tmp_path / "repo"
    shutil.copytree(case, root)
    if not (root / "components.yaml").exists():
        shutil.copy(REPO / "tests" / "cases" / "components.yaml", root / "components.yaml")
    now_file = case / "now.txt"
    now = resolve_now(now_file.read_text(encoding="utf-8").strip()) if now_file.exists() else \
        dt.datetime(2026, 6, 12, tzinfo=dt.UTC)
    project = load(Disk(root))
    errors = [d for d in project.check(now).diagnostics if d.severity.name == "ERROR"]
    assert sorted(project.errors(now)) == sorted(errors)

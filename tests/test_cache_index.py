"""The cache's verdict index: ``check`` and the writing commands give a full reading's verdict from it.

``check`` with the index (filled by an earlier check, then trusted by stat or content hash) must
print exactly what ``check --no-cache`` prints, with the same exit status: on every rule case of
``tests/cases/``, and on a repo after each kind of change (an edit, a new file, a deleted one,
the settings, and time passing so that W101, W102 and E303 come and go). A damaged index is
ignored; ``update`` refuses with the errors ``check`` reports and writes nothing, the cache
included.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from gitstatus import cache as cache_module
from gitstatus.cache import Cache, cache_folder
from gitstatus.cli import main
from gitstatus.project import load_verdict
from gitstatus.source import Disk

from .test_validate_rules import DEFAULT_COMPONENTS, DEFAULT_NOW, case_dirs

NOW = "2026-06-12T00:00:00+00:00"


@pytest.fixture(autouse=True)
def _trust_stats(monkeypatch: pytest.MonkeyPatch) -> None:
    """Trust a file's stat at once (not two seconds after its change), so the stat path is taken too."""
    monkeypatch.setattr(cache_module, "RACY_NS", -10**12)
    monkeypatch.delenv(cache_module.ENV, raising=False)


def run(*args: str | Path, now: str | None = None) -> tuple[int, str]:
    """The CLI in this process; ``now`` sets a writing command's clock (SOURCE_DATE_EPOCH)."""
    env = {"VISUAL": "", "EDITOR": ""}
    if now is not None:
        env["SOURCE_DATE_EPOCH"] = str(int(dt.datetime.fromisoformat(now).timestamp()))
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False, env=env)
    return result.exit_code, result.output


def check(root: Path, now: str, *extra: str) -> tuple[int, str]:
    return run("check", "--root", root, "--now", now, *extra)


def same_verdict(root: Path, now: str) -> None:
    """A check that fills the index, then one that uses it, both print what ``--no-cache`` prints."""
    cold = check(root, now, "--no-cache")
    assert check(root, now) == cold
    assert check(root, now) == cold


def stand_ins(root: Path, now: str) -> int:
    """How many files the verdict Project took from the index alone (diagnostics, no reading)."""
    cache = Cache.open(root, cache_folder(root, None, True))
    project = load_verdict(Disk(root), dt.datetime.fromisoformat(now), cache)
    return sum(1 for f in project.files if f.incident is None and not f.updates and f.digest)


@pytest.mark.parametrize("case", case_dirs(), ids=lambda p: p.name)
def test_every_rule_case_checks_the_same_with_the_index(case: Path, tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(case, root, ignore=shutil.ignore_patterns("expected.txt", "now.txt", "README*"))
    (root / "incidents").mkdir(exist_ok=True)
    if not (case / "components.yaml").exists():
        shutil.copy(DEFAULT_COMPONENTS, root / "components.yaml")
    now = (case / "now.txt").read_text(encoding="utf-8").strip() if (case / "now.txt").exists() else DEFAULT_NOW
    same_verdict(root, now)


COMPONENTS = """\
site:
  title: Index Test
  url: https://status.index.test/
  timezone: Europe/Berlin
components:
  - id: api
    name: API
    group: Core
  - id: web
    name: Website
"""


def incident_text(title: str, components: str, updates: list[tuple[str, str]]) -> str:
    sections = "".join(f"## {at} — {status}\n\nSomething about {title}.\n\n" for at, status in updates)
    return f"---\ntitle: {title}\nimpact: minor\ncomponents: [{components}]\n---\n\n{sections}"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "incidents").mkdir(parents=True)
    (root / "components.yaml").write_text(COMPONENTS, encoding="utf-8")
    files = {
        "2026-06-01-closed": incident_text("Closed", "api", [("2026-06-01 10:00", "Investigating"),
                                                             ("2026-06-01 11:00", "Resolved")]),
        "2026-06-02-grouped": incident_text("Grouped", "core", [("2026-06-02 10:00", "Investigating"),
                                                                ("2026-06-02 12:00", "Resolved")]),
        "2026-06-11-open": incident_text("Open", "web", [("2026-06-11 23:30", "Investigating")]),
    }
    for name, text in files.items():
        (root / "incidents" / f"{name}.md").write_text(text, encoding="utf-8")
    return root


def edit(root: Path) -> None:
    path = root / "incidents" / "2026-06-01-closed.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Resolved", "Resolvd"), encoding="utf-8")


def add(root: Path) -> None:
    (root / "incidents" / "2026-06-05-new.md").write_text(
        incident_text("New", "nope", [("2026-06-05 10:00", "Investigating"), ("2026-06-05 11:00", "Resolved")]),
        encoding="utf-8")


def delete(root: Path) -> None:
    (root / "incidents" / "2026-06-01-closed.md").unlink()


def rename_component(root: Path) -> None:
    path = root / "components.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("id: web", "id: www"), encoding="utf-8")


def regroup(root: Path) -> None:
    path = root / "components.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("group: Core", "group: Platform"), encoding="utf-8")


def future(root: Path) -> None:
    (root / "incidents" / "2026-06-03-ahead.md").write_text(
        incident_text("Ahead", "api", [("2026-06-03 10:00", "Investigating"), ("2026-06-20 11:00", "Resolved")]),
        encoding="utf-8")


CHANGES: dict[str, Callable[[Path], None]] = {
    "edit": edit, "add": add, "delete": delete, "rename-component": rename_component, "regroup": regroup,
    "update-in-the-future": future,
}


@pytest.mark.parametrize("change", CHANGES, ids=str)
def test_a_change_after_the_index_was_filled_checks_the_same(repo: Path, change: str) -> None:
    same_verdict(repo, NOW)
    assert stand_ins(repo, NOW) == 2  # the closed incidents come from the index alone
    CHANGES[change](repo)
    same_verdict(repo, NOW)


@pytest.mark.parametrize(("now", "codes"), [
    ("2026-06-11T20:00:00+00:00", {"E303"}),  # the open incident's update (21:30 UTC) is in the future
    ("2026-06-11T22:00:00+00:00", set()),  # open for 30 minutes: clean
    ("2026-06-12T03:00:00+00:00", {"W101"}),  # silent for hours
    ("2026-06-20T00:00:00+00:00", {"W101", "W102"}),  # active for over a week
    ("2026-06-01T10:30:00+00:00", {"E303"}),  # before most updates: on the closed incidents too
])
def test_time_passing_checks_the_same(repo: Path, now: str, codes: set[str]) -> None:
    same_verdict(repo, NOW)
    cold = check(repo, now, "--no-cache")
    assert check(repo, now) == cold
    assert set(re.findall(r": ([EW]\d{3}) ", cold[1])) == codes


@pytest.mark.parametrize("damage", ["garbage", "truncated", "flipped", "other-stamp", "folder", "no-readings"])
def test_a_damaged_index_is_ignored(repo: Path, damage: str) -> None:
    edit(repo)
    same_verdict(repo, NOW)
    index = repo / cache_module.DIR_NAME / cache_module.VERDICTS
    data = index.read_bytes()
    if damage == "garbage":
        index.write_bytes(b"\x00not an index\n{}")
    elif damage == "truncated":
        index.write_bytes(data[: len(data) // 2])
    elif damage == "flipped":
        index.write_bytes(data.replace(b"E204", b"E205", 1))
    elif damage == "no-readings":  # the index alone, with open incidents to read in full
        for shard in index.parent.glob("reads-*"):
            shard.unlink()
    elif damage == "other-stamp":
        index.write_bytes(cache_module._pack({"stamp": "0" * 32, "files": {}}))
    else:
        index.unlink()
        index.mkdir()
    cold = check(repo, NOW, "--no-cache")
    assert check(repo, NOW) == cold
    if damage != "folder":
        assert check(repo, NOW) == cold
        assert stand_ins(repo, NOW) == 2  # rewritten whole, and trusted again


def test_update_gives_checks_verdict_and_a_refused_one_writes_nothing(repo: Path) -> None:
    edit(repo)
    same_verdict(repo, NOW)
    code, output = check(repo, NOW, "--no-cache")
    errors = [line for line in output.splitlines() if ": E" in line]
    assert code == 1 and errors
    before = {p: p.read_bytes() for p in repo.rglob("*") if p.is_file()}
    code, refused = run("update", "2026-06-11-open", "--root", repo, "-m", "Still on it.", now=NOW)
    assert code != 0
    for line in errors:
        assert line in refused
    assert {p: p.read_bytes() for p in repo.rglob("*") if p.is_file()} == before
    (repo / "incidents" / "2026-06-01-closed.md").write_text(
        incident_text("Closed", "api", [("2026-06-01 10:00", "Investigating"), ("2026-06-01 11:00", "Resolved")]),
        encoding="utf-8")
    code, _ = run("update", "2026-06-11-open", "--root", repo, "-m", "Still on it.", now=NOW)
    assert code == 0
    assert check(repo, NOW, "--no-cache")[0] == 0
    same_verdict(repo, NOW)


def test_update_refuses_an_error_only_the_clock_makes(repo: Path) -> None:
    """A closed incident whose last update is after now: taken from its full reading, not the index."""
    future(repo)
    same_verdict(repo, NOW)
    code, output = check(repo, NOW, "--no-cache")
    assert code == 1 and "E303" in output
    code, refused = run("update", "2026-06-11-open", "--root", repo, "-m", "Still on it.", now=NOW)
    assert code != 0 and "E303" in refused
    later = (dt.datetime.fromisoformat(NOW) + dt.timedelta(days=10)).isoformat()
    code, _ = run("update", "2026-06-11-open", "--root", repo, "-m", "Still on it.", now=later)
    assert code == 0

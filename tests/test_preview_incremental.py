"""The preview keeps its Project, templates and pages across saves: after any change its site is a fresh build's.

The preview's builder (serve.py's :class:`Builder`, as the watcher drives it) is given the paths
that changed, as the watcher reports them, and re-reads only those; its folder is compared, file
for file, with ``gitstatus build`` of the same repo at the same moment and base URL.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from gitstatus.cli import main
from gitstatus.preview.serve import Builder
from gitstatus.timeparse import resolve_now
from gitstatus.write import MANIFEST

from .conftest import REPO, site_files

sys.path.insert(0, str(REPO / "bench"))
try:
    import corpus
finally:
    sys.path.remove(str(REPO / "bench"))

BASE = "http://127.0.0.1:8123/"
NOW = corpus.DEFAULT_NOW.isoformat()


def fresh_build(root: Path, out: Path, now: str = NOW) -> dict[str, bytes]:
    result = CliRunner().invoke(main, ["build", "--root", str(root), "--out", str(out), "--now", now, "--base-url",
                                       BASE, "--jobs", "1", "--no-cache"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    files = site_files(out)
    del files[MANIFEST]
    return files


def _nth(root: Path, n: int) -> Path:
    return sorted((root / "incidents").glob("*.md"))[n]


def _edit(root: Path) -> list[str]:
    path = _nth(root, 3)
    path.write_text(path.read_text(encoding="utf-8") + "\nA line added in the preview.\n", encoding="utf-8")
    return [f"incidents/{path.name}"]


def _add(root: Path) -> list[str]:
    new = root / "incidents" / "2026-06-02-added-while-previewing.md"
    new.write_text(_nth(root, 3).read_text(encoding="utf-8"), encoding="utf-8")
    return [f"incidents/{new.name}"]


def _delete(root: Path) -> list[str]:
    path = _nth(root, 3)
    path.unlink()
    return [f"incidents/{path.name}"]


def _rename(root: Path) -> list[str]:
    path = _nth(root, 3)
    target = path.with_name("2026-06-03-renamed.md")
    path.rename(target)
    return [f"incidents/{path.name}", f"incidents/{target.name}"]


def _settings(root: Path) -> list[str]:
    path = root / "components.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("name: REST API", "name: Public API"), encoding="utf-8")
    return ["components.yaml"]


def _theme(root: Path) -> list[str]:
    folder = root / "theme" / "templates"
    folder.mkdir(parents=True)
    text = (REPO / "theme" / "templates" / "incident.html").read_text(encoding="utf-8")
    (folder / "incident.html").write_text(text.replace("{% block main %}", "{% block main %}<p>own</p>", 1),
                                          encoding="utf-8")
    return ["theme/templates/incident.html"]


CHANGES: dict[str, Callable[[Path], list[str]]] = {
    "edited": _edit, "added": _add, "deleted": _delete, "renamed": _rename, "settings": _settings, "theme": _theme,
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_preview_after_a_change_equals_a_fresh_build(tmp_path: Path, change: str) -> None:
    root = tmp_path / "repo"
    corpus.generate(root, 40, seed=2)
    logged: list[str] = []
    builder = Builder(root, tmp_path / "preview", BASE, resolve_now(NOW), logged.append)
    assert builder.build([]).ok, logged
    before = site_files(tmp_path / "preview")
    changed = CHANGES[change](root)
    snapshot = builder.build(changed)
    assert snapshot.ok, logged
    after = site_files(tmp_path / "preview")
    assert after == fresh_build(root, tmp_path / "fresh")
    assert after != before
    if change in ("edited", "added"):
        assert "1 incident page rendered" in logged[-1]  # only what the change touched
        assert builder.project is not None


def test_a_save_rereads_only_the_changed_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "repo"
    corpus.generate(root, 40, seed=2)
    builder = Builder(root, tmp_path / "preview", BASE, resolve_now(NOW), lambda _: None)
    assert builder.build([]).ok
    read: list[str] = []
    from gitstatus import source

    original = source.Disk.read

    def counting(self: source.Disk, relpath: str) -> tuple[bytes | None, list[object]]:
        read.append(relpath)
        return original(self, relpath)  # type: ignore[return-value]

    monkeypatch.setattr(source.Disk, "read", counting)
    changed = _edit(root)
    assert builder.build(changed).ok
    assert read == changed


WINDOW = """\
---
title: Database upgrade
impact: maintenance
components: [{component}]
scheduled:
  start: 2026-06-15 13:00 UTC
  end: 2026-06-15 15:00 UTC
---

## 2026-06-10 09:00 UTC — Scheduled

We will upgrade the database.
"""


def test_the_preview_as_the_clock_moves_equals_a_fresh_build_at_each_moment(tmp_path: Path) -> None:
    """The preview keeps incident states between rebuilds (state.StateMemo) and what the outputs computed
    from them; a maintenance window opening and running out on its own, and every other incident growing
    older, must show exactly as a fresh build at each moment shows them."""
    root = tmp_path / "repo"
    corpus.generate(root, 40, seed=2)
    component = corpus.components_yaml().split("- id: ", 1)[1].split()[0]
    (root / "incidents" / "2026-06-10-database-upgrade.md").write_text(WINDOW.format(component=component),
                                                                       encoding="utf-8")
    moments = ["2026-06-15T12:00:00+00:00", "2026-06-15T13:30:00+00:00", "2026-06-15T15:30:00+00:00",
               "2026-06-22T16:00:00+00:00"]
    logged: list[str] = []
    builder = Builder(root, tmp_path / "preview", BASE, resolve_now(moments[0]), logged.append)
    assert builder.build([]).ok, logged
    seen = []
    for n, moment in enumerate(moments):
        builder.now = resolve_now(moment)
        changed = _edit(root) if n == 2 else []  # a save on the way: a new state beside the kept ones
        assert builder.build(changed).ok, logged
        preview = site_files(tmp_path / "preview")
        assert preview == fresh_build(root, tmp_path / f"fresh-{n}", moment), moment
        seen.append(preview["index.html"])
    assert len(set(seen)) == len(moments)  # each moment showed something else
    assert builder.memo.reused > 30  # and the unchanged incidents' states were kept

"""One core: ``list``, ``check`` and the writing commands see the status repo through one Project.

Before the single core, ``check`` dropped an incident whose file had a reading error (a duplicate
key, a stray ``# heading``) while ``list`` showed it and, in the same run, said it could not be
listed. Here every rule case folder (tests/cases/) is run through both commands: an incident is
listed exactly when ``check`` reports no error in its file, and every file with an error is
named by ``list`` among the files it could not list.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from gitstatus.cli import main
from gitstatus.project import load
from gitstatus.source import Disk, Overlay

from .conftest import write_tree
from .test_validate_rules import case_dirs

CASES = Path(__file__).resolve().parent / "cases"
DEFAULT_NOW = "2026-06-12 00:00 UTC"


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def _copy_case(case: Path, tmp_path: Path) -> tuple[Path, str]:
    root = tmp_path / "repo"
    shutil.copytree(case, root, symlinks=True)
    if not (root / "components.yaml").exists():
        shutil.copy(CASES / "components.yaml", root / "components.yaml")
    now_file = case / "now.txt"
    return root, now_file.read_text(encoding="utf-8").strip() if now_file.exists() else DEFAULT_NOW


@pytest.mark.parametrize("case", case_dirs(), ids=lambda p: p.name)
def test_list_shows_exactly_what_check_accepts(case: Path, tmp_path: Path) -> None:
    root, now = _copy_case(case, tmp_path)
    _, out, _ = _run("check", "--root", str(root), "--now", now, "--format", "json")
    found = [{**d, "path": str(d["path"]).removeprefix(f"{root}/")} for d in json.loads(out)]
    with_errors = {d["path"] for d in found if d["code"].startswith("E")
                   and not str(d["path"]).startswith("templates/")}  # a broken template changes no incident
    files = {p.relative_to(root).as_posix() for p in (root / "incidents").glob("*.md")} \
        if (root / "incidents").is_dir() else set()
    code, listed_out, err = _run("list", "--json", "--root", str(root), "--now", now)
    listed = {row["path"] for row in json.loads(listed_out)} if listed_out.strip() else set()
    assert listed == files - with_errors - {p for p in files if _stem_invalid(p, found)}
    if with_errors:
        assert code == 1
        assert f"{len(with_errors)} file" in err


def _stem_invalid(path: str, found: list[dict[str, object]]) -> bool:
    """A file whose name is no valid id is reported (E004) at the file itself, and listed by neither."""
    return any(d["path"] == path and d["code"] == "E004" for d in found)


REPRODUCTION = {
    "incidents/2026-06-11-dup.md": """\
        ---
        title: One
        title: Two
        impact: minor
        components: [api]
        ---

        ## 2026-06-11 10:00 UTC — Investigating

        Looking.
        """,
    "incidents/2026-06-11-heading.md": """\
        ---
        title: Heading
        impact: minor
        components: [api]
        ---

        # Not an update

        ## 2026-06-11 10:00 UTC — Investigating

        Looking.
        """,
}


def test_the_issue_reproduction_check_and_list_agree(make_repo) -> None:  # type: ignore[no-untyped-def]
    root = make_repo(REPRODUCTION)
    code, out, _ = _run("check", "--root", str(root), "--now", "2026-06-11 12:00 UTC", "--format", "json")
    assert code == 1
    assert {str(d["path"]).removeprefix(f"{root}/") for d in json.loads(out)} == set(REPRODUCTION)
    code, out, err = _run("list", "--json", "--root", str(root), "--now", "2026-06-11 12:00 UTC")
    assert json.loads(out) == []
    assert code == 1 and "2 files with errors could not be listed" in err


def test_an_overlay_reads_only_what_it_changes(make_repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The writing commands check the repo as it will be without reading every file again."""
    root = make_repo(REPRODUCTION)
    project = load(Disk(root))
    fixed = (root / "incidents/2026-06-11-dup.md").read_bytes().replace(b"title: Two\n", b"")
    after = project.overlay({"incidents/2026-06-11-dup.md": fixed, "incidents/2026-06-11-heading.md": None})
    assert isinstance(after.source, Overlay)
    assert [f.path for f in after.files] == ["incidents/2026-06-11-dup.md"]
    assert after.diagnostics == [] and [i.id for i in after.incidents] == ["2026-06-11-dup"]
    # the same as reading the repo as it would be from scratch
    write_tree(root, {"incidents/2026-06-11-dup.md": fixed})
    (root / "incidents/2026-06-11-heading.md").unlink()
    assert load(Disk(root)).files == after.files


def test_check_base_reads_each_working_file_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The comparison with the revision knows an unchanged file by the Project's digest, not by reading it again."""
    from gitstatus import source as source_module
    from gitstatus.commands import check as check_command

    from .conftest import API_SLOW, edit, status_repo

    files = {f"incidents/2026-06-{day:02d}-api.md": API_SLOW.replace("2026-06-11", f"2026-06-{day:02d}")
             for day in range(1, 11)}
    root = status_repo(tmp_path / "repo", files)
    edit(root, "incidents/2026-06-05-api.md", "API responding slowly", "API slow")
    reads: list[str] = []
    real = source_module.read_bytes

    def counting(where: Path, relpath: str) -> tuple[bytes | None, list[object]]:
        reads.append(relpath)
        return real(where, relpath)  # type: ignore[return-value]

    monkeypatch.setattr(source_module, "read_bytes", counting)
    result = check_command.check(root, dt.datetime(2026, 6, 12, tzinfo=dt.UTC), base_ref="HEAD")
    assert [d.code for d in result.diagnostics] == ["N503"]  # the title change, found as before
    incident_reads = [p for p in reads if p.startswith("incidents/")]
    assert sorted(incident_reads) == sorted([*files, "incidents/2026-06-05-api.md"])  # once each; the changed one twice

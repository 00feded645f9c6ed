"""write.py: the only code that touches the output folder. Whole-folder swaps, nothing half-written.

The end-to-end tests show a failed build leaves the old site; these pin the writer's own
guarantees, including the code paths a build rarely takes (no atomic exchange, a failing
rename, a symlinked output folder).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gitstatus import write
from gitstatus.outputs import OutputFile
from gitstatus.write import MANIFEST, WriteError, check_paths, manifest, write_site

from .conftest import site_files

OLD = [OutputFile("index.html", b"old index"), OutputFile("incidents/gone.html", b"deleted later"),
       OutputFile("static/style.css", b"old css")]
NEW = [OutputFile("index.html", b"new index"), OutputFile("incidents/kept.html", b"kept"),
       OutputFile("static/style.css", b"new css"), OutputFile("api/v2/summary.json", b"{}")]


def as_dict(files: list[OutputFile]) -> dict[str, bytes]:
    """The site ``files`` make on disk: they and the manifest that lists them."""
    return {f.path: f.data for f in files} | {MANIFEST: manifest(f.path for f in files)}


@pytest.mark.parametrize("path", [
    "/etc/passwd", "../outside.html", "incidents/../../outside.html", "a/../../b", "..", "dir\\file.html",
    "", "incidents/", "C:\\x",
])
def test_check_paths_refuses_paths_outside_the_folder(path: str) -> None:
    with pytest.raises(WriteError, match="inside the output folder"):
        check_paths([OutputFile("index.html", b""), OutputFile(path, b"")])


@pytest.mark.parametrize("paths", [
    ["index.html", "index.html"],
    ["incidents/a.html", "incidents/a.html"],
    ["incidents/A.html", "incidents/a.html"],  # one file on case-insensitive disks (macOS, Windows)
    ["api", "api/v2/summary.json"],  # a file where another output needs a folder
    ["api/v2/summary.json", "api"],
    ["Incidents/x.html", "incidents"],
])
def test_check_paths_refuses_two_outputs_on_one_path(paths: list[str]) -> None:
    with pytest.raises(WriteError, match="same path"):
        check_paths([OutputFile(p, b"") for p in paths])


def test_check_paths_accepts_ordinary_paths() -> None:
    files = [OutputFile(p, b"") for p in ("index.html", "incidents/x.html", "api/v2/summary.json", "a/./b.html")]
    assert check_paths(files) == files


def test_writes_a_new_folder(tmp_path: Path) -> None:
    out = tmp_path / "deep" / "site"
    assert write_site(NEW, out) == len(NEW) + 1, "the manifest counts"
    assert site_files(out) == as_dict(NEW)
    assert sorted(p.name for p in out.parent.iterdir()) == ["site"]
    assert (out.stat().st_mode & 0o777) == 0o755, "a web server must be able to read the folder"


def test_replaces_the_whole_folder(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_site(OLD, out)
    write_site(NEW, out)
    assert site_files(out) == as_dict(NEW), "files that no longer belong are gone"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"], "no temporary folder is left"


def test_without_atomic_exchange_the_rename_fallback_works(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "site"
    write_site(OLD, out)
    monkeypatch.setattr(write, "_exchange", lambda a, b: False)
    write_site(NEW, out)
    assert site_files(out) == as_dict(NEW)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


@pytest.mark.parametrize("failure", [OSError(28, "No space left on device"), KeyboardInterrupt()],
                         ids=["disk-full", "interrupt"])
def test_a_failure_while_writing_leaves_the_old_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: BaseException
) -> None:
    out = tmp_path / "site"
    write_site(OLD, out)
    real = Path.write_bytes
    calls = []

    def failing(self: Path, data: bytes) -> int:
        calls.append(self)
        if len(calls) == 3:
            raise failure
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", failing)
    with pytest.raises(type(failure)):
        write_site(NEW, out)
    monkeypatch.undo()
    assert site_files(out) == as_dict(OLD)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_failing_swap_without_exchange_puts_the_old_folder_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fallback moves the old site aside and the new one in; if the second move fails, the first is undone."""
    out = tmp_path / "site"
    write_site(OLD, out)
    monkeypatch.setattr(write, "_exchange", lambda a, b: False)
    real = os.rename

    def rename(src: str | Path, dst: str | Path) -> None:
        if Path(dst) == out and ".new-" in Path(src).name:
            raise OSError(5, "Input/output error")
        real(src, dst)

    monkeypatch.setattr(os, "rename", rename)
    with pytest.raises(OSError, match="Input/output"):
        write_site(NEW, out)
    monkeypatch.undo()
    assert site_files(out) == as_dict(OLD)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_refused_paths_write_nothing(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_site(OLD, out)
    with pytest.raises(WriteError):
        write_site([*NEW, OutputFile("../escape.html", b"x")], out)
    assert site_files(out) == as_dict(OLD)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_file_in_the_way_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.write_text("not a folder")
    with pytest.raises(WriteError, match="not a folder"):
        write_site(NEW, out)
    assert out.read_text() == "not a folder"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_symlinked_folder_keeps_its_link(tmp_path: Path) -> None:
    """``site -> /var/www/status``: the folder it points to is replaced and the link stays."""
    target = tmp_path / "www" / "status"
    write_site(OLD, target)
    link = tmp_path / "site"
    link.symlink_to(target, target_is_directory=True)
    write_site(NEW, link)
    assert link.is_symlink()
    assert site_files(target) == as_dict(NEW)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site", "www"]
    assert sorted(p.name for p in target.parent.iterdir()) == ["status"]

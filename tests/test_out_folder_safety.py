"""A build replaces only a folder that is its own, and cleans up after the builds that crashed.

``gitstatus build --out DIR`` replaces DIR as a whole. It may do so only when DIR is absent,
empty, or a site gitstatus built (its manifest lists every file in it); anything else is refused
with exit 2 and left exactly as it was. The staging folders a killed build leaves beside the
output are deleted by the next build, but only when they are provably a build's and that build
is gone: a concurrent build's folder is never touched.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import Result

from gitstatus.commands import build as build_module
from gitstatus.outputs import OutputFile
from gitstatus.write import MANIFEST, OutFolderError, write_site

from .conftest import REPO, build, write_tree

NOW = "2026-06-15 12:00 UTC"
INCIDENT = """\
---
title: Old
impact: major
components: [api]
---

## 2026-06-01 10:00 UTC — Investigating

Down.

## 2026-06-01 11:00 UTC — Resolved

Up.
"""
INCIDENT_FILE = "incidents/2026-06-01-old.md"


@pytest.fixture
def repo(make_repo: Callable[..., Path]) -> Path:
    return make_repo({INCIDENT_FILE: INCIDENT})


def tree(folder: Path) -> dict[str, bytes | str]:
    """Every entry under ``folder``: file contents, ``"<dir>"`` or ``"-> target"`` for links."""
    found: dict[str, bytes | str] = {}
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.is_symlink():
            found[name] = f"-> {os.readlink(path)}"
        elif path.is_dir():
            found[name] = "<dir>"
        else:
            found[name] = path.read_bytes()
    return found


def refused(result: Result, folder: Path, before: dict[str, bytes | str]) -> str:
    """Assert a refusal: exit 2, no traceback, the folder unchanged and nothing left beside it; its message."""
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "refusing to build into" in result.stderr
    assert tree(folder) == before
    assert [p.name for p in folder.parent.iterdir() if p.name.startswith(f".{folder.name}.")] == []
    return result.stderr


# --- which folders a build may replace -------------------------------------------------------------

def test_a_folder_with_someone_elses_files_is_refused(repo: Path, tmp_path: Path) -> None:
    """``--out ~/www`` must not wipe the files that were there."""
    www = write_tree(tmp_path / "www", {"index.html": "<p>my homepage</p>", "photos/cat.jpg": b"\xff\xd8",
                                        ".htaccess": "Options -Indexes\n"})
    before = tree(www)
    message = refused(build(repo, www), www, before)
    assert "empty folder" in message and "delete" in message, "it says what to do"


@pytest.mark.parametrize("marker", [".git/HEAD", "components.yaml", "notes.txt"])
def test_a_checkout_a_status_repo_or_any_file_is_refused(repo: Path, tmp_path: Path, marker: str) -> None:
    other = write_tree(tmp_path / "other", {marker: "x\n"})
    refused(build(repo, other), other, tree(other))


def test_an_absent_or_empty_folder_is_built_into_with_a_manifest(repo: Path, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    for out in (tmp_path / "absent", tmp_path / "empty"):
        result = build(repo, out)
        assert result.exit_code == 0, result.output
        manifest = json.loads((out / MANIFEST).read_text("utf-8"))
        assert manifest["format"] == 1 and manifest["generator"] == "gitstatus"
        on_disk = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
        assert sorted([*manifest["files"], MANIFEST]) == on_disk, "the manifest lists every file it wrote"
        assert "index.html" in manifest["files"] and "incidents/2026-06-01-old.html" in manifest["files"]


def test_a_previous_site_is_replaced(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert build(repo, out).exit_code == 0
    (repo / INCIDENT_FILE).rename(repo / "incidents/2026-06-02-new.md")
    result = build(repo, out)
    assert result.exit_code == 0, result.output
    assert (out / "incidents/2026-06-02-new.html").is_file()
    assert not (out / "incidents/2026-06-01-old.html").exists(), "its own old files are gone"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["repo", "site"]


def test_a_file_edited_by_hand_is_the_builds_to_replace(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert build(repo, out).exit_code == 0
    (out / "index.html").write_text("edited")
    assert build(repo, out).exit_code == 0
    assert (out / "index.html").read_text("utf-8") != "edited"


@pytest.mark.parametrize("added", ["CNAME", "incidents/notes.txt", "drafts/", "incidents/2026-06-01-old.html/"])
def test_a_previous_site_with_a_file_added_by_hand_is_refused(repo: Path, tmp_path: Path, added: str) -> None:
    """Not only gitstatus's output any more: the build names what it would delete, and stops."""
    out = tmp_path / "site"
    assert build(repo, out).exit_code == 0
    if added.endswith("/"):  # a folder, where none or a built file was
        (out / added).unlink(missing_ok=True)
        write_tree(out / added, {"mine.txt": "mine\n"})
    else:
        (out / added).write_text("mine\n")
    message = refused(build(repo, out), out, tree(out))
    assert added in message and "Move" in message


def test_a_built_file_replaced_by_a_link_is_refused(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert build(repo, out).exit_code == 0
    (out / "index.html").unlink()
    (out / "index.html").symlink_to(tmp_path / "repo" / "components.yaml")
    assert "index.html" in refused(build(repo, out), out, tree(out))


def test_a_manifest_that_is_a_link_is_not_trusted(repo: Path, tmp_path: Path) -> None:
    """A manifest must be the folder's own file: a link could make anything look like a site."""
    www = write_tree(tmp_path / "www", {"thesis.tex": "years of work\n"})
    fake = tmp_path / "fake.json"
    fake.write_text(json.dumps({"format": 1, "generator": "gitstatus", "files": ["thesis.tex"]}))
    (www / MANIFEST).symlink_to(fake)
    refused(build(repo, www), www, tree(www))


@pytest.mark.parametrize(("content", "expected"), [
    ('{"format": 2, "generator": "gitstatus", "files": []}', "newer gitstatus"),
    ("{not json", "cannot be read"),
    ('{"format": 1, "generator": "gitstatus", "files": "index.html"}', "cannot be read"),
    ('["index.html"]', "cannot be read"),
    ('{"format": true, "generator": "gitstatus", "files": []}', "cannot be read"),
    (b"\xff\xfe", "cannot be read"),
])
def test_a_manifest_gitstatus_cannot_read_is_refused(
    repo: Path, tmp_path: Path, content: str | bytes, expected: str
) -> None:
    out = tmp_path / "site"
    assert build(repo, out).exit_code == 0
    (out / MANIFEST).write_bytes(content if isinstance(content, bytes) else content.encode())
    assert expected in refused(build(repo, out), out, tree(out))


def test_a_site_built_by_an_older_gitstatus_is_refused_once(repo: Path, tmp_path: Path) -> None:
    """Older versions wrote no manifest: say so, and how to get past it once."""
    out = tmp_path / "site"
    assert build(repo, out).exit_code == 0
    (out / MANIFEST).unlink()
    message = refused(build(repo, out), out, tree(out))
    assert "older gitstatus" in message and "delete it" in message


def test_a_file_that_appears_during_the_build_is_kept(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The folder is checked again just before the swap: a file added meanwhile is not deleted."""
    out = tmp_path / "site"
    assert build(repo, out).exit_code == 0
    real = build_module.render_site

    def render_and_meddle(*args: object, **kwargs: object) -> list[OutputFile]:
        (out / "uploaded.txt").write_text("arrived while building\n")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(build_module, "render_site", render_and_meddle)
    result = build(repo, out)
    assert result.exit_code == 2 and "uploaded.txt" in result.stderr
    assert (out / "uploaded.txt").read_text() == "arrived while building\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["repo", "site"]


def test_a_symlinked_out_follows_the_same_rule(repo: Path, tmp_path: Path) -> None:
    """``site -> /var/www/status``: the target is replaced only when it is the build's, and the link stays."""
    www = write_tree(tmp_path / "var" / "www", {"status/index.html": "someone's page\n"})
    link = tmp_path / "site"
    link.symlink_to(www / "status", target_is_directory=True)
    before = tree(www / "status")
    result = build(repo, link)
    assert result.exit_code == 2 and "refusing to build into" in result.stderr
    assert tree(www / "status") == before and link.is_symlink()
    assert sorted(p.name for p in www.iterdir()) == ["status"]

    (www / "status" / "index.html").unlink()  # emptied by its owner: now the build may use it
    for _ in range(2):
        result = build(repo, link)
        assert result.exit_code == 0, result.output
        assert link.is_symlink() and (www / "status" / MANIFEST).is_file()
        assert sorted(p.name for p in www.iterdir()) == ["status"]


def test_a_file_in_the_way_is_refused_with_exit_2(repo: Path, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder\n")
    result = build(repo, tmp_path / "file")
    assert result.exit_code == 2 and "is a file" in result.stderr
    assert (tmp_path / "file").read_text() == "not a folder\n"


@pytest.mark.parametrize("where", [".", "incidents", "incidents/site", "theme", ".git/site", ".."])
def test_the_status_repo_is_refused_with_exit_2(make_repo: Callable[..., Path], where: str) -> None:
    root = make_repo({INCIDENT_FILE: INCIDENT, "theme/static/extra.css": "p {}\n", ".git/HEAD": "x\n"})
    before = tree(root.parent)
    result = build(root, root / where)
    assert result.exit_code == 2, result.output
    assert "refusing to build into" in result.stderr and "Traceback" not in result.output
    assert tree(root.parent) == before


def test_write_site_refuses_a_foreign_folder(tmp_path: Path) -> None:
    """The writer itself holds the rule, whoever calls it."""
    out = write_tree(tmp_path / "out", {"keep.txt": "mine\n"})
    with pytest.raises(OutFolderError, match="keep.txt"):
        write_site([OutputFile("index.html", b"x")], out)
    assert tree(out) == {"keep.txt": b"mine\n"}


def test_the_preview_builds_into_its_own_folder_without_a_manifest(repo: Path) -> None:
    """``serve`` syncs its temporary folder in place and never goes through the replacing writer."""
    from gitstatus.preview.serve import Builder

    out = repo.parent / "preview" / "site"
    now = dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC)
    builder = Builder(repo, out, "http://127.0.0.1:8000/", now, lambda message: None)
    assert builder.build([]).ok
    (out / "stray.txt").write_text("x")
    assert builder.build(["incidents/2026-06-01-old.md"]).ok
    assert (out / "index.html").is_file() and not (out / MANIFEST).exists()


# --- staging folders left by crashed builds ----------------------------------------------------------

HOLD_STAGING = """
import sys
from pathlib import Path
from gitstatus.outputs import OutputFile
from gitstatus.write import Staging

staging = Staging(Path(sys.argv[1]))
staging.add([OutputFile("index.html", b"from the other build"), OutputFile("incidents/a.html", b"a")])
print(staging.path, flush=True)
if sys.stdin.readline() == "commit\\n":
    staging.commit()
staging.discard()
print("done", flush=True)
"""

STALL_AFTER_SWAP = """
import shutil, sys, time
from pathlib import Path
from gitstatus import write
from gitstatus.outputs import OutputFile

write._exchange = lambda a, b: False  # the two-rename swap, as on macOS or an old kernel
real_rmtree = shutil.rmtree

def stall(path, *args, **kwargs):
    if ".old-" in Path(path).name:
        print(path, flush=True)
        time.sleep(120)
    return real_rmtree(path, *args, **kwargs)

shutil.rmtree = stall
staging = write.Staging(Path(sys.argv[1]))
staging.add([OutputFile("index.html", b"new")])
staging.commit()
"""


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=30)  # reaps it and closes its pipes


def start(processes: list[subprocess.Popen[str]], script: str, out: Path) -> tuple[subprocess.Popen[str], Path]:
    """A Python process running ``script`` on ``out``; the path it prints once its folder is made."""
    process = subprocess.Popen([sys.executable, "-c", script, str(out)], cwd=REPO, text=True,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    processes.append(process)
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    assert line, process.stderr.read() if process.stderr else ""
    return process, Path(line)


def kill(process: subprocess.Popen[str]) -> None:
    """SIGKILL, as the OOM killer or a pulled plug would: no clean-up code runs. Then reap it."""
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)


def beside(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name != out.name and p.name != "repo")


def test_a_killed_builds_staging_folder_is_deleted_by_the_next_build(
    repo: Path, tmp_path: Path, processes: list[subprocess.Popen[str]]
) -> None:
    out = tmp_path / "site"
    assert build(repo, out).exit_code == 0
    process, staging = start(processes, HOLD_STAGING, out)
    kill(process)
    assert staging.is_dir() and (staging / "index.html").is_file(), "the crash left its folder"
    assert staging.name.startswith(".site.new-")
    assert beside(out) != []
    result = build(repo, out)
    assert result.exit_code == 0, result.output
    assert beside(out) == [], "the next build removed what the killed one left"
    assert (out / "index.html").read_bytes() != b"from the other build"


def test_a_killed_swaps_old_site_is_deleted_by_the_next_build(
    repo: Path, tmp_path: Path, processes: list[subprocess.Popen[str]]
) -> None:
    """Killed between moving the old site aside and deleting it (the two-rename swap)."""
    out = tmp_path / "site"
    assert build(repo, out).exit_code == 0
    process, old = start(processes, STALL_AFTER_SWAP, out)
    kill(process)
    assert old.name.startswith(".site.old-") and (old / "site" / MANIFEST).is_file()
    assert (out / "index.html").read_bytes() == b"new"
    assert build(repo, out).exit_code == 0
    assert beside(out) == []


def test_a_running_builds_staging_folder_is_kept(
    repo: Path, tmp_path: Path, processes: list[subprocess.Popen[str]]
) -> None:
    """Two builds at once: each leaves the other's folder alone, and both finish."""
    out = tmp_path / "site"
    assert build(repo, out).exit_code == 0
    process, staging = start(processes, HOLD_STAGING, out)
    before = tree(staging)
    result = build(repo, out)
    assert result.exit_code == 0, result.output
    assert tree(staging) == before, "the running build's folder is untouched"
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write("commit\n")
    process.stdin.flush()
    assert process.stdout.readline().strip() == "done", process.stderr.read() if process.stderr else ""
    assert process.wait(timeout=30) == 0
    assert (out / "index.html").read_bytes() == b"from the other build"
    assert beside(out) == []


def test_a_held_lock_protects_a_folder_even_when_its_pid_is_unknown_here(
    repo: Path, tmp_path: Path, processes: list[subprocess.Popen[str]]
) -> None:
    """A build in another container has a pid this one cannot see: its lock still protects its folder."""
    out = tmp_path / "site"
    assert build(repo, out).exit_code == 0
    process, staging = start(processes, HOLD_STAGING, out)
    tag = staging.name.removeprefix(".site.new-")
    dead_pid = _dead_pid()
    renamed_tag = f"{dead_pid}-{tag.split('-', 1)[1]}"
    for kind in ("new", "lock"):
        (tmp_path / f".site.{kind}-{tag}").rename(tmp_path / f".site.{kind}-{renamed_tag}")
    assert build(repo, out).exit_code == 0
    assert (tmp_path / f".site.new-{renamed_tag}" / "index.html").is_file()
    assert (tmp_path / f".site.lock-{renamed_tag}").is_file()
    kill(process)  # now it is gone for good: the next build tidies up
    assert build(repo, out).exit_code == 0
    assert beside(out) == []


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_only_provably_stale_folders_of_this_output_are_deleted(repo: Path, tmp_path: Path) -> None:
    """Look-alikes stay: no lock file, another output's leftovers, a live pid, a foreign lock, a link."""
    out = tmp_path / "site"
    assert build(repo, out).exit_code == 0
    elsewhere = write_tree(tmp_path / "elsewhere", {"precious.txt": "keep\n"})
    dead = _dead_pid()
    mine = f"{os.getpid()}-{'a' * 16}"
    stale_other = f"{dead}-{'b' * 16}"
    stale_link = f"{dead}-{'c' * 16}"
    write_tree(tmp_path, {
        ".site.new-k2j4h5g6/index.html": "an older gitstatus's leftover: no lock, so not provably ours\n",
        f".site.new-{dead}-{'d' * 16}/index.html": "no lock file beside it\n",
        f".site.new-{mine}/index.html": "its pid is alive (this test)\n",
        f".site.lock-{mine}": "gitstatus staging lock\n",
        f".other.new-{stale_other}/index.html": "another output's\n",
        f".other.lock-{stale_other}": "gitstatus staging lock\n",
        f".site.lock-{stale_link}": "gitstatus staging lock\n",
        f".site.lock-{dead}-{'e' * 16}": "not our lock's text\n",
        f".site.new-{dead}-{'e' * 16}/index.html": "beside a lock file gitstatus did not write\n",
        f".site.lock-{'9' * 30}-{'f' * 16}": "gitstatus staging lock\n",  # no pid this system can have
        f".site.new-{'9' * 30}-{'f' * 16}/index.html": "x\n",
        f".site.lock-0-{'f' * 16}": "gitstatus staging lock\n",
        f".site.new-0-{'f' * 16}/index.html": "x\n",
    })
    (tmp_path / f".site.new-{stale_link}").symlink_to(elsewhere, target_is_directory=True)
    before = {name: tree(tmp_path / name) if (tmp_path / name).is_dir() else None for name in beside(out)}
    assert build(repo, out).exit_code == 0
    after = {name: tree(tmp_path / name) if (tmp_path / name).is_dir() else None for name in beside(out)}
    assert tree(elsewhere) == {"precious.txt": b"keep\n"}, "a link is never followed"
    assert after == before


def test_a_failed_build_leaves_even_stale_folders_alone(
    repo: Path, tmp_path: Path, processes: list[subprocess.Popen[str]]
) -> None:
    """A failed command changes nothing on disk; the next good build tidies up."""
    out = tmp_path / "site"
    assert build(repo, out).exit_code == 0
    process, staging = start(processes, HOLD_STAGING, out)
    kill(process)
    (repo / "incidents" / "2026-06-03-bad.md").write_text("no front matter\n")
    assert build(repo, out).exit_code == 1
    assert staging.is_dir()
    (repo / "incidents" / "2026-06-03-bad.md").unlink()
    assert build(repo, out).exit_code == 0
    assert beside(out) == []

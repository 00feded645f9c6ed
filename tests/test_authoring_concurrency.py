"""Writers at the same moment: concurrent new/update/resolve/delete never lose a write.

Each command reads a file, computes its new bytes and renames them into place. Two commands on
the same incident at once used to both read the old bytes, and the second rename silently threw
the first one's update away. The tests start real ``python -m gitstatus`` processes, held at a
barrier after their imports so that they all run the command at the same instant, and check
that every command that exited 0 left its update in the file and every other one said why.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from click.testing import Result

from gitstatus import writelock
from gitstatus.commands import author as authoring

from .conftest import REPO, git, incident, run_cli

INCIDENT = incident("API responding slowly", "major", "[api]",
                    ("2020-06-11 14:02 UTC", "Investigating", "We are looking into reports of slow API responses."))

WRITERS = 8
AT = "2020-06-11 15:00 UTC"  # one time for all: any order of the writers is a valid file

#: Starts one process per command, all running ``python -m gitstatus COMMAND`` at the same instant.
#: It imports gitstatus once and forks a child per command (starting eight interpreters one by one
#: would take seconds and spread them out); each child waits on a pipe that the parent then
#: closes, which releases them all at once, runs the gitstatus module as ``-m`` does, and leaves
#: its standard output and error in OUT/<k>.out and OUT/<k>.err. Prints the exit statuses as JSON.
SPAWNER = textwrap.dedent("""\
    import json, os, runpy, sys, traceback
    import gitstatus.cli
    out, commands = sys.argv[1], json.loads(sys.argv[2])
    barrier, go = os.pipe()
    pids = []
    for k, command in enumerate(commands):
        pid = os.fork()
        if pid == 0:
            os.close(go)
            os.read(barrier, 1)
            for fd, name in ((1, f"{k}.out"), (2, f"{k}.err")):
                os.dup2(os.open(os.path.join(out, name), os.O_WRONLY | os.O_CREAT, 0o600), fd)
            sys.argv = ["gitstatus", *command]
            try:
                runpy.run_module("gitstatus", run_name="__main__", alter_sys=True)
                code = 0
            except SystemExit as stop:
                code = stop.code if isinstance(stop.code, int) else (stop.code is not None)
            except BaseException:
                traceback.print_exc()
                code = 70
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
        pids.append(pid)
    os.close(go)
    print(json.dumps([os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in pids]))
""")


def race(root: Path, commands: Sequence[Sequence[str]]) -> list[subprocess.CompletedProcess[str]]:
    """Run ``gitstatus COMMAND --root ROOT`` for each command in its own process, all at once."""
    out = root.parent / "race"
    out.mkdir()
    env = {**os.environ, "PYTHONPATH": str(REPO), "EDITOR": "false", "VISUAL": "false"}
    argv = [[*command, "--root", str(root)] for command in commands]
    spawner = subprocess.run([sys.executable, "-c", SPAWNER, str(out), json.dumps(argv)], cwd=root, env=env,
                             stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60, check=True)
    codes = json.loads(spawner.stdout)
    return [subprocess.CompletedProcess(command, code, (out / f"{k}.out").read_text(encoding="utf-8"),
                                        (out / f"{k}.err").read_text(encoding="utf-8"))
            for k, (command, code) in enumerate(zip(argv, codes, strict=True))]


def check_clean(root: Path) -> None:
    """The repo as left by the writers passes ``gitstatus check``."""
    result = run_cli("check", "--root", root, "--now", "2026-01-01 00:00 UTC")
    assert result.exit_code == 0, result.output


def lost(results: Sequence[subprocess.CompletedProcess[str]], written: Callable[[int], bool]) -> list[str]:
    """The commands that exited 0 but whose write is not on disk: the silent loss to rule out."""
    return [" ".join(r.args) for k, r in enumerate(results) if r.returncode == 0 and not written(k)]


@pytest.fixture
def incident_repo(make_repo: Callable[..., Path]) -> Path:
    return make_repo({"incidents/2020-06-11-api-slow.md": INCIDENT})


def test_simultaneous_updates_all_land_one_after_another(incident_repo: Path) -> None:
    """Eight ``update`` commands on one incident at one instant: all eight updates are in the file."""
    path = incident_repo / "incidents/2020-06-11-api-slow.md"
    results = race(incident_repo, [["update", "api-slow", "-m", f"Update number {k}.", "--at", AT]
                                   for k in range(WRITERS)])
    text = path.read_text(encoding="utf-8")
    assert lost(results, lambda k: f"Update number {k}." in text) == []
    assert [r.returncode for r in results] == [0] * WRITERS, [r.stderr for r in results]
    assert [text.count(f"Update number {k}.") for k in range(WRITERS)] == [1] * WRITERS
    assert text.startswith(INCIDENT)  # every byte before the new updates kept
    assert text.count("\n## ") == WRITERS + 1
    check_clean(incident_repo)


def test_update_racing_resolve_is_appended_before_it_or_refused(incident_repo: Path) -> None:
    """Updates and a resolve at one instant: each update lands before the resolve or is refused, never lost."""
    path = incident_repo / "incidents/2020-06-11-api-slow.md"
    commands = [["update", "api-slow", "-m", f"Update number {k}.", "--at", AT] for k in range(WRITERS - 1)]
    commands.append(["resolve", "api-slow", "-m", "Resolved for good.", "--at", AT])
    results = race(incident_repo, commands)
    text = path.read_text(encoding="utf-8")
    messages = [f"Update number {k}." for k in range(WRITERS - 1)] + ["Resolved for good."]
    assert lost(results, lambda k: messages[k] in text) == []
    assert results[-1].returncode == 0, results[-1].stderr
    for message, result in zip(messages, results, strict=True):
        if result.returncode != 0:
            assert message not in text
            assert "is already resolved" in result.stderr, result.stderr
    assert text.rstrip().endswith("Resolved for good.")
    check_clean(incident_repo)


def test_simultaneous_new_incidents_with_one_title_all_written(make_repo: Callable[..., Path]) -> None:
    """Eight ``new`` with the same title at once: eight files, -2 … -8, none refused or overwritten."""
    root = make_repo()
    results = race(root, [["new", "Login errors", "--impact", "minor", "-c", "api", "-m", f"Report {k}.",
                           "--at", AT] for k in range(WRITERS)])
    assert [r.returncode for r in results] == [0] * WRITERS, [r.stderr for r in results]
    files = sorted(p.name for p in (root / "incidents").iterdir())
    expected = ["2020-06-11-login-errors.md"] + [f"2020-06-11-login-errors-{n}.md" for n in range(2, WRITERS + 1)]
    assert files == sorted(expected)
    printed = sorted(Path(r.stdout.strip()).name for r in results)
    assert printed == sorted(expected)
    bodies = sorted((root / "incidents" / name).read_text(encoding="utf-8").rstrip().rsplit("\n", 1)[-1]
                    for name in files)
    assert bodies == sorted(f"Report {k}." for k in range(WRITERS))
    check_clean(root)


# --- the lock itself ----------------------------------------------------------------------------------

HOLDER = textwrap.dedent("""\
    import sys, time
    from pathlib import Path
    from gitstatus import writelock
    root = Path(sys.argv[1])
    with writelock.hold(root, "adding an update to incidents/2020-06-11-api-slow.md"):
        before = sorted((p.name, p.read_bytes()) for p in (root / "incidents").iterdir())
        print("held", flush=True)
        if len(sys.argv) > 2:
            time.sleep(float(sys.argv[2]))
        else:
            sys.stdin.readline()
        after = sorted((p.name, p.read_bytes()) for p in (root / "incidents").iterdir())
        print("untouched while held" if after == before else "CHANGED WHILE HELD", flush=True)
""")


def hold_lock(root: Path, seconds: float | None = None) -> subprocess.Popen[str]:
    """Another process holding the repo's write lock for ``seconds``, else until :func:`release`."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    extra = [] if seconds is None else [str(seconds)]
    child = subprocess.Popen([sys.executable, "-c", HOLDER, str(root), *extra], env=env, stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None and child.stdout.readline() == "held\n"
    return child


def release(child: subprocess.Popen[str]) -> None:
    """Let the holder go (or wait for it to let go); it exits, and the lock with it.

    Nothing in incidents/ may have changed while it held the lock.
    """
    out, _ = child.communicate(timeout=30)
    assert child.returncode == 0
    assert out == "untouched while held\n"


def update(root: Path, message: str) -> Result:
    return run_cli("update", "api-slow", "-m", message, "--at", AT, "--root", root)


def test_a_held_lock_refuses_after_a_short_wait_and_names_its_holder(
        incident_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(writelock, "WAIT_SECONDS", 0.2)
    path = incident_repo / "incidents/2020-06-11-api-slow.md"
    holder = hold_lock(incident_repo)
    try:
        for args in (["update", "api-slow", "-m", "Still slow.", "--at", AT],
                     ["resolve", "api-slow", "-m", "Fixed.", "--at", AT],
                     ["new", "Another", "--impact", "minor", "-c", "api", "-m", "New.", "--at", AT],
                     ["delete", "api-slow", "--yes"]):
            result = run_cli(*args, "--root", incident_repo)
            assert result.exit_code == 1, result.output
            assert result.output.startswith("gitstatus: another gitstatus command is writing to this repo (pid "
                                            f"{holder.pid} on ")
            assert ", adding an update to incidents/2020-06-11-api-slow.md, since " in result.output
            assert "waited 0.2 s" in result.output and "nothing was written" in result.output
            assert str(incident_repo / ".gitstatus.lock") in result.output
            assert path.read_text(encoding="utf-8") == INCIDENT
            assert sorted(p.name for p in (incident_repo / "incidents").iterdir()) == ["2020-06-11-api-slow.md"]
    finally:
        release(holder)
    assert not (incident_repo / ".gitstatus.lock").exists()  # a finished holder leaves nothing behind
    result = update(incident_repo, "Still slow.")
    assert result.exit_code == 0, result.output
    assert "Still slow." in path.read_text(encoding="utf-8")


def test_a_writer_waits_for_the_lock_to_be_released(incident_repo: Path) -> None:
    """A command started while another writes waits for it, then writes: a short overlap is no refusal."""
    holder = hold_lock(incident_repo, seconds=0.5)  # an update takes ~20 ms: it would be written meanwhile
    try:
        result = update(incident_repo, "Waited.")
    finally:
        release(holder)  # which checks that the update was not written while the holder held the lock
    assert result.exit_code == 0, result.output
    assert "Waited." in (incident_repo / "incidents/2020-06-11-api-slow.md").read_text(encoding="utf-8")


def untracked(root: Path) -> list[str]:
    return git(root, "status", "--porcelain", "--untracked-files=all").split()[1::2]


def test_the_lock_lives_in_dot_git_so_git_status_never_shows_it(incident_repo: Path) -> None:
    git(incident_repo, "init", "-q")
    holder = hold_lock(incident_repo)
    try:
        assert (incident_repo / ".git" / "gitstatus.lock").is_file()
        assert not (incident_repo / ".gitstatus.lock").exists()
        assert untracked(incident_repo) == ["components.yaml", "incidents/2020-06-11-api-slow.md"]
    finally:
        release(holder)
    assert not (incident_repo / ".git" / "gitstatus.lock").exists()
    assert update(incident_repo, "Still slow.").exit_code == 0
    assert sorted(p.name for p in incident_repo.iterdir()) == [".git", "components.yaml", "incidents"]
    assert not (incident_repo / ".git" / "gitstatus.lock").exists()


def test_without_dot_git_the_lock_is_at_the_root_and_init_ignores_it(tmp_path: Path) -> None:
    """A status repo in a subfolder of a git repo (or a git worktree) has its lock at its root, ignored."""
    git(tmp_path, "init", "-q")
    root = tmp_path / "status"
    assert run_cli("init", root, "--now", "2026-01-02 10:00 UTC").exit_code == 0
    git(tmp_path, "add", "-A")
    git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "init")
    holder = hold_lock(root)
    try:
        assert (root / ".gitstatus.lock").is_file()
        assert untracked(tmp_path) == []
    finally:
        release(holder)
    assert not (root / ".gitstatus.lock").exists()
    result = run_cli("new", "Login errors", "--impact", "minor", "-c", "api", "-m", "Slow.",
                     "--at", "2026-01-02 09:00 UTC", "--root", root)
    assert result.exit_code == 0, result.output
    assert untracked(tmp_path) == ["status/incidents/2026-01-02-login-errors.md"]
    assert not (root / ".gitstatus.lock").exists()


def test_a_read_only_repo_is_refused_clearly(incident_repo: Path) -> None:
    """No lock, no write: the message names the lock file and why it cannot be made."""
    if os.geteuid() == 0:
        pytest.skip("root ignores file permissions")
    folders = [incident_repo, incident_repo / "incidents"]
    for folder in folders:
        folder.chmod(0o555)
    try:
        result = update(incident_repo, "Still slow.")
    finally:
        for folder in folders:
            folder.chmod(0o755)
    assert result.exit_code == 1, result.output
    assert result.output == (f"gitstatus: cannot write to this repo: its lock file {incident_repo / '.gitstatus.lock'} "
                             "cannot be opened (Permission denied); nothing was written\n")
    assert (incident_repo / "incidents/2020-06-11-api-slow.md").read_text(encoding="utf-8") == INCIDENT


def test_a_file_changed_by_another_program_while_writing_is_not_overwritten(
        incident_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Compare-and-swap right before the rename: another program's save during the write is kept."""
    repo = authoring.open_repo(incident_repo, dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    relpath = "incidents/2020-06-11-api-slow.md"
    change, _, _ = authoring.plan_update(repo, relpath, None, AT, "Mine.")
    edited = INCIDENT + "\n## 2020-06-11 14:30 UTC — Identified\n\nBy hand.\n"
    real_fsync = os.fsync

    def editor_saves_meanwhile(fd: int) -> None:  # while the new bytes go to disk, an editor saves the file
        if (incident_repo / relpath).read_text(encoding="utf-8") == INCIDENT:
            (incident_repo / relpath).write_text(edited, encoding="utf-8")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", editor_saves_meanwhile)
    with pytest.raises(authoring.Refused, match="changed while this command ran"):
        authoring.apply(incident_repo, change)
    assert (incident_repo / relpath).read_text(encoding="utf-8") == edited
    assert sorted(p.name for p in (incident_repo / "incidents").iterdir()) == ["2020-06-11-api-slow.md"]


def test_a_lock_file_that_is_a_link_is_refused_and_its_target_left_alone(
        incident_repo: Path, tmp_path: Path) -> None:
    """The lock is the repo's own file: a link to elsewhere is never followed, opened or written."""
    outside = tmp_path / "outside.txt"
    outside.write_text("not gitstatus's\n", encoding="utf-8")
    (incident_repo / ".gitstatus.lock").symlink_to(outside)
    result = update(incident_repo, "Still slow.")
    assert result.exit_code == 1, result.output
    assert f"its lock file {incident_repo / '.gitstatus.lock'} cannot be opened" in result.output
    assert "nothing was written" in result.output and "Traceback" not in result.output
    assert outside.read_text(encoding="utf-8") == "not gitstatus's\n"
    assert (incident_repo / "incidents/2020-06-11-api-slow.md").read_text(encoding="utf-8") == INCIDENT

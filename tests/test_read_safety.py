"""gitstatus reads nothing outside the status repo and only regular files in it, and says why.

A status repo arrives in pull requests from anyone who can open one, and CI builds it with
secrets in its environment and its logs public. So a symbolic link to a file elsewhere (an
incident, components.yaml, a theme file, /proc/self/environ) must never be followed out of
the repo; a named pipe, a socket or a device must never be read (it blocks or never ends);
and a folder that cannot be listed must not read as "no incidents". Each case is a
diagnostic naming the file, reported by ``check`` with everything else, and ``build``
refuses. The real command runs in a subprocess (a hang is a timeout, a crash a traceback),
with a secret in its environment and in every file outside the repo: it must appear nowhere.
"""

from __future__ import annotations

import functools
import json
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from gitstatus import source
from gitstatus.read.document import MAX_BYTES

from .conftest import API_SLOW_PATH as OWN
from .conftest import (
    BACK_TO_NORMAL,
    COMPONENTS_YAML,
    GITSTATUS,
    SLOW_API_REPORTED,
    Preview,
    commit_all,
    git,
    incident,
    run_cli,
    site_files,
    write_tree,
)

NOW = "2026-06-12 12:00 UTC"
SECRET = "s3cr3t-9f2c71e4"
SECRET_VAR = "GITSTATUS_TEST_SECRET"
INCIDENT = incident("API responding slowly", "major", "[api]", SLOW_API_REPORTED,
                    ("2026-06-11 14:50 UTC", "Resolved", BACK_TO_NORMAL))
ACTIVE = INCIDENT.split("\n## 2026-06-11 14:50")[0]
#: An active incident (it could take an update) with the secret in its title and message.
LEAK = ACTIVE.replace("API responding slowly", f"Leaked {SECRET}").replace("We are", f"{SECRET}: we are")
LINKED = "incidents/2026-06-11-linked.md"
TIMEOUT = 60

Setup = Callable[[Path, Path], None]
"""Makes one hostile thing in a status repo (first argument), maybe pointing at the outside (second)."""


# --- the world: a status repo, and secrets next to it ---------------------------------------------------

def make_outside(outside: Path) -> None:
    """Files outside the status repo, each holding the secret; each would be valid content in the repo."""
    write_tree(outside, {
        "incident.md": LEAK,
        "settings.yaml": f"site:\n  title: Leaked\n  password: {SECRET}\n  broken: [\ncomponents: []\n",
        f"incidents/2026-06-11-{SECRET}.md": LEAK,
        "theme/static/secret.txt": SECRET,
        "theme/templates/index.html": f"{{% extends 'base.html' %}}{{% block main %}}{SECRET}{{% endblock %}}\n",
        "template.html": f"{{% extends 'base.html' %}}{{% block main %}}{SECRET}{{% endblock %}}\n",
    })


def make_root(base: Path) -> tuple[Path, Path]:
    """A valid status repo with one incident and a .git/config holding a token, and the outside."""
    root, outside = base / "repo", base / "outside"
    write_tree(root, {"components.yaml": COMPONENTS_YAML, OWN: INCIDENT,
                      ".git/config": f'[http]\n\textraheader = "AUTHORIZATION: basic {SECRET}"\n'})
    make_outside(outside)
    return root, outside


def _clear(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif os.path.lexists(path):
        path.unlink()
    path.parent.mkdir(parents=True, exist_ok=True)


def link(relpath: str, target: str) -> Setup:
    """``relpath`` becomes a symbolic link to ``target`` ({outside} and {root} are filled in)."""
    def make(root: Path, outside: Path) -> None:
        _clear(root / relpath)
        os.symlink(target.format(outside=outside, root=root), root / relpath)
    return make


def fifo(relpath: str) -> Setup:
    def make(root: Path, outside: Path) -> None:
        _clear(root / relpath)
        os.mkfifo(root / relpath)
    return make


def unix_socket(relpath: str) -> Setup:
    def make(root: Path, outside: Path) -> None:
        path = root / relpath
        _clear(path)
        here = os.getcwd()
        os.chdir(path.parent)  # a socket's path is limited to about 100 bytes: bind its bare name
        try:
            with socket.socket(socket.AF_UNIX) as sock:
                sock.bind(path.name)
        finally:
            os.chdir(here)
    return make


def plain(relpath: str, text: str = "") -> Setup:
    def make(root: Path, outside: Path) -> None:
        _clear(root / relpath)
        (root / relpath).write_text(text)
    return make


def folder(relpath: str) -> Setup:
    def make(root: Path, outside: Path) -> None:
        _clear(root / relpath)
        (root / relpath).mkdir()
        (root / relpath / "a.yaml").write_text("site: {}\n")
    return make


def remove(relpath: str) -> Setup:
    def make(root: Path, outside: Path) -> None:
        _clear(root / relpath)
    return make


def move(relpath: str, to: str) -> Setup:
    def make(root: Path, outside: Path) -> None:
        (root / relpath).rename(root / to)
    return make


def both(*setups: Setup) -> Setup:
    def make(root: Path, outside: Path) -> None:
        for setup in setups:
            setup(root, outside)
    return make


def gitstatus(cwd: Path, *args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    """The real command, with the secret in its environment; a hang fails the test instead of the run."""
    env = {**os.environ, SECRET_VAR: SECRET}
    env.pop("SOURCE_DATE_EPOCH", None)
    proc: subprocess.CompletedProcess[str] = subprocess.run(  # type: ignore[call-overload]
        [*GITSTATUS, *args], cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT,
        env=env, check=False, **kwargs)
    return proc


def found(proc: subprocess.CompletedProcess[str]) -> list[tuple[str, str]]:
    return [(d["path"], d["code"]) for d in json.loads(proc.stdout)]


def no_leak(*texts: str) -> None:
    for text in texts:
        assert SECRET not in text, text
        assert "Traceback" not in text, text


def no_leak_in(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path


# --- what is refused -----------------------------------------------------------------------------------

REFUSED = [
    # symbolic links out of the repo: never followed, whatever they lead to
    pytest.param(link(LINKED, "{outside}/incident.md"), [(LINKED, "E005")], id="incident-link-outside"),
    pytest.param(link(LINKED, "../../outside/incident.md"), [(LINKED, "E005")], id="incident-relative-link-outside"),
    pytest.param(link(LINKED, "{outside}/no-such.md"), [(LINKED, "E005")], id="incident-dangling-link-outside"),
    pytest.param(link(LINKED, "/dev/zero"), [(LINKED, "E005")], id="incident-link-dev-zero"),
    pytest.param(link(LINKED, "/proc/self/environ"), [(LINKED, "E005")], id="incident-link-environ"),
    pytest.param(link(LINKED, "../.git/config"), [(LINKED, "E005")], id="incident-link-into-dot-git"),
    pytest.param(link("components.yaml", "{outside}/settings.yaml"), [("components.yaml", "E005")],
                 id="components-link-outside"),
    pytest.param(link("incidents", "{outside}/incidents"), [("incidents", "E005")], id="incidents-link-outside"),
    # not regular files: never opened for reading, so nothing blocks
    pytest.param(fifo(LINKED), [(LINKED, "E006")], id="incident-fifo"),
    pytest.param(unix_socket(LINKED), [(LINKED, "E006")], id="incident-socket"),
    pytest.param(fifo("components.yaml"), [("components.yaml", "E006")], id="components-fifo"),
    pytest.param(folder("components.yaml"), [("components.yaml", "E006")], id="components-folder"),
    pytest.param(both(link(LINKED, "2026-06-11-other.md"), link("incidents/2026-06-11-other.md", "2026-06-11-linked.md")),
                 [("incidents/2026-06-11-linked.md", "E001"), ("incidents/2026-06-11-other.md", "E001")],
                 id="incident-link-loop"),
    # incidents/ that is not a folder: never "0 incidents"
    pytest.param(plain("incidents", "not a folder"), [("incidents", "E007")], id="incidents-file"),
    pytest.param(link("incidents", "{root}/nowhere"), [("incidents", "E007")], id="incidents-dangling-link"),
    pytest.param(link("incidents", "incidents"), [("incidents", "E007")], id="incidents-link-loop"),
    pytest.param(fifo("incidents"), [("incidents", "E007")], id="incidents-fifo"),
    # the theme
    pytest.param(link("theme/static/env.txt", "/proc/self/environ"), [("theme/static/env.txt", "E005")],
                 id="theme-static-environ"),
    pytest.param(link("theme/static/notes.txt", "{outside}/incident.md"), [("theme/static/notes.txt", "E005")],
                 id="theme-static-link-outside"),
    pytest.param(link("theme/static/config.txt", "../../.git/config"), [("theme/static/config.txt", "E005")],
                 id="theme-static-link-into-dot-git"),
    pytest.param(link("theme/static/docs", "{outside}/theme/static"), [("theme/static/docs", "E005")],
                 id="theme-static-folder-outside"),
    pytest.param(link("theme", "{outside}/theme"), [("theme", "E005")], id="theme-link-outside"),
    pytest.param(link("theme/templates/index.html", "{outside}/template.html"),
                 [("theme/templates/index.html", "E005")], id="theme-template-link-outside"),
    pytest.param(link("theme/templates/unused.html", "{outside}/template.html"),
                 [("theme/templates/unused.html", "E005")], id="theme-unused-template-link-outside"),
    pytest.param(fifo("theme/static/pipe.css"), [("theme/static/pipe.css", "E006")], id="theme-static-fifo"),
    pytest.param(fifo("theme/templates/index.html"), [("theme/templates/index.html", "E006")],
                 id="theme-template-fifo"),
    pytest.param(link("theme/static/self.css", "self.css"), [("theme/static/self.css", "E001")],
                 id="theme-static-link-loop"),
    pytest.param(link("theme/static/again", "."), [("theme/static/again", "E007")], id="theme-static-folder-cycle"),
    pytest.param(plain("theme", "not a folder"), [("theme", "E007")], id="theme-file"),
]


@pytest.fixture
def world(tmp_path: Path) -> tuple[Path, Path]:
    return make_root(tmp_path)


@pytest.mark.parametrize(("setup", "expected"), REFUSED)
def test_check_reports_it_by_name_and_build_refuses(
    world: tuple[Path, Path], setup: Setup, expected: list[tuple[str, str]]
) -> None:
    """``check`` in a subprocess (a hang is a timeout), then, once it is known not to hang, ``build`` in-process."""
    root, outside = world
    setup(root, outside)
    proc = gitstatus(root, "check", "--now", NOW, "--format", "json")
    no_leak(proc.stdout, proc.stderr)
    assert proc.returncode == 1, proc.stderr
    assert found(proc) == expected

    out = root.parent / "site"
    result = run_cli("build", "--root", root, "--out", out, "--now", NOW)
    no_leak(result.output)
    assert result.exit_code == 1, result.output
    assert not out.exists()
    for path, code in expected:
        assert f"{root / path}: {code} " in result.output
    assert "Build failed" in result.output


def test_build_never_publishes_the_environment(world: tuple[Path, Path]) -> None:
    """The whole way: a theme file linked to /proc/self/environ, a build with a secret in its environment."""
    root, outside = world
    out = root.parent / "site"
    assert gitstatus(root, "build", "--now", NOW, "--out", str(out)).returncode == 0
    before = site_files(out)
    link("theme/static/env.txt", "/proc/self/environ")(root, outside)
    proc = gitstatus(root, "build", "--now", NOW, "--out", str(out))
    no_leak(proc.stdout, proc.stderr)
    assert proc.returncode == 1
    assert "theme/static/env.txt: E005 is a symbolic link that leads outside the status repo" in proc.stdout
    assert site_files(out) == before
    no_leak_in(out)


def test_each_refusal_says_why_and_how_to_fix_it(world: tuple[Path, Path]) -> None:
    root, outside = world
    for setup in (link(LINKED, "{outside}/incident.md"), link("incidents/2026-06-11-pipe.md", "../.git/config"),
                  fifo("incidents/2026-06-11-fifo.md"), link("theme/static/x", "/proc/self/environ")):
        setup(root, outside)
    proc = gitstatus(root, "check", "--now", NOW, "--format", "text")
    lines = proc.stdout.splitlines()
    assert lines[:4] == [
        "incidents/2026-06-11-fifo.md: E006 is a named pipe (FIFO), not a regular file: gitstatus reads only "
        "regular files, as reading anything else can block or never end; replace it by the file itself",
        f"{LINKED}: E005 is a symbolic link that leads outside the status repo, and gitstatus reads nothing "
        "outside it, so that nothing else can reach the page or the logs; replace the link by the file itself",
        "incidents/2026-06-11-pipe.md: E005 is a symbolic link to .git/config, inside a hidden folder, which "
        "gitstatus never reads (it may hold credentials); replace the link by the file itself",
        "theme/static/x: E005 is a symbolic link that leads outside the status repo, and gitstatus reads nothing "
        "outside it, so that nothing else can reach the page or the logs; replace the link by the file itself",
    ], proc.stdout
    assert str(outside) not in proc.stdout  # not even where the link leads


@pytest.mark.parametrize(("setup", "words"), [
    pytest.param(plain("incidents"), "is a file, not a folder: incident files go in a folder named incidents/",
                 id="file"),
    pytest.param(link("incidents", "nowhere"), "is a symbolic link that points nowhere", id="dangling"),
    pytest.param(link("incidents", "incidents"), "is a loop of symbolic links", id="loop"),
    pytest.param(fifo("incidents"), "is a named pipe (FIFO), not a folder", id="fifo"),
])
def test_incidents_that_is_not_a_folder_says_what_it_is(world: tuple[Path, Path], setup: Setup, words: str) -> None:
    root, outside = world
    setup(root, outside)
    proc = gitstatus(root, "check", "--now", NOW)
    assert proc.returncode == 1 and f"incidents: E007 {words}" in proc.stdout, proc.stdout
    assert "All good" not in proc.stdout


def test_a_symlink_loop_is_named_as_one(world: tuple[Path, Path]) -> None:
    root, outside = world
    link(LINKED, "2026-06-11-linked.md")(root, outside)
    proc = gitstatus(root, "check", "--now", NOW)
    assert f"{LINKED}: E001 cannot read the file: it is a loop of symbolic links" in proc.stdout, proc.stdout


# --- what is allowed -----------------------------------------------------------------------------------

ALLOWED = [
    pytest.param(both(plain("shared/incident.md", INCIDENT.replace("slowly", "slowly (shared)")),
                      link(LINKED, "../shared/incident.md")), "slowly (shared)", id="incident-link-inside"),
    pytest.param(both(plain("content/settings.yaml", COMPONENTS_YAML.replace("Test Status", "Linked Status")),
                      link("components.yaml", "content/settings.yaml")), "Linked Status", id="components-link-inside"),
    pytest.param(both(move("incidents", "content"), link("incidents", "content")), "API responding slowly", id="incidents-link-inside"),
    pytest.param(both(plain("assets/own.css", "body { color: rebeccapurple }"),
                      link("theme/static/style.css", "../../assets/own.css")), "rebeccapurple",
                 id="theme-static-link-inside"),
    pytest.param(both(plain("assets/index.html", "{% extends 'base.html' %}{% block main %}Own page{% endblock %}"),
                      link("theme/templates/index.html", "../../assets/index.html")), "Own page",
                 id="theme-template-link-inside"),
]


@pytest.mark.parametrize(("setup", "shown"), ALLOWED)
def test_links_that_stay_inside_the_repo_are_followed(world: tuple[Path, Path], setup: Setup, shown: str) -> None:
    root, outside = world
    setup(root, outside)
    out = root.parent / "site"
    proc = gitstatus(root, "build", "--now", NOW, "--out", str(out))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    site = "".join(p.read_text(encoding="utf-8") for p in out.rglob("*") if p.suffix in (".html", ".css"))
    assert shown in site


def test_the_repo_itself_may_be_reached_through_a_link(world: tuple[Path, Path]) -> None:
    root, outside = world
    both(plain("shared/incident.md", INCIDENT), link(LINKED, "../shared/incident.md"))(root, outside)
    (root.parent / "via").symlink_to(root)
    proc = gitstatus(root.parent, "check", "--root", "via", "--now", NOW)
    assert proc.returncode == 0 and "All good: components.yaml and 2 incidents" in proc.stdout, proc.stdout
    proc = gitstatus(root.parent, "build", "--root", "via", "--now", NOW, "--out", str(root.parent / "site"))
    assert proc.returncode == 0, proc.stderr


def test_a_new_repo_without_incidents_folder_has_no_incidents(world: tuple[Path, Path]) -> None:
    root, _ = world
    shutil.rmtree(root / "incidents")
    proc = gitstatus(root, "check", "--now", NOW)
    assert proc.returncode == 0 and "All good: components.yaml and 0 incidents" in proc.stdout, proc.stdout


# --- a folder or file that cannot be read (permissions deny nothing to root: run as nobody) -------------

def _unprivileged() -> dict[str, object]:
    if os.geteuid() != 0:
        return {}
    try:
        nobody = pwd.getpwnam("nobody")
    except KeyError:
        pytest.skip("running as root and there is no 'nobody' user to drop to, so permissions deny nothing")
    drop = {"user": nobody.pw_uid, "group": nobody.pw_gid, "extra_groups": []}
    if not _runs_as(drop):
        pytest.skip("running as root, and 'nobody' cannot run gitstatus from this checkout (a folder on the "
                    "way to it is private), so permissions cannot be tested here")
    return drop


@functools.cache
def _runs_as_cached(user: int, group: int) -> bool:
    probe = subprocess.run([*GITSTATUS, "--version"], capture_output=True, user=user, group=group,
                           extra_groups=[], timeout=TIMEOUT, check=False)
    return probe.returncode == 0


def _runs_as(drop: dict[str, object]) -> bool:
    """Whether the unprivileged user can start gitstatus at all (the checkout may be in a private folder)."""
    try:
        return _runs_as_cached(int(str(drop["user"])), int(str(drop["group"])))
    except OSError:
        return False


@pytest.fixture
def shared_world() -> Iterator[tuple[Path, Path]]:
    """A status repo in a folder that an unprivileged user may enter (pytest's tmp_path is private)."""
    base = Path(tempfile.mkdtemp(prefix="gitstatus-read-"))
    base.chmod(0o755)
    try:
        yield make_root(base)
    finally:
        for path in base.rglob("*"):
            if path.is_dir() and not path.is_symlink():
                path.chmod(0o755)
        shutil.rmtree(base)


@pytest.mark.parametrize(("relpath", "expected"), [
    ("incidents", [("incidents", "E007")]),
    (OWN, [(OWN, "E001")]),
    ("theme/static", [("theme/static", "E007")]),
])
def test_what_cannot_be_read_is_reported_not_skipped(
    shared_world: tuple[Path, Path], relpath: str, expected: list[tuple[str, str]]
) -> None:
    root, _ = shared_world
    write_tree(root, {"theme/static/own.css": "body {}"})
    (root / relpath).chmod(0)
    proc = gitstatus(root, "check", "--now", NOW, "--format", "json", **_unprivileged())
    assert proc.returncode == 1, proc.stderr
    assert found(proc) == expected
    assert "Permission denied" in json.loads(proc.stdout)[0]["message"]


# --- reads are bounded whatever the file system says ---------------------------------------------------

def test_a_read_stops_after_the_limit_even_when_fstat_says_the_file_is_empty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files in /proc and /sys say they are empty and are not: the size reported is not trusted."""
    (tmp_path / "big.md").write_bytes(b"x" * (3 * MAX_BYTES))
    real_fstat, real_read = os.fstat, os.read
    got: list[int] = []

    def lying_fstat(fd: int) -> os.stat_result:
        info = real_fstat(fd)
        return os.stat_result((info.st_mode, info.st_ino, info.st_dev, info.st_nlink, info.st_uid, info.st_gid,
                               0, int(info.st_atime), int(info.st_mtime), int(info.st_ctime)))

    def counting_read(fd: int, n: int) -> bytes:
        data = real_read(fd, n)
        got.append(len(data))
        return data

    monkeypatch.setattr(os, "fstat", lying_fstat)
    monkeypatch.setattr(os, "read", counting_read)
    data, problems = source.read_bytes(tmp_path, "big.md")
    assert data is None and [(d.path, d.code) for d in problems] == [("big.md", "E003")]
    assert sum(got) == MAX_BYTES + 1
    assert "more than 1,048,576 bytes, over the 1 MiB limit" in problems[0].message


# --- every reader goes through the same door: history, authoring, the preview ---------------------------

@pytest.mark.parametrize(("setup", "code"), [
    pytest.param(fifo(OWN), "E006", id="fifo"),
    pytest.param(link(OWN, "{outside}/incident.md"), "E005", id="link-outside"),
])
def test_check_base_reads_the_working_tree_safely(world: tuple[Path, Path], setup: Setup, code: str) -> None:
    root, outside = world
    (outside / "incident.md").write_text(INCIDENT)  # the same bytes as published: still not read
    shutil.rmtree(root / ".git")
    git(root, "init", "-q")
    commit_all(root, "published")
    setup(root, outside)
    proc = gitstatus(root, "check", "--base", "HEAD", "--now", NOW, "--format", "json")
    no_leak(proc.stdout, proc.stderr)
    assert proc.returncode == 1, proc.stderr
    assert (OWN, code) in found(proc)


def test_update_refuses_an_incident_that_links_outside_and_leaves_it_alone(world: tuple[Path, Path]) -> None:
    root, outside = world
    link(LINKED, "{outside}/incident.md")(root, outside)
    proc = gitstatus(root, "update", "2026-06-11-linked", "--status", "identified", "-m", "Found it.")
    no_leak(proc.stdout, proc.stderr)
    assert proc.returncode == 1
    assert f"{LINKED}: E005" in proc.stderr
    assert (root / LINKED).is_symlink() and (outside / "incident.md").read_text() == LEAK


def test_delete_refuses_a_named_pipe_instead_of_hanging(world: tuple[Path, Path]) -> None:
    root, outside = world
    fifo(LINKED)(root, outside)
    proc = gitstatus(root, "delete", "2026-06-11-linked", "--yes")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert f"{LINKED}: E006" in proc.stderr
    assert os.path.lexists(root / LINKED)


def _wait_for_status(preview: Preview, status: int) -> str:
    """The front page once it answers ``status`` (a change may take two rebuilds to settle)."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        code, _, body = preview.get("/")
        if code == status or time.monotonic() > deadline:
            assert code == status, body
            return body
        time.sleep(0.05)


def test_the_preview_shows_each_refusal_and_recovers(
    world: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, outside = world
    monkeypatch.setenv(SECRET_VAR, SECRET)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    preview = Preview(root)
    try:
        preview.change(lambda: link("theme/static/env.txt", "/proc/self/environ")(root, outside))
        body = _wait_for_status(preview, 500)
        assert "theme/static/env.txt: E005" in body and SECRET not in body
        preview.change(lambda: shutil.rmtree(root / "theme"))
        _wait_for_status(preview, 200)

        preview.change(lambda: fifo(OWN)(root, outside))
        assert f"{OWN}: E006" in _wait_for_status(preview, 500)
        preview.change(lambda: plain(OWN, INCIDENT)(root, outside))
        _wait_for_status(preview, 200)

        preview.change(lambda: both(move("incidents", "kept"), link("incidents", "incidents"))(root, outside))
        assert "incidents: E007" in _wait_for_status(preview, 500)
        preview.change(lambda: both(remove("incidents"), move("kept", "incidents"))(root, outside))
        assert "API responding slowly" in _wait_for_status(preview, 200)
        no_leak_in(preview.out)
    finally:
        code, log = preview.stop()
    assert code == 0, log
    no_leak(log)


def test_docs_say_what_gitstatus_reads() -> None:
    docs = Path(__file__).resolve().parent.parent / "docs"
    themes = (docs / "themes.md").read_text(encoding="utf-8")
    assert "## What gitstatus reads" in themes
    text = textwrap.dedent((docs / "diagnostics.md").read_text(encoding="utf-8"))
    for code in ("E005", "E006", "E007"):
        assert f"### {code} — " in text

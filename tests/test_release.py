"""One version, from the git tag, wherever gitstatus is built from; the release workflow's own steps, run.

The distribution is gitstatus-page ("gitstatus" on PyPI is another project). setuptools-scm takes
the version from the tag, so these tests build from a copy of this working tree committed in a
new repository and tagged v9.8.7, in each of the ways gitstatus reaches people: the sdist and the
wheel the release workflow builds (the wheel from the sdist), a ``git archive`` of the tag (what
GitHub hands an Action: no .git, the version in .git_archival.txt), and a shallow clone without
tags (CI checkouts, pre-commit). Then the built wheel goes into a fresh virtual environment and
``gitstatus --version`` says 9.8.7.
"""

from __future__ import annotations

import importlib.metadata
import io
import os
import re
import shutil
import subprocess
import sys
import tarfile
import venv
import zipfile
from pathlib import Path
from typing import Any

import pytest

from .conftest import GIT_ENV, REPO
from .localrunner import Runner, load

BIN = Path(sys.executable).parent
VERSION = "9.8.7"
RELEASE = REPO / ".github/workflows/release.yml"


def run(args: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False,
                          env={**os.environ, **GIT_ENV, **(env or {})})
    assert proc.returncode == 0, f"{args}: {proc.stdout}{proc.stderr}"
    return proc.stdout


def wheel_version(wheel: Path) -> str:
    with zipfile.ZipFile(wheel) as archive:
        metadata = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        text = archive.read(metadata).decode("utf-8")
    found = re.search(r"^Version: (.+)$", text, re.MULTILINE)
    assert found and re.search(r"^Name: gitstatus-page$", text, re.MULTILINE), text[:300]
    return found[1]


@pytest.fixture(scope="module")
def tagged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This working tree's files (tracked and new, not ignored), committed in a new repository and tagged v9.8.7."""
    source = tmp_path_factory.mktemp("release") / "src"
    files = run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO).split("\0")
    for relpath in filter(None, files):
        if (REPO / relpath).is_file():
            (source / relpath).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / relpath, source / relpath)
    run(["git", "init", "-q", "-b", "main"], cwd=source)
    run(["git", "add", "-A"], cwd=source)
    run(["git", "commit", "-q", "-m", "Release"], cwd=source)
    run(["git", "tag", "-a", f"v{VERSION}", "-m", f"gitstatus {VERSION}"], cwd=source)
    return source


@pytest.fixture(scope="module")
def dist(tagged: Path) -> Path:
    """What the release workflow builds: ``python -m build`` (the sdist, then the wheel from it)."""
    out = tagged.parent / "dist"
    run([sys.executable, "-m", "build", "--outdir", str(out), str(tagged)])
    return out


def test_the_version_is_the_installed_distributions() -> None:
    proc = subprocess.run([sys.executable, "-m", "gitstatus", "--version"], capture_output=True, text=True, check=True)
    assert proc.stdout == f"gitstatus, version {importlib.metadata.version('gitstatus-page')}\n"


def test_the_sdist_and_the_wheel_carry_the_tags_version(dist: Path) -> None:
    assert sorted(p.name for p in dist.iterdir()) == [f"gitstatus_page-{VERSION}-py3-none-any.whl",
                                                     f"gitstatus_page-{VERSION}.tar.gz"]
    assert wheel_version(dist / f"gitstatus_page-{VERSION}-py3-none-any.whl") == VERSION
    with tarfile.open(dist / f"gitstatus_page-{VERSION}.tar.gz") as sdist:
        pkg_info = sdist.extractfile(f"gitstatus_page-{VERSION}/PKG-INFO")
        assert pkg_info is not None and f"Version: {VERSION}\n" in pkg_info.read().decode("utf-8")
    run([str(BIN / "twine"), "check", "--strict", *map(str, dist.iterdir())])


def test_a_fresh_virtual_environment_installs_the_wheel_and_knows_its_version(dist: Path, tmp_path: Path) -> None:
    venv.EnvBuilder(with_pip=True).create(tmp_path / "venv")
    python = tmp_path / "venv/bin/python"
    run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         str(dist / f"gitstatus_page-{VERSION}-py3-none-any.whl")])
    assert run([str(tmp_path / "venv/bin/gitstatus"), "--version"], cwd=tmp_path) == f"gitstatus, version {VERSION}\n"


def test_a_git_archive_of_the_tag_builds_the_tags_version(tagged: Path, tmp_path: Path) -> None:
    """What GitHub unpacks for ``uses: OWNER/REPO@TAG``: the files without .git; .git_archival.txt says the version."""
    archive = subprocess.run(["git", "archive", "--format=tar", f"v{VERSION}"], cwd=tagged, capture_output=True,
                             check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(tmp_path / "action", filter="data")
    assert not (tmp_path / "action/.git").exists()
    assert f"describe-name: v{VERSION}" in (tmp_path / "action/.git_archival.txt").read_text(encoding="utf-8")
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path / "out"),
         str(tmp_path / "action")])
    assert wheel_version(next((tmp_path / "out").glob("*.whl"))) == VERSION


def test_a_shallow_clone_without_tags_still_builds(tagged: Path, tmp_path: Path) -> None:
    run(["git", "clone", "-q", "--depth", "1", "--no-tags", f"file://{tagged}", str(tmp_path / "shallow")])
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path / "out"),
         str(tmp_path / "shallow")])
    assert re.fullmatch(r"0\.0\.1\.dev\d+\+g[0-9a-f]+", wheel_version(next((tmp_path / "out").glob("*.whl"))))


# --- the release workflow ------------------------------------------------------------------------------------


def test_release_workflow_builds_checks_and_publishes_on_a_version_tag() -> None:
    workflow = load(RELEASE)
    assert workflow["on"] == {"push": {"tags": ["v[0-9]+.[0-9]+.[0-9]+*"]}}
    assert workflow["permissions"] == {}
    build, publish, major = (workflow["jobs"][name] for name in ("build", "publish", "major-tag"))
    assert build["permissions"] == {"contents": "read"}
    assert build["steps"][0]["with"] == {"fetch-depth": 0, "persist-credentials": False}
    assert [s["run"] for s in build["steps"] if s.get("name", "").startswith("Build")] == ["python -m build"]
    assert publish["needs"] == "build" and publish["permissions"] == {"id-token": "write"}
    assert publish["environment"]["name"] == "pypi"
    (step,) = [s for s in publish["steps"] if s["uses"].startswith("pypa/gh-action-pypi-publish@")]
    assert re.fullmatch(r"pypa/gh-action-pypi-publish@[0-9a-f]{40}", step["uses"])  # pinned to a commit
    assert "with" not in step  # trusted publishing: no password, no token
    assert "# v1.13.0" in RELEASE.read_text(encoding="utf-8")
    assert major["needs"] == "publish" and major["permissions"] == {"contents": "write"}


def step(job: str, name: str) -> dict[str, Any]:
    return next(s for s in load(RELEASE)["jobs"][job]["steps"] if s.get("name") == name)


@pytest.mark.parametrize(("tag", "ok"), [(f"v{VERSION}", True), ("v9.8.8", False)])
def test_release_check_step_refuses_a_build_of_another_version(dist: Path, tmp_path: Path, tag: str,
                                                               ok: bool) -> None:
    shutil.copytree(dist, tmp_path / "dist")
    runner = Runner(tmp_path, tmp_path / "runner-temp")
    check = step("build", "Check them")
    result = runner.shell("Check them", check["run"], {"TAG": tag})
    assert (result.outcome == "success") is ok, result.stdout + result.stderr
    assert "PASSED" in result.stdout
    if not ok:
        assert "::error title=Version mismatch::the tag v9.8.8 should build dist/gitstatus_page-9.8.8.tar.gz" \
            in result.stdout


def fake_gh(folder: Path, existing: bool) -> Path:
    """A ``gh`` that records its arguments; ``api .../git/ref/...`` finds the ref only if ``existing``."""
    log = folder / "gh.log"
    script = folder / "bin/gh"
    script.parent.mkdir(parents=True, exist_ok=True)
    script.write_text(f"""#!/bin/sh
printf '%s\\n' "$*" >> "{log}"
case "$*" in *git/ref/*) exit {0 if existing else 1} ;; esac
""", encoding="utf-8")
    script.chmod(0o755)
    return log


@pytest.mark.parametrize(("tag", "existing", "calls"), [
    ("v9.8.7", True, ["api repos/acme/gitstatus/git/ref/tags/v9 --silent",
                      "api --method PATCH repos/acme/gitstatus/git/refs/tags/v9 -f sha=abc -F force=true --silent"]),
    ("v10.0.0", False, ["api repos/acme/gitstatus/git/ref/tags/v10 --silent",
                        "api --method POST repos/acme/gitstatus/git/refs -f ref=refs/tags/v10 -f sha=abc --silent"]),
    ("v9.9.0rc1", True, []),
])
def test_release_moves_the_major_tag_of_final_releases_only(tmp_path: Path, tag: str, existing: bool,
                                                            calls: list[str]) -> None:
    log = fake_gh(tmp_path, existing)
    runner = Runner(tmp_path, tmp_path / "runner-temp",
                    env={"PATH": f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}"})
    result = runner.shell("major tag", step("major-tag", "Point v<major> at this release")["run"],
                          {"GH_TOKEN": "t", "REPOSITORY": "acme/gitstatus", "SHA": "abc", "TAG": tag})
    assert result.outcome == "success", result.stdout + result.stderr
    assert (log.read_text(encoding="utf-8").splitlines() if log.exists() else []) == calls

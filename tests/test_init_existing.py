"""``gitstatus init`` in an existing repository: it adds what it needs and keeps what is there.

GitHub makes a new repository with a README.md, a .gitignore (from a template) and a licence.
init keeps the README (the writers' guide goes to STATUS.md), appends the lines it needs to the
.gitignore and .gitattributes, leaves every other file alone, and keeps a file that already says
what it would write, so running it twice changes nothing. Only a file it needs with other
contents (a components.yaml, a workflow) is a conflict: refused, with nothing written, unless --force.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from gitstatus.cli import main
from gitstatus.commands.init import GITATTRIBUTES, GITIGNORE, appended

NOW = "2026-06-12 12:00 UTC"
README = "# acme-status\n\nThe status page of Acme.\n"
#: The head of GitHub's Python .gitignore template, as a new repository gets it.
PYTHON_GITIGNORE = """\
# Byte-compiled / optimized / DLL files
__pycache__/
*.py[cod]

# mkdocs documentation
/site
"""
LICENSE = "MIT License\n\nCopyright (c) 2026 Acme\n"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def github_repo(tmp_path: Path) -> Path:
    """A repository as GitHub makes it: README.md, .gitignore, LICENSE."""
    root = tmp_path / "acme-status"
    root.mkdir()
    for name, text in (("README.md", README), (".gitignore", PYTHON_GITIGNORE), ("LICENSE", LICENSE)):
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_init_in_a_repository_github_made_keeps_its_files_and_adds_its_own(github_repo: Path) -> None:
    code, out, err = run("init", str(github_repo), "--now", NOW)
    assert code == 0, err
    files = tree(github_repo)
    assert files["README.md"] == README.encode() and files["LICENSE"] == LICENSE.encode()
    assert files["STATUS.md"].startswith(b"# Status page\n")  # the writers' guide, beside their README
    gitignore = files[".gitignore"].decode()
    assert gitignore.startswith(PYTHON_GITIGNORE)  # what was there, as it was, first
    assert gitignore[len(PYTHON_GITIGNORE):] == "\n" + GITIGNORE  # then gitstatus's entries with their comments
    assert f"  added to {github_repo / '.gitignore'}\n" in out
    assert f"  wrote {github_repo / 'STATUS.md'}\n" in out
    assert "read STATUS.md for publishing the page" in out
    assert "README.md" not in out
    code, out, _ = run("check", "--root", str(github_repo), "--now", NOW, "--format", "text")
    assert code == 0 and " W103 " in out and out.endswith("2 warnings in components.yaml and 1 incident.\n"), out


def test_running_init_again_changes_nothing(github_repo: Path) -> None:
    assert run("init", str(github_repo), "--now", NOW)[0] == 0
    before = tree(github_repo)
    code, out, _ = run("init", str(github_repo), "--now", NOW)
    assert code == 0
    assert tree(github_repo) == before
    assert "wrote" not in out and "added to" not in out
    assert f"  kept {github_repo / '.gitignore'}\n" in out and f"  kept {github_repo / 'STATUS.md'}\n" in out


def test_a_readme_init_wrote_stays_the_guide(tmp_path: Path) -> None:
    root = tmp_path / "status"
    assert run("init", str(root), "--now", NOW)[0] == 0
    code, out, _ = run("init", str(root), "--now", NOW)
    assert code == 0 and f"  kept {root / 'README.md'}\n" in out
    assert not (root / "STATUS.md").exists()


def test_only_the_missing_entries_are_added() -> None:
    present = "node_modules/\n/site/\n/.gitstatus.lock\n"
    merged = appended(present, GITIGNORE)
    added = merged[len(present):].splitlines()
    assert added == ["", "# gitstatus build output, and the staging folders and lock of a build that is running "
                         "(or crashed)", "/.site.*",
                     "# gitstatus's cache of read files and rendered pages (never commit it: a cache git tracks is not "
                     "used)", "/.gitstatus-cache/"]
    assert appended(merged, GITIGNORE) == merged
    assert appended("*.log", GITIGNORE) == "*.log\n\n" + GITIGNORE  # a last line without its line break
    assert appended("", GITATTRIBUTES) == GITATTRIBUTES
    assert appended("  incidents/*.md merge=gitstatus  \n", GITATTRIBUTES) == "  incidents/*.md merge=gitstatus  \n"


def test_gitattributes_of_their_own_get_the_merge_driver(github_repo: Path) -> None:
    (github_repo / ".gitattributes").write_text("*.png binary\n", encoding="utf-8")
    assert run("init", str(github_repo), "--now", NOW)[0] == 0
    text = (github_repo / ".gitattributes").read_text(encoding="utf-8")
    assert text.startswith("*.png binary\n\n") and text.endswith("incidents/*.md merge=gitstatus\n")


def test_workflows_of_their_own_stay(github_repo: Path) -> None:
    ci = github_repo / ".github/workflows/ci.yml"
    ci.parent.mkdir(parents=True)
    ci.write_text("name: CI\n", encoding="utf-8")
    assert run("init", str(github_repo), "--now", NOW)[0] == 0
    assert ci.read_text(encoding="utf-8") == "name: CI\n"
    assert (github_repo / ".github/workflows/publish.yml").is_file()


def test_a_real_conflict_is_refused_and_nothing_is_written(github_repo: Path) -> None:
    publish = github_repo / ".github/workflows/publish.yml"
    publish.parent.mkdir(parents=True)
    publish.write_text("name: Our own publish\n", encoding="utf-8")
    (github_repo / "components.yaml").write_text("site: {title: Ours}\n", encoding="utf-8")
    before = tree(github_repo)
    code, out, err = run("init", str(github_repo), "--now", NOW)
    assert (code, out) == (1, "")
    assert err == (f"gitstatus: {github_repo} already has .github/workflows/publish.yml, components.yaml, with other "
                   "contents than init would write; nothing was written (pass --force to overwrite them)\n")
    assert tree(github_repo) == before


def test_force_overwrites_the_conflicts_and_still_only_adds_to_gitignore(github_repo: Path) -> None:
    (github_repo / "components.yaml").write_text("site: {title: Ours}\n", encoding="utf-8")
    code, out, _ = run("init", str(github_repo), "--now", NOW, "--force")
    assert code == 0
    assert (github_repo / "components.yaml").read_text(encoding="utf-8").startswith("# Settings of the status page")
    assert (github_repo / ".gitignore").read_text(encoding="utf-8").startswith(PYTHON_GITIGNORE)
    assert (github_repo / "README.md").read_text(encoding="utf-8") == README


def test_a_guide_in_the_way_of_the_guide_is_a_conflict(github_repo: Path) -> None:
    (github_repo / "STATUS.md").write_text("Our status notes\n", encoding="utf-8")
    code, _, err = run("init", str(github_repo), "--now", NOW)
    assert code == 1 and "already has STATUS.md, with other contents" in err


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")
def test_a_linked_gitignore_is_never_added_to_through_the_link(github_repo: Path, tmp_path: Path) -> None:
    outside = tmp_path / "shared-gitignore"
    outside.write_text("*.tmp\n", encoding="utf-8")
    (github_repo / ".gitignore").unlink()
    (github_repo / ".gitignore").symlink_to(outside)
    code, _, err = run("init", str(github_repo), "--now", NOW)
    assert code == 1 and "already has .gitignore, with other contents" in err
    assert outside.read_text(encoding="utf-8") == "*.tmp\n"


def test_a_gitignore_that_is_not_utf8_is_a_conflict_not_a_mangled_file(github_repo: Path) -> None:
    (github_repo / ".gitignore").write_bytes(b"caf\xe9/\n")
    code, _, err = run("init", str(github_repo), "--now", NOW)
    assert code == 1 and "already has .gitignore" in err
    assert (github_repo / ".gitignore").read_bytes() == b"caf\xe9/\n"

"""Asking git for the status repo's files at a revision: three calls whatever the size of the repo.

``rev-parse`` (what REF is, and where the status repo sits in the work tree), ``ls-tree`` (the
files at REF) and ``cat-file --batch`` (all their contents at once). Used by
:class:`source.GitRev` for ``check --base`` and the notifications' "what was published".
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Sequence
from pathlib import Path

from .errors import UsageError
from .read.document import COMPONENTS_FILE, INCIDENTS_DIR


class GitError(UsageError):
    """git cannot answer: no git, not a git work tree, or an unknown revision (exit 2)."""


def _git(root: Path, args: Sequence[str], stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "GIT_LITERAL_PATHSPECS": "1", "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    try:
        return subprocess.run(["git", *args], cwd=root, input=stdin, capture_output=True, env=env, check=False)
    except FileNotFoundError:
        raise GitError("--base needs git, and there is no 'git' command on PATH") from None
    except OSError as err:
        raise GitError(f"cannot run git: {err}") from None


def _first_line(data: bytes) -> str:
    lines = data.decode("utf-8", "replace").strip().splitlines()
    return lines[-1] if lines else "no message"


def resolve(root: Path, ref: str) -> tuple[str, str]:
    """The commit REF names and the status repo's folder within the work tree (``""`` or ``"sub/"``)."""
    if not ref.strip():
        raise GitError("--base needs a git revision, e.g. --base origin/main")
    proc = _git(root, ["rev-parse", "--show-prefix", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"])
    if proc.returncode not in (0, 1):
        raise GitError(f"--base compares with git history, but {root} is not in a git work tree "
                           f"(git says: {_first_line(proc.stderr)})")
    lines = proc.stdout.decode("utf-8", "surrogateescape").split("\n")
    if proc.returncode == 1 or len(lines) < 2 or not lines[1].strip():
        raise GitError(f"--base {ref}: no such git revision. Check the name; in CI, fetch it first "
                           "(actions/checkout with fetch-depth: 0, or git fetch origin <branch>)")
    return lines[1].strip(), lines[0]


def files_at(root: Path, commit: str, prefix: str) -> dict[str, bytes]:
    """components.yaml and the incident files at ``commit``, keyed by path relative to the status repo."""
    listing = _git(root, ["ls-tree", "-z", "--full-tree", commit, "--",
                          f"{prefix}{COMPONENTS_FILE}", f"{prefix}{INCIDENTS_DIR}/"])
    if listing.returncode:
        raise GitError(f"git ls-tree failed: {_first_line(listing.stderr)}")
    wanted: list[tuple[str, str]] = []
    for record in listing.stdout.split(b"\0"):
        if not record:
            continue
        meta, _, raw_path = record.partition(b"\t")
        mode, kind, oid = meta.decode("ascii").split()
        path = raw_path.decode("utf-8", "surrogateescape")
        if kind != "blob" or mode not in ("100644", "100755") or not path.startswith(prefix):
            continue  # folders, symlinks and submodules are never incidents
        relpath = path[len(prefix):]
        name = relpath.rsplit("/", 1)[-1]
        if relpath == COMPONENTS_FILE or (relpath == f"{INCIDENTS_DIR}/{name}" and _is_incident_name(name)):
            wanted.append((relpath, oid))
    if not wanted:
        return {}
    batch = _git(root, ["cat-file", "--batch"], stdin="".join(f"{oid}\n" for _, oid in wanted).encode("ascii"))
    if batch.returncode:
        raise GitError(f"git cat-file failed: {_first_line(batch.stderr)}")
    return dict(zip((relpath for relpath, _ in wanted), _split_batch(batch.stdout), strict=False))


def _split_batch(out: bytes) -> Iterable[bytes]:
    """The contents in ``git cat-file --batch`` output: ``<oid> <type> <size>\\n<bytes>\\n`` each."""
    pos = 0
    while pos < len(out):
        header_end = out.index(b"\n", pos)
        header = out[pos:header_end].split()
        if len(header) != 3:  # "<oid> missing": cannot happen for ids ls-tree just gave
            raise GitError(f"git cat-file: unexpected output {out[pos:header_end]!r}")
        size = int(header[2])
        yield out[header_end + 1: header_end + 1 + size]
        pos = header_end + 1 + size + 1


def _is_incident_name(name: str) -> bool:
    """The names the loader reads as incidents (hidden files and editor droppings are not)."""
    return name.endswith(".md") and not name.startswith(".")

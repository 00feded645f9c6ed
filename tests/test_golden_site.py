"""The example status repo, built at its fixed moment, byte for byte as stored in tests/golden/site.

Every change to the output shows up here as a failing file, so a restructure that should change
nothing proves it, and a deliberate change is reviewed as a diff of the stored site. Regenerate
with ``python3 dev.py test tests/test_golden_site.py --update-golden`` and commit the result.
"""

from __future__ import annotations

import difflib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO

GOLDEN = REPO / "tests" / "golden" / "site"
EXAMPLE_NOW = "2026-11-26 15:00 UTC"  # dev.py's EXAMPLE_NOW: the moment the example was written for


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _difference(path: str, want: bytes, got: bytes) -> str:
    try:
        lines = difflib.unified_diff(want.decode().splitlines(), got.decode().splitlines(),
                                     f"golden/{path}", f"built/{path}", lineterm="", n=1)
        return "\n".join(list(lines)[:40])
    except UnicodeDecodeError:
        return f"{path}: binary content differs"


def test_example_site_matches_golden(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    out = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "gitstatus", "build", "--root", str(REPO), "--out", str(out),
                    "--now", EXAMPLE_NOW], check=True, capture_output=True)
    built = _files(out)
    if request.config.getoption("--update-golden"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        shutil.copytree(out, GOLDEN)
        pytest.skip("golden site regenerated: review and commit tests/golden/site")
    golden = _files(GOLDEN)
    assert sorted(built) == sorted(golden), "the site's file list changed"
    changed = [path for path in golden if built[path] != golden[path]]
    assert not changed, "\n\n".join(_difference(p, golden[p], built[p]) for p in changed)

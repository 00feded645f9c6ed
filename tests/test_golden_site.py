"""The example status repo, built at its fixed moment, byte for byte as stored in tests/golden/site.

Every change to the output shows up here as a failing file, so a restructure that should change
nothing proves it, and a deliberate change is reviewed as a diff of the stored site. Regenerate
with ``python3 dev.py test tests/test_golden_site.py --update-golden`` and commit the result.
"""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest

from .conftest import EXAMPLE_NOW, REPO, run_gitstatus, site_files

GOLDEN = REPO / "tests" / "golden" / "site"


def _difference(path: str, want: bytes, got: bytes) -> str:
    try:
        lines = difflib.unified_diff(want.decode().splitlines(), got.decode().splitlines(),
                                     f"golden/{path}", f"built/{path}", lineterm="", n=1)
        return "\n".join(list(lines)[:40])
    except UnicodeDecodeError:
        return f"{path}: binary content differs"


def test_example_site_matches_golden(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    out = tmp_path / "site"
    done = run_gitstatus("build", "--root", REPO, "--out", out, "--now", EXAMPLE_NOW)
    assert done.returncode == 0, done.stderr
    built = site_files(out)
    if request.config.getoption("--update-golden"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        shutil.copytree(out, GOLDEN)
        pytest.skip("golden site regenerated: review and commit tests/golden/site")
    golden = site_files(GOLDEN)
    assert sorted(built) == sorted(golden), "the site's file list changed"
    changed = [path for path in golden if built[path] != golden[path]]
    assert not changed, "\n\n".join(_difference(p, golden[p], built[p]) for p in changed)

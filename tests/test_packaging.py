"""The wheel holds every module and the whole theme, and a build works from it outside the checkout.

setuptools' explicit package list drops a new subpackage silently, and theme/ reaches the wheel only
through package-dir: this test is what notices either.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from .conftest import REPO


def test_the_wheel_holds_the_package_and_the_theme_and_builds_a_site(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    # An isolated build, as pip and `python -m build` make it: the build requirements come from pyproject.toml.
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(REPO)],
                           capture_output=True, text=True, check=False)
    assert built.returncode == 0, built.stdout + built.stderr
    wheel = next(dist.glob("gitstatus_page-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())

    expected = {f"gitstatus/{p.relative_to(REPO / 'gitstatus').as_posix()}"
                for pattern in ("*.py", "words/*.yaml") for p in (REPO / "gitstatus").rglob(pattern)}
    expected |= {f"gitstatus/theme/{p.relative_to(REPO / 'theme').as_posix()}"
                 for p in (REPO / "theme").rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    assert expected - names == set()
    assert "gitstatus/py.typed" in names
    assert not [n for n in names if n.endswith(".pyc")]

    unpacked = tmp_path / "unpacked"
    zipfile.ZipFile(wheel).extractall(unpacked)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = subprocess.run(
        [sys.executable, "-I", "-c",
         f"import sys; sys.path.insert(0, {str(unpacked)!r}); from gitstatus.cli import main; main()",
         "build", "--root", str(REPO), "--out", str(tmp_path / "site"), "--now", "2026-11-26 15:00 UTC"],
        cwd=elsewhere, capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "site" / "static" / "style.css").read_bytes() == (REPO / "theme/static/style.css").read_bytes()
    assert (tmp_path / "site" / "index.html").is_file()

"""Without Chromium the browser tests skip, with the reason, on a developer's machine; under CI they fail.

Runs pytest on one browser test in a child process with the browser pointed at a path that does
not exist; needs no browser itself.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO

TARGET = "tests/browser/test_reading.py::test_group_is_open_when_a_member_is_not_operational"


def run_without_chromium(tmp_path: Path, ci: bool) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "GITHUB_ACTIONS")}
    env["GITSTATUS_CHROMIUM"] = str(tmp_path / "no-chromium-here")
    if ci:
        env["CI"] = "true"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rsE", "-p", "no:cacheprovider", "--output", str(tmp_path / "out"),
         "--rootdir", str(REPO), TARGET],
        capture_output=True, text=True, cwd=REPO, env=env,
    )


@pytest.mark.parametrize("ci", [False, True], ids=["locally", "under-ci"])
def test_a_missing_browser_skips_locally_and_fails_under_ci(tmp_path: Path, ci: bool) -> None:
    result = run_without_chromium(tmp_path, ci)
    output = result.stdout + result.stderr
    assert "Chromium not found at" in output and "apt-get install chromium" in output, output
    if ci:
        assert result.returncode == 1, output
        assert "1 error" in output and "skipped" not in output, output
        assert "under CI=true the browser tests must run" in output
    else:
        assert result.returncode == 0, output
        assert "1 skipped" in output, output

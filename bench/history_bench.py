#!/usr/bin/env python3
"""What ``gitstatus check --base REF`` adds to ``gitstatus check`` on big status repos.

For each size (default 1,000 and 10,000 incidents) it writes a synthetic corpus with
``bench/corpus.py``, commits it to a fresh git repository, edits the working tree the way a
pull request does (one update appended, one message fixed), then times, several runs each:

* ``history.compare()`` in this process: git (rev-parse, ls-tree, one cat-file --batch),
  reading the working tree, parsing and comparing the files that differ from REF;
* the real CLI, ``gitstatus check`` with and without ``--base HEAD``, in a subprocess.

    python bench/history_bench.py                     # 1,000 and 10,000 incidents, 3 runs each
    python bench/history_bench.py --sizes 1000 --runs 5
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import corpus  # noqa: E402  (bench/ is not a package; this script runs from anywhere)
from check_bench import gitstatus_command  # noqa: E402

from gitstatus import changes  # noqa: E402
from gitstatus.rules import has_errors  # noqa: E402
from gitstatus.source import Disk, GitRev  # noqa: E402

NOW = corpus.DEFAULT_NOW
GIT_ENV = {**os.environ, "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.invalid",
           "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.invalid",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", *args],
                   cwd=root, env=GIT_ENV, check=True, capture_output=True)


def make_repo(root: Path, size: int) -> None:
    corpus.generate(root, size, seed=0, now=NOW)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "published")
    files = sorted((root / "incidents").glob("*.md"))
    first = files[0].read_text(encoding="utf-8")
    files[0].write_text(first.replace(" the ", " the  ", 1), encoding="utf-8")


def timed(action: object, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()  # type: ignore[operator]
        times.append(time.perf_counter() - started)
    return times


def cli(root: Path, *extra: str) -> None:
    subprocess.run([*gitstatus_command(), "check", "--root", str(root), "--now", NOW.isoformat(),
                    "--format", "text", *extra], capture_output=True, check=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    print(f"{'incidents':>9}  {'compare()':>10}  {'check':>8}  {'check --base':>12}  (median of {args.runs}, seconds)")
    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix="gitstatus-history-") as temp:
            root = Path(temp)
            make_repo(root, size)
            result = changes.compare(Disk(root), GitRev(root, "HEAD"), dt.UTC)
            assert not has_errors(result.diagnostics), result.diagnostics[:3]
            compare = timed(lambda root=root: changes.compare(Disk(root), GitRev(root, "HEAD"), dt.UTC), args.runs)
            plain = timed(lambda root=root: cli(root), args.runs)
            based = timed(lambda root=root: cli(root, "--base", "HEAD"), args.runs)
            print(f"{size:>9}  {statistics.median(compare):>10.2f}  {statistics.median(plain):>8.2f}  "
                  f"{statistics.median(based):>12.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""A CI rebuild and the fixed cost, against another gitstatus (before/after), alternated run by run.

Two gitstatus versions: this checkout's, and the one at ``--before REV`` (exported with ``git
archive``, run with the same interpreter). For each, a copy of one corpus (``bench/corpus.py``)
is built once to fill its cache. Then, alternating the two versions run by run:

- **CI rebuild**: the repo and its ``.gitstatus-cache`` copied afresh (new inodes, as a checkout
  and ``actions/cache`` make them), one incident changed, ``gitstatus build`` into a fresh folder;
- **fixed cost**: ``gitstatus build --no-cache`` of a repo with no incident.

Medians of wall and CPU seconds (user and system of the process tree). Bytecode caching is on,
as users have it. Not a test: run it by hand.

    .venv/bin/python bench/rebuild_bench.py [--size 10000] [--runs 5] [--before REV]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402  (bench/ is not a package)
from versions import command, print_medians, side_by_side, user_env  # noqa: E402
from versus_hugo import Run, change_one, timed  # noqa: E402

NOW = corpus.DEFAULT_NOW.isoformat()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--before", default="main", help="the gitstatus to compare with (a git revision)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="gitstatus-rebuild-") as tmp:
        work = Path(tmp)
        paths = side_by_side(args.before, work)
        env = user_env()

        def gitstatus(name: str, *extra: str) -> list[str]:
            return command(paths[name], *extra)

        source = work / "corpus"
        corpus.generate(source, args.size, seed=0)
        empty = work / "empty"
        corpus.generate(empty, 0)
        repos = {}
        for name in paths:
            repos[name] = work / f"repo-{name}"
            shutil.copytree(source, repos[name])
            subprocess.run(gitstatus(name, "build", "--root", str(repos[name]), "--out", str(work / f"warm-{name}"),
                                     "--now", NOW), check=True, capture_output=True, env=env, cwd=work)
        found: dict[str, list[Run]] = {}
        for n in range(args.runs):
            for name in sorted(paths, reverse=n % 2 == 1):  # each first in turn
                checkout = work / f"checkout-{name}"
                shutil.copytree(repos[name], checkout)  # new inodes, the cache folder with them
                change_one(checkout, n)
                found.setdefault(f"CI rebuild, {name}", []).append(timed(gitstatus(
                    name, "build", "--root", str(checkout), "--out", str(checkout / "_site"), "--now", NOW), env, work))
                shutil.rmtree(checkout)
        for n in range(args.runs):  # apart: right after deleting a checkout, this disk is slow for a while
            for name in sorted(paths, reverse=n % 2 == 1):
                found.setdefault(f"fixed cost, {name}", []).append(timed(gitstatus(
                    name, "build", "--root", str(empty), "--out", str(work / "empty-site"), "--now", NOW,
                    "--no-cache"), env, work))
        print_medians(f"{args.size:,} incidents, medians of {args.runs} runs, alternated (before = {args.before}):",
                      found, 22)


if __name__ == "__main__":
    main()

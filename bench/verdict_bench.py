#!/usr/bin/env python3
"""``check`` and ``update`` at 10,000 incidents with a warm cache, against another gitstatus (before/after).

Two copies of one corpus (``bench/corpus.py``), one per gitstatus: this checkout's, and the
one at ``--before REV`` (exported with ``git archive`` into a temporary folder, run with the
same interpreter), each with its own cache filled by two checks. Then, alternating the two
run by run: ``check`` warm, ``check --no-cache`` (this checkout's), and ``update`` of an open
incident. Medians of wall and CPU seconds. Not a test: run it by hand.

    .venv/bin/python bench/verdict_bench.py [--size 10000] [--runs 5] [--before main]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402  (bench/ is not a package)
from versions import command, print_medians, side_by_side, user_env  # noqa: E402
from versus_hugo import Run, timed  # noqa: E402

NOW = corpus.DEFAULT_NOW.isoformat()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--before", default="main", help="the gitstatus to compare with (a git revision)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="gitstatus-verdict-") as tmp:
        work = Path(tmp)
        # Run from the temporary folder: ``python -m`` puts the working folder first on the path.
        paths = side_by_side(args.before, work)
        root = work / "corpus"
        corpus.generate(root, args.size, seed=1)
        repos = {}
        for name in paths:
            repos[name] = work / name / "repo"
            shutil.copytree(root, repos[name])
        env = user_env()
        env["SOURCE_DATE_EPOCH"] = str(int(corpus.DEFAULT_NOW.timestamp()))  # update's now: the corpus's

        def cmd(name: str, *extra: str) -> list[str]:
            return command(paths[name], *extra, "--root", str(repos[name]))

        for name in paths:
            for _ in range(2):
                subprocess.run(cmd(name, "check", "--now", NOW), capture_output=True, check=False, env=env, cwd=work)
                time.sleep(2.5)  # the cache trusts a file's stat once it is two seconds old
        texts = {p.stem: p.read_text(encoding="utf-8") for p in sorted((root / "incidents").glob("*.md"))}
        active = next(stem for stem, text in texts.items() if "Resolved" not in text and "scheduled:" not in text)
        found: dict[str, list[Run]] = {}
        for n in range(args.runs):
            for name in paths:
                found.setdefault(f"check warm, {name}", []).append(timed(cmd(name, "check", "--now", NOW), env, work))
                found.setdefault(f"update warm, {name}", []).append(
                    timed(cmd(name, "update", active, "-m", f"Still on it ({n})."), env, work))
            found.setdefault("check --no-cache", []).append(
                timed(cmd("after", "check", "--now", NOW, "--no-cache"), env, work))
        print_medians(f"{args.size:,} incidents, medians of {args.runs} runs, alternated (before = {args.before}):",
                      found)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""How long a cold ``gitstatus build`` takes on big status repos, and how much memory it needs.

For each size (default 1,000 and 10,000 incidents) it writes a synthetic corpus with
``bench/corpus.py`` and runs the real CLI, ``gitstatus build --root … --out … --now …``,
several times, each into a fresh output folder in a fresh process (nothing cached: a
cold build, as CI runs it). With ``--jobs`` it compares worker counts in the same run,
so the ratio holds even on a noisy machine.

Memory: a parallel build is a parent process plus workers. The script samples the
resident memory of the whole process tree every 20 ms from /proc (Linux) and reports its
peak (the sum over processes), beside ``ru_maxrss`` (the largest single process).

    python bench/build_bench.py                          # 1,000 and 10,000 incidents, 3 runs, default jobs
    python bench/build_bench.py --sizes 1000 --jobs 1 2 --runs 5 --json figures.json
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402  (bench/ is not a package; this script runs from anywhere)
from check_bench import gitstatus_command  # noqa: E402

NOW = corpus.DEFAULT_NOW


def _tree_rss_kib(pid: int) -> int:
    """Resident memory of ``pid`` and all its descendants, in KiB (0 where /proc is missing)."""
    total, stack, seen = 0, [pid], set()
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            with open(f"/proc/{current}/status", encoding="ascii") as handle:
                for line in handle:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
            with open(f"/proc/{current}/task/{current}/children", encoding="ascii") as handle:
                stack += [int(child) for child in handle.read().split()]
        except (OSError, ValueError):
            continue
    return total


def run_build(args: list[str]) -> dict[str, float | int | str]:
    """One build in a child process: wall time, peak tree RSS, largest single RSS, exit code."""
    peak = 0
    done = threading.Event()
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        process = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT)

        def sample() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, _tree_rss_kib(process.pid))
                done.wait(0.02)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        done.set()
        sampler.join()
        out.seek(0)
        output = out.read().decode("utf-8", "replace")
    return {"seconds": wall, "tree_peak_mib": peak / 1024, "max_single_mib": usage.ru_maxrss / 1024,
            "exit": os.waitstatus_to_exitcode(status), "output": output.strip().splitlines()[-1:]}


def settle() -> None:
    """Let the disk finish writing the last output before the next run is timed.

    On this machine's ext4 (mounted with ``discard``) deleting 10,000 files just before a run
    makes its file creation several seconds slower, which is not the build's own cost, so
    outputs are kept until the end of the benchmark (the temporary folder is removed then).
    """
    if hasattr(os, "sync"):
        os.sync()
    time.sleep(3)


def bench(size: int, jobs: list[int | None], runs: int, workdir: Path, seed: int) -> list[dict[str, object]]:
    root = workdir / f"corpus-{size}"
    if not (root / "components.yaml").exists():
        corpus.generate(root, size, seed=seed, now=NOW)
    rows = []
    for job in jobs:
        samples = []
        for run in range(runs):
            out = workdir / f"site-{size}-{job}-{run}"
            args = [*gitstatus_command(), "build", "--root", str(root), "--out", str(out),
                    "--now", NOW.isoformat()]
            if job:
                args += ["--jobs", str(job)]
            result = run_build(args)
            if result["exit"] != 0:
                raise SystemExit(f"build failed: {result['output']}")
            samples.append(result)
            settle()  # outputs are deleted after all runs: deleting one is slow on this disk, see settle()
        seconds = [float(s["seconds"]) for s in samples]
        rows.append({
            "incidents": size,
            "jobs": job or "default",
            "median_s": round(statistics.median(seconds), 2),
            "min_s": round(min(seconds), 2),
            "max_s": round(max(seconds), 2),
            "tree_peak_mib": round(max(float(s["tree_peak_mib"]) for s in samples)),
            "max_single_mib": round(max(float(s["max_single_mib"]) for s in samples)),
        })
        print(json.dumps(rows[-1]), flush=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--jobs", type=int, nargs="+", default=None, help="worker counts to compare")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    jobs: list[int | None] = list(args.jobs) if args.jobs else [None]
    with tempfile.TemporaryDirectory(prefix="gitstatus-build-bench-") as tmp:
        rows = [row for size in args.sizes for row in bench(size, jobs, args.runs, Path(tmp), args.seed)]
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

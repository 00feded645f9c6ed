#!/usr/bin/env python3
"""How long ``gitstatus check`` takes on big status repos, and how much memory it needs.

For each size (default 1,000 and 10,000 incidents) it writes a synthetic corpus with
``bench/corpus.py``, then runs, several times each:

* the real CLI, ``gitstatus check --root … --now …``, in a subprocess (process start,
  imports and output included: what a CI job waits for);
* the library call ``gitstatus.commands.build.check()`` in a fresh Python process, timed around
  the call only, with the time split into reading the Project (files, YAML, sections, per-file rules) and
  checking it at now (the rules that need the clock, and deriving the page's state);
* the same call with ``jobs=`` the CPU count, when ``check`` takes that argument.

Each run is its own child process, so its peak memory is its own: ``os.wait4`` returns that
child's ``ru_maxrss`` and CPU time. Reported: the median wall time (and the range), the median
CPU time (user + system: what the work costs, even when other programs slow the wall clock
down; compare it with the load average printed in the title) and the peak RSS.

    python bench/check_bench.py                      # 1,000 and 10,000 incidents, 5 runs each
    python bench/check_bench.py --sizes 100 1000 --runs 3 --json figures.json
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402  (bench/ is not a package; this script runs from anywhere)

from gitstatus.commands.build import check  # noqa: E402

NOW = corpus.DEFAULT_NOW

_IN_PROCESS = """
import datetime as dt, json, resource, sys, time
from pathlib import Path
from gitstatus.commands.build import check
from gitstatus.project import load
from gitstatus.source import Disk

root, now, jobs = Path(sys.argv[1]), dt.datetime.fromisoformat(sys.argv[2]), int(sys.argv[3])
kwargs = {"jobs": jobs} if jobs > 1 else {}
started, cpu = time.perf_counter(), time.process_time()
result = check(root, now, **kwargs)
total, cpu = time.perf_counter() - started, time.process_time() - cpu
peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # before the breakdown below adds its own
figures = {"seconds": total, "cpu": cpu, "peak_kib": peak_kib, "diagnostics": len(result.diagnostics),
           "incidents": len(result.page.incidents)}
del result
if jobs == 1:  # the same work again, step by step, for the breakdown
    t0 = time.perf_counter(); project = load(Disk(root))
    t1 = time.perf_counter(); project.check(now)
    t2 = time.perf_counter()
    figures.update(read=t1 - t0, check_and_derive=t2 - t1)
print(json.dumps(figures))
"""


@dataclass(frozen=True)
class ChildRun:
    wall: float
    """Seconds from start to exit, as a user waits for it."""
    cpu: float
    """User + system seconds of the child: less disturbed than wall time by other load on the machine."""
    peak_rss_kib: int
    exit_code: int
    output: str


def run_child(args: list[str]) -> ChildRun:
    """Run one command to completion and measure it alone (``os.wait4`` gives this child's own usage)."""
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        process = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        return ChildRun(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, process.returncode,
                        out.read().decode("utf-8", "replace"))


def gitstatus_command() -> list[str]:
    """The installed console script next to this Python, else ``python -m gitstatus``."""
    script = Path(sys.executable).with_name("gitstatus")
    return [str(script)] if script.exists() else [sys.executable, "-m", "gitstatus"]


def bench_size(size: int, runs: int, workdir: Path, seed: int) -> dict[str, object]:
    root = workdir / f"corpus-{size}"
    started = time.perf_counter()
    corpus.generate(root, size, seed=seed, now=NOW)
    generated = time.perf_counter() - started
    size_bytes = sum(p.stat().st_size for p in (root / "incidents").iterdir())

    cli = [*gitstatus_command(), "check", "--root", str(root), "--now", NOW.isoformat(), "--format", "text"]
    run_child(cli)  # warm the page cache; not counted
    cli_runs = []
    for _ in range(runs):
        run = run_child(cli)
        if run.exit_code != 0:
            raise SystemExit(f"gitstatus check failed on the corpus (exit {run.exit_code}):\n{run.output[-2000:]}")
        cli_runs.append(run)

    steps = []
    for _ in range(runs):
        run = run_child([sys.executable, "-c", _IN_PROCESS, str(root), NOW.isoformat(), "1"])
        if run.exit_code != 0:
            raise SystemExit(f"check() failed on the corpus:\n{run.output[-2000:]}")
        figures = json.loads(run.output.strip().splitlines()[-1])
        if figures["diagnostics"] or figures["incidents"] != size:
            raise SystemExit(f"the corpus did not check clean: {figures}")
        steps.append(figures)

    pool = []
    jobs = os.cpu_count() or 1
    if jobs > 1 and "jobs" in inspect.signature(check).parameters:
        for _ in range(runs):
            run = run_child([sys.executable, "-c", _IN_PROCESS, str(root), NOW.isoformat(), str(jobs)])
            if run.exit_code == 0:
                pool.append(json.loads(run.output.strip().splitlines()[-1])["seconds"])

    def median(values: Iterable[float]) -> float:
        return round(statistics.median(values), 3)

    return {
        "incidents": size,
        "corpus_mb": round(size_bytes / 1e6, 1),
        "generate_s": round(generated, 2),
        "runs": runs,
        "cli_median_s": median(r.wall for r in cli_runs),
        "cli_range_s": [round(min(r.wall for r in cli_runs), 3), round(max(r.wall for r in cli_runs), 3)],
        "cli_cpu_median_s": median(r.cpu for r in cli_runs),
        "cli_peak_rss_mb": round(max(r.peak_rss_kib for r in cli_runs) / 1024, 1),
        "check_median_s": median(s["seconds"] for s in steps),
        "check_cpu_median_s": median(s["cpu"] for s in steps),
        "check_peak_rss_mb": round(max(s["peak_kib"] for s in steps) / 1024, 1),
        "check_jobs": jobs if pool else 1,
        "check_pool_median_s": median(pool) if pool else None,
        "read_median_s": median(s["read"] for s in steps),
        "check_derive_median_s": median(s["check_and_derive"] for s in steps),
        "us_per_incident": round(statistics.median(s["seconds"] for s in steps) / size * 1e6, 1),
        "load_average": round(os.getloadavg()[0], 2),
    }


def print_table(rows: list[dict[str, object]]) -> None:
    print(f"\ngitstatus check, median of {rows[0]['runs']} runs (Python {sys.version.split()[0]}, "
          f"{os.cpu_count()} CPUs; load average at the end: {rows[-1]['load_average']})")
    header = ("incidents", "corpus", "CLI wall (range)", "CLI CPU", "CLI peak RSS", "check()", "check() CPU",
              "check() RSS", f"check(jobs={rows[0]['check_jobs']})", "read", "check at now", "per incident")
    print(" | ".join(header))
    print(" | ".join("---" for _ in header))
    for r in rows:
        pool = f"{r['check_pool_median_s']} s" if r["check_pool_median_s"] is not None else "n/a"
        print(" | ".join((
            f"{r['incidents']:,}", f"{r['corpus_mb']} MB",
            f"{r['cli_median_s']} s ({r['cli_range_s'][0]}–{r['cli_range_s'][1]})", f"{r['cli_cpu_median_s']} s",
            f"{r['cli_peak_rss_mb']} MB", f"{r['check_median_s']} s", f"{r['check_cpu_median_s']} s",
            f"{r['check_peak_rss_mb']} MB", pool,
            f"{r['read_median_s']} s", f"{r['check_derive_median_s']} s",
            f"{r['us_per_incident']} µs",
        )))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--keep", type=Path, help="write the corpora here and keep them (default: a temp folder)")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory(prefix="gitstatus-bench-") as temp:
        workdir = args.keep or Path(temp)
        for size in args.sizes:
            print(f"… {size:,} incidents", file=sys.stderr, flush=True)
            rows.append(bench_size(size, args.runs, workdir, args.seed))
    print_table(rows)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

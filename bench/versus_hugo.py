#!/usr/bin/env python3
"""gitstatus against a minimal Hugo site on the same incidents: every row of the speed table, in one run.

For 100, 1,000 and 10,000 incidents (``bench/corpus.py``) it builds the status page with
gitstatus and a minimal Hugo site (one list and one single layout, no theme; Hugo renders the
same incident files, front matter and all, with its own Markdown engine) and reports:

- cold builds (gitstatus ``--no-cache`` into a fresh folder; Hugo into a fresh folder),
  alternating the two tools run by run, as medians of ``--runs`` runs with CPU seconds (user +
  system of the whole process tree) beside wall seconds, and the peak resident memory of the
  whole process tree (sampled from /proc);
- the fixed cost: a gitstatus build of a repo with no incident;
- a CI rebuild at 10,000 after one incident changed: the repo and its ``.gitstatus-cache``
  copied afresh (new inodes, as actions/cache restores it), one incident changed, built into
  a fresh folder (Hugo has no persistent cache: its row is a full build);
- ``gitstatus serve``: from saving an incident file to the browser's reload event, at 10,000;
- ``gitstatus update`` and ``gitstatus check`` at 10,000, with the cache filled by a check.

Hugo is Debian's ``hugo`` package, installed with apt-get when it is missing; when it cannot be
installed the Hugo rows say so and the ratios are left out. Timings on a shared machine are noisy:
the ratios within one run are what to compare. Not a test: run it by hand.

    .venv/bin/python bench/versus_hugo.py [--sizes 100 1000 10000] [--runs 5] [--markdown table.md]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402  (bench/ is not a package)
from build_bench import _tree_rss_kib  # noqa: E402
from serve_latency import Preview  # noqa: E402

NOW = corpus.DEFAULT_NOW.isoformat()
GITSTATUS = [str(REPO / ".venv" / "bin" / "gitstatus")]

HUGO_CONFIG = """\
baseURL = "https://status.example.com/"
title = "Acme Status"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
[markup.goldmark.renderer]
unsafe = false
"""
HUGO_LIST = """\
<!doctype html><html><head><meta charset="utf-8"><title>{{ .Title }}</title></head><body>
<h1>{{ .Title }}</h1>
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
</body></html>
"""
HUGO_SINGLE = """\
<!doctype html><html><head><meta charset="utf-8"><title>{{ .Title }}</title></head><body>
<h1>{{ .Title }}</h1>
<p>{{ .Params.impact }} · {{ delimit .Params.components ", " }}</p>
{{ .Content }}
</body></html>
"""


@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float
    peak_mib: float
    ok: bool


def timed(args: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> Run:
    """Run a command; its wall time, the CPU time of it and its children, and the peak RSS of its process tree."""
    started = time.perf_counter()
    proc = subprocess.Popen(args, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss_kib(proc.pid))
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        assert proc.stderr is not None
        print(f"  failed: {' '.join(args)}\n{proc.stderr.read().decode(errors='replace')[-2000:]}", file=sys.stderr)
    return Run(wall, usage.ru_utime + usage.ru_stime, peak / 1024, proc.returncode == 0)


def median(runs: list[Run]) -> Run:
    return Run(statistics.median(r.wall for r in runs), statistics.median(r.cpu for r in runs),
               max(r.peak_mib for r in runs), all(r.ok for r in runs))


# --- Hugo ---------------------------------------------------------------------------------------------------

def find_hugo() -> tuple[str | None, str]:
    """The hugo binary, installed from Debian's package when missing; or None and why not."""
    found = shutil.which("hugo")
    if found is None and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        for args in (["apt-get", "install", "-y", "-q", "hugo"], ["apt-get", "update", "-q"],
                     ["apt-get", "install", "-y", "-q", "hugo"]):
            subprocess.run(args, env=env, capture_output=True, check=False)
            found = shutil.which("hugo")
            if found:
                break
    if found is None:
        return None, "Hugo is not installed and 'apt-get install hugo' did not install it"
    version = subprocess.run([found, "version"], capture_output=True, text=True, check=False).stdout.strip()
    return found, version


def hugo_site(root: Path, site: Path) -> None:
    """A minimal Hugo site over the incidents of ``root``: a list and a single layout, no theme."""
    (site / "layouts" / "_default").mkdir(parents=True)
    (site / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    (site / "layouts" / "_default" / "list.html").write_text(HUGO_LIST, encoding="utf-8")
    (site / "layouts" / "_default" / "single.html").write_text(HUGO_SINGLE, encoding="utf-8")
    shutil.copytree(root / "incidents", site / "content" / "incidents")


# --- the rows ---------------------------------------------------------------------------------------------------

def cold_builds(root: Path, work: Path, hugo: str | None, runs: int) -> tuple[Run, Run | None]:
    """Alternating cold builds of gitstatus and Hugo, each into a fresh folder."""
    site = work / "hugo"
    if hugo:
        hugo_site(root, site)
    ours: list[Run] = []
    theirs: list[Run] = []
    for n in range(runs):
        order = ["g", "h"] if n % 2 == 0 else ["h", "g"]
        for tool in order:
            out = work / f"out-{tool}-{n}"
            if tool == "g":
                ours.append(timed([*GITSTATUS, "build", "--root", str(root), "--out", str(out), "--now", NOW,
                                   "--no-cache"]))
            elif hugo:
                theirs.append(timed([hugo, "--quiet", "--source", str(site), "--destination", str(out)]))
            shutil.rmtree(out, ignore_errors=True)
    return median(ours), median(theirs) if theirs else None


def fixed_cost(work: Path, runs: int) -> Run:
    root = work / "empty"
    corpus.generate(root, 0)
    found = [timed([*GITSTATUS, "build", "--root", str(root), "--out", str(work / "empty-site"), "--now", NOW,
                    "--no-cache"]) for _ in range(runs)]
    return median(found)


def change_one(root: Path, n: int) -> None:
    path = sorted((root / "incidents").glob("*.md"))[len(list((root / "incidents").glob("*.md"))) // 2]
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + f"\n\nEdited ({n}).\n", encoding="utf-8")


def ci_rebuilds(root: Path, work: Path, runs: int) -> Run:
    """The cache of a previous run restored into a fresh checkout, one incident changed, a build."""
    subprocess.run([*GITSTATUS, "build", "--root", str(root), "--out", str(work / "warmup"), "--now", NOW],
                   check=True, capture_output=True)
    found = []
    for n in range(runs):
        checkout = work / f"checkout-{n}"
        shutil.copytree(root, checkout)  # new inodes, and the cache folder with it, as a restore makes them
        change_one(checkout, n)
        found.append(timed([*GITSTATUS, "build", "--root", str(checkout), "--out", str(checkout / "_site"),
                            "--now", NOW]))
        shutil.rmtree(checkout)
    return median(found)


def serve_latency(root: Path, runs: int) -> float:
    preview = Preview(root, NOW)
    target = sorted((root / "incidents").glob("*.md"))[7]
    original = target.read_text(encoding="utf-8")
    latencies = []
    try:
        for n in range(runs + 1):
            while not preview.events.empty():
                preview.events.get()
            started = time.perf_counter()
            target.write_text(original.rstrip("\n") + f"\n\nbench-edit-{n}\n", encoding="utf-8")
            kind, at = preview.next_event(120)
            assert kind == "reload", kind
            if n:  # the first save after start-up also warms the process up
                latencies.append(at - started)
            time.sleep(0.5)
    finally:
        preview.proc.send_signal(signal.SIGINT)
        try:
            preview.proc.wait(timeout=120)  # a rebuild under way finishes first
        except subprocess.TimeoutExpired:
            preview.proc.kill()
            preview.proc.wait()
        target.write_text(original, encoding="utf-8")
    rebuilds = [line.strip() for line in preview.log if "Rebuilt in" in line]
    print(f"  serve: {[round(x, 3) for x in latencies]}; {rebuilds[-1][:100] if rebuilds else ''}", flush=True)
    return statistics.median(latencies)


def writing(root: Path, work: Path, runs: int) -> tuple[Run, Run, Run]:
    """``check`` cold and warm (the cache filled by a check), and ``update`` with the cache warm."""
    repo = work / "writing"
    shutil.copytree(root, repo)
    shutil.rmtree(repo / ".gitstatus-cache", ignore_errors=True)
    check = [*GITSTATUS, "check", "--root", str(repo), "--now", NOW]
    cold = median([timed([*check, "--no-cache"]) for _ in range(runs)])
    subprocess.run(check, capture_output=True, check=False)
    time.sleep(2.5)  # the cache trusts a file's stat once it is two seconds old
    subprocess.run(check, capture_output=True, check=False)
    warm = median([timed(check) for _ in range(runs)])
    texts = {p: p.read_text(encoding="utf-8") for p in sorted((repo / "incidents").glob("*.md"))}
    active = next(p for p, text in texts.items() if "Resolved" not in text and "scheduled:" not in text)
    update = median([timed([*GITSTATUS, "update", active.stem, "--root", str(repo), "-m", f"Still on it ({n})."])
                     for n in range(runs)])
    return cold, warm, update


# --- the table ---------------------------------------------------------------------------------------------------

def cell(run: Run | None) -> str:
    if run is None:
        return "—"
    return f"{run.wall:.2f} s wall, {run.cpu:.2f} s CPU" + ("" if run.ok else " (FAILED)")


def ratio(ours: Run, theirs: Run | None) -> str:
    return f"{ours.wall / theirs.wall:.2f}×" if theirs else "no Hugo"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--runs-large", type=int, default=None,
                        help="runs at the largest size (default: --runs); say so when fewer")
    parser.add_argument("--markdown", type=Path, help="also write the table to this file")
    args = parser.parse_args(argv)
    hugo, hugo_note = find_hugo()
    print(f"Hugo: {hugo_note}", flush=True)
    rows: list[tuple[str, str, str, str, str]] = []
    biggest = max(args.sizes)
    large = args.runs_large or args.runs
    with tempfile.TemporaryDirectory(prefix="gitstatus-vs-hugo-") as folder:
        work = Path(folder)
        fixed = fixed_cost(work, args.runs)
        print(f"fixed cost: {cell(fixed)}", flush=True)
        memory: tuple[Run, Run | None] | None = None
        roots: dict[int, Path] = {}
        for size in sorted(args.sizes, reverse=True):
            root = work / f"repo-{size}"
            corpus.generate(root, size)
            roots[size] = root
            ours, theirs = cold_builds(root, work / f"cold-{size}", hugo, large if size == biggest else args.runs)
            goal = {10000: "≤ 0.7×", 1000: "≤ 1.0×"}.get(size, "≤ 2.0×, fixed cost ≤ 0.15 s")
            extra = f"; fixed cost {fixed.wall:.2f} s" if size == min(args.sizes) else ""
            rows.append((f"cold build, {size:,} incidents", f"{cell(ours)} ({ratio(ours, theirs)}){extra}",
                         cell(theirs), goal, ""))
            print(rows[-1], flush=True)
            if size == biggest:
                memory = (ours, theirs)
        root = roots[biggest]
        ci = ci_rebuilds(root, work, large)
        _, hugo_full = memory if memory else (None, None)
        rows.append((f"CI rebuild at {biggest:,} after one incident changed", cell(ci), cell(hugo_full)
                     + " (a full build)", "≤ 0.5 s with the cache restored", ""))
        print(rows[-1], flush=True)
        latency = serve_latency(root, large)
        rows.append((f"`serve`: save → reload event at {biggest:,}", f"{latency:.2f} s", "", "≤ 0.3 s", ""))
        print(rows[-1], flush=True)
        cold_check, warm_check, update = writing(root, work, large)
        rows.append((f"`gitstatus update` at {biggest:,}", cell(update), "", "≤ 0.3 s", "cache warm"))
        rows.append((f"`gitstatus check` at {biggest:,}", f"{cell(warm_check)} (cold: {cell(cold_check)})", "",
                     "≤ 1.0 s", "cache warm"))
        if memory:
            ours, theirs = memory
            rows.append((f"peak memory at {biggest:,} (whole process tree)", f"{ours.peak_mib:.0f} MB",
                         f"{theirs.peak_mib:.0f} MB" if theirs else "—", "≤ 200 MB", "cold build"))
        for row in rows[-4:]:
            print(row, flush=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"
    runs = f"{args.runs} runs" + (f" ({large} at {biggest:,})" if large != args.runs else "")
    lines = [f"Measured {stamp} on {machine}; {hugo_note}; medians of {runs}, tools alternated.", "",
             "| work | gitstatus | minimal Hugo | goal | note |", "| --- | --- | --- | --- | --- |"]
    lines += [f"| {' | '.join(row)} |" for row in rows]
    text = "\n".join(lines) + "\n"
    print("\n" + text)
    if args.markdown:
        args.markdown.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Latency of ``gitstatus serve``: from saving an incident file to the browser's reload event.

For each repo (this repository's example content, and a generated corpus of 1,000 incidents)
it starts the real ``gitstatus serve --port 0`` as a subprocess, listens on its Server-Sent
Events stream like the injected script does, then saves a change to an incident file and
times how long until the ``reload`` event arrives, several times. It also checks that the page
then shows the change, and collects the rebuild times the server logs.

    .venv/bin/python bench/serve_latency.py [--sizes example,1000] [--rounds 10] [--before REV]

With ``--before REV`` each size is previewed twice, by this checkout and by the gitstatus at
``REV`` (exported with ``git archive``), on two copies of one repo saved in turns, so the two
figures come from the same minutes of a shared machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import queue
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

import corpus  # noqa: E402  bench/corpus.py, the shared generator

EXAMPLE_NOW = "2026-11-26 15:00 UTC"


class Preview:
    """A running ``gitstatus serve`` and a reader of its event stream."""

    def __init__(self, root: Path, now: str, code: Path | None = None) -> None:
        """``code``: a folder holding another ``gitstatus`` package to run (``--before``); else this checkout's."""
        command = [str(REPO / ".venv/bin/gitstatus")] if code is None else [sys.executable, "-m", "gitstatus"]
        self.proc = subprocess.Popen(
            [*command, "serve", "--root", str(root), "--port", "0", "--now", now],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=code,
        )
        self.log: list[str] = []
        self.url = ""
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.log.append(line)
            match = re.search(r"(http://\S+/)", line)
            if match:
                self.url = match[1]
                break
        if not self.url:
            raise RuntimeError("the server did not start:\n" + "".join(self.log))
        threading.Thread(target=self._drain, daemon=True).start()
        self.events: queue.Queue[tuple[float, str, str]] = queue.Queue()
        threading.Thread(target=self._listen, daemon=True).start()
        kind, _ = self.next_event(10)
        assert kind == "hello", kind

    def _drain(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.log.append(line)

    def _listen(self) -> None:
        parts = urlsplit(self.url)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        conn.request("GET", "/__gitstatus/events")
        response = conn.getresponse()
        kind = ""
        while True:
            line = response.fp.readline()
            if not line:
                return
            text = line.decode().rstrip("\n")
            if text.startswith("event: "):
                kind = text[7:]
            elif text.startswith("data: "):
                self.events.put((time.perf_counter(), kind, text[6:]))

    def next_event(self, timeout: float) -> tuple[str, float]:
        at, kind, _ = self.events.get(timeout=timeout)
        return kind, at

    def get(self, path: str) -> str:
        parts = urlsplit(self.url)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        conn.request("GET", path)
        return conn.getresponse().read().decode()

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGINT)
        self.proc.wait(timeout=20)


def measure(root: Path, now: str, target: Path, rounds: int) -> dict[str, object]:
    return measure_each({"": (root, None)}, now, target.relative_to(root), rounds)[""]


def measure_each(repos: dict[str, tuple[Path, Path | None]], now: str, target: Path,
                 rounds: int) -> dict[str, dict[str, object]]:
    """Per name, a preview of its repo (with its gitstatus, see :class:`Preview`), saved in turns: each
    round saves ``target`` (relative to the repos) in every repo, one after the other."""
    previews = {name: Preview(root, now, code) for name, (root, code) in repos.items()}
    page = "/incidents/" + target.stem + ".html"
    latencies: dict[str, list[float]] = {name: [] for name in repos}
    try:
        originals = {name: (root / target).read_text(encoding="utf-8") for name, (root, _) in repos.items()}
        for n in range(rounds):
            marker = f"bench-edit-{n}"
            for name, preview in previews.items():
                while not preview.events.empty():
                    preview.events.get()
                started = time.perf_counter()
                (repos[name][0] / target).write_text(originals[name].rstrip("\n") + f" {marker}\n", encoding="utf-8")
                kind, at = preview.next_event(30)
                assert kind == "reload", kind
                latencies[name].append(at - started)
                assert marker in preview.get(page), f"{page} does not show {marker}"
                time.sleep(0.3)
    finally:
        for preview in previews.values():
            preview.stop()
    results: dict[str, dict[str, object]] = {}
    for name, preview in previews.items():
        builds = [float(m[1]) for line in preview.log for m in [re.search(r"Rebuilt in ([\d.]+) s", line)] if m]
        results[name] = {"latencies": latencies[name], "first_build": builds[0], "rebuilds": builds[1:]}
    return results


def report(name: str, result: dict[str, object]) -> None:
    lat = sorted(result["latencies"])  # type: ignore[arg-type]
    rebuilds = result["rebuilds"]
    assert isinstance(rebuilds, list)
    p90 = lat[max(0, round(0.9 * len(lat)) - 1)]
    print(f"{name}: save → reload event: median {statistics.median(lat) * 1000:.0f} ms, p90 {p90 * 1000:.0f} ms, "
          f"min {lat[0] * 1000:.0f} ms, max {lat[-1] * 1000:.0f} ms over {len(lat)} saves; "
          f"first build {result['first_build']:.2f} s, rebuild median {statistics.median(rebuilds):.2f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="example,1000", help="'example' and/or incident counts, comma-separated")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--before", metavar="REV", help="also measure the gitstatus at this git revision, "
                        "on a copy of the same repo, saving the two in turns")
    args = parser.parse_args()
    for size in args.sizes.split(","):
        with tempfile.TemporaryDirectory(prefix="gitstatus-bench-") as folder:
            root = Path(folder) / "repo"
            if args.before:
                _compare(Path(folder), size, args.before, args.rounds)
                continue
            if size == "example":
                root.mkdir()
                shutil.copy(REPO / "components.yaml", root)
                shutil.copytree(REPO / "incidents", root / "incidents")
                now = EXAMPLE_NOW
                target = root / "incidents" / "2026-11-26-elevated-api-error-rates.md"
            else:
                files = corpus.generate(root, int(size), seed=0)
                now = corpus.DEFAULT_NOW.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
                target = files[len(files) // 2]
            report(f"{size} incidents" if size != "example" else "example content", measure(root, now, target,
                                                                                           args.rounds))
    return 0


def _compare(folder: Path, size: str, before: str, rounds: int) -> None:
    """``size`` incidents, previewed by this checkout's gitstatus and by the one at ``before``."""
    from versions import export  # bench/versions.py; imported here, as it imports versus_hugo, which imports this

    code = export(before, folder / "before")
    files = corpus.generate(folder / "after", int(size), seed=0)
    shutil.copytree(folder / "after", folder / "before-repo")
    now = corpus.DEFAULT_NOW.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    target = files[len(files) // 2].relative_to(folder / "after")
    results = measure_each({"after": (folder / "after", None), f"before ({before})": (folder / "before-repo", code)},
                           now, target, rounds)
    for name, result in results.items():
        report(f"{size} incidents, {name}", result)


if __name__ == "__main__":
    sys.exit(main())

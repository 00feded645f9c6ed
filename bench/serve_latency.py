#!/usr/bin/env python3
"""Latency of ``gitstatus serve``: from saving an incident file to the browser's reload event.

For each repo (this repository's example content, and a generated corpus of 1,000 incidents)
it starts the real ``gitstatus serve --port 0`` as a subprocess, listens on its Server-Sent
Events stream like the injected script does, then saves a change to an incident file and
times how long until the ``reload`` event arrives, several times. It also checks that the page
then shows the change, and collects the rebuild times the server logs.

    .venv/bin/python bench/serve_latency.py [--sizes example,1000] [--rounds 10]
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

    def __init__(self, root: Path, now: str) -> None:
        self.proc = subprocess.Popen(
            [str(REPO / ".venv/bin/gitstatus"), "serve", "--root", str(root), "--port", "0", "--now", now],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
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
    preview = Preview(root, now)
    page = "/incidents/" + target.stem + ".html"
    latencies = []
    try:
        original = target.read_text(encoding="utf-8")
        for n in range(rounds):
            marker = f"bench-edit-{n}"
            while not preview.events.empty():
                preview.events.get()
            started = time.perf_counter()
            target.write_text(original.rstrip("\n") + f" {marker}\n", encoding="utf-8")
            kind, at = preview.next_event(30)
            assert kind == "reload", kind
            latencies.append(at - started)
            assert marker in preview.get(page), f"{page} does not show {marker}"
            time.sleep(0.3)
    finally:
        preview.stop()
    builds = [float(m[1]) for line in preview.log for m in [re.search(r"Rebuilt in ([\d.]+) s", line)] if m]
    return {"latencies": latencies, "first_build": builds[0], "rebuilds": builds[1:]}


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
    args = parser.parse_args()
    for size in args.sizes.split(","):
        with tempfile.TemporaryDirectory(prefix="gitstatus-bench-") as folder:
            root = Path(folder) / "repo"
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


if __name__ == "__main__":
    sys.exit(main())

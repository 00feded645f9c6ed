#!/usr/bin/env python3
"""How long the 90-day uptime history takes: 50 components (in 5 groups) over 10,000 incidents.

The incidents are made in memory (no files), spread over three years so that a realistic
share falls inside the 90-day window, each touching 1 to 4 components with every impact.
It times ``uptime.compute`` alone and the whole ``state.derive`` around it, median of runs.

    python bench/uptime_bench.py                 # 10,000 incidents, 50 components, 7 runs
    python bench/uptime_bench.py --incidents 100000 --components 50
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time

from gitstatus.model import Component, Impact, Incident, Site, Status, StatusPage, Update
from gitstatus.state import Phase, derive, incident_state
from gitstatus.uptime import compute

UTC = dt.UTC
NOW = dt.datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


def make_page(incidents: int, components: int, seed: int = 0) -> StatusPage:
    rng = random.Random(seed)
    comps = tuple(
        Component(f"c{n}", f"Component {n}", group=f"Group {n % 5}", start_date=dt.date(2023, 1, 1))
        for n in range(components)
    )
    made = []
    for n in range(incidents):
        start = NOW - dt.timedelta(minutes=rng.randint(30, 3 * 365 * 24 * 60))
        impact = rng.choice([Impact.MINOR, Impact.MAJOR, Impact.CRITICAL, Impact.MAINTENANCE])
        final = Status.COMPLETED if impact is Impact.MAINTENANCE else Status.RESOLVED
        first = Status.IN_PROGRESS if impact is Impact.MAINTENANCE else Status.INVESTIGATING
        end = start + dt.timedelta(minutes=rng.randint(5, 600))
        updates = (Update(start, first, "Looking into it."),)
        if end < NOW or rng.random() < 0.98:
            updates += (Update(min(end, NOW), final, "Over."),)
        ids = tuple(sorted({f"c{rng.randrange(components)}" for _ in range(rng.randint(1, 4))}))
        made.append(Incident(f"i{n:06d}", f"Incident {n}", impact, ids, updates))
    site = Site(title="Bench", url="https://status.example.com/", description="", timezone="Europe/Berlin")
    return StatusPage(site, comps, tuple(made))


def median_seconds(func, runs: int) -> float:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--incidents", type=int, default=10_000)
    parser.add_argument("--components", type=int, default=50)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    page = make_page(args.incidents, args.components)
    states = [incident_state(i, NOW) for i in page.incidents]
    begun = [s for s in states if s.phase is not Phase.UPCOMING]
    groups = {f"group-{g}": [c.id for c in page.components if c.group == f"Group {g}"] for g in range(5)}
    tz = page.site.tz
    in_window = sum(1 for s in begun if (s.ended_at or NOW) >= NOW - dt.timedelta(days=90))
    uptime = median_seconds(lambda: compute(page.components, groups, begun, NOW, tz), args.runs)
    whole = median_seconds(lambda: derive(page, NOW), args.runs)
    print(f"{args.incidents} incidents ({in_window} in the 90-day window), {args.components} components, "
          f"5 groups: uptime.compute {uptime * 1000:.0f} ms, the whole derive {whole * 1000:.0f} ms (median)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""A generator of realistic synthetic status repos, for benchmarks and scale tests.

``generate(root, n, seed, now)`` writes ``components.yaml`` (12 components, most in
groups) and ``n`` incident files that read like a real team's history: 2-6 updates
each, prose, lists, links, inline and fenced code, ``###`` sub-headings, every impact,
a few maintenance windows (one still upcoming), a few incidents still active and
updated within the last hour. The corpus checks clean at ``now`` (no errors, no
warnings), so a benchmark measures the normal path, and it is byte-identical for
the same ``n``, ``seed`` and ``now``.

As a script::

    python bench/corpus.py /tmp/status-10k -n 10000 --seed 0 --now 2026-06-15T12:00:00Z
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import sys
from pathlib import Path

UTC = dt.UTC
DEFAULT_NOW = dt.datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
"""The moment the corpus is written for; pass the same ``now`` to ``gitstatus check``."""

COMPONENTS: tuple[tuple[str, str, str | None, str], ...] = (
    ("website", "Website", None, "acme.example and the documentation"),
    ("dashboard", "Dashboard", "Application", "The web app at app.acme.example"),
    ("api", "REST API", "Application", "api.acme.example, all versions"),
    ("auth", "Login and SSO", "Application", ""),
    ("search", "Search", "Application", ""),
    ("webhooks", "Webhooks", "Integrations", ""),
    ("email", "Email notifications", "Integrations", ""),
    ("slack", "Slack app", "Integrations", ""),
    ("database", "Primary database", "Infrastructure", ""),
    ("storage", "File storage", "Infrastructure", ""),
    ("cdn", "CDN", "Infrastructure", "Static assets and file downloads"),
    ("billing", "Billing", None, "Invoices, payments and plan changes"),
)
COMPONENT_IDS = tuple(c[0] for c in COMPONENTS)
NAMES = {c[0]: c[1] for c in COMPONENTS}

_PROBLEMS = (
    "Elevated error rates on {name}",
    "{name} responding slowly",
    "{name} unavailable for some users",
    "Intermittent timeouts: {name}",
    "Degraded performance of {name} in the EU region",
    "{name} returning \"502 Bad Gateway\"",
    "Delays in {name}",
    "Partial outage of {name} (US-East)",
)
_MAINTENANCE_TITLES = (
    "Scheduled upgrade of {name}",
    "Planned maintenance: {name}",
    "{name} migration to new hardware",
    "Database failover test affecting {name}",
)
_OPENERS = (
    "We are investigating reports of {symptom} affecting {name}.",
    "Some customers are seeing {symptom} when using {name}.",
    "Our monitoring detected {symptom} on {name} at {clock} UTC.",
    "We have received reports of {symptom}; {name} is affected.",
)
_SYMPTOMS = (
    "elevated error rates", "slow responses", "failed logins", "timeouts", "missing notifications",
    "stale search results", "failed uploads", "duplicate webhook deliveries", "5xx responses",
)
_CAUSES = (
    "a configuration change to our load balancers",
    "connection pool exhaustion on the primary database",
    "an expired TLS certificate on an internal service",
    "a failed deployment of version {version}",
    "a network partition between two availability zones",
    "a spike of traffic from a single integration",
    "a full disk on one of the queue workers",
    "a bug in the new caching layer",
)
_ACTIONS = (
    "We are rolling back the change.",
    "A fix is being deployed to all regions.",
    "We have moved traffic to the healthy zones.",
    "We are adding capacity and restarting the affected workers.",
    "The certificate has been renewed and is being rolled out.",
)
_FILLER = (
    "We will post another update within 30 minutes.",
    "Requests that failed can be retried safely.",
    "No data has been lost.",
    "Other services are not affected.",
    "We apologise for the disruption and thank you for your patience.",
    "Customers on dedicated infrastructure are not affected.",
    "Scheduled jobs that were delayed will run automatically.",
)
_CODE_BLOCKS = (
    ("sh", "curl -sS https://api.acme.example/v2/health\n# {\"status\": \"ok\"}"),
    ("text", "ERROR 2026 upstream connect error or disconnect/reset before headers\nretrying in 5s"),
    ("json", "{\n  \"error\": \"service_unavailable\",\n  \"retry_after\": 30\n}"),
    ("", "## this line is code, not an update heading\nSELECT count(*) FROM jobs WHERE state = 'queued';"),
)
_LINKS = (
    "[our API documentation](https://docs.acme.example/api/errors)",
    "<https://acme.example/docs/ip-ranges>",
    "[the retry guide](https://docs.acme.example/guides/retries#idempotency)",
    "[support](mailto:support@acme.example)",
)


def components_yaml(title: str = "Acme Status") -> str:
    """The corpus's components.yaml: 12 components, 9 of them in three groups."""
    lines = [
        "site:",
        f"  title: {title}",
        "  url: https://status.acme.example/",
        "  description: Live and past status of Acme's services.",
        "  timezone: UTC",
        "  past_days: 15",
        "components:",
    ]
    for cid, name, group, description in COMPONENTS:
        lines += [f"  - id: {cid}", f"    name: {name}"]
        if description:
            lines.append(f"    description: {description}")
        if group:
            lines.append(f"    group: {group}")
        lines.append("    start_date: 2016-01-01")
    return "\n".join(lines) + "\n"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:50].strip("-")


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _title_scalar(title: str) -> str:
    """Plain when YAML reads it back unchanged, else double-quoted (as gitstatus writes it)."""
    if re.match(r"^[A-Za-z0-9(][^:#\"\\]*$", title) and not title.endswith(":"):
        return title
    return json.dumps(title, ensure_ascii=False)


class _Writer:
    """Prose for update messages, drawn from one seeded random source."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def pick(self, items: tuple[str, ...]) -> str:
        return self.rng.choice(items)

    def extras(self, name: str) -> list[str]:
        """Zero to two Markdown blocks: a list, a link, a code block or a sub-heading."""
        blocks: list[str] = []
        for kind in self.rng.sample(range(5), self.rng.choice((0, 0, 1, 1, 2))):
            if kind == 0:
                items = self.rng.sample(_FILLER, 3)
                blocks.append("\n".join(f"- {item}" for item in items))
            elif kind == 1:
                blocks.append(f"More details are in {self.pick(_LINKS)}.")
            elif kind == 2:
                lang, code = self.pick(_CODE_BLOCKS)
                blocks.append(f"```{lang}\n{code}\n```")
            elif kind == 3:
                blocks.append(f"### What you may notice\n\nRequests to {name} may fail with "
                              f"`HTTP {self.rng.choice((500, 502, 503, 504))}` for a few seconds.")
            else:
                steps = ("Check the status of your last request.", "Retry with the same `Idempotency-Key`.",
                         "Contact support if it still fails.")
                blocks.append("\n".join(f"{i}. {s}" for i, s in enumerate(steps, 1)))
        return blocks

    def message(self, status: str, name: str, at: dt.datetime) -> str:
        symptom = self.pick(_SYMPTOMS)
        cause = self.pick(_CAUSES).format(version=f"{self.rng.randint(1, 9)}.{self.rng.randint(0, 40)}")
        first = {
            "Investigating": self.pick(_OPENERS).format(symptom=symptom, name=name, clock=at.strftime("%H:%M")),
            "Identified": f"The issue was traced to {cause}. {self.pick(_ACTIONS)}",
            "Monitoring": f"A fix has been deployed and error rates for {name} are back to normal. "
                          "We are monitoring the results.",
            "Resolved": f"This incident has been resolved. {name} is operating normally. "
                        f"The cause was {cause}.",
            "Scheduled": f"We will perform planned maintenance on {name}. Expect short interruptions "
                         "during the window; no action is needed on your side.",
            "In progress": f"Maintenance on {name} has started.",
            "Verifying": f"The work on {name} is done and we are verifying that everything works.",
            "Completed": f"The maintenance is complete and {name} is operating normally.",
        }[status]
        paragraphs = [first + " " + self.pick(_FILLER)] + self.extras(name)
        return "\n\n".join(paragraphs)


_NEXT = {"Investigating": "Identified", "Identified": "Monitoring", "Monitoring": "Monitoring"}


def _incident_updates(rng: random.Random, count: int, final: bool) -> list[str]:
    """Statuses for an ordinary incident: each update repeats the last status or moves one step on."""
    steps = ["Investigating"]
    while len(steps) < count - (1 if final else 0):
        steps.append(rng.choice((steps[-1], _NEXT[steps[-1]], _NEXT[steps[-1]])))
    return steps + ["Resolved"] if final else steps


def _maintenance_updates(rng: random.Random, count: int) -> list[str]:
    """Statuses for past maintenance: announced, worked on, verified, completed."""
    middle = ["In progress"]
    while len(middle) < count - 2:
        middle.append("Verifying" if middle[-1] == "Verifying" else rng.choice(("In progress", "Verifying")))
    return ["Scheduled", *middle[: count - 2], "Completed"]


def _file_text(title: str, impact: str, components: list[str], overrides: dict[str, str],
               window: tuple[dt.datetime, dt.datetime] | None, updates: list[tuple[dt.datetime, str, str]]) -> str:
    lines = ["---", f"title: {_title_scalar(title)}", f"impact: {impact}", f"components: [{', '.join(components)}]"]
    if overrides:
        lines.append("component_status:")
        lines += [f"  {cid}: {value}" for cid, value in overrides.items()]
    if window:
        lines += ["scheduled:", f"  start: {_stamp(window[0])}", f"  end: {_stamp(window[1])}"]
    lines.append("---")
    text = "\n".join(lines) + "\n"
    for at, status, message in updates:
        text += f"\n## {_stamp(at)} — {status}\n\n{message}\n"
    return text


def generate(root: Path, n: int, seed: int = 0, now: dt.datetime = DEFAULT_NOW) -> list[Path]:
    """Write a status repo with ``n`` incidents into ``root``; return the incident files, sorted.

    ``root`` is created when missing; its ``incidents/`` must not already hold incidents.
    The same ``n``, ``seed`` and ``now`` give byte-identical files.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    now = now.astimezone(UTC).replace(second=0, microsecond=0)
    folder = root / "incidents"
    if folder.is_dir() and any(folder.glob("*.md")):
        raise FileExistsError(f"{folder} already holds incidents; generate into an empty folder")
    folder.mkdir(parents=True, exist_ok=True)
    (root / "components.yaml").write_text(components_yaml(), encoding="utf-8")

    rng = random.Random(seed)
    writer = _Writer(rng)
    active = min(5, max(1, n // 200)) if n else 0
    upcoming = 1 if n >= 20 else 0
    span_minutes = max(60, n // 3) * 24 * 60  # about three incidents a day
    written: list[Path] = []
    used: set[str] = set()
    for index in range(n):
        is_active = index < active
        is_upcoming = not is_active and index < active + upcoming
        maintenance = is_upcoming or (not is_active and rng.random() < 0.1)
        impact = "maintenance" if maintenance else rng.choices(("minor", "major", "critical"), (5, 4, 1))[0]
        components = rng.sample(COMPONENT_IDS, rng.choice((1, 1, 1, 2, 2, 3)))
        if rng.random() < 0.03:
            components = []  # an incident that affects no listed component
        name = NAMES[components[0]] if components else "our services"
        count = rng.randint(2, 6)
        overrides: dict[str, str] = {}
        if len(components) > 1 and not maintenance and rng.random() < 0.15:
            overrides[components[-1]] = rng.choice(("degraded_performance", "partial_outage", "major_outage"))
        window = None
        if is_upcoming:
            start = now + dt.timedelta(days=rng.randint(2, 9), hours=rng.randint(0, 6))
            window = (start, start + dt.timedelta(hours=rng.choice((1, 2, 4))))
            announced = now - dt.timedelta(hours=rng.randint(2, 48))
            times, statuses = [announced], ["Scheduled"]
        elif maintenance:
            start = now - dt.timedelta(minutes=rng.randint(3 * 24 * 60, span_minutes))
            hours = rng.choice((1, 2, 4))
            window = (start, start + dt.timedelta(hours=hours))
            statuses = _maintenance_updates(rng, count)
            step = hours * 60 // (len(statuses) - 1)  # work updates spread over the window
            times = [start - dt.timedelta(days=rng.randint(2, 7))]
            times += [start + dt.timedelta(minutes=step * i) for i in range(len(statuses) - 1)]
        else:
            statuses = _incident_updates(rng, count, final=not is_active)
            gaps = [rng.randint(5, 90) for _ in statuses[1:]]
            if is_active:
                last = now - dt.timedelta(minutes=rng.randint(1, 45))
                gaps = [min(gap, 55) for gap in gaps]
                first = last - dt.timedelta(minutes=sum(gaps))
            else:
                first = now - dt.timedelta(minutes=rng.randint(sum(gaps) + 24 * 60, span_minutes + sum(gaps)))
            times = [first]
            for gap in gaps:
                times.append(times[-1] + dt.timedelta(minutes=gap))
        title_templates = _MAINTENANCE_TITLES if maintenance else _PROBLEMS
        title = rng.choice(title_templates).format(name=name)
        updates = [(at, status, writer.message(status, name, at)) for at, status in zip(times, statuses, strict=True)]
        stem = f"{times[0].strftime('%Y-%m-%d')}-{_slug(title)}"
        unique, suffix = stem, 2
        while unique in used:
            unique, suffix = f"{stem}-{suffix}", suffix + 1
        used.add(unique)
        path = folder / f"{unique}.md"
        path.write_text(_file_text(title, impact, components, overrides, window, updates), encoding="utf-8")
        written.append(path)
    return sorted(written)


def _parse_now(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a synthetic status repo for benchmarks.")
    parser.add_argument("root", type=Path, help="folder to write (created; its incidents/ must be empty)")
    parser.add_argument("-n", "--count", type=int, default=1000, help="number of incidents (default 1000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--now", type=_parse_now, default=DEFAULT_NOW,
                        help=f"ISO time the corpus is written for (default {DEFAULT_NOW.isoformat()})")
    args = parser.parse_args(argv)
    try:
        paths = generate(args.root, args.count, args.seed, args.now)
    except (FileExistsError, ValueError) as err:
        print(f"corpus: {err}", file=sys.stderr)
        return 2
    print(f"wrote components.yaml and {len(paths)} incidents into {args.root} "
          f"(check with: gitstatus check --root {args.root} --now {args.now.isoformat()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The status repo the browser tests read: every situation a reader meets, and the awkward ones.

It is built with the real CLI at :data:`NOW` in a page timezone other than UTC, so times on
the page, in the reader's zone and in the machine's zone all differ. It holds: two active
incidents (a critical one with twenty updates, a minor one with a very long title and a very
long unbroken word), upcoming maintenance, a group with a member in trouble and groups that
are fine, a long component list, several past days with incidents, earlier months and an
incident from a year earlier.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

from ..conftest import incident, write_tree

NOW = "2026-06-15 12:00 UTC"
NOW_UTC = dt.datetime(2026, 6, 15, 12, 0, tzinfo=dt.UTC)
TIMEZONE = "Europe/Berlin"
PAST_DAYS = 7

LONG_WORD = "Supercalifragilisticexpialidocious" * 3
LONG_TITLE = ("Intermittent failures when exporting very large reports from the analytics dashboard to "
              "spreadsheets for some customers in the European regions " + LONG_WORD)

COMPONENTS = """\
site:
  title: Fixture Status
  url: https://status.fixture.test/
  description: Status of the fixture services.
  timezone: Europe/Berlin
  past_days: 7
components:
  - id: website
    name: Website
    description: www.fixture.test and the documentation
    start_date: 2025-01-01
  - id: api
    name: API
    description: api.fixture.test, all versions
    group: Core
    start_date: 2025-01-01
  - id: dashboard
    name: Dashboard
    group: Core
    start_date: 2025-01-01
  - id: login
    name: Login and single sign-on
    group: Core
    start_date: 2025-01-01
  - id: checkout
    name: Checkout
    group: Core
    start_date: 2025-01-01
  - id: webhooks
    name: Webhooks
    group: Integrations
    start_date: 2025-01-01
  - id: email
    name: Email notifications
    group: Integrations
    start_date: 2025-01-01
  - id: eu-west
    name: Europe West (Dublin)
    group: Regions
    start_date: 2025-01-01
  - id: eu-central
    name: Europe Central (Frankfurt)
    group: Regions
    start_date: 2025-01-01
  - id: us-east
    name: US East (Virginia)
    group: Regions
    start_date: 2025-01-01
  - id: us-west
    name: US West (Oregon)
    group: Regions
    start_date: 2025-01-01
  - id: ap-south
    name: Asia Pacific (Mumbai)
    group: Regions
    start_date: 2025-01-01
  - id: ap-northeast
    name: Asia Pacific (Tokyo)
    group: Regions
    start_date: 2026-05-01
  - id: reporting
    name: Reporting and analytics exports with an unusually long component name
    description: Scheduled exports, spreadsheet downloads and the analytics warehouse that feeds them
    start_date: 2025-01-01
  - id: billing
    name: Billing
    start_date: 2025-01-01
"""


def _twenty_updates() -> list[tuple[str, str, str]]:
    """Twenty updates, 15 minutes apart, the last one 15 minutes before NOW."""
    first = NOW_UTC - dt.timedelta(minutes=15 * 20)
    updates = []
    for n in range(20):
        at = (first + dt.timedelta(minutes=15 * n)).strftime("%Y-%m-%d %H:%M UTC")
        status = "Investigating" if n < 3 else "Identified" if n < 12 else "Monitoring"
        updates.append((at, status, f"Update {n + 1} of 20: checkout requests are still failing for some "
                                    f"customers; step {n + 1} of the recovery is done."))
    return updates


#: The ids (file names without .md) the tests look for.
CRITICAL = "2026-06-15-checkout-down"
LONG = "2026-06-15-report-exports"
UPCOMING = "2026-06-20-database-upgrade"
YEAR_AGO = "2025-06-10-storage-outage"
PAST = ("2026-06-14-login-slow", "2026-06-14-webhooks-late", "2026-06-12-api-errors", "2026-06-10-billing-upgrade")

FILES: dict[str, str] = {
    "components.yaml": COMPONENTS,
    f"incidents/{CRITICAL}.md": incident("Checkout unavailable", "critical", "[checkout, api]", *_twenty_updates()),
    f"incidents/{LONG}.md": incident(
        LONG_TITLE, "minor", "[reporting, eu-west]",
        ("2026-06-15 11:40 UTC", "Investigating", textwrap.dedent(f"""\
            Exports larger than 50 MB fail with the error `{LONG_WORD}` in the European regions.
            The request id looks like `req_{"0123456789abcdef" * 5}`.

            | region | exports failing |
            | --- | --- |
            | Europe West | 12 % |
            | Europe Central | 3 % |

            ```
            ExportError: {LONG_WORD}: upstream closed the connection after 30000 ms while streaming part 17 of 40
            ```

            See https://docs.fixture.test/exports/{LONG_WORD.lower()}/troubleshooting for a workaround.""")),
    ),
    f"incidents/{UPCOMING}.md": incident(
        "Database upgrade", "maintenance", "[api, dashboard]",
        ("2026-06-10 09:00 UTC", "Scheduled", "We will upgrade the primary database. Expect a few seconds of "
                                             "read-only mode."),
        extra="scheduled:\n  start: 2026-06-20 02:00 UTC\n  end: 2026-06-20 04:00 UTC\n",
    ),
    "incidents/2026-06-14-login-slow.md": incident(
        "Slow logins", "minor", "[login]",
        ("2026-06-14 08:00 UTC", "Investigating", "Logins take up to 20 seconds."),
        ("2026-06-14 09:15 UTC", "Resolved", "Logins are fast again."),
    ),
    "incidents/2026-06-14-webhooks-late.md": incident(
        "Webhook deliveries delayed", "major", "[webhooks]",
        ("2026-06-14 15:00 UTC", "Investigating", "Webhooks arrive up to 30 minutes late."),
        ("2026-06-14 16:10 UTC", "Resolved", "The backlog is delivered."),
    ),
    "incidents/2026-06-12-api-errors.md": incident(
        "API errors in US East", "critical", "[api, us-east]",
        ("2026-06-12 21:30 UTC", "Investigating", "Most API requests in US East fail."),
        ("2026-06-12 23:10 UTC", "Resolved", "A failed network switch was replaced."),
    ),
    "incidents/2026-06-10-billing-upgrade.md": incident(
        "Billing system upgrade", "maintenance", "[billing]",
        ("2026-06-03 10:00 UTC", "Scheduled", "Invoices will be unavailable for an hour."),
        ("2026-06-10 06:00 UTC", "In progress", "The upgrade has started."),
        ("2026-06-10 06:50 UTC", "Completed", "Invoices are available again."),
        extra="scheduled:\n  start: 2026-06-10 06:00 UTC\n  end: 2026-06-10 07:00 UTC\n",
    ),
    "incidents/2026-03-03-email-bounces.md": incident(
        "Email notifications bouncing", "major", "[email]",
        ("2026-03-03 10:00 UTC", "Investigating", "Some notification emails bounce."),
        ("2026-03-03 12:00 UTC", "Resolved", "Our mail provider fixed a blocklist entry."),
    ),
    f"incidents/{YEAR_AGO}.md": incident(
        "Object storage unavailable", "critical", "[website, eu-central]",
        ("2025-06-10 13:00 UTC", "Investigating", "Uploads and downloads fail."),
        ("2025-06-10 14:00 UTC", "Identified", "A storage cluster lost quorum."),
        ("2025-06-10 15:30 UTC", "Resolved", "Quorum is restored; no data was lost."),
    ),
}


def write_fixture_repo(root: Path) -> Path:
    """Write the fixture status repo under ``root`` and return it."""
    return write_tree(root, FILES)

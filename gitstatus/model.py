"""The status page as data: frozen values with no I/O and no clock.

Everything here is what the files *say*. What depends on the moment of the build
(is an incident active? what colour is a component right now?) lives in
``state.py`` and takes ``now`` as an argument, so the same files always give the
same model.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from zoneinfo import ZoneInfo

from .timeparse import load_zone


class Impact(str, Enum):
    """How bad an incident is, as its writer judged it."""

    MINOR = "minor"
    MAJOR = "major"
    CRITICAL = "critical"
    MAINTENANCE = "maintenance"

    @property
    def rank(self) -> int:
        """Severity for "worst of" comparisons; maintenance ranks below any outage."""
        return _IMPACT_RANK[self]


_IMPACT_RANK = {Impact.MAINTENANCE: 0, Impact.MINOR: 1, Impact.MAJOR: 2, Impact.CRITICAL: 3}


class Status(str, Enum):
    """The status an update carries.

    The first four are the incident lifecycle; the next four are Statuspage's
    words for planned maintenance, allowed only on maintenance incidents, as is the last,
    ``cancelled``.
    """

    INVESTIGATING = "investigating"
    IDENTIFIED = "identified"
    MONITORING = "monitoring"
    RESOLVED = "resolved"
    SCHEDULED = "scheduled"
    IN_PROGRESS = "in progress"
    VERIFYING = "verifying"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    """Maintenance called off before its window opened: final, and its components were never touched."""

    @property
    def is_final(self) -> bool:
        """A final status ends the incident; nothing may follow it."""
        return self in (Status.RESOLVED, Status.COMPLETED, Status.CANCELLED)

    @property
    def is_maintenance_word(self) -> bool:
        return self in MAINTENANCE_STATUSES


MAINTENANCE_STATUSES = frozenset(
    {Status.SCHEDULED, Status.IN_PROGRESS, Status.VERIFYING, Status.COMPLETED, Status.CANCELLED}
)


class ComponentStatus(str, Enum):
    """A component's state, with Statuspage's values."""

    OPERATIONAL = "operational"
    UNDER_MAINTENANCE = "under_maintenance"
    DEGRADED_PERFORMANCE = "degraded_performance"
    PARTIAL_OUTAGE = "partial_outage"
    MAJOR_OUTAGE = "major_outage"

    @property
    def rank(self) -> int:
        """Severity for "worst of": maintenance is worse than operational, better than any outage."""
        return _COMPONENT_RANK[self]


_COMPONENT_RANK = {
    ComponentStatus.OPERATIONAL: 0,
    ComponentStatus.UNDER_MAINTENANCE: 1,
    ComponentStatus.DEGRADED_PERFORMANCE: 2,
    ComponentStatus.PARTIAL_OUTAGE: 3,
    ComponentStatus.MAJOR_OUTAGE: 4,
}

#: The component status an active incident implies, unless ``component_status`` says otherwise.
IMPACT_COMPONENT_STATUS: Mapping[Impact, ComponentStatus] = {
    Impact.MINOR: ComponentStatus.DEGRADED_PERFORMANCE,
    Impact.MAJOR: ComponentStatus.PARTIAL_OUTAGE,
    Impact.CRITICAL: ComponentStatus.MAJOR_OUTAGE,
    Impact.MAINTENANCE: ComponentStatus.UNDER_MAINTENANCE,
}


class EventKind(str, Enum):
    """What a notification announces (its words are in the catalogue, ``notify.event.<value>``).

    ``postmortem`` announces a resolved incident's post-mortem section.
    """

    OPENED = "opened"
    UPDATED = "updated"
    RESOLVED = "resolved"
    POSTMORTEM = "postmortem"
    SCHEDULED = "scheduled"
    MOVED = "moved"
    STARTED = "started"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    COMPONENT_STATUS = "component_status"
    PUBLISH_FAILED = "publish_failed"
    """For the team, not the readers: the publish workflow could not publish the page (``notify --publish-failed``)."""


class ChannelFormat(str, Enum):
    """What a notification channel is sent: a message in one of apprise's formats, or a webhook's JSON."""

    AUTO = "auto"
    """The format the service reads natively (apprise knows it), so apprise converts nothing."""
    TEXT = "text"
    MARKDOWN = "markdown"
    HTML = "html"
    WEBHOOK = "webhook"
    """Statuspage's incident webhook JSON, posted by gitstatus itself and signed when a secret is set."""


@dataclass(frozen=True)
class Phrase:
    """One of a status repo's own phrases (``words:`` in components.yaml): a catalogue key's new text."""

    language: str
    """The BCP 47 tag of the catalogue it replaces a phrase of."""
    key: str
    text: str | tuple[tuple[str, str], ...]
    """The text, or plural forms as (CLDR category, text) pairs."""
    line: int = field(default=0, compare=False)
    col: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Site:
    """The ``site:`` block of components.yaml: settings of the whole page."""

    title: str
    url: str | None
    """Absolute base URL (with a trailing slash), used for feeds, sitemap and canonical links."""
    description: str
    timezone: str
    """IANA name; times with no zone are read in it and the page shows times in it."""
    past_days: int = 15
    """How many days of past incidents the front page shows."""
    language: str = "en"
    """The BCP 47 tag of the page's (default) language: its words, dates and numbers."""
    languages: tuple[str, ...] | None = None
    """Every language the page is built in, the default first (``site.languages``); None for one."""
    words: tuple[Phrase, ...] = ()
    """The repo's own phrases (``words:`` in components.yaml), checked against the catalogues."""

    @property
    def all_languages(self) -> tuple[str, ...]:
        """The languages of the page, the default (at the site's root) first."""
        return self.languages or (self.language,)

    @property
    def tz(self) -> ZoneInfo:
        """The zone, from the tzdata package (never the build machine's zone files)."""
        return load_zone(self.timezone)


@dataclass(frozen=True)
class Component:
    """One row of the components list."""

    id: str
    name: str
    description: str = ""
    group: str | None = None
    """The name of the group it is shown in, if any."""
    start_date: dt.date | None = None
    """The day its history begins; uptime days before it show as "no data"."""
    line: int = 0
    """Where it is declared in components.yaml, for diagnostics that point at it."""


@dataclass(frozen=True)
class Channel:
    """One entry of ``notify:`` in components.yaml: where notifications go, and which ones.

    The channel's address is never in the repo: ``url_env`` names the environment variable that
    holds it (a CI secret), as ``secret_env`` names the one holding a webhook's signing key.
    """

    name: str
    url_env: str
    components: tuple[str, ...] | None = None
    """Only events about these components (None: all)."""
    events: tuple[EventKind, ...] | None = None
    """Only events of these kinds (None: all)."""
    secret_env: str | None = None
    format: ChannelFormat = ChannelFormat.AUTO
    line: int = 0
    """Where it is declared in components.yaml."""


@dataclass(frozen=True)
class Window:
    """A planned maintenance window, both ends timezone-aware."""

    start: dt.datetime
    end: dt.datetime


@dataclass(frozen=True)
class Update:
    """One timestamped section of an incident file."""

    at: dt.datetime
    status: Status
    message: str
    """The update's Markdown source, stripped of surrounding blank lines."""
    line: int = 0
    """The line of its heading in the incident file."""
    components: tuple[tuple[str, ComponentStatus], ...] = ()
    """The component statuses this update sets (its ``Components:`` line), in the order written;
    each holds from the update's moment until another update sets it or the incident ends."""
    moved_from: Window | None = None
    """Maintenance: the window this update moved the maintenance away from (its ``Rescheduled from:``
    line), so the page keeps the old window's history after ``scheduled:`` changed."""
    automatic: bool = False
    """Not in the file: the step a maintenance takes by itself when its window opens or ends with no
    update saying so (state.py adds it, as Statuspage posts one)."""


@dataclass(frozen=True)
class Postmortem:
    """The review of a resolved incident: its own ``## <time> — Post-mortem`` section, after the final update."""

    at: dt.datetime
    """When it was published."""
    message: str
    line: int = 0


#: One step of a component's status while an incident is in effect: from this moment on, this status.
Step = tuple[dt.datetime, ComponentStatus]


@dataclass(frozen=True)
class Incident:
    """One incident file, validated. Its id is the file name without ``.md``."""

    id: str
    title: str
    impact: Impact
    components: tuple[str, ...]
    updates: tuple[Update, ...]
    """Oldest first, as written in the file."""
    component_status: Mapping[str, ComponentStatus] = field(default_factory=dict)
    scheduled: Window | None = None
    path: str = ""
    """Path relative to the status repo root, with forward slashes (``incidents/x.md``)."""
    source: str | None = None
    """Where an imported incident came from (``statuspage:<page>/<incident>``, ``cstate:<file>``); None otherwise."""
    postmortem: Postmortem | None = None
    """The post-mortem, once published (resolved incidents only)."""

    @property
    def started_at(self) -> dt.datetime:
        return self.updates[0].at

    @property
    def last_update(self) -> Update:
        return self.updates[-1]

    @property
    def is_final(self) -> bool:
        """True when the last update closes the incident (resolved or completed)."""
        return self.updates[-1].status.is_final

    @property
    def resolved_at(self) -> dt.datetime | None:
        return self.updates[-1].at if self.is_final else None

    def status_of(self, component_id: str) -> ComponentStatus:
        """The status this incident gives a component when it takes effect (before any update changes it)."""
        return self.component_status.get(component_id, IMPACT_COMPONENT_STATUS[self.impact])

    def steps(self, start: dt.datetime) -> dict[str, list[Step]]:
        """For each listed component, its status from ``start`` (when the incident takes effect) on.

        The first step is the status the impact (or ``component_status``) gives; each update's
        ``Components:`` line adds a step at the update's moment, or at ``start`` for an update
        written before it (a maintenance's announcement saying what the work will do). The final
        update ends the incident's effect, so what it says is not a step (the reader allows only
        ``operational`` there).
        """
        steps = {c: [(start, self.status_of(c))] for c in self.components}
        for update in self.updates:
            if update.status.is_final:
                break
            moment = max(update.at, start)
            for component_id, status in update.components:
                line = steps.get(component_id)
                if line is None:
                    continue
                if line[-1][0] == moment:
                    line[-1] = (moment, status)
                elif line[-1][1] is not status:
                    line.append((moment, status))
        return steps

    def status_at(self, component_id: str, moment: dt.datetime, start: dt.datetime,
                  steps: Mapping[str, list[Step]] | None = None) -> ComponentStatus:
        """A listed component's status at ``moment`` while the incident is in effect (from ``start``).

        ``steps`` are :meth:`steps` when the caller has them already (asking for many components).
        """
        current = self.status_of(component_id)
        for at, status in (steps if steps is not None else self.steps(start)).get(component_id, ()):
            if at > moment:
                break
            current = status
        return current


@dataclass(frozen=True)
class StatusPage:
    """A whole status repo: settings, components in order, incidents sorted by id."""

    site: Site
    components: tuple[Component, ...]
    incidents: tuple[Incident, ...]

    def component(self, component_id: str) -> Component:
        for component in self.components:
            if component.id == component_id:
                return component
        raise KeyError(component_id)

"""Where every output of the site lives: each path defined once, and the URLs made from them.

Renderers ask here for the path of the file they write, and for the path or URL of every
page they link to; templates do the same through ``url_for`` (gitstatus/templating.py).
So a page cannot link to a path that no renderer writes, and moving an output is a change
of one line. Paths are relative to the site's root, with forward slashes; a page turns
one into a link by putting its ``root`` prefix in front (``../`` one folder down), and
feeds, the sitemap and the API make it absolute with :func:`absolute`.

Each route is a pattern with named parameters, each parameter with the shape it must
have (an incident id can hold no ``/`` or ``.``), so a path names exactly one route and
:func:`match` reads it back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property

from .slug import ID_RE

_ID = ID_RE.pattern.removeprefix("^").removesuffix("$")
#: The shape of each route parameter. ``name`` is a static file's path under ``static/``: any
#: relative path that stays there (the theme's files are published under their own names).
PARAMETERS: Mapping[str, str] = {
    "id": _ID,
    "key": r"\d{4}-\d{2}",
    "name": r"(?!(?:.*/)?\.\.(?:/|$))[^/].*",
}
_FIELD = re.compile(r"\{([a-z_]+)\}")


class RouteError(ValueError):
    """A route asked for by a name it does not have, or with parameters it does not take."""


@dataclass(frozen=True)
class Route:
    name: str
    pattern: str
    """``incidents/{id}.html``: the path, with its parameters in braces."""

    @cached_property
    def parameters(self) -> frozenset[str]:
        return frozenset(_FIELD.findall(self.pattern))

    @cached_property
    def regex(self) -> re.Pattern[str]:
        parts = _FIELD.split(self.pattern)  # literal, parameter, literal, …
        return re.compile("".join(
            f"(?P<{part}>{PARAMETERS[part]})" if n % 2 else re.escape(part) for n, part in enumerate(parts)
        ), re.DOTALL)

    def path(self, /, **params: str) -> str:
        """The path for these parameters; a parameter of the wrong shape is refused, never put in a path."""
        if params.keys() != self.parameters:
            raise RouteError(f"the route '{self.name}' takes {_listed(self.parameters)}, not {_listed(params)}")
        path = self.pattern.format(**params)
        if not self.regex.fullmatch(path):
            raise RouteError(f"the route '{self.name}' cannot take {params}: each of {_listed(self.parameters)} "
                             "must have the shape of its kind (an id is lowercase letters, digits and hyphens)")
        return path


def _listed(names: Iterable[str]) -> str:
    return ", ".join(sorted(names)) or "no parameters"


_TABLE = (
    # the pages
    Route("index", "index.html"),
    Route("incident", "incidents/{id}.html"),
    Route("history", "history/index.html"),
    Route("month", "history/{key}.html"),
    Route("not_found", "404.html"),
    Route("subscribe", "subscribe.html"),
    Route("sitemap", "sitemap.xml"),
    # feeds and calendar, named as Statuspage names them
    Route("atom", "history.atom"),
    Route("rss", "history.rss"),
    Route("calendar", "maintenance.ics"),
    # an Atom feed per component and per group, by id (ids of components and groups are one namespace)
    Route("component_atom", "feeds/{id}.atom"),
    # badges: the page, and each component or group by id
    Route("badge", "badge.svg"),
    Route("component_badge", "badges/{id}.svg"),
    # the theme's static files
    Route("static", "static/{name}"),
    # the Statuspage-compatible JSON API (docs/api.md)
    Route("api.summary", "api/v2/summary.json"),
    Route("api.status", "api/v2/status.json"),
    Route("api.components", "api/v2/components.json"),
    Route("api.incidents", "api/v2/incidents.json"),
    Route("api.incidents.unresolved", "api/v2/incidents/unresolved.json"),
    Route("api.scheduled_maintenances", "api/v2/scheduled-maintenances.json"),
    Route("api.scheduled_maintenances.upcoming", "api/v2/scheduled-maintenances/upcoming.json"),
    Route("api.scheduled_maintenances.active", "api/v2/scheduled-maintenances/active.json"),
    # the writer's list of the files it wrote, which tells a later build the folder is its own
    Route("manifest", ".gitstatus-manifest.json"),
    # what gitstatus notify announced, published with the site for the next run (docs/notify.md)
    Route("notify_state", "notify-state.json"),
)
ROUTES: Mapping[str, Route] = {route.name: route for route in _TABLE}

#: The outputs a site has once whatever its languages (site.languages): at the site's root, never in a
#: language's folder. The JSON API keeps Statuspage's English values; the theme's files serve every language.
SHARED: frozenset[str] = frozenset({"static", "sitemap", "manifest", "notify_state", "not_found"} |
                                   {name for name in ROUTES if name.startswith("api.")})


def path(name: str, /, **params: str) -> str:
    """The site-relative path of the route ``name``: ``path("incident", id="x")`` is ``incidents/x.html``."""
    route = ROUTES.get(name)
    if route is None:
        raise RouteError(f"there is no route named '{name}'; the routes are {_listed(ROUTES)}")
    return route.path(**params)


def absolute(base_url: str, site_path: str) -> str:
    """The absolute URL of a site-relative path: the base URL (ending in a slash) and the path."""
    return base_url + site_path


def match(site_path: str) -> tuple[str, dict[str, str]] | None:
    """The route and parameters that give ``site_path``, or None for a path no route gives.

    A page of a language's folder (``de/incidents/x.html``) is its route's, with ``language`` among the
    parameters.
    """
    found = _match(site_path)
    if found is None and "/" in site_path:
        language, _, rest = site_path.partition("/")
        inner = _match(rest) if _LANGUAGE.match(language) else None
        if inner is not None and inner[0] not in SHARED:
            return inner[0], {**inner[1], "language": language}
    return found


_LANGUAGE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")


def _match(site_path: str) -> tuple[str, dict[str, str]] | None:
    for route in _TABLE:
        found = route.regex.fullmatch(site_path)
        if found:
            return route.name, found.groupdict()
    return None


# Shorthands for the paths renderers write most.

def incident(incident_id: str) -> str:
    return path("incident", id=incident_id)


def month(key: str) -> str:
    return path("month", key=key)


def static(name: str) -> str:
    return path("static", name=name)


def static_name(site_path: str) -> str:
    """The name under ``static/`` of a static file's path (the inverse of :func:`static`)."""
    found = ROUTES["static"].regex.fullmatch(site_path)
    if found is None:
        raise RouteError(f"'{site_path}' is not the path of a static file")
    return found["name"]

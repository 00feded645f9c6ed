"""``gitstatus init``: a new status repo that checks clean, with its GitHub workflows.

It writes components.yaml with a few example components, one resolved example incident (dated
the day before ``now``, so it shows on the front page until the writers delete it), a .gitignore
for the build output, a .gitattributes that names the merge driver for incident files, a README
for the people who will write incidents, and the status-check and publish workflows. The files
are checked with ``gitstatus check`` before anything is written, no existing file is overwritten
without ``--force``, and every file is staged beside its target before any is moved into place,
so a refused or failed run leaves the folder as it was.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Mapping
from pathlib import Path

from .. import __version__
from ..canonical import incident_text
from ..errors import Refused
from ..model import Impact, Incident, Status, Update
from ..report import format_text
from ..timeparse import UTC
from ..write import write_new_files
from .build import check

#: Where status repos install gitstatus from, as a pip requirement. gitstatus is not on PyPI yet,
#: so the workflows install a tagged release (tag ``v<version>``) from its git repository. The
#: requirement sits in one variable at the top of each workflow; docs/github.md explains how to
#: change it (a fork, another release, or ``gitstatus==X.Y`` once it is published on PyPI).
SOURCE_REPOSITORY = "https://github.com/gitstatus/gitstatus"


def install_requirement() -> str:
    return f"gitstatus @ git+{SOURCE_REPOSITORY}@v{__version__}"


class ScaffoldError(Refused):
    """``init`` refused (exit status 1) or cannot use the folder (``usage``: exit status 2)."""

    def __init__(self, message: str, usage: bool = False) -> None:
        super().__init__(message, usage=usage)


COMPONENTS_YAML = """\
# Settings of the status page and the components it reports on.
# Editors can check this file as you type: see "Editor support" in the README.
site:
  title: Example Status
  # Where the page is published. The publish workflow passes the GitHub Pages address instead,
  # so this matters for 'gitstatus build' on your machine and for other hosting.
  url: https://status.example.com/
  description: Live and past status of Example's website, API and dashboard.
  timezone: UTC       # an IANA name such as Europe/Berlin: the page shows times in it
  past_days: 15       # days of past incidents on the front page

components:
  # Ids (lowercase letters, digits, hyphens) are what incident files list; names are what readers see.
  - id: website
    name: Website
    description: www.example.com and the documentation
    start_date: {start}
  - id: api
    name: API
    group: Platform     # components with the same group are shown together
    start_date: {start}
  - id: dashboard
    name: Dashboard
    group: Platform
    start_date: {start}
"""

GITIGNORE = """\
# gitstatus build output, and the staging folders and lock of a build that is running (or crashed)
/site/
/.site.*
# held by 'gitstatus new/update/resolve/delete' while they write (in .git/ when this folder has one)
/.gitstatus.lock
"""

GITATTRIBUTES = """\
# Two people posting updates to the same incident on two branches is normal: git's text merge
# calls it a conflict (both added lines at the end of the file); gitstatus's merge driver keeps
# both updates, oldest first. Git takes the driver's command from each clone's configuration,
# never from the repository, so run this once in every clone (without it, git merges as text):
#
#   git config merge.gitstatus.driver "gitstatus merge-driver %O %A %B %P"
#
incidents/*.md merge=gitstatus
"""

STATUS_CHECK_YML = """\
# Checks every pull request that touches the status page: the format of each file, and the
# history rules against the base branch (published updates stay as they are, resolved incidents
# stay closed, incident ids never change). Problems appear on the pull request's diff; the run's
# summary lists what the change will show readers of the page.
name: Status check

on:
  pull_request:
    paths:
      - "incidents/**"
      - "components.yaml"
      - "theme/**"

permissions:
  contents: read

concurrency:  # a new push to the pull request replaces the check of the previous one
  group: status-check-${{ github.event.pull_request.number }}
  cancel-in-progress: true

env:
  # The gitstatus release to check with, as a pip requirement. gitstatus is not on PyPI yet, so
  # this installs a tagged release from its git repository. Keep it the same as in publish.yml.
  GITSTATUS: "@@REQUIREMENT@@"

jobs:
  check:
    name: gitstatus check
    runs-on: ubuntu-latest
    timeout-minutes: 10
    steps:
      - uses: actions/checkout@v7
        with:
          fetch-depth: 0  # the base branch with its history, for --base
          persist-credentials: false
      - uses: actions/setup-python@v7
        with:
          python-version: "3.11"
      - name: Install gitstatus
        run: python -m pip install "$GITSTATUS"
      - name: Check against the base branch
        id: check
        env:
          BASE_REF: ${{ github.base_ref }}
        run: gitstatus check --base "origin/$BASE_REF" --format github
      - name: Build the page (templates and links)
        run: gitstatus build --out "$RUNNER_TEMP/site"
"""

PUBLISH_YML = """\
# Publishes the status page to GitHub Pages: on every push to main, on demand, and on a schedule,
# because the page changes with time alone ("past days" roll over, maintenance windows open and
# close). GitHub may start scheduled runs late (often 5-15 minutes, more at busy times); running
# twice an hour keeps the page at most about 45 minutes behind the clock in practice.
# Needs Settings > Pages > Source: "GitHub Actions".
name: Publish status page

on:
  push:
    branches: [main]
  schedule:
    - cron: "7,37 * * * *"
  workflow_dispatch:

permissions: {}  # each job asks for what it needs

concurrency:
  group: pages
  cancel-in-progress: false  # let a deployment that has started finish

env:
  # The gitstatus release to build with, as a pip requirement. gitstatus is not on PyPI yet, so
  # this installs a tagged release from its git repository. Pin a tag so that a new release never
  # changes the page unannounced; keep it the same as in status-check.yml.
  GITSTATUS: "@@REQUIREMENT@@"

jobs:
  build:
    name: Build
    runs-on: ubuntu-latest
    timeout-minutes: 15
    permissions:
      contents: read
      pages: read  # configure-pages reads the Pages settings (private repos need it said)
    steps:
      - uses: actions/checkout@v7
        with:
          persist-credentials: false
      - uses: actions/setup-python@v7
        with:
          python-version: "3.11"
      - name: Configure Pages
        id: pages
        uses: actions/configure-pages@v5
      - name: Install gitstatus
        run: python -m pip install "$GITSTATUS"
      - name: Build the page
        env:
          BASE_URL: ${{ steps.pages.outputs.base_url }}
        run: gitstatus build --out _site --base-url "$BASE_URL"
      - uses: actions/upload-pages-artifact@v5
        with:
          path: _site

  deploy:
    name: Deploy
    needs: build
    runs-on: ubuntu-latest
    timeout-minutes: 10
    permissions:
      pages: write     # to deploy to Pages
      id-token: write  # to prove the deployment comes from this workflow
    environment:
      name: github-pages
      url: ${{ steps.deployment.outputs.page_url }}
    steps:
      - name: Deploy to GitHub Pages
        id: deployment
        uses: actions/deploy-pages@v5
"""

README_MD = """\
# Status page

This repository is the source of our status page. Every incident is a Markdown file in
`incidents/`; the page's settings and components are in `components.yaml`. A pull request is
checked by GitHub Actions, and merging it to `main` publishes the page to GitHub Pages within a
minute or two. The page is built by [gitstatus](@@SOURCE@@).

## Getting started (once)

1. Edit `components.yaml`: the page's title, its address (`url`), its timezone and your components.
2. Delete the example incident, `incidents/@@EXAMPLE@@.md`.
3. On GitHub, set **Settings → Pages → Source** to **GitHub Actions**.
4. Push to `main`. The *Publish status page* workflow builds and deploys the page.

To run the commands below on your machine, install gitstatus (Python 3.11 or newer) with the
same requirement the workflows use:

```sh
python3 -m pip install "@@REQUIREMENT@@"
```

## Posting an incident

Post as soon as you know users are affected. Say what users experience, not what you suspect.

```sh
git switch -c incident-api-slow
gitstatus new "API responding slowly" --impact major --component api \\
    --message "We are looking into reports of slow API responses."
git add incidents && git commit -m "Incident: API responding slowly" && git push -u origin HEAD
```

Open a pull request; the *Status check* workflow marks any problem on the diff. Merge it and the
page is updated. You can also write the file yourself: its name is its id and its address
(`incidents/2026-06-11-api-slow.md`), and it looks like this:

```markdown
---
title: API responding slowly
impact: major                 # minor | major | critical | maintenance
components: [api]             # ids from components.yaml; [] for none
---

## 2026-06-11 14:02 UTC — Investigating

We are looking into reports of slow API responses.
```

| impact | use it when |
| --- | --- |
| minor | limited impact, most users unaffected |
| major | a significant share of users affected |
| critical | the service is broadly unavailable |
| maintenance | planned work (add `scheduled: {start: …, end: …}`) |

## Posting updates

Append an update at the end of the file, or let gitstatus do it (ID may be a prefix of the id):

```sh
gitstatus update api-slow --status identified --message "A database connection pool ran out. We are rolling out a fix."
gitstatus resolve api-slow --message "The fix is deployed and response times are normal again."
```

| status | use it when |
| --- | --- |
| Investigating | you know something is wrong but not yet why |
| Identified | you have found the cause and are working on a fix |
| Monitoring | the fix is deployed; you are watching to confirm it holds |
| Resolved | it is over: say briefly what happened and confirm normal operation |

Maintenance uses Scheduled, In progress, Verifying and Completed. During an outage, post at
least every 30–60 minutes, even "We are still investigating": silence is worse than no news.

When two people post updates to the same incident on two branches, git's own merge calls it a
conflict. Once in your clone, tell git to merge incident files with gitstatus (`.gitattributes`
already names it), and both updates are kept, oldest first:

```sh
git config merge.gitstatus.driver "gitstatus merge-driver %O %A %B %P"
```

GitHub's merge button cannot use it: when a pull request has a conflict in `incidents/`, merge
`main` into its branch on your machine (`git pull origin main`) and push.

## What the checks enforce

Run `gitstatus check` before you push, and `gitstatus serve` to preview the page while you edit.
Besides the format, the pull-request check protects what readers have already seen:

- a published update keeps its time and status (fixing a typo in its message is fine);
- a resolved incident stays resolved: for a new problem, open a new incident;
- an incident's file name never changes: it is part of its address and its feed entries.

Deleting an incident (`gitstatus delete ID`) removes it from the page entirely: that is for false
alarms only.

## Editor support

Editors with the YAML language server (VS Code's YAML extension, and others) can check
`components.yaml` as you type. Save its JSON Schema next to it and point the file at it:

```sh
gitstatus schema components > components.schema.json
```

then make `# yaml-language-server: $schema=components.schema.json` the first line of
`components.yaml`. `gitstatus schema incident` prints the schema of an incident's front matter.
"""


def _example_incident(now: dt.datetime) -> Incident:
    """A short, resolved incident that started the day before ``now`` (on the minute)."""
    start = (now.astimezone(UTC) - dt.timedelta(days=1)).replace(second=0, microsecond=0)
    updates = (
        Update(start, Status.INVESTIGATING,
               "Some API requests are slow or time out. We are investigating."),
        Update(start + dt.timedelta(minutes=18), Status.IDENTIFIED,
               "A database index was missing after last night's release. We are adding it back."),
        Update(start + dt.timedelta(minutes=41), Status.RESOLVED,
               "The index is back and API response times are normal again. This is an example "
               "incident: delete this file before you publish the page."),
    )
    return Incident(
        id=f"{start.date().isoformat()}-example-slow-api-responses",
        title="Example: API responding slowly",
        impact=Impact.MINOR,
        components=("api",),
        updates=updates,
    )


def files(now: dt.datetime, requirement: str | None = None) -> dict[str, str]:
    """Every file ``init`` writes, by path relative to the new status repo.

    ``requirement`` is what the workflows pip-install (``init --install``); by default a tagged
    release from gitstatus's git repository.
    """
    example = _example_incident(now)
    requirement = requirement or install_requirement()
    workflows = {
        ".github/workflows/status-check.yml": STATUS_CHECK_YML,
        ".github/workflows/publish.yml": PUBLISH_YML,
    }
    readme = README_MD.replace("@@EXAMPLE@@", example.id).replace("@@SOURCE@@", SOURCE_REPOSITORY)
    return {
        "components.yaml": COMPONENTS_YAML.format(start=example.started_at.date().isoformat()),
        f"incidents/{example.id}.md": incident_text(example, UTC),
        ".gitignore": GITIGNORE,
        ".gitattributes": GITATTRIBUTES,
        "README.md": readme.replace("@@REQUIREMENT@@", requirement),
        **{path: text.replace("@@REQUIREMENT@@", requirement) for path, text in workflows.items()},
    }


def verify(contents: Mapping[str, str], now: dt.datetime) -> None:
    """Refuse to write a repo that would not pass ``gitstatus check`` (it would be a bug here)."""
    with tempfile.TemporaryDirectory(prefix="gitstatus-init-") as temp:
        root = Path(temp)
        for relpath, text in contents.items():
            (root / relpath).parent.mkdir(parents=True, exist_ok=True)
            (root / relpath).write_text(text, encoding="utf-8")
        result = check(root, now)
    if result.diagnostics:
        problems = "; ".join(format_text(result.diagnostics))
        raise ScaffoldError(f"the new status repo would not check clean ({problems}); nothing was written")


def _file_in_the_way(root: Path, relpaths: list[str]) -> Path | None:
    """A file where a folder must be for the files to be written (``.github``, or a parent of ``root``)."""
    for folder in sorted({(root / p).parent for p in relpaths}):
        for path in reversed((folder, *folder.parents)):
            if path.exists() and not path.is_dir():
                return path
    return None


def init(root: Path, now: dt.datetime, force: bool = False, requirement: str | None = None) -> list[str]:
    """Write a new status repo into ``root``; return the paths written, relative to it."""
    if root.exists() and not root.is_dir():
        raise ScaffoldError(f"{root} exists and is not a folder", usage=True)
    if requirement is not None and (not requirement.strip() or any(c in requirement for c in "\"\n\r")):
        raise ScaffoldError("--install must be one pip requirement, such as 'gitstatus==0.1.0' or "
                            "'gitstatus @ git+https://github.com/you/gitstatus@v0.1.0'", usage=True)
    contents = files(now, requirement)
    existing = sorted(p for p in contents if (root / p).exists() or (root / p).is_symlink())
    if existing and not force:
        raise ScaffoldError(f"{root} already has {', '.join(existing)}; nothing was written "
                            "(pass --force to overwrite them)")
    blocked = [p for p in existing if (root / p).is_dir()]
    if blocked:
        raise ScaffoldError(f"{', '.join(blocked)} in {root} is a folder; nothing was written")
    relpaths = sorted(contents)
    in_the_way = _file_in_the_way(root, relpaths)
    if in_the_way is not None:
        raise ScaffoldError(f"cannot write into {root}: {in_the_way} is a file, not a folder; nothing was written")
    verify(contents, now)
    try:
        return write_new_files(root, {p: contents[p].encode("utf-8") for p in relpaths})
    except OSError as err:
        raise ScaffoldError(f"cannot write into {root}: {err.strerror or err}; nothing was written") from None

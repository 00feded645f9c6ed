"""``gitstatus init``: a status repo that checks clean, with the CI of the host that publishes it.

It writes components.yaml with a few example components, one resolved example incident (dated
the day before ``now``, so it shows on the front page until the writers delete it), a .gitignore
for the build output, a .gitattributes that names the merge driver for incident files, a guide
for the people who will write incidents, and the host's CI files (``hosting.py``).

In an existing repository (GitHub makes one with a README and a .gitignore) it adds what it
needs and keeps what is there: the lines it needs are appended to an existing .gitignore and
.gitattributes, the guide goes to STATUS.md beside an existing README.md, and a file that
already says exactly what init would write is kept. Only a real conflict (a components.yaml or a
workflow of another content) refuses, unless ``--force``. The files are checked with
``gitstatus check`` before anything is written, and every file is staged beside its target
before any is moved into place, so a refused or failed run leaves the folder as it was.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .. import rules
from ..canonical import incident_text
from ..errors import Refused
from ..model import Impact, Incident, Status, Update
from ..read.incident import EXAMPLE_MARK
from ..read.settings import EXAMPLE_URL_MARK
from ..report import format_text
from ..source import read_bytes
from ..timeparse import UTC
from ..write import write_new_files
from . import HOSTS
from .build import check
from .hosting import GUIDES, Origin, OriginError, ci_files, parse_origin

__all__ = ["HOSTS", "InitResult", "ScaffoldError", "files", "init"]


class ScaffoldError(Refused):
    """``init`` refused (exit status 1) or cannot use the folder (``usage``: exit status 2)."""

    def __init__(self, message: str, usage: bool = False) -> None:
        super().__init__(message, usage=usage)


COMPONENTS_YAML = """\
# Settings of the status page and the components it reports on.
# Editors can check this file as you type: see "Editor support" in the README.
site:
  title: Example Status
  # Where the page is published: feeds, the sitemap and links need it. On GitHub Pages the publish
  # workflow passes the Pages address instead; GitLab, Netlify and Cloudflare builds use this.
  url: https://status.example.com/  # @@URL_MARK@@
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
# gitstatus's cache of read files and rendered pages (never commit it: a cache git tracks is not used)
/.gitstatus-cache/
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

README_MD = """\
# Status page

This repository is the source of our status page. Every incident is a Markdown file in
`incidents/`; the page's settings and components are in `components.yaml`.
@@PUBLISHED@@ The page is built by [gitstatus](@@SOURCE@@).

## Getting started (once)

1. Edit `components.yaml`: the page's title, its address (`url`), its timezone and your components.
2. Delete the example incident, `incidents/@@EXAMPLE@@.md`.
@@SETUP@@
To run the commands below on your machine, install gitstatus (Python 3.11 or newer) with the
same requirement the CI uses (or `python3 -m pip install gitstatus-page` once it is on PyPI):

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

Open a @@REVIEW@@; @@CHECK@@ reports any problem. Merge it and the page is
updated. You can also write the file yourself: its name is its id and its address
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

The merge button on the web cannot use it: when a @@REVIEW@@ has a conflict in `incidents/`,
merge `main` into its branch on your machine (`git pull origin main`) and push.

## What the checks enforce

Run `gitstatus check` before you push, and `gitstatus serve` to preview the page while you edit.
Besides the format, the check of every @@REVIEW@@, and of every publish, protects what
readers have already seen:

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
               f"The index is back and API response times are normal again. {EXAMPLE_MARK}"),
    )
    return Incident(
        id=f"{start.date().isoformat()}-example-slow-api-responses",
        title="Example: API responding slowly",
        impact=Impact.MINOR,
        components=("api",),
        updates=updates,
    )


#: Where the writers' guide goes: README.md, or beside a README that is already there.
GUIDE_PATHS = ("README.md", "STATUS.md")
#: Files that may already exist: what init needs is appended to them, and the rest is kept.
APPENDED = {".gitignore": GITIGNORE, ".gitattributes": GITATTRIBUTES}


def files(now: dt.datetime, host: str = "github", origin: Origin | None = None,
          guide: str = "README.md") -> dict[str, str]:
    """Every file ``init`` writes into an empty folder, by path relative to the new status repo.

    ``host`` chooses the CI files (``hosting.ci_files``); ``origin`` where CI gets gitstatus
    (``--action``, ``--install``); ``guide`` where the writers' guide goes.
    """
    origin = origin or Origin()
    example = _example_incident(now)
    words = GUIDES[host]
    readme = (README_MD.replace("@@EXAMPLE@@", example.id).replace("@@SOURCE@@", origin.url)
              .replace("@@PUBLISHED@@", words.published).replace("@@SETUP@@", words.setup)
              .replace("@@REVIEW@@", words.review).replace("@@CHECK@@", words.check)
              .replace("@@REQUIREMENT@@", origin.requirement))
    return {
        "components.yaml": COMPONENTS_YAML.replace("@@URL_MARK@@", EXAMPLE_URL_MARK).format(
            start=example.started_at.date().isoformat()),
        f"incidents/{example.id}.md": incident_text(example, UTC),
        ".gitignore": GITIGNORE,
        ".gitattributes": GITATTRIBUTES,
        guide: readme,
        **ci_files(host, origin),
    }


def appended(existing: str, needed: str) -> str:
    """``existing`` with the entries of ``needed`` it lacks added at its end, each with its comment.

    ``needed`` is blocks of comment lines, each followed by the entries they explain; an entry
    already in ``existing`` (as a whole line, spaces around it aside) is not added again, and a
    comment whose entries are all there is left out.
    """
    present = {line.strip() for line in existing.splitlines()}
    blocks: list[list[str]] = [[]]
    for line in needed.splitlines():
        if line.startswith("#") and blocks[-1] and not blocks[-1][-1].startswith("#"):
            blocks.append([])
        blocks[-1].append(line)
    missing = [line for block in blocks if any(not ln.startswith("#") and ln.strip() not in present for ln in block)
               for line in block if line.startswith("#") or line.strip() not in present]
    if not missing:
        return existing
    separator = "" if not existing else "\n" if existing.endswith("\n") else "\n\n"
    return existing + separator + "\n".join(missing) + "\n"


@dataclass
class InitResult:
    """What ``init`` did, by path relative to the status repo."""

    written: list[str] = field(default_factory=list)   # new files, or files --force replaced
    extended: list[str] = field(default_factory=list)  # existing files the needed lines were added to
    kept: list[str] = field(default_factory=list)      # existing files that already say what init would
    guide: str = "README.md"                           # where the writers' guide is


def verify(contents: Mapping[str, str], now: dt.datetime) -> None:
    """Refuse to write a repo that would not pass ``gitstatus check`` (it would be a bug here).

    Its placeholders are the exception, and the point: the example incident (W103) and the
    example address (W110) are warned about until the team replaces them.
    """
    with tempfile.TemporaryDirectory(prefix="gitstatus-init-") as temp:
        root = Path(temp)
        for relpath, text in contents.items():
            (root / relpath).parent.mkdir(parents=True, exist_ok=True)
            (root / relpath).write_text(text, encoding="utf-8")
        result = check(root, now)
    problems = [d for d in result.diagnostics if d.rule not in (rules.EXAMPLE_INCIDENT, rules.EXAMPLE_URL)]
    if problems:
        raise ScaffoldError(f"the new status repo would not check clean ({'; '.join(format_text(problems))}); "
                            "nothing was written")


def _file_in_the_way(root: Path, relpaths: list[str]) -> Path | None:
    """A file where a folder must be for the files to be written (``.github``, or a parent of ``root``)."""
    for folder in sorted({(root / p).parent for p in relpaths}):
        for path in reversed((folder, *folder.parents)):
            if path.exists() and not path.is_dir():
                return path
    return None


def _current(root: Path, relpath: str) -> str | None:
    """The text of an existing regular file, through the safe door; None for a link, or what is not UTF-8.

    A link is never read or added to through: init would replace the link, not the file it leads
    to. A file that is not UTF-8 text is not added to either, as it could not be written back as it was.
    """
    path = root / relpath
    if path.is_symlink() or not path.is_file():
        return None
    data, _ = read_bytes(root, relpath)
    try:
        return data.decode("utf-8") if data is not None else None
    except UnicodeDecodeError:
        return None


def _plan(root: Path, contents: dict[str, str], force: bool) -> tuple[dict[str, str], InitResult]:
    """What to write (path → text) and what is kept, or ScaffoldError naming every real conflict."""
    result = InitResult()
    writes: dict[str, str] = {}
    conflicts: list[str] = []
    for relpath, text in sorted(contents.items()):
        path = root / relpath
        if not os.path.lexists(path):
            writes[relpath] = text
            result.written.append(relpath)
            continue
        if path.is_dir() and not path.is_symlink():
            raise ScaffoldError(f"{relpath} in {root} is a folder; nothing was written")
        current = _current(root, relpath)
        if current is not None and relpath in APPENDED:
            text = appended(current, text)
        if current == text:
            result.kept.append(relpath)
        elif current is not None and relpath in APPENDED:
            writes[relpath] = text
            result.extended.append(relpath)
        else:
            conflicts.append(relpath)
            writes[relpath] = text
            result.written.append(relpath)
    if conflicts and not force:
        raise ScaffoldError(f"{root} already has {', '.join(conflicts)}, with other contents than init would "
                            "write; nothing was written (pass --force to overwrite them)")
    return writes, result


def init(root: Path, now: dt.datetime, force: bool = False, host: str = "github", action: str | None = None,
         install: str | None = None) -> InitResult:
    """Make ``root`` a status repo published by ``host``; existing files are kept or added to.

    ``action`` (``OWNER/REPO@REF``) and ``install`` (a pip requirement) say where CI gets
    gitstatus; a bad value is a usage error.
    """
    if root.exists() and not root.is_dir():
        raise ScaffoldError(f"{root} exists and is not a folder", usage=True)
    if host not in HOSTS:
        raise ScaffoldError(f"--host must be one of {', '.join(HOSTS)}", usage=True)
    try:
        origin = parse_origin(action, install)
    except OriginError as err:
        raise ScaffoldError(str(err), usage=True) from None
    contents = files(now, host, origin)
    if os.path.lexists(root / GUIDE_PATHS[0]) and _current(root, GUIDE_PATHS[0]) != contents[GUIDE_PATHS[0]]:
        contents = files(now, host, origin, guide=GUIDE_PATHS[1])  # the repository's own README stays
    guide = next(p for p in GUIDE_PATHS if p in contents)
    in_the_way = _file_in_the_way(root, sorted(contents))
    if in_the_way is not None:
        raise ScaffoldError(f"cannot write into {root}: {in_the_way} is a file, not a folder; nothing was written")
    writes, result = _plan(root, contents, force)
    result.guide = guide
    verify(contents, now)
    try:
        write_new_files(root, {p: text.encode("utf-8") for p, text in writes.items()})
    except OSError as err:
        raise ScaffoldError(f"cannot write into {root}: {err.strerror or err}; nothing was written") from None
    return result

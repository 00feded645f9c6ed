"""A cState site (a Hugo site) to the import's neutral shape: its systems, and its issues with their updates.

``config.yml`` lists the systems (``params.systems``: name, description, category) and the
categories they are shown under; each ``content/issues/*.md`` is one issue, with YAML front
matter (``title``, ``date``, ``resolved``, ``resolvedWhen``, ``severity`` down | disrupted |
notice, ``affected``, ``informational``) and a body whose updates are written
``*Status* - text {{< track "2018-04-13 15:54:00" >}}``, newest first. Times without a zone are
in the site's ``timeZone`` (Hugo's setting), else UTC, as Hugo reads them.

A body without such markers is kept whole, as the first update's text; text above the first
marker (a post-mortem, say) is kept at the end of the last update. Every such choice is a
:class:`Note`.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import yaml

from ..errors import UsageError
from ..model import Impact, Status
from ..read.incident import parse_status
from ..timeparse import EARLIEST, LATEST, TimeError, load_zone
from . import Note, RawUpdate, SourceComponent, SourceData, SourceIncident, settle
from .markup import from_markdown

MAX_BYTES = 1024 * 1024
_MARKER = re.compile(r"^\*(?P<word>[^*\n]{1,60})\*[ \t]*[-–—][ \t]*", re.MULTILINE)
_TRACK = re.compile(r"\{\{<\s*track\s+\"(?P<time>[^\"]*)\"\s*>\}\}")
_SHORTCODE = re.compile(r"\{\{[<%].*?[>%]\}\}", re.DOTALL)
_RULE_LINES = re.compile(r"(?:\n[ \t]*(?:-{3,}|\*{3,}|_{3,})[ \t]*)+\s*$")
_SEVERITY = {"down": Impact.CRITICAL, "disrupted": Impact.MAJOR}
_FINAL_WORDS = frozenset({"fixed", "closed", "solved", "done"})
#: The text of the 'resolved' update added to a resolved issue whose body has no updates.
RESOLVED_TEXT = "This incident has been resolved."
_FREE = "(free text)"
"""The word of the one update a body without markers becomes."""


def _load(path: Path) -> Any:
    """A YAML file of the site, every value as text (cState's files come from outside the status repo)."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise UsageError(f"cannot read {path}: {err.strerror or err}") from None
    return _yaml(data, str(path))


def _yaml(data: bytes, where: str) -> Any:
    if len(data) > MAX_BYTES:
        raise UsageError(f"{where} is larger than 1 MiB; no cState file is")
    try:
        return yaml.load(data.decode("utf-8-sig"), Loader=yaml.BaseLoader)
    except (UnicodeDecodeError, yaml.YAMLError) as err:
        raise UsageError(f"{where} is not readable YAML: {err}") from None


def _entries(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _text(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _yes(value: Any) -> bool:
    return isinstance(value, str) and value.strip().lower() in ("true", "yes", "on")


def _time(value: Any, tz: dt.tzinfo) -> dt.datetime | None:
    """cState's times (``2018-04-13 15:54:00``, ``2024-12-27T09:43:40.482Z``, a bare date) to aware seconds."""
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text.replace(" ", "T", 1) if "T" not in text else text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    if not EARLIEST <= moment <= LATEST:
        return None
    return moment.replace(microsecond=0)


def read_site(root: Path) -> SourceData:
    """The cState site in ``root``: config.yml's systems and every issue of content/issues/."""
    config_path = next((root / name for name in ("config.yml", "config.yaml", "hugo.yml", "hugo.yaml")
                        if (root / name).is_file()), None)
    if config_path is None:
        raise UsageError(f"{root} has no config.yml: give the folder of a cState site (the one with config.yml and "
                         "content/issues/)")
    config = _load(config_path)
    if not isinstance(config, dict):
        raise UsageError(f"{config_path} is not a mapping of settings")
    zone_name = _text(config.get("timeZone") or config.get("timezone")) or "UTC"
    try:
        tz = load_zone(zone_name)
    except TimeError:
        raise UsageError(f"{config_path}: timeZone '{zone_name}' is not an IANA timezone name") from None
    params: dict[str, Any] = config["params"] if isinstance(config.get("params"), dict) else {}
    data = SourceData("cState", _text(config.get("title")) or root.name, zone_name)
    data.notes.append(f"times without a zone are read in {zone_name}, as Hugo reads them"
                      + ("" if "timeZone" in config else " (config.yml sets no timeZone)"))
    untitled = {_text(c.get("name")) for c in _entries(params.get("categories")) if _yes(c.get("untitled"))}
    for system in _entries(params.get("systems")):
        name = _text(system.get("name"))
        if not name:
            continue
        category = _text(system.get("category"))
        data.components.append(SourceComponent(name, name, _text(system.get("description")),
                                               category if category and category not in untitled else None))
    folder = root / "content" / "issues"
    if not folder.is_dir():
        raise UsageError(f"{root} has no content/issues/ folder: is it a cState site?")
    known = {c.key for c in data.components}
    for path in sorted(folder.glob("*.md")):
        if path.name.startswith("_") or not path.is_file():
            continue
        incident = _issue(path, tz, known, data)
        if incident is not None:
            data.incidents.append(incident)
    return data


def _split(text: str, where: Path) -> tuple[dict[str, Any], str]:
    """An issue's front matter and body."""
    text = text.replace("\r\n", "\n").lstrip("\ufeff")
    match = re.match(r"^---[ \t]*\n(.*?)\n---[ \t]*(?:\n|$)", text, re.DOTALL)
    if not match:
        raise UsageError(f"{where} has no front matter between '---' lines")
    meta = _yaml(match[1].encode("utf-8"), str(where))
    if not isinstance(meta, dict):
        raise UsageError(f"{where}: its front matter is not a mapping")
    return meta, text[match.end():]


def _issue(path: Path, tz: dt.tzinfo, known: set[str], data: SourceData) -> SourceIncident | None:
    origin = f"cstate:{path.stem}"
    notes = data.approximations
    try:
        raw_bytes = path.read_bytes()
    except OSError as err:
        raise UsageError(f"cannot read {path}: {err.strerror or err}") from None
    meta, body = _split(raw_bytes.decode("utf-8", "replace"), path)
    if _yes(meta.get("draft")):
        notes.append(Note(origin, "a draft; it is left out"))
        return None
    title = _text(meta.get("title")) or path.stem
    date = _time(meta.get("date"), tz)
    if date is None:
        notes.append(Note(origin, f"its date '{_text(meta.get('date'))}' cannot be read; it is left out"))
        return None
    informational = _yes(meta.get("informational"))
    resolved = _yes(meta.get("resolved")) or informational
    resolved_at = _time(meta.get("resolvedWhen"), tz)
    severity = _text(meta.get("severity")).lower()
    if severity in _SEVERITY:
        impact = _SEVERITY[severity]
    else:
        impact = Impact.MINOR
        what = f"severity '{severity}'" if severity else "no severity"
        if informational:
            notes.append(Note(origin, "an informational post: imported as a minor incident that is resolved when "
                                      "it is posted"))
        else:
            notes.append(Note(origin, f"{what}: imported as a 'minor' incident (cState's notice has no counterpart)"))
    affected = meta.get("affected")
    names = [_text(a) for a in (affected if isinstance(affected, list) else [affected]) if _text(a)]
    for name in names:
        if name not in known:
            known.add(name)
            data.components.append(SourceComponent(name, name))
            notes.append(Note("components", f"'{name}' is affected by {path.name} but is not a system of "
                                            "config.yml; it is added without a category"))
    raw = _updates(origin, body, date, resolved_at if resolved else None, tz, notes)
    if raw[0].word == _FREE:
        if informational:
            raw = [RawUpdate(raw[0].at, Status.RESOLVED, "resolved", raw[0].message)]
        else:
            raw = [RawUpdate(raw[0].at, Status.INVESTIGATING, "investigating", raw[0].message)]
            notes.append(Note(origin, "its body has no '*Status* - text' updates; it is kept whole as the text of "
                                      "an 'investigating' update at its date"))
            if resolved:
                raw.append(RawUpdate(max(resolved_at or date, date), Status.RESOLVED, "resolved", RESOLVED_TEXT))
                notes.append(Note(origin, "a 'resolved' update is added at its resolvedWhen, with the words "
                                          f"'{RESOLVED_TEXT}'"))
    updates = settle(origin, impact, raw, resolved, notes)
    return SourceIncident(origin, title, impact, tuple(dict.fromkeys(names)), updates)


def _updates(origin: str, body: str, date: dt.datetime, resolved_at: dt.datetime | None, tz: dt.tzinfo,
             notes: list[Note]) -> list[RawUpdate]:
    """The body's updates, oldest first; a body without markers is one update at the issue's date."""
    markers = list(_MARKER.finditer(body))
    if not markers:
        text, _ = _clean(body, origin, notes)
        return [RawUpdate(date, None, _FREE, text)]
    preamble = body[: markers[0].start()]
    parts: list[tuple[str, str, dt.datetime | None]] = []
    for marker, following in zip(markers, [*markers[1:], None], strict=True):
        chunk = body[marker.end(): following.start() if following else len(body)]
        track = _TRACK.search(chunk)
        parts.append((marker["word"].strip(), chunk, _time(track["time"], tz) if track else None))
    times = [at for _, _, at in parts if at is not None]
    if not (1 < len(parts) == len(times) and all(a < b for a, b in zip(times, times[1:], strict=False))):
        parts.reverse()  # cState writes the newest first
    raw: list[RawUpdate] = []
    untimed = 0
    for position, (word, chunk, at) in enumerate(parts):
        if at is None:
            untimed += 1
            last = position == len(parts) - 1
            at = (resolved_at if last and resolved_at and position else None) or (raw[-1].at if raw else date)
        text, _ = _clean(chunk, origin, notes)
        status = parse_status(word)
        if status is None and word.lower() in _FINAL_WORDS:
            status = Status.RESOLVED
            notes.append(Note(origin, f"the status '{word}' is read as 'resolved'"))
        raw.append(RawUpdate(at, status, word, text))
    if untimed:
        notes.append(Note(origin, f"{untimed} of its updates have no time ({{{{< track >}}}}); each takes the issue's "
                                  "date, the time of the update before it, or resolvedWhen for the last"))
    kept = _RULE_LINES.sub("", "\n" + preamble).strip()
    if kept:
        text, _ = _clean(kept, origin, notes)
        newest = raw[-1]
        raw[-1] = RawUpdate(newest.at, newest.status, newest.word, f"{newest.message}\n\n{text}")
        notes.append(Note(origin, "the text above its first update (" + repr(_text(kept)[:40] + "…") + ") is kept at "
                                  "the end of its last update"))
    return raw


def _clean(chunk: str, origin: str, notes: list[Note]) -> tuple[str, list[str]]:
    """One update's Markdown without the track shortcodes and the rules between updates."""
    text = _TRACK.sub("", chunk)
    if _SHORTCODE.search(text):
        notes.append(Note(origin, "a Hugo shortcode ({{< … >}}) in its text is kept as written; gitstatus shows it "
                                  "as text"))
    text = _RULE_LINES.sub("", "\n" + text.rstrip()).strip()
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    message, changed = from_markdown(text)
    notes.extend(Note(origin, what) for what in changed)
    return message, changed

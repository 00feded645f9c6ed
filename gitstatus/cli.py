"""The ``gitstatus`` command: parse options, call the pipeline, map results to exit codes.

Exit codes: 0 clean, 1 content errors (or warnings with --strict) or a failed build,
2 usage errors or a folder that is not a status repo.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import click

from . import __version__, editor
from .commands import author, listing
from .commands.build import BuildError, build
from .diagnostics import Diagnostic, format_github, format_json, format_text, has_errors, summary_line
from .errors import GitstatusError, Refused, RootError
from .model import Impact
from .project import default_jobs, load, read_settings
from .source import Disk, GitRev
from .terminal import printable
from .timeparse import UTC, TimeError, format_time, resolve_now
from .words import status_label
from .write import OutFolderError, WriteError

F = TypeVar("F", bound=Callable[..., object])
V = TypeVar("V", str, tuple[str, ...], None)

FORMATS = ("auto", "text", "github", "json")


def utf8_text(ctx: click.Context, param: click.Parameter, value: V) -> V:
    """A callback for options whose text goes into files and pages, which are UTF-8.

    Python hands argument bytes that are not UTF-8 (``$'\\xff'``, a Latin-1 terminal) over as lone
    surrogates; they cannot be written into a UTF-8 file, so they are refused here, where the
    argument is read, with the option's name. Paths (``--root``, ``--out``) are not text and keep any bytes.
    """
    for text in value if isinstance(value, tuple) else (value,):
        if not isinstance(text, str):
            continue
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as err:
            code = ord(text[err.start])
            what = f"the byte 0x{code - 0xDC00:02X}" if 0xDC80 <= code <= 0xDCFF else f"U+{code:04X}"
            raise click.BadParameter(f"{what} (character {err.start + 1}) is not UTF-8 text: give the value in "
                                     "UTF-8 (check the terminal's or the script's encoding)", ctx, param) from None
    return value


def host_name(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """A callback for ``--host``: an address or a name the socket can encode (IDNA for non-ASCII names)."""
    host = utf8_text(ctx, param, value)
    try:
        if "\0" in host:
            raise UnicodeError("a NUL character")
        if not host.isascii():
            host.encode("idna")
    except UnicodeError:
        raise click.BadParameter(f"'{host}' is not a host name or IP address, such as 127.0.0.1 or localhost",
                                 ctx, param) from None
    return host


def root_option(func: F) -> F:
    return click.option(
        "--root", type=click.Path(file_okay=False, path_type=Path), default=Path("."), show_default=True,
        help="The status repo: the folder with components.yaml and incidents/.",
    )(func)


def now_option(func: F) -> F:
    return click.option(
        "--now", "now_text", metavar="TIME", callback=utf8_text,
        help="Treat this moment as now (default: SOURCE_DATE_EPOCH, else the clock). "
             "A time without a zone is in the page's timezone.",
    )(func)


def format_option(func: F) -> F:
    return click.option(
        "--format", "output_format", type=click.Choice(FORMATS), default="auto", show_default=True,
        help="How to print problems: text, github (workflow annotations) or json. "
             "auto is github under GitHub Actions, else text.",
    )(func)


def page_timezone(root: Path) -> dt.tzinfo:
    """The page's timezone from components.yaml, or UTC when it cannot be read (check reports why)."""
    return read_settings(Disk(root)).tz


def get_now(root: Path, now_text: str | None) -> dt.datetime:
    try:
        return resolve_now(now_text, page_timezone(root) if now_text else UTC)
    except TimeError as err:  # without --now, SOURCE_DATE_EPOCH is at fault and the message names it
        raise click.UsageError(printable(f"--now: {err}" if now_text else str(err))) from None


def resolve_format(output_format: str) -> str:
    if output_format != "auto":
        return output_format
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


def use_colour() -> bool:
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def report(diagnostics: Sequence[Diagnostic], output_format: str, root: Path, checked: str) -> None:
    """Print the problems in the chosen format, paths as the user would type them."""
    prefix = "" if root == Path(".") else str(root)
    shown = [d.at(prefix) for d in diagnostics]
    fmt = resolve_format(output_format)
    if fmt == "json":
        click.echo(format_json(shown))
        return
    lines = format_github(shown) if fmt == "github" else format_text(shown, colour=use_colour())
    for line in lines:
        click.echo(line, color=use_colour() if fmt == "text" else False)
    click.echo(summary_line(shown, checked))


def say(text: str, err: bool = False) -> None:
    """Print a message that carries paths, ids or words from the user or the files.

    Those may hold escape sequences, bidi overrides or invisible characters, shown as escapes
    (``\\x1b``, ``\\u202e``); the line breaks of the message itself are kept.
    """
    click.echo(printable(text, keep="\n"), err=err)


def fail_usage(message: str) -> None:
    say(f"gitstatus: {message}", err=True)
    sys.exit(2)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="gitstatus")
def main() -> None:
    """A status page from Markdown incident files in git.

    Write incidents in incidents/, list components in components.yaml, check them
    with 'gitstatus check' and publish with 'gitstatus build'.
    """
    escape_undecodable_output()


def escape_undecodable_output() -> None:
    """Print names that are not UTF-8 escaped (``\\udcff``) instead of failing on them.

    A file or folder name with bytes that are not UTF-8 reaches Python as lone surrogates, and it
    appears in diagnostics and messages. Under a UTF-8 locale other than C, standard output is
    strict and would raise on it; standard error already escapes, and so does standard output now.
    """
    for stream in (sys.stdout, sys.stderr):
        if getattr(stream, "errors", None) == "strict" and isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")


@main.command("check")
@root_option
@now_option
@format_option
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too.")
@click.option("--base", "base_ref", metavar="REF",
              help="Also compare with the incidents at this git revision (e.g. origin/main): published "
                   "updates may not vanish or change, resolved incidents stay closed, ids stay.")
def check_command(root: Path, now_text: str | None, output_format: str, strict: bool,
                  base_ref: str | None) -> None:
    """Validate components.yaml and every incident file; report every problem."""
    from . import changes, summary

    now = get_now(root, now_text)
    try:
        source = Disk(root)
        result = load(source, default_jobs()).check(now)
        compared = None
        if base_ref is not None:
            compared = changes.compare(source, GitRev(root, base_ref), result.project.tz, now)
    except GitstatusError as err:
        fail_usage(err.message)
        return
    diagnostics = result.diagnostics + (compared.diagnostics if compared else [])
    checked = _checked_text(result.files_checked - 1)
    report(diagnostics, output_format, root, checked)
    if resolve_format(output_format) == "github" and os.environ.get("GITHUB_STEP_SUMMARY"):
        prefix = "" if root == Path(".") else str(root)
        problem = summary.append_to_step_summary(
            summary.render(diagnostics, checked, result.page.site.tz, compared, prefix))
        if problem:
            say(f"gitstatus: {problem}", err=True)
    sys.exit(1 if has_errors(diagnostics, strict) else 0)


def _checked_text(incidents: int) -> str:
    return f"components.yaml and {incidents} incident{'' if incidents == 1 else 's'}"


@main.command("init")
@click.argument("directory", metavar="[DIR]", type=click.Path(path_type=Path), default=Path("."))
@click.option("--force", is_flag=True, help="Overwrite files that are already there.")
@click.option("--install", "requirement", metavar="REQUIREMENT",
              callback=utf8_text, help="What the workflows pip-install, e.g. 'gitstatus==0.1.0' or "
                   "'gitstatus @ git+https://github.com/you/gitstatus@v0.1.0' (default: the tagged release "
                   "of this version from gitstatus's repository).")
@now_option
def init_command(directory: Path, force: bool, requirement: str | None, now_text: str | None) -> None:
    """Start a new status repo in DIR (default: here), with its GitHub workflows.

    Writes components.yaml, an example incident, a README for its writers, a .gitignore and the
    workflows that check pull requests and publish the page to GitHub Pages. Files that are
    already there are left alone (and nothing is written) unless --force is given.
    """
    from .commands import init as scaffold

    try:
        written = scaffold.init(directory, get_now(directory, now_text), force=force, requirement=requirement)
    except scaffold.ScaffoldError as err:
        say(f"gitstatus: {err}", err=True)
        sys.exit(2 if err.usage else 1)
    for relpath in written:
        say(f"  wrote {directory / relpath}")
    say(f"A new status repo is in {directory}. Next: edit components.yaml, run 'gitstatus check' "
               "and 'gitstatus serve', and read README.md for publishing to GitHub Pages.")


@main.command("merge-driver")
@click.argument("ancestor", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("current", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("other", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("pathname", required=False, default="")
def merge_driver_command(ancestor: Path, current: Path, other: Path, pathname: str) -> None:
    """Merge an incident file for git: updates appended on both branches are kept, by time.

    Git runs it as 'gitstatus merge-driver %O %A %B %P' once .gitattributes says
    'incidents/*.md merge=gitstatus' and 'git config merge.gitstatus.driver' names it. The result
    is written over CURRENT; exit 0 merged, 1 conflict (git's markers are in CURRENT), 2 error.
    """
    from . import merge_driver

    try:
        merged = merge_driver.run(ancestor, current, other, pathname)
    except merge_driver.DriverError as err:
        click.echo(f"gitstatus merge-driver: {err}", err=True)
        sys.exit(2)
    if merged.conflicts:
        why = "; ".join(merged.reasons) or "conflicting changes"
        click.echo(f"gitstatus merge-driver: {pathname or current}: {why}: resolve the conflict markers, "
                   "keeping both sides' updates oldest first, then run 'gitstatus check'", err=True)
        sys.exit(1)


@main.command("schema")
@click.argument("name", type=click.Choice(["incident", "components"]))
def schema_command(name: str) -> None:
    """Print the JSON Schema of an incident's front matter or of components.yaml, for editors."""
    from . import schema

    click.echo(schema.render(name), nl=False)


@main.command("build")
@root_option
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder (default: site/ in the status repo). Replaced as a whole.")
@now_option
@click.option("--base-url", metavar="URL", callback=utf8_text,
              help="Absolute URL the site is published at (default: site.url).")
@click.option("--jobs", type=click.IntRange(1, 64), default=None, help="Worker processes (default: the CPU count).")
@format_option
def build_command(root: Path, out: Path | None, now_text: str | None, base_url: str | None,
                  jobs: int | None, output_format: str) -> None:
    """Check, then render the status page into the output folder."""
    now = get_now(root, now_text)
    out = out if out is not None else root / "site"
    try:
        result = build(root, out, now, base_url=base_url, jobs=jobs)
    except RootError as err:
        fail_usage(str(err))
        return
    except BuildError as err:
        say(f"gitstatus: {err}", err=True)
        sys.exit(1)
    except OutFolderError as err:  # a folder that is not the build's to replace: the user must choose
        fail_usage(str(err))
        return
    except (WriteError, OSError) as err:
        say(f"gitstatus: cannot write {out}: {err}; the previous site was left as it was", err=True)
        sys.exit(1)
    checked = result.check
    if checked.failed():
        report(checked.diagnostics, output_format, root, _checked_text(checked.files_checked - 1))
        say(f"Build failed: fix the errors above. {out} was left as it was.", err=True)
        sys.exit(1)
    problems = checked.diagnostics
    if problems:
        report(problems, output_format, root, _checked_text(checked.files_checked - 1))
    count = len(checked.page.incidents)
    pages = sum(1 for path in result.paths if path.endswith(".html"))
    say(f"Built {pages} pages and {result.written - pages} other files into {out} in {result.seconds:.2f} s "
               f"({count} incident{'' if count == 1 else 's'}). Open {out / 'index.html'}")


# --- writing incidents: new, update, resolve, list, delete (the work is in author.py) -------------

def message_option(func: F) -> F:
    return click.option(
        "--message", "-m", metavar="TEXT", callback=utf8_text,
        help="The update's message (Markdown). Without it the message is read from standard input "
             "when that is not a terminal, else written in $EDITOR; an empty message aborts.",
    )(func)


def at_option(func: F) -> F:
    return click.option(
        "--at", metavar="TIME", callback=utf8_text,
        help="When the update was posted (default: now). 'YYYY-MM-DD HH:MM' with an optional zone, "
             "or 'HH:MM' for today; without a zone it is in the page's timezone.",
    )(func)


def _authoring_repo(root: Path, now_text: str | None = None) -> author.Repo:
    return author.open_repo(root, get_now(root, now_text) if now_text else resolve_now(None))


def _shown(root: Path, relpath: str) -> str:
    return relpath if root == Path(".") else str(root / relpath)


def _write(root: Path, action: Callable[[], None]) -> None:
    """Run a writing command and map a refusal to its exit status: 2 usage, 1 anything else."""
    try:
        action()
    except Refused as err:
        say(f"gitstatus: {err.message}", err=True)
        prefix = "" if root == Path(".") else str(root)
        for line in format_text([d.at(prefix) for d in err.diagnostics]):
            click.echo(f"  {line}", err=True)
        sys.exit(2 if err.usage else 1)
    except TimeError as err:
        fail_usage(str(err))
    except BrokenPipeError:  # the reader of the output left (| head): nothing to report to anyone
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    except OSError as err:
        say(f"gitstatus: cannot write: {err}; nothing was written", err=True)
        sys.exit(1)


@main.command("new")
@click.argument("title", callback=utf8_text)
@click.option("--impact", required=True, type=click.Choice([i.value for i in Impact], case_sensitive=False),
              help="How bad it is: minor, major, critical, or maintenance for planned work.")
@click.option("--component", "-c", "components", multiple=True, metavar="ID", callback=utf8_text,
              help="An affected component's id from components.yaml; repeat it or separate ids with commas.")
@click.option("--status", metavar="STATUS", callback=utf8_text,
              help="The first update's status (default: investigating; scheduled for maintenance with "
                   "--start, else in progress).")
@message_option
@at_option
@click.option("--start", metavar="TIME", callback=utf8_text, help="Maintenance only: when the planned window starts.")
@click.option("--end", metavar="TIME", callback=utf8_text, help="Maintenance only: when the planned window ends.")
@root_option
def new_command(title: str, impact: str, components: tuple[str, ...], status: str | None, message: str | None,
                at: str | None, start: str | None, end: str | None, root: Path) -> None:
    """Start an incident: write incidents/<date>-<title>.md with its first update, print its path."""
    def run() -> None:
        repo = _authoring_repo(root)
        spec = author.NewIncident(
            title=title, impact=Impact(impact.lower()),
            components=tuple(c.strip() for item in components for c in item.split(",") if c.strip()),
            status=author.parse_status_option(status) if status else None,
            at=at, window=author.parse_window(start, end, repo),
        )
        say(_shown(root, author.create(repo, spec, message, editor.message_source())))
    _write(root, run)


@main.command("update")
@click.argument("incident", metavar="ID")
@click.option("--status", metavar="STATUS", callback=utf8_text,
              help="investigating, identified, monitoring (maintenance: in progress, verifying); "
                   "default: the last update's status. Use 'gitstatus resolve' to close it.")
@message_option
@at_option
@root_option
def update_command(incident: str, status: str | None, message: str | None, at: str | None, root: Path) -> None:
    """Append an update to an incident. ID is its id, a unique prefix of it, or its file's path."""
    def run() -> None:
        repo = _authoring_repo(root)
        parsed = author.parse_status_option(status) if status else None
        relpath, update = author.add_update(repo, incident, parsed, at, message, editor.message_source())
        say(f"{_shown(root, relpath)}: {status_label(update.status)} at {format_time(update.at, repo.tz)}")
    _write(root, run)


@main.command("resolve")
@click.argument("incident", metavar="ID")
@message_option
@at_option
@root_option
def resolve_command(incident: str, message: str | None, at: str | None, root: Path) -> None:
    """Post the final update: resolved, or completed for maintenance."""
    def run() -> None:
        repo = _authoring_repo(root)
        relpath, update = author.add_update(repo, incident, None, at, message, editor.message_source(), final=True)
        say(f"{_shown(root, relpath)}: {status_label(update.status)} at {format_time(update.at, repo.tz)}")
    _write(root, run)


@main.command("delete")
@click.argument("incident", metavar="ID")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@root_option
def delete_command(incident: str, yes: bool, root: Path) -> None:
    """Remove an incident and all its updates, e.g. a false alarm. Asks first."""
    def run() -> None:
        repo = _authoring_repo(root)
        relpath = author.find_incident(root, incident)
        if not yes:
            if not sys.stdin.isatty():
                raise Refused(f"not deleting {_shown(root, relpath)} without confirmation: "
                                        "pass --yes when there is no terminal to ask on", usage=True)
            question = f"Delete {printable(_shown(root, relpath))} and all its updates from the page?"
            if not click.confirm(question, default=False):
                raise Refused("nothing was deleted")
        author.remove(repo, relpath)
        say(f"Deleted {_shown(root, relpath)}")
    _write(root, run)


@main.command("list")
@click.option("--active", is_flag=True, help="Only incidents that are in effect now.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for tools instead of a table.")
@now_option
@root_option
def list_command(active: bool, as_json: bool, now_text: str | None, root: Path) -> None:
    """List incidents, newest first: id, impact, status, started, last update, title."""
    def run() -> None:
        repo = _authoring_repo(root, now_text)
        rows, errors = listing.incident_rows(repo, active)
        if as_json:
            click.echo(listing.format_json(rows))
        elif rows:
            for line in listing.format_table(rows, repo.tz):
                click.echo(line)
        else:
            click.echo("No active incidents." if active else "No incidents.")
        if errors:
            files = len({d.path for d in errors})
            raise Refused(f"{files} file{'' if files == 1 else 's'} with errors could not be listed "
                                    "(see 'gitstatus check')")
    _write(root, run)


@main.command("serve")
@root_option
@click.option("--host", default="127.0.0.1", callback=host_name, show_default=True, help="The address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="The port to listen on; 0 picks a free one.")
@click.option("--open", "open_browser", is_flag=True, help="Open the page in a browser.")
@now_option
def serve_command(root: Path, host: str, port: int, open_browser: bool, now_text: str | None) -> None:
    """Preview the page while you edit: rebuild on every save and reload the browser."""
    from .preview import serve

    now = get_now(root, now_text) if now_text else None
    try:
        code = serve.run(root, host, port, open_browser=open_browser, now=now)
    except RootError as err:
        fail_usage(str(err))
        return
    sys.exit(code)


# --- gitstatus notify: announce what changed (commands/notify.py, docs/notify.md) --------------------

@main.command("notify")
@root_option
@now_option
@click.option("--base", "base_ref", metavar="REF",
              help="Announce what changed since this git revision (default: the commit the record names).")
@click.option("--since", "since_text", metavar="TIME", callback=utf8_text,
              help="Announce what happened with time since this moment, e.g. a window that opened "
                   "(default: the moment the record names).")
@click.option("--state", metavar="FILE|URL",
              help="Where the record of the last announcement is read from: a file (written back there), or a "
                   "URL (default: notify-state.json on the live site; the new record goes into --out).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The built site the new record is published with (default: site/ in the status repo).")
@click.option("--base-url", metavar="URL", callback=utf8_text,
              help="Absolute URL the site is published at (default: site.url), for links and the record.")
@click.option("--dry-run", is_flag=True, help="Print what would be sent; send nothing, write nothing.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Print the events and the channels' results as text or JSON.")
@click.option("--timeout", type=click.FloatRange(0.5, 120), default=10.0, show_default=True,
              help="Seconds each try of a message may take.")
@click.option("--retries", type=click.IntRange(0, 5), default=2, show_default=True,
              help="Tries after the first for a message that fails, waiting 1 s, 2 s, 4 s… between them.")
def notify_command(root: Path, now_text: str | None, base_ref: str | None, since_text: str | None,
                   state: str | None, out: Path | None, base_url: str | None, dry_run: bool, output_format: str,
                   timeout: float, retries: int) -> None:
    """Announce new incidents, updates and maintenance on the channels under 'notify:' in components.yaml."""
    from .commands import notify as notifying
    from .summary import append_to_step_summary
    from .timeparse import parse_time

    now = get_now(root, now_text)
    try:
        since = parse_time(since_text, page_timezone(root)) if since_text else None
    except TimeError as err:
        raise click.UsageError(printable(f"--since: {err}")) from None
    request = notifying.Request(root, now, base_ref, since, state, out, base_url, dry_run, timeout, retries)
    try:
        result = notifying.notify(request)
    except GitstatusError as err:
        say(f"gitstatus: {err.message}", err=True)
        prefix = "" if root == Path(".") else str(root)
        for line in format_text([d.at(prefix) for d in err.diagnostics]):
            click.echo(f"  {line}", err=True)
        sys.exit(err.exit_code)
    if output_format == "json":
        click.echo(notifying.format_json(result))
    else:
        for line in notifying.format_text(result):
            say(line)
    if os.environ.get("GITHUB_ACTIONS") == "true":
        for line in notifying.github_commands(result):
            say(line, err=True)
        problem = append_to_step_summary(notifying.summary_markdown(result))
        if problem:
            say(f"gitstatus: {problem}", err=True)
    sys.exit(1 if result.failed else 0)


if __name__ == "__main__":  # pragma: no cover
    main()

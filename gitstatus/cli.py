"""The ``gitstatus`` command: click options in, a command function (commands/) called, its result printed.

ARCHITECTURE: this is the only module that knows click. Each command turns its options into
plain values, calls one function of commands/ (or merge_driver, preview) and prints what it
returns. Every error a command ends with is a :class:`~gitstatus.errors.GitstatusError`, caught in
one place (:class:`GitstatusCommand`), printed as ``gitstatus: <message>`` with the diagnostics
that explain it, and mapped to its exit status; a command that says more about an error (build's
"the previous site was left as it was") raises it so worded.

Exit codes: 0 clean, 1 content errors (or warnings with --strict) or a failed build,
2 usage errors or a folder that is not a status repo.
"""

from __future__ import annotations

import datetime as dt
import gc
import io
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click

from .commands import HOSTS
from .errors import GitstatusError
from .model import Impact
from .project import read_settings
from .report import checked_text, format_github, format_json, format_text, summary_line
from .rules import Diagnostic
from .source import Disk, find_root
from .terminal import printable
from .timeparse import UTC, TimeError, format_time, resolve_now
from .words import status_label, t

if TYPE_CHECKING:
    from .cache import Cache
    from .commands.author import Posted
    from .commands.importing import ImportResult

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
        "--root", type=click.Path(file_okay=False, path_type=Path), default=None,
        callback=lambda _ctx, _param, value: value if value is not None else find_root(Path(".")),
        help="The status repo: the folder with components.yaml and incidents/ "
             "(default: the nearest one up from here, as git finds its work tree).",
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


def cache_options(func: F) -> F:
    func = click.option("--no-cache", "no_cache", is_flag=True,
                        help="Neither use nor write the cache: a cold run.")(func)
    return click.option(
        "--cache-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
        help="Where to keep the cache of read files and rendered pages (default: $GITSTATUS_CACHE_DIR, "
             "else .gitstatus-cache/ in the status repo).",
    )(func)


def open_cache(root: Path, cache_dir: Path | None = None, no_cache: bool = False) -> Cache | None:
    """The cache a command uses; a cache that may not be used is said so once, and the command runs without it."""
    from .cache import Cache, cache_folder

    cache = Cache.open(root, cache_folder(root, cache_dir, not no_cache))
    if cache is not None and cache.note:
        say(f"gitstatus: warning: {cache.note}", err=True)
    return cache


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


def _prefix(root: object) -> str:
    """The root as the user typed it, to put before the paths of diagnostics ("" for the current folder)."""
    return "" if root is None or root == Path(".") else str(root)


def report(diagnostics: Sequence[Diagnostic], output_format: str, root: Path, checked: str) -> None:
    """Print the problems in the chosen format, paths as the user would type them."""
    shown = [d.at(_prefix(root)) for d in diagnostics]
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


class GitstatusCommand(click.Command):
    """A command of gitstatus: the one place where an error a command ends with is printed and exited on."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except GitstatusError as err:
            say(f"{err.program}: {err.message}", err=True)
            prefix = _prefix(ctx.params.get("root"))
            for line in format_text([d.at(prefix) for d in err.diagnostics]):
                click.echo(f"  {line}", err=True)
            sys.exit(err.exit_code)
        except BrokenPipeError:  # the reader of the output left (| head): nothing to report to anyone
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(1)


class GitstatusGroup(click.Group):
    command_class = GitstatusCommand


@click.group(cls=GitstatusGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=lambda ctx, _p, value:
              _print_version(ctx) if value else None, help="Show the version and exit.")
def main() -> None:
    """A status page from Markdown incident files in git.

    Write incidents in incidents/, list components in components.yaml, check them
    with 'gitstatus check' and publish with 'gitstatus build'.
    """
    escape_undecodable_output()
    gc.freeze()  # what start-up made lives as long as the process: the collector need not walk it again
    # A build at 10,000 incidents makes millions of objects that live to the end (the readings, the page's
    # state) and almost no cycles. With the default threshold (700) the collector ran some 800 times and
    # walked all of them 5 times, 0.45 s of a 3 s rebuild; with 50,000 it runs about 10 times, in 0.1 s,
    # and the peak memory stays the same (bench/rebuild_bench.py).
    gc.set_threshold(50_000)


def _print_version(ctx: click.Context) -> None:
    """``--version``, as click's own option prints it; the version is looked up only here."""
    from . import __version__

    click.echo(f"gitstatus, version {__version__}")
    ctx.exit()


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
@cache_options
def check_command(root: Path, now_text: str | None, output_format: str, strict: bool,
                  base_ref: str | None, cache_dir: Path | None, no_cache: bool) -> None:
    """Validate components.yaml and every incident file; report every problem."""
    from .commands.check import check

    now = get_now(root, now_text)
    result = check(root, now, base_ref, job_summary=resolve_format(output_format) == "github",
                   cache=open_cache(root, cache_dir, no_cache))
    report(result.diagnostics, output_format, root, result.checked)
    if result.summary_problem:
        say(f"gitstatus: {result.summary_problem}", err=True)
    sys.exit(1 if result.failed(strict) else 0)


@main.command("init")
@click.argument("directory", metavar="[DIR]", type=click.Path(path_type=Path), default=Path("."))
@click.option("--host", "host", type=click.Choice(HOSTS), default="github",
              show_default=True, help="Where the page is published: the CI files to write.")
@click.option("--action", metavar="OWNER/REPO@REF", callback=utf8_text,
              help="The gitstatus GitHub Action the workflows use (default: gitstatus/gitstatus at the major "
                   "version tag of this gitstatus, e.g. gitstatus/gitstatus@v1); other hosts pip-install that "
                   "repository at that ref.")
@click.option("--install", "requirement", metavar="REQUIREMENT", callback=utf8_text,
              help="A pip requirement CI installs instead, e.g. 'gitstatus-page==1.0.0' (the Action's install input).")
@click.option("--force", is_flag=True, help="Overwrite files that are already there with other contents.")
@now_option
def init_command(directory: Path, host: str, action: str | None, requirement: str | None, force: bool,
                 now_text: str | None) -> None:
    """Make DIR (default: here) a status repo, with the CI that checks it and publishes the page.

    Writes components.yaml, an example incident, a guide for its writers (README.md, or STATUS.md
    beside a README that is there), a .gitignore, a .gitattributes and the host's CI files. In an
    existing repository it appends what it needs to .gitignore and .gitattributes and keeps the
    rest; a file with other contents than init would write is a conflict, and nothing is written
    unless --force is given.
    """
    from .commands import init as scaffold

    result = scaffold.init(directory, get_now(directory, now_text), force=force, host=host, action=action,
                           install=requirement)
    for verb, relpaths in (("wrote", result.written), ("added to", result.extended),
                           ("kept", result.kept)):
        for relpath in relpaths:
            say(f"  {verb} {directory / relpath}")
    where = "" if directory == Path(".") else f" in {directory}"
    say(f"A status repo is ready{where}. Next: edit components.yaml, run 'gitstatus check' "
        f"and 'gitstatus serve', and read {result.guide} for publishing the page.")


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

    merged = merge_driver.run(ancestor, current, other, pathname)
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
@cache_options
def build_command(root: Path, out: Path | None, now_text: str | None, base_url: str | None,
                  jobs: int | None, output_format: str, cache_dir: Path | None, no_cache: bool) -> None:
    """Check, then render the status page into the output folder."""
    now = get_now(root, now_text)
    out = out if out is not None else root / "site"
    from .commands.build import build

    result = build(root, out, now, base_url=base_url, jobs=jobs, cache=open_cache(root, cache_dir, no_cache))
    checked = result.check
    if checked.failed():
        report(checked.diagnostics, output_format, root, checked_text(checked.files_checked - 1))
        say(f"Build failed: fix the errors above. {out} was left as it was.", err=True)
        sys.exit(1)
    problems = checked.diagnostics
    if problems:
        report(problems, output_format, root, checked_text(checked.files_checked - 1))
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


def _posted(root: Path, posted: Posted) -> str:
    from .commands import author

    update = posted.update
    return f"{author.shown(root, posted.relpath)}: {status_label(update.status)} at {format_time(update.at, posted.tz)}"


NO_COMPONENTS = ("no components given (-c ID): the incident will change no component's status or uptime, "
                 "and component feeds and notification filters will not see it")


def _no_components() -> None:
    """``new`` without ``-c`` (most often a forgotten option): a warning on stderr, before the editor opens.

    A warning rather than a question: an incident that affects no component is legitimate (an
    announcement), and scripts that run ``new`` must not hang on a prompt.
    """
    say(f"gitstatus: warning: {NO_COMPONENTS}; if it affects any, add them to 'components:' in the file", err=True)


def _ask_to_delete(shown: str) -> bool:
    return click.confirm(f"Delete {printable(shown)} and all its updates from the page?", default=False)


@main.command("new")
@click.argument("title", callback=utf8_text, required=False)
@click.option("--impact", type=click.Choice([i.value for i in Impact], case_sensitive=False),
              help="How bad it is: minor, major, critical, or maintenance for planned work (required without "
                   "--template).")
@click.option("--template", "template", metavar="NAME", callback=utf8_text,
              help="Start from templates/NAME.md: its title, impact, components and first message (the options "
                   "given override them).")
@click.option("--var", "variables", multiple=True, metavar="NAME=VALUE", callback=utf8_text,
              help="A value for the template's {NAME} placeholder; repeat it for several.")
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
def new_command(title: str | None, impact: str | None, template: str | None, variables: tuple[str, ...],
                components: tuple[str, ...], status: str | None, message: str | None, at: str | None,
                start: str | None, end: str | None, root: Path) -> None:
    """Start an incident: write incidents/<date>-<title>.md with its first update, print its path."""
    from . import editor
    from .commands import author

    ids = [c.strip() for item in components for c in item.split(",") if c.strip()]
    if template is None and (title is None or impact is None):
        raise click.UsageError("give a TITLE and --impact, or --template NAME")
    if not ids and template is None:
        _no_components()
    chosen = author.FromTemplate(template, author.parse_vars(variables)) if template is not None else None
    relpath = author.new(root, resolve_now(None), title, Impact(impact.lower()) if impact else None, ids, status,
                         message, at, start, end, editor.message_source(), chosen)
    say(author.shown(root, relpath))


@main.command("update")
@click.argument("incident", metavar="ID")
@click.option("--status", metavar="STATUS", callback=utf8_text,
              help="investigating, identified, monitoring (maintenance: in progress, verifying); "
                   "default: the last update's status. Use 'gitstatus resolve' to close it.")
@click.option("--component", "-c", "components", multiple=True, metavar="ID=STATUS", callback=utf8_text,
              help="Set a component's status from this update on, e.g. api=operational (operational, "
                   "degraded_performance, partial_outage, major_outage, under_maintenance); repeat it or "
                   "separate with commas.")
@click.option("--start", metavar="TIME", callback=utf8_text,
              help="Maintenance before its window: move the window to start here (with --end); the update records "
                   "the old window.")
@click.option("--end", metavar="TIME", callback=utf8_text, help="Maintenance: where the moved window ends.")
@message_option
@at_option
@root_option
def update_command(incident: str, status: str | None, components: tuple[str, ...], start: str | None,
                   end: str | None, message: str | None, at: str | None, root: Path) -> None:
    """Append an update to an incident. ID is its id, a unique prefix of it, or its file's path."""
    from . import editor
    from .commands import author

    say(_posted(root, author.post(root, resolve_now(None), incident, status, message, at, editor.message_source(),
                                  components=components, start=start, end=end)))


@main.command("resolve")
@click.argument("incident", metavar="ID")
@click.option("--cancel", is_flag=True,
              help="Maintenance only, before its window opens: call it off (the final update is 'Cancelled').")
@message_option
@at_option
@root_option
def resolve_command(incident: str, cancel: bool, message: str | None, at: str | None, root: Path) -> None:
    """Post the final update: resolved, or completed for maintenance (cancelled with --cancel)."""
    from . import editor
    from .commands import author

    say(_posted(root, author.post(root, resolve_now(None), incident, None, message, at, editor.message_source(),
                                  final=True, cancel=cancel)))


@main.command("postmortem")
@click.argument("incident", metavar="ID")
@message_option
@at_option
@root_option
def postmortem_command(incident: str, message: str | None, at: str | None, root: Path) -> None:
    """Publish a resolved incident's post-mortem: append its '## <time> — Post-mortem' section."""
    from . import editor
    from .commands import author

    relpath, postmortem, tz = author.publish_postmortem(root, resolve_now(None), incident, message, at,
                                                        editor.message_source())
    say(f"{author.shown(root, relpath)}: {t('postmortem.heading')} at {format_time(postmortem.at, tz)}")


@main.command("delete")
@click.argument("incident", metavar="ID")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@root_option
def delete_command(incident: str, yes: bool, root: Path) -> None:
    """Remove an incident and all its updates, e.g. a false alarm. Asks first."""
    from .commands import author

    ask = _ask_to_delete if sys.stdin.isatty() else None
    relpath = author.delete(root, resolve_now(None), incident, yes, ask)
    say(f"Deleted {author.shown(root, relpath)}")


@main.group("import", cls=GitstatusGroup)
def import_group() -> None:
    """Bring a page's history over from Statuspage or cState (docs/migrating.md).

    Components are added to components.yaml, incidents and maintenances become incident files;
    the result must pass 'gitstatus check' or nothing is written. Importing the same source
    again adds only what is new.
    """


def dry_run_option(func: F) -> F:
    return click.option("--dry-run", is_flag=True,
                        help="Print what would be written (files, components, approximations) and write nothing.")(func)


def _print_import(root: Path, result: ImportResult) -> None:
    from .commands import importing

    for line in importing.report(result, page_timezone(root)):
        say(line)


@import_group.command("statuspage")
@click.argument("sources", nargs=-1, metavar="[SOURCE]...", callback=utf8_text)
@click.option("--page-id", metavar="ID", callback=utf8_text,
              help="Import the whole history from Statuspage's management API (needs an API key).")
@click.option("--api-key-env", metavar="NAME", default="STATUSPAGE_API_KEY", show_default=True,
              help="The environment variable that holds the management API's key (the key is never printed).")
@click.option("--api-url", metavar="URL", callback=utf8_text,
              help="The management API's address (default: Statuspage's, https://api.statuspage.io/v1).")
@dry_run_option
@now_option
@root_option
def import_statuspage_command(sources: tuple[str, ...], page_id: str | None, api_key_env: str, api_url: str | None,
                              dry_run: bool, now_text: str | None, root: Path) -> None:
    """Import a Statuspage page: saved API answers, its address, or --page-id.

    Each SOURCE is a saved answer of its public API (summary.json, components.json, incidents.json,
    scheduled-maintenances.json) or a page's address (https://status.example.com), which lists only the
    recent incidents; --page-id reads every incident from the management API.
    """
    from .commands import importing
    from .importers.statuspage import MANAGEMENT_API

    now = get_now(root, now_text)
    reader = importing.statuspage_reader(sources, page_id, api_key_env, api_url or MANAGEMENT_API)
    _print_import(root, importing.run(root, now, reader, dry_run))


@import_group.command("cstate")
@click.argument("site", metavar="DIR", type=click.Path(file_okay=False, exists=True, path_type=Path))
@dry_run_option
@now_option
@root_option
def import_cstate_command(site: Path, dry_run: bool, now_text: str | None, root: Path) -> None:
    """Import a cState site: DIR is the folder with its config.yml and content/issues/."""
    from .commands import importing

    now = get_now(root, now_text)
    _print_import(root, importing.run(root, now, importing.cstate_site_reader(site), dry_run))


@main.command("list")
@click.option("--active", is_flag=True, help="Only incidents that are in effect now.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for tools instead of a table.")
@now_option
@root_option
def list_command(active: bool, as_json: bool, now_text: str | None, root: Path) -> None:
    """List incidents, newest first: id, impact, status, started, last update, title."""
    from .commands import listing

    listed = listing.list_incidents(root, get_now(root, now_text) if now_text else resolve_now(None), active)
    if as_json:
        click.echo(listing.format_json(listed.rows))
    elif listed.rows:
        for line in listing.format_table(listed.rows, listed.tz):
            click.echo(line)
    else:
        click.echo("No active incidents." if active else "No incidents.")
    if listed.problem:
        raise listed.problem


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
    sys.exit(serve.run(root, host, port, open_browser=open_browser, now=now))


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
@click.option("--publish-failed", is_flag=True,
              help="Tell the team the page was not published (a message to each channel whose 'events' allow "
                   "publish_failed), instead of announcing changes; no record is read or written.")
@click.option("--details", "details_url", metavar="URL", callback=utf8_text,
              help="With --publish-failed: where the team reads why (default under GitHub Actions: the run).")
def notify_command(root: Path, now_text: str | None, base_ref: str | None, since_text: str | None,
                   state: str | None, out: Path | None, base_url: str | None, dry_run: bool, output_format: str,
                   timeout: float, retries: int, publish_failed: bool, details_url: str | None) -> None:
    """Announce new incidents, updates and maintenance on the channels under 'notify:' in components.yaml."""
    from .commands import notify as notifying
    from .report.summary import append_to_step_summary

    if details_url is not None and not publish_failed:
        raise click.UsageError("--details goes with --publish-failed")
    request = notifying.Request(root, get_now(root, now_text), base_ref, since_text, state, out, base_url, dry_run,
                                timeout, retries, publish_failed=publish_failed, details_url=details_url)
    result = notifying.notify(request)  # a GitstatusError is printed and mapped by GitstatusCommand
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

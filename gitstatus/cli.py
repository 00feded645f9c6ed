"""The ``gitstatus`` command: parse options, call the pipeline, map results to exit codes.

Exit codes: 0 clean, 1 content errors (or warnings with --strict) or a failed build,
2 usage errors or a folder that is not a status repo.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import Callable, Sequence, TypeVar

import click

from . import __version__
from .build import BuildError, build, check
from .config import validate_components
from .diagnostics import Diagnostic, format_github, format_json, format_text, summary_line
from .load import RootError, load_components
from .timeparse import UTC, TimeError, load_zone, resolve_now
from .write import WriteError

F = TypeVar("F", bound=Callable[..., object])

FORMATS = ("auto", "text", "github", "json")


def root_option(func: F) -> F:
    return click.option(
        "--root", type=click.Path(file_okay=False, path_type=Path), default=Path("."), show_default=True,
        help="The status repo: the folder with components.yaml and incidents/.",
    )(func)


def now_option(func: F) -> F:
    return click.option(
        "--now", "now_text", metavar="TIME",
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
    node, _ = load_components(root)
    site, _, _ = validate_components(node)
    try:
        return load_zone(site.timezone)
    except TimeError:
        return UTC


def get_now(root: Path, now_text: str | None) -> dt.datetime:
    try:
        return resolve_now(now_text, page_timezone(root) if now_text else UTC)
    except TimeError as err:
        raise click.UsageError(f"--now: {err}") from None


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


def fail_usage(message: str) -> None:
    click.echo(f"gitstatus: {message}", err=True)
    sys.exit(2)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="gitstatus")
def main() -> None:
    """A status page from Markdown incident files in git.

    Write incidents in incidents/, list components in components.yaml, check them
    with 'gitstatus check' and publish with 'gitstatus build'.
    """


@main.command("check")
@root_option
@now_option
@format_option
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too.")
def check_command(root: Path, now_text: str | None, output_format: str, strict: bool) -> None:
    """Validate components.yaml and every incident file; report every problem."""
    now = get_now(root, now_text)
    try:
        result = check(root, now)
    except RootError as err:
        fail_usage(str(err))
        return
    report(result.diagnostics, output_format, root, _checked_text(result.files_checked - 1))
    sys.exit(1 if result.failed(strict) else 0)


def _checked_text(incidents: int) -> str:
    return f"components.yaml and {incidents} incident{'' if incidents == 1 else 's'}"


@main.command("build")
@root_option
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder (default: site/ in the status repo). Replaced as a whole.")
@now_option
@click.option("--base-url", metavar="URL", help="Absolute URL the site is published at (default: site.url).")
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
        click.echo(f"gitstatus: {err}", err=True)
        sys.exit(1)
    except (WriteError, OSError) as err:
        click.echo(f"gitstatus: cannot write {out}: {err}; the previous site was left as it was", err=True)
        sys.exit(1)
    checked = result.check
    if checked.failed():
        report(checked.diagnostics, output_format, root, _checked_text(checked.files_checked - 1))
        click.echo(f"Build failed: fix the errors above. {out} was left as it was.", err=True)
        sys.exit(1)
    problems = checked.diagnostics
    if problems:
        report(problems, output_format, root, _checked_text(checked.files_checked - 1))
    click.echo(f"Built {result.written} files into {out} in {result.seconds:.2f} s "
               f"({len(checked.page.incidents)} incidents). Open {out / 'index.html'}")


if __name__ == "__main__":  # pragma: no cover
    main()

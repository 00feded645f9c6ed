"""What every fuzz test insists on, and the inputs they share.

Whatever a writer types, a command ends with exit status 0, 1 or 2 and says something:
a ``path:line:col: CODE message`` diagnostic or a usage error. Never an exception (a
traceback). The commands run in-process with click's CliRunner, which catches what would
escape ``main`` so the test can name it.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import tempfile
import traceback
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import strategies as st

from gitstatus.cli import main

from ..conftest import GITSTATUS, incident, write_repo

NOW = "2026-11-26 15:00 UTC"
NOW_DT = dt.datetime(2026, 11, 26, 15, 0, tzinfo=dt.UTC)
ENV: dict[str, str] = {
    "SOURCE_DATE_EPOCH": str(int(NOW_DT.timestamp())),
    "VISUAL": "", "EDITOR": "", "GITHUB_ACTIONS": "", "GITHUB_STEP_SUMMARY": "", "NO_COLOR": "1",
}
DIAGNOSTIC_RE = re.compile(r"^\S.*:\d+:\d+: [EWN]\d{3} \S")
EXITS = (0, 1, 2)

ID = "2026-11-26-api-slow"
INCIDENT = incident("API responding slowly", "major", "[api]",
                    ("2026-11-26 14:02 UTC", "Investigating", "We are looking into it."))


def invoke(args: Sequence[str], input: str | bytes | None = None, env: Mapping[str, str | None] | None = None) -> Result:
    """Run ``gitstatus ARGS`` in-process and insist that it ended cleanly (see :func:`assert_clean`)."""
    result = CliRunner().invoke(main, list(args), input=input, env={**ENV, **(env or {})}, catch_exceptions=True)
    assert_clean(result, args)
    return result


def assert_clean(result: Result, args: Sequence[str] = ()) -> None:
    """Exit 0, 1 or 2 with a message, and no exception other than the exit itself."""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        shown = "".join(traceback.format_exception(result.exception))
        raise AssertionError(f"gitstatus {list(args)!r} raised instead of reporting:\n{shown}")
    assert result.exit_code in EXITS, (args, result.exit_code, result.output)
    assert result.output.strip(), (args, result.exit_code, "said nothing")
    assert "Traceback" not in result.output, result.output


def diagnostics(result: Result) -> list[str]:
    """The ``path:line:col: CODE message`` lines of a check's output."""
    return [line for line in result.stdout.splitlines() if DIAGNOSTIC_RE.match(line)]


def codes(result: Result) -> set[str]:
    return {line.split(": ", 2)[1].split()[0] for line in diagnostics(result)}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A status repo holding the one open incident :data:`INCIDENT`, as incidents/ID.md."""
    return write_repo(tmp_path / "repo", {f"incidents/{ID}.md": INCIDENT})


@contextmanager
def scratch() -> Iterator[Path]:
    """A fresh folder per hypothesis example (pytest's tmp_path is one per test)."""
    with tempfile.TemporaryDirectory(prefix="gitstatus-fuzz-") as folder:
        yield Path(folder)


def run_process(args: Sequence[str | bytes], stdin: bytes = b"", env: Mapping[str, str] | None = None,
                cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    """A real ``python -m gitstatus`` process: its arguments and standard input reach it as bytes."""
    import os

    full_env = {**os.environ, **ENV, **(env or {})}
    process = subprocess.run([*(a.encode() if isinstance(a, str) else a for a in [*GITSTATUS, *args])],
                             input=stdin, capture_output=True, env=full_env, cwd=cwd, timeout=60, check=False)
    assert b"Traceback" not in process.stderr, process.stderr.decode("utf-8", "replace")
    assert process.returncode in EXITS, (process.returncode, process.stderr)
    assert (process.stdout + process.stderr).strip()
    return process


# --- inputs -------------------------------------------------------------------------------------------

#: Digits other than 0-9 that Python's str.isdigit() or int() accept, or that look like digits.
DIGIT_SETS = ("٠١٢٣٤٥٦٧٨٩", "０１２３４５６７８９", "⁰¹²³⁴⁵⁶⁷⁸⁹", "०१२३४५६७८९", "₀₁₂₃₄₅₆₇₈₉")

EDGE_DATES = ("0001-01-01", "0001-01-02", "1969-12-31", "1970-01-01", "1970-01-02", "2026-11-26", "2024-02-29",
              "2026-02-29", "2026-03-29", "9998-12-31", "9999-01-01", "9999-12-31", "0000-01-01", "10000-01-01")
CLOCKS = ("00:00", "00:01", "14:02", "23:59", "23:59:59", "02:30", "24:00", "12:60", "00:00:60")
ZONES = ("", " UTC", "Z", " +05:00", " -05:00", " +14:00", " -12:00", " +23:59", " -23:59", " +0530", " +24:00",
         " -00:00", "utc")


@st.composite
def foreign_digits(draw: st.DrawFn, text: str) -> str:
    """``text`` with some of its ASCII digits written in another script's digits."""
    digits = draw(st.sampled_from(DIGIT_SETS))
    flags = draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
    return "".join(digits[int(c)] if c.isascii() and c.isdigit() and flag else c for c, flag in zip(text, flags, strict=True))


@st.composite
def times(draw: st.DrawFn) -> str:
    """A time as writers might type it, often at the edges of the calendar or just off the format."""
    kind = draw(st.integers(0, 9))
    if kind == 0:
        return draw(st.text(max_size=30))
    if kind == 1:
        moment = draw(st.datetimes(min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30)))
        return f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d} {moment.hour:02d}:{moment.minute:02d}"
    date = draw(st.sampled_from(("0001-01-01", "9999-12-31")) if draw(st.booleans()) else st.sampled_from(EDGE_DATES))
    text = f"{date}{draw(st.sampled_from(' T'))}{draw(st.sampled_from(CLOCKS))}{draw(st.sampled_from(ZONES))}"
    return draw(foreign_digits(text)) if kind == 2 else text


#: Text with what command lines and files can carry that is not plain: lone surrogates (bytes that
#: are not UTF-8, as Python hands them over), control characters, right-to-left marks, digits.
awkward_text = st.text(
    st.characters(codec=None, exclude_characters="\x00") | st.sampled_from(["\udcff", "\udc80", "\u202e", "١", "²"]),
    max_size=40,
)

"""Messages read from standard input (``echo … | gitstatus update ID``): any bytes, never a traceback.

Input that is not UTF-8 is refused with the line it is on and nothing is written; the rest is
checked like any message. In-process the bytes go through click's CliRunner; in real processes
through a pipe, once with Python's default (lone surrogates in the C locale) and once strict.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ..conftest import site_files, write_repo
from .conftest import ID, INCIDENT, invoke, run_process, scratch

PATH = f"incidents/{ID}.md"
COMMANDS = {
    "new": ["new", "Database down", "--impact", "critical", "-c", "api"],
    "update": ["update", ID, "--status", "identified"],
    "resolve": ["resolve", ID],
}


@pytest.mark.parametrize(("data", "line", "byte"), [
    (b"caf\xe9 is down\n", 1, "0xE9"),
    (b"We are on it.\n\n\xff\xfe", 3, "0xFF"),
    (b"\x80", 1, "0x80"),
    (b"Half a character: \xe2\x82", 1, "0xE2"),
    (b"\xed\xa0\x80 an encoded surrogate", 1, "0xED"),
])
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_message_that_is_not_utf8_is_refused(repo: Path, command: str, data: bytes, line: int, byte: str) -> None:
    before = site_files(repo)
    result = invoke([*COMMANDS[command], "--root", str(repo)], input=data)
    assert result.exit_code == 1, result.output
    assert f"the message on standard input is not UTF-8 text (line {line} has the byte {byte})" in result.stderr
    assert "nothing was written" in result.stderr
    assert site_files(repo) == before


@pytest.mark.parametrize("strict", [False, True], ids=["default-locale", "strict-utf8"])
def test_a_message_that_is_not_utf8_through_a_pipe(repo: Path, strict: bool) -> None:
    """The C locale hands such bytes over as lone surrogates, a UTF-8 locale raises on them: both are refused."""
    before = site_files(repo)
    process = run_process(["update", ID, "--root", str(repo)], stdin=b"caf\xe9\n",
                          env={"PYTHONIOENCODING": "utf-8"} if strict else {"PYTHONIOENCODING": ""})
    assert process.returncode == 1
    assert b"not UTF-8 text (line 1 has the byte 0xE9)" in process.stderr, process.stderr
    assert site_files(repo) == before


def test_a_utf8_message_through_a_pipe_is_written(repo: Path) -> None:
    process = run_process(["update", ID, "--root", str(repo)], stdin="Café: la base est de retour.\r\n".encode())
    assert process.returncode == 0, process.stderr
    assert (repo / PATH).read_text(encoding="utf-8").endswith("\n\nCafé: la base est de retour.\n")


@settings(max_examples=100, deadline=None)
@given(command=st.sampled_from(sorted(COMMANDS)), data=st.one_of(
    st.binary(max_size=80),
    st.text(max_size=80).map(lambda t: t.encode("utf-8")),
    st.sampled_from([b"## 2026-11-26 14:30 UTC \xe2\x80\x94 Resolved\n", b"```\n", b"# Title\n", b"\xef\xbb\xbf",
                     b"\r\n\r\n", b"   ", b"\x00", b"\xc0\xaf", b"\xf4\x90\x80\x80"]),
))
def test_generated_messages_on_stdin_give_messages_never_tracebacks(command: str, data: bytes) -> None:
    with scratch() as folder:
        root = write_repo(folder / "repo", {PATH: INCIDENT})
        before = site_files(root)
        result = invoke([*COMMANDS[command], "--root", str(root)], input=data)
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            assert result.exit_code == 1 and "not UTF-8 text" in result.stderr, result.output
        if result.exit_code != 0:
            assert site_files(root) == before

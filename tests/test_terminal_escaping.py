"""Text from files reaches a terminal only as visible characters.

File names, titles, statuses and command arguments are the writer's (or a contributor's) text.
Printed raw, an escape sequence could retitle, recolour or clear the terminal, a bidi override
reorders what is shown, and a lookalike or zero-width character makes "unknown status
'Investigating'" look like nonsense. These tests run the real command on a pseudo-terminal (so
nothing in between strips or colours anything) and read the bytes it prints.
"""

from __future__ import annotations

import errno
import json
import os
import pty
import re
import subprocess
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest

from gitstatus import rules, terminal
from gitstatus.report import format_github
from gitstatus.rules import Diagnostic, unknown

from .conftest import COMPONENTS_YAML, GITSTATUS, Preview, run_cli

NOW = "2026-06-11 15:00 UTC"
#: What a hostile name or title carries: a window-title OSC, a screen clear, a C1 CSI, DEL, a bidi
#: override and isolate, and a zero-width space.
HOSTILE = "\x1b]0;pwned\x07\x1b[2J\x9b31m\x7f\u202e\u2066\u200b"
HOSTILE_SHOWN = r"\x1b]0;pwned\x07\x1b[2J\u009b31m\x7f\u202e\u2066\u200b"
GOOD = """\
---
title: {title}
impact: major
components: [api]
---

## 2026-06-11 14:02 UTC — {status}

We are looking into it.
"""


def raw_characters(text: str) -> list[str]:
    """Characters a terminal would act on or not show, other than line ends and our own colours."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", text)  # the colours gitstatus itself adds on a terminal
    return [c for c in text if c not in "\r\n" and (terminal.is_hidden(c) or unicodedata.category(c) == "Cc")]


def in_terminal(args: list[str], cwd: Path | None = None) -> tuple[int, str]:
    """Run gitstatus with standard output and error on a pseudo-terminal; what it printed, undecoded by any tool."""
    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY")}
    proc = subprocess.Popen([*GITSTATUS, *args], stdin=subprocess.DEVNULL, stdout=slave, stderr=slave, env=env,
                            cwd=cwd)
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError as err:  # the terminal's other side closed: the process is gone
            if err.errno != errno.EIO:
                raise
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    return proc.wait(timeout=60), b"".join(chunks).decode("utf-8", "surrogateescape")


@pytest.fixture
def hostile_repo(make_repo: Callable[..., Path]) -> Path:
    return make_repo({
        f"incidents/2026-06-11-{HOSTILE}.md": GOOD.format(title="Named badly", status="Investigating"),
        "incidents/2026-06-11-status.md": GOOD.format(title="Status", status=f"{HOSTILE}Investigating"),
    })


# --- the one function ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "shown"), [
    (HOSTILE, HOSTILE_SHOWN),
    ("tab\there\nnew line\rreturn", r"tab\there\nnew line\rreturn"),
    ("\x00\x1f\x7f\x80\x9f", r"\x00\x1f\x7f\u0080\u009f"),
    ("\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u2067\u2068\u2069\ufeff\u00ad",
     r"\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u2067\u2068\u2069\ufeff\u00ad"),
    ("line\u2028sep\u2029par", r"line\u2028sep\u2029par"),
    ("tag\U000e0041", r"tag\U000e0041"),
    ("bad byte \udcff", r"bad byte \udcff"),
    # ordinary text of any language stays as it is, joiners included (Persian, emoji sequences)
    ("Déploiement — API 日本語 ✅ می‌خواهم 👩\u200d💻 back\\slash", "Déploiement — API 日本語 ✅ می‌خواهم 👩\u200d💻 back\\slash"),
])
def test_printable_writes_hidden_characters_as_escapes(text: str, shown: str) -> None:
    assert terminal.printable(text) == shown
    assert terminal.printable(shown) == shown  # escaping twice changes nothing more


def test_json_keeps_its_values_and_escapes_what_a_terminal_would_act_on() -> None:
    value = {"title": f"{HOSTILE} é 日本 \U000e0041 \udcff", "n": [1, "\n"]}
    text = terminal.dumps(value)
    assert not raw_characters(text.replace("\n", ""))
    assert "é 日本" in text  # readable text stays readable
    assert json.loads(text) == value


# --- the reporters -------------------------------------------------------------------------------------

def test_check_text_output_shows_escapes(hostile_repo: Path) -> None:
    code, output = in_terminal(["check", "--root", str(hostile_repo), "--now", NOW])
    assert code == 1
    assert raw_characters(output) == [], output
    assert "\x1b[31m" in output  # a terminal still gets gitstatus's own colours
    output = re.sub(r"\x1b\[[0-9;]*m", "", output)
    assert f"incidents/2026-06-11-{HOSTILE_SHOWN}.md: E004 '2026-06-11-{HOSTILE_SHOWN}' is not a valid" in output
    assert f"E204 unknown status '{HOSTILE_SHOWN}Investigating' (U+001B, a control character, at position 1" in output


def test_check_json_output_is_json_with_the_same_values(hostile_repo: Path) -> None:
    code, output = in_terminal(["check", "--root", str(hostile_repo), "--now", NOW, "--format", "json"])
    assert code == 1
    assert raw_characters(output) == [], output
    paths = {d["path"] for d in json.loads(output.replace("\r\n", "\n"))}
    assert f"{hostile_repo}/incidents/2026-06-11-{HOSTILE}.md" in paths


def test_github_annotations_cannot_be_forged() -> None:
    """A workflow command is one line: a newline or '::' in a name or message cannot start a second one."""
    forged = "x\n::error file=forged.md::forged\r\n::warning::%0Aforged"
    lines = format_github([
        Diagnostic(f"incidents/{forged}.md", 3, 4, rules.UNKNOWN_STATUS, f"unknown status '{forged}'", ""),
        Diagnostic("incidents/a,b:c.md", 0, 0, rules.BAD_FILE_NAME, f"title {HOSTILE}"),
    ])
    assert len(lines) == 2
    named, forging = sorted(lines)  # E004 on incidents/a,b:c.md, then E204
    assert named.startswith("::error title=gitstatus E004,file=incidents/a%2Cb%3Ac.md::")  # no property ends early
    assert forging.startswith("::error title=gitstatus E204,file=incidents/x")
    assert not any(c in "\r\n" for line in lines for c in line)
    assert raw_characters("".join(lines)) == []
    assert "%250Aforged" in forging  # a literal %0A stays text


def test_github_format_of_a_real_check_is_one_line_per_problem(hostile_repo: Path) -> None:
    (hostile_repo / "incidents/2026-06-11-x\n::error file=forged.md::forged.md").write_text("junk")
    code, output = in_terminal(["check", "--root", str(hostile_repo), "--now", NOW, "--format", "github"])
    assert code == 1
    lines = output.replace("\r\n", "\n").splitlines()
    assert all(line.startswith("::error title=gitstatus E") for line in lines[:-1]), output
    assert re.fullmatch(r"\d+ errors in components.yaml and \d+ incidents.", lines[-1])
    assert raw_characters(output) == []


def test_list_table_shows_escapes_and_stays_aligned(make_repo: Callable[..., Path]) -> None:
    title = '"API \\e]0;x\\a slow \\u202e\\t\\nnext"'
    root = make_repo({"incidents/2026-06-11-api.md": GOOD.format(title=title, status="Investigating")})
    code, output = in_terminal(["list", "--root", str(root), "--now", NOW])
    assert code == 0
    assert raw_characters(output) == [], output
    lines = output.replace("\r\n", "\n").splitlines()
    assert len(lines) == 2
    assert lines[1].endswith(r"API \x1b]0;x\x07 slow \u202e\t\nnext")

    code, output = in_terminal(["list", "--root", str(root), "--now", NOW, "--json"])
    assert code == 0 and raw_characters(output) == []
    assert json.loads(output.replace("\r\n", "\n"))[0]["title"] == "API \x1b]0;x\x07 slow \u202e\t\nnext"


def test_authoring_output_shows_escapes(make_repo: Callable[..., Path], tmp_path: Path) -> None:
    root = make_repo({"incidents/2026-06-11-api.md": GOOD.format(title="API", status="Investigating")})
    code, output = in_terminal(["update", f"{HOSTILE}api", "-m", "x", "--root", str(root)])
    assert code == 2
    assert raw_characters(output) == [], output
    assert f"no incident matches '{HOSTILE_SHOWN}api'" in output

    odd_root = tmp_path / f"status{HOSTILE}"
    root.rename(odd_root)
    code, output = in_terminal(["new", "Login slow", "--impact", "minor", "-c", "api", "-m", "Slow.", "--at",
                                "2026-06-11 14:00", "--root", str(odd_root)])
    assert code == 0, output
    assert raw_characters(output) == [], output
    assert output.strip() == f"{tmp_path}/status{HOSTILE_SHOWN}/incidents/2026-06-11-login-slow.md"


def test_serve_log_shows_escapes(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"incidents/2026-06-11-api.md": GOOD.format(title="API", status="Investigating")})
    preview = Preview(root)
    try:
        preview.change(lambda: (root / f"incidents/2026-06-11-{HOSTILE}.md").write_text("junk"))
        line = preview.wait_for_log("problems? after")
        assert f"(incidents/2026-06-11-{HOSTILE_SHOWN}.md changed)" in line
        preview.wait_for_log(f"E004 '2026-06-11-{re.escape(HOSTILE_SHOWN)}'")
    finally:
        code, log = preview.stop()
    assert code == 0 and "Traceback" not in log
    assert raw_characters(log) == [], log



# --- lookalike and invisible characters in words of a closed set -----------------------------------------

def test_unknown_names_the_odd_character() -> None:
    statuses = ["investigating", "identified", "monitoring", "resolved"]
    assert str(unknown("Inv\u0435stigating", statuses)) == (
        "'Inv\\u0435stigating' (U+0435 CYRILLIC SMALL LETTER IE at position 4 is not a Latin letter; "
        "did you mean 'investigating'?)")
    assert str(unknown("Investi\u200bgating", statuses)) == (
        "'Investi\\u200bgating' (U+200B ZERO WIDTH SPACE at position 8 is invisible; did you mean 'investigating'?)")
    assert str(unknown("r\u00e9solved", statuses)) == (
        "'r\\u00e9solved' (U+00E9 LATIN SMALL LETTER E WITH ACUTE at position 2 is not a plain ASCII letter; "
        "did you mean 'resolved'?)")
    assert str(unknown("\x1b[31m", statuses)) == "'\\x1b[31m' (U+001B, a control character, at position 1 is invisible)"
    assert str(unknown("Fixd", statuses)) == "'Fixd'"  # plain words read as before
    assert str(unknown("resolvd", statuses)) == "'resolvd' (did you mean 'resolved'?)"


@pytest.mark.parametrize(("files", "expected"), [
    ({"incidents/2026-06-11-a.md": GOOD.format(title="A", status="Inv\u0435stigating")},
     "E204 unknown status 'Inv\\u0435stigating' (U+0435 CYRILLIC SMALL LETTER IE at position 4 is not a Latin "
     "letter; did you mean 'investigating'?)"),
    ({"incidents/2026-06-11-a.md": GOOD.format(title="A", status="\u200bInvestigating")},
     "E204 unknown status '\\u200bInvestigating' (U+200B ZERO WIDTH SPACE at position 1 is invisible; "
     "did you mean 'investigating'?)"),
    ({"incidents/2026-06-11-a.md": GOOD.format(title="A", status="Investigating").replace("major", "m\u0430jor")},
     "E109 unknown impact 'm\\u0430jor' (U+0430 CYRILLIC SMALL LETTER A at position 2 is not a Latin letter; "
     "did you mean 'major'?)"),
    ({"incidents/2026-06-11-a.md": GOOD.format(title="A", status="Investigating").replace("[api]", "[\u0430pi]")},
     "E110 unknown component '\\u0430pi' (U+0430 CYRILLIC SMALL LETTER A at position 1 is not a Latin letter; "
     "did you mean 'api'?)"),
    ({"incidents/2026-06-11-a.md": GOOD.format(title="A", status="Investigating").replace("title:", "titl\u0435:")},
     "E106 unknown key 'titl\\u0435' in the front matter (U+0435 CYRILLIC SMALL LETTER IE at position 5 is not a "
     "Latin letter; did you mean 'title'?)"),
])
def test_check_shows_lookalikes_in_closed_sets(make_repo: Callable[..., Path], files: dict[str, str],
                                               expected: str) -> None:
    root = make_repo(files)
    result = run_cli("check", "--root", root, "--now", NOW, "--format", "text")
    assert result.exit_code == 1
    assert expected in result.stdout, result.stdout


def test_lookalike_timezone_is_shown(make_repo: Callable[..., Path]) -> None:
    root = make_repo(components=COMPONENTS_YAML.replace("timezone: UTC", "timezone: Europe/B\u0435rlin"))
    result = run_cli("check", "--root", root, "--now", NOW, "--format", "text")
    assert result.exit_code == 1
    assert ("unknown timezone 'Europe/B\\u0435rlin' (U+0435 CYRILLIC SMALL LETTER IE at position 9 is not a Latin "
            "letter; did you mean 'Europe/Berlin'?)") in result.stdout, result.stdout


def test_status_option_shows_lookalikes(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"incidents/2026-06-11-api.md": GOOD.format(title="API", status="Investigating")})
    result = run_cli("update", "api", "--status", "Ident\u0456fied", "-m", "x", "--root", root)
    assert result.exit_code == 2
    assert ("--status: unknown status 'Ident\\u0456fied' (U+0456 CYRILLIC SMALL LETTER BYELORUSSIAN-UKRAINIAN I at "
            "position 6 is not a Latin letter; did you mean 'identified'?)") in result.stderr, result.stderr

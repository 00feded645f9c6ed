"""Environment variables: SOURCE_DATE_EPOCH, GITHUB_ACTIONS, GITHUB_STEP_SUMMARY, NO_COLOR, VISUAL/EDITOR.

A value that cannot be used is a usage error that names the variable (not an option the user
never gave), or a note on standard error; never a traceback.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ..conftest import site_files, write_repo
from .conftest import ID, INCIDENT, NOW, awkward_text, foreign_digits, invoke, scratch

LAST_EPOCH = 253370764799
"""9998-12-31 23:59:59 UTC: the last supported moment (docs/writing.md)."""
COMMANDS = {
    "check": ["check"],
    "build": ["build", "--jobs", "1"],
    "list": ["list"],
    "new": ["new", "Down", "--impact", "major", "-c", "api", "-m", "Down."],
    "update": ["update", ID, "-m", "Still down."],
}


@pytest.mark.parametrize(("epoch", "says"), [
    ("99999999999999999999", "supported range"),
    ("253402300799", "supported range"),  # 9999-12-31 23:59:59 UTC
    ("253370764800", "supported range"),  # 9999-01-01 00:00:00 UTC, a second past the last supported moment
    ("1" * 5000, "supported range"),
    ("-1", "since 1970-01-01"),
    ("-99999999999", "since 1970-01-01"),
    ("abc", "since 1970-01-01"),
    ("١٧٨٠٠٠٠٠٠٠", "since 1970-01-01"),
    ("1_780_000_000", "since 1970-01-01"),
    ("+1780000000", "since 1970-01-01"),
    ("1.5", "since 1970-01-01"),
])
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_bad_source_date_epoch_is_a_usage_error_that_names_it(repo: Path, command: str, epoch: str,
                                                                 says: str) -> None:
    before = site_files(repo)
    result = invoke([*COMMANDS[command], "--root", str(repo)], env={"SOURCE_DATE_EPOCH": epoch})
    assert result.exit_code == 2, result.output
    assert "SOURCE_DATE_EPOCH=" in result.stderr and says in result.stderr, result.stderr
    assert "--now" not in result.stderr  # the option was not given: the message must not blame it
    assert site_files(repo) == before


def test_init_with_a_bad_source_date_epoch(tmp_path: Path) -> None:
    result = invoke(["init", str(tmp_path / "new")], env={"SOURCE_DATE_EPOCH": "253402300799"})
    assert result.exit_code == 2 and "SOURCE_DATE_EPOCH=" in result.stderr and "--now" not in result.stderr
    assert not (tmp_path / "new").exists()


def test_the_last_supported_moment_builds(repo: Path, tmp_path: Path) -> None:
    """Uptime bars reach a day past now, the past days 3650 days before it: none overflows."""
    epoch = str(LAST_EPOCH)
    (repo / "components.yaml").write_text((repo / "components.yaml").read_text().replace("past_days: 7",
                                                                                      "past_days: 3650"))
    result = invoke(["build", "--root", str(repo), "--out", str(tmp_path / "site"), "--jobs", "1"],
                    env={"SOURCE_DATE_EPOCH": epoch})
    assert result.exit_code == 0, result.output
    assert 'datetime="9998-12-31T23:59:59+00:00"' in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")


def test_epoch_zero_is_the_first_supported_moment(repo: Path) -> None:
    result = invoke(["check", "--root", str(repo)], env={"SOURCE_DATE_EPOCH": "0"})
    assert result.exit_code == 1 and "after now (1970-01-01T00:00:00+00:00)" in result.stdout, result.output


def test_a_job_summary_for_a_repo_whose_path_is_not_utf8(tmp_path: Path) -> None:
    """The summary names the files; a folder name that is not UTF-8 is written escaped, not raised on."""
    root = write_repo(tmp_path / "caf\udce9", {f"incidents/{ID}.md": INCIDENT})
    summary = tmp_path / "summary.md"
    result = invoke(["check", "--root", str(root), "--now", "2026-11-26 13:00 UTC"],
                    env={"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)})
    assert result.exit_code == 1
    assert "::error " in result.stdout
    assert "caf\\\\udce9" in summary.read_text(encoding="utf-8")  # Markdown escapes the backslash: shown as caf\udce9


@pytest.mark.parametrize("where", ["folder", "under-a-file"])
def test_a_job_summary_that_cannot_be_written_is_a_note(repo: Path, tmp_path: Path, where: str) -> None:
    (tmp_path / "afile").write_text("x")
    path = tmp_path if where == "folder" else tmp_path / "afile" / "summary.md"
    result = invoke(["check", "--root", str(repo), "--now", NOW],
                    env={"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(path)})
    assert result.exit_code == 0 and "cannot write the job summary" in result.stderr


def from_bytes(text: str) -> bool:
    """Whether ``text`` can be an environment variable: what bytes decode to (surrogates only for bytes)."""
    try:
        text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return False
    return True


env_text = awkward_text.filter(from_bytes)


@st.composite
def environments(draw: st.DrawFn, folder: Path) -> dict[str, str]:
    epoch = draw(st.one_of(
        st.integers(-(10 ** 20), 10 ** 20).map(str),
        st.integers(0, LAST_EPOCH).map(str),
        st.sampled_from(["0", str(LAST_EPOCH), str(LAST_EPOCH + 1), "253402300799", "", " 12 ", "٠"]),
        st.integers(0, 10 ** 10).map(str).flatmap(foreign_digits),
        env_text,
    ))
    summary = draw(st.sampled_from(["", str(folder), str(folder / "summary.md"), str(folder / "repo" / "components.yaml"
                                                                                 / "x"), str(folder / "caf\udce9.md")]))
    return {
        "SOURCE_DATE_EPOCH": epoch,
        "GITHUB_ACTIONS": draw(st.sampled_from(["true", "false", "", "TRUE"])),
        "GITHUB_STEP_SUMMARY": summary,
        "NO_COLOR": draw(st.sampled_from(["", "1"])),
        "VISUAL": draw(env_text),
        "EDITOR": draw(env_text),
    }


@settings(max_examples=100, deadline=None)
@given(data=st.data(), command=st.sampled_from(sorted(COMMANDS)))
def test_generated_environments_give_messages_never_tracebacks(data: st.DataObject, command: str) -> None:
    with scratch() as folder:
        root = write_repo(folder / "repo", {f"incidents/{ID}.md": INCIDENT})
        env = data.draw(environments(folder))
        extra = ["--out", str(folder / "site")] if command == "build" else []
        result = invoke([*COMMANDS[command], *extra, "--root", str(root)], env=env)
        if result.exit_code == 2:
            assert "SOURCE_DATE_EPOCH" in result.stderr, result.output

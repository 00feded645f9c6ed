"""Every rule of ``gitstatus check``, one folder of ``tests/cases/`` per rule, run through the real CLI.

A case folder is a small status repo (its ``components.yaml``, or ``tests/cases/components.yaml``
when it has none) plus ``expected.txt``: the exact diagnostics, one per line, in output order::

    incidents/2026-06-11-api-slow.md:7:27: E204 unknown status 'fixd'

Path, line, column and code must match exactly; the text after the code must appear in the
message (the key words, so rewording the rest of a message does not break every case). Lines
starting with ``#`` are comments. Files in a case that are not named in ``expected.txt`` are
the passing examples of the rule: they must produce nothing. The exit code follows from the
codes: 1 with any error, else 0. ``now.txt`` (optional) sets ``--now``; the default is below.

A regression test is a new folder, not new code. See tests/cases/README.md.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from gitstatus.rules import RULES

from .conftest import run_cli

CASES = Path(__file__).resolve().parent / "cases"
DEFAULT_COMPONENTS = CASES / "components.yaml"
DEFAULT_NOW = "2026-06-12 00:00 UTC"
_LINE_RE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<code>[EWN]\d{3})(?: (?P<words>.*))?$")


@dataclass(frozen=True)
class Expected:
    path: str
    line: int
    col: int
    code: str
    words: str

    def matches(self, found: dict[str, object]) -> bool:
        return (
            (found["path"], found["line"], found["col"], found["code"]) == (self.path, self.line, self.col, self.code)
            and self.words in str(found["message"])
        )


def case_dirs() -> list[Path]:
    return sorted(p for p in CASES.iterdir() if p.is_dir())


def read_expected(case: Path) -> list[Expected]:
    expected = []
    for number, text in enumerate((case / "expected.txt").read_text(encoding="utf-8").splitlines(), 1):
        if not text.strip() or text.startswith("#"):
            continue
        match = _LINE_RE.match(text)
        assert match, f"{case.name}/expected.txt:{number}: not 'path:line:col: CODE words': {text!r}"
        expected.append(Expected(match["path"], int(match["line"]), int(match["col"]), match["code"],
                                 (match["words"] or "").strip()))
    return expected


def run_case(case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, list[dict[str, object]]]:
    """Copy the case into a fresh repo and run ``gitstatus check --format json`` in it."""
    repo = tmp_path / "repo"
    shutil.copytree(case, repo, ignore=shutil.ignore_patterns("expected.txt", "now.txt", "README*"))
    (repo / "incidents").mkdir(exist_ok=True)
    if not (case / "components.yaml").exists():
        shutil.copy(DEFAULT_COMPONENTS, repo / "components.yaml")
    now = (case / "now.txt").read_text(encoding="utf-8").strip() if (case / "now.txt").exists() else DEFAULT_NOW
    monkeypatch.chdir(repo)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    result = run_cli("check", "--now", now, "--format", "json")
    return result.exit_code, json.loads(result.output)


def describe(found: list[dict[str, object]]) -> str:
    return "\n".join(f"  {d['path']}:{d['line']}:{d['col']}: {d['code']} {d['message']}" for d in found) or "  (none)"


@pytest.mark.parametrize("case", case_dirs(), ids=lambda p: p.name)
def test_case(case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = read_expected(case)
    exit_code, found = run_case(case, tmp_path, monkeypatch)
    report = "\nexpected:\n" + "\n".join(f"  {e.path}:{e.line}:{e.col}: {e.code} {e.words}" for e in expected) \
        + f"\nfound:\n{describe(found)}"
    assert len(found) == len(expected), report
    for want, got in zip(expected, found, strict=True):
        assert want.matches(got), report
    assert exit_code == (1 if any(e.code.startswith("E") for e in expected) else 0), report


def test_every_case_has_expectations_and_an_incident_or_components_file() -> None:
    for case in case_dirs():
        assert (case / "expected.txt").is_file(), f"{case.name} has no expected.txt"
        assert list(case.glob("incidents/*")) or (case / "components.yaml").exists(), f"{case.name} is empty"


def test_every_content_rule_has_a_failing_case() -> None:
    """Codes E0xx-E4xx and W1xx each fail at least one case (E001-E003 need bytes: test_yaml_and_load.py;
    E005-E007 links, pipes and folders that git cannot hold: test_read_safety.py)."""
    covered = {e.code for case in case_dirs() for e in read_expected(case)}
    byte_tests = "".join((Path(__file__).parent / name).read_text(encoding="utf-8")
                         for name in ("test_yaml_and_load.py", "test_read_safety.py"))
    covered_elsewhere = {code for code in ("E001", "E002", "E003", "E005", "E006", "E007")
                         if f'"{code}")]' in byte_tests}
    wanted = {r.code for r in RULES if r.code[0] in "EW" and r.code[1] in "01234"}
    assert wanted - covered - covered_elsewhere == set()


def test_every_rule_folder_also_holds_a_passing_example() -> None:
    """A folder named after a code keeps an incident that must pass next to the ones that must fail.

    Folders about components.yaml are exempt: their passing example is tests/cases/components.yaml,
    which every other case uses.
    """
    for case in case_dirs():
        named = {e.path for e in read_expected(case)}
        if not re.match(r"^[ew]\d{3}-", case.name) or named == {"components.yaml"}:
            continue
        incidents = {f"incidents/{p.name}" for p in (case / "incidents").iterdir()}
        assert incidents - named, f"{case.name} has no passing example"


# --- docs/diagnostics.md lists every code, in sync with the table in rules.py -------------------

DOC = CASES.parent.parent / "docs" / "diagnostics.md"


def doc_sections() -> dict[str, str]:
    text = DOC.read_text(encoding="utf-8")
    parts = re.split(r"^### ", text, flags=re.M)[1:]
    return {part.split(" ", 1)[0]: part for part in parts}


def test_doc_table_matches_codes_in_order() -> None:
    rows = re.findall(r"^\| ([EWN]\d{3}) \| (.+?) \|$", DOC.read_text(encoding="utf-8"), flags=re.M)
    assert rows == [(r.code, r.summary) for r in RULES]


def test_doc_has_a_section_per_code_with_its_meaning_an_example_and_a_fix() -> None:
    sections = doc_sections()
    assert list(sections) == [r.code for r in RULES]
    for rule, (code, section) in zip(RULES, sections.items(), strict=True):
        heading = section.split("\n", 1)[0]
        assert heading == f"{code} — {rule.summary}"
        examples = re.findall(rf"^\S+?(?::\d+:\d+)?: {code} \S.*$", section, flags=re.M)
        assert examples, f"{code}: no example message"
        if code[0] in "EW":
            assert "**Fix:**" in section, f"{code}: no fix"


def test_doc_examples_match_what_the_checker_says() -> None:
    """Every example of a content rule carries the key words some case pins for that code."""
    pinned: dict[str, list[str]] = {}
    for case in case_dirs():
        for expected in read_expected(case):
            pinned.setdefault(expected.code, []).append(expected.words)
    for code, section in doc_sections().items():
        if code not in pinned:
            continue  # E001-E007 (pinned in test_yaml_and_load.py, test_read_safety.py) and the history codes
        for line in re.findall(rf"^\S+?(?::\d+:\d+)?: {code} (.*)$", section, flags=re.M):
            assert any(words in line for words in pinned[code]), f"{code} example not pinned by a case: {line}"

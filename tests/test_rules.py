"""The rule table, diagnostics with their hint apart, and reporters that know no click.

docs/diagnostics.md is kept in step with the table by test_validate_rules.py.
"""

from __future__ import annotations

import ast
import copy
import json
import pickle
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner

from gitstatus import rules
from gitstatus.cli import main
from gitstatus.report import format_json, format_text
from gitstatus.rules import RULES, Diagnostic, Severity

from .conftest import REPO

PACKAGE = REPO / "gitstatus"
NOW = "2026-06-12 00:00 UTC"
INCIDENT = """\
---
title: API slow
impact: majr
components: [api]
---

## 2026-06-11 14:02 UTC — Investigating

Looking into it.
"""


def test_every_rule_is_a_named_constant_with_a_unique_code_and_its_severity() -> None:
    named = {name: value for name, value in vars(rules).items() if isinstance(value, rules.Rule)}
    assert list(named.values()) == list(RULES)
    assert all(re.fullmatch(r"[A-Z][A-Z0-9_]*", name) for name in named)
    assert len({r.code for r in RULES}) == len(RULES)
    letters = {"E": Severity.ERROR, "W": Severity.WARNING, "N": Severity.NOTICE}
    for rule in RULES:
        assert re.fullmatch(r"[EWN]\d{3}", rule.code)
        assert rule.severity is letters[rule.code[0]], rule.code


def test_no_module_names_a_code_in_a_string() -> None:
    """Call sites name a rule (rules.UNKNOWN_STATUS), and code that reacts compares rules, never "E204"."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == PACKAGE / "rules.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            where = f"{path.relative_to(REPO)}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and re.fullmatch(r"[EWN]\d{3}", node.value):
                found.append(f"{where}: the code {node.value!r}")
            elif isinstance(node, ast.Compare) and any(isinstance(side, ast.Attribute) and side.attr == "code"
                                                       for side in (node.left, *node.comparators)):
                found.append(f"{where}: a comparison of codes")
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                  and isinstance(node.func.value, ast.Attribute) and node.func.value.attr == "code"):
                found.append(f"{where}: code.{node.func.attr}()")
    assert found == []


def test_the_text_is_the_message_and_the_hint_joined_as_the_diagnostic_says() -> None:
    plain = Diagnostic("f.md", 1, 1, rules.UNKNOWN_IMPACT, "unknown impact 'x'", "use one of: a, b", "; ")
    assert plain.text == "unknown impact 'x'; use one of: a, b"
    assert Diagnostic("f.md", 1, 1, rules.BAD_WINDOW, "ends before it starts", "check 'end'").text == \
        "ends before it starts: check 'end'"
    assert Diagnostic("f.md", 1, 1, rules.BAD_WINDOW, "scheduled start: not a time").text == "scheduled start: not a time"


def test_a_rule_with_one_fix_gives_it_to_every_diagnostic_unless_told_otherwise() -> None:
    default = Diagnostic("f.md", 2, 10, rules.NOT_UTF8, "byte 0xe9 is not UTF-8")
    assert (default.hint, default.text) == ("save the file as UTF-8", "byte 0xe9 is not UTF-8: save the file as UTF-8")
    assert Diagnostic("f.md", 2, 10, rules.NOT_UTF8, "byte 0xe9 is not UTF-8", "").text == "byte 0xe9 is not UTF-8"
    assert (default.code, default.severity) == ("E002", Severity.ERROR)


def test_diagnostics_sort_by_place_code_and_text() -> None:
    a = Diagnostic("a.md", 3, 1, rules.UNKNOWN_STATUS, "unknown status 'b'", "")
    b = Diagnostic("a.md", 3, 1, rules.UNKNOWN_STATUS, "unknown status 'a'", "z")
    c = Diagnostic("a.md", 3, 1, rules.BAD_HEADING, "heading")
    d = Diagnostic("a.md", 2, 9, rules.NO_RECENT_UPDATE, "silent")
    assert sorted([a, b, c, d]) == [d, c, b, a]


def test_json_keeps_the_whole_message_and_gives_the_hint_apart(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"incidents/2026-06-11-a.md": INCIDENT})
    result = CliRunner().invoke(main, ["check", "--root", str(root), "--now", NOW, "--format", "json"],
                                catch_exceptions=False)
    [item] = json.loads(result.stdout)
    assert item["message"] == ("unknown impact 'majr' (did you mean 'major'?); "
                               "use one of: minor, major, critical, maintenance")
    assert item["hint"] == "use one of: minor, major, critical, maintenance"
    text = CliRunner().invoke(main, ["check", "--root", str(root), "--now", NOW, "--format", "text"],
                              catch_exceptions=False)
    assert f": E109 {item['message']}\n" in text.stdout


def test_json_says_null_for_no_hint() -> None:
    [item] = json.loads(format_json([Diagnostic("f.md", 0, 0, rules.CANNOT_READ, "cannot read the file: gone")]))
    assert (item["message"], item["hint"]) == ("cannot read the file: gone", None)


def test_the_reporters_do_not_need_click() -> None:
    """Reporting is apart from the command line: the preview and init use it without click."""
    code = ("import datetime, sys\n"
            "from gitstatus import report, rules\n"
            "from gitstatus.report import summary\n"
            "d = rules.Diagnostic('f.md', 1, 1, rules.UNKNOWN_STATUS, \"unknown status 'x'\")\n"
            "report.format_text([d], colour=True), report.format_github([d]), report.format_json([d])\n"
            "summary.render([d], 'components.yaml and 1 incident', datetime.UTC)\n"
            "assert 'click' not in sys.modules, 'click was imported'\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=REPO)
    assert proc.returncode == 0, proc.stderr


def test_colour_marks_the_code_by_severity_as_before() -> None:
    d = Diagnostic("f.md", 1, 2, rules.UNKNOWN_STATUS, "unknown status 'x'", "")
    assert format_text([d], colour=True) == ["\x1b[1mf.md:1:2\x1b[0m: \x1b[31m\x1b[1mE204\x1b[0m unknown status 'x'"]
    w = Diagnostic("f.md", 1, 0, rules.LONG_INCIDENT, "long", "")
    assert format_text([w], colour=True) == ["\x1b[1mf.md:1\x1b[0m: \x1b[33m\x1b[1mW102\x1b[0m long"]


def test_a_diagnostic_from_another_process_holds_the_very_rule() -> None:
    """Workers send diagnostics back pickled; code that compares rules with ``is`` must still see them."""
    d = Diagnostic("f.md", 1, 1, rules.TEXT_BEFORE_UPDATES, "text before the first update")
    back = pickle.loads(pickle.dumps(d))
    assert back == d and back.rule is rules.TEXT_BEFORE_UPDATES and back.text == d.text
    assert copy.deepcopy(rules.NOT_UTF8) is rules.NOT_UTF8

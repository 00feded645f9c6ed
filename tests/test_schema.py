"""``gitstatus schema``: JSON Schema that agrees with ``gitstatus check``.

Every example file of this repo (and of ``gitstatus init``) validates; a set of broken files is
rejected by both the schema and the checker. Files are read two ways: as gitstatus reads them
(every scalar a string) and as an editor's YAML 1.2 parser does (numbers, booleans and null typed).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from gitstatus import schema
from gitstatus.cli import main
from gitstatus.commands import init as scaffold
from gitstatus.commands.build import check
from gitstatus.read import yamlnodes
from gitstatus.read.document import parse_incident
from gitstatus.read.yamlnodes import Node

from .conftest import COMPONENTS_YAML, REPO, run_cli

NOW = dt.datetime(2026, 11, 26, 15, 0, tzinfo=dt.UTC)
_INT = re.compile(r"^[-+]?[0-9]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")


def as_gitstatus(node: Node | None) -> Any:
    """The node tree as gitstatus sees it: strings, None for empty, lists and dicts."""
    if node is None:
        return None
    if isinstance(node.value, list):
        return [as_gitstatus(item) for item in node.value]
    if isinstance(node.value, dict):
        return {key: as_gitstatus(value) for key, value in node.value.items()}
    return node.value


def as_editor(node: Node | None) -> Any:
    """The node tree as a YAML 1.2 core-schema parser (an editor's language server) sees it."""
    if node is None:
        return None
    if isinstance(node.value, list):
        return [as_editor(item) for item in node.value]
    if isinstance(node.value, dict):
        return {key: as_editor(value) for key, value in node.value.items()}
    text = node.value
    if text is None or node.quoted:
        return text
    if text in ("null", "Null", "NULL", "~"):
        return None
    if text in ("true", "True", "TRUE", "false", "False", "FALSE"):
        return text.lower() == "true"
    if _INT.match(text):
        return int(text)
    if _FLOAT.match(text):
        return float(text)
    return text


VIEWS: dict[str, Callable[[Node | None], Any]] = {"gitstatus": as_gitstatus, "editor": as_editor}


def front_matter(text: str) -> Node | None:
    raw, problems = parse_incident(text, "incidents/x.md")
    assert not [p for p in problems if p.code.startswith("E1")], problems
    return raw.meta


def yaml_node(text: str) -> Node | None:
    node, problems = yamlnodes.parse(text, "components.yaml")
    assert not problems, problems
    return node


def errors(name: str, instance: Any) -> list[str]:
    validator = Draft202012Validator(schema.SCHEMAS[name]())
    return [e.message for e in validator.iter_errors(instance)]


def readme_blocks(language: str) -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return re.findall(rf"^```{language}\n(.*?)^```", text, re.S | re.M)


# --- the command ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["incident", "components"])
def test_schema_command_prints_valid_draft_2020_12(name: str) -> None:
    result = run_cli("schema", name)
    assert result.exit_code == 0
    printed = json.loads(result.stdout)
    assert printed["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(printed)
    assert printed == schema.SCHEMAS[name]()
    assert result.stdout == CliRunner().invoke(main, ["schema", name]).stdout  # same bytes every time


def test_schema_command_rejects_other_names() -> None:
    result = CliRunner().invoke(main, ["schema", "site"])
    assert result.exit_code == 2 and "'site' is not one of 'incident', 'components'" in result.stderr


def test_patterns_are_valid_javascript_regexes_too() -> None:
    """Editors evaluate patterns in JavaScript: no inline flags, no Python-only syntax."""
    text = schema.render("incident") + schema.render("components")
    patterns = re.findall(r'"pattern": "((?:[^"\\]|\\.)*)"', text)
    assert len(patterns) >= 6
    for pattern in patterns:
        assert "(?i" not in pattern and "(?P" not in pattern and "\\Z" not in pattern and "\\A" not in pattern


# --- examples validate ------------------------------------------------------------------------------------


def example_incidents() -> dict[str, str]:
    found = {str(p.relative_to(REPO)): p.read_text(encoding="utf-8") for p in sorted((REPO / "incidents").glob("*.md"))}
    found.update({f"gitstatus init: {k}": v for k, v in scaffold.files(NOW).items() if k.startswith("incidents/")})
    for n, block in enumerate(readme_blocks("markdown")):
        if block.startswith("---\n"):
            found[f"README.md markdown block {n}"] = block
    return found


def example_components() -> dict[str, str]:
    found = {"components.yaml": (REPO / "components.yaml").read_text(encoding="utf-8"),
             "tests/conftest.py COMPONENTS_YAML": COMPONENTS_YAML,
             "gitstatus init: components.yaml": scaffold.files(NOW)["components.yaml"]}
    for n, block in enumerate(readme_blocks("yaml")):
        if block.startswith("site:"):
            found[f"README.md yaml block {n}"] = block
    return found


def test_there_are_examples_to_validate() -> None:
    assert len(example_incidents()) >= 10
    assert any(k.startswith("README.md") for k in example_incidents())
    assert any(k.startswith("README.md") for k in example_components())


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("path", sorted(example_incidents()))
def test_example_incidents_validate(path: str, view: str) -> None:
    assert errors("incident", VIEWS[view](front_matter(example_incidents()[path]))) == []


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("path", sorted(example_components()))
def test_example_components_validate(path: str, view: str) -> None:
    assert errors("components", VIEWS[view](yaml_node(example_components()[path]))) == []


# --- schema and checker agree --------------------------------------------------------------------------------

BODY = ("\n## 2026-06-11 14:02 UTC — Investigating\n\nWe are looking into it.\n"
        "\n## 2026-06-11 14:40 UTC — Resolved\n\nIt is fixed.\n")
GOOD_FRONT = "title: API slow\nimpact: major\ncomponents: [api]\n"

#: (front matter, the checker's code). Each must be rejected by the schema and by the checker.
BAD_INCIDENTS = {
    "unknown key": (GOOD_FRONT + "severity: high\n", "E106"),
    "misspelt key": ("titel: API slow\nimpact: major\ncomponents: [api]\n", "E106"),
    "missing title": ("impact: major\ncomponents: [api]\n", "E107"),
    "empty title": ("title: ''\nimpact: major\ncomponents: [api]\n", "E116"),
    "null title": ("title:\nimpact: major\ncomponents: [api]\n", "E116"),
    "missing impact": ("title: API slow\ncomponents: [api]\n", "E107"),
    "wrong impact": ("title: API slow\nimpact: severe\ncomponents: [api]\n", "E109"),
    "missing components": ("title: API slow\nimpact: major\n", "E107"),
    "components not a list": ("title: API slow\nimpact: major\ncomponents: api\n", "E108"),
    "components empty value": ("title: API slow\nimpact: major\ncomponents:\n", "E108"),
    "bad component id": ("title: API slow\nimpact: major\ncomponents: [API Gateway]\n", "E110"),
    "component twice": ("title: API slow\nimpact: major\ncomponents: [api, api]\n", "E111"),
    "component as a mapping": ("title: API slow\nimpact: major\ncomponents: [{id: api}]\n", "E108"),
    "title as a list": ("title: [a, b]\nimpact: major\ncomponents: [api]\n", "E108"),
    "bad component status": (GOOD_FRONT + "component_status:\n  api: down\n", "E112"),
    "component status not a mapping": (GOOD_FRONT + "component_status: partial_outage\n", "E108"),
    "scheduled on an incident": (GOOD_FRONT + "scheduled:\n  start: 2026-06-20 02:00 UTC\n"
                                 "  end: 2026-06-20 03:00 UTC\n", "E113"),
    "scheduled without end": ("title: DB upgrade\nimpact: maintenance\ncomponents: [api]\n"
                              "scheduled:\n  start: 2026-06-20 02:00 UTC\n", "E114"),
    "scheduled with a bad time": ("title: DB upgrade\nimpact: maintenance\ncomponents: [api]\n"
                                  "scheduled:\n  start: tomorrow night\n  end: 2026-06-20 03:00 UTC\n", "E114"),
    "scheduled unknown key": ("title: DB upgrade\nimpact: maintenance\ncomponents: [api]\n"
                              "scheduled:\n  start: 2026-06-20 02:00 UTC\n  end: 2026-06-20 03:00 UTC\n"
                              "  until: 2026-06-20 04:00 UTC\n", "E106"),
    "front matter is a list": ("- title\n- impact\n", "E104"),
}

GOOD_INCIDENTS = {
    "impact in capitals": "title: API slow\nimpact: Major\ncomponents: [api]\n",
    "no components": "title: API slow\nimpact: minor\ncomponents: []\n",
    "numeric title": "title: 404\nimpact: minor\ncomponents: [api]\n",
    "override": "title: API slow\nimpact: critical\ncomponents: [api, dashboard]\n"
                "component_status:\n  dashboard: degraded_performance\n",
    "maintenance window": "title: DB upgrade\nimpact: maintenance\ncomponents: [api]\n"
                          "scheduled: {start: 2026-06-20T02:00:00Z, end: 2026-06-20 05:00 +02:00}\n",
}


def checker_codes(make_repo: Callable[..., Path], front: str) -> set[str]:
    root = make_repo({"incidents/2026-06-11-api-slow.md": f"---\n{front}---\n{BODY}"})
    return {d.code for d in check(root, NOW).diagnostics if d.path.startswith("incidents/") and d.code[0] == "E"}


@pytest.mark.parametrize("case", sorted(BAD_INCIDENTS))
def test_bad_incidents_are_rejected_by_schema_and_checker(case: str, make_repo: Callable[..., Path]) -> None:
    front, code = BAD_INCIDENTS[case]
    assert code in checker_codes(make_repo, front)
    node = front_matter(f"---\n{front}---\n{BODY}")
    for view, convert in VIEWS.items():
        assert errors("incident", convert(node)), f"the schema accepts it ({view} view)"


@pytest.mark.parametrize("case", sorted(GOOD_INCIDENTS))
def test_good_incidents_are_accepted_by_schema_and_checker(case: str, make_repo: Callable[..., Path]) -> None:
    front = GOOD_INCIDENTS[case]
    assert checker_codes(make_repo, front) == set()
    node = front_matter(f"---\n{front}---\n{BODY}")
    for view, convert in VIEWS.items():
        assert errors("incident", convert(node)) == [], view


GOOD_COMPONENTS = "site:\n  title: Acme Status\ncomponents:\n  - id: api\n    name: API\n"

BAD_COMPONENTS = {
    "unknown top key": (GOOD_COMPONENTS + "theme: dark\n", "E106"),
    "missing site": ("components:\n  - id: api\n    name: API\n", "E107"),
    "site without title": ("site:\n  url: https://status.example.com/\ncomponents:\n  - id: api\n    name: API\n",
                           "E107"),
    "misspelt site key": ("site:\n  title: Acme\n  timzone: UTC\ncomponents:\n  - id: api\n    name: API\n", "E106"),
    "bad url": ("site:\n  title: Acme\n  url: ftp://status.example.com\ncomponents:\n  - id: api\n    name: API\n",
                "E405"),
    "relative url": ("site:\n  title: Acme\n  url: status.example.com\ncomponents:\n  - id: api\n    name: API\n",
                     "E405"),
    "past_days zero": ("site:\n  title: Acme\n  past_days: 0\ncomponents:\n  - id: api\n    name: API\n", "E406"),
    "past_days words": ("site:\n  title: Acme\n  past_days: many\ncomponents:\n  - id: api\n    name: API\n", "E406"),
    "past_days too many": ("site:\n  title: Acme\n  past_days: 3651\ncomponents:\n  - id: api\n    name: API\n",
                           "E406"),
    "no components": ("site:\n  title: Acme\ncomponents: []\n", "E401"),
    "components missing": ("site:\n  title: Acme\n", "E401"),
    "bad component id": ("site:\n  title: Acme\ncomponents:\n  - id: API Gateway\n    name: API\n", "E402"),
    "component without name": ("site:\n  title: Acme\ncomponents:\n  - id: api\n", "E107"),
    "component without id": ("site:\n  title: Acme\ncomponents:\n  - name: API\n", "E107"),
    "unknown component key": ("site:\n  title: Acme\ncomponents:\n  - id: api\n    name: API\n    colour: red\n",
                              "E106"),
    "bad start date": ("site:\n  title: Acme\ncomponents:\n  - id: api\n    name: API\n    start_date: June 1\n",
                       "E407"),
    "components a mapping": ("site:\n  title: Acme\ncomponents:\n  api: API\n", "E108"),
    "top level a list": ("- site\n- components\n", "E104"),
}

GOOD_COMPONENT_FILES = {
    "minimal": GOOD_COMPONENTS,
    "numeric id": "site:\n  title: Acme\ncomponents:\n  - id: 404\n    name: Not found\n",
    "empty optional values": "site:\n  title: Acme\n  url:\n  description:\n  timezone:\n  past_days:\n"
                             "components:\n  - id: api\n    name: API\n    group:\n    start_date:\n",
    "padded past_days": "site:\n  title: Acme\n  past_days: '030'\ncomponents:\n  - id: api\n    name: API\n",
}


def checker_component_codes(make_repo: Callable[..., Path], text: str) -> set[str]:
    root = make_repo({}, components=text)
    return {d.code for d in check(root, NOW).diagnostics if d.path == "components.yaml" and d.code[0] == "E"}


@pytest.mark.parametrize("case", sorted(BAD_COMPONENTS))
def test_bad_components_are_rejected_by_schema_and_checker(case: str, make_repo: Callable[..., Path]) -> None:
    text, code = BAD_COMPONENTS[case]
    assert code in checker_component_codes(make_repo, text)
    node = yaml_node(text)
    for view, convert in VIEWS.items():
        assert errors("components", convert(node)), f"the schema accepts it ({view} view)"


@pytest.mark.parametrize("case", sorted(GOOD_COMPONENT_FILES))
def test_good_components_are_accepted_by_schema_and_checker(case: str, make_repo: Callable[..., Path]) -> None:
    text = GOOD_COMPONENT_FILES[case]
    assert checker_component_codes(make_repo, text) == set()
    node = yaml_node(text)
    for view, convert in VIEWS.items():
        assert errors("components", convert(node)) == [], view


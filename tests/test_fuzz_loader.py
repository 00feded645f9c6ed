"""Random, truncated and mutated bytes give diagnostics, never exceptions.

Every file is fed through the same steps as ``gitstatus check``: decode, split, YAML, validate.
The truncation loop cuts each example incident of this repository at every byte, which walks
through cut front matter, half headings, open code fences and half-written UTF-8 characters.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gitstatus.commands.build import check
from gitstatus.model import Component
from gitstatus.read import yamlnodes
from gitstatus.read.document import decode, parse_incident
from gitstatus.read.incident import validate_incident
from gitstatus.read.settings import validate_components
from gitstatus.rules import RULES, Diagnostic
from gitstatus.timeparse import UTC

from .conftest import REPO

NOW = dt.datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
EXAMPLES = sorted((REPO / "incidents").glob("*.md"))
EXAMPLE_BYTES = {p.name: p.read_bytes() for p in EXAMPLES}
COMPONENTS_BYTES = (REPO / "components.yaml").read_bytes()
_node, _ = yamlnodes.parse(COMPONENTS_BYTES.decode(), "components.yaml")
_, KNOWN_COMPONENTS, _ = validate_components(_node)
KNOWN = {c.id: c for c in KNOWN_COMPONENTS}
PATH = "incidents/2026-06-11-fuzz.md"


def check_incident(data: bytes, known: dict[str, Component] | None = KNOWN) -> list[Diagnostic]:
    """The checker's steps for one incident file; returns its diagnostics after checking their shape."""
    text, diagnostics = decode(data, PATH)
    if text is not None:
        raw, problems = parse_incident(text, PATH)
        incident, more, _ = validate_incident(raw, known, UTC)
        diagnostics = problems + more
        if any(d.code.startswith("E") for d in more):
            assert incident is None  # an incident the validator finds fault with never reaches the model
        if incident is None:
            assert any(d.code.startswith("E") for d in diagnostics)  # and none is dropped silently
        line_count = text.count("\n") + 2
    else:
        line_count = data.count(b"\n") + 2
    for d in diagnostics:
        assert isinstance(d, Diagnostic) and d.path == PATH and d.rule in RULES
        assert 0 <= d.line <= line_count and d.col >= 0 and d.message and "\n" not in d.message.strip() or \
            d.code in ("E109", "E110", "E204")  # these quote the writer's value, which may hold a line break
    return diagnostics


def check_components(data: bytes) -> list[Diagnostic]:
    text, diagnostics = decode(data, "components.yaml")
    if text is None:
        return diagnostics
    node, problems = yamlnodes.parse(text, "components.yaml")
    _, _, more = validate_components(node)
    for d in problems + more:
        assert d.rule in RULES and d.line >= 0 and d.col >= 0
    return problems + more


def test_the_examples_are_clean_before_they_are_cut() -> None:
    assert len(EXAMPLES) >= 8
    for name, data in EXAMPLE_BYTES.items():
        assert [d for d in check_incident(data) if d.code.startswith("E")] == [], name


@pytest.mark.parametrize("name", sorted(EXAMPLE_BYTES))
def test_every_truncation_of_every_example_incident(name: str) -> None:
    data = EXAMPLE_BYTES[name]
    seen = set()
    for end in range(len(data) + 1):
        diagnostics = check_incident(data[:end])
        seen.update(d.code for d in diagnostics)
    assert {"E101", "E102", "E206"} <= seen  # the cuts did reach the front matter and the body


def test_every_truncation_of_components_yaml() -> None:
    for end in range(len(COMPONENTS_BYTES) + 1):
        check_components(COMPONENTS_BYTES[:end])


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=600))
def test_random_bytes_as_an_incident(data: bytes) -> None:
    check_incident(data)
    check_incident(b"---\n" + data)
    check_incident(b"---\ntitle: x\nimpact: minor\ncomponents: []\n---\n" + data, known=None)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_as_components_yaml(data: bytes) -> None:
    check_components(data)
    check_components(b"site:\n  title: x\ncomponents:\n" + data)


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """An example incident with a few bytes replaced, inserted, deleted or lines shuffled."""
    data = bytearray(EXAMPLE_BYTES[draw(st.sampled_from(sorted(EXAMPLE_BYTES)))])
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["replace", "insert", "delete", "duplicate-line", "special"]))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if kind == "replace" and data:
            data[at] = draw(st.integers(0, 255))
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=4))
        elif kind == "delete":
            del data[at:at + draw(st.integers(1, 8))]
        elif kind == "duplicate-line":
            lines = bytes(data).split(b"\n")
            index = draw(st.integers(0, len(lines) - 1))
            lines.insert(index, lines[index])
            data = bytearray(b"\n".join(lines))
        else:
            data[at:at] = draw(st.sampled_from([b"\n## ", b"\n```\n", b"\n---\n", b": ", b"[", b"{", b"*a", b"&a ",
                                                 b"!!", b"\xef\xbb\xbf", b"\r", b"\t", b"\x00", b"\xe2\x80",
                                                 b"\n# ", b"\n##2026", b"\n~~~~", b"'", b'"', b"\\"]))
    return bytes(data)


@settings(max_examples=400, deadline=None)
@given(mutated())
def test_mutated_example_incidents(data: bytes) -> None:
    check_incident(data)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(incident=mutated(), components=st.binary(max_size=200))
def test_whole_check_on_a_repo_of_mutated_files(tmp_path: Path, incident: bytes, components: bytes) -> None:
    """The real entry point, reading from disk, with a broken components.yaml next to a broken incident."""
    root = tmp_path / "repo"
    (root / "incidents").mkdir(parents=True, exist_ok=True)
    (root / "components.yaml").write_bytes(COMPONENTS_BYTES[: len(components)] + components)
    (root / "incidents" / "2026-06-11-fuzz.md").write_bytes(incident)
    result = check(root, NOW)
    assert all(d.rule in RULES for d in result.diagnostics)

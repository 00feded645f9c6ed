"""Reading files: strict YAML with positions, encodings and sizes, front matter, update sections, the incidents folder.

The byte-level cases (BOM, CRLF, non-UTF-8, size, unreadable files, editor droppings) live here
rather than in tests/cases/, so that no checkout setting can rewrite the bytes under test.
"""

from __future__ import annotations

import builtins
import datetime as dt
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gitstatus import rules
from gitstatus.commands.build import check
from gitstatus.errors import RootError
from gitstatus.project import load
from gitstatus.read import yamlnodes
from gitstatus.read.document import MAX_BYTES, decode, parse_incident, split_front_matter, split_sections
from gitstatus.rules import Diagnostic
from gitstatus.source import Disk, incident_paths, read_file

from .conftest import API_SLOW_MINOR_RESOLVED as INCIDENT
from .conftest import run_cli

NOW = dt.datetime(2026, 6, 12, tzinfo=dt.UTC)


def codes(diagnostics: list[Diagnostic]) -> list[tuple[str, int, int, str]]:
    return [(d.path, d.line, d.col, d.code) for d in sorted(diagnostics)]


# --- YAML: every scalar a string, positions in the whole file ----------------------------------

@pytest.mark.parametrize("word", ["no", "on", "off", "yes", "Yes", "NO", "true", "False", "null", "Null", "~",
                                  "2026-06-11", "2026-06-11 14:02:00", "1e3", "0x1f", "0o17", "012", "1_000",
                                  ".inf", "-.inf", ".nan", "3.10", "1:20", "<<", "="])
def test_plain_scalars_stay_the_string_written(word: str) -> None:
    node, problems = yamlnodes.parse(f"id: {word}\nlist: [{word}]\n{word}: key\n", "x.yaml")
    assert problems == []
    assert node is not None and isinstance(node.value, dict)
    assert node.value["id"].value == word
    assert [item.value for item in node.value["list"].value] == [word]
    assert node.value[word].value == "key"


def test_empty_values_are_none_but_quoted_empty_strings_are_not() -> None:
    node, _ = yamlnodes.parse("a:\nb: ''\nc: \"\"\n", "x.yaml")
    assert node is not None and isinstance(node.value, dict)
    assert node.value["a"].value is None
    assert node.value["b"].value == "" and node.value["b"].quoted
    assert node.value["c"].value == ""


def test_an_empty_document_is_a_none_node() -> None:
    node, problems = yamlnodes.parse("# only a comment\n", "x.yaml", 2)
    assert problems == [] and node is not None and node.value is None and node.line == 2


def test_positions_count_from_the_first_line_given() -> None:
    node, _ = yamlnodes.parse("title: x\ncomponents:\n  - api\n", "f.md", first_line=2)
    assert node is not None and isinstance(node.value, dict)
    title = node.value["title"]
    assert (title.line, title.col, title.key_at) == (2, 8, (2, 1))
    components = node.value["components"]
    assert isinstance(components.value, list)
    assert (components.value[0].line, components.value[0].col) == (4, 5)


def test_syntax_error_line_is_offset_by_where_the_yaml_starts() -> None:
    text = "title: x\n  impact: minor\n"
    for first_line in (1, 2, 40):
        node, problems = yamlnodes.parse(text, "f.md", first_line)
        assert node is None
        assert codes(problems) == [("f.md", first_line + 1, 9, "E103")]
        assert "mapping values are not allowed" in problems[0].message


def test_a_control_character_is_a_yaml_error_not_an_exception() -> None:
    node, problems = yamlnodes.parse("title: a\x07b\n", "f.md", 2)
    assert node is None and [p.code for p in problems] == ["E103"] and problems[0].line >= 2


def test_duplicate_keys_are_reported_with_both_lines_and_the_first_kept() -> None:
    node, problems = yamlnodes.parse("title: one\nimpact: minor\ntitle: two\n", "f.md", 2)
    assert codes(problems) == [("f.md", 4, 1, "E105")]
    assert "duplicate key 'title' (first given on line 2)" in problems[0].message
    assert node is not None and isinstance(node.value, dict) and node.value["title"].value == "one"


def test_duplicate_keys_in_nested_and_flow_mappings() -> None:
    _, problems = yamlnodes.parse("a:\n  b: 1\n  b: 2\nc: {d: 1, d: 2}\n", "f.yaml")
    assert codes(problems) == [("f.yaml", 3, 3, "E105"), ("f.yaml", 4, 11, "E105")]


def test_keys_that_differ_only_in_quoting_are_duplicates() -> None:
    _, problems = yamlnodes.parse("no: 1\n'no': 2\n", "f.yaml")
    assert [p.code for p in problems] == ["E105"]


def test_aliases_are_reported_where_they_are_used() -> None:
    node, problems = yamlnodes.parse("title: &t API\nimpact: minor\ncomponents: [*t]\n", "f.md", 2)
    assert node is None
    assert codes(problems) == [("f.md", 4, 14, "E115")]


def test_merge_keys_are_aliases_too() -> None:
    _, problems = yamlnodes.parse("base: &b {a: 1}\nother:\n  <<: *b\n", "f.yaml")
    assert codes(problems) == [("f.yaml", 3, 7, "E115")]


@pytest.mark.parametrize("text", ["impact: !!python/object:os.system x\n", "impact: !custom x\n", "impact: !!int 3\n",
                                  "impact: !!binary aGk=\n"])
def test_tags_other_than_the_standard_ones_are_reported(text: str) -> None:
    _, problems = yamlnodes.parse(text, "f.md", 2)
    assert codes(problems) == [("f.md", 2, 9, "E115")]


def test_a_mapping_as_a_key_is_a_type_error() -> None:
    _, problems = yamlnodes.parse("? [a, b]\n: value\n", "f.yaml")
    assert [p.code for p in problems] == ["E108"]


# --- bytes to text ------------------------------------------------------------------------------

def test_bom_is_dropped_and_crlf_and_cr_become_lf() -> None:
    text, problems = decode(b"\xef\xbb\xbfa\r\nb\rc\n", "f.md")
    assert (text, problems) == ("a\nb\nc\n", [])


def test_not_utf8_points_at_the_bad_byte() -> None:
    data = b"title: ok\nname: Caf" + b"\xe9 au lait\n"
    text, problems = decode(data, "f.md")
    assert (text, problems) == (None, [Diagnostic("f.md", 2, 10, rules.NOT_UTF8, "byte 0xe9 is not UTF-8")])
    assert problems[0].text == "byte 0xe9 is not UTF-8: save the file as UTF-8"


def test_not_utf8_column_counts_characters_not_bytes() -> None:
    data = "é€ ".encode() + b"\xff"
    _, problems = decode(data, "f.md")
    assert codes(problems) == [("f.md", 1, 4, "E002")]


def test_not_utf8_after_a_bom_and_crlf() -> None:
    data = b"\xef\xbb\xbf---\r\ntitle: \xc3\x28\r\n"
    _, problems = decode(data, "f.md")
    assert codes(problems) == [("f.md", 2, 8, "E002")]
    assert "byte 0xc3" in problems[0].message


def test_utf16_is_not_utf8() -> None:
    _, problems = decode(INCIDENT.encode("utf-16"), "f.md")
    assert [p.code for p in problems] == ["E002"]


def test_one_mib_is_the_limit() -> None:
    assert decode(b"a" * MAX_BYTES, "f.md")[1] == []
    text, problems = decode(b"a" * (MAX_BYTES + 1), "f.md")
    assert text is None and codes(problems) == [("f.md", 0, 0, "E003")]
    assert "1,048,577 bytes, over the 1 MiB limit" in problems[0].message


def test_read_file_reports_the_whole_size_of_a_big_file(tmp_path: Path) -> None:
    (tmp_path / "big.md").write_bytes(b"x" * (3 * MAX_BYTES))
    _, problems = read_file(tmp_path, "big.md")
    assert "3,145,728 bytes" in problems[0].message


def test_read_file_unreadable_is_e001(tmp_path: Path) -> None:
    (tmp_path / "gone.md").symlink_to(tmp_path / "nowhere.md")
    text, problems = read_file(tmp_path, "gone.md")
    assert text is None and codes(problems) == [("gone.md", 0, 0, "E001")]
    assert "cannot read the file" in problems[0].message


# --- front matter and sections ----------------------------------------------------------------------

def test_split_front_matter_lines() -> None:
    yaml_text, yaml_line, body, body_line, problems = split_front_matter(INCIDENT, "f.md")
    assert problems == [] and yaml_line == 2 and body_line == 6
    assert yaml_text == "title: API responding slowly\nimpact: minor\ncomponents: [api]"
    assert body.startswith("\n## 2026-06-11 14:02 UTC")


def test_front_matter_fences_may_have_trailing_spaces_and_close_with_dots() -> None:
    text = "---  \ntitle: x\n...\nbody\n"
    yaml_text, _, body, body_line, problems = split_front_matter(text, "f.md")
    assert (yaml_text, body, body_line, problems) == ("title: x", "body\n", 4, [])


def test_a_thematic_break_in_the_body_does_not_end_the_front_matter() -> None:
    raw, problems = parse_incident(INCIDENT + "\n---\n\nMore text.\n", "f.md")
    assert problems == []
    assert raw.sections[-1].message.endswith("---\n\nMore text.")


def test_sections_positions_and_messages() -> None:
    raw, problems = parse_incident(INCIDENT, "f.md")
    assert problems == []
    first, second = raw.sections
    assert (first.heading, first.line, first.col, first.message_line) == (
        "2026-06-11 14:02 UTC — Investigating", 7, 4, 9)
    assert first.message == "We are looking into reports of slow API responses."
    assert (second.line, second.message) == (11, "Response times are back to normal.")


def test_heading_column_follows_its_indent_and_closing_hashes_are_dropped() -> None:
    sections, _ = split_sections("   ##   2026-06-11 14:02 UTC — Investigating ###\n\nx\n", 10, "f.md")
    assert (sections[0].heading, sections[0].line, sections[0].col) == ("2026-06-11 14:02 UTC — Investigating", 10, 9)


def test_message_keeps_inner_blank_lines_and_indentation_but_not_surrounding_blank_lines() -> None:
    body = "## t — s\n\n\n    indented code\n\n  - item\n\n\n"
    sections, _ = split_sections(body, 1, "f.md")
    assert sections[0].message == "    indented code\n\n  - item"
    assert sections[0].message_line == 4


@pytest.mark.parametrize("fence_open, fence_close", [("```", "```"), ("~~~", "~~~"), ("````", "`````"),
                                                     ("```python", "```"), ("  ```", "```"), ("~~~~ sh", "~~~~")])
def test_headings_inside_fenced_code_are_part_of_the_message(fence_open: str, fence_close: str) -> None:
    body = f"## a — b\n\n{fence_open}\n## not an update\n# nor this\n{fence_close}\n\n## c — d\n\ne\n"
    sections, problems = split_sections(body, 1, "f.md")
    assert problems == []
    assert [s.heading for s in sections] == ["a — b", "c — d"]
    assert "## not an update" in sections[0].message


@pytest.mark.parametrize("not_a_close", ["~~~", "``", "``` python"])
def test_a_fence_closes_only_with_the_same_character_long_enough_and_no_info(not_a_close: str) -> None:
    body = f"## a — b\n\n```\n{not_a_close}\n## inside\n```\n\n## c — d\n\ne\n"
    sections, problems = split_sections(body, 1, "f.md")
    assert problems == []
    assert [s.heading for s in sections] == ["a — b", "c — d"]


def test_backticks_in_the_info_string_do_not_open_a_fence() -> None:
    sections, _ = split_sections("## a — b\n\n``` x ` y\n\n## c — d\n\ne\n", 1, "f.md")
    assert [s.heading for s in sections] == ["a — b", "c — d"]


def test_four_spaces_of_indent_is_not_a_heading_or_a_fence() -> None:
    sections, problems = split_sections("## a — b\n\n    ## code\n    ```\n\n## c — d\n\ne\n", 1, "f.md")
    assert problems == [] and [s.heading for s in sections] == ["a — b", "c — d"]


def test_deeper_headings_and_hashes_without_space_are_message_text() -> None:
    sections, problems = split_sections("## a — b\n\n### sub\n#### subsub\n#hashtag\n###### six\n", 1, "f.md")
    assert problems == [] and len(sections) == 1
    assert sections[0].message == "### sub\n#### subsub\n#hashtag\n###### six"


# --- the incidents folder -------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["2026-06-11-api.md~", ".#2026-06-11-api.md", "#2026-06-11-api.md#",
                                  ".2026-06-11-api.md.swp", "2026-06-11-api.md.swp", "2026-06-11-api.md.swo",
                                  "2026-06-11-api.md.tmp", "2026-06-11-api.md___jb_tmp___", ".DS_Store", ".hidden.md"])
def test_editor_droppings_and_hidden_files_are_ignored(tmp_path: Path, name: str) -> None:
    (tmp_path / "incidents").mkdir()
    (tmp_path / "incidents" / "2026-06-11-api.md").write_text(INCIDENT)
    (tmp_path / "incidents" / name).write_bytes(b"\x00\xff not even text")
    paths, problems = incident_paths(tmp_path)
    assert (paths, problems) == (["incidents/2026-06-11-api.md"], [])


def test_other_files_and_folders_in_incidents_are_errors(tmp_path: Path) -> None:
    for name in ("notes.txt", "2026-06-11-api.markdown", "README", "2026-06-11-api.MD"):
        (tmp_path / "incidents" / name).parent.mkdir(exist_ok=True)
        (tmp_path / "incidents" / name).write_text("x")
    (tmp_path / "incidents" / "old.md").mkdir()
    paths, problems = incident_paths(tmp_path)
    assert paths == []
    assert sorted(d.path for d in problems) == [
        "incidents/2026-06-11-api.MD", "incidents/2026-06-11-api.markdown", "incidents/README",
        "incidents/notes.txt", "incidents/old.md"]
    assert {d.code for d in problems} == {"E004"}


def test_no_incidents_folder_is_no_incidents(tmp_path: Path) -> None:
    assert incident_paths(tmp_path) == ([], [])


def test_load_refuses_a_folder_without_components_yaml(tmp_path: Path) -> None:
    with pytest.raises(RootError, match="has no components.yaml, so it is not a status repo"):
        load(Disk(tmp_path))
    with pytest.raises(RootError, match="is not a folder"):
        load(Disk(tmp_path / "missing"))


# --- end to end: bytes on disk through the checker ----------------------------------------------------

def run_check(root: Path) -> list[tuple[str, int, int, str]]:
    return codes(check(root, NOW).diagnostics)


def test_bom_and_crlf_files_check_clean(make_repo: Callable[..., Path]) -> None:
    root = make_repo({
        "incidents/2026-06-11-bom.md": b"\xef\xbb\xbf" + INCIDENT.encode(),
        "incidents/2026-06-11-crlf.md": INCIDENT.replace("\n", "\r\n").encode(),
        "incidents/2026-06-11-both.md": b"\xef\xbb\xbf" + INCIDENT.replace("\n", "\r\n").encode(),
        "incidents/2026-06-11-cr.md": INCIDENT.replace("\n", "\r").encode(),
    })
    (root / "components.yaml").write_bytes(b"\xef\xbb\xbf" + (root / "components.yaml").read_bytes().replace(b"\n", b"\r\n"))
    result = check(root, NOW)
    assert result.diagnostics == []
    assert len(result.page.incidents) == 4
    messages = {u.message for i in result.page.incidents for u in i.updates}
    assert messages == {"We are looking into reports of slow API responses.", "Response times are back to normal."}


def test_crlf_positions_are_the_same_as_lf(make_repo: Callable[..., Path]) -> None:
    broken = INCIDENT.replace("— Resolved", "— Resolvd")
    root = make_repo({"incidents/lf.md": broken.encode(), "incidents/crlf.md": b"\xef\xbb\xbf" + broken.replace("\n", "\r\n").encode()})
    assert run_check(root) == [("incidents/crlf.md", 11, 27, "E204"), ("incidents/lf.md", 11, 27, "E204")]


def test_latin1_incident_is_one_error_at_the_bad_byte(make_repo: Callable[..., Path]) -> None:
    data = INCIDENT.replace("slow API responses", "slow API responses in Zürich").encode("utf-8").replace(
        "ü".encode(), "ü".encode("latin-1"))
    root = make_repo({"incidents/2026-06-11-api.md": data})
    assert run_check(root) == [("incidents/2026-06-11-api.md", 9, 55, "E002")]


def test_big_incident_is_one_error(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"incidents/2026-06-11-api.md": INCIDENT + "x" * MAX_BYTES})
    assert run_check(root) == [("incidents/2026-06-11-api.md", 0, 0, "E003")]


def test_unreadable_incident_is_one_error(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"incidents/2026-06-11-ok.md": INCIDENT})
    (root / "incidents" / "2026-06-11-dangling.md").symlink_to(root / "nowhere.md")
    assert run_check(root) == [("incidents/2026-06-11-dangling.md", 0, 0, "E001")]


def test_editor_droppings_do_not_break_a_check(make_repo: Callable[..., Path]) -> None:
    root = make_repo({
        "incidents/2026-06-11-api.md": INCIDENT,
        "incidents/2026-06-11-api.md~": "---\nbroken",
        "incidents/.#2026-06-11-api.md": "---\nbroken",
        "incidents/.2026-06-11-api.md.swp": b"\x00\x01\xff",
    })
    assert run_check(root) == []


def test_unreadable_components_yaml_is_one_error_and_ids_are_not_checked(
    make_repo: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """components.yaml exists but cannot be opened (as root, permissions cannot stop a read: fake it)."""
    root = make_repo({
        "incidents/2026-06-11-a.md": INCIDENT.replace("[api]", "[nonexistent]"),
        "incidents/2026-06-11-b.md": INCIDENT.replace("[api]", "[api, other]"),
    })
    real_open = builtins.open

    def refusing_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        if str(file).endswith("components.yaml"):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", refusing_open)
    result = check(root, NOW)
    assert codes(result.diagnostics) == [("components.yaml", 0, 0, "E001")]
    assert "cannot read the file: Permission denied" in result.diagnostics[0].message


def test_not_utf8_components_yaml_is_one_error(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"incidents/2026-06-11-a.md": INCIDENT.replace("[api]", "[nonexistent]"),
                      "components.yaml": "site:\n  title: Café\ncomponents: []\n".encode("latin-1")})
    assert run_check(root) == [("components.yaml", 2, 13, "E002")]


def test_cli_reports_byte_problems_with_the_root_prefix(make_repo: Callable[..., Path],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_repo({"incidents/2026-06-11-api.md": b"---\ntitle: \xff\n"})
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    result = run_cli("check", "--root", root, "--now", "2026-06-12 00:00 UTC", "--format", "json")
    assert result.exit_code == 1
    [item] = json.loads(result.output)
    assert item["path"] == os.path.join(str(root), "incidents/2026-06-11-api.md")
    assert (item["line"], item["col"], item["code"]) == (2, 8, "E002")

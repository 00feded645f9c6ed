"""components.yaml's settings: every value a writer can put there gives a diagnostic, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ..conftest import COMPONENTS_YAML, write_repo
from .conftest import DIGIT_SETS, NOW, awkward_text, codes, diagnostics, foreign_digits, invoke, scratch

SITE_KEYS = ("title", "url", "description", "timezone", "past_days")


def with_setting(key: str, value: str) -> str:
    """components.yaml with one site setting replaced (or added), the value quoted as YAML text."""
    quoted = "'" + value.replace("'", "''") + "'"
    lines = [line for line in COMPONENTS_YAML.splitlines() if not line.startswith(f"  {key}:")]
    lines.insert(1, f"  {key}: {quoted}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("value", ["١٥", "²", "１５", "15²", "٣٦٥", "1" * 5000],
                         ids=["arabic-indic", "superscript", "fullwidth", "trailing-superscript", "arabic-in-range",
                              "5000-digits"])
def test_past_days_in_other_digits_is_an_error(tmp_path: Path, value: str) -> None:
    """str.isdigit() takes these, and int() reads most of them: they are refused as the number they are not."""
    root = write_repo(tmp_path / "repo", components=with_setting("past_days", value))
    result = invoke(["check", "--root", str(root), "--now", NOW])
    assert result.exit_code == 1
    assert codes(result) == {"E406"}, result.output
    assert diagnostics(result)[0].startswith(f"{root}/components.yaml:2:14: E406 'past_days' must be a whole number")


def test_past_days_with_leading_zeros_is_still_a_number(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "repo", components=with_setting("past_days", "0" * 5000 + "7"))
    assert invoke(["check", "--root", str(root), "--now", NOW]).exit_code == 0


@pytest.mark.parametrize("url", ["http://[::1", "https://x:99999/", "https://x:port/", "http://[zz]/",
                                 "https://status.example.com:-1/", "http://@/", "http://:80/"])
def test_a_malformed_site_url_is_an_error(tmp_path: Path, url: str) -> None:
    root = write_repo(tmp_path / "repo", components=with_setting("url", url))
    result = invoke(["check", "--root", str(root), "--now", NOW])
    assert result.exit_code == 1
    assert codes(result) == {"E405"}, result.output
    assert f"{root}/components.yaml:2:8: E405 url must be an absolute http(s) address" in result.output
    built = invoke(["build", "--root", str(root), "--now", NOW, "--out", str(tmp_path / "site"), "--jobs", "1"])
    assert built.exit_code == 1 and not (tmp_path / "site").exists()


@st.composite
def setting_values(draw: st.DrawFn) -> str:
    """Values near what each setting expects, or anything at all."""
    kind = draw(st.integers(0, 5))
    if kind == 0:
        return draw(awkward_text)
    if kind == 1:
        return draw(foreign_digits(str(draw(st.integers(0, 4000)))))
    if kind == 2:
        digits = draw(st.sampled_from(("0123456789", *DIGIT_SETS)))
        return "".join(draw(st.lists(st.sampled_from(digits), min_size=1, max_size=6)))
    if kind == 3:
        host = draw(st.sampled_from(["x", "[::1", "[::1]", "[zz]", "ex ample", "ä.example", "", ":", "@"]))
        port = draw(st.sampled_from(["", ":", ":0", ":80", ":65535", ":65536", ":99999", ":-1", ":x", ":١٥"]))
        return f"{draw(st.sampled_from(['http', 'https', 'ftp', '']))}://{host}{port}/{draw(st.text(max_size=5))}"
    if kind == 4:
        return draw(st.sampled_from(["UTC", "Europe/Berlin", "Etc/GMT+12", "Pacific/Kiritimati", "../etc/passwd",
                                     "/etc/localtime", "Europe\x00Berlin", "posixrules", "Factory", "EST5EDT"]))
    return draw(st.sampled_from(["0001-01-01", "9999-12-31", "1970-01-01", "10000-01-01", "2026-02-30",
                                 "20260611", "2026-W24-4"]))


@settings(max_examples=60, deadline=None)
@given(key=st.sampled_from(SITE_KEYS + ("start_date", "id", "name", "group")), value=setting_values())
def test_generated_settings_give_diagnostics_never_tracebacks(key: str, value: str) -> None:
    if key in SITE_KEYS:
        components = with_setting(key, value)
    else:  # the first component's key
        quoted = "'" + value.replace("'", "''") + "'"
        components = COMPONENTS_YAML.replace("  - id: api\n", f"  - id: api\n    {key}: {quoted}\n").replace(
            f"  - id: api\n    id: {quoted}\n", f"  - id: {quoted}\n")
    with scratch() as folder:
        root = write_repo(folder / "repo", {"incidents/2026-11-26-slow.md": INCIDENT_AT_EDGE}, components=components)
        checked = invoke(["check", "--root", str(root), "--now", NOW])
        invoke(["list", "--root", str(root), "--now", NOW])
        built = invoke(["build", "--root", str(root), "--now", NOW, "--out", str(folder / "site"), "--jobs", "1"])
        assert checked.exit_code == 1 or built.exit_code == 0, (checked.output, built.output)


INCIDENT_AT_EDGE = """\
---
title: Slow
impact: major
components: [api, website]
---

## 1970-01-01 00:00 UTC — Investigating

The first supported moment, so uptime and past days reach back before it.

## 2026-11-26 14:00 UTC — Resolved

Fixed.
"""

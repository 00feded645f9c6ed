"""Shared fixtures: status repos built from dicts on tmp_path, and the example repo."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

COMPONENTS_YAML = """\
site:
  title: Test Status
  url: https://status.test/
  timezone: UTC
  past_days: 7
components:
  - id: api
    name: API
    group: Core
  - id: dashboard
    name: Dashboard
    group: Core
  - id: website
    name: Website
"""


def write_tree(root: Path, files: Mapping[str, str | bytes]) -> Path:
    """Write ``{relative path: text or bytes}`` under ``root``; text is dedented."""
    for relpath, content in files.items():
        path = root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")
    return root


@pytest.fixture
def make_repo(tmp_path: Path) -> Callable[..., Path]:
    """A status repo on tmp_path: components.yaml (a default one unless given) plus ``files``."""

    def make(files: Mapping[str, str | bytes] | None = None, components: str | None = COMPONENTS_YAML) -> Path:
        root = tmp_path / "repo"
        root.mkdir(exist_ok=True)
        (root / "incidents").mkdir(exist_ok=True)
        if components is not None:
            (root / "components.yaml").write_text(components, encoding="utf-8")
        return write_tree(root, files or {})

    return make


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", default=False,
        help="Rebuild the golden example site in tests/golden/site instead of comparing with it.",
    )

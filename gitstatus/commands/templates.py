"""A status repo's incident templates (``templates/*.md``), read through the safe door for ``check`` and ``new``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

from ..model import Component
from ..read.template import IncidentTemplate, read_template
from ..rules import Diagnostic
from ..source import read_bytes, template_paths


def load_templates(
    root: Path, known: Mapping[str, Component] | None, tz: dt.tzinfo
) -> tuple[dict[str, IncidentTemplate], list[Diagnostic]]:
    """Every valid template by name, and every problem with any of them (``check`` reports them all)."""
    paths, diagnostics = template_paths(root)
    found: dict[str, IncidentTemplate] = {}
    for relpath in paths:
        data, problems = read_bytes(root, relpath)
        diagnostics += problems
        if data is None:
            continue
        template, problems = read_template(relpath, data, known, tz)
        diagnostics += problems
        if template is not None:
            found[template.name] = template
    return found, diagnostics

"""The Jinja loader of a status repo's own ``theme/templates``, apart from themes.py so that what only
checks a theme (``gitstatus check``) never imports Jinja."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from jinja2 import BaseLoader, Environment, TemplateError, TemplateNotFound
from jinja2.loaders import split_template_path

from .source import read_file
from .themes import THEME_DIR, describe


class ThemeLoader(BaseLoader):
    """The repo's own ``theme/templates``, read through the one door: no link out of the repo, no pipe.

    Jinja's FileSystemLoader would follow any symbolic link; this one refuses a template that
    cannot be read with a :class:`TemplateError` naming the file, and lets a missing one fall
    through to the built-in theme.
    """

    def __init__(self, root: Path) -> None:
        self.root = root

    def get_source(self, environment: Environment, template: str) -> tuple[str, str, Callable[[], bool] | None]:
        relpath = "/".join((THEME_DIR, "templates", *split_template_path(template)))
        if not os.path.lexists(self.root / relpath):
            raise TemplateNotFound(template)
        text, problems = read_file(self.root, relpath)
        if text is None:
            raise TemplateError(describe(problems))
        return text, os.path.join(os.path.realpath(self.root), relpath), None

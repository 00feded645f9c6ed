"""``{% shared key %}…{% endshared %}`` (templating.SharedParts): a part rendered once per key and context.

The whole built site staying byte for byte the same is held by the golden and example tests;
these hold the tag's own promise, and that the built-in pages do share their frame.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from gitstatus import words
from gitstatus.templating import make_environment

from .conftest import EXAMPLE_NOW, REPO


def environment(tmp_path: Path, template: str):
    (tmp_path / "theme" / "templates").mkdir(parents=True, exist_ok=True)
    (tmp_path / "theme" / "templates" / "page.html").write_text(template)
    return make_environment(tmp_path, dt.UTC, catalogue=words.catalogue("en")).get_template("page.html")


def test_a_part_is_rendered_once_per_key(tmp_path: Path) -> None:
    page = environment(tmp_path, "[{% shared root %}{{ root }}:{{ title }}{% endshared %}|{{ title }}]")
    kept: dict = {}
    assert page.render(root="../", title="A", shared_parts=kept) == "[../:A|A]"
    assert page.render(root="../", title="B", shared_parts=kept) == "[../:A|B]"  # the same key: the part kept
    assert page.render(root="", title="C", shared_parts=kept) == "[:C|C]"
    assert len(kept) == 2


@pytest.mark.parametrize("values", [{}, {"shared_parts": None}, {"shared_parts": {}, "root": ["unhashable"]}])
def test_without_a_store_or_a_hashable_key_every_page_renders_its_own(tmp_path: Path, values: dict) -> None:
    page = environment(tmp_path, "{% shared root %}{{ title }}{% endshared %}")
    values = {"root": "", **values}
    assert [page.render(title=t, **values) for t in "AB"] == ["A", "B"]


def test_a_part_is_escaped_like_the_page_around_it(tmp_path: Path) -> None:
    page = environment(tmp_path, "{% shared 1 %}{{ title }}{% endshared %}{% shared 2 %}{{ title }}{% endshared %}")
    assert page.render(title="<b>", shared_parts={}) == "&lt;b&gt;&lt;b&gt;"


def test_the_built_in_pages_share_their_head_masthead_and_footer(tmp_path: Path) -> None:
    from gitstatus.commands.build import build_context
    from gitstatus.outputs.pages import PageRenderer
    from gitstatus.project import load
    from gitstatus.source import Disk
    from gitstatus.timeparse import parse_time

    project = load(Disk(REPO))
    state = project.check(parse_time(EXAMPLE_NOW, dt.UTC)).state
    ctx = next(iter(build_context(REPO, state.page.site, "https://status.example.com/")[0].trees()))
    with words.using(ctx.words):
        renderer = PageRenderer(ctx, {c.id: c.name for c in state.page.components})
        pages = renderer.incidents(state.incidents)
    assert len(pages) > 3
    assert sorted(key for _, key in renderer.common["shared_parts"]) == [("../",), ("../",), ("../", True)]

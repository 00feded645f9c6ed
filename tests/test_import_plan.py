"""components.yaml as the writer wrote it, with the imported components added as text: every other byte kept.

Each case is a components.yaml layout people write (comments, a ``notify:`` block after the
list, entries at column 0, an empty flow list, no list at all) and what the import must make
of it; the result must read back, through gitstatus's own reader, as the old components and
then the new ones.
"""

from __future__ import annotations

import pytest

from gitstatus.importers import SourceComponent
from gitstatus.importers.plan import append_components
from gitstatus.read import yamlnodes
from gitstatus.read.settings import validate_components

SITE = "site:\n  title: Acme\n"
NEW = [("api-gateway", SourceComponent("k1", "API Gateway", "Edge: the front door", "Core")),
       ("search", SourceComponent("k2", "Search"))]
ADDED_2 = ("  # Imported from Statuspage: Acme\n  - id: api-gateway\n    name: API Gateway\n"
           "    description: \"Edge: the front door\"\n    group: Core\n  - id: search\n    name: Search\n")

CASES = {
    "comments and a block after the list": (
        SITE + "components:\n  # ours\n  - id: web\n    name: Web  # the site\n\n# where to announce\nnotify:\n"
               "  - name: ops\n    url_env: OPS\n",
        SITE + "components:\n  # ours\n  - id: web\n    name: Web  # the site\n" + ADDED_2 + "\n# where to announce\n"
               "notify:\n  - name: ops\n    url_env: OPS\n",
    ),
    "entries at column 0": (
        SITE + "components:\n- id: web\n  name: Web\n",
        SITE + "components:\n- id: web\n  name: Web\n" + ADDED_2.replace("\n  ", "\n").removeprefix("  "),
    ),
    "an empty flow list": (
        SITE + "components: []  # none yet\n",
        SITE + "components:\n" + ADDED_2,
    ),
    "no list at all": (
        SITE,
        SITE + "\ncomponents:\n" + ADDED_2,
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_components_are_appended_as_text(case: str) -> None:
    before, expected = CASES[case]
    after = append_components(before, "Imported from Statuspage: Acme", NEW)
    assert after == expected
    node, problems = yamlnodes.parse(after, "components.yaml", 1)
    assert not problems
    _, components, problems = validate_components(node)
    assert not problems
    assert [c.id for c in components][-2:] == ["api-gateway", "search"]
    assert components[-2].description == "Edge: the front door" and components[-2].group == "Core"


def test_a_list_written_another_way_is_left_to_the_writer() -> None:
    assert append_components(SITE + "components: [{id: web, name: Web}]\n", "x", NEW) is None

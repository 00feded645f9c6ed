"""Status badges: parsed as XML; words, colours and accessible names per status."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest

from gitstatus.model import ComponentStatus
from gitstatus.outputs.badges import COMPONENT_COLOUR, Badge, text_width

from .conftest import MACHINE_REPO, cli_build

SVG = "{http://www.w3.org/2000/svg}"


def read(path: Path) -> ET.Element:
    return ET.fromstring(path.read_bytes())


def describe(svg: ET.Element) -> dict[str, object]:
    """What a reader and a screen reader get from one badge."""
    rects = svg.findall(f"{SVG}g/{SVG}rect")
    texts = [t.text for t in svg.iter(f"{SVG}text") if t.get("aria-hidden") != "true"]
    return {
        "role": svg.get("role"),
        "label": svg.get("aria-label"),
        "title": svg.findtext(f"{SVG}title"),
        "texts": texts,
        "colour": rects[1].get("fill"),
        "width_ok": int(svg.get("width", "0")) == int(rects[0].get("width", "0")) + int(rects[1].get("width", "0")),
    }


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("badges") / "site"
    cli_build(MACHINE_REPO, out)
    return out


def test_page_badge(site: Path) -> None:
    assert describe(read(site / "badge.svg")) == {
        "role": "img",
        "label": "Machine & <Status>: Partial System Outage",
        "title": "Machine & <Status>: Partial System Outage",
        "texts": ["Machine & <Status>", "Partial System Outage"],
        "colour": COMPONENT_COLOUR[ComponentStatus.PARTIAL_OUTAGE],
        "width_ok": True,
    }


def test_a_badge_for_every_component_and_group(site: Path) -> None:
    names = sorted(p.name for p in (site / "badges").iterdir())
    assert names == sorted(f"{i}.svg" for i in (
        "website", "core-platform", "api", "dashboard", "database", "integrations", "webhooks", "email", "billing"))
    email = describe(read(site / "badges" / "email.svg"))
    assert email["title"] == "Email <alerts> & digests: Degraded performance"  # escaped in the file, text here
    assert email["texts"] == ["Email <alerts> & digests", "Degraded performance"]
    group = describe(read(site / "badges" / "core-platform.svg"))
    assert (group["title"], group["colour"]) == ("Core Platform: Partial outage", "#b54708")


EVERY_STATUS = """\
site:
  title: Badges
  url: https://badges.test/
components:
  - id: ok
    name: Fine
  - id: slow
    name: Slow
  - id: partly
    name: Partly
  - id: down
    name: Down
  - id: work
    name: Work
"""


def incident(name: str, impact: str, component: str) -> str:
    return (f"---\ntitle: {name}\nimpact: {impact}\ncomponents: [{component}]\n---\n\n"
            f"## 2026-06-15 11:00 UTC — {'In progress' if impact == 'maintenance' else 'Investigating'}\n\nNow.\n")


def test_colour_and_words_for_every_status(make_repo: Callable[..., Path], tmp_path: Path) -> None:
    root = make_repo({
        "incidents/2026-06-15-a.md": incident("A", "minor", "slow"),
        "incidents/2026-06-15-b.md": incident("B", "major", "partly"),
        "incidents/2026-06-15-c.md": incident("C", "critical", "down"),
        "incidents/2026-06-15-d.md": incident("D", "maintenance", "work"),
    }, components=EVERY_STATUS)
    out = tmp_path / "out"
    cli_build(root, out, "2026-06-15 11:30 UTC")
    expected = {
        "ok": ("Fine: Operational", "#1a7f37"),
        "slow": ("Slow: Degraded performance", "#8a5a00"),
        "partly": ("Partly: Partial outage", "#b54708"),
        "down": ("Down: Major outage", "#c62828"),
        "work": ("Work: Under maintenance", "#0b5cad"),
    }
    for component, (title, colour) in expected.items():
        badge = describe(read(out / "badges" / f"{component}.svg"))
        assert (badge["title"], badge["label"], badge["colour"]) == (title, title, colour)
        assert badge["role"] == "img" and badge["width_ok"]
    page = describe(read(out / "badge.svg"))
    assert (page["title"], page["colour"]) == ("Badges: Major Service Outage", "#c62828")
    assert len({expected[c][1] for c in expected}) == 5


def test_text_width_comes_from_the_table() -> None:
    assert text_width("") == 0
    assert text_width("iiii") < text_width("mmmm")
    assert text_width("Operational") == 64  # 5.817 em of Verdana at 11 px = 63.99, rounded up
    assert text_width("数据") == 22  # wide characters take a full em
    assert text_width("e\u0301") == text_width("e")  # a combining accent takes no room


def test_badge_geometry_and_deterministic_bytes() -> None:
    badge = Badge("badge-x", "API", "Operational", "#1a7f37")
    svg = badge.svg()
    assert svg == Badge("badge-x", "API", "Operational", "#1a7f37").svg()
    root = ET.fromstring(svg)
    label_w, message_w = (int(r.get("width", "0")) for r in root.findall(f"{SVG}g/{SVG}rect")[:2])
    assert (label_w, message_w) == (text_width("API") + 10, text_width("Operational") + 10)
    lengths = [int(t.get("textLength", "0")) for t in root.iter(f"{SVG}text")]
    assert lengths == [(label_w - 10) * 10] * 2 + [(message_w - 10) * 10] * 2
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    assert ids == ["badge-x-s", "badge-x-r"]  # scoped, so two inlined badges do not clash

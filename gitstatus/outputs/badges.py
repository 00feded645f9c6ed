"""Status badges: ``badge.svg`` for the page and ``badges/<id>.svg`` per component and group.

Shields-style "flat" badges, so they sit well next to CI badges in a README. Text
widths come from a table of Verdana's advance widths rather than from a font on the
build machine, and every text carries ``textLength``, so a badge has the same bytes on
every machine and the same layout in every browser, whether or not Verdana loads.
The status is in words (never colour alone), in a ``<title>`` and an ``aria-label``.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from .. import routes
from ..model import ComponentStatus
from ..state import ComponentRow, GroupRow, Indicator, SiteState
from ..words import badge_message, status_label
from . import BuildContext, OutputFile
from .machine import xml_escape, xml_quoteattr, xml_safe

FONT_SIZE = 11
PADDING = 5
LABEL_COLOUR = "#555"

# Verdana advance widths in ems for printable ASCII but the space (from the font's metrics, rounded).
_ASCII_WIDTHS = (
    "! .394 \" .459 # .818 $ .636 % 1.076 & .727 ' .269 ( .454 ) .454 * .636 + .818 , .364 - .454 "
    ". .364 / .454 0 .636 1 .636 2 .636 3 .636 4 .636 5 .636 6 .636 7 .636 8 .636 9 .636 : .454 ; .454 "
    "< .818 = .818 > .818 ? .545 @ 1.0 A .684 B .686 C .698 D .771 E .632 F .575 G .775 H .751 I .421 "
    "J .455 K .693 L .557 M .843 N .748 O .787 P .603 Q .787 R .695 S .684 T .616 U .732 V .684 W .989 "
    "X .685 Y .615 Z .685 [ .454 \\ .454 ] .454 ^ .818 _ .636 ` .636 a .601 b .623 c .521 d .623 e .596 "
    "f .352 g .623 h .633 i .274 j .344 k .592 l .274 m .973 n .633 o .607 p .623 q .623 r .427 s .521 "
    "t .394 u .633 v .592 w .818 x .592 y .592 z .525 { .635 | .454 } .635 ~ .818"
)


def _width_table(spec: str) -> dict[str, float]:
    tokens = spec.split()
    table = {" ": 0.352}
    table.update((char, float(width)) for char, width in zip(tokens[::2], tokens[1::2], strict=True))
    return table


WIDTHS: Mapping[str, float] = _width_table(_ASCII_WIDTHS)
DEFAULT_WIDTH = 0.62
"""Latin letters outside ASCII are about as wide as the average lowercase letter."""

#: Colours by status: the theme's own, dark enough for white text (contrast at least 4.5:1).
COMPONENT_COLOUR: Mapping[ComponentStatus, str] = {
    ComponentStatus.OPERATIONAL: "#1a7f37",
    ComponentStatus.UNDER_MAINTENANCE: "#0b5cad",
    ComponentStatus.DEGRADED_PERFORMANCE: "#8a5a00",
    ComponentStatus.PARTIAL_OUTAGE: "#b54708",
    ComponentStatus.MAJOR_OUTAGE: "#c62828",
}
INDICATOR_COLOUR: Mapping[Indicator, str] = {
    Indicator.NONE: COMPONENT_COLOUR[ComponentStatus.OPERATIONAL],
    Indicator.MAINTENANCE: COMPONENT_COLOUR[ComponentStatus.UNDER_MAINTENANCE],
    Indicator.MINOR: COMPONENT_COLOUR[ComponentStatus.DEGRADED_PERFORMANCE],
    Indicator.MAJOR: COMPONENT_COLOUR[ComponentStatus.PARTIAL_OUTAGE],
    Indicator.CRITICAL: COMPONENT_COLOUR[ComponentStatus.MAJOR_OUTAGE],
}


def char_width(char: str) -> float:
    """One character's advance in ems: the table, else 0 for combining marks, 1 for wide
    (CJK) characters and an average letter for everything else."""
    if char in WIDTHS:
        return WIDTHS[char]
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0.0
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 1.0
    return DEFAULT_WIDTH


def text_width(text: str) -> int:
    """Estimated width in pixels at 11 px, rounded up so text never overflows its box."""
    return math.ceil(sum(char_width(c) for c in text) * FONT_SIZE)


@dataclass(frozen=True)
class Badge:
    key: str
    """Unique per badge; prefixes the SVG's internal ids so inlined badges do not clash."""
    label: str
    message: str
    colour: str

    def svg(self) -> bytes:
        label, message = xml_safe(self.label).strip(), xml_safe(self.message).strip()
        label_w = text_width(label) + 2 * PADDING
        message_w = text_width(message) + 2 * PADDING
        total = label_w + message_w
        spoken = f"{label}: {message}"
        grad, clip = f"{self.key}-s", f"{self.key}-r"
        parts = [
            (f'<svg xmlns="http://www.w3.org/2000/svg" width="{total}" height="20" role="img" '
             f"aria-label={xml_quoteattr(spoken)}>"),
            f"<title>{xml_escape(spoken)}</title>",
            (f'<linearGradient id="{grad}" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/>'
             '<stop offset="1" stop-opacity=".1"/></linearGradient>'),
            f'<clipPath id="{clip}"><rect width="{total}" height="20" rx="3" fill="#fff"/></clipPath>',
            (f'<g clip-path="url(#{clip})"><rect width="{label_w}" height="20" fill="{LABEL_COLOUR}"/>'
             f'<rect x="{label_w}" width="{message_w}" height="20" fill="{self.colour}"/>'
             f'<rect width="{total}" height="20" fill="url(#{grad})"/></g>'),
            ('<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" '
             'text-rendering="geometricPrecision" font-size="110">'),
            *_text(label, 0, label_w),
            *_text(message, label_w, message_w),
            "</g>",
            "</svg>",
        ]
        return ("\n".join(parts) + "\n").encode("utf-8")


def _text(value: str, x: int, width: int) -> list[str]:
    """A shadow and the text, drawn at ten times the size and scaled down, as shields does,
    so positions stay whole numbers."""
    centre = x * 10 + width * 5
    length = (width - 2 * PADDING) * 10
    body = xml_escape(value)
    return [
        (f'<text aria-hidden="true" x="{centre}" y="150" fill="#010101" fill-opacity=".3" transform="scale(.1)" '
         f'textLength="{length}">{body}</text>'),
        f'<text x="{centre}" y="140" transform="scale(.1)" fill="#fff" textLength="{length}">{body}</text>',
    ]


def page_badge(state: SiteState, ctx: BuildContext) -> Badge:
    return Badge("badge", ctx.site.title, badge_message(state.indicator), INDICATOR_COLOUR[state.indicator])


def row_badges(state: SiteState) -> list[tuple[str, Badge]]:
    """(id, badge) for every component and every group, in page order."""
    result = []
    for row in state.layout:
        rows: list[ComponentRow | GroupRow] = [row, *row.members] if isinstance(row, GroupRow) else [row]
        for item in rows:
            if isinstance(item, GroupRow):
                key, name = item.id, item.name
            else:
                key, name = item.component.id, item.component.name
            result.append((key, Badge(f"badge-{key}", name, status_label(item.status), COMPONENT_COLOUR[item.status])))
    return result


def render(state: SiteState, ctx: BuildContext) -> list[OutputFile]:
    """``badge.svg`` and ``badges/<id>.svg`` for each component and group."""
    files = [OutputFile(routes.path("badge"), page_badge(state, ctx).svg())]
    files += [OutputFile(routes.path("component_badge", id=key), badge.svg()) for key, badge in row_badges(state)]
    return files

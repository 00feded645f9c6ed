"""Reading built pages in tests: a small DOM over ``html.parser``, and link and URL helpers.

The tests assert on structure (which sections exist, in which order, which class a status
carries), so they parse pages instead of matching strings: markup may change around the
elements without breaking them. ``html.parser`` tokenises like a browser (attribute values
are entity-decoded, tag and attribute names lower-cased), which is what the safety tests need:
they must see attributes as a browser would, not as the raw text spells them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

#: Elements that never have content or an end tag.
VOID = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr",
})
#: Attributes whose value a browser loads or navigates to.
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "poster", "data", "srcset", "xlink:href", "background")


@dataclass(eq=False)  # identity: a node is equal only to itself (and its parent link would recurse)
class Element:
    tag: str
    attrs: dict[str, str]
    parent: Element | None = None
    children: list[Element | str] = field(default_factory=list)
    line: int = 0
    raw_attrs: list[tuple[str, str | None]] = field(default_factory=list)

    # --- navigation ---------------------------------------------------------------------------

    def iter(self) -> Iterator[Element]:
        """This element and every element below it, in document order."""
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def find_all(self, tag: str | None = None, class_: str | None = None, id: str | None = None,
                 where: Callable[[Element], bool] | None = None) -> list[Element]:
        """Descendants (not self) matching every given criterion, in document order."""
        return [
            e for e in self.iter()
            if e is not self
            and (tag is None or e.tag == tag)
            and (class_ is None or class_ in e.classes)
            and (id is None or e.attrs.get("id") == id)
            and (where is None or where(e))
        ]

    def find(self, tag: str | None = None, class_: str | None = None, id: str | None = None,
             where: Callable[[Element], bool] | None = None) -> Element | None:
        found = self.find_all(tag, class_, id, where)
        return found[0] if found else None

    def one(self, tag: str | None = None, class_: str | None = None, id: str | None = None,
            where: Callable[[Element], bool] | None = None) -> Element:
        """The only match; fails loudly (with what was asked) when there are none or several."""
        found = self.find_all(tag, class_, id, where)
        wanted = f"<{tag or '*'} class={class_} id={id}>"
        assert len(found) == 1, f"expected one {wanted} in <{self.tag}>, found {len(found)}"
        return found[0]

    def ancestors(self) -> Iterator[Element]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def inside(self, tag: str | None = None, class_: str | None = None) -> bool:
        return any((tag is None or a.tag == tag) and (class_ is None or class_ in a.classes) for a in self.ancestors())

    # --- content ------------------------------------------------------------------------------

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()

    def modifier(self, block: str) -> str | None:
        """The ``x`` of a ``block--x`` class, e.g. ``banner--major`` → ``major``."""
        for name in self.classes:
            if name.startswith(block + "--"):
                return name[len(block) + 2:]
        return None

    @property
    def text(self) -> str:
        """The text content with runs of whitespace collapsed, as a reader sees it."""
        parts: list[str] = []

        def walk(node: Element) -> None:
            for child in node.children:
                if isinstance(child, str):
                    parts.append(child)
                else:
                    walk(child)

        walk(self)
        return re.sub(r"\s+", " ", "".join(parts)).strip()

    def own_text(self) -> str:
        """Text directly inside this element, not in its children."""
        return re.sub(r"\s+", " ", "".join(c for c in self.children if isinstance(c, str))).strip()

    def __repr__(self) -> str:
        return f"<{self.tag} {self.attrs} line {self.line}>"


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.stack = [self.root]
        self.declarations: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        parent = self.stack[-1]
        values: dict[str, str] = {}
        for name, value in attrs:
            values.setdefault(name, value if value is not None else "")  # the first of duplicates wins, as in browsers
        element = Element(tag, values, parent, line=self.getpos()[0], raw_attrs=list(attrs))
        parent.children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack[-1].tag == tag:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return
        # a stray end tag: ignored, as browsers do

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)

    def handle_decl(self, decl: str) -> None:
        self.declarations.append(decl)


def parse(html: str | bytes) -> Element:
    """The document tree of an HTML page (its ``#document`` root)."""
    builder = _TreeBuilder()
    builder.feed(html.decode("utf-8") if isinstance(html, bytes) else html)
    builder.close()
    return builder.root


def parse_file(path: Path) -> Element:
    return parse(path.read_bytes())


# --- pages and links -----------------------------------------------------------------------------------

def html_files(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if p.is_file())


def url_values(element: Element) -> list[tuple[str, str]]:
    """(attribute, URL) pairs of an element, ``srcset`` split into its URLs."""
    found = []
    for name in URL_ATTRIBUTES:
        if name not in element.attrs:
            continue
        value = element.attrs[name]
        if name == "srcset":
            found += [(name, part.strip().split(" ")[0]) for part in value.split(",") if part.strip()]
        else:
            found.append((name, value))
    return found


_SCHEME_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")


def url_scheme(url: str) -> str | None:
    """The scheme a browser would see: leading/trailing C0 controls and spaces stripped, tabs and
    newlines removed anywhere (WHATWG URL parsing), compared in lower case. None for a relative URL."""
    cleaned = url.strip("".join(chr(c) for c in range(0x21)))
    cleaned = re.sub(r"[\t\n\r]", "", cleaned)
    match = _SCHEME_RE.match(cleaned)
    return match[1].lower() if match else None


def is_relative(url: str) -> bool:
    """A path-relative reference: no scheme, not ``//host`` and not ``/root``-relative."""
    return url_scheme(url) is None and not url.startswith("/") and not url.startswith("\\")


def local_target(page: str, url: str) -> str | None:
    """The site path a relative link on ``page`` points to (query and fragment stripped),
    or None when the link climbs above the site's root. Folder links mean their index.html."""
    path = unquote(urlsplit(url).path)
    if not path:
        return page
    parts = page.split("/")[:-1]
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                return None
            parts.pop()
        else:
            parts.append(part)
    target = "/".join(parts)
    return target + "/index.html" if path.endswith("/") and target else (target or "index.html")

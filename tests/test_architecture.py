"""The package's shape: its modules import each other without a cycle, and ARCHITECTURE.md names them all.

A cycle makes import order matter (a module may see its partner half-initialised) and means two
modules cannot be understood, tested or moved apart; a function-level import hides such a cycle from
the import-time error but not from the design, so it counts too. Imports under ``if TYPE_CHECKING:``
never run and are left out. The graph is read from the source with ``ast``: nothing is imported.
"""

from __future__ import annotations

import ast
import re
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import REPO, write_tree

PACKAGE = REPO / "gitstatus"
ARCHITECTURE = REPO / "ARCHITECTURE.md"

Graph = dict[str, set[str]]


# --- the import graph ----------------------------------------------------------------------------------

def module_names(package: Path) -> dict[str, Path]:
    """Every module of the package by its dotted name (a package by its own name, for its __init__.py)."""
    names = {}
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package.parent).with_suffix("").parts
        names[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return names


def is_type_checking(test: ast.expr) -> bool:
    """``TYPE_CHECKING`` or ``typing.TYPE_CHECKING``: a block that only type checkers run."""
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def import_nodes(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement under ``node``, at any depth (functions, classes, try blocks), except in
    the body of ``if TYPE_CHECKING:`` (its ``else:`` runs, and counts)."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.Import | ast.ImportFrom):
            yield child
        elif isinstance(child, ast.If) and is_type_checking(child.test):
            for other in child.orelse:
                yield from import_nodes(ast.Module(body=[other], type_ignores=[]))
        else:
            yield from import_nodes(child)


def imported(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The package's modules that module ``name`` (at ``path``) imports, relative imports resolved."""
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in import_nodes(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            if node.level:
                here = name.split(".") if is_package else name.split(".")[:-1]
                base = ".".join(here[:len(here) - (node.level - 1)] + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            # ``from pkg import x``: the submodule pkg.x when there is one, else a name defined in pkg
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names]
        for target in targets:
            while target and target not in modules:  # ``import gitstatus.read.document.X``-like: its module
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def import_graph(package: Path) -> Graph:
    modules = module_names(package)
    return {name: imported(name, path, modules) for name, path in modules.items()}


def cycles(graph: Graph) -> list[list[str]]:
    """One cycle through each strongly connected group of modules, as ``[a, b, ..., a]``, sorted."""
    found = []
    for group in strongly_connected(graph):
        if len(group) > 1:
            found.append(cycle_in(graph, group))
    return sorted(found)


def strongly_connected(graph: Graph) -> list[set[str]]:
    """Tarjan's algorithm, iteratively (a deep package would not hit the recursion limit)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.add(member)
                        if member == node:
                            break
                    groups.append(group)
            elif child not in index:
                index[child] = low[child] = len(index)
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(graph.get(child, ())))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return groups


def cycle_in(graph: Graph, group: set[str]) -> list[str]:
    """A shortest cycle through the group's first module (breadth-first within the group)."""
    start = min(group)
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for child in sorted(graph[node] & group):
            if child == start:
                return paths[node] + [start]
            if child not in paths:
                paths[child] = paths[node] + [child]
                queue.append(child)
    raise AssertionError(f"no cycle through {start} in {sorted(group)}")  # a group of two or more always has one


# --- the package ----------------------------------------------------------------------------------------

def test_the_package_has_no_import_cycle() -> None:
    found = cycles(import_graph(PACKAGE))
    assert found == [], "import cycles (function-level imports included):\n" + "\n".join(
        " -> ".join(cycle) for cycle in found)


def test_every_module_is_named_in_architecture_md() -> None:
    """Each module by its dotted name (``gitstatus.read.document``, or a name in it such as
    ``gitstatus.read.document.parse_incident``) or its path (``gitstatus/read/document.py``; a package
    also by its folder, ``gitstatus/read/``), so that the map of the code names every part of it."""
    assert ARCHITECTURE.is_file(), f"{ARCHITECTURE} is missing: it describes each module of the package"
    modules = module_names(PACKAGE)
    missing = sorted(set(modules) - named_modules(ARCHITECTURE.read_text(encoding="utf-8"), modules))
    assert missing == [], f"modules that {ARCHITECTURE.name} does not name: {', '.join(missing)}"


def named_modules(text: str, modules: dict[str, Path]) -> set[str]:
    """The modules that ``text`` names. A dotted name names its longest module prefix (the rest is a
    name inside that module); a path names a module only as its file, or a package as its folder."""
    named = set()
    for dotted in re.findall(r"(?<![\w./])gitstatus(?:\.\w+)*", text):
        while dotted not in modules:
            dotted = dotted.rpartition(".")[0]
        named.add(dotted)
    for path in re.findall(r"(?<![\w./])gitstatus(?:/\w+)*(?:\.py\b|/)?", text):
        if path.endswith(".py"):
            named.add(path.removesuffix(".py").removesuffix("/__init__").replace("/", "."))
        else:  # a folder: only a package's
            name = path.rstrip("/").replace("/", ".")
            if name in modules and modules[name].name == "__init__.py":
                named.add(name)
    return named & set(modules)


# --- the checker itself: it finds what it is for ---------------------------------------------------------

def make_package(tmp_path: Path, files: dict[str, str]) -> Path:
    return write_tree(tmp_path, {f"pkg/{name}": textwrap.dedent(text) for name, text in files.items()}) / "pkg"


def test_a_cycle_through_a_function_level_relative_import_is_found(tmp_path: Path) -> None:
    package = make_package(tmp_path, {
        "__init__.py": "",
        "a.py": "from .sub import b\n",
        "sub/__init__.py": "",
        "sub/b.py": "def late():\n    from ..c import thing\n",
        "c.py": "import pkg.a\nthing = 1\n",
        "d.py": "from . import a\n",  # into the cycle, not part of it
    })
    graph = import_graph(package)
    assert graph["pkg.a"] == {"pkg.sub.b"} and graph["pkg.sub.b"] == {"pkg.c"} and graph["pkg.c"] == {"pkg.a"}
    assert cycles(graph) == [["pkg.a", "pkg.sub.b", "pkg.c", "pkg.a"]]


def test_type_checking_imports_are_no_edges_but_their_else_is(tmp_path: Path) -> None:
    package = make_package(tmp_path, {
        "__init__.py": "",
        "a.py": "import typing\nfrom typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .b import B\n"
                "if typing.TYPE_CHECKING:\n    from . import c\nelse:\n    from . import d\n",
        "b.py": "from .a import x\n",
        "c.py": "from . import a\n",
        "d.py": "from .a import y\n",
    })
    graph = import_graph(package)
    assert graph["pkg.a"] == {"pkg.d"}
    assert cycles(graph) == [["pkg.a", "pkg.d", "pkg.a"]]


def test_names_imported_from_a_package_point_at_its_init(tmp_path: Path) -> None:
    package = make_package(tmp_path, {
        "__init__.py": "from .a import A\n",
        "a.py": "from pkg import VERSION\nA = 1\n",
    })
    assert cycles(import_graph(package)) == [["pkg", "pkg.a", "pkg"]]


MODULES = {"gitstatus": PACKAGE / "__init__.py", "gitstatus.read": PACKAGE / "read" / "__init__.py",
           "gitstatus.read.document": PACKAGE / "read" / "document.py"}


@pytest.mark.parametrize(("text", "named"), [
    ("`gitstatus.read.document` reads one file.", {"gitstatus.read.document"}),
    ("See gitstatus/read/document.py.", {"gitstatus.read.document"}),
    ("gitstatus.read.document.parse_incident()", {"gitstatus.read.document"}),
    ("The readers live in `gitstatus.read`.", {"gitstatus.read"}),
    ("The readers live in gitstatus/read/, and gitstatus/read/__init__.py says so", {"gitstatus.read"}),
    ("gitstatus/read/document.pyc or gitstatus/read/document or gitstatus/read/documents.py", set()),
    ("the gitstatus.reader module, mygitstatus.read.document, tests/gitstatus/read/document.py", set()),
], ids=["dotted", "path", "name-in-it", "package", "package-folder", "not-its-path", "not-its-name"])
def test_a_module_is_named_only_by_its_whole_name(text: str, named: set[str]) -> None:
    assert named_modules(text, MODULES) - {"gitstatus"} == named

"""No module of the data path imports another that imports it back (issue 12).

The graph counts every import a module makes, also one inside a function (run later, but still
a dependency), and leaves out only those under ``if TYPE_CHECKING:``. A package counts as a node
of its own (``from . import __version__`` depends on ``gateway/__init__.py``, which imports the
app). The modules checked are those of the call itself: the catalog, the refusal rules, the
VICIdial client, the reply cache, the limits, the request digest and the streamed export.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import gateway

ROOT = Path(gateway.__file__).parent
CHECKED = (
    "gateway.catalog",
    "gateway.refusal",
    "gateway.upstream",
    "gateway.cache",
    "gateway.limits",
    "gateway.digest",
    "gateway.export",
)


def _modules() -> dict[str, Path]:
    out: dict[str, Path] = {}
    for path in ROOT.rglob("*.py"):
        parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _type_checking_only(tree: ast.AST) -> set[int]:
    hidden: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            hidden |= {id(n) for stmt in node.body for n in ast.walk(stmt)}
    return hidden


def _imports(name: str, path: Path, modules: dict[str, Path]) -> Iterator[str]:
    tree = ast.parse(path.read_text())
    hidden = _type_checking_only(tree)
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    for node in ast.walk(tree):
        if id(node) in hidden:
            continue
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names if a.name in modules)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            target = ".".join([*base, *([node.module] if node.module else [])])
            for alias in node.names:
                if f"{target}.{alias.name}" in modules:
                    yield f"{target}.{alias.name}"  # a module imported from its package
                elif target in modules:
                    yield target


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: set(_imports(name, path, modules)) for name, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[set[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                component.add(w)
                if w == v:
                    break
            if len(component) > 1 or v in graph[v]:
                found.append(component)

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_graph_sees_imports_inside_functions_and_not_type_checking_ones() -> None:
    graph = import_graph()
    assert "gateway.app" in graph["gateway.server"]  # imported inside a function there
    assert "gateway.credentials" not in graph["gateway.metrics"]  # TYPE_CHECKING only
    assert "gateway.catalog.parser" in graph["gateway.catalog.stream"]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [{"a", "b", "c"}]


def test_no_module_of_the_data_path_is_in_an_import_cycle() -> None:
    involved = [
        sorted(component)
        for component in cycles(import_graph())
        if any(m == c or m.startswith(c + ".") for m in component for c in CHECKED)
    ]
    assert involved == []

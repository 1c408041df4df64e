"""The import graph of ``simstudio``: every module imports, and no module-level import cycle.

The graph is built from each module's top-level ``import`` statements (those inside functions run
later and cannot deadlock an import). Imports under ``if TYPE_CHECKING:`` never run, so the
runtime graph leaves them out; the typing graph keeps them, because a type-only cycle still ties
two modules together for readers and type checkers.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Set, Tuple

import pytest

import simstudio

PACKAGE = Path(simstudio.__file__).resolve().parent

Graph = Dict[str, Set[str]]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES: Dict[str, Path] = {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    name = test.attr if isinstance(test, ast.Attribute) else getattr(test, "id", "")
    return "TYPE_CHECKING" in name


def _top_level_imports(
    body: List[ast.stmt], type_only: bool, typing: bool
) -> Iterator[Tuple[ast.stmt, bool]]:
    """Import statements that run when the module is imported (with ``typing``, also type-only)."""
    for node in body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node, type_only
        elif isinstance(node, ast.If):
            guarded = _is_type_checking(node.test)
            if not guarded or typing:
                yield from _top_level_imports(node.body, type_only or guarded, typing)
            yield from _top_level_imports(node.orelse, type_only, typing)
        elif isinstance(node, ast.Try):
            for block in (node.body, node.orelse, node.finalbody):
                yield from _top_level_imports(block, type_only, typing)
            for handler in node.handlers:
                yield from _top_level_imports(handler.body, type_only, typing)


def _resolve(module: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]
    for _ in range(node.level - 1):
        package = package.rpartition(".")[0]
    return f"{package}.{node.module}" if node.module else package


def _targets(module: str, node: ast.stmt) -> Iterator[str]:
    if isinstance(node, ast.Import):
        for alias in node.names:
            yield alias.name
    elif isinstance(node, ast.ImportFrom):
        base = _resolve(module, node)
        for alias in node.names:
            # "from . import _x" needs the submodule _x, not the package's own code.
            submodule = f"{base}.{alias.name}"
            yield submodule if submodule in MODULES else base


def build_graph(typing: bool) -> Graph:
    """Edges between simstudio modules; with ``typing``, type-only imports count too."""
    graph: Graph = {name: set() for name in MODULES}
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node, _ in _top_level_imports(tree.body, False, typing):
            graph[name].update(t for t in _targets(name, node) if t in MODULES and t != name)
    return graph


def find_cycle(graph: Graph) -> Optional[List[str]]:
    """A cycle as a list of modules (first == last), or ``None`` when the graph is acyclic."""
    state: Dict[str, int] = {}
    stack: List[str] = []

    def visit(node: str) -> Optional[List[str]]:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                return [*stack[stack.index(target) :], target]
            if target not in state:
                found = visit(target)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            found = visit(start)
            if found:
                return found
    return None


def test_the_graph_sees_the_package() -> None:
    graph = build_graph(typing=False)
    assert {"simstudio", "simstudio.testing", "simstudio.testing.plugin"} <= set(graph)
    assert "simstudio.testing._server" in graph["simstudio.testing.__main__"]
    assert "simstudio.testing._http" not in graph["simstudio.testing._exchange"]


def test_the_cycle_finder_finds_cycles() -> None:
    graph: Graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}
    assert find_cycle(graph) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_type_checking_imports_are_left_out_of_the_runtime_graph() -> None:
    source = "import x\nif TYPE_CHECKING:\n    import y\nif typing.TYPE_CHECKING:\n    import z\n"
    body = ast.parse(source).body
    runtime = [type_only for _, type_only in _top_level_imports(body, False, typing=False)]
    assert runtime == [False]
    both = [type_only for _, type_only in _top_level_imports(body, False, typing=True)]
    assert both == [False, True, True]


@pytest.mark.parametrize("module", sorted(MODULES))
def test_every_module_imports(module: str) -> None:
    assert importlib.import_module(module).__file__ == str(MODULES[module])


def test_no_module_level_import_cycle() -> None:
    assert find_cycle(build_graph(typing=False)) is None


def test_no_cycle_even_with_type_only_imports() -> None:
    assert find_cycle(build_graph(typing=True)) is None


def test_the_testing_package_has_no_cycle_at_all() -> None:
    graph = build_graph(typing=True)
    inside = "simstudio.testing"
    testing = {
        name: {t for t in targets if t.startswith(inside)}
        for name, targets in graph.items()
        if name.startswith(inside)
    }
    assert find_cycle(testing) is None


@pytest.mark.parametrize(
    "package", ["simstudio", "simstudio.types", "simstudio.resources", "simstudio.testing"]
)
def test_lazy_exports_match_the_imports_type_checkers_see(package: str) -> None:
    module = importlib.import_module(package)
    tree = ast.parse(MODULES[package].read_text(encoding="utf-8"))
    seen: Dict[str, Tuple[str, ...]] = {}
    for node, type_only in _top_level_imports(tree.body, False, typing=True):
        if type_only and isinstance(node, ast.ImportFrom):
            names = tuple(alias.name for alias in node.names)
            seen["." * node.level + (node.module or "")] = tuple(sorted(names))
    exports = dict(module._EXPORTS)  # type: ignore[attr-defined]
    assert seen == {source: tuple(sorted(names)) for source, names in exports.items()}
    exported = {name for names in exports.values() for name in names}
    assert exported == set(module.__all__) - {"__version__"}


"""docs/reliability.md stays true: its table names real tests, and every fault test is in it."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Dict, Set

HERE = Path(__file__).resolve().parent
PAGE = HERE.parents[1] / "docs" / "reliability.md"
REFERENCE = re.compile(r"`tests/faults/(\w+\.py)::(\w+)`")


def _functions(module: Path) -> Set[str]:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    return {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}


def test_reliability_page_names_every_fault_test() -> None:
    text = PAGE.read_text(encoding="utf-8")
    named: Dict[str, Set[str]] = {}
    for module, name in REFERENCE.findall(text):
        named.setdefault(module, set()).add(name)
    assert named, "the page names no tests"
    for module, names in sorted(named.items()):
        path = HERE / module
        assert path.is_file(), f"{module} does not exist"
        missing = names - _functions(path)
        assert not missing, f"{module} has no {sorted(missing)}"
    for path in sorted(HERE.glob("test_fault_*.py")):
        tests = {name for name in _functions(path) if name.startswith("test_")}
        unlisted = tests - named.get(path.name, set())
        assert not unlisted, f"docs/reliability.md does not list {path.name}::{sorted(unlisted)}"

"""Shared by the tests of ``examples/``: finding, importing, taking functions from, polling.

The examples are standalone scripts (they start a local server and work through a scenario when
run), so tests that need only their code either import a file under a unique module name or take
the functions a script defines without running the script.
"""

from __future__ import annotations

import ast
import importlib.util
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, Dict, Set

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def import_file(path: Path, module_name: str) -> ModuleType:
    """Import a file under a unique module name, once (Django resolves its URLconf by it)."""
    if module_name in sys.modules:
        return sys.modules[module_name]
    spec = importlib.util.spec_from_file_location(module_name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


def example_functions(filename: str, **script_globals: Any) -> Dict[str, Any]:
    """The functions ``examples/<filename>`` defines, without running the script.

    Only the script's imports (but ``_local``, which starts the local server) and its ``def``
    statements run, in a namespace holding ``script_globals``: the names the functions read
    from the script's top level (``client``, ``WORKFLOW_ID``...), which must be names the
    script assigns. The functions keep the script's file name, so tracebacks point at it.
    """
    path = EXAMPLES / filename
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    assigned: Set[str] = {
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    unknown = set(script_globals) - assigned
    assert not unknown, f"{filename} assigns no {sorted(unknown)} at its top level"
    kept = [
        node
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
        or (
            isinstance(node, (ast.Import, ast.ImportFrom))
            and not any(alias.name == "_local" for alias in node.names)
        )
    ]
    namespace: Dict[str, Any] = {"__name__": f"example_{path.stem}", **script_globals}
    exec(compile(ast.Module(body=kept, type_ignores=[]), str(path), "exec"), namespace)
    return {node.name: namespace[node.name] for node in kept if isinstance(node, ast.FunctionDef)}


def wait_for(condition: Callable[[], bool], timeout: float, interval: float = 0.01) -> bool:
    """Poll ``condition`` (set by other threads: servers, browsers) until true or ``timeout``."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(interval)
    return True

"""Lazy package exports (PEP 562): a package's public names are imported on first use."""

from __future__ import annotations

import importlib
from typing import Any, Callable, Dict, List, MutableMapping, Tuple

__all__ = ["lazy_exports"]


def lazy_exports(
    package: str, exports: Dict[str, Tuple[str, ...]], namespace: MutableMapping[str, Any]
) -> Tuple[Callable[[str], Any], Callable[[], List[str]]]:
    """The ``__getattr__`` and ``__dir__`` of a package whose names live in its submodules.

    Args:
        package: The package's ``__name__``.
        exports: Submodule (relative, e.g. ``"._client"``) -> the names it provides.
        namespace: The package's ``globals()``; a name is stored there once imported, so later
            lookups skip ``__getattr__``.
    """
    source = {name: module for module, names in exports.items() for name in names}

    def get_attribute(name: str) -> Any:
        module = source.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module, package), name)
        namespace[name] = value
        return value

    def names() -> List[str]:
        return sorted(set(namespace) | set(source))

    return get_attribute, names

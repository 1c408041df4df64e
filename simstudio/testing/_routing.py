"""Route rows and path matching: a method, a ``/api/x/{name}`` pattern and a handler."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, List, Optional, Sequence, Tuple

from ._responses import AnyResponse

#: ``handler(state, request, fault, *path_params)``; each ``{name}`` of the pattern, in order.
RouteHandler = Callable[..., AnyResponse]


@dataclass(frozen=True)
class Route:
    """One row of the routes table.

    Attributes:
        method: The HTTP method, e.g. ``"GET"``.
        pattern: The path, with ``{name}`` for a parameter that matches one whole segment.
        handler: Called as ``handler(state, request, fault, *params)``.
        parts: The pattern's segments, ``None`` where a parameter goes.
        names: The parameter names, in path order.
    """

    method: str
    pattern: str
    handler: RouteHandler
    parts: Tuple[Optional[str], ...] = field(init=False)
    names: Tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        if not self.pattern.startswith("/"):
            raise ValueError(f"route pattern must start with '/': {self.pattern!r}")
        segments = [s for s in self.pattern.split("/") if s]
        names = [s[1:-1] for s in segments if s.startswith("{") and s.endswith("}")]
        parts = [None if s.startswith("{") and s.endswith("}") else s for s in segments]
        object.__setattr__(self, "parts", tuple(parts))
        object.__setattr__(self, "names", tuple(names))

    def match(self, segments: Sequence[str]) -> Optional[List[str]]:
        """The parameter values if the (decoded) path segments fit the pattern, else ``None``."""
        if len(segments) != len(self.parts):
            return None
        params: List[str] = []
        for expected, actual in zip(self.parts, segments):
            if expected is None:
                params.append(actual)
            elif expected != actual:
                return None
        return params


def route(method: str, pattern: str, handler: RouteHandler) -> Route:
    """A row of the routes table for a handler taking ``(state, request, fault, *params)``."""
    return Route(method, pattern, handler)

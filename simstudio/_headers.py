"""Headers: the read-only, case-insensitive view of a response's headers that results carry."""

from __future__ import annotations

from typing import Any, Dict, Iterator, Mapping, Optional, Tuple

__all__ = ["EMPTY_HEADERS", "Headers"]


class Headers(Mapping[str, str]):
    """A read-only, case-insensitive mapping of HTTP response headers.

    ``headers["x-request-id"]`` and ``headers["X-Request-Id"]`` are the same entry. It can be
    pickled and compared, and it never changes after the answer arrived.
    """

    __slots__ = ("_items",)

    def __init__(self, headers: Optional[Mapping[str, str]] = None) -> None:
        items: Dict[str, Tuple[str, str]] = {}
        for name, value in (headers or {}).items():
            items[name.lower()] = (name, value)
        self._items = items

    def __getitem__(self, name: str) -> str:
        return self._items[name.lower()][1]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._items

    def __iter__(self) -> Iterator[str]:
        return (original for original, _ in self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Mapping):
            return NotImplemented
        return dict(self.lower_items()) == {str(k).lower(): v for k, v in other.items()}

    __hash__ = None  # type: ignore[assignment]

    def lower_items(self) -> Iterator[Tuple[str, str]]:
        """``(lower-cased name, value)`` pairs."""
        return ((lower, pair[1]) for lower, pair in self._items.items())

    def __repr__(self) -> str:
        return f"Headers({dict(self.items())!r})"

    def __getstate__(self) -> Dict[str, Any]:
        return {"items": self._items}

    def __setstate__(self, state: Dict[str, Any]) -> None:
        self._items = state["items"]


EMPTY_HEADERS = Headers()

"""Lazy page iterators shared by every list call: cursor and offset pages, loop-proof, resumable."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Generic, Iterator, List, Optional, TypeVar

from ._errors import InvalidResponseError, SimStudioError
from .types._base import APIObject

__all__ = ["Page", "Paginator"]

T = TypeVar("T")


@dataclass
class Page(APIObject, Generic[T]):
    """One page of a list call.

    Attributes:
        items: The page's items, in the server's order.
        next_cursor: Where the next page starts (``None`` on the last page).
        cursor: The cursor this page was fetched with (``None`` for the first page).
        raw: The answer's body.
    """

    items: List[T]
    next_cursor: Optional[str] = None
    cursor: Optional[str] = None
    raw: Any = field(default=None, repr=False, compare=False)


class Paginator(Generic[T]):
    """The items of a list call, fetched page by page as you iterate (nothing is kept).

    Iterate it for items, or use :meth:`pages` for whole pages with their ``request_id`` and
    ``headers``. Each iteration starts again from the first page. A server that hands back a
    cursor it already gave (a loop) raises :class:`InvalidResponseError` instead of looping
    forever; a page that fails raises with the error's ``cursor`` set to the failed page's
    cursor, so ``list(..., cursor=error.cursor)`` resumes where it stopped.

    Attributes:
        cursor: The cursor of the next page to fetch (``None`` before the first page and after
            the last).
    """

    def __init__(
        self,
        fetch: Callable[[Optional[str]], Page[T]],
        *,
        what: str,
        cursor: Optional[str] = None,
    ) -> None:
        self._fetch = fetch
        self._what = what
        self._start = cursor
        self.cursor: Optional[str] = cursor

    def __iter__(self) -> Iterator[T]:
        for page in self.pages():
            items = page.items
            del page
            yield from items
            # Let the page go before the next one is fetched: one page in memory, not two.
            del items

    def __repr__(self) -> str:
        return f"<Paginator {self._what}: iterate it, or call list() on it>"

    def pages(self) -> Iterator[Page[T]]:
        """Fetch and yield one page at a time."""
        cursor = self._start
        seen = set()
        while True:
            self.cursor = cursor
            try:
                page = self._fetch(cursor)
            except SimStudioError as error:
                error.cursor = cursor
                raise
            yield page
            following = page.next_cursor
            del page  # not kept while the next page is fetched
            if following is None:
                self.cursor = None
                return
            if following == cursor or following in seen:
                raise InvalidResponseError(
                    f"{self._what}: the server repeated the pagination cursor {following!r}; "
                    "stopping instead of looping forever"
                )
            seen.add(following)
            cursor = following

    def first_page(self) -> Page[T]:
        """Only the first page."""
        return next(self.pages())

    def to_list(self) -> List[T]:
        """Every item of every page (for lists you know to be small)."""
        return list(self)

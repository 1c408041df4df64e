"""List calls: one page fetcher per pagination style (v2 cursor, v1 offset), each feeding the
shared lazy :class:`~simstudio.Paginator`."""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Mapping, Optional, TypeVar

from .._config import Timeout
from .._errors import InvalidArgumentError, InvalidResponseError
from .._headers import Headers
from .._pagination import Page, Paginator
from .._requester import Requester
from ..types._base import with_response, with_response_each
from ..types._wire import int_or_none, object_body

__all__ = ["check_limit", "offset_list", "v2_list"]

T = TypeVar("T")


def check_limit(limit: Optional[int], maximum: int = 100) -> Optional[int]:
    """A page size of 1..``maximum`` (``None``: the server's default)."""
    if limit is None:
        return None
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= maximum:
        raise InvalidArgumentError(
            f"limit (the page size) must be a whole number from 1 to {maximum}"
        )
    return limit


def _items(body: Any, key: Optional[str], what: str) -> List[Any]:
    container = object_body(body, what)
    items = container.get("data") if key is None else _data(container, what).get(key)
    if not isinstance(items, list):
        raise InvalidResponseError(f"{what}: the answer has no list of items", body=body)
    return items


def _data(body: Dict[str, Any], what: str) -> Dict[str, Any]:
    return object_body(body.get("data"), what)


def _page(
    items: List[Any], build: Callable[[Any], T], body: Any, cursor: Optional[str],
    following: Optional[str], headers: Mapping[str, str],
) -> Page[T]:  # fmt: skip
    frozen = Headers(headers)
    built = with_response_each(list(map(build, items)), frozen)  # type: ignore[type-var]
    return with_response(Page(built, following, cursor, raw=body), frozen)


def v2_list(
    requester: Requester,
    path: str,
    build: Callable[[Any], T],
    *,
    what: str,
    query: Optional[Mapping[str, Any]] = None,
    limit: Optional[int] = None,
    cursor: Optional[str] = None,
    timeout: Optional[Timeout] = None,
    extra_headers: Optional[Mapping[str, str]] = None,
    items_key: Optional[str] = None,
) -> Paginator[T]:
    """Pages of ``{data: [...], nextCursor}`` (v2; also v1 logs and workflows, whose items may
    sit under ``data[items_key]``). The first request is sent when iteration starts."""

    def fetch(position: Optional[str]) -> Page[T]:
        answer = requester.request(
            "GET",
            path,
            query={**(query or {}), "limit": limit, "cursor": position},
            what=what,
            timeout=timeout,
            extra_headers=extra_headers,
        )
        body = answer.json()
        following = object_body(body, what).get("nextCursor")
        following = following if isinstance(following, str) and following else None
        return _page(
            _items(body, items_key, what), build, body, position, following, answer.headers
        )

    return Paginator(fetch, what=what, cursor=cursor)


def offset_list(
    requester: Requester,
    path: str,
    build: Callable[[Any], T],
    *,
    what: str,
    items_key: str,
    query: Optional[Mapping[str, Any]] = None,
    limit: Optional[int] = None,
    cursor: Optional[str] = None,
    timeout: Optional[Timeout] = None,
    extra_headers: Optional[Mapping[str, str]] = None,
) -> Paginator[T]:
    """Pages of v1's ``{success, data: {<items_key>: [...], pagination: {total, limit, offset,
    hasMore}}}``; the cursor is the offset as text, so resuming works as for cursor lists."""
    start = _offset(cursor)

    def fetch(position: Optional[str]) -> Page[T]:
        offset = _offset(position) if position is not None else start
        answer = requester.request(
            "GET",
            path,
            query={**(query or {}), "limit": limit, "offset": offset or None},
            what=what,
            timeout=timeout,
            extra_headers=extra_headers,
        )
        body = answer.json()
        items = _items(body, items_key, what)
        pagination = object_body(_data(body, what).get("pagination") or {}, what)
        more = pagination.get("hasMore") is True
        _check_progress(what, offset, int_or_none(pagination.get("offset")), more, items, body)
        following = str(offset + len(items)) if more else None
        return _page(items, build, body, str(offset), following, answer.headers)

    return Paginator(fetch, what=what, cursor=str(start) if cursor is not None else None)


def _offset(cursor: Optional[str]) -> int:
    if cursor is None:
        return 0
    if not (isinstance(cursor, str) and cursor.isdigit()):
        raise InvalidArgumentError(f"cursor {cursor!r} is not an offset of this list")
    return int(cursor)


def _check_progress(
    what: str, asked: int, echoed: Optional[int], more: bool, items: List[Any], body: Any
) -> None:
    """An offset page must move on: a server that ignores ``offset`` (answering another page)
    or promises more with an empty page would otherwise be paged forever."""
    if echoed is not None and echoed != asked:
        raise InvalidResponseError(
            f"{what}: asked for the page at offset {asked} but got the one at {echoed}; "
            "stopping instead of looping forever",
            body=body,
        )
    if more and not items:
        raise InvalidResponseError(
            f"{what}: the server says more follows an empty page at offset {asked}; "
            "stopping instead of looping forever",
            body=body,
        )

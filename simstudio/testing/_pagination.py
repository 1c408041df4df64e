"""Pagination of the public API: v2 cursors bound to sort and filters, v1 offsets and cursors.

Every helper takes the whole list (in any order) and a sort key, and returns one page: the
routes keep their data in plain lists and never think about pages.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from typing import (
    Any,
    Callable,
    Dict,
    Iterable,
    List,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    TypeVar,
)

from ._envelopes import ApiError
from ._validation import Checks

T = TypeVar("T")
#: A sort key: a tuple of JSON values (strings, numbers), compared in order.
SortKey = Callable[[T], Sequence[Any]]

INVALID_CURSOR = "cursor is not a valid pagination cursor. Restart pagination without a cursor."
SORT_CHANGED = (
    "cursor does not match the requested sortBy/sortOrder. "
    "Restart pagination without a cursor after changing the sort."
)
FILTERS_CHANGED = (
    "cursor does not match the requested filters. "
    "Restart pagination without a cursor after changing a filter."
)


def encode_cursor(payload: Mapping[str, Any]) -> str:
    """Base64 of compact JSON, the way Sim's cursors look (padding kept)."""
    raw = json.dumps(dict(payload), separators=(",", ":"), ensure_ascii=False)
    return base64.b64encode(raw.encode("utf-8")).decode("ascii")


def decode_cursor(cursor: str) -> Dict[str, Any]:
    """The JSON object inside a cursor.

    Raises:
        ValueError: The cursor is not base64 JSON of an object.
    """
    try:
        payload = json.loads(base64.b64decode(cursor.encode("ascii"), validate=True))
    except (binascii.Error, UnicodeError, ValueError) as exc:
        raise ValueError("not a cursor") from exc
    if not isinstance(payload, dict):
        raise ValueError("not a cursor")
    return payload


def filter_fingerprint(filters: Mapping[str, Any]) -> str:
    """A short digest of a request's filters (``None`` values count as absent)."""
    present = {key: value for key, value in filters.items() if value is not None}
    canonical = json.dumps(present, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    digest = hashlib.sha256(canonical.encode("utf-8")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")[:22]


def keyset_page(
    items: Iterable[T],
    key: SortKey[T],
    limit: int,
    after: Optional[Sequence[Any]] = None,
    descending: bool = False,
) -> Tuple[List[T], Optional[List[Any]]]:
    """Sort ``items`` by ``key`` and take ``limit`` of them after the key ``after``.

    Returns:
        The page and the key of its last item, or ``None`` when nothing follows the page.

    Raises:
        TypeError: ``after`` cannot be compared with the items' keys.
    """
    ordered = sorted(items, key=lambda item: tuple(key(item)), reverse=descending)
    if after is not None:
        bound = tuple(after)
        if descending:
            ordered = [item for item in ordered if tuple(key(item)) < bound]
        else:
            ordered = [item for item in ordered if tuple(key(item)) > bound]
    page = ordered[:limit]
    more = len(ordered) > limit and bool(page)
    return page, (list(key(page[-1])) if more else None)


def cursor_page(
    items: Iterable[T],
    *,
    key: SortKey[T],
    limit: int,
    cursor: Optional[str],
    sort: str = "",
    filters: Optional[Mapping[str, Any]] = None,
    descending: bool = False,
) -> Tuple[List[T], Optional[str]]:
    """One page of a v2 list and its ``nextCursor`` (``None`` on the last page).

    The cursor is base64 JSON ``{"sort", "keys", "filter"}``: the sort it was made for, the
    last item's key and a digest of the filters. Only ``limit`` may change between pages.

    Args:
        items: Every item the request selects (after its filters), in any order.
        key: The sort key of an item; end it with a unique field (an id) so that no two
            items tie. All of it is sorted in one direction.
        limit: The page size.
        cursor: The request's ``cursor``, or ``None`` for the first page.
        sort: The request's sort, e.g. ``"createdAt:asc"``.
        filters: The request's filters (everything but ``limit`` and ``cursor``).
        descending: Sort from the largest key down.

    Raises:
        ApiError: 400 for a cursor that is not one, or that was made for another sort or
            other filters (Sim's messages).
    """
    fingerprint = filter_fingerprint(filters or {})
    after: Optional[Sequence[Any]] = None
    if cursor is not None:
        try:
            payload = decode_cursor(cursor)
            after = payload["keys"]
            if not isinstance(after, list) or not isinstance(payload.get("sort"), str):
                raise ValueError("not a cursor")
        except (KeyError, ValueError):
            raise ApiError(400, INVALID_CURSOR) from None
        if payload["sort"] != sort:
            raise ApiError(400, SORT_CHANGED)
        if payload.get("filter") != fingerprint:
            raise ApiError(400, FILTERS_CHANGED)
    try:
        page, last = keyset_page(items, key, limit, after, descending)
    except TypeError:
        raise ApiError(400, INVALID_CURSOR) from None
    if last is None:
        return page, None
    return page, encode_cursor({"sort": sort, "keys": last, "filter": fingerprint})


@dataclass(frozen=True)
class PageRequest:
    """The paging part of a v2 list request (``limit``, ``cursor``, ``sortBy``, ``sortOrder``).

    Attributes:
        limit: The page size (1-100, default 50).
        cursor: The cursor, or ``None`` for the first page.
        sort_by: The field to sort by.
        sort_order: ``"asc"`` or ``"desc"``.
    """

    limit: int
    cursor: Optional[str]
    sort_by: str
    sort_order: str

    @property
    def sort(self) -> str:
        """``"<sortBy>:<sortOrder>"``, what a cursor is bound to."""
        return f"{self.sort_by}:{self.sort_order}"

    def page(
        self, items: Iterable[T], key: SortKey[T], filters: Optional[Mapping[str, Any]] = None
    ) -> Tuple[List[T], Optional[str]]:
        """``cursor_page`` of ``items`` for this request."""
        return cursor_page(
            items,
            key=key,
            limit=self.limit,
            cursor=self.cursor,
            sort=self.sort,
            filters=filters,
            descending=self.sort_order == "desc",
        )


def read_page_request(
    checks: Checks,
    sort_fields: Sequence[str] = (),
    *,
    default_sort: str = "createdAt",
    default_order: str = "asc",
    default_limit: int = 50,
    max_limit: int = 100,
) -> PageRequest:
    """Read ``limit``, ``cursor`` and (with ``sort_fields``) ``sortBy``/``sortOrder``.

    Issues go to ``checks`` with the recorded messages (``limit must be at least 1``,
    ``limit cannot exceed 100``); call ``checks.done()`` afterwards.
    """
    limit = checks.integer(
        "limit",
        default=default_limit,
        minimum=1,
        maximum=max_limit,
        too_small="limit must be at least 1",
        too_big=f"limit cannot exceed {max_limit}",
    )
    cursor = checks.string("cursor")
    sort_by, order = default_sort, default_order
    if sort_fields:
        sort_by = checks.choice("sortBy", sort_fields, default=default_sort) or default_sort
        order = checks.choice("sortOrder", ("asc", "desc"), default=default_order) or order
    return PageRequest(limit or default_limit, cursor, sort_by, order)


def offset_page(items: Sequence[T], limit: int, offset: int) -> Tuple[List[T], Dict[str, Any]]:
    """A v1 offset page and its ``pagination`` object ``{total, limit, offset, hasMore}``."""
    page = list(items[offset : offset + limit])
    total = len(items)
    return page, {
        "total": total,
        "limit": limit,
        "offset": offset,
        "hasMore": offset + len(page) < total,
    }


def v1_cursor_page(
    items: Iterable[T],
    *,
    key: SortKey[T],
    fields: Sequence[str],
    limit: int,
    cursor: Optional[str],
    descending: bool = False,
    extra: Optional[Mapping[str, Any]] = None,
    invalid_message: str = "Invalid cursor",
) -> Tuple[List[T], Optional[str]]:
    """One page of a v1 cursor list (logs, workflows) and its ``nextCursor``.

    The cursor is base64 JSON naming the last item's key: ``dict(zip(fields, key(item)))``
    plus ``extra`` (e.g. ``{"order": "desc"}`` for logs); workflows use
    ``fields=("sortOrder", "createdAt", "id")``.

    Raises:
        ApiError: 400 ``invalid_message`` for a cursor that is not one.
    """
    after: Optional[List[Any]] = None
    if cursor is not None:
        try:
            payload = decode_cursor(cursor)
            after = [payload[name] for name in fields]
        except (KeyError, ValueError):
            raise ApiError(400, invalid_message) from None
    try:
        page, last = keyset_page(items, key, limit, after, descending)
    except TypeError:
        raise ApiError(400, invalid_message) from None
    if last is None:
        return page, None
    return page, encode_cursor({**dict(zip(fields, last)), **dict(extra or {})})

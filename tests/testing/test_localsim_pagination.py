"""Pagination helpers: v2 cursors bound to sort and filters, v1 offsets and cursors."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple

import pytest

from simstudio.testing._envelopes import ApiError
from simstudio.testing._pagination import (
    FILTERS_CHANGED,
    INVALID_CURSOR,
    SORT_CHANGED,
    cursor_page,
    decode_cursor,
    encode_cursor,
    filter_fingerprint,
    keyset_page,
    offset_page,
    read_page_request,
    v1_cursor_page,
)
from simstudio.testing._validation import Checks

Item = Dict[str, Any]
ITEMS: List[Item] = [
    {"id": f"id-{n}", "name": name, "createdAt": f"2026-01-0{n}T00:00:00.000Z"}
    for n, name in enumerate(["delta", "alpha", "echo", "charlie", "bravo"], start=1)
]


def _by_created(item: Item) -> Tuple[str, str]:
    return item["createdAt"], item["id"]


def _walk(limit: int, **options: Any) -> List[List[str]]:
    pages: List[List[str]] = []
    cursor: Optional[str] = None
    while True:
        page, cursor = cursor_page(ITEMS, key=_by_created, limit=limit, cursor=cursor, **options)
        pages.append([item["id"] for item in page])
        if cursor is None:
            return pages


def _error(**options: Any) -> str:
    with pytest.raises(ApiError) as caught:
        cursor_page(ITEMS, key=_by_created, limit=2, **options)
    assert caught.value.status == 400
    return caught.value.message


def test_cursors_look_like_sims() -> None:
    # GET /api/v1/workflows?limit=1 (v1_list_limit1_p1): the same payload, the same bytes.
    recorded = (
        "eyJzb3J0T3JkZXIiOjAsImNyZWF0ZWRBdCI6IjIwMjYtMTItMDZUMTc6MzI6MjcuMTk2WiIsImlkIjoiNjQyMzli"
        "OWMtZGJiNy00ZGNhLTg3ZWUtNmQ2OGM2YjU2NzhjIn0="
    )
    payload = decode_cursor(recorded)
    assert payload == {
        "sortOrder": 0,
        "createdAt": "2026-12-06T17:32:27.196Z",
        "id": "64239b9c-dbb7-4dca-87ee-6d68c6b5678c",
    }
    assert encode_cursor(payload) == recorded


@pytest.mark.parametrize("garbage", ["garbage", "", "W10=", "bm90IGpzb24=", "é"])
def test_decode_refuses_what_is_not_a_cursor(garbage: str) -> None:
    with pytest.raises(ValueError, match="not a cursor"):
        decode_cursor(garbage)


def test_pages_walk_the_whole_list_once() -> None:
    assert _walk(2) == [["id-1", "id-2"], ["id-3", "id-4"], ["id-5"]]
    assert _walk(5) == [["id-1", "id-2", "id-3", "id-4", "id-5"]]
    assert _walk(2, descending=True) == [["id-5", "id-4"], ["id-3", "id-2"], ["id-1"]]
    assert cursor_page([], key=_by_created, limit=3, cursor=None) == ([], None)


def test_only_the_limit_may_change_between_pages() -> None:
    first, cursor = cursor_page(ITEMS, key=_by_created, limit=1, cursor=None, sort="createdAt:asc")
    rest, end = cursor_page(ITEMS, key=_by_created, limit=10, cursor=cursor, sort="createdAt:asc")
    assert [i["id"] for i in first + rest] == [i["id"] for i in ITEMS]
    assert end is None
    assert _error(cursor=cursor, sort="createdAt:desc") == SORT_CHANGED
    assert _error(cursor=cursor, sort="createdAt:asc", filters={"search": "a"}) == FILTERS_CHANGED


def test_the_recorded_messages() -> None:
    assert SORT_CHANGED == (
        "cursor does not match the requested sortBy/sortOrder. Restart pagination without a "
        "cursor after changing the sort."
    )
    assert FILTERS_CHANGED == (
        "cursor does not match the requested filters. Restart pagination without a cursor "
        "after changing a filter."
    )
    assert INVALID_CURSOR == (
        "cursor is not a valid pagination cursor. Restart pagination without a cursor."
    )


def test_a_cursor_made_for_another_sort_is_refused() -> None:
    # kb_v2_list_cursor_changed_sort: a createdAt:asc cursor sent with sortOrder=desc.
    recorded = (
        "eyJzb3J0IjoiY3JlYXRlZEF0OmFzYyIsImtleXMiOlsiMjAyNi0xMi0wNlQxNzo0NjowOS4wNzFaIiwiMGFlZDUw"
        "ZjctYTkzYy00ZmFlLWFmMGUtMTk0YjMwNjkwZWIzIl0sImZpbHRlciI6ImFPTWlhLWRCNXRHWFJfb1lqOVZmekci"
        "fQ=="
    )
    assert _error(cursor=recorded, sort="createdAt:desc") == SORT_CHANGED


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        encode_cursor({"sort": "", "filter": filter_fingerprint({})}),  # no keys
        encode_cursor({"sort": "", "keys": "x", "filter": filter_fingerprint({})}),
        encode_cursor({"sort": 1, "keys": [], "filter": filter_fingerprint({})}),
        encode_cursor({"sort": "", "keys": [1, 2], "filter": filter_fingerprint({})}),  # types
    ],
)
def test_broken_cursors_are_invalid(cursor: str) -> None:
    assert _error(cursor=cursor) == INVALID_CURSOR


def test_fingerprints_ignore_absent_filters_and_key_order() -> None:
    assert filter_fingerprint({"a": 1, "b": None}) == filter_fingerprint({"a": 1})
    assert filter_fingerprint({"a": 1, "b": 2}) == filter_fingerprint({"b": 2, "a": 1})
    assert filter_fingerprint({"a": 1}) != filter_fingerprint({"a": 2})
    assert len(filter_fingerprint({})) == 22


def test_keyset_page_returns_the_last_key_only_when_more_follow() -> None:
    def key(n: int) -> Sequence[Any]:
        return (n,)

    assert keyset_page([3, 1, 2], key, 2) == ([1, 2], [2])
    assert keyset_page([3, 1, 2], key, 2, after=[2]) == ([3], None)
    assert keyset_page([3, 1, 2], key, 2, after=[3], descending=True) == ([2, 1], None)


def test_read_page_request_defaults_and_issues() -> None:
    checks = Checks({}, strict=True, from_query=True)
    request = read_page_request(checks, ("name", "createdAt"), default_sort="createdAt")
    checks.done()
    assert (request.limit, request.cursor, request.sort) == (50, None, "createdAt:asc")
    query = {"limit": "2", "cursor": "c", "sortBy": "name", "sortOrder": "desc"}
    request = read_page_request(Checks(query, strict=True, from_query=True), ("name",))
    assert (request.limit, request.cursor, request.sort) == (2, "c", "name:desc")
    bad = Checks({"limit": "101", "sortOrder": "up"}, strict=True, from_query=True)
    read_page_request(bad, ("name",))
    with pytest.raises(ApiError) as caught:
        bad.done()
    assert [issue["message"] for issue in caught.value.details] == [
        "limit cannot exceed 100",
        'Invalid option: expected one of "asc"|"desc"',
    ]
    unsorted = Checks({"sortBy": "name"}, strict=True, from_query=True)
    read_page_request(unsorted)
    with pytest.raises(ApiError, match='Unrecognized key: "sortBy"'):
        unsorted.done()


def test_page_request_pages() -> None:
    checks = Checks({"limit": "2", "sortOrder": "desc"}, strict=True, from_query=True)
    request = read_page_request(checks, ("createdAt",))
    page, cursor = request.page(ITEMS, _by_created, {"workspaceId": "w"})
    assert [item["id"] for item in page] == ["id-5", "id-4"]
    assert cursor is not None
    assert decode_cursor(cursor)["sort"] == "createdAt:desc"


def test_offset_pages() -> None:  # doc_v1_list_limit2 / _offset2 with six documents
    six = list(range(6))
    assert offset_page(six, 2, 0) == (
        [0, 1],
        {"total": 6, "limit": 2, "offset": 0, "hasMore": True},
    )
    assert offset_page(six, 2, 2)[1] == {"total": 6, "limit": 2, "offset": 2, "hasMore": True}
    assert offset_page(six, 2, 4)[1]["hasMore"] is False
    assert offset_page(six, 2, 9) == ([], {"total": 6, "limit": 2, "offset": 9, "hasMore": False})


def test_v1_cursors_name_the_last_items_fields() -> None:
    def key(item: Item) -> Tuple[str, str]:
        return item["createdAt"], item["id"]

    options: Dict[str, Any] = {"key": key, "fields": ("startedAt", "id"), "limit": 2}
    page, cursor = v1_cursor_page(
        ITEMS, cursor=None, descending=True, extra={"order": "desc"}, **options
    )
    assert [item["id"] for item in page] == ["id-5", "id-4"]
    assert cursor is not None
    assert decode_cursor(cursor) == {
        "startedAt": "2026-01-04T00:00:00.000Z",
        "id": "id-4",
        "order": "desc",
    }
    page, cursor = v1_cursor_page(ITEMS, cursor=cursor, descending=True, **options)
    assert [item["id"] for item in page] == ["id-3", "id-2"]
    page, cursor = v1_cursor_page(ITEMS, cursor=cursor, descending=True, **options)
    assert ([item["id"] for item in page], cursor) == (["id-1"], None)


@pytest.mark.parametrize(
    "cursor", ["garbage", encode_cursor({"id": "x"}), encode_cursor({"startedAt": 1, "id": 2})]
)
def test_v1_cursors_that_are_not_are_refused(cursor: str) -> None:
    with pytest.raises(ApiError, match=r"^Invalid cursor$"):
        v1_cursor_page(ITEMS, key=_by_created, fields=("startedAt", "id"), limit=2, cursor=cursor)

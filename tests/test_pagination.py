"""Paginator: lazy pages, re-iteration, loop protection, resumable failures."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

import pytest

from simstudio import InvalidResponseError, NotFoundError, Page, Paginator
from simstudio.types._base import with_response


def pages_of(items: List[int], size: int) -> Dict[Optional[str], Page[int]]:
    pages: Dict[Optional[str], Page[int]] = {}
    for start in range(0, len(items), size):
        cursor = None if start == 0 else f"c{start}"
        following = f"c{start + size}" if start + size < len(items) else None
        pages[cursor] = Page(items[start : start + size], following, cursor)
    return pages


class Server:
    def __init__(self, pages: Dict[Optional[str], Page[int]]) -> None:
        self.pages = pages
        self.asked: List[Optional[str]] = []

    def __call__(self, cursor: Optional[str]) -> Page[int]:
        self.asked.append(cursor)
        return self.pages[cursor]


def test_items_come_page_by_page_only_as_needed():
    server = Server(pages_of(list(range(7)), 3))
    paginator = Paginator(server, what="list")
    iterator = iter(paginator)
    assert [next(iterator), next(iterator), next(iterator)] == [0, 1, 2]
    assert server.asked == [None]
    assert next(iterator) == 3
    assert server.asked == [None, "c3"]
    assert list(iterator) == [4, 5, 6]
    assert paginator.cursor is None  # exhausted


def test_each_iteration_starts_again_and_pages_carry_their_answer():
    page = with_response(Page([1], None), {"x-request-id": "r1"})
    paginator = Paginator(lambda cursor: page, what="list")
    assert list(paginator) == [1]
    assert list(paginator) == [1]
    assert next(paginator.pages()).request_id == "r1"
    assert paginator.to_list() == [1]
    assert paginator.first_page() is page
    assert "iterate" in repr(paginator)


@pytest.mark.parametrize(
    "pages",
    [
        {None: Page([1], "a"), "a": Page([2], "a")},  # the same cursor again
        {None: Page([1], "a"), "a": Page([2], "b"), "b": Page([3], "a")},  # a cycle
        {None: Page([], "0"), "0": Page([], "0")},  # an offset page that makes no progress
    ],
)
def test_a_looping_server_raises_instead_of_looping_forever(pages):
    with pytest.raises(InvalidResponseError, match="repeated the pagination cursor"):
        list(Paginator(Server(pages), what="list logs"))


def test_a_failed_page_says_where_to_resume():
    pages = pages_of(list(range(9)), 3)

    def flaky(cursor: Optional[str]) -> Page[int]:
        if cursor == "c6":
            raise NotFoundError("gone", status=404)
        return pages[cursor]

    seen: List[int] = []
    with pytest.raises(NotFoundError) as info:
        seen.extend(Paginator(flaky, what="list"))
    assert seen == [0, 1, 2, 3, 4, 5]
    assert info.value.cursor == "c6"
    resumed = Paginator(Server(pages), what="list", cursor=info.value.cursor)
    assert list(resumed) == [6, 7, 8]


def test_a_page_is_released_before_the_next_is_fetched():
    """Lists of any length keep flat memory: neither iterator holds a page while fetching."""
    import weakref

    pages = pages_of(list(range(9)), 3)
    previous: List[Any] = []

    def fetch(cursor: Optional[str]) -> Page[int]:
        if previous:
            assert previous[-1]() is None, "the previous page is still alive"
        page = Page(list(pages[cursor].items), pages[cursor].next_cursor, cursor)
        previous.append(weakref.ref(page))
        return page

    assert list(Paginator(fetch, what="list")) == list(range(9))
    previous.clear()
    pages_seen = Paginator(fetch, what="list").pages()
    sizes = []
    for page in pages_seen:
        sizes.append(len(page.items))
        del page  # the caller's own reference; the paginator keeps none
    assert sizes == [3, 3, 3]
def test_iterating_keeps_one_page_alive_not_two():
    # Each page is made fresh, as from the network; the previous one (its items and its raw
    # body) must be unreachable by the time the next is fetched, so memory stays flat.
    import gc
    import weakref

    class Items(list):  # a list that weak references can follow
        pass

    alive_at_fetch: List[bool] = []
    previous: List[weakref.ref] = []

    def fetch(cursor: Optional[str]) -> Page[List[int]]:
        gc.collect()
        alive_at_fetch.extend(ref() is not None for ref in previous)
        number = int(cursor or 0)
        page = Page(Items([[number]]), str(number + 1) if number < 3 else None, cursor)
        previous[:] = [weakref.ref(page), weakref.ref(page.items)]
        return page

    assert [item[0] for item in Paginator(fetch, what="list")] == [0, 1, 2, 3]
    assert alive_at_fetch == [False] * 6

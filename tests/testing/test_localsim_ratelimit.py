"""Rate-limit windows of the public API: per key and route family, one minute each."""

from __future__ import annotations

from typing import List

from simstudio.testing._ratelimit import UNLIMITED, RateWindows


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_a_window_counts_down_and_resets_a_minute_after_it_started() -> None:
    clock = Clock(1000.0)
    windows = RateWindows(clock=clock)
    first = windows.hit("key", "knowledge")
    assert (first.limit, first.remaining, first.reset_at) == (UNLIMITED, 999998, 1060.0)
    clock.now = 1059.9
    assert (windows.hit("key", "knowledge").remaining, first.reset_at) == (999997, 1060.0)
    clock.now = 1060.0
    fresh = windows.hit("key", "knowledge")
    assert (fresh.remaining, fresh.reset_at) == (999998, 1120.0)


def test_families_and_keys_count_separately() -> None:
    windows = RateWindows(clock=Clock(0.0))
    remaining: List[int] = [
        windows.hit("a", "search").remaining,
        windows.hit("a", "search").remaining,
        windows.hit("a", "logs").remaining,
        windows.hit("b", "search").remaining,
    ]
    assert remaining == [999998, 999997, 999998, 999998]


def test_headers_reset_and_floor() -> None:
    windows = RateWindows(limit=2, clock=Clock(0.0))
    assert [windows.hit("a", "x").remaining for _ in range(3)] == [1, 0, 0]
    assert windows.hit("a", "x").headers() == [
        ("X-RateLimit-Limit", "2"),
        ("X-RateLimit-Remaining", "0"),
        ("X-RateLimit-Reset", "1970-01-01T00:01:00.000Z"),
    ]
    windows.reset()
    assert windows.hit("a", "x").remaining == 1

"""Rate limits and usage of the local server: the execute bucket, the API's windows, costs."""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Tuple

from ._util import iso

#: The self-hosted sentinel a real server reports when nothing limits the caller.
UNLIMITED = 999999
#: What every accepted execution costs, in US dollars, Sim's unit for all usage figures (a
#: run's ``cost.total``, usage-limits' ``currentPeriodCost`` and ``limit``). One dollar makes
#: ``currentPeriodCost`` the number of executions accepted and ``limit`` the ``usage_budget``.
COST_PER_EXECUTION = 1
#: ``usage.limit`` in US dollars without a ``usage_budget``: the self-hosted sentinel.
NO_USAGE_LIMIT = 99999


def usage_dollars(executions: int, budget: Optional[int]) -> Tuple[int, int]:
    """``(currentPeriodCost, limit)`` in US dollars after ``executions`` accepted runs, for a
    budget of ``budget`` executions (``None``: no budget, the self-hosted sentinel)."""
    limit = NO_USAGE_LIMIT if budget is None else budget * COST_PER_EXECUTION
    return executions * COST_PER_EXECUTION, limit


@dataclass(frozen=True)
class RateLimit:
    """A token bucket: ``burst`` tokens, refilled at ``per_minute`` tokens per minute.

    Every workflow execution request (sync, stream or async, v1 or v2) takes one token;
    a request finding the bucket empty gets HTTP 429 with ``Retry-After``.

    The server reports ``per_minute`` (as a whole number) as the limit everywhere: the
    ``X-RateLimit-Limit`` header and usage-limits' ``limit`` (2025) / ``requestsPerMinute``
    (2026); ``burst`` is ``maxBurst``, and ``X-RateLimit-Remaining`` is the whole tokens left.

    Attributes:
        per_minute: Refill rate in tokens per minute.
        burst: Bucket size: how many requests may be made back to back.
    """

    per_minute: float = 60.0
    burst: int = 10

    def __post_init__(self) -> None:
        if self.per_minute <= 0:
            raise ValueError("per_minute must be positive")
        if self.burst < 1:
            raise ValueError("burst must be at least 1")


@dataclass(frozen=True)
class RateDecision:
    """The bucket's answer for one request.

    Attributes:
        allowed: Whether a token was available (and taken).
        limit: Requests per minute (``X-RateLimit-Limit``): the refill rate of a bucket, the
            size of a one-minute window.
        remaining: Whole tokens left after this request.
        retry_after: Seconds until the next token arrives (0 when allowed).
        reset_at: Unix time at which the bucket is full again.
        burst: The bucket size (``maxBurst``); a window's is its ``limit``.
    """

    allowed: bool
    limit: int
    remaining: int
    retry_after: float
    reset_at: float
    burst: int

    @property
    def retry_after_header(self) -> str:
        """``Retry-After`` as integer seconds, rounded up, at least 1."""
        return str(max(1, math.ceil(self.retry_after)))

    def headers(self) -> List[Tuple[str, str]]:
        """The ``X-RateLimit-*`` headers (``Reset`` is ISO 8601, as Sim sends it)."""
        return [
            ("X-RateLimit-Limit", str(self.limit)),
            ("X-RateLimit-Remaining", str(self.remaining)),
            ("X-RateLimit-Reset", iso(self.reset_at)),
        ]


class TokenBucket:
    """A thread-safe token bucket; ``limit=None`` never refuses and reports sentinel values."""

    def __init__(
        self,
        limit: Optional[RateLimit],
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
    ) -> None:
        """Create a full bucket.

        Args:
            limit: The bucket configuration, or ``None`` for no limiting.
            clock: Monotonic clock used for refills (injectable for tests).
            wall: Wall clock used for the ``Reset`` timestamp.
        """
        self._limit = limit
        self._clock = clock
        self._wall = wall
        self._lock = threading.Lock()
        self._tokens = float(limit.burst) if limit else 0.0
        self._updated = clock()

    @property
    def limit(self) -> Optional[RateLimit]:
        """The configuration, or ``None`` when unlimited."""
        return self._limit

    def take(self) -> RateDecision:
        """Take one token if there is one and describe the result."""
        return self._decide(consume=True)

    def peek(self) -> RateDecision:
        """Describe the bucket without taking a token."""
        return self._decide(consume=False)

    def refill(self) -> None:
        """Fill the bucket up again."""
        with self._lock:
            self._tokens = float(self._limit.burst) if self._limit else 0.0
            self._updated = self._clock()

    def _decide(self, consume: bool) -> RateDecision:
        now_wall = self._wall()
        if self._limit is None:
            return RateDecision(True, UNLIMITED, UNLIMITED, 0.0, now_wall + 60.0, UNLIMITED)
        rate = self._limit.per_minute / 60.0
        burst = float(self._limit.burst)
        with self._lock:
            now = self._clock()
            self._tokens = min(burst, self._tokens + (now - self._updated) * rate)
            self._updated = now
            allowed = self._tokens >= 1.0
            if allowed and consume:
                self._tokens -= 1.0
            tokens = self._tokens
        retry_after = 0.0 if allowed else (1.0 - tokens) / rate
        # The limit is the rate, as in the usage-limits body (2025 ``limit``, 2026
        # ``requestsPerMinute``), so the header and the body agree about the same bucket.
        return RateDecision(
            allowed=allowed,
            limit=int(self._limit.per_minute),
            remaining=math.floor(tokens),
            retry_after=retry_after,
            reset_at=now_wall + (burst - tokens) / rate,
            burst=self._limit.burst,
        )


class RateWindows:
    """Request counters of the public API: one per (API key, route family), per minute.

    What the real server reports on its knowledge, search, logs, workspaces, ... routes: a
    fixed window starting at the first request, ``X-RateLimit-Remaining`` counting down from
    ``limit`` and ``X-RateLimit-Reset`` at the window's end. Nothing is refused (with billing
    off nobody reaches 999999 a minute); only the headers are produced.
    """

    def __init__(
        self, limit: int = UNLIMITED, window: float = 60.0, clock: Callable[[], float] = time.time
    ) -> None:
        """Create empty counters.

        Args:
            limit: Requests per window (``X-RateLimit-Limit``).
            window: The window length in seconds.
            clock: Wall clock, Unix seconds (injectable for tests).
        """
        self.limit = limit
        self.window = window
        self._clock = clock
        self._lock = threading.Lock()
        self._windows: Dict[Tuple[str, str], Tuple[float, int]] = {}

    def hit(self, key: str, family: str) -> RateDecision:
        """Count one request of ``key`` to ``family`` and describe the counter afterwards."""
        now = self._clock()
        with self._lock:
            started, count = self._windows.get((key, family), (now, 0))
            if now >= started + self.window:
                started, count = now, 0
            count += 1
            self._windows[(key, family)] = (started, count)
        return RateDecision(
            allowed=True,
            limit=self.limit,
            remaining=max(0, self.limit - count),
            retry_after=0.0,
            reset_at=started + self.window,
            burst=self.limit,
        )

    def reset(self) -> None:
        """Forget every counter."""
        with self._lock:
            self._windows.clear()

"""Retry policy as data, one pure delay function, and the one retry loop every call shares."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Callable, Optional, TypeVar

from ._errors import InvalidArgumentError, SimStudioError

__all__ = ["RetryPolicy", "compute_delay", "read_should_retry", "retrying", "safe_should_retry"]

logger = logging.getLogger("simstudio")

T = TypeVar("T")

# Idempotent reads retry these statuses; writes and executes only what proves nothing ran.
_READ_RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to wait between attempts (immutable; share it freely).

    Args:
        max_retries: Retries after the first attempt (0 disables retrying).
        initial_delay: The first backoff delay in seconds.
        max_delay: The longest single wait; a server asking for longer is not waited for, the
            error is raised with its ``retry_after`` instead.
        backoff_multiplier: Growth factor per attempt.
        jitter: Relative random spread (0.25 means +/-25%).

    Raises:
        InvalidArgumentError: A value out of range.
    """

    max_retries: int = 3
    initial_delay: float = 1.0
    max_delay: float = 30.0
    backoff_multiplier: float = 2.0
    jitter: float = 0.25

    def __post_init__(self) -> None:
        if isinstance(self.max_retries, bool) or not isinstance(self.max_retries, int):
            raise InvalidArgumentError("max_retries must be a whole number")
        numbers = (self.initial_delay, self.max_delay, self.backoff_multiplier, self.jitter)
        if any(isinstance(n, bool) or not isinstance(n, (int, float)) for n in numbers):
            raise InvalidArgumentError("retry delays, multiplier and jitter must be numbers")
        if self.max_retries < 0:
            raise InvalidArgumentError("max_retries must be >= 0")
        if self.initial_delay < 0 or self.max_delay < 0:
            raise InvalidArgumentError("delays must be >= 0")
        if self.backoff_multiplier < 1:
            raise InvalidArgumentError("backoff_multiplier must be >= 1")
        if not 0 <= self.jitter < 1:
            raise InvalidArgumentError("jitter must be in [0, 1)")


def compute_delay(
    policy: RetryPolicy,
    retry_number: int,
    retry_after: Optional[float],
    random: Callable[[], float],
) -> Optional[float]:
    """Seconds to wait before retry ``retry_number`` (0-based), or ``None`` to give up now.

    Exponential backoff with +/-jitter, capped at ``max_delay``. A server ``Retry-After`` is a
    floor: the wait is never shorter (jitter only lengthens it, to spread a herd of clients);
    when it is longer than ``max_delay`` the caller should stop and surface the delay.
    """
    if retry_after is not None:
        if retry_after > policy.max_delay:
            return None
        spread = retry_after * policy.jitter * random()
        return min(retry_after + spread, max(policy.max_delay, retry_after))
    base = policy.initial_delay * policy.backoff_multiplier**retry_number
    jittered = base * (1.0 + policy.jitter * (2.0 * random() - 1.0))
    return max(0.0, min(jittered, policy.max_delay))


def read_should_retry(error: SimStudioError) -> bool:
    """For idempotent calls: connection errors and timeouts, 408, 429 and 5xx."""
    if error.status is None:
        return error.code in ("TIMEOUT", "CONNECTION_ERROR")
    return error.status in _READ_RETRY_STATUSES


def safe_should_retry(error: SimStudioError) -> bool:
    """For calls with effects: only what proves the server did nothing (``retryable``)."""
    return error.retryable


def retrying(
    operation: Callable[[], T],
    policy: RetryPolicy,
    should_retry: Callable[[SimStudioError], bool],
    *,
    what: str,
    sleep: Callable[[float], None],
    random: Callable[[], float],
) -> T:
    """Run ``operation``, retrying per ``policy`` while ``should_retry`` allows."""
    for retry_number in range(policy.max_retries + 1):
        try:
            return operation()
        except SimStudioError as error:
            if retry_number >= policy.max_retries or not should_retry(error):
                raise
            delay = compute_delay(policy, retry_number, error.retry_after, random)
            if delay is None:
                logger.info(
                    "%s: server asked to wait %.0fs, longer than max_delay; giving up",
                    what,
                    error.retry_after or 0.0,
                )
                raise
            logger.info(
                "%s: %s; retry %d/%d in %.2fs",
                what,
                error.code,
                retry_number + 1,
                policy.max_retries,
                delay,
            )
            sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover

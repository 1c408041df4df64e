"""Retry policy as data plus one pure delay function; sleeping and randomness are injected."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

from ._errors import InvalidArgumentError

__all__ = ["RetryPolicy", "compute_delay"]


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to wait between attempts.

    Args:
        max_retries: Retries after the first attempt (0 disables retrying).
        initial_delay: The first backoff delay in seconds.
        max_delay: The longest single wait; a server asking for longer is not waited for, the
            error is raised with its ``retry_after`` instead.
        backoff_multiplier: Growth factor per attempt.
        jitter: Relative random spread (0.25 means +/-25%).
    """

    max_retries: int = 3
    initial_delay: float = 1.0
    max_delay: float = 30.0
    backoff_multiplier: float = 2.0
    jitter: float = 0.25

    def __post_init__(self) -> None:
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

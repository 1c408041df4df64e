"""One polling loop for every wait (jobs, executions, documents): fast first polls, backoff,
Retry-After, and a hard deadline that includes each poll's own HTTP time."""

from __future__ import annotations

import logging
from typing import Callable, Optional, Tuple, TypeVar

from ._errors import InvalidArgumentError, RequestTimeoutError, SimStudioError
from ._retry import read_should_retry

__all__ = ["DEFAULT_MAX_POLL_INTERVAL", "DEFAULT_POLL_INTERVAL", "DEFAULT_WAIT", "poll"]

logger = logging.getLogger("simstudio")

T = TypeVar("T")

DEFAULT_WAIT = 600.0
DEFAULT_POLL_INTERVAL = 1.0
DEFAULT_MAX_POLL_INTERVAL = 10.0
# The first poll comes this soon: a run that takes 50 ms is seen in well under a second.
_FIRST_INTERVAL = 0.05
_RAMP = 2.0  # early polls double until poll_interval ...
_BACKOFF = 1.5  # ... then slow down by 1.5x up to max_poll_interval
# Below this much time left, a poll's HTTP request is not worth starting.
_MIN_REQUEST_SECONDS = 0.05


def check_wait_arguments(timeout: float, poll_interval: float, max_poll_interval: float) -> None:
    """Refuse waits that cannot work."""
    for name, value in (
        ("timeout", timeout),
        ("poll_interval", poll_interval),
        ("max_poll_interval", max_poll_interval),
    ):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
            raise InvalidArgumentError(f"{name} must be a positive number of seconds")
    if max_poll_interval < poll_interval:
        raise InvalidArgumentError("max_poll_interval must be >= poll_interval")


def poll(
    fetch: Callable[[Tuple[float, float]], Optional[T]],
    is_done: Callable[[T], bool],
    *,
    what: str,
    timeout: float,
    poll_interval: float,
    max_poll_interval: float,
    read_timeout: Tuple[float, float],
    clock: Callable[[], float],
    sleep: Callable[[float], None],
    on_status: Optional[Callable[[T], None]] = None,
    keep_going: Callable[[SimStudioError], bool] = read_should_retry,
) -> T:
    """Call ``fetch`` until ``is_done`` says so, and return that state.

    ``fetch`` gets the ``(connect, read)`` timeout its request may use, shrunk to the time left,
    and returns ``None`` for "nothing to see yet". Errors for which ``keep_going`` is true
    (connection errors, 429, 5xx by default) count as "not yet"; a 429's ``Retry-After`` is
    honoured. Everything ends by ``timeout``: :class:`RequestTimeoutError` otherwise.
    """
    check_wait_arguments(timeout, poll_interval, max_poll_interval)
    deadline = clock() + timeout
    interval = min(_FIRST_INTERVAL, poll_interval)
    last_error: Optional[SimStudioError] = None
    while True:
        remaining = deadline - clock()
        if remaining < _MIN_REQUEST_SECONDS:
            raise _late(what, timeout, last_error)
        wait = interval
        try:
            state = fetch(_shrunk(read_timeout, remaining))
        except SimStudioError as error:
            if not keep_going(error):
                raise
            last_error = error
            wait = max(interval, error.retry_after or 0.0)
        else:
            last_error = None
            if state is not None:
                if on_status is not None:
                    on_status(state)
                if is_done(state):
                    return state
        interval = _next_interval(interval, poll_interval, max_poll_interval)
        remaining = deadline - clock()
        if remaining <= 0:
            raise _late(what, timeout, last_error)
        logger.debug("%s: next poll in %.2fs", what, min(wait, remaining))
        sleep(min(wait, remaining))


def _next_interval(interval: float, poll_interval: float, max_poll_interval: float) -> float:
    if interval < poll_interval:
        return min(interval * _RAMP, poll_interval)
    return min(interval * _BACKOFF, max_poll_interval)


def _shrunk(read_timeout: Tuple[float, float], remaining: float) -> Tuple[float, float]:
    connect, read = read_timeout
    return (min(connect, remaining), min(read, remaining))


def _late(what: str, timeout: float, last_error: Optional[SimStudioError]) -> RequestTimeoutError:
    detail = f" (last poll: {last_error})" if last_error is not None else ""
    return RequestTimeoutError(f"{what}: still not finished after {timeout:g}s{detail}")

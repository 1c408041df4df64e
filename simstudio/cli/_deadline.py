"""The limit of a whole command (``--timeout``): per-call timeouts and retry/poll gating."""

from __future__ import annotations

import sys
import time
from typing import Callable, Optional, Tuple

from .. import RequestTimeoutError, SimStudioError

__all__ = ["CommandTimeoutError", "Deadline"]

# Reads (status, usage, job polls) get a share of the time left, so that a retry or a last
# poll still fits: half of it for a one-off read, a tenth while polling a job.
_READ_SHARE = 0.5
_POLL_SHARE = 0.1
_MAX_POLL_TIMEOUT = 10.0
# Keeps the wait's own end just before the command's, so its last poll is never refused.
_MARGIN = 0.05


class CommandTimeoutError(RequestTimeoutError):
    """The command's ``--timeout`` ran out (code ``TIMEOUT``, exit code 4)."""


class Deadline:
    """The time a command has left, counted from ``--timeout SECONDS`` at start-up.

    Every client call of the command takes its timeout from here, and the client's ``sleep``
    (retry backoff, job polls) is :meth:`sleep`, which refuses to start another request that
    could not finish in time. Without a limit every method gives the defaults back.

    Args:
        limit: The whole command's limit in seconds, or ``None`` for none.
        clock: Monotonic seconds (tests inject a fake).
        sleep: Replaces ``time.sleep`` (tests inject a fake).
    """

    def __init__(
        self,
        limit: Optional[float],
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.limit = limit
        self._clock = clock
        self._sleep = sleep
        self._ends = None if limit is None else clock() + limit
        self._attempt = 0.0  # the longest a read of the command's client may take

    def remaining(self) -> Optional[float]:
        """Seconds left (never negative), or ``None`` without a limit."""
        if self._ends is None:
            return None
        return max(0.0, self._ends - self._clock())

    def call_timeout(self, default: float) -> float:
        """The timeout of a call made once (execute, stream): the time left, or ``default``.

        Raises:
            CommandTimeoutError: No time is left.
        """
        return default if self._ends is None else self._left("before the request was sent")

    def call_deadline(self) -> Optional[float]:
        """The limit of a call with a deadline of its own (a stream): the time left, or ``None``.

        Raises:
            CommandTimeoutError: No time is left.
        """
        return None if self._ends is None else self._left("before the request was sent")

    def read_timeout(self, default: float, polling: bool = False) -> float:
        """The per-request timeout of the command's client, used by its reads.

        Args:
            default: The timeout without a limit.
            polling: The command waits for a job (many short reads, not one).
        """
        if self._ends is None:
            return default
        left = self._left("before the request was sent")
        share = min(_MAX_POLL_TIMEOUT, left * _POLL_SHARE) if polling else left * _READ_SHARE
        self._attempt = min(default, share)
        return self._attempt

    def wait_timeout(self, requested: float) -> Tuple[float, bool]:
        """How long a job wait may last (it ends with room for its last poll).

        Returns:
            ``(seconds, limited)``: ``limited`` says the command's limit, not ``requested``,
            is what ends the wait.
        """
        if self._ends is None:
            return requested, False
        budget = self._left("before the wait began") - self._attempt - _MARGIN
        if budget <= 0:
            raise self.error("no time left to wait for the job")
        return min(requested, budget), budget < requested

    def sleep(self, seconds: float) -> None:
        """The client's ``sleep``: waits only if the request that follows can still finish.

        Raises:
            CommandTimeoutError: The retry or poll after this pause would end past the limit.
        """
        if self._ends is not None and self._clock() + seconds + self._attempt > self._ends:
            # Called from the SDK's retry loop, the error being retried is the one handled now.
            handled = sys.exc_info()[1]
            if isinstance(handled, SimStudioError):
                raise self.error(f"no time for another try after: {handled}")
            raise self.error("no time for another request")
        self._sleep(seconds)

    def error(self, detail: str) -> CommandTimeoutError:
        """A :class:`CommandTimeoutError` saying that ``--timeout`` ran out, and why."""
        return CommandTimeoutError(f"--timeout {self.limit:g}s reached: {detail}")

    def _left(self, when: str) -> float:
        assert self._ends is not None
        left = self._ends - self._clock()
        if left <= 0:
            raise self.error(when)
        # Hundredths: error messages then say "within 0.5s", not "within 0.499692s".
        return max(0.01, round(left, 2))

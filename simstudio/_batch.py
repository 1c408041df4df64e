"""The batch engine: bounded concurrent calls paced to the server's rate limit, results in order."""

from __future__ import annotations

import logging
import math
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import (
    Any,
    Callable,
    Iterable,
    List,
    Literal,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    Union,
)

from ._errors import InvalidArgumentError, RateLimitError, SimStudioError
from .types._wire import float_or_none
from .types.batch import BatchItem, BatchResult
from .types.usage import UsageLimits
from .types.workflows import AsyncExecutionResult, WorkflowExecutionResult

ExecuteResult = Union[WorkflowExecutionResult, AsyncExecutionResult]

__all__ = ["RatePacer", "run_batch"]

logger = logging.getLogger("simstudio")

# Pace a little under the advertised rate: clocks and bucket refills never line up exactly,
# and one 429 costs a whole Retry-After second.
_SAFETY = 0.97
_FALLBACK_WAIT = 1.0
# A server asking a batch to pause longer than this fails the item (with its retry_after)
# instead of stalling every worker for an hour.
MAX_HOLD_SECONDS = 60.0


class RatePacer:
    """Spaces out request starts across threads.

    A client-side token bucket mirrors the server's (``per_minute`` with ``burst``), and a
    shared "not before" time holds every worker back after a 429 or an exhausted bucket.
    """

    def __init__(
        self,
        per_minute: Optional[float],
        burst: int,
        clock: Callable[[], float],
        sleep: Callable[[float], None],
    ) -> None:
        self._interval = 60.0 / (per_minute * _SAFETY) if per_minute else 0.0
        # Leave half of the server's burst unused: it absorbs scheduling jitter between
        # workers, so a request that arrives a little early still finds a token.
        self._capacity = float(max(1, burst - burst // 2))
        self._tokens = self._capacity
        self._clock = clock
        self._sleep = sleep
        self._last = clock()
        self._not_before = 0.0
        self._lock = threading.Lock()

    def acquire(self) -> None:
        """Block until this thread may send its next request."""
        with self._lock:
            now = self._clock()
            start = now
            if self._interval:
                self._tokens = min(
                    self._capacity, self._tokens + (now - self._last) / self._interval
                )
                self._last = now
                if self._tokens < 1.0:
                    start = now + (1.0 - self._tokens) * self._interval
                self._tokens -= 1.0  # below zero: a slot reserved in the future
            start = max(start, self._not_before)
        if start > now:
            self._sleep(start - now)

    def hold(self, seconds: float) -> None:
        """Make every worker wait ``seconds`` from now (server said so)."""
        with self._lock:
            self._not_before = max(self._not_before, self._clock() + seconds)
            self._tokens = min(self._tokens, 0.0)


def _hold_for(error: SimStudioError, waits: int) -> float:
    """How long every worker pauses after ``error``: the server's ``Retry-After``, else a
    growing fallback for overload answers that name no delay."""
    if error.retry_after is not None:
        return error.retry_after
    if isinstance(error, RateLimitError):
        return _FALLBACK_WAIT
    return _FALLBACK_WAIT * (waits + 1)


def _as_item(raw: Union[BatchItem, Sequence[Any], Mapping[str, Any]]) -> BatchItem:
    if isinstance(raw, BatchItem):
        return raw
    if isinstance(raw, Mapping) and isinstance(raw.get("workflow_id"), str):
        return BatchItem(raw["workflow_id"], raw.get("input_data"))
    if isinstance(raw, (tuple, list)) and 1 <= len(raw) <= 2 and isinstance(raw[0], str):
        return BatchItem(raw[0], raw[1] if len(raw) == 2 else None)
    raise InvalidArgumentError(
        "batch items must be BatchItem, (workflow_id, input_data) or "
        "{'workflow_id': ..., 'input_data': ...}",
        "INVALID_INPUT",
    )


def _pace(
    usage_limits: Callable[[], UsageLimits], requests_per_minute: Union[float, str, None]
) -> Tuple[Optional[float], int]:
    """``(requests per minute or None, burst)`` to pace a batch at."""
    if requests_per_minute != "auto":
        per_minute = float(requests_per_minute) if requests_per_minute is not None else None
        return per_minute, 1
    try:
        bucket = usage_limits().rate_limit.get("sync", {})
    except SimStudioError as error:
        logger.debug("execute_batch: no usage limits (%s); pacing from 429s only", error.code)
        return None, 1
    per_minute = float_or_none(bucket.get("requestsPerMinute") or bucket.get("limit"))
    burst = float_or_none(bucket.get("maxBurst"))
    if per_minute is None or not math.isfinite(per_minute) or per_minute <= 0:
        return None, 1  # unknown or unlimited: pace from 429 answers alone
    usable_burst = int(burst) if burst is not None and math.isfinite(burst) and burst >= 1 else 1
    return per_minute, usable_burst


def run_batch(
    execute: Callable[[BatchItem], ExecuteResult],
    usage_limits: Callable[[], UsageLimits],
    items: Iterable[Union[BatchItem, Sequence[Any], Mapping[str, Any]]],
    *,
    clock: Callable[[], float],
    sleep: Callable[[float], None],
    max_workers: int,
    requests_per_minute: Union[float, Literal["auto"], None],
    max_rate_limit_waits: int,
    on_progress: Optional[Callable[[BatchResult, int, int], None]],
) -> List[BatchResult]:
    """Run ``execute`` over ``items`` with ``max_workers`` threads, paced to the rate limit;
    see ``SimStudioClient.execute_batch``."""
    batch = [_as_item(raw) for raw in items]
    if max_workers < 1:
        raise InvalidArgumentError("max_workers must be at least 1", "INVALID_INPUT")
    if not batch:
        return []  # before _pace: an empty batch needs no usage-limits request
    per_minute, burst = _pace(usage_limits, requests_per_minute)
    pacer = RatePacer(per_minute, burst, clock, sleep)
    progress_lock = threading.Lock()
    done = [0]

    def run_one(index: int) -> BatchResult:
        outcome = BatchResult(index, batch[index])
        waits = 0
        while True:
            pacer.acquire()
            outcome.attempts += 1
            try:
                outcome.result = execute(outcome.item)
                break
            except SimStudioError as error:
                wait = _hold_for(error, waits)
                # 429 and overload answers prove the run never started: safe to send again,
                # unless the server asks for a pause too long to hold a whole batch for.
                if not error.retryable or waits >= max_rate_limit_waits or wait > MAX_HOLD_SECONDS:
                    outcome.error = error
                    break
                waits += 1
                logger.debug("execute_batch: item %d held back %.2fs (%s)", index, wait, error.code)
                pacer.hold(wait)
        with progress_lock:
            done[0] += 1
            if on_progress is not None:
                on_progress(outcome, done[0], len(batch))
        return outcome

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=min(max_workers, len(batch))) as pool:
        results = list(pool.map(run_one, range(len(batch))))
    logger.debug("execute_batch: %d items in %.2fs", len(batch), time.perf_counter() - started)
    return results

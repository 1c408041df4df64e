"""BaseClient: configuration, the send path, retries and rate-limit state shared by all calls."""

from __future__ import annotations

import logging
import random as _random
import threading
import time
from typing import TYPE_CHECKING, Any, Callable, Dict, Mapping, Optional, Tuple, TypeVar

from ._config import DEFAULT_MAX_RETRIES, ClientConfig, Timeout, resolve_timeout
from ._errors import ConfigurationError, SimStudioError
from ._models import RateLimitInfo
from ._ratelimit import RATE_LIMIT_HEADERS, rate_limit_info_from_headers
from ._responses import Answer, decode_json, error_from_answer
from ._retry import RetryPolicy, compute_delay
from ._transport import HTTPTransport, request_headers

if TYPE_CHECKING:
    import requests
    from typing_extensions import Self

__all__ = ["BaseClient"]

logger = logging.getLogger("simstudio")

T = TypeVar("T")

# Idempotent reads retry these statuses; executes only retry what proves nothing ran.
_READ_RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


class BaseClient:
    """The plumbing of :class:`SimStudioClient`: configuration, the send path, retries and
    rate-limit state. Its constructor arguments are documented on :class:`SimStudioClient`."""

    def __init__(
        self,
        api_key: Optional[str] = None,
        base_url: Optional[str] = None,
        *,
        timeout: Optional[Timeout] = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        session: Optional[requests.Session] = None,
        sleep: Optional[Callable[[float], None]] = None,
        random: Optional[Callable[[], float]] = None,
        clock: Optional[Callable[[], float]] = None,
    ) -> None:
        self._config = ClientConfig.create(api_key, base_url, timeout, max_retries)
        self._transport = HTTPTransport(session)
        self._lock = threading.Lock()
        self._rate_limit_info: Optional[RateLimitInfo] = None
        self._rate_limit_pending: Optional[Tuple[Mapping[str, str], float]] = None
        self._closed = False
        self._sleep = sleep if sleep is not None else time.sleep
        self._random = random if random is not None else _random.random
        self._clock = clock if clock is not None else time.monotonic
        # Wall-clock "now" for Retry-After dates; follows an injected clock's progress.
        self._clock_origin = (time.time(), self._clock())

    def _wall_clock(self) -> float:
        """Epoch seconds, advancing with the (possibly injected) monotonic clock."""
        wall, mono = self._clock_origin
        return wall + (self._clock() - mono)

    # ----------------------------------------------------------------- configuration

    @property
    def base_url(self) -> str:
        """The server this client talks to (normalised, without a trailing slash)."""
        return self._config.base_url

    def set_api_key(self, api_key: str) -> None:
        """Use another API key for the following calls."""
        with self._lock:
            self._config = self._config.with_api_key(api_key)

    def set_base_url(self, base_url: str) -> None:
        """Talk to another server for the following calls (validated and normalised)."""
        with self._lock:
            self._config = self._config.with_base_url(base_url)

    def close(self) -> None:
        """Release pooled connections. An injected session is left open for its owner."""
        self._closed = True
        self._transport.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"SimStudioClient(base_url={self._config.base_url!r})"

    # ----------------------------------------------------------------- sending

    def _send(
        self,
        method: str,
        path: str,
        *,
        what: str,
        body: Optional[bytes] = None,
        headers: Optional[Mapping[str, str]] = None,
        timeout: Optional[Timeout] = None,
    ) -> Answer:
        """One HTTP exchange, read whole; rate-limit headers recorded."""
        self._check_open()
        url, sent_headers, timeouts = self._outgoing(path, body, headers, timeout)
        response = self._transport.send(
            method, url, headers=sent_headers, body=body, timeout=timeouts, what=what
        )
        answer = self._transport.read(response, what, timeouts)
        self._record_rate_limit(answer.headers)
        return answer

    def _outgoing(
        self,
        path: str,
        body: Optional[bytes],
        headers: Optional[Mapping[str, str]],
        timeout: Optional[Timeout],
    ) -> Tuple[str, Dict[str, str], Tuple[float, float]]:
        """URL, headers and ``(connect, read)`` timeouts of a call, from one configuration."""
        config = self._config
        sent_headers = request_headers(config.api_key, config.user_agent, headers)
        if body is not None:
            sent_headers["Content-Type"] = "application/json"
        return config.base_url + path, sent_headers, resolve_timeout(timeout, config.timeout)

    def _json_or_raise(self, answer: Answer, what: str) -> Any:
        """The JSON of a successful answer; an error answer raised as its SimStudioError."""
        if answer.status >= 400:
            raise error_from_answer(answer, self._wall_clock(), what)
        return decode_json(answer)

    def _check_open(self) -> None:
        if self._closed:
            raise ConfigurationError("This SimStudioClient is closed", "CLIENT_CLOSED")

    def _record_rate_limit(self, headers: Mapping[str, str]) -> None:
        # Every answer passes here but few callers ever ask: keep the headers, parse on demand.
        if not any(name in headers for name in RATE_LIMIT_HEADERS):
            return
        now = self._wall_clock()
        with self._lock:
            if self._rate_limit_pending is not None and "X-RateLimit-Limit" not in headers:
                self._parse_rate_limit()  # this answer borrows the previous one's limit
            self._rate_limit_pending = (headers, now)

    def _parse_rate_limit(self) -> None:
        """Turn the pending headers into ``_rate_limit_info`` (call with the lock held)."""
        pending, self._rate_limit_pending = self._rate_limit_pending, None
        if pending is not None:
            info = rate_limit_info_from_headers(pending[0], pending[1], self._rate_limit_info)
            if info is not None:
                self._rate_limit_info = info

    def _retrying(
        self,
        operation: Callable[[], T],
        policy: RetryPolicy,
        should_retry: Callable[[SimStudioError], bool],
        what: str,
    ) -> T:
        """Run ``operation``, retrying per ``policy`` while ``should_retry`` allows."""
        for retry_number in range(policy.max_retries + 1):
            try:
                return operation()
            except SimStudioError as error:
                if retry_number >= policy.max_retries or not should_retry(error):
                    raise
                delay = compute_delay(policy, retry_number, error.retry_after, self._random)
                if delay is None:
                    logger.debug(
                        "%s: server asked to wait %.0fs, longer than max_delay; giving up",
                        what,
                        error.retry_after or 0.0,
                    )
                    raise
                logger.debug(
                    "%s: %s; retry %d/%d in %.2fs",
                    what,
                    error.code,
                    retry_number + 1,
                    policy.max_retries,
                    delay,
                )
                self._sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    def _get_json(self, path: str, what: str, timeout: Optional[Timeout] = None) -> Any:
        """An idempotent GET, retried on connection errors, 429 and 5xx."""
        return self._idempotent_json("GET", path, what, None, timeout)

    def _post_json(self, path: str, what: str, body: bytes) -> Any:
        """An idempotent POST (e.g. cancel), retried like a GET."""
        return self._idempotent_json("POST", path, what, body, None)

    def _idempotent_json(
        self, method: str, path: str, what: str, body: Optional[bytes], timeout: Optional[Timeout]
    ) -> Any:
        def attempt() -> Any:
            answer = self._send(method, path, what=what, body=body, timeout=timeout)
            return self._json_or_raise(answer, what)

        policy = RetryPolicy(max_retries=self._config.max_retries, initial_delay=0.5, max_delay=8.0)
        return self._retrying(attempt, policy, _read_should_retry, what)

    def get_rate_limit_info(self) -> Optional[RateLimitInfo]:
        """The rate-limit headers of the most recent answer that had any, or ``None``."""
        with self._lock:
            self._parse_rate_limit()
            return self._rate_limit_info


def _read_should_retry(error: SimStudioError) -> bool:
    if error.status is None:
        return error.code in ("TIMEOUT", "CONNECTION_ERROR")
    return error.status in _READ_RETRY_STATUSES

"""Requester: the one send path every resource shares -- URL, headers and timeouts of a call,
retries by policy, error mapping, and the rate-limit state of the last answer."""

from __future__ import annotations

import logging
import random as _random
import threading
import time
from dataclasses import dataclass, replace
from typing import Any, Callable, Dict, Mapping, Optional, Sequence, Tuple, TypeVar

from ._config import ClientConfig, Timeout, resolve_timeout
from ._errors import ConfigurationError, InvalidArgumentError, SimStudioError
from ._inputs import encode_json, query_string
from ._logging import log_answer, log_request, redact
from ._ratelimit import RATE_LIMIT_HEADERS, rate_limit_info_from_headers
from ._responses import Answer, error_from_answer
from ._retry import RetryPolicy, read_should_retry, retrying, safe_should_retry
from ._transport import HTTPTransport, request_headers
from .types.usage import RateLimitInfo

__all__ = ["ClientState", "RequestOptions", "Requester"]

logger = logging.getLogger("simstudio")

T = TypeVar("T")

JSON = "application/json"
_NOTHING: Any = object()

# How a call may be repeated: "read" (idempotent: connection errors, 408, 429, 5xx), "safe"
# (only what proves the server did nothing), "never" (executes: a second run costs money).
RETRY_RULES: Dict[str, Optional[Callable[[SimStudioError], bool]]] = {
    "read": read_should_retry,
    "safe": safe_should_retry,
    "never": None,
}


@dataclass(frozen=True)
class RequestOptions:
    """The defaults of one client view; ``with_options`` makes a copy with others."""

    timeout: Tuple[float, float]
    retry: RetryPolicy
    headers: Mapping[str, str]


class ClientState:
    """What a client and all its ``with_options`` copies share: configuration, connections,
    the last rate-limit headers, the closed flag, injected clocks, and per-server facts."""

    def __init__(
        self,
        config: ClientConfig,
        transport: HTTPTransport,
        *,
        sleep: Optional[Callable[[float], None]] = None,
        random: Optional[Callable[[], float]] = None,
        clock: Optional[Callable[[], float]] = None,
    ) -> None:
        self.config = config
        self.transport = transport
        self.lock = threading.Lock()
        self.closed = False
        self.sleep = sleep if sleep is not None else time.sleep
        self.random = random if random is not None else _random.random
        self.clock = clock if clock is not None else time.monotonic
        # Wall-clock "now" for Retry-After dates; follows an injected clock's progress.
        self._clock_origin = (time.time(), self.clock())
        self._rate_limit_info: Optional[RateLimitInfo] = None
        self._rate_limit_pending: Optional[Tuple[Mapping[str, str], float]] = None
        # Facts learnt about the server (API versions, the key's workspace), keyed per
        # (base_url, key) so that set_base_url / set_api_key start afresh.
        self.facts: Dict[Tuple[str, str, str], Any] = {}

    def wall_clock(self) -> float:
        """Epoch seconds, advancing with the (possibly injected) monotonic clock."""
        wall, mono = self._clock_origin
        return wall + (self.clock() - mono)

    def record_rate_limit(self, headers: Mapping[str, str]) -> None:
        """Keep an answer's rate-limit headers (parsed only when someone asks)."""
        # Sim sends X-RateLimit-Limit with every answer of a limited route: one lookup, mostly.
        has_limit = "X-RateLimit-Limit" in headers
        if not has_limit and not any(name in headers for name in RATE_LIMIT_HEADERS):
            return
        now = self.wall_clock()
        with self.lock:
            if not has_limit and self._rate_limit_pending is not None:
                self._parse_rate_limit()  # this answer borrows the previous one's limit
            self._rate_limit_pending = (headers, now)

    def rate_limit_info(self) -> Optional[RateLimitInfo]:
        """The rate-limit headers of the most recent answer that had any."""
        with self.lock:
            self._parse_rate_limit()
            return self._rate_limit_info

    def _parse_rate_limit(self) -> None:
        pending, self._rate_limit_pending = self._rate_limit_pending, None
        if pending is not None:
            info = rate_limit_info_from_headers(pending[0], pending[1], self._rate_limit_info)
            if info is not None:
                self._rate_limit_info = info

    def fact(self, name: str, compute: Callable[[], T]) -> T:
        """A fact about the current server and key, computed once."""
        config = self.config
        key = (config.base_url, config.api_key, name)
        if key not in self.facts:
            self.facts[key] = compute()
        value: T = self.facts[key]
        return value


class Requester:
    """Sends requests for the resources of one client view (its options) over shared state."""

    def __init__(self, state: ClientState, options: RequestOptions) -> None:
        self.state = state
        self.options = options
        self.closed = False  # this view only; closing the owning client closes the state

    def with_options(self, **changes: Any) -> Requester:
        """A requester over the same state with some defaults replaced."""
        return Requester(self.state, replace(self.options, **changes))

    @property
    def config(self) -> ClientConfig:
        """The shared configuration (key, base URL, workspace...)."""
        return self.state.config

    def check_open(self) -> None:
        """Refuse to send on a closed client."""
        if self.closed or self.state.closed:
            raise ConfigurationError("This SimStudioClient is closed", "CLIENT_CLOSED")

    def prepare(
        self,
        path: str,
        *,
        content_type: Optional[str] = None,
        headers: Optional[Mapping[str, str]] = None,
        timeout: Optional[Timeout] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> Tuple[str, Dict[str, str], Tuple[float, float]]:
        """URL, headers and ``(connect, read)`` timeouts of a call."""
        config = self.state.config
        options = self.options
        sent = request_headers(config.api_key, config.user_agent, options.headers)
        if extra_headers:
            sent.update(check_headers(extra_headers))
        if headers:
            sent.update(headers)
        if content_type is not None:
            sent["Content-Type"] = content_type
        return config.base_url + path, sent, resolve_timeout(timeout, options.timeout)

    def send(
        self,
        method: str,
        path: str,
        *,
        what: str,
        body: Optional[bytes] = None,
        content_type: Optional[str] = None,
        headers: Optional[Mapping[str, str]] = None,
        timeout: Optional[Timeout] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
        secrets: Sequence[str] = (),
    ) -> Answer:
        """One HTTP exchange, read whole; its status is not judged here.

        ``secrets`` (e.g. write-only header values in the body) are blanked out of the DEBUG
        log lines, like the API key.
        """
        self.check_open()
        if body is not None and content_type is None:
            content_type = JSON
        url, sent, timeouts = self.prepare(
            path,
            content_type=content_type,
            headers=headers,
            timeout=timeout,
            extra_headers=extra_headers,
        )
        state = self.state
        # Logging off (the common case) costs one cached level check per call.
        logging_on = logger.isEnabledFor(logging.INFO)
        debug = logging_on and logger.isEnabledFor(logging.DEBUG)
        hidden = (sent["X-API-Key"], *secrets)
        if debug:
            log_request(method, path, sent, body, hidden)
        started = time.perf_counter() if logging_on else 0.0
        transport = state.transport
        response = transport.send(method, url, headers=sent, body=body, timeout=timeouts, what=what)
        answer = transport.read(response, what, timeouts)
        state.record_rate_limit(answer.headers)
        if logging_on:
            _log_exchange(method, path, answer, started, sent["X-API-Key"])
            if debug:
                log_answer(answer.status, answer.headers, answer.content, hidden)
        return answer

    def request(
        self,
        method: str,
        path: str,
        *,
        what: str,
        query: Optional[Mapping[str, Any]] = None,
        json: Any = _NOTHING,
        body: Optional[bytes] = None,
        content_type: Optional[str] = None,
        headers: Optional[Mapping[str, str]] = None,
        timeout: Optional[Timeout] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
        retry: str = "read",
        secrets: Sequence[str] = (),
    ) -> Answer:
        """A call whose error answers raise; retried per the client's policy and ``retry``."""
        if json is not _NOTHING:
            body = encode_json(json)
        full_path = path + query_string(query)

        def attempt() -> Answer:
            answer = self.send(
                method,
                full_path,
                what=what,
                body=body,
                content_type=content_type,
                headers=headers,
                timeout=timeout,
                extra_headers=extra_headers,
                secrets=secrets,
            )
            if answer.status >= 400:
                raise self.error_for(answer, what, f"{method} {path}")
            return answer

        return self.retrying(attempt, RETRY_RULES[retry], what)

    def retrying(
        self,
        operation: Callable[[], T],
        should_retry: Optional[Callable[[SimStudioError], bool]],
        what: str,
        policy: Optional[RetryPolicy] = None,
    ) -> T:
        """Run ``operation`` with the client's retry policy (or ``policy``)."""
        if should_retry is None:
            return operation()
        state = self.state
        return retrying(
            operation,
            policy if policy is not None else self.options.retry,
            should_retry,
            what=what,
            sleep=state.sleep,
            random=state.random,
        )

    def error_for(self, answer: Answer, what: str, request_line: str) -> SimStudioError:
        """The :class:`SimStudioError` for an error answer."""
        base_path = self.state.config.base_url.split("/", 3)[3:]
        prefix = f"/{base_path[0]}" if base_path else ""
        method, _, path = request_line.partition(" ")
        return error_from_answer(answer, self.state.wall_clock(), what, f"{method} {prefix}{path}")


def _log_exchange(method: str, path: str, answer: Answer, started: float, secret: str) -> None:
    """INFO: one line per answered request (never the key, never a body or query string)."""
    logger.info(
        "%s %s -> %d in %.1f ms (request id %s)",
        method,
        redact(path.split("?", 1)[0], secret),
        answer.status,
        (time.perf_counter() - started) * 1000.0,
        answer.request_id or "-",
    )


def check_headers(headers: Mapping[str, str]) -> Dict[str, str]:
    """Validate headers a caller adds: never the API key, only header-safe text."""
    checked: Dict[str, str] = {}
    for name, value in headers.items():
        if not isinstance(name, str) or not isinstance(value, str):
            raise InvalidArgumentError("header names and values must be strings")
        if name.strip().lower() == "x-api-key":
            raise InvalidArgumentError(
                "X-API-Key cannot be set as a header: pass api_key= or use set_api_key()"
            )
        if any(ch in name + value for ch in "\r\n\0") or not name.strip():
            raise InvalidArgumentError(f"header {name!r} has characters a header cannot carry")
        checked[name] = value
    return checked

"""429 storms: every Retry-After form, capped waits, and a real token bucket."""

from __future__ import annotations

import time
from email.utils import formatdate
from typing import Any, Callable, Dict, Optional

import pytest
from fault_helpers import SECRET, Audit, RecordingSleep, assert_readable

from simstudio import RateLimitError, SimStudioClient
from simstudio.testing import Fault, LocalSimServer, RateLimit

MakeClient = Callable[..., SimStudioClient]
RATE_LIMITED = {"error": "Rate limit exceeded", "message": "Too many requests"}


def _storm(
    server: LocalSimServer,
    retry_after: Optional[str],
    times: Optional[int] = 2,
    body: Optional[Dict[str, Any]] = None,
) -> None:
    headers = {"Retry-After": retry_after} if retry_after is not None else None
    fault = Fault(status=429, body=body or RATE_LIMITED, headers=headers)
    server.inject(fault, workflow_id="echo", times=times)


def test_retry_after_seconds_is_waited_exactly_then_the_call_succeeds(
    server: LocalSimServer, make_client: MakeClient
) -> None:
    _storm(server, "2")
    sleep = RecordingSleep()
    client = make_client(server.base_url, sleep=sleep, random=lambda: 0.0)
    result = client.execute_with_retry("echo", {"a": 1})
    assert result.success is True
    assert sleep.waits == [2.0, 2.0]
    assert len(server.requests) == 3
    assert server.executions("echo") == 1  # the 429s never ran anything


def test_retry_after_jitter_only_lengthens_the_wait(
    server: LocalSimServer, make_client: MakeClient
) -> None:
    _storm(server, "2")
    sleep = RecordingSleep()
    client = make_client(server.base_url, sleep=sleep, random=lambda: 0.999)
    client.execute_with_retry("echo", {"a": 1})
    assert len(sleep.waits) == 2
    assert all(2.0 <= wait <= 2.5 for wait in sleep.waits), sleep.waits
    assert len(server.requests) == 3


def test_retry_after_http_date(server: LocalSimServer, make_client: MakeClient) -> None:
    _storm(server, formatdate(time.time() + 5, usegmt=True))
    sleep = RecordingSleep()
    client = make_client(server.base_url, sleep=sleep, random=lambda: 0.0)
    client.execute_with_retry("echo", {"a": 1})
    assert len(sleep.waits) == 2
    assert all(3.0 <= wait <= 5.0 for wait in sleep.waits), sleep.waits
    assert len(server.requests) == 3
    assert server.executions("echo") == 1


@pytest.mark.parametrize("header", ["soon", "-5", "NaN", "inf", "1e400", "", "Thu, 99 Foo 2026"])
def test_malformed_retry_after_falls_back_to_backoff(
    header: str, server: LocalSimServer, make_client: MakeClient
) -> None:
    _storm(server, header)
    sleep = RecordingSleep()
    client = make_client(server.base_url, sleep=sleep)
    assert client.execute_with_retry("echo", {"a": 1}).success is True
    assert sleep.waits == [1.0, 2.0]
    assert len(server.requests) == 3
    assert server.executions("echo") == 1


def test_no_retry_after_backs_off_exponentially(
    server: LocalSimServer, make_client: MakeClient
) -> None:
    _storm(server, None, times=3)
    sleep = RecordingSleep()
    client = make_client(server.base_url, sleep=sleep)
    client.execute_with_retry("echo", {"a": 1}, initial_delay=0.5, backoff_multiplier=3.0)
    assert sleep.waits == [0.5, 1.5, 4.5]
    assert len(server.requests) == 4


def test_retry_after_from_the_body(server: LocalSimServer, make_client: MakeClient) -> None:
    _storm(server, None, times=1, body={"error": "Rate limit exceeded", "retryAfterSeconds": 3})
    sleep = RecordingSleep()
    client = make_client(server.base_url, sleep=sleep, random=lambda: 0.0)
    client.execute_with_retry("echo", {"a": 1})
    assert sleep.waits == [3.0]
    assert len(server.requests) == 2


@pytest.mark.parametrize(
    "header", ["3600", "86400000", "Fri, 31 Dec 2099 23:59:59 GMT"], ids=["hour", "1000d", "2099"]
)
def test_very_long_retry_after_is_raised_at_once_not_slept(
    header: str, server: LocalSimServer, make_client: MakeClient, audit: Audit
) -> None:
    _storm(server, header, times=None)
    sleep = RecordingSleep()
    client = make_client(server.base_url, sleep=sleep)
    started = time.monotonic()
    error = audit.expect(RateLimitError, client.execute_with_retry, "echo", {"a": 1})
    assert time.monotonic() - started < 2.0
    assert sleep.waits == []
    assert error.status == 429
    assert error.code == "RATE_LIMIT_EXCEEDED"
    assert error.retry_after is not None
    assert error.retry_after >= 3600
    assert error.retryable is True
    assert_readable(error, "HTTP 429", "Rate limit exceeded", "retry after")
    assert len(server.requests) == 1
    # The idempotent reads cap their waits too (max 8 s).
    server.inject(Fault(status=429, body=RATE_LIMITED, headers={"Retry-After": header}))
    read_error = audit.expect(RateLimitError, client.get_workflow_status, "echo")
    assert read_error.retry_after is not None
    assert read_error.retry_after >= 3600
    assert sleep.waits == []


def test_max_delay_decides_between_waiting_and_raising(
    server: LocalSimServer, make_client: MakeClient, audit: Audit
) -> None:
    _storm(server, "45", times=None)
    sleep = RecordingSleep()
    client = make_client(server.base_url, sleep=sleep, random=lambda: 0.0)
    error = audit.expect(RateLimitError, client.execute_with_retry, "echo", max_delay=30.0)
    assert error.retry_after == 45.0
    assert sleep.waits == []
    audit.expect(RateLimitError, client.execute_with_retry, "echo", max_delay=60.0, max_retries=2)
    assert sleep.waits == [45.0, 45.0]
    assert len(server.requests) == 1 + 3
    assert server.executions() == 0


def test_endless_storm_gives_up_after_max_retries(
    server: LocalSimServer, make_client: MakeClient, audit: Audit
) -> None:
    _storm(server, "1", times=None)
    sleep = RecordingSleep()
    client = make_client(server.base_url, sleep=sleep, random=lambda: 0.0)
    error = audit.expect(RateLimitError, client.execute_with_retry, "echo", {"a": 1}, max_retries=3)
    assert error.retry_after == 1.0
    assert sleep.waits == [1.0, 1.0, 1.0]
    assert len(server.requests) == 4
    assert server.executions() == 0


def test_token_bucket_429_carries_headers_and_never_runs(
    sim_server_factory: Callable[..., LocalSimServer], make_client: MakeClient, audit: Audit
) -> None:
    server = sim_server_factory(api_key=SECRET, rate_limit=RateLimit(per_minute=6, burst=2))
    sleep = RecordingSleep()
    client = make_client(server.base_url, sleep=sleep)
    client.execute_workflow("echo", {"n": 1})
    client.execute_workflow("echo", {"n": 2})
    error = audit.expect(RateLimitError, client.execute_workflow, "echo", {"n": 3})
    assert error.retry_after is not None
    assert 1 <= error.retry_after <= 10
    info = client.get_rate_limit_info()
    assert info is not None
    assert info.remaining == 0
    # Retrying with a fake sleep cannot refill a real bucket: the storm is surfaced, not hidden.
    audit.expect(RateLimitError, client.execute_with_retry, "echo", {"n": 4}, max_retries=2)
    assert len(sleep.waits) == 2
    assert all(wait >= 1 for wait in sleep.waits)
    assert server.executions("echo") == 2
    assert len(server.requests) == 6

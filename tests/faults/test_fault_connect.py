"""Reaching the server: refused connections, DNS failures, connect and read timeouts."""

from __future__ import annotations

import socket
import threading
from typing import Any, Callable, List

import pytest
from fault_helpers import Audit, RecordingSleep, assert_readable, wait_until

from simstudio import APIConnectionError, RequestTimeoutError, SimStudioClient
from simstudio.testing import Fault, LocalSimServer

MakeClient = Callable[..., SimStudioClient]
UNRESOLVABLE = "simstudio-fault-suite.invalid"  # RFC 6761: .invalid never resolves


@pytest.fixture
def unresolvable_host() -> str:
    """A ``.invalid`` host name, after checking the local resolver fails fast for it."""
    outcome: List[Any] = []

    def probe() -> None:
        try:
            outcome.append(socket.getaddrinfo(UNRESOLVABLE, 80))
        except OSError as exc:
            outcome.append(exc)

    worker = threading.Thread(target=probe, daemon=True)
    worker.start()
    worker.join(3.0)
    if not outcome:
        pytest.skip("the local resolver hangs on a .invalid name; cannot test DNS failure")
    if not isinstance(outcome[0], OSError):
        pytest.skip(f"the local resolver answers for {UNRESOLVABLE} (DNS hijacking)")
    return UNRESOLVABLE


# ----------------------------------------------------------------------------- refused


def test_refused_connection_is_a_retryable_connection_error(
    refused_port: int, make_client: MakeClient, audit: Audit
) -> None:
    client = make_client(f"http://127.0.0.1:{refused_port}")
    error = audit.expect(APIConnectionError, client.execute_workflow, "echo", {"a": 1})
    assert error.code == "CONNECTION_ERROR"
    assert error.status is None
    assert error.retryable is True  # nothing reached a server: re-sending is safe
    assert_readable(error, "execute_workflow('echo')", "could not connect")


def test_refused_connection_is_retried_with_backoff_then_raised(
    refused_port: int, make_client: MakeClient, audit: Audit
) -> None:
    sleep = RecordingSleep()
    client = make_client(f"http://127.0.0.1:{refused_port}", sleep=sleep, max_retries=2)
    error = audit.expect(APIConnectionError, client.execute_with_retry, "echo", max_retries=2)
    assert error.code == "CONNECTION_ERROR"
    assert sleep.waits == [1.0, 2.0]  # initial_delay * 2**n, neutral jitter
    read_error = audit.expect(APIConnectionError, client.get_workflow_status, "echo")
    assert read_error.retryable is True
    assert sleep.waits == [1.0, 2.0, 0.5, 1.0]  # the status read's own 2 retries


# ----------------------------------------------------------------------------- DNS


def test_dns_failure_is_a_readable_connection_error_without_traffic(
    unresolvable_host: str,
    make_client: MakeClient,
    audit: Audit,
    network_guard: List[Any],
) -> None:
    client = make_client(f"https://{unresolvable_host}", max_retries=0)
    error = audit.expect(APIConnectionError, client.get_workflow_status, "echo")
    assert error.code == "CONNECTION_ERROR"
    assert error.status is None
    assert error.retryable is True
    assert_readable(error, "get_workflow_status('echo')", "could not resolve the host name")
    assert network_guard == []  # no connect() to anything: the resolver alone said no


# ----------------------------------------------------------------------------- connect timeout


def test_connect_timeout_is_a_retryable_timeout(
    blackhole_port: int, make_client: MakeClient, audit: Audit
) -> None:
    client = make_client(f"http://127.0.0.1:{blackhole_port}", timeout=(0.15, 5.0))
    error = audit.expect(RequestTimeoutError, client.execute_workflow, "echo", {"a": 1})
    assert error.code == "TIMEOUT"
    assert error.status is None
    assert error.retryable is True  # the connection never opened, nothing was sent
    assert_readable(error, "execute_workflow('echo')", "within 0.15s")


def test_connect_timeout_is_retried_by_execute_with_retry(
    blackhole_port: int, make_client: MakeClient, audit: Audit
) -> None:
    sleep = RecordingSleep()
    client = make_client(f"http://127.0.0.1:{blackhole_port}", timeout=(0.1, 5.0), sleep=sleep)
    error = audit.expect(RequestTimeoutError, client.execute_with_retry, "echo", max_retries=1)
    assert error.code == "TIMEOUT"
    assert sleep.waits == [1.0]


# ----------------------------------------------------------------------------- read timeout


def test_read_timeout_on_execute_is_raised_not_resent(
    server: LocalSimServer, make_client: MakeClient, audit: Audit
) -> None:
    server.inject(Fault(latency=5.0), workflow_id="echo")
    sleep = RecordingSleep()
    client = make_client(server.base_url, timeout=0.25, sleep=sleep)
    error = audit.expect(RequestTimeoutError, client.execute_workflow, "echo", {"a": 1})
    assert error.code == "TIMEOUT"
    assert error.status is None
    assert error.retryable is False  # the server has the request; it may run it
    assert_readable(error, "execute_workflow('echo')", "within 0.25s")
    retry_error = audit.expect(
        RequestTimeoutError, client.execute_with_retry, "echo", {"a": 2}, timeout=0.25
    )
    assert retry_error.code == "TIMEOUT"
    assert sleep.waits == []
    assert [r.json for r in server.requests] == [{"a": 1}, {"a": 2}]  # each sent exactly once


def test_read_timeout_after_the_run_started_never_double_executes(
    server: LocalSimServer, make_client: MakeClient, audit: Audit
) -> None:
    client = make_client(server.base_url, timeout=0.25)
    error = audit.expect(
        RequestTimeoutError, client.execute_with_retry, "slow", {"seconds": 30}, max_retries=5
    )
    assert error.code == "TIMEOUT"
    assert wait_until(lambda: server.executions("slow") == 1)
    assert len(server.requests) == 1
    assert server.executions("slow") == 1


def test_read_timeout_on_idempotent_read_is_retried(
    server: LocalSimServer, make_client: MakeClient, audit: Audit
) -> None:
    server.inject(Fault(latency=5.0), path="/api/workflows/echo/status")
    sleep = RecordingSleep()
    client = make_client(server.base_url, timeout=0.2, max_retries=1, sleep=sleep)
    error = audit.expect(RequestTimeoutError, client.get_workflow_status, "echo")
    assert error.code == "TIMEOUT"
    assert_readable(error, "get_workflow_status('echo')", "within 0.2s")
    assert sleep.waits == [0.5]
    assert [r.path for r in server.requests] == ["/api/workflows/echo/status"] * 2

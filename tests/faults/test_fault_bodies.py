"""Answers that are not what the API promises: proxy pages, empty, non-object, huge, echoing."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import tracemalloc
from typing import Any, Callable, Type

import pytest
import urllib3
from fault_helpers import SECRET, Audit, RecordingSleep, assert_readable, wait_until

from simstudio import (
    AuthenticationError,
    InvalidRequestError,
    InvalidResponseError,
    ServerError,
    ServiceUnavailableError,
    SimStudioClient,
    SimStudioError,
)
from simstudio.testing import Fault, LocalSimServer

MakeClient = Callable[..., SimStudioClient]
HTML = "<!DOCTYPE html><html><head><title>{0}</title></head><body><h1>{0}</h1></body></html>"


@pytest.mark.parametrize(
    ("status", "error_type", "code"),
    [(502, ServerError, "SERVER_ERROR"), (503, ServiceUnavailableError, "SERVICE_UNAVAILABLE")],
)
def test_html_page_from_a_proxy(
    status: int,
    error_type: Type[SimStudioError],
    code: str,
    server: LocalSimServer,
    make_client: MakeClient,
    audit: Audit,
) -> None:
    page = HTML.format(f"{status} Bad Gateway")
    server.inject(Fault(status=status, body=page, content_type="text/html"))
    sleep = RecordingSleep()
    client = make_client(server.base_url, sleep=sleep, max_retries=2)

    error = audit.expect(error_type, client.execute_with_retry, "echo", {"a": 1})
    assert error.status == status
    assert error.code == code
    assert error.retryable is False  # a proxy page does not prove the run did not start
    assert_readable(error, f"HTTP {status}", "an HTML page", "proxy or gateway")
    assert "<html" not in str(error)
    assert sleep.waits == []
    assert len(server.requests) == 1

    read_error = audit.expect(error_type, client.get_workflow_status, "echo")
    assert read_error.status == status
    assert sleep.waits == [0.5, 1.0]  # idempotent reads are retried on 502/503
    assert len(server.requests) == 4
    assert server.executions() == 0
    assert server.connections_opened == 1  # complete answers: the connection was reused


def test_overloaded_503_proves_nothing_ran_and_is_retried(
    server: LocalSimServer, make_client: MakeClient, audit: Audit
) -> None:
    overloaded = {"error": "Server is at capacity", "code": "SERVICE_OVERLOADED"}
    server.inject(Fault(status=503, body=overloaded), workflow_id="echo", times=2)
    sleep = RecordingSleep()
    client = make_client(server.base_url, sleep=sleep)
    result = client.execute_with_retry("echo", {"a": 1})
    assert result.success is True
    assert sleep.waits == [1.0, 2.0]
    assert len(server.requests) == 3
    assert server.executions("echo") == 1


def test_empty_body_with_200(server: LocalSimServer, make_client: MakeClient, audit: Audit) -> None:
    server.inject(Fault(status=200, body=b""))
    client = make_client(server.base_url)
    for call, args in (
        (client.execute_workflow, ("echo", {"a": 1})),
        (client.get_workflow_status, ("echo",)),
        (client.get_usage_limits, ()),
    ):
        error = audit.expect(InvalidResponseError, call, *args)
        assert error.status == 200
        assert error.code == "INVALID_RESPONSE"
        assert_readable(error, "HTTP 200", "empty body")
    assert len(server.requests) == 3
    assert server.executions() == 0


def test_plain_text_with_200_is_an_invalid_response(
    server: LocalSimServer, make_client: MakeClient, audit: Audit
) -> None:
    server.inject(Fault(status=200, body="OK", content_type="text/plain"))
    client = make_client(server.base_url)
    error = audit.expect(InvalidResponseError, client.execute_workflow, "echo")
    assert error.status == 200
    assert_readable(error, "HTTP 200", "'OK'", "instead of JSON")
    assert len(server.requests) == 1


@pytest.mark.parametrize("value", [[1, 2], "text", 42, None, True], ids=repr)
def test_json_that_is_not_an_object(
    value: Any, server: LocalSimServer, make_client: MakeClient, audit: Audit
) -> None:
    server.inject(Fault(status=200, body=json.dumps(value).encode()))
    client = make_client(server.base_url)
    status_error = audit.expect(InvalidResponseError, client.get_workflow_status, "echo")
    assert status_error.code == "INVALID_RESPONSE"
    assert_readable(status_error, "isDeployed")
    usage_error = audit.expect(InvalidResponseError, client.get_usage_limits)
    assert_readable(usage_error, "usage limits")
    # An execute answer that is not the envelope is a Response block's own body: kept as output.
    result = client.execute_workflow("echo", {"a": 1})
    assert result.success is True
    assert result.output == value
    assert result.http_status == 200
    assert len(server.requests) == 3


def test_huge_error_body_is_not_read_into_memory(
    server: LocalSimServer, make_client: MakeClient, audit: Audit
) -> None:
    size = 48 * 1024 * 1024
    server.inject(Fault(status=500, body_size=size), workflow_id="echo")
    client = make_client(server.base_url)
    error = audit.expect(ServerError, client.execute_workflow, "echo", {"a": 1})
    assert error.status == 500
    assert isinstance(error.body, str)
    assert len(error.body) <= 2000
    assert len(str(error)) < 700
    # The SDK hung up after ~1 MiB rather than draining 48 MiB into the pool.
    assert wait_until(lambda: server.open_connections == 0)
    assert len(server.requests) == 1
    assert server.executions() == 0


_MEASURE = """
import json, tracemalloc
from simstudio import SimStudioClient, SimStudioError
client = SimStudioClient(max_retries=0)
client.get_workflow_status("agent")  # warm up: imports, pool, first connection
tracemalloc.start()
try:
    client.execute_workflow("echo", {"a": 1})
    outcome = {"type": None}
except SimStudioError as error:
    outcome = {"type": type(error).__name__, "status": error.status, "message": str(error)}
outcome["peak"] = tracemalloc.get_traced_memory()[1]
print(json.dumps(outcome))
"""


def test_huge_error_body_peak_memory_in_a_client_process(
    server: LocalSimServer, audit: Audit
) -> None:
    """The client runs in its own process, so tracemalloc sees only the client's memory."""
    size = 48 * 1024 * 1024
    server.inject(Fault(status=500, body_size=size), workflow_id="echo")
    env = dict(os.environ, SIM_API_KEY=SECRET, SIM_BASE_URL=server.base_url)
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE], env=env, capture_output=True, text=True, timeout=30
    )
    audit.texts.append(("client process", done.stdout + done.stderr))
    assert done.returncode == 0, done.stderr
    outcome = json.loads(done.stdout)
    assert outcome["type"] == "ServerError"
    assert outcome["status"] == 500
    assert outcome["peak"] < 8 * 1024 * 1024, outcome["peak"]  # far below the 48 MiB body


@pytest.mark.skipif(
    tuple(int(part) for part in urllib3.__version__.split(".")[:2]) < (2, 6),
    reason="urllib3 < 2.6 (the newest for Python 3.8) inflates a compressed body whole; "
    "2.6+ (required on Python >= 3.9) stops at the size the SDK reads",
)
def test_gzip_bomb_error_body_is_bounded(
    server: LocalSimServer, make_client: MakeClient, audit: Audit
) -> None:
    """64 MiB of zeros compressed to ~64 KiB: the SDK stops decoding at its error-body cap."""
    bomb = gzip.compress(b"\0" * (64 * 1024 * 1024), compresslevel=9)
    headers = {"Content-Encoding": "gzip"}
    server.inject(Fault(status=500, body=bomb, content_type="text/plain", headers=headers))
    client = make_client(server.base_url)
    tracemalloc.start()
    try:
        error = audit.expect(ServerError, client.execute_workflow, "echo")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert error.status == 500
    assert error.body == "\0" * 2000  # a bounded excerpt of what was decoded
    assert peak < 8 * 1024 * 1024, peak  # not the 64 MiB it inflates to
    assert len(server.requests) == 1


def test_error_page_echoing_the_request_does_not_leak_the_key(
    server: LocalSimServer, make_client: MakeClient, audit: Audit
) -> None:
    """Some proxies print the request headers on their error page; the key must not travel on
    into the exception (message, body) -- the audit scans all of it after the test."""
    page = HTML.format(f"400 Bad Request</h1><pre>X-API-Key: {SECRET}\nAccept: */*</pre><h1>")
    server.inject(Fault(status=400, body=page, content_type="text/html"), workflow_id="echo")
    json_echo = {"error": f"Invalid API key {SECRET}", "received": {"X-API-Key": SECRET}}
    server.inject(Fault(status=401, body=json_echo), workflow_id="agent")
    client = make_client(server.base_url)
    page_error = audit.expect(InvalidRequestError, client.execute_workflow, "echo")
    assert "[redacted]" in str(page_error.body)
    json_error = audit.expect(AuthenticationError, client.execute_workflow, "agent")
    assert json_error.status == 401
    assert "[redacted]" in str(json_error)
    assert SECRET not in repr(json_error.body)

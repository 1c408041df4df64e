"""Connections dropped before, after or during the answer; an execute is never sent twice."""

from __future__ import annotations

from typing import Callable

import pytest
from fault_helpers import Audit, RecordingSleep, assert_readable

from simstudio import (
    APIConnectionError,
    InvalidResponseError,
    SimStudioClient,
    WorkflowExecutionResult,
)
from simstudio.testing import Fault, LocalSimServer

MakeClient = Callable[..., SimStudioClient]


@pytest.mark.parametrize("reset", [False, True], ids=["fin", "rst"])
def test_drop_before_response_is_a_clear_connection_error(
    reset: bool, server: LocalSimServer, make_client: MakeClient, audit: Audit
) -> None:
    server.inject(Fault(drop="before_response", reset=reset), workflow_id="echo")
    client = make_client(server.base_url)
    error = audit.expect(APIConnectionError, client.execute_workflow, "echo", {"a": 1})
    assert error.code == "CONNECTION_ERROR"
    assert error.status is None
    assert error.retryable is False  # the request was sent: the SDK cannot know it did not run
    assert_readable(error, "execute_workflow('echo')", "closed before an answer arrived")
    assert ("(ConnectionResetError)" if reset else "(RemoteDisconnected)") in str(error)
    assert len(server.requests) == 1
    assert server.executions() == 0
    assert server.open_connections == 0


@pytest.mark.parametrize("reset", [False, True], ids=["fin", "rst"])
def test_lost_response_after_the_run_is_not_resent(
    reset: bool, server: LocalSimServer, make_client: MakeClient, audit: Audit
) -> None:
    server.inject(Fault(drop="after_run", reset=reset), workflow_id="echo")
    sleep = RecordingSleep()
    client = make_client(server.base_url, sleep=sleep)

    error = audit.expect(APIConnectionError, client.execute_workflow, "echo", {"n": 1})
    assert error.retryable is False
    assert "may already have received the request" in str(error)
    assert server.executions("echo") == 1

    retry_error = audit.expect(
        APIConnectionError, client.execute_with_retry, "echo", {"n": 2}, max_retries=5
    )
    assert retry_error.code == "CONNECTION_ERROR"
    assert sleep.waits == []
    # Each execute reached the server exactly once, and each ran exactly once.
    assert [r.json for r in server.requests] == [{"n": 1}, {"n": 2}]
    assert server.executions("echo") == 2


def test_exactly_once_resends_the_same_execution_id_and_never_runs_twice(
    server: LocalSimServer, make_client: MakeClient, audit: Audit
) -> None:
    """With ``exactly_once`` the lost response is re-sent under the same id; the server refuses
    a second run (409) and the SDK follows the first one instead of starting another."""
    server.inject(Fault(drop="after_run"), workflow_id="echo", times=1)
    client = make_client(server.base_url)
    result = client.execute_with_retry("echo", {"once": True}, exactly_once=True)
    assert isinstance(result, WorkflowExecutionResult)
    assert result.success is True
    assert result.output == {"input": {"once": True}}
    posts = [r for r in server.requests if r.method == "POST"]
    assert len(posts) == 2
    assert posts[0].headers["X-Execution-Id"] == posts[1].headers["X-Execution-Id"]
    assert server.executions("echo") == 1


def test_truncated_json_body_is_an_invalid_response(
    server: LocalSimServer, make_client: MakeClient, audit: Audit
) -> None:
    server.inject(Fault(drop="mid_body"), workflow_id="echo")
    sleep = RecordingSleep()
    client = make_client(server.base_url, sleep=sleep)
    error = audit.expect(InvalidResponseError, client.execute_workflow, "echo", {"a": 1})
    assert error.code == "INVALID_RESPONSE"
    assert error.retryable is False
    assert_readable(error, "execute_workflow('echo')", "cut off")
    retry_error = audit.expect(InvalidResponseError, client.execute_with_retry, "echo", {"a": 2})
    assert retry_error.code == "INVALID_RESPONSE"
    assert sleep.waits == []
    assert len(server.requests) == 2
    assert server.executions("echo") == 2  # the runs happened; only their answers were cut
    status_error = audit.expect(InvalidResponseError, client.get_workflow_status, "echo")
    assert "get_workflow_status('echo')" in str(status_error)


def test_dropped_idempotent_read_is_retried(
    server: LocalSimServer, make_client: MakeClient, audit: Audit
) -> None:
    server.inject(Fault(drop="before_response", reset=True), path="/api/workflows/echo/status")
    sleep = RecordingSleep()
    client = make_client(server.base_url, sleep=sleep, max_retries=2)
    error = audit.expect(APIConnectionError, client.get_workflow_status, "echo")
    assert error.code == "CONNECTION_ERROR"
    assert sleep.waits == [0.5, 1.0]
    assert len(server.requests) == 3


def test_a_fault_once_then_the_same_client_recovers(
    server: LocalSimServer, make_client: MakeClient, audit: Audit
) -> None:
    server.inject(Fault(drop="before_response", reset=True), workflow_id="echo", times=1)
    client = make_client(server.base_url)
    audit.expect(APIConnectionError, client.execute_workflow, "echo", {"try": 1})
    result = client.execute_workflow("echo", {"try": 2})
    assert result.output == {"input": {"try": 2}}
    assert server.executions("echo") == 1
    assert server.connections_opened == 2  # the broken connection was not put back in the pool

"""Retries: the pure delay function, execute_with_retry's rules and the read-only call retries."""

from __future__ import annotations

import pytest
import requests
import responses
from _core_helpers import (
    EXEC_SYNC_SUCCESS,
    EXECUTE_URL,
    JOB_ID,
    JOB_PROCESSING,
    JOB_URL,
    STATUS_OK,
    STATUS_URL,
    USAGE_2026,
    USAGE_URL,
    WF,
    body,
    make_client,
)
from urllib3.exceptions import NewConnectionError

from simstudio import (
    APIConnectionError,
    AuthenticationError,
    InvalidArgumentError,
    InvalidRequestError,
    NotFoundError,
    RateLimitError,
    RequestTimeoutError,
    RetryPolicy,
    ServerError,
    ServiceUnavailableError,
    WorkflowExecutionResult,
)
from simstudio._retry import compute_delay


def const(value):
    return lambda: value


RATE_LIMITED = body({"error": "Rate limit exceeded", "code": "RATE_LIMIT_EXCEEDED"})
OVERLOADED = body({"error": "Service temporarily overloaded", "code": "SERVICE_OVERLOADED"})
GATE = body({"error": "Too many requests", "code": "ADMISSION_GATE_CAPACITY", "retryable": True})


# ----------------------------------------------------------------------------- compute_delay


@pytest.mark.parametrize(
    ("random_value", "expected"),
    [
        (0.5, [1.0, 2.0, 4.0, 8.0, 16.0]),
        (0.0, [0.75, 1.5, 3.0, 6.0, 12.0]),
        (1.0, [1.25, 2.5, 5.0, 10.0, 20.0]),
    ],
)
def test_exponential_schedule_with_jitter(random_value, expected):
    policy = RetryPolicy()
    delays = [compute_delay(policy, n, None, const(random_value)) for n in range(5)]
    assert delays == pytest.approx(expected)


def test_capped_at_max_delay():
    policy = RetryPolicy(max_delay=5.0)
    assert [compute_delay(policy, n, None, const(1.0)) for n in range(6)] == pytest.approx(
        [1.25, 2.5, 5.0, 5.0, 5.0, 5.0]
    )


def test_custom_multiplier_and_initial_delay():
    policy = RetryPolicy(initial_delay=0.5, backoff_multiplier=3.0, max_delay=100)
    assert [compute_delay(policy, n, None, const(0.5)) for n in range(3)] == pytest.approx(
        [0.5, 1.5, 4.5]
    )


@pytest.mark.parametrize("random_value", [0.0, 0.25, 0.5, 0.999, 1.0])
@pytest.mark.parametrize("retry_after", [0.0, 0.1, 3.0, 29.0, 30.0])
def test_never_less_than_retry_after(random_value, retry_after):
    policy = RetryPolicy()
    for n in range(4):
        delay = compute_delay(policy, n, retry_after, const(random_value))
        assert delay >= retry_after
        assert delay <= max(policy.max_delay, retry_after)


def test_retry_after_replaces_backoff():
    assert compute_delay(RetryPolicy(), 3, 2.0, const(0.0)) == pytest.approx(2.0)


def test_retry_after_longer_than_max_delay_gives_up():
    assert compute_delay(RetryPolicy(max_delay=30), 0, 31.0, const(0.5)) is None


def test_zero_jitter_policy():
    policy = RetryPolicy(jitter=0.0)
    assert compute_delay(policy, 2, None, const(1.0)) == pytest.approx(4.0)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"max_retries": -1},
        {"initial_delay": -1},
        {"max_delay": -1},
        {"backoff_multiplier": 0.5},
        {"jitter": 1.0},
        {"jitter": -0.1},
    ],
)
def test_policy_validation(kwargs):
    with pytest.raises(ValueError):
        RetryPolicy(**kwargs)


def test_policy_is_frozen():
    with pytest.raises(AttributeError):
        RetryPolicy().max_retries = 5  # type: ignore[misc]


# ----------------------------------------------------------------------------- execute_with_retry


@pytest.mark.parametrize("payload", [RATE_LIMITED, OVERLOADED, GATE])
def test_retries_retry_safe_answers(rsps, payload):
    status = 429 if payload is RATE_LIMITED else 503
    sleeps = []
    client = make_client(sleeps)
    rsps.add(responses.POST, EXECUTE_URL, body=payload, status=status)
    rsps.add(responses.POST, EXECUTE_URL, body=payload, status=status)
    rsps.add(responses.POST, EXECUTE_URL, body=body(EXEC_SYNC_SUCCESS))
    result = client.execute_with_retry(WF, {"message": "hi"})
    assert isinstance(result, WorkflowExecutionResult)
    assert result.success is True
    assert len(rsps.calls) == 3
    assert sleeps == pytest.approx([1.0, 2.0])
    assert all(c.request.body == b'{"message":"hi"}' for c in rsps.calls)


@pytest.mark.parametrize(
    ("status", "payload", "cls"),
    [
        (
            503,
            {"error": "maybe queued", "code": "ASYNC_ENQUEUE_AMBIGUOUS"},
            ServiceUnavailableError,
        ),
        (503, {"error": "run buffer unavailable"}, ServiceUnavailableError),
        (500, {"error": "boom"}, ServerError),
        (502, {"error": "bad gateway"}, ServerError),
        (400, {"error": "Invalid JSON in request body"}, InvalidRequestError),
        (401, {"error": "Invalid API key"}, AuthenticationError),
        (404, {"error": "Workflow not found"}, NotFoundError),
    ],
)
def test_does_not_retry_unsafe_answers(rsps, status, payload, cls):
    sleeps = []
    client = make_client(sleeps)
    rsps.add(responses.POST, EXECUTE_URL, body=body(payload), status=status)
    with pytest.raises(cls):
        client.execute_with_retry(WF)
    assert len(rsps.calls) == 1
    assert sleeps == []


def test_failed_run_is_returned_not_retried(rsps):
    sleeps = []
    client = make_client(sleeps)
    rsps.add(
        responses.POST,
        EXECUTE_URL,
        body=body({"success": False, "output": {}, "error": "Agent 1: x", "metadata": {}}),
        status=500,
    )
    result = client.execute_with_retry(WF)
    assert result.success is False
    assert len(rsps.calls) == 1
    assert sleeps == []


@pytest.mark.parametrize(
    ("random_value", "expected"),
    [(0.5, [1.0, 2.0, 4.0]), (0.0, [0.75, 1.5, 3.0]), (1.0, [1.25, 2.5, 5.0])],
)
def test_gives_up_after_max_retries(rsps, random_value, expected):
    sleeps = []
    client = make_client(sleeps, random=const(random_value))
    rsps.add(responses.POST, EXECUTE_URL, body=RATE_LIMITED, status=429)
    with pytest.raises(RateLimitError) as info:
        client.execute_with_retry(WF, max_retries=3)
    assert info.value.code == "RATE_LIMIT_EXCEEDED"
    assert len(rsps.calls) == 4
    assert sleeps == pytest.approx(expected)


def test_schedule_capped_at_max_delay(rsps):
    sleeps = []
    client = make_client(sleeps, random=const(1.0))
    rsps.add(responses.POST, EXECUTE_URL, body=RATE_LIMITED, status=429)
    with pytest.raises(RateLimitError):
        client.execute_with_retry(
            WF, max_retries=5, initial_delay=2.0, max_delay=6.0, backoff_multiplier=3.0
        )
    assert sleeps == pytest.approx([2.5, 6.0, 6.0, 6.0, 6.0])


def test_zero_retries(rsps):
    sleeps = []
    client = make_client(sleeps)
    rsps.add(responses.POST, EXECUTE_URL, body=RATE_LIMITED, status=429)
    with pytest.raises(RateLimitError):
        client.execute_with_retry(WF, max_retries=0)
    assert len(rsps.calls) == 1
    assert sleeps == []


@pytest.mark.parametrize("random_value", [0.0, 0.5, 1.0])
def test_waits_at_least_retry_after(rsps, random_value):
    sleeps = []
    client = make_client(sleeps, random=const(random_value))
    rsps.add(
        responses.POST, EXECUTE_URL, body=RATE_LIMITED, status=429, headers={"Retry-After": "7"}
    )
    rsps.add(responses.POST, EXECUTE_URL, body=body(EXEC_SYNC_SUCCESS))
    client.execute_with_retry(WF, initial_delay=1.0)
    assert len(sleeps) == 1
    assert 7.0 <= sleeps[0] <= 30.0
    if random_value == 0.0:
        assert sleeps[0] == pytest.approx(7.0)


def test_retry_after_from_body_seconds(rsps):
    sleeps = []
    client = make_client(sleeps, random=const(0.0))
    gate = {"error": "Too many requests", "code": "ADMISSION_GATE_CAPACITY", "retryAfterSeconds": 5}
    rsps.add(responses.POST, EXECUTE_URL, body=body(gate), status=429)
    rsps.add(responses.POST, EXECUTE_URL, body=body(EXEC_SYNC_SUCCESS))
    client.execute_with_retry(WF)
    assert sleeps == pytest.approx([5.0])


def test_retry_after_beyond_max_delay_raises_at_once(rsps):
    sleeps = []
    client = make_client(sleeps)
    rsps.add(
        responses.POST, EXECUTE_URL, body=RATE_LIMITED, status=429, headers={"Retry-After": "120"}
    )
    with pytest.raises(RateLimitError) as info:
        client.execute_with_retry(WF, max_delay=30.0)
    assert info.value.retry_after == 120.0
    assert "120" in str(info.value)
    assert sleeps == []
    assert len(rsps.calls) == 1


def test_connection_refused_is_retried(rsps):
    sleeps = []
    client = make_client(sleeps)
    refused = requests.exceptions.ConnectionError(NewConnectionError(None, "Connection refused"))
    rsps.add(responses.POST, EXECUTE_URL, body=refused)
    rsps.add(responses.POST, EXECUTE_URL, body=body(EXEC_SYNC_SUCCESS))
    assert client.execute_with_retry(WF).success is True
    assert len(rsps.calls) == 2
    assert sleeps == pytest.approx([1.0])


def test_connect_timeout_is_retried(rsps):
    sleeps = []
    client = make_client(sleeps)
    rsps.add(responses.POST, EXECUTE_URL, body=requests.exceptions.ConnectTimeout("slow"))
    rsps.add(responses.POST, EXECUTE_URL, body=body(EXEC_SYNC_SUCCESS))
    assert client.execute_with_retry(WF).success is True
    assert len(sleeps) == 1


def test_read_timeout_is_not_retried_for_execute(rsps):
    sleeps = []
    client = make_client(sleeps)
    rsps.add(responses.POST, EXECUTE_URL, body=requests.exceptions.ReadTimeout("slow"))
    with pytest.raises(RequestTimeoutError) as info:
        client.execute_with_retry(WF)
    assert info.value.code == "TIMEOUT"
    assert len(rsps.calls) == 1
    assert sleeps == []


def test_broken_connection_after_send_is_not_retried_for_execute(rsps):
    sleeps = []
    client = make_client(sleeps)
    rsps.add(responses.POST, EXECUTE_URL, body=requests.exceptions.ConnectionError("reset by peer"))
    with pytest.raises(APIConnectionError):
        client.execute_with_retry(WF)
    assert len(rsps.calls) == 1
    assert sleeps == []


def test_async_retry_returns_async_result(rsps):
    sleeps = []
    client = make_client(sleeps)
    rsps.add(responses.POST, EXECUTE_URL, body=RATE_LIMITED, status=429)
    rsps.add(
        responses.POST,
        EXECUTE_URL,
        body=body({"success": True, "jobId": "workflow-execution:1", "executionId": "1"}),
        status=202,
    )
    result = client.execute_with_retry(WF, {"m": 1}, async_execution=True)
    assert result.task_id == "workflow-execution:1"
    assert all(c.request.headers["X-Execution-Mode"] == "async" for c in rsps.calls)


@pytest.mark.parametrize(
    "kwargs",
    [{"max_retries": -1}, {"backoff_multiplier": 0.1}, {"initial_delay": -2}],
)
def test_bad_retry_arguments(rsps, kwargs):
    client = make_client()
    with pytest.raises(InvalidArgumentError) as info:
        client.execute_with_retry(WF, **kwargs)
    assert info.value.code == "INVALID_INPUT"
    assert len(rsps.calls) == 0


# ----------------------------------------------------------------------------- read-only retries


@pytest.mark.parametrize(
    ("url", "call", "ok"),
    [
        (STATUS_URL, lambda c: c.get_workflow_status(WF), STATUS_OK),
        (JOB_URL, lambda c: c.get_job_status(JOB_ID), JOB_PROCESSING),
        (USAGE_URL, lambda c: c.get_usage_limits(), USAGE_2026),
    ],
)
@pytest.mark.parametrize(
    "failure",
    [
        {"status": 429, "body": RATE_LIMITED},
        {"status": 500, "body": body({"error": "db down"})},
        {"status": 502, "body": "<html>bad gateway</html>"},
        {"status": 503, "body": body({"error": "busy"})},
        {"status": 504, "body": b""},
        {"body": requests.exceptions.ConnectionError(NewConnectionError(None, "refused"))},
        {"body": requests.exceptions.ConnectionError("reset")},
        {"body": requests.exceptions.ReadTimeout("slow")},
    ],
)
def test_reads_retry_transient_failures(rsps, url, call, ok, failure):
    sleeps = []
    client = make_client(sleeps)
    rsps.add(responses.GET, url, **failure)
    rsps.add(responses.GET, url, **failure)
    rsps.add(responses.GET, url, body=body(ok))
    call(client)
    assert len(rsps.calls) == 3
    assert sleeps == pytest.approx([0.5, 1.0])


def test_reads_give_up_after_client_max_retries(rsps):
    sleeps = []
    client = make_client(sleeps, max_retries=4)
    rsps.add(responses.GET, STATUS_URL, body=body({"error": "down"}), status=500)
    with pytest.raises(ServerError):
        client.get_workflow_status(WF)
    assert len(rsps.calls) == 5
    assert len(sleeps) == 4
    assert max(sleeps) <= 8.0


def test_reads_with_max_retries_zero(rsps):
    sleeps = []
    client = make_client(sleeps, max_retries=0)
    rsps.add(responses.GET, USAGE_URL, body=body({"error": "down"}), status=503)
    with pytest.raises(ServiceUnavailableError):
        client.get_usage_limits()
    assert len(rsps.calls) == 1
    assert sleeps == []


@pytest.mark.parametrize(
    ("status", "cls"),
    [(400, InvalidRequestError), (401, AuthenticationError), (404, NotFoundError)],
)
def test_reads_do_not_retry_client_errors(rsps, status, cls):
    sleeps = []
    client = make_client(sleeps)
    rsps.add(responses.GET, STATUS_URL, body=body({"error": "no"}), status=status)
    with pytest.raises(cls):
        client.get_workflow_status(WF)
    assert len(rsps.calls) == 1
    assert sleeps == []


def test_reads_honour_retry_after(rsps):
    sleeps = []
    client = make_client(sleeps, random=const(0.0))
    rsps.add(responses.GET, STATUS_URL, body=RATE_LIMITED, status=429, headers={"Retry-After": "3"})
    rsps.add(responses.GET, STATUS_URL, body=body(STATUS_OK))
    client.get_workflow_status(WF)
    assert sleeps == pytest.approx([3.0])


def test_reads_give_up_on_long_retry_after(rsps):
    sleeps = []
    client = make_client(sleeps)
    rsps.add(
        responses.GET, STATUS_URL, body=RATE_LIMITED, status=429, headers={"Retry-After": "3600"}
    )
    with pytest.raises(RateLimitError) as info:
        client.get_workflow_status(WF)
    assert info.value.retry_after == 3600.0
    assert sleeps == []
    assert len(rsps.calls) == 1


def test_plain_execute_never_retries(rsps):
    sleeps = []
    client = make_client(sleeps)
    rsps.add(responses.POST, EXECUTE_URL, body=RATE_LIMITED, status=429)
    rsps.add(responses.POST, EXECUTE_URL, body=body(EXEC_SYNC_SUCCESS))
    with pytest.raises(RateLimitError):
        client.execute_workflow(WF)
    assert len(rsps.calls) == 1
    assert sleeps == []

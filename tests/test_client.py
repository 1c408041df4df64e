"""SimStudioClient: request building and the mapping of every server era's answers (HTTP mocked)."""

from __future__ import annotations

import json
import logging

import pytest
import requests
import responses
from _core_helpers import (
    ASYNC_202_2025,
    ASYNC_202_2026,
    BASE,
    EXEC_BAD_KEY,
    EXEC_INVALID_JSON,
    EXEC_NO_KEY,
    EXEC_RESPONSE_BLOCK_BODY,
    EXEC_SYNC_SUCCESS,
    EXEC_UNKNOWN_ID,
    EXECUTE_URL,
    FAILING_SYNC_500,
    JOB_COMPLETED,
    JOB_FAILED,
    JOB_ID,
    JOB_PROCESSING,
    JOB_URL,
    JOBS_UNKNOWN,
    KEY,
    STATUS_BAD_KEY,
    STATUS_OK,
    STATUS_UNKNOWN,
    STATUS_URL,
    USAGE_2025,
    USAGE_2026,
    USAGE_BAD_KEY,
    USAGE_URL,
    WF,
    body,
    make_client,
)
from urllib3.exceptions import NewConnectionError

from simstudio import (
    APIConnectionError,
    AsyncExecutionResult,
    AuthenticationError,
    ConflictError,
    InvalidArgumentError,
    InvalidRequestError,
    InvalidResponseError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    ServiceUnavailableError,
    SimStudioError,
    UsageLimitError,
    WorkflowExecutionResult,
    WorkflowStatus,
    __version__,
)


def sent_json(rsps, index=0):
    return json.loads(rsps.calls[index].request.body)


# ----------------------------------------------------------------------------- request building


def test_execute_sends_v1_body_headers_and_path(rsps, client):
    rsps.add(responses.POST, EXECUTE_URL, body=body(EXEC_SYNC_SUCCESS), status=200)
    client.execute_workflow(WF, {"message": "hello", "n": [1, 2]})
    request = rsps.calls[0].request
    assert request.method == "POST"
    assert request.url == EXECUTE_URL
    assert request.headers["X-API-Key"] == KEY
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["User-Agent"] == f"simstudio-python/{__version__}"
    assert "X-Execution-Mode" not in request.headers
    assert "Authorization" not in request.headers
    assert sent_json(rsps) == {"message": "hello", "n": [1, 2]}


def test_execute_without_input_sends_empty_object(rsps, client):
    rsps.add(responses.POST, EXECUTE_URL, body=body(EXEC_SYNC_SUCCESS))
    client.execute_workflow(WF)
    assert sent_json(rsps) == {}


def test_selected_outputs_added_to_body(rsps, client):
    rsps.add(responses.POST, EXECUTE_URL, body=body(EXEC_SYNC_SUCCESS))
    client.execute_workflow(WF, {"message": "x"}, selected_outputs=["agent1.content"])
    assert sent_json(rsps) == {"message": "x", "selectedOutputs": ["agent1.content"]}


def test_async_uses_execution_mode_header_not_body(rsps, client):
    rsps.add(responses.POST, EXECUTE_URL, body=body(ASYNC_202_2026), status=202)
    client.execute_workflow(WF, {"message": "async hi"}, async_execution=True)
    request = rsps.calls[0].request
    assert request.headers["X-Execution-Mode"] == "async"
    assert sent_json(rsps) == {"message": "async hi"}


def test_non_dict_input_is_wrapped(rsps, client):
    rsps.add(responses.POST, EXECUTE_URL, body=body(EXEC_SYNC_SUCCESS))
    client.execute_workflow(WF, "just text")
    assert sent_json(rsps) == {"input": "just text"}


def test_stream_and_async_together_refused_without_request(rsps, client):
    with pytest.raises(InvalidArgumentError) as info:
        client.execute_workflow(WF, {}, stream=True, async_execution=True)
    assert info.value.code == "INVALID_INPUT"
    assert len(rsps.calls) == 0


def test_user_agent_on_reads(rsps, client):
    rsps.add(responses.GET, STATUS_URL, body=body(STATUS_OK))
    client.get_workflow_status(WF)
    headers = rsps.calls[0].request.headers
    assert headers["User-Agent"] == f"simstudio-python/{__version__}"
    assert headers["X-API-Key"] == KEY


# ----------------------------------------------------------------------------- sync results


def test_sync_success_transcript(rsps, client):
    rsps.add(responses.POST, EXECUTE_URL, body=body(EXEC_SYNC_SUCCESS), status=200)
    result = client.execute_workflow(WF, {"message": "hello"})
    assert isinstance(result, WorkflowExecutionResult)
    assert result.success is True
    assert result.output == {"waitDuration": 1000, "status": "completed"}
    assert result.error is None
    assert result.metadata["duration"] == pytest.approx(1041.83275)
    assert result.execution_id == "ce1d7f8d-20c7-412c-a512-a7f152c8fd67"
    assert result.http_status == 200


def test_response_block_without_envelope(rsps, client):
    rsps.add(
        responses.POST,
        f"{BASE}/api/workflows/40f08939-c7f2-43bf-8d9b-841971b40e02/execute",
        body=EXEC_RESPONSE_BLOCK_BODY,
        status=201,
        content_type="application/json",
        headers={"X-Probe-Custom": "yes"},
    )
    result = client.execute_workflow("40f08939-c7f2-43bf-8d9b-841971b40e02", {"message": "resp"})
    assert result.success is True
    assert result.output == {"echo": "resp", "custom": True}
    assert result.http_status == 201
    assert result.error is None


def test_response_block_with_202_status_is_not_mistaken_for_async(rsps, client):
    rsps.add(responses.POST, EXECUTE_URL, body=body({"accepted": True}), status=202)
    result = client.execute_workflow(WF, {"message": "x"})
    assert isinstance(result, WorkflowExecutionResult)
    assert result.output == {"accepted": True}
    assert result.http_status == 202


@pytest.mark.parametrize("value", [[1, 2, 3], "plain string", 42, None, True])
def test_non_object_json_is_response_block_output(rsps, client, value):
    rsps.add(responses.POST, EXECUTE_URL, body=body(value), status=200)
    result = client.execute_workflow(WF)
    assert result.success is True
    assert result.output == value


def test_failed_run_500_is_a_result_with_partial_output(rsps, client):
    rsps.add(responses.POST, EXECUTE_URL, body=body(FAILING_SYNC_500), status=500)
    result = client.execute_workflow(WF, {"message": "please FAIL now"})
    assert isinstance(result, WorkflowExecutionResult)
    assert result.success is False
    assert result.error == "Agent 1: fake upstream failure"
    assert result.output == {}
    assert result.metadata["startTime"] == "2026-11-28T19:43:16.108Z"
    assert result.http_status == 500


def test_failed_run_408_timeout_is_a_result(rsps, client):
    payload = {
        "success": False,
        "output": {"partial": 1},
        "error": "Workflow execution timed out after 300 seconds",
        "metadata": {"duration": 300000},
    }
    rsps.add(responses.POST, EXECUTE_URL, body=body(payload), status=408)
    result = client.execute_workflow(WF)
    assert result.success is False
    assert result.output == {"partial": 1}
    assert "timed out" in result.error
    assert result.http_status == 408


def test_failed_run_200_of_2025_is_a_result(rsps, client):
    payload = {
        "success": False,
        "output": {"agent": "half"},
        "error": "Agent 1: boom",
        "metadata": {"duration": 12, "startTime": "a", "endTime": "b"},
    }
    rsps.add(responses.POST, EXECUTE_URL, body=body(payload), status=200)
    result = client.execute_workflow(WF)
    assert result.success is False
    assert result.error == "Agent 1: boom"
    assert result.output == {"agent": "half"}


def test_v2_style_error_object_inside_failed_run(rsps, client):
    payload = {"success": False, "output": None, "error": {"code": "TIMEOUT", "message": "late"}}
    rsps.add(responses.POST, EXECUTE_URL, body=body(payload), status=500)
    result = client.execute_workflow(WF)
    assert result.success is False
    assert result.error == "late"


def test_html_502_from_proxy_is_readable_server_error(rsps, client):
    html = (
        "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
    )
    rsps.add(responses.POST, EXECUTE_URL, body=html, status=502, content_type="text/html")
    with pytest.raises(ServerError) as info:
        client.execute_workflow(WF)
    error = info.value
    assert error.status == 502
    assert error.code == "SERVER_ERROR"
    assert "502" in str(error)
    assert "HTML" in str(error)
    assert "<html" not in str(error)
    assert error.retryable is False


def test_empty_200_body_is_invalid_response(rsps, client):
    rsps.add(responses.POST, EXECUTE_URL, body=b"", status=200)
    with pytest.raises(InvalidResponseError) as info:
        client.execute_workflow(WF)
    assert info.value.code == "INVALID_RESPONSE"
    assert "empty" in str(info.value)


def test_non_json_200_is_invalid_response_not_raw_exception(rsps, client):
    rsps.add(responses.POST, EXECUTE_URL, body=b"OK then", status=200, content_type="text/plain")
    with pytest.raises(InvalidResponseError) as info:
        client.execute_workflow(WF)
    assert "OK then" in str(info.value)
    assert not isinstance(info.value, ValueError)


# ----------------------------------------------------------------------------- error mapping


@pytest.mark.parametrize(
    ("status", "payload", "cls", "code", "server_code"),
    [
        (401, EXEC_BAD_KEY, AuthenticationError, "UNAUTHORIZED", None),
        (401, EXEC_NO_KEY, AuthenticationError, "UNAUTHORIZED", None),
        (
            401,
            {"error": "Unauthorized: Invalid API key", "code": "UNAUTHORIZED:_INVALID_API_KEY"},
            AuthenticationError,
            "UNAUTHORIZED",
            "UNAUTHORIZED:_INVALID_API_KEY",
        ),
        (400, EXEC_INVALID_JSON, InvalidRequestError, "INVALID_JSON", None),
        (
            400,
            {"error": "Invalid JSON in request body", "code": "INVALID_JSON"},
            InvalidRequestError,
            "INVALID_JSON",
            "INVALID_JSON",
        ),
        (404, EXEC_UNKNOWN_ID, NotFoundError, "NOT_FOUND", None),
        (
            404,
            {"error": "Workflow not found", "code": "WORKFLOW_NOT_FOUND"},
            NotFoundError,
            "WORKFLOW_NOT_FOUND",
            "WORKFLOW_NOT_FOUND",
        ),
        (
            404,
            {"error": {"code": "NOT_FOUND", "message": "Not found"}},
            NotFoundError,
            "NOT_FOUND",
            "NOT_FOUND",
        ),
        (403, {"error": "Workflow is not deployed"}, PermissionDeniedError, "FORBIDDEN", None),
        (
            402,
            {"error": "Usage limit exceeded", "code": "USAGE_LIMIT_EXCEEDED"},
            UsageLimitError,
            "USAGE_LIMIT_EXCEEDED",
            "USAGE_LIMIT_EXCEEDED",
        ),
        (
            402,
            {"error": "You have exceeded your usage limit"},
            UsageLimitError,
            "USAGE_LIMIT_EXCEEDED",
            None,
        ),
        (
            409,
            {
                "error": "Execution id already used",
                "code": "EXECUTION_ID_CONFLICT",
                "executionId": "x",
            },
            ConflictError,
            "EXECUTION_ID_CONFLICT",
            "EXECUTION_ID_CONFLICT",
        ),
        (
            429,
            {"error": "Rate limit exceeded. Please try again later."},
            RateLimitError,
            "RATE_LIMIT_EXCEEDED",
            None,
        ),
        (
            500,
            {"error": "Missing API trigger", "code": "EXECUTION_ERROR"},
            ServerError,
            "EXECUTION_ERROR",
            "EXECUTION_ERROR",
        ),
        (
            503,
            {"error": "Service temporarily overloaded", "code": "SERVICE_OVERLOADED"},
            ServiceUnavailableError,
            "SERVICE_OVERLOADED",
            "SERVICE_OVERLOADED",
        ),
    ],
)
def test_error_bodies_of_every_era(rsps, client, status, payload, cls, code, server_code):
    rsps.add(
        responses.POST,
        EXECUTE_URL,
        body=body(payload),
        status=status,
        headers={"x-request-id": "rq1"},
    )
    with pytest.raises(cls) as info:
        client.execute_workflow(WF, {"message": "hello"})
    error = info.value
    assert error.status == status
    assert error.code == code
    assert error.server_code == server_code
    assert error.request_id == "rq1"
    assert error.body == payload
    message = payload["error"] if isinstance(payload["error"], str) else payload["error"]["message"]
    assert message in str(error)


def test_async_enqueue_ambiguous_is_not_retry_safe(rsps, client):
    payload = {"error": "enqueue uncertain", "code": "ASYNC_ENQUEUE_AMBIGUOUS", "executionId": "e1"}
    rsps.add(responses.POST, EXECUTE_URL, body=body(payload), status=503)
    with pytest.raises(ServiceUnavailableError) as info:
        client.execute_workflow(WF, async_execution=True)
    assert info.value.code == "ASYNC_ENQUEUE_AMBIGUOUS"
    assert info.value.retryable is False


def test_error_with_non_object_json_body(rsps, client):
    rsps.add(responses.POST, EXECUTE_URL, body=body(["a", "b"]), status=400)
    with pytest.raises(InvalidRequestError) as info:
        client.execute_workflow(WF)
    assert info.value.status == 400


def test_error_with_empty_body(rsps, client):
    rsps.add(responses.POST, EXECUTE_URL, body=b"", status=500)
    with pytest.raises(ServerError) as info:
        client.execute_workflow(WF)
    assert "empty" in str(info.value)


# ----------------------------------------------------------------------------- async 202


def test_async_202_2026_shape(rsps, client):
    rsps.add(responses.POST, EXECUTE_URL, body=body(ASYNC_202_2026), status=202)
    result = client.execute_workflow(WF, {"message": "async hi"}, async_execution=True)
    assert isinstance(result, AsyncExecutionResult)
    assert result.success is True
    assert result.task_id == "workflow-execution:51f6dfef-e8c8-4707-912f-b9a91aafca30"
    assert result.execution_id == "51f6dfef-e8c8-4707-912f-b9a91aafca30"
    assert result.status == "queued"
    assert result.status_url == ASYNC_202_2026["statusUrl"]
    assert result.links["status"] == (
        "/api/jobs/workflow-execution:51f6dfef-e8c8-4707-912f-b9a91aafca30"
    )
    assert result.message == "Workflow execution queued"
    assert isinstance(result.created_at, str)
    assert result.created_at


def test_async_202_2025_shape(rsps, client):
    rsps.add(responses.POST, EXECUTE_URL, body=body(ASYNC_202_2025), status=202)
    result = client.execute_workflow(WF, async_execution=True)
    assert isinstance(result, AsyncExecutionResult)
    assert result.task_id == "run_cmh1abc2d0001"
    assert result.status == "queued"
    assert result.created_at == "2025-10-30T12:00:00.000Z"
    assert result.links == {"status": "/api/jobs/run_cmh1abc2d0001"}
    assert result.status_url == f"{BASE}/api/jobs/run_cmh1abc2d0001"


def test_async_request_answered_synchronously(rsps, client):
    rsps.add(responses.POST, EXECUTE_URL, body=body(EXEC_SYNC_SUCCESS), status=200)
    result = client.execute_workflow(WF, async_execution=True)
    assert isinstance(result, WorkflowExecutionResult)
    assert result.success is True


def test_async_202_without_any_id_is_invalid_response(rsps, client):
    rsps.add(responses.POST, EXECUTE_URL, body=body({"success": True}), status=202)
    with pytest.raises(InvalidResponseError):
        client.execute_workflow(WF, async_execution=True)


# ----------------------------------------------------------------------------- status / validate


def test_workflow_status(rsps, client):
    rsps.add(responses.GET, STATUS_URL, body=body(STATUS_OK))
    status = client.get_workflow_status(WF)
    assert status == WorkflowStatus(
        is_deployed=True, deployed_at="2026-11-28T19:41:10.705Z", needs_redeployment=False
    )
    assert rsps.calls[0].request.method == "GET"
    assert rsps.calls[0].request.body is None


@pytest.mark.parametrize("value", [[STATUS_OK], "deployed", 1, None, {"deployed": True}])
def test_workflow_status_wrong_shape_is_invalid_response(rsps, client, value):
    rsps.add(responses.GET, STATUS_URL, body=body(value))
    with pytest.raises(InvalidResponseError):
        client.get_workflow_status(WF)


def test_workflow_status_empty_body(rsps, client):
    rsps.add(responses.GET, STATUS_URL, body=b"")
    with pytest.raises(InvalidResponseError):
        client.get_workflow_status(WF)


def test_workflow_status_errors(rsps, client):
    rsps.add(responses.GET, STATUS_URL, body=body(STATUS_UNKNOWN), status=404)
    with pytest.raises(NotFoundError) as info:
        client.get_workflow_status(WF)
    assert info.value.code == "WORKFLOW_NOT_FOUND"


@pytest.mark.parametrize(
    ("status", "payload", "expected"),
    [
        (200, STATUS_OK, True),
        (200, dict(STATUS_OK, isDeployed=False), False),
        (404, STATUS_UNKNOWN, False),
        (403, {"error": "Access denied"}, False),
    ],
)
def test_validate_workflow(rsps, client, status, payload, expected):
    rsps.add(responses.GET, STATUS_URL, body=body(payload), status=status)
    assert client.validate_workflow(WF) is expected
    assert len(rsps.calls) == 1


def test_validate_workflow_raises_on_401(rsps, client):
    rsps.add(responses.GET, STATUS_URL, body=body(STATUS_BAD_KEY), status=401)
    with pytest.raises(AuthenticationError):
        client.validate_workflow(WF)


def test_validate_workflow_raises_on_connection_error(rsps):
    sleeps = []
    client = make_client(sleeps, max_retries=1)
    failure = requests.exceptions.ConnectionError(NewConnectionError(None, "refused"))
    rsps.add(responses.GET, STATUS_URL, body=failure)
    with pytest.raises(APIConnectionError):
        client.validate_workflow(WF)
    assert len(rsps.calls) == 2
    assert len(sleeps) == 1


# ----------------------------------------------------------------------------- jobs


def test_job_id_with_colon_sent_raw(rsps, client):
    rsps.add(responses.GET, JOB_URL, body=body(JOB_PROCESSING))
    job = client.get_job_status(JOB_ID)
    assert rsps.calls[0].request.url == f"{BASE}/api/jobs/{JOB_ID}"
    assert ":" in rsps.calls[0].request.path_url
    assert job["status"] == "processing"
    assert "rawStatus" not in job
    assert job["output"] is None
    assert job["taskId"] == JOB_ID


def test_job_completed_and_failed(rsps, client):
    rsps.add(responses.GET, JOB_URL, body=body(JOB_COMPLETED))
    job = client.get_job_status(JOB_ID)
    assert job["status"] == "completed"
    assert job["output"]["output"]["content"] == "Hello from the fake model."
    failed_id = JOB_FAILED["taskId"]
    rsps.add(responses.GET, f"{BASE}/api/jobs/{failed_id}", body=body(JOB_FAILED))
    job = client.get_job_status(failed_id)
    assert job["status"] == "failed"
    assert job["error"] == "Agent 1: fake upstream failure"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("queued", "queued"),
        ("pending", "queued"),
        ("processing", "processing"),
        ("completed", "completed"),
        ("failed", "failed"),
        ("cancelled", "cancelled"),
    ],
)
def test_job_statuses(rsps, client, raw, expected):
    rsps.add(responses.GET, JOB_URL, body=body({"success": True, "taskId": JOB_ID, "status": raw}))
    job = client.get_job_status(JOB_ID)
    assert job["status"] == expected
    if raw != expected:
        assert job["rawStatus"] == raw
    else:
        assert "rawStatus" not in job
    assert job["metadata"] == {"startedAt": None, "completedAt": None, "duration": None}


def test_job_2025_shape_keeps_fields(rsps, client):
    payload = {
        "success": True,
        "taskId": "run_1",
        "status": "completed",
        "output": {"success": True, "output": {"x": 1}},
        "metadata": {"startedAt": "s", "completedAt": "c", "duration": 1234},
    }
    rsps.add(responses.GET, f"{BASE}/api/jobs/run_1", body=body(payload))
    job = client.get_job_status("run_1")
    assert job["metadata"]["duration"] == 1234
    assert job["output"] == {"success": True, "output": {"x": 1}}


def test_job_unknown_id(rsps, client):
    rsps.add(responses.GET, f"{BASE}/api/jobs/nope", body=body(JOBS_UNKNOWN), status=404)
    with pytest.raises(NotFoundError) as info:
        client.get_job_status("nope")
    assert info.value.code == "TASK_NOT_FOUND"


@pytest.mark.parametrize("value", [[JOB_PROCESSING], "processing", {"taskId": "x"}])
def test_job_wrong_shape_is_invalid_response(rsps, client, value):
    rsps.add(responses.GET, JOB_URL, body=body(value))
    with pytest.raises(InvalidResponseError):
        client.get_job_status(JOB_ID)


# ----------------------------------------------------------------------------- usage limits


def test_usage_limits_2026_gets_limit(rsps, client):
    rsps.add(responses.GET, USAGE_URL, body=body(USAGE_2026))
    limits = client.get_usage_limits()
    assert limits.success is True
    assert limits.rate_limit["sync"]["limit"] == 999999
    assert limits.rate_limit["async"]["limit"] == 999999
    assert limits.rate_limit["sync"]["maxBurst"] == 999999
    assert limits.rate_limit["authType"] == "api"
    assert limits.usage == {"currentPeriodCost": 0, "limit": 99999, "plan": "free"}
    assert limits.storage["limitBytes"] == 5368709120


def test_usage_limits_2025_keeps_limit(rsps, client):
    rsps.add(responses.GET, USAGE_URL, body=body(USAGE_2025))
    limits = client.get_usage_limits()
    assert limits.rate_limit["sync"]["limit"] == 10
    assert limits.rate_limit["sync"]["requestsPerMinute"] == 10
    assert limits.rate_limit["async"]["remaining"] == 50
    assert limits.usage["plan"] == "free"
    assert limits.storage is None


@pytest.mark.parametrize("value", [[1], "x", {"success": True}, {"rateLimit": [], "usage": {}}])
def test_usage_limits_wrong_shape(rsps, client, value):
    rsps.add(responses.GET, USAGE_URL, body=body(value))
    with pytest.raises(InvalidResponseError):
        client.get_usage_limits()


def test_usage_limits_401(rsps, client):
    rsps.add(responses.GET, USAGE_URL, body=body(USAGE_BAD_KEY), status=401)
    with pytest.raises(AuthenticationError) as info:
        client.get_usage_limits()
    assert info.value.code == "UNAUTHORIZED"
    assert info.value.server_code == "AUTHENTICATION_REQUIRED"
    assert "Authentication required" in str(info.value)


# ----------------------------------------------------------------------------- ids in paths


@pytest.mark.parametrize(
    ("workflow_id", "segment"),
    [
        ("../x", "..%2Fx"),
        ("a/b", "a%2Fb"),
        ("a?b", "a%3Fb"),
        ("a#b", "a%23b"),
        ("%2F", "%252F"),
        ("a b", "a%20b"),
        ("\u00e9\u6f22", "%C3%A9%E6%BC%A2"),
        ("x/../../admin", "x%2F..%2F..%2Fadmin"),
    ],
)
def test_workflow_id_is_one_encoded_segment(rsps, client, workflow_id, segment):
    rsps.add(responses.GET, f"{BASE}/api/workflows/{segment}/status", body=body(STATUS_OK))
    client.get_workflow_status(workflow_id)
    url = rsps.calls[0].request.url
    assert url == f"{BASE}/api/workflows/{segment}/status"
    path = requests.utils.urlparse(url).path
    assert path.count("/") == 4
    assert "?" not in url
    assert "#" not in url


@pytest.mark.parametrize("workflow_id", ["..", "."])
def test_dot_segment_ids_never_change_the_endpoint(rsps, client, workflow_id):
    # requests re-decodes %2E, so a dot segment cannot be sent safely: it is refused instead.
    with pytest.raises(InvalidArgumentError) as info:
        client.get_workflow_status(workflow_id)
    assert info.value.code == "INVALID_INPUT"
    assert len(rsps.calls) == 0


def test_ten_kilobyte_id(rsps, client):
    long_id = "a/" * 5120
    segment = "a%2F" * 5120
    rsps.add(
        responses.POST, f"{BASE}/api/workflows/{segment}/execute", body=body(EXEC_SYNC_SUCCESS)
    )
    client.execute_workflow(long_id)
    assert rsps.calls[0].request.url == f"{BASE}/api/workflows/{segment}/execute"


def test_task_id_is_encoded(rsps, client):
    rsps.add(responses.GET, f"{BASE}/api/jobs/..%2Fworkflows%2Fx", body=body(JOB_PROCESSING))
    client.get_job_status("../workflows/x")
    assert rsps.calls[0].request.url == f"{BASE}/api/jobs/..%2Fworkflows%2Fx"


@pytest.mark.parametrize("bad", ["", "   ", None, 12])
def test_empty_or_non_string_ids_refused_without_request(rsps, client, bad):
    for call in (
        lambda: client.execute_workflow(bad),
        lambda: client.get_workflow_status(bad),
        lambda: client.get_job_status(bad),
        lambda: client.validate_workflow(bad),
        lambda: client.stream_workflow(bad),
    ):
        with pytest.raises(InvalidArgumentError) as info:
            call()
        assert info.value.code == "INVALID_INPUT"
    assert len(rsps.calls) == 0


# ----------------------------------------------------------------------------- timeouts


def test_default_timeout_is_passed_to_every_call(rsps, client):
    rsps.add(responses.POST, EXECUTE_URL, body=body(EXEC_SYNC_SUCCESS))
    rsps.add(responses.GET, STATUS_URL, body=body(STATUS_OK))
    rsps.add(responses.GET, JOB_URL, body=body(JOB_PROCESSING))
    rsps.add(responses.GET, USAGE_URL, body=body(USAGE_2026))
    client.execute_workflow(WF)
    client.get_workflow_status(WF)
    client.validate_workflow(WF)
    client.get_job_status(JOB_ID)
    client.get_usage_limits()
    assert len(rsps.calls) == 5
    for call in rsps.calls:
        assert call.request.req_kwargs["timeout"] == (10.0, 30.0)


def test_client_timeout_pair(rsps):
    client = make_client(timeout=(3, 7))
    rsps.add(responses.GET, STATUS_URL, body=body(STATUS_OK))
    client.get_workflow_status(WF)
    assert rsps.calls[0].request.req_kwargs["timeout"] == (3.0, 7.0)


@pytest.mark.parametrize(
    ("per_call", "expected"),
    [(120, (10.0, 120.0)), (5, (5.0, 5.0)), ((1, 600), (1.0, 600.0)), (2.5, (2.5, 2.5))],
)
def test_per_call_timeout_overrides_default(rsps, client, per_call, expected):
    rsps.add(responses.POST, EXECUTE_URL, body=body(EXEC_SYNC_SUCCESS))
    client.execute_workflow(WF, {}, timeout=per_call)
    assert rsps.calls[0].request.req_kwargs["timeout"] == expected


def test_stream_call_passes_timeout(rsps, client):
    rsps.add(
        responses.POST,
        EXECUTE_URL,
        body=b'data: {"event":"final","data":{"success":true,"output":{}}}\n\ndata: "[DONE]"\n\n',
        content_type="text/event-stream",
    )
    with client.stream_workflow(WF, timeout=(2, 9)) as events:
        events.final_result()
    assert rsps.calls[0].request.req_kwargs["timeout"] == (2.0, 9.0)


def test_timeout_captured_on_session_request(rsps):
    captured = []

    class Recording(requests.Session):
        def request(self, method, url, **kwargs):
            captured.append(kwargs.get("timeout"))
            return super().request(method, url, **kwargs)

    client = make_client(session=Recording(), timeout=12)
    rsps.add(responses.GET, USAGE_URL, body=body(USAGE_2026))
    rsps.add(responses.POST, EXECUTE_URL, body=body(EXEC_SYNC_SUCCESS))
    client.get_usage_limits()
    client.execute_workflow(WF, timeout=(4, 40))
    assert captured == [(10.0, 12.0), (4.0, 40.0)]


# ----------------------------------------------------------------------------- logging


def test_info_log_has_method_path_status_duration_and_no_secrets(rsps, client, caplog):
    # One INFO line per request (like openai/httpx): what SIM_LOG=info shows.
    caplog.set_level(logging.INFO, logger="simstudio")
    rsps.add(responses.POST, EXECUTE_URL, body=body(EXEC_SYNC_SUCCESS))
    client.execute_workflow(WF, {"message": "very-private-payload"})
    records = [r for r in caplog.records if r.name.startswith("simstudio")]
    assert records, "a call must log at INFO"
    text = " ".join(r.getMessage() for r in records)
    assert "POST" in text
    assert f"/api/workflows/{WF}/execute" in text
    assert "200" in text
    assert "ms" in text
    for record in caplog.records:
        message = record.getMessage()
        assert KEY not in message
        assert "very-private-payload" not in message
        assert record.levelno == logging.INFO


def test_retry_decision_logged_without_secrets(rsps, caplog):
    caplog.set_level(logging.DEBUG, logger="simstudio")
    sleeps = []
    client = make_client(sleeps)
    rsps.add(responses.GET, STATUS_URL, body=body({"error": "busy"}), status=503)
    rsps.add(responses.GET, STATUS_URL, body=body(STATUS_OK))
    client.get_workflow_status(WF)
    messages = [r.getMessage() for r in caplog.records]
    assert any("retry 1/2" in m for m in messages)
    assert all(KEY not in m for m in messages)
    assert all(r.levelno < logging.WARNING for r in caplog.records)


def test_errors_are_raised_not_logged_as_warnings(rsps, client, caplog):
    caplog.set_level(logging.DEBUG)
    rsps.add(responses.POST, EXECUTE_URL, body=body(EXEC_BAD_KEY), status=401)
    with pytest.raises(AuthenticationError):
        client.execute_workflow(WF, {"secret": "payload-xyz"})
    for record in caplog.records:
        assert record.levelno < logging.WARNING
        assert KEY not in record.getMessage()
        if record.levelno >= logging.INFO:  # bodies are logged at DEBUG only (SIM_LOG=debug)
            assert "payload-xyz" not in record.getMessage()


# ----------------------------------------------------------------------------- rate-limit state


def test_rate_limit_info_reflects_last_answer(rsps, client):
    assert client.get_rate_limit_info() is None
    rsps.add(
        responses.GET,
        USAGE_URL,
        body=body(USAGE_2026),
        headers={
            "X-RateLimit-Limit": "100",
            "X-RateLimit-Remaining": "99",
            "X-RateLimit-Reset": "2026-01-01T00:01:00.000Z",
        },
    )
    client.get_usage_limits()
    info = client.get_rate_limit_info()
    assert (info.limit, info.remaining, info.reset, info.retry_after) == (100, 99, 1767225660, None)
    rsps.replace(
        responses.GET,
        USAGE_URL,
        body=body(USAGE_2026),
        headers={
            "X-RateLimit-Limit": "100",
            "X-RateLimit-Remaining": "98",
            "X-RateLimit-Reset": "1767225720",
        },
    )
    client.get_usage_limits()
    info = client.get_rate_limit_info()
    assert (info.remaining, info.reset) == (98, 1767225720)


def test_rate_limit_info_from_429_retry_after(rsps):
    client = make_client(max_retries=0)
    rsps.add(
        responses.POST,
        EXECUTE_URL,
        body=body({"error": "Too many requests", "code": "ADMISSION_GATE_CAPACITY"}),
        status=429,
        headers={"Retry-After": "5"},
    )
    with pytest.raises(RateLimitError) as info:
        client.execute_workflow(WF)
    assert info.value.retry_after == 5.0
    assert info.value.retryable is True
    rate = client.get_rate_limit_info()
    assert rate.retry_after == 5
    assert rate.remaining == 0


def test_execute_workflow_sync_never_queues(rsps, client):
    rsps.add(responses.POST, EXECUTE_URL, body=body(EXEC_SYNC_SUCCESS))
    result = client.execute_workflow_sync(WF, {"message": "hi"})
    assert result.success is True
    assert "X-Execution-Mode" not in rsps.calls[0].request.headers


def test_execute_workflow_sync_with_stream_returns_final_result(rsps, client):
    rsps.add(
        responses.POST,
        EXECUTE_URL,
        body=(
            b'data: {"blockId":"b1","chunk":"Hi"}\n\n'
            b'data: {"event":"final","data":{"success":true,"output":{}}}\n\n'
            b'data: "[DONE]"\n\n'
        ),
        content_type="text/event-stream",
    )
    result = client.execute_workflow_sync(WF, {"m": 1}, stream=True, selected_outputs=["a.content"])
    assert result.success is True
    assert result.output == {"b1": {"content": "Hi"}}
    assert sent_json(rsps) == {"m": 1, "stream": True, "selectedOutputs": ["a.content"]}


def test_errors_are_simstudio_errors(rsps, client):
    rsps.add(responses.GET, STATUS_URL, body=body({"error": "teapot"}), status=418)
    with pytest.raises(SimStudioError) as info:
        client.get_workflow_status(WF)
    assert info.value.status == 418
    assert "teapot" in str(info.value)

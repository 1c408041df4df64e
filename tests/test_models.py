"""Result dataclasses: documented fields and tolerant construction from both server eras."""

from __future__ import annotations

import dataclasses
import re

import pytest
from _core_helpers import (
    ASYNC_202_2025,
    ASYNC_202_2026,
    EXEC_SYNC_SUCCESS,
    FAILING_SYNC_500,
    JOB_COMPLETED,
    JOB_FAILED,
    KEY,
    STATUS_OK,
    USAGE_2025,
    USAGE_2026,
)

from simstudio import (
    AsyncExecutionResult,
    InvalidResponseError,
    JobStatus,
    RateLimitInfo,
    UsageLimits,
    WorkflowExecutionResult,
    WorkflowStatus,
)
from simstudio.types._wire import error_text
from simstudio.types.jobs import normalize_job_status

normalize_job = JobStatus.from_wire


def field_defaults(cls):
    return {
        f.name: (f.default if f.default is not dataclasses.MISSING else "REQUIRED")
        for f in dataclasses.fields(cls)
    }


# ----------------------------------------------------------------------------- documented shapes


def test_documented_workflow_execution_result_fields():
    defaults = field_defaults(WorkflowExecutionResult)
    assert list(defaults)[:7] == [
        "success",
        "output",
        "error",
        "logs",
        "metadata",
        "trace_spans",
        "total_duration",
    ]
    assert defaults["success"] == "REQUIRED"
    assert all(defaults[name] is None for name in list(defaults)[1:7])
    positional = WorkflowExecutionResult(True, {"a": 1}, None, [], {"duration": 1}, [], 1.5)
    assert positional.total_duration == 1.5


def test_documented_async_result_fields():
    names = [f.name for f in dataclasses.fields(AsyncExecutionResult)]
    assert names[:5] == ["success", "task_id", "status", "created_at", "links"]
    result = AsyncExecutionResult(True, "t1", "queued", "2025-01-01T00:00:00Z")
    assert result.links == {}


def test_documented_status_rate_limit_usage_fields():
    assert field_defaults(WorkflowStatus) == {
        "is_deployed": "REQUIRED",
        "deployed_at": None,
        "needs_redeployment": False,
        "raw": None,  # the wire body, out of the repr and of comparisons
    }
    assert field_defaults(RateLimitInfo) == {
        "limit": "REQUIRED",
        "remaining": "REQUIRED",
        "reset": "REQUIRED",
        "retry_after": None,
    }
    names = [f.name for f in dataclasses.fields(UsageLimits)]
    assert names[:3] == ["success", "rate_limit", "usage"]
    assert UsageLimits(True, {}, {}).storage is None


# ------------------------------------------------------------------ WorkflowExecutionResult


def test_result_from_2026_success():
    result = WorkflowExecutionResult.from_wire(EXEC_SYNC_SUCCESS, 200)
    assert result.success is True
    assert result.output == EXEC_SYNC_SUCCESS["output"]
    assert result.execution_id == EXEC_SYNC_SUCCESS["executionId"]
    assert result.metadata == EXEC_SYNC_SUCCESS["metadata"]
    assert result.logs is None
    assert result.trace_spans is None
    assert result.total_duration is None


def test_result_from_failure():
    result = WorkflowExecutionResult.from_wire(FAILING_SYNC_500, 500)
    assert result.success is False
    assert result.error == "Agent 1: fake upstream failure"
    assert result.output == {}
    assert result.http_status == 500


def test_result_with_all_legacy_fields():
    wire = {
        "success": True,
        "output": 1,
        "logs": [{"blockId": "b"}],
        "traceSpans": [{"id": "s"}],
        "totalDuration": 12,
        "status": "paused",
    }
    result = WorkflowExecutionResult.from_wire(wire)
    assert result.logs == [{"blockId": "b"}]
    assert result.trace_spans == [{"id": "s"}]
    assert result.total_duration == 12.0
    assert result.status == "paused"


def test_result_ignores_wrong_types_and_unknown_keys():
    wire = {
        "success": True,
        "logs": "nope",
        "metadata": [1],
        "traceSpans": {},
        "totalDuration": "12",
        "executionId": 5,
        "brandNew": {"x": 1},
    }
    result = WorkflowExecutionResult.from_wire(wire)
    assert result.logs is None
    assert result.metadata is None
    assert result.trace_spans is None
    assert result.total_duration is None
    assert result.execution_id is None


@pytest.mark.parametrize(
    ("wire", "status", "success"),
    [
        ({"echo": "resp", "custom": True}, 201, True),
        ({"success": "yes", "x": 1}, 200, True),
        ([1, 2], 200, True),
        ("text", 200, True),
        (None, 200, True),
        ({"custom": "error page"}, 418, False),
    ],
)
def test_result_from_response_block_body(wire, status, success):
    result = WorkflowExecutionResult.from_wire(wire, status)
    assert result.success is success
    assert result.output == wire
    assert result.http_status == status
    assert result.error is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("plain", "plain"),
        ({"message": "m", "code": "C"}, "m"),
        ({"error": "inner"}, "inner"),
        ({"detail": "d"}, "d"),
        (None, None),
        (False, None),
        (42, "42"),
        ({"stack": "x"}, "{'stack': 'x'}"),
    ],
)
def test_error_text(value, expected):
    assert error_text(value) == expected


@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        (FAILING_SYNC_500, True),
        ({"success": False, "error": "x", "metadata": {}}, True),
        ({"success": False, "error": "Client cancelled request"}, False),
        ({"error": "Workflow not found"}, False),
        ({"success": True, "output": {}}, False),
        ([], False),
        (None, False),
    ],
)
def test_is_failed_run(wire, expected):
    assert WorkflowExecutionResult.is_failed_run(wire) is expected


# ----------------------------------------------------------------------------- AsyncExecutionResult


def test_async_2025():
    result = AsyncExecutionResult.from_wire(ASYNC_202_2025, "https://sim.ai")
    assert result.task_id == "run_cmh1abc2d0001"
    assert result.links == {"status": "/api/jobs/run_cmh1abc2d0001"}
    assert result.status_url == "https://sim.ai/api/jobs/run_cmh1abc2d0001"
    assert result.created_at == "2025-10-30T12:00:00.000Z"
    assert result.execution_id is None


def test_async_2026():
    result = AsyncExecutionResult.from_wire(ASYNC_202_2026, "https://sim.ai")
    assert result.task_id == ASYNC_202_2026["jobId"]
    assert result.status == "queued"
    assert result.status_url == ASYNC_202_2026["statusUrl"]
    assert result.links["status"] == "/api/jobs/" + ASYNC_202_2026["jobId"]
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", result.created_at)
    assert result.created_at.endswith("Z")


def test_async_pending_status_normalised():
    result = AsyncExecutionResult.from_wire({"jobId": "j", "status": "pending"})
    assert result.status == "queued"
    assert result.links == {"status": "/api/jobs/j"}


@pytest.mark.parametrize("wire", [[], "x", {}, {"taskId": ""}, {"jobId": 5}])
def test_async_invalid(wire):
    with pytest.raises(InvalidResponseError):
        AsyncExecutionResult.from_wire(wire)


# ----------------------------------------------------------------------------- WorkflowStatus


def test_status():
    assert WorkflowStatus.from_wire(STATUS_OK) == WorkflowStatus(
        True, "2026-11-28T19:41:10.705Z", False
    )
    assert WorkflowStatus.from_wire({"isDeployed": False, "deployedAt": None}) == WorkflowStatus(
        False, None, False
    )
    assert WorkflowStatus.from_wire(
        {"isDeployed": True, "needsRedeployment": True}
    ).needs_redeployment


@pytest.mark.parametrize("wire", [[], None, {}, {"isDeployed": "true"}, {"isDeployed": 1}])
def test_status_invalid(wire):
    with pytest.raises(InvalidResponseError):
        WorkflowStatus.from_wire(wire)


# ----------------------------------------------------------------------------- UsageLimits


def test_usage_both_eras_fill_limit():
    new = UsageLimits.from_wire(USAGE_2026)
    old = UsageLimits.from_wire(USAGE_2025)
    for limits in (new, old):
        for bucket in ("sync", "async"):
            assert isinstance(limits.rate_limit[bucket]["limit"], int)
            assert (
                limits.rate_limit[bucket]["limit"] == limits.rate_limit[bucket]["requestsPerMinute"]
            )
    assert new.rate_limit["sync"]["limit"] == 999999
    assert old.rate_limit["async"]["limit"] == 50
    assert USAGE_2026["rateLimit"]["sync"].get("limit") is None  # the wire data is not mutated


def test_usage_success_false_kept():
    limits = UsageLimits.from_wire({"success": False, "rateLimit": {}, "usage": {}})
    assert limits.success is False


@pytest.mark.parametrize(
    "wire", [[], None, {"rateLimit": {}}, {"usage": {}}, {"rateLimit": 1, "usage": {}}]
)
def test_usage_invalid(wire):
    with pytest.raises(InvalidResponseError):
        UsageLimits.from_wire(wire)


# ----------------------------------------------------------------------------- jobs


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("queued", "queued"),
        ("pending", "queued"),
        ("waiting", "queued"),
        ("processing", "processing"),
        ("running", "processing"),
        ("completed", "completed"),
        ("failed", "failed"),
        ("cancelled", "cancelled"),
        ("canceled", "cancelled"),
        ("COMPLETED", "completed"),
        ("paused", "paused"),
        (None, "unknown"),
        ("", "unknown"),
        (3, "unknown"),
    ],
)
def test_job_status_words(raw, expected):
    assert normalize_job_status(raw) == expected


def test_normalize_job_keeps_raw_and_fields():
    wire = {"taskId": "t", "status": "pending", "estimatedDuration": 180000}
    job = normalize_job(wire)
    # Every documented key is present on every era, None where the server said nothing.
    assert job == {
        "success": True,
        "taskId": "t",
        "status": "queued",
        "rawStatus": "pending",
        "output": None,
        "error": None,
        "estimatedDuration": 180000,
        "metadata": {"startedAt": None, "completedAt": None, "duration": None},
    }
    assert job.raw == wire
    assert (job.status, job.task_id, job.is_finished) == ("queued", "t", False)
    completed = normalize_job(JOB_COMPLETED)
    assert "rawStatus" not in completed
    assert completed["metadata"].items() >= JOB_COMPLETED["metadata"].items()
    assert normalize_job(JOB_FAILED)["error"] == "Agent 1: fake upstream failure"


def test_reprs_never_hold_the_key():
    for value in (
        WorkflowExecutionResult.from_wire(EXEC_SYNC_SUCCESS),
        AsyncExecutionResult.from_wire(ASYNC_202_2026),
        WorkflowStatus.from_wire(STATUS_OK),
        UsageLimits.from_wire(USAGE_2026),
        RateLimitInfo(1, 1, 1),
    ):
        assert KEY not in repr(value)
        assert KEY not in str(value)

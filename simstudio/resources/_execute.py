"""Execute requests: validated before any byte is sent, re-sendable byte for byte, and their
answers read into results (a failed run is a result, not an error)."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any, Dict, Optional, Sequence, Union

from .._config import Timeout
from .._errors import InvalidArgumentError
from .._inputs import build_execute_body, encode_json, resource_path
from .._responses import Answer, decode_json, failed_run_or_raise
from ..types._base import with_response
from ..types.workflows import AsyncExecutionResult, WorkflowExecutionResult

__all__ = ["ExecuteRequest", "ExecuteResult", "execution_result", "prepare_execute"]

ExecuteResult = Union[WorkflowExecutionResult, AsyncExecutionResult]

_EXECUTION_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
_MAX_RUN_TIMEOUT = 7 * 24 * 3600


@dataclass(frozen=True)
class ExecuteRequest:
    """A validated execute call, re-sendable byte for byte (same execution id)."""

    workflow_id: str
    path: str
    body: bytes
    headers: Dict[str, str]
    timeout: Optional[Timeout]
    async_execution: bool
    execution_id: str

    @property
    def what(self) -> str:
        """How messages name this call."""
        return f"execute_workflow({self.workflow_id!r})"


def prepare_execute(
    workflow_id: str,
    input_data: Any,
    *,
    timeout: Optional[Timeout] = None,
    selected_outputs: Optional[Sequence[str]] = None,
    async_execution: bool = False,
    execution_id: Optional[str] = None,
    execution_timeout_seconds: Optional[int] = None,
    stream: bool = False,
) -> ExecuteRequest:
    """Validate everything of an execute before any byte is sent."""
    path = resource_path("/api/workflows/{workflow_id}/execute", workflow_id=workflow_id)
    body = build_execute_body(input_data, stream=stream, selected_outputs=selected_outputs)
    run_id = _check_execution_id(execution_id)
    headers = {"X-Execution-Id": run_id}
    if async_execution:
        headers["X-Execution-Mode"] = "async"
    if execution_timeout_seconds is not None:
        if not async_execution:
            raise InvalidArgumentError(
                "execution_timeout_seconds applies to async_execution=True runs only"
            )
        headers["X-Execution-Timeout-Seconds"] = str(_check_run_timeout(execution_timeout_seconds))
    return ExecuteRequest(
        workflow_id=workflow_id,
        path=path,
        body=encode_json(body),
        headers=headers,
        timeout=timeout,
        async_execution=async_execution,
        execution_id=run_id,
    )


def execution_result(
    answer: Answer, async_requested: bool, what: str, base_url: str, now: float
) -> ExecuteResult:
    """The result of an execute answer: a run (maybe failed), or a queued job."""
    if answer.status >= 400:
        failed = failed_run_or_raise(answer, now, what)
        return with_response(failed, answer.headers)
    result: ExecuteResult
    if answer.status == 204 and not async_requested:
        # A Response block may answer "204 No Content": a success without output.
        result = WorkflowExecutionResult(success=True, http_status=204)
        return with_response(result, answer.headers)
    body = decode_json(answer)
    is_async_body = isinstance(body, dict) and ("jobId" in body or "taskId" in body)
    # A sync call's 202 without a job id is a Response block's own status, not a queued run.
    if (answer.status == 202 and (async_requested or is_async_body)) or (
        async_requested and is_async_body
    ):
        result = AsyncExecutionResult.from_wire(body, base_url)
    else:
        result = WorkflowExecutionResult.from_wire(body, answer.status)
    return with_response(result, answer.headers)


def _check_execution_id(value: Optional[str]) -> str:
    if value is None:
        return str(uuid.uuid4())
    if not isinstance(value, str) or not _EXECUTION_ID.fullmatch(value):
        raise InvalidArgumentError("execution_id must be 1-128 characters of A-Z a-z 0-9 . _ : -")
    return value


def _check_run_timeout(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= _MAX_RUN_TIMEOUT:
        raise InvalidArgumentError(
            "execution_timeout_seconds must be a whole number from 1 to 604800"
        )
    return value

"""Run control: execution lookup and cancellation, human-in-the-loop pauses, v2 runs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Union
from urllib.parse import urlencode

from ._base import BaseClient
from ._errors import InvalidResponseError, NotFoundError, RequestTimeoutError
from ._inputs import build_execute_body, encode_json, resource_path
from ._models import (
    TERMINAL_STATUSES,
    AsyncExecutionResult,
    WorkflowExecutionResult,
    error_text,
    float_or_none,
    str_or_none,
)

__all__ = [
    "CancelResult",
    "ExecutionDetails",
    "PausedExecution",
    "RunControlMixin",
    "WorkflowRun",
]


def _object(body: Any, what: str) -> Dict[str, Any]:
    if not isinstance(body, dict):
        raise InvalidResponseError(f"{what}: the answer is not a JSON object", body=body)
    return body


def _v2_data(body: Any, what: str) -> Dict[str, Any]:
    data = _object(body, what).get("data")
    return _object(data, what)


@dataclass
class ExecutionDetails:
    """One execution as ``GET /api/workflows/{id}/executions/{executionId}`` describes it.

    ``status`` is one of ``queued``, ``pending``, ``running``, ``paused``, ``completed``,
    ``failed``, ``cancelled``; ``raw`` keeps the whole answer.
    """

    execution_id: str
    workflow_id: Optional[str]
    status: str
    started_at: Optional[str] = None
    ended_at: Optional[str] = None
    total_duration_ms: Optional[float] = None
    error: Optional[str] = None
    final_output: Any = None
    block_outputs: Any = None
    cost: Any = None
    paused: Any = None
    raw: Dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def is_finished(self) -> bool:
        """Whether the run has ended (completed, failed or cancelled)."""
        return self.status in TERMINAL_STATUSES

    @classmethod
    def from_wire(cls, body: Any) -> ExecutionDetails:
        """Build from the v1 execution answer."""
        body = _object(body, "get_execution")
        execution_id = str_or_none(body.get("executionId"))
        if execution_id is None:
            raise InvalidResponseError("get_execution: the answer has no executionId", body=body)
        return cls(
            execution_id=execution_id,
            workflow_id=str_or_none(body.get("workflowId")),
            status=str_or_none(body.get("status")) or "unknown",
            started_at=str_or_none(body.get("startedAt")),
            ended_at=str_or_none(body.get("endedAt")),
            total_duration_ms=float_or_none(body.get("totalDurationMs")),
            error=error_text(body.get("error")),
            final_output=body.get("finalOutput"),
            block_outputs=body.get("blockOutputs"),
            cost=body.get("cost"),
            paused=body.get("paused"),
            raw=body,
        )

    def to_result(self) -> WorkflowExecutionResult:
        """The execution as a :class:`WorkflowExecutionResult`."""
        return WorkflowExecutionResult(
            success=self.status == "completed",
            output=self.final_output,
            error=self.error,
            metadata={"startedAt": self.started_at, "endedAt": self.ended_at},
            total_duration=self.total_duration_ms,
            execution_id=self.execution_id,
            status=self.status,
        )


@dataclass
class CancelResult:
    """The answer to a cancel request; cancellation is best-effort (see ``reason``)."""

    success: bool
    execution_id: Optional[str] = None
    reason: Optional[str] = None
    raw: Dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_wire(cls, body: Dict[str, Any]) -> CancelResult:
        """Build from a v1 cancel answer or the ``data`` of a v2 one."""
        return cls(
            success=body.get("success") is True,
            execution_id=str_or_none(body.get("executionId")) or str_or_none(body.get("runId")),
            reason=str_or_none(body.get("reason")),
            raw=body,
        )


@dataclass
class PausedExecution:
    """A run waiting for human input; resume it with ``resume_execution``.

    ``pause_points`` lists where it waits; each has a ``contextId``.
    """

    execution_id: str
    workflow_id: Optional[str]
    status: Optional[str]
    pause_points: List[Dict[str, Any]] = field(default_factory=list)
    raw: Dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def context_ids(self) -> List[str]:
        """The ``contextId`` of every pause point, in order."""
        return [p["contextId"] for p in self.pause_points if isinstance(p.get("contextId"), str)]

    @classmethod
    def from_wire(cls, body: Any) -> PausedExecution:
        """Build from one paused-execution object."""
        body = _object(body, "paused execution")
        execution_id = str_or_none(body.get("executionId")) or str_or_none(body.get("id"))
        if execution_id is None:
            raise InvalidResponseError("paused execution: no executionId", body=body)
        points = body.get("pausePoints")
        return cls(
            execution_id=execution_id,
            workflow_id=str_or_none(body.get("workflowId")),
            status=str_or_none(body.get("status")),
            pause_points=[p for p in points if isinstance(p, dict)]
            if isinstance(points, list)
            else [],
            raw=body,
        )


@dataclass
class WorkflowRun:
    """A v2 run (``GET /api/v2/workflows/{id}/runs/{runId}``)."""

    run_id: str
    workflow_id: Optional[str]
    status: str
    output: Any = None
    error: Optional[str] = None
    started_at: Optional[str] = None
    ended_at: Optional[str] = None
    duration_ms: Optional[float] = None
    raw: Dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_wire(cls, data: Dict[str, Any]) -> WorkflowRun:
        """Build from the ``data`` object of a v2 run answer."""
        run_id = str_or_none(data.get("runId"))
        if run_id is None:
            raise InvalidResponseError("get_workflow_run: the answer has no runId", body=data)
        return cls(
            run_id=run_id,
            workflow_id=str_or_none(data.get("workflowId")),
            status=str_or_none(data.get("status")) or "unknown",
            output=data.get("output"),
            error=error_text(data.get("error")),
            started_at=str_or_none(data.get("startedAt")),
            ended_at=str_or_none(data.get("endedAt")),
            duration_ms=float_or_none(data.get("durationMs")),
            raw=data,
        )


def _query(include_output: bool, selected_outputs: Optional[Sequence[str]]) -> str:
    params = {"includeOutput": "true" if include_output else "false"}
    if selected_outputs:
        params["selectedOutputs"] = ",".join(selected_outputs)
    return "?" + urlencode(params)


class RunControlMixin(BaseClient):
    """Methods that look at and steer runs that already exist."""

    def get_execution(
        self,
        workflow_id: str,
        execution_id: str,
        *,
        include_output: bool = True,
        selected_outputs: Optional[Sequence[str]] = None,
    ) -> ExecutionDetails:
        """Look up one execution (status, timing, output) by its id."""
        path = resource_path(
            "/api/workflows/{workflow_id}/executions/{execution_id}",
            workflow_id=workflow_id,
            execution_id=execution_id,
        ) + _query(include_output, selected_outputs)
        return ExecutionDetails.from_wire(self._get_json(path, f"get_execution({execution_id!r})"))

    def wait_for_execution(
        self,
        workflow_id: str,
        execution_id: str,
        *,
        timeout: float = 600.0,
        poll_interval: float = 0.5,
        max_poll_interval: float = 5.0,
    ) -> ExecutionDetails:
        """Poll :meth:`get_execution` until the run has finished (completed, failed, cancelled).

        Raises:
            RequestTimeoutError: The run was still going at the deadline.
        """
        deadline = self._clock() + timeout
        interval = poll_interval
        while True:
            try:
                details: Optional[ExecutionDetails] = self.get_execution(workflow_id, execution_id)
            except NotFoundError:
                details = None  # the run may not be recorded yet right after it was claimed
            if details is not None and details.is_finished:
                return details
            remaining = deadline - self._clock()
            if remaining <= 0:
                raise RequestTimeoutError(
                    f"wait_for_execution({execution_id!r}): not finished after {timeout:g}s"
                )
            self._sleep(min(interval, remaining))
            interval = min(interval * 1.5, max_poll_interval)

    def cancel_execution(self, workflow_id: str, execution_id: str) -> CancelResult:
        """Ask the server to cancel a running, queued or paused execution (best-effort)."""
        path = resource_path(
            "/api/workflows/{workflow_id}/executions/{execution_id}/cancel",
            workflow_id=workflow_id,
            execution_id=execution_id,
        )
        body = self._post_json(path, f"cancel_execution({execution_id!r})", b"{}")
        return CancelResult.from_wire(_object(body, "cancel_execution"))

    def list_paused_executions(
        self, workflow_id: str, *, status: Optional[str] = None
    ) -> List[PausedExecution]:
        """The workflow's executions paused for human input."""
        query = f"?{urlencode({'status': status})}" if status else ""
        path = resource_path("/api/workflows/{workflow_id}/paused", workflow_id=workflow_id) + query
        body = _object(self._get_json(path, "list_paused_executions"), "list_paused_executions")
        items = body.get("pausedExecutions")
        return (
            [PausedExecution.from_wire(item) for item in items] if isinstance(items, list) else []
        )

    def get_paused_execution(self, workflow_id: str, execution_id: str) -> PausedExecution:
        """One paused execution with its pause points."""
        path = resource_path(
            "/api/workflows/{workflow_id}/paused/{execution_id}",
            workflow_id=workflow_id,
            execution_id=execution_id,
        )
        body = _object(self._get_json(path, "get_paused_execution"), "get_paused_execution")
        inner = body.get("pausedExecution", body)
        return PausedExecution.from_wire(inner)

    def resume_execution(
        self,
        workflow_id: str,
        execution_id: str,
        context_id: str,
        input_data: Any = None,
    ) -> Union[WorkflowExecutionResult, AsyncExecutionResult]:
        """Resume a paused execution at ``context_id`` with the human's input.

        Returns the run's result when the server ran it to the end (or to the next pause,
        ``status="paused"``), a result with ``status`` ``queued``/``started`` when it was
        handed to a worker, or an :class:`AsyncExecutionResult` for a 202.
        """
        path = resource_path(
            "/api/resume/{workflow_id}/{execution_id}/{context_id}",
            workflow_id=workflow_id,
            execution_id=execution_id,
            context_id=context_id,
        )
        payload = {
            "input": build_execute_body(input_data) if isinstance(input_data, dict) else input_data
        }
        what = f"resume_execution({execution_id!r})"
        answer = self._send("POST", path, what=what, body=encode_json(payload))
        body = self._json_or_raise(answer, what)
        if answer.status == 202:
            return AsyncExecutionResult.from_wire(body, self._config.base_url)
        if (
            isinstance(body, dict)
            and "success" not in body
            and body.get("status") in ("queued", "started")
        ):
            return WorkflowExecutionResult(
                success=True,
                status=body["status"],
                execution_id=str_or_none(body.get("executionId")),
                metadata=body,
                http_status=answer.status,
            )
        return WorkflowExecutionResult.from_wire(body, answer.status)

    def get_workflow_run(
        self,
        workflow_id: str,
        run_id: str,
        *,
        include_output: bool = True,
        selected_outputs: Optional[Sequence[str]] = None,
    ) -> WorkflowRun:
        """Look up a v2 run (``/api/v2/workflows/{id}/runs/{runId}``)."""
        path = resource_path(
            "/api/v2/workflows/{workflow_id}/runs/{run_id}", workflow_id=workflow_id, run_id=run_id
        ) + _query(include_output, selected_outputs)
        return WorkflowRun.from_wire(
            _v2_data(self._get_json(path, "get_workflow_run"), "get_workflow_run")
        )

    def cancel_run(self, workflow_id: str, run_id: str) -> CancelResult:
        """Cancel a v2 run (best-effort)."""
        path = resource_path(
            "/api/v2/workflows/{workflow_id}/runs/{run_id}/cancel",
            workflow_id=workflow_id,
            run_id=run_id,
        )
        body = self._post_json(path, f"cancel_run({run_id!r})", b"{}")
        return CancelResult.from_wire(_v2_data(body, "cancel_run"))

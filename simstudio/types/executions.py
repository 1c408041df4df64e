"""Results about runs that exist: execution details, cancellations, paused runs, v2 runs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from .._errors import InvalidResponseError
from ._base import APIObject
from ._wire import error_text, float_or_none, object_body, str_or_none
from .jobs import TERMINAL_STATUSES
from .workflows import WorkflowExecutionResult

__all__ = ["CancelResult", "ExecutionDetails", "PausedExecution", "WorkflowRun"]


@dataclass
class ExecutionDetails(APIObject):
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
    raw: Dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def is_finished(self) -> bool:
        """Whether the run has ended (completed, failed or cancelled)."""
        return self.status in TERMINAL_STATUSES

    @classmethod
    def from_wire(cls, body: Any) -> ExecutionDetails:
        """Build from the v1 execution answer."""
        body = object_body(body, "get_execution")
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
class CancelResult(APIObject):
    """The answer to a cancel request; cancellation is best-effort (see ``reason``)."""

    success: bool
    execution_id: Optional[str] = None
    reason: Optional[str] = None
    raw: Dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

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
class PausedExecution(APIObject):
    """A run waiting for human input; resume it with ``resume_execution``.

    ``pause_points`` lists where it waits; each has a ``contextId``.
    """

    execution_id: str
    workflow_id: Optional[str]
    status: Optional[str]
    pause_points: List[Dict[str, Any]] = field(default_factory=list)
    raw: Dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def context_ids(self) -> List[str]:
        """The ``contextId`` of every pause point, in order."""
        return [p["contextId"] for p in self.pause_points if isinstance(p.get("contextId"), str)]

    @classmethod
    def from_wire(cls, body: Any) -> PausedExecution:
        """Build from one paused-execution object."""
        body = object_body(body, "paused execution")
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
class WorkflowRun(APIObject):
    """A v2 run (``GET /api/v2/workflows/{id}/runs/{runId}``)."""

    run_id: str
    workflow_id: Optional[str]
    status: str
    output: Any = None
    error: Optional[str] = None
    started_at: Optional[str] = None
    ended_at: Optional[str] = None
    duration_ms: Optional[float] = None
    raw: Dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

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

"""Execution logs: log entries of both API versions, their trace spans, and execution snapshots."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from .._errors import InvalidResponseError
from ._base import APIObject
from ._lazy_fields import Reader, from_wire_body, read_on_first_use, reads
from ._wire import bool_or_none, dict_or_none, float_or_none, list_or_none, object_body, str_or_none

__all__ = ["ExecutionSnapshot", "LogEntry", "LogWorkflow", "TraceSpan"]


def _cost(value: Any) -> Optional[float]:
    """``cost.total`` (both versions send ``{"total": n}``; a bare number is taken too)."""
    total = value.get("total") if isinstance(value, dict) else value
    return float_or_none(total)


@dataclass
class TraceSpan:
    """One span of a run's trace: the workflow, then each block (nested in ``children``).

    Attributes:
        id: The span id.
        name: The block's (or workflow's) display name.
        type: ``workflow``, ``agent``, ``function``, ``start_trigger``, ...
        status: ``success`` or ``error``.
        duration_ms: How long it took.
        start_time: ISO-8601 start.
        end_time: ISO-8601 end.
        block_id: The block, for block spans.
        input: What the block received.
        output: What the block produced.
        children: Nested spans.
    """

    id: Optional[str]
    name: Optional[str]
    type: Optional[str] = None
    status: Optional[str] = None
    duration_ms: Optional[float] = None
    start_time: Optional[str] = None
    end_time: Optional[str] = None
    block_id: Optional[str] = None
    input: Any = None
    output: Any = None
    children: List[TraceSpan] = field(default_factory=list)
    raw: Any = field(default=None, repr=False, compare=False)

    @classmethod
    def from_wire(cls, body: Any) -> TraceSpan:
        """Build from one ``traceSpans`` item (unknown keys are kept in ``raw``)."""
        body = body if isinstance(body, dict) else {}
        return cls(
            id=str_or_none(body.get("id")),
            name=str_or_none(body.get("name")),
            type=str_or_none(body.get("type")),
            status=str_or_none(body.get("status")),
            duration_ms=float_or_none(body.get("duration")),
            start_time=str_or_none(body.get("startTime")),
            end_time=str_or_none(body.get("endTime")),
            block_id=str_or_none(body.get("blockId")),
            input=body.get("input"),
            output=body.get("output"),
            children=spans(body.get("children")) or [],
            raw=body,
        )


def spans(value: Any) -> Optional[List[TraceSpan]]:
    """A ``traceSpans`` list as :class:`TraceSpan` objects (``None`` when absent)."""
    items = list_or_none(value)
    return None if items is None else [TraceSpan.from_wire(item) for item in items]


@dataclass
class LogWorkflow:
    """The workflow a log entry belongs to (with ``details="full"`` and in ``logs.get()``).

    Attributes:
        id: The workflow id.
        name: Its name.
        description: Its description.
        deleted: Whether it has been deleted since the run.
        workspace_id: Its workspace (``logs.get()`` only).
        folder_path: Its folder, e.g. ``"/"`` (v2 ``logs.get()`` only).
        owner_email: Its owner's e-mail (v2 ``logs.get()`` only).
    """

    id: Optional[str]
    name: Optional[str] = None
    description: Optional[str] = None
    deleted: Optional[bool] = None
    workspace_id: Optional[str] = None
    folder_path: Optional[str] = None
    owner_email: Optional[str] = None
    raw: Any = field(default=None, repr=False, compare=False)

    @classmethod
    def from_wire(cls, body: Any) -> Optional[LogWorkflow]:
        """Build from a log's ``workflow`` object (``None`` when there is none)."""
        if not isinstance(body, dict):
            return None
        return cls(
            id=str_or_none(body.get("id")),
            name=str_or_none(body.get("name")),
            description=str_or_none(body.get("description")),
            deleted=bool_or_none(body.get("deleted")),
            workspace_id=str_or_none(body.get("workspaceId")),
            folder_path=str_or_none(body.get("folderPath")),
            owner_email=str_or_none(body.get("ownerEmail")),
            raw=body,
        )


def _execution_data(body: Dict[str, Any]) -> Dict[str, Any]:
    """v1 ``get()`` nests the output and the trace in ``executionData``; the rest is flat."""
    return dict_or_none(body.get("executionData")) or {}


def _flat_or_nested(key: str) -> Reader:
    return lambda body: body[key] if key in body else _execution_data(body).get(key)


_final_output = _flat_or_nested("finalOutput")
_trace = _flat_or_nested("traceSpans")


# Only the ids are read when an entry is built (a list of 50,000 builds 50,000 entries, see
# benchmarks/bench_logs.py); every other field is read from the wire on first use.
_LOG_FIELDS: Dict[str, Reader] = {
    "workflow_id": reads(str_or_none, "workflowId"),
    "status": reads(str_or_none, "status"),
    "level": reads(str_or_none, "level"),
    "trigger": reads(str_or_none, "trigger"),
    "started_at": reads(str_or_none, "startedAt"),
    "ended_at": reads(str_or_none, "endedAt"),
    "total_duration_ms": reads(float_or_none, "totalDurationMs"),
    "cost": reads(_cost, "cost"),
    "deployment_version_id": reads(str_or_none, "deploymentVersionId"),
    "files": reads(list_or_none, "files"),
    "workflow": reads(LogWorkflow.from_wire, "workflow"),
    "final_output": _final_output,
    "trace_spans": lambda body: spans(_trace(body)),
    "workflow_state": reads(dict_or_none, "workflowState"),
    "created_at": reads(str_or_none, "createdAt"),
}


@read_on_first_use(_LOG_FIELDS, eager=("id", "execution_id"))
@dataclass
class LogEntry(APIObject):
    """One execution log entry: what ran, when, how it ended and what it cost.

    v1 and v2 answers map onto this one shape. ``id`` is what :meth:`client.logs.get()
    <simstudio.resources.logs.Logs.get>` takes on the same server: the log's own id on v1, the
    run id on v2 (where a log is addressed by its run).

    Attributes:
        id: The id to pass to ``client.logs.get()``.
        execution_id: The run's execution id (v2 calls it ``runId``; see ``run_id``).
        workflow_id: The workflow that ran.
        status: ``completed``, ``failed``, ... (v2 only; ``None`` on v1, see ``is_error``).
        level: ``info`` or ``error``.
        trigger: What started the run: ``api``, ``webhook``, ``schedule``, ``manual``, ``chat``.
        started_at: ISO-8601 start.
        ended_at: ISO-8601 end (``None`` while running).
        total_duration_ms: How long the run took.
        cost: The run's total cost (``cost.total``).
        deployment_version_id: The deployment that ran.
        files: Files the run produced, when any.
        workflow: The workflow (``details="full"`` and ``get()``).
        final_output: The run's final output (``include_final_output=True`` and ``get()``).
        trace_spans: The run's trace (``include_trace_spans=True`` and ``get()``).
        workflow_state: The workflow's blocks and edges as they ran (v2 ``get()``).
        created_at: When the entry was written (``get()``).

    Built from the wire, an entry reads each field but the ids from ``raw`` when the field
    is first used (listing 50,000 entries then costs little more than the pages' JSON).
    """

    id: str
    execution_id: str
    workflow_id: Optional[str] = None
    status: Optional[str] = None
    level: Optional[str] = None
    trigger: Optional[str] = None
    started_at: Optional[str] = None
    ended_at: Optional[str] = None
    total_duration_ms: Optional[float] = None
    cost: Optional[float] = None
    deployment_version_id: Optional[str] = None
    files: Optional[List[Any]] = None
    workflow: Optional[LogWorkflow] = None
    final_output: Any = None
    trace_spans: Optional[List[TraceSpan]] = None
    workflow_state: Optional[Dict[str, Any]] = None
    created_at: Optional[str] = None
    raw: Any = field(default=None, repr=False, compare=False)

    @property
    def run_id(self) -> str:
        """The execution id under v2's name."""
        return self.execution_id

    @property
    def is_error(self) -> bool:
        """Whether the run failed (level ``error``, or status ``failed``)."""
        return self.level == "error" or self.status == "failed"

    @classmethod
    def from_wire(cls, body: Any) -> LogEntry:
        """Build from a log of ``/api/v1/logs`` or ``/api/v2/logs`` (list item or ``data``)."""
        if body.__class__ is not dict:
            body = object_body(body, "log entry")
        get = body.get
        run_id, log_id, execution_id = get("runId"), get("id"), get("executionId")
        # v2 addresses a log by its run; v1 by the log's own id.
        entry_id = log_id if log_id.__class__ is str and log_id else run_id
        execution_id = run_id if run_id.__class__ is str and run_id else execution_id
        if entry_id.__class__ is not str or execution_id.__class__ is not str:
            raise InvalidResponseError("log entry: no id or execution id", body=body)
        return from_wire_body(cls, body, {"id": entry_id, "execution_id": execution_id})


@dataclass
class ExecutionSnapshot(APIObject):
    """An execution's workflow state and metadata (``GET /api/v1/logs/executions/{id}``).

    Attributes:
        execution_id: The execution.
        workflow_id: Its workflow.
        workflow_state: The workflow as it ran: ``blocks``, ``edges``, ``loops``, ``parallels``.
        trigger: What started it.
        started_at: ISO-8601 start.
        ended_at: ISO-8601 end.
        total_duration_ms: How long it took.
        cost: Its total cost.
    """

    execution_id: str
    workflow_id: Optional[str] = None
    workflow_state: Dict[str, Any] = field(default_factory=dict)
    trigger: Optional[str] = None
    started_at: Optional[str] = None
    ended_at: Optional[str] = None
    total_duration_ms: Optional[float] = None
    cost: Optional[float] = None
    raw: Any = field(default=None, repr=False, compare=False)

    @property
    def blocks(self) -> Dict[str, Any]:
        """The workflow's blocks by id (``workflow_state["blocks"]``)."""
        return dict_or_none(self.workflow_state.get("blocks")) or {}

    @classmethod
    def from_wire(cls, body: Any) -> ExecutionSnapshot:
        """Build from the answer, which has no ``data`` wrapper."""
        body = object_body(body, "execution snapshot")
        execution_id = str_or_none(body.get("executionId"))
        if execution_id is None:
            raise InvalidResponseError("execution snapshot: no executionId", body=body)
        meta = dict_or_none(body.get("executionMetadata")) or {}
        return cls(
            execution_id=execution_id,
            workflow_id=str_or_none(body.get("workflowId")),
            workflow_state=dict_or_none(body.get("workflowState")) or {},
            trigger=str_or_none(meta.get("trigger")),
            started_at=str_or_none(meta.get("startedAt")),
            ended_at=str_or_none(meta.get("endedAt")),
            total_duration_ms=float_or_none(meta.get("totalDurationMs")),
            cost=_cost(meta.get("cost")),
            raw=body,
        )

"""JSON views of log entries: v1 and v2 list items, single logs and execution snapshots."""

from __future__ import annotations

from typing import Any, Dict, Optional

from ._directory import Directory
from ._logs import LogRecord, spans_of, stable_id
from ._util import iso

Body = Dict[str, Any]


def _common(record: LogRecord) -> Body:
    return {
        "workflowId": record.workflow_id,
        "deploymentVersionId": stable_id("deployment", record.workflow_id),
    }


def _timing(record: LogRecord) -> Body:
    return {
        "level": record.level,
        "trigger": record.trigger,
        "startedAt": record.started_iso,
        "endedAt": record.ended_iso,
        "totalDurationMs": record.duration_ms,
    }


def _workflow(record: LogRecord) -> Body:
    return {"id": record.workflow_id, "name": record.workflow_name,
            "description": record.workflow_name, "deleted": False}  # fmt: skip


def list_item(record: LogRecord, v2: bool, full: bool, output: bool, spans: bool) -> Body:
    """One item of ``GET /api/v1/logs`` (``id``, ``executionId``) or ``/api/v2/logs``
    (``runId``, ``status``); ``workflow``, ``finalOutput`` and ``traceSpans`` when asked."""
    if v2:
        item: Body = {"runId": record.execution_id, **_common(record), "status": record.status}
    else:
        item = {"id": record.log_id, "workflowId": record.workflow_id,
                "executionId": record.execution_id,
                "deploymentVersionId": _common(record)["deploymentVersionId"]}  # fmt: skip
    item.update(_timing(record))
    item["cost"] = {"total": record.cost}
    item["files"] = None
    if full:
        item["workflow"] = _workflow(record)
    if output:
        item["finalOutput"] = record.final_output
    if spans:
        item["traceSpans"] = spans_of(record)
    return item


def _workflow_detail(record: LogRecord, directory: Directory, v2: bool) -> Body:
    created = iso(record.created_at)
    detail = {**_workflow(record), "workspaceId": record.workspace_id,
              "createdAt": created, "updatedAt": created}  # fmt: skip
    if v2:
        detail["folderPath"] = "/"
        detail["ownerEmail"] = directory.owner.email
    else:
        detail["folderId"] = None
        detail["userId"] = directory.owner.id
    return detail


def workflow_state(record: LogRecord) -> Body:
    """The workflow's blocks and edges as the run saw them: a start block and its one block."""
    start_id = stable_id("start-block", record.workflow_id)
    block_id = record.block_id or stable_id("block", record.workflow_id)
    blocks = {
        start_id: {"id": start_id, "name": "Start", "type": "start_trigger", "enabled": True},
        block_id: {
            "id": block_id,
            "name": record.block_name,
            "type": record.block_type,
            "enabled": True,
        },
    }
    edge = {"id": stable_id("edge", record.workflow_id), "source": start_id, "target": block_id}
    return {"blocks": blocks, "edges": [edge], "loops": {}, "parallels": {}}


def v1_log(record: LogRecord, directory: Directory) -> Body:
    """``data`` of ``GET /api/v1/logs/{id}``: the output and spans sit in ``executionData``."""
    spans = spans_of(record)
    execution: Body = {
        "trigger": {"type": record.trigger, "source": record.trigger,
                    "timestamp": record.started_iso},
        "hasTraceSpans": True, "traceSpanCount": 1 + len(spans[0]["children"]),
        "tokens": {"input": 0, "output": 0, "total": 0}, "models": {},
        "finalOutput": record.final_output, "traceSpans": spans,
    }  # fmt: skip
    if record.error is not None:
        execution["completionFailure"] = record.error
    return {"id": record.log_id, "workflowId": record.workflow_id,
            "executionId": record.execution_id, **_timing(record),
            "workflow": _workflow_detail(record, directory, v2=False),
            "executionData": execution, "cost": {"total": record.cost},
            "createdAt": iso(record.created_at)}  # fmt: skip


def v2_log(record: LogRecord, directory: Directory) -> Body:
    """``data`` of ``GET /api/v2/logs/{runId}``: state, spans and output at the top."""
    item = list_item(record, v2=True, full=False, output=False, spans=False)
    item.pop("cost")
    item["workflow"] = _workflow_detail(record, directory, v2=True)
    item["workflowState"] = workflow_state(record)
    item["traceSpans"] = spans_of(record)
    item["finalOutput"] = record.final_output
    item["cost"] = {"total": record.cost}
    item["createdAt"] = iso(record.created_at)
    return item


def execution_snapshot(record: LogRecord, limits: Optional[Body]) -> Body:
    """``GET /api/v1/logs/executions/{executionId}``: no ``data`` wrapper."""
    return {
        "executionId": record.execution_id,
        "workflowId": record.workflow_id,
        "workflowState": workflow_state(record),
        "executionMetadata": {
            "trigger": record.trigger,
            "startedAt": record.started_iso,
            "endedAt": iso(record.ended_at) if record.ended_at is not None else None,
            "totalDurationMs": record.duration_ms,
            "cost": {"total": record.cost},
        },
        "limits": limits or {},
    }

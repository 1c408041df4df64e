"""JSON views of runs: v1 execution status, paused executions and pause points, v2 runs."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from ._engine import Outcome
from ._ratelimit import COST_PER_EXECUTION
from ._runs import Run
from ._util import iso
from ._wire import metadata

Body = Dict[str, Any]


def _ms(run: Run) -> Optional[int]:
    if run.ended_at is None:
        return None
    return int(max(0.0, run.ended_at - (run.started_at or run.created_at)) * 1000)


def block_outputs(run: Run, selectors: Optional[List[str]]) -> Optional[Body]:
    """Outputs picked by ``blockId`` / ``blockId.path`` selectors (ids only), keyed by selector."""
    if selectors is None:
        return None
    picked: Body = {}
    output = run.outcome.output if run.outcome is not None else None
    for selector in selectors:
        block, _, path = selector.partition(".")
        if block != run.workflow.block_id or output is None:
            continue
        value: Any = output
        for part in path.split(".") if path else []:
            if not isinstance(value, dict) or part not in value:
                break
            value = value[part]
        else:
            picked[selector] = value
    return picked


def _pause_point(run: Run, base_url: str) -> Body:
    links = {
        "apiUrl": f"{base_url}/api/resume/{run.workflow_id}/{run.execution_id}/{run.context_id}",
        "uiUrl": f"{base_url}/resume/{run.workflow_id}/{run.execution_id}",
        "contextId": run.context_id,
        "executionId": run.execution_id,
        "workflowId": run.workflow_id,
    }
    pause = run.outcome.pause if run.outcome is not None else None
    return {
        "contextId": run.context_id,
        "blockId": run.workflow.block_id,
        "response": pause.response if pause is not None else None,
        "registeredAt": iso(run.paused_at or run.created_at),
        "resumeStatus": "paused" if run.pause_state == "paused" else "resumed",
        "snapshotReady": True,
        "resumeLinks": links,
        "queuePosition": None,
        "latestResumeEntry": None,
    }


def paused_summary(run: Run, base_url: str) -> Body:
    """A ``PausedExecutionSummary`` of a run that paused."""
    paused_at = iso(run.paused_at) if run.paused_at is not None else None
    return {
        "id": run.paused_execution_id,
        "workflowId": run.workflow_id,
        "executionId": run.execution_id,
        "status": run.pause_state,
        "totalPauseCount": run.resumed_count + (1 if run.pause_state == "paused" else 0),
        "resumedCount": run.resumed_count,
        "pausedAt": paused_at,
        "updatedAt": paused_at,
        "expiresAt": None,
        "metadata": None,
        "triggerIds": [],
        "pausePoints": [_pause_point(run, base_url)] if run.context_id else [],
    }


def paused_detail(run: Run, base_url: str) -> Body:
    """A ``PausedExecutionDetail``: the summary plus snapshot and (empty) resume queue."""
    detail = paused_summary(run, base_url)
    detail["executionSnapshot"] = {"snapshot": "{}", "triggerIds": []}
    detail["queue"] = []
    return detail


def pause_context(run: Run, base_url: str) -> Body:
    """A ``PauseContextDetail`` for the run's current pause point."""
    return {
        "execution": paused_summary(run, base_url),
        "pausePoint": _pause_point(run, base_url),
        "queue": [],
        "activeResumeEntry": None,
    }


def _v1_paused(run: Run) -> Optional[Body]:
    if run.status != "paused":
        return None
    return {
        "pausedAt": iso(run.paused_at or run.created_at),
        "resumeAt": None,
        "pauseKind": "human",
        "blockedOnBlockId": run.workflow.block_id,
        "pausedExecutionId": run.paused_execution_id,
        "pausePointCount": 1,
        "resumedCount": run.resumed_count,
    }


def execution_status(run: Run, include_output: bool, selectors: Optional[List[str]]) -> Body:
    """``GET /api/workflows/{id}/executions/{executionId}`` (§8)."""
    outcome = run.outcome
    completed = run.status == "completed" and outcome is not None
    return {
        "executionId": run.execution_id,
        "workflowId": run.workflow_id,
        "status": run.status,
        "trigger": "api",
        "level": "error" if run.status == "failed" else "info",
        "startedAt": iso(run.started_at or run.created_at),
        "endedAt": iso(run.ended_at) if run.ended_at is not None else None,
        "totalDurationMs": _ms(run),
        "paused": _v1_paused(run),
        "cost": {"total": COST_PER_EXECUTION},
        "error": outcome.error if outcome is not None and not outcome.success else None,
        "finalOutput": outcome.output if completed and include_output and outcome else None,
        "blockOutputs": block_outputs(run, selectors),
    }


def v2_error(outcome: Outcome, run: Run, attributed: bool) -> Optional[Body]:
    """The structured ``ExecutionError`` of a run, or ``None`` if it did not fail."""
    if outcome.status not in ("failed", "cancelled"):
        return None
    code = outcome.error_code or "EXECUTION_FAILED"
    error: Body = {"message": outcome.error or "Workflow execution failed"}
    if code == "BLOCK_EXECUTION_FAILED" and attributed:
        error["code"] = code
        error["blockId"] = run.workflow.block_id
        error["blockName"] = run.workflow.block_display
        error["blockType"] = "agent" if outcome.streamed else "function"
    else:
        error["code"] = "EXECUTION_FAILED" if code == "BLOCK_EXECUTION_FAILED" else code
    return error


def v2_run_result(run: Run, outcome: Outcome) -> Body:
    """``WorkflowRunResult`` of a synchronous v2 execute or resume."""
    return {
        "runId": run.execution_id,
        "workflowId": run.workflow_id,
        "status": outcome.status,
        "output": outcome.output,
        "error": v2_error(outcome, run, attributed=True),
        "startedAt": metadata(outcome)["startTime"],
        "endedAt": metadata(outcome)["endTime"],
        "durationMs": outcome.duration_ms,
    }


def v2_run_status(run: Run, include_output: bool, selectors: Optional[List[str]]) -> Body:
    """``WorkflowRunStatus`` of ``GET /api/v2/workflows/{id}/runs/{runId}``."""
    outcome = run.outcome
    paused = None
    if run.status == "paused":
        paused = {
            "contextId": run.context_id,
            "pausedAt": iso(run.paused_at or run.created_at),
            "resumeAt": None,
            "pauseKind": "human",
            "blockedOnBlockId": run.workflow.block_id,
            "automaticResumeWaitingReason": None,
            "pausePointCount": 1,
            "resumedCount": run.resumed_count,
        }
    return {
        "runId": run.execution_id,
        "workflowId": run.workflow_id,
        "status": run.status,
        "trigger": "api",
        "startedAt": iso(run.started_at or run.created_at),
        "endedAt": iso(run.ended_at) if run.ended_at is not None else None,
        "durationMs": _ms(run),
        "paused": paused,
        "cost": {"total": COST_PER_EXECUTION},
        "error": v2_error(outcome, run, attributed=False) if outcome is not None else None,
        "output": outcome.output
        if outcome is not None and include_output and run.status == "completed"
        else None,
        "blockOutputs": block_outputs(run, selectors),
    }

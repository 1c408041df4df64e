"""v1 run routes (HEAD only): execution status and cancel, paused executions and resume."""

from __future__ import annotations

import json
from typing import Any, List, Optional

from ._control import ResumeRefusedError, cancel, resume
from ._dispatch import Route
from ._faults import Fault
from ._records import Request
from ._responses import Response, json_response
from ._runs import Run
from ._state import ServerState
from ._util import dumps, iso
from ._views import execution_status, pause_context, paused_detail, paused_summary


def _guard(state: ServerState, request: Request) -> Optional[Response]:
    """404 in the 2025 wire format (these routes did not exist), 401 without a valid key."""
    if state.wire.era == "2025":
        return json_response(404, {"error": "Not found"})
    auth = state.auth(request)
    if auth != "ok":
        return json_response(401, {"error": "Unauthorized" if auth == "missing" else
                                   "Invalid API key"})  # fmt: skip
    return None


def _run(state: ServerState, wf_id: str, execution_id: str) -> Optional[Run]:
    run = state.runs.get(execution_id)
    return run if run is not None and run.workflow_id == wf_id else None


def _selectors(request: Request) -> Optional[List[str]]:
    raw = request.query_value("selectedOutputs")
    if raw is None:
        return None
    return [part.strip() for part in raw.split(",") if part.strip()]


def get_execution(
    state: ServerState, request: Request, fault: Optional[Fault], wf_id: str, execution_id: str
) -> Response:
    """``GET /api/workflows/{id}/executions/{executionId}``."""
    refused = _guard(state, request)
    if refused is not None:
        return refused
    run = _run(state, wf_id, execution_id)
    if run is None:
        return json_response(404, {"error": "Execution not found"})
    include = request.query_value("includeOutput") == "true"
    return json_response(200, execution_status(run, include, _selectors(request)))


def cancel_execution(
    state: ServerState, request: Request, fault: Optional[Fault], wf_id: str, execution_id: str
) -> Response:
    """``POST /api/workflows/{id}/executions/{executionId}/cancel`` (best-effort)."""
    refused = _guard(state, request)
    if refused is not None:
        return refused
    run = _run(state, wf_id, execution_id)
    if run is None:
        return json_response(404, {"error": "Execution not found"})
    return json_response(200, {"executionId": run.execution_id, **cancel(run)})


def list_paused(
    state: ServerState, request: Request, fault: Optional[Fault], wf_id: str
) -> Response:
    """``GET /api/workflows/{id}/paused?status=``: paused runs (default: still paused)."""
    refused = _guard(state, request)
    if refused is not None:
        return refused
    if state.workflow(wf_id) is None:
        return json_response(404, {"error": "Workflow not found"})
    wanted = request.query_value("status") or "paused"
    runs = [r for r in state.runs.all() if r.workflow_id == wf_id and r.pause_state == wanted]
    items = [paused_summary(run, state.base_url) for run in runs]
    return json_response(200, {"pausedExecutions": items})


def _paused_run(state: ServerState, wf_id: str, execution_id: str) -> Optional[Run]:
    run = _run(state, wf_id, execution_id)
    return run if run is not None and run.pause_state is not None else None


def get_paused(
    state: ServerState, request: Request, fault: Optional[Fault], wf_id: str, execution_id: str
) -> Response:
    """``GET /api/workflows/{id}/paused/{executionId}`` and ``GET /api/resume/{wf}/{exec}``."""
    refused = _guard(state, request)
    if refused is not None:
        return refused
    run = _paused_run(state, wf_id, execution_id)
    if run is None:
        return json_response(404, {"error": "Paused execution not found"})
    return json_response(200, paused_detail(run, state.base_url))


def get_pause_context(
    state: ServerState,
    request: Request,
    fault: Optional[Fault],
    wf_id: str,
    execution_id: str,
    context_id: str,
) -> Response:
    """``GET /api/resume/{workflowId}/{executionId}/{contextId}``."""
    refused = _guard(state, request)
    if refused is not None:
        return refused
    run = _paused_run(state, wf_id, execution_id)
    if run is None or run.context_id != context_id:
        return json_response(404, {"error": "Pause context not found"})
    return json_response(200, pause_context(run, state.base_url))


def post_resume(
    state: ServerState,
    request: Request,
    fault: Optional[Fault],
    wf_id: str,
    execution_id: str,
    context_id: str,
) -> Response:
    """``POST /api/resume/{workflowId}/{executionId}/{contextId}``: resume synchronously."""
    refused = _guard(state, request)
    if refused is not None:
        return refused
    run = _paused_run(state, wf_id, execution_id)
    if run is None:
        return json_response(404, {"error": "Paused execution not found"})
    try:
        body: Any = json.loads(request.body.decode("utf-8")) if request.body.strip() else {}
    except ValueError:
        return json_response(400, {"error": "Invalid JSON in request body"})
    resume_input = body.get("input", body) if isinstance(body, dict) else body
    try:
        outcome = resume(state, run, context_id, resume_input)
    except ResumeRefusedError as exc:
        return json_response(exc.status, {"error": exc.message})
    payload = {
        "success": outcome.success,
        "status": outcome.status,
        "executionId": run.execution_id,
        "output": outcome.output,
        "error": outcome.error,
        "metadata": {
            "duration": int(outcome.duration_ms),
            "startTime": iso(outcome.started_at),
            "endTime": iso(outcome.ended_at),
        },
    }
    return Response(200, dumps(payload))


RUN_ROUTES: List[Route] = [
    ("GET", ("api", "workflows", "*", "executions", "*"), get_execution),
    ("POST", ("api", "workflows", "*", "executions", "*", "cancel"), cancel_execution),
    ("GET", ("api", "workflows", "*", "paused"), list_paused),
    ("GET", ("api", "workflows", "*", "paused", "*"), get_paused),
    ("GET", ("api", "resume", "*", "*"), get_paused),
    ("GET", ("api", "resume", "*", "*", "*"), get_pause_context),
    ("POST", ("api", "resume", "*", "*", "*"), post_resume),
]

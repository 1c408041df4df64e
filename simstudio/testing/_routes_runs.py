"""v1 run routes (HEAD only): execution status and cancel, paused executions and resume."""

from __future__ import annotations

import json
from typing import Any, List, Optional, Union

from ._control import ResumeRefusedError, cancel, resume
from ._faults import Fault
from ._records import Request
from ._responses import Response, json_response
from ._runs import Run
from ._state import ServerState
from ._util import dumps, iso
from ._views import execution_status, pause_context, paused_detail, paused_summary


def _guard(
    state: ServerState, request: Request, missing: str, wf_id: str
) -> Optional[Response]:
    """404 in the 2025 wire format (these routes did not exist), 401 without a valid key,
    and 404 ``missing`` for another workspace's key (its runs are concealed)."""
    if state.wire.era == "2025":
        return json_response(404, {"error": "Not found"})
    auth = state.auth(request, state.workspace_of(wf_id))
    if auth == "forbidden":
        return json_response(404, {"error": missing})
    if auth != "ok":
        return json_response(401, {"error": "Unauthorized" if auth == "missing" else
                                   "Invalid API key"})  # fmt: skip
    return None


def _run(state: ServerState, wf_id: str, execution_id: str) -> Optional[Run]:
    run = state.runs.get(execution_id)
    return run if run is not None and run.workflow_id == wf_id else None


def _lookup(
    state: ServerState,
    request: Request,
    wf_id: str,
    execution_id: str,
    missing: str,
    paused: bool = False,
    context_id: Optional[str] = None,
) -> Union[Run, Response]:
    """The run a route names, or the answer refusing it: ``_guard``'s, else 404 ``missing``.

    With ``paused``, only a run that has a pause state counts; with ``context_id``, only one
    whose pause context is that one.
    """
    refused = _guard(state, request, missing, wf_id)
    if refused is not None:
        return refused
    run = _run(state, wf_id, execution_id)
    if (
        run is None
        or (paused and run.pause_state is None)
        or (context_id is not None and run.context_id != context_id)
    ):
        return json_response(404, {"error": missing})
    return run


def _selectors(request: Request) -> Optional[List[str]]:
    raw = request.query_value("selectedOutputs")
    if raw is None:
        return None
    return [part.strip() for part in raw.split(",") if part.strip()]


def get_execution(
    state: ServerState, request: Request, fault: Optional[Fault], wf_id: str, execution_id: str
) -> Response:
    """``GET /api/workflows/{id}/executions/{executionId}``."""
    run = _lookup(state, request, wf_id, execution_id, "Execution not found")
    if isinstance(run, Response):
        return run
    include = request.query_value("includeOutput") == "true"
    return json_response(200, execution_status(run, include, _selectors(request)))


def cancel_execution(
    state: ServerState, request: Request, fault: Optional[Fault], wf_id: str, execution_id: str
) -> Response:
    """``POST /api/workflows/{id}/executions/{executionId}/cancel`` (best-effort)."""
    run = _lookup(state, request, wf_id, execution_id, "Execution not found")
    if isinstance(run, Response):
        return run
    return json_response(200, {"executionId": run.execution_id, **cancel(run)})


def list_paused(
    state: ServerState, request: Request, fault: Optional[Fault], wf_id: str
) -> Response:
    """``GET /api/workflows/{id}/paused?status=``: paused runs (default: still paused)."""
    refused = _guard(state, request, "Workflow not found", wf_id)
    if refused is not None:
        return refused
    if state.workflow(wf_id) is None:
        return json_response(404, {"error": "Workflow not found"})
    wanted = request.query_value("status") or "paused"
    runs = [r for r in state.runs.all() if r.workflow_id == wf_id and r.pause_state == wanted]
    items = [paused_summary(run, state.base_url) for run in runs]
    return json_response(200, {"pausedExecutions": items})


def get_paused(
    state: ServerState, request: Request, fault: Optional[Fault], wf_id: str, execution_id: str
) -> Response:
    """``GET /api/workflows/{id}/paused/{executionId}`` and ``GET /api/resume/{wf}/{exec}``."""
    run = _lookup(state, request, wf_id, execution_id, "Paused execution not found", paused=True)
    if isinstance(run, Response):
        return run
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
    missing = "Pause context not found"
    run = _lookup(state, request, wf_id, execution_id, missing, paused=True, context_id=context_id)
    if isinstance(run, Response):
        return run
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
    run = _lookup(state, request, wf_id, execution_id, "Paused execution not found", paused=True)
    if isinstance(run, Response):
        return run
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


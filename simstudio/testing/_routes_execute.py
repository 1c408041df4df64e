"""v1 execute routes: execute, workflow status, async jobs, usage limits, execution files."""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional

from ._execute import (
    CONTROL_KEYS_2026,
    BadRequestError,
    check_execution_id,
    convert_files,
    handler_call,
    new_run,
    parse_timeout,
    run_sync,
    stream_response,
    submit_async,
    validate_controls_2026,
)
from ._faults import Fault
from ._ratelimit import RateDecision, usage_dollars
from ._records import Request
from ._responses import AnyResponse, Response, StreamResponse, json_response, sse_frame
from ._state import ServerState
from ._util import dumps, new_uuid
from ._wire import USAGE_MESSAGE

Body = Dict[str, Any]


def _resolve_input_2026(body: Body) -> Body:
    """The input HEAD's start block resolves: top-level fields, then fields inside ``input``."""
    resolved = {k: v for k, v in body.items() if k not in CONTROL_KEYS_2026}
    nested = body.get("input")
    if isinstance(nested, dict):
        resolved.update(nested)
    elif "input" in body:
        resolved["input"] = nested
    return resolved


def _selectors(request: Request, body: Any) -> Optional[List[str]]:
    selected = body.get("selectedOutputs") if isinstance(body, dict) else None
    header = request.headers.get("x-selected-outputs")
    if selected is None and header is not None:
        try:
            selected = json.loads(header)
        except ValueError:
            selected = None
    if isinstance(selected, list):
        return [s for s in selected if isinstance(s, str)]
    return None


def execute(
    state: ServerState, request: Request, fault: Optional[Fault], wf_id: str
) -> AnyResponse:
    """``POST /api/workflows/{id}/execute``, with X-RateLimit-* headers if enabled."""
    taken: List[RateDecision] = []
    try:
        response = _execute(state, request, fault, wf_id, taken)
    except BadRequestError as exc:
        body = state.wire.bad_request(exc.message)
        if exc.details is not None:
            body["details"] = exc.details
        response = json_response(400, body)
    if state.settings.rate_limit_headers:
        decision = taken[0] if taken else state.bucket.peek()
        response.headers.extend(decision.headers())
    return response


def _execute(
    state: ServerState,
    request: Request,
    fault: Optional[Fault],
    wf_id: str,
    taken: List[RateDecision],
) -> AnyResponse:
    wire = state.wire
    if request.body_too_large:
        return json_response(413, wire.too_large())
    workflow = state.workflow(wf_id)
    if wire.lookup_before_auth:
        if workflow is None:
            return json_response(404, wire.workflow_not_found())
        if not workflow.deployed:
            return json_response(403, wire.not_deployed())
    auth = state.auth(request, workflow.workspace_id if workflow is not None else None)
    if auth == "forbidden":
        return json_response(403, wire.workspace_forbidden())
    if auth != "ok":
        return json_response(401, wire.execute_unauthorized(auth == "missing"))
    if workflow is None:
        return json_response(404, wire.workflow_not_found())
    try:
        body: Any = json.loads(request.body.decode("utf-8")) if request.body.strip() else {}
    except ValueError:
        return json_response(400, wire.invalid_json())
    headers = request.headers
    is_async = headers.get("x-execution-mode", "").strip().lower() == "async"
    is_stream = headers.get("x-stream-response", "").strip().lower() == "true" or (
        isinstance(body, dict) and body.get("stream") is True
    )
    execution_id = timeout = None
    if wire.era == "2026":
        if not isinstance(body, dict):
            details = [{"path": "", "message": "Expected object"}]
            raise BadRequestError("Invalid request body", details)
        validate_controls_2026(body, headers, is_async)
        timeout = parse_timeout(headers.get("x-execution-timeout-seconds"), is_async)
        execution_id = check_execution_id(headers.get("x-execution-id"))
    if not workflow.deployed:
        return json_response(403, wire.not_deployed())
    decision = state.bucket.take()
    taken.append(decision)
    if not decision.allowed:
        retry = [("Retry-After", decision.retry_after_header)]
        return json_response(429, wire.rate_limited(decision, is_async), retry)
    if not state.take_budget():
        if wire.era == "2025" and is_stream and not is_async:
            usage_error = sse_frame({"event": "error", "error": USAGE_MESSAGE}, terminal=True)
            return StreamResponse(iter([usage_error]), workflow_id=wf_id)
        return json_response(402, wire.usage_exceeded())
    if execution_id is not None and not state.runs.claim(execution_id):
        conflict = {
            "error": f"Execution ID {execution_id} has already been used",
            "code": "EXECUTION_ID_CONFLICT",
            "executionId": execution_id,
        }
        return json_response(409, conflict)
    execution_id = execution_id or new_uuid()
    state.runs.claim(execution_id)
    if wire.era == "2026":
        top_level = {k: v for k, v in body.items() if k not in CONTROL_KEYS_2026}
        files = convert_files(state, wf_id, execution_id, top_level)
        workflow_input: Any = _resolve_input_2026({**body, **files})
    else:
        workflow_input = body.get("input", body) if isinstance(body, dict) else body
        if isinstance(workflow_input, dict):
            workflow_input = convert_files(state, wf_id, execution_id, workflow_input)
    mode = "async" if is_async else ("stream" if is_stream else "sync")
    if mode == "stream" and fault is not None and fault.json_instead_of_sse:
        mode = "sync"
    gone = request.client_gone if mode == "sync" else None
    run = new_run(state, workflow, mode, request.request_id, "v1", execution_id, timeout, gone)
    if mode == "async":
        submit_async(state, run, handler_call(run, workflow_input))
        return json_response(202, wire.async_accepted(run, state.base_url))
    if mode == "stream":
        error_frame = fault.error_frame if fault is not None else None
        call = handler_call(run, workflow_input)
        return stream_response(state, wire, run, call, _selectors(request, body), error_frame)
    outcome = run_sync(state, run, workflow_input)
    status, payload, extra = wire.sync_result(run, outcome)
    return Response(status, dumps(payload), extra)


def status(state: ServerState, request: Request, fault: Optional[Fault], wf_id: str) -> Response:
    """``GET /api/workflows/{id}/status``."""
    wire = state.wire
    auth = state.auth(request, state.workspace_of(wf_id)) if wire.status_needs_auth else "ok"
    if auth in ("missing", "invalid"):
        return json_response(401, wire.status_unauthorized(request.request_id))
    workflow = state.workflow(wf_id)
    if workflow is None or auth == "forbidden":  # another workspace's key: concealed
        return json_response(404, wire.status_not_found(request.request_id))
    return json_response(
        200,
        {
            "isDeployed": workflow.deployed,
            "deployedAt": workflow.deployed_at_iso,
            "needsRedeployment": False,
        },
    )


def job(state: ServerState, request: Request, fault: Optional[Fault], job_id: str) -> Response:
    """``GET /api/jobs/{jobId}`` (the colon may arrive raw or as ``%3A``)."""
    run = state.runs.by_job(job_id)
    auth = state.auth(request, run.workflow.workspace_id if run is not None else None)
    if auth in ("missing", "invalid"):
        return json_response(401, state.wire.jobs_unauthorized(auth == "missing"))
    if run is None:
        return json_response(404, {"error": "Task not found", "code": "TASK_NOT_FOUND"})
    if auth == "forbidden":
        return json_response(403, state.wire.error("Access denied"))
    owner = state.directory.owner.id
    return json_response(200, state.wire.job_status(run, owner, state.directory.main.id))


def usage_limits(state: ServerState, request: Request, fault: Optional[Fault]) -> Response:
    """``GET /api/users/me/usage-limits``: reflects the rate limit and the usage budget."""
    if state.auth(request) in ("missing", "invalid"):  # any valid key has its user's limits
        body = {"error": "Authentication required", "code": "AUTHENTICATION_REQUIRED"}
        return json_response(401, body)
    decision = state.bucket.peek()  # its limit is the per-minute rate, as in X-RateLimit-Limit
    cost, limit = usage_dollars(state.budget_used(), state.settings.usage_budget)
    payload = state.wire.usage_limits(decision, decision.limit, cost, limit)
    return json_response(200, payload)


def served_file(state: ServerState, request: Request, fault: Optional[Fault], key: str) -> Response:
    """``GET /api/files/serve/{key}``: the bytes of a file input of an execution."""
    with state.lock:
        stored = state.files.get(key)
    if stored is None:
        return json_response(404, {"error": "File not found"})
    content, mime = stored
    return Response(200, content, content_type=mime or "application/octet-stream")

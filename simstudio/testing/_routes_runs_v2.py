"""v2 routes (§9): execute with a strict body, ``{data}`` envelopes, runs, cancel and resume."""

from __future__ import annotations

import json
import time
from typing import Any, Dict, List, Optional

from ._control import ResumeRefusedError, cancel, resume
from ._envelopes import V2, ApiError
from ._execute import (
    EXECUTION_ID,
    MAX_TIMEOUT_SECONDS,
    BadRequestError,
    convert_files,
    handler_call,
    new_run,
    run_sync,
    stream_response,
    submit_async,
)
from ._faults import Fault
from ._ratelimit import RateDecision
from ._records import Request
from ._responses import AnyResponse, Response, json_response
from ._state import ServerState
from ._util import iso, new_uuid
from ._views import v2_run_result, v2_run_status
from ._wire import USAGE_MESSAGE
from ._wire2026 import Wire2026

Body = Dict[str, Any]
_KEYS = ("input", "async", "stream", "selectedOutputs", "includeThinking", "includeToolCalls",
         "includeFileBase64", "base64MaxBytes", "executionTimeoutSeconds")  # fmt: skip
_BOOLS = ("async", "stream", "includeThinking", "includeToolCalls", "includeFileBase64")
_WIRE = Wire2026()


def _bad(message: str, path: Optional[str] = None) -> ApiError:
    details = [{"path": path, "message": message}] if path is not None else None
    return ApiError(400, message if path is None else "Invalid request body", details)


def _authorize(state: ServerState, request: Request, wf_id: str) -> None:
    auth = state.auth(request, state.workspace_of(wf_id))
    if auth == "forbidden":  # the workflows are in the main workspace: concealed
        raise ApiError(404, "Workflow not found")
    if auth != "ok":
        raise ApiError(401, "API key required" if auth == "missing" else "Invalid API key")


def _envelope(state: ServerState, response: AnyResponse, taken: List[RateDecision]) -> AnyResponse:
    response.headers.extend((taken[0] if taken else state.bucket.peek()).headers())
    if isinstance(response, Response):
        response.headers.append(("Cache-Control", "private, no-store"))
    return response


def _answer(state: ServerState, work: Any, *args: Any) -> AnyResponse:
    taken: List[RateDecision] = []
    try:
        response = work(state, taken, *args)
    except ApiError as exc:
        response = exc.response(V2)
    return _envelope(state, response, taken)


def _parse(request: Request) -> Body:
    content_type = request.headers.get("content-type", "application/json")
    if request.body.strip() and "json" not in content_type.lower():
        raise ApiError(415, "Content-Type must be application/json")
    try:
        body = json.loads(request.body.decode("utf-8")) if request.body.strip() else {}
    except ValueError:
        raise _bad("Request body must be valid JSON") from None
    if not isinstance(body, dict):
        raise _bad("Expected object", "")
    return body


def _validate(body: Body, request: Request) -> None:
    for key in body:
        if key not in _KEYS:
            raise _bad(f"Unrecognized key: '{key}'", key)
    for key in _BOOLS:
        if key in body and not isinstance(body[key], bool):
            raise _bad("Expected boolean", key)
    if "input" in body and not isinstance(body["input"], dict):
        raise _bad("Expected object", "input")
    selected = body.get("selectedOutputs")
    if selected is not None and not (
        isinstance(selected, list)
        and len(selected) <= 100
        and all(isinstance(s, str) and s for s in selected)
    ):
        raise _bad("Expected at most 100 non-empty strings", "selectedOutputs")
    timeout = body.get("executionTimeoutSeconds")
    if timeout is not None and (
        isinstance(timeout, bool) or not isinstance(timeout, int)
        or not 1 <= timeout <= MAX_TIMEOUT_SECONDS
    ):  # fmt: skip
        raise _bad("Expected an integer from 1 to 604800", "executionTimeoutSeconds")
    limit = body.get("base64MaxBytes")
    if limit is not None and (
        isinstance(limit, bool) or not isinstance(limit, int) or not 0 < limit <= 10485760
    ):
        raise _bad("Expected an integer from 1 to 10485760", "base64MaxBytes")
    is_async = body.get("async") is True
    if is_async and body.get("stream") is True:
        raise _bad("async and stream cannot be combined")
    if timeout is not None and not is_async:
        raise _bad("executionTimeoutSeconds requires async")
    shaping = ("selectedOutputs", "includeThinking", "includeToolCalls", "includeFileBase64",
               "base64MaxBytes")  # fmt: skip
    if is_async and any(key in body for key in shaping):
        raise _bad("async does not support streaming or output-shaping options")
    wants_events = body.get("includeThinking") or body.get("includeToolCalls")
    if wants_events and (
        body.get("stream") is not True
        or request.headers.get("x-sim-stream-protocol") != "agent-events-v1"
    ):
        raise _bad("includeThinking/includeToolCalls need stream and X-Sim-Stream-Protocol")


def _execute(
    state: ServerState, taken: List[RateDecision], request: Request, fault: Optional[Fault],
    wf_id: str,
) -> AnyResponse:  # fmt: skip
    if request.body_too_large:
        raise ApiError(413, "Request body is too large")
    _authorize(state, request, wf_id)
    workflow = state.workflow(wf_id)
    if workflow is None:
        raise ApiError(404, "Workflow not found")
    body = _parse(request)
    _validate(body, request)
    if not workflow.deployed:
        raise ApiError(403, "Workflow is not deployed", {"code": "WORKFLOW_NOT_DEPLOYED"})
    run_id = request.headers.get("x-run-id")
    if run_id is not None and not EXECUTION_ID.match(run_id):
        raise _bad("X-Run-Id must be 1-128 characters of [A-Za-z0-9._:-]")
    decision = state.bucket.take()
    taken.append(decision)
    if not decision.allowed:
        retry_at = iso(time.time() + decision.retry_after)
        retry = [("Retry-After", decision.retry_after_header)]
        raise ApiError(429, "API rate limit exceeded", {"retryAfter": retry_at}, headers=retry)
    if not state.take_budget():
        raise ApiError(402, USAGE_MESSAGE)
    if run_id is not None and not state.runs.claim(run_id):
        details = {"code": "RUN_ID_CONFLICT", "runId": run_id}
        raise ApiError(409, "Run ID has already been used", details)
    run_id = run_id or new_uuid()
    state.runs.claim(run_id)
    try:
        workflow_input = convert_files(state, wf_id, run_id, dict(body.get("input") or {}))
    except BadRequestError as exc:
        raise _bad(exc.message) from exc
    mode = "async" if body.get("async") else ("stream" if body.get("stream") else "sync")
    if mode == "stream" and fault is not None and fault.json_instead_of_sse:
        mode = "sync"
    gone = request.client_gone if mode == "sync" else None
    timeout = body.get("executionTimeoutSeconds")
    run = new_run(state, workflow, mode, request.request_id, "v2", run_id, timeout, gone)
    run_header = [("X-Run-Id", run_id)]
    if mode == "async":
        submit_async(state, run, handler_call(run, workflow_input))
        status_url = f"{state.base_url}/api/v2/workflows/{wf_id}/runs/{run_id}"
        return json_response(202, {"data": {"runId": run_id, "statusUrl": status_url}}, run_header)
    if mode == "stream":
        error_frame = fault.error_frame if fault is not None else None
        call = handler_call(run, workflow_input)
        return stream_response(state, _WIRE, run, call, body.get("selectedOutputs"), error_frame)
    outcome = run_sync(state, run, workflow_input)
    return json_response(200, {"data": v2_run_result(run, outcome)}, run_header)


def execute(state: ServerState, request: Request, fault: Optional[Fault], wf_id: str) -> Any:
    """``POST /api/v2/workflows/{id}/execute``."""
    return _answer(state, _execute, request, fault, wf_id)


def _find_run(state: ServerState, request: Request, wf_id: str, run_id: str) -> Any:
    _authorize(state, request, wf_id)
    if state.workflow(wf_id) is None:
        raise ApiError(404, "Workflow not found")
    run = state.runs.get(run_id)
    if run is None or run.workflow_id != wf_id:
        raise ApiError(404, "Run not found")
    return run


def _get_run(
    state: ServerState, taken: List[RateDecision], request: Request, wf_id: str, run_id: str
) -> AnyResponse:
    _authorize(state, request, wf_id)
    for name in ("includeOutput", "selectedOutputs"):
        if request.query_value(name) == "":
            raise _bad(f"Query parameter '{name}' has no value", name)
    include = request.query_value("includeOutput")
    if include not in (None, "true", "false"):
        raise _bad("Expected 'true' or 'false'", "includeOutput")
    run = _find_run(state, request, wf_id, run_id)
    raw = request.query_value("selectedOutputs")
    selectors = [s.strip() for s in raw.split(",") if s.strip()] if raw is not None else None
    return json_response(200, {"data": v2_run_status(run, include == "true", selectors)})


def _cancel_run(
    state: ServerState, taken: List[RateDecision], request: Request, wf_id: str, run_id: str
) -> AnyResponse:
    run = _find_run(state, request, wf_id, run_id)
    flags = cancel(run, queue_reason="recorded")
    return json_response(200, {"data": {"success": flags.pop("success"), "runId": run_id,
                                        **flags}})  # fmt: skip


def _resume_run(
    state: ServerState, taken: List[RateDecision], request: Request, wf_id: str, run_id: str
) -> AnyResponse:
    run = _find_run(state, request, wf_id, run_id)
    body = _parse(request)
    for key in body:
        if key not in ("contextId", "input"):
            raise _bad(f"Unrecognized key: '{key}'", key)
    context_id = body.get("contextId")
    if not isinstance(context_id, str) or not context_id:
        raise _bad("Required", "contextId")
    try:
        outcome = resume(state, run, context_id, body.get("input", {}))
    except ResumeRefusedError as exc:
        if exc.status == 404:
            raise ApiError(404, exc.message) from exc
        raise ApiError(409, "Run is not paused") from exc
    data = v2_run_result(run, outcome)
    return json_response(200, {"data": data}, [("X-Run-Id", run_id)])


def get_run(
    state: ServerState, request: Request, fault: Optional[Fault], wf_id: str, run_id: str
) -> AnyResponse:
    """``GET /api/v2/workflows/{id}/runs/{runId}``: a run's status (and output if asked)."""
    return _answer(state, _get_run, request, wf_id, run_id)


def cancel_run(
    state: ServerState, request: Request, fault: Optional[Fault], wf_id: str, run_id: str
) -> AnyResponse:
    """``POST /api/v2/workflows/{id}/runs/{runId}/cancel`` (best-effort)."""
    return _answer(state, _cancel_run, request, wf_id, run_id)


def resume_run(
    state: ServerState, request: Request, fault: Optional[Fault], wf_id: str, run_id: str
) -> AnyResponse:
    """``POST /api/v2/workflows/{id}/runs/{runId}/resume``: resume a paused run."""
    return _answer(state, _resume_run, request, wf_id, run_id)

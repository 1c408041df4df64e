"""Starting runs in each mode (sync, stream, async) and preparing the input a handler sees."""

from __future__ import annotations

import re
import secrets
from typing import Any, Callable, Dict, Iterator, List, Optional

from ._engine import Event, Outcome, Selection, run_events, run_to_end
from ._files import FileConverter, FileInputError
from ._responses import StreamResponse
from ._runs import Run
from ._state import ServerState
from ._util import new_uuid
from ._wire import Wire
from ._workflows import CLIENT_CANCELLED, Workflow, WorkflowContext

EXECUTION_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
MAX_TIMEOUT_SECONDS = 604800

#: Body keys HEAD treats as execution controls and strips from the workflow input.
CONTROL_KEYS_2026 = frozenset(
    [
        "selectedOutputs", "triggerType", "stream", "includeThinking", "includeToolCalls",
        "useDraftState", "input", "inputFromExecutionId", "isClientSession", "includeFileBase64",
        "base64MaxBytes", "workflowStateOverride", "deploymentVersionId", "executionId",
        "copilotToolCallId", "triggerBlockId", "startBlockId", "stopAfterBlockId", "runFromBlock",
        "parentWorkspaceId",
    ]
)  # fmt: skip
_BOOL_KEYS = ("stream", "includeThinking", "includeToolCalls", "useDraftState", "isClientSession",
              "includeFileBase64")  # fmt: skip
_ASYNC_REJECTS = ("includeFileBase64", "base64MaxBytes", "useDraftState", "workflowStateOverride",
                  "runFromBlock", "stopAfterBlockId")  # fmt: skip


class BadRequestError(Exception):
    """A 400 answer: ``message`` plus optional field ``details``."""

    def __init__(self, message: str, details: Optional[List[Dict[str, str]]] = None) -> None:
        """Create the error."""
        super().__init__(message)
        self.message = message
        self.details = details


def _type_issue(path: str, expected: str, value: Any) -> BadRequestError:
    received = type(value).__name__
    return BadRequestError(
        "Invalid request body",
        [{"path": path, "message": f"Expected {expected}, received {received}"}],
    )


def validate_controls_2026(body: Dict[str, Any], headers: Any, is_async: bool) -> None:
    """Type-check the control keys of a HEAD v1 body (the Zod schema, reduced)."""
    for key in _BOOL_KEYS:
        if key in body and not isinstance(body[key], bool):
            raise _type_issue(key, "boolean", body[key])
    selected = body.get("selectedOutputs")
    if selected is not None and (
        not isinstance(selected, list) or not all(isinstance(s, str) for s in selected)
    ):
        raise _type_issue("selectedOutputs", "array of strings", selected)
    if "triggerType" in body and body["triggerType"] != "api":
        raise BadRequestError("Invalid request body", [{"path": "triggerType", "message": "API key "
                         "callers may only use triggerType 'api'"}])  # fmt: skip
    if "base64MaxBytes" in body:
        value = body["base64MaxBytes"]
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise _type_issue("base64MaxBytes", "positive integer", value)
    wants_events = body.get("includeThinking") or body.get("includeToolCalls")
    if wants_events and headers.get("x-sim-stream-protocol") != "agent-events-v1":
        raise BadRequestError("includeThinking and includeToolCalls require X-Sim-Stream-Protocol")
    if is_async and (selected or any(k in body for k in _ASYNC_REJECTS)):
        raise BadRequestError(
            "Async execution does not support draft or override execution controls"
        )


def parse_timeout(raw: Optional[str], is_async: bool) -> Optional[int]:
    """Validate ``X-Execution-Timeout-Seconds`` (integer 1..604800, async only)."""
    if raw is None:
        return None
    if not is_async:
        raise BadRequestError("X-Execution-Timeout-Seconds is only supported for async execution")
    if not raw.strip().isdigit() or not 1 <= int(raw) <= MAX_TIMEOUT_SECONDS:
        raise BadRequestError("X-Execution-Timeout-Seconds must be an integer from 1 to 604800")
    return int(raw)


def check_execution_id(raw: Optional[str]) -> Optional[str]:
    """Validate a caller-supplied execution/run id (1-128 chars of ``[A-Za-z0-9._:-]``)."""
    if raw is None:
        return None
    if not EXECUTION_ID.match(raw):
        raise BadRequestError("Execution id must be 1-128 characters of [A-Za-z0-9._:-]")
    return raw


def new_run(
    state: ServerState,
    workflow: Workflow,
    mode: str,
    request_id: str,
    api: str = "v1",
    execution_id: Optional[str] = None,
    timeout: Optional[float] = None,
    client_gone: Optional[Callable[[], bool]] = None,
) -> Run:
    """Create and store a run (the execution id must already be claimed if caller-supplied)."""
    if execution_id is None:
        execution_id = new_uuid()
        state.runs.claim(execution_id)
    job_id = None
    if mode == "async":
        if api == "v1" and state.wire.era == "2025":
            job_id = "run_" + secrets.token_hex(12)
        else:
            job_id = "workflow-execution:" + execution_id
    ctx = WorkflowContext(execution_id, workflow.workflow_id, mode, timeout, client_gone)
    run = Run(execution_id, workflow, mode, ctx, request_id, api=api, job_id=job_id)
    state.runs.add(run)
    return run


def convert_files(
    state: ServerState, workflow_id: str, execution_id: str, values: Dict[str, Any]
) -> Dict[str, Any]:
    """Turn top-level file items into UserFile objects, or raise ``BadRequestError``."""
    converter = FileConverter(state.base_url, workflow_id, execution_id)
    try:
        converted = converter.convert(values)
    except FileInputError as exc:
        raise BadRequestError(f"File processing failed: {exc}") from exc
    with state.lock:
        state.files.update(converter.stored)
    return converted


def events_for(
    state: ServerState,
    run: Run,
    call: Callable[[], Any],
    chunk_delay: float = 0.0,
    count: bool = True,
) -> Iterator[Event]:
    """A run's events; ``call`` runs when the first event is pulled (and counts the run)."""

    def invoke() -> Any:
        run.start()
        run.ctx.begin()
        if count:
            state.count_execution(run.workflow_id)
        return call()

    return run_events(run.workflow, run.ctx, invoke, run.finish, chunk_delay)


def handler_call(run: Run, workflow_input: Any) -> Callable[[], Any]:
    """The call that runs the workflow's handler with the input."""
    return lambda: run.workflow.invoke(workflow_input, run.ctx)


def run_sync(state: ServerState, run: Run, workflow_input: Any) -> Outcome:
    """Run to the end in the calling thread."""
    return run_to_end(events_for(state, run, handler_call(run, workflow_input)))


def stream_response(
    state: ServerState,
    wire: Wire,
    run: Run,
    call: Callable[[], Any],
    selectors: Optional[List[str]],
    error_frame: Optional[str] = None,
) -> StreamResponse:
    """An SSE answer for a run; chunks are produced while the client reads."""
    selection = Selection.resolve(run.workflow, selectors) if selectors else None
    streams = selection is not None and selection.streams_content
    delay = state.settings.stream_chunk_delay if streams else 0.0
    events = events_for(state, run, call, delay)
    frames = wire.stream_frames(run.workflow, events, selection, error_frame)

    def on_abort(events_sent: int, client_gone: bool) -> None:
        if state.stopping.is_set():
            run.ctx.cancel("Server stopped")
        elif client_gone:
            run.ctx.cancel(CLIENT_CANCELLED)
        else:
            run.ctx.cancel("Stream closed early by the server")

    return StreamResponse(
        frames, on_abort=on_abort, workflow_id=run.workflow_id, execution_id=run.execution_id
    )


def submit_async(state: ServerState, run: Run, call: Callable[[], Any]) -> None:
    """Queue the run: it waits ``job_delay`` (pending), then runs in a tracked thread."""

    def work() -> None:
        if run.ctx.cancelled.wait(state.settings.job_delay):
            run.finish(Outcome("cancelled", {}, run.ctx.abort_reason, "CANCELLED"))
            return
        run_to_end(events_for(state, run, call))

    state.threads.start("job", work)

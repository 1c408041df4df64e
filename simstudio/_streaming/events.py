"""StreamEvent and parse_frame: one Sim SSE frame -> one typed event (no I/O)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Dict, Optional

from ..sse import ServerSentEvent, encode_event
from ..types._wire import error_text
from ..types.workflows import WorkflowExecutionResult

__all__ = ["StreamEvent", "json_event", "parse_frame", "result_event"]

_TERMINATORS = frozenset({"[DONE]", '"[DONE]"'})

_FRAME_TYPES = {
    "chunk": "chunk",
    "final": "done",
    "done": "done",
    "error": "error",
    "stream_error": "stream_error",
    "chunk_reset": "chunk_reset",
    "thinking": "thinking",
    "tool": "tool",
}


@dataclass(frozen=True)
class StreamEvent:
    """One typed event of a workflow stream.

    Attributes:
        type: ``chunk`` (text of a block), ``done`` (the run finished; ``result`` is set),
            ``error`` (the run failed; terminal), ``stream_error`` (one block's stream failed;
            not terminal), ``chunk_reset`` (discard the block's text so far), ``thinking``,
            ``tool``, or ``unknown`` for frames this SDK does not know yet.
        block_id: The block the event belongs to, when the frame names one.
        chunk: The text of a ``chunk`` event.
        data: The decoded JSON frame as sent (or the raw text if it was not JSON).
        error: The message of an ``error`` or ``stream_error`` event.
        result: The run's result, on ``done`` and terminal ``error`` events.
        sse: The Server-Sent Event this came from (``None`` for a JSON answer).
    """

    type: str
    block_id: Optional[str] = None
    chunk: Optional[str] = None
    data: Any = None
    error: Optional[str] = None
    result: Optional[WorkflowExecutionResult] = None
    sse: Optional[ServerSentEvent] = None

    @property
    def is_terminal(self) -> bool:
        """Whether this event ends the run (``done`` or ``error``)."""
        return self.type in ("done", "error")

    def to_sse(self) -> bytes:
        """The event as SSE bytes, for proxies (the original frame when there was one)."""
        if self.sse is not None:
            return self.sse.encode()
        return json_event(self.data)


def json_event(value: Any) -> bytes:
    """``value`` as one compact JSON ``data:`` event."""
    return encode_event(json.dumps(value, separators=(",", ":")))


def _result_from_frame(frame: Dict[str, Any], kind: str) -> WorkflowExecutionResult:
    if kind == "error":
        return WorkflowExecutionResult(
            success=False, error=error_text(frame.get("error")) or "error"
        )
    body = frame.get("data") if frame.get("event") == "final" else frame
    if not isinstance(body, dict):
        return WorkflowExecutionResult(success=True, output=body)
    if "success" not in body:
        body = dict(body, success=body.get("error") in (None, ""))
    return WorkflowExecutionResult.from_wire(body)


def parse_frame(sse: ServerSentEvent) -> Optional[StreamEvent]:
    """Type one SSE event; ``None`` for the ``[DONE]`` terminator. Never raises."""
    text = sse.data
    if text.strip() in _TERMINATORS:
        return None
    try:
        frame = json.loads(text)
    except (ValueError, RecursionError):
        return StreamEvent("unknown", data=text, sse=sse)
    if not isinstance(frame, dict):
        return StreamEvent("unknown", data=frame, sse=sse)
    chunk_text = frame.get("chunk")
    if not isinstance(chunk_text, str):
        chunk_text = None
    marker = frame.get("event")
    kind = _FRAME_TYPES.get(marker, "unknown") if isinstance(marker, str) else None
    if kind is None:
        kind = "chunk" if chunk_text is not None else "unknown"
    block_id = frame.get("blockId")
    block_id = block_id if isinstance(block_id, str) else None
    chunk = chunk_text if kind == "chunk" else None
    error = error_text(frame.get("error")) if kind in ("error", "stream_error") else None
    result = _result_from_frame(frame, kind) if kind in ("done", "error") else None
    return StreamEvent(kind, block_id, chunk, frame, error, result, sse)


def result_event(result: WorkflowExecutionResult, body: Any) -> StreamEvent:
    """A terminal event for a JSON answer; ``body`` becomes the ``final`` frame's data of a
    successful result (a failed one is framed from its error alone)."""
    if result.success:
        return StreamEvent("done", data={"event": "final", "data": body}, result=result)
    frame = {"event": "error", "error": result.error or "workflow failed"}
    return StreamEvent("error", data=frame, error=result.error, result=result)

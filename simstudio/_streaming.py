"""WorkflowStream: SSE frames -> typed StreamEvents, completion rules, proxy re-encoding."""

from __future__ import annotations

import json
import socket
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterator, List, Mapping, Optional, Tuple

from ._errors import (
    InvalidResponseError,
    RequestTimeoutError,
    SimStudioError,
    StreamError,
    StreamIncompleteError,
)
from ._responses import decode_json, failed_run_or_raise, media_type
from .sse import ServerSentEvent, SSEDecodeError, SSEDecoder, encode_event
from .types._wire import error_text
from .types.workflows import WorkflowExecutionResult

if TYPE_CHECKING:
    import requests

    from ._transport import HTTPTransport

__all__ = ["StreamEvent", "WorkflowStream", "open_workflow_stream"]

_TERMINATORS = frozenset({"[DONE]", '"[DONE]"'})
_QUOTED_TERMINATOR = b'data: "[DONE]"\n\n'
_READ_SIZE = 64 * 1024
_MAX_EVENT_BYTES = 64 * 1024 * 1024
# After the terminal frame, how long to wait for the rest of the body (the terminator and the
# end of the chunked encoding) so the connection can go back to the pool; never longer.
_DRAIN_SECONDS = 0.1
_DRAIN_MAX_BYTES = 64 * 1024

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
        return _json_event(self.data)


def _json_event(value: Any) -> bytes:
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


class WorkflowStream:
    """The events of one streamed run, yielded the moment their bytes arrive.

    Iterate it (once) for :class:`StreamEvent` objects, or use :meth:`iter_text`,
    :meth:`iter_sse` or :meth:`final_result`. Use it as a context manager, or break out of the
    loop: either closes the connection at once. The stream is complete at its terminal frame
    (``done``/``final`` or ``error``); a stream that ends before one raises
    :class:`StreamIncompleteError` carrying the text received. A terminal ``error`` frame is
    yielded as an ``error`` event and makes :attr:`result` a failed result (``success=False``),
    exactly like a failed synchronous run: it is not raised.

    Attributes:
        result: The run's result once the terminal event has arrived, else ``None``.
        headers: The HTTP headers of the answer.
        execution_id: The execution id the SDK claimed for this run (``X-Execution-Id``),
            usable with ``cancel_execution``; servers before 2026 ignore it.
    """

    def __init__(
        self,
        response: Optional[requests.Response],
        *,
        what: str,
        idle_timeout: Optional[float],
        deadline: Optional[float],
        collect_text: bool = True,
        prefilled: Optional[List[StreamEvent]] = None,
        headers: Optional[Mapping[str, str]] = None,
    ) -> None:
        self._response = response
        self._what = what
        self._idle_timeout = idle_timeout
        self._deadline_at = None if deadline is None else time.monotonic() + deadline
        self._deadline = deadline
        self._collect_text = collect_text
        self._prefilled = list(prefilled or [])
        self._decoder = SSEDecoder(max_event_size=_MAX_EVENT_BYTES)
        self._started = False
        self._closed = False
        self._drained = response is None
        self._terminator: Optional[bytes] = None
        self._text_parts: List[str] = []
        self._block_parts: Dict[str, List[str]] = {}
        self._events_received = 0
        self.result: Optional[WorkflowExecutionResult] = None
        self.execution_id: Optional[str] = None
        self.headers: Mapping[str, str] = headers if headers is not None else {}

    # ------------------------------------------------------------------ public API

    def __iter__(self) -> Iterator[StreamEvent]:
        if self._started:
            raise StreamError(f"{self._what}: a WorkflowStream can be iterated only once")
        self._started = True
        return self._events()

    def __enter__(self) -> WorkflowStream:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "done" if self.result is not None else ("closed" if self._closed else "open")
        return f"<WorkflowStream {self._what} {state}>"

    @property
    def completed(self) -> bool:
        """Whether the terminal event has arrived."""
        return self.result is not None

    @property
    def text(self) -> str:
        """All streamed text so far, as sent (blocks after the first start with a blank line)."""
        return "".join(self._text_parts)

    @property
    def block_texts(self) -> Dict[str, str]:
        """Streamed text per block id, without the separator Sim puts between blocks."""
        return {block: "".join(parts) for block, parts in self._block_parts.items()}

    def iter_text(self) -> Iterator[str]:
        """Consume the stream, yielding each text chunk as it arrives."""
        for event in self:
            if event.type == "chunk" and event.chunk:
                yield event.chunk

    def final_result(self) -> WorkflowExecutionResult:
        """Consume what is left of the stream and return the run's result."""
        if not self._started:
            for _event in self:
                pass
        if self.result is None:
            raise StreamIncompleteError(
                f"{self._what}: the stream was closed before its terminal frame",
                text=self.text,
            )
        return self.result

    def iter_sse(self) -> Iterator[bytes]:
        """Consume the stream, yielding it re-encoded as SSE bytes for a proxy.

        Every event is forwarded, then the terminator (``data: "[DONE]"`` unless the server
        sent the bare form). A stream that breaks is reported to the browser as an ``error``
        frame followed by the terminator, so an ``EventSource`` never sees a silent end.
        """
        try:
            for event in self:
                yield event.to_sse()
        except SimStudioError as error:
            yield _json_event({"event": "error", "error": str(error), "code": error.code})
        yield self._terminator or _QUOTED_TERMINATOR

    def close(self) -> None:
        """Release the connection: back to the pool when the body was read to its end,
        otherwise closed (the server sees the disconnect at once)."""
        if self._closed:
            return
        self._closed = True
        if self._response is None:
            return
        if self.result is not None:
            self._drain()
        if not self._drained:
            self._response.close()

    # ------------------------------------------------------------------ reading

    def _events(self) -> Iterator[StreamEvent]:
        try:
            for event in self._prefilled:
                self._remember(event)
                yield event
            if self._response is not None and not self._closed:
                yield from self._read_events()
        finally:
            self.close()

    def _read_events(self) -> Iterator[StreamEvent]:
        for data in self._raw_chunks():
            try:
                batch = self._decoder.feed(data)
            except SSEDecodeError as exc:
                raise StreamError(f"{self._what}: {exc}") from None
            for sse in batch:
                event = parse_frame(sse)
                if event is None:
                    self._terminator = sse.encode()
                    if self.result is None:
                        raise self._incomplete("the stream sent [DONE] without a final frame")
                    self._drain()
                    return
                if self.result is not None:
                    continue  # nothing after the terminal frame counts but the terminator
                self._remember(event)
                yield event
            if self.result is not None:
                self._drain()
                return
        if self.result is None:
            raise self._incomplete("the connection ended before the final frame")

    def _remember(self, event: StreamEvent) -> None:
        self._events_received += 1
        if event.type == "chunk" and event.chunk is not None and self._collect_text:
            self._text_parts.append(event.chunk)
            block = event.block_id or ""
            parts = self._block_parts.setdefault(block, [])
            chunk = event.chunk
            if not parts and len(self._block_parts) > 1 and chunk.startswith("\n\n"):
                chunk = chunk[2:]
            parts.append(chunk)
        elif event.type == "chunk_reset" and event.block_id in self._block_parts:
            self._block_parts[event.block_id or ""] = []
        elif event.result is not None:
            self.result = self._with_streamed_text(event.result)

    def _with_streamed_text(self, result: WorkflowExecutionResult) -> WorkflowExecutionResult:
        # Newer servers leave streamed outputs out of the final frame: put the text back.
        if not isinstance(result.output, dict) and result.output is not None:
            return result
        output = dict(result.output or {})
        for block, text in self.block_texts.items():
            if block and block not in output:
                output[block] = {"content": text}
        if output or result.output is not None:
            result.output = output
        return result

    def _incomplete(self, reason: str) -> StreamIncompleteError:
        return StreamIncompleteError(
            f"{self._what}: {reason}; received {self._events_received} events",
            text=self.text,
        )

    def _socket(self) -> Optional[socket.socket]:
        connection = getattr(getattr(self._response, "raw", None), "connection", None)
        sock = getattr(connection, "sock", None)
        return sock if isinstance(sock, socket.socket) else None

    def _set_read_timeout(self, seconds: Optional[float]) -> None:
        sock = self._socket()
        if sock is not None:
            sock.settimeout(seconds)

    def _raw_chunks(self) -> Iterator[bytes]:
        """The body's bytes as they arrive (``read1``: no waiting for a buffer to fill)."""
        assert self._response is not None
        raw = self._response.raw
        self._set_read_timeout(self._idle_timeout)
        while True:
            if self._deadline_at is not None:
                remaining = self._deadline_at - time.monotonic()
                if remaining <= 0:
                    raise self._timeout(deadline=True)
                idle = self._idle_timeout
                self._set_read_timeout(remaining if idle is None else min(idle, remaining))
            try:
                data = raw.read1(_READ_SIZE)
            except Exception as exc:  # urllib3/socket/http.client failures all end the stream
                raise self._read_failure(exc) from None
            if not data:
                self._drained = True
                return
            yield data

    def _timeout(self, deadline: bool) -> RequestTimeoutError:
        if deadline or (
            self._deadline_at is not None and time.monotonic() >= self._deadline_at - 0.001
        ):
            reason = f"the stream did not finish within its {self._deadline:g}s deadline"
        else:
            reason = f"no data for {self._idle_timeout:g}s (idle timeout)"
        return RequestTimeoutError(
            f"{self._what}: {reason}; received {self._events_received} events"
        )

    def _read_failure(self, exc: BaseException) -> SimStudioError:
        name = type(exc).__name__
        if "Timeout" in name or isinstance(exc, (socket.timeout, TimeoutError)):
            return self._timeout(deadline=False)
        return self._incomplete(f"the connection broke mid-stream ({name})")

    def _drain(self) -> None:
        """Read the rest of the body for a short, bounded time so the connection is reused."""
        if self._drained or self._response is None:
            return
        raw = self._response.raw
        self._set_read_timeout(_DRAIN_SECONDS)
        drained = 0
        try:
            while drained <= _DRAIN_MAX_BYTES:
                data = raw.read1(_READ_SIZE)
                if not data:
                    self._drained = True
                    return
                drained += len(data)
        except Exception:  # noqa: S110 - a failed drain only means the connection is not reused
            pass
        self._response.close()
        self._drained = True


def open_workflow_stream(
    transport: HTTPTransport,
    url: str,
    *,
    headers: Mapping[str, str],
    body: bytes,
    timeout: Tuple[float, float],
    idle_timeout: Optional[float],
    deadline: Optional[float],
    what: str,
    on_headers: Callable[[Mapping[str, str]], None],
    wall_clock: Callable[[], float] = time.time,
    collect_text: bool = True,
) -> WorkflowStream:
    """Send a streaming execute and return its :class:`WorkflowStream`.

    Errors before the stream starts (HTTP status, a non-SSE body) are raised here, like the
    synchronous call's; a JSON result instead of a stream becomes a one-event stream.
    """
    response = transport.send("POST", url, headers=headers, body=body, timeout=timeout, what=what)
    on_headers(response.headers)
    content_type = media_type(response.headers)
    options: Dict[str, Any] = {
        "what": what,
        "idle_timeout": idle_timeout,
        "deadline": deadline,
        "collect_text": collect_text,
        "headers": response.headers,
    }
    if response.status_code < 400 and content_type == "text/event-stream":
        return WorkflowStream(response, **options)
    answer = transport.read(response, what, timeout)
    if answer.status >= 400:
        result = failed_run_or_raise(answer, wall_clock(), what)
        return WorkflowStream(None, prefilled=[_result_event(result, None)], **options)
    if content_type not in ("application/json", "") and not content_type.endswith("+json"):
        raise InvalidResponseError(
            f"{what}: expected text/event-stream, got {content_type or 'no content type'}",
            status=answer.status,
            request_id=answer.request_id,
        )
    body_json = decode_json(answer)
    result = WorkflowExecutionResult.from_wire(body_json, answer.status)
    return WorkflowStream(None, prefilled=[_result_event(result, body_json)], **options)


def _result_event(result: WorkflowExecutionResult, body: Any) -> StreamEvent:
    """A terminal event for a JSON answer; ``body`` becomes the ``final`` frame's data of a
    successful result (a failed one is framed from its error alone)."""
    if result.success:
        return StreamEvent("done", data={"event": "final", "data": body}, result=result)
    frame = {"event": "error", "error": result.error or "workflow failed"}
    return StreamEvent("error", data=frame, error=result.error, result=result)

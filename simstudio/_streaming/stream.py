"""WorkflowStream: SSE frames -> typed StreamEvents, completion rules, proxy re-encoding."""

from __future__ import annotations

import warnings
from typing import Callable, Dict, Iterable, Iterator, List, Mapping, Optional

from .._errors import RequestTimeoutError, SimStudioError, StreamError, StreamIncompleteError
from .._headers import Headers
from ..sse import SSEDecodeError, SSEDecoder
from ..types._base import with_response
from ..types.workflows import WorkflowExecutionResult
from .events import StreamEvent, json_event, parse_frame
from .text import DEFAULT_MAX_TEXT_CHARS, StreamText

__all__ = ["DEFAULT_MAX_TEXT_CHARS", "StreamEvent", "WorkflowStream", "parse_frame"]

_QUOTED_TERMINATOR = b'data: "[DONE]"\n\n'
_MAX_EVENT_BYTES = 64 * 1024 * 1024


class WorkflowStream:
    """The events of one streamed run, yielded the moment their bytes arrive.

    Iterate it (once) for :class:`StreamEvent` objects, or use :meth:`iter_text`,
    :meth:`iter_sse` or :meth:`final_result`. Use it as a context manager, or break out of the
    loop: either closes the connection at once. The stream is complete at its terminal frame
    (``done``/``final`` or ``error``); a stream that ends before one raises
    :class:`StreamIncompleteError` carrying the text received. A terminal ``error`` frame is
    yielded as an ``error`` event and makes :attr:`result` a failed result (``success=False``),
    exactly like a failed synchronous run: it is not raised. A stream dropped without being
    closed closes its connection and emits a ``ResourceWarning``, as an unclosed file does.

    Args:
        chunks: The body's bytes as they arrive (any iterable; split anywhere).
        what: The call, for messages.
        release: Called once when the stream is done with ``chunks``: ``release(True)`` after
            the terminal frame (the rest of the body may be drained for reuse),
            ``release(False)`` otherwise (close the connection).
        collect_text: Keep the streamed text (``text``, ``block_texts``, the result's output).
        max_text_chars: Most characters of text kept; ``None`` for no limit.
        prefilled: Events that arrived without a body (a JSON answer instead of a stream).
        headers: The HTTP headers of the answer.
        execution_id: The execution id claimed for the run.

    Attributes:
        result: The run's result once the terminal event has arrived, else ``None``. Its
            ``execution_id`` is the claimed one when the server did not say.
        headers: The HTTP headers of the answer.
        execution_id: The execution id the SDK claimed for this run (``X-Execution-Id``),
            usable with ``cancel_execution``; servers before 2026 ignore it.
    """

    def __init__(
        self,
        chunks: Optional[Iterable[bytes]],
        *,
        what: str,
        release: Optional[Callable[[bool], None]] = None,
        collect_text: bool = True,
        max_text_chars: Optional[int] = DEFAULT_MAX_TEXT_CHARS,
        prefilled: Optional[List[StreamEvent]] = None,
        headers: Optional[Mapping[str, str]] = None,
        execution_id: Optional[str] = None,
    ) -> None:
        self._chunks = chunks
        self._release = release
        self._what = what
        self._text: Optional[StreamText] = StreamText(max_text_chars) if collect_text else None
        self._prefilled = list(prefilled or [])
        self._started = False
        self._closed = False
        self._terminator: Optional[bytes] = None
        self._events_received = 0
        self.result: Optional[WorkflowExecutionResult] = None
        self.execution_id = execution_id
        self.headers: Mapping[str, str] = Headers(headers)

    # ------------------------------------------------------------------ public API

    def __iter__(self) -> Iterator[StreamEvent]:
        if self._started:
            raise StreamError(f"{self._what}: a WorkflowStream can be iterated only once")
        if self._closed:
            raise StreamError(
                f"{self._what}: the stream was closed before it was read; read it inside its "
                "'with' block (or before calling close())"
            )
        self._started = True
        return self._events()

    def __enter__(self) -> WorkflowStream:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        if self.result is not None:
            state = f"done, success={self.result.success}; the result is in .result"
        elif self._closed:
            state = f"closed after {self._events_received} events, before its end"
        elif self._started:
            state = f"reading, {self._events_received} events so far"
        else:
            state = (
                "not read yet: iterate it (for event in stream: ...), or call "
                ".iter_text() or .final_result()"
            )
        return f"<WorkflowStream {self._what}, {state}>"

    def __del__(self, _warn: Callable[..., None] = warnings.warn) -> None:
        # ``_warn`` is bound at definition: module globals may be gone at interpreter exit.
        if getattr(self, "_release", None) is None:  # closed, or nothing to close
            return
        _warn(f"unclosed {self!r}", ResourceWarning, stacklevel=2, source=self)
        self.close()

    @property
    def completed(self) -> bool:
        """Whether the terminal event has arrived."""
        return self.result is not None

    @property
    def text(self) -> str:
        """The streamed text kept so far: block after block, each block after the first
        preceded by the blank line Sim sends (empty with ``collect_text=False`` or after
        :meth:`iter_sse`)."""
        return self._text.text if self._text is not None else ""

    @property
    def block_texts(self) -> Dict[str, str]:
        """Streamed text per block id, without the separator Sim puts between blocks."""
        return self._text.block_texts() if self._text is not None else {}

    @property
    def text_truncated(self) -> bool:
        """Whether the text reached ``max_text_chars`` and later text was not kept."""
        return self._text is not None and self._text.truncated

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
        frame followed by the terminator, so an ``EventSource`` never sees a silent end. The
        text passes through without being kept (``text`` stays empty).
        """
        events = iter(self)
        self._text = None
        try:
            for event in events:
                yield event.to_sse()
        except SimStudioError as error:
            yield json_event({"event": "error", "error": str(error), "code": error.code})
        yield self._terminator or _QUOTED_TERMINATOR

    def close(self) -> None:
        """Release the connection: back to the pool when the run finished (the rest of the
        body is read for at most 0.1 s), otherwise closed (the server sees the disconnect at
        once). Idempotent."""
        if self._closed:
            return
        self._closed = True
        release, self._release = self._release, None
        if release is not None:
            release(self.result is not None)

    # ------------------------------------------------------------------ reading

    def _events(self) -> Iterator[StreamEvent]:
        try:
            for event in self._prefilled:
                self._remember(event)
                yield event
            if self._chunks is not None and not self._closed:
                yield from self._read_events(self._chunks)
        finally:
            self.close()

    def _read_events(self, chunks: Iterable[bytes]) -> Iterator[StreamEvent]:
        decoder = SSEDecoder(max_event_size=_MAX_EVENT_BYTES)
        for data in self._checked(chunks):
            try:
                batch = decoder.feed(data)
            except SSEDecodeError as exc:
                raise StreamError(f"{self._what}: {exc}") from None
            for sse in batch:
                event = parse_frame(sse)
                if event is None:
                    self._terminator = sse.encode()
                    if self.result is None:
                        raise self._incomplete("the stream sent [DONE] without a final frame")
                    return
                if self.result is not None:
                    continue  # nothing after the terminal frame counts but the terminator
                self._remember(event)
                yield event
            if self.result is not None:
                return
        raise self._incomplete("the connection ended before the final frame")

    def _checked(self, chunks: Iterable[bytes]) -> Iterator[bytes]:
        """``chunks``, with a read failure reported with what had arrived."""
        try:
            yield from chunks
        except RequestTimeoutError as exc:
            raise RequestTimeoutError(
                f"{exc.message}; received {self._events_received} events"
            ) from None
        except SimStudioError as exc:  # the connection broke, or the body was undecodable
            raise StreamIncompleteError(
                f"{exc.message}; received {self._events_received} events", text=self.text
            ) from None

    def _remember(self, event: StreamEvent) -> None:
        self._events_received += 1
        text = self._text
        if event.type == "chunk":
            if text is not None and event.chunk:
                text.add(event.block_id or "", event.chunk)
        elif event.type == "chunk_reset":
            if text is not None:
                text.reset(event.block_id or "")
        elif event.result is not None:
            self.result = self._completed(event.result)

    @property
    def request_id(self) -> Optional[str]:
        """The server's ``x-request-id`` of the answer that carries this stream."""
        return self.headers.get("x-request-id")

    def _completed(self, result: WorkflowExecutionResult) -> WorkflowExecutionResult:
        with_response(result, self.headers)
        if result.execution_id is None:
            result.execution_id = self.execution_id
        result.text_truncated = self.text_truncated
        # Newer servers leave streamed outputs out of the final frame: put the text back.
        if not isinstance(result.output, dict) and result.output is not None:
            return result
        output = dict(result.output or {})
        for block, block_text in self.block_texts.items():
            if block and block not in output:
                output[block] = {"content": block_text}
        if output or result.output is not None:
            result.output = output
        return result

    def _incomplete(self, reason: str) -> StreamIncompleteError:
        return StreamIncompleteError(
            f"{self._what}: {reason}; received {self._events_received} events",
            text=self.text,
        )

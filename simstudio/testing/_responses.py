"""Response values the routes hand to the transport: JSON/bytes answers and SSE streams."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, List, Optional, Tuple, Union

from ._util import dumps

HeaderList = List[Tuple[str, str]]

#: CORS headers of the API-key routes (as on Sim's execute route), so browsers may call it.
CORS_HEADERS: HeaderList = [
    ("Access-Control-Allow-Origin", "*"),
    ("Access-Control-Allow-Methods", "GET,POST,OPTIONS,PUT"),
    (
        "Access-Control-Allow-Headers",
        "Content-Type, X-API-Key, X-Execution-Id, X-Execution-Mode, "
        "X-Execution-Timeout-Seconds, X-Stream-Response, X-Run-Id, X-Sim-Stream-Protocol",
    ),
    (
        "Access-Control-Expose-Headers",
        "Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, "
        "X-Request-Id, X-Run-Id",
    ),
]

SSE_HEADERS: HeaderList = [
    ("Cache-Control", "no-cache"),
    ("Connection", "keep-alive"),
    ("Content-Type", "text/event-stream"),
    ("X-Accel-Buffering", "no"),
]


@dataclass
class Response:
    """A complete (non-streamed) answer."""

    status: int
    body: bytes = b""
    headers: HeaderList = field(default_factory=list)
    content_type: Optional[str] = "application/json"
    close: bool = False


def json_response(status: int, payload: Any, headers: Optional[HeaderList] = None) -> Response:
    """A JSON answer with compact, ``JSON.stringify``-like encoding."""
    return Response(status, dumps(payload), list(headers or []))


@dataclass
class Frame:
    """One SSE message (``data: ...`` plus its blank line) ready for the wire.

    Attributes:
        data: The encoded frame.
        terminal: Whether this is the last frame the stream's contract promises.
    """

    data: bytes
    terminal: bool = False


def sse_frame(payload: Any, terminal: bool = False) -> Frame:
    """Encode a JSON payload as ``data: <json>\\n\\n``."""
    return Frame(b"data: " + dumps(payload) + b"\n\n", terminal)


@dataclass
class StreamResponse:
    """A streamed SSE answer; ``frames`` is pulled lazily while writing.

    ``on_abort(events_sent, client_gone)`` is called when the stream ends before its
    terminal frame (client gone, server stopping, or a stream fault).
    """

    frames: Iterator[Frame]
    headers: HeaderList = field(default_factory=lambda: list(SSE_HEADERS))
    status: int = 200
    on_abort: Optional[Callable[[int, bool], None]] = None
    workflow_id: Optional[str] = None
    execution_id: Optional[str] = None

    def close(self) -> None:
        """Close the frame generator (and with it the running handler)."""
        close = getattr(self.frames, "close", None)
        if close is not None:
            close()


AnyResponse = Union[Response, StreamResponse]

"""Opening a workflow stream: the request, the idle-timeout rule, SSE body or JSON answer."""

from __future__ import annotations

import enum
import time
from typing import TYPE_CHECKING, Any, Callable, Dict, Mapping, Optional, Tuple, Union

from .._errors import InvalidResponseError, SimStudioError
from .._responses import decode_json, failed_run_or_raise, media_type
from ..types.workflows import WorkflowExecutionResult
from .events import result_event
from .stream import WorkflowStream
from .text import DEFAULT_MAX_TEXT_CHARS

if TYPE_CHECKING:
    import requests

    from .._transport import HTTPTransport

__all__ = [
    "DEFAULT_IDLE",
    "DEFAULT_IDLE_TIMEOUT",
    "IdleDefault",
    "IdleTimeout",
    "open_workflow_stream",
    "stream_idle_timeout",
]

#: The idle timeout of a stream when the call gives neither ``timeout`` nor ``idle_timeout``:
#: Sim sends no heartbeats while an agent thinks.
DEFAULT_IDLE_TIMEOUT = 300.0
# After the terminal frame, how long to read on (the terminator, the end of the chunked
# encoding) so the connection can go back to the pool; never longer.
_DRAIN_SECONDS = 0.1
_DRAIN_MAX_BYTES = 64 * 1024


class IdleDefault(enum.Enum):
    """The type of :data:`DEFAULT_IDLE`, ``idle_timeout``'s default."""

    DEFAULT = "default"

    def __repr__(self) -> str:
        return "DEFAULT_IDLE"


#: ``idle_timeout`` not given: the call's ``timeout`` when it has one, else 300 s.
DEFAULT_IDLE = IdleDefault.DEFAULT

IdleTimeout = Union[float, None, IdleDefault]


def stream_idle_timeout(
    idle_timeout: IdleTimeout, read_timeout: Optional[float]
) -> Optional[float]:
    """The idle timeout a stream uses: ``idle_timeout`` when given (``None``: wait forever),
    else the call's explicit read timeout (``read_timeout``), else
    :data:`DEFAULT_IDLE_TIMEOUT`."""
    if idle_timeout is not DEFAULT_IDLE:
        return idle_timeout
    return read_timeout if read_timeout is not None else DEFAULT_IDLE_TIMEOUT


def open_workflow_stream(
    transport: HTTPTransport,
    url: str,
    *,
    headers: Mapping[str, str],
    body: bytes,
    timeout: Tuple[float, float],
    timeout_given: bool,
    idle_timeout: IdleTimeout = DEFAULT_IDLE,
    deadline: Optional[float] = None,
    what: str,
    on_headers: Callable[[Mapping[str, str]], None],
    wall_clock: Callable[[], float] = time.time,
    clock: Callable[[], float] = time.monotonic,
    collect_text: bool = True,
    max_text_chars: Optional[int] = DEFAULT_MAX_TEXT_CHARS,
    execution_id: Optional[str] = None,
) -> WorkflowStream:
    """Send a streaming execute and return its :class:`WorkflowStream`.

    ``timeout`` is the resolved ``(connect, read)`` pair; with ``timeout_given`` (the caller
    passed one) its read part is also the idle timeout unless ``idle_timeout`` is given (see
    :func:`stream_idle_timeout`). ``deadline`` (seconds, on ``clock``) starts before sending.
    Errors before the stream starts (HTTP status, a non-SSE body) are raised here, like the
    synchronous call's; a JSON result instead of a stream becomes a one-event stream.
    """
    deadline_at = None if deadline is None else clock() + deadline
    # Only what the stream can decode incrementally (requests would also offer br and zstd).
    sent = dict(headers, **{"Accept-Encoding": "gzip, deflate"})
    response = transport.send("POST", url, headers=sent, body=body, timeout=timeout, what=what)
    on_headers(response.headers)
    options: Dict[str, Any] = {
        "what": what,
        "collect_text": collect_text,
        "max_text_chars": max_text_chars,
        "headers": response.headers,
        "execution_id": execution_id,
    }
    if response.status_code >= 400 or media_type(response.headers) != "text/event-stream":
        return _answer_stream(transport, response, timeout, wall_clock, options)
    try:
        source = transport.open_body(
            response,
            what=what,
            timeout=timeout,
            idle_timeout=stream_idle_timeout(idle_timeout, timeout[1] if timeout_given else None),
            deadline_at=deadline_at,
            deadline=deadline,
            clock=clock,
        )
    except SimStudioError:
        response.close()
        raise

    def release(finished: bool) -> None:
        if finished:
            source.drain(_DRAIN_MAX_BYTES, _DRAIN_SECONDS)
        source.close()

    return WorkflowStream(source, release=release, **options)


def _answer_stream(
    transport: HTTPTransport,
    response: requests.Response,
    timeout: Tuple[float, float],
    wall_clock: Callable[[], float],
    options: Dict[str, Any],
) -> WorkflowStream:
    """A one-event stream for an answer that is not an event stream (or an error raised)."""
    what: str = options["what"]
    answer = transport.read(response, what, timeout)
    if answer.status >= 400:
        result = failed_run_or_raise(answer, wall_clock(), what)
        return WorkflowStream(None, prefilled=[result_event(result, None)], **options)
    content_type = media_type(answer.headers)
    if content_type not in ("application/json", "") and not content_type.endswith("+json"):
        raise InvalidResponseError(
            f"{what}: expected text/event-stream, got {content_type or 'no content type'}",
            status=answer.status,
            request_id=answer.request_id,
        )
    body_json = decode_json(answer)
    result = WorkflowExecutionResult.from_wire(body_json, answer.status)
    return WorkflowStream(None, prefilled=[result_event(result, body_json)], **options)

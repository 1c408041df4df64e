"""Fault injection: the ``Fault`` description, its handle and the registry matching requests."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, List, Mapping, Optional, Pattern, Union

from ._records import Request

_DROPS = (None, "before_response", "after_run", "mid_body")
_FRAMINGS = ("chunked", "close")

PathMatcher = Union[str, Pattern[str]]


@dataclass(frozen=True)
class Fault:
    """How the local server should misbehave for a matching request.

    All fields are optional and combine: e.g. ``Fault(latency=0.2, status=503)`` waits, then
    answers 503. Stream-only fields are ignored for non-streamed responses.

    Attributes:
        latency: Seconds to wait before doing anything else (interrupted by ``stop()``).
        status: Answer with this canned status instead of running the route.
        body: Canned body: ``bytes`` and ``str`` are sent as-is, anything else as JSON.
            Setting only ``body`` implies status 200.
        content_type: Content-Type of the canned answer (default ``application/json``).
        headers: Extra response headers. Added to the canned answer, or, when there is no
            canned answer, to the real response (e.g. ``{"Retry-After": "2"}``).
        body_size: Canned body of exactly this many bytes (``b"x" * n``), e.g. to test a
            client's response-size limit.
        drop: ``"before_response"`` closes the socket after reading the request, before
            the workflow runs; ``"after_run"`` runs the workflow (counts as an execution)
            and closes without answering (a lost response); ``"mid_body"`` runs it and sends
            the headers and part of the body, then closes.
        reset: Close with a TCP RST (``SO_LINGER`` 0) instead of a FIN wherever the fault
            closes the socket (``drop``, ``cut_after_events``).
        stall_after_events: Send this many SSE frames, then hang until the client goes
            away or the server stops.
        truncate_after_events: Send this many frames, then end the chunked body cleanly,
            with no terminal frame.
        cut_after_events: Send this many frames, then close the socket in the middle of
            the chunked body.
        error_frame: Replace the terminal ``final`` frame with
            ``{"event":"error","error":<error_frame>}``.
        crlf: Use CRLF line endings in SSE frames and send each frame in two chunks (with
            a short pause) so that a CR and its LF arrive in different TCP segments.
        split_utf8: Split every frame that contains a multi-byte UTF-8 character into two
            chunks in the middle of that character (send non-ASCII input to see it).
        framing: ``"chunked"`` (default) or ``"close"``: no Content-Length and no chunked
            encoding, the body ends when the server closes the connection.
        json_instead_of_sse: Answer a stream request with a normal JSON result.
        redirect_to: Answer with a redirect to this URL or same-origin path.
        redirect_status: The redirect status (default 307, which keeps method and body).
    """

    latency: float = 0.0
    status: Optional[int] = None
    body: Any = None
    content_type: Optional[str] = None
    headers: Optional[Mapping[str, str]] = None
    body_size: Optional[int] = None
    drop: Optional[str] = None
    reset: bool = False
    stall_after_events: Optional[int] = None
    truncate_after_events: Optional[int] = None
    cut_after_events: Optional[int] = None
    error_frame: Optional[str] = None
    crlf: bool = False
    split_utf8: bool = False
    framing: str = "chunked"
    json_instead_of_sse: bool = False
    redirect_to: Optional[str] = None
    redirect_status: int = 307

    def __post_init__(self) -> None:
        if self.drop not in _DROPS:
            raise ValueError(f"drop must be one of {_DROPS!r}")
        if self.framing not in _FRAMINGS:
            raise ValueError(f"framing must be one of {_FRAMINGS!r}")
        if self.latency < 0:
            raise ValueError("latency must not be negative")
        counts = [self.stall_after_events, self.truncate_after_events, self.cut_after_events]
        if any(count is not None and count < 0 for count in counts):
            raise ValueError("event counts must not be negative")
        if sum(count is not None for count in counts) > 1:
            raise ValueError("use only one of stall/truncate/cut_after_events")
        if self.body_size is not None and self.body_size < 0:
            raise ValueError("body_size must not be negative")

    @property
    def is_canned(self) -> bool:
        """Whether this fault replaces the response with a canned answer."""
        return self.status is not None or self.body is not None or self.body_size is not None

    def canned_body(self) -> bytes:
        """The canned body as bytes (``body_size`` bytes of ``x`` when ``body_size`` is set)."""
        from ._util import dumps

        if self.body_size is not None:
            return b"x" * self.body_size
        if self.body is None:
            return b""
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode("utf-8")
        return dumps(self.body)


class FaultHandle:
    """A registered fault; ``remove()`` unregisters it.

    Attributes:
        fault: The fault description.
        hits: How many requests it has been applied to so far.
    """

    def __init__(
        self,
        registry: FaultRegistry,
        fault: Fault,
        workflow_id: Optional[str],
        path: Optional[PathMatcher],
        method: Optional[str],
        times: Optional[int],
    ) -> None:
        """Create a handle (use ``LocalSimServer.inject`` instead)."""
        self._registry = registry
        self.fault = fault
        self.workflow_id = workflow_id
        self.path = path
        self.method = method.upper() if method else None
        self.remaining = times
        self.hits = 0

    def matches(self, request: Request) -> bool:
        """Whether this fault applies to the request (ignoring ``times``)."""
        if self.method is not None and request.method != self.method:
            return False
        if self.workflow_id is not None and request.workflow_id != self.workflow_id:
            return False
        if self.path is None:
            return True
        if isinstance(self.path, str):
            if self.path.endswith("*"):
                return request.path.startswith(self.path[:-1])
            return request.path == self.path
        return self.path.search(request.path) is not None

    def remove(self) -> None:
        """Stop applying this fault."""
        self._registry.remove(self)

    def __repr__(self) -> str:
        return (
            f"FaultHandle({self.fault!r}, workflow_id={self.workflow_id!r}, "
            f"path={self.path!r}, remaining={self.remaining!r})"
        )


class FaultRegistry:
    """Registered faults, first registered first matched; thread-safe."""

    def __init__(self) -> None:
        """Create an empty registry."""
        self._lock = threading.Lock()
        self._handles: List[FaultHandle] = []

    def add(
        self,
        fault: Fault,
        workflow_id: Optional[str] = None,
        path: Optional[PathMatcher] = None,
        method: Optional[str] = None,
        times: Optional[int] = None,
    ) -> FaultHandle:
        """Register a fault and return its handle."""
        if times is not None and times < 1:
            raise ValueError("times must be at least 1 (or None for 'until cleared')")
        handle = FaultHandle(self, fault, workflow_id, path, method, times)
        with self._lock:
            self._handles.append(handle)
        return handle

    def remove(self, handle: FaultHandle) -> None:
        """Unregister a fault (no error if it is already gone)."""
        with self._lock:
            if handle in self._handles:
                self._handles.remove(handle)

    def clear(self) -> None:
        """Unregister every fault."""
        with self._lock:
            self._handles.clear()

    def match(self, request: Request) -> Optional[Fault]:
        """Return the first fault matching the request, counting the hit."""
        with self._lock:
            for handle in self._handles:
                if handle.matches(request):
                    handle.hits += 1
                    if handle.remaining is not None:
                        handle.remaining -= 1
                        if handle.remaining <= 0:
                            self._handles.remove(handle)
                    return handle.fault
        return None

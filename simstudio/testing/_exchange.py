"""The app's handle on one request's connection: send in one write, stream, cut or drop."""

from __future__ import annotations

import socket
import threading
from typing import Any, Optional, Protocol, Tuple, Union

from ._faults import Fault
from ._records import Request
from ._responses import CORS_HEADERS, HeaderList, Response, StreamResponse
from ._socketio import build_head, http_date
from ._stream import StreamResult, StreamWriter


class ServerSide(Protocol):
    """What an exchange needs from the server (``_http.HttpServer`` provides it)."""

    @property
    def stopping(self) -> threading.Event:
        """Set while the server is stopping."""

    @property
    def hold_open(self) -> float:
        """Seconds to keep a finished stream's body open."""

    def reset_on_close(self, sock: socket.socket) -> None:
        """Close ``sock`` with RST instead of FIN when its connection ends."""


class Connection(Protocol):
    """What an exchange needs from its connection (``_http.ConnectionHandler`` provides it)."""

    close_connection: bool

    @property
    def connection(self) -> socket.socket:
        """The client socket."""

    @property
    def server(self) -> ServerSide:
        """The server the connection belongs to."""

    def log_request(self, code: Union[int, str] = ..., size: Union[int, str] = ...) -> None:
        """Log one answer (only when the server is verbose)."""


class Exchange:
    """The app's handle on one request's connection: send, stream, cut or drop."""

    def __init__(self, handler: Connection, request: Request) -> None:
        """Wrap a connection handler for one request."""
        self._handler = handler
        self._request = request
        self._sock: socket.socket = handler.connection
        self.disconnected = False

    @property
    def stopping(self) -> threading.Event:
        """Set while the server is stopping."""
        return self._handler.server.stopping

    def _delimited_by_close(self, fault: Optional[Fault]) -> bool:
        """Whether the body ends at connection close (no Content-Length, no chunks)."""
        framing_close = fault is not None and fault.framing == "close"
        return framing_close or self._request.http_version != "HTTP/1.1"

    def _closing(self, fault: Optional[Fault]) -> bool:
        return bool(self._handler.close_connection or self._delimited_by_close(fault))

    def _standard_headers(self, close: bool) -> HeaderList:
        return [
            *CORS_HEADERS,
            ("x-request-id", self._request.request_id),
            ("Date", http_date()),
            ("Connection", "close" if close else "keep-alive"),
        ]

    def _head(self, response: Response, fault: Optional[Fault], body: bytes) -> Tuple[bytes, bool]:
        close = response.close or self._closing(fault)
        headers: HeaderList = []
        names = {name.lower() for name, _ in response.headers}
        if response.content_type and "content-type" not in names:
            headers.append(("Content-Type", response.content_type))
        headers.extend(response.headers)
        if not self._delimited_by_close(fault) and response.status not in (204, 304):
            headers.append(("Content-Length", str(len(body))))
        headers.extend(self._standard_headers(close))
        return build_head(response.status, headers), close

    def send(self, response: Response, fault: Optional[Fault] = None) -> None:
        """Write a complete response in ONE ``sendall`` (head and body together)."""
        head, close = self._head(response, fault, response.body)
        self._handler.log_request(response.status, len(response.body))
        try:
            self._sock.sendall(head + response.body)
        except OSError:
            self.disconnected = True
            close = True
        if close:
            self._handler.close_connection = True

    def send_partial(self, response: Any, reset: bool) -> int:
        """Send the head and part of the body, then close; returns frames started."""
        if isinstance(response, StreamResponse):
            head = self._stream_head(response, None)
            first = next(iter(response.frames), None)
            data = first.data if first is not None else b"data: {}\n\n"
            payload = head + b"%x\r\n" % len(data) + data[: max(1, len(data) // 2)]
        else:
            head, _ = self._head(response, None, response.body)
            payload = head + response.body[: len(response.body) // 2]
        try:
            self._sock.sendall(payload)
        except OSError:
            self.disconnected = True
        self.drop(reset)
        return 1 if isinstance(response, StreamResponse) else 0

    def drop(self, reset: bool) -> None:
        """Close the connection without (further) answer; RST instead of FIN if ``reset``."""
        self._handler.close_connection = True
        if reset:
            self._handler.server.reset_on_close(self._sock)

    def _stream_head(self, response: StreamResponse, fault: Optional[Fault]) -> bytes:
        headers = [(n, v) for n, v in response.headers if n.lower() != "connection"]
        if not self._delimited_by_close(fault):
            headers.append(("Transfer-Encoding", "chunked"))
        return build_head(response.status, headers + self._standard_headers(self._closing(fault)))

    def send_stream(self, response: StreamResponse, fault: Optional[Fault]) -> StreamResult:
        """Write an SSE stream with real chunked encoding, one chunk per frame."""
        chunked = not self._delimited_by_close(fault)
        head = self._stream_head(response, fault)
        server = self._handler.server
        self._handler.log_request(response.status)
        writer = StreamWriter(self._sock, server.stopping, fault, server.hold_open, chunked)
        result = writer.write(head, response)
        if not result.reusable:
            self._handler.close_connection = True
        if result.client_gone:
            self.disconnected = True
        return result

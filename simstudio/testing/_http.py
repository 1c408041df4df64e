"""The transport: a threaded HTTP/1.1 keep-alive server, request parsing and response writing."""

from __future__ import annotations

import contextlib
import selectors
import socket
import socketserver
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler
from typing import Any, Callable, Set, Tuple

from ._exchange import Exchange
from ._records import Headers, Request
from ._socketio import peer_closed, set_reset_on_close
from ._threads import ThreadGroup
from ._util import request_id

App = Callable[[Request, Exchange], None]


class HttpServer(socketserver.TCPServer):
    """A TCP server that serves each connection in a tracked, named thread of its group."""

    allow_reuse_address = True
    request_queue_size = 128

    def __init__(
        self,
        address: Tuple[str, int],
        app: App,
        threads: ThreadGroup,
        stopping: threading.Event,
        max_body: int,
        hold_open: float,
        verbose: bool = False,
    ) -> None:
        """Bind and listen on ``address``; nothing is served until ``accept_loop``."""
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.app = app
        self.threads = threads
        self.stopping = stopping
        self.max_body = max_body
        self.hold_open = hold_open
        self.verbose = verbose
        self.conn_lock = threading.Lock()
        self.connections: Set[socket.socket] = set()
        self.reset_sockets: Set[socket.socket] = set()
        self.connections_opened = 0
        self._loop_done = threading.Event()
        super().__init__(address, ConnectionHandler)
        self._wake_r, self._wake_w = socket.socketpair()
        self.socket.setblocking(False)

    def accept_loop(self) -> None:
        """Accept connections until ``stop_accepting`` wakes the loop up (no polling)."""
        try:
            with selectors.DefaultSelector() as selector:
                selector.register(self.socket, selectors.EVENT_READ, "accept")
                selector.register(self._wake_r, selectors.EVENT_READ, "wake")
                while not self.stopping.is_set():
                    for key, _ in selector.select():
                        if key.data == "wake":
                            return
                        self._accept_one()
        finally:
            self._loop_done.set()

    def _accept_one(self) -> None:
        try:
            request, client_address = self.get_request()
        except OSError:  # nothing to accept after all, or the client already left
            return
        try:
            self.process_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
            self.shutdown_request(request)

    def stop_accepting(self, timeout: float = 5.0) -> None:
        """Wake the accept loop up, wait for it to end and close the listening socket."""
        with contextlib.suppress(OSError):
            self._wake_w.send(b"x")
        self._loop_done.wait(timeout)
        self.server_close()
        self._wake_r.close()
        self._wake_w.close()

    def process_request(self, request: Any, client_address: Any) -> None:
        """Track the connection and serve it in its own thread."""
        # Small writes must leave at once: Nagle + delayed ACK would add ~40 ms per answer.
        with contextlib.suppress(OSError):
            # Accepted sockets may inherit the listener's non-blocking mode on some systems.
            request.setblocking(True)
            request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self.conn_lock:
            self.connections.add(request)
            self.connections_opened += 1

        def serve() -> None:
            try:
                self.finish_request(request, client_address)
            except Exception:
                self.handle_error(request, client_address)
            finally:
                self.shutdown_request(request)

        self.threads.start("conn", serve)

    def reset_on_close(self, sock: socket.socket) -> None:
        """Close ``sock`` with RST instead of FIN when its connection ends (a fault asked)."""
        set_reset_on_close(sock)
        with self.conn_lock:
            self.reset_sockets.add(sock)

    def shutdown_request(self, request: Any) -> None:
        """Close a connection with FIN, or with RST if a fault asked for it."""
        with self.conn_lock:
            self.connections.discard(request)
            reset = request in self.reset_sockets
            self.reset_sockets.discard(request)
        if reset:
            request.close()
        else:
            super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay quiet about broken connections unless ``verbose``."""
        if self.verbose:
            traceback.print_exc(file=sys.stderr)

    def close_connections(self) -> None:
        """Shut every open client socket down so blocked readers and writers wake up."""
        with self.conn_lock:
            sockets = list(self.connections)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def open_connections(self) -> int:
        """How many client connections are open."""
        with self.conn_lock:
            return len(self.connections)


class _BodyTooLargeError(Exception):
    pass


class ConnectionHandler(BaseHTTPRequestHandler):
    """Parses requests on one connection and hands them to the app (keep-alive aware)."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: HttpServer

    def log_message(self, format: str, *args: Any) -> None:
        """Log to stderr only when the server is ``verbose``."""
        if self.server.verbose:
            super().log_message(format, *args)

    def do_GET(self) -> None:
        """Serve any method the same way; the routes decide what is allowed."""
        self._serve()

    def do_POST(self) -> None:
        """Serve a POST."""
        self._serve()

    def do_PUT(self) -> None:
        """Serve a PUT."""
        self._serve()

    def do_PATCH(self) -> None:
        """Serve a PATCH."""
        self._serve()

    def do_OPTIONS(self) -> None:
        """Serve a CORS preflight."""
        self._serve()

    def do_DELETE(self) -> None:
        """Serve a DELETE."""
        self._serve()

    def _read_chunked(self, limit: int) -> bytes:
        parts = []
        total = 0
        while True:
            line = self.rfile.readline(65537)
            size = int(line.split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                    pass
                break
            data = self.rfile.read(size)
            self.rfile.readline(65537)
            total += len(data)
            if total <= limit:
                parts.append(data)
        if total > limit:
            raise _BodyTooLargeError
        return b"".join(parts)

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked(self.server.max_body)
        length = int(self.headers.get("Content-Length") or 0)
        if length > self.server.max_body:
            if length > 4 * self.server.max_body:
                self.close_connection = True
            else:
                remaining = length
                while remaining > 0:
                    got = self.rfile.read(min(remaining, 1 << 16))
                    if not got:
                        break
                    remaining -= len(got)
            raise _BodyTooLargeError
        return self.rfile.read(length) if length > 0 else b""

    def _serve(self) -> None:
        too_large = False
        try:
            body = self._read_body()
        except _BodyTooLargeError:
            body, too_large = b"", True
        except ValueError:
            self.send_error(400, "Bad request body framing")
            self.close_connection = True
            return
        request = Request(
            method=self.command,
            raw_path=self.path,
            headers=Headers(self.headers.items()),
            body=body,
            request_id=request_id(),
            received_at=time.time(),
            http_version=self.request_version,
            body_too_large=too_large,
            client_gone=lambda: peer_closed(self.connection),
        )
        self.server.app(request, Exchange(self, request))

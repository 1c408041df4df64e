"""A hand-written loopback HTTP server for hostile stream tests: each connection runs a script."""

from __future__ import annotations

import contextlib
import gzip
import json
import socket
import threading
import zlib
from typing import Any, Callable, List, Optional

KEY = "sk-sim-RAWSERVER-5e1d2c3b4a"

FINAL = b'data: {"event":"final","data":{"success":true,"output":{}}}\n\n'
DONE = b'data: "[DONE]"\n\n'


def chunk_frame(text: str, block: str = "b1") -> bytes:
    """One ``data: {"blockId","chunk"}`` frame."""
    return b"data: " + json.dumps({"blockId": block, "chunk": text}).encode() + b"\n\n"


def chunked(data: bytes) -> bytes:
    """``data`` as one HTTP/1.1 chunk."""
    return b"%x\r\n%s\r\n" % (len(data), data)


def gzipped(data: bytes) -> bytes:
    """``data`` gzip-compressed in one member."""
    return gzip.compress(data)


def deflated(data: bytes, raw: bool = False) -> bytes:
    """``data`` deflate-compressed, zlib-wrapped (as HTTP says) or raw (as some servers send)."""
    compressor = zlib.compressobj(wbits=-15 if raw else 15)
    return compressor.compress(data) + compressor.flush()


class Conn:
    """The server side of one connection, as seen by a script."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self._buffer = b""

    def read_request(self) -> Optional[bytes]:
        """The next request (head and body), or ``None`` when the client closed."""
        while b"\r\n\r\n" not in self._buffer:
            data = self.sock.recv(65536)
            if not data:
                return None
            self._buffer += data
        head, _, rest = self._buffer.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        while len(rest) < length:
            data = self.sock.recv(65536)
            if not data:
                return None
            rest += data
        self._buffer = rest[length:]
        return head + b"\r\n\r\n" + rest[:length]

    def send(self, data: bytes) -> None:
        """Write ``data`` (a disconnected client is ignored)."""
        with contextlib.suppress(OSError):
            self.sock.sendall(data)

    def head(self, framing: str, extra: str = "") -> None:
        """A 200 ``text/event-stream`` head; ``framing`` is chunked, close or ``length:<n>``."""
        lines = ["HTTP/1.1 200 OK", "Content-Type: text/event-stream"]
        if framing == "chunked":
            lines.append("Transfer-Encoding: chunked")
        elif framing == "close":
            lines.append("Connection: close")
        else:
            lines.append("Content-Length: " + framing.split(":", 1)[1])
        if extra:
            lines.append(extra)
        self.send(("\r\n".join(lines) + "\r\n\r\n").encode())

    def body(self, framing: str, data: bytes) -> None:
        """Send ``data`` as part of a body of ``framing``."""
        self.send(chunked(data) if framing == "chunked" else data)

    def wait_for_disconnect(self, limit: float = 10.0) -> None:
        """Block until the client closes the connection (or ``limit`` seconds pass)."""
        self.sock.settimeout(limit)
        try:
            while self.sock.recv(65536):
                pass
        except OSError:
            pass


Script = Callable[[Conn], None]


class RawServer:
    """Serves every connection with ``script`` on its own thread.

    Attributes:
        connections: How many connections were accepted.
        requests: The raw requests seen (when the script reads them through ``Conn``).
    """

    def __init__(self, script: Script) -> None:
        self._script = script
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._threads: List[threading.Thread] = []
        self._socks: List[socket.socket] = []
        self._closing = False
        self.connections = 0
        self.base_url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._acceptor = threading.Thread(target=self._accept, daemon=True)
        self._acceptor.start()

    def _accept(self) -> None:
        while not self._closing:
            try:
                sock, _ = self._listener.accept()
            except OSError:
                return
            self.connections += 1
            self._socks.append(sock)
            thread = threading.Thread(target=self._run, args=(sock,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _run(self, sock: socket.socket) -> None:
        try:
            self._script(Conn(sock))
        except OSError:
            pass
        finally:
            sock.close()

    def close(self) -> None:
        """Stop accepting, close every connection and wait for the scripts."""
        self._closing = True
        self._listener.close()
        for sock in self._socks:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        for thread in self._threads:
            thread.join(5)

    def __enter__(self) -> RawServer:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

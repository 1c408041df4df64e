"""Low-level socket helpers: response heads, peer-closed checks, waits and RST closes."""

from __future__ import annotations

import contextlib
import email.utils
import selectors
import socket
import struct
import threading
import time
from http import HTTPStatus
from typing import List, Optional, Tuple

_DONTWAIT = getattr(socket, "MSG_DONTWAIT", 0)
_EXTRA_REASONS = {499: "Client Closed Request"}

HeaderPairs = List[Tuple[str, str]]


def reason_phrase(status: int) -> str:
    """The reason phrase for a status (``Unknown`` when the status is not standard)."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return _EXTRA_REASONS.get(status, "Unknown")


def build_head(status: int, headers: HeaderPairs) -> bytes:
    """Status line plus headers plus the blank line, ready to prepend to a body."""
    lines = [f"HTTP/1.1 {status} {reason_phrase(status)}"]
    lines.extend(f"{name}: {value}" for name, value in headers)
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace")


def http_date() -> str:
    """The current time as an HTTP ``Date`` value."""
    return email.utils.formatdate(usegmt=True)


def peer_closed(sock: socket.socket) -> bool:
    """Whether the peer has closed (EOF or reset), without blocking or consuming data."""
    try:
        if _DONTWAIT:
            try:
                return sock.recv(1, socket.MSG_PEEK | _DONTWAIT) == b""
            except BlockingIOError:
                return False
        with selectors.DefaultSelector() as selector:
            selector.register(sock, selectors.EVENT_READ)
            if not selector.select(0):
                return False
        return sock.recv(1, socket.MSG_PEEK) == b""
    except (OSError, ValueError):
        return True


def wait_for_peer(sock: socket.socket, seconds: Optional[float], stopping: threading.Event) -> str:
    """Wait up to ``seconds`` (``None``: forever) for the peer to go away.

    Returns:
        ``"gone"`` when the peer closed, ``"stopped"`` when the server is stopping, or
        ``"timeout"`` when the time ran out.
    """
    deadline = None if seconds is None else time.monotonic() + seconds
    try:
        selector = selectors.DefaultSelector()
        selector.register(sock, selectors.EVENT_READ)
    except (OSError, ValueError):
        return "gone"
    with selector:
        while True:
            if stopping.is_set():
                return "stopped"
            step = 0.05
            if deadline is not None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return "timeout"
                step = min(step, remaining)
            try:
                ready = selector.select(step)
            except (OSError, ValueError):
                return "gone"
            if ready:
                if peer_closed(sock):
                    return "gone"
                # The client sent more bytes (a pipelined request): keep waiting, but by
                # the clock, since the socket now stays readable.
                stopping.wait(step)


def set_reset_on_close(sock: socket.socket) -> None:
    """Make the next ``close()`` send an RST instead of a FIN (``SO_LINGER`` 0)."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

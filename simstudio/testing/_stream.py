"""Writing SSE streams: real chunked encoding, one flushed chunk per frame, and stream faults."""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass
from typing import List, Optional

from ._faults import Fault
from ._responses import StreamResponse
from ._socketio import peer_closed, wait_for_peer

#: Pause between the two halves of a frame split by ``crlf``/``split_utf8`` faults.
SPLIT_PAUSE = 0.005


@dataclass
class StreamResult:
    """How writing a stream ended.

    Attributes:
        events_sent: Frames written.
        completed: Whether the terminal frame was written.
        client_gone: Whether the client went away.
        reusable: Whether the connection may serve another request.
    """

    events_sent: int
    completed: bool
    client_gone: bool
    reusable: bool


def _split_points(data: bytes, fault: Optional[Fault]) -> List[int]:
    cuts = set()
    if fault is not None and fault.crlf:
        index = data.find(b"\r")
        if index >= 0:
            cuts.add(index + 1)
    if fault is not None and fault.split_utf8:
        for index, byte in enumerate(data):
            if byte >= 0xC0:
                cuts.add(index + 1)
                break
    return sorted(cuts)


def frame_pieces(data: bytes, fault: Optional[Fault]) -> List[bytes]:
    """The pieces a frame is written in (one unless a ``crlf``/``split_utf8`` fault applies)."""
    if fault is not None and fault.crlf:
        data = data.replace(b"\n", b"\r\n")
    pieces: List[bytes] = []
    start = 0
    for cut in _split_points(data, fault):
        pieces.append(data[start:cut])
        start = cut
    pieces.append(data[start:])
    return pieces


def chunk(data: bytes) -> bytes:
    """One HTTP/1.1 chunk."""
    return b"%x\r\n" % len(data) + data + b"\r\n"


class StreamWriter:
    """Writes one ``StreamResponse`` to a socket, applying the stream faults of ``fault``."""

    def __init__(
        self,
        sock: socket.socket,
        stopping: threading.Event,
        fault: Optional[Fault],
        hold_open: float,
        chunked: bool,
    ) -> None:
        """Prepare a writer (``chunked=False`` writes a close-delimited body)."""
        self._sock = sock
        self._stopping = stopping
        self._fault = fault
        self._hold_open = hold_open
        self._chunked = chunked

    def _send(self, data: bytes) -> None:
        self._sock.sendall(chunk(data) if self._chunked else data)

    def _write_frame(self, data: bytes) -> None:
        for number, piece in enumerate(frame_pieces(data, self._fault)):
            if number:
                self._stopping.wait(SPLIT_PAUSE)
            self._send(piece)

    def _end(self) -> None:
        if self._chunked:
            self._sock.sendall(b"0\r\n\r\n")

    def _fault_step(self, sent: int) -> Optional[StreamResult]:
        fault = self._fault
        if fault is None:
            return None
        if fault.stall_after_events == sent:
            gone = wait_for_peer(self._sock, None, self._stopping) == "gone"
            return StreamResult(sent, False, gone, False)
        if fault.truncate_after_events == sent:
            self._end()
            return StreamResult(sent, False, False, self._chunked)
        if fault.cut_after_events == sent:
            return StreamResult(sent, False, False, False)
        return None

    def write(self, head: bytes, response: StreamResponse) -> StreamResult:
        """Write the head and every frame; never raises for socket errors."""
        sent = 0
        completed = False
        frames = iter(response.frames)
        try:
            self._sock.sendall(head)
            while True:
                stopped = self._fault_step(sent)
                if stopped is not None:
                    return stopped
                try:
                    frame = next(frames)
                except StopIteration:
                    break
                if peer_closed(self._sock):
                    return StreamResult(sent, completed, True, False)
                self._write_frame(frame.data)
                sent += 1
                completed = completed or frame.terminal
            if completed and self._hold_open > 0:
                waited = wait_for_peer(self._sock, self._hold_open, self._stopping)
                if waited != "timeout":
                    return StreamResult(sent, True, waited == "gone", False)
            self._end()
            return StreamResult(sent, completed, False, self._chunked)
        except OSError:
            return StreamResult(sent, completed, True, False)

"""Streamed bodies over real sockets against hand-written servers: every framing's waits are
bounded, Content-Encoding is decoded incrementally, finished streams never wait for EOF."""

from __future__ import annotations

import threading
import time
import tracemalloc
import zlib
from typing import Any, Callable, Iterator, List

import pytest
import requests
from _raw_http import (
    DONE,
    FINAL,
    KEY,
    Conn,
    RawServer,
    chunk_frame,
    chunked,
    deflated,
    gzipped,
)

from simstudio import (
    InvalidResponseError,
    RequestTimeoutError,
    SimStudioClient,
    StreamIncompleteError,
    WorkflowStream,
)
from simstudio._bytestream import MAX_INFLATED_PIECE, ByteStream

FRAMINGS = ["chunked", "close", "length:100000"]
OUTPUTS = ["agent1.content"]


@pytest.fixture
def serve() -> Iterator[Callable[[Callable[[Conn], None]], RawServer]]:
    servers: List[RawServer] = []

    def start(script: Callable[[Conn], None]) -> RawServer:
        servers.append(RawServer(script))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def stalls_after_one_frame(framing: str, seen: List[float]) -> Callable[[Conn], None]:
    def script(conn: Conn) -> None:
        conn.read_request()
        conn.head(framing)
        conn.body(framing, chunk_frame("one"))
        conn.wait_for_disconnect()
        seen.append(time.monotonic())

    return script


def eventually(seen: List[float]) -> bool:
    """Whether ``seen`` gets an entry within 3 s (the server's thread writes it)."""
    deadline = time.monotonic() + 3
    while not seen and time.monotonic() < deadline:
        time.sleep(0.01)
    return bool(seen)


def consume(stream: WorkflowStream) -> List[str]:
    with stream:
        return [event.type for event in stream]


# ----------------------------------------------------------------------------- bounded waits


@pytest.mark.parametrize("framing", FRAMINGS)
@pytest.mark.parametrize(
    ("limits", "message"),
    [({"idle_timeout": 0.5}, "no data for 0.5s (idle timeout); received 1 events"),
     ({"idle_timeout": 30, "deadline": 0.5}, "did not finish within its 0.5s deadline")],
    ids=["idle", "deadline"],
)  # fmt: skip
def test_every_framing_bounds_the_wait_not_the_30s_read_timeout(
    serve: Any, framing: str, limits: Any, message: str
) -> None:
    disconnected: List[float] = []
    server = serve(stalls_after_one_frame(framing, disconnected))
    with SimStudioClient(KEY, server.base_url) as client:  # read timeout: 30 s
        stream = client.stream_workflow("wf", selected_outputs=OUTPUTS, **limits)
        started = time.monotonic()
        with pytest.raises(RequestTimeoutError) as info:
            consume(stream)
        elapsed = time.monotonic() - started
    assert 0.4 < elapsed < 2.0
    assert message in str(info.value)
    assert eventually(disconnected)  # the SDK hung up


@pytest.mark.parametrize("how", ["stream_workflow", "execute_workflow"])
def test_an_explicit_timeout_bounds_every_wait_for_bytes(serve: Any, how: str) -> None:
    server = serve(stalls_after_one_frame("chunked", []))
    with SimStudioClient(KEY, server.base_url) as client:
        if how == "stream_workflow":
            stream = client.stream_workflow("wf", selected_outputs=OUTPUTS, timeout=1)
        else:
            stream = client.execute_workflow("wf", {}, stream=True, timeout=1)
        started = time.monotonic()
        with pytest.raises(RequestTimeoutError, match=r"no data for 1s \(idle timeout\)"):
            consume(stream)
    assert 0.9 < time.monotonic() - started < 3.0  # not the 300 s idle default


def test_an_explicit_idle_timeout_wins_over_the_timeout(serve: Any) -> None:
    server = serve(stalls_after_one_frame("chunked", []))
    with SimStudioClient(KEY, server.base_url) as client:
        stream = client.stream_workflow("wf", timeout=0.2, idle_timeout=0.8)
        started = time.monotonic()
        with pytest.raises(RequestTimeoutError, match=r"no data for 0\.8s"):
            consume(stream)
    assert 0.7 < time.monotonic() - started < 2.5


def test_the_deadline_runs_on_the_clients_clock(serve: Any) -> None:
    now = [0.0]
    server = serve(stalls_after_one_frame("chunked", []))
    with SimStudioClient(KEY, server.base_url, clock=lambda: now[0]) as client:
        stream = client.stream_workflow("wf", idle_timeout=30, deadline=5)
        events = iter(stream)
        assert next(events).type == "chunk"
        now[0] = 6.0  # the injected clock passes the deadline: no real waiting
        started = time.monotonic()
        with pytest.raises(RequestTimeoutError, match="within its 5s deadline"):
            next(events)
    assert time.monotonic() - started < 1.0


def test_close_delimited_on_an_injected_session_falls_back_to_the_read_timeout(
    serve: Any,
) -> None:
    # A plain requests.Session drops the socket of a close-delimited body before the SDK sees
    # it, so only the request's own read timeout bounds the wait.
    server = serve(stalls_after_one_frame("close", []))
    session = requests.Session()
    with SimStudioClient(KEY, server.base_url, session=session) as client:
        stream = client.stream_workflow("wf", timeout=(1, 1), idle_timeout=0.2)
        with pytest.raises(RequestTimeoutError, match=r"no data for 1s \(read timeout\)"):
            consume(stream)
    session.close()


# ----------------------------------------------------------------------------- finished streams


@pytest.mark.parametrize(
    ("framing", "clock"),
    [("chunked", None), ("close", None), ("chunked", lambda: 0.0)],
    ids=["chunked", "close", "chunked-frozen-client-clock"],
)
def test_a_finished_stream_returns_while_the_server_keeps_talking(
    serve: Any, framing: str, clock: Any
) -> None:
    stop = threading.Event()

    def script(conn: Conn) -> None:
        conn.read_request()
        conn.head(framing)
        conn.body(framing, chunk_frame("done soon") + FINAL + DONE)
        while not stop.wait(0.05):  # the body never ends: a comment every 50 ms
            conn.body(framing, b": keep-alive\n\n")

    server = serve(script)
    with SimStudioClient(KEY, server.base_url, clock=clock) as client:
        started = time.monotonic()
        stream = client.stream_workflow("wf", selected_outputs=OUTPUTS)
        assert consume(stream) == ["chunk", "done"]
        assert time.monotonic() - started < 1.0  # the drain stops after 0.1 s of real time
    stop.set()
    assert stream.text == "done soon"


def test_a_finished_chunked_stream_goes_back_to_the_pool(serve: Any) -> None:
    def script(conn: Conn) -> None:
        while conn.read_request() is not None:
            conn.head("chunked")
            conn.send(chunked(chunk_frame("x") + FINAL))
            time.sleep(0.02)  # the terminator and the body's end come a little later
            conn.send(chunked(DONE) + b"0\r\n\r\n")

    server = serve(script)
    with SimStudioClient(KEY, server.base_url) as client:
        for _ in range(3):
            assert consume(client.stream_workflow("wf", selected_outputs=OUTPUTS)) == [
                "chunk",
                "done",
            ]
    assert server.connections == 1


def test_an_unread_stream_dropped_closes_its_connection_with_a_warning(serve: Any) -> None:
    disconnected: List[float] = []
    server = serve(stalls_after_one_frame("chunked", disconnected))
    with SimStudioClient(KEY, server.base_url) as client:

        def drop() -> None:
            client.stream_workflow("wf", selected_outputs=OUTPUTS)

        with pytest.warns(ResourceWarning, match="unclosed <WorkflowStream"):
            drop()
        assert eventually(disconnected)


# ----------------------------------------------------------------------------- Content-Encoding


def compressed_stream(encode: Callable[[bytes], bytes], encoding: str) -> Callable[[Conn], None]:
    body = encode(chunk_frame("zipped ") + chunk_frame("text") + FINAL + DONE)

    def script(conn: Conn) -> None:
        conn.read_request()
        conn.head("chunked", f"Content-Encoding: {encoding}")
        for start in range(0, len(body), 7):  # split anywhere, also inside the gzip header
            conn.send(chunked(body[start : start + 7]))
        conn.send(b"0\r\n\r\n")
        conn.wait_for_disconnect(2)

    return script


@pytest.mark.parametrize(
    ("encode", "encoding"),
    [(gzipped, "gzip"), (gzipped, "x-gzip"), (deflated, "deflate"),
     (lambda data: deflated(data, raw=True), "deflate")],
    ids=["gzip", "x-gzip", "deflate-zlib", "deflate-raw"],
)  # fmt: skip
def test_compressed_streams_are_decoded(serve: Any, encode: Any, encoding: str) -> None:
    server = serve(compressed_stream(encode, encoding))
    with SimStudioClient(KEY, server.base_url) as client:
        stream = client.stream_workflow("wf", selected_outputs=OUTPUTS)
        assert consume(stream) == ["chunk", "chunk", "done"]
    assert stream.text == "zipped text"


def test_gzip_is_decoded_as_it_arrives(serve: Any) -> None:
    first_seen = threading.Event()

    def script(conn: Conn) -> None:
        request = conn.read_request() or b""
        assert b"accept-encoding: gzip, deflate\r\n" in request.lower()
        conn.head("chunked", "Content-Encoding: gzip")
        encoder = zlib.compressobj(wbits=31)
        first = encoder.compress(chunk_frame("early")) + encoder.flush(zlib.Z_SYNC_FLUSH)
        conn.send(chunked(first))
        first_seen.wait(5)  # the rest is only sent once the client has the first event
        conn.send(chunked(encoder.compress(FINAL + DONE) + encoder.flush()) + b"0\r\n\r\n")
        conn.wait_for_disconnect(2)

    server = serve(script)
    client = SimStudioClient(KEY, server.base_url)
    with client, client.stream_workflow("wf", selected_outputs=OUTPUTS) as stream:
        events = iter(stream)
        assert next(events).chunk == "early"
        first_seen.set()
        assert [event.type for event in events] == ["done"]


def test_a_gzip_bomb_is_inflated_a_bounded_piece_at_a_time(serve: Any) -> None:
    inflated = 64 * 1024 * 1024
    bomb = gzipped(b"\0" * inflated)  # about 64 KB on the wire

    def script(conn: Conn) -> None:
        conn.read_request()
        conn.head("chunked", "Content-Encoding: gzip")
        conn.send(chunked(bomb) + b"0\r\n\r\n")
        conn.wait_for_disconnect(2)

    server = serve(script)
    response = requests.post(server.base_url, stream=True, timeout=5)
    body = ByteStream(response, what="bomb", idle_timeout=5, clock=time.monotonic)
    tracemalloc.start()
    total = largest = 0
    for piece in body:
        total += len(piece)
        largest = max(largest, len(piece))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    body.close()
    assert total == inflated
    assert largest <= MAX_INFLATED_PIECE
    assert peak < 4 * 1024 * 1024  # all at once would take 64 MiB


def test_a_corrupt_gzip_stream_is_incomplete(serve: Any) -> None:
    def script(conn: Conn) -> None:
        conn.read_request()
        conn.head("chunked", "Content-Encoding: gzip")
        good = gzipped(chunk_frame("fine") + FINAL)
        conn.send(chunked(good[:40]) + chunked(b"\xff" * 64))
        conn.wait_for_disconnect(2)

    server = serve(script)
    with SimStudioClient(KEY, server.base_url) as client:
        stream = client.stream_workflow("wf", selected_outputs=OUTPUTS)
        with pytest.raises(StreamIncompleteError, match="gzip-encoded body is corrupt"):
            consume(stream)


def test_an_unsupported_encoding_is_refused_before_streaming(serve: Any) -> None:
    disconnected: List[float] = []

    def script(conn: Conn) -> None:
        conn.read_request()
        conn.head("chunked", "Content-Encoding: br")
        conn.send(chunked(b"\x0b\x02\x80data"))
        conn.wait_for_disconnect()
        disconnected.append(time.monotonic())

    server = serve(script)
    with SimStudioClient(KEY, server.base_url) as client, pytest.raises(
        InvalidResponseError, match="Content-Encoding 'br'"
    ):
        client.stream_workflow("wf", selected_outputs=OUTPUTS)
    assert eventually(disconnected)  # the response was closed, not left open

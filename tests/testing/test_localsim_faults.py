"""LocalSimServer: every Fault field, matching and lifetime of injected faults."""

from __future__ import annotations

import http.client
import json
import re
import socket
import time
from typing import Any, List

import pytest
import requests
from localsim_helpers import Api, dechunk, post_bytes, read_until_closed, split_response

from simstudio.testing import Fault, LocalSimServer

STREAM = {"stream": True, "selectedOutputs": ["agent1.content"]}
EXECUTE = "/api/workflows/agent/execute"


def _raw_stream(server: LocalSimServer, body: Any = None, close: bool = True) -> bytes:
    extra = "Connection: close\r\n" if close else ""
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(post_bytes(server, EXECUTE, body or STREAM, extra))
        return read_until_closed(sock)


def _wait_for(predicate: Any, timeout: float = 3.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.01)


def test_latency_delays_then_answers_normally(api: Api, sim_server: LocalSimServer) -> None:
    sim_server.inject(Fault(latency=0.15), workflow_id="echo", times=1)
    started = time.monotonic()
    assert api.execute("echo", {}).status == 200
    assert time.monotonic() - started >= 0.15
    started = time.monotonic()
    api.execute("echo", {})
    assert time.monotonic() - started < 0.1


def test_canned_html_502(api: Api, sim_server: LocalSimServer) -> None:
    html = "<html><body>502 Bad Gateway</body></html>"
    sim_server.inject(Fault(status=502, body=html, content_type="text/html"), times=1)
    reply = api.execute("echo", {}, check=False)
    assert (reply.status, reply.body.decode()) == (502, html)
    assert reply.headers["Content-Type"] == "text/html"
    assert sim_server.executions() == 0


@pytest.mark.parametrize(
    ("body", "wire"),
    [({"error": "busy"}, b'{"error":"busy"}'), ("[1,2]", b"[1,2]"), (b"", b""), ("null", b"null")],
)
def test_canned_bodies(api: Api, sim_server: LocalSimServer, body: Any, wire: bytes) -> None:
    sim_server.inject(Fault(status=200, body=body), times=1)
    reply = api.execute("echo", {}, check=False)
    assert (reply.status, reply.body) == (200, wire)
    assert reply.headers["Content-Type"] == "application/json"


def test_canned_429_with_retry_after_date(api: Api, sim_server: LocalSimServer) -> None:
    date = "Wed, 21 Oct 2015 07:28:00 GMT"
    fault = Fault(status=429, body={"error": "slow down"}, headers={"Retry-After": date})
    sim_server.inject(fault, times=1)
    reply = api.execute("echo", {}, check=False)
    assert (reply.status, reply.headers["Retry-After"]) == (429, date)


def test_body_size(api: Api, sim_server: LocalSimServer) -> None:
    sim_server.inject(Fault(status=200, body_size=3_000_000), times=1)
    reply = api.execute("echo", {}, check=False)
    assert len(reply.body) == 3_000_000
    assert reply.headers["Content-Length"] == "3000000"


def test_headers_without_status_decorate_the_real_answer(api: Api, sim_server: Any) -> None:
    sim_server.inject(Fault(headers={"X-Extra": "1"}), times=1)
    reply = api.execute("echo", {"a": 1})
    assert reply.headers["X-Extra"] == "1"
    assert reply.json["output"] == {"input": {"a": 1}}


@pytest.mark.parametrize("reset", [False, True])
def test_drop_before_response(api: Api, sim_server: LocalSimServer, reset: bool) -> None:
    sim_server.inject(Fault(drop="before_response", reset=reset), times=1)
    with pytest.raises((http.client.RemoteDisconnected, ConnectionResetError)):
        api.execute("echo", {})
    assert sim_server.executions() == 0
    assert len(sim_server.requests) == 1
    assert api.execute("echo", {}).status == 200


def test_drop_before_response_with_reset_sends_rst(sim_server: LocalSimServer) -> None:
    sim_server.inject(Fault(drop="before_response", reset=True), times=1)
    with socket.create_connection(("127.0.0.1", sim_server.port), timeout=5) as sock:
        sock.sendall(post_bytes(sim_server, "/api/workflows/echo/execute", {}))
        with pytest.raises(ConnectionResetError):
            sock.recv(1024)


def test_drop_after_run_is_a_lost_response(api: Api, sim_server: LocalSimServer) -> None:
    sim_server.inject(Fault(drop="after_run"), workflow_id="echo", times=1)
    with pytest.raises(http.client.RemoteDisconnected):
        api.execute("echo", {})
    assert sim_server.executions("echo") == 1


def test_drop_after_run_on_a_stream_runs_it_fully(api: Api, sim_server: LocalSimServer) -> None:
    sim_server.inject(Fault(drop="after_run"), times=1)
    with pytest.raises(http.client.RemoteDisconnected):
        api.execute("agent", STREAM)
    assert sim_server.executions("agent") == 1


def test_drop_mid_body(api: Api, sim_server: LocalSimServer) -> None:
    sim_server.inject(Fault(drop="mid_body"), times=1)
    with pytest.raises(http.client.IncompleteRead):
        api.execute("echo", {"pad": "x" * 100})
    assert sim_server.executions() == 1


def test_drop_mid_body_on_a_stream(sim_server: LocalSimServer) -> None:
    sim_server.inject(Fault(drop="mid_body"), times=1)
    raw = _raw_stream(sim_server)
    _, headers, body = split_response(raw)
    assert headers["transfer-encoding"] == "chunked"
    size_line, _, partial = body.partition(b"\r\n")
    assert 0 < len(partial) < int(size_line, 16)


def test_stall_hangs_until_the_client_leaves(sim_server: LocalSimServer) -> None:
    sim_server.inject(Fault(stall_after_events=2), times=1)
    sock = socket.create_connection(("127.0.0.1", sim_server.port), timeout=5)
    sock.sendall(post_bytes(sim_server, EXECUTE, STREAM))
    data = b""
    while data.count(b"data: ") < 2:
        data += sock.recv(65536)
    sock.settimeout(0.2)
    with pytest.raises(socket.timeout):
        sock.recv(65536)
    sock.close()
    _wait_for(lambda: sim_server.disconnects)
    assert sim_server.disconnects[0].events_sent == 2
    assert sim_server.executions("agent") == 1


def test_truncate_ends_the_body_cleanly_and_keeps_the_connection(
    sim_server: LocalSimServer,
) -> None:
    sim_server.inject(Fault(truncate_after_events=3), times=1)
    conn = http.client.HTTPConnection("127.0.0.1", sim_server.port, timeout=5)
    try:
        headers = {"X-API-Key": sim_server.api_key}
        conn.request("POST", EXECUTE, json.dumps(STREAM), headers)
        body = conn.getresponse().read()
        assert body.count(b"data: ") == 3
        assert b'"event"' not in body
        conn.request("POST", EXECUTE, json.dumps(STREAM), headers)
        assert conn.getresponse().read().endswith(b'data: "[DONE]"\n\n')
    finally:
        conn.close()
    assert sim_server.connections_opened == 1


@pytest.mark.parametrize("reset", [False, True])
def test_cut_closes_mid_chunked_body(sim_server: LocalSimServer, reset: bool) -> None:
    sim_server.inject(Fault(cut_after_events=2, reset=reset), times=1)
    raw = _raw_stream(sim_server, close=False)
    _, _, body = split_response(raw)
    chunks, ended = dechunk(body)
    assert len(chunks) == 2
    assert not ended


def test_error_frame_replaces_final_2026(api: Api, sim_server: LocalSimServer) -> None:
    sim_server.inject(Fault(error_frame="upstream exploded"), times=1)
    frames = api.execute("agent", STREAM).frames
    assert frames[-2:] == ['{"event":"error","error":"upstream exploded"}', '"[DONE]"']
    assert len(frames) == 8


def test_error_frame_2025_ends_without_done(sim_server_2025: LocalSimServer) -> None:
    sim_server_2025.inject(Fault(error_frame="boom"), times=1)
    frames = Api(sim_server_2025).execute("agent", {"stream": True}).frames
    assert frames == ['{"event":"error","error":"boom"}']


def test_crlf_splits_cr_and_lf_into_separate_chunks(sim_server: LocalSimServer) -> None:
    sim_server.inject(Fault(crlf=True), times=1)
    chunks, ended = dechunk(split_response(_raw_stream(sim_server))[2])
    assert ended
    assert b"".join(chunks).count(b"\r\n\r\n") == 8
    assert b"\n" not in b"".join(chunks).replace(b"\r\n", b"")
    cr_ends = [i for i, c in enumerate(chunks) if c.endswith(b"\r")]
    assert cr_ends
    assert all(chunks[i + 1].startswith(b"\n") for i in cr_ends)


def test_split_utf8_cuts_a_character_across_chunks(sim_server: LocalSimServer) -> None:
    sim_server.inject(Fault(split_utf8=True), times=1)
    body = {**STREAM, "message": "héllo wörld"}
    chunks, _ = dechunk(split_response(_raw_stream(sim_server, body))[2])
    broken: List[bytes] = []
    for chunk in chunks:
        try:
            chunk.decode("utf-8")
        except UnicodeDecodeError:
            broken.append(chunk)
    assert broken
    assert "héllo".encode() in b"".join(chunks)


def test_close_framing_for_streams(sim_server: LocalSimServer) -> None:
    sim_server.inject(Fault(framing="close"), times=1)
    _, headers, body = split_response(_raw_stream(sim_server, close=False))
    assert "transfer-encoding" not in headers
    assert "content-length" not in headers
    assert headers["connection"] == "close"
    assert body.startswith(b"data: ")
    assert body.endswith(b'data: "[DONE]"\n\n')


def test_close_framing_for_json(api: Api, sim_server: LocalSimServer) -> None:
    sim_server.inject(Fault(framing="close"), times=1)
    reply = api.execute("echo", {"a": 1})
    assert "Content-Length" not in reply.headers
    assert reply.json["output"] == {"input": {"a": 1}}


def test_json_instead_of_sse(api: Api, sim_server: LocalSimServer) -> None:
    sim_server.inject(Fault(json_instead_of_sse=True), times=1)
    reply = api.execute("agent", STREAM)
    assert reply.headers["Content-Type"] == "application/json"
    assert reply.json["output"]["content"] == "Hello from the local Sim server."


def test_redirect_to_another_origin_leaks_the_key_with_requests(
    sim_server: LocalSimServer, sim_server_factory: Any
) -> None:
    other = sim_server_factory()
    target = other.base_url + "/api/workflows/echo/execute"
    sim_server.inject(Fault(redirect_to=target), times=1)
    reply = Api(sim_server).execute("echo", {}, check=False)
    assert (reply.status, reply.headers["Location"]) == (307, target)
    sim_server.inject(Fault(redirect_to=target), times=1)
    with requests.Session() as session:
        response = session.post(
            sim_server.base_url + "/api/workflows/echo/execute",
            json={"a": 1},
            headers={"X-API-Key": sim_server.api_key},
            timeout=5,
        )
    assert response.status_code == 401
    assert other.requests[0].headers["X-API-Key"] == sim_server.api_key


def test_same_origin_redirect(api: Api, sim_server: LocalSimServer) -> None:
    sim_server.inject(Fault(redirect_to="/api/workflows/echo/execute", redirect_status=301))
    reply = api.execute("agent", {}, check=False)
    assert (reply.status, reply.headers["Location"]) == (301, "/api/workflows/echo/execute")


def test_matching_and_lifetime(api: Api, sim_server: LocalSimServer) -> None:
    by_method = sim_server.inject(Fault(status=503), path="/api/workflows/echo/status",
                                  method="POST")  # fmt: skip
    assert api.get("/api/workflows/echo/status").status == 200
    by_method.remove()
    sim_server.inject(Fault(status=503), path="/api/workflows/*", times=2)
    sim_server.inject(Fault(status=504), workflow_id="echo")
    assert [api.execute("echo", {}, check=False).status for _ in range(4)] == [503, 503, 504, 504]
    sim_server.clear_faults()
    assert api.execute("echo", {}).status == 200
    handle = sim_server.inject(Fault(status=418), path=re.compile(r"/status$"))
    assert api.get("/api/workflows/echo/status", check=False).status == 418
    assert handle.hits == 1
    handle.remove()
    assert api.get("/api/workflows/echo/status").status == 200


@pytest.mark.parametrize(
    "kwargs",
    [
        {"drop": "sometimes"},
        {"framing": "gzip"},
        {"latency": -1},
        {"stall_after_events": 1, "cut_after_events": 2},
        {"body_size": -5},
    ],
)
def test_invalid_faults(kwargs: Any) -> None:
    with pytest.raises(ValueError):
        Fault(**kwargs)


def test_inject_times_must_be_positive(sim_server: LocalSimServer) -> None:
    with pytest.raises(ValueError, match="times"):
        sim_server.inject(Fault(status=500), times=0)

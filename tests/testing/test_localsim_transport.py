"""LocalSimServer transport: keep-alive, TCP_NODELAY, one write per answer, framing, logging."""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from typing import Any, List

import pytest
from localsim_helpers import Api, read_until_closed, split_response

from simstudio.testing import LocalSimServer


def _wait_for(predicate: Any, timeout: float = 3.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.01)


def test_keep_alive_reuses_one_connection(sim_server: LocalSimServer) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", sim_server.port, timeout=5)
    try:
        for _ in range(5):
            conn.request("POST", "/api/workflows/echo/execute", "{}",
                         {"X-API-Key": sim_server.api_key})  # fmt: skip
            response = conn.getresponse()
            assert response.getheader("Connection") == "keep-alive"
            response.read()
        assert sim_server.open_connections == 1
    finally:
        conn.close()
    assert sim_server.connections_opened == 1
    _wait_for(lambda: sim_server.open_connections == 0)


def test_accepted_sockets_have_tcp_nodelay(sim_server: LocalSimServer) -> None:
    with socket.create_connection(("127.0.0.1", sim_server.port), timeout=5) as client:
        _wait_for(lambda: sim_server.open_connections == 1)
        httpd = sim_server._last_httpd
        assert httpd is not None
        (accepted,) = list(httpd.connections)
        assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
        client.sendall(b"GET /api/workflows/echo/status HTTP/1.1\r\nHost: x\r\n\r\n")
        assert client.recv(65536).startswith(b"HTTP/1.1 401")


def test_json_answers_are_written_in_one_sendall(
    sim_server: LocalSimServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: List[int] = []
    original = socket.socket.sendall

    def counting(self: socket.socket, data: Any, *args: Any) -> Any:
        if threading.current_thread().name.startswith("simstudio-server"):
            calls.append(len(data))
        return original(self, data, *args)

    monkeypatch.setattr(socket.socket, "sendall", counting)
    api = Api(sim_server)
    for workflow in ("echo", "failing", "response", "nope"):
        calls.clear()
        reply = api.execute(workflow, {"pad": "x" * 5000})
        assert len(calls) == 1, workflow
        assert calls[0] > len(reply.body)


def test_per_call_latency_is_small(sim_server: LocalSimServer) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", sim_server.port, timeout=5)
    headers = {"X-API-Key": sim_server.api_key}
    try:
        started = time.perf_counter()
        for _ in range(20):
            conn.request("POST", "/api/workflows/echo/execute", "{}", headers)
            conn.getresponse().read()
        per_call = (time.perf_counter() - started) / 20
    finally:
        conn.close()
    # Nagle + delayed ACK would cost ~40 ms per call; generous bound for slow CI machines.
    assert per_call < 0.03


def test_connection_close_is_honoured(sim_server: LocalSimServer) -> None:
    with socket.create_connection(("127.0.0.1", sim_server.port), timeout=5) as sock:
        sock.sendall(
            b"GET /api/workflows/echo/status HTTP/1.1\r\nHost: x\r\n"
            + f"X-API-Key: {sim_server.api_key}\r\nConnection: close\r\n\r\n".encode()
        )
        raw = read_until_closed(sock)
    _, headers, body = split_response(raw)
    assert headers["connection"] == "close"
    assert json.loads(body)["isDeployed"] is True


def test_http_10_gets_a_close_delimited_stream(sim_server: LocalSimServer) -> None:
    body = json.dumps({"stream": True}).encode()
    with socket.create_connection(("127.0.0.1", sim_server.port), timeout=5) as sock:
        sock.sendall(
            b"POST /api/workflows/agent/execute HTTP/1.0\r\n"
            + f"X-API-Key: {sim_server.api_key}\r\nContent-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        raw = read_until_closed(sock)
    _, headers, payload = split_response(raw)
    assert "transfer-encoding" not in headers
    assert payload.endswith(b'data: "[DONE]"\n\n')


def test_chunked_request_bodies_are_read(sim_server: LocalSimServer) -> None:
    body = b'{"message": "chunky"}'
    request = (
        b"POST /api/workflows/echo/execute HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        + f"X-API-Key: {sim_server.api_key}\r\nTransfer-Encoding: chunked\r\n\r\n".encode()
        + b"%x\r\n%s\r\n" % (5, body[:5])
        + b"%x\r\n%s\r\n0\r\n\r\n" % (len(body) - 5, body[5:])
    )
    with socket.create_connection(("127.0.0.1", sim_server.port), timeout=5) as sock:
        sock.sendall(request)
        raw = read_until_closed(sock)
    assert json.loads(split_response(raw)[2])["output"] == {"input": {"message": "chunky"}}


def test_open_connections_drop_when_clients_leave(sim_server: LocalSimServer) -> None:
    sockets = [socket.create_connection(("127.0.0.1", sim_server.port)) for _ in range(3)]
    _wait_for(lambda: sim_server.open_connections == 3)
    for sock in sockets:
        sock.close()
    _wait_for(lambda: sim_server.open_connections == 0)
    assert sim_server.connections_opened == 3


def test_quiet_by_default(api: Api, capfd: pytest.CaptureFixture[str]) -> None:
    api.execute("echo", {})
    api.get("/api/nothing")
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")


def test_verbose_logs_requests(capfd: pytest.CaptureFixture[str]) -> None:
    with LocalSimServer(verbose=True) as server:
        Api(server).execute("echo", {})
    assert "POST /api/workflows/echo/execute" in capfd.readouterr().err


def test_recorded_requests(api: Api, sim_server: LocalSimServer) -> None:
    api.call("POST", "/api/workflows/echo/execute?x=1", {"a": 1}, headers={"X-Custom": "v"})
    api.call("POST", "/api/workflows/echo/execute", b"not json")
    first, second = sim_server.requests
    assert (first.method, first.path, first.workflow_id) == (
        "POST",
        "/api/workflows/echo/execute?x=1",
        "echo",
    )
    assert first.headers["x-custom"] == "v"
    assert first.headers["X-API-KEY"] == sim_server.api_key
    assert (first.json, first.body) == ({"a": 1}, b'{"a": 1}')
    assert first.received_at <= second.received_at
    assert (second.json, second.body) == (None, b"not json")


def test_cors_preflight_and_headers(api: Api) -> None:
    preflight = api.call("OPTIONS", "/api/workflows/echo/execute", check=False)
    assert preflight.status == 204
    assert "X-API-Key" in preflight.headers["Access-Control-Allow-Headers"]
    reply = api.execute("echo", {})
    assert reply.headers["Access-Control-Allow-Origin"] == "*"
    assert "X-RateLimit-Reset" in reply.headers["Access-Control-Expose-Headers"]

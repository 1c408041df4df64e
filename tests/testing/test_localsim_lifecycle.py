"""LocalSimServer lifecycle: start/stop, clean shutdown with work in flight, reset, restart."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import socket
import threading
import time
from typing import Any, Dict, Iterator

import pytest
from localsim_helpers import Api, post_bytes, server_threads

from simstudio.testing import Fault, LocalSimServer, WorkflowContext


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else -1


def test_context_manager_and_defaults() -> None:
    with LocalSimServer() as server:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", server.base_url)
        assert re.fullmatch(r"sk-sim-test-[0-9a-f]{32}", server.api_key)
        assert server.wire_format == "2026"
        assert server_threads()
    assert server_threads() == []
    assert "LocalSimServer(" in repr(server)


def test_custom_key_and_wire_format() -> None:
    with LocalSimServer(wire_format="2025", api_key="sim_legacy") as server:
        assert Api(server).execute("echo", {}, key="sim_legacy").status == 200


def test_invalid_wire_format() -> None:
    with pytest.raises(ValueError, match="wire_format"):
        LocalSimServer(wire_format="2024")


def test_stop_is_clean_with_everything_in_flight() -> None:
    fds_before = _open_fds()
    server = LocalSimServer(job_delay=30).start()
    server.inject(Fault(stall_after_events=1), workflow_id="agent")
    api = Api(server)
    idle = socket.create_connection(("127.0.0.1", server.port))
    stalled = socket.create_connection(("127.0.0.1", server.port))
    stalled.sendall(post_bytes(server, "/api/workflows/agent/execute", {"stream": True}))
    received = b""
    while b"data: " not in received:
        received += stalled.recv(65536)
    slow = socket.create_connection(("127.0.0.1", server.port))
    slow.sendall(post_bytes(server, "/api/workflows/slow/execute", {"seconds": 60}))
    api.execute("echo", {}, headers={"X-Execution-Mode": "async"})
    deadline = time.monotonic() + 3
    while (server.executions("slow"), server.open_connections) != (1, 3):
        if time.monotonic() > deadline:
            server.stop()
            raise AssertionError("server did not reach the expected state")
        time.sleep(0.01)
    started = time.monotonic()
    server.stop()
    assert time.monotonic() - started < 1.5
    assert server_threads() == []
    assert server.open_connections == 0
    for sock in (idle, stalled, slow):
        sock.settimeout(2)
        with contextlib.suppress(ConnectionResetError):
            assert sock.recv(65536) == b""
        sock.close()
    assert server.disconnects == []
    if fds_before >= 0:
        assert _open_fds() <= fds_before


def test_stop_interrupts_a_cooperative_handler() -> None:
    entered = threading.Event()
    finished: Dict[str, Any] = {}

    def waits(data: Dict[str, Any], ctx: WorkflowContext) -> Dict[str, Any]:
        entered.set()
        finished["slept_fully"] = ctx.sleep(60)
        finished["reason"] = ctx.abort_reason
        return {}

    server = LocalSimServer().start()
    server.add_workflow("waits", waits)
    sock = socket.create_connection(("127.0.0.1", server.port))
    sock.sendall(post_bytes(server, "/api/workflows/waits/execute", {}))
    assert entered.wait(3)
    server.stop()
    sock.close()
    assert finished == {"slept_fully": False, "reason": "Server stopped"}


def test_sync_client_disconnect_aborts_the_run(sim_server: LocalSimServer) -> None:
    sock = socket.create_connection(("127.0.0.1", sim_server.port))
    sock.sendall(post_bytes(sim_server, "/api/workflows/slow/execute", {"seconds": 30}))
    deadline = time.monotonic() + 3
    while sim_server.executions("slow") == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    sock.close()
    deadline = time.monotonic() + 3
    while not sim_server.disconnects and time.monotonic() < deadline:
        time.sleep(0.01)
    (record,) = sim_server.disconnects
    assert (record.workflow_id, record.events_sent) == ("slow", 0)


def test_stop_is_idempotent_and_restart_works() -> None:
    server = LocalSimServer()
    server.stop()
    server.start()
    with pytest.raises(RuntimeError):
        server.start()
    port = server.port
    server.stop()
    server.stop()
    server.start()
    try:
        assert server.port == port
        assert Api(server).execute("echo", {}).status == 200
    finally:
        server.stop()
    assert server_threads() == []


def test_serve_forever_until_stopped() -> None:
    server = LocalSimServer()
    thread = threading.Thread(target=server.serve_forever, name="test-serve-forever")
    thread.start()
    deadline = time.monotonic() + 3
    while not server.port and time.monotonic() < deadline:  # port 0: base_url raises until then
        time.sleep(0.01)
    try:
        assert Api(server).execute("echo", {}).status == 200
    finally:
        server.stop()
        thread.join(3)
    assert not thread.is_alive()


def test_reset_clears_records_and_counters() -> None:
    with LocalSimServer(usage_budget=1) as server:
        api = Api(server)
        api.execute("echo", {})
        assert api.execute("echo", {}).status == 402
        server.reset()
        assert (server.requests, server.executions(), server.connections_opened) == ([], 0, 0)
        assert api.execute("echo", {}).status == 200


def test_executions_are_counted_per_workflow(api: Api, sim_server: LocalSimServer) -> None:
    api.execute("echo", {})
    api.execute("echo", {"stream": True})
    api.execute("failing", {})
    api.execute("nope", {})
    assert (sim_server.executions("echo"), sim_server.executions("failing")) == (2, 1)
    assert sim_server.executions() == 3


def test_add_workflow_replaces_and_undeploys(api: Api, sim_server: LocalSimServer) -> None:
    sim_server.add_workflow("echo", lambda data: {"replaced": True}, deployed=False)
    assert api.execute("echo", {}).status == 403
    sim_server.add_workflow("echo", lambda data: {"replaced": True})
    assert api.execute("echo", {}).json["output"] == {"replaced": True}
    with pytest.raises(KeyError):
        sim_server.block_id("missing")


def test_generator_handler_streams_in_sync_mode_too(sim_server: LocalSimServer) -> None:
    def agent(data: Dict[str, Any]) -> Iterator[str]:
        yield "a"
        yield "b"
        return {"model": "custom"}

    sim_server.add_workflow("gen", agent)
    output = Api(sim_server).execute("gen", {}).json["output"]
    assert (output["content"], output["model"]) == ("ab", "custom")


def test_many_concurrent_clients(sim_server: LocalSimServer) -> None:
    results = []

    def call() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", sim_server.port, timeout=10)
        try:
            conn.request("POST", "/api/workflows/echo/execute", json.dumps({"x": 1}),
                         {"X-API-Key": sim_server.api_key})  # fmt: skip
            results.append(conn.getresponse().status)
        finally:
            conn.close()

    threads = [threading.Thread(target=call) for _ in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert results == [200] * 30

"""LocalSimServer phase 2 (v1): X-Execution-Id, execution timeouts, execution status, cancel."""

from __future__ import annotations

import json
import socket
import threading
import time
from typing import Any, Callable, Dict

import pytest
from localsim_helpers import Api, Reply, post_bytes

from simstudio.testing import LocalSimServer

ASYNC = {"X-Execution-Mode": "async"}


def _wait(api: Api, path: str, done: Callable[[Reply], bool], timeout: float = 5.0) -> Reply:
    deadline = time.monotonic() + timeout
    while True:
        reply = api.get(path)
        if done(reply) or time.monotonic() > deadline:
            return reply
        time.sleep(0.01)


def _finished(reply: Reply) -> bool:
    return reply.status == 200 and reply.json["status"] in ("completed", "failed", "cancelled")


def test_execution_id_is_claimed_once(api: Api, sim_server: LocalSimServer) -> None:
    first = api.execute("echo", {"a": 1}, headers={"X-Execution-Id": "order-42"})
    assert first.json["executionId"] == "order-42"
    again = api.execute("echo", {"a": 1}, headers={"X-Execution-Id": "order-42"})
    assert (again.status, again.json) == (
        409,
        {
            "error": "Execution ID order-42 has already been used",
            "code": "EXECUTION_ID_CONFLICT",
            "executionId": "order-42",
        },
    )
    assert sim_server.executions("echo") == 1


@pytest.mark.parametrize("bad", ["", "has space", "x" * 129, "slash/no"])
def test_execution_id_format_is_checked(api: Api, bad: str) -> None:
    assert api.execute("echo", {}, headers={"X-Execution-Id": bad}).status == 400


def test_execution_id_is_ignored_in_2025(sim_server_2025: LocalSimServer) -> None:
    api = Api(sim_server_2025)
    for _ in range(2):
        assert api.execute("echo", {}, headers={"X-Execution-Id": "same"}).status == 200


def test_async_execution_id_becomes_the_job_id(api: Api) -> None:
    body = api.execute("echo", {}, headers={**ASYNC, "X-Execution-Id": "job.1:a"}).json
    assert (body["executionId"], body["jobId"]) == ("job.1:a", "workflow-execution:job.1:a")


def test_execution_timeout_header_is_async_only(api: Api) -> None:
    reply = api.execute("echo", {}, headers={"X-Execution-Timeout-Seconds": "5"})
    assert reply.status == 400
    for bad in ("0", "604801", "ten"):
        headers = {**ASYNC, "X-Execution-Timeout-Seconds": bad}
        assert api.execute("echo", {}, headers=headers).status == 400


def test_execution_timeout_fails_a_slow_async_run(sim_server_factory: Any) -> None:
    server = sim_server_factory(job_delay=0.0)
    api = Api(server)
    headers = {**ASYNC, "X-Execution-Timeout-Seconds": "1"}
    body = api.execute("slow", {"seconds": 30}, headers=headers).json
    final = _wait(api, "/api/jobs/" + body["jobId"], _finished).json
    assert final["status"] == "failed"
    assert "timed out" in final["error"]


def test_execution_status_follows_a_sync_run(api: Api) -> None:
    execution_id = api.execute("echo", {"a": 1}).json["executionId"]
    path = f"/api/workflows/echo/executions/{execution_id}"
    body = api.get(path).json
    assert (body["status"], body["trigger"], body["level"]) == ("completed", "api", "info")
    assert body["finalOutput"] is None
    assert isinstance(body["totalDurationMs"], int)
    assert api.get(path + "?includeOutput=true").json["finalOutput"] == {"input": {"a": 1}}


def test_execution_status_block_outputs(api: Api, sim_server: LocalSimServer) -> None:
    execution_id = api.execute("echo", {"a": 1}).json["executionId"]
    block = sim_server.block_id("echo")
    query = f"?selectedOutputs={block},{block}.input.a,{block}.nope,function1.input"
    body = api.get(f"/api/workflows/echo/executions/{execution_id}{query}").json
    assert body["blockOutputs"] == {block: {"input": {"a": 1}}, f"{block}.input.a": 1}


def test_execution_status_of_a_failed_run(api: Api) -> None:
    execution_id = api.execute("failing", {}, headers={"X-Execution-Id": "f-1"}).json
    assert "executionId" not in execution_id
    body = api.get("/api/workflows/failing/executions/f-1").json
    assert (body["status"], body["level"]) == ("failed", "error")
    assert body["error"] == "Agent 1: simulated upstream failure"


def test_execution_not_found_and_auth(api: Api) -> None:
    reply = api.get("/api/workflows/echo/executions/nope")
    assert (reply.status, reply.json) == (404, {"error": "Execution not found"})
    execution_id = api.execute("echo", {}).json["executionId"]
    assert api.get(f"/api/workflows/agent/executions/{execution_id}").status == 404
    assert api.get(f"/api/workflows/echo/executions/{execution_id}", key=False).status == 401


def test_execution_routes_do_not_exist_in_2025(sim_server_2025: LocalSimServer) -> None:
    assert Api(sim_server_2025).get("/api/workflows/echo/executions/x").status == 404


def test_cancel_a_queued_async_run(sim_server_factory: Any) -> None:
    server = sim_server_factory(job_delay=30)
    api = Api(server)
    body = api.execute("echo", {}, headers=ASYNC).json
    status = api.get(f"/api/workflows/echo/executions/{body['executionId']}").json["status"]
    assert status == "queued"
    answer = api.call("POST", f"/api/workflows/echo/executions/{body['executionId']}/cancel")
    assert answer.json["reason"] == "queue_cancelled"
    final = _wait(api, "/api/jobs/" + body["jobId"], _finished).json
    assert final["status"] == "cancelled"
    assert server.executions() == 0


def test_cancel_a_running_async_run(sim_server_factory: Any) -> None:
    server = sim_server_factory(job_delay=0.0)
    api = Api(server)
    body = api.execute("slow", {"seconds": 30}, headers=ASYNC).json
    path = f"/api/workflows/slow/executions/{body['executionId']}"
    assert _wait(api, path, lambda r: r.json["status"] == "running").json["status"] == "running"
    answer = api.call("POST", path + "/cancel").json
    assert (answer["success"], answer["locallyAborted"], answer["reason"]) == (
        True,
        True,
        "recorded",
    )
    assert _wait(api, path, _finished).json["status"] == "cancelled"
    again = api.call("POST", path + "/cancel").json
    assert (again["durablyRecorded"], again["reason"]) == (False, "already_cancelled")
    job = api.get("/api/jobs/" + body["jobId"]).json
    assert (job["status"], job["error"]) == ("cancelled", "Workflow execution was cancelled")


def test_cancel_a_sync_run_from_another_connection(sim_server: LocalSimServer) -> None:
    api = Api(sim_server)
    answers: Dict[str, Any] = {}

    def run() -> None:
        answers["reply"] = api.execute("slow", {"seconds": 30}, headers={"X-Execution-Id": "s1"})

    thread = threading.Thread(target=run)
    thread.start()
    _wait(api, "/api/workflows/slow/executions/s1", lambda r: r.status == 200)
    api.call("POST", "/api/workflows/slow/executions/s1/cancel")
    thread.join(5)
    reply = answers["reply"]
    assert (reply.status, reply.json["success"]) == (200, False)
    assert reply.json["error"] == "Workflow execution was cancelled"


def test_cancel_a_stream_by_execution_id(sim_server_factory: Any) -> None:
    server = sim_server_factory(stream_chunk_delay=0.02)
    body = {"stream": True, "selectedOutputs": ["agent1.content"], "message": "w " * 200}
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(post_bytes(server, "/api/workflows/agent/execute", body,
                                "X-Execution-Id: st-1\r\nConnection: close\r\n"))  # fmt: skip
        data = sock.recv(65536)
        while b"chunk" not in data:
            data += sock.recv(65536)
        Api(server).call("POST", "/api/workflows/agent/executions/st-1/cancel")
        while not data.endswith(b"0\r\n\r\n"):
            more = sock.recv(65536)
            if not more:
                break
            data += more
    assert b'{"event":"error","error":"Workflow execution was cancelled"}' in data
    assert data.count(b'"chunk"') < 200
    assert (
        json.loads(Api(server).get("/api/workflows/agent/executions/st-1").body)["status"]
        == "cancelled"
    )

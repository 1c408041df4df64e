"""LocalSimServer phase 2: the v2 API (strict execute body, envelopes, runs, cancel, resume)."""

from __future__ import annotations

import time
from typing import Any, Dict

import pytest
from localsim_helpers import Api, Reply

from simstudio.testing import LocalSimServer, RateLimit

EXECUTE = "/api/v2/workflows/{}/execute"


def _run(api: Api, workflow: str, body: Any, **kwargs: Any) -> Reply:
    return api.call("POST", EXECUTE.format(workflow), body, **kwargs)


def _wait_run(api: Api, workflow: str, run_id: str, timeout: float = 5.0) -> Dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        data = api.get(f"/api/v2/workflows/{workflow}/runs/{run_id}?includeOutput=true").json
        if data["data"]["status"] in ("completed", "failed", "cancelled", "paused"):
            return dict(data["data"])
        assert time.monotonic() < deadline
        time.sleep(0.01)


def test_sync_run(era_server: LocalSimServer) -> None:
    api = Api(era_server)
    reply = _run(api, "echo", {"input": {"v": 2}})
    assert reply.status == 200
    data = reply.json["data"]
    assert (data["status"], data["output"], data["error"]) == (
        "completed",
        {"input": {"v": 2}},
        None,
    )
    assert reply.headers["X-Run-Id"] == data["runId"]
    assert reply.headers["Cache-Control"] == "private, no-store"
    assert reply.headers["X-RateLimit-Limit"] == "999999"


def test_failed_run_is_http_200(api: Api, sim_server: LocalSimServer) -> None:
    data = _run(api, "failing", {"input": {}}).json["data"]
    assert data["status"] == "failed"
    assert data["error"] == {
        "message": "Agent 1: simulated upstream failure",
        "code": "BLOCK_EXECUTION_FAILED",
        "blockId": sim_server.block_id("failing"),
        "blockName": "Agent 1",
        "blockType": "function",
    }
    run = api.get(f"/api/v2/workflows/failing/runs/{data['runId']}").json["data"]
    assert run["error"] == {
        "message": "Agent 1: simulated upstream failure",
        "code": "EXECUTION_FAILED",
    }


def test_async_run_and_status(api: Api, sim_server: LocalSimServer) -> None:
    reply = _run(api, "echo", {"input": {"a": 1}, "async": True})
    assert reply.status == 202
    data = reply.json["data"]
    assert data["statusUrl"] == f"{sim_server.base_url}/api/v2/workflows/echo/runs/{data['runId']}"
    run = _wait_run(api, "echo", data["runId"])
    assert (run["status"], run["output"], run["trigger"]) == (
        "completed",
        {"input": {"a": 1}},
        "api",
    )
    plain = api.get(f"/api/v2/workflows/echo/runs/{data['runId']}").json["data"]
    assert plain["output"] is None
    block = sim_server.block_id("echo")
    picked = api.get(
        f"/api/v2/workflows/echo/runs/{data['runId']}?selectedOutputs={block}.input,function1"
    ).json["data"]
    assert picked["blockOutputs"] == {f"{block}.input": {"a": 1}}


def test_stream_run_uses_the_v1_frames(sim_server_2025: LocalSimServer) -> None:
    body = {"input": {}, "stream": True, "selectedOutputs": ["agent1.content"]}
    reply = _run(Api(sim_server_2025), "agent", body)
    assert reply.headers["Content-Type"] == "text/event-stream"
    assert "X-Run-Id" not in reply.headers
    assert reply.frames[-1] == '"[DONE]"'


def test_run_id_claims(api: Api, sim_server: LocalSimServer) -> None:
    first = _run(api, "echo", {"input": {}}, headers={"X-Run-Id": "run_1"})
    assert first.json["data"]["runId"] == "run_1"
    again = _run(api, "echo", {"input": {}}, headers={"X-Run-Id": "run_1"})
    assert again.status == 409
    assert again.json["error"]["details"] == {"code": "RUN_ID_CONFLICT", "runId": "run_1"}
    assert sim_server.executions("echo") == 1


@pytest.mark.parametrize(
    "body",
    [
        {"message": "hi"},
        {"input": "text"},
        {"input": {}, "async": True, "stream": True},
        {"input": {}, "executionTimeoutSeconds": 5},
        {"input": {}, "async": True, "selectedOutputs": ["a.b"]},
        {"input": {}, "stream": "yes"},
        {"input": {}, "selectedOutputs": [""]},
        {"input": {}, "stream": True, "includeThinking": True},
        [1, 2],
    ],
)
def test_strict_body(api: Api, body: Any) -> None:
    reply = _run(api, "echo", body)
    assert reply.status == 400
    assert reply.json["error"]["code"] == "BAD_REQUEST"


def test_invalid_json_and_media_type(api: Api) -> None:
    assert _run(api, "echo", b"{oops").status == 400
    reply = _run(api, "echo", b"a=1", headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert (reply.status, reply.json["error"]["code"]) == (415, "UNSUPPORTED_MEDIA_TYPE")


def test_errors(api: Api) -> None:
    missing = _run(api, "echo", {"input": {}}, key=False)
    assert (missing.status, missing.json["error"]) == (
        401,
        {"code": "UNAUTHORIZED", "message": "API key required"},
    )
    assert missing.headers["WWW-Authenticate"].startswith("SimApiKey")
    assert _run(api, "echo", {"input": {}}, key="sk-bad").json["error"]["message"] == (
        "Invalid API key"
    )
    assert _run(api, "nope", {"input": {}}).json["error"]["code"] == "NOT_FOUND"
    assert _run(api, "undeployed", {"input": {}}).json["error"]["code"] == "FORBIDDEN"
    assert api.get("/api/v2/workflows/echo/runs/nope").json["error"]["code"] == "NOT_FOUND"
    assert api.get("/api/v2/workflows/echo/runs/x?includeOutput=").status == 400
    unknown = api.get("/api/v2/unknown")
    assert (unknown.status, unknown.json["error"]["code"]) == (404, "NOT_FOUND")


def test_rate_limit_and_usage(sim_server_factory: Any) -> None:
    server = sim_server_factory(rate_limit=RateLimit(per_minute=1, burst=1), usage_budget=5)
    api = Api(server)
    assert _run(api, "echo", {"input": {}}).status == 200
    limited = _run(api, "echo", {"input": {}})
    assert limited.status == 429
    assert limited.json["error"]["code"] == "RATE_LIMITED"
    assert "retryAfter" in limited.json["error"]["details"]
    assert int(limited.headers["Retry-After"]) >= 1
    spent = sim_server_factory(usage_budget=0)
    reply = _run(Api(spent), "echo", {"input": {}})
    assert (reply.status, reply.json["error"]["code"]) == (402, "USAGE_LIMIT_EXCEEDED")


def test_payload_too_large(api: Api) -> None:
    reply = _run(api, "echo", {"input": {"blob": "x" * (10 * 1024 * 1024)}})
    assert (reply.status, reply.json["error"]["code"]) == (413, "PAYLOAD_TOO_LARGE")


def test_cancel_run(sim_server_factory: Any) -> None:
    server = sim_server_factory(job_delay=0.0)
    api = Api(server)
    run_id = _run(api, "slow", {"input": {"seconds": 30}, "async": True}).json["data"]["runId"]
    answer = api.call("POST", f"/api/v2/workflows/slow/runs/{run_id}/cancel").json["data"]
    assert (answer["success"], answer["runId"], answer["reason"]) == (True, run_id, "recorded")
    run = _wait_run(api, "slow", run_id)
    assert run["status"] == "cancelled"
    assert run["error"]["code"] == "CANCELLED"


def test_timeout_run(sim_server_factory: Any) -> None:
    server = sim_server_factory(job_delay=0.0)
    api = Api(server)
    body = {"input": {"seconds": 30}, "async": True, "executionTimeoutSeconds": 1}
    run_id = _run(api, "slow", body).json["data"]["runId"]
    run = _wait_run(api, "slow", run_id)
    assert (run["status"], run["error"]["code"]) == ("failed", "TIMEOUT")


def test_pause_and_resume(api: Api) -> None:
    data = _run(api, "paused", {"input": {"message": "ok?"}}).json["data"]
    assert data["status"] == "paused"
    run = api.get(f"/api/v2/workflows/paused/runs/{data['runId']}").json["data"]
    context_id = run["paused"]["contextId"]
    path = f"/api/v2/workflows/paused/runs/{data['runId']}/resume"
    assert api.call("POST", path, {"input": {}}).status == 400
    assert api.call("POST", path, {"contextId": "nope"}).status == 404
    resumed = api.call("POST", path, {"contextId": context_id, "input": {"approved": True}})
    assert resumed.json["data"]["status"] == "completed"
    assert resumed.json["data"]["output"]["approved"] is True
    assert api.call("POST", path, {"contextId": context_id}).status == 409


def test_v1_and_v2_see_the_same_runs(api: Api) -> None:
    run_id = _run(api, "echo", {"input": {"x": 1}}).json["data"]["runId"]
    v1 = api.get(f"/api/workflows/echo/executions/{run_id}").json
    assert v1["status"] == "completed"

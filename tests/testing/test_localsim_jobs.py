"""LocalSimServer: async execution and GET /api/jobs/{id} in both wire formats."""

from __future__ import annotations

import time
from typing import Any, Callable, Dict, List

import pytest
from localsim_helpers import Api, Reply

from simstudio.testing import LocalSimServer

ASYNC = {"X-Execution-Mode": "async"}


def _poll(api: Api, path: str, done: Callable[[Reply], bool], timeout: float = 5.0) -> List[Reply]:
    seen: List[Reply] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        reply = api.get(path)
        seen.append(reply)
        if done(reply):
            return seen
        time.sleep(0.01)
    raise AssertionError(f"job did not finish: {seen[-1]!r}")


def _finished(reply: Reply) -> bool:
    return reply.json["status"] in ("completed", "failed", "cancelled")


def test_async_lifecycle_2026(sim_server_factory: Any) -> None:
    server = sim_server_factory(job_delay=0.1)
    api = Api(server)
    accepted = api.execute("slow", {"seconds": 0.1}, headers=ASYNC)
    assert accepted.status == 202
    body = accepted.json
    assert body["jobId"] == "workflow-execution:" + body["executionId"]
    assert body["statusUrl"] == f"{server.base_url}/api/jobs/{body['jobId']}"
    assert server.executions("slow") == 0
    path = "/api/jobs/" + body["jobId"]
    statuses = [r.json["status"] for r in _poll(api, path, _finished)]
    assert statuses[0] == "pending"
    assert "processing" in statuses
    assert statuses[-1] == "completed"
    final = api.get(path).json
    assert final["output"]["output"] == {"waitDuration": 100, "status": "completed"}
    assert final["output"]["executionId"] == body["executionId"]
    assert final["metadata"]["correlation"]["executionId"] == body["executionId"]
    assert "error" not in final
    assert server.executions("slow") == 1


def test_job_id_colon_may_be_percent_encoded(api: Api) -> None:
    job_id = api.execute("echo", {"a": 1}, headers=ASYNC).json["jobId"]
    path = "/api/jobs/" + job_id.replace(":", "%3A")
    final = _poll(api, path, _finished)[-1].json
    assert final["taskId"] == job_id
    assert final["output"]["output"] == {"input": {"a": 1}}


def test_failed_job_2026(api: Api) -> None:
    job_id = api.execute("failing", {}, headers=ASYNC).json["jobId"]
    final = _poll(api, "/api/jobs/" + job_id, _finished)[-1].json
    assert final["status"] == "failed"
    assert final["output"] is None
    assert final["error"] == "Agent 1: simulated upstream failure"


def test_async_wins_over_stream(api: Api) -> None:
    reply = api.execute("echo", {"stream": True}, headers=ASYNC)
    assert reply.status == 202


def test_async_rejects_output_controls_2026(api: Api) -> None:
    reply = api.execute("agent", {"selectedOutputs": ["agent1.content"]}, headers=ASYNC)
    assert reply.status == 400
    assert reply.json == {
        "error": "Async execution does not support draft or override execution controls"
    }


def test_async_lifecycle_2025(sim_server_2025: LocalSimServer) -> None:
    api = Api(sim_server_2025)
    body = api.execute("echo", {"a": 1}, headers=ASYNC).json
    assert body["links"]["status"] == "/api/jobs/" + body["taskId"]
    assert body["taskId"].startswith("run_")
    replies = _poll(api, body["links"]["status"], _finished)
    first = replies[0].json
    assert first["status"] == "queued"
    assert first["estimatedDuration"] == 180000
    final = replies[-1].json
    assert final["status"] == "completed"
    assert final["output"]["output"] == {"input": {"a": 1}}
    assert set(final["metadata"]) == {"startedAt", "completedAt", "duration"}
    assert "estimatedDuration" not in final


def test_failed_job_2025_has_an_error_object(sim_server_2025: LocalSimServer) -> None:
    api = Api(sim_server_2025)
    task = api.execute("failing", {}, headers=ASYNC).json["taskId"]
    final = _poll(api, "/api/jobs/" + task, _finished)[-1].json
    assert final["status"] == "failed"
    assert final["error"]["message"] == "Agent 1: simulated upstream failure"


@pytest.mark.parametrize(
    ("era", "key", "expected"),
    [
        ("2026", None, {"error": "Unauthorized", "code": "UNAUTHORIZED"}),
        ("2026", "sk-sim-nope", {"error": "Invalid API key", "code": "INVALID_API_KEY"}),
        ("2025", None, {"error": "Authentication required", "code": "AUTHENTICATION_REQUIRED"}),
    ],
)
def test_jobs_auth_errors(era: str, key: Any, expected: Dict[str, str]) -> None:
    with LocalSimServer(wire_format=era) as server:
        reply = Api(server).get("/api/jobs/whatever", key=key if key else False)
    assert (reply.status, reply.json) == (401, expected)


def test_unknown_job_is_404(era_server: LocalSimServer) -> None:
    reply = Api(era_server).get("/api/jobs/461b5b30-7aa0-444a-8d9a-bdaa9eef173f")
    assert (reply.status, reply.json) == (
        404,
        {"error": "Task not found", "code": "TASK_NOT_FOUND"},
    )


def test_stop_cancels_pending_jobs_quickly() -> None:
    server = LocalSimServer(job_delay=30).start()
    try:
        job = Api(server).execute("echo", {}, headers=ASYNC).json["jobId"]
    finally:
        started = time.monotonic()
        server.stop()
    assert time.monotonic() - started < 1.0
    assert server.executions() == 0
    assert job


def test_async_usage_budget_counts_at_accept(sim_server_factory: Any) -> None:
    server = sim_server_factory(usage_budget=1, job_delay=5)
    api = Api(server)
    assert api.execute("echo", {}, headers=ASYNC).status == 202
    assert api.execute("echo", {}, headers=ASYNC).status == 402

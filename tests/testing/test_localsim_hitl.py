"""LocalSimServer phase 2: human-in-the-loop pauses (v1 paused/resume routes)."""

from __future__ import annotations

import json
import time
from typing import Any, Dict

from localsim_helpers import Api

from simstudio.testing import LocalSimServer, Pause

ASYNC = {"X-Execution-Mode": "async"}


def _pause(api: Api, message: str = "ship it?") -> Dict[str, Any]:
    reply = api.execute("paused", {"message": message})
    assert reply.status == 200
    return reply.json


def test_paused_run_sync_answer(api: Api) -> None:
    body = _pause(api)
    assert (body["success"], body["status"]) == (True, "paused")
    assert body["output"] == {"status": "paused", "message": "ship it?"}


def test_list_get_and_resume(api: Api, sim_server: LocalSimServer) -> None:
    execution_id = _pause(api)["executionId"]
    listed = api.get("/api/workflows/paused/paused").json["pausedExecutions"]
    assert [p["executionId"] for p in listed] == [execution_id]
    point = listed[0]["pausePoints"][0]
    context_id = point["contextId"]
    assert point["resumeLinks"]["apiUrl"] == (
        f"{sim_server.base_url}/api/resume/paused/{execution_id}/{context_id}"
    )
    assert point["response"]["displayData"]["message"] == "ship it?"
    detail = api.get(f"/api/workflows/paused/paused/{execution_id}").json
    assert detail["pausePoints"][0]["contextId"] == context_id
    assert api.get(f"/api/resume/paused/{execution_id}").json["executionId"] == execution_id
    context = api.get(f"/api/resume/paused/{execution_id}/{context_id}").json
    assert context["pausePoint"]["contextId"] == context_id
    status = api.get(f"/api/workflows/paused/executions/{execution_id}").json
    assert status["status"] == "paused"
    assert status["paused"]["pauseKind"] == "human"

    resumed = api.call(
        "POST", f"/api/resume/paused/{execution_id}/{context_id}", {"input": {"approved": True}}
    ).json
    assert (resumed["success"], resumed["status"], resumed["executionId"]) == (
        True,
        "completed",
        execution_id,
    )
    assert resumed["output"] == {"approved": True, "resumeInput": {"approved": True}}
    assert api.get("/api/workflows/paused/paused").json == {"pausedExecutions": []}
    history = api.get("/api/workflows/paused/paused?status=fully_resumed").json
    assert [p["executionId"] for p in history["pausedExecutions"]] == [execution_id]
    final = api.get(f"/api/workflows/paused/executions/{execution_id}?includeOutput=true").json
    assert final["status"] == "completed"
    assert sim_server.executions("paused") == 1


def test_resume_without_input_key_uses_the_whole_body(api: Api) -> None:
    execution_id = _pause(api)["executionId"]
    point = api.get(f"/api/workflows/paused/paused/{execution_id}").json["pausePoints"][0]
    resumed = api.call(
        "POST", f"/api/resume/paused/{execution_id}/{point['contextId']}", {"approved": False}
    ).json
    assert resumed["output"]["approved"] is False


def test_resume_errors(api: Api) -> None:
    execution_id = _pause(api)["executionId"]
    assert api.call("POST", f"/api/resume/paused/{execution_id}/wrong", {}).status == 404
    assert api.call("POST", "/api/resume/paused/nope/ctx", {}).status == 404
    assert api.get("/api/workflows/paused/paused/nope").status == 404
    context_id = api.get(f"/api/workflows/paused/paused/{execution_id}").json["pausePoints"][0][
        "contextId"
    ]
    path = f"/api/resume/paused/{execution_id}/{context_id}"
    assert api.call("POST", path, {"input": {}}).status == 200
    assert api.call("POST", path, {"input": {}}).status == 400
    assert api.get("/api/workflows/paused/paused", key=False).status == 401


def test_cancel_a_paused_run(api: Api) -> None:
    execution_id = _pause(api)["executionId"]
    answer = api.call("POST", f"/api/workflows/paused/executions/{execution_id}/cancel").json
    assert answer["pausedCancelled"] is True
    status = api.get(f"/api/workflows/paused/executions/{execution_id}").json["status"]
    assert status == "cancelled"
    assert api.get("/api/workflows/paused/paused").json["pausedExecutions"] == []


def test_paused_stream_final_frame(api: Api) -> None:
    frames = api.execute("paused", {"stream": True, "message": "m"}).frames
    assert json.loads(frames[0])["data"]["status"] == "paused"


def test_paused_async_job_completes_with_the_pause_output(sim_server: LocalSimServer) -> None:
    api = Api(sim_server)
    body = api.execute("paused", {"message": "later"}, headers=ASYNC).json
    deadline = time.monotonic() + 5
    while api.get("/api/jobs/" + body["jobId"]).json["status"] != "completed":
        assert time.monotonic() < deadline
        time.sleep(0.01)
    status = api.get(f"/api/workflows/paused/executions/{body['executionId']}").json
    assert status["status"] == "paused"


def test_custom_pause_can_pause_again(sim_server: LocalSimServer) -> None:
    def second(data: Dict[str, Any]) -> Any:
        return {"final": data}

    def first(data: Dict[str, Any]) -> Any:
        return Pause(response={"step": 2}, resume=second)

    sim_server.add_workflow("twostep", lambda data: Pause(response={"step": 1}, resume=first))
    api = Api(sim_server)
    execution_id = api.execute("twostep", {}).json["executionId"]
    for expected in ("paused", "completed"):
        detail = api.get(f"/api/workflows/twostep/paused/{execution_id}").json
        context_id = detail["pausePoints"][0]["contextId"]
        answer = api.call("POST", f"/api/resume/twostep/{execution_id}/{context_id}", {"x": 1})
        assert answer.json["status"] == expected
    assert answer.json["output"] == {"final": {"x": 1}}

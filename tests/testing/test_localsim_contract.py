"""Contract tests: the JSON schemas in tests/schemas accept what the real server sent, and every
JSON answer of LocalSimServer (both wire formats, every route) validates against them."""

from __future__ import annotations

import json
import time
from typing import Any, List, Tuple

import jsonschema
import pytest
from localsim_helpers import SCHEMAS, USED_SCHEMAS, Api, load_schema, validate

from simstudio.testing import Fault, LocalSimServer, RateLimit

# Bodies copied byte for byte from the captured exchanges with a real self-hosted Sim server
# (HEAD 0b232eb876, November 2026); the tests never read the reference files themselves.
REAL_BODIES: List[Tuple[str, str]] = [
    ("execute-sync-2026", '{"success":true,"executionId":"ce1d7f8d-20c7-412c-a512-a7f152c8fd67","output":{"waitDuration":1000,"status":"completed"},"metadata":{"duration":1041.8327500000014,"startTime":"2026-11-28T19:42:25.060Z","endTime":"2026-11-28T19:42:26.109Z"}}'),  # noqa: E501
    ("execute-sync-2026", '{"success":false,"output":{},"error":"Agent 1: fake upstream failure","metadata":{"duration":1362.9273580000154,"startTime":"2026-11-28T19:43:16.108Z","endTime":"2026-11-28T19:43:17.472Z"}}'),  # noqa: E501
    ("async-2026", '{"success":true,"async":true,"jobId":"workflow-execution:51f6dfef-e8c8-4707-912f-b9a91aafca30","executionId":"51f6dfef-e8c8-4707-912f-b9a91aafca30","message":"Workflow execution queued","statusUrl":"http://127.0.0.1:3000/api/jobs/workflow-execution:51f6dfef-e8c8-4707-912f-b9a91aafca30"}'),  # noqa: E501
    ("job-status-2026", '{"success":true,"taskId":"workflow-execution:f7832d2b-5b98-47b8-b4b1-30002f86efbd","status":"processing","metadata":{"userId":"o33B66dXIYHGNDvHLf1EgtgAyKkRGBE3","workflowId":"e3c5c720-5b0c-46d5-afd9-e629d8f3be85","correlation":{"source":"workflow","requestId":"b791b0d5","workflowId":"e3c5c720-5b0c-46d5-afd9-e629d8f3be85","executionId":"f7832d2b-5b98-47b8-b4b1-30002f86efbd","triggerType":"api"},"workspaceId":"dfd87c98-4845-4b10-a65b-ce286f11aaed"},"output":null}'),  # noqa: E501
    ("job-status-2026", '{"success":true,"taskId":"workflow-execution:f7832d2b-5b98-47b8-b4b1-30002f86efbd","status":"completed","metadata":{"userId":"o33B66dXIYHGNDvHLf1EgtgAyKkRGBE3","workflowId":"e3c5c720-5b0c-46d5-afd9-e629d8f3be85","correlation":{"source":"workflow","requestId":"b791b0d5","workflowId":"e3c5c720-5b0c-46d5-afd9-e629d8f3be85","executionId":"f7832d2b-5b98-47b8-b4b1-30002f86efbd","triggerType":"api"},"workspaceId":"dfd87c98-4845-4b10-a65b-ce286f11aaed"},"output":{"output":{"content":"Hello from the fake model.","model":"vllm/llama-3"},"success":true,"executedAt":"2026-11-28T19:45:10.603Z","workflowId":"e3c5c720-5b0c-46d5-afd9-e629d8f3be85","executionId":"f7832d2b-5b98-47b8-b4b1-30002f86efbd"}}'),  # noqa: E501
    ("job-status-2026", '{"success":true,"taskId":"workflow-execution:3dcf96d0-d8ed-49ce-b3bc-1df63995ab5a","status":"failed","metadata":{"userId":"o33B66dXIYHGNDvHLf1EgtgAyKkRGBE3","workflowId":"e3c5c720-5b0c-46d5-afd9-e629d8f3be85","correlation":{"source":"workflow","requestId":"a8be94f5","workflowId":"e3c5c720-5b0c-46d5-afd9-e629d8f3be85","executionId":"3dcf96d0-d8ed-49ce-b3bc-1df63995ab5a","triggerType":"api"},"workspaceId":"dfd87c98-4845-4b10-a65b-ce286f11aaed"},"output":null,"error":"Agent 1: fake upstream failure"}'),  # noqa: E501
    ("error-2026", '{"error":"Invalid API key"}'),
    ("error-2026", '{"error":"Unauthorized"}'),
    ("error-2026", '{"error":"Workflow not found"}'),
    ("error-2026", '{"error":"Invalid JSON in request body"}'),
    ("error-2026", '{"error":"Task not found","code":"TASK_NOT_FOUND"}'),
    ("error-2026", '{"error":"Unauthorized","requestId":"19f56f73"}'),
    ("error-2026", '{"error":"Workflow not found","code":"WORKFLOW_NOT_FOUND","requestId":"517d8b4d"}'),  # noqa: E501
    ("error-2026", '{"error":"Authentication required","code":"AUTHENTICATION_REQUIRED"}'),
    ("workflow-status", '{"isDeployed":true,"deployedAt":"2026-11-28T19:41:10.705Z","needsRedeployment":false}'),  # noqa: E501
    ("usage-limits-2026", '{"success":true,"rateLimit":{"sync":{"isLimited":false,"requestsPerMinute":999999,"maxBurst":999999,"remaining":999999,"resetAt":"2026-11-28T19:45:24.962Z"},"async":{"isLimited":false,"requestsPerMinute":999999,"maxBurst":999999,"remaining":999999,"resetAt":"2026-11-28T19:45:38.417Z"},"authType":"api"},"usage":{"currentPeriodCost":0,"limit":99999,"plan":"free"},"storage":{"usedBytes":0,"limitBytes":5368709120,"percentUsed":0}}'),  # noqa: E501
    ("stream-frame-2026", '{"blockId":"bb955042-2c09-4e99-85b7-aa7ff90a3a2d","chunk":"Hello"}'),
    ("stream-frame-2026", '{"event":"final","data":{"success":true,"output":{}}}'),
    ("stream-frame-2026", '"[DONE]"'),
    ("stream-frame-2026", '{"event":"error","error":"Agent 1: fake upstream failure"}'),
    ("stream-frame-2026", '{"event":"final","data":{"success":true,"output":{"2249ce3d-0f57-40ab-a2a0-4e971f2a35a9":{"waitDuration":1000}}}}'),  # noqa: E501
    # Public API, December 2026 (ws_v2_list, ws_v2_get, ws_v2_members_two(_limit1)).
    ("v2-workspace-list", '{"data":[{"id":"realsim-ws-main","name":"Probe workspace","color":"#33C482","logoUrl":null,"memberCount":1,"createdAt":"2026-12-06T17:32:02.230Z","updatedAt":"2026-12-06T17:32:02.230Z"}],"nextCursor":null}'),  # noqa: E501
    ("v2-workspace", '{"data":{"id":"realsim-ws-main","name":"Probe workspace","color":"#33C482","logoUrl":null,"memberCount":1,"createdAt":"2026-12-06T17:32:02.230Z","updatedAt":"2026-12-06T17:32:02.230Z"}}'),  # noqa: E501
    ("v2-workspace-members", '{"data":[{"email":"other@realsim.local","name":"Other","image":null,"role":"read","isExternal":false,"joinedAt":"2026-12-06T17:54:19.423Z"},{"email":"probe@realsim.local","name":"Probe","image":null,"role":"admin","isExternal":false,"joinedAt":"2026-12-06T17:32:02.230Z"}],"nextCursor":null}'),  # noqa: E501
    ("v2-workspace-members", '{"data":[{"email":"other@realsim.local","name":"Other","image":null,"role":"read","isExternal":false,"joinedAt":"2026-12-06T17:54:19.423Z"}],"nextCursor":"eyJzY29wZSI6IjY3QXdZQ0g2Y0hjWWZKcjg4aFdTalgiLCJpbm5lciI6ImV5SmxiV0ZwYkNJNkltOTBhR1Z5UUhKbFlXeHphVzB1Ykc5allXd2lmUT09In0="}'),  # noqa: E501
    ("v2-error", '{"error":{"code":"FORBIDDEN","message":"Workspace API key cannot access this workspace"}}'),  # noqa: E501
]  # fmt: skip

ALL_SCHEMAS = sorted(p.stem for p in SCHEMAS.glob("*.json"))


@pytest.mark.parametrize("name", ALL_SCHEMAS)
def test_schema_files_are_valid_and_documented(name: str) -> None:
    schema = load_schema(name)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$id"] == name
    assert schema["$comment"]


@pytest.mark.parametrize(("schema", "body"), REAL_BODIES)
def test_schemas_accept_what_the_real_server_sent(schema: str, body: str) -> None:
    validate(schema, json.loads(body))


@pytest.mark.parametrize(
    ("schema", "body"),
    [
        ("execute-sync-2026", {"success": True, "executionId": "x", "output": {}, "error": None,
                               "metadata": {"duration": 1, "startTime": "2026-01-01T00:00:00Z",
                                            "endTime": "2026-01-01T00:00:01Z"}}),
        ("execute-sync-2025", {"success": True, "executionId": "x", "output": {},
                               "metadata": {"duration": 1, "startTime": "2026-01-01T00:00:00Z",
                                            "endTime": "2026-01-01T00:00:01Z"}}),
        ("job-status-2026", {"success": True, "taskId": "t", "status": "queued", "metadata": {},
                             "output": None}),
        ("usage-limits-2026", {"success": True, "rateLimit": {}, "usage": {}, "storage": {}}),
        ("stream-frame-2026", {"event": "done", "success": True, "output": {}}),
        ("error-2025", {"error": "Workflow not found"}),
    ],
)  # fmt: skip
def test_schemas_reject_the_other_eras_shapes(schema: str, body: Any) -> None:
    with pytest.raises(jsonschema.ValidationError):
        validate(schema, body)


def _scenario(server: LocalSimServer, api: Api) -> None:
    """Hit every route and status the server implements (each answer validates in Api)."""
    async_mode = {"X-Execution-Mode": "async"}
    for workflow in ("echo", "failing", "response", "agent", "slow", "paused", "nope",
                     "undeployed"):  # fmt: skip
        api.execute(workflow, {"seconds": 0})
        api.execute(workflow, {"stream": True, "selectedOutputs": ["agent1.content"]})
    for key in (False, "sk-wrong"):
        api.execute("echo", {}, key=key)
        api.get("/api/jobs/x", key=key)
        api.get("/api/workflows/echo/status", key=key)
        api.get("/api/users/me/usage-limits", key=key)
    api.call("POST", "/api/workflows/echo/execute", b"{bad")
    api.execute("echo", {"blob": "x" * (10 * 1024 * 1024 + 1)})
    api.execute("echo", {}, headers={"X-Execution-Id": "contract-1"})
    api.execute("echo", {}, headers={"X-Execution-Id": "contract-1"})
    jobs = [api.execute(w, {}, headers=async_mode).json for w in ("echo", "failing")]
    for job in jobs:
        link = job.get("jobId") or job["taskId"]
        deadline = time.monotonic() + 5
        while api.get("/api/jobs/" + link).json["status"] not in ("completed", "failed"):
            assert time.monotonic() < deadline
            time.sleep(0.01)
    api.get("/api/jobs/unknown")
    for path in ("/api/workflows/echo/status", "/api/workflows/nope/status",
                 "/api/users/me/usage-limits", "/api/nothing"):  # fmt: skip
        api.get(path)
    server.inject(Fault(status=429), path="/api/users/me/usage-limits", times=1)
    if server.wire_format == "2026":
        _phase_two(server, api)


def _phase_two(server: LocalSimServer, api: Api) -> None:
    paused = api.execute("paused", {"message": "m"}).json["executionId"]
    api.get(f"/api/workflows/paused/executions/{paused}?includeOutput=true")
    api.get("/api/workflows/paused/paused")
    detail = api.get(f"/api/workflows/paused/paused/{paused}").json
    context = detail["pausePoints"][0]["contextId"]
    api.get(f"/api/resume/paused/{paused}")
    api.get(f"/api/resume/paused/{paused}/{context}")
    api.call("POST", f"/api/resume/paused/{paused}/{context}", {"input": {"approved": True}})
    api.call("POST", f"/api/workflows/echo/executions/{paused}/cancel")
    api.call("POST", f"/api/workflows/paused/executions/{paused}/cancel")
    api.get("/api/workflows/echo/executions/missing")
    v2 = "/api/v2/workflows/{}/execute"
    run = api.call("POST", v2.format("echo"), {"input": {}}).json["data"]["runId"]
    api.call("POST", v2.format("failing"), {"input": {}})
    queued = api.call("POST", v2.format("echo"), {"input": {}, "async": True}).json["data"]
    api.call("POST", v2.format("agent"), {"input": {}, "stream": True})
    api.call("POST", v2.format("echo"), {"nope": 1})
    api.get(f"/api/v2/workflows/echo/runs/{run}?includeOutput=true")
    api.get(f"/api/v2/workflows/echo/runs/{queued['runId']}")
    api.call("POST", f"/api/v2/workflows/echo/runs/{run}/cancel")
    v2_paused = api.call("POST", v2.format("paused"), {"input": {}}).json["data"]["runId"]
    status = api.get(f"/api/v2/workflows/paused/runs/{v2_paused}").json["data"]
    api.call("POST", f"/api/v2/workflows/paused/runs/{v2_paused}/resume",
             {"contextId": status["paused"]["contextId"], "input": {}})  # fmt: skip
    personal = server.personal_key
    api.get("/api/v2/workspaces", key=personal)
    api.get("/api/v2/workspaces?limit=1&sortBy=name", key=personal)
    api.get(f"/api/v2/workspaces/{server.workspace_id}")
    api.get(f"/api/v2/workspaces/{server.other_workspace_id}")
    api.get(f"/api/v2/workspaces/{server.other_workspace_id}/members?limit=1", key=personal)


EXPECTED = {
    "2025": {"async-2025", "error-2025", "error-2026", "execute-sync-2025", "job-status-2025",
             "stream-frame-2025", "usage-limits-2025", "workflow-status"},
    "2026": {"async-2026", "error-2026", "execute-sync-2026", "job-status-2026",
             "stream-frame-2026", "usage-limits-2026", "workflow-status", "cancel-execution",
             "execution-id-conflict", "execution-status", "pause-context-detail",
             "paused-execution-detail", "paused-executions", "resume-result", "v2-cancel",
             "v2-error", "v2-execute-queued", "v2-execute-sync", "v2-run-status",
             "v2-workspace-list", "v2-workspace", "v2-workspace-members"},
}  # fmt: skip


@pytest.mark.parametrize("era", ["2025", "2026"])
def test_every_answer_validates_and_every_schema_is_exercised(era: str) -> None:
    USED_SCHEMAS.clear()
    with LocalSimServer(wire_format=era, job_delay=0.0, usage_budget=200,
                        rate_limit=RateLimit(per_minute=6000, burst=500)) as server:  # fmt: skip
        _scenario(server, Api(server))
    assert EXPECTED[era] <= USED_SCHEMAS


def test_every_schema_file_is_expected_somewhere() -> None:
    assert set(ALL_SCHEMAS) == EXPECTED["2025"] | EXPECTED["2026"]

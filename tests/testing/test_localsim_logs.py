"""Logs over sockets: the recorded shapes, filters, cursors of both versions, strictness, access."""

from __future__ import annotations

import time
from typing import Any, List
from urllib.parse import quote

import pytest
from localsim_helpers import Api

from simstudio.testing import LocalSimServer
from simstudio.testing._pagination import FILTERS_CHANGED, INVALID_CURSOR, SORT_CHANGED

# The keys of the recorded answers (logs_v1_list, logs_v2_list, logs_v1_get, logs_v2_get,
# logs_v1_execution).
V1_ITEM = ["id", "workflowId", "executionId", "deploymentVersionId", "level", "trigger",
           "startedAt", "endedAt", "totalDurationMs", "cost", "files"]  # fmt: skip
V2_ITEM = ["runId", "workflowId", "deploymentVersionId", "status", "level", "trigger",
           "startedAt", "endedAt", "totalDurationMs", "cost", "files"]  # fmt: skip
V1_GET = ["id", "workflowId", "executionId", "level", "trigger", "startedAt", "endedAt",
          "totalDurationMs", "workflow", "executionData", "cost", "createdAt"]  # fmt: skip
V2_GET = ["runId", "workflowId", "deploymentVersionId", "status", "level", "trigger",
          "startedAt", "endedAt", "totalDurationMs", "files", "workflow", "workflowState",
          "traceSpans", "finalOutput", "cost", "createdAt"]  # fmt: skip


def _runs(server: LocalSimServer) -> None:
    api = Api(server)
    assert api.execute("echo", {"message": "hi"}).status == 200
    assert api.execute("failing", {"message": "x"}).status in (200, 500)


def _data(reply: Any) -> List[Any]:
    assert reply.status == 200, reply
    return list(reply.json["data"])


def test_runs_become_log_entries_in_the_recorded_shapes(sim_server: LocalSimServer) -> None:
    _runs(sim_server)
    api = Api(sim_server)
    ws = sim_server.workspace_id
    v1 = api.get(f"/api/v1/logs?workspaceId={ws}")
    failed, echoed = _data(v1)  # newest first
    assert list(failed) == V1_ITEM
    assert (failed["workflowId"], failed["level"], failed["trigger"]) == ("failing", "error", "api")
    assert (echoed["workflowId"], echoed["level"], echoed["cost"]) == ("echo", "info", {"total": 0})
    assert v1.json["nextCursor"] is None
    assert set(v1.json["limits"]) == {"workflowExecutionRateLimit", "usage"}
    v2 = api.get(f"/api/v2/logs?workspaceId={ws}")
    items = _data(v2)
    assert [list(item) for item in items] == [V2_ITEM, V2_ITEM]
    assert [item["status"] for item in items] == ["failed", "completed"]
    assert items[0]["runId"] == failed["executionId"]
    assert v2.headers["Cache-Control"] == "private, no-store"
    assert v2.headers["X-RateLimit-Limit"] == "999999"


def test_single_logs_and_the_execution_snapshot(sim_server: LocalSimServer) -> None:
    _runs(sim_server)
    api = Api(sim_server)
    failed = _data(api.get(f"/api/v1/logs?workspaceId={sim_server.workspace_id}"))[0]
    one = api.get(f"/api/v1/logs/{failed['id']}").json
    assert list(one["data"]) == V1_GET
    data = one["data"]["executionData"]
    assert data["finalOutput"] == {"error": "Agent 1: simulated upstream failure"}
    assert data["traceSpans"][0]["children"][0]["status"] == "error"
    assert one["data"]["workflow"]["workspaceId"] == sim_server.workspace_id
    run = api.get(f"/api/v2/logs/{failed['executionId']}").json["data"]
    assert list(run) == V2_GET
    assert (run["workflow"]["folderPath"], run["workflow"]["ownerEmail"]) == (
        "/",
        "user@simstudio.local",
    )
    assert set(run["workflowState"]) == {"blocks", "edges", "loops", "parallels"}
    snapshot = api.get(f"/api/v1/logs/executions/{failed['executionId']}").json
    assert list(snapshot) == ["executionId", "workflowId", "workflowState",
                              "executionMetadata", "limits"]  # fmt: skip
    assert snapshot["executionMetadata"]["trigger"] == "api"


def test_details_and_includes(sim_server: LocalSimServer) -> None:
    _runs(sim_server)
    api = Api(sim_server)
    base = f"?workspaceId={sim_server.workspace_id}&limit=1"
    full_v1 = _data(api.get("/api/v1/logs" + base + "&details=full"))[0]
    assert full_v1["workflow"] == {"id": "failing", "name": "Failing agent",
                                   "description": "Failing agent", "deleted": False}  # fmt: skip
    implied = _data(api.get("/api/v2/logs" + base + "&includeFinalOutput=true"))[0]
    assert list(implied)[-2:] == ["workflow", "finalOutput"]
    spans = _data(api.get("/api/v2/logs" + base + "&includeTraceSpans=true"))[0]
    assert spans["traceSpans"][0]["name"] == "Workflow Execution"


def test_v2_pages_and_cursor_misuse(sim_server: LocalSimServer) -> None:
    sim_server.add_logs(7)
    api = Api(sim_server)
    url = f"/api/v2/logs?workspaceId={sim_server.workspace_id}&limit=3"
    seen: List[str] = []
    cursors: List[str] = []
    while True:
        reply = api.get(url + (f"&cursor={quote(cursors[-1])}" if cursors else ""))
        seen += [item["runId"] for item in _data(reply)]
        if reply.json["nextCursor"] is None:
            break
        cursors.append(reply.json["nextCursor"])
    pages = len(cursors) + 1
    assert (pages, len(seen), len(set(seen))) == (3, 7, 7)
    c = quote(cursors[0])
    changed_sort = api.get(url + f"&order=asc&cursor={c}")
    assert (changed_sort.status, changed_sort.json["error"]["message"]) == (400, SORT_CHANGED)
    changed_filter = api.get(url + f"&level=info&cursor={c}")
    assert (changed_filter.status, changed_filter.json["error"]["message"]) == (
        400,
        FILTERS_CHANGED,
    )
    assert api.get(url + f"&limit=100&cursor={c}").status == 200  # only limit may change
    garbage = api.get(url + "&cursor=garbage")
    assert (garbage.status, garbage.json["error"]["message"]) == (400, INVALID_CURSOR)


def test_v1_pages_in_both_orders(sim_server: LocalSimServer) -> None:
    ids = sim_server.add_logs(5, start=1_700_000_000.0)
    api = Api(sim_server)
    url = f"/api/v1/logs?workspaceId={sim_server.workspace_id}&limit=2&order=asc"
    first = api.get(url)
    assert [item["executionId"] for item in _data(first)] == ids[:2]
    second = api.get(url + "&cursor=" + quote(first.json["nextCursor"]))
    assert [item["executionId"] for item in _data(second)] == ids[2:4]
    garbage = api.get(url + "&cursor=garbage")
    assert (garbage.status, garbage.json) == (400, {"error": "Invalid cursor"})


def test_filters(sim_server: LocalSimServer) -> None:
    start = 1_700_000_000.0
    sim_server.add_logs(10, start=start, status=["completed"] * 4 + ["failed"],
                        workflow_id=["a", "b"], trigger=["api", "webhook"],
                        duration_ms=500, cost=0.25)  # fmt: skip
    api = Api(sim_server)
    base = f"/api/v2/logs?workspaceId={sim_server.workspace_id}&limit=100"

    def count(query: str) -> int:
        return len(_data(api.get(base + query)))

    assert count("") == 10
    assert count("&level=error") == 2
    assert count("&workflowIds=a") == 5
    assert count("&workflowIds=a,b&triggers=webhook") == 5
    assert count("&triggers=API") == 0  # case-sensitive, as recorded
    assert count("&startDate=2023-11-14T22:13:24Z&endDate=2023-11-14T22:13:26.000Z") == 3
    assert count("&minDurationMs=500&maxDurationMs=500&minCost=0.25&maxCost=0.25") == 10
    assert count("&minDurationMs=501") == 0
    assert count("&model=gpt-4o") == 0


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        ("/api/v1/logs", 400, "Workspace ID is required"),
        ("/api/v1/logs?workspaceId={ws}&level=warn", 400,
         'Invalid option: expected one of "info"|"error"'),
        ("/api/v2/logs?workspaceId={ws}&executionId=x", 400, 'Unrecognized key: "executionId"'),
        ("/api/v2/logs?workspaceId={ws}&startDate=yesterday", 400,
         "startDate must be a UTC ISO 8601 timestamp, e.g. 2026-08-06T00:00:00Z"),
        ("/api/v2/logs?workspaceId={ws}&startDate=2026-08-06T00:00:00%2B02:00", 400,
         "startDate must be a UTC ISO 8601 timestamp, e.g. 2026-08-06T00:00:00Z"),
        ("/api/v2/logs/{run}?workspaceId={ws}", 400, 'Unrecognized key: "workspaceId"'),
        ("/api/v2/logs/not-a-uuid", 404, "Log not found"),
        ("/api/v1/logs/does-not-exist", 404, "Log not found"),
        ("/api/v1/logs/executions/does-not-exist", 404, "Workflow execution not found"),
        ("/api/v1/logs?workspaceId={other}", 403, "API key is not authorized for this workspace"),
        ("/api/v2/logs?workspaceId={other}", 403,
         "Workspace API key cannot access this workspace"),
    ],
)  # fmt: skip
def test_every_refusal(sim_server: LocalSimServer, path: str, status: int, message: str) -> None:
    (run,) = sim_server.add_logs(1)
    ws, other = sim_server.workspace_id, sim_server.other_workspace_id
    reply = Api(sim_server).get(path.format(ws=ws, other=other, run=run))
    error = reply.json["error"]
    assert reply.status == status
    assert (error["message"] if isinstance(error, dict) else error) == message


def test_limit_is_clamped_not_refused(sim_server: LocalSimServer) -> None:
    sim_server.add_logs(3)
    api = Api(sim_server)
    for version in ("v1", "v2"):
        url = f"/api/{version}/logs?workspaceId={sim_server.workspace_id}"
        assert len(_data(api.get(url + "&limit=0"))) == 1
        assert len(_data(api.get(url + "&limit=5000"))) == 3


def test_other_workspaces_logs_are_concealed_and_the_personal_key_sees_both(
    sim_server: LocalSimServer,
) -> None:
    (mine,) = sim_server.add_logs(1)
    (theirs,) = sim_server.add_logs(1, workspace_id=sim_server.other_workspace_id)
    api = Api(sim_server)
    other_key = sim_server.other_api_key
    assert api.get(f"/api/v2/logs/{mine}", key=other_key).status == 404
    assert api.get(f"/api/v1/logs/executions/{mine}", key=other_key).status == 404
    assert api.get(f"/api/v2/logs/{theirs}").status == 404
    personal = sim_server.personal_key
    assert api.get(f"/api/v2/logs/{theirs}", key=personal).status == 200
    listed = api.get(f"/api/v2/logs?workspaceId={sim_server.other_workspace_id}", key=personal)
    assert [item["runId"] for item in _data(listed)] == [theirs]


def test_fifty_thousand_entries_page_quickly(sim_server: LocalSimServer) -> None:
    started = time.monotonic()
    sim_server.add_logs(50_000)
    api = Api(sim_server)
    reply = api.get(f"/api/v2/logs?workspaceId={sim_server.workspace_id}&limit=1000&level=info")
    assert len(_data(reply)) == 1000
    assert time.monotonic() - started < 15  # about 0.5 s; a loaded machine is slower


def test_a_bad_key_is_401_with_only_a_request_id(sim_server: LocalSimServer) -> None:
    reply = Api(sim_server).get(
        f"/api/v2/logs?workspaceId={sim_server.workspace_id}", key="sim_bogus_key_123"
    )
    assert (reply.status, reply.json) == (
        401,
        {"error": {"code": "UNAUTHORIZED", "message": "Invalid API key"}},
    )
    assert reply.headers["WWW-Authenticate"] == 'SimApiKey realm="Sim API", header="x-api-key"'
    assert reply.headers.get("X-RateLimit-Limit") is None

"""client.logs: list (v1, v2, filters, lazy cursor pages), get, execution; recorded bodies."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
from _core_helpers import BASE, body, make_client

from simstudio import (
    BadRequestError,
    ExecutionSnapshot,
    InvalidArgumentError,
    InvalidResponseError,
    LogEntry,
    NotFoundError,
    PermissionDeniedError,
)

# Bodies as a self-hosted Sim server (v0.8.9, V2_API=true) answered them (trimmed).
RUN = "ecae3b0e-1053-459e-98f4-2081a6d4b4b4"
WF = "63155322-3e40-485e-8ca7-f0855c950d46"
LOG_ID = "348fce47-1ddc-45d7-b25c-51a56a813703"
SPANS = [
    {
        "id": "workflow-execution",
        "name": "Workflow Execution",
        "type": "workflow",
        "duration": 1341,
        "startTime": "2026-12-06T17:53:06.029Z",
        "endTime": "2026-12-06T17:53:07.370Z",
        "status": "error",
        "children": [
            {
                "id": "29ddc90d-842d-47c7-a575-c4474fb35cf1-1796579586032",
                "name": "Agent 1",
                "type": "agent",
                "duration": 1338.442640000023,
                "startTime": "2026-12-06T17:53:06.032Z",
                "endTime": "2026-12-06T17:53:07.370Z",
                "status": "error",
                "blockId": "29ddc90d-842d-47c7-a575-c4474fb35cf1",
                "input": {"model": "vllm/llama-3"},
                "output": {"error": "fake model failure (prompt contained FAIL)"},
                "relativeStartMs": 3,
                "children": [],
                "executionOrder": 1,
            }
        ],
    }
]
FINAL = {"error": "Agent 1: fake model failure (prompt contained FAIL)"}
V1_ITEM = {
    "id": LOG_ID,
    "workflowId": WF,
    "executionId": RUN,
    "deploymentVersionId": "56bb9fdb-859b-4b01-8846-67f915178dc2",
    "level": "error",
    "trigger": "api",
    "startedAt": "2026-12-06T17:53:06.018Z",
    "endedAt": "2026-12-06T17:53:07.376Z",
    "totalDurationMs": 1344,
    "cost": {"total": 0.005},
    "files": None,
}
V2_ITEM = {
    "runId": RUN,
    "workflowId": WF,
    "deploymentVersionId": "56bb9fdb-859b-4b01-8846-67f915178dc2",
    "status": "failed",
    "level": "error",
    "trigger": "api",
    "startedAt": "2026-12-06T17:53:06.018Z",
    "endedAt": "2026-12-06T17:53:07.376Z",
    "totalDurationMs": 1344,
    "cost": {"total": 0.005},
    "files": None,
}
LIMITS = {
    "workflowExecutionRateLimit": {"sync": {"requestsPerMinute": 999999}},
    "usage": {"currentPeriodCost": 0.75, "limit": 99999, "plan": "free", "isExceeded": False},
}
V1_CURSOR = "eyJzdGFydGVkQXQiOiIyMDI2LTEyLTA2VDE3OjQ1OjM5LjEzMVoiLCJpZCI6IjJhNWJjNDVlIn0="
V2_CURSOR = "eyJzY29wZSI6IkFOMm81V1VtUmdTd0dOcmdEb2pRQmkiLCJpbm5lciI6Ii4uLiJ9"
V1_URL = f"{BASE}/api/v1/logs"
V2_URL = f"{BASE}/api/v2/logs"


@pytest.fixture
def v2():
    return make_client(api_version="v2", workspace_id="realsim-ws-main")


@pytest.fixture
def v1():
    return make_client(api_version="v1", workspace_id="realsim-ws-main")


def query_of(call):
    return {k: v[0] for k, v in parse_qs(urlsplit(call.request.url).query).items()}


def test_v2_list_is_lazy_and_follows_the_cursor(rsps, v2):
    logs = v2.logs.list(limit=1)
    assert len(rsps.calls) == 0
    second = {**V2_ITEM, "runId": "80485a8e", "status": "completed", "level": "info"}
    rsps.add(responses.GET, V2_URL, body=body({"data": [V2_ITEM], "nextCursor": V2_CURSOR}))
    rsps.add(responses.GET, V2_URL, body=body({"data": [second], "nextCursor": None}))
    entries = list(logs)
    assert [e.run_id for e in entries] == [RUN, "80485a8e"]
    first = entries[0]
    assert (first.id, first.execution_id, first.status, first.level, first.trigger) == (
        RUN,
        RUN,
        "failed",
        "error",
        "api",
    )
    assert (first.total_duration_ms, first.cost, first.workflow_id) == (1344, 0.005, WF)
    assert first.is_error
    assert not entries[1].is_error
    assert first.final_output is None
    assert first.trace_spans is None
    assert query_of(rsps.calls[0]) == {"workspaceId": "realsim-ws-main", "limit": "1"}
    assert query_of(rsps.calls[1])["cursor"] == V2_CURSOR


def test_v1_list_maps_onto_the_same_shape(rsps, v1):
    page = {"data": [V1_ITEM], "nextCursor": V1_CURSOR, "limits": LIMITS}
    rsps.add(responses.GET, V1_URL, body=body(page))
    rsps.add(responses.GET, V1_URL, body=body({"data": [], "nextCursor": None, "limits": LIMITS}))
    (entry,) = list(v1.logs.list(limit=3))
    assert isinstance(entry, LogEntry)
    assert (entry.id, entry.execution_id, entry.status, entry.cost) == (LOG_ID, RUN, None, 0.005)
    assert entry.is_error
    assert query_of(rsps.calls[1])["cursor"] == V1_CURSOR


def test_filters_go_out_in_the_servers_words(rsps, v2):
    rsps.add(responses.GET, V2_URL, body=body({"data": [], "nextCursor": None}))
    since = datetime(2026, 12, 6, 19, 0, tzinfo=timezone(timedelta(hours=2)))
    list(
        v2.logs.list(
            "ws-x",
            workflow_ids=["a", "b"],
            level="error",
            trigger="api",
            since=since,
            until="2026-12-07T00:00:00+01:00",
            min_duration_ms=10,
            max_cost=0.5,
            execution_id=RUN,
            order="asc",
            include_trace_spans=True,
            limit=1000,
        )
    )
    assert query_of(rsps.calls[0]) == {
        "workspaceId": "ws-x",
        "workflowIds": "a,b",
        "level": "error",
        "triggers": "api",
        "startDate": "2026-12-06T17:00:00.000Z",
        "endDate": "2026-12-06T23:00:00.000Z",
        "runId": RUN,
        "minDurationMs": "10",
        "maxCost": "0.5",
        "order": "asc",
        "details": "full",
        "includeTraceSpans": "true",
        "limit": "1000",
    }


def test_v1_names_the_execution_filter_execution_id(rsps, v1):
    rsps.add(responses.GET, V1_URL, body=body({"data": [], "nextCursor": None, "limits": LIMITS}))
    list(v1.logs.list(execution_id=RUN, folder_ids="f1", details="full"))
    assert query_of(rsps.calls[0]) == {
        "workspaceId": "realsim-ws-main",
        "executionId": RUN,
        "folderIds": "f1",
        "details": "full",
    }


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"since": datetime(2026, 1, 1)}, "no time zone"),
        ({"until": "2026-01-01T00:00:00"}, "no time zone"),
        ({"since": "yesterday"}, "ISO-8601"),
        ({"since": 1700000000}, "datetime or ISO-8601"),
        ({"level": "warn"}, "level"),
        ({"details": "all"}, "details"),
        ({"order": "up"}, "order"),
        ({"limit": 1001}, "1 to 1000"),
        ({"limit": 0}, "1 to 1000"),
        ({"workflow_ids": []}, "workflow_ids"),
        ({"workflow_ids": "a,b"}, "workflow_ids"),
        ({"min_duration_ms": -1}, "min_duration_ms"),
        ({"folder_ids": ["f"]}, "api_version='v1'"),
    ],
)
def test_bad_filters_are_refused_before_sending(rsps, v2, kwargs, words):
    with pytest.raises(InvalidArgumentError, match=words):
        v2.logs.list(**kwargs)
    assert len(rsps.calls) == 0


def test_a_full_listing_carries_the_workflow_output_and_spans(rsps, v2):
    item = {
        **V2_ITEM,
        "workflow": {
            "id": WF,
            "name": "probe-agent",
            "description": "probe-agent",
            "deleted": False,
        },
        "finalOutput": FINAL,
        "traceSpans": SPANS,
    }
    rsps.add(responses.GET, V2_URL, body=body({"data": [item], "nextCursor": None}))
    (entry,) = v2.logs.list(include_final_output=True, include_trace_spans=True)
    assert entry.workflow is not None
    assert entry.workflow.name == "probe-agent"
    assert entry.final_output == FINAL
    (root,) = entry.trace_spans or []
    assert (root.name, root.type, root.status, root.duration_ms) == (
        "Workflow Execution",
        "workflow",
        "error",
        1341,
    )
    (agent,) = root.children
    assert (agent.block_id, agent.output) == (
        "29ddc90d-842d-47c7-a575-c4474fb35cf1",
        {"error": "fake model failure (prompt contained FAIL)"},
    )
    assert agent.raw["relativeStartMs"] == 3


def test_v2_get_has_state_output_and_spans_at_the_top(rsps, v2):
    data = {
        **V2_ITEM,
        "workflow": {"id": WF, "name": "probe-agent", "folderPath": "/",
                     "ownerEmail": "probe@realsim.local", "workspaceId": "realsim-ws-main"},
        "workflowState": {"blocks": {}, "edges": [], "loops": {}, "parallels": {}},
        "traceSpans": SPANS,
        "finalOutput": FINAL,
        "createdAt": "2026-12-06T17:53:06.019Z",
    }  # fmt: skip
    rsps.add(
        responses.GET, f"{V2_URL}/{RUN}", body=body({"data": data}), headers={"x-request-id": "3f"}
    )
    entry = v2.logs.get(RUN)
    assert (entry.id, entry.final_output, entry.created_at) == (
        RUN,
        FINAL,
        "2026-12-06T17:53:06.019Z",
    )
    assert entry.workflow is not None
    assert (entry.workflow.folder_path, entry.workflow.owner_email) == ("/", "probe@realsim.local")
    assert entry.workflow_state == data["workflowState"]
    assert entry.trace_spans is not None
    assert entry.trace_spans[0].id == "workflow-execution"
    assert entry.request_id == "3f"
    assert rsps.calls[0].request.url == f"{V2_URL}/{RUN}"  # no query: v2 refuses any


def test_v1_get_reads_output_and_spans_from_execution_data(rsps, v1):
    data = {
        **{k: v for k, v in V1_ITEM.items() if k not in ("deploymentVersionId", "files")},
        "workflow": {"id": WF, "name": "probe-agent", "workspaceId": "realsim-ws-main"},
        "executionData": {"finalOutput": FINAL, "traceSpans": SPANS, "tokens": {"total": 0}},
        "createdAt": "2026-12-06T17:53:06.019Z",
    }
    rsps.add(responses.GET, f"{V1_URL}/{LOG_ID}", body=body({"data": data, "limits": LIMITS}))
    entry = v1.logs.get(LOG_ID)
    assert (entry.id, entry.execution_id, entry.final_output) == (LOG_ID, RUN, FINAL)
    assert entry.workflow is not None
    assert entry.workflow.workspace_id == "realsim-ws-main"
    assert entry.trace_spans is not None
    assert len(entry.trace_spans[0].children) == 1


def test_execution_has_no_data_wrapper(rsps, v2):
    answer = {
        "executionId": RUN,
        "workflowId": WF,
        "workflowState": {"edges": [], "loops": {}, "blocks": {"b1": {"name": "Agent 1"}},
                          "parallels": {}},
        "executionMetadata": {"trigger": "api", "startedAt": "2026-12-06T17:53:06.018Z",
                              "endedAt": "2026-12-06T17:53:07.376Z", "totalDurationMs": 1344,
                              "cost": {"total": 0.005}},
        "limits": LIMITS,
    }  # fmt: skip
    rsps.add(responses.GET, f"{BASE}/api/v1/logs/executions/{RUN}", body=body(answer))
    snapshot = v2.logs.execution(RUN)
    assert isinstance(snapshot, ExecutionSnapshot)
    assert (snapshot.execution_id, snapshot.workflow_id, snapshot.trigger) == (RUN, WF, "api")
    assert (snapshot.total_duration_ms, snapshot.cost) == (1344, 0.005)
    assert snapshot.blocks == {"b1": {"name": "Agent 1"}}


def test_unknown_ids_are_not_found(rsps, v2):
    missing = {"error": {"code": "NOT_FOUND", "message": "Log not found"}}
    rsps.add(responses.GET, f"{V2_URL}/not-a-uuid", body=body(missing), status=404)
    rsps.add(
        responses.GET,
        f"{BASE}/api/v1/logs/executions/not-a-uuid",
        body=body({"error": "Workflow execution not found"}),
        status=404,
    )
    with pytest.raises(NotFoundError, match="Log not found"):
        v2.logs.get("not-a-uuid")
    with pytest.raises(NotFoundError, match="Workflow execution not found"):
        v2.logs.execution("not-a-uuid")


def test_a_failing_page_says_where_to_resume(rsps, v2):
    rsps.add(responses.GET, V2_URL, body=body({"data": [V2_ITEM], "nextCursor": V2_CURSOR}))
    message = "cursor is not a valid pagination cursor. Restart pagination without a cursor."
    rsps.add(
        responses.GET,
        V2_URL,
        body=body({"error": {"code": "BAD_REQUEST", "message": message}}),
        status=400,
    )
    entries = iter(v2.logs.list())
    assert next(entries).run_id == RUN
    with pytest.raises(BadRequestError) as info:
        next(entries)
    assert info.value.cursor == V2_CURSOR


def test_another_workspace_is_refused_in_both_versions(rsps, v1, v2):
    rsps.add(
        responses.GET,
        V1_URL,
        body=body({"error": "API key is not authorized for this workspace"}),
        status=403,
    )
    rsps.add(
        responses.GET,
        V2_URL,
        body=body(
            {
                "error": {
                    "code": "FORBIDDEN",
                    "message": "Workspace API key cannot access this workspace",
                }
            }
        ),
        status=403,
    )
    for client in (v1, v2):
        with pytest.raises(PermissionDeniedError) as info:
            list(client.logs.list("realsim-ws-other"))
        assert info.value.reason == "workspace"


def test_the_workspace_defaults_to_the_keys_own_on_v2(rsps):
    client = make_client()  # api_version auto, no workspace configured
    workspace = {"id": "realsim-ws-main", "name": "Probe workspace"}
    rsps.add(
        responses.GET,
        f"{BASE}/api/v2/workspaces",
        body=body({"data": [workspace], "nextCursor": None}),
    )
    rsps.add(responses.GET, V2_URL, body=body({"data": [], "nextCursor": None}))
    assert list(client.logs.list()) == []
    assert query_of(rsps.calls[-1])["workspaceId"] == "realsim-ws-main"


def test_every_field_lands_where_it_belongs():
    # from_wire builds positionally (it is on the hot path of long listings): name every field.
    body = {**V2_ITEM, "files": [{"name": "a.txt"}], "createdAt": "2026-12-06T17:53:06.019Z",
            "workflowState": {"blocks": {}}, "finalOutput": FINAL, "traceSpans": SPANS,
            "workflow": {"id": WF, "name": "probe-agent"}}  # fmt: skip
    entry = LogEntry.from_wire(body)
    expected = {
        "id": RUN, "execution_id": RUN, "workflow_id": WF, "status": "failed", "level": "error",
        "trigger": "api", "started_at": "2026-12-06T17:53:06.018Z",
        "ended_at": "2026-12-06T17:53:07.376Z", "total_duration_ms": 1344.0, "cost": 0.005,
        "deployment_version_id": "56bb9fdb-859b-4b01-8846-67f915178dc2",
        "files": [{"name": "a.txt"}], "final_output": FINAL,
        "workflow_state": {"blocks": {}}, "created_at": "2026-12-06T17:53:06.019Z",
    }  # fmt: skip
    assert {name: getattr(entry, name) for name in expected} == expected
    assert entry.workflow is not None
    assert entry.workflow.name == "probe-agent"
    assert entry.trace_spans is not None
    assert entry.trace_spans[0].name == "Workflow Execution"
    assert entry.raw is body


def test_odd_values_are_dropped_not_trusted():
    entry = LogEntry.from_wire({"runId": RUN, "status": 3, "level": ["error"], "cost": "free",
                                "totalDurationMs": True, "files": "none"})  # fmt: skip
    assert (entry.status, entry.level, entry.cost, entry.total_duration_ms, entry.files) == (
        None, None, None, None, None,
    )  # fmt: skip
    with pytest.raises(InvalidResponseError):
        LogEntry.from_wire({"status": "failed"})
    with pytest.raises(InvalidResponseError):
        LogEntry.from_wire(["not", "an", "object"])

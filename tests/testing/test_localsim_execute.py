"""LocalSimServer: POST /api/workflows/{id}/execute (sync), auth, errors, limits, files."""

from __future__ import annotations

import base64
import re
from typing import Any, Dict, List

import pytest
from localsim_helpers import Api

from simstudio.testing import LocalSimServer, RateLimit, WorkflowContext

ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def test_sync_success_2026(api: Api) -> None:
    reply = api.execute("echo", {"message": "hi"})
    assert reply.status == 200
    body = reply.json
    assert list(body) == ["success", "executionId", "output", "metadata"]
    assert body["success"] is True
    assert body["output"] == {"input": {"message": "hi"}}
    assert ISO.match(body["metadata"]["startTime"])
    assert reply.headers["Content-Type"] == "application/json"


def test_sync_success_2025(sim_server_2025: LocalSimServer) -> None:
    body = Api(sim_server_2025).execute("echo", {"message": "hi"}).json
    assert list(body) == ["success", "output", "metadata"]
    assert body["output"] == {"input": {"message": "hi"}}


@pytest.mark.parametrize(
    ("sent", "seen"),
    [
        ({}, {}),
        ({"a": 1, "stream": False, "selectedOutputs": []}, {"a": 1}),
        ({"input": {"a": 1}}, {"a": 1}),
        ({"input": {"a": 1}, "b": 2}, {"a": 1, "b": 2}),
        ({"a": 1, "input": {"a": 2}}, {"a": 2}),
        ({"input": 5}, {"input": 5}),
        ({"executionId": "mine", "triggerType": "api", "x": None}, {"x": None}),
    ],
)
def test_input_resolution_2026(api: Api, sent: Dict[str, Any], seen: Dict[str, Any]) -> None:
    assert api.execute("echo", sent).json["output"] == {"input": seen}


@pytest.mark.parametrize(
    ("sent", "seen"),
    [
        ({"a": 1, "selectedOutputs": []}, {"a": 1, "selectedOutputs": []}),
        ({"input": {"a": 1}, "b": 2}, {"a": 1}),
        ([1, 2], [1, 2]),
    ],
)
def test_input_resolution_2025(sim_server_2025: LocalSimServer, sent: Any, seen: Any) -> None:
    assert Api(sim_server_2025).execute("echo", sent).json["output"] == {"input": seen}


def test_empty_body_runs_with_empty_input(api: Api) -> None:
    reply = api.call("POST", "/api/workflows/echo/execute", b"")
    assert reply.json["output"] == {"input": {}}


@pytest.mark.parametrize(
    ("era", "expected"),
    [
        ("2026", {"error": "Invalid JSON in request body"}),
        ("2025", {"error": "Invalid JSON in request body", "code": "INVALID_JSON"}),
    ],
)
def test_invalid_json(era: str, expected: Dict[str, str]) -> None:
    with LocalSimServer(wire_format=era) as server:
        reply = Api(server).call("POST", "/api/workflows/echo/execute", b"{not json")
    assert (reply.status, reply.json) == (400, expected)
    assert server.executions() == 0


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"stream": "yes"}, "stream"),
        ({"selectedOutputs": "agent1.content"}, "selectedOutputs"),
        ({"selectedOutputs": [1]}, "selectedOutputs"),
        ({"triggerType": "manual"}, "triggerType"),
        ({"base64MaxBytes": -1}, "base64MaxBytes"),
    ],
)
def test_control_keys_are_type_checked_2026(api: Api, body: Dict[str, Any], path: str) -> None:
    reply = api.execute("echo", body)
    assert reply.status == 400
    assert reply.json["error"] == "Invalid request body"
    assert reply.json["details"][0]["path"] == path


def test_non_object_body_is_rejected_2026(api: Api) -> None:
    assert api.execute("echo", [1, 2]).status == 400


@pytest.mark.parametrize(
    ("era", "key", "status", "expected"),
    [
        ("2026", None, 401, {"error": "Unauthorized"}),
        ("2026", "sk-sim-wrong", 401, {"error": "Invalid API key"}),
        (
            "2025",
            None,
            401,
            {"error": "Unauthorized: API key required", "code": "UNAUTHORIZED:_API_KEY_REQUIRED"},
        ),
        (
            "2025",
            "sk-sim-wrong",
            401,
            {"error": "Unauthorized: Invalid API key", "code": "UNAUTHORIZED:_INVALID_API_KEY"},
        ),
    ],
)
def test_auth_errors(era: str, key: Any, status: int, expected: Dict[str, str]) -> None:
    with LocalSimServer(wire_format=era) as server:
        reply = Api(server).execute("echo", {"a": 1}, key=key if key else False)
    assert (reply.status, reply.json) == (status, expected)
    assert server.executions() == 0


def test_bearer_token_is_not_an_api_key(api: Api, sim_server: LocalSimServer) -> None:
    headers = {"Authorization": "Bearer " + sim_server.api_key}
    assert api.execute("echo", {}, key=False, headers=headers).status == 401


def test_unknown_workflow_2026_checks_auth_first(api: Api) -> None:
    assert api.execute("nope", {}).json == {"error": "Workflow not found"}
    assert api.execute("nope", {}).status == 404
    assert api.execute("nope", {}, key=False).status == 401


def test_unknown_and_undeployed_2025_answer_before_auth(sim_server_2025: LocalSimServer) -> None:
    api = Api(sim_server_2025)
    reply = api.execute("nope", {}, key=False)
    assert (reply.status, reply.json) == (
        404,
        {"error": "Workflow not found", "code": "WORKFLOW_NOT_FOUND"},
    )
    reply = api.execute("undeployed", {}, key=False)
    assert reply.status == 403
    assert reply.json == {"error": "Workflow is not deployed", "code": "WORKFLOW_IS_NOT_DEPLOYED"}


def test_undeployed_2026(api: Api) -> None:
    assert api.execute("undeployed", {}, key=False).status == 401
    reply = api.execute("undeployed", {})
    assert (reply.status, reply.json) == (403, {"error": "Workflow is not deployed"})


def test_failing_workflow_2026_is_http_500(api: Api, sim_server: LocalSimServer) -> None:
    reply = api.execute("failing", {})
    assert reply.status == 500
    body = reply.json
    assert list(body) == ["success", "output", "error", "metadata"]
    assert body["error"] == "Agent 1: simulated upstream failure"
    assert body["output"] == {}
    assert sim_server.executions("failing") == 1


def test_failing_workflow_2025_is_http_200(sim_server_2025: LocalSimServer) -> None:
    reply = Api(sim_server_2025).execute("failing", {})
    assert reply.status == 200
    assert reply.json["success"] is False
    assert reply.json["error"] == "Agent 1: simulated upstream failure"


def test_custom_handler_error_uses_block_display_name(sim_server: LocalSimServer) -> None:
    def boom(data: Dict[str, Any]) -> Any:
        raise ValueError("bad input " + str(data.get("n")))

    sim_server.add_workflow("boom", boom, block_name="function1")
    reply = Api(sim_server).execute("boom", {"n": 3})
    assert reply.json["error"] == "Function 1: bad input 3"


def test_response_block_has_no_envelope(era_server: LocalSimServer) -> None:
    reply = Api(era_server).execute("response", {"message": "resp"})
    assert reply.status == 201
    assert reply.json == {"echo": "resp", "custom": True}
    assert reply.headers["X-Probe-Custom"] == "yes"


def test_handler_with_context_sees_its_execution_id(sim_server: LocalSimServer) -> None:
    seen: List[WorkflowContext] = []

    def handler(data: Dict[str, Any], ctx: WorkflowContext) -> Dict[str, Any]:
        seen.append(ctx)
        return {"ok": True}

    sim_server.add_workflow("ctx", handler)
    body = Api(sim_server).execute("ctx", {}).json
    assert seen[0].execution_id == body["executionId"]
    assert (seen[0].workflow_id, seen[0].mode) == ("ctx", "sync")


def test_non_dict_outputs_are_passed_through(sim_server: LocalSimServer) -> None:
    sim_server.add_workflow("text", lambda data: "plain text")
    assert Api(sim_server).execute("text", {}).json["output"] == "plain text"


# -- limits ------------------------------------------------------------------------------------


@pytest.mark.parametrize("era", ["2026", "2025"])
def test_rate_limit_429_with_headers(era: str) -> None:
    limit = RateLimit(per_minute=1, burst=2)
    with LocalSimServer(wire_format=era, rate_limit=limit) as server:
        api = Api(server)
        first = api.execute("echo", {})
        assert first.headers["X-RateLimit-Limit"] == "1"  # per minute, as in usage-limits
        assert first.headers["X-RateLimit-Remaining"] == "1"
        assert api.execute("echo", {}).status == 200
        reply = api.execute("echo", {})
    assert reply.status == 429
    assert 1 <= int(reply.headers["Retry-After"]) <= 60
    assert reply.headers["X-RateLimit-Remaining"] == "0"
    assert ISO.match(reply.headers["X-RateLimit-Reset"])
    if era == "2026":
        assert reply.json == {"error": "Rate limit exceeded. Please try again later."}
    else:
        assert reply.json["code"] == "RATE_LIMIT_EXCEEDED"
        assert reply.json["error"].startswith("Rate limit exceeded. You have 0 requests remaining")
    assert server.executions() == 2


def test_rate_limit_2025_async_body_has_no_code() -> None:
    with LocalSimServer(wire_format="2025", rate_limit=RateLimit(per_minute=1, burst=1)) as srv:
        api = Api(srv)
        async_mode = {"X-Execution-Mode": "async"}
        assert api.execute("echo", {}, headers=async_mode).status == 202
        reply = api.execute("echo", {}, headers=async_mode)
    assert reply.status == 429
    assert set(reply.json) == {"error", "message", "remaining", "resetAt"}


def test_rate_limit_headers_on_every_execute_response(api: Api) -> None:
    for reply in (api.execute("echo", {}), api.execute("echo", {}, key=False)):
        assert reply.headers["X-RateLimit-Limit"] == "999999"
    assert "X-RateLimit-Limit" not in api.get("/api/workflows/echo/status").headers


def test_rate_limit_headers_can_be_switched_off() -> None:
    with LocalSimServer(rate_limit_headers=False) as server:
        assert "X-RateLimit-Limit" not in Api(server).execute("echo", {}).headers


@pytest.mark.parametrize(
    ("era", "expected"),
    [
        ("2026", {"error": "Usage limit exceeded. Please upgrade your plan to continue."}),
        (
            "2025",
            {
                "error": "Usage limit exceeded. Please upgrade your plan to continue.",
                "code": "USAGE_LIMIT_EXCEEDED",
            },
        ),
    ],
)
def test_usage_budget_402(era: str, expected: Dict[str, str]) -> None:
    with LocalSimServer(wire_format=era, usage_budget=1) as server:
        api = Api(server)
        assert api.execute("echo", {}).status == 200
        reply = api.execute("echo", {})
    assert (reply.status, reply.json) == (402, expected)
    assert server.executions() == 1


def test_usage_budget_2025_stream_reports_inside_the_stream() -> None:
    with LocalSimServer(wire_format="2025", usage_budget=0) as server:
        reply = Api(server).execute("agent", {"stream": True})
    assert reply.status == 200
    assert reply.headers["Content-Type"] == "text/event-stream"
    assert reply.frames == [
        '{"event":"error","error":"Usage limit exceeded. Please upgrade your plan to continue."}'
    ]


def test_body_over_10_mib_is_413_2026(api: Api, sim_server: LocalSimServer) -> None:
    reply = api.execute("echo", {"blob": "x" * (10 * 1024 * 1024)})
    assert (reply.status, reply.json) == (413, {"error": "Request body too large"})
    assert sim_server.executions() == 0
    assert api.execute("echo", {}).status == 200


# -- files ------------------------------------------------------------------------------------


def _file(content: bytes, name: str = "a.txt", mime: str = "text/plain") -> Dict[str, Any]:
    data = f"data:{mime};base64,{base64.b64encode(content).decode()}"
    return {"type": "file", "data": data, "name": name, "mime": mime}


def test_file_inputs_become_user_files(api: Api) -> None:
    body = {"doc": _file(b"hello"), "many": [_file(b"a", "1.txt"), _file(b"bb", "2.txt")]}
    seen = api.execute("echo", body).json["output"]["input"]
    doc = seen["doc"]
    assert set(doc) == {"id", "name", "url", "size", "type", "key", "uploadedAt", "expiresAt"}
    assert (doc["name"], doc["size"], doc["type"]) == ("a.txt", 5, "text/plain")
    assert [f["size"] for f in seen["many"]] == [1, 2]
    served = api.call("GET", doc["url"].split(f":{api.server.port}", 1)[1], check=False)
    assert (served.status, served.body) == (200, b"hello")


def test_non_data_url_files_are_left_alone(api: Api) -> None:
    item = {"type": "file", "data": "not-a-data-url", "name": "x"}
    assert api.execute("echo", {"f": item}).json["output"]["input"]["f"] == item


def test_files_nested_under_input_are_not_converted_2026(api: Api) -> None:
    item = _file(b"hello")
    assert api.execute("echo", {"input": {"f": item}}).json["output"]["input"]["f"] == item


def test_file_over_20_mb_is_400(sim_server_2025: LocalSimServer) -> None:
    big = _file(b"\0" * (20 * 1024 * 1024 + 1), "big.bin", "application/octet-stream")
    reply = Api(sim_server_2025).execute("echo", {"f": big})
    assert reply.status == 400
    assert reply.json["error"].startswith("File processing failed: ")
    assert sim_server_2025.executions() == 0


def test_invalid_base64_is_400(api: Api) -> None:
    bad = {"type": "file", "data": "data:text/plain;base64,@@@", "name": "x"}
    reply = api.execute("echo", {"f": bad})
    assert reply.status == 400
    assert reply.json["error"].startswith("File processing failed: ")


# -- other paths ------------------------------------------------------------------------------


def test_unknown_path_and_wrong_method(api: Api) -> None:
    assert (api.get("/api/nothing").status, api.get("/api/nothing").json) == (
        404,
        {"error": "Not found"},
    )
    reply = api.get("/api/workflows/echo/execute")
    assert reply.status == 405
    assert reply.headers["Allow"] == "POST"

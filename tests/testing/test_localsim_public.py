"""The public-API pipeline over sockets: auth, envelopes, rate-limit headers, the v2 flag.

Probe routes built with ``api_route`` are added to the routes table for these tests, so the
pipeline is tested on its own, apart from any route group.
"""

from __future__ import annotations

import re
from typing import Any, Iterator, List

import pytest
from localsim_helpers import Api, Reply

from simstudio.testing import LocalSimServer, _listener
from simstudio.testing._envelopes import v1_data, v1_success, v2_data
from simstudio.testing._public import Call, api_route
from simstudio.testing._responses import Response
from simstudio.testing._routes import ROUTES

_RATE_HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")


def _echo_query(call: Call) -> Response:
    checks = call.query_checks()
    limit = checks.integer("limit", default=10, minimum=1)
    checks.done()
    return v1_success({"thing": call.params["thing"], "limit": limit, "kind": call.principal.kind})


def _echo_body(call: Call) -> Response:
    checks = call.body_checks()
    name = checks.string("name", required=True)
    checks.done()
    return v2_data({"name": name}, 201)


def _boom(call: Call) -> Response:
    raise RuntimeError("bug in a handler")


def _limits(call: Call) -> Response:
    return v1_data({}, call.limits())


def _personal_only(call: Call) -> Response:
    call.require_personal_key()
    return v2_data({"user": call.principal.user.email})


PROBES = [
    api_route("GET", "/api/v1/probe/{thing}", "probe", _echo_query),
    api_route("POST", "/api/v2/probe", "probe", _echo_body),
    api_route("GET", "/api/v2/probe/boom", "probe", _boom),
    api_route("GET", "/api/v1/probe-limits", "other-probe", _limits),
    api_route("POST", "/api/v2/probe/personal", "probe", _personal_only),
]


@pytest.fixture
def probe(monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalSimServer]:
    """A started server whose routes table also has the probe routes."""
    monkeypatch.setattr(_listener, "ROUTES", [*ROUTES, *PROBES])
    with LocalSimServer(usage_budget=1) as server:
        yield server


def _rate(reply: Reply) -> List[str]:
    return [reply.headers.get(name, "") for name in _RATE_HEADERS]


def _assert_counted(reply: Reply, remaining: int) -> None:
    limit, left, reset = _rate(reply)
    assert (limit, left) == ("999999", str(remaining))
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", reset)


def test_v1_answers_in_the_v1_envelope(probe: LocalSimServer) -> None:
    api = Api(probe)
    ok = api.get("/api/v1/probe/abc?limit=3&unknown=ignored")
    assert ok.json == {"success": True, "data": {"thing": "abc", "limit": 3, "kind": "workspace"}}
    _assert_counted(ok, 999998)
    assert "Cache-Control" not in ok.headers
    bad = api.get("/api/v1/probe/abc?limit=0")
    assert bad.json["error"] == "Too small: expected number to be >=1"
    _assert_counted(bad, 999997)
    personal = api.get("/api/v1/probe/p", key=probe.personal_key).json["data"]
    assert personal["kind"] == "personal"


@pytest.mark.parametrize(
    ("key", "message"), [(False, "API key required"), ("sk-wrong", "Invalid API key")]
)
def test_401s_carry_only_the_request_id(probe: LocalSimServer, key: Any, message: str) -> None:
    api = Api(probe)
    v1 = api.get("/api/v1/probe/x", key=key)
    assert (v1.status, v1.json) == (401, {"error": message})
    assert _rate(v1) == ["", "", ""]
    assert "WWW-Authenticate" not in v1.headers
    v2 = api.call("POST", "/api/v2/probe", {"name": "n"}, key=key)
    assert (v2.status, v2.json) == (401, {"error": {"code": "UNAUTHORIZED", "message": message}})
    assert _rate(v2) == ["", "", ""]
    assert v2.headers["WWW-Authenticate"] == 'SimApiKey realm="Sim API", header="x-api-key"'
    assert v2.headers["Cache-Control"] == "private, no-store"


def test_v2_bodies_are_strict(probe: LocalSimServer) -> None:
    api = Api(probe)
    created = api.call("POST", "/api/v2/probe", {"name": "n"})
    assert (created.status, created.json) == (201, {"data": {"name": "n"}})
    assert created.headers["Cache-Control"] == "private, no-store"
    unknown = api.call("POST", "/api/v2/probe", {"name": "n", "foo": 1})
    assert (unknown.status, unknown.json["error"]["message"]) == (400, 'Unrecognized key: "foo"')
    _assert_counted(unknown, 999997)
    missing = api.call("POST", "/api/v2/probe", {})
    assert missing.json["error"]["message"] == "Invalid input: expected string, received undefined"


@pytest.mark.parametrize(
    ("body", "headers", "status", "message"),
    [
        (b"name=n", {"Content-Type": "application/x-www-form-urlencoded"}, 415,
         "Content-Type must be application/json"),
        (b"{oops", {"Content-Type": "application/json"}, 400, "Request body must be valid JSON"),
        ([1], {}, 400, "Invalid input: expected object, received array"),
    ],
)  # fmt: skip
def test_v2_body_parsing(
    probe: LocalSimServer, body: Any, headers: Any, status: int, message: str
) -> None:
    reply = Api(probe).call("POST", "/api/v2/probe", body, headers=headers)
    assert (reply.status, reply.json["error"]["message"]) == (status, message)
    _assert_counted(reply, 999998)


def test_a_bug_in_a_handler_is_a_500_in_the_envelope(probe: LocalSimServer) -> None:
    reply = Api(probe).get("/api/v2/probe/boom")
    assert (reply.status, reply.json) == (
        500,
        {"error": {"code": "INTERNAL_ERROR", "message": "Internal server error"}},
    )
    _assert_counted(reply, 999998)


def test_operations_for_personal_keys_only(probe: LocalSimServer) -> None:
    api = Api(probe)
    refused = api.call("POST", "/api/v2/probe/personal")
    assert refused.status == 403
    assert refused.body == (
        b'{"error":{"code":"FORBIDDEN","message":"Workspace API key cannot perform this '
        b'operation","details":{"code":"WORKSPACE_KEY_OPERATION_NOT_PERMITTED"}}}'
    )
    _assert_counted(refused, 999998)
    allowed = api.call("POST", "/api/v2/probe/personal", key=probe.personal_key)
    assert allowed.json == {"data": {"user": "user@simstudio.local"}}


def test_counters_are_per_key_and_family(probe: LocalSimServer) -> None:
    api = Api(probe)
    assert [_rate(api.get("/api/v1/probe/x"))[1] for _ in range(3)] == [
        "999998",
        "999997",
        "999996",
    ]
    assert _rate(api.call("POST", "/api/v2/probe", {"name": "n"}))[1] == "999995"
    assert _rate(api.get("/api/v1/probe-limits"))[1] == "999998"
    assert _rate(api.get("/api/v1/probe/x", key=probe.personal_key))[1] == "999998"
    probe.reset()
    assert _rate(api.get("/api/v1/probe/x"))[1] == "999998"


def test_limits_describe_the_execution_bucket_and_the_budget(probe: LocalSimServer) -> None:
    api = Api(probe)
    body = api.get("/api/v1/probe-limits").json
    bucket = {"requestsPerMinute": 999999, "maxBurst": 999999, "remaining": 999999}
    sync = body["limits"]["workflowExecutionRateLimit"]["sync"]
    assert {k: v for k, v in sync.items() if k != "resetAt"} == bucket
    assert body["limits"]["usage"] == {
        "currentPeriodCost": 0,
        "limit": 1,
        "plan": "free",
        "isExceeded": False,
    }
    assert api.execute("echo", {}).status == 200
    assert api.get("/api/v1/probe-limits").json["limits"]["usage"]["isExceeded"] is True


# -- the v2 flag ----------------------------------------------------------------------------


def test_without_the_v2_flag_v2_is_not_found() -> None:
    with LocalSimServer(v2_api=False) as server:
        api = Api(server)
        assert server.v2_api is False
        for method, path in (("POST", "/api/v2/workflows/echo/execute"),
                             ("GET", "/api/v2/workflows/echo/runs/r"),
                             ("GET", "/api/v2/workspaces"),
                             ("GET", "/api/v2/no/such/route")):  # fmt: skip
            reply = api.call(method, path, {"input": {}} if method == "POST" else None)
            assert (reply.status, reply.json) == (
                404,
                {"error": {"code": "NOT_FOUND", "message": "Not found"}},
            ), path
            assert _rate(reply) == ["", "", ""]
            assert reply.headers["Cache-Control"] == "private, no-store"
        anonymous = api.call("POST", "/api/v2/workflows/echo/execute", {"input": {}}, key=False)
        assert (anonymous.status, anonymous.json["error"]["code"]) == (401, "UNAUTHORIZED")
        assert server.executions() == 0
        assert api.execute("echo", {}).status == 200
        assert api.call("OPTIONS", "/api/v2/workspaces", key=False).status == 204

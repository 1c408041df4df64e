"""LocalSimServer: GET /api/workflows/{id}/status and GET /api/users/me/usage-limits."""

from __future__ import annotations

import re

from localsim_helpers import Api

from simstudio.testing import LocalSimServer, RateLimit


def test_status_2026_requires_a_key(api: Api) -> None:
    for key in (False, "sk-sim-wrong"):
        reply = api.get("/api/workflows/echo/status", key=key)
        assert reply.status == 401
        assert reply.json == {"error": "Unauthorized", "requestId": reply.headers["x-request-id"]}


def test_status_2026_ok_and_not_found(api: Api) -> None:
    body = api.get("/api/workflows/echo/status").json
    assert body["isDeployed"] is True
    assert re.match(r"^\d{4}-\d\d-\d\dT", body["deployedAt"])
    assert body["needsRedeployment"] is False
    undeployed = api.get("/api/workflows/undeployed/status").json
    assert (undeployed["isDeployed"], undeployed["deployedAt"]) == (False, None)
    reply = api.get("/api/workflows/nope/status")
    assert reply.status == 404
    assert reply.json == {
        "error": "Workflow not found",
        "code": "WORKFLOW_NOT_FOUND",
        "requestId": reply.headers["x-request-id"],
    }


def test_status_2025_needs_no_key(sim_server_2025: LocalSimServer) -> None:
    api = Api(sim_server_2025)
    assert api.get("/api/workflows/echo/status", key=False).status == 200
    reply = api.get("/api/workflows/nope/status", key=False)
    assert (reply.status, reply.json) == (
        404,
        {"error": "Workflow not found", "code": "WORKFLOW_NOT_FOUND"},
    )


def test_usage_limits_2026_reflects_limits() -> None:
    with LocalSimServer(rate_limit=RateLimit(per_minute=30, burst=5), usage_budget=7) as server:
        api = Api(server)
        api.execute("echo", {})
        body = api.get("/api/users/me/usage-limits").json
    sync = body["rateLimit"]["sync"]
    assert (sync["requestsPerMinute"], sync["maxBurst"], sync["remaining"]) == (30, 5, 4)
    assert sync["isLimited"] is False
    assert body["usage"] == {"currentPeriodCost": 1, "limit": 7, "plan": "free"}
    assert body["rateLimit"]["authType"] == "api"


def test_usage_limits_defaults_are_self_hosted_sentinels(api: Api) -> None:
    body = api.get("/api/users/me/usage-limits").json
    assert body["rateLimit"]["async"]["requestsPerMinute"] == 999999
    assert body["usage"]["limit"] == 99999


def test_usage_limits_2025_shape() -> None:
    with LocalSimServer(wire_format="2025", rate_limit=RateLimit(per_minute=10, burst=1)) as srv:
        api = Api(srv)
        api.execute("echo", {})
        sync = api.get("/api/users/me/usage-limits").json["rateLimit"]["sync"]
    assert (sync["limit"], sync["remaining"], sync["isLimited"]) == (10, 0, True)


def test_usage_limits_401(era_server: LocalSimServer) -> None:
    reply = Api(era_server).get("/api/users/me/usage-limits", key="sk-sim-wrong")
    assert (reply.status, reply.json) == (
        401,
        {"error": "Authentication required", "code": "AUTHENTICATION_REQUIRED"},
    )

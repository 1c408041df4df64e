"""Keys and workspaces: the directory, principals, access rules, and the workflow routes' keys."""

from __future__ import annotations

import re
import time
from typing import Dict

import pytest
from localsim_helpers import Api

from simstudio.testing import LocalSimServer
from simstudio.testing._auth import (
    Principal,
    authenticate,
    require_personal_key,
    require_workspace,
    visible,
    workspace_refusal,
)
from simstudio.testing._directory import Directory
from simstudio.testing._envelopes import V1, V2, ApiError


def _directory() -> Directory:
    return Directory(
        api_key="ws-key",
        personal_key="personal-key",
        other_api_key="other-key",
        workspace_id="main",
        other_workspace_id="other",
        created_at=1000.0,
    )


def _refused(error: object) -> ApiError:
    assert isinstance(error, ApiError)
    return error


# -- the directory and principals ------------------------------------------------------------


def test_the_directory_has_two_workspaces_and_three_keys() -> None:
    directory = _directory()
    assert [w.id for w in directory.workspaces()] == ["main", "other"]
    assert directory.main.created_at < directory.other.created_at
    assert directory.workspace("other") is directory.other
    assert directory.workspace("nope") is None
    assert [(m.user.email, m.role) for m in directory.members("main")] == [
        ("user@simstudio.local", "admin")
    ]
    assert [(m.user.email, m.role) for m in directory.members("other")] == [
        ("other@simstudio.local", "admin"),
        ("user@simstudio.local", "read"),
    ]
    assert directory.members("nope") == []
    assert [w.id for w in directory.workspaces_of(directory.owner)] == ["main", "other"]
    personal = directory.key("personal-key")
    assert personal is not None
    assert (personal.kind, personal.workspace_id) == ("personal", None)
    assert directory.key("personal-key ") is None


@pytest.mark.parametrize(
    "options",
    [
        {"api_key": "same", "personal_key": "same"},
        {"other_api_key": "ws-key"},
        {"other_workspace_id": "main"},
    ],
)
def test_keys_and_workspaces_must_differ(options: Dict[str, str]) -> None:
    settings = {
        "api_key": "ws-key",
        "personal_key": "personal-key",
        "other_api_key": "other-key",
        "workspace_id": "main",
        "other_workspace_id": "other",
        "created_at": 0.0,
        **options,
    }
    with pytest.raises(ValueError, match="must differ"):
        Directory(**settings)


@pytest.mark.parametrize(
    ("secret", "message"),
    [(None, "API key required"), ("  ", "API key required"), ("nope", "Invalid API key")],
)
def test_authentication_failures(secret: object, message: str) -> None:
    with pytest.raises(ApiError) as caught:
        authenticate(_directory(), secret)  # type: ignore[arg-type]
    assert (caught.value.status, caught.value.message) == (401, message)


def test_principals_reach_their_workspaces() -> None:
    directory = _directory()
    workspace = authenticate(directory, "ws-key")
    personal = authenticate(directory, " personal-key ")
    other = authenticate(directory, "other-key")
    assert (workspace.kind, workspace.workspace_ids) == ("workspace", frozenset({"main"}))
    assert (personal.kind, personal.workspace_ids) == ("personal", frozenset({"main", "other"}))
    assert (other.kind, other.workspace_ids) == ("workspace", frozenset({"other"}))
    assert personal.is_personal
    assert not workspace.is_personal
    assert workspace.user == personal.user == directory.owner
    assert other.user == directory.other_user
    assert not workspace.can_access(None)


# -- access rules ----------------------------------------------------------------------------


def test_workspace_refusals_differ_by_version() -> None:
    directory = _directory()
    workspace = authenticate(directory, "ws-key")
    assert workspace_refusal(workspace, "main", V1) is None
    v1 = _refused(workspace_refusal(workspace, "other", V1))
    assert (v1.status, v1.body(V1)) == (
        403,
        {"error": "API key is not authorized for this workspace"},
    )
    v2 = _refused(workspace_refusal(workspace, "other", V2))
    assert v2.body(V2) == {
        "error": {"code": "FORBIDDEN", "message": "Workspace API key cannot access this workspace"}
    }
    personal = authenticate(directory, "personal-key")
    assert workspace_refusal(personal, "other", V2) is None
    stranger = _refused(workspace_refusal(personal, "elsewhere", V2))
    assert (stranger.status, stranger.message) == (403, "You do not have access to this workspace")
    with pytest.raises(ApiError, match="not authorized"):
        require_workspace(workspace, "other", V1)
    require_workspace(workspace, "main", V2)


def test_operations_for_personal_keys_only() -> None:
    directory = _directory()
    require_personal_key(authenticate(directory, "personal-key"))
    with pytest.raises(ApiError) as caught:
        require_personal_key(authenticate(directory, "ws-key"))
    assert caught.value.body(V2) == {
        "error": {
            "code": "FORBIDDEN",
            "message": "Workspace API key cannot perform this operation",
            "details": {"code": "WORKSPACE_KEY_OPERATION_NOT_PERMITTED"},
        }
    }


def test_resources_of_other_workspaces_are_concealed() -> None:
    principal: Principal = authenticate(_directory(), "ws-key")
    assert visible(principal, {"id": "kb"}, "main", "Knowledge base not found") == {"id": "kb"}
    for resource, workspace in (({"id": "kb"}, "other"), (None, "main")):
        with pytest.raises(ApiError) as caught:
            visible(principal, resource, workspace, "Knowledge base not found")
        assert caught.value.body(V1) == {"error": "Knowledge base not found"}
        assert caught.value.status == 404


# -- the server's keys on the workflow routes ------------------------------------------------


def test_default_keys_and_workspaces(sim_server: LocalSimServer) -> None:
    assert (sim_server.workspace_id, sim_server.other_workspace_id) == ("ws-local", "ws-other")
    assert re.fullmatch(r"sk-sim-personal-[0-9a-f]{32}", sim_server.personal_key)
    assert re.fullmatch(r"sk-sim-other-[0-9a-f]{32}", sim_server.other_api_key)
    assert sim_server.v2_api is True


def test_keys_and_workspaces_can_be_chosen() -> None:
    server = LocalSimServer(
        api_key="a", personal_key="p", other_api_key="o", workspace_id="w1", other_workspace_id="w2"
    )
    assert (server.api_key, server.personal_key, server.other_api_key) == ("a", "p", "o")
    assert (server.workspace_id, server.other_workspace_id) == ("w1", "w2")
    with pytest.raises(ValueError, match="must differ"):
        LocalSimServer(api_key="k", personal_key="k")


def test_the_personal_key_runs_workflows(era_server: LocalSimServer) -> None:
    api = Api(era_server)
    assert api.execute("echo", {}, key=era_server.personal_key).status == 200
    v2 = api.call("POST", "/api/v2/workflows/echo/execute", {"input": {}},
                  key=era_server.personal_key)  # fmt: skip
    assert v2.status == 200


def test_another_workspaces_key_on_the_workflow_routes(sim_server: LocalSimServer) -> None:
    api = Api(sim_server)
    other = sim_server.other_api_key
    refused = api.execute("echo", {}, key=other)
    assert (refused.status, refused.json) == (
        403,
        {"error": "API key is not authorized for this workspace"},
    )
    status = api.get("/api/workflows/echo/status", key=other)
    assert (status.status, status.json["code"]) == (404, "WORKFLOW_NOT_FOUND")
    usage = api.get("/api/users/me/usage-limits", key=other)
    assert usage.status == 200
    job = api.execute("echo", {}, headers={"X-Execution-Mode": "async"}).json["jobId"]
    assert api.get(f"/api/jobs/{job}", key=other).json == {"error": "Access denied"}
    run = api.execute("echo", {}).json["executionId"]
    execution = api.get(f"/api/workflows/echo/executions/{run}", key=other)
    assert (execution.status, execution.json) == (404, {"error": "Execution not found"})
    paused = api.get("/api/workflows/paused/paused", key=other)
    assert (paused.status, paused.json) == (404, {"error": "Workflow not found"})
    v2 = api.call("POST", "/api/v2/workflows/echo/execute", {"input": {}}, key=other)
    assert (v2.status, v2.json["error"]) == (
        404,
        {"code": "NOT_FOUND", "message": "Workflow not found"},
    )
    run_v2 = api.get(f"/api/v2/workflows/echo/runs/{run}", key=other)
    assert run_v2.status == 404


def test_another_workspaces_key_2025(sim_server_2025: LocalSimServer) -> None:
    refused = Api(sim_server_2025).execute("echo", {}, key=sim_server_2025.other_api_key)
    assert (refused.status, refused.json["error"]) == (
        403,
        "API key is not authorized for this workspace",
    )


def test_jobs_name_the_owner_and_the_workspace(sim_server: LocalSimServer) -> None:
    api = Api(sim_server)
    job = api.execute("echo", {}, headers={"X-Execution-Mode": "async"}).json["jobId"]
    deadline = time.monotonic() + 5
    body = api.get(f"/api/jobs/{job}").json
    while body["status"] != "completed":
        assert time.monotonic() < deadline
        time.sleep(0.01)
        body = api.get(f"/api/jobs/{job}").json
    assert body["metadata"]["workspaceId"] == sim_server.workspace_id
    assert body["metadata"]["userId"] == "simstudio-local-user"

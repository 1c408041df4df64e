"""add_member: members with permission levels, listed by e-mail, and what the levels allow."""

from __future__ import annotations

import pytest
from localsim_helpers import Api

from simstudio import Permission
from simstudio.testing import LocalSimServer


def test_added_members_are_listed_by_email_with_their_role(sim_server: LocalSimServer) -> None:
    sim_server.add_member(sim_server.workspace_id, "zoe@example.com", "write", name="Zoe")
    sim_server.add_member(sim_server.workspace_id, "al@example.com", Permission.READ)
    api = Api(sim_server)
    members = api.get(f"/api/v2/workspaces/{sim_server.workspace_id}/members").json["data"]
    assert [(m["email"], m["name"], m["role"]) for m in members] == [
        ("al@example.com", "Al", "read"),
        ("user@simstudio.local", "Local User", "admin"),
        ("zoe@example.com", "Zoe", "write"),
    ]
    workspace = api.get(f"/api/v2/workspaces/{sim_server.workspace_id}").json["data"]
    assert workspace["memberCount"] == 3
    first = api.get(f"/api/v2/workspaces/{sim_server.workspace_id}/members?limit=1").json
    assert [m["email"] for m in first["data"]] == ["al@example.com"]
    assert isinstance(first["nextCursor"], str)


def test_changing_the_personal_key_users_level_changes_what_it_may_do(
    sim_server: LocalSimServer,
) -> None:
    api = Api(sim_server)
    ws = sim_server.workspace_id
    body = {"workspaceId": ws, "name": "x", "url": "http://127.0.0.1:1/mcp"}
    sim_server.add_member(ws, "user@simstudio.local", "read")
    refused = api.call("POST", "/api/v2/mcp-servers", body, key=sim_server.personal_key)
    assert refused.status == 403
    assert (
        refused.json["error"]["message"] == "This operation needs write permission in the workspace"
    )
    assert api.call("POST", "/api/v2/mcp-servers", body).status == 201  # the workspace key may
    sim_server.add_member(ws, "user@simstudio.local", "write")
    body["url"] = "http://127.0.0.1:2/mcp"
    assert api.call("POST", "/api/v2/mcp-servers", body, key=sim_server.personal_key).status == 201


def test_membership_gives_a_personal_key_its_reach(sim_server: LocalSimServer) -> None:
    api = Api(sim_server)
    members = f"/api/v2/workspaces/{sim_server.other_workspace_id}/members"
    emails = [m["email"] for m in api.get(members, key=sim_server.personal_key).json["data"]]
    assert emails == ["other@simstudio.local", "user@simstudio.local"]


@pytest.mark.parametrize(
    ("workspace", "email", "permission"),
    [("nope", "a@b.c", "read"), ("ws-local", "a@b.c", "owner"), ("ws-local", "nobody", "read")],
)
def test_bad_members_are_refused(
    sim_server: LocalSimServer, workspace: str, email: str, permission: str
) -> None:
    with pytest.raises(ValueError):
        sim_server.add_member(workspace, email, permission)

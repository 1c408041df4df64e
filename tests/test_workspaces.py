"""client.workspaces: list, get, members (lazy pages) and Permission, from recorded bodies."""

from __future__ import annotations

import json

import pytest
import responses
from _core_helpers import BASE, body, make_client

from simstudio import (
    InvalidArgumentError,
    InvalidResponseError,
    Member,
    Permission,
    PermissionDeniedError,
)

# Bodies as a self-hosted Sim server (v0.8.9, V2_API=true) answered them.
WS = {
    "id": "realsim-ws-main",
    "name": "Probe workspace",
    "color": "#33C482",
    "logoUrl": None,
    "memberCount": 2,
    "createdAt": "2026-12-06T17:32:02.230Z",
    "updatedAt": "2026-12-06T17:32:02.230Z",
}
OWNER = {
    "email": "owner@realsim.local",
    "name": "Owner",
    "image": None,
    "role": "admin",
    "isExternal": False,
    "joinedAt": "2026-12-06T17:32:02.230Z",
}
OTHER = {**OWNER, "email": "other@realsim.local", "name": "Other", "role": "read"}
CURSOR = "eyJzY29wZSI6IjY3QXdZQ0g2Y0hjWWZKcjg4aFdTalgiLCJpbm5lciI6Ii4uLiJ9"
FORBIDDEN = {
    "error": {"code": "FORBIDDEN", "message": "Workspace API key cannot access this workspace"}
}
LIST_URL = f"{BASE}/api/v2/workspaces"
MEMBERS_URL = f"{LIST_URL}/realsim-ws-main/members"


@pytest.fixture
def client():
    return make_client(api_version="v2")


def test_list_is_lazy_and_typed(rsps, client):
    paginator = client.workspaces.list(limit=1, sort_by="name")
    assert len(rsps.calls) == 0
    rsps.add(responses.GET, LIST_URL, body=body({"data": [WS], "nextCursor": None}))
    (workspace,) = list(paginator)
    assert (workspace.id, workspace.name, workspace.member_count) == (
        "realsim-ws-main",
        "Probe workspace",
        2,
    )
    assert workspace.raw == WS
    assert "limit=1" in rsps.calls[0].request.url
    assert "sortBy=name" in rsps.calls[0].request.url


def test_members_follow_the_cursor_and_carry_permissions(rsps, client):
    rsps.add(
        responses.GET,
        MEMBERS_URL,
        body=body({"data": [OTHER], "nextCursor": CURSOR}),
        headers={"x-request-id": "page0001"},
        match=[responses.matchers.query_param_matcher({"limit": "1"})],
    )
    rsps.add(
        responses.GET,
        MEMBERS_URL,
        body=body({"data": [OWNER], "nextCursor": None}),
        headers={"x-request-id": "page0002"},
        match=[responses.matchers.query_param_matcher({"limit": "1", "cursor": CURSOR})],
    )
    members = list(client.workspaces.members("realsim-ws-main", limit=1))
    assert [m.email for m in members] == ["other@realsim.local", "owner@realsim.local"]
    assert [m.permission for m in members] == [Permission.READ, Permission.ADMIN]
    assert [m.request_id for m in members] == ["page0001", "page0002"]
    reader, admin = members
    assert admin.can(Permission.WRITE)
    assert not reader.can(Permission.WRITE)
    assert json.dumps(admin.permission) == '"admin"'


def test_permission_levels_are_ordered():
    assert Permission.READ < Permission.WRITE < Permission.ADMIN
    assert Permission.ADMIN >= Permission.WRITE >= "read"
    assert Permission.WRITE.allows(Permission.READ)
    assert not Permission.READ.allows(Permission.WRITE)
    assert Permission("write") is Permission.WRITE
    assert str(Permission.ADMIN) == "admin"
    assert sorted([Permission.ADMIN, Permission.READ, Permission.WRITE]) == [
        Permission.READ,
        Permission.WRITE,
        Permission.ADMIN,
    ]


def test_another_workspace_is_a_permission_error_that_says_so(rsps, client):
    rsps.add(responses.GET, f"{LIST_URL}/realsim-ws-other", body=body(FORBIDDEN), status=403)
    with pytest.raises(PermissionDeniedError) as info:
        client.workspaces.get("realsim-ws-other")
    error = info.value
    assert (error.code, error.status, error.reason) == ("FORBIDDEN", 403, "workspace")
    assert "belongs to another workspace" in str(error)


def test_a_member_with_an_unknown_role_is_an_invalid_response():
    with pytest.raises(InvalidResponseError):
        Member.from_wire({**OWNER, "role": "owner"})


def test_bad_page_sizes_are_refused_before_sending(rsps, client):
    for limit in (0, 101, True, "10"):
        with pytest.raises(InvalidArgumentError):
            client.workspaces.members("ws", limit=limit)
    assert len(rsps.calls) == 0


def test_a_v1_only_server_gets_a_clear_error(rsps):
    client = make_client(api_version="v1")
    with pytest.raises(InvalidArgumentError, match="v2 API"):
        client.workspaces.list()

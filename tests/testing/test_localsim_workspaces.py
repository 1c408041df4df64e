"""v2 workspaces over sockets: who sees which workspace, strict queries, cursors, members."""

from __future__ import annotations

from typing import Any, List

import pytest
from localsim_helpers import Api

from simstudio.testing import LocalSimServer
from simstudio.testing._pagination import INVALID_CURSOR, SORT_CHANGED


def _ids(reply: Any) -> List[str]:
    return [item["id"] for item in reply.json["data"]]


def test_a_workspace_key_sees_its_own_workspace(sim_server: LocalSimServer) -> None:
    reply = Api(sim_server).get("/api/v2/workspaces")
    assert reply.status == 200
    (workspace,) = reply.json["data"]
    assert reply.json["nextCursor"] is None
    assert workspace["id"] == sim_server.workspace_id
    assert (workspace["name"], workspace["logoUrl"], workspace["memberCount"]) == (
        "Local workspace",
        None,
        1,
    )
    assert workspace["createdAt"] == workspace["updatedAt"]
    other = Api(sim_server).get("/api/v2/workspaces", key=sim_server.other_api_key)
    assert _ids(other) == [sim_server.other_workspace_id]
    assert other.json["data"][0]["memberCount"] == 2


def test_a_personal_key_sees_every_workspace_of_its_user(sim_server: LocalSimServer) -> None:
    api = Api(sim_server)
    both = [sim_server.workspace_id, sim_server.other_workspace_id]
    assert _ids(api.get("/api/v2/workspaces", key=sim_server.personal_key)) == both
    newest_first = api.get("/api/v2/workspaces?sortOrder=desc", key=sim_server.personal_key)
    assert _ids(newest_first) == both[::-1]
    by_name = api.get("/api/v2/workspaces?sortBy=name&sortOrder=desc", key=sim_server.personal_key)
    assert _ids(by_name) == [sim_server.other_workspace_id, sim_server.workspace_id]


def test_pages_and_cursors(sim_server: LocalSimServer) -> None:
    api = Api(sim_server)
    key = sim_server.personal_key
    first = api.get("/api/v2/workspaces?limit=1&sortBy=name", key=key)
    cursor = first.json["nextCursor"]
    assert _ids(first) == [sim_server.workspace_id]
    assert isinstance(cursor, str)
    second = api.get(f"/api/v2/workspaces?limit=5&sortBy=name&cursor={cursor}", key=key)
    assert (_ids(second), second.json["nextCursor"]) == ([sim_server.other_workspace_id], None)
    changed = api.get(f"/api/v2/workspaces?limit=1&cursor={cursor}", key=key)
    assert (changed.status, changed.json["error"]["message"]) == (400, SORT_CHANGED)
    garbage = api.get("/api/v2/workspaces?cursor=garbage", key=key)
    assert (garbage.status, garbage.json["error"]["message"]) == (400, INVALID_CURSOR)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("foo=bar", 'Unrecognized key: "foo"'),
        ("workspaceId=ws-local", 'Unrecognized key: "workspaceId"'),
        ("limit=0", "limit must be at least 1"),
        ("limit=101", "limit cannot exceed 100"),
        ("sortBy=bogus", 'Invalid option: expected one of "name"|"createdAt"|"updatedAt"'),
    ],
)
def test_the_list_query_is_strict(sim_server: LocalSimServer, query: str, message: str) -> None:
    reply = Api(sim_server).get(f"/api/v2/workspaces?{query}")
    assert (reply.status, reply.json["error"]["code"]) == (400, "BAD_REQUEST")
    assert reply.json["error"]["message"] == message
    assert reply.headers["X-RateLimit-Limit"] == "999999"


def test_get_one_workspace(sim_server: LocalSimServer) -> None:
    api = Api(sim_server)
    own = api.get(f"/api/v2/workspaces/{sim_server.workspace_id}")
    assert own.json["data"]["id"] == sim_server.workspace_id
    refused = api.get(f"/api/v2/workspaces/{sim_server.other_workspace_id}")
    assert refused.status == 403
    assert refused.body == (
        b'{"error":{"code":"FORBIDDEN","message":"Workspace API key cannot access this workspace"}}'
    )
    assert refused.headers["X-RateLimit-Remaining"] == "999997"
    personal = api.get(
        f"/api/v2/workspaces/{sim_server.other_workspace_id}", key=sim_server.personal_key
    )
    assert personal.json["data"]["memberCount"] == 2
    unknown = api.get("/api/v2/workspaces/nope", key=sim_server.personal_key)
    assert (unknown.status, unknown.json["error"]["code"]) == (403, "FORBIDDEN")
    assert api.get(f"/api/v2/workspaces/{sim_server.workspace_id}?x=1").status == 400


def test_members_are_ordered_by_email(sim_server: LocalSimServer) -> None:
    api = Api(sim_server)
    key = sim_server.personal_key
    path = f"/api/v2/workspaces/{sim_server.other_workspace_id}/members"
    members = api.get(path, key=key).json["data"]
    assert [(m["email"], m["role"]) for m in members] == [
        ("other@simstudio.local", "admin"),
        ("user@simstudio.local", "read"),
    ]
    first = api.get(path + "?limit=1", key=key).json
    assert [m["email"] for m in first["data"]] == ["other@simstudio.local"]
    second = api.get(f"{path}?limit=1&cursor={first['nextCursor']}", key=key).json
    assert ([m["email"] for m in second["data"]], second["nextCursor"]) == (
        ["user@simstudio.local"],
        None,
    )
    main = f"/api/v2/workspaces/{sim_server.workspace_id}/members?cursor={first['nextCursor']}"
    assert api.get(main, key=key).status == 400  # a cursor belongs to its workspace
    assert api.get(path).status == 403
    assert api.get(path + "?sortBy=email", key=key).status == 400


def test_workspace_routes_count_separately(sim_server: LocalSimServer) -> None:
    api = Api(sim_server)
    remaining = [
        api.get("/api/v2/workspaces").headers["X-RateLimit-Remaining"],
        api.get("/api/v2/workspaces").headers["X-RateLimit-Remaining"],
        api.get(f"/api/v2/workspaces/{sim_server.workspace_id}").headers["X-RateLimit-Remaining"],
    ]
    assert remaining == ["999998", "999997", "999998"]

"""MCP servers over sockets: recorded shapes and refusals, fake endpoints, write-only headers."""

from __future__ import annotations

from typing import Any, Dict

import pytest
from localsim_helpers import Api

from simstudio.testing import LocalSimServer

URL = "http://127.0.0.1:18100/mcp"
DEAD = "http://127.0.0.1:18999/mcp"
SECRET = "Bearer mcp-SECRET-0123456789"
TOOLS = [
    {
        "name": "echo",
        "description": "Echo the given text back",
        "inputSchema": {
            "type": "object",
            "properties": {"text": {"type": "string", "description": "Text to echo"}},
            "required": ["text"],
        },
    },
    {"name": "add", "description": "Add two numbers"},
]
# The keys of mcp_v2_create (description left out when there is none) and after discovery.
CREATED = ["id", "name", "description", "transport", "authType", "url", "timeout", "retries",
           "enabled", "connectionStatus", "lastError", "toolCount", "createdAt", "updatedAt",
           "hasHeaders", "headerNames", "hasOauthClientSecret"]  # fmt: skip


def _create(api: Api, key: Any = True, **fields: Any) -> Any:
    body: Dict[str, Any] = {"workspaceId": api.server.workspace_id, "name": "fake", "url": URL}
    body.update(fields)
    return api.call("POST", "/api/v2/mcp-servers", body, key=key)


def _message(reply: Any) -> str:
    return str(reply.json["error"]["message"])


def test_create_get_list_in_the_recorded_shapes(sim_server: LocalSimServer) -> None:
    api = Api(sim_server)
    created = _create(api, description="loopback test server", authType="none",
                      timeout=10000, retries=1)  # fmt: skip
    assert created.status == 201
    server = created.json["data"]
    assert list(server) == CREATED
    assert server["id"].startswith("mcp-")
    assert len(server["id"]) == 12
    assert (server["transport"], server["connectionStatus"], server["toolCount"]) == (
        "streamable-http", "disconnected", 0,
    )  # fmt: skip
    ws = sim_server.workspace_id
    assert api.get(f"/api/v2/mcp-servers/{server['id']}?workspaceId={ws}").json["data"] == server
    listed = api.get(f"/api/v2/mcp-servers?workspaceId={ws}").json
    assert listed == {"data": [server], "nextCursor": None}
    bare = _create(api, url=DEAD).json["data"]
    assert "description" not in bare
    assert (bare["timeout"], bare["retries"], bare["enabled"]) == (30000, 3, True)


def test_header_values_are_write_only(sim_server: LocalSimServer) -> None:
    api = Api(sim_server)
    server = _create(api, key=sim_server.personal_key, headers={"X-Test": SECRET}).json["data"]
    assert (server["authType"], server["hasHeaders"], server["headerNames"]) == (
        "headers", True, ["X-Test"],
    )  # fmt: skip
    ws = sim_server.workspace_id
    answers = [
        api.get(f"/api/v2/mcp-servers/{server['id']}?workspaceId={ws}"),
        api.get(f"/api/v2/mcp-servers?workspaceId={ws}"),
        api.call("PATCH", f"/api/v2/mcp-servers/{server['id']}",
                 {"workspaceId": ws, "headers": {"X-Test": SECRET + "2"}}),
    ]  # fmt: skip
    for reply in answers:
        assert reply.status == 200
        assert b"SECRET" not in reply.body


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"transport": "sse"}, 'Invalid input: expected "streamable-http"'),
        ({"url": "{{MCP_URL}}"},
         "url must not contain {{ENV_VAR}} references on the public API"),
        ({"url": None}, "url is required"),
        ({"url": "ftp://host/mcp"}, "url must be an absolute http or https URL"),
        ({"foo": 1}, 'Unrecognized key: "foo"'),
        ({"timeout": 999}, "Too small: expected number to be >=1000"),
        ({"retries": 11}, "Too big: expected number to be <=10"),
        ({"authType": "basic"}, 'Invalid option: expected one of "none"|"headers"|"oauth"'),
        ({"headers": {"X": 1}}, "Invalid input: expected record, received object"),
    ],
)  # fmt: skip
def test_bad_bodies(sim_server: LocalSimServer, fields: Dict[str, Any], message: str) -> None:
    reply = _create(Api(sim_server), **fields)
    assert (reply.status, _message(reply)) == (400, message)
    assert reply.json["error"]["code"] == "BAD_REQUEST"


def test_the_envvar_url_reports_both_issues(sim_server: LocalSimServer) -> None:
    details = _create(Api(sim_server), url="{{MCP_URL}}").json["error"]["details"]
    assert [issue["message"] for issue in details] == [
        "url must not contain {{ENV_VAR}} references on the public API",
        "url must be an absolute http or https URL",
    ]


def test_refusals_by_workspace_and_key(sim_server: LocalSimServer) -> None:
    api = Api(sim_server)
    other = _create(api, workspaceId=sim_server.other_workspace_id)
    assert (other.status, _message(other)) == (
        403, "Workspace API key cannot access this workspace",
    )  # fmt: skip
    no_ws = api.get("/api/v2/mcp-servers")
    assert (no_ws.status, _message(no_ws)) == (400, "Workspace ID is required")
    assert _create(api).status == 201
    again = _create(api, name="again")
    assert (again.status, again.json["error"]["code"]) == (409, "CONFLICT")
    assert _message(again).startswith("An MCP server with this URL already exists")
    # The personal key's user is only a reader of the other workspace.
    read_only = _create(api, key=sim_server.personal_key,
                        workspaceId=sim_server.other_workspace_id)  # fmt: skip
    assert (read_only.status, _message(read_only)) == (
        403, "This operation needs write permission in the workspace",
    )  # fmt: skip


def test_discovery_update_disable_and_delete(sim_server: LocalSimServer) -> None:
    api = Api(sim_server)
    sim_server.register_mcp_tools(URL, TOOLS)
    ws, personal = sim_server.workspace_id, sim_server.personal_key
    server_id = _create(api).json["data"]["id"]
    tools_url = f"/api/v2/mcp-servers/{server_id}/tools?workspaceId={ws}"
    forbidden = api.get(tools_url)
    assert (forbidden.status, forbidden.json["error"]) == (403, {
        "code": "FORBIDDEN", "message": "Workspace API key cannot perform this operation",
        "details": {"code": "WORKSPACE_KEY_OPERATION_NOT_PERMITTED"},
    })  # fmt: skip
    tools = api.get(tools_url, key=personal).json
    assert [tool["name"] for tool in tools["data"]] == ["echo", "add"]
    assert tools["data"][0]["serverId"] == server_id
    assert tools["data"][1]["inputSchema"] == {"type": "object"}
    assert tools["nextCursor"] is None
    server = api.get(f"/api/v2/mcp-servers/{server_id}?workspaceId={ws}").json["data"]
    assert (server["connectionStatus"], server["toolCount"]) == ("connected", 2)
    assert server["lastToolsRefresh"] == server["lastConnected"]
    patch = f"/api/v2/mcp-servers/{server_id}"
    updated = api.call("PATCH", patch, {"workspaceId": ws, "description": "updated"}).json["data"]
    assert (updated["description"], updated["toolCount"]) == ("updated", 2)
    api.call("PATCH", patch, {"workspaceId": ws, "enabled": False})
    disabled = api.get(tools_url, key=personal)
    assert (disabled.status, _message(disabled)) == (
        409, "The MCP server is disabled; enable it before listing its tools",
    )  # fmt: skip
    api.call("PATCH", patch, {"workspaceId": ws, "enabled": True})
    sim_server.register_mcp_tools(URL, TOOLS[:1])
    assert len(api.get(tools_url, key=personal).json["data"]) == 2  # what was found before
    assert len(api.get(tools_url + "&refresh=true", key=personal).json["data"]) == 1
    delete = f"/api/v2/mcp-servers/{server_id}?workspaceId={ws}"
    assert api.call("DELETE", delete).json == {"data": {"id": server_id, "deleted": True}}
    gone = api.call("DELETE", delete)
    assert (gone.status, _message(gone)) == (404, "MCP server not found")


def test_an_unreachable_server(sim_server: LocalSimServer) -> None:
    api = Api(sim_server)
    ws = sim_server.workspace_id
    server_id = _create(api, name="dead server", url=DEAD).json["data"]["id"]
    dead = api.get(f"/api/v2/mcp-servers/{server_id}/tools?workspaceId={ws}",
                   key=sim_server.personal_key)  # fmt: skip
    assert (dead.status, dead.headers["Retry-After"]) == (503, "5")
    assert dead.json["error"] == {"code": "SERVICE_UNAVAILABLE",
                                  "message": "The MCP server could not be reached"}  # fmt: skip
    after = api.get(f"/api/v2/mcp-servers/{server_id}?workspaceId={ws}").json["data"]
    assert after["lastError"] == 'Failed to connect to "dead server": fetch failed'
    assert after["connectionStatus"] == "disconnected"


def test_other_workspaces_servers_are_concealed(sim_server: LocalSimServer) -> None:
    api = Api(sim_server)
    server_id = _create(api).json["data"]["id"]
    other_ws, other_key = sim_server.other_workspace_id, sim_server.other_api_key
    for method in ("GET", "DELETE"):
        reply = api.call(method, f"/api/v2/mcp-servers/{server_id}?workspaceId={other_ws}",
                         key=other_key)  # fmt: skip
        assert (reply.status, _message(reply)) == (404, "MCP server not found")
    patch = api.call("PATCH", f"/api/v2/mcp-servers/{server_id}",
                     {"workspaceId": other_ws, "name": "x"}, key=other_key)  # fmt: skip
    assert patch.status == 404
    assert api.get(f"/api/v2/mcp-servers/{server_id}?workspaceId={other_ws}").status == 403

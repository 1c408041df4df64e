"""client.mcp: servers (create, list, get, update, delete), tools, and the documented refusals."""

from __future__ import annotations

import json
import logging

import pytest
import responses
from _core_helpers import BASE, body, make_client

from simstudio import (
    ConflictError,
    InvalidArgumentError,
    McpServer,
    McpTool,
    NotFoundError,
    PermissionDeniedError,
    ServiceUnavailableError,
)

WS = "realsim-ws-main"
SERVERS = f"{BASE}/api/v2/mcp-servers"
# Bodies as a self-hosted Sim server (v0.8.9, V2_API=true) answered them.
CREATED = {
    "id": "mcp-5b9c83a5",
    "name": "realsim fake mcp",
    "description": "loopback test server",
    "transport": "streamable-http",
    "authType": "none",
    "url": "http://127.0.0.1:18100/mcp",
    "timeout": 10000,
    "retries": 1,
    "enabled": True,
    "connectionStatus": "disconnected",
    "lastError": None,
    "toolCount": 0,
    "createdAt": "2026-12-06T17:54:46.159Z",
    "updatedAt": "2026-12-06T17:54:46.159Z",
    "hasHeaders": False,
    "headerNames": [],
    "hasOauthClientSecret": False,
}
DISCOVERED = {
    **CREATED,
    "description": "updated",
    "timeout": 15000,
    "connectionStatus": "connected",
    "toolCount": 2,
    "lastToolsRefresh": "2026-12-06T17:55:17.598Z",
    "lastConnected": "2026-12-06T17:55:17.598Z",
}
WITH_HEADERS = {
    **CREATED,
    "id": "mcp-cf2cf877",
    "authType": "headers",
    "hasHeaders": True,
    "headerNames": ["X-Test"],
}
TOOLS = [
    {
        "name": "echo",
        "description": "Echo the given text back",
        "inputSchema": {
            "type": "object",
            "properties": {"text": {"type": "string", "description": "Text to echo"}},
            "required": ["text"],
        },
        "serverId": "mcp-5b9c83a5",
        "serverName": "realsim fake mcp",
    },
    {
        "name": "add",
        "description": "Add two numbers",
        "inputSchema": {
            "type": "object",
            "properties": {"a": {"type": "number"}, "b": {"type": "number"}},
            "required": ["a", "b"],
        },
        "serverId": "mcp-5b9c83a5",
        "serverName": "realsim fake mcp",
    },
]
DUPLICATE = (
    "An MCP server with this URL already exists in this workspace. "
    "Update it with PATCH /api/v2/mcp-servers/{id}."
)
SECRET = "Bearer sk-mcp-SECRET-value-0123"


def v2_error(code, message, details=None):
    error = {"code": code, "message": message}
    if details is not None:
        error["details"] = details
    return body({"error": error})


@pytest.fixture
def client():
    return make_client(api_version="v2", workspace_id=WS)


def test_create_sends_the_strict_body_and_returns_the_server(rsps, client):
    rsps.add(responses.POST, SERVERS, body=body({"data": CREATED}), status=201)
    server = client.mcp.create(
        "realsim fake mcp",
        "http://127.0.0.1:18100/mcp",
        description="loopback test server",
        timeout_ms=10000,
        retries=1,
        auth_type="none",
    )
    assert isinstance(server, McpServer)
    assert (server.id, server.timeout_ms, server.retries, server.enabled) == (
        "mcp-5b9c83a5",
        10000,
        1,
        True,
    )
    assert not server.is_connected
    assert json.loads(rsps.calls[0].request.body) == {
        "workspaceId": WS,
        "name": "realsim fake mcp",
        "description": "loopback test server",
        "url": "http://127.0.0.1:18100/mcp",
        "authType": "none",
        "timeout": 10000,
        "retries": 1,
        "enabled": True,
    }


def test_header_values_are_sent_but_never_shown_or_logged(rsps, client, caplog):
    rsps.add(responses.POST, SERVERS, body=body({"data": WITH_HEADERS}), status=201)
    caplog.set_level(logging.DEBUG)
    server = client.mcp.create(
        "with headers", "http://127.0.0.1:18100/mcp2", headers={"Authorization": SECRET}
    )
    sent = json.loads(rsps.calls[0].request.body)
    assert sent["headers"] == {"Authorization": SECRET}
    assert sent["authType"] == "headers"  # implied by headers
    assert (server.has_headers, server.header_names) == (True, ["X-Test"])
    assert SECRET not in repr(server)
    assert SECRET not in str(server.raw)
    assert SECRET not in caplog.text


def test_bad_header_values_are_refused_without_quoting_them(rsps, client):
    with pytest.raises(InvalidArgumentError) as info:
        client.mcp.create("x", "http://h/mcp", headers={"Authorization": SECRET + "\r\nX: y"})
    assert SECRET not in str(info.value)
    assert "Authorization" in str(info.value)
    assert len(rsps.calls) == 0


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"timeout_ms": 999}, "timeout_ms"),
        ({"timeout_ms": 300001}, "timeout_ms"),
        ({"retries": 11}, "retries"),
        ({"auth_type": "basic"}, "auth_type"),
        ({"headers": ["Authorization"]}, "mapping"),
        ({"headers": {"Bad Name": "v"}}, "header name"),
    ],
)
def test_bad_settings_are_refused_before_sending(rsps, client, kwargs, words):
    with pytest.raises(InvalidArgumentError, match=words):
        client.mcp.create("x", "http://127.0.0.1:1/mcp", **kwargs)
    assert len(rsps.calls) == 0


def test_a_duplicate_url_says_to_update_the_existing_server(rsps, client):
    rsps.add(responses.POST, SERVERS, body=v2_error("CONFLICT", DUPLICATE), status=409)
    with pytest.raises(ConflictError) as info:
        client.mcp.create("again", "http://127.0.0.1:18100/mcp")
    message = str(info.value)
    assert message.startswith("mcp.create() failed (HTTP 409): An MCP server with this URL")
    assert "client.mcp.update(server_id" in message
    assert info.value.code == "CONFLICT"
    assert len(rsps.calls) == 1  # a refused write is not retried


def test_list_get_update_and_delete(rsps, client):
    rsps.add(responses.GET, SERVERS, body=body({"data": [DISCOVERED], "nextCursor": None}))
    rsps.add(responses.GET, f"{SERVERS}/mcp-5b9c83a5", body=body({"data": DISCOVERED}))
    rsps.add(responses.PATCH, f"{SERVERS}/mcp-5b9c83a5", body=body({"data": DISCOVERED}))
    rsps.add(
        responses.DELETE,
        f"{SERVERS}/mcp-5b9c83a5",
        body=body({"data": {"id": "mcp-5b9c83a5", "deleted": True}}),
    )
    (listed,) = client.mcp.list()
    fetched = client.mcp.get("mcp-5b9c83a5")
    assert listed == fetched
    assert (fetched.tool_count, fetched.last_connected) == (2, "2026-12-06T17:55:17.598Z")
    assert fetched.is_connected
    client.mcp.update("mcp-5b9c83a5", description="updated", timeout_ms=15000)
    assert client.mcp.delete("mcp-5b9c83a5") is None
    urls = [call.request.url for call in rsps.calls]
    assert urls[0] == f"{SERVERS}?workspaceId={WS}"
    assert urls[1] == f"{SERVERS}/mcp-5b9c83a5?workspaceId={WS}"
    assert json.loads(rsps.calls[2].request.body) == {
        "workspaceId": WS,
        "description": "updated",
        "timeout": 15000,
    }
    assert urls[3] == f"{SERVERS}/mcp-5b9c83a5?workspaceId={WS}"


def test_update_needs_something_to_change(rsps, client):
    with pytest.raises(InvalidArgumentError, match="at least one"):
        client.mcp.update("mcp-5b9c83a5")
    assert len(rsps.calls) == 0


def test_deleting_twice_is_not_found(rsps, client):
    gone = v2_error("NOT_FOUND", "MCP server not found")
    rsps.add(responses.DELETE, f"{SERVERS}/mcp-d90fb3df", body=gone, status=404)
    with pytest.raises(NotFoundError, match="MCP server not found"):
        client.mcp.delete("mcp-d90fb3df")


def test_tools_are_typed(rsps, client):
    rsps.add(
        responses.GET,
        f"{SERVERS}/mcp-5b9c83a5/tools",
        body=body({"data": TOOLS, "nextCursor": None}),
        headers={"x-request-id": "05f77aef"},
    )
    tools = client.mcp.tools("mcp-5b9c83a5", refresh=True)
    assert [tool.name for tool in tools] == ["echo", "add"]
    echo, add = tools
    assert isinstance(echo, McpTool)
    assert echo.input_schema["properties"]["text"]["type"] == "string"
    assert (echo.required, add.required) == (["text"], ["a", "b"])
    assert (echo.server_id, echo.server_name, echo.request_id) == (
        "mcp-5b9c83a5",
        "realsim fake mcp",
        "05f77aef",
    )
    assert rsps.calls[0].request.url.endswith(f"?workspaceId={WS}&refresh=true")


def test_tools_follow_a_cursor_if_the_server_ever_sends_one(rsps, client):
    url = f"{SERVERS}/mcp-5b9c83a5/tools"
    rsps.add(responses.GET, url, body=body({"data": TOOLS[:1], "nextCursor": "c2"}))
    rsps.add(responses.GET, url, body=body({"data": TOOLS[1:], "nextCursor": None}))
    assert [tool.name for tool in client.mcp.tools("mcp-5b9c83a5")] == ["echo", "add"]
    assert rsps.calls[1].request.url.endswith("cursor=c2")


def test_tools_with_a_workspace_key_say_a_personal_key_is_needed(rsps, client):
    rsps.add(
        responses.GET,
        f"{SERVERS}/mcp-5b9c83a5/tools",
        body=v2_error(
            "FORBIDDEN",
            "Workspace API key cannot perform this operation",
            {"code": "WORKSPACE_KEY_OPERATION_NOT_PERMITTED"},
        ),
        status=403,
    )
    with pytest.raises(PermissionDeniedError) as info:
        client.mcp.tools("mcp-5b9c83a5")
    error = info.value
    assert (error.code, error.reason, error.detail_code) == (
        "WORKSPACE_KEY_OPERATION_NOT_PERMITTED",
        "personal_key_required",
        "WORKSPACE_KEY_OPERATION_NOT_PERMITTED",
    )
    assert "personal API key" in str(error)


def test_a_disabled_server_says_to_enable_it(rsps, client):
    message = "The MCP server is disabled; enable it before listing its tools"
    rsps.add(
        responses.GET,
        f"{SERVERS}/mcp-5b9c83a5/tools",
        body=v2_error("CONFLICT", message),
        status=409,
    )
    with pytest.raises(ConflictError, match=r"enabled=True"):
        client.mcp.tools("mcp-5b9c83a5")


def test_an_unreachable_server_is_retryable_and_retried(rsps):
    sleeps = []
    client = make_client(sleeps, api_version="v2", workspace_id=WS, max_retries=1)
    dead = v2_error("SERVICE_UNAVAILABLE", "The MCP server could not be reached")
    url = f"{SERVERS}/mcp-d90fb3df/tools"
    rsps.add(responses.GET, url, body=dead, status=503, headers={"retry-after": "5"})
    rsps.add(responses.GET, url, body=dead, status=503, headers={"retry-after": "5"})
    with pytest.raises(ServiceUnavailableError) as info:
        client.mcp.tools("mcp-d90fb3df")
    error = info.value
    assert (error.retryable, error.retry_after, error.code) == (True, 5.0, "SERVICE_UNAVAILABLE")
    assert "last_error" in str(error)
    assert "retry after 5s" in str(error)
    assert len(rsps.calls) == 2
    assert sleeps[0] >= 5.0


def test_another_workspaces_server_is_concealed(rsps, client):
    gone = v2_error("NOT_FOUND", "MCP server not found")
    rsps.add(responses.GET, f"{SERVERS}/mcp-5b9c83a5", body=gone, status=404)
    with pytest.raises(NotFoundError):
        client.mcp.get("mcp-5b9c83a5", workspace_id="realsim-ws-other")
    assert rsps.calls[0].request.url.endswith("workspaceId=realsim-ws-other")


def test_a_v1_only_server_gets_a_clear_error(rsps):
    client = make_client(api_version="v1", workspace_id=WS)
    with pytest.raises(InvalidArgumentError, match="v2 API"):
        client.mcp.list()
    assert len(rsps.calls) == 0


def test_write_only_values_never_reach_debug_logs_of_updates_either(caplog):
    from simstudio.resources._mcp_settings import write_only_values

    fields = {
        "headers": {"Authorization": "Bearer s3cret", "X-Empty": ""},
        "oauthClientSecret": "o",
    }
    assert write_only_values(fields) == ["Bearer s3cret", "o"]
    assert write_only_values({"headers": None}) == []

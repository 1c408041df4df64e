"""client.mcp and client.workspaces against the embedded server over real sockets."""

from __future__ import annotations

import logging
from typing import Iterator, List

import pytest

from simstudio import (
    ConflictError,
    McpServer,
    NotFoundError,
    Permission,
    PermissionDeniedError,
    ServiceUnavailableError,
    SimStudioClient,
)
from simstudio.testing import LocalSimServer

URL = "http://127.0.0.1:18100/mcp"
SECRET = "Bearer mcp-SECRET-0123456789"
TOOLS = [
    {
        "name": "echo",
        "description": "Echo the given text back",
        "inputSchema": {"type": "object", "properties": {"text": {"type": "string"}},
                        "required": ["text"]},
    },
    {"name": "add", "description": "Add two numbers",
     "inputSchema": {"type": "object", "required": ["a", "b"]}},
]  # fmt: skip


@pytest.fixture
def sleeps() -> List[float]:
    return []


@pytest.fixture
def keys(sim_server: LocalSimServer, sleeps: List[float]) -> Iterator[dict]:
    """Clients for the workspace key, the personal key and the other workspace's key."""
    url = sim_server.base_url
    clients = {
        "workspace": SimStudioClient(sim_server.api_key, url, sleep=sleeps.append),
        "personal": SimStudioClient(
            sim_server.personal_key, url, workspace_id=sim_server.workspace_id,
            sleep=sleeps.append, max_retries=1,
        ),
        "other": SimStudioClient(sim_server.other_api_key, url),
    }  # fmt: skip
    yield clients
    for client in clients.values():
        client.close()


def test_a_server_from_creation_to_deletion(
    keys: dict, sim_server: LocalSimServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    sim_server.register_mcp_tools(URL, TOOLS)
    workspace, personal = keys["workspace"], keys["personal"]
    server = workspace.mcp.create("fake", URL, headers={"Authorization": SECRET}, retries=1)
    assert isinstance(server, McpServer)
    assert (server.header_names, server.retries, server.is_connected) == (
        ["Authorization"], 1, False,
    )  # fmt: skip
    assert sim_server.requests[-1].json["headers"] == {"Authorization": SECRET}  # it was sent
    tools = personal.mcp.tools(server.id)
    assert [(tool.name, tool.required) for tool in tools] == [
        ("echo", ["text"]),
        ("add", ["a", "b"]),
    ]
    found = workspace.mcp.get(server.id)
    assert (found.is_connected, found.tool_count) == (True, 2)
    assert [s.id for s in personal.mcp.list()] == [server.id]
    updated = workspace.mcp.update(server.id, description="updated", timeout_ms=15000)
    assert (updated.description, updated.timeout_ms) == ("updated", 15000)
    workspace.mcp.delete(server.id)
    with pytest.raises(NotFoundError, match="MCP server not found"):
        workspace.mcp.delete(server.id)
    everything = caplog.text + repr(server) + repr(found) + repr(updated) + repr(tools)
    assert SECRET not in everything


def test_every_documented_refusal_is_typed_with_advice(
    keys: dict, sim_server: LocalSimServer, sleeps: List[float]
) -> None:
    workspace, personal = keys["workspace"], keys["personal"]
    sim_server.register_mcp_tools(URL, TOOLS)
    server = workspace.mcp.create("fake", URL)
    with pytest.raises(ConflictError, match=r"client\.mcp\.update\(server_id"):
        workspace.mcp.create("again", URL)
    with pytest.raises(PermissionDeniedError) as forbidden:
        workspace.mcp.tools(server.id)
    assert (forbidden.value.reason, forbidden.value.code) == (
        "personal_key_required", "WORKSPACE_KEY_OPERATION_NOT_PERMITTED",
    )  # fmt: skip
    workspace.mcp.update(server.id, enabled=False)
    with pytest.raises(ConflictError, match=r"enabled=True"):
        personal.mcp.tools(server.id)
    dead = workspace.mcp.create("dead", "http://127.0.0.1:18999/mcp")
    with pytest.raises(ServiceUnavailableError) as unreachable:
        personal.mcp.tools(dead.id)
    assert (unreachable.value.retryable, unreachable.value.retry_after) == (True, 5.0)
    assert len(sleeps) == 1  # retried once (max_retries=1), waiting at least Retry-After
    assert sleeps[0] >= 5.0
    assert workspace.mcp.get(dead.id).last_error == 'Failed to connect to "dead": fetch failed'


def test_other_workspaces_and_permission_levels(keys: dict, sim_server: LocalSimServer) -> None:
    server = keys["workspace"].mcp.create("fake", URL)
    other = keys["other"]
    with pytest.raises(NotFoundError):
        other.mcp.get(server.id)  # its own workspace: concealed as if it did not exist
    with pytest.raises(PermissionDeniedError) as info:
        other.mcp.get(server.id, workspace_id=sim_server.workspace_id)
    assert info.value.reason == "workspace"
    reader = keys["personal"]
    with pytest.raises(PermissionDeniedError) as denied:
        reader.mcp.create("x", URL, workspace_id=sim_server.other_workspace_id)
    assert denied.value.reason == "permission"
    assert "Read, Write or Admin" in str(denied.value)
    assert sim_server.personal_key not in str(denied.value)


def test_members_carry_permissions_both_key_kinds(keys: dict, sim_server: LocalSimServer) -> None:
    sim_server.add_member(sim_server.workspace_id, "reader@example.com", "read")
    sim_server.add_member(sim_server.workspace_id, "writer@example.com", Permission.WRITE)
    for kind in ("workspace", "personal"):
        members = list(keys[kind].workspaces.members(sim_server.workspace_id, limit=1))
        assert [(m.email, m.permission) for m in members] == [
            ("reader@example.com", Permission.READ),
            ("user@simstudio.local", Permission.ADMIN),
            ("writer@example.com", Permission.WRITE),
        ]
        assert [m.can(Permission.WRITE) for m in members] == [False, True, True]
    assert [w.id for w in keys["workspace"].workspaces.list()] == [sim_server.workspace_id]
    both = [w.id for w in keys["personal"].workspaces.list()]
    assert both == [sim_server.workspace_id, sim_server.other_workspace_id]
    assert keys["personal"].workspaces.get(sim_server.workspace_id).member_count == 3
    with pytest.raises(PermissionDeniedError) as info:
        list(keys["other"].workspaces.members(sim_server.workspace_id))
    assert info.value.reason == "workspace"

"""``simstudio mcp list`` and ``simstudio mcp tools ID``."""

from __future__ import annotations

import json
import time

import pytest

from simstudio import SimStudioClient
from simstudio.cli import main

URL = "http://127.0.0.1:18100/mcp"
TOOLS = [
    {"name": "echo", "description": "Echo the given text back",
     "inputSchema": {"type": "object", "required": ["text"]}},
    {"name": "ping", "description": "Answer pong"},
]  # fmt: skip


@pytest.fixture
def server_id(monkeypatch, sim_server):
    monkeypatch.setenv("SIM_API_KEY", sim_server.personal_key)
    monkeypatch.setenv("SIM_BASE_URL", sim_server.base_url)
    monkeypatch.setenv("SIM_WORKSPACE_ID", sim_server.workspace_id)
    sim_server.register_mcp_tools(URL, TOOLS)
    with SimStudioClient(sim_server.api_key, sim_server.base_url) as client:
        client.mcp.create("fake", URL, headers={"Authorization": "Bearer SECRET-1"})
        client.mcp.create("dead", "http://127.0.0.1:18999/mcp")
        return next(iter(client.mcp.list())).id


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_and_tools(server_id, capsys):
    code, out, _ = run(capsys, "mcp", "list")
    assert code == 0
    assert [line.split()[1] for line in out.splitlines()[1:]] == ["fake", "dead"]
    code, out, _ = run(capsys, "mcp", "tools", server_id)
    assert code == 0
    assert [line.split()[:2] for line in out.splitlines()] == [
        ["TOOL", "REQUIRED"], ["echo", "text"], ["ping", "-"],
    ]  # fmt: skip
    listed = json.loads(run(capsys, "mcp", "list", "--json")[1])
    assert listed[0]["header_names"] == ["Authorization"]
    assert listed[0]["tool_count"] == 2
    assert "SECRET" not in json.dumps(listed)


def test_an_unreachable_server_is_exit_3_with_advice(server_id, sim_server, capsys):
    dead = [s for s in json.loads(run(capsys, "mcp", "list", "--json")[1]) if s["name"] == "dead"]
    started = time.monotonic()
    code, _, err = run(capsys, "mcp", "tools", dead[0]["id"])
    assert time.monotonic() - started < 5  # asked once, not after Retry-After waits
    assert code == 3
    assert "could not be reached (retry after 5s)" in err
    assert "code SERVICE_UNAVAILABLE, HTTP 503" in err
    code, out, _ = run(capsys, "mcp", "list")
    assert 'last error: Failed to connect to "dead": fetch failed' in out


def test_a_workspace_key_is_told_to_use_a_personal_key(server_id, sim_server, capsys, monkeypatch):
    monkeypatch.setenv("SIM_API_KEY", sim_server.api_key)
    code, _, err = run(capsys, "mcp", "tools", server_id)
    assert code == 3
    assert "personal API key" in err
    assert "WORKSPACE_KEY_OPERATION_NOT_PERMITTED" in err

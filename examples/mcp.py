"""MCP servers: register an external tool server in a workspace, list the tools its agents can
use, and handle the documented refusals.

Listing tools needs a personal API key (``SIM_PERSONAL_API_KEY``; the embedded server has one);
a workspace key gets a PermissionDeniedError that says so. Header values (an Authorization
token) are write-only: they are sent, never shown.

Run: python examples/mcp.py  (MCP_URL: your MCP server's streamable-HTTP endpoint; on the
embedded server a fake endpoint with two tools is registered at it).
"""

import os

import _local

from simstudio import (
    ConflictError,
    PermissionDeniedError,
    ServiceUnavailableError,
    SimStudioClient,
)

server = _local.use_local_server_unless_configured()
MCP_URL = os.getenv("MCP_URL", "http://127.0.0.1:18100/mcp")
if server is not None:
    server.register_mcp_tools(MCP_URL, [
        {"name": "echo", "description": "Echo the given text back",
         "inputSchema": {"type": "object", "properties": {"text": {"type": "string"}},
                         "required": ["text"]}},
        {"name": "add", "description": "Add two numbers",
         "inputSchema": {"type": "object", "required": ["a", "b"]}},
    ])  # fmt: skip
    os.environ.setdefault("SIM_PERSONAL_API_KEY", server.personal_key)
    os.environ.setdefault("SIM_WORKSPACE_ID", server.workspace_id)

with SimStudioClient() as client:
    created = client.mcp.create(
        "example tools", MCP_URL, headers={"Authorization": "Bearer example-token"}, retries=1
    )
    print(f"registered {created.id}: {created.url} (headers: {created.header_names})")
    try:
        client.mcp.create("the same again", MCP_URL)
    except ConflictError as error:
        print(f"duplicate URL refused: {error}")
    try:
        client.mcp.tools(created.id)
    except PermissionDeniedError as error:
        print(f"tools with a workspace key: reason={error.reason}")

    personal_key = os.getenv("SIM_PERSONAL_API_KEY")
    if personal_key:
        # Asked once (no retries): an unreachable MCP server is reported at once.
        with SimStudioClient(personal_key, max_retries=0) as personal:
            for tool in personal.mcp.tools(created.id, refresh=True):
                print(f"  tool {tool.name}({', '.join(tool.required)}): {tool.description}")
            print(f"status now: {personal.mcp.get(created.id).connection_status}")
            client.mcp.update(created.id, enabled=False)
            try:
                personal.mcp.tools(created.id)
            except ConflictError as error:
                print(f"disabled: {error}")
            if server is not None:
                dead = client.mcp.create("dead", "http://127.0.0.1:18999/mcp")
                try:
                    personal.mcp.tools(dead.id)
                except ServiceUnavailableError as error:
                    print(f"unreachable: retry after {error.retry_after:.0f}s")
                print(f"its last error: {client.mcp.get(dead.id).last_error}")
                client.mcp.delete(dead.id)

    for listed in client.mcp.list():
        print(f"{listed.id}  {listed.name}  enabled={listed.enabled}  tools={listed.tool_count}")
    client.mcp.delete(created.id)
    print(f"deleted {created.id}; {len(list(client.mcp.list()))} servers left")

"""``simstudio mcp list`` and ``simstudio mcp tools ID``: MCP servers and the tools they offer."""

from __future__ import annotations

import argparse

from .._output import EXIT_OK, as_dict, emit_json, out
from .._parser import Commands
from .._remote import open_client
from ._listing import table

__all__ = ["cmd_mcp_list", "cmd_mcp_tools", "register"]


def register(commands: Commands) -> None:
    """Add ``mcp list`` and ``mcp tools``."""
    mcp = commands.group("mcp", summary="MCP servers of a workspace and their tools")
    listing = mcp.add("list", cmd_mcp_list, summary="list the workspace's MCP servers")
    tools = mcp.add("tools", cmd_mcp_tools, summary="list an MCP server's tools (personal key)")
    tools.add_argument("server_id", metavar="ID")
    tools.add_argument(
        "--refresh", action="store_true", help="ask the MCP server again, not Sim's last answer"
    )
    for parser in (listing, tools):
        parser.add_argument(
            "--workspace", metavar="WS", help="the workspace (default: the key's own)"
        )


def cmd_mcp_list(args: argparse.Namespace) -> int:
    """``simstudio mcp list``: one line per server (header values are never shown)."""
    with open_client(args) as client:
        servers = list(client.mcp.list(args.workspace))
    if args.as_json:
        emit_json([as_dict(server) for server in servers])
        return EXIT_OK
    rows = [
        (s.id, s.name, "yes" if s.enabled else "no", s.connection_status, s.tool_count, s.url)
        for s in servers
    ]
    table(("ID", "NAME", "ENABLED", "STATUS", "TOOLS", "URL"), rows, "no MCP servers")
    for server in servers:
        if server.last_error:
            out(f"{server.id}: last error: {server.last_error}")
    return EXIT_OK


def cmd_mcp_tools(args: argparse.Namespace) -> int:
    """``simstudio mcp tools ID``: one line per tool with its required arguments."""
    with open_client(args) as client:
        # Asked once: an unreachable MCP server is reported at once (exit 3, Retry-After in
        # the message) instead of waiting out the server's Retry-After between retries.
        once = client.with_options(max_retries=0)
        tools = once.mcp.tools(args.server_id, args.refresh, workspace_id=args.workspace)
    if args.as_json:
        emit_json([as_dict(tool) for tool in tools])
        return EXIT_OK
    rows = [(t.name, ", ".join(t.required) or "-", t.description) for t in tools]
    table(("TOOL", "REQUIRED", "DESCRIPTION"), rows, "no tools")
    return EXIT_OK

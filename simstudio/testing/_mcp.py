"""MCP servers of a local server: the registered servers, and the fake MCP endpoints whose tools
discovery finds (no network: an endpoint is known by its URL, or it is unreachable)."""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Sequence

from ._util import iso

#: What a server that was never reached (or is not registered) says after a discovery.
UNREACHABLE = 'Failed to connect to "{name}": fetch failed'


@dataclass
class McpServerRecord:
    """A registered MCP server (internal). ``headers`` values never leave the server."""

    id: str
    workspace_id: str
    name: str
    url: str
    description: Optional[str] = None
    auth_type: str = "none"
    headers: Dict[str, str] = field(default_factory=dict, repr=False)
    timeout: int = 30000
    retries: int = 3
    enabled: bool = True
    oauth_client_id: Optional[str] = None
    oauth_client_secret: Optional[str] = field(default=None, repr=False)
    connection_status: str = "disconnected"
    last_error: Optional[str] = None
    tools: Optional[List[Dict[str, Any]]] = None
    last_tools_refresh: Optional[float] = None
    last_connected: Optional[float] = None
    created_at: float = field(default_factory=time.time)
    updated_at: float = 0.0

    def __post_init__(self) -> None:
        self.updated_at = self.updated_at or self.created_at

    def view(self) -> Dict[str, Any]:
        """The server as the API shows it: header names only, never their values."""
        body: Dict[str, Any] = {"id": self.id, "name": self.name}
        if self.description is not None:
            body["description"] = self.description
        body.update({
            "transport": "streamable-http", "authType": self.auth_type, "url": self.url,
            "timeout": self.timeout, "retries": self.retries, "enabled": self.enabled,
            "connectionStatus": self.connection_status, "lastError": self.last_error,
            "toolCount": len(self.tools or []),
        })  # fmt: skip
        if self.last_tools_refresh is not None:
            body["lastToolsRefresh"] = iso(self.last_tools_refresh)
        if self.last_connected is not None:
            body["lastConnected"] = iso(self.last_connected)
        body.update({
            "createdAt": iso(self.created_at), "updatedAt": iso(self.updated_at),
            "hasHeaders": bool(self.headers), "headerNames": list(self.headers),
            "hasOauthClientSecret": self.oauth_client_secret is not None,
        })  # fmt: skip
        return body

    def tool_views(self) -> List[Dict[str, Any]]:
        """The discovered tools, each naming this server."""
        return [{**tool, "serverId": self.id, "serverName": self.name} for tool in self.tools or []]


def tool_definition(tool: Mapping[str, Any]) -> Dict[str, Any]:
    """A tool as an MCP server lists it: ``name``, ``description``, ``inputSchema``.

    Raises:
        ValueError: The tool has no name.
    """
    name = tool.get("name")
    if not isinstance(name, str) or not name:
        raise ValueError("every MCP tool needs a 'name'")
    schema = tool.get("inputSchema", tool.get("input_schema"))
    return {
        "name": name,
        "description": str(tool.get("description") or ""),
        "inputSchema": dict(schema) if isinstance(schema, Mapping) else {"type": "object"},
    }


class McpStore:
    """The MCP servers of every workspace and the fake endpoints; thread-safe."""

    def __init__(self) -> None:
        """Create an empty store."""
        self.lock = threading.RLock()
        self._servers: Dict[str, McpServerRecord] = {}
        self._endpoints: Dict[str, List[Dict[str, Any]]] = {}

    def register_endpoint(self, url: str, tools: Optional[Sequence[Mapping[str, Any]]]) -> None:
        """Make ``url`` answer discovery with ``tools`` (``None``: unreachable again)."""
        with self.lock:
            if tools is None:
                self._endpoints.pop(url, None)
            else:
                self._endpoints[url] = [tool_definition(tool) for tool in tools]

    def add(self, record: McpServerRecord) -> McpServerRecord:
        """Store a new server under a fresh ``mcp-xxxxxxxx`` id."""
        with self.lock:
            while record.id in self._servers or not record.id:
                record.id = "mcp-" + secrets.token_hex(4)
            self._servers[record.id] = record
            return record

    def remove(self, server_id: str) -> None:
        """Forget a server."""
        with self.lock:
            self._servers.pop(server_id, None)

    def get(self, server_id: str) -> Optional[McpServerRecord]:
        """The server with this id, in any workspace."""
        with self.lock:
            return self._servers.get(server_id)

    def in_workspace(self, workspace_id: str) -> List[McpServerRecord]:
        """The workspace's servers, oldest first."""
        with self.lock:
            found = [s for s in self._servers.values() if s.workspace_id == workspace_id]
        return sorted(found, key=lambda s: (s.created_at, s.id))

    def with_url(self, workspace_id: str, url: str) -> Optional[McpServerRecord]:
        """The workspace's server with this URL, if any."""
        return next((s for s in self.in_workspace(workspace_id) if s.url == url), None)

    def discover(self, record: McpServerRecord) -> bool:
        """Ask the server's endpoint for its tools; record the outcome; ``False`` if unreachable."""
        now = time.time()
        with self.lock:
            tools = self._endpoints.get(record.url)
            if tools is None:
                record.connection_status = "disconnected"
                record.last_error = UNREACHABLE.format(name=record.name)
                return False
            record.tools = [dict(tool) for tool in tools]
            record.connection_status, record.last_error = "connected", None
            record.last_tools_refresh = record.last_connected = now
            return True

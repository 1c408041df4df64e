"""MCP servers configured in a workspace and the tools they offer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from .._errors import InvalidResponseError
from ._base import APIObject
from ._wire import bool_or_none, dict_or_none, int_or_none, list_or_none, object_body, str_or_none

__all__ = ["McpServer", "McpTool"]


@dataclass
class McpServer(APIObject):
    """An external MCP tool server registered in a workspace.

    Header values given at creation are write-only: the server never returns them, so only
    their names (``header_names``) appear here.

    Attributes:
        id: The server's id (``mcp-xxxxxxxx``).
        name: Its name.
        url: Its streamable-HTTP endpoint.
        description: Its description.
        transport: ``streamable-http``.
        auth_type: ``none``, ``headers`` or ``oauth``.
        timeout_ms: How long Sim waits for it, in milliseconds.
        retries: How often Sim retries a failed call.
        enabled: Whether agents may use it (tools cannot be listed while disabled).
        connection_status: ``disconnected`` until tools were discovered, then ``connected``.
        last_error: Why the last discovery failed, if it did.
        tool_count: How many tools the last discovery found.
        last_tools_refresh: When tools were last discovered.
        last_connected: When Sim last reached it.
        created_at: ISO-8601 creation time.
        updated_at: ISO-8601 last change.
        has_headers: Whether headers are configured.
        header_names: The configured headers' names (never their values).
        has_oauth_client_secret: Whether an OAuth client secret is configured.
    """

    id: str
    name: str
    url: Optional[str] = None
    description: Optional[str] = None
    transport: Optional[str] = None
    auth_type: Optional[str] = None
    timeout_ms: Optional[int] = None
    retries: Optional[int] = None
    enabled: Optional[bool] = None
    connection_status: Optional[str] = None
    last_error: Optional[str] = None
    tool_count: Optional[int] = None
    last_tools_refresh: Optional[str] = None
    last_connected: Optional[str] = None
    created_at: Optional[str] = None
    updated_at: Optional[str] = None
    has_headers: bool = False
    header_names: List[str] = field(default_factory=list)
    has_oauth_client_secret: bool = False
    raw: Any = field(default=None, repr=False, compare=False)

    @property
    def is_connected(self) -> bool:
        """Whether the last tool discovery reached the server."""
        return self.connection_status == "connected"

    @classmethod
    def from_wire(cls, body: Any) -> McpServer:
        """Build from one server object of ``/api/v2/mcp-servers``."""
        body = object_body(body, "MCP server")
        server_id = str_or_none(body.get("id"))
        if server_id is None:
            raise InvalidResponseError("MCP server: the answer has no id", body=body)
        names = list_or_none(body.get("headerNames")) or []
        return cls(
            id=server_id,
            name=str_or_none(body.get("name")) or "",
            url=str_or_none(body.get("url")),
            description=str_or_none(body.get("description")),
            transport=str_or_none(body.get("transport")),
            auth_type=str_or_none(body.get("authType")),
            timeout_ms=int_or_none(body.get("timeout")),
            retries=int_or_none(body.get("retries")),
            enabled=bool_or_none(body.get("enabled")),
            connection_status=str_or_none(body.get("connectionStatus")),
            last_error=str_or_none(body.get("lastError")),
            tool_count=int_or_none(body.get("toolCount")),
            last_tools_refresh=str_or_none(body.get("lastToolsRefresh")),
            last_connected=str_or_none(body.get("lastConnected")),
            created_at=str_or_none(body.get("createdAt")),
            updated_at=str_or_none(body.get("updatedAt")),
            has_headers=body.get("hasHeaders") is True,
            header_names=[name for name in names if isinstance(name, str)],
            has_oauth_client_secret=body.get("hasOauthClientSecret") is True,
            raw=body,
        )


@dataclass
class McpTool(APIObject):
    """A tool an MCP server offers to Sim's agents.

    Attributes:
        name: The tool's name.
        description: What it does.
        input_schema: The JSON Schema of its arguments.
        server_id: The MCP server offering it.
        server_name: That server's name.
    """

    name: str
    description: Optional[str] = None
    input_schema: Dict[str, Any] = field(default_factory=dict)
    server_id: Optional[str] = None
    server_name: Optional[str] = None
    raw: Any = field(default=None, repr=False, compare=False)

    @property
    def required(self) -> List[str]:
        """The names of the arguments the schema requires."""
        names = list_or_none(self.input_schema.get("required")) or []
        return [name for name in names if isinstance(name, str)]

    @classmethod
    def from_wire(cls, body: Any) -> McpTool:
        """Build from one item of ``/api/v2/mcp-servers/{id}/tools``."""
        body = object_body(body, "MCP tool")
        name = str_or_none(body.get("name"))
        if name is None:
            raise InvalidResponseError("MCP tool: the answer has no name", body=body)
        return cls(
            name=name,
            description=str_or_none(body.get("description")),
            input_schema=dict_or_none(body.get("inputSchema")) or {},
            server_id=str_or_none(body.get("serverId")),
            server_name=str_or_none(body.get("serverName")),
            raw=body,
        )

"""``client.mcp``: the MCP tool servers of a workspace and the tools they offer (v2)."""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional

from .._config import Timeout
from .._errors import InvalidArgumentError, InvalidResponseError
from .._inputs import resource_path
from .._pagination import Paginator
from .._responses import Answer
from .._versions import require_v2
from ..types._base import with_response
from ..types._wire import object_body, v2_data
from ..types.mcp import McpServer, McpTool
from ._base import Resource
from ._lists import v2_list
from ._mcp_settings import (
    DISABLED,
    DUPLICATE,
    UNREACHABLE,
    AuthType,
    advice,
    request_body,
    text,
    write_only_values,
)
from ._mcp_settings import settings as server_settings

__all__ = ["Mcp"]


class Mcp(Resource):
    """MCP servers: external tool servers configured per workspace, whose tools agents use.

    Needs Sim's v2 API. Every method takes ``workspace_id`` (default: the client's, or the
    key's own workspace). Header values are write-only: they are sent, never returned, logged
    or shown.
    """

    def _workspace(self, workspace_id: Optional[str], what: str) -> str:
        require_v2(self._requester, what)
        return super()._workspace(workspace_id, what)

    def list(
        self,
        workspace_id: Optional[str] = None,
        *,
        timeout: Optional[Timeout] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> Paginator[McpServer]:
        """The workspace's MCP servers, fetched lazily."""
        workspace = self._workspace(workspace_id, "client.mcp.list()")
        return v2_list(
            self._requester,
            "/api/v2/mcp-servers",
            McpServer.from_wire,
            what="mcp.list()",
            query={"workspaceId": workspace},
            timeout=timeout,
            extra_headers=extra_headers,
        )

    def create(
        self,
        name: str,
        url: str,
        *,
        workspace_id: Optional[str] = None,
        description: Optional[str] = None,
        headers: Optional[Mapping[str, str]] = None,
        timeout_ms: Optional[int] = None,
        retries: Optional[int] = None,
        enabled: bool = True,
        auth_type: Optional[AuthType] = None,
        oauth_client_id: Optional[str] = None,
        oauth_client_secret: Optional[str] = None,
        timeout: Optional[Timeout] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> McpServer:
        """Register an MCP server (streamable HTTP) in the workspace.

        Args:
            name: Its name (up to 255 characters).
            url: Its absolute ``http(s)`` endpoint (no ``{{ENV}}`` references).
            workspace_id: The workspace (default: the client's, or the key's own).
            description: What it is for.
            headers: Headers Sim sends to it (e.g. an ``Authorization``); write-only.
            timeout_ms: How long Sim waits for it, 1000-300000 ms (server default 30000).
            retries: How often Sim retries a failed call, 0-10 (server default 3).
            enabled: Whether agents may use it.
            auth_type: ``"none"``, ``"headers"`` or ``"oauth"`` (default: ``"headers"``
                when ``headers`` are given, else the server's).
            oauth_client_id: OAuth client id, for ``auth_type="oauth"``.
            oauth_client_secret: OAuth client secret (write-only).
            timeout: Seconds to wait for the answer.
            extra_headers: HTTP headers for this call only.

        Raises:
            ConflictError: The workspace has a server with this URL already (update it).
            PermissionDeniedError: The key cannot reach the workspace, or its user may not
                change it.
        """
        fields = server_settings(
            name=text(name, "name", True),
            url=text(url, "url", True),
            description=description,
            headers=headers,
            timeout_ms=timeout_ms,
            retries=retries,
            enabled=enabled,
            auth_type=auth_type,
            oauth_client_id=oauth_client_id,
            oauth_client_secret=oauth_client_secret,
        )
        workspace = self._workspace(workspace_id, "client.mcp.create()")
        with advice(DUPLICATE):
            answer = self._requester.request(
                "POST",
                "/api/v2/mcp-servers",
                what="mcp.create()",
                json=request_body(workspace, fields),
                timeout=timeout,
                extra_headers=extra_headers,
                retry="safe",
                secrets=write_only_values(fields),
            )
        return self._build(lambda body: McpServer.from_wire(v2_data(body, "mcp.create()")), answer)

    def get(
        self,
        server_id: str,
        *,
        workspace_id: Optional[str] = None,
        timeout: Optional[Timeout] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> McpServer:
        """One MCP server (404 for another workspace's, as for an unknown id)."""
        workspace = self._workspace(workspace_id, "client.mcp.get()")
        what = f"mcp.get({server_id!r})"
        answer = self._requester.request(
            "GET",
            resource_path("/api/v2/mcp-servers/{server_id}", server_id=server_id),
            what=what,
            query={"workspaceId": workspace},
            timeout=timeout,
            extra_headers=extra_headers,
        )
        return self._build(lambda body: McpServer.from_wire(v2_data(body, what)), answer)

    def update(
        self,
        server_id: str,
        *,
        workspace_id: Optional[str] = None,
        name: Optional[str] = None,
        url: Optional[str] = None,
        description: Optional[str] = None,
        headers: Optional[Mapping[str, str]] = None,
        timeout_ms: Optional[int] = None,
        retries: Optional[int] = None,
        enabled: Optional[bool] = None,
        auth_type: Optional[AuthType] = None,
        oauth_client_id: Optional[str] = None,
        oauth_client_secret: Optional[str] = None,
        timeout: Optional[Timeout] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> McpServer:
        """Change some of a server's settings (those given; see :meth:`create`).

        Raises:
            InvalidArgumentError: Nothing to change.
            ConflictError: Another server of the workspace has this URL.
        """
        fields = server_settings(
            name=name,
            url=url,
            description=description,
            headers=headers,
            timeout_ms=timeout_ms,
            retries=retries,
            enabled=enabled,
            auth_type=auth_type,
            oauth_client_id=oauth_client_id,
            oauth_client_secret=oauth_client_secret,
        )
        if all(value is None for value in fields.values()):
            raise InvalidArgumentError("mcp.update() needs at least one setting to change")
        workspace = self._workspace(workspace_id, "client.mcp.update()")
        what = f"mcp.update({server_id!r})"
        with advice(DUPLICATE):
            answer = self._requester.request(
                "PATCH",
                resource_path("/api/v2/mcp-servers/{server_id}", server_id=server_id),
                what=what,
                json=request_body(workspace, fields),
                timeout=timeout,
                extra_headers=extra_headers,
                retry="safe",
                secrets=write_only_values(fields),
            )
        return self._build(lambda body: McpServer.from_wire(v2_data(body, what)), answer)

    def delete(
        self,
        server_id: str,
        *,
        workspace_id: Optional[str] = None,
        timeout: Optional[Timeout] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> None:
        """Remove a server from the workspace.

        Raises:
            NotFoundError: It does not exist (or no longer does).
        """
        workspace = self._workspace(workspace_id, "client.mcp.delete()")
        what = f"mcp.delete({server_id!r})"
        answer = self._requester.request(
            "DELETE",
            resource_path("/api/v2/mcp-servers/{server_id}", server_id=server_id),
            what=what,
            query={"workspaceId": workspace},
            timeout=timeout,
            extra_headers=extra_headers,
            retry="safe",
        )
        v2_data(answer.json(), what)  # {"id", "deleted": true}; anything else is a broken answer

    def tools(
        self,
        server_id: str,
        refresh: bool = False,
        *,
        workspace_id: Optional[str] = None,
        timeout: Optional[Timeout] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> List[McpTool]:
        """The tools the server offers; Sim discovers them on first use or with ``refresh``.

        Needs a personal API key (workspace keys get :class:`~simstudio.PermissionDeniedError`
        with ``reason == "personal_key_required"``).

        Args:
            server_id: The MCP server.
            refresh: Ask the MCP server again instead of using what Sim found last time.

        Raises:
            ConflictError: The server is disabled (enable it first).
            ServiceUnavailableError: Sim could not reach the MCP server (``retry_after`` set;
                retried per the client's policy like any read).
        """
        workspace = self._workspace(workspace_id, "client.mcp.tools()")
        path = resource_path("/api/v2/mcp-servers/{server_id}/tools", server_id=server_id)
        what = f"mcp.tools({server_id!r})"
        query: Dict[str, Any] = {"workspaceId": workspace, "refresh": True if refresh else None}
        tools: List[McpTool] = []
        with advice(DISABLED, UNREACHABLE):
            while True:  # one page in practice (nextCursor is null), but never drop a page
                answer = self._requester.request(
                    "GET",
                    path,
                    what=what,
                    query=query,
                    timeout=timeout,
                    extra_headers=extra_headers,
                )
                following = _tool_page(answer, what, tools)
                if following is None:
                    return tools
                query = {"workspaceId": workspace, "cursor": following}


def _tool_page(answer: Answer, what: str, tools: List[McpTool]) -> Optional[str]:
    """Add a page's tools to ``tools``; return the next page's cursor, if any."""
    body = object_body(answer.json(), what)
    items = body.get("data")
    if not isinstance(items, list):
        raise InvalidResponseError(f"{what}: the answer has no list of tools", body=body)
    tools.extend(with_response(McpTool.from_wire(item), answer.headers) for item in items)
    following = body.get("nextCursor")
    return following if isinstance(following, str) and following else None

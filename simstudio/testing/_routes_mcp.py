"""MCP servers (public-api.md §7): list, create, get, update, delete, and tool discovery."""

from __future__ import annotations

import time
from typing import Any, Dict, Optional

from ._auth import require_level
from ._envelopes import ApiError, v2_data, v2_list
from ._mcp import McpServerRecord, McpStore
from ._public import Call
from ._responses import Response
from ._validation import Checks, Issue, invalid_type

NOT_FOUND = "MCP server not found"
DUPLICATE_URL = (
    "An MCP server with this URL already exists in this workspace. "
    "Update it with PATCH /api/v2/mcp-servers/{id}."
)
DISABLED = "The MCP server is disabled; enable it before listing its tools"
UNREACHABLE = "The MCP server could not be reached"
#: Seconds a client should wait before asking an unreachable server's tools again.
RETRY_AFTER = "5"
_WORKSPACE = {"invalid_type": "Workspace ID is required"}


def _custom(name: str, message: str) -> Issue:
    return {"code": "custom", "path": [name], "message": message}


def _url(checks: Checks, required: bool) -> Optional[str]:
    url = checks.string("url", required=required, max_length=2048,
                        messages={"invalid_type": "url is required"})  # fmt: skip
    if url is None:
        return None
    if "{{" in url:
        checks.add(_custom("url", "url must not contain {{ENV_VAR}} references on the public API"))
    scheme, _, rest = url.partition("://")
    if scheme.lower() not in ("http", "https") or not rest.strip("/"):
        checks.add(_custom("url", "url must be an absolute http or https URL"))
    return url


def _headers(checks: Checks, body: Dict[str, Any]) -> Optional[Dict[str, str]]:
    checks.allow("headers")  # its keys are header names, not fields of the schema
    value = body.get("headers")
    if value is None:
        return None
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        checks.add(invalid_type(["headers"], "record", value))
        return None
    return dict(value)


def _settings(checks: Checks, body: Dict[str, Any], creating: bool) -> Dict[str, Any]:
    """The server settings of a create (``creating``) or update body; absent ones left out."""
    transport = body.get("transport")
    checks.allow("transport")
    if transport is not None and transport != "streamable-http":
        checks.add({"code": "invalid_value", "values": ["streamable-http"], "path": ["transport"],
                    "message": 'Invalid input: expected "streamable-http"'})  # fmt: skip
    name_message = {"invalid_type": "name is required"}
    settings = {
        "name": checks.string("name", required=creating, min_length=1, max_length=255,
                              messages=name_message),
        "description": checks.string("description", max_length=2000),
        "url": _url(checks, creating),
        "auth_type": checks.choice("authType", ("none", "headers", "oauth")),
        "headers": _headers(checks, body),
        "timeout": checks.integer("timeout", minimum=1000, maximum=300000),
        "retries": checks.integer("retries", minimum=0, maximum=10),
        "enabled": checks.boolean("enabled"),
        "oauth_client_id": checks.string("oauthClientId"),
        "oauth_client_secret": checks.string("oauthClientSecret"),
    }  # fmt: skip
    return {key: value for key, value in settings.items() if value is not None}


def _server(call: Call, workspace_id: str) -> McpServerRecord:
    record = call.state.store(McpStore).get(call.params["serverId"])
    if record is None or record.workspace_id != workspace_id:
        raise ApiError(404, NOT_FOUND)  # another workspace's server looks like none at all
    return record


def _refuse_duplicate(store: McpStore, workspace_id: str, url: Optional[str], me: str) -> None:
    existing = store.with_url(workspace_id, url) if url is not None else None
    if existing is not None and existing.id != me:
        raise ApiError(409, DUPLICATE_URL)


def list_servers(call: Call) -> Response:
    """``GET /api/v2/mcp-servers?workspaceId=``: every server, one page."""
    checks = call.query_checks()
    workspace_id = checks.string("workspaceId", required=True, messages=_WORKSPACE)
    checks.done()
    workspace = call.workspace(workspace_id)
    servers = call.state.store(McpStore).in_workspace(workspace.id)
    return v2_list([server.view() for server in servers], None)


def create_server(call: Call) -> Response:
    """``POST /api/v2/mcp-servers``: 201, or 409 for a URL the workspace has already."""
    body = call.json()
    checks = Checks(body, strict=True)
    workspace_id = checks.string("workspaceId", required=True, messages=_WORKSPACE)
    settings = _settings(checks, body, creating=True)
    checks.done()
    workspace = call.workspace(workspace_id)
    require_level(call.principal, call.directory, workspace.id, "write")
    store = call.state.store(McpStore)
    with store.lock:
        _refuse_duplicate(store, workspace.id, settings["url"], "")
        if "auth_type" not in settings:
            settings["auth_type"] = "headers" if settings.get("headers") else "none"
        record = store.add(McpServerRecord(id="", workspace_id=workspace.id, **settings))
    return v2_data(record.view(), 201)


def get_server(call: Call) -> Response:
    """``GET /api/v2/mcp-servers/{id}?workspaceId=``."""
    checks = call.query_checks()
    workspace_id = checks.string("workspaceId", required=True, messages=_WORKSPACE)
    checks.done()
    return v2_data(_server(call, call.workspace(workspace_id).id).view())


def update_server(call: Call) -> Response:
    """``PATCH /api/v2/mcp-servers/{id}``: ``{workspaceId, ...settings}``."""
    body = call.json()
    checks = Checks(body, strict=True)
    workspace_id = checks.string("workspaceId", required=True, messages=_WORKSPACE)
    settings = _settings(checks, body, creating=False)
    checks.done()
    workspace = call.workspace(workspace_id)
    record = _server(call, workspace.id)
    require_level(call.principal, call.directory, workspace.id, "write")
    store = call.state.store(McpStore)
    with store.lock:
        _refuse_duplicate(store, workspace.id, settings.get("url"), record.id)
        if settings.get("url", record.url) != record.url:
            record.tools, record.connection_status, record.last_error = None, "disconnected", None
        for name, value in settings.items():
            setattr(record, name, value)
        record.updated_at = time.time()
        return v2_data(record.view())


def delete_server(call: Call) -> Response:
    """``DELETE /api/v2/mcp-servers/{id}?workspaceId=``; a second delete is 404."""
    checks = call.query_checks()
    workspace_id = checks.string("workspaceId", required=True, messages=_WORKSPACE)
    checks.done()
    workspace = call.workspace(workspace_id)
    record = _server(call, workspace.id)
    require_level(call.principal, call.directory, workspace.id, "write")
    call.state.store(McpStore).remove(record.id)
    return v2_data({"id": record.id, "deleted": True})


def list_tools(call: Call) -> Response:
    """``GET /api/v2/mcp-servers/{id}/tools?workspaceId=&refresh=``: personal keys only.

    Tools found before are answered again unless ``refresh=true``; a disabled server is 409,
    an unreachable one 503 with ``Retry-After: 5`` (and its ``lastError`` is set).
    """
    checks = call.query_checks()
    workspace_id = checks.string("workspaceId", required=True, messages=_WORKSPACE)
    refresh = checks.boolean("refresh", default=False)
    checks.done()
    call.require_personal_key()
    record = _server(call, call.workspace(workspace_id).id)
    if not record.enabled:
        raise ApiError(409, DISABLED)
    store = call.state.store(McpStore)
    if (refresh or record.tools is None) and not store.discover(record):
        raise ApiError(503, UNREACHABLE, headers=[("Retry-After", RETRY_AFTER)])
    return v2_list(record.tool_views(), None)

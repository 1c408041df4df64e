"""Every route the local server speaks, in one table: (method, path pattern, handler).

Each block is one route group served by one handler module (``_routes_<group>.py``). To add a
group, write its handler module (public-API groups build on ``_public``: ``api_route``, ``Call``
and the helpers it points to) and append one block of rows here.
"""

from __future__ import annotations

from typing import List

from . import _routes_execute as execute
from . import _routes_logs as logs
from . import _routes_mcp as mcp
from . import _routes_runs as runs
from . import _routes_runs_v2 as runs_v2
from . import _routes_workspaces as workspaces
from ._public import api_route
from ._routing import Route, route

ROUTES: List[Route] = [
    # -- v1 execute, status, async jobs, usage limits, execution files (api-contract.md) ----
    route("POST", "/api/workflows/{id}/execute", execute.execute),
    route("GET", "/api/workflows/{id}/status", execute.status),
    route("GET", "/api/jobs/{jobId}", execute.job),
    route("GET", "/api/users/me/usage-limits", execute.usage_limits),
    route("GET", "/api/files/serve/{key}", execute.served_file),
    # -- v1 executions, paused executions and resume (HEAD only) -----------------------------
    route("GET", "/api/workflows/{id}/executions/{executionId}", runs.get_execution),
    route("POST", "/api/workflows/{id}/executions/{executionId}/cancel", runs.cancel_execution),
    route("GET", "/api/workflows/{id}/paused", runs.list_paused),
    route("GET", "/api/workflows/{id}/paused/{executionId}", runs.get_paused),
    route("GET", "/api/resume/{id}/{executionId}", runs.get_paused),
    route("GET", "/api/resume/{id}/{executionId}/{contextId}", runs.get_pause_context),
    route("POST", "/api/resume/{id}/{executionId}/{contextId}", runs.post_resume),
    # -- v2 workflow execute and runs (api-contract.md §9) -----------------------------------
    route("POST", "/api/v2/workflows/{id}/execute", runs_v2.execute),
    route("GET", "/api/v2/workflows/{id}/runs/{runId}", runs_v2.get_run),
    route("POST", "/api/v2/workflows/{id}/runs/{runId}/cancel", runs_v2.cancel_run),
    route("POST", "/api/v2/workflows/{id}/runs/{runId}/resume", runs_v2.resume_run),
    # -- v2 workspaces (public-api.md §6); the real server counts each route on its own --------
    api_route("GET", "/api/v2/workspaces", "workspaces", workspaces.list_workspaces),
    api_route("GET", "/api/v2/workspaces/{workspaceId}", "workspace", workspaces.get_workspace),
    api_route(
        "GET", "/api/v2/workspaces/{workspaceId}/members", "members", workspaces.list_members
    ),
    # -- logs (public-api.md §5): v1 and v2 lists, one log, one execution -----------------------
    api_route("GET", "/api/v1/logs", "logs", logs.list_logs),
    api_route("GET", "/api/v1/logs/{id}", "logs", logs.get_log),
    api_route("GET", "/api/v1/logs/executions/{executionId}", "logs", logs.get_execution),
    api_route("GET", "/api/v2/logs", "logs", logs.list_logs),
    api_route("GET", "/api/v2/logs/{id}", "logs", logs.get_log),
    # -- MCP servers (public-api.md §7); tools need a personal key ------------------------------
    api_route("GET", "/api/v2/mcp-servers", "mcp", mcp.list_servers),
    api_route("POST", "/api/v2/mcp-servers", "mcp", mcp.create_server),
    api_route("GET", "/api/v2/mcp-servers/{serverId}", "mcp", mcp.get_server),
    api_route("PATCH", "/api/v2/mcp-servers/{serverId}", "mcp", mcp.update_server),
    api_route("DELETE", "/api/v2/mcp-servers/{serverId}", "mcp", mcp.delete_server),
    api_route("GET", "/api/v2/mcp-servers/{serverId}/tools", "mcp", mcp.list_tools),
]

"""Every route the local server speaks, in one table: (method, path pattern, handler).

Each block is one route group served by one handler module (``_routes_<group>.py``). To add a
group, write its handler module (public-API groups build on ``_public``: ``api_route``, ``Call``
and the helpers it points to) and append one block of rows here.
"""

from __future__ import annotations

from typing import List

from . import _routes_deployments as deployments
from . import _routes_documents as documents
from . import _routes_execute as execute
from . import _routes_folders as folders
from . import _routes_knowledge as knowledge
from . import _routes_logs as logs
from . import _routes_mcp as mcp
from . import _routes_runs as runs
from . import _routes_runs_v2 as runs_v2
from . import _routes_search as search
from . import _routes_uploads as uploads
from . import _routes_workflows as workflows
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
    # -- workflow management, v1 and v2 (workflows-api.md); v1 counts every route together,
    # v2 each route on its own (GET /{id} and /{id}/deployment share); folders before /{id}
    api_route("GET", "/api/v1/workflows", "workflows-v1", workflows.list_workflows),
    api_route("POST", "/api/v1/workflows/import", "workflows-v1", workflows.import_workflow),
    api_route("GET", "/api/v1/workflows/{id}", "workflows-v1", workflows.get_workflow),
    api_route("GET", "/api/v1/workflows/{id}/export", "workflows-v1", workflows.export_workflow),
    api_route("POST", "/api/v1/workflows/{id}/deploy", "workflows-v1", deployments.deploy),
    api_route("DELETE", "/api/v1/workflows/{id}/deploy", "workflows-v1", deployments.undeploy),
    api_route("POST", "/api/v1/workflows/{id}/rollback", "workflows-v1", deployments.rollback),
    api_route("GET", "/api/v2/workflows/folders", "wf-folders-list", folders.list_folders),
    api_route("POST", "/api/v2/workflows/folders", "wf-folders-create", folders.create_folder),
    api_route("PATCH", "/api/v2/workflows/folders", "wf-folders-move", folders.move_folder),
    api_route("DELETE", "/api/v2/workflows/folders", "wf-folders-delete", folders.delete_folder),
    api_route("GET", "/api/v2/workflows", "wf-list", workflows.list_workflows),
    api_route("POST", "/api/v2/workflows", "wf-create", workflows.create_workflow),
    api_route("POST", "/api/v2/workflows/import", "wf-import", workflows.import_workflow),
    api_route("GET", "/api/v2/workflows/{id}", "wf-read", workflows.get_workflow),
    api_route("PATCH", "/api/v2/workflows/{id}", "wf-update", workflows.update_workflow),
    api_route("DELETE", "/api/v2/workflows/{id}", "wf-delete", workflows.delete_workflow),
    api_route("GET", "/api/v2/workflows/{id}/export", "wf-export", workflows.export_workflow),
    api_route("POST", "/api/v2/workflows/{id}/deploy", "wf-deploy", deployments.deploy),
    api_route("DELETE", "/api/v2/workflows/{id}/deploy", "wf-undeploy", deployments.undeploy),
    api_route("POST", "/api/v2/workflows/{id}/rollback", "wf-rollback", deployments.rollback),
    api_route("GET", "/api/v2/workflows/{id}/deployment", "wf-read", deployments.deployment),
    api_route("GET", "/api/v2/workflows/{id}/versions", "wf-versions", deployments.versions),
    api_route(
        "GET", "/api/v2/workflows/{id}/versions/{version}", "wf-version", deployments.version
    ),
    # -- knowledge bases, documents, search (public-api.md §1-§4) ------------------------------
    # v1 counts knowledge bases and documents together and search apart; v2 counts per route.
    api_route("GET", "/api/v1/knowledge", "knowledge", knowledge.list_knowledge_bases),
    api_route("POST", "/api/v1/knowledge", "knowledge", knowledge.create_knowledge_base),
    api_route("POST", "/api/v1/knowledge/search", "search", search.search),
    api_route("GET", "/api/v1/knowledge/{id}", "knowledge", knowledge.get_knowledge_base),
    api_route("PUT", "/api/v1/knowledge/{id}", "knowledge", knowledge.update_knowledge_base),
    api_route("DELETE", "/api/v1/knowledge/{id}", "knowledge", knowledge.delete_knowledge_base),
    api_route("GET", "/api/v1/knowledge/{id}/documents", "knowledge", documents.list_documents),
    api_route("POST", "/api/v1/knowledge/{id}/documents", "knowledge", documents.upload_document),
    api_route(
        "GET", "/api/v1/knowledge/{id}/documents/{documentId}", "knowledge", documents.get_document
    ),
    api_route(
        "DELETE", "/api/v1/knowledge/{id}/documents/{documentId}", "knowledge",
        documents.delete_document,
    ),
    api_route("GET", "/api/v2/knowledge", "kb-list", knowledge.list_knowledge_bases),
    api_route("POST", "/api/v2/knowledge", "kb-create", knowledge.create_knowledge_base),
    api_route("POST", "/api/v2/knowledge/search", "kb-search", search.search),
    api_route("GET", "/api/v2/knowledge/{id}", "kb-get", knowledge.get_knowledge_base),
    api_route("PATCH", "/api/v2/knowledge/{id}", "kb-update", knowledge.update_knowledge_base),
    api_route("DELETE", "/api/v2/knowledge/{id}", "kb-delete", knowledge.delete_knowledge_base),
    api_route("GET", "/api/v2/knowledge/{id}/tags", "kb-tags", knowledge.list_tags),
    api_route("GET", "/api/v2/knowledge/{id}/documents", "doc-list", documents.list_documents),
    api_route(
        "POST", "/api/v2/knowledge/{id}/documents", "doc-upload", documents.upload_document
    ),
    api_route(
        "POST", "/api/v2/knowledge/{id}/documents/uploads", "doc-session",
        uploads.create_upload_session,
    ),
    api_route(
        "DELETE", "/api/v2/knowledge/{id}/documents/uploads/{uploadId}", "doc-session-cancel",
        uploads.cancel_upload,
    ),
    api_route(
        "POST", "/api/v2/knowledge/{id}/documents/uploads/{uploadId}/complete",
        "doc-session-complete", uploads.complete_upload,
    ),
    api_route(
        "GET", "/api/v2/knowledge/{id}/documents/{documentId}", "doc-get", documents.get_document
    ),
    api_route(
        "PATCH", "/api/v2/knowledge/{id}/documents/{documentId}", "doc-update",
        documents.update_document,
    ),
    api_route(
        "DELETE", "/api/v2/knowledge/{id}/documents/{documentId}", "doc-delete",
        documents.delete_document,
    ),
    route("PUT", "/api/v2/uploads/{uploadId}", uploads.transfer_upload),
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

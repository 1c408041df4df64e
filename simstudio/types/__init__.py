"""The SDK's result types, one module per resource group; each is also exported from ``simstudio``.

Every result keeps the wire body it was built from (``raw``, out of the repr) and knows the
answer it came from (``headers``, ``request_id``). Names are imported on first use, so a module
that needs one result type does not load them all.
"""

from __future__ import annotations

import typing

from .._lazy import lazy_exports as _lazy_exports

if typing.TYPE_CHECKING:
    from ._base import APIObject
    from .batch import BatchItem, BatchResult
    from .executions import CancelResult, ExecutionDetails, PausedExecution, WorkflowRun
    from .jobs import JobStatus
    from .knowledge import ChunkingConfig, Document, KnowledgeBase, TagDefinition
    from .logs import ExecutionSnapshot, LogEntry, LogWorkflow, TraceSpan
    from .mcp import McpServer, McpTool
    from .search import SearchHit, SearchResults, TagFilter
    from .usage import RateLimitInfo, UsageLimits
    from .workflow_admin import DeletedFolder, Deployment, Folder, Workflow, WorkflowVersion
    from .workflows import AsyncExecutionResult, WorkflowExecutionResult, WorkflowStatus
    from .workspaces import Member, Permission, Workspace

#: The module each public name comes from (the same as the imports above, for run time).
_EXPORTS: typing.Dict[str, typing.Tuple[str, ...]] = {
    "._base": ("APIObject",),
    ".batch": (
        "BatchItem",
        "BatchResult",
    ),
    ".executions": (
        "CancelResult",
        "ExecutionDetails",
        "PausedExecution",
        "WorkflowRun",
    ),
    ".jobs": ("JobStatus",),
    ".knowledge": (
        "ChunkingConfig",
        "Document",
        "KnowledgeBase",
        "TagDefinition",
    ),
    ".logs": (
        "ExecutionSnapshot",
        "LogEntry",
        "LogWorkflow",
        "TraceSpan",
    ),
    ".mcp": (
        "McpServer",
        "McpTool",
    ),
    ".search": (
        "SearchHit",
        "SearchResults",
        "TagFilter",
    ),
    ".usage": (
        "RateLimitInfo",
        "UsageLimits",
    ),
    ".workflow_admin": (
        "DeletedFolder",
        "Deployment",
        "Folder",
        "Workflow",
        "WorkflowVersion",
    ),
    ".workflows": (
        "AsyncExecutionResult",
        "WorkflowExecutionResult",
        "WorkflowStatus",
    ),
    ".workspaces": (
        "Member",
        "Permission",
        "Workspace",
    ),
}
# Type checkers see the imports above instead, so a misspelt name stays an error for them.
if not typing.TYPE_CHECKING:
    __getattr__, __dir__ = _lazy_exports(__name__, _EXPORTS, globals())


__all__ = [
    "APIObject",
    "AsyncExecutionResult",
    "BatchItem",
    "BatchResult",
    "CancelResult",
    "ChunkingConfig",
    "DeletedFolder",
    "Deployment",
    "Document",
    "ExecutionDetails",
    "ExecutionSnapshot",
    "Folder",
    "JobStatus",
    "KnowledgeBase",
    "LogEntry",
    "LogWorkflow",
    "McpServer",
    "McpTool",
    "Member",
    "PausedExecution",
    "Permission",
    "RateLimitInfo",
    "SearchHit",
    "SearchResults",
    "TagDefinition",
    "TagFilter",
    "TraceSpan",
    "UsageLimits",
    "Workflow",
    "WorkflowExecutionResult",
    "WorkflowRun",
    "WorkflowStatus",
    "WorkflowVersion",
    "Workspace",
]

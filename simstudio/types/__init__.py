"""The SDK's result types, one module per resource group; each is also exported from ``simstudio``.

Every result keeps the wire body it was built from (``raw``, out of the repr) and knows the
answer it came from (``headers``, ``request_id``).
"""

from __future__ import annotations

from ._base import APIObject
from .batch import BatchItem, BatchResult
from .executions import CancelResult, ExecutionDetails, PausedExecution, WorkflowRun
from .jobs import JobStatus
from .knowledge import ChunkingConfig, Document, KnowledgeBase, TagDefinition
from .search import SearchHit, SearchResults, TagFilter
from .usage import RateLimitInfo, UsageLimits
from .workflow_admin import DeletedFolder, Deployment, Folder, Workflow, WorkflowVersion
from .workflows import AsyncExecutionResult, WorkflowExecutionResult, WorkflowStatus
from .workspaces import Member, Permission, Workspace

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
    "Folder",
    "JobStatus",
    "KnowledgeBase",
    "Member",
    "PausedExecution",
    "Permission",
    "RateLimitInfo",
    "SearchHit",
    "SearchResults",
    "TagDefinition",
    "TagFilter",
    "UsageLimits",
    "Workflow",
    "WorkflowExecutionResult",
    "WorkflowRun",
    "WorkflowStatus",
    "WorkflowVersion",
    "Workspace",
]

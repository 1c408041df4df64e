"""The SDK's result types, one module per resource group; each is also exported from ``simstudio``.

Every result keeps the wire body it was built from (``raw``, out of the repr) and knows the
answer it came from (``headers``, ``request_id``).
"""

from __future__ import annotations

from ._base import APIObject
from .batch import BatchItem, BatchResult
from .executions import CancelResult, ExecutionDetails, PausedExecution, WorkflowRun
from .jobs import JobStatus
from .logs import ExecutionSnapshot, LogEntry, LogWorkflow, TraceSpan
from .mcp import McpServer, McpTool
from .usage import RateLimitInfo, UsageLimits
from .workflows import AsyncExecutionResult, WorkflowExecutionResult, WorkflowStatus
from .workspaces import Member, Permission, Workspace

__all__ = [
    "APIObject",
    "AsyncExecutionResult",
    "BatchItem",
    "BatchResult",
    "CancelResult",
    "ExecutionDetails",
    "ExecutionSnapshot",
    "JobStatus",
    "LogEntry",
    "LogWorkflow",
    "McpServer",
    "McpTool",
    "Member",
    "PausedExecution",
    "Permission",
    "RateLimitInfo",
    "TraceSpan",
    "UsageLimits",
    "WorkflowExecutionResult",
    "WorkflowRun",
    "WorkflowStatus",
    "Workspace",
]

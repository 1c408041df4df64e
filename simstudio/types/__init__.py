"""The SDK's result types, one module per resource group; each is also exported from ``simstudio``.

Every result keeps the wire body it was built from (``raw``, out of the repr) and knows the
answer it came from (``headers``, ``request_id``).
"""

from __future__ import annotations

import importlib
import typing

from ._base import APIObject
from .batch import BatchItem, BatchResult
from .executions import CancelResult, ExecutionDetails, PausedExecution, WorkflowRun
from .jobs import JobStatus
from .usage import RateLimitInfo, UsageLimits
from .workflows import AsyncExecutionResult, WorkflowExecutionResult, WorkflowStatus
from .workspaces import Member, Permission, Workspace

if typing.TYPE_CHECKING:
    from .logs import ExecutionSnapshot, LogEntry, LogWorkflow, TraceSpan
    from .mcp import McpServer, McpTool

# Loaded on first use, like the package's own names: most programs never list logs or MCP
# servers, and their dataclasses cost import time.
_LAZY = {
    **dict.fromkeys(("ExecutionSnapshot", "LogEntry", "LogWorkflow", "TraceSpan"), ".logs"),
    **dict.fromkeys(("McpServer", "McpTool"), ".mcp"),
}

if not typing.TYPE_CHECKING:

    def __getattr__(name: str) -> typing.Any:
        module = _LAZY.get(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module, __name__), name)
        globals()[name] = value
        return value

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

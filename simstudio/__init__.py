"""simstudio: the Python SDK for Sim: run workflows (sync, streamed, queued) and use its API.

The public names below are imported on first use: ``import simstudio`` alone stays cheap, which
matters because every pytest run of a project that installs the SDK imports this package (for
the ``simstudio.testing.plugin`` entry point) whether or not a test uses it.
"""

from __future__ import annotations

import importlib
import logging
import typing

from ._version import __version__

if typing.TYPE_CHECKING:
    from ._client import Client, SimStudioClient
    from ._errors import (
        APIConnectionError,
        APIError,
        ApiError,
        APIStatusError,
        APITimeoutError,
        AuthenticationError,
        BadRequestError,
        ConfigurationError,
        ConflictError,
        ExecutionError,
        InvalidArgumentError,
        InvalidRequestError,
        InvalidResponseError,
        NotFoundError,
        PermissionDeniedError,
        RateLimitError,
        RedirectError,
        RequestTimeoutError,
        ServerError,
        ServiceUnavailableError,
        SimStudioError,
        StreamError,
        StreamIncompleteError,
        UsageLimitError,
    )
    from ._pagination import Page, Paginator
    from ._retry import RetryPolicy
    from ._streaming import StreamEvent, WorkflowStream
    from .types import (
        AsyncExecutionResult,
        BatchItem,
        BatchResult,
        CancelResult,
        ExecutionDetails,
        ExecutionSnapshot,
        JobStatus,
        LogEntry,
        LogWorkflow,
        McpServer,
        McpTool,
        Member,
        PausedExecution,
        Permission,
        RateLimitInfo,
        TraceSpan,
        UsageLimits,
        WorkflowExecutionResult,
        WorkflowRun,
        WorkflowStatus,
        Workspace,
    )

#: The module each public name comes from (the same as the imports above, for run time).
_EXPORTS: typing.Dict[str, typing.Tuple[str, ...]] = {
    "._client": (
        "Client",
        "SimStudioClient",
    ),
    "._errors": (
        "APIConnectionError",
        "APIError",
        "APIStatusError",
        "APITimeoutError",
        "ApiError",
        "AuthenticationError",
        "BadRequestError",
        "ConfigurationError",
        "ConflictError",
        "ExecutionError",
        "InvalidArgumentError",
        "InvalidRequestError",
        "InvalidResponseError",
        "NotFoundError",
        "PermissionDeniedError",
        "RateLimitError",
        "RedirectError",
        "RequestTimeoutError",
        "ServerError",
        "ServiceUnavailableError",
        "SimStudioError",
        "StreamError",
        "StreamIncompleteError",
        "UsageLimitError",
    ),
    "._pagination": (
        "Page",
        "Paginator",
    ),
    "._retry": ("RetryPolicy",),
    "._streaming": (
        "StreamEvent",
        "WorkflowStream",
    ),
    ".types": (
        "AsyncExecutionResult",
        "BatchItem",
        "BatchResult",
        "CancelResult",
        "ExecutionDetails",
        "JobStatus",
        "Member",
        "PausedExecution",
        "Permission",
        "RateLimitInfo",
        "UsageLimits",
        "WorkflowExecutionResult",
        "WorkflowRun",
        "WorkflowStatus",
        "Workspace",
    ),
    ".types.logs": ("ExecutionSnapshot", "LogEntry", "LogWorkflow", "TraceSpan"),
    ".types.mcp": ("McpServer", "McpTool"),
}
_SOURCE = {name: module for module, names in _EXPORTS.items() for name in names}

# Libraries stay silent unless the application configures logging.
logging.getLogger("simstudio").addHandler(logging.NullHandler())


# Type checkers see the imports above instead, so a misspelt name stays an error for them.
if not typing.TYPE_CHECKING:

    def __getattr__(name: str) -> typing.Any:
        module = _SOURCE.get(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module, __name__), name)
        globals()[name] = value  # later lookups skip this function
        return value

    def __dir__() -> typing.List[str]:
        return sorted(set(globals()) | set(__all__))


__all__ = [
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "ApiError",
    "AsyncExecutionResult",
    "AuthenticationError",
    "BadRequestError",
    "BatchItem",
    "BatchResult",
    "CancelResult",
    "Client",
    "ConfigurationError",
    "ConflictError",
    "ExecutionDetails",
    "ExecutionError",
    "ExecutionSnapshot",
    "InvalidArgumentError",
    "InvalidRequestError",
    "InvalidResponseError",
    "JobStatus",
    "LogEntry",
    "LogWorkflow",
    "McpServer",
    "McpTool",
    "Member",
    "NotFoundError",
    "Page",
    "Paginator",
    "PausedExecution",
    "Permission",
    "PermissionDeniedError",
    "RateLimitError",
    "RateLimitInfo",
    "RedirectError",
    "RequestTimeoutError",
    "RetryPolicy",
    "ServerError",
    "ServiceUnavailableError",
    "SimStudioClient",
    "SimStudioError",
    "StreamError",
    "StreamEvent",
    "StreamIncompleteError",
    "TraceSpan",
    "UsageLimitError",
    "UsageLimits",
    "WorkflowExecutionResult",
    "WorkflowRun",
    "WorkflowStatus",
    "WorkflowStream",
    "Workspace",
    "__version__",
]

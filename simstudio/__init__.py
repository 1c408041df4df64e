"""simstudio: the Python SDK for Sim: run workflows (sync, streamed, queued) and use its API."""

from __future__ import annotations

import logging

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
from ._logging import configure_from_environment as _configure_logging
from ._pagination import Page, Paginator
from ._retry import RetryPolicy
from ._streaming import StreamEvent, WorkflowStream
from ._version import __version__
from .types import (
    AsyncExecutionResult,
    BatchItem,
    BatchResult,
    CancelResult,
    ExecutionDetails,
    JobStatus,
    Member,
    PausedExecution,
    Permission,
    RateLimitInfo,
    UsageLimits,
    WorkflowExecutionResult,
    WorkflowRun,
    WorkflowStatus,
    Workspace,
)

# Libraries stay silent unless the application configures logging.
logging.getLogger("simstudio").addHandler(logging.NullHandler())
# ...or unless SIM_LOG=debug|info asks for the SDK's own stderr handler (read once, here).
_configure_logging()

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
    "InvalidArgumentError",
    "InvalidRequestError",
    "InvalidResponseError",
    "JobStatus",
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
    "UsageLimitError",
    "UsageLimits",
    "WorkflowExecutionResult",
    "WorkflowRun",
    "WorkflowStatus",
    "WorkflowStream",
    "Workspace",
    "__version__",
]

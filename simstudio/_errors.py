"""The SimStudioError tree: one root type, a few categories, stable codes."""

from __future__ import annotations

from typing import Any, Dict, Optional, Tuple, Type

__all__ = [
    "APIConnectionError",
    "ApiError",
    "AuthenticationError",
    "ConfigurationError",
    "ConflictError",
    "ExecutionError",
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
]

_MAX_MESSAGE_CHARS = 500
_MAX_ERROR_TEXT = 1000


class SimStudioError(Exception):
    """Base class of every error the SDK raises.

    Args:
        message: A readable description (never contains the API key).
        code: A stable, documented code such as ``UNAUTHORIZED`` or ``TIMEOUT``.
        status: The HTTP status of the answer, when there was one.
        server_code: The server's own ``code`` field, kept verbatim (it varies by server era).
        body: The decoded error body (JSON value or a bounded text excerpt).
        request_id: The server's ``x-request-id``, useful when reporting a problem.
        retry_after: Seconds the server asked us to wait before trying again.
        retryable: Whether repeating the same call cannot run the workflow twice.

    Attributes:
        code: See Args.
        status: See Args.
    """

    default_code: Optional[str] = None

    def __init__(
        self,
        message: str,
        code: Optional[str] = None,
        status: Optional[int] = None,
        *,
        server_code: Optional[str] = None,
        body: Any = None,
        request_id: Optional[str] = None,
        retry_after: Optional[float] = None,
        retryable: bool = False,
    ) -> None:
        if len(message) > _MAX_ERROR_TEXT:
            # A 10 KB id must not make a 10 KB message: keep the call's start and the outcome.
            head = _MAX_ERROR_TEXT * 3 // 5
            message = message[:head] + "\u2026" + message[head + 1 - _MAX_ERROR_TEXT :]
        super().__init__(message)
        self.message = message
        self.code = code if code is not None else self.default_code
        self.status = status
        self.server_code = server_code
        self.body = body
        self.request_id = request_id
        self.retry_after = retry_after
        self.retryable = retryable

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        parts = [repr(self.message)]
        if self.code is not None:
            parts.append(f"code={self.code!r}")
        if self.status is not None:
            parts.append(f"status={self.status!r}")
        if self.request_id is not None:
            parts.append(f"request_id={self.request_id!r}")
        return f"{type(self).__name__}({', '.join(parts)})"

    def __reduce__(self) -> Tuple[Any, ...]:
        # Keep code, status and the rest across pickling (multiprocessing, task queues).
        return (_rebuild, (type(self), self.message), self.__dict__.copy())


def _rebuild(cls: Type[SimStudioError], message: str) -> SimStudioError:
    error = cls.__new__(cls)
    Exception.__init__(error, message)
    return error


class ApiError(SimStudioError):
    """An error answer of a kind without its own category (e.g. HTTP 418, 499)."""

    default_code = "API_ERROR"


class ConfigurationError(SimStudioError):
    """The client was configured wrongly (no API key, an unusable base URL, a closed client)."""

    default_code = "CONFIGURATION_ERROR"


class InvalidRequestError(SimStudioError):
    """The request was refused as malformed: by us before sending (``INVALID_INPUT``,
    ``FILE_TOO_LARGE``, ``PAYLOAD_TOO_LARGE``) or by the server (HTTP 400/413/422)."""

    default_code = "INVALID_REQUEST"


class AuthenticationError(SimStudioError):
    """The API key is missing or invalid (HTTP 401)."""

    default_code = "UNAUTHORIZED"


class PermissionDeniedError(SimStudioError):
    """The key may not use this resource, or the workflow is not deployed (HTTP 403)."""

    default_code = "FORBIDDEN"


class NotFoundError(SimStudioError):
    """The workflow, job or execution does not exist (HTTP 404)."""

    default_code = "NOT_FOUND"


class ConflictError(SimStudioError):
    """The request conflicts with server state, e.g. a reused execution id (HTTP 409)."""

    default_code = "CONFLICT"


class UsageLimitError(SimStudioError):
    """The account's usage budget is spent (HTTP 402)."""

    default_code = "USAGE_LIMIT_EXCEEDED"


class RateLimitError(SimStudioError):
    """Too many requests (HTTP 429); ``retry_after`` says how long to wait when known."""

    default_code = "RATE_LIMIT_EXCEEDED"


class ServerError(SimStudioError):
    """The server failed before or outside a workflow run (HTTP 5xx)."""

    default_code = "SERVER_ERROR"


class ServiceUnavailableError(ServerError):
    """The server is overloaded or a dependency is down (HTTP 503)."""

    default_code = "SERVICE_UNAVAILABLE"


class ExecutionError(SimStudioError):
    """A waited-for job failed (``EXECUTION_ERROR``) or was cancelled (``EXECUTION_CANCELLED``).

    Raised by ``wait_for_job`` and ``execute_and_wait``; the job dict is on ``body``. A run that
    fails during ``execute_workflow`` or a stream is a result with ``success=False`` instead.
    """

    default_code = "EXECUTION_ERROR"


class RequestTimeoutError(SimStudioError):
    """No answer in time: connect, read, idle-stream or total deadline (code ``TIMEOUT``)."""

    default_code = "TIMEOUT"


class APIConnectionError(SimStudioError):
    """The server could not be reached or the connection broke."""

    default_code = "CONNECTION_ERROR"


class RedirectError(SimStudioError):
    """The server redirected somewhere the SDK will not follow with your API key."""

    default_code = "UNSAFE_REDIRECT"


class InvalidResponseError(SimStudioError):
    """The server's answer could not be understood (not JSON, wrong shape, truncated)."""

    default_code = "INVALID_RESPONSE"


class StreamError(SimStudioError):
    """A streamed execution could not be read as a valid event stream."""

    default_code = "STREAM_ERROR"


class StreamIncompleteError(StreamError):
    """The stream ended before a terminal frame: what arrived is kept on the error.

    Attributes:
        events: The events received before the stream ended.
        text: The text streamed so far.
    """

    default_code = "STREAM_INCOMPLETE"

    def __init__(self, message: str, *, events: Any = None, text: str = "", **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.events = list(events) if events is not None else []
        self.text = text


_BY_STATUS: Dict[int, Type[SimStudioError]] = {
    400: InvalidRequestError,
    401: AuthenticationError,
    402: UsageLimitError,
    403: PermissionDeniedError,
    404: NotFoundError,
    408: RequestTimeoutError,
    409: ConflictError,
    413: InvalidRequestError,
    422: InvalidRequestError,
    429: RateLimitError,
    503: ServiceUnavailableError,
}

# Server codes that refine the category code; anything else stays in ``server_code`` only,
# because older servers derive codes from messages ("UNAUTHORIZED:_INVALID_API_KEY").
_STABLE_SERVER_CODES = frozenset(
    {
        "INVALID_JSON",
        "EXECUTION_ERROR",
        "EXECUTION_ID_CONFLICT",
        "SERVICE_OVERLOADED",
        "ASYNC_ENQUEUE_AMBIGUOUS",
        "WORKFLOW_NOT_FOUND",
        "TASK_NOT_FOUND",
        "PAYLOAD_TOO_LARGE",
    }
)

_OVERLOAD_CODES = frozenset(
    {"SERVICE_OVERLOADED", "ADMISSION_GATE_CAPACITY", "SERVICE_UNAVAILABLE"}
)


def error_class_for_status(status: int) -> Type[SimStudioError]:
    """The error category for an HTTP status (5xx without a specific entry is ServerError)."""
    if status in _BY_STATUS:
        return _BY_STATUS[status]
    if status >= 500:
        return ServerError
    return ApiError


def stable_code(status: int, server_code: Optional[str], message: str) -> Optional[str]:
    """Choose the documented code for an error answer."""
    if server_code in _STABLE_SERVER_CODES:
        return server_code
    if status == 400 and "invalid json" in message.lower():
        return "INVALID_JSON"
    if status == 500:
        return (
            "EXECUTION_ERROR" if server_code is None or server_code == "EXECUTION_ERROR" else None
        )
    return None


def is_retry_safe(status: int, server_code: Optional[str], body_retryable: Optional[bool]) -> bool:
    """Whether an error answer proves the workflow did not run, so re-sending is safe."""
    if status == 429:
        return True
    if status == 503:
        if server_code == "ASYNC_ENQUEUE_AMBIGUOUS":
            return False
        return server_code in _OVERLOAD_CODES or body_retryable is True
    return False


def truncate(text: str, limit: int = _MAX_MESSAGE_CHARS) -> str:
    """Shorten a server-supplied text for an error message."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"

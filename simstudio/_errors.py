"""The SimStudioError tree: one root type, a family per cause, stable documented codes.

Every error the SDK raises is a :class:`SimStudioError` carrying ``code`` (a stable string)
and ``status`` (the HTTP status, or ``None`` when no answer arrived)::

    SimStudioError
    ├── ConfigurationError          the client is unusable (no key, bad base_url, closed)
    ├── InvalidArgumentError        an argument refused before sending (also a ValueError)
    ├── APIConnectionError          no (complete) answer: refused, DNS, TLS, reset, cut off
    │   └── RequestTimeoutError     no answer in time: connect, read, idle stream, deadline, wait
    ├── APIStatusError              the server answered with an error status (``status`` is set)
    │   ├── BadRequestError         400, 413, 415, 422 (alias ``InvalidRequestError``)
    │   ├── AuthenticationError     401
    │   ├── UsageLimitError         402
    │   ├── PermissionDeniedError   403 (``reason`` says what the key lacks)
    │   ├── NotFoundError           404
    │   ├── ConflictError           409
    │   ├── RateLimitError          429 (``retry_after``)
    │   ├── ServerError             5xx
    │   │   └── ServiceUnavailableError  503
    │   ├── RedirectError           a redirect the SDK will not follow with your key
    │   └── APIError                any other status (alias ``ApiError``)
    ├── InvalidResponseError        an answer that cannot be understood (not JSON, wrong shape)
    ├── ExecutionError              a waited-for job or run failed or was cancelled
    └── StreamError                 a stream could not be read as events
        └── StreamIncompleteError   the stream ended before its terminal frame

``code`` is the server's own code when it is one of Sim's documented, specific codes
(``EXECUTION_ID_CONFLICT``, ``WORKSPACE_KEY_OPERATION_NOT_PERMITTED``, ``INVALID_JSON``...);
otherwise it is the family's code (``UNAUTHORIZED``, ``NOT_FOUND``, ``RATE_LIMIT_EXCEEDED``...).
The server's code is always kept verbatim in ``server_code``.
"""

from __future__ import annotations

from typing import Any, Dict, Mapping, Optional, Tuple, Type

from ._headers import EMPTY_HEADERS, Headers

__all__ = [
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
]

_MAX_MESSAGE_CHARS = 500
_MAX_ERROR_TEXT = 1000


class SimStudioError(Exception):
    """Base class of every error the SDK raises (the whole tree is in this module's docstring).

    Args:
        message: A readable description (never contains the API key).
        code: A stable, documented code such as ``UNAUTHORIZED`` or ``TIMEOUT``.
        status: The HTTP status of the answer, when there was one.
        server_code: The server's own ``code`` field, kept verbatim (it varies by server era).
        body: The decoded error body (JSON value or a bounded text excerpt).
        request_id: The server's ``x-request-id``, useful when reporting a problem.
        retry_after: Seconds the server asked us to wait before trying again.
        retryable: Whether repeating the same call cannot run the workflow twice.
        headers: The error answer's HTTP headers (read-only, case-insensitive; empty when no
            answer arrived). The API key is blanked out of them.

    Attributes:
        code: See Args.
        status: See Args.
        cursor: For a page of a list call that failed, the cursor of that page: pass it as
            ``cursor=`` to the same list call to resume (``None`` for the first page).
    """

    default_code: Optional[str] = None
    cursor: Optional[str] = None

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
        headers: Optional[Mapping[str, str]] = None,
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
        self.headers: Mapping[str, str] = Headers(headers) if headers else EMPTY_HEADERS

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


class ConfigurationError(SimStudioError):
    """The client was configured wrongly (no API key, an unusable base URL, a closed client)."""

    default_code = "CONFIGURATION_ERROR"


class InvalidArgumentError(SimStudioError, ValueError):
    """An argument given by the caller was refused before anything was sent.

    Also a :class:`ValueError`, so code written against plain Python conventions catches it.
    ``code`` is ``INVALID_INPUT`` unless a more specific one applies (``FILE_TOO_LARGE``...).
    """

    default_code = "INVALID_INPUT"


class APIConnectionError(SimStudioError):
    """The server could not be reached, or the connection broke before a complete answer.

    ``__cause__`` is left unset on purpose (the underlying ``requests`` exception carries the
    request headers, API key included); a summary of it is on ``cause``.

    Attributes:
        cause: The underlying failure in words, e.g. ``"connection refused"``.
        url: The origin that was tried (scheme, host and port; never a key).
    """

    default_code = "CONNECTION_ERROR"

    def __init__(
        self,
        message: str,
        *args: Any,
        cause: Optional[str] = None,
        url: Optional[str] = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(message, *args, **kwargs)
        self.cause = cause
        self.url = url


class RequestTimeoutError(APIConnectionError):
    """No answer in time: connect, read, idle stream, stream deadline or a wait's deadline
    (code ``TIMEOUT``)."""

    default_code = "TIMEOUT"


class APIStatusError(SimStudioError):
    """The server answered with an error status; ``status`` is always set."""

    default_code = "API_ERROR"


class BadRequestError(APIStatusError):
    """The server refused the request as malformed (HTTP 400, 413, 415 or 422)."""

    default_code = "INVALID_REQUEST"


class AuthenticationError(APIStatusError):
    """The API key is missing or invalid (HTTP 401)."""

    default_code = "UNAUTHORIZED"


class UsageLimitError(APIStatusError):
    """The account's usage budget is spent (HTTP 402)."""

    default_code = "USAGE_LIMIT_EXCEEDED"


class PermissionDeniedError(APIStatusError):
    """The key may not do this (HTTP 403).

    Attributes:
        reason: What the key lacks, when the server said: ``"workspace"`` (the key belongs to
            another workspace), ``"personal_key_required"`` (workspace keys cannot perform the
            operation; use a personal key), ``"permission"`` (the key's user lacks the Read,
            Write or Admin level this needs), ``"not_member"`` (the key's user is not a member
            of the workspace), ``"not_deployed"`` (the workflow is not deployed), or ``None``.
        detail_code: The server's ``error.details.code`` verbatim (e.g.
            ``WORKSPACE_KEY_OPERATION_NOT_PERMITTED``), or ``None``.
    """

    default_code = "FORBIDDEN"

    def __init__(
        self,
        message: str,
        *args: Any,
        reason: Optional[str] = None,
        detail_code: Optional[str] = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(message, *args, **kwargs)
        self.reason = reason
        self.detail_code = detail_code


class NotFoundError(APIStatusError):
    """The resource does not exist, or is concealed from this key (HTTP 404)."""

    default_code = "NOT_FOUND"


class ConflictError(APIStatusError):
    """The request conflicts with server state, e.g. a reused execution id (HTTP 409)."""

    default_code = "CONFLICT"


class RateLimitError(APIStatusError):
    """Too many requests (HTTP 429); ``retry_after`` says how long to wait when known."""

    default_code = "RATE_LIMIT_EXCEEDED"


class ServerError(APIStatusError):
    """The server failed before or outside a workflow run (HTTP 5xx)."""

    default_code = "SERVER_ERROR"


class ServiceUnavailableError(ServerError):
    """The server is overloaded or a dependency is down (HTTP 503)."""

    default_code = "SERVICE_UNAVAILABLE"


class RedirectError(APIStatusError):
    """The server redirected somewhere the SDK will not follow with your API key."""

    default_code = "UNSAFE_REDIRECT"


class APIError(APIStatusError):
    """An error answer of a status without its own class (e.g. HTTP 405, 408, 418)."""

    default_code = "API_ERROR"


class InvalidResponseError(SimStudioError):
    """The server's answer could not be understood (not JSON, wrong shape, too large)."""

    default_code = "INVALID_RESPONSE"


class ExecutionError(SimStudioError):
    """A waited-for job failed (``EXECUTION_ERROR``) or was cancelled (``EXECUTION_CANCELLED``).

    Raised by ``wait_for_job`` and ``execute_and_wait``; the job is on ``body``. A run that
    fails during ``execute_workflow`` or a stream is a result with ``success=False`` instead.
    """

    default_code = "EXECUTION_ERROR"


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


ApiError = APIError
"""Alias of :class:`APIError` (its name before 2.0)."""

InvalidRequestError = BadRequestError
"""Alias of :class:`BadRequestError` (its name before 2.0, when it also covered refused arguments,
now :class:`InvalidArgumentError`)."""

APITimeoutError = RequestTimeoutError
"""Alias of :class:`RequestTimeoutError`, under the name other SDKs use."""

_BY_STATUS: Dict[int, Type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    402: UsageLimitError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    413: BadRequestError,
    415: BadRequestError,
    422: BadRequestError,
    429: RateLimitError,
    503: ServiceUnavailableError,
}

# Sim's specific, documented codes: one of these from the server becomes the error's ``code``.
# Generic envelope codes (v2's BAD_REQUEST, FORBIDDEN...) and older servers' codes derived from
# messages ("UNAUTHORIZED:_INVALID_API_KEY") leave the family's code, so one condition has one
# code on every server era; the server's word is on ``server_code`` either way.
DOCUMENTED_CODES = frozenset(
    {
        "ACCESS_DENIED",
        "ADMISSION_GATE_CAPACITY",
        "ASYNC_ENQUEUE_AMBIGUOUS",
        "EXECUTION_ERROR",
        "EXECUTION_ID_CONFLICT",
        "INVALID_INPUT",
        "INVALID_JSON",
        "PAYLOAD_TOO_LARGE",
        "RUN_ID_CONFLICT",
        "SERVICE_OVERLOADED",
        "TASK_NOT_FOUND",
        "UNSUPPORTED_MEDIA_TYPE",
        "USAGE_LIMIT_EXCEEDED",
        "WORKFLOW_NOT_DEPLOYED",
        "WORKFLOW_NOT_FOUND",
        "WORKSPACE_KEY_OPERATION_NOT_PERMITTED",
    }
)

_OVERLOAD_CODES = frozenset(
    {"SERVICE_OVERLOADED", "ADMISSION_GATE_CAPACITY", "SERVICE_UNAVAILABLE"}
)


def error_class_for_status(status: int) -> Type[APIStatusError]:
    """The error class for an HTTP status (5xx without a specific entry is ServerError)."""
    if status in _BY_STATUS:
        return _BY_STATUS[status]
    if status >= 500:
        return ServerError
    return APIError


def stable_code(
    status: int, server_code: Optional[str], message: str, detail_code: Optional[str] = None
) -> Optional[str]:
    """The documented code for an error answer, or ``None`` for the family's default.

    A v2 ``details.code`` is the most specific word the server has and wins over its
    envelope code.
    """
    if status == 429:
        return None  # one documented code for every rate limit (the docs match on it)
    for candidate in (detail_code, server_code):
        if candidate in DOCUMENTED_CODES:
            return candidate
    if status == 400 and "invalid json" in message.lower():
        return "INVALID_JSON"
    if status == 408:
        return "TIMEOUT"
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

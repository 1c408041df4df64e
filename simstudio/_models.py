"""Result dataclasses, each built from wire data of any server era by one tolerant classmethod."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Dict, List, Mapping, Optional
from urllib.parse import urlsplit

from ._errors import InvalidResponseError

__all__ = [
    "AsyncExecutionResult",
    "RateLimitInfo",
    "TERMINAL_STATUSES",
    "UsageLimits",
    "WorkflowExecutionResult",
    "WorkflowStatus",
    "dict_or_none",
    "error_text",
    "float_or_none",
    "normalize_job",
    "normalize_job_status",
    "str_or_none",
]

# Job status words of every server era, mapped onto the documented vocabulary.
_JOB_STATUS_ALIASES = {
    "pending": "queued",
    "waiting": "queued",
    "running": "processing",
    "executing": "processing",
    "canceled": "cancelled",
}
# The statuses after which a job or execution never changes again.
TERMINAL_STATUSES = frozenset({"completed", "failed", "cancelled"})


def normalize_job_status(status: Any) -> str:
    """Map a job status of any era (``pending``, ``running``...) onto the documented words
    ``queued``, ``processing``, ``completed``, ``failed``, ``cancelled`` (others pass through)."""
    if not isinstance(status, str) or not status:
        return "unknown"
    lowered = status.lower()
    return _JOB_STATUS_ALIASES.get(lowered, lowered)


def error_text(value: Any) -> Optional[str]:
    """The readable message of an ``error`` field: a string, ``{message, code}`` or anything."""
    if value is None or value is False:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        for key in ("message", "error", "detail"):
            inner = value.get(key)
            if isinstance(inner, str) and inner:
                return inner
    return str(value)


def str_or_none(value: Any) -> Optional[str]:
    """``value`` if it is a string, else ``None``."""
    return value if isinstance(value, str) else None


def dict_or_none(value: Any) -> Optional[Dict[str, Any]]:
    """``value`` if it is a dict, else ``None``."""
    return value if isinstance(value, dict) else None


def _list_or_none(value: Any) -> Optional[List[Any]]:
    return value if isinstance(value, list) else None


def float_or_none(value: Any) -> Optional[float]:
    """A JSON number as a float; ``None`` for booleans, non-numbers and integers beyond float."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return float(value)
        except OverflowError:  # a JSON integer beyond the float range
            return None
    return None


@dataclass
class WorkflowExecutionResult:
    """The outcome of a synchronous (or streamed, or waited-for) workflow run.

    ``success`` is False for a run that failed; ``error`` then says why and ``output`` keeps any
    partial output. A Response-block workflow's custom JSON body arrives as ``output`` with its
    HTTP status in ``http_status``. ``text_truncated`` is True for a streamed run whose text
    outgrew the stream's ``max_text_chars``: the streamed outputs in ``output`` are cut short.
    """

    success: bool
    output: Optional[Any] = None
    error: Optional[str] = None
    logs: Optional[List[Any]] = None
    metadata: Optional[Dict[str, Any]] = None
    trace_spans: Optional[List[Any]] = None
    total_duration: Optional[float] = None
    execution_id: Optional[str] = None
    status: Optional[str] = None
    http_status: Optional[int] = None
    text_truncated: bool = False

    @classmethod
    def from_wire(cls, body: Any, http_status: Optional[int] = None) -> WorkflowExecutionResult:
        """Build a result from an execute answer of any era (envelope or Response-block body)."""
        if not (isinstance(body, dict) and isinstance(body.get("success"), bool)):
            ok = http_status is None or http_status < 400
            return cls(success=ok, output=body, http_status=http_status)
        return cls(
            success=body["success"],
            output=body.get("output"),
            error=error_text(body.get("error")),
            logs=_list_or_none(body.get("logs")),
            metadata=dict_or_none(body.get("metadata")),
            trace_spans=_list_or_none(body.get("traceSpans")),
            total_duration=float_or_none(body.get("totalDuration")),
            execution_id=str_or_none(body.get("executionId")),
            status=str_or_none(body.get("status")),
            http_status=http_status,
        )

    @staticmethod
    def is_failed_run(body: Any) -> bool:
        """Whether an error answer's body is a failed run's result (``success: false`` with
        ``output`` or ``metadata``) rather than a plain API error."""
        return (
            isinstance(body, dict)
            and body.get("success") is False
            and ("output" in body or "metadata" in body)
        )


@dataclass
class AsyncExecutionResult:
    """A queued run: poll it with ``get_job_status(task_id)`` or ``wait_for_job(task_id)``.

    Filled from both server eras: ``taskId`` + ``links`` (2025) and ``jobId`` + ``executionId``
    + ``statusUrl`` (2026). For the newer answer, ``created_at`` is when the SDK received it.
    """

    success: bool
    task_id: str
    status: str
    created_at: str
    links: Dict[str, str] = field(default_factory=dict)
    execution_id: Optional[str] = None
    status_url: Optional[str] = None
    message: Optional[str] = None

    @classmethod
    def from_wire(cls, body: Any, base_url: str = "") -> AsyncExecutionResult:
        """Build from a 202 answer of either era."""
        if not isinstance(body, dict):
            raise InvalidResponseError("The async execution answer is not a JSON object", body=body)
        task_id = body.get("taskId") or body.get("jobId")
        if not isinstance(task_id, str) or not task_id:
            raise InvalidResponseError(
                "The async execution answer has neither taskId nor jobId", body=body
            )
        links = body.get("links")
        links = (
            {k: v for k, v in links.items() if isinstance(v, str)}
            if isinstance(links, dict)
            else {}
        )
        status_url = str_or_none(body.get("statusUrl"))
        if "status" not in links:
            links["status"] = _url_path(status_url) or f"/api/jobs/{task_id}"
        if status_url is None and base_url:
            status_url = base_url + links["status"]
        created_at = body.get("createdAt")
        if not isinstance(created_at, str):
            created_at = datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")
        return cls(
            success=bool(body.get("success", True)),
            task_id=task_id,
            status=normalize_job_status(body.get("status", "queued")),
            created_at=created_at,
            links=links,
            execution_id=str_or_none(body.get("executionId")),
            status_url=status_url,
            message=str_or_none(body.get("message")),
        )


def _url_path(url: Optional[str]) -> Optional[str]:
    try:
        return urlsplit(url).path if url else None
    except ValueError:  # e.g. "http://[": a malformed URL is ignored, not raised
        return None


@dataclass
class WorkflowStatus:
    """A workflow's deployment state."""

    is_deployed: bool
    deployed_at: Optional[str] = None
    needs_redeployment: bool = False

    @classmethod
    def from_wire(cls, body: Any) -> WorkflowStatus:
        """Build from ``GET /api/workflows/{id}/status``."""
        if not isinstance(body, dict) or not isinstance(body.get("isDeployed"), bool):
            raise InvalidResponseError(
                "The workflow status answer has no isDeployed flag", body=body
            )
        return cls(
            is_deployed=body["isDeployed"],
            deployed_at=str_or_none(body.get("deployedAt")),
            needs_redeployment=body.get("needsRedeployment") is True,
        )


@dataclass
class RateLimitInfo:
    """The rate-limit headers of the last answer. ``reset`` is epoch seconds."""

    limit: int
    remaining: int
    reset: int
    retry_after: Optional[int] = None


def _normalize_bucket(bucket: Any) -> Any:
    # Both eras in one shape: 2025 says ``limit``, 2026 ``requestsPerMinute`` + ``maxBurst``.
    if not isinstance(bucket, dict):
        return bucket
    bucket = dict(bucket)
    if "limit" not in bucket and "requestsPerMinute" in bucket:
        bucket["limit"] = bucket["requestsPerMinute"]
    if "requestsPerMinute" not in bucket and "limit" in bucket:
        bucket["requestsPerMinute"] = bucket["limit"]
    return bucket


@dataclass
class UsageLimits:
    """Rate limits and usage of the account. ``rate_limit["sync"]["limit"]`` is filled on every
    server era (from ``requestsPerMinute`` on newer servers)."""

    success: bool
    rate_limit: Dict[str, Any]
    usage: Dict[str, Any]
    storage: Optional[Dict[str, Any]] = None

    @classmethod
    def from_wire(cls, body: Any) -> UsageLimits:
        """Build from ``GET /api/users/me/usage-limits`` of either era."""
        if not isinstance(body, dict):
            raise InvalidResponseError("The usage limits answer is not a JSON object", body=body)
        rate_limit = body.get("rateLimit")
        usage = body.get("usage")
        if not isinstance(rate_limit, dict) or not isinstance(usage, dict):
            raise InvalidResponseError(
                "The usage limits answer lacks rateLimit or usage", body=body
            )
        return cls(
            success=body.get("success") is not False,
            rate_limit={key: _normalize_bucket(value) for key, value in rate_limit.items()},
            usage=dict(usage),
            storage=dict_or_none(body.get("storage")),
        )


def normalize_job(body: Mapping[str, Any]) -> Dict[str, Any]:
    """A job answer as a plain dict with ``status`` in the documented vocabulary; the server's
    own word is kept as ``rawStatus`` when it differs."""
    job = dict(body)
    raw = job.get("status")
    job["status"] = normalize_job_status(raw)
    if raw != job["status"]:
        job["rawStatus"] = raw
    if not isinstance(job.get("metadata"), dict):
        job["metadata"] = {}
    return job

"""Results of running a workflow: a finished run, a queued run, and deployment status."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional
from urllib.parse import urlsplit

from .._errors import InvalidResponseError
from ._base import APIObject
from ._wire import dict_or_none, error_text, float_or_none, list_or_none, str_or_none
from .jobs import normalize_job_status

__all__ = ["AsyncExecutionResult", "WorkflowExecutionResult", "WorkflowStatus"]


@dataclass
class WorkflowExecutionResult(APIObject):
    """The outcome of a synchronous (or streamed, or waited-for) workflow run.

    ``success`` is False for a run that failed; ``error`` then says why and ``output`` keeps any
    partial output. A Response-block workflow's custom JSON body arrives as ``output`` with its
    HTTP status in ``http_status``. ``text_truncated`` is True for a streamed run whose text
    outgrew the stream's ``max_text_chars``: the streamed outputs in ``output`` are cut short.
    ``raw`` is the wire body the result was built from.
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
    raw: Any = field(default=None, repr=False, compare=False)

    @classmethod
    def from_wire(cls, body: Any, http_status: Optional[int] = None) -> WorkflowExecutionResult:
        """Build a result from an execute answer of any era (envelope or Response-block body)."""
        if not (isinstance(body, dict) and isinstance(body.get("success"), bool)):
            ok = http_status is None or http_status < 400
            return cls(success=ok, output=body, http_status=http_status, raw=body)
        return cls(
            success=body["success"],
            output=body.get("output"),
            error=error_text(body.get("error")),
            logs=list_or_none(body.get("logs")),
            metadata=dict_or_none(body.get("metadata")),
            trace_spans=list_or_none(body.get("traceSpans")),
            total_duration=float_or_none(body.get("totalDuration")),
            execution_id=str_or_none(body.get("executionId")),
            status=str_or_none(body.get("status")),
            http_status=http_status,
            raw=body,
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
class AsyncExecutionResult(APIObject):
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
    raw: Any = field(default=None, repr=False, compare=False)

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
            raw=body,
        )


def _url_path(url: Optional[str]) -> Optional[str]:
    try:
        return urlsplit(url).path if url else None
    except ValueError:  # e.g. "http://[": a malformed URL is ignored, not raised
        return None


@dataclass
class WorkflowStatus(APIObject):
    """A workflow's deployment state."""

    is_deployed: bool
    deployed_at: Optional[str] = None
    needs_redeployment: bool = False
    raw: Any = field(default=None, repr=False, compare=False)

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
            raw=body,
        )

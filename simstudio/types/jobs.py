"""JobStatus: an async job's state, typed, and still the dict the official docs index into."""

from __future__ import annotations

from typing import Any, Dict, Mapping, Optional

from ._base import APIObject
from ._wire import dict_or_none, error_text, str_or_none

__all__ = ["TERMINAL_STATUSES", "JobStatus", "normalize_job_status"]

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

# The documented keys of a job status; present on every server era (None when not sent).
_TOP_LEVEL_KEYS = ("success", "taskId", "status", "output", "error", "estimatedDuration")
_METADATA_KEYS = ("startedAt", "completedAt", "duration")


def normalize_job_status(status: Any) -> str:
    """Map a job status of any era (``pending``, ``running``...) onto the documented words
    ``queued``, ``processing``, ``completed``, ``failed``, ``cancelled`` (others pass through)."""
    if not isinstance(status, str) or not status:
        return "unknown"
    lowered = status.lower()
    return _JOB_STATUS_ALIASES.get(lowered, lowered)


class JobStatus(Dict[str, Any], APIObject):
    """The state of an async job: a ``dict`` with the documented keys, plus typed properties.

    ``status["status"]``, ``status["output"]`` and ``status["metadata"]["duration"]`` work as in
    the official docs on every server era: every documented key is present (``None`` when the
    server did not say; 2026 servers send no timing). ``status`` uses the documented words
    (``queued``, ``processing``, ``completed``, ``failed``, ``cancelled``); the server's own
    word is kept under ``rawStatus`` when it differs (e.g. ``pending``).
    """

    @classmethod
    def from_wire(cls, body: Mapping[str, Any], task_id: Optional[str] = None) -> JobStatus:
        """Build from a ``GET /api/jobs/{id}`` answer of any era."""
        job = cls(body)
        raw = job.get("status")
        job["status"] = normalize_job_status(raw)
        if raw != job["status"]:
            job["rawStatus"] = raw
        for key in _TOP_LEVEL_KEYS:
            job.setdefault(key, None)
        if job["taskId"] is None and task_id is not None:
            job["taskId"] = task_id
        if job["success"] is None:
            job["success"] = True
        metadata = dict(job["metadata"]) if isinstance(job.get("metadata"), dict) else {}
        for key in _METADATA_KEYS:
            metadata.setdefault(key, None)
        job["metadata"] = metadata
        job.__dict__["_raw"] = dict(body)
        return job

    @property
    def raw(self) -> Dict[str, Any]:
        """The answer exactly as the server sent it."""
        raw: Dict[str, Any] = self.__dict__.get("_raw", {})
        return raw

    @property
    def task_id(self) -> Optional[str]:
        """The job's id."""
        return str_or_none(self.get("taskId"))

    @property
    def status(self) -> str:
        """``queued``, ``processing``, ``completed``, ``failed`` or ``cancelled``."""
        return str(self.get("status"))

    @property
    def is_finished(self) -> bool:
        """Whether the job has ended (completed, failed or cancelled)."""
        return self.status in TERMINAL_STATUSES

    @property
    def output(self) -> Any:
        """The job's output: the background task's return value (``None`` until completed)."""
        return self.get("output")

    @property
    def error(self) -> Optional[str]:
        """Why the job failed, as text."""
        return error_text(self.get("error"))

    @property
    def metadata(self) -> Dict[str, Any]:
        """Timing and correlation data (``startedAt``, ``completedAt``, ``duration``...)."""
        return dict_or_none(self.get("metadata")) or {}

    def __reduce__(self) -> Any:
        return (JobStatus, (dict(self),), dict(self.__dict__))

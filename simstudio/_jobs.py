"""Async jobs: reading a job's state and waiting for it with backoff and a hard deadline."""

from __future__ import annotations

import logging
from typing import Any, Callable, Dict, Optional

from ._base import BaseClient
from ._errors import (
    ExecutionError,
    InvalidArgumentError,
    InvalidResponseError,
    RateLimitError,
    RequestTimeoutError,
)
from ._inputs import resource_path
from ._models import (
    TERMINAL_STATUSES,
    WorkflowExecutionResult,
    dict_or_none,
    error_text,
    normalize_job,
    str_or_none,
)

__all__ = ["JobsMixin", "job_result"]

logger = logging.getLogger("simstudio")

_BACKOFF = 1.5


def _unwrap_output(output: Any) -> Any:
    # The job's output is the background task's return value; the workflow output is inside.
    if (
        isinstance(output, dict)
        and "output" in output
        and ("executionId" in output or "executedAt" in output or "workflowId" in output)
    ):
        return output["output"]
    return output


def job_result(task_id: str, job: Dict[str, Any]) -> WorkflowExecutionResult:
    """A finished job as a result; a failed or cancelled job raises :class:`ExecutionError`."""
    status = job.get("status")
    if status == "completed":
        output = job.get("output")
        task_return = output if isinstance(output, dict) else {}
        return WorkflowExecutionResult(
            success=task_return.get("success") is not False,
            output=_unwrap_output(output),
            error=error_text(task_return.get("error")),
            metadata=dict_or_none(job.get("metadata")),
            execution_id=str_or_none(task_return.get("executionId")),
            status="completed",
        )
    message = error_text(job.get("error")) or f"job {status}"
    code = "EXECUTION_CANCELLED" if status == "cancelled" else "EXECUTION_ERROR"
    raise ExecutionError(f"job {task_id!r} {status}: {message}", code, body=job)


class JobsMixin(BaseClient):
    """Methods for async jobs."""

    def get_job_status(self, task_id: str) -> Dict[str, Any]:
        """The state of an async job as a dict (``status``, ``output``, ``error``, ``metadata``).

        ``status`` uses the documented words (``queued``, ``processing``, ``completed``,
        ``failed``, ``cancelled``) on every server era; the server's own word is kept in
        ``rawStatus`` when it differs (e.g. ``pending``).
        """
        what = f"get_job_status({task_id!r})"
        body = self._get_json(resource_path("/api/jobs/{task_id}", task_id=task_id), what)
        if not isinstance(body, dict) or "status" not in body:
            raise InvalidResponseError(f"{what}: the answer is not a job status", body=body)
        return normalize_job(body)

    def wait_for_job(
        self,
        task_id: str,
        *,
        timeout: float = 600.0,
        poll_interval: float = 1.0,
        max_poll_interval: float = 10.0,
        on_status: Optional[Callable[[Dict[str, Any]], None]] = None,
    ) -> WorkflowExecutionResult:
        """Poll a job until it finishes and return its result.

        Polls start every ``poll_interval`` seconds and slow down by 1.5x per poll up to
        ``max_poll_interval``; a 429 waits for the server's ``Retry-After``. The workflow
        output is unwrapped from the job's ``output.output``.

        Args:
            task_id: The ``task_id`` of an :class:`AsyncExecutionResult`.
            timeout: Hard deadline in seconds for the whole wait.
            poll_interval: The first wait between polls.
            max_poll_interval: The longest wait between polls.
            on_status: Called with each job state seen (for progress display).

        Raises:
            ExecutionError: The job failed (``EXECUTION_ERROR``) or was cancelled
                (``EXECUTION_CANCELLED``); the job dict is on ``error.body``.
            RequestTimeoutError: The job was still running at the deadline.
        """
        if timeout <= 0 or poll_interval <= 0:
            raise InvalidArgumentError("timeout and poll_interval must be positive")
        deadline = self._clock() + timeout
        interval = poll_interval
        while True:
            try:
                job = self.get_job_status(task_id)
            except RateLimitError as error:
                wait = max(error.retry_after or interval, interval)
            else:
                if on_status is not None:
                    on_status(job)
                if job["status"] in TERMINAL_STATUSES:
                    return job_result(task_id, job)
                wait = interval
                interval = min(interval * _BACKOFF, max_poll_interval)
            remaining = deadline - self._clock()
            if remaining <= 0:
                raise RequestTimeoutError(
                    f"wait_for_job({task_id!r}): still not finished after {timeout:g}s"
                )
            logger.debug("wait_for_job(%r): next poll in %.2fs", task_id, min(wait, remaining))
            self._sleep(min(wait, remaining))

"""``client.jobs``: the state of queued (async) runs, and waiting for them."""

from __future__ import annotations

from typing import Any, Callable, Dict, Mapping, Optional, Tuple

from .._config import Timeout
from .._errors import ExecutionError, InvalidResponseError
from .._inputs import resource_path
from .._polling import DEFAULT_MAX_POLL_INTERVAL, DEFAULT_POLL_INTERVAL, DEFAULT_WAIT
from ..types._wire import dict_or_none, error_text, str_or_none
from ..types.jobs import JobStatus
from ..types.workflows import WorkflowExecutionResult
from ._base import Resource

__all__ = ["Jobs", "job_result"]


def _unwrap_output(output: Any) -> Any:
    # The job's output is the background task's return value; the workflow output is inside.
    if (
        isinstance(output, dict)
        and "output" in output
        and ("executionId" in output or "executedAt" in output or "workflowId" in output)
    ):
        return output["output"]
    return output


def job_result(task_id: str, job: Mapping[str, Any]) -> WorkflowExecutionResult:
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
            raw=dict(job),
        )
    message = error_text(job.get("error")) or f"job {status}"
    code = "EXECUTION_CANCELLED" if status == "cancelled" else "EXECUTION_ERROR"
    raise ExecutionError(f"job {task_id!r} {status}: {message}", code, body=dict(job))


class Jobs(Resource):
    """Queued runs (``execute_workflow(..., async_execution=True)``) by their task id."""

    def get(
        self,
        task_id: str,
        *,
        timeout: Optional[Timeout] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> JobStatus:
        """The state of a job: a :class:`JobStatus` (a ``dict`` with typed properties).

        ``status`` uses the documented words (``queued``, ``processing``, ``completed``,
        ``failed``, ``cancelled``) on every server era; the documented keys are always there.
        """
        return self._get(task_id, timeout, extra_headers, retry="read")

    def _get(
        self,
        task_id: str,
        timeout: Optional[Timeout],
        extra_headers: Optional[Mapping[str, str]],
        retry: str,
    ) -> JobStatus:
        what = f"get_job_status({task_id!r})"
        answer = self._requester.request(
            "GET",
            resource_path("/api/jobs/{task_id}", task_id=task_id),
            what=what,
            timeout=timeout,
            extra_headers=extra_headers,
            retry=retry,
        )
        body = answer.json()
        if not isinstance(body, dict) or "status" not in body:
            raise InvalidResponseError(f"{what}: the answer is not a job status", body=body)
        return self._build(lambda wire: JobStatus.from_wire(wire, task_id), answer)

    def wait(
        self,
        task_id: str,
        *,
        timeout: float = DEFAULT_WAIT,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        max_poll_interval: float = DEFAULT_MAX_POLL_INTERVAL,
        on_status: Optional[Callable[[Dict[str, Any]], None]] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> WorkflowExecutionResult:
        """Poll a job until it finishes and return its result.

        The first polls come quickly (50 ms, doubling up to ``poll_interval``), then slow
        down by 1.5x up to ``max_poll_interval``; a 429 waits for the server's
        ``Retry-After``, and connection errors or 5xx answers count as "not yet". The whole
        wait, each poll's own HTTP time included, ends by ``timeout``. The workflow output is
        unwrapped from the job's ``output.output``.

        Args:
            task_id: The ``task_id`` of an :class:`AsyncExecutionResult`.
            timeout: Hard deadline in seconds for the whole wait.
            poll_interval: The steady wait between polls once the first quick ones are done.
            max_poll_interval: The longest wait between polls.
            on_status: Called with each job state seen (for progress display).
            extra_headers: Headers added to each poll.

        Raises:
            ExecutionError: The job failed (``EXECUTION_ERROR``) or was cancelled
                (``EXECUTION_CANCELLED``); the job is on ``error.body``.
            RequestTimeoutError: The job was still running at the deadline.
        """

        def fetch(timeouts: Tuple[float, float]) -> JobStatus:
            return self._get(task_id, timeouts, extra_headers, retry="never")

        job = self._poll(
            fetch,
            lambda state: state.is_finished,
            what=f"wait_for_job({task_id!r})",
            timeout=timeout,
            poll_interval=poll_interval,
            max_poll_interval=max_poll_interval,
            on_status=on_status,
        )
        return job_result(task_id, job)

"""``client.executions``: look up, wait for, cancel and resume runs by their execution id."""

from __future__ import annotations

from typing import Any, List, Mapping, Optional, Sequence, Tuple, Union

from .._config import Timeout
from .._errors import NotFoundError, SimStudioError
from .._inputs import build_execute_body, encode_json, resource_path
from .._polling import DEFAULT_MAX_POLL_INTERVAL, DEFAULT_POLL_INTERVAL, DEFAULT_WAIT
from .._retry import read_should_retry
from ..types._base import with_response
from ..types._wire import object_body, str_or_none
from ..types.executions import CancelResult, ExecutionDetails, PausedExecution
from ..types.workflows import AsyncExecutionResult, WorkflowExecutionResult
from ._base import Resource

__all__ = ["Executions", "output_query"]


def output_query(
    include_output: bool, selected_outputs: Optional[Sequence[str]]
) -> Mapping[str, Any]:
    """The ``includeOutput``/``selectedOutputs`` query of execution and run lookups."""
    return {
        "includeOutput": include_output,
        "selectedOutputs": list(selected_outputs) if selected_outputs else None,
    }


def _execution_path(workflow_id: str, execution_id: str, tail: str = "") -> str:
    return resource_path(
        "/api/workflows/{workflow_id}/executions/{execution_id}" + tail,
        workflow_id=workflow_id,
        execution_id=execution_id,
    )


class Executions(Resource):
    """Runs of a workflow by execution id: details, waiting, cancelling, human-in-the-loop."""

    def get(
        self,
        workflow_id: str,
        execution_id: str,
        *,
        include_output: bool = True,
        selected_outputs: Optional[Sequence[str]] = None,
        timeout: Optional[Timeout] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> ExecutionDetails:
        """One execution: status, timing and output."""
        return self._get(
            workflow_id, execution_id, include_output, selected_outputs, timeout, extra_headers
        )

    def _get(
        self,
        workflow_id: str,
        execution_id: str,
        include_output: bool,
        selected_outputs: Optional[Sequence[str]],
        timeout: Optional[Timeout],
        extra_headers: Optional[Mapping[str, str]],
        retry: str = "read",
    ) -> ExecutionDetails:
        answer = self._requester.request(
            "GET",
            _execution_path(workflow_id, execution_id),
            query=output_query(include_output, selected_outputs),
            what=f"get_execution({execution_id!r})",
            timeout=timeout,
            extra_headers=extra_headers,
            retry=retry,
        )
        return self._build(ExecutionDetails.from_wire, answer)

    def wait(
        self,
        workflow_id: str,
        execution_id: str,
        *,
        timeout: float = DEFAULT_WAIT,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        max_poll_interval: float = DEFAULT_MAX_POLL_INTERVAL,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> ExecutionDetails:
        """Poll until the run has finished (completed, failed or cancelled).

        Polls like ``client.jobs.wait`` (quick first polls, backoff, ``Retry-After``, a hard
        ``timeout``); a run not recorded yet (404 right after it was claimed) counts as
        "not yet".

        Raises:
            RequestTimeoutError: The run was still going at the deadline.
        """

        def fetch(timeouts: Tuple[float, float]) -> ExecutionDetails:
            return self._get(
                workflow_id, execution_id, True, None, timeouts, extra_headers, retry="never"
            )

        def keep_going(error: SimStudioError) -> bool:
            return isinstance(error, NotFoundError) or read_should_retry(error)

        return self._poll(
            fetch,
            lambda details: details.is_finished,
            what=f"wait_for_execution({execution_id!r})",
            timeout=timeout,
            poll_interval=poll_interval,
            max_poll_interval=max_poll_interval,
            keep_going=keep_going,
        )

    def cancel(
        self,
        workflow_id: str,
        execution_id: str,
        *,
        timeout: Optional[Timeout] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> CancelResult:
        """Ask the server to cancel a running, queued or paused execution (best-effort)."""
        what = f"cancel_execution({execution_id!r})"
        answer = self._requester.request(
            "POST",
            _execution_path(workflow_id, execution_id, "/cancel"),
            json={},
            what=what,
            timeout=timeout,
            extra_headers=extra_headers,
        )
        return self._build(lambda body: CancelResult.from_wire(object_body(body, what)), answer)

    def list_paused(
        self,
        workflow_id: str,
        *,
        status: Optional[str] = None,
        timeout: Optional[Timeout] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> List[PausedExecution]:
        """The workflow's executions paused for human input."""
        what = "list_paused_executions"
        answer = self._requester.request(
            "GET",
            resource_path("/api/workflows/{workflow_id}/paused", workflow_id=workflow_id),
            query={"status": status or None},
            what=what,
            timeout=timeout,
            extra_headers=extra_headers,
        )
        items = object_body(answer.json(), what).get("pausedExecutions")
        if not isinstance(items, list):
            return []
        return [with_response(PausedExecution.from_wire(i), answer.headers) for i in items]

    def get_paused(
        self,
        workflow_id: str,
        execution_id: str,
        *,
        timeout: Optional[Timeout] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> PausedExecution:
        """One paused execution with its pause points."""
        what = "get_paused_execution"
        answer = self._requester.request(
            "GET",
            resource_path(
                "/api/workflows/{workflow_id}/paused/{execution_id}",
                workflow_id=workflow_id,
                execution_id=execution_id,
            ),
            what=what,
            timeout=timeout,
            extra_headers=extra_headers,
        )

        def build(body: Any) -> PausedExecution:
            body = object_body(body, what)
            return PausedExecution.from_wire(body.get("pausedExecution", body))

        return self._build(build, answer)

    def resume(
        self,
        workflow_id: str,
        execution_id: str,
        context_id: str,
        input_data: Any = None,
        *,
        timeout: Optional[Timeout] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> Union[WorkflowExecutionResult, AsyncExecutionResult]:
        """Resume a paused execution at ``context_id`` with the human's input.

        Returns the run's result when the server ran it to the end (or to the next pause,
        ``status="paused"``), a result with ``status`` ``queued``/``started`` when it was
        handed to a worker, or an :class:`AsyncExecutionResult` for a 202.
        """
        path = resource_path(
            "/api/resume/{workflow_id}/{execution_id}/{context_id}",
            workflow_id=workflow_id,
            execution_id=execution_id,
            context_id=context_id,
        )
        payload = {
            "input": build_execute_body(input_data) if isinstance(input_data, dict) else input_data
        }
        answer = self._requester.request(
            "POST",
            path,
            body=encode_json(payload),
            what=f"resume_execution({execution_id!r})",
            timeout=timeout,
            extra_headers=extra_headers,
            retry="safe",
        )
        return with_response(self._resumed(answer.json(), answer.status), answer.headers)

    def _resumed(
        self, body: Any, status: int
    ) -> Union[WorkflowExecutionResult, AsyncExecutionResult]:
        if status == 202:
            return AsyncExecutionResult.from_wire(body, self._requester.config.base_url)
        if (
            isinstance(body, dict)
            and "success" not in body
            and body.get("status") in ("queued", "started")
        ):
            return WorkflowExecutionResult(
                success=True,
                status=body["status"],
                execution_id=str_or_none(body.get("executionId")),
                metadata=body,
                http_status=status,
                raw=body,
            )
        return WorkflowExecutionResult.from_wire(body, status)

"""SimStudioClient: each public method validates, sends, and builds a model from the answer."""

from __future__ import annotations

import logging
import time
from typing import (
    Any,
    Dict,
    Literal,
    Optional,
    Sequence,
    Union,
    overload,
)

from ._base import BaseClient
from ._config import Timeout, resolve_timeout
from ._errors import (
    ConfigurationError,
    InvalidRequestError,
    InvalidResponseError,
    NotFoundError,
    PermissionDeniedError,
    SimStudioError,
)
from ._inputs import build_execute_body, encode_json, path_segment
from ._models import (
    AsyncExecutionResult,
    UsageLimits,
    WorkflowExecutionResult,
    WorkflowStatus,
    normalize_job,
)
from ._responses import Answer, decode_json, error_from_answer
from ._retry import RetryPolicy
from ._streaming import WorkflowStream, open_workflow_stream
from ._transport import request_headers

__all__ = ["Client", "SimStudioClient"]

logger = logging.getLogger("simstudio")

ExecuteResult = Union[WorkflowExecutionResult, AsyncExecutionResult]

_DEFAULT_STREAM_READ_TIMEOUT = 300.0


class SimStudioClient(BaseClient):
    """A synchronous client for Sim's workflow API, safe to share between threads.

    Args:
        api_key: Your Sim API key; defaults to the ``SIM_API_KEY`` environment variable.
        base_url: The Sim server; defaults to ``SIM_BASE_URL``, then ``https://sim.ai``.
        timeout: Default timeout in seconds for every call (a number is the read timeout,
            with connect capped at 10 s; or a ``(connect, read)`` pair). Default 30 s.
        max_retries: How often idempotent reads (status, jobs, usage) are retried on connection
            errors, 429 and 5xx. Executes are never retried implicitly; see
            :meth:`execute_with_retry`.
        session: A ``requests.Session`` to use as-is (proxies, TLS, adapters); it is not closed
            by :meth:`close`.
        sleep: Replaces ``time.sleep`` for retry waits (tests inject a fake).
        random: Replaces ``random.random`` for retry jitter.

    Raises:
        ConfigurationError: No API key, or an unusable ``base_url``.
    """

    # ----------------------------------------------------------------- execution

    @overload
    def execute_workflow(
        self,
        workflow_id: str,
        input_data: Any = ...,
        timeout: Optional[Timeout] = ...,
        stream: Literal[False] = ...,
        selected_outputs: Optional[Sequence[str]] = ...,
        async_execution: Literal[False] = ...,
    ) -> WorkflowExecutionResult: ...

    @overload
    def execute_workflow(
        self,
        workflow_id: str,
        input_data: Any,
        timeout: Optional[Timeout],
        stream: Literal[True],
        selected_outputs: Optional[Sequence[str]] = ...,
        async_execution: Literal[False] = ...,
    ) -> WorkflowStream: ...

    @overload
    def execute_workflow(
        self,
        workflow_id: str,
        input_data: Any = ...,
        timeout: Optional[Timeout] = ...,
        *,
        stream: Literal[True],
        selected_outputs: Optional[Sequence[str]] = ...,
        async_execution: Literal[False] = ...,
    ) -> WorkflowStream: ...

    @overload
    def execute_workflow(
        self,
        workflow_id: str,
        input_data: Any = ...,
        timeout: Optional[Timeout] = ...,
        stream: Literal[False] = ...,
        selected_outputs: Optional[Sequence[str]] = ...,
        *,
        async_execution: Literal[True],
    ) -> ExecuteResult: ...

    @overload
    def execute_workflow(
        self,
        workflow_id: str,
        input_data: Any = ...,
        timeout: Optional[Timeout] = ...,
        stream: bool = ...,
        selected_outputs: Optional[Sequence[str]] = ...,
        async_execution: bool = ...,
    ) -> Union[ExecuteResult, WorkflowStream]: ...

    def execute_workflow(
        self,
        workflow_id: str,
        input_data: Any = None,
        timeout: Optional[Timeout] = None,
        stream: bool = False,
        selected_outputs: Optional[Sequence[str]] = None,
        async_execution: bool = False,
    ) -> Union[ExecuteResult, WorkflowStream]:
        """Run a deployed workflow.

        Args:
            workflow_id: The workflow's id.
            input_data: The workflow input: a dict of start-block fields (file objects anywhere
                in it are uploaded as base64 data URLs), or any JSON value (sent as ``input``).
            timeout: Seconds to wait for the answer (default: the client's, 30 s). For a stream
                it is the connect/first-byte timeout; see :meth:`stream_workflow`.
            stream: Return a :class:`WorkflowStream` of events as they arrive.
            selected_outputs: Block outputs to stream, as ``"blockName.attribute"``.
            async_execution: Queue the run and return an :class:`AsyncExecutionResult` at once.

        Returns:
            A :class:`WorkflowExecutionResult` (``success=False`` when the run failed), an
            :class:`AsyncExecutionResult`, or a :class:`WorkflowStream` when ``stream=True``.

        Raises:
            SimStudioError: The request could not be sent or the API refused it.
        """
        if stream and async_execution:
            raise InvalidRequestError(
                "stream and async_execution cannot be combined", "INVALID_INPUT"
            )
        if stream:
            return self.stream_workflow(
                workflow_id, input_data, selected_outputs=selected_outputs, timeout=timeout
            )
        return self._execute_once(
            workflow_id, input_data, timeout, selected_outputs, async_execution
        )

    def _execute_once(
        self,
        workflow_id: str,
        input_data: Any,
        timeout: Optional[Timeout],
        selected_outputs: Optional[Sequence[str]],
        async_execution: bool,
    ) -> ExecuteResult:
        path = f"/api/workflows/{path_segment(workflow_id, 'workflow_id')}/execute"
        body = encode_json(build_execute_body(input_data, selected_outputs=selected_outputs))
        headers = {"X-Execution-Mode": "async"} if async_execution else None
        what = f"execute_workflow({workflow_id!r})"
        answer = self._send("POST", path, what=what, body=body, headers=headers, timeout=timeout)
        return self._execution_result(answer, async_execution, what)

    def _execution_result(self, answer: Answer, async_requested: bool, what: str) -> ExecuteResult:
        if answer.status >= 400:
            error = error_from_answer(answer, time.time(), what)
            if WorkflowExecutionResult.is_failed_run(error.body):
                # A run that failed still produced a result (partial output, error, timing).
                return WorkflowExecutionResult.from_wire(error.body, answer.status)
            raise error
        body = decode_json(answer)
        is_async_body = isinstance(body, dict) and ("jobId" in body or "taskId" in body)
        if answer.status == 202 or (async_requested and is_async_body):
            return AsyncExecutionResult.from_wire(body, self._config.base_url)
        return WorkflowExecutionResult.from_wire(body, answer.status)

    def execute_workflow_sync(
        self,
        workflow_id: str,
        input_data: Any = None,
        timeout: Optional[Timeout] = None,
        stream: bool = False,
        selected_outputs: Optional[Sequence[str]] = None,
    ) -> WorkflowExecutionResult:
        """Run a workflow and wait for its result (never queued).

        With ``stream=True`` the events are consumed internally and the final result returned.
        """
        if stream:
            with self.stream_workflow(
                workflow_id, input_data, selected_outputs=selected_outputs, timeout=timeout
            ) as events:
                return events.final_result()
        result = self._execute_once(workflow_id, input_data, timeout, selected_outputs, False)
        assert isinstance(result, WorkflowExecutionResult)
        return result

    def execute_with_retry(
        self,
        workflow_id: str,
        input_data: Any = None,
        timeout: Optional[Timeout] = None,
        stream: bool = False,
        selected_outputs: Optional[Sequence[str]] = None,
        async_execution: bool = False,
        max_retries: int = 3,
        initial_delay: float = 1.0,
        max_delay: float = 30.0,
        backoff_multiplier: float = 2.0,
    ) -> Union[ExecuteResult, WorkflowStream]:
        """Like :meth:`execute_workflow`, retrying only when the server proves nothing ran.

        Retried: 429, 503 overload answers, and connections that never reached the server.
        Waits grow exponentially (``initial_delay * backoff_multiplier**n``, +/-25% jitter,
        capped at ``max_delay``) and are never shorter than the server's ``Retry-After``; a
        server asking for longer than ``max_delay`` gets the error raised at once, with
        ``retry_after`` set. Timeouts and 5xx after the request was sent are not retried: the
        workflow may already be running.
        """
        try:
            policy = RetryPolicy(max_retries, initial_delay, max_delay, backoff_multiplier)
        except ValueError as exc:
            raise InvalidRequestError(str(exc), "INVALID_INPUT") from None

        def attempt() -> Union[ExecuteResult, WorkflowStream]:
            return self.execute_workflow(
                workflow_id, input_data, timeout, stream, selected_outputs, async_execution
            )

        return self._retrying(
            attempt, policy, lambda error: error.retryable, f"execute_with_retry({workflow_id!r})"
        )

    def stream_workflow(
        self,
        workflow_id: str,
        input_data: Any = None,
        *,
        selected_outputs: Optional[Sequence[str]] = None,
        timeout: Optional[Timeout] = None,
        idle_timeout: Optional[float] = _DEFAULT_STREAM_READ_TIMEOUT,
        deadline: Optional[float] = None,
    ) -> WorkflowStream:
        """Run a workflow and stream its events as they arrive.

        Args:
            workflow_id: The workflow's id.
            input_data: The workflow input, as for :meth:`execute_workflow`.
            selected_outputs: Block outputs to stream (``"agent1.content"``); without them Sim
                sends no text chunks, only the final result.
            timeout: Connect and first-answer timeout (default: the client's).
            idle_timeout: Longest silence between bytes once streaming (default 300 s; Sim
                sends no heartbeats while an agent thinks).
            deadline: Optional limit in seconds on the whole stream.

        Returns:
            A :class:`WorkflowStream`; iterate it, or use it as a context manager.
        """
        if self._closed:
            raise ConfigurationError("This SimStudioClient is closed", "CLIENT_CLOSED")
        config = self._config
        path = f"/api/workflows/{path_segment(workflow_id, 'workflow_id')}/execute"
        body = encode_json(
            build_execute_body(input_data, stream=True, selected_outputs=selected_outputs)
        )
        headers = request_headers(
            config.api_key,
            config.user_agent,
            {"Content-Type": "application/json", "Accept": "text/event-stream"},
        )
        return open_workflow_stream(
            self._transport,
            config.base_url + path,
            headers=headers,
            body=body,
            timeout=resolve_timeout(timeout, config.timeout),
            idle_timeout=idle_timeout,
            deadline=deadline,
            what=f"stream_workflow({workflow_id!r})",
            on_headers=self._record_rate_limit,
        )

    # ----------------------------------------------------------------- reads

    def get_workflow_status(self, workflow_id: str) -> WorkflowStatus:
        """A workflow's deployment status (``is_deployed``, ``deployed_at``...)."""
        path = f"/api/workflows/{path_segment(workflow_id, 'workflow_id')}/status"
        return WorkflowStatus.from_wire(
            self._get_json(path, f"get_workflow_status({workflow_id!r})")
        )

    def validate_workflow(self, workflow_id: str) -> bool:
        """Whether the workflow exists, is visible to this key and is deployed.

        Unlike the official SDK, only "not found" and "forbidden" answers mean ``False``;
        authentication, connection and server errors are raised, not hidden.
        """
        try:
            return self.get_workflow_status(workflow_id).is_deployed
        except (NotFoundError, PermissionDeniedError):
            return False

    def get_job_status(self, task_id: str) -> Dict[str, Any]:
        """The state of an async job as a dict (``status``, ``output``, ``error``, ``metadata``).

        ``status`` uses the documented words (``queued``, ``processing``, ``completed``,
        ``failed``, ``cancelled``) on every server era; the server's own word is kept in
        ``rawStatus`` when it differs (e.g. ``pending``).
        """
        path = f"/api/jobs/{path_segment(task_id, 'task_id')}"
        body = self._get_json(path, f"get_job_status({task_id!r})")
        if not isinstance(body, dict) or "status" not in body:
            raise _invalid(f"get_job_status({task_id!r})", "a job status", body)
        return normalize_job(body)

    def get_usage_limits(self) -> UsageLimits:
        """The account's rate limits and usage (``limit`` is filled on every server era)."""
        return UsageLimits.from_wire(
            self._get_json("/api/users/me/usage-limits", "get_usage_limits()")
        )


def _invalid(what: str, expected: str, body: Any) -> SimStudioError:
    return InvalidResponseError(f"{what}: the answer is not {expected}", body=body)


Client = SimStudioClient
"""Alias of :class:`SimStudioClient`, as in the official SDK."""

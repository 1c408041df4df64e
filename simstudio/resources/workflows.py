"""``client.workflows``: run workflows (sync, streamed, queued, batched) and read their status;
managing them (``workflow_admin.py``, ``workflow_deployments.py``) is inherited."""

from __future__ import annotations

from typing import (
    Any,
    Callable,
    Dict,
    Iterable,
    List,
    Literal,
    Mapping,
    Optional,
    Sequence,
    Union,
    overload,
)

from .._batch import run_batch
from .._config import Timeout
from .._errors import ConflictError, NotFoundError, PermissionDeniedError, SimStudioError
from .._inputs import resource_path
from .._polling import DEFAULT_MAX_POLL_INTERVAL, DEFAULT_POLL_INTERVAL, DEFAULT_WAIT
from .._requester import Requester
from .._retry import RetryPolicy, safe_should_retry
from .._streaming import (
    DEFAULT_IDLE,
    DEFAULT_MAX_TEXT_CHARS,
    IdleTimeout,
    WorkflowStream,
    open_workflow_stream,
)
from ..types.batch import BatchItem, BatchResult
from ..types.workflows import AsyncExecutionResult, WorkflowExecutionResult, WorkflowStatus
from ._execute import ExecuteRequest, ExecuteResult, execution_result, prepare_execute
from .executions import Executions
from .jobs import Jobs
from .usage import Usage
from .workflow_admin import WorkflowAdmin

__all__ = ["Workflows"]


class Workflows(WorkflowAdmin):
    """Workflows: execute them (sync, streamed, queued, batched) and read their status; list,
    export, import, update, delete, deploy, version and roll them back (``WorkflowAdmin``,
    ``WorkflowDeployments``); their folders are ``client.workflows.folders``."""

    def __init__(
        self, requester: Requester, *, jobs: Jobs, executions: Executions, usage: Usage
    ) -> None:
        super().__init__(requester)
        self._jobs = jobs
        self._executions = executions
        self._usage = usage

    @overload
    def execute(
        self,
        workflow_id: str,
        input_data: Any = ...,
        *,
        timeout: Optional[Timeout] = ...,
        selected_outputs: Optional[Sequence[str]] = ...,
        async_execution: Literal[False] = ...,
        execution_id: Optional[str] = ...,
        execution_timeout_seconds: Optional[int] = ...,
        retry: Optional[RetryPolicy] = ...,
        exactly_once: bool = ...,
        extra_headers: Optional[Mapping[str, str]] = ...,
    ) -> WorkflowExecutionResult: ...

    @overload
    def execute(
        self,
        workflow_id: str,
        input_data: Any = ...,
        *,
        timeout: Optional[Timeout] = ...,
        selected_outputs: Optional[Sequence[str]] = ...,
        async_execution: bool,
        execution_id: Optional[str] = ...,
        execution_timeout_seconds: Optional[int] = ...,
        retry: Optional[RetryPolicy] = ...,
        exactly_once: bool = ...,
        extra_headers: Optional[Mapping[str, str]] = ...,
    ) -> ExecuteResult: ...

    def execute(
        self,
        workflow_id: str,
        input_data: Any = None,
        *,
        timeout: Optional[Timeout] = None,
        selected_outputs: Optional[Sequence[str]] = None,
        async_execution: bool = False,
        execution_id: Optional[str] = None,
        execution_timeout_seconds: Optional[int] = None,
        retry: Optional[RetryPolicy] = None,
        exactly_once: bool = False,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> ExecuteResult:
        """Run a deployed workflow and return its result (or, queued, its job).

        Args:
            workflow_id: The workflow's id.
            input_data: The workflow input: a dict of start-block fields (file objects anywhere
                in it are uploaded as base64 data URLs), or any JSON value (sent as ``input``).
            timeout: Seconds to wait for the answer (default: the client's, 30 s).
            selected_outputs: Block outputs to include, as ``"blockName.attribute"``.
            async_execution: Queue the run and return an :class:`AsyncExecutionResult` at once.
            execution_id: The id to claim for this run (``X-Execution-Id``; 1-128 characters of
                ``A-Z a-z 0-9 . _ : -``). Default: a fresh UUID per call. Servers since 2026
                refuse to run the same id twice (``ConflictError``, code
                ``EXECUTION_ID_CONFLICT``), which makes it an idempotency key.
            execution_timeout_seconds: Server-side time limit of an async run (1-604800).
            retry: Retry with this policy, but only when the server proves nothing ran (429,
                503 overload, a connection that never reached it). Default: no retry.
            exactly_once: With ``retry``, also re-send after a lost answer under the same
                execution id, following the existing run on ``EXECUTION_ID_CONFLICT``
                (servers since 2026 only).
            extra_headers: Headers for this call only, over the client's ``default_headers``.

        Returns:
            A :class:`WorkflowExecutionResult` (``success=False`` when the run failed), or an
            :class:`AsyncExecutionResult` when ``async_execution=True``.

        Raises:
            SimStudioError: The request could not be sent or the API refused it.
        """
        request = prepare_execute(
            workflow_id,
            input_data,
            timeout=timeout,
            selected_outputs=selected_outputs,
            async_execution=async_execution,
            execution_id=execution_id,
            execution_timeout_seconds=execution_timeout_seconds,
        )
        if retry is None:
            return self._send(request, extra_headers)
        return self._send_with_retry(request, retry, exactly_once, extra_headers)

    def _send(
        self, request: ExecuteRequest, extra_headers: Optional[Mapping[str, str]]
    ) -> ExecuteResult:
        requester = self._requester
        answer = requester.send(
            "POST",
            request.path,
            what=request.what,
            body=request.body,
            headers=request.headers,
            timeout=request.timeout,
            extra_headers=extra_headers,
        )
        return execution_result(
            answer,
            request.async_execution,
            request.what,
            requester.config.base_url,
            requester.state.wall_clock(),
        )

    def _send_with_retry(
        self,
        request: ExecuteRequest,
        policy: RetryPolicy,
        exactly_once: bool,
        extra_headers: Optional[Mapping[str, str]],
    ) -> ExecuteResult:
        sent: List[bool] = []

        def attempt() -> ExecuteResult:
            try:
                return self._send(request, extra_headers)
            except ConflictError as error:
                if sent and error.code == "EXECUTION_ID_CONFLICT":
                    return self._reconcile(request)
                raise
            except SimStudioError as error:
                if error.status is None and not error.retryable:
                    sent.append(True)
                raise

        def should_retry(error: SimStudioError) -> bool:
            lost_answer = exactly_once and error.status is None and not error.retryable
            return error.retryable or lost_answer

        return self._requester.retrying(attempt, should_retry, request.what, policy)

    def _reconcile(self, request: ExecuteRequest) -> ExecuteResult:
        """The server already has this execution id: follow that run instead of a new one."""
        if request.async_execution:
            return AsyncExecutionResult.from_wire(
                {
                    "success": True,
                    "jobId": f"workflow-execution:{request.execution_id}",
                    "executionId": request.execution_id,
                },
                self._requester.config.base_url,
            )
        details = self._executions.wait(
            request.workflow_id, request.execution_id, timeout=self._timeouts(request.timeout)[1]
        )
        return details.to_result()

    def stream(
        self,
        workflow_id: str,
        input_data: Any = None,
        *,
        selected_outputs: Optional[Sequence[str]] = None,
        timeout: Optional[Timeout] = None,
        idle_timeout: IdleTimeout = DEFAULT_IDLE,
        deadline: Optional[float] = None,
        execution_id: Optional[str] = None,
        collect_text: bool = True,
        max_text_chars: Optional[int] = DEFAULT_MAX_TEXT_CHARS,
        retry: Optional[RetryPolicy] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> WorkflowStream:
        """Run a workflow and stream its events as they arrive.

        Args:
            workflow_id: The workflow's id.
            input_data: The workflow input, as for :meth:`execute`.
            selected_outputs: Block outputs to stream (``"agent1.content"``); without them Sim
                sends no text chunks, only the final result.
            timeout: Connect and first-answer timeout (default: the client's). Given
                explicitly, it also bounds every wait for bytes once streaming, as ``timeout``
                does for every read in requests; ``idle_timeout`` overrides that.
            idle_timeout: Longest silence between bytes once streaming. Default: the explicit
                ``timeout``'s read part, else 300 s (Sim sends no heartbeats while an agent
                thinks). ``None`` waits forever.
            deadline: Optional limit in seconds on the whole stream.
            execution_id: The id to claim for the run (default: a fresh UUID), available as
                ``stream.execution_id`` and ``stream.result.execution_id`` for cancelling --
                Sim's stream itself never says which run it is.
            collect_text: Keep the streamed text for ``stream.text`` and the result; turn off
                for unbounded streams to hold memory flat.
            max_text_chars: Most characters of text kept (default 16 Mi); beyond it
                ``stream.text_truncated`` and ``result.text_truncated`` are True. ``None``
                keeps everything.
            retry: Retry opening the stream with this policy when the server proves nothing
                ran (429, 503 overload, no connection). A started stream is never re-sent.
            extra_headers: Headers for this call only.

        Returns:
            A :class:`WorkflowStream`; iterate it, or use it as a context manager.
        """
        request = prepare_execute(
            workflow_id,
            input_data,
            timeout=timeout,
            selected_outputs=selected_outputs,
            execution_id=execution_id,
            stream=True,
        )
        requester = self._requester

        def attempt() -> WorkflowStream:
            requester.check_open()
            url, headers, timeouts = requester.prepare(
                request.path,
                content_type="application/json",
                headers=dict(request.headers, Accept="text/event-stream"),
                timeout=timeout,
                extra_headers=extra_headers,
            )
            state = requester.state
            return open_workflow_stream(
                state.transport,
                url,
                headers=headers,
                body=request.body,
                timeout=timeouts,
                timeout_given=timeout is not None,
                idle_timeout=idle_timeout,
                deadline=deadline,
                what=f"stream_workflow({workflow_id!r})",
                on_headers=state.record_rate_limit,
                wall_clock=state.wall_clock,
                clock=state.clock,
                collect_text=collect_text,
                max_text_chars=max_text_chars,
                execution_id=request.execution_id,
            )

        if retry is None:
            return attempt()
        return requester.retrying(attempt, safe_should_retry, request.what, retry)

    def execute_and_wait(
        self,
        workflow_id: str,
        input_data: Any = None,
        *,
        timeout: float = DEFAULT_WAIT,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        max_poll_interval: float = DEFAULT_MAX_POLL_INTERVAL,
        execution_timeout_seconds: Optional[int] = None,
        execution_id: Optional[str] = None,
        on_status: Optional[Callable[[Dict[str, Any]], None]] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> WorkflowExecutionResult:
        """Queue a run (async execution) and wait for its result (``client.jobs.wait``).

        Long runs survive proxies that cut long HTTP requests, and the wait has a hard
        ``timeout``. A server that answers synchronously is fine too: its result is returned.
        """
        queued = self.execute(
            workflow_id,
            input_data,
            async_execution=True,
            execution_id=execution_id,
            execution_timeout_seconds=execution_timeout_seconds,
            extra_headers=extra_headers,
        )
        if isinstance(queued, WorkflowExecutionResult):
            return queued
        return self._jobs.wait(
            queued.task_id,
            timeout=timeout,
            poll_interval=poll_interval,
            max_poll_interval=max_poll_interval,
            on_status=on_status,
            extra_headers=extra_headers,
        )

    def batch(
        self,
        items: Iterable[Union[BatchItem, Sequence[Any], Mapping[str, Any]]],
        *,
        max_workers: int = 4,
        requests_per_minute: Union[float, Literal["auto"], None] = "auto",
        timeout: Optional[Timeout] = None,
        max_rate_limit_waits: int = 20,
        on_progress: Optional[Callable[[BatchResult, int, int], None]] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> List[BatchResult]:
        """Run many executions concurrently, paced to the account's rate limit.

        See :meth:`SimStudioClient.execute_batch` for the arguments.
        """
        state = self._requester.state

        def execute(item: BatchItem) -> ExecuteResult:
            return self.execute(
                item.workflow_id, item.input_data, timeout=timeout, extra_headers=extra_headers
            )

        return run_batch(
            execute,
            lambda: self._usage.limits(extra_headers=extra_headers),
            items,
            clock=state.clock,
            sleep=state.sleep,
            max_workers=max_workers,
            requests_per_minute=requests_per_minute,
            max_rate_limit_waits=max_rate_limit_waits,
            on_progress=on_progress,
        )

    def status(
        self,
        workflow_id: str,
        *,
        timeout: Optional[Timeout] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> WorkflowStatus:
        """A workflow's deployment status (``is_deployed``, ``deployed_at``...)."""
        answer = self._requester.request(
            "GET",
            resource_path("/api/workflows/{workflow_id}/status", workflow_id=workflow_id),
            what=f"get_workflow_status({workflow_id!r})",
            timeout=timeout,
            extra_headers=extra_headers,
        )
        return self._build(WorkflowStatus.from_wire, answer)

    def validate(
        self,
        workflow_id: str,
        *,
        timeout: Optional[Timeout] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> bool:
        """Whether the workflow exists, is visible to this key and is deployed.

        Unlike the official SDK, only "not found" and "forbidden" answers mean ``False``;
        authentication, connection and server errors are raised, not hidden.
        """
        try:
            return self.status(
                workflow_id, timeout=timeout, extra_headers=extra_headers
            ).is_deployed
        except (NotFoundError, PermissionDeniedError):
            return False

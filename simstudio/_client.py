"""SimStudioClient: each public method validates, sends, and builds a model from the answer."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
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

from ._batch import BatchItem, BatchResult, run_batch
from ._config import Timeout, resolve_timeout
from ._errors import (
    ConflictError,
    InvalidArgumentError,
    NotFoundError,
    PermissionDeniedError,
    SimStudioError,
)
from ._inputs import build_execute_body, encode_json, resource_path
from ._jobs import JobsMixin
from ._models import (
    AsyncExecutionResult,
    UsageLimits,
    WorkflowExecutionResult,
    WorkflowStatus,
)
from ._responses import Answer, decode_json, failed_run_or_raise
from ._retry import RetryPolicy
from ._run_control import RunControlMixin
from ._stream_open import DEFAULT_IDLE, IdleTimeout, open_workflow_stream
from ._streaming import DEFAULT_MAX_TEXT_CHARS, WorkflowStream

__all__ = ["Client", "SimStudioClient"]

ExecuteResult = Union[WorkflowExecutionResult, AsyncExecutionResult]


class SimStudioClient(JobsMixin, RunControlMixin):
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
        clock: Replaces ``time.monotonic`` for deadlines (job waits, batches).

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
        *,
        execution_id: Optional[str] = ...,
        execution_timeout_seconds: Optional[int] = ...,
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
        *,
        execution_id: Optional[str] = ...,
        execution_timeout_seconds: Optional[int] = ...,
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
        execution_id: Optional[str] = ...,
        execution_timeout_seconds: Optional[int] = ...,
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
        execution_id: Optional[str] = ...,
        execution_timeout_seconds: Optional[int] = ...,
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
        *,
        execution_id: Optional[str] = ...,
        execution_timeout_seconds: Optional[int] = ...,
    ) -> Union[ExecuteResult, WorkflowStream]: ...

    def execute_workflow(
        self,
        workflow_id: str,
        input_data: Any = None,
        timeout: Optional[Timeout] = None,
        stream: bool = False,
        selected_outputs: Optional[Sequence[str]] = None,
        async_execution: bool = False,
        *,
        execution_id: Optional[str] = None,
        execution_timeout_seconds: Optional[int] = None,
    ) -> Union[ExecuteResult, WorkflowStream]:
        """Run a deployed workflow.

        Args:
            workflow_id: The workflow's id.
            input_data: The workflow input: a dict of start-block fields (file objects anywhere
                in it are uploaded as base64 data URLs), or any JSON value (sent as ``input``).
            timeout: Seconds to wait for the answer (default: the client's, 30 s). For a stream
                it bounds the connection, the first answer and, when given, every wait for
                bytes; see :meth:`stream_workflow`.
            stream: Return a :class:`WorkflowStream` of events as they arrive.
            selected_outputs: Block outputs to stream, as ``"blockName.attribute"``.
            async_execution: Queue the run and return an :class:`AsyncExecutionResult` at once.
            execution_id: The id to claim for this run (``X-Execution-Id``; 1-128 characters of
                ``A-Z a-z 0-9 . _ : -``). Default: a fresh UUID per call. Servers since 2026
                refuse to run the same id twice (``ConflictError``, code
                ``EXECUTION_ID_CONFLICT``), which makes it an idempotency key.
            execution_timeout_seconds: Server-side time limit of an async run (1-604800).

        Returns:
            A :class:`WorkflowExecutionResult` (``success=False`` when the run failed), an
            :class:`AsyncExecutionResult`, or a :class:`WorkflowStream` when ``stream=True``.

        Raises:
            SimStudioError: The request could not be sent or the API refused it.
        """
        if stream and async_execution:
            raise InvalidArgumentError(
                "stream and async_execution cannot be combined", "INVALID_INPUT"
            )
        if stream:
            return self.stream_workflow(
                workflow_id,
                input_data,
                selected_outputs=selected_outputs,
                timeout=timeout,
                execution_id=execution_id,
            )
        request = self._prepare(
            workflow_id,
            input_data,
            timeout,
            selected_outputs,
            async_execution,
            execution_id,
            execution_timeout_seconds,
        )
        return self._send_execute(request)

    def _prepare(
        self,
        workflow_id: str,
        input_data: Any,
        timeout: Optional[Timeout],
        selected_outputs: Optional[Sequence[str]],
        async_execution: bool,
        execution_id: Optional[str],
        execution_timeout_seconds: Optional[int],
        stream: bool = False,
    ) -> _ExecuteRequest:
        """Validate everything before any byte is sent."""
        path = resource_path("/api/workflows/{workflow_id}/execute", workflow_id=workflow_id)
        body = build_execute_body(input_data, stream=stream, selected_outputs=selected_outputs)
        run_id = _check_execution_id(execution_id)
        headers = {"X-Execution-Id": run_id}
        if async_execution:
            headers["X-Execution-Mode"] = "async"
        if execution_timeout_seconds is not None:
            if not async_execution:
                raise InvalidArgumentError(
                    "execution_timeout_seconds applies to async_execution=True runs only",
                    "INVALID_INPUT",
                )
            headers["X-Execution-Timeout-Seconds"] = str(
                _check_run_timeout(execution_timeout_seconds)
            )
        return _ExecuteRequest(
            workflow_id=workflow_id,
            path=path,
            body=encode_json(body),
            headers=headers,
            timeout=timeout,
            async_execution=async_execution,
            execution_id=run_id,
        )

    def _send_execute(self, request: _ExecuteRequest) -> ExecuteResult:
        what = f"execute_workflow({request.workflow_id!r})"
        answer = self._send(
            "POST",
            request.path,
            what=what,
            body=request.body,
            headers=request.headers,
            timeout=request.timeout,
        )
        return self._execution_result(answer, request.async_execution, what)

    def _execution_result(self, answer: Answer, async_requested: bool, what: str) -> ExecuteResult:
        if answer.status >= 400:
            return failed_run_or_raise(answer, self._wall_clock(), what)
        if answer.status == 204 and not async_requested:
            # A Response block may answer "204 No Content": a success without output.
            return WorkflowExecutionResult(success=True, http_status=204)
        body = decode_json(answer)
        is_async_body = isinstance(body, dict) and ("jobId" in body or "taskId" in body)
        # A sync call's 202 without a job id is a Response block's own status, not a queued run.
        if (answer.status == 202 and (async_requested or is_async_body)) or (
            async_requested and is_async_body
        ):
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
        return self.execute_workflow(workflow_id, input_data, timeout, False, selected_outputs)

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
        *,
        exactly_once: bool = False,
        execution_id: Optional[str] = None,
    ) -> Union[ExecuteResult, WorkflowStream]:
        """Like :meth:`execute_workflow`, retrying only when the server proves nothing ran.

        Retried: 429, 503 overload answers, and connections that never reached the server.
        Waits grow exponentially (``initial_delay * backoff_multiplier**n``, +/-25% jitter,
        capped at ``max_delay``) and are never shorter than the server's ``Retry-After``; a
        server asking for longer than ``max_delay`` gets the error raised at once, with
        ``retry_after`` set.

        Without ``exactly_once``, a timeout or broken connection after the request was sent is
        raised, not retried: the workflow may already be running. With ``exactly_once=True``
        (servers since 2026 only, which honour ``X-Execution-Id``), the same request is re-sent
        with the same execution id; if the server already has that run (409
        ``EXECUTION_ID_CONFLICT``) the SDK follows the existing run through
        :meth:`get_execution` instead of starting a second one. Streams are never re-sent.
        """
        try:
            policy = RetryPolicy(max_retries, initial_delay, max_delay, backoff_multiplier)
        except ValueError as exc:
            raise InvalidArgumentError(str(exc), "INVALID_INPUT") from None
        what = f"execute_with_retry({workflow_id!r})"
        if stream:
            return self._retrying(
                lambda: self.stream_workflow(
                    workflow_id,
                    input_data,
                    selected_outputs=selected_outputs,
                    timeout=timeout,
                    execution_id=execution_id,
                ),
                policy,
                lambda error: error.retryable,
                what,
            )
        request = self._prepare(
            workflow_id, input_data, timeout, selected_outputs, async_execution, execution_id, None
        )
        sent: List[bool] = []

        def attempt() -> ExecuteResult:
            try:
                return self._send_execute(request)
            except ConflictError as error:
                if sent and error.code == "EXECUTION_ID_CONFLICT":
                    return self._reconcile(request, what)
                raise
            except SimStudioError as error:
                if error.status is None and not error.retryable:
                    sent.append(True)
                raise

        def should_retry(error: SimStudioError) -> bool:
            lost_response = exactly_once and error.status is None and not error.retryable
            return error.retryable or lost_response

        return self._retrying(attempt, policy, should_retry, what)

    def _reconcile(self, request: _ExecuteRequest, what: str) -> ExecuteResult:
        """The server already has this execution id: follow that run instead of a new one."""
        if request.async_execution:
            task_id = f"workflow-execution:{request.execution_id}"
            return AsyncExecutionResult.from_wire(
                {"success": True, "jobId": task_id, "executionId": request.execution_id},
                self._config.base_url,
            )
        deadline_seconds = resolve_timeout(request.timeout, self._config.timeout)[1]
        details = self.wait_for_execution(
            request.workflow_id, request.execution_id, timeout=deadline_seconds
        )
        return details.to_result()

    def execute_and_wait(
        self,
        workflow_id: str,
        input_data: Any = None,
        *,
        timeout: float = 600.0,
        poll_interval: float = 1.0,
        execution_timeout_seconds: Optional[int] = None,
        execution_id: Optional[str] = None,
        on_status: Optional[Callable[[Dict[str, Any]], None]] = None,
    ) -> WorkflowExecutionResult:
        """Queue a run (async execution) and wait for its result with :meth:`wait_for_job`.

        Long runs survive proxies that cut long HTTP requests, and the wait has a hard
        ``timeout``. A server that answers synchronously is fine too: its result is returned.
        """
        queued = self.execute_workflow(
            workflow_id,
            input_data,
            async_execution=True,
            execution_id=execution_id,
            execution_timeout_seconds=execution_timeout_seconds,
        )
        if isinstance(queued, WorkflowExecutionResult):
            return queued
        return self.wait_for_job(
            queued.task_id, timeout=timeout, poll_interval=poll_interval, on_status=on_status
        )

    def execute_batch(
        self,
        items: Iterable[Union[BatchItem, Sequence[Any], Mapping[str, Any]]],
        *,
        max_workers: int = 4,
        requests_per_minute: Union[float, Literal["auto"], None] = "auto",
        timeout: Optional[Timeout] = None,
        max_rate_limit_waits: int = 20,
        on_progress: Optional[Callable[[BatchResult, int, int], None]] = None,
    ) -> List[BatchResult]:
        """Run many executions concurrently, paced to the account's rate limit.

        Args:
            items: ``BatchItem`` objects, ``(workflow_id, input_data)`` pairs or dicts with
                ``workflow_id`` and ``input_data``.
            max_workers: Executions in flight at once.
            requests_per_minute: The pace to keep. ``"auto"`` reads it from
                :meth:`get_usage_limits` (falling back to pacing from 429 answers alone);
                ``None`` sends as fast as the workers go and only backs off on 429.
            timeout: Per-execution timeout.
            max_rate_limit_waits: How often one item may be sent back by 429 before it fails.
            on_progress: Called after each item as ``on_progress(result, done, total)``.

        Returns:
            One :class:`BatchResult` per item, in input order; failures are recorded on the
            item (``error``), never raised. A 429 proves the run did not start, so rate-limited
            items are re-sent after the server's ``Retry-After``.
        """
        return run_batch(
            self,
            items,
            max_workers=max_workers,
            requests_per_minute=requests_per_minute,
            timeout=timeout,
            max_rate_limit_waits=max_rate_limit_waits,
            on_progress=on_progress,
        )

    def stream_workflow(
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
    ) -> WorkflowStream:
        """Run a workflow and stream its events as they arrive.

        Args:
            workflow_id: The workflow's id.
            input_data: The workflow input, as for :meth:`execute_workflow`.
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
                ``stream.execution_id`` and ``stream.result.execution_id`` for
                :meth:`cancel_execution` -- Sim's stream itself never says which run it is.
            collect_text: Keep the streamed text for ``stream.text`` and the result; turn off
                for unbounded streams to hold memory flat.
            max_text_chars: Most characters of text kept (default 16 Mi, i.e. 16 MiB of ASCII);
                beyond it ``stream.text_truncated`` and ``result.text_truncated`` are True.
                ``None`` keeps everything.

        Returns:
            A :class:`WorkflowStream`; iterate it, or use it as a context manager.
        """
        self._check_open()
        request = self._prepare(
            workflow_id, input_data, timeout, selected_outputs, False, execution_id, None, True
        )
        url, headers, timeouts = self._outgoing(
            request.path, request.body, dict(request.headers, Accept="text/event-stream"), timeout
        )
        return open_workflow_stream(
            self._transport,
            url,
            headers=headers,
            body=request.body,
            timeout=timeouts,
            timeout_given=timeout is not None,
            idle_timeout=idle_timeout,
            deadline=deadline,
            what=f"stream_workflow({workflow_id!r})",
            on_headers=self._record_rate_limit,
            wall_clock=self._wall_clock,
            clock=self._clock,
            collect_text=collect_text,
            max_text_chars=max_text_chars,
            execution_id=request.execution_id,
        )

    # ----------------------------------------------------------------- reads

    def get_workflow_status(self, workflow_id: str) -> WorkflowStatus:
        """A workflow's deployment status (``is_deployed``, ``deployed_at``...)."""
        path = resource_path("/api/workflows/{workflow_id}/status", workflow_id=workflow_id)
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

    def get_usage_limits(self) -> UsageLimits:
        """The account's rate limits and usage (``limit`` is filled on every server era)."""
        return UsageLimits.from_wire(
            self._get_json("/api/users/me/usage-limits", "get_usage_limits()")
        )


@dataclass(frozen=True)
class _ExecuteRequest:
    """A validated execute call, re-sendable byte for byte (same execution id)."""

    workflow_id: str
    path: str
    body: bytes
    headers: Dict[str, str]
    timeout: Optional[Timeout]
    async_execution: bool
    execution_id: str


_EXECUTION_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
_MAX_RUN_TIMEOUT = 7 * 24 * 3600


def _check_execution_id(value: Optional[str]) -> str:
    if value is None:
        return str(uuid.uuid4())
    if not isinstance(value, str) or not _EXECUTION_ID.fullmatch(value):
        raise InvalidArgumentError(
            "execution_id must be 1-128 characters of A-Z a-z 0-9 . _ : -", "INVALID_INPUT"
        )
    return value


def _check_run_timeout(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= _MAX_RUN_TIMEOUT:
        raise InvalidArgumentError(
            "execution_timeout_seconds must be a whole number from 1 to 604800", "INVALID_INPUT"
        )
    return value


Client = SimStudioClient
"""Alias of :class:`SimStudioClient`, as in the official SDK."""

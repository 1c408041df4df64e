"""SimStudioClient: configuration, connections, the resource namespaces, and the documented
flat methods of the official SDK as one-line delegates to them."""

from __future__ import annotations

from functools import cached_property
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Dict,
    Iterable,
    List,
    Literal,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    Union,
    overload,
)

from ._config import (
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_READ_RETRY,
    DEFAULT_TIMEOUT,
    ClientConfig,
    Timeout,
    check_max_retries,
    resolve_timeout,
)
from ._errors import InvalidArgumentError
from ._requester import ClientState, Requester, RequestOptions, check_headers
from ._retry import RetryPolicy
from ._streaming import DEFAULT_IDLE, DEFAULT_MAX_TEXT_CHARS, IdleTimeout, WorkflowStream
from ._transport import HTTPTransport
from .resources._execute import ExecuteResult
from .resources.executions import Executions
from .resources.jobs import Jobs
from .resources.runs import Runs
from .resources.usage import Usage
from .resources.workflows import Workflows
from .types.batch import BatchItem, BatchResult
from .types.executions import CancelResult, ExecutionDetails, PausedExecution, WorkflowRun
from .types.jobs import JobStatus
from .types.usage import RateLimitInfo, UsageLimits
from .types.workflows import AsyncExecutionResult, WorkflowExecutionResult, WorkflowStatus

if TYPE_CHECKING:
    import requests
    from typing_extensions import Self

    # The groups the official SDK's methods do not use are imported on first use.
    from .resources.knowledge import Knowledge
    from .resources.logs import Logs
    from .resources.mcp import Mcp
    from .resources.workspaces import Workspaces

__all__ = ["Client", "SimStudioClient"]


class SimStudioClient:
    """A synchronous client for Sim's API, safe to share between threads.

    Calls are grouped by resource: ``client.workflows``, ``client.jobs``,
    ``client.executions``, ``client.runs`` and ``client.usage``. The official SDK's methods
    (``execute_workflow``, ``get_job_status``...) are here too, unchanged.

    Args:
        api_key: Your Sim API key; defaults to the ``SIM_API_KEY`` environment variable.
        base_url: The Sim server; defaults to ``SIM_BASE_URL``, then ``https://sim.ai``.
        timeout: Default timeout in seconds for every call (a number is the read timeout,
            with connect capped at 10 s; or a ``(connect, read)`` pair). Default 30 s.
        max_retries: How often idempotent reads (status, jobs, usage, lists) are retried on
            connection errors, 429 and 5xx (default 2). Executes are never retried implicitly;
            see :meth:`execute_with_retry`.
        retry: The whole retry policy of reads (delays, backoff, jitter); ``max_retries``,
            when given, replaces its ``max_retries``.
        default_headers: Headers sent with every call (e.g. tracing). ``X-API-Key`` cannot be
            set this way.
        app_info: ``(name, version)`` of your application, appended to the ``User-Agent`` so a
            Sim operator can see which application calls.
        workspace_id: The workspace of calls that need one (knowledge bases, logs...); defaults
            to ``SIM_WORKSPACE_ID``, then, with a workspace key on a v2 server, the key's own.
        api_version: ``"auto"`` (default: v2 where the server offers it, else v1), ``"v1"`` or
            ``"v2"``, for resources that exist in both versions of Sim's API.
        session: A ``requests.Session`` to use as-is (proxies, TLS, adapters, hooks); it is not
            closed by :meth:`close`.
        sleep: Replaces ``time.sleep`` for retry and polling waits (tests inject a fake).
        random: Replaces ``random.random`` for retry jitter.
        clock: Replaces ``time.monotonic`` for deadlines (job waits, batches, streams).

    Raises:
        ConfigurationError: No API key, or an unusable ``base_url``.
        InvalidArgumentError: A bad ``timeout``, ``max_retries``, header or ``app_info``.
    """

    def __init__(
        self,
        api_key: Optional[str] = None,
        base_url: Optional[str] = None,
        *,
        timeout: Optional[Timeout] = None,
        max_retries: Optional[int] = None,
        retry: Optional[RetryPolicy] = None,
        default_headers: Optional[Mapping[str, str]] = None,
        app_info: Optional[Tuple[str, str]] = None,
        workspace_id: Optional[str] = None,
        api_version: Literal["auto", "v1", "v2"] = "auto",
        session: Optional[requests.Session] = None,
        sleep: Optional[Callable[[float], None]] = None,
        random: Optional[Callable[[], float]] = None,
        clock: Optional[Callable[[], float]] = None,
    ) -> None:
        config = ClientConfig.create(
            api_key, base_url, app_info=app_info, workspace_id=workspace_id, api_version=api_version
        )
        options = RequestOptions(
            timeout=resolve_timeout(timeout, (DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT)),
            retry=_retry_policy(DEFAULT_READ_RETRY, retry, max_retries),
            headers=check_headers(default_headers or {}),
        )
        state = ClientState(config, HTTPTransport(session), sleep=sleep, random=random, clock=clock)
        self._requester = Requester(state, options)
        self._owns_state = True

    def with_options(
        self,
        *,
        timeout: Optional[Timeout] = None,
        max_retries: Optional[int] = None,
        retry: Optional[RetryPolicy] = None,
        headers: Optional[Mapping[str, str]] = None,
    ) -> SimStudioClient:
        """A client with other defaults that shares this one's connections, key and
        rate-limit state; cheap enough to call per request.

        ``headers`` are added to (and override) this client's default headers. Closing the
        copy does not close the shared connections: close the original.

        Example:
            ``client.with_options(timeout=5, max_retries=0).get_workflow_status("wf")``
        """
        options = self._requester.options
        changes: Dict[str, Any] = {}
        if timeout is not None:
            changes["timeout"] = resolve_timeout(timeout, options.timeout)
        if retry is not None or max_retries is not None:
            changes["retry"] = _retry_policy(options.retry, retry, max_retries)
        if headers is not None:
            changes["headers"] = {**options.headers, **check_headers(headers)}
        copy = SimStudioClient.__new__(SimStudioClient)
        copy._requester = self._requester.with_options(**changes)
        copy._owns_state = False
        return copy

    # ----------------------------------------------------------------- resources

    @cached_property
    def workflows(self) -> Workflows:
        """Run workflows (sync, streamed, queued, batched) and read their deployment status."""
        return Workflows(
            self._requester, jobs=self.jobs, executions=self.executions, usage=self.usage
        )

    @cached_property
    def jobs(self) -> Jobs:
        """Queued (async) runs by task id: state and waiting."""
        return Jobs(self._requester)

    @cached_property
    def executions(self) -> Executions:
        """Runs by execution id: details, waiting, cancelling, human-in-the-loop resume."""
        return Executions(self._requester)

    @cached_property
    def runs(self) -> Runs:
        """Runs of Sim's v2 API by run id."""
        return Runs(self._requester)

    @cached_property
    def usage(self) -> Usage:
        """The account's rate limits and usage."""
        return Usage(self._requester)

    @cached_property
    def workspaces(self) -> Workspaces:
        """Workspaces and their members' permission levels (v2)."""
        from .resources.workspaces import Workspaces

        return Workspaces(self._requester)

    @cached_property
    def knowledge(self) -> Knowledge:
        """Knowledge bases, their documents and tags, and search (tag-only, vector, combined)."""
        from .resources.knowledge import Knowledge

        return Knowledge(self._requester)

    @cached_property
    def logs(self) -> Logs:
        """Execution logs: list (filters, lazy pages), one entry, one execution's state."""
        from .resources.logs import Logs

        return Logs(self._requester)

    @cached_property
    def mcp(self) -> Mcp:
        """The workspace's MCP tool servers and their tools (v2)."""
        from .resources.mcp import Mcp

        return Mcp(self._requester)

    # ----------------------------------------------------------------- configuration

    @property
    def base_url(self) -> str:
        """The server this client talks to (normalised, without a trailing slash)."""
        return self._requester.config.base_url

    def set_api_key(self, api_key: str) -> None:
        """Use another API key for the following calls (of this client and its copies)."""
        state = self._requester.state
        with state.lock:
            state.config = state.config.with_api_key(api_key)

    def set_base_url(self, base_url: str) -> None:
        """Talk to another server for the following calls (validated and normalised)."""
        state = self._requester.state
        with state.lock:
            state.config = state.config.with_base_url(base_url)

    def close(self) -> None:
        """Release pooled connections. An injected session is left open for its owner; a
        ``with_options`` copy only stops itself."""
        self._requester.closed = True
        if self._owns_state:
            self._requester.state.closed = True
            self._requester.state.transport.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"SimStudioClient(base_url={self.base_url!r})"

    # ----------------------------------------------------------------- the documented API

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
        extra_headers: Optional[Mapping[str, str]] = ...,
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
        extra_headers: Optional[Mapping[str, str]] = ...,
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
        extra_headers: Optional[Mapping[str, str]] = ...,
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
        extra_headers: Optional[Mapping[str, str]] = ...,
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
        extra_headers: Optional[Mapping[str, str]] = ...,
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
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> Union[ExecuteResult, WorkflowStream]:
        """Run a deployed workflow (``client.workflows.execute``, or ``.stream`` when
        ``stream=True``).

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
            execution_id: The id to claim for this run (``X-Execution-Id``); see
                ``client.workflows.execute``.
            execution_timeout_seconds: Server-side time limit of an async run (1-604800).
            extra_headers: Headers for this call only.

        Returns:
            A :class:`WorkflowExecutionResult` (``success=False`` when the run failed), an
            :class:`AsyncExecutionResult`, or a :class:`WorkflowStream` when ``stream=True``.

        Raises:
            SimStudioError: The request could not be sent or the API refused it.
        """
        if stream and async_execution:
            raise InvalidArgumentError("stream and async_execution cannot be combined")
        if stream:
            return self.workflows.stream(
                workflow_id,
                input_data,
                selected_outputs=selected_outputs,
                timeout=timeout,
                execution_id=execution_id,
                extra_headers=extra_headers,
            )
        return self.workflows.execute(
            workflow_id,
            input_data,
            timeout=timeout,
            selected_outputs=selected_outputs,
            async_execution=async_execution,
            execution_id=execution_id,
            execution_timeout_seconds=execution_timeout_seconds,
            extra_headers=extra_headers,
        )

    def execute_workflow_sync(
        self,
        workflow_id: str,
        input_data: Any = None,
        timeout: Optional[Timeout] = None,
        stream: bool = False,
        selected_outputs: Optional[Sequence[str]] = None,
        *,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> WorkflowExecutionResult:
        """Run a workflow and wait for its result (never queued).

        With ``stream=True`` the events are consumed internally and the final result returned.
        """
        if stream:
            with self.workflows.stream(
                workflow_id,
                input_data,
                selected_outputs=selected_outputs,
                timeout=timeout,
                extra_headers=extra_headers,
            ) as events:
                return events.final_result()
        return self.workflows.execute(
            workflow_id,
            input_data,
            timeout=timeout,
            selected_outputs=selected_outputs,
            extra_headers=extra_headers,
        )

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
        retry: Optional[RetryPolicy] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> Union[ExecuteResult, WorkflowStream]:
        """Like :meth:`execute_workflow`, retrying only when the server proves nothing ran.

        Retried: 429, 503 overload answers, and connections that never reached the server.
        Waits grow exponentially (``initial_delay * backoff_multiplier**n``, +/-25% jitter,
        capped at ``max_delay``) and are never shorter than the server's ``Retry-After``; a
        server asking for longer than ``max_delay`` gets the error raised at once, with
        ``retry_after`` set. ``retry=RetryPolicy(...)`` replaces the four numbers.

        Without ``exactly_once``, a timeout or broken connection after the request was sent is
        raised, not retried: the workflow may already be running. With ``exactly_once=True``
        (servers since 2026 only, which honour ``X-Execution-Id``), the same request is re-sent
        with the same execution id; if the server already has that run (409
        ``EXECUTION_ID_CONFLICT``) the SDK follows the existing run through
        :meth:`get_execution` instead of starting a second one. Streams are never re-sent.
        """
        policy = retry or RetryPolicy(max_retries, initial_delay, max_delay, backoff_multiplier)
        if stream and async_execution:
            raise InvalidArgumentError("stream and async_execution cannot be combined")
        if stream:
            return self.workflows.stream(
                workflow_id,
                input_data,
                selected_outputs=selected_outputs,
                timeout=timeout,
                execution_id=execution_id,
                retry=policy,
                extra_headers=extra_headers,
            )
        return self.workflows.execute(
            workflow_id,
            input_data,
            timeout=timeout,
            selected_outputs=selected_outputs,
            async_execution=async_execution,
            execution_id=execution_id,
            retry=policy,
            exactly_once=exactly_once,
            extra_headers=extra_headers,
        )

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
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> WorkflowExecutionResult:
        """Queue a run and wait for its result (``client.workflows.execute_and_wait``)."""
        return self.workflows.execute_and_wait(
            workflow_id,
            input_data,
            timeout=timeout,
            poll_interval=poll_interval,
            execution_timeout_seconds=execution_timeout_seconds,
            execution_id=execution_id,
            on_status=on_status,
            extra_headers=extra_headers,
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
        extra_headers: Optional[Mapping[str, str]] = None,
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
            extra_headers: Headers for every call of the batch.

        Returns:
            One :class:`BatchResult` per item, in input order; failures are recorded on the
            item (``error``), never raised. A 429 proves the run did not start, so rate-limited
            items are re-sent after the server's ``Retry-After``.
        """
        return self.workflows.batch(
            items,
            max_workers=max_workers,
            requests_per_minute=requests_per_minute,
            timeout=timeout,
            max_rate_limit_waits=max_rate_limit_waits,
            on_progress=on_progress,
            extra_headers=extra_headers,
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
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> WorkflowStream:
        """Run a workflow and stream its events as they arrive (``client.workflows.stream``,
        which documents the arguments). An explicit ``timeout`` also bounds every wait for
        bytes once streaming; without one, the stream may be silent for 300 s."""
        return self.workflows.stream(
            workflow_id,
            input_data,
            selected_outputs=selected_outputs,
            timeout=timeout,
            idle_timeout=idle_timeout,
            deadline=deadline,
            execution_id=execution_id,
            collect_text=collect_text,
            max_text_chars=max_text_chars,
            extra_headers=extra_headers,
        )

    def get_workflow_status(
        self,
        workflow_id: str,
        *,
        timeout: Optional[Timeout] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> WorkflowStatus:
        """A workflow's deployment status (``is_deployed``, ``deployed_at``...)."""
        return self.workflows.status(workflow_id, timeout=timeout, extra_headers=extra_headers)

    def validate_workflow(
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
        return self.workflows.validate(workflow_id, timeout=timeout, extra_headers=extra_headers)

    def get_job_status(
        self,
        task_id: str,
        *,
        timeout: Optional[Timeout] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> JobStatus:
        """The state of an async job: a :class:`JobStatus`, which is the documented ``dict``
        (``status["status"]``, ``status["output"]``, ``status["metadata"]["duration"]``) with
        typed properties."""
        return self.jobs.get(task_id, timeout=timeout, extra_headers=extra_headers)

    def wait_for_job(
        self,
        task_id: str,
        *,
        timeout: float = 600.0,
        poll_interval: float = 1.0,
        max_poll_interval: float = 10.0,
        on_status: Optional[Callable[[Dict[str, Any]], None]] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> WorkflowExecutionResult:
        """Poll a job until it finishes and return its result (``client.jobs.wait``, which
        documents the arguments)."""
        return self.jobs.wait(
            task_id,
            timeout=timeout,
            poll_interval=poll_interval,
            max_poll_interval=max_poll_interval,
            on_status=on_status,
            extra_headers=extra_headers,
        )

    def get_usage_limits(
        self,
        *,
        timeout: Optional[Timeout] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> UsageLimits:
        """The account's rate limits and usage (``limit`` is filled on every server era)."""
        return self.usage.limits(timeout=timeout, extra_headers=extra_headers)

    def get_rate_limit_info(self) -> Optional[RateLimitInfo]:
        """The rate-limit headers of the most recent answer that had any, or ``None``."""
        return self.usage.rate_limit()

    def get_execution(
        self,
        workflow_id: str,
        execution_id: str,
        *,
        include_output: bool = True,
        selected_outputs: Optional[Sequence[str]] = None,
        timeout: Optional[Timeout] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> ExecutionDetails:
        """Look up one execution (status, timing, output) by its id."""
        return self.executions.get(
            workflow_id,
            execution_id,
            include_output=include_output,
            selected_outputs=selected_outputs,
            timeout=timeout,
            extra_headers=extra_headers,
        )

    def wait_for_execution(
        self,
        workflow_id: str,
        execution_id: str,
        *,
        timeout: float = 600.0,
        poll_interval: float = 1.0,
        max_poll_interval: float = 10.0,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> ExecutionDetails:
        """Poll :meth:`get_execution` until the run has finished (``client.executions.wait``)."""
        return self.executions.wait(
            workflow_id,
            execution_id,
            timeout=timeout,
            poll_interval=poll_interval,
            max_poll_interval=max_poll_interval,
            extra_headers=extra_headers,
        )

    def cancel_execution(
        self,
        workflow_id: str,
        execution_id: str,
        *,
        timeout: Optional[Timeout] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> CancelResult:
        """Ask the server to cancel a running, queued or paused execution (best-effort)."""
        return self.executions.cancel(
            workflow_id, execution_id, timeout=timeout, extra_headers=extra_headers
        )

    def list_paused_executions(
        self,
        workflow_id: str,
        *,
        status: Optional[str] = None,
        timeout: Optional[Timeout] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> List[PausedExecution]:
        """The workflow's executions paused for human input."""
        return self.executions.list_paused(
            workflow_id, status=status, timeout=timeout, extra_headers=extra_headers
        )

    def get_paused_execution(
        self,
        workflow_id: str,
        execution_id: str,
        *,
        timeout: Optional[Timeout] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> PausedExecution:
        """One paused execution with its pause points."""
        return self.executions.get_paused(
            workflow_id, execution_id, timeout=timeout, extra_headers=extra_headers
        )

    def resume_execution(
        self,
        workflow_id: str,
        execution_id: str,
        context_id: str,
        input_data: Any = None,
        *,
        timeout: Optional[Timeout] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> Union[WorkflowExecutionResult, AsyncExecutionResult]:
        """Resume a paused execution at ``context_id`` with the human's input
        (``client.executions.resume``)."""
        return self.executions.resume(
            workflow_id,
            execution_id,
            context_id,
            input_data,
            timeout=timeout,
            extra_headers=extra_headers,
        )

    def get_workflow_run(
        self,
        workflow_id: str,
        run_id: str,
        *,
        include_output: bool = True,
        selected_outputs: Optional[Sequence[str]] = None,
        timeout: Optional[Timeout] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> WorkflowRun:
        """Look up a v2 run (``/api/v2/workflows/{id}/runs/{runId}``)."""
        return self.runs.get(
            workflow_id,
            run_id,
            include_output=include_output,
            selected_outputs=selected_outputs,
            timeout=timeout,
            extra_headers=extra_headers,
        )

    def cancel_run(
        self,
        workflow_id: str,
        run_id: str,
        *,
        timeout: Optional[Timeout] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> CancelResult:
        """Cancel a v2 run (best-effort)."""
        return self.runs.cancel(workflow_id, run_id, timeout=timeout, extra_headers=extra_headers)


def _retry_policy(
    base: RetryPolicy, retry: Optional[RetryPolicy], max_retries: Optional[int]
) -> RetryPolicy:
    if retry is not None and not isinstance(retry, RetryPolicy):
        raise InvalidArgumentError("retry must be a RetryPolicy")
    policy = retry if retry is not None else base
    if max_retries is not None:
        policy = RetryPolicy(
            check_max_retries(max_retries),
            policy.initial_delay,
            policy.max_delay,
            policy.backoff_multiplier,
            policy.jitter,
        )
    return policy


Client = SimStudioClient
"""Alias of :class:`SimStudioClient`, as in the official SDK."""

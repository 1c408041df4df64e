"""LocalSimServer: the public face of the embedded Sim API server."""

from __future__ import annotations

import atexit
import secrets
import threading
import time
import weakref
from types import TracebackType
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Type, Union

from ._blocks import BlockTypes, state_of
from ._builtins import builtin_workflows
from ._catalog import Catalog
from ._faults import Fault, FaultHandle, PathMatcher
from ._http import HttpServer
from ._listener import close_listener, open_listener, url_for
from ._logs import LogStore
from ._mcp import McpStore
from ._ratelimit import RateLimit
from ._records import Disconnect, RecordedRequest
from ._state import ServerState, Settings
from ._threads import ThreadGroup
from ._workflows import Workflow

_LIVE: weakref.WeakSet[LocalSimServer] = weakref.WeakSet()


def _stop_live_servers() -> None:
    for server in list(_LIVE):
        server.stop(timeout=1.0)


# Server threads are daemon threads, so a forgotten server never keeps the interpreter alive;
# at exit it is still stopped properly (runs cancelled, sockets closed, threads joined).
atexit.register(_stop_live_servers)


class LocalSimServer:
    """An embedded, standard-library-only Sim API server for offline tests and demos.

    It speaks the v1 API in the ``"2026"`` (observed HEAD server) or ``"2025"`` (docs era)
    wire format, v2 (unless ``v2_api=False``) and the public API's workspaces, with two
    workspaces and three keys (see "Keys and workspaces" in ``docs/testing.md``, which also
    lists the built-in workflows and faults).

    Example:
        >>> with LocalSimServer() as server:  # doctest: +SKIP
        ...     requests.post(server.base_url + "/api/workflows/echo/execute",
        ...                   headers={"X-API-Key": server.api_key}, json={"a": 1})
    """

    def __init__(
        self,
        wire_format: str = "2026",
        api_key: Optional[str] = None,
        host: str = "127.0.0.1",
        port: int = 0,
        rate_limit: Optional[RateLimit] = None,
        usage_budget: Optional[int] = None,
        stream_chunk_delay: float = 0.0,
        hold_open_after_done: float = 0.0,
        job_delay: float = 0.05,
        *,
        rate_limit_headers: bool = True,
        verbose: bool = False,
        personal_key: Optional[str] = None,
        other_api_key: Optional[str] = None,
        workspace_id: str = "ws-local",
        other_workspace_id: str = "ws-other",
        v2_api: bool = True,
        processing_delay: float = 0.05,
    ) -> None:
        """Configure a server (call ``start()`` or use it as a context manager).

        Args:
            wire_format: ``"2026"`` (default, HEAD as observed) or ``"2025"`` (docs era).
            api_key: The workspace key of the main workspace, what the workflow routes (and
                most tests) use; default ``sk-sim-test-<hex>``.
            host: Interface to bind.
            port: Port to bind; 0 picks a free one.
            rate_limit: Token bucket for execute requests (429 when empty), or ``None``.
            usage_budget: How many executions are accepted before 402, or ``None``.
            stream_chunk_delay: Seconds between streamed chunk frames.
            hold_open_after_done: Seconds to wait after the last frame before ending the
                chunked body (real servers linger about 6 s).
            job_delay: Seconds an async job stays pending before it runs.
            rate_limit_headers: Send ``X-RateLimit-*`` on every execute response (the real
                v1 execute never does; this lets SDK tests see them).
            verbose: Log requests and server errors to stderr.
            personal_key: The personal key of the main workspace's owner (also a ``read``
                member of the other workspace); default ``sk-sim-personal-<hex>``.
            other_api_key: The workspace key of the other workspace; default
                ``sk-sim-other-<hex>``.
            workspace_id: The id of the main workspace (where the workflows live).
            other_workspace_id: The id of the other workspace.
            v2_api: Serve ``/api/v2/...``; with ``False`` every authenticated v2 call answers
                404 ``Not found``, like a real server without the ``V2_API`` flag.
            processing_delay: Seconds an uploaded document takes to be processed: ``pending``
                for the first half, ``processing`` for the second, then ``completed`` (or
                ``failed`` for a file without text).

        Raises:
            ValueError: Unknown ``wire_format``, or two keys (or workspace ids) that are equal.
        """
        self._settings = Settings(
            wire_format=wire_format,
            api_key=api_key or "sk-sim-test-" + secrets.token_hex(16),
            personal_key=personal_key or "sk-sim-personal-" + secrets.token_hex(16),
            other_api_key=other_api_key or "sk-sim-other-" + secrets.token_hex(16),
            workspace_id=workspace_id,
            other_workspace_id=other_workspace_id,
            rate_limit=rate_limit,
            usage_budget=usage_budget,
            stream_chunk_delay=stream_chunk_delay,
            hold_open_after_done=hold_open_after_done,
            job_delay=job_delay,
            rate_limit_headers=rate_limit_headers,
            v2_api=v2_api,
            verbose=verbose,
            processing_delay=processing_delay,
        )
        self._host = host
        self._port = port
        self._state = ServerState(self._settings, ThreadGroup("simstudio-server"))
        for workflow in builtin_workflows():
            self._state.workflows[workflow.workflow_id] = workflow
        self._httpd: Optional[HttpServer] = None
        self._last_httpd: Optional[HttpServer] = None
        self._stopped = False
        self._lifecycle = threading.Lock()

    # -- lifecycle ----------------------------------------------------------------------------

    def start(self) -> LocalSimServer:
        """Bind the port and start serving in background threads.

        Returns:
            The server itself, for chaining.

        Raises:
            RuntimeError: If the server is already running.
        """
        with self._lifecycle:
            if self._httpd is not None:
                raise RuntimeError("LocalSimServer is already running")
            self._state.stopping.clear()
            self._stopped = False
            httpd = open_listener(self._state, self._host, self._port)
            self._port = httpd.server_address[1]
            self._state.base_url = url_for(self._host, self._port)
            self._httpd = self._last_httpd = httpd
            _LIVE.add(self)
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stop serving: close every client socket, cancel runs, join every thread.

        Args:
            timeout: Seconds to wait for threads to finish in total.
        """
        with self._lifecycle:
            httpd, self._httpd = self._httpd, None
            if httpd is None:
                return
            self._stopped = True
            close_listener(self._state, httpd, timeout)
            _LIVE.discard(self)

    def serve_forever(self) -> None:
        """Serve in the foreground until ``stop()`` is called or Ctrl-C is pressed.

        Starts the server unless it is running already; returns at once if ``stop()`` was
        called after the last ``start()`` (so a stop racing with this call is not lost).
        """
        with self._lifecycle:
            must_start = self._httpd is None and not self._stopped
        if must_start:
            self.start()
        try:
            while not self._state.stopping.wait(0.2):
                pass
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    def __enter__(self) -> LocalSimServer:
        return self.start()

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.stop()

    # -- configuration ------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """``http://<host>:<port>`` without a trailing slash.

        Known from the start with a fixed ``port``; with ``port=0`` (the default) the port is
        chosen by the first ``start()`` (a restart keeps it).

        Raises:
            RuntimeError: Read before the first ``start()`` of a ``port=0`` server.
        """
        if self._port == 0:
            raise RuntimeError(
                "LocalSimServer(port=0) has no base_url until start() picks a free port: "
                "call start() first (or use 'with LocalSimServer() as server:'), "
                "or pass port=N to know the URL in advance"
            )
        return url_for(self._host, self._port)

    @property
    def api_key(self) -> str:
        """The workspace key of the main workspace (accepted by every route)."""
        return self._settings.api_key

    @property
    def personal_key(self) -> str:
        """The personal key of the main workspace's owner; it reaches both workspaces."""
        return self._settings.personal_key

    @property
    def other_api_key(self) -> str:
        """The workspace key of the other workspace (refused or concealed in the main one)."""
        return self._settings.other_api_key

    @property
    def workspace_id(self) -> str:
        """The id of the main workspace, where the workflows live."""
        return self._settings.workspace_id

    @property
    def other_workspace_id(self) -> str:
        """The id of the other workspace."""
        return self._settings.other_workspace_id

    @property
    def v2_api(self) -> bool:
        """Whether ``/api/v2/...`` is served (else authenticated v2 calls answer 404)."""
        return self._settings.v2_api

    @property
    def wire_format(self) -> str:
        """``"2026"`` or ``"2025"``."""
        return self._settings.wire_format

    @property
    def port(self) -> int:
        """The bound port (0 before ``start()`` when an ephemeral port was asked for)."""
        return self._port

    def add_workflow(
        self,
        workflow_id: str,
        handler: Callable[..., Any],
        *,
        deployed: bool = True,
        name: Optional[str] = None,
        block_name: str = "agent1",
    ) -> None:
        """Register (or replace) a workflow.

        Args:
            workflow_id: The id used in URLs.
            handler: ``handler(input)`` or ``handler(input, ctx)``; a generator function is a
                streaming agent yielding text chunks; raising fails the run.
            deployed: Whether the workflow is deployed (403 when not).
            name: A display name for the workflow.
            block_name: The block's normalized name for ``selectedOutputs`` (``agent1``);
                its display name (``Agent 1``) prefixes error messages.
        """
        workflow = Workflow(
            workflow_id, handler, deployed=deployed, name=name, block_name=block_name
        )
        with self._state.lock:
            self._state.workflows[workflow_id] = workflow

    # -- workflows managed through the API (imports): how they run, editing them -------------

    def add_block_type(
        self, block_type: str, handler: Callable[[Any, Dict[str, Any]], Any]
    ) -> None:
        """Say how blocks of ``block_type`` run in imported workflows.

        An imported workflow runs its active version from the start block along the edges
        (``response``, ``wait`` and start blocks have a built-in behaviour; see "Workflows
        managed through the API" in ``docs/testing.md``).

        Args:
            block_type: The block ``type`` (e.g. ``"agent"``).
            handler: ``handler(received, block)``: ``received`` is the previous block's output
                (the workflow input after the start block), ``block`` the block's JSON; the
                return value is the block's output. Raising fails the run.
        """
        self._state.store(BlockTypes).add(block_type, handler)

    def edit_workflow(self, workflow_id: str, document: Dict[str, Any]) -> None:
        """Replace a workflow's blocks and edges, as an edit in Sim's editor would.

        Sim's API cannot change a workflow's content; this stands in for the editor so that
        a test can deploy a changed workflow as a new version. The running version changes
        only with the next deploy (until then ``deployment()`` says ``needsRedeployment``).

        Args:
            workflow_id: The workflow.
            document: An export (its ``state`` is used) or a bare state with ``blocks``.

        Raises:
            KeyError: No such workflow.
            ValueError: ``document`` has no ``blocks``.
        """
        state, _meta = state_of(document)
        if state is None:
            raise ValueError("document has no blocks: pass an export or a workflow state")
        with self._state.lock:
            catalog = self._state.store(Catalog)
            catalog.sync(self._state)
            record = catalog.records.get(workflow_id)
            if record is None:
                raise KeyError(workflow_id)
            catalog.edit(record, state)
    def define_tag(
        self, kb_id: str, display_name: str, field_type: str, slot: Optional[str] = None
    ) -> str:
        """Define a tag of a knowledge base, as Sim's UI does (its public API cannot).

        Args:
            kb_id: The knowledge base.
            display_name: The name documents, filters and search results use (case-sensitive).
            field_type: ``"text"``, ``"number"``, ``"date"`` or ``"boolean"``.
            slot: The slot to use (``tag1``-``tag7``, ``number1``-``number5``,
                ``date1``-``date2``, ``boolean1``-``boolean3``); default: the first free one.

        Returns:
            The slot the tag lives in.

        Raises:
            KeyError: No such knowledge base.
            ValueError: An unknown type, a name already defined, or no free slot of the type.
        """
        from ._knowledge import KnowledgeStore

        store = self._state.store(KnowledgeStore)
        return store.define_tag(kb_id, display_name, field_type, slot)
    # -- public-API data the API itself cannot create -----------------------------------------

    def add_member(
        self, workspace_id: str, email: str, permission: str, name: Optional[str] = None
    ) -> None:
        """Make ``email`` a member of a workspace with a permission level (or change its level).

        Sim has no public invite API; this is the test-side way. A new e-mail is a new user;
        ``server.personal_key``'s user is ``user@simstudio.local``, so changing that address's
        level changes what the personal key may do.

        Args:
            workspace_id: ``server.workspace_id`` or ``server.other_workspace_id``.
            email: The member's e-mail (members are listed ordered by it).
            permission: ``"read"``, ``"write"`` or ``"admin"`` (a ``simstudio.Permission``
                works too).
            name: The display name (default: from the e-mail).

        Raises:
            ValueError: Unknown workspace or permission.
        """
        level = str(getattr(permission, "value", permission))
        self._state.directory.add_member(workspace_id, email, level, name)

    def add_logs(
        self,
        count: int,
        *,
        workflow_id: Union[str, Sequence[str]] = "echo",
        status: Union[str, Sequence[str]] = "completed",
        trigger: Union[str, Sequence[str]] = "api",
        workspace_id: Optional[str] = None,
        start: Optional[float] = None,
        interval: float = 1.0,
        duration_ms: float = 1000.0,
        cost: float = 0.0,
    ) -> List[str]:
        """Add ``count`` synthetic execution log entries (runs the server never executed).

        A sequence for ``workflow_id``, ``status`` or ``trigger`` is cycled through, so
        ``status=["completed"] * 9 + ["failed"]`` makes every tenth entry a failure (level
        ``error``). Real runs of the server are logged as well, without this.

        Args:
            count: How many entries.
            workflow_id: The workflow(s) they belong to.
            status: ``"completed"``, ``"failed"``, ``"cancelled"``...
            trigger: ``"api"``, ``"webhook"``, ``"schedule"``, ``"manual"``, ``"chat"``.
            workspace_id: Their workspace (default: the main one).
            start: Unix time of the first entry (default: ``count * interval`` seconds ago).
            interval: Seconds between entries.
            duration_ms: Each run's duration.
            cost: Each run's cost.

        Returns:
            The run (execution) ids, oldest first.
        """
        store = self._state.store(LogStore)
        records = store.synthetic(
            count,
            workspace_id=workspace_id or self.workspace_id,
            workflow_ids=workflow_id,
            statuses=status,
            triggers=trigger,
            start=time.time() - count * interval if start is None else start,
            interval=interval,
            duration_ms=duration_ms,
            cost=cost,
        )
        return [record.execution_id for record in records]

    def register_mcp_tools(self, url: str, tools: Optional[Sequence[Mapping[str, Any]]]) -> None:
        """Make ``url`` a reachable fake MCP endpoint offering ``tools``.

        An MCP server registered with the API (``POST /api/v2/mcp-servers``) at this URL then
        discovers these tools; any other URL is unreachable (503, ``Retry-After: 5``, and the
        server's ``lastError`` is set). Nothing is ever fetched from the network.

        Args:
            url: The endpoint, exactly as registered.
            tools: MCP tool definitions: ``{"name", "description", "inputSchema"}`` (only
                ``name`` is required); ``None`` makes the URL unreachable again.

        Raises:
            ValueError: A tool without a name.
        """
        self._state.store(McpStore).register_endpoint(url, tools)

    def block_id(self, workflow_id: str) -> str:
        """The (deterministic) block UUID of a workflow, as used in chunk frames."""
        workflow = self._state.workflow(workflow_id)
        if workflow is None:
            raise KeyError(workflow_id)
        return workflow.block_id

    def inject(
        self,
        fault: Fault,
        workflow_id: Optional[str] = None,
        path: Optional[PathMatcher] = None,
        times: Optional[int] = None,
        *,
        method: Optional[str] = None,
    ) -> FaultHandle:
        """Apply ``fault`` to matching requests.

        Args:
            fault: What to do.
            workflow_id: Only requests whose path names this workflow.
            path: Only this exact path, a prefix ending in ``*``, or a compiled regex.
            times: How many requests to hit; ``None`` until removed or cleared.
            method: Only requests with this HTTP method.

        Returns:
            A handle whose ``remove()`` stops the fault.
        """
        return self._state.faults.add(fault, workflow_id, path, method, times)

    def clear_faults(self) -> None:
        """Remove every injected fault."""
        self._state.faults.clear()

    def reset(self) -> None:
        """Clear recorded requests, disconnects and counters (the public API's rate-limit
        windows too); refill the usage budget and the execution bucket."""
        self._state.reset()
        httpd = self._last_httpd
        if httpd is not None:
            with httpd.conn_lock:
                httpd.connections_opened = 0

    # -- observations -------------------------------------------------------------------------

    @property
    def requests(self) -> List[RecordedRequest]:
        """A snapshot of every request received, oldest first."""
        return self._state.requests()

    @property
    def disconnects(self) -> List[Disconnect]:
        """Clients that went away before their response (or stream) was finished."""
        return self._state.disconnects()

    def executions(self, workflow_id: Optional[str] = None) -> int:
        """How many workflow runs actually started (sync, stream or async)."""
        return self._state.executions(workflow_id)

    @property
    def connections_opened(self) -> int:
        """TCP connections accepted so far."""
        httpd = self._last_httpd
        return httpd.connections_opened if httpd is not None else 0

    @property
    def open_connections(self) -> int:
        """Client connections currently open."""
        httpd = self._last_httpd
        return httpd.open_connections() if httpd is not None else 0

    def __repr__(self) -> str:
        return "LocalSimServer({!r}, wire_format={!r})".format(
            self._state.base_url or "not started", self.wire_format
        )

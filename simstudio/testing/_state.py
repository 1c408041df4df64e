"""Shared mutable state of a LocalSimServer: configuration, workflows, records and counters."""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple, Type, TypeVar, cast

from ._auth import Principal, authenticate
from ._directory import Directory
from ._envelopes import ApiError
from ._faults import FaultRegistry
from ._ratelimit import RateLimit, RateWindows, TokenBucket
from ._records import Disconnect, RecordedRequest, Request
from ._runs import RunStore
from ._threads import ThreadGroup
from ._wire import Wire
from ._wire2025 import Wire2025
from ._wire2026 import Wire2026
from ._workflows import Workflow

T = TypeVar("T")

#: Body limit of the HEAD server (413 above it).
MAX_BODY_2026 = 10 * 1024 * 1024
#: 2025 had no limit; the local server still refuses absurd bodies.
MAX_BODY_2025 = 100 * 1024 * 1024


def wire_for(wire_format: str) -> Wire:
    """The wire format called ``"2026"`` or ``"2025"``."""
    wires = {"2026": Wire2026, "2025": Wire2025}
    if wire_format not in wires:
        raise ValueError(f"wire_format must be '2026' or '2025', not {wire_format!r}")
    return wires[wire_format]()


@dataclass(frozen=True)
class Settings:
    """The immutable configuration of a server (internal)."""

    wire_format: str
    api_key: str
    personal_key: str
    other_api_key: str
    workspace_id: str
    other_workspace_id: str
    rate_limit: Optional[RateLimit]
    usage_budget: Optional[int]
    stream_chunk_delay: float
    hold_open_after_done: float
    job_delay: float
    rate_limit_headers: bool
    v2_api: bool
    verbose: bool
    processing_delay: float = 0.05


class ServerState:
    """Everything the routes and the transport share; guarded by one lock."""

    def __init__(self, settings: Settings, threads: ThreadGroup) -> None:
        """Create the state for a server with the given settings."""
        self.settings = settings
        self.wire = wire_for(settings.wire_format)
        self.directory = Directory(
            api_key=settings.api_key,
            personal_key=settings.personal_key,
            other_api_key=settings.other_api_key,
            workspace_id=settings.workspace_id,
            other_workspace_id=settings.other_workspace_id,
            created_at=time.time(),
        )
        #: Counters behind the public API's X-RateLimit-* headers (not the execute bucket).
        self.windows = RateWindows()
        self.threads = threads
        self.lock = threading.RLock()
        self.workflows: Dict[str, Workflow] = {}
        self.faults = FaultRegistry()
        self.bucket = TokenBucket(settings.rate_limit)
        self.runs = RunStore()
        self.files: Dict[str, Tuple[bytes, str]] = {}
        self.stopping = threading.Event()
        self.base_url = ""
        self.max_body = MAX_BODY_2026 if settings.wire_format == "2026" else MAX_BODY_2025
        self._requests: List[RecordedRequest] = []
        self._disconnects: List[Disconnect] = []
        self._executions: Counter[str] = Counter()
        self._budget_used = 0
        self._stores: Dict[type, Any] = {}

    def store(self, kind: Type[T]) -> T:
        """This server's instance of ``kind``, made with ``kind()`` on first use.

        A route group keeps its data (knowledge bases, logs, ...) in a store class of its own
        module, so that adding a group never touches this class.
        """
        with self.lock:
            if kind not in self._stores:
                self._stores[kind] = kind()
            return cast(T, self._stores[kind])

    # -- records -----------------------------------------------------------------------------

    def record_request(self, request: Request) -> None:
        """Remember a request for ``LocalSimServer.requests``."""
        recorded = RecordedRequest.of(request)
        with self.lock:
            self._requests.append(recorded)

    def record_disconnect(
        self, request: Request, events_sent: int, execution_id: Optional[str] = None
    ) -> None:
        """Remember a client that went away mid-response."""
        record = Disconnect(
            request.workflow_id, events_sent, request.path, execution_id, time.time()
        )
        with self.lock:
            self._disconnects.append(record)

    def requests(self) -> List[RecordedRequest]:
        """A snapshot of the recorded requests."""
        with self.lock:
            return list(self._requests)

    def disconnects(self) -> List[Disconnect]:
        """A snapshot of the recorded disconnects."""
        with self.lock:
            return list(self._disconnects)

    def count_execution(self, workflow_id: str) -> None:
        """Count a run that actually started."""
        with self.lock:
            self._executions[workflow_id] += 1

    def executions(self, workflow_id: Optional[str] = None) -> int:
        """How many runs started (of one workflow, or in total)."""
        with self.lock:
            if workflow_id is None:
                return sum(self._executions.values())
            return self._executions[workflow_id]

    def reset(self) -> None:
        """Forget requests, disconnects and counters; refill the budget and the bucket."""
        with self.lock:
            self._requests.clear()
            self._disconnects.clear()
            self._executions.clear()
            self._budget_used = 0
        self.bucket.refill()
        self.windows.reset()

    # -- limits and auth -------------------------------------------------------------------

    def take_budget(self) -> bool:
        """Use one execution from the usage budget; ``False`` when it is spent."""
        with self.lock:
            budget = self.settings.usage_budget
            if budget is not None and self._budget_used >= budget:
                return False
            self._budget_used += 1
            return True

    def budget_used(self) -> int:
        """Executions accepted so far (what the usage budget counts)."""
        with self.lock:
            return self._budget_used

    def principal(self, request: Request) -> Principal:
        """The caller behind the request's ``X-API-Key``.

        Raises:
            ApiError: 401 ``API key required`` or ``Invalid API key``.
        """
        return authenticate(self.directory, request.headers.get("x-api-key"))

    def auth(self, request: Request, workspace_id: Optional[str] = None) -> str:
        """The key check of the workflow routes (workflows live in the main workspace unless
        imported elsewhere: pass that ``workspace_id``).

        Returns:
            ``"ok"`` (a key reaching the workspace), ``"missing"``, ``"invalid"``, or
            ``"forbidden"`` (a valid key of another workspace).
        """
        try:
            principal = self.principal(request)
        except ApiError as exc:
            return "missing" if exc.message == "API key required" else "invalid"
        reached = workspace_id or self.directory.main.id
        return "ok" if principal.can_access(reached) else "forbidden"

    def workspace_of(self, workflow_id: str) -> Optional[str]:
        """The workspace of a registered workflow (``None``: the main one, or unknown)."""
        workflow = self.workflow(workflow_id)
        return workflow.workspace_id if workflow is not None else None

    def wait(self, seconds: float) -> bool:
        """Wait, returning ``True`` early if the server is stopping."""
        return self.stopping.wait(seconds) if seconds > 0 else self.stopping.is_set()

    def workflow(self, workflow_id: str) -> Optional[Workflow]:
        """Find a registered workflow."""
        with self.lock:
            return self.workflows.get(workflow_id)

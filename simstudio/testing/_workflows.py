"""Workflow definitions for the local server: handlers, Response blocks, pauses and run context."""

from __future__ import annotations

import inspect
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Mapping, Optional

from ._util import iso

#: The abort reason HEAD records when the client goes away mid-run.
CLIENT_CANCELLED = "Client cancelled request"

Handler = Callable[..., Any]


@dataclass(frozen=True)
class ResponseBlock:
    """Return this from a handler to act like a Sim *Response* block.

    In v1 sync mode the server answers with ``data`` as the whole body (no envelope), with
    ``status`` and ``headers`` applied. In stream mode, async jobs and v2, the workflow
    output is ``{"data": ..., "status": ..., "headers": {...}}`` instead (§12.5).

    Attributes:
        data: The JSON body.
        status: The HTTP status of the v1 sync answer.
        headers: Extra headers of the v1 sync answer.
    """

    data: Any = None
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)

    def as_output(self) -> Dict[str, Any]:
        """The block output as it appears outside v1 sync mode."""
        return {"data": self.data, "status": self.status, "headers": dict(self.headers)}


@dataclass(frozen=True)
class Pause:
    """Return this from a handler to pause the run at a human-in-the-loop block.

    Attributes:
        response: What the pause point shows a human (e.g. ``{"displayData": ...}``).
        resume: Called with the resume input when the run is resumed; its return value
            (or exception, or another ``Pause``) decides how the resumed run ends. When
            ``None`` the resumed run's output is the resume input.
        output: The output reported for the paused run.
    """

    response: Any = None
    resume: Optional[Callable[[Dict[str, Any]], Any]] = None
    output: Any = None


class WorkflowContext:
    """Passed as the optional second argument to handlers.

    Attributes:
        execution_id: The id of this run.
        workflow_id: The workflow being run.
        mode: ``"sync"``, ``"stream"`` or ``"async"``.
        cancelled: Set when the run is cancelled (cancel endpoint, client gone, server
            stopping, timeout). Long-running handlers should wait on it or use ``sleep``.
        timed_out: Whether the run hit its execution timeout.
        abort_reason: Why the run was cancelled, if it was.
    """

    def __init__(
        self,
        execution_id: str,
        workflow_id: str,
        mode: str,
        timeout: Optional[float] = None,
        client_gone: Optional[Callable[[], bool]] = None,
    ) -> None:
        """Create a context (the server does this for every run)."""
        self.execution_id = execution_id
        self.workflow_id = workflow_id
        self.mode = mode
        self.cancelled = threading.Event()
        self.timed_out = False
        self.abort_reason: Optional[str] = None
        self.timeout = timeout
        self._deadline: Optional[float] = None
        self._client_gone = client_gone

    def begin(self) -> None:
        """Start the execution-timeout clock (called when the handler starts)."""
        if self.timeout:
            self._deadline = time.monotonic() + self.timeout

    def cancel(self, reason: str = "Workflow execution was cancelled") -> None:
        """Cancel the run (the first reason given wins)."""
        if self.abort_reason is None:
            self.abort_reason = reason
        self.cancelled.set()

    def sleep(self, seconds: float) -> bool:
        """Wait ``seconds``, returning early when the run is cancelled.

        Args:
            seconds: How long to wait.

        Returns:
            ``True`` when the full time elapsed, ``False`` when the run was cancelled.
        """
        end = time.monotonic() + max(0.0, seconds)
        while True:
            now = time.monotonic()
            if self._deadline is not None and now >= self._deadline:
                self.timed_out = True
                self.cancel("timeout")
                return False
            if now >= end:
                return not self.cancelled.is_set()
            step = end - now
            if self._deadline is not None:
                step = min(step, self._deadline - now)
            if self._client_gone is not None:
                step = min(step, 0.05)
            if self.cancelled.wait(step):
                return False
            if self._client_gone is not None and self._client_gone():
                self.cancel(CLIENT_CANCELLED)
                return False

    def check_deadline(self) -> None:
        """Mark the run timed out if its deadline has passed."""
        if self._deadline is not None and time.monotonic() >= self._deadline:
            self.timed_out = True
            self.cancel("timeout")


def display_name(block_name: str) -> str:
    """Turn a normalized block name (``agent1``) into its display name (``Agent 1``)."""
    if " " in block_name or block_name != block_name.lower():
        return block_name
    match = re.match(r"^([a-z_]*[a-z])(\d+)$", block_name)
    if match:
        return match.group(1).replace("_", " ").title() + " " + match.group(2)
    return block_name.replace("_", " ").title()


def normalize_block_name(name: str) -> str:
    """Normalize a block name the way Sim matches ``selectedOutputs`` (lower, no spaces)."""
    return "".join(name.split()).lower()


def _takes_context(handler: Handler) -> bool:
    try:
        params = list(inspect.signature(handler).parameters.values())
    except (TypeError, ValueError):
        return False
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    if any(p.kind == inspect.Parameter.VAR_POSITIONAL for p in params):
        return True
    return sum(1 for p in params if p.kind in positional) >= 2


@dataclass
class Workflow:
    """A workflow registered on the local server (internal)."""

    workflow_id: str
    handler: Handler
    deployed: bool = True
    name: Optional[str] = None
    block_name: str = "agent1"
    deployed_at: float = field(default_factory=time.time)
    #: The workspace it lives in (``None``: the main one); imports may go to another.
    workspace_id: Optional[str] = None

    def __post_init__(self) -> None:
        self.takes_context = _takes_context(self.handler)
        self.block_id = str(
            uuid.uuid5(uuid.NAMESPACE_URL, f"simstudio-local:{self.workflow_id}:{self.block_name}")
        )
        self.block_display = display_name(self.block_name)
        if self.name is None:
            self.name = self.workflow_id

    @property
    def normalized_block_name(self) -> str:
        """The block name as ``selectedOutputs`` matches it."""
        return normalize_block_name(self.block_display)

    @property
    def deployed_at_iso(self) -> Optional[str]:
        """``deployedAt`` for the status endpoint (``None`` when undeployed)."""
        return iso(self.deployed_at) if self.deployed else None

    def invoke(self, workflow_input: Dict[str, Any], ctx: WorkflowContext) -> Any:
        """Call the handler with the input (and the context if it accepts one)."""
        if self.takes_context:
            return self.handler(workflow_input, ctx)
        return self.handler(workflow_input)

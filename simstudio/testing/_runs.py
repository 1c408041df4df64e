"""Runs (executions) of workflows: their lifecycle, ids, async jobs and the store holding them."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Set

from ._engine import Outcome
from ._util import new_uuid
from ._workflows import Workflow, WorkflowContext


@dataclass
class Run:
    """One execution of a workflow (internal).

    ``status`` is ``queued``, ``running``, ``paused``, ``completed``, ``failed`` or
    ``cancelled``.
    """

    execution_id: str
    workflow: Workflow
    mode: str
    ctx: WorkflowContext
    request_id: str
    api: str = "v1"
    job_id: Optional[str] = None
    status: str = "queued"
    outcome: Optional[Outcome] = None
    created_at: float = field(default_factory=time.time)
    started_at: Optional[float] = None
    ended_at: Optional[float] = None
    context_id: Optional[str] = None
    paused_at: Optional[float] = None
    resumed_count: int = 0
    #: ``paused``, ``resuming``, ``fully_resumed`` or ``cancelled`` once the run has paused.
    pause_state: Optional[str] = None
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def workflow_id(self) -> str:
        """The id of the workflow this run belongs to."""
        return self.workflow.workflow_id

    @property
    def paused_execution_id(self) -> str:
        """The id of the paused-execution record (stable per run)."""
        return "pe_" + self.execution_id.replace("-", "")[:24]

    @property
    def terminal(self) -> bool:
        """Whether the run has ended (completed, failed or cancelled)."""
        return self.status in ("completed", "failed", "cancelled")

    def start(self) -> None:
        """Mark the run as running."""
        with self.lock:
            self.status = "running"
            if self.started_at is None:
                self.started_at = time.time()

    def finish(self, outcome: Outcome) -> None:
        """Record how the run ended (or paused)."""
        with self.lock:
            self.outcome = outcome
            self.status = outcome.status
            if outcome.status == "paused":
                self.paused_at = time.time()
                self.context_id = new_uuid()
                self.pause_state = "paused"
                self.ended_at = None
            else:
                self.ended_at = time.time()
                if self.pause_state in ("paused", "resuming"):
                    self.pause_state = (
                        "cancelled" if outcome.status == "cancelled" else "fully_resumed"
                    )

    def job_status(self, era: str) -> str:
        """The status ``GET /api/jobs/{id}`` reports for this run in the given era."""
        if self.status == "queued":
            return "pending" if era == "2026" else "queued"
        if self.status == "running":
            return "processing"
        if self.status == "paused":
            return "completed"
        return self.status


class RunStore:
    """All runs of a server, by execution id and by job id; thread-safe."""

    def __init__(self) -> None:
        """Create an empty store."""
        self._lock = threading.Lock()
        self._runs: Dict[str, Run] = {}
        self._jobs: Dict[str, str] = {}
        self._claimed: Set[str] = set()

    def claim(self, execution_id: str) -> bool:
        """Claim an execution id; ``False`` if it was claimed before (one-shot claims)."""
        with self._lock:
            if execution_id in self._claimed:
                return False
            self._claimed.add(execution_id)
            return True

    def add(self, run: Run) -> None:
        """Store a run (and its job id)."""
        with self._lock:
            self._runs[run.execution_id] = run
            if run.job_id is not None:
                self._jobs[run.job_id] = run.execution_id

    def get(self, execution_id: str) -> Optional[Run]:
        """Find a run by execution id."""
        with self._lock:
            return self._runs.get(execution_id)

    def by_job(self, job_id: str) -> Optional[Run]:
        """Find a run by async job id."""
        with self._lock:
            execution_id = self._jobs.get(job_id)
            return self._runs.get(execution_id) if execution_id else None

    def all(self) -> List[Run]:
        """Every run, oldest first."""
        with self._lock:
            return list(self._runs.values())

    def cancel_all(self, reason: str) -> None:
        """Cancel every run that has not ended (used by ``stop()``)."""
        for run in self.all():
            if not run.terminal:
                run.ctx.cancel(reason)

"""Run control shared by v1 and v2: cancelling runs and resuming human-in-the-loop pauses."""

from __future__ import annotations

from typing import Any, Dict, Optional

from ._engine import Outcome, run_to_end
from ._execute import events_for
from ._runs import Run
from ._state import ServerState

CANCELLED = "Workflow execution was cancelled"


class ResumeRefusedError(Exception):
    """A resume that cannot happen: ``status`` and ``message`` describe the answer."""

    def __init__(self, status: int, message: str) -> None:
        """Create the error."""
        super().__init__(message)
        self.status = status
        self.message = message


def cancel(run: Run, queue_reason: str = "queue_cancelled") -> Dict[str, Any]:
    """Cancel a run (best-effort) and describe what happened, as the cancel routes answer.

    Args:
        run: The run to cancel.
        queue_reason: The ``reason`` for a run cancelled while still queued (v2 has no
            ``queue_cancelled`` and passes ``recorded``).
    """
    flags: Dict[str, Any] = {
        "success": True,
        "redisAvailable": True,
        "durablyRecorded": True,
        "locallyAborted": False,
        "pausedCancelled": False,
        "reason": "recorded",
    }
    with run.lock:
        status = run.status
    if status in ("completed", "failed", "cancelled"):
        flags.update(durablyRecorded=False, reason="already_" + status)
    elif status == "paused":
        run.ctx.cancel(CANCELLED)
        run.finish(Outcome("cancelled", {}, CANCELLED, "CANCELLED"))
        flags["pausedCancelled"] = True
    elif status == "queued":
        run.ctx.cancel(CANCELLED)
        flags["reason"] = queue_reason
    else:
        run.ctx.cancel(CANCELLED)
        flags["locallyAborted"] = True
    return flags


def resume(state: ServerState, run: Run, context_id: Optional[str], resume_input: Any) -> Outcome:
    """Resume a paused run at ``context_id`` with the human's input, in the calling thread.

    Raises:
        ResumeRefusedError: The run is not paused at that context.
    """
    with run.lock:
        if run.status != "paused" or run.pause_state != "paused":
            raise ResumeRefusedError(400, "Execution is not paused")
        if context_id is not None and context_id != run.context_id:
            raise ResumeRefusedError(404, "Pause context not found")
        pause = run.outcome.pause if run.outcome is not None else None
        run.pause_state = "resuming"
        run.resumed_count += 1
    run.ctx.cancelled.clear()
    run.ctx.abort_reason = None
    if pause is not None and pause.resume is not None:
        resume_with = pause.resume

        def call() -> Any:
            return resume_with(resume_input)

    else:

        def call() -> Any:
            return resume_input

    return run_to_end(events_for(state, run, call, count=False))

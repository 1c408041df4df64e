"""The v1 wire format of the ``2026`` era: the HEAD server as observed (api-contract.md §12)."""

from __future__ import annotations

from typing import Any, Iterator, Optional, Tuple

from ._engine import Outcome
from ._ratelimit import RateDecision
from ._responses import Frame, HeaderList, sse_frame
from ._runs import Run
from ._util import iso
from ._wire import USAGE_MESSAGE, Body, Wire, metadata


class Wire2026(Wire):
    """Shapes of the observed HEAD server (``0b232eb876``)."""

    era = "2026"
    #: Whether 404/403 are checked before the API key (2025) or after it (HEAD).
    lookup_before_auth = False
    #: Whether ``/status`` needs an API key.
    status_needs_auth = True

    def error(self, message: str, code: Optional[str] = None) -> Body:
        """A v1 error body."""
        return {"error": message} if code is None else {"error": message, "code": code}

    def execute_unauthorized(self, missing: bool) -> Body:
        """401 body of execute for a missing or wrong key."""
        return self.error("Unauthorized" if missing else "Invalid API key")

    def workflow_not_found(self) -> Body:
        """404 body of execute for an unknown workflow."""
        return self.error("Workflow not found")

    def invalid_json(self) -> Body:
        """400 body for a body that is not JSON."""
        return self.error("Invalid JSON in request body")

    def usage_exceeded(self) -> Body:
        """402 body when the usage budget is spent."""
        return self.error(USAGE_MESSAGE)

    def rate_limited(self, decision: RateDecision, is_async: bool) -> Body:
        """429 body of execute."""
        return self.error("Rate limit exceeded. Please try again later.")

    def run_result(self, run: Run, outcome: Outcome) -> Tuple[int, Any, HeaderList]:
        """A failed run is HTTP 500; a cancelled one names its execution."""
        if outcome.status in ("completed", "paused"):
            return 200, self._success(run, outcome), []
        body: Body = {"success": False, "output": {}, "error": outcome.error}
        if outcome.status == "cancelled":
            body = {"success": False, "executionId": run.execution_id, **body}
        body["metadata"] = metadata(outcome)
        return (500 if outcome.status == "failed" else 200), body, []

    def _success(self, run: Run, outcome: Outcome) -> Body:
        body: Body = {"success": True, "executionId": run.execution_id}
        if outcome.status == "paused":
            body["status"] = "paused"
        body["output"] = outcome.output
        body["metadata"] = metadata(outcome)
        return body

    def async_accepted(self, run: Run, base_url: str) -> Body:
        """202 body of an async execute."""
        return {
            "success": True,
            "async": True,
            "jobId": run.job_id,
            "executionId": run.execution_id,
            "message": "Workflow execution queued",
            "statusUrl": f"{base_url}/api/jobs/{run.job_id}",
        }

    def jobs_unauthorized(self, missing: bool) -> Body:
        """401 body of ``/api/jobs/{id}``."""
        if missing:
            return self.error("Unauthorized", "UNAUTHORIZED")
        return self.error("Invalid API key", "INVALID_API_KEY")

    def job_status(self, run: Run, user_id: str, workspace_id: str) -> Body:
        """200 body of ``/api/jobs/{id}`` (§12.7)."""
        correlation = {
            "source": "workflow",
            "requestId": run.request_id,
            "workflowId": run.workflow_id,
            "executionId": run.execution_id,
            "triggerType": "api",
        }
        body: Body = {
            "success": True,
            "taskId": run.job_id,
            "status": run.job_status(self.era),
            "metadata": {
                "userId": user_id,
                "workflowId": run.workflow_id,
                "correlation": correlation,
                "workspaceId": workspace_id,
            },
            "output": None,
        }
        outcome = run.outcome
        if outcome is not None and outcome.success:
            body["output"] = {
                "output": outcome.output,
                "success": True,
                "executedAt": iso(outcome.ended_at),
                "workflowId": run.workflow_id,
                "executionId": run.execution_id,
            }
        elif outcome is not None:
            body["error"] = outcome.error
        return body

    def status_unauthorized(self, request_id: str) -> Body:
        """401 body of ``/status``."""
        return {"error": "Unauthorized", "requestId": request_id}

    def status_not_found(self, request_id: str) -> Body:
        """404 body of ``/status``."""
        return {
            "error": "Workflow not found",
            "code": "WORKFLOW_NOT_FOUND",
            "requestId": request_id,
        }

    def rate_bucket(self, decision: RateDecision, per_minute: int) -> Body:
        """``{isLimited, requestsPerMinute, maxBurst, remaining, resetAt}``."""
        return {
            "isLimited": decision.remaining == 0,
            "requestsPerMinute": per_minute,
            "maxBurst": decision.burst,
            "remaining": decision.remaining,
            "resetAt": iso(decision.reset_at),
        }

    # -- streams ---------------------------------------------------------------------------

    def final_frame(self, outcome: Outcome, output: Any) -> Body:
        """The success terminal frame."""
        data: Body = {"success": True, "output": output}
        if outcome.status == "paused":
            data["status"] = "paused"
        return {"event": "final", "data": data}

    def end_frames(self, error: Optional[str], outcome: Outcome, output: Any) -> Iterator[Frame]:
        """The frames that end a stream: ``final`` or ``error``, then ``"[DONE]"``."""
        if error is not None:
            yield sse_frame({"event": "error", "error": error})
        else:
            yield sse_frame(self.final_frame(outcome, output))
        yield sse_frame("[DONE]", terminal=True)

"""The v1 wire format of the ``2025`` era: the docs era (``fe9ebbf81b``, SDK 0.1.0)."""

from __future__ import annotations

from typing import Any, Iterator, Optional, Tuple

from ._engine import Outcome
from ._ratelimit import RateDecision
from ._responses import Frame, HeaderList, sse_frame
from ._runs import Run
from ._util import derive_code, iso
from ._wire import USAGE_MESSAGE, Body, Wire, metadata


class Wire2025(Wire):
    """Shapes of the docs era (``fe9ebbf81b``, Python SDK 0.1.0)."""

    era = "2025"
    lookup_before_auth = True
    status_needs_auth = False

    def error(self, message: str, code: Optional[str] = None) -> Body:
        """A 2025 error body: ``code`` derived from the message unless given."""
        return {"error": message, "code": code or derive_code(message)}

    def execute_unauthorized(self, missing: bool) -> Body:
        """401 body of execute (codes derived from the message, colon included)."""
        if missing:
            return self.error("Unauthorized: API key required")
        return self.error("Unauthorized: Invalid API key")

    def workflow_not_found(self) -> Body:
        """404 body, sent before the key is checked."""
        return self.error("Workflow not found", "WORKFLOW_NOT_FOUND")

    def invalid_json(self) -> Body:
        """400 body for a body that is not JSON."""
        return self.error("Invalid JSON in request body", "INVALID_JSON")

    def usage_exceeded(self) -> Body:
        """402 body when the usage budget is spent."""
        return self.error(USAGE_MESSAGE, "USAGE_LIMIT_EXCEEDED")

    def rate_limited(self, decision: RateDecision, is_async: bool) -> Body:
        """429 body: sync has a code, async has ``remaining``/``resetAt`` and no code."""
        reset = iso(decision.reset_at)
        if is_async:
            return {
                "error": "Rate limit exceeded",
                "message": f"Rate limit exceeded. Resets at {reset}",
                "remaining": decision.remaining,
                "resetAt": reset,
            }
        message = (
            f"Rate limit exceeded. You have {decision.remaining} requests remaining. "
            f"Resets at {reset}"
        )
        return self.error(message, "RATE_LIMIT_EXCEEDED")

    def run_result(self, run: Run, outcome: Outcome) -> Tuple[int, Any, HeaderList]:
        """A failed run is still HTTP 200 in 2025, with ``success: false``."""
        body: Body = {
            "success": outcome.success,
            "output": outcome.output if outcome.success else {},
        }
        if not outcome.success:
            body["error"] = outcome.error
        body["metadata"] = metadata(outcome)
        return 200, body, []

    def async_accepted(self, run: Run, base_url: str) -> Body:
        """202 body with ``taskId`` and a relative ``links.status``."""
        return {
            "success": True,
            "taskId": run.job_id,
            "status": "queued",
            "createdAt": iso(run.created_at),
            "links": {"status": f"/api/jobs/{run.job_id}"},
        }

    def jobs_unauthorized(self, missing: bool) -> Body:
        """401 body of ``/api/jobs/{id}``."""
        return self.error("Authentication required")

    def job_status(self, run: Run, user_id: str, workspace_id: str) -> Body:
        """200 body with timing metadata and ``estimatedDuration`` while pending."""
        status = run.job_status(self.era)
        meta: Body = {"startedAt": iso(run.started_at or run.created_at)}
        body: Body = {"success": True, "taskId": run.job_id, "status": status, "metadata": meta}
        outcome = run.outcome
        if outcome is None or status in ("queued", "processing"):
            body["estimatedDuration"] = 180000
            return body
        meta["completedAt"] = iso(outcome.ended_at)
        meta["duration"] = int(outcome.duration_ms)
        if outcome.success:
            body["output"] = {
                "success": True,
                "workflowId": run.workflow_id,
                "executionId": run.execution_id,
                "output": outcome.output,
                "executedAt": iso(outcome.ended_at),
                "metadata": metadata(outcome),
            }
        else:
            body["error"] = {"name": "Error", "message": outcome.error, "stackTrace": ""}
        return body

    def status_unauthorized(self, request_id: str) -> Body:
        """Never sent: ``/status`` needed no key in 2025."""
        return self.error("Unauthorized")

    def status_not_found(self, request_id: str) -> Body:
        """404 body of ``/status`` (no request id in 2025)."""
        return self.error("Workflow not found", "WORKFLOW_NOT_FOUND")

    def rate_bucket(self, decision: RateDecision, per_minute: int) -> Body:
        """``{isLimited, limit, remaining, resetAt}`` (``limit`` is the per-minute rate)."""
        return {
            "isLimited": decision.remaining == 0,
            "limit": per_minute,
            "remaining": decision.remaining,
            "resetAt": iso(decision.reset_at),
        }

    def final_frame(self, outcome: Outcome, output: Any) -> Body:
        """The docs-era terminal frame: ``{"event":"done", success, output, metadata}``."""
        return {
            "event": "done",
            "success": True,
            "output": output,
            "metadata": {"duration": outcome.duration_ms},
        }

    def end_frames(self, error: Optional[str], outcome: Outcome, output: Any) -> Iterator[Frame]:
        """``done`` then a bare ``data: [DONE]``; an error frame ends the stream by itself."""
        if error is not None:
            yield sse_frame({"event": "error", "error": error}, terminal=True)
            return
        yield sse_frame(self.final_frame(outcome, output))
        yield Frame(b"data: [DONE]\n\n", terminal=True)

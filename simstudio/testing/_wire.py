"""The neutral v1 wire format: what every era answers alike, and what each era must define."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar, Dict, Iterator, Optional, Tuple

from ._engine import Event, Outcome, Selection
from ._ratelimit import RateDecision
from ._responses import Frame, HeaderList, sse_frame
from ._runs import Run
from ._util import iso
from ._workflows import Workflow

Body = Dict[str, Any]
USAGE_MESSAGE = "Usage limit exceeded. Please upgrade your plan to continue."


def metadata(outcome: Outcome) -> Body:
    """``{duration, startTime, endTime}`` of a run."""
    return {
        "duration": outcome.duration_ms,
        "startTime": iso(outcome.started_at),
        "endTime": iso(outcome.ended_at),
    }


class Wire(ABC):
    """The v1 answers of one era of Sim; ``Wire2026`` and ``Wire2025`` are its peers.

    Shapes that never changed are built here from the era's ``error``; every shape that did
    change is an abstract method, so a new era has to decide each of them.
    """

    #: The era's name, as passed to ``LocalSimServer(wire_format=...)``.
    era: ClassVar[str]
    #: Whether 404/403 are checked before the API key (2025) or after it (HEAD).
    lookup_before_auth: ClassVar[bool]
    #: Whether ``/status`` needs an API key.
    status_needs_auth: ClassVar[bool]

    # -- errors -------------------------------------------------------------------------------

    @abstractmethod
    def error(self, message: str, code: Optional[str] = None) -> Body:
        """A v1 error body."""

    @abstractmethod
    def execute_unauthorized(self, missing: bool) -> Body:
        """401 body of execute for a missing or wrong key."""

    @abstractmethod
    def workflow_not_found(self) -> Body:
        """404 body of execute for an unknown workflow."""

    @abstractmethod
    def invalid_json(self) -> Body:
        """400 body for a body that is not JSON."""

    @abstractmethod
    def usage_exceeded(self) -> Body:
        """402 body when the usage budget is spent."""

    @abstractmethod
    def rate_limited(self, decision: RateDecision, is_async: bool) -> Body:
        """429 body of execute."""

    @abstractmethod
    def jobs_unauthorized(self, missing: bool) -> Body:
        """401 body of ``/api/jobs/{id}``."""

    @abstractmethod
    def status_unauthorized(self, request_id: str) -> Body:
        """401 body of ``/status`` (only sent when ``status_needs_auth``)."""

    @abstractmethod
    def status_not_found(self, request_id: str) -> Body:
        """404 body of ``/status``."""

    def not_deployed(self) -> Body:
        """403 body of execute for an undeployed workflow."""
        return self.error("Workflow is not deployed")

    def workspace_forbidden(self) -> Body:
        """403 body of execute for a key of another workspace."""
        return self.error("API key is not authorized for this workspace")

    def bad_request(self, message: str) -> Body:
        """400 body for other request errors (file processing, validation)."""
        return self.error(message)

    def too_large(self) -> Body:
        """413 body for a body over the limit."""
        return self.error("Request body too large")

    # -- results ------------------------------------------------------------------------------

    def sync_result(self, run: Run, outcome: Outcome) -> Tuple[int, Any, HeaderList]:
        """Status, body and extra headers of a finished sync run.

        A Response block answers with its own status, JSON and headers in every era.
        """
        if outcome.response is not None and outcome.status == "completed":
            block = outcome.response
            return block.status, block.data, list(block.headers.items())
        return self.run_result(run, outcome)

    @abstractmethod
    def run_result(self, run: Run, outcome: Outcome) -> Tuple[int, Any, HeaderList]:
        """Status, body and extra headers of a finished sync run without a Response block."""

    @abstractmethod
    def async_accepted(self, run: Run, base_url: str) -> Body:
        """202 body of an async execute."""

    @abstractmethod
    def job_status(self, run: Run, user_id: str, workspace_id: str) -> Body:
        """200 body of ``/api/jobs/{id}`` for a job of ``user_id`` in ``workspace_id``."""

    def usage_limits(self, decision: RateDecision, per_minute: int, used: int, limit: int) -> Body:
        """200 body of ``/api/users/me/usage-limits``."""
        bucket = self.rate_bucket(decision, per_minute)
        return {
            "success": True,
            "rateLimit": {"sync": bucket, "async": dict(bucket), "authType": "api"},
            "usage": {"currentPeriodCost": used, "limit": limit, "plan": "free"},
            "storage": {"usedBytes": 0, "limitBytes": 5368709120, "percentUsed": 0},
        }

    @abstractmethod
    def rate_bucket(self, decision: RateDecision, per_minute: int) -> Body:
        """One ``rateLimit.sync``/``async`` object of the usage-limits body."""

    # -- streams ------------------------------------------------------------------------------

    @abstractmethod
    def final_frame(self, outcome: Outcome, output: Any) -> Body:
        """The success terminal frame."""

    @abstractmethod
    def end_frames(self, error: Optional[str], outcome: Outcome, output: Any) -> Iterator[Frame]:
        """The frames that end a stream (after a failure, ``error`` is its message)."""

    def stream_frames(
        self,
        workflow: Workflow,
        events: Iterator[Event],
        selection: Optional[Selection],
        error_override: Optional[str] = None,
    ) -> Iterator[Frame]:
        """Encode a run's events as SSE frames (chunks only for selected streaming blocks)."""
        try:
            for event in events:
                if isinstance(event, str):
                    if selection is not None and selection.streams_content:
                        yield sse_frame({"blockId": workflow.block_id, "chunk": event})
                    continue
                output = event.output
                if selection is not None:
                    output = selection.final_output(workflow, event, self.era == "2025")
                error = error_override
                if error is None and event.status in ("failed", "cancelled"):
                    error = event.error
                yield from self.end_frames(error, event, output)
        finally:
            close = getattr(events, "close", None)
            if close is not None:
                close()

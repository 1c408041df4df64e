"""``client.runs``: v2 runs (``/api/v2/workflows/{id}/runs/{runId}``): look up and cancel."""

from __future__ import annotations

from typing import Mapping, Optional, Sequence

from .._config import Timeout
from .._inputs import resource_path
from ..types._wire import v2_data
from ..types.executions import CancelResult, WorkflowRun
from ._base import Resource
from .executions import output_query

__all__ = ["Runs"]


def _run_path(workflow_id: str, run_id: str, tail: str = "") -> str:
    return resource_path(
        "/api/v2/workflows/{workflow_id}/runs/{run_id}" + tail,
        workflow_id=workflow_id,
        run_id=run_id,
    )


class Runs(Resource):
    """Runs started through Sim's v2 API, by run id."""

    def get(
        self,
        workflow_id: str,
        run_id: str,
        *,
        include_output: bool = True,
        selected_outputs: Optional[Sequence[str]] = None,
        timeout: Optional[Timeout] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> WorkflowRun:
        """One v2 run: status, output, timing."""
        what = "get_workflow_run"
        answer = self._requester.request(
            "GET",
            _run_path(workflow_id, run_id),
            query=output_query(include_output, selected_outputs),
            what=what,
            timeout=timeout,
            extra_headers=extra_headers,
        )
        return self._build(lambda body: WorkflowRun.from_wire(v2_data(body, what)), answer)

    def cancel(
        self,
        workflow_id: str,
        run_id: str,
        *,
        timeout: Optional[Timeout] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> CancelResult:
        """Cancel a v2 run (best-effort)."""
        what = f"cancel_run({run_id!r})"
        answer = self._requester.request(
            "POST",
            _run_path(workflow_id, run_id, "/cancel"),
            json={},
            what=what,
            timeout=timeout,
            extra_headers=extra_headers,
        )
        return self._build(lambda body: CancelResult.from_wire(v2_data(body, what)), answer)

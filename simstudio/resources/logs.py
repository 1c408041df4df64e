"""``client.logs``: execution logs (v1 or v2, as the server offers), one log, one execution."""

from __future__ import annotations

from typing import Any, Dict, List, Literal, Mapping, Optional, Sequence, Union

from .._config import Timeout
from .._errors import InvalidArgumentError
from .._inputs import resource_path
from .._pagination import Paginator
from .._versions import use_v2
from ..types._wire import v2_data
from ..types.logs import ExecutionSnapshot, LogEntry
from ._base import Resource
from ._dates import Moment, utc_iso
from ._lists import check_limit, v2_list

__all__ = ["Logs"]

#: One id or several (sent as a comma list).
Ids = Union[str, Sequence[str]]

# The server clamps rather than refuses, but a page size it would silently change is a bug.
MAX_PAGE_SIZE = 1000


def _id_list(value: Optional[Ids], name: str) -> Optional[List[str]]:
    if value is None:
        return None
    items = [value] if isinstance(value, str) else list(value)
    if not items or not all(isinstance(i, str) and i.strip() and "," not in i for i in items):
        raise InvalidArgumentError(f"{name} must be a non-empty string or list of strings")
    return items


def _choice(value: Optional[str], name: str, options: Sequence[str]) -> Optional[str]:
    if value is not None and value not in options:
        raise InvalidArgumentError(f"{name} must be one of {', '.join(map(repr, options))}")
    return value


def _number(value: Optional[float], name: str) -> Optional[float]:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
        raise InvalidArgumentError(f"{name} must be a number >= 0")
    return value


class Logs(Resource):
    """Execution logs: what ran, when, with what result and cost.

    Uses v2 (``/api/v2/logs``) where the server offers it, else v1; both answer with
    :class:`~simstudio.LogEntry` objects.
    """

    def list(
        self,
        workspace_id: Optional[str] = None,
        *,
        workflow_ids: Optional[Ids] = None,
        level: Optional[Literal["info", "error"]] = None,
        trigger: Optional[Ids] = None,
        since: Optional[Moment] = None,
        until: Optional[Moment] = None,
        min_duration_ms: Optional[float] = None,
        max_duration_ms: Optional[float] = None,
        min_cost: Optional[float] = None,
        max_cost: Optional[float] = None,
        model: Optional[str] = None,
        execution_id: Optional[str] = None,
        folder_ids: Optional[Ids] = None,
        order: Optional[Literal["desc", "asc"]] = None,
        details: Literal["basic", "full"] = "basic",
        include_final_output: bool = False,
        include_trace_spans: bool = False,
        limit: Optional[int] = None,
        cursor: Optional[str] = None,
        timeout: Optional[Timeout] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> Paginator[LogEntry]:
        """The workspace's log entries, newest first, fetched lazily page by page.

        Args:
            workspace_id: The workspace (default: the client's, or the key's own on v2).
            workflow_ids: Only these workflows.
            level: ``"info"`` or ``"error"`` (failed runs).
            trigger: Only runs started this way (``"api"``, ``"webhook"``, ``"schedule"``,
                ``"manual"``, ``"chat"``; case-sensitive on the server).
            since: Runs started at or after this instant: an aware ``datetime`` or ISO-8601
                text with a zone; sent as UTC ``...Z``. Naive datetimes are refused.
            until: Runs started at or before this instant (same rules).
            min_duration_ms: Runs that took at least this long.
            max_duration_ms: Runs that took at most this long.
            min_cost: Runs that cost at least this much.
            max_cost: Runs that cost at most this much.
            model: Runs that used this model.
            execution_id: The run with this execution (run) id.
            folder_ids: Only workflows in these folders (v1 only: with a v2 server, create
                the client with ``api_version="v1"``).
            order: ``"desc"`` (newest first, the default) or ``"asc"``.
            details: ``"full"`` adds each entry's ``workflow``.
            include_final_output: Add each run's ``final_output`` (implies ``details="full"``).
            include_trace_spans: Add each run's ``trace_spans`` (implies ``details="full"``).
            limit: The page size, 1 to 1000 (the server's default is 100).
            cursor: Resume from a page's cursor (``page.next_cursor`` or ``error.cursor``).
            timeout: Seconds to wait for each page.
            extra_headers: Headers for these requests only.

        Raises:
            InvalidArgumentError: A bad filter, before anything is sent.
        """
        _choice(details, "details", ("basic", "full"))
        full = details == "full" or include_final_output or include_trace_spans
        page_size = check_limit(limit, MAX_PAGE_SIZE)
        # Every check above and in the query below comes before the version question (a
        # request on a client that has not asked yet): a bad filter sends nothing.
        query: Dict[str, Any] = {
            "workflowIds": _id_list(workflow_ids, "workflow_ids"),
            "folderIds": _id_list(folder_ids, "folder_ids"),
            "triggers": _id_list(trigger, "trigger"),
            "level": _choice(level, "level", ("info", "error")),
            "startDate": utc_iso(since, "since"),
            "endDate": utc_iso(until, "until"),
            "minDurationMs": _number(min_duration_ms, "min_duration_ms"),
            "maxDurationMs": _number(max_duration_ms, "max_duration_ms"),
            "minCost": _number(min_cost, "min_cost"),
            "maxCost": _number(max_cost, "max_cost"),
            "model": model,
            "order": _choice(order, "order", ("desc", "asc")),
            "details": "full" if full else None,  # basic is the server's default
            "includeFinalOutput": True if include_final_output else None,
            "includeTraceSpans": True if include_trace_spans else None,
        }
        v2 = use_v2(self._requester)
        if v2 and folder_ids is not None:
            raise InvalidArgumentError(
                "folder_ids is a filter of Sim's v1 logs API; create the client with "
                "api_version='v1' to use it"
            )
        query["runId" if v2 else "executionId"] = execution_id
        workspace = self._workspace(workspace_id, "client.logs.list()")
        return v2_list(
            self._requester,
            "/api/v2/logs" if v2 else "/api/v1/logs",
            LogEntry.from_wire,
            what="logs.list()",
            query={"workspaceId": workspace, **query},
            limit=page_size,
            cursor=cursor,
            timeout=timeout,
            extra_headers=extra_headers,
        )

    def get(
        self,
        log_id: str,
        *,
        timeout: Optional[Timeout] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> LogEntry:
        """One log entry with its final output and trace spans.

        Args:
            log_id: ``entry.id`` of a listed entry: the log id on v1, the run id on v2.

        Raises:
            NotFoundError: Unknown, or in a workspace this key cannot see (concealed).
        """
        v2 = use_v2(self._requester)
        template = "/api/v2/logs/{log_id}" if v2 else "/api/v1/logs/{log_id}"
        what = f"logs.get({log_id!r})"
        answer = self._requester.request(
            "GET",
            resource_path(template, log_id=log_id),
            what=what,
            timeout=timeout,
            extra_headers=extra_headers,
        )
        return self._build(lambda body: LogEntry.from_wire(v2_data(body, what)), answer)

    def execution(
        self,
        execution_id: str,
        *,
        timeout: Optional[Timeout] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> ExecutionSnapshot:
        """An execution's workflow state and metadata (``GET /api/v1/logs/executions/{id}``).

        Raises:
            NotFoundError: Unknown, or in a workspace this key cannot see.
        """
        answer = self._requester.request(
            "GET",
            resource_path("/api/v1/logs/executions/{execution_id}", execution_id=execution_id),
            what=f"logs.execution({execution_id!r})",
            timeout=timeout,
            extra_headers=extra_headers,
        )
        return self._build(ExecutionSnapshot.from_wire, answer)

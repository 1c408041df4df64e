"""Logs (public-api.md §5): v1 and v2 lists with filters and cursors, one log, one execution."""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from typing import Any, Callable, Dict, FrozenSet, List, Optional, Tuple

from ._envelopes import V2, ApiError, v1_data, v1_page, v2_data, v2_list
from ._logs import Key, LogFilter, LogRecord, LogStore, find, keyset_page, run_records
from ._logs_views import execution_snapshot, list_item, v1_log, v2_log
from ._pagination import (
    FILTERS_CHANGED,
    INVALID_CURSOR,
    SORT_CHANGED,
    decode_cursor,
    encode_cursor,
    filter_fingerprint,
)
from ._public import Call
from ._responses import Response, json_response
from ._validation import Checks, Issue

LOG_NOT_FOUND = "Log not found"
EXECUTION_NOT_FOUND = "Workflow execution not found"
#: zod's datetime pattern as the v2 route reports it (UTC only, ``Z``).
_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?Z$")
_V2_DATE = "{name} must be a UTC ISO 8601 timestamp, e.g. 2026-08-06T00:00:00Z"
_V1_DATE = "{name} must be an ISO 8601 timestamp"  # v1's words were not recorded


@dataclass(frozen=True)
class ListRequest:
    """A parsed list request: what it selects, how it pages, what each item carries."""

    selected: LogFilter
    order: str
    limit: int
    cursor: Optional[str]
    full: bool
    output: bool
    spans: bool
    fingerprint: str


def _moment(checks: Checks, name: str, v2: bool) -> Optional[float]:
    text = checks.string(name)
    if text is None:
        return None
    try:
        if v2 and not _UTC.match(text):
            raise ValueError(text)
        moment = _dt.datetime.fromisoformat(_six_digits(text.replace("Z", "+00:00")))
    except ValueError:
        message = (_V2_DATE if v2 else _V1_DATE).format(name=name)
        issue: Issue = {"origin": "string", "code": "invalid_format", "format": "datetime",
                        "path": [name], "message": message}  # fmt: skip
        checks.add(issue)
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_dt.timezone.utc)
    return moment.timestamp()


def _six_digits(text: str) -> str:
    # Python < 3.11 parses only 3 or 6 fraction digits.
    head, dot, tail = text.partition(".")
    digits = len(tail) - len(tail.lstrip("0123456789"))
    return f"{head}.{(tail[:digits] + '000000')[:6]}{tail[digits:]}" if dot and digits else text


def _ids(checks: Checks, name: str) -> Optional[FrozenSet[str]]:
    text = checks.string(name)
    if text is None:
        return None
    return frozenset(part.strip() for part in text.split(",") if part.strip())


def _number(checks: Checks, name: str) -> Optional[float]:
    text = checks.string(name)
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        checks.add({"expected": "number", "code": "invalid_type", "path": [name],
                    "message": "Invalid input: expected number, received NaN"})  # fmt: skip
        return None


def _limit(checks: Checks) -> int:
    # Logs clamp the page size to 1..1000 instead of refusing it (default 100).
    text = checks.string("limit")
    try:
        return min(1000, max(1, int(float(text)))) if text is not None else 100
    except ValueError:
        return 100


def read_list(call: Call) -> ListRequest:
    """Parse and check a list request (400 with zod-like issues); 403 for another workspace."""
    v2 = call.version == V2
    checks = call.query_checks()
    workspace_id = checks.string(
        "workspaceId", required=True, messages={"invalid_type": "Workspace ID is required"}
    )
    selected = LogFilter(
        workspace_id=workspace_id or "",
        workflow_ids=_ids(checks, "workflowIds"),
        triggers=_ids(checks, "triggers"),
        level=checks.choice("level", ("info", "error")),
        since=_moment(checks, "startDate", v2),
        until=_moment(checks, "endDate", v2),
        execution_id=checks.string("runId" if v2 else "executionId"),
        min_duration=_number(checks, "minDurationMs"),
        max_duration=_number(checks, "maxDurationMs"),
        min_cost=_number(checks, "minCost"),
        max_cost=_number(checks, "maxCost"),
        model=checks.string("model"),
        folder_ids=None if v2 else _ids(checks, "folderIds"),
    )
    details = checks.choice("details", ("basic", "full"), default="basic")
    order = checks.choice("order", ("desc", "asc"), default="desc") or "desc"
    spans = checks.boolean("includeTraceSpans", default=False)
    output = checks.boolean("includeFinalOutput", default=False)
    limit, cursor = _limit(checks), checks.string("cursor")
    checks.done()
    call.workspace(workspace_id)
    filters = {k: v for k, v in call.query().items() if k not in ("limit", "cursor")}
    # v2: asking for the output or the spans implies the full details.
    full = details == "full" or (v2 and bool(spans or output))
    return ListRequest(selected, order, limit, cursor, full, bool(output), bool(spans),
                       filter_fingerprint(filters))  # fmt: skip


def _after_v2(request: ListRequest) -> Optional[Key]:
    if request.cursor is None:
        return None
    try:
        payload = decode_cursor(request.cursor)
        keys = payload["keys"]
        if not (
            isinstance(keys, list) and len(keys) == 2 and all(isinstance(k, str) for k in keys)
        ):
            raise ValueError("not a cursor")
    except (KeyError, ValueError):
        raise ApiError(400, INVALID_CURSOR) from None
    if payload.get("sort") != f"startedAt:{request.order}":
        raise ApiError(400, SORT_CHANGED)
    if payload.get("filter") != request.fingerprint:
        raise ApiError(400, FILTERS_CHANGED)
    return (keys[0], keys[1])


def _after_v1(request: ListRequest) -> Optional[Key]:
    if request.cursor is None:
        return None
    try:
        payload = decode_cursor(request.cursor)
        started, log_id = payload["startedAt"], payload["id"]
        if not isinstance(started, str) or not isinstance(log_id, str):
            raise ValueError("not a cursor")
    except (KeyError, ValueError):
        raise ApiError(400, "Invalid cursor") from None
    return (started, log_id)


def _records(call: Call) -> Tuple[List[LogRecord], List[Key]]:
    runs = run_records(call.state.runs.all(), call.directory.main.id)
    return call.state.store(LogStore).listing(runs)


def list_logs(call: Call) -> Response:
    """``GET /api/v1/logs`` and ``GET /api/v2/logs``: newest first unless ``order=asc``."""
    request = read_list(call)
    v2 = call.version == V2
    after = _after_v2(request) if v2 else _after_v1(request)
    records, keys = _records(call)
    page, last = keyset_page(
        records, keys, request.selected, request.limit, after, request.order == "desc"
    )
    items = [list_item(r, v2, request.full, request.output, request.spans) for r in page]
    if v2:
        cursor = None
        if last is not None:
            payload = {"sort": f"startedAt:{request.order}", "keys": list(last),
                       "filter": request.fingerprint}  # fmt: skip
            cursor = encode_cursor(payload)
        return v2_list(items, cursor)
    following = None
    if last is not None:
        following = encode_cursor({"startedAt": last[0], "id": last[1], "order": request.order})
    return v1_page(items, following, call.limits(), null_at_end=True)


def _visible(call: Call, matches: Callable[[LogRecord], bool], not_found: str) -> LogRecord:
    record = find(_records(call)[0], matches)
    return call.visible(record, record.workspace_id if record else None, not_found)


def get_log(call: Call) -> Response:
    """``GET /api/v1/logs/{id}`` (by log id) and ``GET /api/v2/logs/{runId}`` (no query)."""
    call.query_checks().done()  # v2 takes no query at all; v1 ignores one
    wanted = call.params["id"]
    if call.version == V2:
        record = _visible(call, lambda r: r.execution_id == wanted, LOG_NOT_FOUND)
        return v2_data(v2_log(record, call.directory))
    record = _visible(call, lambda r: r.log_id == wanted, LOG_NOT_FOUND)
    return v1_data(v1_log(record, call.directory), call.limits())


def get_execution(call: Call) -> Response:
    """``GET /api/v1/logs/executions/{executionId}``: the snapshot, without a ``data`` wrapper."""
    wanted = call.params["executionId"]
    record = _visible(call, lambda r: r.execution_id == wanted, EXECUTION_NOT_FOUND)
    body: Dict[str, Any] = execution_snapshot(record, call.limits())
    return json_response(200, body)

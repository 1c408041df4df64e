"""Execution logs of a local server: one record per run it executed plus synthetic ones, their
filters and keyset pages (newest first by default)."""

from __future__ import annotations

import bisect
import functools
import itertools
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, FrozenSet, Iterable, List, Optional, Sequence, Tuple, Union

from ._runs import Run
from ._util import iso, new_uuid

#: A sort key: (startedAt as ISO text, id), what the cursors carry.
Key = Tuple[str, str]
#: One value, or several to cycle through (``add_logs``).
Cycle = Union[str, Sequence[str]]


@functools.lru_cache(maxsize=4096)  # the same few deployment ids on every page
def stable_id(kind: str, name: str) -> str:
    """A deterministic UUID for something derived from ``name`` (log ids, deployments)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"simstudio-local:{kind}:{name}"))


def _iso(ts: float) -> str:
    # Like ``_util.iso`` (the same text for whole milliseconds), without a datetime per call:
    # 50,000 logs are made at once.
    seconds, micros = divmod(round(ts * 1_000_000), 1_000_000)
    t = time.gmtime(seconds)
    return (
        f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}T{t.tm_hour:02d}:{t.tm_min:02d}:"
        f"{t.tm_sec:02d}.{micros // 1000:03d}Z"
    )


def _ids(count: int) -> List[str]:
    # Unique, UUID-shaped ids: a random prefix and a counter (uuid4() per entry is slow).
    prefix = new_uuid()[:24]
    return [f"{prefix}{number:012x}" for number in range(count)]


@dataclass
class LogRecord:
    """One execution log entry (internal).

    ``status`` is ``running``, ``paused``, ``completed``, ``failed`` or ``cancelled``; times are
    Unix seconds; ``spans`` are the blocks that ran as ``(block_id, name, type, ok, output)``.
    """

    log_id: str
    execution_id: str
    workflow_id: str
    workflow_name: str
    workspace_id: str
    status: str
    started_at: float
    ended_at: Optional[float]
    trigger: str = "api"
    cost: float = 0.0
    final_output: Any = None
    block_id: Optional[str] = None
    block_name: str = "Agent 1"
    error: Optional[str] = None
    model: Optional[str] = None
    created_at: float = field(default_factory=time.time)
    started_iso: str = field(init=False, repr=False)
    ended_iso: Optional[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.started_iso = _iso(self.started_at)
        self.ended_iso = _iso(self.ended_at) if self.ended_at is not None else None

    @property
    def key(self) -> Key:
        """The record's place in the listing."""
        return (self.started_iso, self.log_id)

    @property
    def block_type(self) -> str:
        """``agent`` or ``function``, from the block's display name."""
        return "agent" if self.block_name.startswith("Agent") else "function"

    @property
    def level(self) -> str:
        """``error`` for a failed run, else ``info``."""
        return "error" if self.status == "failed" else "info"

    @property
    def duration_ms(self) -> Optional[int]:
        """How long the run took, once it has ended."""
        if self.ended_at is None:
            return None
        return round(max(0.0, self.ended_at - self.started_at) * 1000)

    @classmethod
    def of_run(cls, run: Run, workspace_id: str) -> LogRecord:
        """The log entry of a run of the local server (its state right now)."""
        outcome = run.outcome
        output: Any = None
        if outcome is not None:
            output = outcome.output if outcome.success else {"error": outcome.error}
        started = run.started_at or run.created_at
        return cls(
            log_id=stable_id("log", run.execution_id),
            execution_id=run.execution_id,
            workflow_id=run.workflow_id,
            workflow_name=run.workflow.name or run.workflow_id,
            workspace_id=workspace_id,
            status=run.status,
            started_at=started,
            ended_at=run.ended_at,
            final_output=output,
            block_id=run.workflow.block_id,
            block_name=run.workflow.block_display,
            error=outcome.error if outcome is not None and not outcome.success else None,
            created_at=started,
        )


@dataclass(frozen=True)
class LogFilter:
    """What a list request selects (``None``: no condition)."""

    workspace_id: str
    workflow_ids: Optional[FrozenSet[str]] = None
    triggers: Optional[FrozenSet[str]] = None
    level: Optional[str] = None
    since: Optional[float] = None
    until: Optional[float] = None
    execution_id: Optional[str] = None
    min_duration: Optional[float] = None
    max_duration: Optional[float] = None
    min_cost: Optional[float] = None
    max_cost: Optional[float] = None
    model: Optional[str] = None
    folder_ids: Optional[FrozenSet[str]] = None

    def matches(self, record: LogRecord) -> bool:
        """Whether ``record`` is selected."""
        if record.workspace_id != self.workspace_id or self.folder_ids is not None:
            return False  # local workflows are in no folder
        if self.workflow_ids is not None and record.workflow_id not in self.workflow_ids:
            return False
        if self.triggers is not None and record.trigger not in self.triggers:
            return False
        if self.level is not None and record.level != self.level:
            return False
        if self.since is not None and record.started_at < self.since:
            return False
        if self.until is not None and record.started_at > self.until:
            return False
        if self.execution_id is not None and record.execution_id != self.execution_id:
            return False
        if self.model is not None and record.model != self.model:
            return False
        return self._within_bounds(record)

    def _within_bounds(self, record: LogRecord) -> bool:
        duration = record.duration_ms
        if self.min_duration is not None and (duration is None or duration < self.min_duration):
            return False
        if self.max_duration is not None and (duration is None or duration > self.max_duration):
            return False
        if self.min_cost is not None and record.cost < self.min_cost:
            return False
        return self.max_cost is None or record.cost <= self.max_cost


def _cycle(value: Cycle) -> Iterable[str]:
    return itertools.cycle([value] if isinstance(value, str) else list(value))


class LogStore:
    """The synthetic log entries of a server (runs become entries when listed)."""

    def __init__(self) -> None:
        """Create an empty store."""
        self._lock = threading.Lock()
        self._added: List[LogRecord] = []  # sorted by key
        self._keys: List[Key] = []

    def add(self, records: Iterable[LogRecord]) -> None:
        """Add entries (kept sorted, so listing 50,000 of them stays cheap)."""
        with self._lock:
            merged = sorted([*self._added, *records], key=lambda r: r.key)
            self._added, self._keys = merged, [r.key for r in merged]

    def synthetic(
        self,
        count: int,
        *,
        workspace_id: str,
        workflow_ids: Cycle,
        statuses: Cycle,
        triggers: Cycle,
        start: float,
        interval: float,
        duration_ms: float,
        cost: float,
    ) -> List[LogRecord]:
        """Make ``count`` entries, one every ``interval`` seconds from ``start``."""
        columns = zip(_cycle(workflow_ids), _cycle(statuses), _cycle(triggers))
        run_ids, log_ids = _ids(count), _ids(count)
        start = round(start, 3)  # whole milliseconds, as the API shows them
        made = []
        for number, (workflow, status, trigger) in zip(range(count), columns):
            started = start + number * interval
            made.append(
                LogRecord(
                    log_id=log_ids[number], execution_id=run_ids[number], workflow_id=workflow,
                    workflow_name=workflow, workspace_id=workspace_id, status=status,
                    started_at=started, ended_at=started + duration_ms / 1000.0, trigger=trigger,
                    cost=cost, final_output={"entry": number},
                    error="Agent 1: synthetic failure" if status == "failed" else None,
                    created_at=started,
                )
            )  # fmt: skip
        self.add(made)
        return made

    def listing(self, runs: Iterable[LogRecord]) -> Tuple[List[LogRecord], List[Key]]:
        """Every entry (the synthetic ones and ``runs``) in key order, and their keys."""
        with self._lock:
            records, keys = list(self._added), list(self._keys)
        for record in runs:
            at = bisect.bisect_left(keys, record.key)
            keys.insert(at, record.key)
            records.insert(at, record)
        return records, keys


def keyset_page(
    records: List[LogRecord],
    keys: List[Key],
    selected: LogFilter,
    limit: int,
    after: Optional[Key],
    descending: bool,
) -> Tuple[List[LogRecord], Optional[Key]]:
    """Up to ``limit`` selected records after ``after`` in the order asked for, and the key of
    the last one when more may follow. Only the records it returns (and one more) are looked at
    when most records are selected."""
    if descending:
        end = len(keys) if after is None else bisect.bisect_left(keys, after)
        candidates: Iterable[LogRecord] = (records[i] for i in range(end - 1, -1, -1))
    else:
        begin = 0 if after is None else bisect.bisect_right(keys, after)
        candidates = (records[i] for i in range(begin, len(records)))
    page: List[LogRecord] = []
    for record in candidates:
        if not selected.matches(record):
            continue
        if len(page) == limit:
            return page, page[-1].key
        page.append(record)
    return page, None


def run_records(runs: Iterable[Run], workspace_id: str) -> List[LogRecord]:
    """The log entries of the runs that have started."""
    return [LogRecord.of_run(run, workspace_id) for run in runs if run.status != "queued"]


def find(records: Iterable[LogRecord], matches: Callable[[LogRecord], bool]) -> Optional[LogRecord]:
    """The first record that matches, or ``None``."""
    return next((record for record in records if matches(record)), None)


def spans_of(record: LogRecord) -> List[Dict[str, Any]]:
    """The trace spans of an entry: the workflow, its start block and its one block."""
    start, end = record.started_at, record.ended_at or record.started_at
    duration = record.duration_ms or 0
    ok = record.status != "failed"
    block = {
        "id": f"{record.block_id}-{int(start * 1000)}", "name": record.block_name,
        "type": record.block_type, "duration": duration,
        "startTime": iso(start), "endTime": iso(end),
        "status": "success" if ok else "error", "blockId": record.block_id,
        "input": {}, "output": record.final_output if ok else {"error": record.error},
        "relativeStartMs": 0, "children": [], "executionOrder": 1,
    }  # fmt: skip
    return [
        {"id": "workflow-execution", "name": "Workflow Execution", "type": "workflow",
         "duration": duration, "startTime": iso(start), "endTime": iso(end),
         "status": block["status"], "children": [block]}
    ]  # fmt: skip

"""Running a handler: outcomes, streamed chunks, cancellation and ``selectedOutputs`` resolution."""

from __future__ import annotations

import time
import types
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Generator, Iterator, List, Optional, Union

from ._workflows import CLIENT_CANCELLED, Pause, ResponseBlock, Workflow, WorkflowContext


@dataclass
class Outcome:
    """How a run ended (or paused).

    Attributes:
        status: ``completed``, ``failed``, ``cancelled`` or ``paused``.
        output: The workflow output (``{}`` on failure).
        error: The error message, prefixed with the block's display name for block failures.
        error_code: The v2 execution error code.
        response: The Response block, if the handler returned one.
        pause: The pause, if the run paused.
        streamed: Whether the handler was a streaming (generator) agent.
    """

    status: str
    output: Any = field(default_factory=dict)
    error: Optional[str] = None
    error_code: Optional[str] = None
    response: Optional[ResponseBlock] = None
    pause: Optional[Pause] = None
    streamed: bool = False
    started_at: float = field(default_factory=time.time)
    ended_at: float = field(default_factory=time.time)

    @property
    def success(self) -> bool:
        """Whether the run counts as a success (completed or paused)."""
        return self.status in ("completed", "paused")

    @property
    def duration_ms(self) -> float:
        """Run time in milliseconds."""
        return max(0.0, (self.ended_at - self.started_at) * 1000.0)


Event = Union[str, Outcome]


def _agent_output(chunks: List[str], returned: Any) -> Dict[str, Any]:
    output: Dict[str, Any] = {
        "content": "".join(chunks),
        "model": "simstudio/local-agent",
        "tokens": {"input": 0, "output": len(chunks), "total": len(chunks)},
    }
    if isinstance(returned, dict):
        output.update(returned)
    return output


def _pump(
    gen: Generator[Any, None, Any], chunks: List[str], ctx: WorkflowContext, delay: float
) -> Generator[str, None, Any]:
    try:
        while not ctx.cancelled.is_set():
            try:
                piece = next(gen)
            except StopIteration as stop:
                return stop.value
            if chunks and delay > 0 and not ctx.sleep(delay):
                return None
            text = piece if isinstance(piece, str) else str(piece)
            chunks.append(text)
            yield text
        return None
    finally:
        gen.close()


def _classify(output: Any, ctx: WorkflowContext, streamed: bool, started: float) -> Outcome:
    ctx.check_deadline()
    if ctx.timed_out:
        return Outcome("failed", {}, "Workflow execution timed out", "TIMEOUT", started_at=started)
    if ctx.cancelled.is_set():
        reason = ctx.abort_reason or "Workflow execution was cancelled"
        status = "failed" if reason == CLIENT_CANCELLED else "cancelled"
        return Outcome(status, {}, reason, "CANCELLED", started_at=started)
    if isinstance(output, Pause):
        paused = output.output if output.output is not None else {}
        return Outcome("paused", paused, pause=output, started_at=started)
    if isinstance(output, ResponseBlock):
        return Outcome("completed", output.as_output(), response=output, started_at=started)
    return Outcome("completed", output, streamed=streamed, started_at=started)


def failure(workflow: Workflow, exc: BaseException, started: Optional[float] = None) -> Outcome:
    """The outcome of a handler that raised: ``"<Block Name>: <message>"``."""
    message = str(exc) or type(exc).__name__
    return Outcome(
        "failed",
        {},
        f"{workflow.block_display}: {message}",
        "BLOCK_EXECUTION_FAILED",
        started_at=started if started is not None else time.time(),
    )


def run_events(
    workflow: Workflow,
    ctx: WorkflowContext,
    call: Callable[[], Any],
    finish: Callable[[Outcome], None],
    chunk_delay: float = 0.0,
) -> Iterator[Event]:
    """Run ``call`` and yield each streamed chunk (``str``), then one ``Outcome``.

    ``finish`` is called exactly once with the outcome, also when the consumer closes the
    iterator early (client gone, server stopping, stream fault): the run then ends failed
    or cancelled with the context's abort reason.
    """
    finished = False
    started = time.time()
    try:
        streamed = False
        try:
            result = call()
            if isinstance(result, types.GeneratorType):
                streamed = True
                chunks: List[str] = []
                returned = yield from _pump(result, chunks, ctx, chunk_delay)
                result = _agent_output(chunks, returned)
        except Exception as exc:
            outcome = failure(workflow, exc, started)
        else:
            outcome = _classify(result, ctx, streamed, started)
        outcome.ended_at = time.time()
        finish(outcome)
        finished = True
        yield outcome
    finally:
        if not finished:
            reason = ctx.abort_reason or CLIENT_CANCELLED
            status = "failed" if reason == CLIENT_CANCELLED else "cancelled"
            finish(Outcome(status, {}, reason, "CANCELLED", started_at=started))


def run_to_end(events: Iterator[Event]) -> Outcome:
    """Consume a run's events and return its outcome."""
    outcome: Optional[Outcome] = None
    for event in events:
        if isinstance(event, Outcome):
            outcome = event
    assert outcome is not None
    return outcome


def _lookup(value: Any, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            raise KeyError(path)
        value = value[part]
    return value


@dataclass
class Selection:
    """``selectedOutputs`` resolved against a workflow's block (§3)."""

    paths: List[str]
    whole_block: bool

    @classmethod
    def resolve(cls, workflow: Workflow, selectors: List[str]) -> Selection:
        """Keep the selectors naming this workflow's block (by name or id); drop the rest."""
        paths: List[str] = []
        whole = False
        name = workflow.normalized_block_name
        for selector in selectors:
            if selector == workflow.block_id:
                whole = True
                continue
            for prefix in (workflow.block_id + "_", workflow.block_id + "."):
                if selector.startswith(prefix):
                    paths.append(selector[len(prefix) :])
                    break
            else:
                head, dot, rest = selector.partition(".")
                if dot and "".join(head.split()).lower() == name:
                    paths.append(rest)
        return cls(paths, whole)

    @property
    def streams_content(self) -> bool:
        """Whether a streaming agent block sends its ``content`` as chunk frames."""
        return "content" in self.paths

    def final_output(self, workflow: Workflow, outcome: Outcome, repeat_streamed: bool) -> Any:
        """``{blockId: {path: value}}`` for the selected outputs (§3, §12.3)."""
        if outcome.streamed and self.streams_content and not repeat_streamed:
            return {}
        picked: Dict[str, Any] = {}
        for path in self.paths:
            try:
                picked[path] = _lookup(outcome.output, path)
            except KeyError:
                continue
        if self.whole_block:
            return {workflow.block_id: outcome.output}
        return {workflow.block_id: picked} if picked else {}

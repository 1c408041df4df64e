"""Property tests: random bytes and hostile JSON through every parser; only SimStudioError escapes.

Covers ``error_from_answer``, ``decode_json``, every model's ``from_wire``, the rate-limit
parsers, ``parse_frame`` and a whole ``WorkflowStream`` (SSE decoder included) over random
bytes split at random points.

Purely random JSON almost never reaches the interesting branches (``totalDuration`` is only
read when ``success`` is a bool...), so the JSON here starts from a valid answer of each kind and
replaces fields, at any depth, by hostile values: once exhaustively (every field x every hostile
value) and then randomly, several fields at a time.
"""

from __future__ import annotations

import copy
import json
import math
from typing import Any, Callable, Iterator, List, Optional, Tuple

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from requests.structures import CaseInsensitiveDict

from simstudio import (
    AsyncExecutionResult,
    CancelResult,
    ExecutionDetails,
    JobStatus,
    PausedExecution,
    SimStudioError,
    UsageLimits,
    WorkflowExecutionResult,
    WorkflowRun,
    WorkflowStatus,
    WorkflowStream,
)
from simstudio._ratelimit import (
    parse_retry_after,
    rate_limit_info_from_headers,
    retry_after_from_body,
)
from simstudio._responses import Answer, decode_json, error_from_answer
from simstudio._streaming import parse_frame
from simstudio.resources.jobs import job_result
from simstudio.sse import ServerSentEvent, SSEDecoder

NOW = 1_795_000_000.0
FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
ISO = "2026-11-28T19:42:25.060Z"

#: One valid answer of every kind the SDK parses (both server eras mixed in).
BASELINES: List[Any] = [
    {"success": True, "executionId": "e1", "output": {"a": 1}, "error": None, "logs": [],
     "metadata": {"duration": 1.5, "startTime": ISO}, "traceSpans": [], "totalDuration": 12.5,
     "status": "completed"},
    {"success": True, "async": True, "jobId": "workflow-execution:e1", "executionId": "e1",
     "statusUrl": "http://127.0.0.1:1/api/jobs/workflow-execution:e1", "message": "queued",
     "links": {"status": "/api/jobs/x"}, "createdAt": ISO, "status": "queued", "taskId": "t"},
    {"success": True, "async": True, "jobId": "workflow-execution:e1", "executionId": "e1",
     "statusUrl": "http://127.0.0.1:1/api/jobs/workflow-execution:e1"},
    {"isDeployed": True, "deployedAt": ISO, "needsRedeployment": False},
    {"success": True, "rateLimit": {"sync": {"requestsPerMinute": 60, "maxBurst": 10,
     "remaining": 5, "resetAt": ISO, "limit": 60}, "async": {"limit": 10}},
     "usage": {"currentPeriodCost": 1.0, "limit": 10, "plan": "free"}, "storage": {"used": 1}},
    {"executionId": "e1", "workflowId": "w", "status": "completed", "startedAt": ISO,
     "endedAt": ISO, "totalDurationMs": 5, "error": None, "finalOutput": {"a": 1},
     "blockOutputs": {}, "cost": {"total": 0.1}, "paused": None},
    {"runId": "r1", "workflowId": "w", "status": "completed", "output": {"a": 1}, "error": None,
     "startedAt": ISO, "endedAt": ISO, "durationMs": 5, "success": True, "reason": "done"},
    {"executionId": "e1", "id": "e1", "workflowId": "w", "status": "paused",
     "pausePoints": [{"contextId": "c1", "response": {"a": 1}}]},
    {"success": True, "taskId": "t", "status": "completed", "metadata": {"workflowId": "w"},
     "output": {"executionId": "e1", "success": True, "output": {"a": 1}, "error": None},
     "error": None},
    {"error": {"code": "RATE_LIMITED", "message": "slow down",
     "details": {"retryAfter": ISO}}, "retryAfterSeconds": 3, "retryAfter": 1795000000000,
     "resetAt": ISO, "message": "Too many requests", "code": "RATE_LIMIT_EXCEEDED",
     "retryable": True},
    {"event": "final", "data": {"success": True, "output": {"agent1": {"content": "hi"}},
     "totalDuration": 3, "metadata": {}}, "blockId": "b1", "chunk": "hi", "error": "boom"},
]  # fmt: skip

#: Values that broke, or could break, a parser: huge and non-finite numbers, bad URLs, dates.
HOSTILE: List[Any] = [
    None, True, False, 0, -1, 1.5, 10**400, -(10**400), 2**63, 1e308, -1e308, math.nan,
    math.inf, -math.inf, 1e11, "", " ", "http://[", "http://[::1", "//", "9999-99-99",
    "0001-01-01T00:00:00+14:00", "2026-01-01T00:00:00.1234567891Z", "1e400", "NaN",
    "Wed, 21 Oct 2015 07:28:00 +99999999999999999999", "9" * 400, "\x00", "[DONE]", [], {},
    [None], {"message": None}, {"error": {"error": {}}},
]  # fmt: skip

Path = Tuple[Any, ...]


def _paths(value: Any, prefix: Path = ()) -> Iterator[Path]:
    """Every key/index path inside ``value`` (the value itself excluded)."""
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return
    for key, inner in items:
        yield (*prefix, key)
        yield from _paths(inner, (*prefix, key))


def _replace(value: Any, path: Path, new: Any) -> Any:
    result = copy.deepcopy(value)
    target = result
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = new
    return result


def _dumps(value: Any) -> bytes:
    return json.dumps(value, allow_nan=True).encode("utf-8")


def _no_foreign_errors(call: Callable[..., Any], *args: Any) -> Any:
    try:
        return call(*args)
    except SimStudioError:
        return None


def _parse_everything(body: Any) -> None:
    """Every parser of wire JSON on one body: each may refuse it only with a SimStudioError."""
    for status in (None, 200, 500):
        _no_foreign_errors(WorkflowExecutionResult.from_wire, body, status)
    WorkflowExecutionResult.is_failed_run(body)
    _no_foreign_errors(AsyncExecutionResult.from_wire, body, "http://127.0.0.1:1")
    _no_foreign_errors(WorkflowStatus.from_wire, body)
    _no_foreign_errors(UsageLimits.from_wire, body)
    _no_foreign_errors(ExecutionDetails.from_wire, body)
    _no_foreign_errors(PausedExecution.from_wire, body)
    if isinstance(body, dict):
        _no_foreign_errors(CancelResult.from_wire, body)
        _no_foreign_errors(WorkflowRun.from_wire, body)
        _no_foreign_errors(lambda b: job_result("task", JobStatus.from_wire(b)), body)
    seconds = retry_after_from_body(body, NOW)
    assert seconds is None or (math.isfinite(seconds) and seconds >= 0), seconds
    for status in (400, 429, 500, 503):
        answer = Answer(status, CaseInsensitiveDict(), _dumps(body))
        error = error_from_answer(answer, NOW, "fuzz()")
        assert isinstance(error, SimStudioError)
        assert 0 < len(str(error)) <= 1000
    event = parse_frame(ServerSentEvent(data=json.dumps(body, allow_nan=True)))
    if event is not None:
        event.to_sse()


def test_every_field_replaced_by_every_hostile_value() -> None:
    """Exhaustive single-field mutations of each baseline (about 4000 bodies)."""
    checked = 0
    for baseline in BASELINES:
        _parse_everything(baseline)
        for path in _paths(baseline):
            for hostile in HOSTILE:
                _parse_everything(_replace(baseline, path, hostile))
                checked += 1
    assert checked > 3000


HEADER_NAMES = ["Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"]


def test_every_rate_limit_header_with_every_hostile_value() -> None:
    for name in HEADER_NAMES:
        for hostile in HOSTILE:
            headers = CaseInsensitiveDict({name: str(hostile), "X-RateLimit-Limit": "60"})
            info = rate_limit_info_from_headers(headers, NOW)
            assert info is None or isinstance(info.reset, int)
            error = error_from_answer(Answer(429, headers, b"{}"), NOW, "fuzz()")
            assert error.retry_after is None or math.isfinite(error.retry_after)


# ----------------------------------------------------------------------------- strategies

SCALARS = st.one_of(
    st.sampled_from(HOSTILE),
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=30),
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=15,
)


@st.composite
def mutated(draw: st.DrawFn) -> Any:
    """A baseline answer with one to five fields (any depth) replaced by random JSON."""
    body = copy.deepcopy(draw(st.sampled_from(BASELINES)))
    for _ in range(draw(st.integers(1, 5))):
        paths = list(_paths(body))
        if not paths:
            break
        body = _replace(body, draw(st.sampled_from(paths)), draw(JSON))
    return body


BODIES = st.one_of(mutated(), JSON)
HEADERS = st.dictionaries(
    st.sampled_from([*HEADER_NAMES, "Content-Type", "x-request-id"]),
    st.one_of(st.sampled_from(HOSTILE).map(str), st.text(max_size=40)).map(
        lambda v: v.encode("latin-1", "replace").decode("latin-1")
    ),
    max_size=6,
)  # fmt: skip


@FUZZ
@given(body=BODIES)
def test_random_mutations_only_raise_simstudio_errors(body: Any) -> None:
    _parse_everything(body)


@FUZZ
@given(
    status=st.integers(100, 599),
    headers=HEADERS,
    body=st.one_of(st.binary(max_size=300), BODIES.map(_dumps)),
)
def test_error_from_answer_always_returns_an_error(status: int, headers: Any, body: bytes) -> None:
    answer = Answer(status, CaseInsensitiveDict(headers), body)
    error = error_from_answer(answer, NOW, "fuzz()")
    assert isinstance(error, SimStudioError)
    assert isinstance(error.code, str)
    assert 0 < len(str(error)) <= 1000
    if error.retry_after is not None:
        assert math.isfinite(error.retry_after)
        assert error.retry_after >= 0
    _no_foreign_errors(decode_json, answer)
    info = rate_limit_info_from_headers(CaseInsensitiveDict(headers), NOW)
    if info is not None:
        repr(info)
    seconds = parse_retry_after(headers.get("Retry-After"), NOW)
    assert seconds is None or (math.isfinite(seconds) and seconds >= 0)


@FUZZ
@given(data=st.one_of(st.text(max_size=60), BODIES.map(lambda v: json.dumps(v, allow_nan=True))))
def test_parse_frame_never_raises(data: str) -> None:
    event = parse_frame(ServerSentEvent(data=data))
    if event is not None:
        assert isinstance(event.type, str)
        event.to_sse()


def _frame(value: Any) -> bytes:
    return b"data: " + _dumps(value) + b"\n\n"


STREAM_PIECES = st.lists(
    st.one_of(
        st.binary(max_size=40),
        BODIES.map(_frame),
        st.sampled_from(
            [b"data: [DONE]\n\n", b'data: "[DONE]"\n\n', b"\r\n", b"\r", b": ping\n\n",
             b'data: {"event":"final","data":{"success":true}}\n\n', b"\xef\xbb\xbf", b"\xff",
             b'data: {"event":"chunk","blockId":"b","chunk":"x"}\n\n']
        ),
    ),
    max_size=10,
)  # fmt: skip


def _stream_outcome(chunks: List[bytes]) -> Optional[SimStudioError]:
    released: List[bool] = []
    stream = WorkflowStream(chunks, what="fuzz()", release=released.append)
    try:
        for event in stream:
            assert isinstance(event.type, str)
    except SimStudioError as error:
        assert released == [False]
        return error
    assert stream.result is not None  # no error means a terminal frame arrived
    assert released == [True]
    return None


@FUZZ
@given(pieces=STREAM_PIECES, cuts=st.lists(st.integers(0, 2000), max_size=8))
def test_workflow_stream_over_random_bytes_only_raises_simstudio_errors(
    pieces: List[bytes], cuts: List[int]
) -> None:
    data = b"".join(pieces)
    points = sorted({min(cut, len(data)) for cut in cuts} | {0, len(data)})
    chunks = [data[a:b] for a, b in zip(points, points[1:]) if b > a]
    error = _stream_outcome(chunks)
    assert error is None or len(str(error)) <= 1000
    # The plain decoder accepts any bytes at all.
    decoder = SSEDecoder()
    for chunk in chunks:
        decoder.feed(chunk)
    decoder.close()

"""Beyond the official SDK, over real sockets: job waiting, batches, exactly-once, run control."""

from __future__ import annotations

import threading
import time
from typing import Iterator, List

import pytest
import requests

from simstudio import (
    APIConnectionError,
    AsyncExecutionResult,
    BatchItem,
    BatchResult,
    ConflictError,
    ExecutionError,
    RequestTimeoutError,
    SimStudioClient,
    WorkflowExecutionResult,
)
from simstudio.testing import Fault, LocalSimServer, RateLimit


class FakeTime:
    """A monotonic clock that only moves when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: List[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        time.sleep(0.001)  # let the server's background job threads run


@pytest.fixture(params=["2026", "2025"])
def server(request: pytest.FixtureRequest) -> Iterator[LocalSimServer]:
    with LocalSimServer(wire_format=request.param, job_delay=0.01) as srv:
        yield srv


def _client(server: LocalSimServer, **options: object) -> SimStudioClient:
    return SimStudioClient(api_key=server.api_key, base_url=server.base_url, **options)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------- wait_for_job


def test_wait_for_job_backs_off_and_honours_its_deadline(server: LocalSimServer) -> None:
    fake = FakeTime()
    client = _client(server, sleep=fake.sleep, clock=fake.clock)
    queued = client.execute_workflow("slow", {"seconds": 30}, async_execution=True)
    assert isinstance(queued, AsyncExecutionResult)
    with pytest.raises(RequestTimeoutError) as late:
        client.wait_for_job(queued.task_id, timeout=20, poll_interval=1, max_poll_interval=4)
    assert late.value.code == "TIMEOUT"
    # Quick first polls (a short job is seen at once), then 1.5x backoff from poll_interval.
    assert fake.sleeps[:9] == [0.05, 0.1, 0.2, 0.4, 0.8, 1, 1.5, 2.25, 3.375]
    assert max(fake.sleeps) <= 4
    assert sum(fake.sleeps) == pytest.approx(20)


def test_wait_for_job_waits_out_a_429(server: LocalSimServer) -> None:
    fake = FakeTime()
    client = _client(server, sleep=fake.sleep, clock=fake.clock, max_retries=0)
    queued = client.execute_workflow("echo", {"x": 1}, async_execution=True)
    assert isinstance(queued, AsyncExecutionResult)
    server.inject(
        Fault(status=429, body={"error": "slow down"}, headers={"Retry-After": "7"}),
        path="/api/jobs/*",
        times=1,
    )
    result = client.wait_for_job(queued.task_id, timeout=60, poll_interval=0.5)
    assert result.output == {"input": {"x": 1}}
    assert fake.sleeps[0] == 7


def test_wait_for_job_reports_progress_in_the_documented_vocabulary(
    server: LocalSimServer,
) -> None:
    seen: List[str] = []
    client = _client(server)
    queued = client.execute_workflow("echo", {}, async_execution=True)
    assert isinstance(queued, AsyncExecutionResult)
    client.wait_for_job(
        queued.task_id, poll_interval=0.005, on_status=lambda j: seen.append(j["status"])
    )
    assert seen[-1] == "completed"
    assert set(seen) <= {"queued", "processing", "completed"}


# ---------------------------------------------------------------------------- batches


def test_batch_of_500_against_a_rate_limited_server_fails_nothing() -> None:
    limit = RateLimit(per_minute=12000, burst=40)
    with LocalSimServer(rate_limit=limit) as srv:
        client = _client(srv)
        progress: List[int] = []
        items = [BatchItem("echo", {"n": n}) for n in range(500)]
        results = client.execute_batch(
            items, max_workers=8, on_progress=lambda r, done, total: progress.append(done)
        )
        assert [r.index for r in results] == list(range(500))
        assert [r.error for r in results if r.error] == []
        assert all(r.ok for r in results)
        assert [r.result.output["input"]["n"] for r in results] == list(range(500))  # type: ignore[union-attr]
        assert sorted(progress) == list(range(1, 501))
        assert srv.executions("echo") == 500
        rejected = sum(1 for r in srv.requests if r.path.endswith("/execute")) - 500
        # Unpaced, 8 workers against 200/s get hundreds of 429s; paced, none on an idle
        # machine. A loaded 2-core machine can stall worker threads past the reserve, so the
        # bound leaves room for that while still failing if pacing is off.
        assert rejected <= 50, f"pacing let {rejected} requests hit 429"


def test_batch_without_pacing_recovers_from_429s() -> None:
    with LocalSimServer(rate_limit=RateLimit(per_minute=600, burst=3)) as srv:
        fake_waits: List[float] = []

        def sleep(seconds: float) -> None:
            fake_waits.append(seconds)
            time.sleep(min(seconds, 0.25))

        client = _client(srv, sleep=sleep)
        results = client.execute_batch(
            [("echo", {"n": n}) for n in range(6)], max_workers=3, requests_per_minute=None
        )
        assert all(r.ok for r in results)
        assert srv.executions("echo") == 6
        assert any(r.attempts > 1 for r in results)
        assert fake_waits


def test_batch_records_per_item_errors_in_order() -> None:
    with LocalSimServer() as srv:
        client = _client(srv)
        results = client.execute_batch(
            [{"workflow_id": "echo"}, {"workflow_id": "missing"}, ("failing", {"m": 1})],
            requests_per_minute=None,
        )
        assert isinstance(results[0], BatchResult)
        assert results[0].ok
        assert results[1].error is not None
        assert results[1].error.status == 404
        assert results[2].error is None
        assert results[2].result is not None
        assert results[2].result.success is False


# ---------------------------------------------------------------------------- exactly-once


def test_execution_ids_are_one_shot_claims() -> None:
    with LocalSimServer() as srv:
        client = _client(srv)
        first = client.execute_workflow("echo", {"a": 1}, execution_id="order-42")
        assert first.execution_id == "order-42"
        with pytest.raises(ConflictError) as again:
            client.execute_workflow("echo", {"a": 1}, execution_id="order-42")
        assert again.value.code == "EXECUTION_ID_CONFLICT"
        assert srv.executions("echo") == 1


def test_lost_response_is_not_resent_without_exactly_once() -> None:
    with LocalSimServer() as srv:
        srv.inject(Fault(drop="after_run"), workflow_id="echo", times=1)
        client = _client(srv, sleep=lambda s: None)
        with pytest.raises(APIConnectionError):
            client.execute_with_retry("echo", {"a": 1})
        assert srv.executions("echo") == 1
        assert len(srv.requests) == 1


def test_lost_response_with_exactly_once_runs_once_and_returns_the_result() -> None:
    with LocalSimServer() as srv:
        srv.inject(Fault(drop="after_run"), workflow_id="echo", times=1)
        client = _client(srv, sleep=lambda s: None)
        result = client.execute_with_retry("echo", {"a": 1}, exactly_once=True)
        assert isinstance(result, WorkflowExecutionResult)
        assert result.success is True
        assert result.output == {"input": {"a": 1}}
        assert srv.executions("echo") == 1
        posts = [r for r in srv.requests if r.method == "POST"]
        assert len(posts) == 2
        assert posts[0].headers["X-Execution-Id"] == posts[1].headers["X-Execution-Id"]


# ---------------------------------------------------------------------------- run control


def test_get_and_cancel_an_async_execution() -> None:
    with LocalSimServer(job_delay=0.0) as srv:
        client = _client(srv)
        queued = client.execute_workflow(
            "slow", {"seconds": 30}, async_execution=True, execution_timeout_seconds=60
        )
        assert isinstance(queued, AsyncExecutionResult)
        assert queued.execution_id
        assert srv.requests[-1].headers["X-Execution-Timeout-Seconds"] == "60"
        details = client.get_execution("slow", queued.execution_id)
        assert details.execution_id == queued.execution_id
        assert details.status in ("queued", "pending", "running")
        cancelled = client.cancel_execution("slow", queued.execution_id)
        assert cancelled.success is True
        final = client.wait_for_execution(
            "slow", queued.execution_id, timeout=5, poll_interval=0.01
        )
        assert final.status == "cancelled"
        with pytest.raises(ExecutionError) as job_error:
            client.wait_for_job(queued.task_id, timeout=5, poll_interval=0.01)
        assert job_error.value.code == "EXECUTION_CANCELLED"


def test_cancel_a_stream_by_its_execution_id() -> None:
    with LocalSimServer(stream_chunk_delay=0.05) as srv:
        client = _client(srv)
        stream = client.stream_workflow(
            "agent", {"message": " ".join(["word"] * 200)}, selected_outputs=["agent1.content"]
        )
        assert stream.execution_id is not None
        events = iter(stream)
        next(events)
        canceller = threading.Thread(
            target=client.cancel_execution, args=("agent", stream.execution_id)
        )
        canceller.start()
        remaining = list(events)
        canceller.join()
        assert remaining[-1].type in ("error", "done")
        assert len(remaining) < 199


def test_paused_execution_can_be_listed_and_resumed() -> None:
    with LocalSimServer() as srv:
        client = _client(srv)
        paused = client.execute_workflow("paused", {"message": "ship it?"})
        assert paused.status == "paused"
        assert paused.execution_id
        waiting = client.list_paused_executions("paused")
        assert [p.execution_id for p in waiting] == [paused.execution_id]
        context_ids = waiting[0].context_ids
        assert context_ids
        one = client.get_paused_execution("paused", paused.execution_id)
        assert one.context_ids == context_ids
        resumed = client.resume_execution(
            "paused", paused.execution_id, context_ids[0], {"approved": True}
        )
        assert isinstance(resumed, WorkflowExecutionResult)
        assert resumed.success is True
        assert client.list_paused_executions("paused") == []


def test_v2_runs_can_be_read_and_cancelled() -> None:
    with LocalSimServer() as srv:
        client = _client(srv)
        answer = requests.post(
            f"{srv.base_url}/api/v2/workflows/echo/execute",
            json={"input": {"v": 2}},
            headers={"X-API-Key": srv.api_key},
            timeout=5,
        )
        run_id = answer.json()["data"]["runId"]
        run = client.get_workflow_run("echo", run_id)
        assert run.run_id == run_id
        assert run.status == "completed"
        assert run.output == {"input": {"v": 2}}
        queued = requests.post(
            f"{srv.base_url}/api/v2/workflows/slow/execute",
            json={"input": {"seconds": 30}, "async": True},
            headers={"X-API-Key": srv.api_key},
            timeout=5,
        ).json()["data"]["runId"]
        cancelled = client.cancel_run("slow", queued)
        assert cancelled.success is True


@pytest.mark.parametrize("retry_after", ["3600", "1e300"])
def test_batch_fails_an_item_rather_than_pausing_for_hours(retry_after: str) -> None:
    with LocalSimServer() as srv:
        srv.inject(
            Fault(status=429, body={"error": "later"}, headers={"Retry-After": retry_after}),
            workflow_id="echo",
        )
        waits: List[float] = []
        client = _client(srv, sleep=waits.append)
        results = client.execute_batch([("echo", {})], requests_per_minute=None)
        error = results[0].error
        assert error is not None
        assert error.code == "RATE_LIMIT_EXCEEDED"
        assert error.retry_after is not None
        assert error.retry_after >= 3600
        assert waits == []
        assert results[0].attempts == 1


@pytest.mark.parametrize(
    ("sync_bucket", "expected"),
    [
        ({"requestsPerMinute": 600, "maxBurst": 20}, (600.0, 20)),
        ({"limit": 60}, (60.0, 1)),
        ({"requestsPerMinute": float("inf"), "maxBurst": float("inf")}, (None, 1)),
        ({"requestsPerMinute": 600, "maxBurst": float("inf")}, (600.0, 1)),
        ({"requestsPerMinute": "fast"}, (None, 1)),
    ],
    ids=["2026-shape", "2025-shape", "unlimited", "infinite-burst", "garbage"],
)
def test_batch_pace_comes_from_usage_limits(sync_bucket: dict, expected: tuple) -> None:
    from simstudio._batch import _pace

    class Limits:
        def __init__(self) -> None:
            self.rate_limit = {"sync": sync_bucket}

    class Client:
        def get_usage_limits(self) -> Limits:
            return Limits()

    assert _pace(Client().get_usage_limits, "auto") == expected  # type: ignore[arg-type]


# ---------------------------------------------------------------------------- hard deadlines


def test_wait_for_job_deadline_includes_a_poll_that_never_answers() -> None:
    with LocalSimServer(job_delay=5.0) as srv:
        client = _client(srv)
        queued = client.execute_workflow("echo", {"x": 1}, async_execution=True)
        assert isinstance(queued, AsyncExecutionResult)
        srv.inject(Fault(latency=30.0), path="/api/jobs/*")
        started = time.monotonic()
        with pytest.raises(RequestTimeoutError, match="still not finished after 2s"):
            client.wait_for_job(queued.task_id, timeout=2)
        assert time.monotonic() - started < 2.5  # not the 30 s read timeout, nor retries


def test_a_fast_job_is_seen_in_well_under_a_second() -> None:
    with LocalSimServer(job_delay=0.05) as srv:
        client = _client(srv)
        started = time.monotonic()
        result = client.execute_and_wait("echo", {"x": 1})
        elapsed = time.monotonic() - started
    assert result.output == {"input": {"x": 1}}
    assert elapsed < 0.6  # the first polls come after 50 ms, 100 ms, 200 ms...


def test_a_404_names_the_path_so_a_doubled_api_prefix_shows() -> None:
    from simstudio import NotFoundError

    with LocalSimServer() as srv:
        client = SimStudioClient(api_key=srv.api_key, base_url=srv.base_url + "/api")
        with pytest.raises(NotFoundError) as info:
            client.get_workflow_status("echo")
    assert "[GET /api/api/workflows/echo/status]" in str(info.value)

"""The client against the embedded LocalSimServer over real sockets, in both wire formats."""

from __future__ import annotations

import io
import threading
import time
from typing import Iterator

import pytest

from simstudio import (
    AsyncExecutionResult,
    AuthenticationError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RedirectError,
    SimStudioClient,
    UsageLimitError,
    WorkflowExecutionResult,
)
from simstudio.testing import Fault, LocalSimServer, RateLimit

ERAS = ["2026", "2025"]


@pytest.fixture(params=ERAS)
def server(request: pytest.FixtureRequest) -> Iterator[LocalSimServer]:
    with LocalSimServer(wire_format=request.param, job_delay=0.01) as srv:
        yield srv


@pytest.fixture
def client(server: LocalSimServer) -> Iterator[SimStudioClient]:
    with SimStudioClient(api_key=server.api_key, base_url=server.base_url) as c:
        yield c


def test_sync_execute_round_trip(client: SimStudioClient, server: LocalSimServer) -> None:
    result = client.execute_workflow("echo", {"message": "hi", "n": 2})
    assert isinstance(result, WorkflowExecutionResult)
    assert result.success is True
    assert result.output == {"input": {"message": "hi", "n": 2}}
    assert isinstance(result.metadata, dict)
    assert "duration" in result.metadata
    sent = server.requests[-1]
    assert sent.headers["X-API-Key"] == server.api_key
    assert sent.headers["User-Agent"].startswith("simstudio-python/")
    assert sent.json == {"message": "hi", "n": 2}
    assert server.executions("echo") == 1


def test_failed_run_is_a_result_with_error(client: SimStudioClient) -> None:
    result = client.execute_workflow("failing", {"message": "x"})
    assert result.success is False
    assert result.error == "Agent 1: simulated upstream failure"
    assert result.http_status in (200, 500)


def test_response_block_body_is_the_output(client: SimStudioClient) -> None:
    result = client.execute_workflow("response", {"message": "resp"})
    assert result.success is True
    assert result.http_status == 201
    assert result.output == {"echo": "resp", "custom": True}


def test_errors_map_to_categories(client: SimStudioClient, server: LocalSimServer) -> None:
    with pytest.raises(NotFoundError) as not_found:
        client.execute_workflow("no-such-workflow")
    assert not_found.value.status == 404
    with pytest.raises(PermissionDeniedError):
        client.execute_workflow("undeployed")
    client.set_api_key("sk-sim-wrong")
    with pytest.raises(AuthenticationError) as bad_key:
        client.execute_workflow("echo")
    assert bad_key.value.code == "UNAUTHORIZED"
    assert "sk-sim-wrong" not in str(bad_key.value) + repr(bad_key.value)
    assert bad_key.value.request_id


def test_async_execution_and_job_polling(client: SimStudioClient) -> None:
    queued = client.execute_workflow("echo", {"a": 1}, async_execution=True)
    assert isinstance(queued, AsyncExecutionResult)
    assert queued.status == "queued"
    assert queued.task_id
    assert queued.links["status"].startswith("/api/jobs/")
    first = client.get_job_status(queued.task_id)
    assert first["status"] in ("queued", "processing", "completed")
    result = client.wait_for_job(queued.task_id, timeout=10, poll_interval=0.01)
    assert result.success is True
    assert result.output == {"input": {"a": 1}}


def test_failed_job_raises_with_its_error(client: SimStudioClient) -> None:
    from simstudio import ExecutionError

    queued = client.execute_workflow("failing", {"message": "x"}, async_execution=True)
    assert isinstance(queued, AsyncExecutionResult)
    with pytest.raises(ExecutionError) as failed:
        client.wait_for_job(queued.task_id, timeout=10, poll_interval=0.01)
    assert "simulated upstream failure" in str(failed.value)


def test_execute_and_wait(client: SimStudioClient) -> None:
    result = client.execute_and_wait("echo", {"b": 2}, timeout=10, poll_interval=0.01)
    assert result.success
    assert result.output == {"input": {"b": 2}}


def test_status_validate_and_usage(client: SimStudioClient, server: LocalSimServer) -> None:
    status = client.get_workflow_status("echo")
    assert status.is_deployed is True
    assert status.deployed_at
    assert client.validate_workflow("echo") is True
    assert client.validate_workflow("undeployed") is False
    assert client.validate_workflow("missing") is False
    limits = client.get_usage_limits()
    assert isinstance(limits.rate_limit["sync"]["limit"], int)
    assert "remaining" in limits.rate_limit["async"]
    assert "plan" in limits.usage


def test_files_are_uploaded_as_data_urls(client: SimStudioClient, server: LocalSimServer) -> None:
    upload = io.BytesIO(b"\x89PNG fake")
    upload.name = "picture.png"
    client.execute_workflow("echo", {"files": [upload], "note": "x"})
    sent = server.requests[-1].json
    assert sent is not None
    item = sent["files"][0]
    assert item["type"] == "file"
    assert item["name"] == "picture.png"
    assert item["mime"] == "image/png"
    assert item["data"].startswith("data:image/png;base64,")


def test_rate_limit_headers_and_429(server: LocalSimServer) -> None:
    with LocalSimServer(wire_format=server.wire_format, rate_limit=RateLimit(6, burst=1)) as srv:
        client = SimStudioClient(api_key=srv.api_key, base_url=srv.base_url)
        client.execute_workflow("echo")
        info = client.get_rate_limit_info()
        assert info is not None
        assert info.limit == 6  # requests per minute, as get_usage_limits() says
        assert info.remaining == 0
        assert info.reset >= int(time.time())
        with pytest.raises(RateLimitError) as limited:
            client.execute_workflow("echo")
        assert limited.value.retry_after is not None
        assert limited.value.retry_after >= 1
        waits = []
        retrying = SimStudioClient(
            api_key=srv.api_key, base_url=srv.base_url, sleep=waits.append, random=lambda: 0.5
        )
        with pytest.raises(RateLimitError):
            retrying.execute_with_retry("echo", max_retries=2, max_delay=60)
        assert len(waits) == 2
        assert all(wait >= 1 for wait in waits)
        assert srv.executions("echo") == 1


def test_usage_budget_gives_402(server: LocalSimServer) -> None:
    with LocalSimServer(wire_format=server.wire_format, usage_budget=1) as srv:
        client = SimStudioClient(api_key=srv.api_key, base_url=srv.base_url)
        client.execute_workflow("echo")
        with pytest.raises(UsageLimitError) as spent:
            client.execute_workflow("echo")
        assert spent.value.code == "USAGE_LIMIT_EXCEEDED"
        assert spent.value.status == 402


def test_same_origin_redirect_keeps_key_and_body(
    client: SimStudioClient, server: LocalSimServer
) -> None:
    server.inject(Fault(redirect_to="/api/workflows/echo/execute", redirect_status=308), times=1)
    result = client.execute_workflow("echo", {"k": "v"})
    assert result.output == {"input": {"k": "v"}}
    assert [r.method for r in server.requests] == ["POST", "POST"]
    assert all(r.headers["X-API-Key"] == server.api_key for r in server.requests)


def test_cross_origin_redirect_never_sends_the_key(
    client: SimStudioClient, server: LocalSimServer
) -> None:
    with LocalSimServer() as other:
        target = other.base_url + "/api/workflows/echo/execute"
        server.inject(Fault(redirect_to=target, redirect_status=307))
        with pytest.raises(RedirectError) as blocked:
            client.execute_workflow("echo", {"k": "v"})
        assert other.base_url.split("//")[1] in str(blocked.value)
        assert other.requests == []


def test_unreachable_server_and_timeouts() -> None:
    from simstudio import APIConnectionError, RequestTimeoutError

    with LocalSimServer() as srv:
        dead_url = srv.base_url
        key = srv.api_key
    client = SimStudioClient(api_key=key, base_url=dead_url, max_retries=0)
    with pytest.raises(APIConnectionError) as refused:
        client.get_workflow_status("echo")
    assert refused.value.retryable is True
    with LocalSimServer() as srv:
        srv.inject(Fault(latency=1.0), workflow_id="echo")
        slow = SimStudioClient(api_key=srv.api_key, base_url=srv.base_url)
        started = time.perf_counter()
        with pytest.raises(RequestTimeoutError) as timed_out:
            slow.execute_workflow("echo", timeout=0.2)
        assert time.perf_counter() - started < 0.9
        assert timed_out.value.code == "TIMEOUT"


def test_one_client_shared_by_threads(client: SimStudioClient) -> None:
    outputs: dict = {}
    errors: list = []

    def work(n: int) -> None:
        try:
            for i in range(15):
                marker = f"{n}-{i}"
                result = client.execute_workflow("echo", {"marker": marker})
                outputs[marker] = result.output["input"]["marker"]
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(outputs) == 120
    assert all(key == value for key, value in outputs.items())


def test_connections_are_reused(client: SimStudioClient, server: LocalSimServer) -> None:
    for _ in range(5):
        client.execute_workflow("echo")
        client.get_workflow_status("echo")
    assert server.connections_opened == 1

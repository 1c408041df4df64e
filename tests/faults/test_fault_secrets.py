"""Secret hygiene: the API key appears in no repr, message, traceback, pickle or DEBUG log line.

Every test of the suite is scanned by the ``audit`` fixture; this module proves the scan works
and runs one client through every fault kind, scanning as it goes.
"""

from __future__ import annotations

import logging
import pickle
from typing import Any, Callable, List

import pytest
from fault_helpers import SECRET, SECRET_2, Audit, RecordingSleep, render_error

from simstudio import (
    APIConnectionError,
    AuthenticationError,
    InvalidArgumentError,
    InvalidResponseError,
    NotFoundError,
    RateLimitError,
    RedirectError,
    RequestTimeoutError,
    ServerError,
    SimStudioClient,
    SimStudioError,
    StreamIncompleteError,
    WorkflowStream,
)
from simstudio.testing import Fault, LocalSimServer

MakeClient = Callable[..., SimStudioClient]
OUT = ["agent1.content"]


def test_the_audit_finds_keys_everywhere_it_looks() -> None:
    """The scanner itself can fail: a key in a message, a chained cause or a text is found."""
    audit = Audit()
    assert audit.leaks() == []
    try:
        try:
            raise ValueError(f"header X-API-Key: {SECRET}")
        except ValueError:
            raise SimStudioError("wrapped") from None  # suppressed context, still rendered
    except SimStudioError as error:
        audit.add_error(error)
    found = len(audit.leaks())
    assert found >= 1
    audit.add("log", f"key tail {SECRET_2[-32:]}")
    assert len(audit.leaks()) > found
    leaky = SimStudioError("ok", body={"echo": SECRET[:30]})
    assert any("FAULTSUITE" in text for text in render_error(leaky))


def _consume(stream: WorkflowStream) -> None:
    with stream:
        for _event in stream:
            pass


def test_no_key_in_anything_any_fault_produces(
    server: LocalSimServer,
    other_server: LocalSimServer,
    make_client: MakeClient,
    audit: Audit,
    refused_port: int,
    caplog: pytest.LogCaptureFixture,
) -> None:
    sleep = RecordingSleep()
    client = make_client(server.base_url, sleep=sleep, timeout=1.0)
    results: List[Any] = []
    expect = audit.expect

    results.append(client.execute_workflow("echo", {"ok": True}))
    stream = client.stream_workflow("agent", {"message": "a b c"}, selected_outputs=OUT)
    _consume(stream)
    results.extend([stream, stream.result, client.get_rate_limit_info(), client.get_usage_limits()])

    server.inject(Fault(drop="before_response", reset=True), workflow_id="w-drop")
    expect(APIConnectionError, client.execute_workflow, "w-drop")
    server.inject(Fault(drop="after_run"), workflow_id="echo", times=1)
    expect(APIConnectionError, client.execute_with_retry, "echo")
    server.inject(Fault(drop="mid_body"), workflow_id="echo", times=1)
    expect(InvalidResponseError, client.execute_workflow, "echo")
    server.inject(Fault(status=502, body="<html>502</html>", content_type="text/html"), "w-502")
    expect(ServerError, client.execute_workflow, "w-502")
    server.inject(
        Fault(status=429, body={"error": "slow down"}, headers={"Retry-After": "1"}), "w-429"
    )
    expect(RateLimitError, client.execute_with_retry, "w-429", max_retries=2)
    server.inject(Fault(latency=3.0), workflow_id="w-slow")
    expect(RequestTimeoutError, client.execute_workflow, "w-slow", timeout=0.2)
    server.inject(
        Fault(redirect_to=other_server.base_url + "/api/workflows/echo/execute"), "w-away"
    )
    expect(RedirectError, client.execute_workflow, "w-away")
    server.inject(Fault(stall_after_events=1), workflow_id="agent", times=1)
    stalled = client.stream_workflow(
        "agent", {"message": "a b"}, selected_outputs=OUT, idle_timeout=0.2
    )
    expect(RequestTimeoutError, _consume, stalled)
    server.inject(Fault(cut_after_events=1), workflow_id="agent", times=1)
    broken = client.stream_workflow("agent", {"message": "x y"}, selected_outputs=OUT)
    proxied = b"".join(broken.iter_sse())  # a broken stream re-encoded for a browser
    assert b'"event":"error"' in proxied
    assert b"STREAM_INCOMPLETE" in proxied
    results.append(proxied.decode("utf-8"))
    server.inject(Fault(cut_after_events=1), workflow_id="agent", times=1)
    cut = client.stream_workflow("agent", {"message": "a b"}, selected_outputs=OUT)
    expect(StreamIncompleteError, _consume, cut)
    expect(NotFoundError, client.get_workflow_status, "../../users/me/usage-limits")
    expect(InvalidArgumentError, client.execute_workflow, "echo", {"x": float("nan")})
    refused = make_client(f"http://127.0.0.1:{refused_port}", max_retries=1)
    expect(APIConnectionError, refused.get_workflow_status, "echo")
    bad_key = make_client(server.base_url, api_key=SECRET + "x")
    assert expect(AuthenticationError, bad_key.execute_workflow, "echo").status == 401

    app_log = logging.getLogger("fault-suite-app")
    for error in audit.errors:
        app_log.error("call failed", exc_info=error)  # what an application would log
        results.append(pickle.dumps(error))
        restored = pickle.loads(pickle.dumps(error))
        results.append(restored)
    for value in results:
        audit.add("result", value)

    assert len(audit.errors) == 13
    assert audit.leaks() == []
    names = {record.name for record in caplog.records if record.levelno == logging.DEBUG}
    assert "simstudio" in names
    assert any(name.startswith("urllib3") for name in names)
    assert SECRET not in caplog.text
    # The key did go where it belongs: every request the server received carried it.
    assert all(r.headers.get("X-API-Key", "").startswith(SECRET) for r in server.requests)

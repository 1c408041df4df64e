"""Streams under faults: stalls, deadlines, cuts, truncation and error answers before the stream."""

from __future__ import annotations

import time
from typing import Callable, List

from fault_helpers import SECRET, Audit, assert_readable, wait_until

from simstudio import (
    RequestTimeoutError,
    ServerError,
    SimStudioClient,
    StreamEvent,
    StreamIncompleteError,
    WorkflowStream,
)
from simstudio.testing import Fault, LocalSimServer

MakeClient = Callable[..., SimStudioClient]
MESSAGE = "one two three four five six"
OUTPUTS = ["agent1.content"]


def _consume(stream: WorkflowStream, into: List[StreamEvent]) -> None:
    with stream:
        for event in stream:
            into.append(event)


def test_stall_mid_stream_hits_the_idle_timeout(
    server: LocalSimServer, make_client: MakeClient, audit: Audit
) -> None:
    server.inject(Fault(stall_after_events=2), workflow_id="agent")
    client = make_client(server.base_url)
    stream = client.stream_workflow(
        "agent", {"message": MESSAGE}, selected_outputs=OUTPUTS, idle_timeout=0.3
    )
    events: List[StreamEvent] = []
    started = time.monotonic()
    error = audit.expect(RequestTimeoutError, _consume, stream, events)
    assert time.monotonic() - started < 2.0
    assert error.code == "TIMEOUT"
    assert error.status is None
    assert_readable(error, "stream_workflow('agent')", "idle timeout", "received 2 events")
    assert [e.chunk for e in events] == ["one", " two"]  # what arrived was delivered first
    # The SDK hung up at once: the server saw the client go after 2 frames, nothing stays open.
    assert wait_until(lambda: len(server.disconnects) == 1)
    assert server.disconnects[0].events_sent == 2
    assert server.disconnects[0].workflow_id == "agent"
    assert wait_until(lambda: server.open_connections == 0)
    assert server.executions("agent") == 1


def test_stall_hits_the_stream_deadline_before_the_idle_timeout(
    server: LocalSimServer, make_client: MakeClient, audit: Audit
) -> None:
    server.inject(Fault(stall_after_events=1), workflow_id="agent")
    client = make_client(server.base_url)
    stream = client.stream_workflow(
        "agent", {"message": MESSAGE}, selected_outputs=OUTPUTS, idle_timeout=30, deadline=0.3
    )
    error = audit.expect(RequestTimeoutError, _consume, stream, [])
    assert error.code == "TIMEOUT"
    assert_readable(error, "did not finish within its 0.3s deadline", "received 1 events")
    assert wait_until(lambda: [d.events_sent for d in server.disconnects] == [1])


def test_deadline_fires_while_data_keeps_flowing(
    sim_server_factory: Callable[..., LocalSimServer], make_client: MakeClient, audit: Audit
) -> None:
    """A slow drip never trips the idle timeout; the deadline bounds the whole stream."""
    drip = sim_server_factory(api_key=SECRET, stream_chunk_delay=0.05)
    client = make_client(drip.base_url)
    words = " ".join(f"w{i}" for i in range(60))  # about 3 s of chunks
    stream = client.stream_workflow(
        "agent", {"message": words}, selected_outputs=OUTPUTS, idle_timeout=5, deadline=0.4
    )
    events: List[StreamEvent] = []
    started = time.monotonic()
    error = audit.expect(RequestTimeoutError, _consume, stream, events)
    assert time.monotonic() - started < 1.5
    assert error.code == "TIMEOUT"
    assert "0.4s deadline" in str(error)
    assert 0 < len(events) < 60
    assert wait_until(lambda: len(drip.disconnects) == 1)


def test_no_first_byte_in_time_raises_from_stream_workflow(
    server: LocalSimServer, make_client: MakeClient, audit: Audit
) -> None:
    server.inject(Fault(latency=5.0), workflow_id="agent")
    client = make_client(server.base_url)
    error = audit.expect(
        RequestTimeoutError, client.stream_workflow, "agent", {"message": MESSAGE}, timeout=0.2
    )
    assert error.code == "TIMEOUT"
    assert_readable(error, "stream_workflow('agent')", "within 0.2s")
    assert len(server.requests) == 1


def test_connection_cut_mid_stream_keeps_the_partial_text(
    server: LocalSimServer, make_client: MakeClient, audit: Audit
) -> None:
    server.inject(Fault(cut_after_events=3), workflow_id="agent", times=1)
    server.inject(Fault(cut_after_events=2, reset=True), workflow_id="agent", times=1)
    client = make_client(server.base_url)
    for expected in ("one two three", "one two"):
        stream = client.stream_workflow("agent", {"message": MESSAGE}, selected_outputs=OUTPUTS)
        error = audit.expect(StreamIncompleteError, _consume, stream, [])
        assert error.code == "STREAM_INCOMPLETE"
        assert error.text == expected
        assert_readable(error, "stream_workflow('agent')", "the connection broke mid-stream")
    assert server.executions("agent") == 2
    assert len(server.requests) == 2


def test_streams_are_never_resent_after_a_cut(
    server: LocalSimServer, make_client: MakeClient, audit: Audit
) -> None:
    server.inject(Fault(cut_after_events=1), workflow_id="agent")
    client = make_client(server.base_url)
    stream = client.execute_with_retry(
        "agent", {"message": MESSAGE}, stream=True, selected_outputs=OUTPUTS, max_retries=5
    )
    assert isinstance(stream, WorkflowStream)
    error = audit.expect(StreamIncompleteError, _consume, stream, [])
    assert error.text == "one"
    assert len(server.requests) == 1
    assert server.executions("agent") == 1


def test_clean_end_without_a_final_frame_is_incomplete_and_reuses_the_connection(
    server: LocalSimServer, make_client: MakeClient, audit: Audit
) -> None:
    server.inject(Fault(truncate_after_events=2), workflow_id="agent", times=1)
    client = make_client(server.base_url)
    stream = client.stream_workflow("agent", {"message": MESSAGE}, selected_outputs=OUTPUTS)
    error = audit.expect(StreamIncompleteError, _consume, stream, [])
    assert error.text == "one two"
    assert "ended before the final frame" in str(error)
    # The chunked body ended properly, so the connection went back to the pool.
    result = client.execute_workflow("echo", {"after": "truncation"})
    assert result.output == {"input": {"after": "truncation"}}
    assert server.connections_opened == 1


def test_empty_event_stream_is_incomplete(
    server: LocalSimServer, make_client: MakeClient, audit: Audit
) -> None:
    server.inject(Fault(status=200, body=b"", content_type="text/event-stream"), "agent")
    client = make_client(server.base_url)
    stream = client.stream_workflow("agent", {"message": MESSAGE})
    error = audit.expect(StreamIncompleteError, _consume, stream, [])
    assert error.text == ""
    assert "received 0 events" in str(error)
    assert len(server.requests) == 1


def test_html_error_page_instead_of_a_stream_is_raised_and_released(
    server: LocalSimServer, make_client: MakeClient, audit: Audit
) -> None:
    page = "<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>"
    server.inject(Fault(status=502, body=page, content_type="text/html"), workflow_id="agent")
    client = make_client(server.base_url)
    error = audit.expect(ServerError, client.stream_workflow, "agent", {"message": MESSAGE})
    assert error.status == 502
    assert error.code == "SERVER_ERROR"
    assert_readable(error, "HTTP 502", "HTML page")
    client.close()
    assert wait_until(lambda: server.open_connections == 0)

"""WorkflowStream over real sockets: framing faults, completion rules, latency, connection use."""

from __future__ import annotations

import time
from typing import Iterator, List

import pytest

from simstudio import (
    RequestTimeoutError,
    SimStudioClient,
    StreamEvent,
    StreamIncompleteError,
    WorkflowStream,
)
from simstudio.testing import Fault, LocalSimServer

AGENT = ["agent1.content"]
MESSAGE = "Streaming straight from the local server"
WORDS = ["Streaming", " straight", " from", " the", " local", " server"]


@pytest.fixture(params=["2026", "2025"])
def server(request: pytest.FixtureRequest) -> Iterator[LocalSimServer]:
    with LocalSimServer(wire_format=request.param) as srv:
        yield srv


@pytest.fixture
def client(server: LocalSimServer) -> Iterator[SimStudioClient]:
    with SimStudioClient(api_key=server.api_key, base_url=server.base_url) as c:
        yield c


def _stream(client: SimStudioClient, message: str = MESSAGE, **options: object) -> WorkflowStream:
    return client.stream_workflow(
        "agent",
        {"message": message},
        selected_outputs=AGENT,
        **options,  # type: ignore[arg-type]
    )


def test_chunks_then_done_in_both_eras(client: SimStudioClient, server: LocalSimServer) -> None:
    with _stream(client) as stream:
        events: List[StreamEvent] = list(stream)
    assert [e.chunk for e in events if e.type == "chunk"] == WORDS
    assert events[-1].type == "done"
    assert stream.text == "".join(WORDS)
    assert stream.result is not None
    assert stream.result.success is True
    block = server.block_id("agent")
    assert stream.result.output[block]["content"] == "".join(WORDS)
    assert server.requests[-1].json == {
        "message": MESSAGE,
        "stream": True,
        "selectedOutputs": AGENT,
    }


def test_execute_workflow_stream_true_returns_a_stream(client: SimStudioClient) -> None:
    stream = client.execute_workflow(
        "agent", {"message": "a b"}, stream=True, selected_outputs=AGENT
    )
    assert isinstance(stream, WorkflowStream)
    assert list(stream.iter_text()) == ["a", " b"]


def test_without_selected_outputs_only_the_final_frame(client: SimStudioClient) -> None:
    with client.stream_workflow("agent", {"message": "x y"}) as stream:
        events = list(stream)
    assert [e.type for e in events] == ["done"]
    assert stream.result is not None
    assert stream.result.output["content"] == "x y"


def test_error_frame_is_an_event_and_a_failed_result(client: SimStudioClient) -> None:
    with client.stream_workflow("failing", {"message": "x"}, selected_outputs=AGENT) as stream:
        events = list(stream)
    assert events[-1].type == "error"
    assert events[-1].error == "Agent 1: simulated upstream failure"
    assert stream.result is not None
    assert stream.result.success is False
    assert stream.result.error == "Agent 1: simulated upstream failure"


def test_crlf_split_across_chunks(client: SimStudioClient, server: LocalSimServer) -> None:
    server.inject(Fault(crlf=True), workflow_id="agent")
    with _stream(client) as stream:
        chunks = [e.chunk for e in stream if e.type == "chunk"]
    assert chunks == WORDS


def test_utf8_split_across_chunks(client: SimStudioClient, server: LocalSimServer) -> None:
    server.inject(Fault(split_utf8=True), workflow_id="agent")
    with _stream(client, "héllo wörld ✓") as stream:
        text = "".join(stream.iter_text())
    assert text == "héllo wörld ✓"


def test_first_event_arrives_while_the_server_holds_the_stream(
    client: SimStudioClient, server: LocalSimServer
) -> None:
    server.inject(Fault(stall_after_events=1), workflow_id="agent")
    stream = _stream(client)
    started = time.perf_counter()
    first = next(iter(stream))
    assert first.type == "chunk"
    assert first.chunk == "Streaming"
    assert time.perf_counter() - started < 1.0
    stream.close()


def test_stall_raises_timeout(client: SimStudioClient, server: LocalSimServer) -> None:
    server.inject(Fault(stall_after_events=2), workflow_id="agent")
    received: List[str] = []

    def consume() -> None:
        with _stream(client, idle_timeout=0.3) as stream:
            received.extend(event.chunk or "" for event in stream)

    with pytest.raises(RequestTimeoutError) as timed_out:
        consume()
    assert timed_out.value.code == "TIMEOUT"
    assert received == WORDS[:2]


def test_deadline_bounds_the_whole_stream(server: LocalSimServer) -> None:
    with LocalSimServer(stream_chunk_delay=0.2) as slow:
        client = SimStudioClient(api_key=slow.api_key, base_url=slow.base_url)
        started = time.perf_counter()
        with pytest.raises(RequestTimeoutError) as timed_out, _stream(
            client, deadline=0.5
        ) as stream:
            list(stream)
        assert time.perf_counter() - started < 1.5
        assert "deadline" in str(timed_out.value)


def test_clean_end_without_terminal_frame_is_incomplete(
    client: SimStudioClient, server: LocalSimServer
) -> None:
    server.inject(Fault(truncate_after_events=3), workflow_id="agent")
    with pytest.raises(StreamIncompleteError) as incomplete, _stream(client) as stream:
        list(stream)
    assert incomplete.value.code == "STREAM_INCOMPLETE"
    assert incomplete.value.text == "".join(WORDS[:3])


def test_cut_connection_is_incomplete(client: SimStudioClient, server: LocalSimServer) -> None:
    server.inject(Fault(cut_after_events=2), workflow_id="agent")
    with pytest.raises(StreamIncompleteError) as incomplete, _stream(client) as stream:
        list(stream)
    assert incomplete.value.text == "".join(WORDS[:2])


def test_early_break_closes_the_connection_promptly(
    client: SimStudioClient, server: LocalSimServer
) -> None:
    server.inject(Fault(stall_after_events=2), workflow_id="agent")
    for event in _stream(client):
        if event.type == "chunk":
            break
    deadline = time.monotonic() + 2.0
    while not server.disconnects and time.monotonic() < deadline:
        time.sleep(0.01)
    assert server.disconnects
    assert server.disconnects[0].workflow_id == "agent"


def test_stream_ends_at_terminator_not_at_eof(client: SimStudioClient) -> None:
    with LocalSimServer(hold_open_after_done=3.0) as lingering:
        c = SimStudioClient(api_key=lingering.api_key, base_url=lingering.base_url)
        started = time.perf_counter()
        with _stream(c) as stream:
            events = list(stream)
        assert events[-1].type == "done"
        assert time.perf_counter() - started < 1.0


def test_json_answer_instead_of_sse_is_one_done_event(
    client: SimStudioClient, server: LocalSimServer
) -> None:
    server.inject(Fault(json_instead_of_sse=True), workflow_id="agent")
    with _stream(client, "p q") as stream:
        events = list(stream)
    assert [e.type for e in events] == ["done"]
    assert stream.result is not None
    assert stream.result.success is True


def test_close_delimited_framing(client: SimStudioClient, server: LocalSimServer) -> None:
    server.inject(Fault(framing="close"), workflow_id="agent")
    with _stream(client) as stream:
        assert [e.chunk for e in stream if e.type == "chunk"] == WORDS


def test_errors_before_the_stream_are_raised_at_call_time(client: SimStudioClient) -> None:
    from simstudio import NotFoundError

    with pytest.raises(NotFoundError):
        client.stream_workflow("missing", selected_outputs=AGENT)


def test_iter_sse_reencodes_with_terminator(client: SimStudioClient) -> None:
    with _stream(client, "one two") as stream:
        wire = b"".join(stream.iter_sse())
    assert wire.count(b"\n\n") == 4
    assert wire.endswith((b"[DONE]\n\n", b'[DONE]"\n\n'))
    assert b'"chunk":"one"' in wire


def test_streams_reuse_one_connection(client: SimStudioClient, server: LocalSimServer) -> None:
    for _ in range(3):
        with _stream(client) as stream:
            list(stream)
        client.execute_workflow("echo")
    assert server.connections_opened == 1


def test_execution_id_is_known_for_the_stream(
    client: SimStudioClient, server: LocalSimServer
) -> None:
    with _stream(client) as stream:
        list(stream)
    assert stream.execution_id
    assert server.requests[-1].headers["X-Execution-Id"] == stream.execution_id
    assert stream.result is not None
    assert stream.result.execution_id == stream.execution_id


def test_a_stream_and_its_result_know_their_answer() -> None:
    from simstudio.testing import LocalSimServer

    with LocalSimServer() as srv, SimStudioClient(
        api_key=srv.api_key, base_url=srv.base_url
    ) as client, client.stream_workflow(
        "agent", {"message": "hi there"}, selected_outputs=["agent1.content"]
    ) as stream:
        result = stream.final_result()
    assert stream.request_id
    assert stream.headers["content-type"].startswith("text/event-stream")
    assert result.request_id == stream.request_id

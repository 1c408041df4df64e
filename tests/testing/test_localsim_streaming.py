"""LocalSimServer: SSE streams (framing, chunk frames, terminal frames, disconnects)."""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from typing import Any, Dict, Iterator, List

import pytest
from localsim_helpers import Api, dechunk, post_bytes, read_until_closed, split_response

from simstudio.testing import LocalSimServer

WORDS = ["Hello", " from", " the", " local", " Sim", " server."]
SELECT_CONTENT = {"stream": True, "selectedOutputs": ["agent1.content"]}


def _frames(reply_frames: List[str]) -> List[Any]:
    return [json.loads(f) if f != "[DONE]" else "[DONE]" for f in reply_frames]


def test_agent_stream_2026(api: Api, sim_server: LocalSimServer) -> None:
    reply = api.execute("agent", SELECT_CONTENT)
    assert reply.status == 200
    assert reply.headers["Content-Type"] == "text/event-stream"
    assert reply.headers["Cache-Control"] == "no-cache"
    assert reply.headers["X-Accel-Buffering"] == "no"
    assert reply.headers["Transfer-Encoding"] == "chunked"
    assert "Content-Length" not in reply.headers
    frames = _frames(reply.frames)
    block = sim_server.block_id("agent")
    assert frames[:-2] == [{"blockId": block, "chunk": word} for word in WORDS]
    assert frames[-2] == {"event": "final", "data": {"success": True, "output": {}}}
    assert reply.frames[-1] == '"[DONE]"'
    assert reply.body.endswith(b'data: "[DONE]"\n\n')


def test_agent_stream_2025_docs_era(sim_server_2025: LocalSimServer) -> None:
    reply = Api(sim_server_2025).execute("agent", SELECT_CONTENT)
    frames = [json.loads(f) for f in reply.frames[:-1]]
    block = sim_server_2025.block_id("agent")
    assert [f["chunk"] for f in frames[:-1]] == WORDS
    final = frames[-1]
    assert (final["event"], final["success"]) == ("done", True)
    assert final["output"] == {block: {"content": "".join(WORDS)}}
    assert set(final["metadata"]) == {"duration"}
    assert reply.body.endswith(b"data: [DONE]\n\n")


def test_no_selected_outputs_means_no_chunks(api: Api) -> None:
    frames = _frames(api.execute("agent", {"stream": True, "message": "a b"}).frames)
    assert len(frames) == 2
    output = frames[0]["data"]["output"]
    assert output["content"] == "a b"
    assert frames[1] == "[DONE]"


def test_stream_response_header_starts_a_stream(api: Api) -> None:
    reply = api.execute("echo", {"q": 1}, headers={"X-Stream-Response": "true"})
    assert reply.headers["Content-Type"] == "text/event-stream"
    assert json.loads(reply.frames[0])["data"]["output"] == {"input": {"q": 1}}


def test_selected_non_streaming_block_appears_only_in_final(api: Api, sim_server: Any) -> None:
    body = {"stream": True, "selectedOutputs": ["function1.input"], "q": 1}
    frames = _frames(api.execute("echo", body).frames)
    block = sim_server.block_id("echo")
    assert frames == [
        {"event": "final", "data": {"success": True, "output": {block: {"input": {"q": 1}}}}},
        "[DONE]",
    ]


def test_selectors_by_block_id_and_unknown_names(api: Api, sim_server: LocalSimServer) -> None:
    block = sim_server.block_id("echo")
    for selector, expected in [
        (block, {block: {"input": {}}}),
        (block + "_input", {block: {"input": {}}}),
        (block + ".input", {block: {"input": {}}}),
        ("Function 1.input", {block: {"input": {}}}),
        ("other.input", {}),
        ("function1.missing", {}),
    ]:
        body = {"stream": True, "selectedOutputs": [selector]}
        final = json.loads(api.execute("echo", body).frames[0])
        assert final["data"]["output"] == expected, selector


def test_extra_path_of_streamed_block_is_neither_chunk_nor_final(api: Api) -> None:
    body = {"stream": True, "selectedOutputs": ["agent1.content", "agent1.tokens"]}
    frames = _frames(api.execute("agent", body).frames)
    assert len(frames) == len(WORDS) + 2
    assert frames[-2]["data"]["output"] == {}


def test_failing_stream_2026_error_then_done(api: Api) -> None:
    frames = api.execute("failing", SELECT_CONTENT).frames
    assert frames == ['{"event":"error","error":"Agent 1: simulated upstream failure"}', '"[DONE]"']


def test_failing_stream_2025_error_without_done(sim_server_2025: LocalSimServer) -> None:
    frames = Api(sim_server_2025).execute("failing", {"stream": True}).frames
    assert frames == ['{"event":"error","error":"Agent 1: simulated upstream failure"}']


def test_generator_failing_midway_keeps_earlier_chunks(sim_server: LocalSimServer) -> None:
    def agent(data: Dict[str, Any]) -> Iterator[str]:
        yield "one"
        raise RuntimeError("model died")

    sim_server.add_workflow("half", agent)
    frames = _frames(Api(sim_server).execute("half", SELECT_CONTENT).frames)
    assert frames[0]["chunk"] == "one"
    assert frames[1] == {"event": "error", "error": "Agent 1: model died"}


def test_response_block_in_stream_mode(api: Api) -> None:
    reply = api.execute("response", {"stream": True, "message": "m"})
    assert reply.status == 200
    output = json.loads(reply.frames[0])["data"]["output"]
    assert output == {"data": {"echo": "m", "custom": True}, "status": 201,
                      "headers": {"X-Probe-Custom": "yes"}}  # fmt: skip


def test_non_ascii_is_sent_as_raw_utf8(api: Api) -> None:
    reply = api.execute("agent", {**SELECT_CONTENT, "message": "héllo wörld ✓"})
    assert "héllo".encode() in reply.body
    assert b"\\u" not in reply.body


def test_each_frame_is_its_own_chunk(sim_server: LocalSimServer) -> None:
    sock = socket.create_connection(("127.0.0.1", sim_server.port), timeout=5)
    with sock:
        request = post_bytes(sim_server, "/api/workflows/agent/execute", SELECT_CONTENT,
                             "Connection: close\r\n")  # fmt: skip
        sock.sendall(request)
        raw = read_until_closed(sock)
    _, headers, body = split_response(raw)
    assert headers["transfer-encoding"] == "chunked"
    chunks, ended = dechunk(body)
    assert ended
    assert len(chunks) == len(WORDS) + 2
    assert all(c.startswith(b"data: ") and c.endswith(b"\n\n") for c in chunks)


def test_frames_arrive_one_by_one(sim_server: LocalSimServer) -> None:
    gate = threading.Event()

    def agent(data: Dict[str, Any]) -> Iterator[str]:
        yield "first"
        gate.wait(5)
        yield "second"

    sim_server.add_workflow("gated", agent)
    conn = http.client.HTTPConnection("127.0.0.1", sim_server.port, timeout=5)
    try:
        conn.request("POST", "/api/workflows/gated/execute", json.dumps(SELECT_CONTENT),
                     {"X-API-Key": sim_server.api_key})  # fmt: skip
        response = conn.getresponse()
        first = response.readline() + response.readline()
        assert json.loads(first[len(b"data: ") :])["chunk"] == "first"
        assert not gate.is_set()
        gate.set()
        rest = response.read()
    finally:
        conn.close()
    assert b'"chunk":"second"' in rest
    assert rest.endswith(b'data: "[DONE]"\n\n')


def test_stream_chunk_delay_spaces_chunk_frames() -> None:
    with LocalSimServer(stream_chunk_delay=0.03) as server:
        started = time.monotonic()
        Api(server).execute("agent", SELECT_CONTENT)
        elapsed = time.monotonic() - started
        started = time.monotonic()
        Api(server).execute("agent", {"stream": True})
        unselected = time.monotonic() - started
    assert elapsed >= 5 * 0.03 * 0.9
    assert unselected < 0.1


def test_hold_open_after_done(sim_server_factory: Any) -> None:
    server = sim_server_factory(hold_open_after_done=0.4)
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    with sock:
        started = time.monotonic()
        sock.sendall(post_bytes(server, "/api/workflows/agent/execute", {"stream": True}))
        data = b""
        while b'data: "[DONE]"' not in data:
            data += sock.recv(65536)
        done_at = time.monotonic() - started
        while not data.endswith(b"0\r\n\r\n"):
            data += sock.recv(65536)
        end_at = time.monotonic() - started
    assert done_at < 0.3
    assert end_at >= 0.35
    assert server.disconnects == []


def test_client_leaving_during_hold_open_is_not_a_disconnect(sim_server_factory: Any) -> None:
    server = sim_server_factory(hold_open_after_done=5.0)
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    with sock:
        sock.sendall(post_bytes(server, "/api/workflows/agent/execute", {"stream": True}))
        data = b""
        while b'data: "[DONE]"' not in data:
            data += sock.recv(65536)
    deadline = time.monotonic() + 2
    while server.open_connections and time.monotonic() < deadline:
        time.sleep(0.01)
    assert server.open_connections == 0
    assert server.disconnects == []


def test_client_disconnect_mid_stream_is_recorded_and_closes_the_handler(
    sim_server: LocalSimServer,
) -> None:
    closed = threading.Event()
    release = threading.Event()

    def agent(data: Dict[str, Any]) -> Iterator[str]:
        try:
            yield "first"
            release.wait(5)
            yield "second"
            yield "third"
        finally:
            closed.set()

    sim_server.add_workflow("leaver", agent)
    sock = socket.create_connection(("127.0.0.1", sim_server.port), timeout=5)
    sock.sendall(post_bytes(sim_server, "/api/workflows/leaver/execute", SELECT_CONTENT))
    data = b""
    while b"first" not in data:
        data += sock.recv(65536)
    sock.close()
    time.sleep(0.05)
    release.set()
    assert closed.wait(5)
    deadline = time.monotonic() + 2
    while not sim_server.disconnects and time.monotonic() < deadline:
        time.sleep(0.01)
    (record,) = sim_server.disconnects
    assert (record.workflow_id, record.events_sent) == ("leaver", 1)
    assert sim_server.executions("leaver") == 1


@pytest.mark.parametrize("era", ["2026", "2025"])
def test_every_frame_validates(era: str) -> None:
    with LocalSimServer(wire_format=era) as server:
        api = Api(server)
        for workflow in ("agent", "echo", "failing", "response", "slow"):
            api.execute(workflow, {**SELECT_CONTENT, "seconds": 0})
            api.execute(workflow, {"stream": True, "seconds": 0})

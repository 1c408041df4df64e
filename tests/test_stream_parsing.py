"""Streamed execution: SSE frames -> StreamEvents, completion rules and proxy re-encoding."""

from __future__ import annotations

import json

import pytest
import responses
from _core_helpers import (
    AGENT_BLOCK,
    EXEC_BAD_KEY,
    EXEC_SYNC_SUCCESS,
    EXECUTE_URL,
    FAILING_SYNC_500,
    KEY,
    STREAM_FAILING,
    STREAM_NONSTREAMING_BLOCK,
    STREAM_SELECTED,
    WF,
    body,
)

from simstudio import (
    AuthenticationError,
    InvalidResponseError,
    RateLimitError,
    StreamError,
    StreamEvent,
    StreamIncompleteError,
    WorkflowStream,
)
from simstudio._streaming import parse_frame
from simstudio.sse import ServerSentEvent, SSEDecoder


def frame(data):
    return ServerSentEvent(data=data if isinstance(data, str) else json.dumps(data))


def sse(*frames, terminator=b'data: "[DONE]"\n\n'):
    out = b"".join(b"data: " + json.dumps(f).encode() + b"\n\n" for f in frames)
    return out + terminator


def serve(rsps, content, status=200, content_type="text/event-stream", **kw):
    rsps.add(
        responses.POST, EXECUTE_URL, body=content, status=status, content_type=content_type, **kw
    )


def open_stream(client, **kw):
    kw.setdefault("selected_outputs", ["agent1.content"])
    return client.execute_workflow(WF, {"message": "say hi"}, stream=True, **kw)


#: The 2026 final frame of a successful run whose outputs were all streamed.
FINAL_OK = {"event": "final", "data": {"success": True, "output": {}}}


# ----------------------------------------------------------------------------- parse_frame


def test_chunk_frame():
    event = parse_frame(frame({"blockId": "b1", "chunk": "Hello"}))
    assert event.type == "chunk"
    assert event.block_id == "b1"
    assert event.chunk == "Hello"
    assert event.result is None
    assert event.is_terminal is False
    assert event.data == {"blockId": "b1", "chunk": "Hello"}


def test_final_frame():
    event = parse_frame(frame({"event": "final", "data": {"success": True, "output": {"a": 1}}}))
    assert event.type == "done"
    assert event.is_terminal is True
    assert event.result.success is True
    assert event.result.output == {"a": 1}


def test_final_frame_of_failed_2025_run():
    event = parse_frame(
        frame({"event": "final", "data": {"success": False, "error": "bad", "output": {}}})
    )
    assert event.type == "done"
    assert event.result.success is False
    assert event.result.error == "bad"


def test_final_paused_frame():
    event = parse_frame(
        frame({"event": "final", "data": {"success": True, "output": {}, "status": "paused"}})
    )
    assert event.result.status == "paused"


def test_done_frame_2025_docs_form():
    event = parse_frame(
        frame({"event": "done", "success": True, "output": {}, "metadata": {"duration": 610}})
    )
    assert event.type == "done"
    assert event.is_terminal
    assert event.result.success is True
    assert event.result.metadata == {"duration": 610}


def test_error_frame_with_block_id():
    event = parse_frame(
        frame(
            {"event": "error", "blockId": "b9", "error": "Selected output is too large to inline"}
        )
    )
    assert event.type == "error"
    assert event.block_id == "b9"
    assert event.error == "Selected output is too large to inline"
    assert event.is_terminal
    assert event.result.success is False
    assert event.result.error == "Selected output is too large to inline"


def test_error_frame_without_block_id():
    event = parse_frame(frame({"event": "error", "error": "Agent 1: fake upstream failure"}))
    assert event.type == "error"
    assert event.block_id is None
    assert event.result.success is False


def test_error_frame_with_object_error():
    event = parse_frame(frame({"event": "error", "error": {"message": "m", "code": "TIMEOUT"}}))
    assert event.error == "m"


def test_stream_error_is_not_terminal():
    event = parse_frame(frame({"event": "stream_error", "blockId": "b1", "error": "read failed"}))
    assert event.type == "stream_error"
    assert event.error == "read failed"
    assert event.block_id == "b1"
    assert event.is_terminal is False
    assert event.result is None


def test_event_key_wins_over_chunk_presence():
    event = parse_frame(
        frame({"event": "stream_error", "blockId": "b1", "error": "x", "chunk": "?"})
    )
    assert event.type == "stream_error"
    assert event.chunk is None


@pytest.mark.parametrize(
    ("payload", "kind"),
    [
        ({"blockId": "b1", "event": "chunk_reset"}, "chunk_reset"),
        ({"blockId": "b1", "event": "thinking", "data": "hmm"}, "thinking"),
        (
            {"blockId": "b1", "event": "tool", "phase": "start", "id": "t1", "name": "search"},
            "tool",
        ),
        ({"event": "mystery", "x": 1}, "unknown"),
        ({"nothing": "here"}, "unknown"),
        ({"chunk": 5}, "unknown"),
        ([1, 2], "unknown"),
        ("plain words", "unknown"),
    ],
)
def test_other_frames(payload, kind):
    event = parse_frame(frame(payload))
    assert event.type == kind
    assert event.is_terminal is False
    assert event.result is None


def test_non_json_frame_keeps_text():
    event = parse_frame(frame("not { json"))
    assert event.type == "unknown"
    assert event.data == "not { json"


@pytest.mark.parametrize("text", ["[DONE]", '"[DONE]"', " [DONE] "])
def test_terminators(text):
    assert parse_frame(frame(text)) is None


# ----------------------------------------------------------------------------- whole streams


def test_transcript_stream_with_selected_outputs(rsps, client):
    serve(rsps, STREAM_SELECTED)
    stream = open_stream(client)
    assert isinstance(stream, WorkflowStream)
    events = list(stream)
    assert [e.type for e in events] == ["chunk"] * 6 + ["done"]
    assert "".join(e.chunk for e in events if e.chunk) == "Hello from the fake model."
    assert stream.result.success is True
    # The final frame leaves streamed outputs out; the text is merged back by block id.
    assert stream.result.output == {AGENT_BLOCK: {"content": "Hello from the fake model."}}
    sent = json.loads(rsps.calls[0].request.body)
    assert sent == {"message": "say hi", "stream": True, "selectedOutputs": ["agent1.content"]}
    assert rsps.calls[0].request.headers["Accept"] == "text/event-stream"
    assert rsps.calls[0].request.headers["X-API-Key"] == KEY


def test_non_streamed_outputs_kept_with_streamed_text(rsps, client):
    serve(
        rsps,
        sse(
            {"blockId": "agent", "chunk": "Hi"},
            {"blockId": "agent", "chunk": " there"},
            {
                "event": "final",
                "data": {"success": True, "output": {"pause": {"waitDuration": 1000}}},
            },
        ),
    )
    result = open_stream(client).final_result()
    assert result.output == {"pause": {"waitDuration": 1000}, "agent": {"content": "Hi there"}}


def test_final_output_of_streamed_block_not_overwritten(rsps, client):
    serve(
        rsps,
        sse(
            {"blockId": "agent", "chunk": "Hi"},
            {"event": "final", "data": {"success": True, "output": {"agent": {"content": "Hi!"}}}},
        ),
    )
    assert open_stream(client).final_result().output == {"agent": {"content": "Hi!"}}


def test_nonstreaming_block_transcript(rsps, client):
    serve(rsps, STREAM_NONSTREAMING_BLOCK)
    result = open_stream(client, selected_outputs=["pause.waitDuration"]).final_result()
    assert result.output == {"2249ce3d-0f57-40ab-a2a0-4e971f2a35a9": {"waitDuration": 1000}}


def test_two_blocks_separator_stripped_per_block(rsps, client):
    serve(
        rsps,
        sse(
            {"blockId": "a", "chunk": "One"},
            {"blockId": "b", "chunk": "\n\nTwo"},
            {"blockId": "b", "chunk": " more"},
            FINAL_OK,
        ),
    )
    stream = open_stream(client)
    result = stream.final_result()
    assert stream.text == "One\n\nTwo more"
    assert stream.block_texts == {"a": "One", "b": "Two more"}
    assert result.output == {"a": {"content": "One"}, "b": {"content": "Two more"}}


def test_chunk_reset_discards_block_text(rsps, client):
    serve(
        rsps,
        sse(
            {"blockId": "a", "chunk": "draft"},
            {"blockId": "a", "event": "chunk_reset"},
            {"blockId": "a", "chunk": "final answer"},
            FINAL_OK,
        ),
    )
    stream = open_stream(client)
    events = list(stream)
    assert [e.type for e in events] == ["chunk", "chunk_reset", "chunk", "done"]
    assert stream.result.output == {"a": {"content": "final answer"}}


@pytest.mark.parametrize(
    ("content", "kinds", "success"),
    [
        pytest.param(
            sse(
                {"blockId": "a", "chunk": "part"},
                {"event": "stream_error", "blockId": "a", "error": "reader broke"},
                FINAL_OK,
            ),
            ["chunk", "stream_error", "done"],
            True,
            id="stream_error_then_final",
        ),
        pytest.param(
            sse(
                {"blockId": "a", "chunk": "x"}, {"event": "error", "error": "boom"}, terminator=b""
            ),
            ["chunk", "error"],
            False,
            id="2025_error_frame_without_terminator",
        ),
        pytest.param(
            sse(FINAL_OK, {"blockId": "a", "chunk": "late"}),
            ["done"],
            True,
            id="frames_after_terminal_are_ignored",
        ),
        pytest.param(
            b": keep-alive\r\n\r\n"
            b'data: {"blockId":"a","chunk":"x"}\r\n\r\n'
            b'event: message\r\ndata: {"event":"final","data":{"success":true,"output":{}}}\r\n\r\n'
            b'data: "[DONE]"\r\n\r\n',
            ["chunk", "done"],
            True,
            id="crlf_and_comments_tolerated",
        ),
    ],
)
def test_event_sequence(rsps, client, content, kinds, success):
    serve(rsps, content)
    stream = open_stream(client)
    assert [e.type for e in stream] == kinds
    assert stream.result.success is success


def test_failing_stream_transcript(rsps, client):
    serve(rsps, STREAM_FAILING)
    stream = open_stream(client)
    events = list(stream)
    assert [e.type for e in events] == ["error"]
    assert events[0].error == "Agent 1: fake upstream failure"
    assert stream.result.success is False
    assert stream.final_result().error == "Agent 1: fake upstream failure"


def test_bare_done_terminator_and_docs_done_frame(rsps, client):
    serve(
        rsps,
        sse(
            {"blockId": "7b7735b9", "chunk": "One"},
            {"blockId": "7b7735b9", "chunk": ", two"},
            {"event": "done", "success": True, "output": {}, "metadata": {"duration": 610}},
            terminator=b"data: [DONE]\n\n",
        ),
    )
    stream = open_stream(client)
    assert list(stream.iter_text()) == ["One", ", two"]
    assert stream.result.metadata == {"duration": 610}
    assert stream.result.output == {"7b7735b9": {"content": "One, two"}}


def test_thinking_tool_unknown_events_pass_through(rsps, client):
    serve(
        rsps,
        sse(
            {"blockId": "a", "event": "thinking", "data": "hmm"},
            {"blockId": "a", "event": "tool", "phase": "start", "id": "t", "name": "search"},
            {
                "blockId": "a",
                "event": "tool",
                "phase": "end",
                "id": "t",
                "name": "search",
                "status": "ok",
            },
            {"event": "brand_new_thing"},
            FINAL_OK,
        ),
    )
    stream = open_stream(client)
    assert [e.type for e in stream] == ["thinking", "tool", "tool", "unknown", "done"]
    assert stream.text == ""


# ----------------------------------------------------------------------------- incomplete streams


def test_stream_ending_without_terminal_frame(rsps, client):
    serve(
        rsps,
        sse({"blockId": "a", "chunk": "Hello"}, {"blockId": "a", "chunk": " wor"}, terminator=b""),
    )
    stream = open_stream(client)
    seen = []

    def consume():
        for event in stream:
            seen.append(event.type)

    with pytest.raises(StreamIncompleteError) as info:
        consume()
    assert seen == ["chunk", "chunk"]
    assert info.value.text == "Hello wor"
    assert info.value.code == "STREAM_INCOMPLETE"
    assert stream.result is None


def test_done_without_final_frame_is_incomplete(rsps, client):
    serve(rsps, sse({"blockId": "a", "chunk": "Hi"}))
    with pytest.raises(StreamIncompleteError) as info:
        open_stream(client).final_result()
    assert info.value.text == "Hi"
    assert "[DONE]" in str(info.value)


def test_bare_done_without_final_is_incomplete(rsps, client):
    serve(rsps, b"data: [DONE]\n\n")
    with pytest.raises(StreamIncompleteError):
        list(open_stream(client))


def test_empty_stream_is_incomplete(rsps, client):
    serve(rsps, b"")
    with pytest.raises(StreamIncompleteError) as info:
        open_stream(client).final_result()
    assert info.value.text == ""


def test_trailing_partial_event_is_not_a_final(rsps, client):
    serve(
        rsps, b'data: {"blockId":"a","chunk":"x"}\n\ndata: {"event":"final","data":{"success":true'
    )
    with pytest.raises(StreamIncompleteError):
        open_stream(client).final_result()


# ----------------------------------------------------------------------------- non-SSE answers


def test_json_instead_of_sse_is_one_done_event(rsps, client):
    serve(rsps, body(EXEC_SYNC_SUCCESS), content_type="application/json")
    stream = open_stream(client)
    events = list(stream)
    assert len(events) == 1
    assert events[0].type == "done"
    assert events[0].result.success is True
    assert stream.result.output == EXEC_SYNC_SUCCESS["output"]
    assert stream.final_result().execution_id == EXEC_SYNC_SUCCESS["executionId"]


def test_failed_run_500_json_is_one_error_event(rsps, client):
    serve(rsps, body(FAILING_SYNC_500), status=500, content_type="application/json")
    stream = open_stream(client)
    events = list(stream)
    assert len(events) == 1
    assert events[0].type == "error"
    assert events[0].error == "Agent 1: fake upstream failure"
    assert events[0].result.success is False
    assert stream.result.success is False
    assert stream.result.output == {}


def test_401_raised_at_call_time(rsps, client):
    serve(rsps, body(EXEC_BAD_KEY), status=401, content_type="application/json")
    with pytest.raises(AuthenticationError) as info:
        open_stream(client)
    assert info.value.code == "UNAUTHORIZED"


def test_429_raised_at_call_time_with_retry_after(rsps, client):
    serve(
        rsps,
        body({"error": "Too many requests"}),
        status=429,
        content_type="application/json",
        headers={"Retry-After": "5"},
    )
    with pytest.raises(RateLimitError) as info:
        open_stream(client)
    assert info.value.retry_after == 5.0
    assert client.get_rate_limit_info().retry_after == 5


def test_html_200_is_invalid_response(rsps, client):
    serve(rsps, b"<html>login</html>", content_type="text/html")
    with pytest.raises(InvalidResponseError):
        open_stream(client)


def test_response_block_json_via_stream(rsps, client):
    serve(rsps, b'{"echo":"resp","custom":true}', status=201, content_type="application/json")
    result = open_stream(client).final_result()
    assert result.success is True
    assert result.output == {"echo": "resp", "custom": True}


# ----------------------------------------------------------------------------- consumption helpers


def test_iter_text(rsps, client):
    serve(rsps, STREAM_SELECTED)
    stream = open_stream(client)
    assert list(stream.iter_text()) == ["Hello", " from", " the", " fake", " model", "."]
    assert stream.final_result().success is True


def test_final_result_consumes_everything(rsps, client):
    serve(rsps, STREAM_SELECTED)
    stream = open_stream(client)
    result = stream.final_result()
    assert result.output[AGENT_BLOCK]["content"] == "Hello from the fake model."
    assert stream.completed is True


def test_stream_iterates_once(rsps, client):
    serve(rsps, STREAM_SELECTED)
    stream = open_stream(client)
    list(stream)
    with pytest.raises(StreamError):
        iter(stream)


def test_context_manager_and_early_break(rsps, client):
    serve(rsps, STREAM_SELECTED)
    with open_stream(client) as stream:
        for event in stream:
            assert event.type == "chunk"
            break
    assert stream.result is None
    with pytest.raises(StreamIncompleteError):
        stream.final_result()


def decode_all(chunks):
    decoder = SSEDecoder()
    events = []
    for chunk in chunks:
        events.extend(decoder.feed(chunk))
    return events


@pytest.mark.parametrize(
    ("content", "terminator"),
    [(STREAM_SELECTED, b'data: "[DONE]"\n\n'), (STREAM_FAILING, b'data: "[DONE]"\n\n')],
)
def test_iter_sse_round_trip(rsps, client, content, terminator):
    serve(rsps, content)
    chunks = list(open_stream(client).iter_sse())
    assert chunks[-1] == terminator
    assert b"".join(chunks) == content
    original = [e.data for e in decode_all([content])]
    assert [e.data for e in decode_all(chunks)] == original


def test_iter_sse_keeps_bare_terminator(rsps, client):
    content = sse(
        {"blockId": "a", "chunk": "x"},
        FINAL_OK,
        terminator=b"data: [DONE]\n\n",
    )
    serve(rsps, content)
    chunks = list(open_stream(client).iter_sse())
    assert chunks[-1] == b"data: [DONE]\n\n"
    assert b"".join(chunks) == content


def test_iter_sse_adds_terminator_when_server_sent_none(rsps, client):
    serve(rsps, sse({"event": "error", "error": "boom"}, terminator=b""))
    chunks = list(open_stream(client).iter_sse())
    assert chunks == [b'data: {"event": "error", "error": "boom"}\n\n', b'data: "[DONE]"\n\n']


def test_iter_sse_reports_broken_stream_as_error_frame(rsps, client):
    serve(rsps, sse({"blockId": "a", "chunk": "x"}, terminator=b""))
    chunks = list(open_stream(client).iter_sse())
    decoded = decode_all(chunks)
    assert json.loads(decoded[0].data) == {"blockId": "a", "chunk": "x"}
    error = json.loads(decoded[1].data)
    assert error["event"] == "error"
    assert error["code"] == "STREAM_INCOMPLETE"
    assert decoded[2].data == '"[DONE]"'
    assert KEY.encode() not in b"".join(chunks)


def test_iter_sse_of_json_answer(rsps, client):
    serve(rsps, body(EXEC_SYNC_SUCCESS), content_type="application/json")
    chunks = list(open_stream(client).iter_sse())
    decoded = decode_all(chunks)
    first = json.loads(decoded[0].data)
    assert first == {"event": "final", "data": EXEC_SYNC_SUCCESS}
    assert decoded[-1].data == '"[DONE]"'
    assert parse_frame(decoded[0]).result.output == EXEC_SYNC_SUCCESS["output"]


def test_event_to_sse_without_original_frame():
    event = StreamEvent("done", data={"event": "final", "data": {"success": True}})
    assert event.to_sse() == b'data: {"event":"final","data":{"success":true}}\n\n'


def test_stream_repr_has_no_key(rsps, client):
    serve(rsps, STREAM_SELECTED)
    stream = open_stream(client)
    assert KEY not in repr(stream)
    stream.close()

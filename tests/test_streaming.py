"""WorkflowStream over plain byte iterators: every frame rule of the contract, no sockets."""

from __future__ import annotations

import gc
import json
import warnings
from typing import Any, Iterator, List, Optional, Tuple

import pytest
import responses
from _core_helpers import EXECUTE_URL, KEY, WF, make_client

from simstudio import (
    APIConnectionError,
    RequestTimeoutError,
    StreamError,
    StreamIncompleteError,
    WorkflowExecutionResult,
    WorkflowStream,
)
from simstudio._streaming import stream as _streaming
from simstudio._streaming.events import result_event
from simstudio._streaming.opening import DEFAULT_IDLE, DEFAULT_IDLE_TIMEOUT, stream_idle_timeout

FINAL = {"event": "final", "data": {"success": True, "output": {}}}
QUOTED = b'data: "[DONE]"\n\n'
BARE = b"data: [DONE]\n\n"


def sse(*frames: Any, terminator: bytes = QUOTED) -> bytes:
    """Frames as Sim writes them: one ``data: <JSON>`` line each, then the terminator."""
    out = b"".join(b"data: " + json.dumps(f).encode() + b"\n\n" for f in frames)
    return out + terminator


def chunk(text: str, block: str = "b1") -> dict:
    return {"blockId": block, "chunk": text}


class Body:
    """A byte iterator that records how much of it was read."""

    def __init__(self, *pieces: bytes, error: Optional[BaseException] = None) -> None:
        self.pieces = list(pieces)
        self.error = error
        self.read = 0

    def __iter__(self) -> Iterator[bytes]:
        for piece in self.pieces:
            self.read += 1
            yield piece
        if self.error is not None:
            raise self.error


def open_stream(*pieces: bytes, **options: Any) -> Tuple[WorkflowStream, List[bool]]:
    released: List[bool] = []
    options.setdefault("release", released.append)
    return WorkflowStream(list(pieces), what="stream_workflow('wf')", **options), released


def events_of(*pieces: bytes, **options: Any) -> Tuple[List[str], WorkflowStream]:
    stream, _released = open_stream(*pieces, **options)
    return [event.type for event in stream], stream


# ----------------------------------------------------------------------------- frame rules


def test_chunks_then_final_in_order_with_text_per_block() -> None:
    kinds, stream = events_of(sse(chunk("Hel"), chunk("lo"), FINAL))
    assert kinds == ["chunk", "chunk", "done"]
    assert stream.text == "Hello"
    assert stream.result is not None
    assert stream.result.success is True
    # The final frame leaves streamed outputs out; the text is merged back by block id.
    assert stream.result.output == {"b1": {"content": "Hello"}}


def test_separator_before_later_blocks_is_stripped_per_block_and_kept_in_text() -> None:
    body = sse(chunk("One", "a"), chunk("\n\nTwo", "b"), chunk(" more", "b"), FINAL)
    _kinds, stream = events_of(body)
    assert stream.block_texts == {"a": "One", "b": "Two more"}
    assert stream.text == "One\n\nTwo more"


def test_chunk_reset_discards_the_block_text_so_far() -> None:
    body = sse(chunk("draft"), {"blockId": "b1", "event": "chunk_reset"}, chunk("final"), FINAL)
    kinds, stream = events_of(body)
    assert kinds == ["chunk", "chunk_reset", "chunk", "done"]
    assert stream.result is not None
    assert stream.result.output == {"b1": {"content": "final"}}


def test_thinking_tool_and_stream_error_are_not_terminal_and_not_text() -> None:
    body = sse(
        {"blockId": "b1", "event": "thinking", "data": "hmm"},
        {"blockId": "b1", "event": "tool", "phase": "start", "id": "t", "name": "search"},
        {"event": "stream_error", "blockId": "b1", "error": "reader broke"},
        chunk("after"),
        FINAL,
    )
    kinds, stream = events_of(body)
    assert kinds == ["thinking", "tool", "stream_error", "chunk", "done"]
    assert stream.text == "after"


@pytest.mark.parametrize(
    "frame",
    [{"event": "brand_new"}, {"nothing": "here"}, [1, 2], "plain words"],
    ids=["new-event", "no-event-no-chunk", "json-array", "json-string"],
)
def test_unknown_frames_pass_through(frame: Any) -> None:
    kinds, stream = events_of(sse(frame, FINAL))
    assert kinds == ["unknown", "done"]
    assert stream.result is not None


def test_non_json_frame_is_unknown_with_its_text() -> None:
    stream, _ = open_stream(b"data: not { json\n\n" + sse(FINAL))
    events = list(stream)
    assert [e.type for e in events] == ["unknown", "done"]
    assert events[0].data == "not { json"


@pytest.mark.parametrize("terminator", [QUOTED, BARE], ids=["quoted", "bare"])
def test_both_terminators_end_the_stream_and_are_kept_for_proxies(terminator: bytes) -> None:
    body = sse(chunk("x"), FINAL, terminator=terminator)
    stream, released = open_stream(body)
    wire = b"".join(stream.iter_sse())
    assert wire == body
    assert released == [True]


def test_docs_done_frame_is_terminal() -> None:
    done = {"event": "done", "success": True, "output": {}, "metadata": {"duration": 610}}
    kinds, stream = events_of(sse(chunk("One"), done, terminator=BARE))
    assert kinds == ["chunk", "done"]
    assert stream.result is not None
    assert stream.result.metadata == {"duration": 610}


def test_final_frame_of_a_failed_2025_run() -> None:
    final = {"event": "final", "data": {"success": False, "error": "bad", "output": {}}}
    kinds, stream = events_of(sse(final))
    assert kinds == ["done"]
    assert stream.result is not None
    assert (stream.result.success, stream.result.error) == (False, "bad")


@pytest.mark.parametrize("terminator", [QUOTED, b""], ids=["head-then-done", "2025-no-done"])
def test_error_frame_is_a_terminal_failed_result(terminator: bytes) -> None:
    body = sse(chunk("x"), {"event": "error", "error": "Agent 1: boom"}, terminator=terminator)
    stream, released = open_stream(body)
    events = list(stream)
    assert [e.type for e in events] == ["chunk", "error"]
    assert events[-1].error == "Agent 1: boom"
    assert stream.result is not None
    assert (stream.result.success, stream.result.error) == (False, "Agent 1: boom")
    assert released == [True]


def test_nothing_counts_after_the_terminal_frame_and_the_rest_is_not_read() -> None:
    body = Body(
        sse(chunk("a"), FINAL, chunk("late"), {"event": "error", "error": "late"}, terminator=b""),
        sse(chunk("later still")),
    )
    released: List[bool] = []
    stream = WorkflowStream(body, what="wf", release=released.append)
    assert [e.type for e in stream] == ["chunk", "done"]
    assert stream.text == "a"
    assert stream.result is not None
    assert stream.result.success is True
    assert body.read == 1  # the second piece is left to the transport's bounded drain
    assert released == [True]


def test_done_without_a_final_frame_is_incomplete() -> None:
    stream, released = open_stream(sse(chunk("Hi")))
    with pytest.raises(StreamIncompleteError) as info:
        list(stream)
    assert info.value.text == "Hi"
    assert "[DONE] without a final frame" in str(info.value)
    assert released == [False]


@pytest.mark.parametrize("tail", [b"", b'data: {"event":"final","data":{"success":true'])
def test_end_before_the_terminal_frame_is_incomplete_with_the_partial_text(tail: bytes) -> None:
    stream, released = open_stream(sse(chunk("Hello"), chunk(" wor"), terminator=b"") + tail)
    seen: List[str] = []
    with pytest.raises(StreamIncompleteError) as info:
        seen.extend(event.type for event in stream)
    assert seen == ["chunk", "chunk"]
    assert info.value.text == "Hello wor"
    assert info.value.code == "STREAM_INCOMPLETE"
    assert "ended before the final frame; received 2 events" in str(info.value)
    assert stream.result is None
    assert released == [False]


def test_empty_body_is_incomplete() -> None:
    with pytest.raises(StreamIncompleteError, match="received 0 events"):
        list(open_stream()[0])


STREAM = (
    b"\xef\xbb\xbf: comment\r\n\r\n"
    + sse(chunk("h\u00e9llo "), chunk("w\u00f6rld \u2713"), terminator=b"").replace(b"\n", b"\r\n")
    + b'event: message\ndata: {"event":"final",\ndata: "data":{"success":true,"output":{}}}\n\n'
    + QUOTED
)


def _outcome(pieces: List[bytes]) -> Tuple[List[Tuple[str, Optional[str]]], str, bool]:
    stream, released = open_stream(*pieces)
    events = [(e.type, e.chunk) for e in stream]
    assert stream.result is not None
    return events, stream.text, released == [True]


def test_any_split_of_the_bytes_gives_the_same_events() -> None:
    whole = _outcome([STREAM])
    assert whole == ([("chunk", "h\u00e9llo "), ("chunk", "w\u00f6rld \u2713"), ("done", None)],
                     "h\u00e9llo w\u00f6rld \u2713", True)  # fmt: skip
    for cut in range(1, len(STREAM)):
        assert _outcome([STREAM[:cut], STREAM[cut:]]) == whole, cut
    for first, second in ((5, 40), (17, 18), (60, 61), (90, 150)):
        assert _outcome([STREAM[:first], STREAM[first:second], STREAM[second:]]) == whole
    assert _outcome([STREAM[i : i + 1] for i in range(len(STREAM))]) == whole


# ----------------------------------------------------------------------------- read failures


def test_a_timeout_of_the_body_says_how_many_events_arrived() -> None:
    body = Body(sse(chunk("a"), terminator=b""), error=RequestTimeoutError("wf: no data for 2s"))
    released: List[bool] = []
    stream = WorkflowStream(body, what="wf", release=released.append)
    seen: List[str] = []
    with pytest.raises(RequestTimeoutError) as info:
        seen.extend(event.type for event in stream)
    assert seen == ["chunk"]
    assert str(info.value) == "wf: no data for 2s; received 1 events"
    assert released == [False]


def test_a_broken_body_is_incomplete_with_the_text() -> None:
    broken = APIConnectionError("wf: the connection broke mid-stream (ConnectionResetError)")
    body = Body(sse(chunk("par"), terminator=b""), b'data: {"chunk":"t"', error=broken)
    stream = WorkflowStream(body, what="wf")
    with pytest.raises(StreamIncompleteError) as info:
        list(stream)
    assert str(info.value) == (
        "wf: the connection broke mid-stream (ConnectionResetError); received 1 events"
    )
    assert info.value.text == "par"


def test_an_oversized_event_is_a_stream_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_streaming, "_MAX_EVENT_BYTES", 100)
    stream, released = open_stream(b"data: " + b"x" * 1024)
    with pytest.raises(StreamError, match="max_event_size"):
        list(stream)
    assert released == [False]


# ----------------------------------------------------------------------------- lifecycle


def test_release_is_called_once_with_whether_the_run_finished() -> None:
    stream, released = open_stream(sse(chunk("a"), FINAL))
    list(stream)
    stream.close()
    assert released == [True]
    early, released_early = open_stream(sse(chunk("a"), chunk("b"), FINAL))
    for _event in early:
        break
    assert released_early == [False]


def test_iterating_a_stream_closed_before_it_was_read_is_an_error() -> None:
    stream, released = open_stream(sse(chunk("a"), FINAL))
    stream.close()
    assert released == [False]
    with pytest.raises(StreamError, match="closed before it was read"):
        list(stream)
    with pytest.raises(StreamError, match="closed before it was read"):
        stream.final_result()
    with pytest.raises(StreamError, match="closed before it was read"):
        list(stream.iter_sse())


def test_a_stream_iterates_once() -> None:
    stream, _ = open_stream(sse(FINAL))
    list(stream)
    with pytest.raises(StreamError, match="only once"):
        iter(stream)


def test_dropping_an_unread_stream_closes_it_with_a_resource_warning() -> None:
    released: List[bool] = []

    def drop_unread() -> None:
        WorkflowStream([sse(FINAL)], what="wf", release=released.append)

    with pytest.warns(ResourceWarning, match="unclosed <WorkflowStream wf, not read yet"):
        drop_unread()
    assert released == [False]


def test_no_warning_for_streams_that_were_read_or_closed_or_had_no_body() -> None:
    read, _ = open_stream(sse(FINAL))
    list(read)
    closed, _ = open_stream(sse(FINAL))
    closed.close()
    result = WorkflowExecutionResult(success=True)
    answered = WorkflowStream(None, what="wf", prefilled=[result_event(result, {})])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        del read, closed, answered
        gc.collect()


def test_repr_says_how_to_consume_the_stream() -> None:
    stream, _ = open_stream(sse(chunk("a"), FINAL))
    assert repr(stream) == (
        "<WorkflowStream stream_workflow('wf'), not read yet: iterate it "
        "(for event in stream: ...), or call .iter_text() or .final_result()>"
    )
    assert str(stream) == repr(stream)
    events = iter(stream)
    next(events)
    assert repr(stream).endswith("reading, 1 events so far>")
    list(events)
    assert repr(stream).endswith("done, success=True; the result is in .result>")
    early, _ = open_stream(sse(chunk("a"), FINAL))
    early.close()
    assert repr(early).endswith("closed after 0 events, before its end>")


# ----------------------------------------------------------------------------- result and text


def test_result_carries_the_claimed_execution_id_unless_the_server_said() -> None:
    stream, _ = open_stream(sse(FINAL), execution_id="run-1")
    assert stream.final_result().execution_id == "run-1"
    server_said = {"event": "final", "data": {"success": True, "executionId": "srv-9"}}
    stream, _ = open_stream(sse(server_said), execution_id="run-1")
    assert stream.final_result().execution_id == "srv-9"
    failed = WorkflowExecutionResult(success=False, error="boom")
    answered = WorkflowStream(
        None, what="wf", prefilled=[result_event(failed, None)], execution_id="run-2"
    )
    assert answered.final_result().execution_id == "run-2"


def test_text_beyond_the_cap_is_not_kept_and_says_so() -> None:
    body = sse(chunk("abcd"), chunk("efgh", "b2"), chunk("ijkl"), FINAL)
    stream, _ = open_stream(body, max_text_chars=6)
    events = list(stream)
    assert [e.chunk for e in events if e.chunk] == ["abcd", "efgh", "ijkl"]  # all delivered
    assert stream.text_truncated is True
    assert stream.block_texts == {"b1": "abcd", "b2": "ef"}
    result = stream.final_result()
    assert result.text_truncated is True
    assert result.output == {"b1": {"content": "abcd"}, "b2": {"content": "ef"}}


def test_text_within_the_cap_is_not_flagged_and_none_means_no_cap() -> None:
    body = sse(chunk("x" * 1000), FINAL)
    capped, _ = open_stream(body, max_text_chars=1000)
    assert capped.final_result().text_truncated is False
    unlimited, _ = open_stream(body, max_text_chars=None)
    assert unlimited.final_result().output == {"b1": {"content": "x" * 1000}}
    assert unlimited.text_truncated is False


def test_collect_text_false_keeps_no_text() -> None:
    stream, _ = open_stream(sse(chunk("a"), FINAL), collect_text=False)
    assert [e.chunk for e in stream if e.chunk] == ["a"]
    assert (stream.text, stream.block_texts, stream.text_truncated) == ("", {}, False)
    assert stream.final_result().output == {}


def test_iter_sse_passes_the_text_through_without_keeping_it() -> None:
    body = sse(chunk("a" * 100), FINAL)
    stream, _ = open_stream(body)
    assert b"".join(stream.iter_sse()) == body
    assert stream.text == ""
    assert stream.final_result().output == {}


# ----------------------------------------------------------------------------- timeouts rule


def test_idle_timeout_rule() -> None:
    assert stream_idle_timeout(DEFAULT_IDLE, None) == DEFAULT_IDLE_TIMEOUT == 300.0
    assert stream_idle_timeout(DEFAULT_IDLE, 2.0) == 2.0  # an explicit timeout bounds every wait
    assert stream_idle_timeout(30.0, 2.0) == 30.0  # an explicit idle_timeout wins
    assert stream_idle_timeout(None, 2.0) is None
    assert repr(DEFAULT_IDLE) == "DEFAULT_IDLE"


# ----------------------------------------------------------------------------- the docs' example


def test_official_streaming_example_verbatim_explains_the_stream(
    capsys: pytest.CaptureFixture[str],
) -> None:
    client = make_client()

    def execute_with_streaming() -> None:
        """Execute workflow with streaming enabled."""
        try:
            # Enable streaming for specific block outputs
            result = client.execute_workflow(
                WF,
                input_data={"message": "Count to five"},
                stream=True,
                selected_outputs=["agent1.content"],  # Use blockName.attribute format
            )

            print("Workflow result:", result)
        except Exception as error:
            print("Error:", error)

    with responses.RequestsMock() as rsps:
        rsps.add(responses.POST, EXECUTE_URL, body=sse(chunk("One"), FINAL),
                 content_type="text/event-stream")  # fmt: skip
        with pytest.warns(ResourceWarning, match="unclosed"):  # the stream was never read
            execute_with_streaming()
    out = capsys.readouterr().out
    assert out.startswith(f"Workflow result: <WorkflowStream stream_workflow('{WF}'), not read")
    assert "iterate it" in out
    assert ".final_result()" in out
    assert KEY not in out
    client.close()

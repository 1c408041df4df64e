"""Rule-by-rule tests of simstudio.sse against the WHATWG event stream interpretation."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from typing import Any, Dict, List, Optional, Sequence

import pytest

from simstudio import sse
from simstudio.sse import ServerSentEvent, SSEDecodeError, SSEDecoder, encode_event, iter_events

E = ServerSentEvent
BOM = b"\xef\xbb\xbf"


def feed_all(chunks: Sequence[bytes], max_event_size: Optional[int] = None) -> List[E]:
    decoder = SSEDecoder(max_event_size)
    events: List[E] = []
    for chunk in chunks:
        events.extend(decoder.feed(chunk))
    events.extend(decoder.close())
    return events


def one_byte_chunks(stream: bytes) -> List[bytes]:
    return [stream[i : i + 1] for i in range(len(stream))]


# (id, chunks, expected events). Every case is also checked fed whole and one byte at a time.
CASES = [
    # --- event type ---
    ("event-absent-is-none", [b"data: x\n\n"], [E(None, "x")]),
    ("event-empty-is-none", [b"event:\ndata: x\n\n"], [E(None, "x")]),
    ("event-empty-after-value", [b"event: a\nevent:\ndata: x\n\n"], [E(None, "x")]),
    ("event-explicit-message", [b"event: message\ndata: x\n\n"], [E("message", "x")]),
    ("event-last-wins", [b"event: a\nevent: b\ndata: x\n\n"], [E("b", "x")]),
    ("event-not-carried", [b"event: a\ndata: 1\n\ndata: 2\n\n"], [E("a", "1"), E(None, "2")]),
    ("event-reset-by-no-data-block", [b"event: a\n\ndata: x\n\n"], [E(None, "x")]),
    ("event-keeps-extra-spaces", [b"event:  a b \ndata: x\n\n"], [E(" a b ", "x")]),
    # --- data ---
    ("data-joined-by-lf", [b"data: a\ndata: b\ndata: c\n\n"], [E(None, "a\nb\nc")]),
    ("data-one-trailing-lf-removed", [b"data: a\ndata:\n\n"], [E(None, "a\n")]),
    ("data-two-empty-lines", [b"data\ndata\n\n"], [E(None, "\n")]),
    ("data-empty-value-dispatches", [b"data:\n\n"], [E(None, "")]),
    ("data-bare-field-dispatches", [b"data\n\n"], [E(None, "")]),
    ("data-value-keeps-colons", [b"data: a:b: c\n\n"], [E(None, "a:b: c")]),
    ("data-keeps-nul", [b"data: a\x00b\n\n"], [E(None, "a\x00b")]),
    ("data-keeps-trailing-space", [b"data: a \n\n"], [E(None, "a ")]),
    ("data-fields-interleaved", [b"data: a\nevent: t\ndata: b\n\n"], [E("t", "a\nb")]),
    # --- id ---
    ("id-none-until-seen", [b"data: a\n\n"], [E(None, "a", None)]),
    ("id-persists", [b"id: 1\ndata: a\n\ndata: b\n\n"], [E(None, "a", "1"), E(None, "b", "1")]),
    (
        "id-empty-resets",
        [b"id: 1\ndata: a\n\nid:\ndata: b\n\n"],
        [E(None, "a", "1"), E(None, "b", "")],
    ),
    (
        "id-bare-field-resets",
        [b"id: 1\ndata: a\n\nid\ndata: b\n\n"],
        [E(None, "a", "1"), E(None, "b", "")],
    ),
    (
        "id-with-nul-ignored",
        [b"id: 1\ndata: a\n\nid: 2\x003\ndata: b\n\n"],
        [E(None, "a", "1"), E(None, "b", "1")],
    ),
    ("id-only-nul-stays-none", [b"id: \x00\ndata: a\n\n"], [E(None, "a", None)]),
    ("id-last-in-block-wins", [b"id: 1\ndata: a\nid: 2\n\n"], [E(None, "a", "2")]),
    ("id-from-no-data-block", [b"id: 7\n\ndata: a\n\n"], [E(None, "a", "7")]),
    (
        "id-in-unterminated-block-kept",
        [b"data: a\n\nid: 9\n", b"\ndata: b\n\n"],
        [E(None, "a"), E(None, "b", "9")],
    ),
    ("id-keeps-extra-space", [b"id:  7\ndata: a\n\n"], [E(None, "a", " 7")]),
    # --- retry ---
    ("retry-digits", [b"retry: 1500\ndata: a\n\n"], [E(None, "a", None, 1500)]),
    ("retry-zero", [b"retry: 0\ndata: a\n\n"], [E(None, "a", None, 0)]),
    ("retry-leading-zeros", [b"retry: 007\ndata: a\n\n"], [E(None, "a", None, 7)]),
    (
        "retry-huge-kept-exactly",
        [b"retry: " + b"9" * 5000 + b"\ndata: a\n\n"],
        [E(None, "a", None, 10**5000 - 1)],
    ),
    ("retry-decimal-ignored", [b"retry: 1.5\ndata: a\n\n"], [E(None, "a")]),
    ("retry-negative-ignored", [b"retry: -1\ndata: a\n\n"], [E(None, "a")]),
    ("retry-plus-ignored", [b"retry: +1\ndata: a\n\n"], [E(None, "a")]),
    ("retry-underscore-ignored", [b"retry: 1_000\ndata: a\n\n"], [E(None, "a")]),
    ("retry-extra-space-ignored", [b"retry:  10\ndata: a\n\n"], [E(None, "a")]),
    ("retry-trailing-space-ignored", [b"retry: 10 \ndata: a\n\n"], [E(None, "a")]),
    ("retry-arabic-digits-ignored", ["retry: \u0661\u0662\ndata: a\n\n".encode()], [E(None, "a")]),
    ("retry-superscript-ignored", ["retry: \u00b2\ndata: a\n\n".encode()], [E(None, "a")]),
    ("retry-fullwidth-ignored", ["retry: \uff11\ndata: a\n\n".encode()], [E(None, "a")]),
    ("retry-empty-ignored", [b"retry: 5\nretry:\ndata: a\n\n"], [E(None, "a", None, 5)]),
    ("retry-invalid-keeps-earlier", [b"retry: 5\nretry: x\ndata: a\n\n"], [E(None, "a", None, 5)]),
    (
        "retry-last-valid-wins",
        [b"retry: 5\nretry: x\nretry: 6\ndata: a\n\n"],
        [E(None, "a", None, 6)],
    ),
    (
        "retry-not-carried",
        [b"retry: 5\ndata: a\n\ndata: b\n\n"],
        [E(None, "a", None, 5), E(None, "b")],
    ),
    ("retry-not-carried-from-no-data-block", [b"retry: 5\n\ndata: b\n\n"], [E(None, "b")]),
    # --- dispatch ---
    ("no-data-block-dispatches-nothing", [b"event: a\nid: 1\nretry: 5\n\n"], []),
    ("comment-only-block", [b": hi\n\n"], []),
    ("blank-lines-only", [b"\n\n\n\r\n\r"], []),
    ("eof-discards-unterminated-event", [b"data: a\n"], []),
    ("eof-discards-partial-line", [b"data: a"], []),
    ("eof-keeps-earlier-events", [b"data: a\n\ndata: b\n"], [E(None, "a")]),
    ("eof-discards-lone-bom-prefix", [b"\xef\xbb"], []),
    # --- line ends ---
    ("crlf", [b"data: a\r\ndata: b\r\n\r\n"], [E(None, "a\nb")]),
    ("cr-only", [b"data: a\rdata: b\r\r"], [E(None, "a\nb")]),
    ("cr-at-end-of-stream-is-line-end", [b"data: a\n\r"], [E(None, "a")]),
    ("cr-cr-at-end", [b"data: a\r\r"], [E(None, "a")]),
    ("lf-cr-is-two-line-ends", [b"data: a\n\rdata: b\n\n"], [E(None, "a"), E(None, "b")]),
    ("cr-cr-lf-is-two-line-ends", [b"data: a\r\r\ndata: b\n\n"], [E(None, "a"), E(None, "b")]),
    ("crlf-split-across-feeds", [b"data: a\r", b"\ndata: b\r\n\r\n"], [E(None, "a\nb")]),
    ("crlf-split-then-blank", [b"data: a\r", b"\n\r", b"\n"], [E(None, "a")]),
    ("cr-feed-then-cr-feed", [b"data: a\r", b"\r"], [E(None, "a")]),
    ("cr-then-empty-feed-then-lf", [b"data: a\r", b"", b"\ndata: b\n\n"], [E(None, "a\nb")]),
    (
        "unicode-line-separators-are-data",
        [b"data: a\xe2\x80\xa8b\xe2\x80\xa9c\xc2\x85d\x0be\x0cf\x1cg\x1dh\x1ei\n\n"],
        [E(None, "a\u2028b\u2029c\u0085d\x0be\x0cf\x1cg\x1dh\x1ei")],
    ),
    # --- BOM ---
    ("bom-skipped-at-start", [BOM + b"data: a\n\n"], [E(None, "a")]),
    ("bom-split-across-feeds", [b"\xef", b"\xbb", b"\xbfdata: a\n\n"], [E(None, "a")]),
    ("bom-split-two-one", [b"\xef\xbb", b"\xbfdata: a\n\n"], [E(None, "a")]),
    ("second-bom-is-not-skipped", [BOM + BOM + b"data: a\n\n"], []),
    ("bom-in-value-is-data", [BOM + b"data: " + BOM + b"a\n\n"], [E(None, "\ufeffa")]),
    ("bom-after-first-line-not-skipped", [b"\n" + BOM + b"data: a\n\n"], []),
    (
        "bom-at-start-of-later-feed-not-skipped",
        [b"data: a\n\n", BOM + b"data: b\n\n"],
        [E(None, "a")],
    ),
    ("bom-prefix-then-other-bytes", [b"\xef\xbb", b"data: a\n\n"], []),
    ("partial-bom-then-data", [b"\xefdata: a\n\ndata: b\n\n"], [E(None, "b")]),
    # --- UTF-8 ---
    ("invalid-utf8-replaced", [b"data: \xff\xfe\n\n"], [E(None, "\ufffd\ufffd")]),
    ("truncated-utf8-one-replacement", [b"data: \xe2\x82\n\n"], [E(None, "\ufffd")]),
    ("truncated-utf8-before-cr", [b"data: \xe2\x82\rdata: b\r\r"], [E(None, "\ufffd\nb")]),
    ("surrogate-bytes-replaced", [b"data: \xed\xa0\x80\n\n"], [E(None, "\ufffd\ufffd\ufffd")]),
    (
        "invalid-utf8-in-event-and-id",
        [b"event: \xff\nid: \xc0\ndata: a\n\n"],
        [E("\ufffd", "a", "\ufffd")],
    ),
    ("invalid-utf8-in-field-name", [b"dat\xe1: a\ndata: b\n\n"], [E(None, "b")]),
    ("multibyte-split-across-feeds", [b"data: \xe2", b"\x82", b"\xac\n\n"], [E(None, "\u20ac")]),
    ("four-byte-char-split", [b"data: \xf0\x9f", b"\x98\x80\n", b"\n"], [E(None, "\U0001f600")]),
    # --- fields ---
    ("comments-ignored", [b": hello\ndata: a\n: world\n:\n\n"], [E(None, "a")]),
    ("comment-that-looks-like-data", [b":data: a\ndata: b\n\n"], [E(None, "b")]),
    ("one-space-stripped", [b"data:  a\n\n"], [E(None, " a")]),
    ("no-space-after-colon", [b"data:a\n\n"], [E(None, "a")]),
    ("tab-not-stripped", [b"data:\ta\n\n"], [E(None, "\ta")]),
    ("unknown-fields-ignored", [b"foo: bar\ndata: a\nDATA: b\nData: c\n\n"], [E(None, "a")]),
    ("field-name-with-space-unknown", [b"data : a\n data: b\ndata: c\n\n"], [E(None, "c")]),
    ("field-name-prefix-unknown", [b"datax: a\nid2: 5\ndata: b\n\n"], [E(None, "b")]),
    ("bare-event-field", [b"event\ndata: a\n\n"], [E(None, "a")]),
    ("bare-retry-field", [b"retry\ndata: a\n\n"], [E(None, "a")]),
    ("bare-unknown-field", [b"foo\ndata: a\n\n"], [E(None, "a")]),
    # --- mixed shapes (bulk path and line path must agree) ---
    (
        "bulk-then-other-fields",
        [b"data: a\n\ndata: b\n\nevent: t\ndata: c\n\ndata: d\n\n"],
        [E(None, "a"), E(None, "b"), E("t", "c"), E(None, "d")],
    ),
    ("bulk-with-comment-between", [b"data: a\n\n: c\n\ndata: b\n\n"], [E(None, "a"), E(None, "b")]),
    ("bulk-with-extra-blank", [b"data: a\n\n\ndata: b\n\n"], [E(None, "a"), E(None, "b")]),
    ("bulk-with-multiline", [b"data: a\n\ndata: b\ndata: c\n\n"], [E(None, "a"), E(None, "b\nc")]),
    (
        "bulk-after-id-in-block",
        [b"id: 4\n", b"data: a\n\ndata: b\n\n"],
        [E(None, "a", "4"), E(None, "b", "4")],
    ),
    ("bulk-after-open-block", [b"data: a\n", b"\ndata: b\n\n"], [E(None, "a"), E(None, "b")]),
    (
        "open-block-continued",
        [b"event: t\n", b"data: a\n\ndata: b\n\n"],
        [E("t", "a"), E(None, "b")],
    ),
]


@pytest.mark.parametrize(("chunks", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_rules(chunks: List[bytes], expected: List[E]) -> None:
    assert feed_all(chunks) == expected
    stream = b"".join(chunks)
    assert feed_all([stream]) == expected
    assert feed_all(one_byte_chunks(stream)) == expected


def test_case_ids_are_unique() -> None:
    ids = [c[0] for c in CASES]
    assert len(ids) == len(set(ids))


def test_events_are_dispatched_as_soon_as_complete() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: a\n") == []
    assert decoder.feed(b"\n") == [E(None, "a")]
    # A CR ends its line immediately: no need to wait for a possible LF.
    assert decoder.feed(b"data: b\r") == []
    assert decoder.feed(b"\r") == [E(None, "b")]
    assert decoder.feed(b"\n") == []  # the LF of that CRLF, not another blank line
    assert decoder.close() == []


def test_last_event_id_updates_only_at_blank_line() -> None:
    decoder = SSEDecoder()
    assert decoder.last_event_id is None
    decoder.feed(b"id: 1\n")
    assert decoder.last_event_id is None
    decoder.feed(b"\n")  # no data, but the blank line still commits the id
    assert decoder.last_event_id == "1"
    decoder.feed(b"id: 2\ndata: x\n")
    assert decoder.last_event_id == "1"
    decoder.close()  # unterminated block: "2" never took effect
    assert decoder.last_event_id == "1"


def test_last_retry_is_stream_wide() -> None:
    decoder = SSEDecoder()
    assert decoder.last_retry is None
    events = decoder.feed(b"retry: 10\ndata: a\n\nretry: x\ndata: b\n\nretry: 20\n")
    assert [e.retry for e in events] == [10, None]
    assert decoder.last_retry == 20  # the reconnection time changes when the field is read


def test_close_is_idempotent_and_feed_after_close_raises() -> None:
    decoder = SSEDecoder()
    decoder.feed(b"data: a\n")
    was_closed = decoder.closed
    assert not was_closed
    assert decoder.close() == []
    assert decoder.close() == []
    assert decoder.closed
    with pytest.raises(ValueError, match="closed"):
        decoder.feed(b"\n")


def test_empty_feed_is_a_no_op() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"") == []
    assert decoder.feed(BOM + b"data: a\n\n") == [E(None, "a")]


def test_feed_accepts_bytes_like() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(bytearray(b"data: a\n")) == []  # type: ignore[arg-type]
    assert decoder.feed(memoryview(b"\n")) == [E(None, "a")]  # type: ignore[arg-type]


def test_iter_events() -> None:
    chunks = iter([b"data: a\r", b"\n\r\ndata: b\n\ndata: c\n"])
    assert list(iter_events(chunks)) == [E(None, "a"), E(None, "b")]


def test_iter_events_max_event_size() -> None:
    with pytest.raises(SSEDecodeError):
        list(iter_events([b"data: " + b"x" * 100], max_event_size=10))


# --- max_event_size ---

MAX_SIZE_CASES = [
    ("data-total-over-cap", 10, b"data: 123456\ndata: 123456\n\n", True),
    ("single-line-over-cap", 10, b"data: 12345678901\n\n", True),
    ("partial-line-over-cap", 10, b"data: 12345678901", True),
    ("long-comment-line-over-cap", 10, b": 12345678901234\n\n", True),
    ("line-exactly-cap", 10, b"data: 1234\n\n", False),
    ("data-plus-line-within-cap", 10, b"data:12\ndata:12\n\n", False),
    ("data-plus-line-over-cap", 10, b"data:1234\ndata:12\n\n", True),
    ("many-small-events-under-cap", 12, b"data: abc\n\n" * 500, False),
    ("data-over-cap-in-bulk-run", 12, b"data: abc\n\n" * 50 + b"data: 123456789\n\n", True),
]


@pytest.mark.parametrize(
    ("cap", "stream", "raises"), [c[1:] for c in MAX_SIZE_CASES], ids=[c[0] for c in MAX_SIZE_CASES]
)
def test_max_event_size(cap: int, stream: bytes, raises: bool) -> None:
    for chunks in ([stream], one_byte_chunks(stream)):
        if raises:
            with pytest.raises(SSEDecodeError, match="max_event_size"):
                feed_all(chunks, cap)
        else:
            feed_all(chunks, cap)


def test_max_event_size_error_details() -> None:
    decoder = SSEDecoder(max_event_size=20)
    with pytest.raises(SSEDecodeError) as info:
        decoder.feed(b"data: a\n\ndata: b\n\ndata: " + b"x" * 30 + b"\n\n")
    assert not isinstance(info.value, ValueError)
    assert info.value.events == [E(None, "a"), E(None, "b")]
    assert "20" in str(info.value)
    assert decoder.closed
    with pytest.raises(ValueError, match="closed"):
        decoder.feed(b"data: c\n\n")


@pytest.mark.parametrize("bad", [0, -1, True, 1.5, "10"])
def test_max_event_size_validated(bad: object) -> None:
    with pytest.raises(ValueError, match="max_event_size"):
        SSEDecoder(bad)  # type: ignore[arg-type]


# --- ServerSentEvent and encoding ---

ROUND_TRIP = [
    ("plain", E(None, "hello")),
    ("empty-data", E(None, "")),
    ("only-lf", E(None, "\n")),
    ("trailing-lf", E(None, "a\n")),
    ("leading-space", E(" t", " a", " i")),
    ("multiline", E("update", "a\nb\n\nc", "42", 3000)),
    ("empty-id", E(None, "x", "")),
    ("retry-zero", E(None, "x", None, 0)),
    ("huge-retry", E(None, "x", None, 10**6000 + 7)),
    ("colons", E("a:b", "c: d", "e:f")),
    ("unicode", E("\u00e9v\u00e9nement", "\u20ac \U0001f600 \u2028 \x85", "\u4f60\u597d")),
    ("bom-in-data", E(None, "\ufeffdata: x")),
    ("nul-in-data-and-event", E("a\x00", "b\x00")),
    ("looks-like-fields", E(None, "event: x\nid: 1\n: comment\nretry: 5")),
]


@pytest.mark.parametrize("event", [c[1] for c in ROUND_TRIP], ids=[c[0] for c in ROUND_TRIP])
def test_encode_round_trip(event: E) -> None:
    wire = event.encode()
    assert wire.endswith(b"\n\n")
    assert feed_all([wire]) == [event]
    assert feed_all(one_byte_chunks(wire)) == [event]


def test_encode_layout() -> None:
    assert E("t", "a\nb", "1", 5).encode() == b"event: t\nid: 1\nretry: 5\ndata: a\ndata: b\n\n"
    assert encode_event("x") == b"data: x\n\n"
    assert encode_event("x", event="") == b"data: x\n\n"
    assert encode_event("x", id="") == b"id: \ndata: x\n\n"


def test_encode_normalises_cr_and_crlf_to_lf() -> None:
    assert encode_event("a\rb\r\nc") == b"data: a\ndata: b\ndata: c\n\n"
    assert feed_all([encode_event("a\rb\r\nc\r")]) == [E(None, "a\nb\nc\n")]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"event": "a\nb"},
        {"event": "a\rb"},
        {"id": "1\n"},
        {"id": "\r"},
        {"id": "a\x00"},
        {"retry": -1},
        {"retry": True},
        {"retry": 1.5},
    ],
    ids=[
        "event-lf",
        "event-cr",
        "id-lf",
        "id-cr",
        "id-nul",
        "retry-negative",
        "retry-bool",
        "retry-float",
    ],
)
def test_encode_rejects_unrepresentable(kwargs: Dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        encode_event("x", **kwargs)


def test_encode_rejects_lone_surrogate() -> None:
    with pytest.raises(ValueError):
        encode_event("\ud800")


def test_event_is_frozen_hashable_and_picklable() -> None:
    decoded = feed_all([b"id: 1\nevent: t\nretry: 5\ndata: a\n\ndata: b\n\n"])
    assert all(type(e) is ServerSentEvent for e in decoded)
    for event in [*decoded, E("t", "a", "1", 5)]:
        with pytest.raises(dataclasses.FrozenInstanceError):
            event.data = "changed"  # type: ignore[misc]
        assert pickle.loads(pickle.dumps(event)) == event
        assert copy.deepcopy(event) == event
        assert dataclasses.replace(event, data="z").data == "z"
        assert hash(event) == hash(E(event.event, event.data, event.id, event.retry))
    assert not hasattr(decoded[0], "__dict__")
    assert E() == E(None, "", None, None)
    assert repr(E(data="a")) == "ServerSentEvent(event=None, data='a', id=None, retry=None)"
    assert [f.name for f in dataclasses.fields(E)] == ["event", "data", "id", "retry"]


def test_internal_builders_match_the_public_constructor() -> None:
    built = sse._make_event("t", "d", "i", 3)
    assert type(built) is ServerSentEvent
    assert built == E("t", "d", "i", 3)
    bulk = sse._data_events(["a", "", "c"], "i")
    assert [type(ev) for ev in bulk] == [ServerSentEvent] * 3
    assert bulk == [E(None, "a", "i"), E(None, "", "i"), E(None, "c", "i")]
    assert sse._data_events([], None) == []


def test_decode_error_is_plain_exception() -> None:
    assert issubclass(SSEDecodeError, Exception)
    assert not issubclass(SSEDecodeError, ValueError)
    assert SSEDecodeError("boom").events == []


def test_public_names() -> None:
    import simstudio.sse as module

    assert sorted(module.__all__) == sorted(
        ["SSEDecoder", "ServerSentEvent", "SSEDecodeError", "encode_event", "iter_events"]
    )
    for name in module.__all__:
        assert getattr(module, name).__doc__

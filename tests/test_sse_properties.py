"""Property tests of simstudio.sse: chunking invariance, robustness, round trips, spec reference."""

from __future__ import annotations

from typing import List, Optional, Sequence, Tuple

from hypothesis import given, settings
from hypothesis import strategies as st

from simstudio.sse import ServerSentEvent, SSEDecodeError, SSEDecoder, encode_event

SETTINGS = settings(max_examples=300, deadline=None)

# Pieces that exercise every rule: field names, separators, all line ends, NUL, BOM, valid,
# truncated and invalid UTF-8, Unicode line separators that must not end lines, digits.
TOKENS = [
    b"\r",
    b"\n",
    b"\r\n",
    b"\n\n",
    b":",
    b" ",
    b"data",
    b"data: ",
    b"id",
    b"event",
    b"retry",
    b"message",
    b"x",
    b"1",
    b"23",
    b"\x00",
    b"\xef\xbb\xbf",
    b"\xef\xbb",
    b"\xe2\x82\xac",
    b"\xe2\x82",
    b"\xf0\x9f\x98\x80",
    b"\xff",
    b"\xc3",
    b"\xe2\x80\xa8",
    b"\xc2\x85",
    b"\x0b\x0c",
]

VALUE_TOKENS = [
    b"x",
    b"1",
    b"23",
    b"0",
    b" ",
    b"+",
    b"-",
    b"_",
    b".",
    b":",
    b"message",
    b"\x00",
    b"\xef\xbb\xbf",
    b"\xe2\x82\xac",
    b"\xe2\x82",
    b"\xff",
    b"\xe2\x80\xa8",
    b"\xc2\x85",
    b"\x0b",
    "\u0661".encode(),
]
LINE_ENDS = [b"\n", b"\r", b"\r\n"]

# Values that a sloppy decoder gets wrong (int() accepts " 1", "+1", "1_0", "\u0661"...).
TRICKY_VALUES = [
    b"1",
    b"007",
    b" 1",
    b"1 ",
    b"+1",
    b"-1",
    b"1_0",
    b"1.5",
    b"",
    b"\x00",
    b"1\x00",
    "\u0661".encode(),
    "\u00b2".encode(),
]
FIELD_NAMES = [b"data", b"data", b"id", b"id", b"event", b"retry", b"retry", b"foo", b""]
FIELD_NAMES += [b"dat", b"data ", b"\xef\xbb\xbf", b"Data"]

field_lines = st.builds(
    lambda name, sep, value, end: name + sep + value + end,
    st.sampled_from(FIELD_NAMES),
    st.sampled_from([b":", b": ", b":  ", b""]),
    st.sampled_from(TRICKY_VALUES)
    | st.lists(st.sampled_from(VALUE_TOKENS), max_size=5).map(b"".join),
    st.sampled_from(LINE_ENDS),
)
# Streams as lists of pieces, so tests can also feed piece by piece (cutting at every token
# boundary: before each BOM, between CR and LF, inside UTF-8 sequences split into tokens).
token_pieces = st.lists(st.sampled_from(TOKENS), max_size=80)
line_pieces = st.lists(
    st.one_of(field_lines, field_lines, st.sampled_from(LINE_ENDS), st.sampled_from(TOKENS)),
    max_size=30,
)
sim_pieces = st.lists(
    st.builds(lambda v: b"data: " + v + b"\n\n", st.sampled_from([b"a", b"", b"\xe2\x82\xac"]))
    | field_lines
    | st.sampled_from([b"\n", b": ping\n\n", b"id: 7\n", b"retry: 10\n", b"\xef\xbb\xbf"]),
    max_size=30,
)
# Blocks of field lines each closed by a blank line, so most of them dispatch an event.
block_pieces = st.lists(
    st.builds(
        lambda lines, end: [*lines, end],
        st.lists(field_lines, max_size=4),
        st.sampled_from(LINE_ENDS),
    ),
    max_size=8,
).map(lambda blocks: [piece for block in blocks for piece in block])
any_pieces = st.one_of(
    block_pieces,
    block_pieces,
    token_pieces,
    line_pieces,
    sim_pieces,
    st.binary(max_size=300).map(lambda b: [b]),
)


Decoded = Tuple[List[ServerSentEvent], Optional[str], Optional[int]]


def reference_decode(stream: bytes) -> Decoded:
    """Obviously-correct transcription of the spec: whole-stream decode, char-by-char lines."""
    if stream.startswith(b"\xef\xbb\xbf"):
        stream = stream[3:]
    text = stream.decode("utf-8", "replace")
    lines = []
    current = ""
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\r":
            lines.append(current)
            current = ""
            if i + 1 < len(text) and text[i + 1] == "\n":
                i += 1
        elif char == "\n":
            lines.append(current)
            current = ""
        else:
            current += char
        i += 1
    # `current` is an unterminated last line: discarded at end of stream.

    events = []
    data_buffer = ""
    event_type = ""
    id_buffer: Optional[str] = None
    last_event_id: Optional[str] = None
    retry: Optional[int] = None
    reconnection_time: Optional[int] = None
    for line in lines:
        if line == "":
            last_event_id = id_buffer
            if data_buffer == "":
                event_type = ""
                retry = None
                continue
            if data_buffer.endswith("\n"):
                data_buffer = data_buffer[:-1]
            events.append(ServerSentEvent(event_type or None, data_buffer, id_buffer, retry))
            data_buffer = ""
            event_type = ""
            retry = None
            continue
        if line.startswith(":"):
            continue
        if ":" in line:
            field, value = line.split(":", 1)
            if value.startswith(" "):
                value = value[1:]
        else:
            field, value = line, ""
        if field == "event":
            event_type = value
        elif field == "data":
            data_buffer += value + "\n"
        elif field == "id" and "\0" not in value:
            id_buffer = value
        elif field == "retry" and value and all(c in "0123456789" for c in value):
            retry = reconnection_time = int(value)
    return events, last_event_id, reconnection_time


def decode_chunks(chunks: Sequence[bytes]) -> Decoded:
    decoder = SSEDecoder()
    events: List[ServerSentEvent] = []
    for chunk in chunks:
        events.extend(decoder.feed(chunk))
    last_event_id = decoder.last_event_id
    events.extend(decoder.close())
    return events, last_event_id, decoder.last_retry


def split_at(stream: bytes, cuts: List[int]) -> List[bytes]:
    points = sorted({c % (len(stream) + 1) for c in cuts})
    chunks = []
    start = 0
    for point in points:
        chunks.append(stream[start:point])
        start = point
    chunks.append(stream[start:])
    return chunks


@SETTINGS
@given(pieces=any_pieces, cuts=st.lists(st.integers(min_value=0), max_size=20))
def test_matches_reference_for_any_chunking(pieces: List[bytes], cuts: List[int]) -> None:
    stream = b"".join(pieces)
    expected = reference_decode(stream)
    assert decode_chunks([stream]) == expected
    assert decode_chunks(pieces) == expected
    assert decode_chunks(split_at(stream, cuts)) == expected
    # Terminate whatever is pending and dispatch one more event, revealing the id buffer.
    stream += b"\n\ndata\n\n"
    assert decode_chunks(split_at(stream, cuts)) == reference_decode(stream)


@SETTINGS
@given(pieces=any_pieces)
def test_one_byte_chunks_and_crlf_splits(pieces: List[bytes]) -> None:
    stream = b"".join(pieces)
    whole = decode_chunks([stream])
    assert decode_chunks([stream[i : i + 1] for i in range(len(stream))]) == whole
    # Cut right after every CR, i.e. inside every CRLF.
    assert (
        decode_chunks(
            [part + b"\r" for part in stream.split(b"\r")[:-1]] + [stream.split(b"\r")[-1]]
        )
        == whole
    )


@SETTINGS
@given(stream=st.binary(max_size=2000), cuts=st.lists(st.integers(min_value=0), max_size=10))
def test_random_bytes_never_raise(stream: bytes, cuts: List[int]) -> None:
    decoder = SSEDecoder()
    for chunk in split_at(stream, cuts):
        for event in decoder.feed(chunk):
            assert isinstance(event.data, str)
    assert decoder.close() == []


@SETTINGS
@given(pieces=any_pieces, cap=st.integers(min_value=1, max_value=40))
def test_max_event_size_does_not_depend_on_chunking(pieces: List[bytes], cap: int) -> None:
    stream = b"".join(pieces)

    def run(chunks: Sequence[bytes]) -> Tuple[List[ServerSentEvent], bool]:
        decoder = SSEDecoder(max_event_size=cap)
        events: List[ServerSentEvent] = []
        try:
            for chunk in chunks:
                events.extend(decoder.feed(chunk))
        except SSEDecodeError as exc:
            return events + exc.events, True
        return events, False

    whole = run([stream])
    assert run(pieces) == whole
    assert run([stream[i : i + 1] for i in range(len(stream))]) == whole
    if not whole[1]:
        assert whole[0] == reference_decode(stream)[0]


text = st.text(st.characters().filter(lambda c: not "\ud800" <= c <= "\udfff"), max_size=40)
line_text = text.filter(lambda s: "\r" not in s and "\n" not in s)
events = st.builds(
    ServerSentEvent,
    event=st.none() | line_text.filter(bool),
    data=text.filter(lambda s: "\r" not in s),
    id=st.none() | line_text.filter(lambda s: "\0" not in s),
    retry=st.none() | st.integers(min_value=0, max_value=10**40),
)


@SETTINGS
@given(event=events)
def test_encode_decode_round_trip(event: ServerSentEvent) -> None:
    wire = event.encode()
    assert decode_chunks([wire])[0] == [event]
    assert decode_chunks([wire[i : i + 1] for i in range(len(wire))])[0] == [event]


@SETTINGS
@given(batch=st.lists(events.filter(lambda e: e.id is not None), max_size=8))
def test_encoded_sequence_round_trip(batch: List[ServerSentEvent]) -> None:
    wire = b"".join(e.encode() for e in batch)
    assert decode_chunks([wire])[0] == batch


@SETTINGS
@given(data=text, event=st.none() | line_text)
def test_encode_event_normalises_line_ends(data: str, event: Optional[str]) -> None:
    decoded = decode_chunks([encode_event(data, event=event)])[0]
    assert decoded == [
        ServerSentEvent(event or None, data.replace("\r\n", "\n").replace("\r", "\n"))
    ]

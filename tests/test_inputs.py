"""Request bodies: v1 layout, control-key clashes, file objects -> data URLs, strict JSON, ids."""

from __future__ import annotations

import base64
import io
import json
import math

import pytest
import responses
from _core_helpers import EXEC_SYNC_SUCCESS, EXECUTE_URL, WF, body

from simstudio import InvalidArgumentError
from simstudio._inputs import (
    MAX_BODY_BYTES,
    MAX_FILE_BYTES,
    build_execute_body,
    encode_json,
    path_segment,
)


def decode_data_url(url):
    head, _, payload = url.partition(",")
    assert head.startswith("data:")
    assert head.endswith(";base64")
    return head[5:-7], base64.b64decode(payload)


class LazyFile:
    """A huge binary file that never exists in memory until read(n) is asked for n bytes."""

    def __init__(self, size, name="big.bin"):
        self.size = size
        self.name = name
        self.requested = []

    def read(self, n=-1):
        self.requested.append(n)
        n = self.size if n is None or n < 0 else min(n, self.size)
        return b"\0" * n


# ----------------------------------------------------------------------------- body layout


def test_fields_at_top_level():
    assert build_execute_body({"message": "hi", "n": 1}) == {"message": "hi", "n": 1}


def test_stream_and_selected_outputs_added():
    built = build_execute_body({"message": "hi"}, stream=True, selected_outputs=["agent1.content"])
    assert built == {"message": "hi", "stream": True, "selectedOutputs": ["agent1.content"]}


def test_single_selected_output_string_is_listed():
    assert build_execute_body({}, selected_outputs="agent1.content") == {
        "selectedOutputs": ["agent1.content"]
    }


def test_empty_selected_outputs_omitted():
    assert build_execute_body({}, selected_outputs=[]) == {}


@pytest.mark.parametrize("bad", [[1], [""], ["ok", None], ["  "]])
def test_bad_selected_outputs(bad):
    with pytest.raises(InvalidArgumentError) as info:
        build_execute_body({}, selected_outputs=bad)
    assert info.value.code == "INVALID_INPUT"


def test_input_not_mutated():
    data = {"message": "hi", "nested": {"a": [1]}}
    build_execute_body(data, stream=True, selected_outputs=["a.b"])
    assert data == {"message": "hi", "nested": {"a": [1]}}


@pytest.mark.parametrize("value", ["text", 3, 2.5, [1, 2], True, ["a", {"b": None}]])
def test_non_dict_input_wrapped(value):
    assert build_execute_body(value) == {"input": value}


def test_tuple_input_becomes_list():
    assert build_execute_body((1, 2)) == {"input": [1, 2]}


def test_none_input_is_empty_body():
    assert build_execute_body(None) == {}


def test_user_input_key_passes_through():
    assert build_execute_body({"input": {"a": 1}}) == {"input": {"a": 1}}


@pytest.mark.parametrize(
    "key", ["stream", "selectedOutputs", "triggerType", "isSecureMode", "executionId"]
)
def test_control_key_collision_refused_without_request(rsps, client, key):
    with pytest.raises(InvalidArgumentError) as info:
        client.execute_workflow(WF, {"message": "hi", key: True})
    assert info.value.code == "INVALID_INPUT"
    assert key in str(info.value)
    assert len(rsps.calls) == 0


def test_non_string_keys_refused(rsps, client):
    with pytest.raises(InvalidArgumentError):
        client.execute_workflow(WF, {1: "x"})
    assert len(rsps.calls) == 0


# ----------------------------------------------------------------------------- files


@pytest.mark.parametrize(
    ("name", "mime"),
    [
        ("photo.png", "image/png"),
        ("notes.txt", "text/plain"),
        ("report.pdf", "application/pdf"),
        ("blob.unknownext", "application/octet-stream"),
        ("/tmp/dir/data.json", "application/json"),
    ],
)
def test_file_object_becomes_data_url(name, mime):
    handle = io.BytesIO(b"\x89PNG-bytes")
    handle.name = name
    built = build_execute_body({"files": handle})
    item = built["files"]
    assert item["type"] == "file"
    assert item["name"] == name.rsplit("/", 1)[-1]
    assert item["mime"] == mime
    got_mime, content = decode_data_url(item["data"])
    assert got_mime == mime
    assert content == b"\x89PNG-bytes"


def test_nameless_file_defaults():
    item = build_execute_body({"f": io.BytesIO(b"abc")})["f"]
    assert item["name"] == "file"
    assert item["mime"] == "application/octet-stream"


def test_content_type_attribute_wins():
    handle = io.BytesIO(b"abc")
    handle.name = "x.bin"
    handle.content_type = "image/webp"
    assert build_execute_body({"f": handle})["f"]["mime"] == "image/webp"


def test_files_nested_anywhere(rsps, client):
    png = io.BytesIO(b"png")
    png.name = "a.png"
    txt = io.BytesIO(b"txt")
    txt.name = "b.txt"
    deep = io.BytesIO(b"deep")
    deep.name = "c.csv"
    rsps.add(responses.POST, EXECUTE_URL, body=body(EXEC_SYNC_SUCCESS))
    client.execute_workflow(
        WF, {"files": [png, txt], "meta": {"attachments": ({"doc": deep},)}, "plain": 1}
    )
    sent = json.loads(rsps.calls[0].request.body)
    assert [f["name"] for f in sent["files"]] == ["a.png", "b.txt"]
    assert [f["mime"] for f in sent["files"]] == ["image/png", "text/plain"]
    nested = sent["meta"]["attachments"][0]["doc"]
    assert nested["type"] == "file"
    assert decode_data_url(nested["data"])[1] == b"deep"
    assert sent["plain"] == 1


def test_file_as_whole_input_is_wrapped():
    handle = io.BytesIO(b"abc")
    handle.name = "a.txt"
    built = build_execute_body(handle)
    assert built["input"]["type"] == "file"


def test_text_mode_stringio():
    handle = io.StringIO("h\u00e9llo")
    handle.name = "greeting.txt"
    item = build_execute_body({"f": handle})["f"]
    assert item["mime"] == "text/plain"
    assert decode_data_url(item["data"])[1] == "h\u00e9llo".encode()


def test_text_mode_real_file(tmp_path, rsps, client):
    path = tmp_path / "notes.txt"
    path.write_text("line one\nline \u00fcber two\n", encoding="utf-8")
    rsps.add(responses.POST, EXECUTE_URL, body=body(EXEC_SYNC_SUCCESS))
    with open(path, encoding="utf-8") as handle:
        client.execute_workflow(WF, {"files": [handle]})
    item = json.loads(rsps.calls[0].request.body)["files"][0]
    assert item["name"] == "notes.txt"
    assert item["mime"] == "text/plain"
    assert decode_data_url(item["data"])[1] == "line one\nline \u00fcber two\n".encode()


def test_binary_real_file(tmp_path):
    path = tmp_path / "pic.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n")
    with open(path, "rb") as handle:
        item = build_execute_body({"f": handle})["f"]
    assert item["name"] == "pic.png"
    assert item["mime"] == "image/png"
    assert decode_data_url(item["data"])[1] == b"\x89PNG\r\n\x1a\n"


def test_file_over_20mb_refused_before_request(rsps, client):
    big = LazyFile(MAX_FILE_BYTES + 1)
    with pytest.raises(InvalidArgumentError) as info:
        client.execute_workflow(WF, {"files": [big]})
    assert info.value.code == "FILE_TOO_LARGE"
    assert "big.bin" in str(info.value)
    assert len(rsps.calls) == 0
    # Bounded read: never asks for more than the limit plus one byte.
    assert big.requested == [MAX_FILE_BYTES + 1]


def test_file_at_exactly_20mb_is_not_file_too_large():
    exact = LazyFile(MAX_FILE_BYTES)
    built = build_execute_body({"f": exact})
    assert built["f"]["type"] == "file"
    with pytest.raises(InvalidArgumentError) as info:
        encode_json(built)
    assert info.value.code == "PAYLOAD_TOO_LARGE"


def test_read_returning_non_bytes_refused():
    class Weird:
        name = "w.bin"

        def read(self, n=-1):
            return 42

    with pytest.raises(InvalidArgumentError) as info:
        build_execute_body({"f": Weird()})
    assert info.value.code == "INVALID_INPUT"


# ----------------------------------------------------------------------------- JSON encoding


@pytest.mark.parametrize(
    "data",
    [
        {"x": math.nan},
        {"x": math.inf},
        {"x": [1, -math.inf]},
        {"x": object()},
        {"x": {1, 2}},
        {"x": b"bytes"},
    ],
)
def test_unserialisable_input_refused_before_request(rsps, client, data):
    with pytest.raises(InvalidArgumentError) as info:
        client.execute_workflow(WF, data)
    assert info.value.code == "INVALID_INPUT"
    assert len(rsps.calls) == 0


def test_recursive_input_refused(rsps, client):
    data = {}
    data["self"] = data
    with pytest.raises(InvalidArgumentError) as info:
        client.execute_workflow(WF, data)
    assert info.value.code == "INVALID_INPUT"
    assert len(rsps.calls) == 0


def test_very_deep_input_refused(rsps, client):
    data = current = {}
    for _ in range(5000):
        current["x"] = {}
        current = current["x"]
    with pytest.raises(InvalidArgumentError) as info:
        client.execute_workflow(WF, data)
    assert info.value.code == "INVALID_INPUT"
    assert len(rsps.calls) == 0


def test_unicode_kept_as_utf8():
    assert encode_json({"m": "\u00e9\u6f22\U0001f600"}) == '{"m":"\u00e9\u6f22\U0001f600"}'.encode()


def test_body_over_10mib_refused(rsps, client):
    with pytest.raises(InvalidArgumentError) as info:
        client.execute_workflow(WF, {"blob": "x" * (MAX_BODY_BYTES + 1)})
    assert info.value.code == "PAYLOAD_TOO_LARGE"
    assert len(rsps.calls) == 0


# ----------------------------------------------------------------------------- path segments


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("abc-123_x.y~z", "abc-123_x.y~z"),
        ("a/b", "a%2Fb"),
        ("a?b", "a%3Fb"),
        ("a#b", "a%23b"),
        ("%2F", "%252F"),
        ("../x", "..%2Fx"),
        ("workflow-execution:uuid", "workflow-execution:uuid"),
        ("\u00e9", "%C3%A9"),
        ("a\\b", "a%5Cb"),
        ("a\nb", "a%0Ab"),
    ],
)
def test_path_segment(value, expected):
    assert path_segment(value, "id") == expected
    assert "/" not in path_segment(value, "id")


@pytest.mark.parametrize("value", ["", " ", "..", ".", None, 5, b"abc"])
def test_path_segment_refuses(value):
    with pytest.raises(InvalidArgumentError) as info:
        path_segment(value, "workflow_id")
    assert info.value.code == "INVALID_INPUT"
    assert "workflow_id" in str(info.value)

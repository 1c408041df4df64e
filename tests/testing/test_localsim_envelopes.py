"""Public-API answer shapes and zod-like checks, compared byte for byte with recorded bodies.

The expected bodies were copied from exchanges with a real Sim server (HEAD 0b232eb876,
December 2026); the tests never read the reference files themselves.
"""

from __future__ import annotations

from typing import Any, Dict, Optional

import pytest

from simstudio.testing._envelopes import (
    V1,
    V2,
    ApiError,
    v1_data,
    v1_page,
    v1_success,
    v2_code,
    v2_data,
    v2_list,
    version_of,
)
from simstudio.testing._validation import Checks, reject_unknown


def _raised(checks: Checks) -> ApiError:
    with pytest.raises(ApiError) as caught:
        checks.done()
    assert caught.value.status == 400
    return caught.value


def _wire(error: ApiError, version: Any) -> bytes:
    return error.response(version).body


def test_statuses_map_to_v2_codes() -> None:
    expected = {400: "BAD_REQUEST", 401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND",
                405: "METHOD_NOT_ALLOWED", 409: "CONFLICT", 415: "UNSUPPORTED_MEDIA_TYPE",
                429: "RATE_LIMITED", 500: "INTERNAL_ERROR", 503: "SERVICE_UNAVAILABLE",
                502: "INTERNAL_ERROR"}  # fmt: skip
    assert {status: v2_code(status) for status in expected} == expected


def test_the_version_comes_from_the_path() -> None:
    assert version_of("/api/v2/workspaces") == V2
    assert version_of("/api/v1/knowledge") == V1
    assert version_of("/api/workflows/x/execute") == V1


def test_an_error_in_both_envelopes() -> None:
    missing = ApiError(401, "API key required")
    assert _wire(missing, V1) == b'{"error":"API key required"}'
    assert _wire(missing, V2) == b'{"error":{"code":"UNAUTHORIZED","message":"API key required"}}'
    assert ("WWW-Authenticate", 'SimApiKey realm="Sim API", header="x-api-key"') in (
        missing.response(V2).headers
    )
    assert missing.response(V1).headers == []


def test_an_error_with_a_detail_code() -> None:
    error = ApiError(
        403,
        "Workspace API key cannot perform this operation",
        {"code": "WORKSPACE_KEY_OPERATION_NOT_PERMITTED"},
    )
    assert _wire(error, V2) == (
        b'{"error":{"code":"FORBIDDEN","message":"Workspace API key cannot perform this operation",'
        b'"details":{"code":"WORKSPACE_KEY_OPERATION_NOT_PERMITTED"}}}'
    )
    retry = ApiError(503, "The MCP server could not be reached", headers=[("retry-after", "5")])
    assert retry.response(V2).headers == [("retry-after", "5")]
    assert ApiError(418, "odd", code="TEAPOT").body(V2) == {
        "error": {"code": "TEAPOT", "message": "odd"}
    }


def test_success_envelopes() -> None:
    limits: Dict[str, Any] = {"usage": {"plan": "free"}}
    assert v1_success({"a": 1}).body == b'{"success":true,"data":{"a":1}}'
    assert v1_data({"id": "w"}, limits, 201).status == 201
    assert v1_data({"id": "w"}, limits).body == (
        b'{"data":{"id":"w"},"limits":{"usage":{"plan":"free"}}}'
    )
    assert v2_data({"id": "k"}, 201).body == b'{"data":{"id":"k"}}'
    assert v2_list([1], None).body == b'{"data":[1],"nextCursor":null}'
    assert v2_list([], "c").body == b'{"data":[],"nextCursor":"c"}'


def test_v1_pages_leave_out_the_last_cursor_unless_asked() -> None:
    assert v1_page([1], "c", {}).body == b'{"data":[1],"nextCursor":"c","limits":{}}'
    assert v1_page([1], None, {}).body == b'{"data":[1],"limits":{}}'
    assert v1_page([1], None, {}, null_at_end=True).body == (
        b'{"data":[1],"nextCursor":null,"limits":{}}'
    )


# -- recorded 400 answers --------------------------------------------------------------------


def test_unknown_query_key_v2() -> None:  # kb_v2_list_unknown_param
    checks = Checks({"workspaceId": "w", "foo": "bar"}, strict=True, from_query=True)
    checks.string("workspaceId", required=True)
    assert _wire(_raised(checks), V2) == (
        b'{"error":{"code":"BAD_REQUEST","message":"Unrecognized key: \\"foo\\"","details":'
        b'[{"code":"unrecognized_keys","keys":["foo"],"path":[],"message":"Unrecognized key: '
        b'\\"foo\\""}]}}'
    )


def test_unknown_keys_are_ignored_in_v1_and_listed_together_in_v2() -> None:
    lenient = Checks({"foo": 1}, strict=False)
    lenient.done()
    strict = Checks({"a": 1, "b": 2}, strict=True)
    strict.allow("a")
    strict.allow()
    assert _raised(strict).message == 'Unrecognized key: "b"'
    both = Checks({"a": 1, "b": 2}, strict=True)
    assert _raised(both).details[0]["keys"] == ["a", "b"]
    assert _raised(both).message == 'Unrecognized keys: "a", "b"'
    with pytest.raises(ApiError, match='Unrecognized key: "tag8"'):
        reject_unknown({"workspaceId": "w", "tag8": "x"}, ["workspaceId", "tag1"])
    reject_unknown({"tag1": "x"}, ["tag1"])


@pytest.mark.parametrize(
    ("limit", "wire"),
    [
        ("0", b'{"error":{"code":"BAD_REQUEST","message":"limit must be at least 1","details":'
              b'[{"origin":"number","code":"too_small","minimum":1,"inclusive":true,"path":'
              b'["limit"],"message":"limit must be at least 1"}]}}'),
        ("1000", b'{"error":{"code":"BAD_REQUEST","message":"limit cannot exceed 100","details":'
                 b'[{"origin":"number","code":"too_big","maximum":100,"inclusive":true,"path":'
                 b'["limit"],"message":"limit cannot exceed 100"}]}}'),
    ],
)  # fmt: skip
def test_limit_range_v2(limit: str, wire: bytes) -> None:  # kb_v2_list_limit_0/_big
    checks = Checks({"limit": limit}, strict=True, from_query=True)
    value = checks.integer("limit", default=50, minimum=1, maximum=100,
                           too_small="limit must be at least 1",
                           too_big="limit cannot exceed 100")  # fmt: skip
    assert value == 50
    assert _wire(_raised(checks), V2) == wire


def test_limit_default_message_v1() -> None:  # v1_list_limit_101
    checks = Checks({"limit": "101"}, strict=False, from_query=True)
    checks.integer("limit", default=50, minimum=1, maximum=100)
    assert _wire(_raised(checks), V1) == (
        b'{"error":"Too big: expected number to be <=100","details":[{"origin":"number","code":'
        b'"too_big","maximum":100,"inclusive":true,"path":["limit"],"message":"Too big: expected '
        b'number to be <=100"}]}'
    )


def test_required_string_v1() -> None:  # v1_list_no_workspace
    checks = Checks({}, strict=False, from_query=True)
    value = checks.string(
        "workspaceId", required=True, messages={"invalid_type": "Workspace ID is required"}
    )
    assert value is None
    assert _wire(_raised(checks), V1) == (
        b'{"error":"Workspace ID is required","details":[{"expected":"string","code":'
        b'"invalid_type","path":["workspaceId"],"message":"Workspace ID is required"}]}'
    )


def test_enum_v2() -> None:  # ws_v2_list_bad_sort
    checks = Checks({"sortBy": "bogus"}, strict=True, from_query=True)
    options = ("name", "createdAt", "updatedAt")
    assert checks.choice("sortBy", options, default="createdAt") == "createdAt"
    assert _wire(_raised(checks), V2) == (
        b'{"error":{"code":"BAD_REQUEST","message":"Invalid option: expected one of \\"name\\"|'
        b'\\"createdAt\\"|\\"updatedAt\\"","details":[{"code":"invalid_value","values":["name",'
        b'"createdAt","updatedAt"],"path":["sortBy"],"message":"Invalid option: expected one of '
        b'\\"name\\"|\\"createdAt\\"|\\"updatedAt\\""}]}}'
    )


def test_not_a_number_in_a_query_v2() -> None:  # v2_version_abc
    checks = Checks({"version": "abc"}, strict=True, from_query=True)
    checks.integer("version", minimum=1)
    assert _wire(_raised(checks), V2) == (
        b'{"error":{"code":"BAD_REQUEST","message":"Invalid input: expected number, received '
        b'NaN","details":[{"expected":"number","code":"invalid_type","received":"NaN","path":'
        b'["version"],"message":"Invalid input: expected number, received NaN"}]}}'
    )


def test_wrong_type_in_a_body_v2() -> None:  # doc_v2_patch_bad_number
    checks = Checks({"workspaceId": "w", "number1": "high"}, strict=True)
    checks.allow("workspaceId")
    checks.integer("number1")
    assert _wire(_raised(checks), V2) == (
        b'{"error":{"code":"BAD_REQUEST","message":"Invalid input: expected number, received '
        b'string","details":[{"expected":"number","code":"invalid_type","path":["number1"],'
        b'"message":"Invalid input: expected number, received string"}]}}'
    )


def test_string_lengths() -> None:  # doc_v2_patch_too_long, v1_deploy_bad_body
    long = Checks({"tag1": "x" * 1001}, strict=True)
    long.string("tag1", max_length=1000,
                messages={"too_big": "Tag values cannot exceed 1000 characters"})  # fmt: skip
    assert _wire(_raised(long), V2) == (
        b'{"error":{"code":"BAD_REQUEST","message":"Tag values cannot exceed 1000 characters",'
        b'"details":[{"origin":"string","code":"too_big","maximum":1000,"inclusive":true,"path":'
        b'["tag1"],"message":"Tag values cannot exceed 1000 characters"}]}}'
    )
    empty = Checks({"name": ""}, strict=False)
    empty.string("name", min_length=1, messages={"too_small": "Name cannot be empty"})
    assert _wire(_raised(empty), V1) == (
        b'{"error":"Name cannot be empty","details":[{"origin":"string","code":"too_small",'
        b'"minimum":1,"inclusive":true,"path":["name"],"message":"Name cannot be empty"}]}'
    )
    default = Checks({"name": "x" * 256}, strict=False)
    default.string("name", max_length=255)
    assert _raised(default).message == "Too big: expected string to have <=255 characters"


def test_nested_objects() -> None:  # kb_v1_create_bad_chunking
    checks = Checks({"name": "x", "chunkingConfig": {"maxSize": 50, "extra": 1}}, strict=False)
    checks.string("name", required=True)
    chunking = checks.nested("chunkingConfig")
    assert chunking is not None
    assert chunking.integer("maxSize", default=1024, minimum=100, maximum=4000) == 1024
    assert chunking.integer("overlap", default=200) == 200
    assert _wire(_raised(checks), V1) == (
        b'{"error":"Too small: expected number to be >=100","details":[{"origin":"number","code":'
        b'"too_small","minimum":100,"inclusive":true,"path":["chunkingConfig","maxSize"],'
        b'"message":"Too small: expected number to be >=100"}]}'
    )
    strict = Checks({"config": {"extra": 1}, "other": 2}, strict=True)
    assert strict.nested("config") is not None
    assert strict.nested("missing") is None
    assert [issue["path"] for issue in _raised(strict).details] == [["config"], []]
    wrong = Checks({"config": [1]}, strict=False)
    assert wrong.nested("config") is None
    assert _raised(wrong).message == "Invalid input: expected object, received array"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2.5", "Invalid input: expected int, received number"),
        ("", "Invalid input: expected number, received NaN"),
        ("Infinity", "Invalid input: expected int, received number"),
        (True, "Invalid input: expected number, received boolean"),
    ],
)
def test_integer_edge_cases(value: Any, message: str) -> None:
    checks = Checks({"n": value}, strict=True, from_query=isinstance(value, str))
    assert checks.integer("n", default=7) == 7
    assert _raised(checks).message == message


@pytest.mark.parametrize(
    ("value", "from_query", "expected", "message"),
    [
        ("true", True, True, None),
        ("false", True, False, None),
        (False, False, False, None),
        ("yes", True, None, "Invalid input: expected boolean, received string"),
        (None, False, None, None),
    ],
)
def test_booleans(value: Any, from_query: bool, expected: Any, message: Optional[str]) -> None:
    checks = Checks({} if value is None else {"b": value}, strict=True, from_query=from_query)
    assert checks.boolean("b") is expected
    if message is None:
        checks.done()
    else:
        assert _raised(checks).message == message


def test_every_issue_is_reported_and_the_first_names_the_error() -> None:
    checks = Checks({"limit": "0", "sortBy": "x", "foo": "1"}, strict=True, from_query=True)
    checks.integer("limit", minimum=1)
    checks.choice("sortBy", ("name",))
    checks.string("workspaceId", required=True)
    error = _raised(checks)
    assert [issue["code"] for issue in error.details] == [
        "too_small",
        "invalid_value",
        "invalid_type",
        "unrecognized_keys",
    ]
    assert error.message == "Too small: expected number to be >=1"
    checks.add({"code": "custom", "path": [], "message": "mine"})
    assert [issue["message"] for issue in _raised(checks).details][-2:] == [
        "mine",
        'Unrecognized key: "foo"',
    ]

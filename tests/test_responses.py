"""Reading answers: JSON decoding and error bodies of every server era mapped to SimStudioError."""

from __future__ import annotations

import pytest
from _core_helpers import (
    EXEC_BAD_KEY,
    FAILING_SYNC_500,
    JOBS_UNKNOWN,
    STATUS_UNKNOWN,
    USAGE_BAD_KEY,
    body,
)
from requests.structures import CaseInsensitiveDict

from simstudio import (
    APIStatusError,
    AuthenticationError,
    InvalidRequestError,
    InvalidResponseError,
    NotFoundError,
    RateLimitError,
    RequestTimeoutError,
    ServerError,
    ServiceUnavailableError,
)
from simstudio._responses import Answer, decode_json, error_from_answer, parse_error_body

NOW = 1767225600.0


def answer(status, content, **headers):
    raw = content if isinstance(content, bytes) else body(content)
    hdrs = CaseInsensitiveDict({"content-type": "application/json"})
    hdrs.update({k.replace("_", "-"): v for k, v in headers.items()})
    return Answer(status, hdrs, raw)


# ----------------------------------------------------------------------------- Answer / decode_json


def test_answer_properties():
    a = answer(200, b"{}", x_request_id="abc", content_type="Application/JSON; charset=utf-8")
    assert a.request_id == "abc"
    assert a.content_type == "application/json"
    assert a.json() == {}


@pytest.mark.parametrize("value", [{"a": 1}, [1, 2], "s", 3, None, True])
def test_decode_any_json(value):
    assert decode_json(answer(200, value)) == value


@pytest.mark.parametrize("content", [b"", b"   \n", b"\t"])
def test_decode_empty_body(content):
    with pytest.raises(InvalidResponseError) as info:
        decode_json(answer(200, content, x_request_id="r9"))
    assert "empty" in str(info.value)
    assert info.value.status == 200
    assert info.value.request_id == "r9"


def test_decode_html_body():
    html = b"<!DOCTYPE html><html><body>" + b"x" * 5000 + b"</body></html>"
    with pytest.raises(InvalidResponseError) as info:
        decode_json(answer(200, html, content_type="text/html"))
    assert "HTML" in str(info.value)
    assert "xxxx" not in str(info.value)


def test_decode_garbage_body_excerpt():
    with pytest.raises(InvalidResponseError) as info:
        decode_json(answer(200, b"\xff\xfenot json"))
    assert "not json" in str(info.value)


def test_decode_deeply_nested_json():
    with pytest.raises(InvalidResponseError):
        decode_json(answer(200, b"[" * 100000))


# ----------------------------------------------------------------------------- parse_error_body


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({"error": "Invalid API key"}, ("Invalid API key", None)),
        (
            {"error": "Unauthorized: API key required", "code": "UNAUTHORIZED:_API_KEY_REQUIRED"},
            ("Unauthorized: API key required", "UNAUTHORIZED:_API_KEY_REQUIRED"),
        ),
        ({"error": {"code": "NOT_FOUND", "message": "Not found"}}, ("Not found", "NOT_FOUND")),
        (
            {
                "error": {
                    "code": "RATE_LIMITED",
                    "message": "API rate limit exceeded",
                    "details": {},
                }
            },
            ("API rate limit exceeded", "RATE_LIMITED"),
        ),
        (FAILING_SYNC_500, ("Agent 1: fake upstream failure", None)),
        ({"message": "only a message"}, ("only a message", None)),
        (
            {"error": "Rate limit exceeded", "message": "Try again at noon"},
            ("Rate limit exceeded: Try again at noon", None),
        ),
        ({"error": "Same text", "message": "Same text"}, ("Same text", None)),
        ({"error": "x", "code": 42}, ("x", None)),
        ([1, 2], (None, None)),
        ("text", (None, None)),
        (None, (None, None)),
        ({}, (None, None)),
    ],
)
def test_parse_error_body(payload, expected):
    assert parse_error_body(payload) == expected


# ----------------------------------------------------------------------------- error_from_answer


def test_transcript_401():
    error = error_from_answer(answer(401, EXEC_BAD_KEY, x_request_id="b1c29615"), NOW, "execute")
    assert isinstance(error, AuthenticationError)
    assert error.code == "UNAUTHORIZED"
    assert error.request_id == "b1c29615"
    assert str(error) == "execute failed (HTTP 401): Invalid API key"
    assert error.retryable is False


def test_transcript_usage_401():
    error = error_from_answer(answer(401, USAGE_BAD_KEY), NOW)
    assert error.server_code == "AUTHENTICATION_REQUIRED"
    assert error.code == "UNAUTHORIZED"


@pytest.mark.parametrize(
    ("payload", "code"), [(STATUS_UNKNOWN, "WORKFLOW_NOT_FOUND"), (JOBS_UNKNOWN, "TASK_NOT_FOUND")]
)
def test_transcript_404(payload, code):
    error = error_from_answer(answer(404, payload), NOW)
    assert isinstance(error, NotFoundError)
    assert error.code == code


def test_failed_run_body_is_kept_on_error():
    error = error_from_answer(answer(500, FAILING_SYNC_500), NOW)
    assert isinstance(error, ServerError)
    assert error.body == FAILING_SYNC_500


def test_408_is_a_status_error_with_the_timeout_code():
    # A server's 408 is an answer, not a client-side timeout: it carries a status.
    error = error_from_answer(answer(408, {"error": "timed out"}), NOW)
    assert isinstance(error, APIStatusError)
    assert not isinstance(error, RequestTimeoutError)
    assert (error.code, error.status) == ("TIMEOUT", 408)


def test_html_502_message():
    html = (
        b"<html><head><title>502 Bad Gateway</title></head>"
        b"<body><center>nginx</center></body></html>"
    )
    error = error_from_answer(
        answer(502, html, content_type="text/html"), NOW, "get_usage_limits()"
    )
    assert isinstance(error, ServerError)
    assert error.code == "SERVER_ERROR"
    text = str(error)
    assert text.startswith("get_usage_limits() failed (HTTP 502)")
    assert "HTML page" in text
    assert "<center>" not in text
    assert isinstance(error.body, str)


def test_plain_text_error():
    error = error_from_answer(
        answer(503, b"upstream connect error", content_type="text/plain"), NOW
    )
    assert isinstance(error, ServiceUnavailableError)
    assert "upstream connect error" in str(error)
    assert error.body == "upstream connect error"


def test_empty_error_body():
    error = error_from_answer(answer(500, b""), NOW)
    assert "empty body" in str(error)
    assert error.body is None


def test_long_message_is_truncated():
    error = error_from_answer(answer(400, {"error": "y" * 5000}), NOW)
    assert isinstance(error, InvalidRequestError)
    assert len(str(error)) < 600


def test_429_admission_gate():
    payload = {
        "error": "Too many requests",
        "message": "Server is at capacity",
        "code": "ADMISSION_GATE_CAPACITY",
        "retryable": True,
        "retryAfterSeconds": 5,
    }
    error = error_from_answer(answer(429, payload, retry_after="5"), NOW)
    assert isinstance(error, RateLimitError)
    assert error.code == "RATE_LIMIT_EXCEEDED"
    assert error.server_code == "ADMISSION_GATE_CAPACITY"
    assert error.retry_after == 5.0
    assert error.retryable is True
    assert "Server is at capacity" in str(error)
    assert "retry after 5s" in str(error)


def test_429_2025_async_reset_at():
    payload = {
        "error": "Rate limit exceeded",
        "message": "Async limit",
        "remaining": 0,
        "resetAt": "2026-01-01T00:00:45.000Z",
    }
    error = error_from_answer(answer(429, payload), NOW)
    assert error.retry_after == pytest.approx(45.0)


def test_429_v1_logs_retry_after_epoch_ms():
    payload = {"error": "Rate limit exceeded", "message": "m", "retryAfter": (NOW + 12) * 1000}
    assert error_from_answer(answer(429, payload), NOW).retry_after == pytest.approx(12.0)


def test_429_v2_details():
    payload = {
        "error": {
            "code": "RATE_LIMITED",
            "message": "API rate limit exceeded",
            "details": {"retryAfter": "2026-01-01T00:00:20Z"},
        }
    }
    error = error_from_answer(answer(429, payload), NOW)
    assert error.retry_after == pytest.approx(20.0)
    assert error.server_code == "RATE_LIMITED"
    assert "API rate limit exceeded" in str(error)


def test_header_retry_after_wins_over_body():
    payload = {"error": "x", "retryAfterSeconds": 99}
    assert error_from_answer(answer(429, payload, retry_after="2"), NOW).retry_after == 2.0


def test_malformed_retry_after_header_falls_back_to_body():
    payload = {"error": "x", "retryAfterSeconds": 4}
    assert error_from_answer(answer(429, payload, retry_after="soon"), NOW).retry_after == 4.0


def test_503_retryable_flag_from_body():
    error = error_from_answer(answer(503, {"error": "busy", "retryable": True}), NOW)
    assert error.retryable is True
    error = error_from_answer(answer(503, {"error": "busy", "retryable": "yes"}), NOW)
    assert error.retryable is False


def test_non_object_json_error_body():
    error = error_from_answer(answer(400, [1, 2, 3]), NOW)
    assert isinstance(error, InvalidRequestError)
    assert error.body == [1, 2, 3]
    assert "HTTP 400" in str(error)


@pytest.mark.parametrize(
    ("content", "content_type", "code"),
    [
        (b"<html><body>Internal Server Error</body></html>", "text/html", "SERVER_ERROR"),
        (b"", "text/plain", "SERVER_ERROR"),
        (b'{"error": "Missing API trigger"}', "application/json", "EXECUTION_ERROR"),
    ],
    ids=["html-from-proxy", "empty", "json-from-sim"],
)
def test_500_code_depends_on_who_answered(content, content_type, code):
    error = error_from_answer(answer(500, content, content_type=content_type), NOW, "x")
    assert isinstance(error, ServerError)
    assert error.code == code

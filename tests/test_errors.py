"""The SimStudioError tree: documented constructor, status table, stable codes, retry safety."""

from __future__ import annotations

import pickle

import pytest
from _core_helpers import KEY

from simstudio import (
    APIConnectionError,
    ApiError,
    AuthenticationError,
    ConfigurationError,
    ConflictError,
    ExecutionError,
    InvalidRequestError,
    InvalidResponseError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RedirectError,
    RequestTimeoutError,
    ServerError,
    ServiceUnavailableError,
    SimStudioError,
    StreamError,
    StreamIncompleteError,
    UsageLimitError,
)
from simstudio._errors import error_class_for_status, is_retry_safe, stable_code, truncate

ALL = [
    APIConnectionError,
    AuthenticationError,
    ConfigurationError,
    ConflictError,
    ExecutionError,
    InvalidRequestError,
    InvalidResponseError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RedirectError,
    RequestTimeoutError,
    ServerError,
    ServiceUnavailableError,
    StreamError,
    StreamIncompleteError,
    UsageLimitError,
]


def test_documented_constructor():
    error = SimStudioError("Invalid API key", "UNAUTHORIZED", 401)
    assert str(error) == "Invalid API key"
    assert error.args == ("Invalid API key",)
    assert error.code == "UNAUTHORIZED"
    assert error.status == 401
    assert isinstance(error, Exception)


def test_defaults_are_none():
    error = SimStudioError("x")
    assert error.code is None
    assert error.status is None
    assert error.retry_after is None
    assert error.request_id is None
    assert error.retryable is False


@pytest.mark.parametrize("cls", ALL)
def test_every_error_is_a_simstudio_error_with_a_code(cls):
    error = cls("message")
    assert isinstance(error, SimStudioError)
    assert isinstance(error.code, str)
    assert error.code == error.code.upper()
    assert cls.__doc__


def test_explicit_code_overrides_default():
    assert ConfigurationError("closed", "CLIENT_CLOSED").code == "CLIENT_CLOSED"
    assert InvalidRequestError("big", "FILE_TOO_LARGE").code == "FILE_TOO_LARGE"


@pytest.mark.parametrize(
    ("cls", "code"),
    [
        (AuthenticationError, "UNAUTHORIZED"),
        (RequestTimeoutError, "TIMEOUT"),
        (RateLimitError, "RATE_LIMIT_EXCEEDED"),
        (UsageLimitError, "USAGE_LIMIT_EXCEEDED"),
        (ExecutionError, "EXECUTION_ERROR"),
    ],
)
def test_documented_codes(cls, code):
    assert cls("x").code == code


def test_hierarchy():
    assert issubclass(ServiceUnavailableError, ServerError)
    assert issubclass(StreamIncompleteError, StreamError)


def test_stream_incomplete_keeps_text_and_events():
    error = StreamIncompleteError("cut", text="Hello wor", events=("a", "b"))
    assert error.text == "Hello wor"
    assert error.events == ["a", "b"]
    assert error.code == "STREAM_INCOMPLETE"
    assert StreamIncompleteError("cut").text == ""


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, InvalidRequestError),
        (401, AuthenticationError),
        (402, UsageLimitError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (408, ApiError),
        (415, InvalidRequestError),
        (409, ConflictError),
        (413, InvalidRequestError),
        (422, InvalidRequestError),
        (429, RateLimitError),
        (500, ServerError),
        (502, ServerError),
        (503, ServiceUnavailableError),
        (504, ServerError),
        (599, ServerError),
        (418, ApiError),
        (499, ApiError),
    ],
)
def test_class_by_status(status, cls):
    assert error_class_for_status(status) is cls


@pytest.mark.parametrize(
    ("status", "server_code", "message", "expected"),
    [
        (400, None, "Invalid JSON in request body", "INVALID_JSON"),
        (400, "INVALID_JSON", "whatever", "INVALID_JSON"),
        (400, None, "Invalid request body", None),
        (401, "UNAUTHORIZED:_INVALID_API_KEY", "Unauthorized: Invalid API key", None),
        (401, "INVALID_API_KEY", "Invalid API key", None),
        (404, "WORKFLOW_NOT_FOUND", "Workflow not found", "WORKFLOW_NOT_FOUND"),
        (404, "TASK_NOT_FOUND", "Task not found", "TASK_NOT_FOUND"),
        (409, "EXECUTION_ID_CONFLICT", "conflict", "EXECUTION_ID_CONFLICT"),
        (500, None, "boom", "EXECUTION_ERROR"),
        (500, "EXECUTION_ERROR", "boom", "EXECUTION_ERROR"),
        (500, "FAILED_TO_FETCH_TASK_STATUS", "Failed to fetch task status", None),
        (503, "SERVICE_OVERLOADED", "overloaded", "SERVICE_OVERLOADED"),
        (503, "ASYNC_ENQUEUE_AMBIGUOUS", "maybe", "ASYNC_ENQUEUE_AMBIGUOUS"),
        (413, "PAYLOAD_TOO_LARGE", "too big", "PAYLOAD_TOO_LARGE"),
    ],
)
def test_stable_code(status, server_code, message, expected):
    assert stable_code(status, server_code, message) == expected


@pytest.mark.parametrize(
    ("status", "server_code", "retryable", "expected"),
    [
        (429, None, None, True),
        (429, "ADMISSION_GATE_CAPACITY", True, True),
        (503, "SERVICE_OVERLOADED", None, True),
        (503, "ADMISSION_GATE_CAPACITY", None, True),
        (503, "SERVICE_UNAVAILABLE", None, True),
        (503, None, True, True),
        (503, None, None, False),
        (503, "ASYNC_ENQUEUE_AMBIGUOUS", True, False),
        (500, None, True, False),
        (502, None, None, False),
        (400, None, True, False),
        (408, None, None, False),
    ],
)
def test_retry_safety(status, server_code, retryable, expected):
    assert is_retry_safe(status, server_code, retryable) is expected


def test_truncate():
    assert truncate("a  b\n\tc") == "a b c"
    long = truncate("x" * 1000)
    assert len(long) == 500
    assert long.endswith("\u2026")
    assert truncate("short", 10) == "short"


def test_repr_shows_code_status_request_id_not_body():
    error = AuthenticationError(
        "execute failed (HTTP 401): Invalid API key",
        status=401,
        request_id="rq-1",
        body={"echo": KEY},
    )
    text = repr(error)
    assert text.startswith("AuthenticationError(")
    assert "UNAUTHORIZED" in text
    assert "401" in text
    assert "rq-1" in text
    assert KEY not in text
    assert KEY not in str(error)


def test_errors_can_be_raised_and_caught_by_category():
    with pytest.raises(ServerError):
        raise ServiceUnavailableError("busy", status=503)


def test_pickle_round_trip_keeps_message():
    error = pickle.loads(pickle.dumps(SimStudioError("boom", "X", 500)))
    assert str(error) == "boom"


def test_pickle_round_trip_keeps_code_status_and_class():
    original = RateLimitError(
        "slow down", status=429, server_code="X", retry_after=5.0, request_id="r1", retryable=True
    )
    error = pickle.loads(pickle.dumps(original))
    assert type(error) is RateLimitError
    assert (error.code, error.status, error.server_code) == ("RATE_LIMIT_EXCEEDED", 429, "X")
    assert (error.retry_after, error.request_id, error.retryable) == (5.0, "r1", True)
    assert str(error) == "slow down"

"""Rate-limit signals: X-RateLimit-*, Retry-After and body hints, in every form, never crashing."""

from __future__ import annotations

import datetime as dt
import math

import pytest
import responses
from _core_helpers import STATUS_OK, STATUS_URL, USAGE_2026, USAGE_URL, WF, body, make_client
from hypothesis import given, settings
from hypothesis import strategies as st
from requests.structures import CaseInsensitiveDict

from simstudio import RateLimitError, RateLimitInfo, _ratelimit
from simstudio._ratelimit import (
    parse_epoch_or_iso,
    parse_retry_after,
    rate_limit_info_from_headers,
    retry_after_from_body,
)

NOW = 1767225600.0  # 2026-01-01T00:00:00Z
RESET = 1767225660  # 2026-01-01T00:01:00Z


def headers(**values):
    return CaseInsensitiveDict({k.replace("_", "-"): v for k, v in values.items()})


# ----------------------------------------------------------------------------- reset forms


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1767225660", RESET),  # epoch seconds
        ("1767225660000", RESET),  # epoch milliseconds
        ("1767225660.0", RESET),
        ("2026-01-01T00:01:00Z", RESET),
        ("2026-01-01T00:01:00.000Z", RESET),
        ("2026-01-01T00:01:00z", RESET),
        ("2026-01-01T00:01:00+00:00", RESET),
        ("2026-01-01T02:01:00+02:00", RESET),
        ("2025-12-31T19:01:00-05:00", RESET),
        ("2026-01-01T00:01:00", RESET),  # naive means UTC
        ("60", RESET),  # delta seconds
        ("0", int(NOW)),
        (" 60 ", RESET),
    ],
)
def test_reset_forms(raw, expected):
    assert parse_epoch_or_iso(raw, NOW) == pytest.approx(expected)


@pytest.mark.parametrize("digits", range(1, 10))
def test_iso_fraction_digits(digits):
    raw = "2026-01-01T00:00:59." + "9" * digits + "Z"
    value = parse_epoch_or_iso(raw, NOW)
    assert RESET - 1 < value < RESET
    assert value == pytest.approx(RESET - 10**-digits, abs=1e-6)


@pytest.mark.parametrize("digits", range(1, 10))
def test_iso_fraction_digits_with_offset(digits):
    raw = "2026-01-01T01:00:59." + "5" * digits + "+01:00"
    assert parse_epoch_or_iso(raw, NOW) == pytest.approx(RESET - 0.5, abs=0.06)


@pytest.mark.parametrize("digits", [1, 2, 4, 5, 7, 9])
def test_iso_fraction_fallback_keeps_subseconds(monkeypatch, digits):
    # Python < 3.11 only accepts 3 or 6 fraction digits; the fallback must not drop the fraction.
    real = dt.datetime

    class OldDatetime(real):
        @classmethod
        def fromisoformat(cls, text):
            if "." in text:
                fraction = text.split(".", 1)[1]
                count = len(fraction) - len(fraction.lstrip("0123456789"))
                if count not in (3, 6):
                    raise ValueError("Invalid isoformat string")
            return real.fromisoformat(text)

    monkeypatch.setattr(_ratelimit, "datetime", OldDatetime)
    raw = "2026-01-01T00:00:59." + "5" * digits + "Z"
    assert parse_epoch_or_iso(raw, NOW) == pytest.approx(RESET - 0.5, abs=0.06)


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "   ",
        "soon",
        "NaN",
        "inf",
        "-inf",
        "-5",
        "2026-13-45T99:99:99Z",
        "1e",
        "0x10",
        True,
    ],
)
def test_bad_reset_values(raw):
    assert parse_epoch_or_iso(raw, NOW) is None


def test_numeric_reset_values():
    assert parse_epoch_or_iso(RESET, NOW) == RESET
    assert parse_epoch_or_iso(RESET * 1000, NOW) == RESET
    assert parse_epoch_or_iso(30, NOW) == NOW + 30
    assert parse_epoch_or_iso(float("nan"), NOW) is None
    assert parse_epoch_or_iso(-1, NOW) is None


# ----------------------------------------------------------------------------- Retry-After


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("5", 5.0),
        ("0", 0.0),
        (" 120 ", 120.0),
        ("1.5", 1.5),
        ("Thu, 01 Jan 2026 00:01:00 GMT", 60.0),
        ("Thursday, 01-Jan-26 00:01:00 GMT", 60.0),
        ("Thu Jan  1 00:01:00 2026", 60.0),
        ("Wed, 31 Dec 2025 23:59:00 GMT", 0.0),  # in the past: no wait
    ],
)
def test_retry_after(raw, expected):
    assert parse_retry_after(raw, NOW) == pytest.approx(expected)


@pytest.mark.parametrize("raw", [None, "", "soon", "-5", "NaN", "inf", "Thu, 99 Foo 2026", "5 s"])
def test_bad_retry_after(raw):
    assert parse_retry_after(raw, NOW) is None


# ----------------------------------------------------------------------------- body hints


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({"error": "Rate limit exceeded", "retryAfter": (NOW + 42) * 1000}, 42.0),
        ({"error": "Too many requests", "retryAfterSeconds": 5}, 5.0),
        ({"error": "Rate limit exceeded", "resetAt": "2026-01-01T00:01:00.000Z"}, 60.0),
        (
            {
                "error": {
                    "code": "RATE_LIMITED",
                    "message": "API rate limit exceeded",
                    "details": {"retryAfter": "2026-01-01T00:00:30.000Z"},
                }
            },
            30.0,
        ),
        ({"error": "x", "resetAt": "2025-12-31T00:00:00Z"}, 0.0),
    ],
)
def test_body_hints(payload, expected):
    assert retry_after_from_body(payload, NOW) == pytest.approx(expected)


@pytest.mark.parametrize(
    "payload",
    [
        None,
        [],
        "x",
        {},
        {"retryAfterSeconds": -1},
        {"retryAfterSeconds": True},
        {"retryAfter": "later"},
        {"error": {"details": "nope"}},
        {"error": {"details": {"retryAfter": None}}},
    ],
)
def test_body_without_hints(payload):
    assert retry_after_from_body(payload, NOW) is None


# ----------------------------------------------------------------------------- header sets


def test_full_header_set():
    info = rate_limit_info_from_headers(
        headers(
            X_RateLimit_Limit="100",
            X_RateLimit_Remaining="7",
            X_RateLimit_Reset="2026-01-01T00:01:00.000Z",
        ),
        NOW,
    )
    assert info == RateLimitInfo(limit=100, remaining=7, reset=RESET, retry_after=None)


def test_headers_are_case_insensitive():
    raw = CaseInsensitiveDict(
        {"x-ratelimit-limit": "10", "x-ratelimit-remaining": "3", "x-ratelimit-reset": "60"}
    )
    info = rate_limit_info_from_headers(raw, NOW)
    assert (info.limit, info.remaining, info.reset) == (10, 3, RESET)


def test_no_headers_gives_none():
    assert rate_limit_info_from_headers(CaseInsensitiveDict({"content-type": "x"}), NOW) is None


def test_retry_after_only_429():
    info = rate_limit_info_from_headers(headers(Retry_After="5"), NOW)
    assert info.retry_after == 5
    assert info.remaining == 0
    assert info.reset == math.ceil(NOW + 5)


def test_retry_after_rounds_up():
    info = rate_limit_info_from_headers(headers(Retry_After="1.2"), NOW)
    assert info.retry_after == 2
    assert isinstance(info.retry_after, int)


def test_previous_limit_kept_when_missing():
    previous = RateLimitInfo(limit=60, remaining=10, reset=RESET)
    info = rate_limit_info_from_headers(headers(Retry_After="3"), NOW, previous)
    assert info.limit == 60


def test_fields_are_ints():
    info = rate_limit_info_from_headers(
        headers(
            X_RateLimit_Limit="100.0", X_RateLimit_Remaining="5", X_RateLimit_Reset="1767225660.4"
        ),
        NOW,
    )
    assert all(isinstance(v, int) for v in (info.limit, info.remaining, info.reset))
    assert info.reset == RESET + 1


def test_malformed_headers_never_crash():
    info = rate_limit_info_from_headers(
        headers(X_RateLimit_Limit="lots", X_RateLimit_Remaining="-3", X_RateLimit_Reset="whenever"),
        NOW,
    )
    assert info is not None
    assert info.reset == 0


header_text = st.one_of(
    st.text(max_size=40),
    st.from_regex(r"-?[0-9]{0,25}(\.[0-9]{0,12})?([eE][+-]?[0-9]{1,4})?", fullmatch=True),
    st.from_regex(
        r"[0-9]{1,6}-[0-9]{1,3}-[0-9]{1,3}T[0-9]{1,3}:[0-9]{1,3}:[0-9]{1,3}(\.[0-9]{0,12})?"
        r"(Z|[+-][0-9]{2}:[0-9]{2})?",
        fullmatch=True,
    ),
    st.from_regex(
        r"[A-Za-z]{3}, [0-9]{1,2} [A-Za-z]{3} [0-9]{1,5} [0-9:]{1,8} [A-Z]{0,4}", fullmatch=True
    ),
)


@settings(max_examples=300, deadline=None)
@given(
    limit=st.one_of(st.none(), header_text),
    remaining=st.one_of(st.none(), header_text),
    reset=st.one_of(st.none(), header_text),
    retry_after=st.one_of(st.none(), header_text),
    now=st.floats(min_value=0, max_value=4e9),
)
def test_random_headers_never_crash(limit, remaining, reset, retry_after, now):
    raw = CaseInsensitiveDict()
    for name, value in (
        ("X-RateLimit-Limit", limit),
        ("X-RateLimit-Remaining", remaining),
        ("X-RateLimit-Reset", reset),
        ("Retry-After", retry_after),
    ):
        if value is not None:
            raw[name] = value
    info = rate_limit_info_from_headers(raw, now)
    if info is not None:
        assert isinstance(info.limit, int)
        assert isinstance(info.remaining, int)
        assert isinstance(info.reset, int)
        assert info.retry_after is None or (
            isinstance(info.retry_after, int) and info.retry_after >= 0
        )
    wait = parse_retry_after(retry_after, now)
    assert wait is None or (wait >= 0 and math.isfinite(wait))
    moment = parse_epoch_or_iso(reset, now)
    assert moment is None or math.isfinite(moment)


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["retryAfter", "retryAfterSeconds", "resetAt", "error", "message"]),
        st.one_of(
            st.none(),
            st.booleans(),
            st.integers(),
            st.floats(allow_nan=True, allow_infinity=True),
            header_text,
            st.dictionaries(
                st.sampled_from(["details", "code"]),
                st.one_of(st.text(), st.dictionaries(st.just("retryAfter"), header_text)),
            ),
        ),
    )
)
def test_random_bodies_never_crash(payload):
    wait = retry_after_from_body(payload, NOW)
    assert wait is None or wait >= 0


# ----------------------------------------------------------------------------- through the client


def test_client_info_tracks_last_answer_with_headers(rsps):
    client = make_client()
    rsps.add(
        responses.GET,
        USAGE_URL,
        body=body(USAGE_2026),
        headers={
            "X-RateLimit-Limit": "50",
            "X-RateLimit-Remaining": "49",
            "X-RateLimit-Reset": "1767225660000",
        },
    )
    rsps.add(responses.GET, STATUS_URL, body=body(STATUS_OK))
    client.get_usage_limits()
    assert client.get_rate_limit_info() == RateLimitInfo(50, 49, RESET, None)
    client.get_workflow_status(WF)  # an answer without rate-limit headers keeps the last info
    assert client.get_rate_limit_info() == RateLimitInfo(50, 49, RESET, None)


def test_client_http_date_retry_after_uses_injected_clock(rsps):
    client = make_client(max_retries=0)
    when = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=90)
    rsps.add(
        responses.GET,
        STATUS_URL,
        body=body({"error": "Rate limit exceeded"}),
        status=429,
        headers={"Retry-After": when.strftime("%a, %d %b %Y %H:%M:%S GMT")},
    )
    with pytest.raises(RateLimitError) as info:
        client.get_workflow_status(WF)
    assert 85 <= info.value.retry_after <= 91
    assert 85 <= client.get_rate_limit_info().retry_after <= 91


def test_client_malformed_headers_never_crash(rsps):
    client = make_client()
    rsps.add(
        responses.GET,
        STATUS_URL,
        body=body(STATUS_OK),
        headers={
            "X-RateLimit-Limit": "ten",
            "X-RateLimit-Reset": "\u00e9\u00e9",
            "Retry-After": "later",
        },
    )
    assert client.get_workflow_status(WF).is_deployed is True

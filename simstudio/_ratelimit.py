"""Reading rate-limit signals: ``X-RateLimit-*``, ``Retry-After`` and body hints, never crashing."""

from __future__ import annotations

import math
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any, Mapping, Optional

from .types.usage import RateLimitInfo

__all__ = [
    "RATE_LIMIT_HEADERS",
    "parse_epoch_or_iso",
    "parse_retry_after",
    "rate_limit_info_from_headers",
    "retry_after_from_body",
]

# The headers that carry rate-limit state; an answer with none of them changes nothing.
RATE_LIMIT_HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset",
                      "Retry-After")  # fmt: skip

# Epoch values above this are milliseconds (1e11 s is the year 5138).
_MS_THRESHOLD = 1e11
# Values below this are relative seconds rather than an epoch (1e9 s is 2001-09-09).
_EPOCH_THRESHOLD = 1e9


def _parse_iso(value: str) -> Optional[float]:
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        # Python < 3.11 rejects fractions that are not 3 or 6 digits: retry with exactly 6.
        head, dot, tail = text.partition(".")
        if not dot:
            return None
        digits = len(tail) - len(tail.lstrip("0123456789"))
        micros = (tail[:digits] + "000000")[:6] if digits else ""
        try:
            moment = datetime.fromisoformat(head + (f".{micros}" if micros else "") + tail[digits:])
        except ValueError:
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


def _finite(value: float) -> Optional[float]:
    """``float(value)`` when finite; ``None`` for NaN, infinities and integers beyond float."""
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def _parse_number(value: str) -> Optional[float]:
    try:
        number = float(value.strip())
    except ValueError:
        return None
    if not math.isfinite(number) or number < 0:
        return None
    return number


def parse_epoch_or_iso(value: Any, now: float) -> Optional[float]:
    """Turn a reset time into epoch seconds.

    Accepts epoch seconds, epoch milliseconds, seconds-from-now (small numbers) and ISO 8601.
    Anything else gives ``None``.
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        number = _finite(value)
    elif isinstance(value, str) and value.strip():
        number = _parse_number(value)
        if number is None:
            return _parse_iso(value)
    else:
        return None
    if number is None or number < 0:
        return None
    if number >= _MS_THRESHOLD:
        return number / 1000.0
    if number < _EPOCH_THRESHOLD:
        return now + number
    return number


def parse_retry_after(value: Optional[str], now: float) -> Optional[float]:
    """Parse ``Retry-After`` (delta seconds or HTTP-date) into seconds to wait (>= 0)."""
    if value is None or not value.strip():
        return None
    seconds = _parse_number(value)
    if seconds is not None:
        return seconds
    try:
        moment: Optional[datetime] = parsedate_to_datetime(value.strip())
        if moment is None:
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        return max(0.0, moment.timestamp() - now)
    except (TypeError, ValueError, IndexError, OverflowError):  # e.g. a zone of +99999999999
        return None


def _header_int(headers: Mapping[str, str], name: str) -> Optional[int]:
    raw = headers.get(name)
    if raw is None:
        return None
    number = _parse_number(raw)
    return None if number is None else int(number)


def rate_limit_info_from_headers(
    headers: Mapping[str, str], now: float, previous: Optional[RateLimitInfo] = None
) -> Optional[RateLimitInfo]:
    """Build a :class:`RateLimitInfo` from a response's headers, or ``None`` when it has none.

    ``headers`` must be case-insensitive (as ``requests`` gives them). A 429 carrying only
    ``Retry-After`` still yields an info with ``remaining=0``.
    """
    limit = _header_int(headers, "X-RateLimit-Limit")
    remaining = _header_int(headers, "X-RateLimit-Remaining")
    reset_raw = headers.get("X-RateLimit-Reset")
    retry_after = parse_retry_after(headers.get("Retry-After"), now)
    if limit is None and remaining is None and reset_raw is None and retry_after is None:
        return None
    reset = parse_epoch_or_iso(reset_raw, now)
    if reset is None and retry_after is not None:
        reset = now + retry_after
    if limit is None:
        limit = previous.limit if previous is not None else 0
    if remaining is None:
        remaining = 0 if retry_after is not None else limit
    return RateLimitInfo(
        limit=limit,
        remaining=remaining,
        reset=math.ceil(reset) if reset is not None else 0,
        retry_after=None if retry_after is None else math.ceil(retry_after),
    )


def retry_after_from_body(body: Any, now: float) -> Optional[float]:
    """Find a retry delay in an error body: ``retryAfterSeconds``, ``retryAfter`` (epoch ms or
    ISO, also under ``error.details``) or ``resetAt``."""
    if not isinstance(body, dict):
        return None
    seconds = body.get("retryAfterSeconds")
    if isinstance(seconds, (int, float)) and not isinstance(seconds, bool) and seconds >= 0:
        number = _finite(seconds)
        if number is not None:
            return number
    candidates = [body.get("retryAfter"), body.get("resetAt")]
    error = body.get("error")
    if isinstance(error, dict) and isinstance(error.get("details"), dict):
        candidates.insert(0, error["details"].get("retryAfter"))
    for candidate in candidates:
        moment = parse_epoch_or_iso(candidate, now)
        if moment is not None:
            return max(0.0, moment - now)
    return None

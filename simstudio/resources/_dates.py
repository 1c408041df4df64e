"""Moments given as arguments: aware datetimes or ISO-8601 text, sent as UTC ``...Z`` strings."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Optional, Union

from .._errors import InvalidArgumentError

__all__ = ["Moment", "utc_iso"]

#: What a time filter accepts: an aware ``datetime`` or ISO-8601 text with a zone.
Moment = Union[datetime, str]

_NAIVE = (
    "{name} has no time zone; Sim compares instants, so pass an aware datetime "
    "(e.g. datetime.now(timezone.utc) - timedelta(hours=1)) or text ending in Z or +HH:MM"
)


def _parse(text: str) -> Optional[datetime]:
    stripped = text.strip()
    if stripped.endswith(("Z", "z")):
        stripped = stripped[:-1] + "+00:00"
    try:
        return datetime.fromisoformat(stripped)
    except ValueError:
        pass
    # Python < 3.11 takes only 3 or 6 fraction digits: retry with exactly 6.
    head, dot, tail = stripped.partition(".")
    digits = len(tail) - len(tail.lstrip("0123456789"))
    if not dot or not digits:
        return None
    try:
        return datetime.fromisoformat(f"{head}.{(tail[:digits] + '000000')[:6]}{tail[digits:]}")
    except ValueError:
        return None


def utc_iso(value: Optional[Moment], name: str) -> Optional[str]:
    """``value`` as the UTC ISO-8601 form Sim requires (``2026-08-06T00:00:00.000Z``).

    Naive datetimes (and text without a zone) are refused rather than guessed: a naive
    ``datetime.now()`` is local time, and taking it as UTC would silently shift the window.

    Raises:
        InvalidArgumentError: Not a datetime or ISO-8601 text, or without a time zone.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        parsed = _parse(value)
        if parsed is None:
            raise InvalidArgumentError(
                f"{name} must be an ISO-8601 timestamp such as 2026-08-06T00:00:00Z"
            )
        moment = parsed
    else:
        raise InvalidArgumentError(
            f"{name} must be a datetime or ISO-8601 text, not {type(value).__name__}"
        )
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidArgumentError(_NAIVE.format(name=name))
    try:
        utc = moment.astimezone(timezone.utc)
    except OverflowError:
        raise InvalidArgumentError(f"{name} is out of the range of storable instants") from None
    return utc.replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"

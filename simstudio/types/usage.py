"""Account limits: the rate-limit headers of the last answer and the usage-limits endpoint."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, Optional

from .._errors import InvalidResponseError
from ._base import APIObject
from ._wire import dict_or_none

__all__ = ["RateLimitInfo", "UsageLimits"]


@dataclass
class RateLimitInfo(APIObject):
    """The rate-limit headers of the last answer. ``reset`` is epoch seconds.

    ``limit`` is requests per minute, as ``rate_limit[...]["limit"]`` of :class:`UsageLimits`
    (``requestsPerMinute``); ``remaining`` is how many may be sent now.
    """

    limit: int
    remaining: int
    reset: int
    retry_after: Optional[int] = None


def _normalize_bucket(bucket: Any) -> Any:
    # Both eras in one shape: 2025 says ``limit``, 2026 ``requestsPerMinute`` + ``maxBurst``.
    if not isinstance(bucket, dict):
        return bucket
    bucket = dict(bucket)
    if "limit" not in bucket and "requestsPerMinute" in bucket:
        bucket["limit"] = bucket["requestsPerMinute"]
    if "requestsPerMinute" not in bucket and "limit" in bucket:
        bucket["requestsPerMinute"] = bucket["limit"]
    return bucket


@dataclass
class UsageLimits(APIObject):
    """Rate limits and usage of the account. ``rate_limit["sync"]["limit"]`` is filled on every
    server era (from ``requestsPerMinute`` on newer servers)."""

    success: bool
    rate_limit: Dict[str, Any]
    usage: Dict[str, Any]
    storage: Optional[Dict[str, Any]] = None
    raw: Any = field(default=None, repr=False, compare=False)

    @classmethod
    def from_wire(cls, body: Any) -> UsageLimits:
        """Build from ``GET /api/users/me/usage-limits`` of either era."""
        if not isinstance(body, dict):
            raise InvalidResponseError("The usage limits answer is not a JSON object", body=body)
        rate_limit = body.get("rateLimit")
        usage = body.get("usage")
        if not isinstance(rate_limit, dict) or not isinstance(usage, dict):
            raise InvalidResponseError(
                "The usage limits answer lacks rateLimit or usage", body=body
            )
        return cls(
            success=body.get("success") is not False,
            rate_limit={key: _normalize_bucket(value) for key, value in rate_limit.items()},
            usage=dict(usage),
            storage=dict_or_none(body.get("storage")),
            raw=body,
        )

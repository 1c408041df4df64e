"""``client.usage``: the account's rate limits and usage, and the last rate-limit headers."""

from __future__ import annotations

from typing import Mapping, Optional

from .._config import Timeout
from ..types.usage import RateLimitInfo, UsageLimits
from ._base import Resource

__all__ = ["Usage"]


class Usage(Resource):
    """Rate limits and usage of the account behind the API key."""

    def limits(
        self,
        *,
        timeout: Optional[Timeout] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> UsageLimits:
        """The account's rate limits and usage (``GET /api/users/me/usage-limits``).

        ``rate_limit["sync"]["limit"]`` (requests per minute) is filled on every server era.
        """
        answer = self._requester.request(
            "GET",
            "/api/users/me/usage-limits",
            what="get_usage_limits()",
            timeout=timeout,
            extra_headers=extra_headers,
        )
        return self._build(UsageLimits.from_wire, answer)

    def rate_limit(self) -> Optional[RateLimitInfo]:
        """The rate-limit headers of the most recent answer that had any (no request is sent)."""
        return self._requester.state.rate_limit_info()

"""APIObject: what every result type knows about the HTTP answer it was built from."""

from __future__ import annotations

from typing import Mapping, Optional, TypeVar

from .._headers import EMPTY_HEADERS, Headers

__all__ = ["APIObject", "with_response"]

T = TypeVar("T", bound="APIObject")


class APIObject:
    """Mixin for result types: the answer's ``headers`` and ``request_id``.

    Kept out of the dataclass fields, so results compare, print and ``asdict()`` as before.
    """

    _response_headers: Headers = EMPTY_HEADERS

    @property
    def headers(self) -> Mapping[str, str]:
        """The HTTP response headers (read-only, case-insensitive); empty when the result did
        not come from an answer (built by hand, or assembled from several answers)."""
        return self._response_headers

    @property
    def request_id(self) -> Optional[str]:
        """The server's ``x-request-id`` for the answer, to quote in a support ticket."""
        return self._response_headers.get("x-request-id")


def with_response(result: T, headers: Optional[Mapping[str, str]]) -> T:
    """Attach an answer's headers to a result and return the result."""
    if headers is not None:
        frozen = headers if isinstance(headers, Headers) else Headers(headers)
        object.__setattr__(result, "_response_headers", frozen)
    return result

"""APIObject: what every result type knows about the HTTP answer it was built from."""

from __future__ import annotations

from typing import List, Mapping, Optional, TypeVar

from .._headers import EMPTY_HEADERS, Headers

__all__ = ["APIObject", "with_response", "with_response_each"]

T = TypeVar("T", bound="APIObject")


class APIObject:
    """Mixin for result types: the answer's ``headers`` and ``request_id``.

    Kept out of the dataclass fields, so results compare, print and ``asdict()`` as before.
    """

    _response_headers: Mapping[str, str] = EMPTY_HEADERS

    @property
    def headers(self) -> Mapping[str, str]:
        """The HTTP response headers (read-only, case-insensitive); empty when the result did
        not come from an answer (built by hand, or assembled from several answers)."""
        headers = self._response_headers
        if not isinstance(headers, Headers):
            # Copied on first use only: most results never have their headers read.
            headers = Headers(headers)
            object.__setattr__(self, "_response_headers", headers)
        return headers

    @property
    def request_id(self) -> Optional[str]:
        """The server's ``x-request-id`` for the answer, to quote in a support ticket."""
        return self._response_headers.get("x-request-id")


def with_response(result: T, headers: Optional[Mapping[str, str]]) -> T:
    """Attach an answer's headers to a result and return the result.

    The mapping is kept as given (an answer's headers never change once read) and wrapped
    read-only when first asked for.
    """
    if headers is not None:
        object.__setattr__(result, "_response_headers", headers)
    return result


def with_response_each(results: List[T], headers: Mapping[str, str]) -> List[T]:
    """:func:`with_response` for every result of a page, without a Python call per result
    (a page can hold 1,000); returns ``results``."""
    attach = object.__setattr__
    for result in results:
        attach(result, "_response_headers", headers)
    return results

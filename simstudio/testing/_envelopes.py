"""Answer shapes of Sim's public API: v1 and v2 success envelopes, error bodies, ``ApiError``."""

from __future__ import annotations

from typing import Any, Dict, Literal, Mapping, Optional, Sequence

from ._responses import HeaderList, Response, json_response

Body = Dict[str, Any]
#: An API version: ``"v1"`` or ``"v2"`` (from the path: ``/api/v2/...`` is v2).
Version = Literal["v1", "v2"]
V1: Version = "v1"
V2: Version = "v2"

#: The ``error.code`` of a v2 error answer, by HTTP status.
V2_CODES: Mapping[int, str] = {
    400: "BAD_REQUEST",
    401: "UNAUTHORIZED",
    402: "USAGE_LIMIT_EXCEEDED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    409: "CONFLICT",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    429: "RATE_LIMITED",
    500: "INTERNAL_ERROR",
    503: "SERVICE_UNAVAILABLE",
}
#: What v2 answers send with a 401 (the v1 routes send no challenge).
V2_AUTH_CHALLENGE = ("WWW-Authenticate", 'SimApiKey realm="Sim API", header="x-api-key"')


def version_of(path: str) -> Version:
    """``"v2"`` for ``/api/v2/...`` paths, else ``"v1"``."""
    return V2 if path.startswith("/api/v2/") else V1


def v2_code(status: int) -> str:
    """The v2 ``error.code`` for an HTTP status (``INTERNAL_ERROR`` for unlisted 5xx)."""
    return V2_CODES.get(status, "INTERNAL_ERROR" if status >= 500 else "BAD_REQUEST")


def v1_error(message: str, details: Any = None) -> Body:
    """A v1 error body: ``{"error": message}``, plus ``details`` (zod issues) when given."""
    body: Body = {"error": message}
    if details is not None:
        body["details"] = details
    return body


def v2_error(status: int, message: str, details: Any = None, code: Optional[str] = None) -> Body:
    """A v2 error body: ``{"error": {"code", "message", "details"?}}``."""
    error: Body = {"code": code or v2_code(status), "message": message}
    if details is not None:
        error["details"] = details
    return {"error": error}


class ApiError(Exception):
    """An error answer of a public-API route; ``response(version)`` picks the envelope.

    Raise it anywhere below a handler built with ``_public.api_route``: the route answers with
    it in the envelope of its version, with the usual headers.

    Attributes:
        status: The HTTP status.
        message: ``error`` (v1) or ``error.message`` (v2).
        details: Zod issues (a list) or a ``{"code": ...}`` object, or ``None``.
        code: The v2 ``error.code``; by default the one of ``status`` (``V2_CODES``).
        headers: Extra headers of the answer (e.g. ``Retry-After``).
    """

    def __init__(
        self,
        status: int,
        message: str,
        details: Any = None,
        *,
        code: Optional[str] = None,
        headers: Optional[HeaderList] = None,
    ) -> None:
        """Create the error (see the class attributes)."""
        super().__init__(message)
        self.status = status
        self.message = message
        self.details = details
        self.code = code
        self.headers: HeaderList = list(headers or [])

    def body(self, version: Version) -> Body:
        """The JSON body in the envelope of ``version``."""
        if version == V2:
            return v2_error(self.status, self.message, self.details, self.code)
        return v1_error(self.message, self.details)

    def response(self, version: Version) -> Response:
        """The whole answer in the envelope of ``version`` (v2 401s carry the challenge)."""
        headers = list(self.headers)
        if version == V2 and self.status == 401:
            headers.append(V2_AUTH_CHALLENGE)
        return json_response(self.status, self.body(version), headers)


def v1_success(data: Any, status: int = 200) -> Response:
    """v1 knowledge/documents/search success: ``{"success": true, "data": data}``."""
    return json_response(status, {"success": True, "data": data})


def v1_data(data: Any, limits: Mapping[str, Any], status: int = 200) -> Response:
    """v1 workflows/logs success: ``{"data": data, "limits": limits}``."""
    return json_response(status, {"data": data, "limits": dict(limits)})


def v1_page(
    items: Sequence[Any],
    next_cursor: Optional[str],
    limits: Mapping[str, Any],
    *,
    null_at_end: bool = False,
) -> Response:
    """A v1 cursor page ``{"data", "nextCursor", "limits"}``.

    Args:
        items: The page.
        next_cursor: The cursor of the next page, or ``None`` on the last page.
        limits: The ``limits`` object.
        null_at_end: Send ``"nextCursor": null`` on the last page; by default the key is left
            out, as ``GET /api/v1/workflows`` does.
    """
    body: Body = {"data": list(items)}
    if next_cursor is not None or null_at_end:
        body["nextCursor"] = next_cursor
    body["limits"] = dict(limits)
    return json_response(200, body)


def v2_data(data: Any, status: int = 200) -> Response:
    """v2 success: ``{"data": data}`` (creates answer 201)."""
    return json_response(status, {"data": data})


def v2_list(items: Sequence[Any], next_cursor: Optional[str]) -> Response:
    """v2 list: ``{"data": [...], "nextCursor": str | null}``."""
    return json_response(200, {"data": list(items), "nextCursor": next_cursor})

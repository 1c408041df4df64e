"""What the local server saw: incoming requests, recorded requests, disconnects, header maps."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterable, Iterator, List, Mapping, Optional, Tuple
from urllib.parse import parse_qs, unquote, urlsplit

_WORKFLOW_PATH = re.compile(r"^/api/(?:v2/)?(?:workflows|resume)/([^/]+)")


class Headers(Mapping[str, str]):
    """A read-only, case-insensitive header mapping that keeps the spelling seen on the wire.

    Repeated headers are joined with ``", "`` as RFC 9110 allows.
    """

    def __init__(self, pairs: Iterable[Tuple[str, str]] = ()) -> None:
        """Build the mapping from ``(name, value)`` pairs in wire order."""
        self._items: Dict[str, Tuple[str, str]] = {}
        for name, value in pairs:
            key = name.lower()
            if key in self._items:
                first, previous = self._items[key]
                self._items[key] = (first, previous + ", " + value)
            else:
                self._items[key] = (name, value)

    def __getitem__(self, name: str) -> str:
        return self._items[name.lower()][1]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._items

    def __iter__(self) -> Iterator[str]:
        return iter([name for name, _ in self._items.values()])

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"Headers({dict(self._items.values())!r})"


def _no_client_check() -> bool:
    return False


@dataclass
class Request:
    """An HTTP request as parsed by the transport and handed to the routes (internal)."""

    method: str
    raw_path: str
    headers: Headers
    body: bytes
    request_id: str
    received_at: float
    http_version: str = "HTTP/1.1"
    body_too_large: bool = False
    client_gone: Callable[[], bool] = _no_client_check

    @property
    def path(self) -> str:
        """The path without the query string, still percent-encoded."""
        return urlsplit(self.raw_path).path

    @property
    def segments(self) -> List[str]:
        """The decoded path segments (``%3A`` becomes ``:``)."""
        return [unquote(part) for part in self.path.split("/") if part]

    @property
    def query(self) -> Dict[str, List[str]]:
        """The parsed query string."""
        return parse_qs(urlsplit(self.raw_path).query, keep_blank_values=True)

    def query_value(self, name: str) -> Optional[str]:
        """Return the first value of a query parameter, or ``None``."""
        values = self.query.get(name)
        return values[0] if values else None

    @property
    def workflow_id(self) -> Optional[str]:
        """The workflow id named by the path, if any."""
        match = _WORKFLOW_PATH.match(self.path)
        if match is None or match.group(1) in ("import", "folders"):
            return None
        return unquote(match.group(1))

    def json_or_none(self) -> Any:
        """Return the body parsed as JSON, or ``None`` when it is empty or not JSON."""
        if not self.body:
            return None
        try:
            return json.loads(self.body.decode("utf-8"))
        except ValueError:
            return None


@dataclass(frozen=True)
class RecordedRequest:
    """One request the server received, as recorded for assertions in tests.

    Attributes:
        method: The HTTP method, e.g. ``"POST"``.
        path: The raw request target as received, including any query string.
        headers: A case-insensitive mapping of the request headers.
        body: The raw request body (empty when it was larger than the body limit).
        json: The body parsed as JSON, or ``None`` when empty or invalid.
        workflow_id: The workflow id named by the path, or ``None``.
        received_at: ``time.time()`` when the request was read.
    """

    method: str
    path: str
    headers: Headers
    body: bytes
    json: Any
    workflow_id: Optional[str]
    received_at: float

    @classmethod
    def of(cls, request: Request) -> RecordedRequest:
        """Snapshot an incoming request."""
        return cls(
            method=request.method,
            path=request.raw_path,
            headers=request.headers,
            body=request.body,
            json=request.json_or_none(),
            workflow_id=request.workflow_id,
            received_at=request.received_at,
        )


@dataclass(frozen=True)
class Disconnect:
    """A client that went away before the server finished its response.

    Attributes:
        workflow_id: The workflow whose response was cut short (``None`` for other paths).
        events_sent: How many SSE frames had been written (0 for plain JSON responses).
        path: The request path.
        execution_id: The run that was being answered, if any.
        at: ``time.time()`` when the disconnect was noticed.
    """

    workflow_id: Optional[str]
    events_sent: int
    path: str = ""
    execution_id: Optional[str] = None
    at: float = field(default=0.0, compare=False)

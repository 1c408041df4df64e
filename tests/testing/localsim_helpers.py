"""Helpers for the LocalSimServer tests: an HTTP client validating every answer, raw sockets."""

from __future__ import annotations

import http.client
import json
import re
import socket
import threading
from pathlib import Path
from typing import Any, Dict, List, Optional, Set, Tuple, Union

import jsonschema

from simstudio.testing import LocalSimServer

SCHEMAS = Path(__file__).resolve().parents[1] / "schemas"
_CACHE: Dict[str, Any] = {}
#: Names of the schemas every ``validate`` call used (the contract test checks coverage).
USED_SCHEMAS: Set[str] = set()


def load_schema(name: str) -> Any:
    """Load ``tests/schemas/<name>.json`` (cached) and check it is a valid schema."""
    if name not in _CACHE:
        schema = json.loads((SCHEMAS / (name + ".json")).read_text(encoding="utf-8"))
        jsonschema.Draft202012Validator.check_schema(schema)
        _CACHE[name] = schema
    return _CACHE[name]


def validate(name: str, instance: Any) -> None:
    """Validate ``instance`` against a schema from ``tests/schemas``."""
    USED_SCHEMAS.add(name)
    validator = jsonschema.Draft202012Validator(
        load_schema(name), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    validator.validate(instance)


def schema_for(era: str, method: str, path: str, status: int, body: Any) -> Optional[str]:
    """Which schema a JSON answer of the local server must satisfy (``None``: user JSON)."""
    path = path.split("?")[0]
    if path.startswith("/api/v2/"):
        return _v2_schema(method, path, status)
    error = "error-" + era if status >= 400 else None
    if re.fullmatch(r"/api/workflows/[^/]+/execute", path):
        if status == 202:
            return "async-" + era
        if isinstance(body, dict) and "success" in body and status in (200, 500):
            return "execute-sync-" + era
        if status >= 400 and isinstance(body, dict) and "error" in body:
            return "execution-id-conflict" if status == 409 else error
        return None  # a Response block's own JSON
    if re.fullmatch(r"/api/jobs/[^/]+", path):
        return "job-status-" + era if status == 200 else error
    if re.fullmatch(r"/api/workflows/[^/]+/status", path):
        return "workflow-status" if status == 200 else error
    if path == "/api/users/me/usage-limits":
        return "usage-limits-" + era if status == 200 else error
    if re.fullmatch(r"/api/workflows/[^/]+/executions/[^/]+", path):
        return "execution-status" if status == 200 else "error-2026"
    if re.fullmatch(r"/api/workflows/[^/]+/executions/[^/]+/cancel", path):
        return "cancel-execution" if status == 200 else "error-2026"
    if re.fullmatch(r"/api/workflows/[^/]+/paused", path):
        return "paused-executions" if status == 200 else "error-2026"
    if re.fullmatch(r"/api/(workflows/[^/]+/paused|resume/[^/]+)/[^/]+", path):
        return "paused-execution-detail" if status == 200 else "error-2026"
    if re.fullmatch(r"/api/resume/[^/]+/[^/]+/[^/]+", path):
        if status == 200:
            return "resume-result" if method == "POST" else "pause-context-detail"
        return "async-2026" if status == 202 else "error-2026"
    return "error-2026" if status >= 400 else None


def _v2_schema(method: str, path: str, status: int) -> Optional[str]:
    if status >= 400:
        return "v2-error"
    if path == "/api/v2/workspaces":
        return "v2-workspace-list"
    if re.fullmatch(r"/api/v2/workspaces/[^/]+", path):
        return "v2-workspace"
    if re.fullmatch(r"/api/v2/workspaces/[^/]+/members", path):
        return "v2-workspace-members"
    if path.endswith(("/execute", "/resume")):
        return "v2-execute-queued" if status == 202 else "v2-execute-sync"
    if path.endswith("/cancel"):
        return "v2-cancel"
    if "/runs/" in path:
        return "v2-run-status"
    return None


class Reply:
    """A complete HTTP answer."""

    def __init__(self, status: int, headers: http.client.HTTPMessage, body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))

    @property
    def frames(self) -> List[str]:
        """The ``data:`` payloads of an SSE body, in order."""
        text = self.body.decode("utf-8")
        return [line[len("data: ") :] for line in text.split("\n") if line.startswith("data: ")]

    def __repr__(self) -> str:
        return f"Reply({self.status}, {self.body[:200]!r})"


Body = Union[None, bytes, str, Dict[str, Any], List[Any]]


class Api:
    """Calls one server over a fresh connection per request; validates what comes back."""

    def __init__(self, server: LocalSimServer) -> None:
        self.server = server

    def call(
        self,
        method: str,
        path: str,
        body: Body = None,
        headers: Optional[Dict[str, str]] = None,
        key: Union[bool, str] = True,
        check: bool = True,
        timeout: float = 10.0,
    ) -> Reply:
        sent: Dict[str, str] = {}
        if key is True:
            sent["X-API-Key"] = self.server.api_key
        elif isinstance(key, str):
            sent["X-API-Key"] = key
        data: Optional[bytes] = None
        if isinstance(body, (dict, list)):
            data = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        elif isinstance(body, str):
            data = body.encode()
        else:
            data = body
        sent.update(headers or {})
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=timeout)
        try:
            conn.request(method, path, body=data, headers=sent)
            response = conn.getresponse()
            reply = Reply(response.status, response.headers, response.read())
        finally:
            conn.close()
        if check:
            self.check(method, path, reply)
        return reply

    def check(self, method: str, path: str, reply: Reply) -> None:
        """Validate a reply: x-request-id always; JSON bodies and SSE frames by schema."""
        assert re.fullmatch(r"[0-9a-f]{8}", reply.headers["x-request-id"] or "")
        era = self.server.wire_format
        content_type = reply.headers.get("Content-Type", "")
        if content_type.startswith("text/event-stream"):
            for frame in reply.frames:
                if frame == "[DONE]" and era == "2025":
                    continue
                validate(
                    "stream-frame-" + ("2026" if "/api/v2/" in path else era), json.loads(frame)
                )
            return
        if content_type.startswith("application/json") and reply.body:
            body = reply.json
            name = schema_for(era, method, path, reply.status, body)
            if name is not None:
                validate(name, body)

    def execute(self, workflow_id: str, body: Body = None, **kwargs: Any) -> Reply:
        return self.call("POST", f"/api/workflows/{workflow_id}/execute", body or {}, **kwargs)

    def get(self, path: str, **kwargs: Any) -> Reply:
        return self.call("GET", path, **kwargs)


def server_threads() -> List[str]:
    return sorted(t.name for t in threading.enumerate() if t.name.startswith("simstudio-server"))


def raw_request(
    server: LocalSimServer, request: bytes, timeout: float = 5.0
) -> Tuple[socket.socket, bytes]:
    """Send raw bytes on a new socket; return the socket and whatever arrives first."""
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=timeout)
    sock.sendall(request)
    return sock, sock.recv(65536)


def read_until_closed(sock: socket.socket, limit: int = 1 << 24) -> bytes:
    """Read until EOF (or a reset) and return the bytes."""
    data = b""
    try:
        while len(data) < limit:
            got = sock.recv(65536)
            if not got:
                break
            data += got
    except ConnectionResetError:
        pass
    return data


def post_bytes(server: LocalSimServer, path: str, body: Dict[str, Any], extra: str = "") -> bytes:
    """A raw HTTP/1.1 POST with a JSON body and the server's key."""
    payload = json.dumps(body).encode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: {server.api_key}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n{extra}\r\n"
    )
    return head.encode() + payload


def dechunk(raw: bytes) -> Tuple[List[bytes], bool]:
    """Split a chunked body into its chunks; the flag says whether the 0-chunk was seen."""
    chunks: List[bytes] = []
    rest = raw
    while rest:
        line, sep, rest = rest.partition(b"\r\n")
        if not sep:
            break
        size = int(line, 16)
        if size == 0:
            return chunks, True
        chunks.append(rest[:size])
        rest = rest[size + 2 :]
    return chunks, False


def split_response(raw: bytes) -> Tuple[str, Dict[str, str], bytes]:
    """Split raw response bytes into the status line, lower-cased headers and the body."""
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return lines[0], headers, body

"""Redirects: followed with the key only within the origin, never downgraded or turned into GET."""

from __future__ import annotations

from typing import Any, Callable, List, Tuple

import pytest
import requests
from fault_helpers import Audit, assert_readable
from requests.adapters import HTTPAdapter

from simstudio import RedirectError, SimStudioClient
from simstudio.testing import Fault, LocalSimServer

MakeClient = Callable[..., SimStudioClient]
ECHO = "/api/workflows/echo/execute"


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_same_origin_redirect_is_followed_as_the_same_post_with_the_key(
    status: int, server: LocalSimServer, make_client: MakeClient
) -> None:
    server.inject(Fault(redirect_to=ECHO, redirect_status=status), workflow_id="moved")
    client = make_client(server.base_url)
    result = client.execute_workflow("moved", {"a": 1})
    assert result.output == {"input": {"a": 1}}
    seen = [(r.method, r.path, r.body, r.headers.get("X-API-Key")) for r in server.requests]
    assert seen == [
        ("POST", "/api/workflows/moved/execute", b'{"a":1}', server.api_key),
        ("POST", ECHO, b'{"a":1}', server.api_key),
    ]
    assert server.executions("echo") == 1


def test_303_on_post_is_refused_not_turned_into_a_bodyless_get(
    server: LocalSimServer, make_client: MakeClient, audit: Audit
) -> None:
    server.inject(Fault(redirect_to=ECHO, redirect_status=303), workflow_id="moved")
    client = make_client(server.base_url)
    error = audit.expect(RedirectError, client.execute_workflow, "moved", {"a": 1})
    assert error.code == "UNSAFE_REDIRECT"
    assert error.status == 303
    assert_readable(error, "HTTP 303", "into a GET")
    assert [r.method for r in server.requests] == ["POST"]
    assert server.executions() == 0


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_cross_origin_redirect_never_reaches_the_other_server(
    status: int,
    server: LocalSimServer,
    other_server: LocalSimServer,
    make_client: MakeClient,
    audit: Audit,
) -> None:
    target = other_server.base_url + ECHO
    server.inject(Fault(redirect_to=target, redirect_status=status), workflow_id="moved")
    client = make_client(server.base_url)
    error = audit.expect(RedirectError, client.execute_workflow, "moved", {"a": 1})
    assert error.code == "UNSAFE_REDIRECT"
    assert error.status == status
    assert_readable(error, "another origin", "not following with your API key")
    assert other_server.requests == []
    assert other_server.connections_opened == 0
    assert len(server.requests) == 1


def test_cross_origin_redirect_of_a_read_and_a_stream(
    server: LocalSimServer, other_server: LocalSimServer, make_client: MakeClient, audit: Audit
) -> None:
    server.inject(Fault(redirect_to=other_server.base_url + "/api/workflows/echo/status"))
    client = make_client(server.base_url)
    audit.expect(RedirectError, client.get_workflow_status, "echo")
    audit.expect(RedirectError, client.stream_workflow, "agent", {"message": "hi"})
    audit.expect(RedirectError, client.get_usage_limits)
    assert other_server.connections_opened == 0
    assert len(server.requests) == 3  # refused redirects are not retried either


def test_scheme_relative_redirect_to_another_host_is_refused(
    server: LocalSimServer, other_server: LocalSimServer, make_client: MakeClient, audit: Audit
) -> None:
    server.inject(Fault(redirect_to=f"//localhost:{other_server.port}{ECHO}"), "moved")
    client = make_client(server.base_url)
    error = audit.expect(RedirectError, client.execute_workflow, "moved", {"a": 1})
    assert "http://localhost:" in str(error)
    assert other_server.connections_opened == 0


def test_redirect_loop_is_bounded(
    server: LocalSimServer, make_client: MakeClient, audit: Audit
) -> None:
    server.inject(Fault(redirect_to="/api/workflows/moved/execute"), workflow_id="moved")
    client = make_client(server.base_url)
    error = audit.expect(RedirectError, client.execute_workflow, "moved", {"a": 1})
    assert error.code == "UNSAFE_REDIRECT"
    assert_readable(error, "more than 5 redirects")
    assert len(server.requests) == 6


class _TlsTerminatingShim(HTTPAdapter):
    """Plays a TLS-terminating front: ``https://`` requests go to the plain local server.

    Every request that passes through the session is recorded, whichever scheme it uses.
    """

    def __init__(self, seen: List[Tuple[str, str, bool]]) -> None:
        super().__init__()
        self.seen = seen

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> Any:
        url = request.url or ""
        self.seen.append((request.method or "", url, "X-API-Key" in request.headers))
        if url.startswith("https://"):
            request.url = "http://" + url[len("https://") :]
        return super().send(request, *args, **kwargs)


def test_https_to_http_downgrade_is_refused(
    server: LocalSimServer, make_client: MakeClient, audit: Audit
) -> None:
    """The same host and port, only the scheme drops to http: the key must not follow."""
    seen: List[Tuple[str, str, bool]] = []
    session = requests.Session()
    shim = _TlsTerminatingShim(seen)
    session.mount("https://", shim)
    session.mount("http://", shim)
    plain = f"http://127.0.0.1:{server.port}{ECHO}"
    server.inject(Fault(redirect_to=plain, redirect_status=308), workflow_id="moved")
    client = make_client(f"https://127.0.0.1:{server.port}", session=session)
    try:
        error = audit.expect(RedirectError, client.execute_workflow, "moved", {"a": 1})
    finally:
        session.close()
    assert error.status == 308
    assert_readable(error, "another origin (http://127.0.0.1:")
    assert seen == [("POST", f"https://127.0.0.1:{server.port}/api/workflows/moved/execute", True)]
    assert len(server.requests) == 1

"""Transport: safe redirects (the key never leaves the origin), exception mapping, bounded reads."""

from __future__ import annotations

import json

import pytest
import requests
import responses
from _core_helpers import (
    BASE,
    EXEC_SYNC_SUCCESS,
    EXECUTE_URL,
    KEY,
    STATUS_OK,
    STATUS_URL,
    WF,
    body,
    make_client,
)
from urllib3.exceptions import NameResolutionError, NewConnectionError, ReadTimeoutError

from simstudio import (
    APIConnectionError,
    InvalidResponseError,
    RedirectError,
    RequestTimeoutError,
    SimStudioClient,
    SimStudioError,
    _transport,
)
from simstudio._transport import HTTPTransport, map_exception, request_headers

NEW_EXECUTE = f"{BASE}/v1/api/workflows/{WF}/execute"


@pytest.fixture
def client():
    return make_client(max_retries=0)


def assert_key_only_sent_to(rsps, origin):
    for call in rsps.calls:
        if not call.request.url.startswith(origin + "/"):
            assert "X-API-Key" not in call.request.headers, call.request.url


# ---------------------------------------------------------------------- same-origin redirects


@pytest.mark.parametrize("status", [307, 308, 301, 302])
def test_same_origin_post_redirect_keeps_method_body_and_key(rsps, client, status):
    rsps.add(responses.POST, EXECUTE_URL, status=status, headers={"Location": NEW_EXECUTE})
    rsps.add(responses.POST, NEW_EXECUTE, body=body(EXEC_SYNC_SUCCESS))
    result = client.execute_workflow(WF, {"message": "hello"})
    assert result.success is True
    assert len(rsps.calls) == 2
    second = rsps.calls[1].request
    assert second.method == "POST"
    assert second.url == NEW_EXECUTE
    assert json.loads(second.body) == {"message": "hello"}
    assert second.headers["X-API-Key"] == KEY
    assert second.headers["Content-Type"] == "application/json"


def test_relative_location(rsps, client):
    rsps.add(
        responses.POST, EXECUTE_URL, status=307, headers={"Location": "/v1/api/workflows/x/execute"}
    )
    rsps.add(responses.POST, f"{BASE}/v1/api/workflows/x/execute", body=body(EXEC_SYNC_SUCCESS))
    client.execute_workflow(WF, {"a": 1})
    assert rsps.calls[1].request.url == f"{BASE}/v1/api/workflows/x/execute"
    assert rsps.calls[1].request.body == b'{"a":1}'


def test_explicit_default_port_is_same_origin(rsps, client):
    target = "https://sim.example:443/other/status"
    rsps.add(responses.GET, STATUS_URL, status=301, headers={"Location": target})
    rsps.add(responses.GET, target, body=body(STATUS_OK))
    assert client.get_workflow_status(WF).is_deployed is True
    assert rsps.calls[1].request.headers["X-API-Key"] == KEY


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_get_redirect_followed(rsps, client, status):
    rsps.add(responses.GET, STATUS_URL, status=status, headers={"Location": "/moved/status"})
    rsps.add(responses.GET, f"{BASE}/moved/status", body=body(STATUS_OK))
    assert client.get_workflow_status(WF).is_deployed is True
    assert rsps.calls[1].request.method == "GET"


def test_303_on_post_refused(rsps, client):
    rsps.add(responses.POST, EXECUTE_URL, status=303, headers={"Location": "/see/other"})
    rsps.add(responses.GET, f"{BASE}/see/other", body=body(EXEC_SYNC_SUCCESS))
    with pytest.raises(RedirectError) as info:
        client.execute_workflow(WF, {"a": 1})
    assert info.value.status == 303
    assert info.value.code == "UNSAFE_REDIRECT"
    assert len(rsps.calls) == 1


def test_redirect_without_location_is_returned(rsps, client):
    rsps.add(responses.GET, STATUS_URL, status=302, body=body({"error": "moved"}))
    with pytest.raises(SimStudioError):
        client.get_workflow_status(WF)
    assert len(rsps.calls) == 1


def test_redirect_loop_stops(rsps, client):
    rsps.add(responses.GET, STATUS_URL, status=307, headers={"Location": STATUS_URL})
    with pytest.raises(RedirectError):
        client.get_workflow_status(WF)
    assert len(rsps.calls) == 6


# ----------------------------------------------------------------------------- cross-origin


@pytest.mark.parametrize(
    "location",
    [
        "https://www.sim.example/api/workflows/x/execute",
        "https://evil.example/steal",
        "//evil.example/steal",
        "https://sim.example:8443/api",
        "http://sim.example/api/workflows/x/execute",  # https -> http downgrade
        "https://sim.example.evil.example/api",
    ],
)
@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_cross_origin_redirect_refused_key_never_sent(rsps, client, location, status):
    rsps.add(responses.POST, EXECUTE_URL, status=status, headers={"Location": location})
    with pytest.raises(RedirectError) as info:
        client.execute_workflow(WF, {"a": 1})
    error = info.value
    assert error.status == status
    assert "base_url" in str(error)
    assert KEY not in str(error)
    assert KEY not in repr(error)
    assert len(rsps.calls) == 1
    assert_key_only_sent_to(rsps, BASE)


def test_cross_origin_on_get_refused(rsps, client):
    rsps.add(responses.GET, STATUS_URL, status=302, headers={"Location": "https://other.example/x"})
    rsps.add(responses.GET, "https://other.example/x", body=body(STATUS_OK))
    with pytest.raises(RedirectError):
        client.get_workflow_status(WF)
    assert [c.request.url for c in rsps.calls] == [STATUS_URL]


def test_second_hop_cross_origin_refused(rsps, client):
    rsps.add(responses.POST, EXECUTE_URL, status=307, headers={"Location": "/hop"})
    rsps.add(
        responses.POST, f"{BASE}/hop", status=307, headers={"Location": "https://evil.example/"}
    )
    with pytest.raises(RedirectError):
        client.execute_workflow(WF)
    assert len(rsps.calls) == 2
    assert_key_only_sent_to(rsps, BASE)


def test_http_to_https_upgrade_on_same_host_allowed(rsps):
    client = make_client(base_url="http://sim.example")
    rsps.add(
        responses.POST,
        f"http://sim.example/api/workflows/{WF}/execute",
        status=308,
        headers={"Location": f"https://sim.example/api/workflows/{WF}/execute"},
    )
    rsps.add(
        responses.POST,
        f"https://sim.example/api/workflows/{WF}/execute",
        body=body(EXEC_SYNC_SUCCESS),
    )
    assert client.execute_workflow(WF, {"a": 1}).success is True
    assert rsps.calls[1].request.body == b'{"a":1}'


def test_redirects_never_followed_by_requests_itself(rsps):
    seen = []

    class Recording(requests.Session):
        def request(self, method, url, **kwargs):
            seen.append((kwargs.get("allow_redirects"), kwargs.get("stream")))
            return super().request(method, url, **kwargs)

    client = make_client(session=Recording())
    rsps.add(responses.POST, EXECUTE_URL, status=307, headers={"Location": "https://evil.example/"})
    with pytest.raises(RedirectError):
        client.execute_workflow(WF)
    assert seen == [(False, True)]


# ----------------------------------------------------------------------------- exception mapping

T = (3.0, 7.0)


def test_map_connect_timeout():
    error = map_exception(requests.exceptions.ConnectTimeout("x"), "call", T)
    assert isinstance(error, RequestTimeoutError)
    assert error.code == "TIMEOUT"
    assert error.retryable is True
    assert "3s" in str(error)


def test_map_read_timeout():
    error = map_exception(requests.exceptions.ReadTimeout("x"), "call", T)
    assert isinstance(error, RequestTimeoutError)
    assert error.retryable is False
    assert "7s" in str(error)


def test_map_wrapped_urllib3_read_timeout():
    inner = ReadTimeoutError(None, "/x", "Read timed out.")
    error = map_exception(requests.exceptions.ConnectionError(inner), "call", T)
    assert isinstance(error, RequestTimeoutError)
    assert error.retryable is False


def test_map_refused():
    error = map_exception(
        requests.exceptions.ConnectionError(NewConnectionError(None, "refused")), "c", T
    )
    assert isinstance(error, APIConnectionError)
    assert error.code == "CONNECTION_ERROR"
    assert error.retryable is True


def test_map_dns_failure():
    inner = NameResolutionError("sim.example", None, OSError("nodename nor servname"))
    error = map_exception(requests.exceptions.ConnectionError(inner), "c", T)
    assert isinstance(error, APIConnectionError)
    assert "resolve the host name" in str(error)
    assert error.cause  # the socket-level reason when urllib3 kept it, else a summary
    assert error.retryable is True


def test_map_ssl():
    error = map_exception(requests.exceptions.SSLError("bad cert"), "c", T)
    assert isinstance(error, APIConnectionError)
    assert error.retryable is False
    assert "TLS" in str(error)


def test_map_broken_body():
    error = map_exception(requests.exceptions.ChunkedEncodingError("cut"), "c", T)
    assert isinstance(error, InvalidResponseError)


def test_map_unknown_request_exception():
    error = map_exception(requests.exceptions.ConnectionError("reset"), "c", T)
    assert isinstance(error, APIConnectionError)
    assert error.retryable is False


def test_raw_exceptions_never_escape(rsps, client):
    rsps.add(responses.GET, STATUS_URL, body=requests.exceptions.ChunkedEncodingError("cut"))
    with pytest.raises(SimStudioError) as info:
        client.get_workflow_status(WF)
    assert info.value.__cause__ is None
    assert info.value.__suppress_context__ is True


# ----------------------------------------------------------------------------- bounded reads


def test_success_body_over_limit_refused(rsps, client, monkeypatch):
    monkeypatch.setattr(_transport, "MAX_SUCCESS_BYTES", 1024)
    rsps.add(responses.POST, EXECUTE_URL, body=body({"output": "x" * 5000, "success": True}))
    with pytest.raises(InvalidResponseError) as info:
        client.execute_workflow(WF)
    assert info.value.status == 200


def test_error_body_over_limit_truncated_not_fatal(rsps, client, monkeypatch):
    monkeypatch.setattr(_transport, "MAX_ERROR_BYTES", 100)
    rsps.add(responses.POST, EXECUTE_URL, body=b"E" * 1000, status=500, content_type="text/plain")
    with pytest.raises(SimStudioError) as info:
        client.execute_workflow(WF)
    assert info.value.status == 500
    assert len(info.value.body) == 100


# ----------------------------------------------------------------------------- headers and sessions


def test_request_headers():
    headers = request_headers(KEY, "ua/1", {"X-Execution-Mode": "async"})
    assert headers == {
        "X-API-Key": KEY,
        "User-Agent": "ua/1",
        "Accept": "application/json",
        "X-Execution-Mode": "async",
    }


def test_owned_session_has_pooling_adapter():
    transport = HTTPTransport(None)
    adapter = transport.session.get_adapter("https://sim.example")
    assert adapter._pool_maxsize >= 10
    transport.close()


def test_injected_session_kept():
    session = requests.Session()
    transport = HTTPTransport(session)
    assert transport.session is session
    transport.close()
    assert session.adapters  # still usable


# ----------------------------------------------------------------------------- what was tried


def _closed_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_refused_connection_names_the_origin_and_the_reason_over_a_real_socket():
    port = _closed_port()
    client = SimStudioClient(api_key=KEY, base_url=f"http://127.0.0.1:{port}", max_retries=0)
    with pytest.raises(APIConnectionError) as info:
        client.get_workflow_status("wf")
    error = info.value
    assert f"could not connect to http://127.0.0.1:{port} (connection refused)" in str(error)
    assert (error.cause, error.url, error.retryable) == (
        "connection refused",
        f"http://127.0.0.1:{port}",
        True,
    )
    # The socket-level cause is there for code that wants it; the requests exception (which
    # holds the request and its X-API-Key header) is not reachable from the error.
    assert isinstance(error.__cause__, ConnectionRefusedError)
    assert error.__context__ is None
    assert error.__cause__.__context__ is None


def test_origin_text_leaves_out_default_ports():
    error = map_exception(requests.exceptions.ConnectTimeout(), "c", T, "https://sim.example/a")
    assert "could not connect to https://sim.example within 3s" in str(error)

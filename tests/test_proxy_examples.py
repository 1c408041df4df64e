"""The Flask and Django proxy examples, driven by Flask's and Django's own test clients.

Both proxies run against the embedded LocalSimServer: events must arrive in order and end with
the quoted terminator, the SSE headers must stop buffering, and closing the response mid-stream
(what the WSGI server does when the browser goes away) must close the upstream connection, which
the local server records as a disconnect.
"""

from __future__ import annotations

import json
import time
from types import ModuleType
from typing import Any, Callable, Dict, Iterator, List

import pytest
from _example_helpers import EXAMPLES, import_file, wait_for

from simstudio import SimStudioClient
from simstudio.sse import SSEDecoder
from simstudio.testing import LocalSimServer

MESSAGE = "one two three four five"
WORDS = ["one", " two", " three", " four", " five"]


def load_example(filename: str, module_name: str) -> ModuleType:
    """Import an example file under a unique module name (Django resolves its URLconf by it)."""
    return import_file(EXAMPLES / filename, module_name)


class Opened:
    """A streamed proxy response: headers, the body chunk by chunk, and close()."""

    def __init__(self, headers: Dict[str, str], chunks: Iterator[bytes], close: Callable[[], None]):
        self.headers = headers
        self.chunks = chunks
        self.close = close

    def events(self) -> List[Any]:
        """Read to the end; each SSE data field, JSON-decoded."""
        decoder = SSEDecoder()
        out = []
        for chunk in self.chunks:
            out.extend(json.loads(event.data) for event in decoder.feed(chunk))
        self.close()
        return out


def open_flask(client: SimStudioClient, workflow_id: str, message: str) -> Opened:
    """``GET /stream`` through Flask's test client, unbuffered."""
    example = load_example("flask_proxy.py", "flask_proxy_example")
    app = example.create_app(client, workflow_id, ["agent1.content"])
    response = app.test_client().get("/stream", query_string={"message": message}, buffered=False)
    assert response.status_code == 200
    return Opened(dict(response.headers), response.iter_encoded(), response.close)


def open_django(client: SimStudioClient, workflow_id: str, message: str) -> Opened:
    """``GET /stream`` through Django's test client (its responses always stream lazily)."""
    example = load_example("django_proxy.py", "django_proxy_example")
    from django.test import Client

    example.configure(client, workflow_id, ["agent1.content"])
    response = Client().get("/stream", {"message": message})
    assert response.status_code == 200
    assert response.streaming
    headers = dict(response.items())
    return Opened(headers, iter(response.streaming_content), response.close)


OPENERS = {"flask": open_flask, "django": open_django}


@pytest.fixture(params=sorted(OPENERS))
def open_stream(request: pytest.FixtureRequest) -> Callable[..., Opened]:
    """The Flask or the Django proxy."""
    return OPENERS[request.param]


def client_for(server: LocalSimServer) -> SimStudioClient:
    return SimStudioClient(api_key=server.api_key, base_url=server.base_url)


def test_events_are_forwarded_in_order_with_terminator_and_sse_headers(
    open_stream: Callable[..., Opened], sim_server: LocalSimServer, sim_client: SimStudioClient
) -> None:
    opened = open_stream(sim_client, "agent", MESSAGE)
    assert opened.headers["Content-Type"].startswith("text/event-stream")
    assert opened.headers["Cache-Control"] == "no-cache"
    assert opened.headers["X-Accel-Buffering"] == "no"

    events = opened.events()

    assert [event["chunk"] for event in events[:-2]] == WORDS
    assert events[-2]["event"] == "final"
    assert events[-2]["data"]["success"] is True
    assert events[-1] == "[DONE]"  # the quoted terminator: data: "[DONE]"
    assert sim_server.executions("agent") == 1
    assert sim_server.disconnects == []


def test_a_failing_workflow_is_forwarded_as_an_error_frame_then_the_terminator(
    open_stream: Callable[..., Opened], sim_client: SimStudioClient
) -> None:
    events = open_stream(sim_client, "failing", MESSAGE).events()

    assert events == [
        {"event": "error", "error": "Agent 1: simulated upstream failure"},
        "[DONE]",
    ]


def test_a_refused_request_still_reaches_the_browser_as_error_and_terminator(
    open_stream: Callable[..., Opened], sim_client: SimStudioClient
) -> None:
    events = open_stream(sim_client, "no-such-workflow", MESSAGE).events()

    assert len(events) == 2
    assert events[0]["event"] == "error"
    assert "no-such-workflow" in events[0]["error"]
    assert events[1] == "[DONE]"


def test_closing_the_response_mid_stream_closes_the_upstream_connection(
    open_stream: Callable[..., Opened], sim_server_factory: Callable[..., LocalSimServer]
) -> None:
    words = 60
    server = sim_server_factory(stream_chunk_delay=0.05)  # the full stream takes ~3 s
    client = client_for(server)
    try:
        opened = open_stream(client, "agent", " ".join(["word"] * words))
        decoder = SSEDecoder()
        received: List[str] = []
        for chunk in opened.chunks:
            received.extend(event.data for event in decoder.feed(chunk))
            if len(received) >= 2:
                break
        assert server.disconnects == []

        closed_at = time.monotonic()
        opened.close()  # what the WSGI server does when the browser goes away

        assert wait_for(lambda: bool(server.disconnects), timeout=2.0), "no disconnect seen"
        noticed_after = time.monotonic() - closed_at
        (disconnect,) = server.disconnects
        assert disconnect.workflow_id == "agent"
        assert 2 <= disconnect.events_sent < words
        assert noticed_after < 1.0  # a few chunk delays, not the rest of the stream
        assert server.executions("agent") == 1
    finally:
        client.close()


def test_a_response_closed_before_it_is_read_leaves_no_upstream_connection(
    open_stream: Callable[..., Opened], sim_server_factory: Callable[..., LocalSimServer]
) -> None:
    # Django does not touch the body before it is iterated; Werkzeug reads the first chunk to
    # get the status. Either way nothing may stay connected to Sim once the response is closed.
    server = sim_server_factory(stream_chunk_delay=0.05)
    client = client_for(server)
    try:
        opened = open_stream(client, "agent", " ".join(["word"] * 60))
        opened.close()

        assert wait_for(lambda: server.open_connections == 0, timeout=2.0)
        assert server.executions("agent") <= 1
    finally:
        client.close()


@pytest.mark.parametrize(
    ("filename", "module_name"),
    [("flask_proxy.py", "flask_proxy_example"), ("django_proxy.py", "django_proxy_example")],
)
def test_client_from_env_uses_sim_base_url_when_set_else_an_embedded_server(
    filename: str,
    module_name: str,
    sim_server: LocalSimServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    example = load_example(filename, module_name)

    monkeypatch.delenv("SIM_BASE_URL", raising=False)
    client, embedded = example.client_from_env()
    try:
        assert isinstance(embedded, LocalSimServer)
        assert client.execute_workflow("echo", {"a": 1}).output == {"input": {"a": 1}}
        assert embedded.executions("echo") == 1
    finally:
        client.close()
        if embedded is not None:
            embedded.stop()

    monkeypatch.setenv("SIM_BASE_URL", sim_server.base_url)
    monkeypatch.setenv("SIM_API_KEY", sim_server.api_key)
    monkeypatch.setenv("SIM_SELECTED_OUTPUTS", "agent1.content, agent1.tokens,")
    client, embedded = example.client_from_env()
    try:
        assert embedded is None
        assert client.execute_workflow("echo").success
        assert sim_server.executions("echo") == 1
        assert example.outputs_from_env() == ["agent1.content", "agent1.tokens"]
    finally:
        client.close()

"""examples/webapp in a real browser: headless Chromium against the app and a LocalSimServer.

Chromium is driven over its DevTools pipe by ``examples/webapp/cdp.py`` (standard library only,
no driver binary). The app runs in a threaded Werkzeug server on an ephemeral loopback port and
calls the embedded local server, which counts executions and records disconnects.

Without a usable Chromium every test here is skipped with the reason; set
``SIMSTUDIO_REQUIRE_BROWSER=1`` (CI) to make that a failure instead.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, Dict, Iterator, List

import pytest
from _example_helpers import EXAMPLES, import_file, wait_for

from simstudio import SimStudioClient
from simstudio.testing import LocalSimServer

pytestmark = pytest.mark.browser

WEBAPP = EXAMPLES / "webapp"
#: The SSE ``retry`` the app sends: how long the EventSource waits before reconnecting.
RETRY_MS = 200
#: Long enough for several reconnects, had the page or the proxy let one happen.
PAST_RETRY = 5 * RETRY_MS / 1000
SETTLED = (
    "['done', 'error', 'interrupted'].includes(document.body.dataset.state)"
    " && document.body.dataset.state"
)
# Installed before the page's scripts: records what every EventSource of the page sees.
RECORD_EVENTSOURCE = """
(() => {
  const Native = window.EventSource;
  const seen = window.__sse = { created: 0, opened: 0, errors: 0, messages: [] };
  function Recording(url, init) {
    const source = new Native(url, init);
    seen.created += 1;
    source.addEventListener("open", () => { seen.opened += 1; });
    source.addEventListener("error", () => { seen.errors += 1; });
    source.addEventListener("message", (message) => { seen.messages.push(message.data); });
    return source;
  }
  Recording.prototype = Native.prototype;
  Recording.CONNECTING = 0; Recording.OPEN = 1; Recording.CLOSED = 2;
  window.EventSource = Recording;
})();
"""


def load(filename: str, module_name: str) -> ModuleType:
    """Import a file of examples/webapp under a unique module name."""
    return import_file(WEBAPP / filename, module_name)


webapp = load("app.py", "simstudio_webapp_app")
cdp = load("cdp.py", "simstudio_webapp_cdp")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium for the module; skipped (with the reason) when unavailable."""
    try:
        chromium = cdp.Chromium().start()
    except cdp.BrowserUnavailableError as error:
        reason = f"headless Chromium unavailable: {error}"
        if os.environ.get("SIMSTUDIO_REQUIRE_BROWSER"):
            pytest.fail(reason)
        pytest.skip(reason)
    try:
        yield chromium
    finally:
        chromium.close()


class RunningApp:
    """The demo app served in a thread, counting its ``/stream/`` answers by status."""

    def __init__(self, server: LocalSimServer, workflow_id: str, **flags: Any) -> None:
        self.client = SimStudioClient(api_key=server.api_key, base_url=server.base_url)
        app = webapp.create_app(
            self.client, workflow_id, ["agent1.content"], retry_ms=RETRY_MS, **flags
        )
        self.stream_statuses: List[int] = []
        inner = app.wsgi_app

        def counting(environ: Dict[str, Any], start_response: Callable[..., Any]) -> Any:
            def record(status: str, *rest: Any) -> Any:
                if environ["PATH_INFO"].startswith("/stream/"):
                    self.stream_statuses.append(int(status.split()[0]))
                return start_response(status, *rest)

            return inner(environ, record)

        app.wsgi_app = counting  # type: ignore[method-assign]
        self.web = webapp.BackgroundServer(app)
        self.url = self.web.url + "/"

    def stop(self) -> None:
        self.web.stop()
        self.client.close()


@pytest.fixture
def serve() -> Iterator[Callable[..., RunningApp]]:
    """Start the demo app against a server: ``serve(server, workflow_id, **flags)``."""
    apps: List[RunningApp] = []

    def start(server: LocalSimServer, workflow_id: str = "agent", **flags: Any) -> RunningApp:
        running = RunningApp(server, workflow_id, **flags)
        apps.append(running)
        return running

    yield start
    for running in apps:
        running.stop()


@pytest.fixture
def open_page(browser: Any) -> Iterator[Callable[[RunningApp], Any]]:
    """Open the app in a new tab that records its EventSource traffic; closed after the test."""
    pages: List[Any] = []

    def opened(running: RunningApp) -> Any:
        page = browser.new_page()
        pages.append(page)
        page.add_init_script(RECORD_EVENTSOURCE)
        page.goto(running.url)
        page.wait_for("document.getElementById('workflow').textContent !== '…'")
        return page

    yield opened
    for page in pages:
        with contextlib.suppress(cdp.BrowserError):  # the test may have closed it already
            page.close()


def submit(page: Any, message: str) -> None:
    page.type_text("#message", message)
    page.click("#run")
    page.wait_for("document.body.dataset.state !== 'idle'")


def chunks_seen(page: Any) -> List[str]:
    frames = [json.loads(data) for data in page.evaluate("window.__sse.messages")]
    return [frame["chunk"] for frame in frames if isinstance(frame, dict) and "chunk" in frame]


def test_the_answer_streams_in_order_and_each_submission_runs_once(
    sim_server_factory: Callable[..., LocalSimServer],
    serve: Callable[..., RunningApp],
    open_page: Callable[[RunningApp], Any],
) -> None:
    server = sim_server_factory(stream_chunk_delay=0.01)
    running = serve(server)
    page = open_page(running)
    messages = [
        "one two three four five six seven eight nine ten eleven twelve",
        "a second submission, streamed in its own run",
    ]

    for number, message in enumerate(messages, start=1):
        submit(page, message)

        assert page.wait_for(SETTLED) == "done"
        assert page.evaluate("document.getElementById('answer').textContent") == message
        assert "".join(chunks_seen(page)) == message
        assert page.evaluate("document.getElementById('result').hidden") is False
        assert page.evaluate("document.getElementById('error').hidden") is True
        status = page.evaluate("document.getElementById('status').textContent")
        assert status.startswith(f"Completed · {len(message.split())} chunks")

        # The page closed its EventSource on the final frame; give a reconnect every chance.
        time.sleep(PAST_RETRY)
        assert server.executions("agent") == number
        assert running.stream_statuses == [200] * number
        assert page.evaluate("window.__sse.opened") == number
        assert page.evaluate(SETTLED) == "done"
        page.evaluate("window.__sse.messages = []")
    assert server.disconnects == []


def test_a_failing_workflow_shows_its_error_and_runs_once(
    sim_server: LocalSimServer,
    serve: Callable[..., RunningApp],
    open_page: Callable[[RunningApp], Any],
) -> None:
    running = serve(sim_server, "failing")
    page = open_page(running)

    submit(page, "this run fails")

    assert page.wait_for(SETTLED) == "error"
    error = page.evaluate("document.getElementById('error-text').textContent")
    assert error == "Agent 1: simulated upstream failure"
    assert page.evaluate("document.getElementById('result').hidden") is True
    time.sleep(PAST_RETRY)
    assert sim_server.executions("failing") == 1
    assert running.stream_statuses == [200]


@pytest.mark.parametrize("leave", ["navigate-away", "close-tab"])
def test_leaving_the_page_mid_stream_closes_the_upstream_stream(
    leave: str,
    sim_server_factory: Callable[..., LocalSimServer],
    serve: Callable[..., RunningApp],
    open_page: Callable[[RunningApp], Any],
) -> None:
    words = 80
    server = sim_server_factory(stream_chunk_delay=0.05)  # the full stream takes ~4 s
    running = serve(server)
    page = open_page(running)
    submit(page, " ".join(f"w{index}" for index in range(words)))
    page.wait_for("window.__sse.messages.length >= 3")
    assert server.disconnects == []

    left_at = time.monotonic()
    if leave == "navigate-away":
        page.goto("about:blank")
    else:
        page.close()

    assert wait_for(lambda: bool(server.disconnects), timeout=3.0, interval=0.02), (
        "Sim saw no disconnect"
    )
    noticed_after = time.monotonic() - left_at
    (disconnect,) = server.disconnects
    assert disconnect.workflow_id == "agent"
    assert 3 <= disconnect.events_sent < words
    assert noticed_after < 2.0  # well before the ~4 s stream would have ended by itself
    assert server.executions("agent") == 1


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        # Both safeguards broken (what the naive docs-style proxy does): the stream just ends,
        # the EventSource reconnects after `retry`, and every reconnect runs the workflow again.
        ({"strip_terminal": True, "one_shot": False}, "reruns"),
        # Only the terminal frame dropped: the page cannot tell the run ended, the reconnect gets
        # 204 so nothing re-runs, but the page shows an interrupted run instead of the result.
        ({"strip_terminal": True}, "interrupted"),
        # Only the one-shot guard off: the page still closes its EventSource on the final frame.
        ({"one_shot": False}, "done"),
    ],
    ids=["naive-proxy", "terminal-stripped", "no-one-shot-guard"],
)
def test_the_exactly_once_check_catches_a_proxy_that_ends_without_a_terminal_event(
    flags: Dict[str, bool],
    expected: str,
    sim_server: LocalSimServer,
    serve: Callable[..., RunningApp],
    open_page: Callable[[RunningApp], Any],
) -> None:
    """The exactly-once assertions above are not vacuous: broken variants of the app fail them.

    ``create_app`` has two deliberate-bug switches. ``strip_terminal`` forwards every event but
    the terminal frame and the terminator, so the stream simply ends; ``one_shot=False`` lets
    every ``GET /stream/<run>`` start the run, as a proxy keyed on the request does. With both
    (the naive proxy) the browser's automatic reconnect re-runs the workflow every ``retry`` ms,
    and ``server.executions("agent")`` exceeds 1 -- the assertion of the main test would fail.
    Each safeguard alone keeps the count at 1 (defence in depth); a stripped terminal frame is
    then still caught by the main test's ``state == "done"`` assertion, since the page reports
    an interrupted run.
    """
    running = serve(sim_server, **flags)
    page = open_page(running)
    message = "the workflow must run once"

    submit(page, message)

    if expected == "reruns":
        assert wait_for(
            lambda: sim_server.executions("agent") > 1, timeout=10 * PAST_RETRY, interval=0.02
        )
        assert page.evaluate("window.__sse.opened") > 1
        assert page.evaluate("document.body.dataset.state") != "done"
        page.goto("about:blank")  # stop the reconnect loop
        return
    assert page.wait_for(SETTLED) == expected
    time.sleep(PAST_RETRY)
    assert sim_server.executions("agent") == 1
    assert page.evaluate("document.getElementById('answer').textContent") == message
    if expected == "interrupted":
        assert running.stream_statuses == [200, 204]  # the reconnect, refused
        assert page.evaluate("document.getElementById('error').hidden") is False
    else:
        assert running.stream_statuses == [200]


def test_the_screenshot_script_captures_the_page_mid_stream_and_done(
    browser: Any, tmp_path: Path
) -> None:
    # screenshots.py imports its siblings by plain name, as a script run from its folder does.
    saved = {name: sys.modules.pop(name, None) for name in ("app", "cdp")}
    sys.path.insert(0, str(WEBAPP))
    try:
        screenshots = load("screenshots.py", "simstudio_webapp_screenshots")
    finally:
        sys.path.remove(str(WEBAPP))
        for name, module in saved.items():
            sys.modules.pop(name, None)
            if module is not None:
                sys.modules[name] = module

    paths = screenshots.take_screenshots(tmp_path, browser, chunk_delay=0.03)

    for path in paths.values():
        data = path.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        assert (width, height) == (900, 640)
    assert paths["streaming"].read_bytes() != paths["done"].read_bytes()

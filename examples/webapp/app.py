"""Streaming web demo: a Flask app whose page watches a Sim workflow's answer stream in.

Run it::

    python examples/webapp/app.py                 # http://127.0.0.1:5000
    python examples/webapp/app.py --workflow failing

Without ``SIM_BASE_URL`` it starts an embedded ``LocalSimServer`` (the built-in ``agent``
workflow streams the words of the message); with ``SIM_BASE_URL`` and ``SIM_API_KEY`` set
(``https://sim.ai`` for the hosted service) it calls that deployment. The workflow receives
``{"message": <text>}``; ``--workflow`` and ``--output`` choose the workflow and the block
outputs to stream (default ``agent`` and ``agent1.content``).

How a submission flows, and why:

1. ``POST /runs`` stores the message under a fresh run id and answers ``{"run_id",
   "stream_url"}``. Nothing runs yet.
2. The page opens ``EventSource(stream_url)``; ``GET /stream/<run_id>`` claims the run (once)
   and forwards the workflow's events with ``stream.iter_sse()``, which always ends with the
   terminal frame and the ``data: "[DONE]"`` terminator.
3. The page closes the ``EventSource`` on the terminal frame. An ``EventSource`` that sees its
   stream end reconnects by itself, so the server also makes reconnects harmless: a second
   ``GET`` of the same run answers ``204 No Content``, which stops the ``EventSource`` for good
   instead of running the workflow again.
4. When the browser goes away, the WSGI server closes the response iterator, which closes the
   upstream connection to Sim (a Sim server at HEAD then cancels the run).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
import threading
import time
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

from flask import Flask, Response, jsonify, request, send_from_directory

from simstudio import SimStudioClient, SimStudioError
from simstudio.sse import encode_event
from simstudio.testing import LocalSimServer

STATIC = Path(__file__).resolve().parent / "static"
#: ``no-cache`` keeps caches out; ``X-Accel-Buffering: no`` stops nginx buffering the stream.
SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
TERMINATOR = b'data: "[DONE]"\n\n'
MAX_MESSAGE_CHARS = 20_000


class RunStore:
    """Submitted runs waiting for their stream; each can be claimed exactly once.

    Args:
        max_pending: How many unclaimed runs are kept (older ones are dropped first).
        ttl: Seconds an unclaimed run is kept.
    """

    def __init__(self, max_pending: int = 1000, ttl: float = 600.0) -> None:
        """Create an empty store."""
        self._lock = threading.Lock()
        self._pending: Dict[str, Tuple[float, Any]] = {}
        self._max_pending = max_pending
        self._ttl = ttl

    def create(self, input_data: Any) -> str:
        """Store a run's input and return its new, unguessable id."""
        run_id = secrets.token_urlsafe(16)
        now = time.monotonic()
        with self._lock:
            for key, (created, _) in list(self._pending.items()):
                if now - created > self._ttl:
                    del self._pending[key]
            while len(self._pending) >= self._max_pending:
                del self._pending[next(iter(self._pending))]
            self._pending[run_id] = (now, input_data)
        return run_id

    def claim(self, run_id: str) -> Optional[Any]:
        """The run's input the first time it is asked for; ``None`` afterwards (or if unknown)."""
        with self._lock:
            entry = self._pending.pop(run_id, None)
        return None if entry is None else entry[1]

    def peek(self, run_id: str) -> Optional[Any]:
        """The run's input without claiming it (for the deliberately broken mode)."""
        with self._lock:
            entry = self._pending.get(run_id)
        return None if entry is None else entry[1]


def create_app(
    client: SimStudioClient,
    workflow_id: str = "agent",
    selected_outputs: Sequence[str] = ("agent1.content",),
    *,
    retry_ms: Optional[int] = None,
    backend: str = "",
    one_shot: bool = True,
    strip_terminal: bool = False,
) -> Flask:
    """Build the demo app.

    Args:
        client: The client every run goes through.
        workflow_id: The workflow the page runs.
        selected_outputs: Block outputs to stream as text.
        retry_ms: Sent as the SSE ``retry`` field: the ``EventSource`` reconnect delay (the
            browser's default, about 3 s, when ``None``).
        backend: Where runs go, shown on the page.
        one_shot: Deliberate-bug switch for the tests; ``False`` lets every ``GET`` of a run
            start it again, as a naive proxy does. Never turn it off.
        strip_terminal: Deliberate-bug switch for the tests; ``True`` drops the terminal frame
            and the terminator, so the stream just ends. Never turn it on.

    Returns:
        The Flask application.
    """
    app = Flask(__name__, static_folder=None)
    runs = RunStore()
    outputs = list(selected_outputs)

    @app.get("/")
    def index() -> Response:
        return send_from_directory(STATIC, "index.html")

    @app.get("/static/<path:name>")
    def static_file(name: str) -> Response:
        return send_from_directory(STATIC, name)

    @app.get("/config")
    def config() -> Response:
        return jsonify(workflow_id=workflow_id, selected_outputs=outputs, backend=backend)

    @app.post("/runs")
    def create_run() -> Tuple[Response, int]:
        body = request.get_json(silent=True)
        message = body.get("message") if isinstance(body, dict) else None
        if not isinstance(message, str) or not message.strip():
            return jsonify(error="Type a message first."), 400
        if len(message) > MAX_MESSAGE_CHARS:
            return jsonify(error=f"Messages are limited to {MAX_MESSAGE_CHARS} characters."), 400
        run_id = runs.create({"message": message})
        return jsonify(run_id=run_id, stream_url=f"/stream/{run_id}"), 201

    @app.get("/stream/<run_id>")
    def stream(run_id: str) -> Response:
        input_data = runs.claim(run_id) if one_shot else runs.peek(run_id)
        if input_data is None:
            # Already streamed (an EventSource reconnecting) or unknown: 204 tells an
            # EventSource to stop reconnecting, and nothing runs again.
            return Response(status=204)
        events = relay(client, workflow_id, input_data, outputs, retry_ms, strip_terminal)
        return Response(events, mimetype="text/event-stream", headers=SSE_HEADERS)

    return app


def relay(
    client: SimStudioClient,
    workflow_id: str,
    input_data: Any,
    selected_outputs: List[str],
    retry_ms: Optional[int] = None,
    strip_terminal: bool = False,
) -> Iterator[bytes]:
    """Run the workflow and yield its events as SSE bytes, ending with the terminator.

    Closing the generator (the browser went away) closes the upstream connection.
    """
    if retry_ms is not None:
        yield b"retry: %d\n\n" % retry_ms  # no data: sets the reconnect delay, dispatches nothing
    try:
        stream = client.stream_workflow(workflow_id, input_data, selected_outputs=selected_outputs)
    except SimStudioError as error:  # refused before streaming: auth, 404, 429, 402, ...
        yield encode_event(json.dumps({"event": "error", "error": str(error)}))
        yield TERMINATOR
        return
    with stream:
        if strip_terminal:  # the deliberate bug: the browser never learns the run ended
            for event in stream:
                if not event.is_terminal:
                    yield event.to_sse()
            return
        yield from stream.iter_sse()


class BackgroundServer:
    """A threaded Werkzeug server running an app in a background thread (tests, screenshots).

    Args:
        app: The WSGI application.
        host: Interface to bind.
        port: Port to bind; 0 picks a free one.
    """

    def __init__(self, app: Any, host: str = "127.0.0.1", port: int = 0) -> None:
        """Bind and start serving."""
        from werkzeug.serving import WSGIRequestHandler, make_server

        class QuietHandler(WSGIRequestHandler):
            def log_request(self, code: Any = "-", size: Any = "-") -> None:
                pass

        self._server = make_server(host, port, app, threaded=True, request_handler=QuietHandler)
        self.url = f"http://{host}:{self._server.server_port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="webapp-server", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop accepting requests and close the listening socket."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5.0)

    def __enter__(self) -> BackgroundServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def client_from_env(
    chunk_delay: float = 0.08,
) -> Tuple[SimStudioClient, Optional[LocalSimServer], str]:
    """A client for ``SIM_BASE_URL`` (key from ``SIM_API_KEY``), else for an embedded server.

    Args:
        chunk_delay: Seconds between chunks of the embedded server, so streaming is visible.

    Returns:
        The client, the embedded server (``None`` for a real deployment), and a label.
    """
    base_url = os.environ.get("SIM_BASE_URL")
    if base_url:
        return SimStudioClient(), None, f"Sim at {base_url}"
    server = LocalSimServer(stream_chunk_delay=chunk_delay).start()
    client = SimStudioClient(api_key=server.api_key, base_url=server.base_url)
    return client, server, "the embedded local Sim server"


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Parse the command line and serve the demo until Ctrl-C."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "5000")))
    parser.add_argument("--workflow", default=os.environ.get("SIM_WORKFLOW_ID", "agent"))
    parser.add_argument(
        "--output",
        action="append",
        help="a block output to stream, e.g. agent1.content (repeatable)",
    )
    parser.add_argument("--retry-ms", type=int, default=None, help="EventSource retry delay")
    args = parser.parse_args(argv)
    client, server, backend = client_from_env()
    app = create_app(
        client,
        args.workflow,
        args.output or ["agent1.content"],
        retry_ms=args.retry_ms,
        backend=backend,
    )
    print(f"Workflow {args.workflow!r} runs on {backend}", file=sys.stderr)
    try:
        app.run(host=args.host, port=args.port, threaded=True)
    finally:
        client.close()
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()

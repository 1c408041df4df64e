"""Flask proxy: forward a Sim workflow's stream to the browser as Server-Sent Events.

Run it (Flask is in the ``dev`` extra)::

    python examples/flask_proxy.py
    curl -N 'http://127.0.0.1:5000/stream?message=Hello+streaming+world'

Without ``SIM_BASE_URL`` it starts an embedded ``LocalSimServer`` and streams its built-in
``agent`` workflow; with ``SIM_BASE_URL`` and ``SIM_API_KEY`` set (``https://sim.ai`` for the
hosted service) it calls that deployment. ``SIM_WORKFLOW_ID`` and ``SIM_SELECTED_OUTPUTS``
(comma-separated, default ``agent1.content``) pick the workflow and the block outputs to stream.

The SDK does the SSE work: ``stream.iter_sse()`` re-encodes every event, always ends with the
``data: "[DONE]"`` terminator (after an ``error`` frame if the upstream broke), and closing the
generator -- which the WSGI server does when the browser goes away -- closes the connection to
Sim at once. A browser ``EventSource`` reconnects when a stream ends, and this ``GET`` would run
the workflow again: the page must close it on the terminal event. ``examples/webapp/`` shows
the full pattern (one run id per submission, so a reconnect cannot re-run anything).
"""

from __future__ import annotations

import json
import os
from typing import Any, Iterator, List, Optional, Sequence, Tuple

from flask import Flask, Response, request, stream_with_context

from simstudio import SimStudioClient, SimStudioError
from simstudio.sse import encode_event
from simstudio.testing import LocalSimServer

#: ``no-cache`` keeps caches out; ``X-Accel-Buffering: no`` stops nginx buffering the stream.
SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
TERMINATOR = b'data: "[DONE]"\n\n'


def relay(
    client: SimStudioClient,
    workflow_id: str,
    input_data: Any,
    selected_outputs: Sequence[str],
) -> Iterator[bytes]:
    """Run the workflow and yield its events as SSE bytes, ending with the terminator.

    The upstream request is sent when the first chunk is asked for, so a response that is never
    iterated opens nothing; closing the generator closes the upstream connection.
    """
    try:
        stream = client.stream_workflow(
            workflow_id, input_data, selected_outputs=list(selected_outputs)
        )
    except SimStudioError as error:  # refused before streaming: auth, 404, 429, 402, ...
        yield encode_event(json.dumps({"event": "error", "error": str(error)}))
        yield TERMINATOR
        return
    with stream:
        yield from stream.iter_sse()


def create_app(
    client: SimStudioClient,
    workflow_id: str = "agent",
    selected_outputs: Sequence[str] = ("agent1.content",),
) -> Flask:
    """A Flask app whose ``GET /stream?message=...`` streams one run of ``workflow_id``."""
    app = Flask(__name__)

    @app.get("/stream")
    def stream() -> Response:
        events = relay(
            client, workflow_id, {"message": request.args.get("message", "")}, selected_outputs
        )
        return Response(
            stream_with_context(events), mimetype="text/event-stream", headers=SSE_HEADERS
        )

    return app


def client_from_env() -> Tuple[SimStudioClient, Optional[LocalSimServer]]:
    """A client for ``SIM_BASE_URL`` (key from ``SIM_API_KEY``), else for an embedded server."""
    if os.environ.get("SIM_BASE_URL"):
        return SimStudioClient(), None
    server = LocalSimServer(stream_chunk_delay=0.1).start()
    return SimStudioClient(api_key=server.api_key, base_url=server.base_url), server


def outputs_from_env() -> List[str]:
    """The block outputs to stream, from ``SIM_SELECTED_OUTPUTS`` (comma-separated)."""
    value = os.environ.get("SIM_SELECTED_OUTPUTS", "agent1.content")
    return [item.strip() for item in value.split(",") if item.strip()]


def main() -> None:
    """Serve the proxy on http://127.0.0.1:5000 (``PORT`` overrides the port)."""
    client, server = client_from_env()
    app = create_app(client, os.environ.get("SIM_WORKFLOW_ID", "agent"), outputs_from_env())
    try:
        app.run(host="127.0.0.1", port=int(os.environ.get("PORT", "5000")), threaded=True)
    finally:
        client.close()
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()

"""Django proxy: forward a Sim workflow's stream to the browser as Server-Sent Events.

A complete single-file Django project (settings, URLconf, view). Run it::

    python examples/django_proxy.py            # serves http://127.0.0.1:8000
    curl -N 'http://127.0.0.1:8000/stream?message=Hello+streaming+world'

Without ``SIM_BASE_URL`` it starts an embedded ``LocalSimServer`` and streams its built-in
``agent`` workflow; with ``SIM_BASE_URL`` and ``SIM_API_KEY`` set (``https://sim.ai`` for the
hosted service) it calls that deployment. ``SIM_WORKFLOW_ID`` and ``SIM_SELECTED_OUTPUTS``
(comma-separated, default ``agent1.content``) pick the workflow and the block outputs to stream.

``StreamingHttpResponse`` closes its iterator when the WSGI server closes the response (the
browser went away), which closes the upstream connection to Sim. Keep ``GZipMiddleware`` off
this view: it buffers. Under ASGI use an async iterator instead (Django warns about a sync one).
A browser ``EventSource`` reconnects when a stream ends and would re-run the workflow: see
``examples/webapp/`` for the one-run-per-submission pattern.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

import django
from django.conf import settings
from django.http import HttpRequest, StreamingHttpResponse
from django.urls import path

from simstudio import SimStudioClient, SimStudioError
from simstudio.sse import encode_event
from simstudio.testing import LocalSimServer

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY", "django-proxy-example-not-secret"),
        ROOT_URLCONF=__name__,
        ALLOWED_HOSTS=["127.0.0.1", "localhost", "[::1]", "testserver"],
        INSTALLED_APPS=[],
        MIDDLEWARE=[],  # no GZip/ConditionalGet middleware: they would buffer the stream
        USE_TZ=True,
    )
    django.setup()

#: ``no-cache`` keeps caches out; ``X-Accel-Buffering: no`` stops nginx buffering the stream.
SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
TERMINATOR = b'data: "[DONE]"\n\n'

#: What the view streams; set by :func:`configure` (``main()`` or a test) before serving.
SIM: Dict[str, Any] = {"client": None, "workflow_id": "agent", "outputs": ["agent1.content"]}


def configure(
    client: SimStudioClient,
    workflow_id: str = "agent",
    selected_outputs: Sequence[str] = ("agent1.content",),
) -> None:
    """Point the view at a client and a workflow."""
    SIM.update(client=client, workflow_id=workflow_id, outputs=list(selected_outputs))


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


def stream_view(request: HttpRequest) -> StreamingHttpResponse:
    """``GET /stream?message=...``: one run of the configured workflow, as SSE."""
    if SIM["client"] is None:
        raise RuntimeError("call configure(client) before serving")
    events = relay(
        SIM["client"],
        SIM["workflow_id"],
        {"message": request.GET.get("message", "")},
        SIM["outputs"],
    )
    return StreamingHttpResponse(events, content_type="text/event-stream", headers=SSE_HEADERS)


urlpatterns = [path("stream", stream_view)]


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
    """Serve with Django's threaded development server (``PORT`` overrides 8000)."""
    from django.core.management import execute_from_command_line

    client, server = client_from_env()
    configure(client, os.environ.get("SIM_WORKFLOW_ID", "agent"), outputs_from_env())
    address = "127.0.0.1:" + os.environ.get("PORT", "8000")
    try:
        execute_from_command_line([sys.argv[0], "runserver", "--noreload", address])
    finally:
        client.close()
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()

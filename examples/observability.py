"""Metrics and tracing without a new dependency: requests' own response hook on an injected
session, an OpenTelemetry-style span around a call, and a W3C ``traceparent`` header.

The tracer below is a stand-in with the same shape as OpenTelemetry's API
(``tracer.start_as_current_span(name)``, ``span.set_attribute()``, ``inject(carrier)``), so
the traced function works unchanged with ``opentelemetry.trace.get_tracer(__name__)`` and
``opentelemetry.propagate.inject``.

Run: python examples/observability.py
"""

import contextvars
import os
import secrets
import time
from contextlib import contextmanager
from typing import Any, Dict, Iterator, List, Optional
from urllib.parse import urlsplit

import _local
import requests

from simstudio import SimStudioClient, SimStudioError, WorkflowExecutionResult

server = _local.use_local_server_unless_configured()
WORKFLOW_ID = os.getenv("SIM_WORKFLOW_ID", "echo")

# --8<-- [start:hooks]
metrics: List[Dict[str, Any]] = []  # in production: a Prometheus histogram, a StatsD timer...


def record_metrics(response: requests.Response, *args: Any, **kwargs: Any) -> None:
    """Called by requests for every answer the client receives (retries and streams too)."""
    metrics.append(
        {
            "method": response.request.method,
            "path": urlsplit(response.url).path,
            "status": response.status_code,
            "seconds": response.elapsed.total_seconds(),  # time until the headers arrived
            "request_id": response.headers.get("x-request-id"),
        }
    )
    # Never record response.request.headers: they carry your X-API-Key.


session = requests.Session()
session.hooks["response"].append(record_metrics)
client = SimStudioClient(
    session=session,
    app_info=("observability-example", "1.0.0"),  # User-Agent: simstudio-python/... <app>/<v>
    default_headers={"X-Team": "data-platform"},  # sent with every call
)
# --8<-- [end:hooks]


# --8<-- [start:tracer]
class Span:
    """The part of an OpenTelemetry span this example uses."""

    def __init__(self, name: str, trace_id: str, parent: Optional["Span"]) -> None:
        self.name = name
        self.trace_id = trace_id
        self.span_id = secrets.token_hex(8)
        self.parent_id = parent.span_id if parent is not None else None
        self.attributes: Dict[str, Any] = {}
        self.status = "OK"
        self.duration_ms = 0.0

    def set_attribute(self, key: str, value: Any) -> None:
        self.attributes[key] = value

    def record_exception(self, exception: BaseException) -> None:
        self.status = "ERROR"
        self.attributes["exception.type"] = type(exception).__name__


_current: "contextvars.ContextVar[Optional[Span]]" = contextvars.ContextVar("span", default=None)


class MiniTracer:
    """Finished spans go to ``self.finished`` (an exporter would send them somewhere)."""

    def __init__(self) -> None:
        self.finished: List[Span] = []

    @contextmanager
    def start_as_current_span(self, name: str) -> Iterator[Span]:
        parent = _current.get()
        trace_id = parent.trace_id if parent is not None else secrets.token_hex(16)
        span = Span(name, trace_id, parent)
        token = _current.set(span)
        started = time.perf_counter()
        try:
            yield span
        except BaseException as exc:
            span.record_exception(exc)
            raise
        finally:
            span.duration_ms = (time.perf_counter() - started) * 1000.0
            _current.reset(token)
            self.finished.append(span)


def inject(carrier: Dict[str, str]) -> None:
    """Write the current span's W3C ``traceparent`` into ``carrier`` (as OpenTelemetry's
    ``opentelemetry.propagate.inject`` does)."""
    span = _current.get()
    if span is not None:
        carrier["traceparent"] = f"00-{span.trace_id}-{span.span_id}-01"


tracer = MiniTracer()
# --8<-- [end:tracer]


# --8<-- [start:traced]
def run_workflow_traced(workflow_id: str, input_data: Any) -> WorkflowExecutionResult:
    """One span per call, the trace propagated to Sim, the request id kept for support."""
    with tracer.start_as_current_span("sim.execute_workflow") as span:
        span.set_attribute("sim.workflow_id", workflow_id)
        headers: Dict[str, str] = {}
        inject(headers)
        try:
            result = client.execute_workflow(workflow_id, input_data, extra_headers=headers)
        except SimStudioError as error:
            span.set_attribute("sim.error_code", error.code or "")
            span.set_attribute("sim.request_id", error.request_id or "")
            raise
        span.set_attribute("sim.success", result.success)
        span.set_attribute("sim.request_id", result.request_id or "")
        return result


# --8<-- [end:traced]


with tracer.start_as_current_span("handle-order") as outer:
    result = run_workflow_traced(WORKFLOW_ID, {"order": 42})
    try:
        run_workflow_traced("no-such-workflow", {"order": 43})
    except SimStudioError as error:
        print(f"error span: {error.code} request_id={error.request_id}")

for span in tracer.finished:
    print(
        f"span {span.name} status={span.status} parent={span.parent_id} "
        f"{span.duration_ms:.1f} ms {span.attributes}"
    )
for row in metrics:
    print(f"metrics: {row['method']} {row['path']} {row['status']} {row['request_id']}")

print("result request id:", result.request_id, "headers:", result.headers.get("content-type"))
if server is not None:  # the local server recorded what arrived
    seen = server.requests[0].headers
    print("server saw traceparent:", seen["traceparent"].startswith(f"00-{outer.trace_id}-"))
    print("server saw X-Team:", seen["X-Team"], "| User-Agent:", seen["User-Agent"])

client.close()
session.close()

"""The app: records each request, applies a matching fault, routes it and writes the answer."""

from __future__ import annotations

import sys
import traceback
from typing import Any, Dict, List, Optional, Sequence

from ._exchange import Exchange
from ._faults import Fault
from ._public import v2_disabled
from ._records import Request
from ._responses import AnyResponse, Response, StreamResponse, json_response
from ._routing import Route
from ._state import ServerState


def _canned(fault: Fault) -> Response:
    headers = list((fault.headers or {}).items())
    if fault.redirect_to is not None:
        headers.insert(0, ("Location", fault.redirect_to))
        return Response(fault.redirect_status, b"", headers, content_type=None)
    content_type = fault.content_type or "application/json"
    return Response(fault.status or 200, fault.canned_body(), headers, content_type=content_type)


class App:
    """Routes requests for one server; called by the transport for every request."""

    def __init__(self, state: ServerState, routes: Sequence[Route]) -> None:
        """Create the app over the shared state and a routes table."""
        self.state = state
        self.routes = routes

    def route(self, request: Request, fault: Optional[Fault]) -> AnyResponse:
        """Find the route for a request and run it (404/405 when there is none)."""
        segments = request.segments
        if request.method == "OPTIONS":
            return Response(204, b"", content_type=None)
        disabled = v2_disabled(self.state, request)
        if disabled is not None:
            return disabled
        allowed: List[str] = []
        for row in self.routes:
            params = row.match(segments)
            if params is None:
                continue
            if row.method != request.method:
                allowed.append(row.method)
                continue
            try:
                return row.handler(self.state, request, fault, *params)
            except Exception:
                if self.state.settings.verbose:
                    traceback.print_exc(file=sys.stderr)
                return json_response(500, {"error": "Internal server error"})
        is_v2 = segments[:2] == ["api", "v2"]
        if allowed:
            body: Dict[str, Any] = {"error": "Method not allowed"}
            if is_v2:
                body = {"error": {"code": "METHOD_NOT_ALLOWED", "message": "Method not allowed"}}
            return json_response(405, body, [("Allow", ", ".join(sorted(set(allowed))))])
        if is_v2:
            return json_response(404, {"error": {"code": "NOT_FOUND", "message": "Not found"}})
        return json_response(404, {"error": "Not found"})

    def __call__(self, request: Request, exchange: Exchange) -> None:
        """Handle one request end to end."""
        state = self.state
        if state.stopping.is_set():
            exchange.drop(False)
            return
        state.record_request(request)
        fault = state.faults.match(request)
        if fault is not None:
            if fault.latency and state.wait(fault.latency):
                exchange.drop(False)
                return
            if fault.drop == "before_response":
                exchange.drop(fault.reset)
                return
            if fault.is_canned or fault.redirect_to is not None:
                exchange.send(_canned(fault), fault)
                return
        response = self.route(request, fault)
        if fault is not None and fault.headers:
            response.headers.extend(fault.headers.items())
        if fault is not None and fault.drop == "after_run":
            if isinstance(response, StreamResponse):
                for _ in response.frames:
                    pass
                response.close()
            exchange.drop(fault.reset)
            return
        if fault is not None and fault.drop == "mid_body":
            try:
                exchange.send_partial(response, fault.reset)
            finally:
                if isinstance(response, StreamResponse):
                    response.close()
            return
        self._respond(request, exchange, response, fault)

    def _respond(
        self, request: Request, exchange: Exchange, response: AnyResponse, fault: Optional[Fault]
    ) -> None:
        state = self.state
        if isinstance(response, StreamResponse):
            try:
                result = exchange.send_stream(response, fault)
                if not result.completed and response.on_abort is not None:
                    response.on_abort(result.events_sent, result.client_gone)
                if result.client_gone and not result.completed and not state.stopping.is_set():
                    state.record_disconnect(request, result.events_sent, response.execution_id)
                if not result.reusable and fault is not None and fault.reset:
                    exchange.drop(True)
            finally:
                response.close()
            return
        if state.stopping.is_set():
            exchange.drop(False)
            return
        if request.client_gone():
            exchange.drop(False)
            if not state.stopping.is_set():
                state.record_disconnect(request, 0)
            return
        exchange.send(response, fault)
        if exchange.disconnected and not state.stopping.is_set():
            state.record_disconnect(request, 0)

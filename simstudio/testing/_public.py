"""The public API's request pipeline: ``api_route`` rows and the ``Call`` their handlers get.

A public-API handler is ``handler(call) -> Response``; ``api_route`` makes it a row of the
routes table that, for every request:

1. checks the key: 401 in the route's envelope, with nothing but ``x-request-id``;
2. counts the caller's requests to the route family: ``X-RateLimit-*`` on every authenticated
   answer, errors included;
3. turns an ``ApiError`` raised anywhere below the handler into the answer, in the envelope of
   the route's version (v2 for ``/api/v2/...``, else v1); an unexpected exception becomes a 500;
4. adds ``Cache-Control: private, no-store`` to v2 answers.

Without the v2 flag (``LocalSimServer(v2_api=False)``) the dispatcher answers every ``/api/v2``
path through ``v2_disabled`` before any route runs.
"""

from __future__ import annotations

import functools
import json
import sys
import traceback
from dataclasses import dataclass
from typing import Any, Callable, Dict, Optional, TypeVar

from ._auth import Principal, require_personal_key, require_workspace, visible
from ._directory import Directory, Workspace
from ._envelopes import V2, ApiError, Version, version_of
from ._faults import Fault
from ._ratelimit import usage_dollars
from ._records import Request
from ._responses import Response
from ._routing import Route
from ._state import ServerState
from ._util import iso
from ._validation import Checks, invalid, invalid_type

T = TypeVar("T")
Handler = Callable[["Call"], Response]
NO_STORE = ("Cache-Control", "private, no-store")


@dataclass
class Call:
    """One authenticated request to a public-API route, as its handler sees it.

    Attributes:
        state: The server's state (``state.directory`` has the workspaces and users).
        request: The request.
        version: ``"v1"`` or ``"v2"``, from the path.
        principal: Who is calling (``principal.user``, ``principal.is_personal``, ...).
        params: The path parameters by name, e.g. ``{"workspaceId": "ws-local"}``.
    """

    state: ServerState
    request: Request
    version: Version
    principal: Principal
    params: Dict[str, str]

    @property
    def directory(self) -> Directory:
        """The server's workspaces, users and keys."""
        return self.state.directory

    # -- reading the request ------------------------------------------------------------------

    def query(self) -> Dict[str, str]:
        """The query string, first value of each key."""
        return {name: values[0] for name, values in self.request.query.items()}

    def query_checks(self) -> Checks:
        """``Checks`` of the query string: strict in v2, lenient in v1; call ``done()``."""
        return Checks(self.query(), strict=self.version == V2, from_query=True)

    def json(self) -> Dict[str, Any]:
        """The JSON object in the body (``{}`` when the body is empty).

        Raises:
            ApiError: 413 for a body over the limit, 415 (v2) for a body that is not
                declared as JSON, 400 for invalid JSON or a body that is not an object.
        """
        request = self.request
        if request.body_too_large:
            raise ApiError(413, "Request body too large")
        if not request.body.strip():
            return {}
        content_type = request.headers.get("content-type", "application/json").lower()
        if self.version == V2 and "json" not in content_type:
            raise ApiError(415, "Content-Type must be application/json")
        try:
            body = json.loads(request.body.decode("utf-8"))
        except ValueError:
            message = (
                "Request body must be valid JSON"
                if self.version == V2
                else ("Invalid JSON in request body")
            )
            raise ApiError(400, message) from None
        if not isinstance(body, dict):
            raise invalid([invalid_type([], "object", body)])
        return body

    def body_checks(self) -> Checks:
        """``Checks`` of the JSON body: strict in v2, lenient in v1; call ``done()``."""
        return Checks(self.json(), strict=self.version == V2)

    # -- access rules -------------------------------------------------------------------------

    def workspace(self, workspace_id: Optional[str]) -> Workspace:
        """The workspace, if the key reaches it; else the version's 403 (see ``_auth``)."""
        require_workspace(self.principal, workspace_id, self.version)
        found = self.directory.workspace(workspace_id or "")
        if found is None:  # pragma: no cover - a key only reaches existing workspaces
            raise ApiError(404, "Workspace not found")
        return found

    def require_personal_key(self) -> None:
        """Refuse workspace keys (403 ``WORKSPACE_KEY_OPERATION_NOT_PERMITTED``)."""
        require_personal_key(self.principal)

    def visible(self, resource: Optional[T], workspace_id: Optional[str], not_found: str) -> T:
        """``resource`` if the key reaches its workspace, else 404 ``not_found`` (concealed)."""
        return visible(self.principal, resource, workspace_id, not_found)

    # -- answers ------------------------------------------------------------------------------

    def limits(self) -> Dict[str, Any]:
        """The ``limits`` object of v1 workflows/logs answers (execution bucket and usage)."""
        settings = self.state.settings
        decision = self.state.bucket.peek()
        bucket = {
            "requestsPerMinute": decision.limit,
            "maxBurst": decision.burst,
            "remaining": decision.remaining,
            "resetAt": iso(decision.reset_at),
        }
        used = self.state.budget_used()
        budget = settings.usage_budget
        cost, limit = usage_dollars(used, budget)
        usage = {
            "currentPeriodCost": cost,
            "limit": limit,
            "plan": "free",
            "isExceeded": budget is not None and used >= budget,
        }
        return {"workflowExecutionRateLimit": {"sync": bucket, "async": dict(bucket)},
                "usage": usage}  # fmt: skip


def _finish(response: Response, version: Version) -> Response:
    if version == V2:
        response.headers.append(NO_STORE)
    return response


def answer(
    state: ServerState,
    request: Request,
    family: str,
    handler: Handler,
    params: Dict[str, str],
) -> Response:
    """Run ``handler`` for ``request`` through the pipeline described in the module docstring."""
    version = version_of(request.path)
    try:
        principal = state.principal(request)
    except ApiError as exc:
        return _finish(exc.response(version), version)
    decision = state.windows.hit(principal.key.secret, family)
    try:
        response = handler(Call(state, request, version, principal, params))
    except ApiError as exc:
        response = exc.response(version)
    except Exception:
        if state.settings.verbose:
            traceback.print_exc(file=sys.stderr)
        response = ApiError(500, "Internal server error").response(version)
    response.headers.extend(decision.headers())
    return _finish(response, version)


def api_route(method: str, pattern: str, family: str, handler: Handler) -> Route:
    """A row of the routes table for a public-API handler ``handler(call) -> Response``.

    Args:
        method: The HTTP method.
        pattern: The path, ``/api/v1/...`` or ``/api/v2/...``, with ``{name}`` parameters
            (``call.params[name]``).
        family: The rate-limit counter the route counts against (``"knowledge"``, ``"search"``,
            ``"logs"``, ``"workflows"``, ``"workspaces"``, ``"mcp"``, ...).
        handler: The handler.
    """
    names = Route(method, pattern, handler).names

    @functools.wraps(handler)
    def serve(
        state: ServerState, request: Request, fault: Optional[Fault], *values: str
    ) -> Response:
        return answer(state, request, family, handler, dict(zip(names, values)))

    return Route(method, pattern, serve)


def v2_disabled(state: ServerState, request: Request) -> Optional[Response]:
    """The answer of a server without the v2 flag to ``/api/v2/...`` (``None`` if served).

    401 without a valid key, else 404 ``Not found`` (api-contract.md §12.10); neither counts
    against a rate limit.
    """
    if state.settings.v2_api or version_of(request.path) != V2:
        return None
    try:
        state.principal(request)
    except ApiError as exc:
        return _finish(exc.response(V2), V2)
    return _finish(ApiError(404, "Not found").response(V2), V2)

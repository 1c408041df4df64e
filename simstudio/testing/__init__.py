"""simstudio.testing: an embedded, standard-library-only Sim API server for offline tests.

``LocalSimServer`` speaks the Sim API over real sockets (v1 workflow execution in the ``"2026"``
or ``"2025"`` wire format, v2, and the public API's workspaces), so code that calls Sim can be
tested without the network.

Built-in workflows (ids):

- ``echo``: output ``{"input": <the workflow input>}``.
- ``agent``: a streaming agent (block ``agent1``) emitting the words of ``input.message``
  (default ``"Hello from the local Sim server."``) as chunks ``"Hello"``, ``" from"``, ...
- ``failing``: always fails with ``"Agent 1: simulated upstream failure"``.
- ``slow``: waits ``input.seconds`` (default 1.0) and returns ``{"waitDuration", "status"}``;
  cancel and ``stop()`` interrupt it.
- ``response``: a Response block answering 201 ``{"echo": <message>, "custom": true}`` with
  the header ``X-Probe-Custom: yes``.
- ``undeployed``: not deployed (403 ``Workflow is not deployed``).
- ``paused``: pauses at a human-in-the-loop block; resume it with ``{"approved": true}``.

Register your own with ``server.add_workflow(id, handler)`` and make the server misbehave
with ``server.inject(Fault(...))``. The pytest plugin (``simstudio.testing.plugin``) offers
the ``sim_server``, ``sim_server_2025``, ``sim_server_factory`` and ``sim_client`` fixtures.

Keys and workspaces: the server has a main workspace (``server.workspace_id``, option
``workspace_id="ws-local"``), where the workflows live, and another one
(``server.other_workspace_id``, ``"ws-other"``). ``server.api_key`` is the main workspace's
*workspace key*; ``server.personal_key`` (option ``personal_key``) is the *personal key* of its
owner, who is also a ``read`` member of the other workspace; ``server.other_api_key`` (option
``other_api_key``) is the other workspace's key. A workspace key reaches its own workspace
only (403 or a concealing 404 elsewhere); the personal key reaches both and may do what
workspace keys may not. ``LocalSimServer(v2_api=False)`` answers every authenticated
``/api/v2/...`` call with 404 ``Not found``, like a server without the ``V2_API`` flag
(``server.v2_api`` tells which).

Logs, members and MCP servers: every run the server executes is an execution log entry, and
``server.add_logs(n)`` adds synthetic ones; ``server.add_member(workspace_id, email, "write")``
adds a member with a permission level; ``server.register_mcp_tools(url, tools)`` makes ``url`` a
fake MCP endpoint (any other URL is unreachable: nothing is fetched from the network).

The public names are imported on first use, so loading the pytest plugin costs next to nothing
in test runs that never start a server.
"""

from __future__ import annotations

import typing

from .._lazy import lazy_exports as _lazy_exports

if typing.TYPE_CHECKING:
    from ._faults import Fault, FaultHandle
    from ._ratelimit import RateLimit
    from ._records import Disconnect, Headers, RecordedRequest
    from ._server import LocalSimServer
    from ._workflows import Pause, ResponseBlock, WorkflowContext

#: The module each public name comes from (the same as the imports above, for run time).
_EXPORTS: typing.Dict[str, typing.Tuple[str, ...]] = {
    "._faults": ("Fault", "FaultHandle"),
    "._ratelimit": ("RateLimit",),
    "._records": ("Disconnect", "Headers", "RecordedRequest"),
    "._server": ("LocalSimServer",),
    "._workflows": ("Pause", "ResponseBlock", "WorkflowContext"),
}
# Type checkers see the imports above instead, so a misspelt name stays an error for them.
if not typing.TYPE_CHECKING:
    __getattr__, __dir__ = _lazy_exports(__name__, _EXPORTS, globals())


__all__ = [
    "Disconnect",
    "Fault",
    "FaultHandle",
    "Headers",
    "LocalSimServer",
    "Pause",
    "RateLimit",
    "RecordedRequest",
    "ResponseBlock",
    "WorkflowContext",
]

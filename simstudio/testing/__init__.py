"""simstudio.testing: an embedded, standard-library-only Sim API server for offline tests.

``LocalSimServer`` speaks the Sim workflow API over real sockets (v1 in the ``"2026"`` or
``"2025"`` wire format, and v2), so code that calls Sim can be tested without the network.

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
the ``sim_server``, ``sim_server_2025`` and ``sim_client`` fixtures.
"""

from __future__ import annotations

from ._faults import Fault, FaultHandle
from ._ratelimit import RateLimit
from ._records import Disconnect, Headers, RecordedRequest
from ._server import LocalSimServer
from ._workflows import Pause, ResponseBlock, WorkflowContext

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

"""The resource namespaces of :class:`~simstudio.SimStudioClient`, one module per group.

Each group is a small class holding the client's requester: ``client.workflows``,
``client.jobs``, ``client.executions``, ``client.runs``, ``client.usage``, ``client.workspaces``,
``client.logs``, ``client.mcp``.
"""

from __future__ import annotations

from .executions import Executions
from .jobs import Jobs
from .logs import Logs
from .mcp import Mcp
from .runs import Runs
from .usage import Usage
from .workflows import Workflows
from .workspaces import Workspaces

__all__ = ["Executions", "Jobs", "Runs", "Usage", "Workflows", "Workspaces"]
__all__ += ["Logs", "Mcp"]

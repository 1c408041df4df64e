"""The resource namespaces of :class:`~simstudio.SimStudioClient`, one module per group.

Each group is a small class holding the client's requester: ``client.workflows``,
``client.jobs``, ``client.executions``, ``client.runs``, ``client.usage``, ``client.workspaces``,
``client.logs``, ``client.mcp`` (these two are imported on first use: ``simstudio.resources.logs``
and ``.mcp``).
"""

from __future__ import annotations

from .executions import Executions
from .jobs import Jobs
from .runs import Runs
from .usage import Usage
from .workflows import Workflows
from .workspaces import Workspaces

__all__ = ["Executions", "Jobs", "Runs", "Usage", "Workflows", "Workspaces"]

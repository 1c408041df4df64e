"""The resource namespaces of :class:`~simstudio.SimStudioClient`, one module per group.

Each group is a small class holding the client's requester: ``client.workflows`` (with
``.folders``), ``client.jobs``, ``client.executions``, ``client.runs``, ``client.usage``,
``client.workspaces``, ``client.knowledge`` (with ``.documents``), ``client.logs`` and
``client.mcp``. The classes are imported on first use, so a program that only runs workflows
never loads the others.
"""

from __future__ import annotations

import typing

from .._lazy import lazy_exports as _lazy_exports

if typing.TYPE_CHECKING:
    from .documents import Documents
    from .executions import Executions
    from .folders import Folders
    from .jobs import Jobs
    from .knowledge import Knowledge
    from .logs import Logs
    from .mcp import Mcp
    from .runs import Runs
    from .usage import Usage
    from .workflows import Workflows
    from .workspaces import Workspaces

#: The module each public name comes from (the same as the imports above, for run time).
_EXPORTS: typing.Dict[str, typing.Tuple[str, ...]] = {
    ".documents": ("Documents",),
    ".executions": ("Executions",),
    ".folders": ("Folders",),
    ".jobs": ("Jobs",),
    ".knowledge": ("Knowledge",),
    ".logs": ("Logs",),
    ".mcp": ("Mcp",),
    ".runs": ("Runs",),
    ".usage": ("Usage",),
    ".workflows": ("Workflows",),
    ".workspaces": ("Workspaces",),
}

# Type checkers see the imports above instead, so a misspelt name stays an error for them.
if not typing.TYPE_CHECKING:
    __getattr__, __dir__ = _lazy_exports(__name__, _EXPORTS, globals())

__all__ = [
    "Documents",
    "Executions",
    "Folders",
    "Jobs",
    "Knowledge",
    "Logs",
    "Mcp",
    "Runs",
    "Usage",
    "Workflows",
    "Workspaces",
]

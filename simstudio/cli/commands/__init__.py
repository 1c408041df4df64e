"""The command groups of ``simstudio``: one module per group, gathered in ``GROUPS``.

Adding a group (say ``kb``) is one new module and one line here:

1. Write ``simstudio/cli/commands/kb.py``. It opens with a one-line docstring and defines
   ``register(commands: Commands) -> None`` (``Commands`` is in ``simstudio.cli._parser``).
   ``register`` calls ``commands.add(name, handler, summary=...)`` once per command and adds
   the command's own arguments to the parser that returns; for ``simstudio kb list`` style
   subcommands, ``kb = commands.group("kb", summary=...)`` and then ``kb.add("list", ...)``.
   A command that calls a Sim server (the default, ``server=True``) gets ``--base-url``,
   ``--api-key-stdin``, ``--timeout`` and ``--json`` for free.
2. Append ``kb.register`` to ``GROUPS`` below (and ``kb`` to the import); the order is the
   order of ``simstudio --help``.
3. Document every command and option in ``docs/cli.md`` (a test checks it) and add
   ``tests/test_cli_<group>.py``.

A handler takes the parsed ``argparse.Namespace`` and returns the exit code. It opens its
client with ``simstudio.cli._remote.open_client(args)``, which applies ``--timeout`` to every
request, retry and poll (``args.deadline``), and prints with ``simstudio.cli._output``
(``out``/``err``/``emit_json``). It lets SDK errors, ``UsageError`` and ``KeyboardInterrupt``
through: ``main`` turns them into the documented exit codes. Handlers call the client only
through its public methods.
"""

from __future__ import annotations

from typing import Callable, Tuple

from .._parser import Commands
from . import job, kb, local, logs, mcp, run, status, usage, workflows, workspaces

__all__ = ["GROUPS"]

GROUPS: Tuple[Callable[[Commands], None], ...] = (
    local.register,  # demo, serve
    run.register,
    status.register,
    job.register,
    usage.register,
    workflows.register,
    kb.register,  # kb list, create, upload, docs, search
    logs.register,
    workspaces.register,  # workspaces, members
    mcp.register,  # mcp list, mcp tools
)

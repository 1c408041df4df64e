"""``simstudio logs``: the workspace's execution logs, newest first, with filters."""

from __future__ import annotations

import argparse
import itertools

from .._output import EXIT_OK, as_dict, emit_json
from .._parser import Commands
from .._remote import open_client
from ._listing import count, duration, moment, table

__all__ = ["cmd_logs", "register"]


def register(commands: Commands) -> None:
    """Add ``logs``."""
    logs = commands.add("logs", cmd_logs, summary="list execution logs, newest first")
    logs.add_argument("--workspace", metavar="WS", help="the workspace (default: the key's own)")
    logs.add_argument(
        "--workflow", action="append", metavar="ID", help="only this workflow (repeatable)"
    )
    logs.add_argument("--level", choices=("info", "error"), help="error: failed runs only")
    logs.add_argument("--trigger", metavar="T", help="api, webhook, schedule, manual or chat")
    logs.add_argument(
        "--since", type=moment, metavar="WHEN", help="runs started since: 30m, 1h, 2d, 1w or ISO"
    )
    logs.add_argument("--until", type=moment, metavar="WHEN", help="runs started until (same)")
    logs.add_argument(
        "--limit", type=count, default=20, metavar="N", help="show at most N entries (default 20)"
    )


def cmd_logs(args: argparse.Namespace) -> int:
    """``simstudio logs``: one line per run (or ``--json``: a list of entries)."""
    with open_client(args) as client:
        entries = client.logs.list(
            args.workspace,
            workflow_ids=args.workflow,
            level=args.level,
            trigger=args.trigger,
            since=args.since,
            until=args.until,
            limit=min(args.limit, 1000),
        )
        shown = list(itertools.islice(entries, args.limit))
    if args.as_json:
        emit_json([as_dict(entry) for entry in shown])
        return EXIT_OK
    rows = [
        (e.started_at, e.status or e.level, e.workflow_id, duration(e.total_duration_ms),
         e.execution_id)
        for e in shown
    ]  # fmt: skip
    table(("STARTED", "STATUS", "WORKFLOW", "DURATION", "RUN ID"), rows, "no log entries")
    return EXIT_OK

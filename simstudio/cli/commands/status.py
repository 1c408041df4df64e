"""``simstudio status``: whether a workflow is deployed and up to date."""

from __future__ import annotations

import argparse

from .._output import EXIT_OK, as_dict, emit_json, out
from .._parser import Commands
from .._remote import open_client

__all__ = ["cmd_status", "register"]


def register(commands: Commands) -> None:
    """Add ``status``."""
    status = commands.add("status", cmd_status, summary="show a workflow's deployment")
    status.add_argument("workflow_id", metavar="WORKFLOW_ID")


def cmd_status(args: argparse.Namespace) -> int:
    """``simstudio status``: show whether a workflow is deployed and up to date."""
    with open_client(args) as client:
        status = client.get_workflow_status(args.workflow_id)
    if args.as_json:
        emit_json(dict(as_dict(status), workflow_id=args.workflow_id))
        return EXIT_OK
    if status.is_deployed:
        since = f" (since {status.deployed_at})" if status.deployed_at else ""
        out(f"{args.workflow_id}: deployed{since}")
    else:
        out(f"{args.workflow_id}: not deployed")
    if status.needs_redeployment:
        out("the workflow changed since its deployment: redeploy it to run the new version")
    return EXIT_OK

"""``simstudio workspaces`` and ``simstudio members WS``: what the key sees, and who may do what."""

from __future__ import annotations

import argparse

from .._output import EXIT_OK, as_dict, emit_json
from .._parser import Commands
from .._remote import open_client
from ._listing import table

__all__ = ["cmd_members", "cmd_workspaces", "register"]


def register(commands: Commands) -> None:
    """Add ``workspaces`` and ``members``."""
    commands.add("workspaces", cmd_workspaces, summary="list the workspaces the key sees")
    members = commands.add(
        "members", cmd_members, summary="list a workspace's members and their permissions"
    )
    members.add_argument("workspace_id", metavar="WS")


def cmd_workspaces(args: argparse.Namespace) -> int:
    """``simstudio workspaces``: one line per workspace."""
    with open_client(args) as client:
        workspaces = list(client.workspaces.list())
    if args.as_json:
        emit_json([as_dict(workspace) for workspace in workspaces])
        return EXIT_OK
    rows = [(w.id, w.name, w.member_count) for w in workspaces]
    table(("ID", "NAME", "MEMBERS"), rows, "no workspaces")
    return EXIT_OK


def cmd_members(args: argparse.Namespace) -> int:
    """``simstudio members WS``: one line per member, with the permission level."""
    with open_client(args) as client:
        members = list(client.workspaces.members(args.workspace_id))
    if args.as_json:
        emit_json([as_dict(member) for member in members])
        return EXIT_OK
    rows = [(m.email, m.name, m.permission.value, m.joined_at) for m in members]
    table(("EMAIL", "NAME", "PERMISSION", "JOINED"), rows, "no members")
    return EXIT_OK

"""``simstudio workflows``: list, export, import, deploy, undeploy, versions and rollback."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, Dict, Optional

from ... import Deployment
from .._output import EXIT_OK, UsageError, as_dict, emit_json, out
from .._parser import Commands
from .._remote import open_client

__all__ = ["register"]


def register(commands: Commands) -> None:
    """Add the ``workflows`` group."""
    group = commands.group("workflows", summary="manage workflows: export, import, deploy")
    listing = group.add("list", cmd_list, summary="list the workspace's workflows")
    _workspace(listing)
    listing.add_argument("--folder", metavar="PATH", help="only this folder ('/Team A/Prod')")
    listing.add_argument("--deployed-only", action="store_true", help="only deployed ones")
    listing.add_argument("--search", metavar="TEXT", help="only names containing TEXT")
    export = group.add("export", cmd_export, summary="export a workflow as JSON")
    export.add_argument("workflow_id", metavar="WORKFLOW_ID")
    export.add_argument("-o", "--output", metavar="FILE", help="write it to FILE (stable JSON)")
    imported = group.add("import", cmd_import, summary="create a workflow from an export")
    imported.add_argument("file", metavar="FILE", help="an export file ('-': standard input)")
    imported.add_argument("--name", metavar="NAME", help="its name (default: the export's)")
    imported.add_argument("--folder", metavar="PATH", help="the folder to create it in")
    _workspace(imported)
    deploy = group.add("deploy", cmd_deploy, summary="deploy a workflow as a new version")
    deploy.add_argument("workflow_id", metavar="WORKFLOW_ID")
    deploy.add_argument("--name", metavar="NAME", help="a name for the version")
    deploy.add_argument("--description", metavar="TEXT", help="a description of the version")
    undeploy = group.add("undeploy", cmd_undeploy, summary="stop serving a workflow")
    undeploy.add_argument("workflow_id", metavar="WORKFLOW_ID")
    versions = group.add("versions", cmd_versions, summary="list a workflow's deployed versions")
    versions.add_argument("workflow_id", metavar="WORKFLOW_ID")
    rollback = group.add("rollback", cmd_rollback, summary="activate an earlier version")
    rollback.add_argument("workflow_id", metavar="WORKFLOW_ID")
    rollback.add_argument(
        "version", metavar="VERSION", type=_version, nargs="?",
        help="the version (default: the one below the active version)",
    )  # fmt: skip


def _workspace(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--workspace", metavar="ID", help="the workspace (default: SIM_WORKSPACE_ID, or the key's)"
    )


def _version(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"VERSION must be a whole number from 1, not {text!r}")
    return int(text)


def cmd_list(args: argparse.Namespace) -> int:
    """``simstudio workflows list``."""
    with open_client(args) as client:
        found = list(client.workflows.list(
            args.workspace, folder=args.folder, deployed_only=args.deployed_only,
            search=args.search,
        ))  # fmt: skip
    if args.as_json:
        emit_json([as_dict(workflow) for workflow in found])
        return EXIT_OK
    for workflow in found:
        state = "deployed" if workflow.is_deployed else "not deployed"
        out(f"{workflow.id}  {workflow.name}  ({workflow.folder or workflow.folder_id}, {state})")
    if not found:
        out("no workflows")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    """``simstudio workflows export``: the document on stdout, or in ``-o FILE``."""
    with open_client(args) as client:
        document = client.workflows.export(args.workflow_id, path=args.output)
    if args.output is None:
        out(json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False))
    elif args.as_json:
        emit_json({"workflow_id": args.workflow_id, "path": args.output})
    else:
        out(f"exported {args.workflow_id} to {args.output}")
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    """``simstudio workflows import``."""
    source: Any = args.file
    if source == "-":
        if args.api_key_stdin:
            raise UsageError("the key and the export cannot both come from standard input")
        source = sys.stdin.read()
        if not source.lstrip().startswith("{"):
            raise UsageError("standard input holds no workflow export (a JSON object)")
    with open_client(args) as client:
        workflow = client.workflows.import_(
            source, workspace_id=args.workspace, name=args.name, folder=args.folder
        )
    if args.as_json:
        emit_json(as_dict(workflow))
    else:
        out(f"imported {workflow.name!r} as {workflow.id} (not deployed)")
    return EXIT_OK


def _report(args: argparse.Namespace, deployment: Deployment, text: str) -> int:
    if args.as_json:
        emit_json(as_dict(deployment))
    else:
        out(text)
    return EXIT_OK


def cmd_deploy(args: argparse.Namespace) -> int:
    """``simstudio workflows deploy``."""
    with open_client(args) as client:
        deployment = client.workflows.deploy(
            args.workflow_id, name=args.name, description=args.description
        )
    return _report(args, deployment, f"deployed {args.workflow_id} as version "
                                     f"{deployment.version}")  # fmt: skip


def cmd_undeploy(args: argparse.Namespace) -> int:
    """``simstudio workflows undeploy``."""
    with open_client(args) as client:
        deployment = client.workflows.undeploy(args.workflow_id)
    return _report(args, deployment, f"undeployed {args.workflow_id}")


def cmd_rollback(args: argparse.Namespace) -> int:
    """``simstudio workflows rollback``."""
    version: Optional[int] = args.version
    with open_client(args) as client:
        deployment = client.workflows.rollback(args.workflow_id, version)
    return _report(args, deployment, f"rolled {args.workflow_id} back to version "
                                     f"{deployment.version}")  # fmt: skip


def cmd_versions(args: argparse.Namespace) -> int:
    """``simstudio workflows versions``: newest first, the active one marked."""
    with open_client(args) as client:
        found = list(client.workflows.versions(args.workflow_id))
    if args.as_json:
        emit_json([_without_state(as_dict(version)) for version in found])
        return EXIT_OK
    for version in found:
        mark = "*" if version.is_active else " "
        label = f"  {version.name}" if version.name else ""
        out(f"{mark} {version.version:>4}  {version.created_at or ''}{label}")
    if not found:
        out("never deployed")
    return EXIT_OK


def _without_state(fields: Dict[str, Any]) -> Dict[str, Any]:
    fields.pop("state", None)
    return fields

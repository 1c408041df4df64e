"""Workspaces and permissions: which workspaces a key sees, who their members are, and what
each member's level (Read, Write, Admin) lets them do.

Run: python examples/workspaces.py  (on the embedded server it first adds two members; Sim has
no public invite API, so on a deployment you see the members you invited in the app).
"""

import os

import _local

from simstudio import Permission, PermissionDeniedError, SimStudioClient

server = _local.use_local_server_unless_configured()
if server is not None:
    server.add_member(server.workspace_id, "reader@example.com", "read", name="Rita Reader")
    server.add_member(server.workspace_id, "writer@example.com", "write", name="Will Writer")

with SimStudioClient() as client:
    for workspace in client.workspaces.list():
        print(f"workspace {workspace.id}: {workspace.name} ({workspace.member_count} members)")
        for member in client.workspaces.members(workspace.id):
            may_edit = "may edit workflows" if member.can(Permission.WRITE) else "read only"
            admin = ", manages members" if member.permission.allows(Permission.ADMIN) else ""
            print(f"  {member.email:<22} {member.permission.value:<6} {may_edit}{admin}")

    other = server.other_workspace_id if server is not None else os.getenv("SIM_OTHER_WORKSPACE")
    if other:
        try:
            client.workspaces.get(other)
        except PermissionDeniedError as error:
            print(f"another workspace: reason={error.reason}: {error}")

"""v2 workspaces (public-api.md §6): list, get and members, built on the public-API helpers."""

from __future__ import annotations

from typing import Any, Callable, Dict, Sequence, Tuple

from ._directory import Directory, Member, Workspace
from ._envelopes import v2_data, v2_list
from ._pagination import read_page_request
from ._public import Call
from ._responses import Response
from ._util import iso

SORTS = ("name", "createdAt", "updatedAt")


def _workspace(directory: Directory, workspace: Workspace) -> Dict[str, Any]:
    return {
        "id": workspace.id,
        "name": workspace.name,
        "color": workspace.color,
        "logoUrl": workspace.logo_url,
        "memberCount": len(directory.members(workspace.id)),
        "createdAt": iso(workspace.created_at),
        "updatedAt": iso(workspace.updated_at),
    }


def _member(member: Member) -> Dict[str, Any]:
    user = member.user
    return {"email": user.email, "name": user.name, "image": None, "role": member.role,
            "isExternal": False, "joinedAt": iso(member.joined_at)}  # fmt: skip


def _sort_key(sort_by: str) -> Callable[[Workspace], Sequence[Any]]:
    fields: Dict[str, Callable[[Workspace], str]] = {
        "name": lambda w: w.name,
        "createdAt": lambda w: iso(w.created_at),
        "updatedAt": lambda w: iso(w.updated_at),
    }
    field = fields[sort_by]
    return lambda w: (field(w), w.id)


def list_workspaces(call: Call) -> Response:
    """``GET /api/v2/workspaces``: the caller's workspaces (a workspace key has one)."""
    checks = call.query_checks()
    paging = read_page_request(checks, SORTS)
    checks.done()
    mine = [w for w in call.directory.workspaces() if call.principal.can_access(w.id)]
    page, cursor = paging.page(mine, _sort_key(paging.sort_by))
    return v2_list([_workspace(call.directory, w) for w in page], cursor)


def get_workspace(call: Call) -> Response:
    """``GET /api/v2/workspaces/{workspaceId}``."""
    call.query_checks().done()
    workspace = call.workspace(call.params["workspaceId"])
    return v2_data(_workspace(call.directory, workspace))


def list_members(call: Call) -> Response:
    """``GET /api/v2/workspaces/{workspaceId}/members``: ordered by e-mail."""
    checks = call.query_checks()
    paging = read_page_request(checks)
    checks.done()
    workspace = call.workspace(call.params["workspaceId"])

    def by_email(member: Member) -> Tuple[str]:
        return (member.user.email,)

    members = call.directory.members(workspace.id)
    page, cursor = paging.page(members, by_email, {"workspaceId": workspace.id})
    return v2_list([_member(m) for m in page], cursor)

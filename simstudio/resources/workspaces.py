"""``client.workspaces``: the workspaces a key sees and their members' permission levels (v2)."""

from __future__ import annotations

from typing import Literal, Mapping, Optional

from .._config import Timeout
from .._inputs import resource_path
from .._pagination import Paginator
from .._versions import require_v2
from ..types._wire import v2_data
from ..types.workspaces import Member, Workspace
from ._base import Resource
from ._lists import check_limit, v2_list

__all__ = ["Workspaces"]

SortBy = Literal["name", "createdAt", "updatedAt"]


class Workspaces(Resource):
    """Workspaces and members. A workspace key sees its own workspace; a personal key sees
    every workspace of its user. Needs Sim's v2 API."""

    def list(
        self,
        *,
        sort_by: Optional[SortBy] = None,
        sort_order: Optional[Literal["asc", "desc"]] = None,
        limit: Optional[int] = None,
        cursor: Optional[str] = None,
        timeout: Optional[Timeout] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> Paginator[Workspace]:
        """The workspaces this key can see, fetched lazily page by page (``limit`` per page)."""
        require_v2(self._requester, "client.workspaces.list()")
        return v2_list(
            self._requester,
            "/api/v2/workspaces",
            Workspace.from_wire,
            what="workspaces.list()",
            query={"sortBy": sort_by, "sortOrder": sort_order},
            limit=check_limit(limit),
            cursor=cursor,
            timeout=timeout,
            extra_headers=extra_headers,
        )

    def get(
        self,
        workspace_id: str,
        *,
        timeout: Optional[Timeout] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> Workspace:
        """One workspace."""
        require_v2(self._requester, "client.workspaces.get()")
        what = f"workspaces.get({workspace_id!r})"
        answer = self._requester.request(
            "GET",
            resource_path("/api/v2/workspaces/{workspace_id}", workspace_id=workspace_id),
            what=what,
            timeout=timeout,
            extra_headers=extra_headers,
        )
        return self._build(lambda body: Workspace.from_wire(v2_data(body, what)), answer)

    def members(
        self,
        workspace_id: str,
        *,
        limit: Optional[int] = None,
        cursor: Optional[str] = None,
        timeout: Optional[Timeout] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> Paginator[Member]:
        """The workspace's members (ordered by email), each with a :class:`Permission`."""
        require_v2(self._requester, "client.workspaces.members()")
        return v2_list(
            self._requester,
            resource_path("/api/v2/workspaces/{workspace_id}/members", workspace_id=workspace_id),
            Member.from_wire,
            what=f"workspaces.members({workspace_id!r})",
            limit=check_limit(limit),
            cursor=cursor,
            timeout=timeout,
            extra_headers=extra_headers,
        )

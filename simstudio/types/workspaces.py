"""Workspaces, their members, and the permission levels of Sim's Roles and Permissions page."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Optional

from .._errors import InvalidResponseError
from ._base import APIObject
from ._wire import bool_or_none, int_or_none, object_body, str_or_none

__all__ = ["Member", "Permission", "Workspace"]


class Permission(str, Enum):
    """A member's permission level in a workspace, ordered ``READ < WRITE < ADMIN``.

    - ``READ``: view workflows, their runs and logs.
    - ``WRITE``: also create, edit and delete workflows; run and deploy them.
    - ``ADMIN``: also manage members, permissions and workspace settings.

    It is a ``str`` (``Permission.WRITE == "write"``), so it serialises as the server's word.
    """

    READ = "read"
    WRITE = "write"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        """0 for read, 1 for write, 2 for admin."""
        return _RANKS[self.value]

    def allows(self, needed: Permission) -> bool:
        """Whether a member with this level may do what ``needed`` allows."""
        return self.rank >= Permission(needed).rank

    def __lt__(self, other: object) -> bool:
        return self.rank < _rank(other)

    def __le__(self, other: object) -> bool:
        return self.rank <= _rank(other)

    def __gt__(self, other: object) -> bool:
        return self.rank > _rank(other)

    def __ge__(self, other: object) -> bool:
        return self.rank >= _rank(other)

    def __str__(self) -> str:
        return self.value


_RANKS = {"read": 0, "write": 1, "admin": 2}


def _rank(other: object) -> int:
    return Permission(other).rank


@dataclass
class Workspace(APIObject):
    """A Sim workspace."""

    id: str
    name: str
    color: Optional[str] = None
    logo_url: Optional[str] = None
    member_count: Optional[int] = None
    created_at: Optional[str] = None
    updated_at: Optional[str] = None
    raw: Any = field(default=None, repr=False, compare=False)

    @classmethod
    def from_wire(cls, body: Any) -> Workspace:
        """Build from one workspace object of ``/api/v2/workspaces``."""
        body = object_body(body, "workspace")
        workspace_id = str_or_none(body.get("id"))
        if workspace_id is None:
            raise InvalidResponseError("workspace: the answer has no id", body=body)
        return cls(
            id=workspace_id,
            name=str_or_none(body.get("name")) or "",
            color=str_or_none(body.get("color")),
            logo_url=str_or_none(body.get("logoUrl")),
            member_count=int_or_none(body.get("memberCount")),
            created_at=str_or_none(body.get("createdAt")),
            updated_at=str_or_none(body.get("updatedAt")),
            raw=body,
        )


@dataclass
class Member(APIObject):
    """A member of a workspace and their :class:`Permission`."""

    email: str
    name: Optional[str]
    permission: Permission
    joined_at: Optional[str] = None
    image: Optional[str] = None
    is_external: Optional[bool] = None
    raw: Any = field(default=None, repr=False, compare=False)

    def can(self, needed: Permission) -> bool:
        """Whether this member's level allows ``needed`` (``member.can(Permission.WRITE)``)."""
        return self.permission.allows(needed)

    @classmethod
    def from_wire(cls, body: Any) -> Member:
        """Build from one member object of ``/api/v2/workspaces/{id}/members``."""
        body = object_body(body, "workspace member")
        role = body.get("role")
        if role not in _RANKS or not isinstance(body.get("email"), str):
            raise InvalidResponseError("workspace member: no email or unknown role", body=body)
        return cls(
            email=body["email"],
            name=str_or_none(body.get("name")),
            permission=Permission(role),
            joined_at=str_or_none(body.get("joinedAt")),
            image=str_or_none(body.get("image")),
            is_external=bool_or_none(body.get("isExternal")),
            raw=body,
        )

"""Who is who on a local server: two workspaces, their users and members, and the API keys.

- The main workspace (``workspace_id``) is owned by the local user; ``api_key`` is its
  workspace key and ``personal_key`` the local user's personal key.
- The other workspace (``other_workspace_id``) is owned by a second user, who holds its
  workspace key ``other_api_key``; the local user is a ``read`` member there, so a personal key
  sees both workspaces and a workspace key only its own.
"""

from __future__ import annotations

import hmac
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

#: The id of the local user (the owner of the main workspace).
LOCAL_USER_ID = "simstudio-local-user"
OTHER_USER_ID = "simstudio-other-user"


@dataclass(frozen=True)
class User:
    """A Sim user.

    Attributes:
        id: The user id.
        email: The e-mail address (what members lists are ordered by).
        name: The display name.
    """

    id: str
    email: str
    name: str


@dataclass(frozen=True)
class Workspace:
    """A workspace.

    Attributes:
        id: The workspace id.
        name: The display name.
        color: The colour shown in Sim's UI.
        created_at: Unix time of creation (also the last update).
        logo_url: The logo, or ``None``.
    """

    id: str
    name: str
    color: str
    created_at: float
    logo_url: Optional[str] = None

    @property
    def updated_at(self) -> float:
        """Unix time of the last update (workspaces never change here)."""
        return self.created_at


@dataclass(frozen=True)
class Member:
    """A user's membership in a workspace.

    Attributes:
        user: Who.
        role: ``"admin"``, ``"write"`` or ``"read"``.
        joined_at: Unix time the user joined.
    """

    user: User
    role: str
    joined_at: float


@dataclass(frozen=True)
class ApiKey:
    """An API key.

    Attributes:
        secret: The ``X-API-Key`` value.
        kind: ``"workspace"`` (bound to one workspace) or ``"personal"`` (acts as its user).
        user: The user it belongs to (for a workspace key: the one who created it).
        workspace_id: The workspace a workspace key is bound to; ``None`` for personal keys.
    """

    secret: str
    kind: str
    user: User
    workspace_id: Optional[str] = None


class Directory:
    """The workspaces, users, memberships and keys of one server (fixed at construction, but
    for members added with ``add_member``)."""

    def __init__(
        self,
        *,
        api_key: str,
        personal_key: str,
        other_api_key: str,
        workspace_id: str,
        other_workspace_id: str,
        created_at: float,
    ) -> None:
        """Build the two workspaces and their keys (see the module docstring).

        Raises:
            ValueError: Two keys, or the two workspace ids, are the same.
        """
        if len({api_key, personal_key, other_api_key}) != 3:
            raise ValueError("api_key, personal_key and other_api_key must differ")
        if workspace_id == other_workspace_id:
            raise ValueError("workspace_id and other_workspace_id must differ")
        self.owner = User(LOCAL_USER_ID, "user@simstudio.local", "Local User")
        self.other_user = User(OTHER_USER_ID, "other@simstudio.local", "Other User")
        # Created one millisecond apart, so sorting by creation is never a tie.
        self.main = Workspace(workspace_id, "Local workspace", "#33C482", created_at)
        self.other = Workspace(other_workspace_id, "Other workspace", "#6F3DFA", created_at + 0.001)
        self._members: Dict[str, List[Member]] = {
            self.main.id: [Member(self.owner, "admin", created_at)],
            self.other.id: [
                Member(self.other_user, "admin", created_at + 0.001),
                Member(self.owner, "read", created_at + 0.002),
            ],
        }
        # Members change (add_member) while server threads read them: readers take copies.
        self._lock = threading.Lock()
        self._keys: Tuple[ApiKey, ...] = (
            ApiKey(api_key, "workspace", self.owner, self.main.id),
            ApiKey(personal_key, "personal", self.owner),
            ApiKey(other_api_key, "workspace", self.other_user, self.other.id),
        )

    def workspaces(self) -> List[Workspace]:
        """Every workspace."""
        return [self.main, self.other]

    def workspace(self, workspace_id: str) -> Optional[Workspace]:
        """The workspace with this id, or ``None``."""
        return next((w for w in self.workspaces() if w.id == workspace_id), None)

    def members(self, workspace_id: str) -> List[Member]:
        """The members of a workspace (empty for an unknown one)."""
        return list(self._members.get(workspace_id, []))

    def workspaces_of(self, user: User) -> List[Workspace]:
        """The workspaces ``user`` is a member of."""
        return [w for w in self.workspaces() if any(m.user == user for m in self.members(w.id))]

    def key(self, secret: str) -> Optional[ApiKey]:
        """The key with this secret, or ``None`` (compared in constant time)."""
        given = secret.encode("utf-8")
        found = None
        for key in self._keys:
            if hmac.compare_digest(given, key.secret.encode("utf-8")):
                found = key
        return found

    def add_member(
        self, workspace_id: str, email: str, role: str, name: Optional[str] = None
    ) -> Member:
        """Make the user with this e-mail (a new one if nobody has it) a member of a workspace
        with ``role``, or change their role if they are one already.

        Raises:
            ValueError: An unknown workspace or role, or an empty e-mail.
        """
        if self.workspace(workspace_id) is None:
            raise ValueError(f"no workspace {workspace_id!r} on this server")
        if role not in ("admin", "write", "read"):
            raise ValueError(f"role must be 'admin', 'write' or 'read', not {role!r}")
        if not isinstance(email, str) or "@" not in email:
            raise ValueError("email must be an e-mail address")
        with self._lock:
            user = self._user(email, name)
            kept = [m for m in self._members.get(workspace_id, []) if m.user.email != email]
            member = Member(user, role, time.time())
            self._members[workspace_id] = [*kept, member]
            return member

    def _user(self, email: str, name: Optional[str]) -> User:
        for members in self._members.values():
            for member in members:
                if member.user.email == email:
                    return member.user
        user_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"simstudio-local:user:{email}"))
        return User(user_id, email, name or email.split("@")[0].replace(".", " ").title())

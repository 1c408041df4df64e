"""Who is calling and what they may touch: API keys to principals, and the access rules.

The rules (public-api.md §0, workflows-api.md §1):

- no key or an unknown key: 401 ``API key required`` / ``Invalid API key``;
- a workspace key asking about another workspace: 403, in words that differ by version;
- a resource (knowledge base, log, ...) in a workspace the key cannot see: 404, as if it did
  not exist (the route's own not-found message);
- some operations refuse workspace keys even in their own workspace: 403
  ``WORKSPACE_KEY_OPERATION_NOT_PERMITTED``; personal keys may do them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import FrozenSet, Optional, TypeVar

from ._directory import ApiKey, Directory, User
from ._envelopes import V2, ApiError, Version

T = TypeVar("T")

#: 403 of v1 routes, for a workspace the key is not bound to.
V1_WORKSPACE_FORBIDDEN = "API key is not authorized for this workspace"
#: 403 of v2 workspace-level routes, for a workspace the workspace key is not bound to.
V2_WORKSPACE_FORBIDDEN = "Workspace API key cannot access this workspace"
#: 403 of v2 routes a personal key would pass but whose workspace the user is no member of
#: (not recorded: the local server's choice).
V2_NOT_A_MEMBER = "You do not have access to this workspace"
WORKSPACE_KEY_NOT_PERMITTED = "Workspace API key cannot perform this operation"


@dataclass(frozen=True)
class Principal:
    """The caller behind an ``X-API-Key``.

    Attributes:
        key: The key that was presented.
        workspace_ids: The workspaces the key can reach: a workspace key's own, or every
            workspace its user is a member of.
    """

    key: ApiKey
    workspace_ids: FrozenSet[str]

    @property
    def kind(self) -> str:
        """``"workspace"`` or ``"personal"``."""
        return self.key.kind

    @property
    def user(self) -> User:
        """The user the key acts as."""
        return self.key.user

    @property
    def is_personal(self) -> bool:
        """Whether this is a personal key."""
        return self.key.kind == "personal"

    def can_access(self, workspace_id: Optional[str]) -> bool:
        """Whether the key reaches ``workspace_id``."""
        return workspace_id is not None and workspace_id in self.workspace_ids


def authenticate(directory: Directory, secret: Optional[str]) -> Principal:
    """The principal behind an ``X-API-Key`` value.

    Raises:
        ApiError: 401 ``API key required`` (no or blank key) or ``Invalid API key``.
    """
    secret = (secret or "").strip()
    if not secret:
        raise ApiError(401, "API key required")
    key = directory.key(secret)
    if key is None:
        raise ApiError(401, "Invalid API key")
    if key.workspace_id is not None:
        reach = frozenset([key.workspace_id])
    else:
        reach = frozenset(w.id for w in directory.workspaces_of(key.user))
    return Principal(key, reach)


def workspace_refusal(
    principal: Principal, workspace_id: Optional[str], version: Version
) -> Optional[ApiError]:
    """The 403 for asking about ``workspace_id``, or ``None`` if the key reaches it.

    v1: ``API key is not authorized for this workspace``; v2:
    ``Workspace API key cannot access this workspace`` (for a personal key whose user is not a
    member: ``You do not have access to this workspace``, unrecorded).
    """
    if principal.can_access(workspace_id):
        return None
    if version != V2:
        return ApiError(403, V1_WORKSPACE_FORBIDDEN)
    return ApiError(403, V2_NOT_A_MEMBER if principal.is_personal else V2_WORKSPACE_FORBIDDEN)


def require_workspace(principal: Principal, workspace_id: Optional[str], version: Version) -> None:
    """Raise ``workspace_refusal`` if there is one."""
    refusal = workspace_refusal(principal, workspace_id, version)
    if refusal is not None:
        raise refusal


def require_personal_key(principal: Principal) -> None:
    """Refuse workspace keys: 403 ``WORKSPACE_KEY_OPERATION_NOT_PERMITTED`` (a v2 rule)."""
    if not principal.is_personal:
        details = {"code": "WORKSPACE_KEY_OPERATION_NOT_PERMITTED"}
        raise ApiError(403, WORKSPACE_KEY_NOT_PERMITTED, details)


def visible(
    principal: Principal, resource: Optional[T], workspace_id: Optional[str], not_found: str
) -> T:
    """``resource`` if it exists in a workspace the key reaches, else a 404 ``not_found``.

    Another workspace's resource is concealed: the answer is the same as for a missing one.
    """
    if resource is None or not principal.can_access(workspace_id):
        raise ApiError(404, not_found)
    return resource


#: 403 of v2 changes by a personal key whose user's level is too low (not recorded: the local
#: server's words, in the language of Sim's Roles and Permissions page).
INSUFFICIENT_PERMISSION = "This operation needs {level} permission in the workspace"
_LEVELS = {"read": 0, "write": 1, "admin": 2}


def require_level(
    principal: Principal, directory: Directory, workspace_id: str, needed: str
) -> None:
    """Refuse a personal key whose user's role in the workspace is below ``needed``
    (``"read"``, ``"write"`` or ``"admin"``); a workspace key may do anything in its own."""
    if not principal.is_personal:
        return
    roles = [m.role for m in directory.members(workspace_id) if m.user == principal.user]
    if not roles or _LEVELS.get(roles[0], -1) < _LEVELS[needed]:
        raise ApiError(403, INSUFFICIENT_PERMISSION.format(level=needed))

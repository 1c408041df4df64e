"""Results of managing workflows: workflows, deployments, deployment versions and folders."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from .._errors import InvalidResponseError
from .._folders import readable_path
from ._base import APIObject
from ._wire import bool_or_none, dict_or_none, int_or_none, list_or_none, object_body, str_or_none

__all__ = ["DeletedFolder", "Deployment", "Folder", "Workflow", "WorkflowVersion"]


def _required_str(body: Dict[str, Any], key: str, what: str) -> str:
    value = str_or_none(body.get(key))
    if value is None:
        raise InvalidResponseError(f"{what}: the answer has no {key}", body=body)
    return value


def _folder(body: Dict[str, Any]) -> Optional[str]:
    path = str_or_none(body.get("folderPath"))
    if path is not None:
        return readable_path(path)
    # v1 names folders by id only; no id means the workspace's root.
    return "/" if "folderId" in body and body["folderId"] is None else None


@dataclass
class Workflow(APIObject):
    """A workflow as Sim's management API describes it (lists, get, import, create, update).

    Attributes:
        id: The workflow's id.
        name: Its name.
        description: Its description, if any.
        folder: The folder it is in, as a readable path (``"/"`` is the workspace's root;
            ``"/Team A/Prod"``). ``None`` on a v1 server when it sits in a folder (v1 gives
            only ``folder_id``).
        is_deployed: Whether a deployed version is active (an import never is).
        deployed_at: When the active version was deployed.
        workspace_id: The workspace it belongs to.
        folder_id: The folder's id (v1 servers only).
        run_count: How often it ran.
        last_run_at: When it last ran.
        created_at: When it was created.
        updated_at: When it was last changed.
        variables: Its workflow variables (``get()`` only).
        inputs: The start block's input fields, ``{"name", "type"}`` each (``get()`` only).
        raw: The wire object.
    """

    id: str
    name: str
    description: Optional[str] = None
    folder: Optional[str] = None
    is_deployed: bool = False
    deployed_at: Optional[str] = None
    workspace_id: Optional[str] = None
    folder_id: Optional[str] = None
    run_count: Optional[int] = None
    last_run_at: Optional[str] = None
    created_at: Optional[str] = None
    updated_at: Optional[str] = None
    variables: Optional[Dict[str, Any]] = None
    inputs: Optional[List[Dict[str, Any]]] = None
    raw: Any = field(default=None, repr=False, compare=False)

    @classmethod
    def from_wire(cls, body: Any) -> Workflow:
        """Build from a workflow object of v1 (``folderId``) or v2 (``folderPath``)."""
        body = object_body(body, "workflow")
        inputs = list_or_none(body.get("inputs"))
        return cls(
            id=_required_str(body, "id", "workflow"),
            name=str_or_none(body.get("name")) or "",
            description=str_or_none(body.get("description")),
            folder=_folder(body),
            is_deployed=body.get("isDeployed") is True,
            deployed_at=str_or_none(body.get("deployedAt")),
            workspace_id=str_or_none(body.get("workspaceId")),
            folder_id=str_or_none(body.get("folderId")),
            run_count=int_or_none(body.get("runCount")),
            last_run_at=str_or_none(body.get("lastRunAt")),
            created_at=str_or_none(body.get("createdAt")),
            updated_at=str_or_none(body.get("updatedAt")),
            variables=dict_or_none(body.get("variables")),
            inputs=[i for i in inputs if isinstance(i, dict)] if inputs is not None else None,
            raw=body,
        )


@dataclass
class Deployment(APIObject):
    """A workflow's deployment: the answer to a deploy, a rollback, an undeploy or
    ``deployment()``.

    Attributes:
        workflow_id: The workflow's id.
        is_deployed: Whether a version is active (callers can execute it).
        version: The version this deploy or rollback made active (every deploy makes a new
            one); for ``deployment()`` the active one; ``None`` when nothing is active.
        active_version: The version that is active now, or ``None``.
        deployed_at: When the active version was activated.
        needs_redeployment: The workflow changed since the active version was deployed
            (``deployment()`` only; ``False`` otherwise).
        deployment_version_id: The id of the active version.
        action: What the latest deployment attempt did: ``"deploy"`` or ``"activate"`` (a
            rollback), when the server said.
        warnings: The server's notes (e.g. that notifications were queued).
        raw: The wire object.
    """

    workflow_id: str
    is_deployed: bool
    version: Optional[int] = None
    active_version: Optional[int] = None
    deployed_at: Optional[str] = None
    needs_redeployment: bool = False
    deployment_version_id: Optional[str] = None
    action: Optional[str] = None
    warnings: List[str] = field(default_factory=list)
    raw: Any = field(default=None, repr=False, compare=False)

    @classmethod
    def from_wire(cls, body: Any) -> Deployment:
        """Build from the ``data`` of a deploy, rollback, undeploy or deployment answer."""
        body = object_body(body, "deployment")
        active = dict_or_none(body.get("activeDeployment")) or {}
        attempt = dict_or_none(body.get("latestDeploymentAttempt")) or {}
        active_version = int_or_none(active.get("version"))
        version = int_or_none(body.get("version"))
        warnings = list_or_none(body.get("warnings")) or []
        return cls(
            workflow_id=_required_str(body, "id", "deployment"),
            is_deployed=body.get("isDeployed") is True,
            version=version if version is not None else active_version,
            active_version=active_version,
            deployed_at=str_or_none(body.get("deployedAt")),
            needs_redeployment=body.get("needsRedeployment") is True,
            deployment_version_id=str_or_none(active.get("deploymentVersionId")),
            action=str_or_none(attempt.get("action")),
            warnings=[w for w in warnings if isinstance(w, str)],
            raw=body,
        )


@dataclass
class WorkflowVersion(APIObject):
    """One deployed version of a workflow (every deploy makes one).

    Attributes:
        version: Its number, from 1.
        is_active: Whether it is the version callers run now.
        created_at: When it was deployed.
        id: The deployment version's id.
        name: The name given at deploy time, if any.
        description: The description given at deploy time, if any.
        deployed_by: The deploying user's display name.
        status: The latest operation's status (``"active"``) or ``None``.
        state: The workflow as deployed (blocks, edges, loops, parallels, variables);
            ``version(workflow_id, n)`` only.
        raw: The wire object.
    """

    version: int
    is_active: bool
    created_at: Optional[str] = None
    id: Optional[str] = None
    name: Optional[str] = None
    description: Optional[str] = None
    deployed_by: Optional[str] = None
    status: Optional[str] = None
    state: Optional[Dict[str, Any]] = None
    raw: Any = field(default=None, repr=False, compare=False)

    @classmethod
    def from_wire(cls, body: Any) -> WorkflowVersion:
        """Build from an item of ``/versions`` or the answer of ``/versions/{n}``."""
        body = object_body(body, "workflow version")
        number = int_or_none(body.get("version"))
        if number is None:
            raise InvalidResponseError("workflow version: the answer has no version", body=body)
        return cls(
            version=number,
            is_active=body.get("isActive") is True,
            created_at=str_or_none(body.get("createdAt")),
            id=str_or_none(body.get("id")),
            name=str_or_none(body.get("name")),
            description=str_or_none(body.get("description")),
            deployed_by=str_or_none(body.get("deployedBy")),
            status=str_or_none(body.get("latestOperationStatus")),
            state=dict_or_none(body.get("state")),
            raw=body,
        )


@dataclass
class Folder(APIObject):
    """A workflow folder (v2).

    Attributes:
        name: Its name.
        path: Its readable path, e.g. ``"/Team A/Prod"``.
        parent_path: Its parent's readable path (``"/"`` at the top level).
        created_at: When it was created.
        updated_at: When it was last renamed or moved.
        locked: Whether Sim's UI locks it.
        raw: The wire object (``path`` there is the canonical ``/Team%20A/Prod``).
    """

    name: str
    path: str
    parent_path: Optional[str] = None
    created_at: Optional[str] = None
    updated_at: Optional[str] = None
    locked: bool = False
    raw: Any = field(default=None, repr=False, compare=False)

    @classmethod
    def from_wire(cls, body: Any) -> Folder:
        """Build from a folder object of ``/api/v2/workflows/folders``."""
        body = object_body(body, "folder")
        parent = str_or_none(body.get("parentPath"))
        return cls(
            name=str_or_none(body.get("name")) or "",
            path=readable_path(_required_str(body, "path", "folder")),
            parent_path=readable_path(parent) if parent is not None else None,
            created_at=str_or_none(body.get("createdAt")),
            updated_at=str_or_none(body.get("updatedAt")),
            locked=bool_or_none(body.get("locked")) is True,
            raw=body,
        )


@dataclass
class DeletedFolder(APIObject):
    """What deleting a folder removed.

    Attributes:
        path: The deleted folder's readable path.
        folders: How many folders went (the folder and those inside it).
        workflows: How many workflows inside it were deleted with it.
        raw: The wire object.
    """

    path: str
    folders: int = 0
    workflows: int = 0
    raw: Any = field(default=None, repr=False, compare=False)

    @classmethod
    def from_wire(cls, body: Any) -> DeletedFolder:
        """Build from the answer of ``DELETE /api/v2/workflows/folders``."""
        body = object_body(body, "deleted folder")
        items = dict_or_none(body.get("deletedItems")) or {}
        return cls(
            path=readable_path(_required_str(body, "path", "deleted folder")),
            folders=int_or_none(items.get("folders")) or 0,
            workflows=int_or_none(items.get("workflows")) or 0,
            raw=body,
        )

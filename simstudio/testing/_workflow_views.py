"""JSON views of the management API (workflows-api.md): workflows in v1 (``folderId``) and v2
(``folderPath``) shape, exports, deployments, versions and folders."""

from __future__ import annotations

import time
from typing import Any, Dict, List, Optional

from ._blocks import inputs_of
from ._catalog import Catalog, Folder, Record, Version
from ._envelopes import V2
from ._envelopes import Version as ApiVersion
from ._state import ServerState
from ._util import iso

Body = Dict[str, Any]

DEPLOYED_WARNING = (
    "Deployment activation completed, and post-activation notifications are queued."
)
HISTORICAL_WARNING = (
    "The latest successful deployment attempt is historical; no matching deployment version "
    "is currently active."
)
_READY = {"webhooks": "ready", "schedules": "ready", "mcp": "ready"}


def _at(moment: Optional[float]) -> Optional[str]:
    return iso(moment) if moment is not None else None


def _folder_ref(catalog: Catalog, record: Record, version: ApiVersion) -> Body:
    if version == V2:
        return {"folderPath": catalog.folder_path(record.folder_id)}
    return {"folderId": record.folder_id}


def _last_run(state: ServerState, workflow_id: str) -> Optional[str]:
    started = [r.started_at for r in state.runs.all()
               if r.workflow_id == workflow_id and r.started_at is not None]  # fmt: skip
    return _at(max(started)) if started else None


def item(state: ServerState, catalog: Catalog, record: Record, version: ApiVersion) -> Body:
    """A workflow as lists show it."""
    body: Body = {"id": record.id, "name": record.name, "description": record.description}
    body.update(_folder_ref(catalog, record, version))
    body.update(
        workspaceId=record.workspace_id,
        isDeployed=record.is_deployed,
        deployedAt=_at(record.deployed_at),
        runCount=state.executions(record.id),
        lastRunAt=_last_run(state, record.id),
    )
    body.update(createdAt=iso(record.created_at), updatedAt=iso(record.updated_at))
    return body


def detail(state: ServerState, catalog: Catalog, record: Record, version: ApiVersion) -> Body:
    """A workflow as ``GET /{id}`` shows it: the list fields, variables and start inputs."""
    body = item(state, catalog, record, version)
    inputs = inputs_of(record.state)
    if version == V2:
        body.update(variables=record.state.get("variables") or {},
                    inputs=[{"name": i["name"], "type": i["type"]} for i in inputs])  # fmt: skip
        return body
    created, updated = body.pop("createdAt"), body.pop("updatedAt")
    body.update(variables=record.state.get("variables") or {}, inputs=inputs)
    body.update(createdAt=created, updatedAt=updated)
    return body


def created(catalog: Catalog, record: Record, version: ApiVersion) -> Body:
    """The answer to an import."""
    body: Body = {"id": record.id, "name": record.name, "description": record.description,
                  "workspaceId": record.workspace_id}  # fmt: skip
    body.update(_folder_ref(catalog, record, version))
    body.update(createdAt=iso(record.created_at), updatedAt=iso(record.updated_at))
    return body


def export(catalog: Catalog, record: Record, version: ApiVersion) -> Body:
    """The portable export envelope."""
    now = iso(time.time())
    meta: Body = {"id": record.id, "name": record.name, "description": record.description,
                  "workspaceId": record.workspace_id}  # fmt: skip
    meta.update(_folder_ref(catalog, record, version))
    state = {key: record.state.get(key) for key in ("blocks", "edges", "loops", "parallels")}
    state["variables"] = record.state.get("variables") or {}
    state["metadata"] = {"name": record.name, "description": record.description,
                         "exportedAt": now}  # fmt: skip
    return {"version": "1.0", "exportedAt": now, "workflow": meta, "state": state}


def _attempt(record: Record) -> Optional[Body]:
    attempt = record.attempt
    if attempt is None:
        return None
    return {
        "id": attempt.id, "deploymentVersionId": attempt.version.id,
        "version": attempt.version.number, "action": attempt.action, "status": "active",
        "isCurrent": record.active is attempt.version, "readiness": dict(_READY),
        "requestedAt": iso(attempt.requested_at), "activatedAt": iso(attempt.activated_at),
        "error": None,
    }  # fmt: skip


def _active(record: Record) -> Optional[Body]:
    if record.active is None:
        return None
    return {"deploymentVersionId": record.active.id, "version": record.active.number,
            "deployedAt": _at(record.deployed_at)}  # fmt: skip


def deployed(record: Record, version: ApiVersion) -> Body:
    """The answer to a deploy or a rollback (``version`` is the activated one)."""
    number = record.active.number if record.active is not None else None
    body: Body = {"id": record.id, "isDeployed": record.is_deployed,
                  "deployedAt": _at(record.deployed_at)}  # fmt: skip
    if version != V2:
        body["version"] = number
    body.update(warnings=[DEPLOYED_WARNING], activeDeployment=_active(record),
                latestDeploymentAttempt=_attempt(record))  # fmt: skip
    if version == V2:
        body["version"] = number
    return body


def undeployed(record: Record, version: ApiVersion) -> Body:
    """The answer to an undeploy (v2 adds two nulls)."""
    body: Body = {"id": record.id, "isDeployed": False, "deployedAt": None, "warnings": []}
    if version == V2:
        body.update(activeDeployment=None, latestDeploymentAttempt=None)
    return body


def deployment(record: Record) -> Body:
    """``GET /api/v2/workflows/{id}/deployment``."""
    historical = record.attempt is not None and record.active is None
    return {
        "id": record.id, "isDeployed": record.is_deployed, "deployedAt": _at(record.deployed_at),
        "warnings": [HISTORICAL_WARNING] if historical else [],
        "activeDeployment": _active(record), "latestDeploymentAttempt": _attempt(record),
        "needsRedeployment": record.needs_redeployment,
    }  # fmt: skip


def version_item(record: Record, version: Version) -> Body:
    """One item of ``/versions``."""
    active = record.active is version
    return {"id": version.id, "version": version.number, "name": version.name,
            "description": version.description, "isActive": active,
            "createdAt": iso(version.created_at), "deployedBy": version.deployed_by,
            "latestOperationStatus": "active" if active else None}  # fmt: skip


def version_detail(record: Record, version: Version) -> Body:
    """``/versions/{n}``: the version with its state."""
    return {"id": version.id, "version": version.number, "name": version.name,
            "description": version.description, "isActive": record.active is version,
            "createdAt": iso(version.created_at), "state": version.state}  # fmt: skip


def folder(catalog: Catalog, found: Folder) -> Body:
    """A folder."""
    return {"name": found.name, "path": catalog.folder_path(found.id),
            "parentPath": catalog.folder_path(found.parent_id),
            "createdAt": iso(found.created_at), "updatedAt": iso(found.updated_at),
            "locked": False}  # fmt: skip


def folders(catalog: Catalog, found: List[Folder]) -> List[Body]:
    """Several folders."""
    return [folder(catalog, f) for f in found]

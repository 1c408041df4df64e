"""v2 workflow folders (workflows-api.md §3): list, create, rename or move, delete; folders are
named by canonical paths (each name percent-encoded, uppercase hex)."""

from __future__ import annotations

import time
from typing import List, Optional, Tuple
from urllib.parse import unquote

from . import _workflow_views as views
from ._catalog import Catalog, Folder, Record
from ._envelopes import ApiError, v2_data, v2_list
from ._public import Call
from ._responses import Response
from ._routes_workflows import catalog, folder_field, reject, require_role
from ._util import iso, new_uuid
from ._validation import Checks

ROOT_IMMUTABLE = "The root path cannot be mutated"
DUPLICATE = "A folder with this name already exists in this location"
_STRINGBOOL = {"true": True, "1": True, "yes": True, "on": True, "y": True, "enabled": True,
               "false": False, "0": False, "no": False, "off": False, "n": False,
               "disabled": False}  # fmt: skip


def _split(path: str) -> Tuple[str, str]:
    """``(parent path, decoded name)`` of a canonical path other than the root."""
    parent, _, name = path.rpartition("/")
    return parent or "/", unquote(name)


def _parent_id(found: Catalog, workspace_id: str, parent: str) -> Optional[str]:
    if parent == "/":
        return None
    folder = found.find_folder(workspace_id, parent)
    if folder is None:
        raise ApiError(404, "Parent folder not found")
    return folder.id


def _existing(found: Catalog, workspace_id: str, path: str) -> Folder:
    folder = found.find_folder(workspace_id, path)
    if folder is None:
        raise ApiError(404, "Folder not found")
    return folder


def list_folders(call: Call) -> Response:
    """``GET /api/v2/workflows/folders``: every folder, or a parent's children; no pages."""
    checks = call.query_checks()
    workspace_id = checks.string("workspaceId", required=True)
    parent = folder_field(checks, "parentPath")
    search = checks.string("search")
    sort_by = checks.choice("sortBy", ("name", "createdAt", "updatedAt"), default="name") or ""
    order = checks.choice("sortOrder", ("asc", "desc"), default="asc")
    checks.done()
    workspace = call.workspace(workspace_id)
    with call.state.lock:
        found = catalog(call)
        folders = found.folders_in(workspace.id)
        if parent == "/":
            folders = [f for f in folders if f.parent_id is None]
        elif parent is not None:
            above = found.find_folder(workspace.id, parent)
            folders = [f for f in folders if above is not None and f.parent_id == above.id]
        if search:
            folders = [f for f in folders if search.lower() in f.name.lower()]

        def key(folder: Folder) -> Tuple[str, str]:
            value = folder.name if sort_by == "name" else iso(getattr(folder, _ATTR[sort_by]))
            return value, folder.id

        folders.sort(key=key, reverse=order == "desc")
        return v2_list(views.folders(found, folders), None)


_ATTR = {"createdAt": "created_at", "updatedAt": "updated_at"}


def create_folder(call: Call) -> Response:
    """``POST /api/v2/workflows/folders``: parents must exist; names are unique per parent."""
    checks = call.body_checks()
    workspace_id = checks.string("workspaceId", required=True)
    path = folder_field(checks, "path", required=True)
    checks.done()
    if path == "/":
        raise reject(ROOT_IMMUTABLE, "path")
    workspace = call.workspace(workspace_id)
    require_role(call, workspace.id, "write", "create folders")
    with call.state.lock:
        found = catalog(call)
        parent, name = _split(path or "/")
        parent_id = _parent_id(found, workspace.id, parent)
        if found.find_folder(workspace.id, path or "/") is not None:
            raise ApiError(409, DUPLICATE)
        now = time.time()
        folder = Folder(new_uuid(), workspace.id, name, parent_id, now, now)
        found.folders[folder.id] = folder
        return v2_data(views.folder(found, folder), 201)


def move_folder(call: Call) -> Response:
    """``PATCH /api/v2/workflows/folders``: rename or move; what is inside follows."""
    checks = call.body_checks()
    workspace_id = checks.string("workspaceId", required=True)
    path = folder_field(checks, "path", required=True)
    destination = folder_field(checks, "destinationPath", required=True)
    if path is not None and path == destination:
        checks.add({"code": "custom", "path": ["destinationPath"],
                    "message": "destinationPath must differ from path"})  # fmt: skip
    checks.done()
    for name, value in (("path", path), ("destinationPath", destination)):
        if value == "/":
            raise reject(ROOT_IMMUTABLE, name)
    workspace = call.workspace(workspace_id)
    require_role(call, workspace.id, "write", "move folders")
    with call.state.lock:
        found = catalog(call)
        folder = _existing(found, workspace.id, path or "/")
        parent, name = _split(destination or "/")
        parent_id = _parent_id(found, workspace.id, parent)
        if parent_id is not None and folder.id in _ancestors(found, parent_id):
            raise reject("A folder cannot be moved into itself", "destinationPath")
        if found.find_folder(workspace.id, destination or "/") is not None:
            raise ApiError(409, DUPLICATE)
        folder.name, folder.parent_id, folder.updated_at = name, parent_id, time.time()
        return v2_data(views.folder(found, folder))


def _ancestors(found: Catalog, folder_id: Optional[str]) -> List[str]:
    chain: List[str] = []
    while folder_id is not None and folder_id in found.folders and folder_id not in chain:
        chain.append(folder_id)
        folder_id = found.folders[folder_id].parent_id
    return chain


def delete_folder(call: Call) -> Response:
    """``DELETE /api/v2/workflows/folders``: ``recursive`` also deletes the workflows inside."""
    checks = call.query_checks()
    workspace_id = checks.string("workspaceId", required=True)
    path = folder_field(checks, "path", required=True)
    recursive = _stringbool(checks, "recursive")
    checks.done()
    if path == "/":
        raise reject(ROOT_IMMUTABLE, "path")
    workspace = call.workspace(workspace_id)
    require_role(call, workspace.id, "write", "delete folders")
    with call.state.lock:
        found = catalog(call)
        folder = _existing(found, workspace.id, path or "/")
        folders, workflows = _subtree(found, workspace.id, folder)
        if (len(folders) > 1 or workflows) and not recursive:
            raise ApiError(409, "Folder is not empty")
        for gone in workflows:
            found.delete(call.state, gone)
        for each in folders:
            del found.folders[each.id]
        deleted = {"folders": len(folders), "workflows": len(workflows)}
        return v2_data({"path": path, "deleted": True, "deletedItems": deleted})


def _subtree(found: Catalog, workspace_id: str, top: Folder) -> Tuple[List[Folder], List[Record]]:
    folders, workflows, pending = [], [], [top]
    while pending:
        folder = pending.pop()
        folders.append(folder)
        below, inside = found.children(workspace_id, folder.id)
        pending.extend(below)
        workflows.extend(inside)
    return folders, workflows


def _stringbool(checks: Checks, name: str) -> bool:
    value = checks.string(name)
    if value is None:
        return False
    if value not in _STRINGBOOL:
        options = list(_STRINGBOOL)
        quoted = "|".join(f'"{option}"' for option in options)
        message = f"Invalid option: expected one of {quoted}"
        checks.add({"code": "invalid_value", "expected": "stringbool", "values": options,
                    "path": [name], "message": message})  # fmt: skip
        return False
    return _STRINGBOOL[value]

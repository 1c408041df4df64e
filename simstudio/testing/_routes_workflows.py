"""Workflow management routes (workflows-api.md §2-3), v1 and v2: list, get, export, import,
and v2 create, update and delete; plus what the deploy and folder routes share."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple
from urllib.parse import quote, unquote

from . import _workflow_views as views
from ._blocks import State, empty_state, fresh_ids, state_of
from ._catalog import Catalog, Record
from ._envelopes import V2, ApiError, v1_data, v1_page, v2_data, v2_list
from ._pagination import PageRequest, read_page_request, v1_cursor_page
from ._public import Call
from ._responses import Response
from ._util import iso
from ._validation import Checks, invalid

SORTS = ("position", "name", "createdAt", "updatedAt", "runCount")
NOT_CANONICAL = "Path must be a canonical folder path"
NOTHING_TO_UPDATE = "At least one of name, description, or folderPath is required"
_RANKS = {"read": 0, "write": 1, "admin": 2}

# -- shared by the workflow, deployment and folder routes -------------------------------------


def catalog(call: Call) -> Catalog:
    """The server's catalog, with every workflow registered in code in it."""
    found = call.state.store(Catalog)
    found.sync(call.state)
    return found


def record(call: Call, found: Catalog) -> Record:
    """The workflow of the path, or 404 ``Workflow not found`` (also for other workspaces)."""
    wanted = found.records.get(call.params["id"])
    return call.visible(wanted, wanted.workspace_id if wanted else None, "Workflow not found")


def require_role(call: Call, workspace_id: str, needed: str, doing: str) -> None:
    """Refuse a personal key whose user lacks ``needed`` in the workspace (not recorded:
    the local server's words; workspace keys act with their workspace's full rights)."""
    if not call.principal.is_personal:
        return
    members = call.directory.members(workspace_id)
    role = next((m.role for m in members if m.user == call.principal.user), "none")
    if _RANKS.get(role, -1) < _RANKS[needed]:
        raise ApiError(403, f"{needed.capitalize()} permission is required to {doing}")


def canonical(path: str) -> Optional[str]:
    """A canonical folder path (a missing leading ``/`` added), or ``None`` if it is not one."""
    text = path if path.startswith("/") else "/" + path
    if text == "/":
        return text
    parts = text[1:].split("/")
    if any(not part or quote(unquote(part), safe="") != part for part in parts):
        return None
    return text


def folder_field(checks: Checks, name: str, *, required: bool = False) -> Optional[str]:
    """A canonical folder path field (the 400 issue of Sim when it is not one)."""
    value = checks.string(name, required=required)
    if value is None:
        return None
    path = canonical(value)
    if path is None:
        checks.add({"code": "custom", "message": NOT_CANONICAL, "path": [*checks.path, name]})
    return path


def folder_id(found: Catalog, workspace_id: str, path: Optional[str]) -> Optional[str]:
    """The id of the folder at ``path`` (``None`` for the root), or 404 ``Folder not found``."""
    if path is None or path == "/":
        return None
    folder = found.find_folder(workspace_id, path)
    if folder is None:
        raise ApiError(404, "Folder not found")
    return folder.id


def answer(call: Call, data: Any, status: int = 200) -> Response:
    """A success in the route's envelope (v1 workflows add ``limits``)."""
    return v2_data(data, status) if call.version == V2 else v1_data(data, call.limits(), status)


# -- list, get, export --------------------------------------------------------------------------


def _sort_key(call: Call, sort_by: str) -> Callable[[Record], Sequence[Any]]:
    fields: Dict[str, Callable[[Record], Any]] = {
        "position": lambda r: (r.sort_order, iso(r.created_at)),
        "name": lambda r: (r.name,),
        "createdAt": lambda r: (iso(r.created_at),),
        "updatedAt": lambda r: (iso(r.updated_at),),
        "runCount": lambda r: (call.state.executions(r.id),),
    }
    field = fields[sort_by]
    return lambda r: (*field(r), r.id)


@dataclass(frozen=True)
class _Filters:
    """What a list request selects (``folder_id``: v1's; ``path``: v2's folder)."""

    workspace_id: str
    path: Optional[str]
    folder_id: Optional[str]
    deployed_only: bool
    search: Optional[str]

    def select(self, found: Catalog) -> List[Record]:
        """The workflows these filters select, in no particular order."""
        records = found.in_workspace(self.workspace_id)
        if self.path is not None:
            folder = None if self.path == "/" else found.find_folder(self.workspace_id, self.path)
            if self.path != "/" and folder is None:
                return []  # an unknown folder is an empty list, not a 404
            records = [r for r in records if r.folder_id == (folder.id if folder else None)]
        if self.folder_id is not None:
            records = [r for r in records if r.folder_id == self.folder_id]
        if self.deployed_only:
            records = [r for r in records if r.is_deployed]
        if self.search:
            records = [r for r in records if self.search.lower() in r.name.lower()]
        return records


def list_workflows(call: Call) -> Response:
    """``GET /api/v1/workflows`` and ``GET /api/v2/workflows`` (strict, sorted, searchable)."""
    checks = call.query_checks()
    v2 = call.version == V2
    workspace_id = checks.string(
        "workspaceId", required=True,
        messages=None if v2 else {"invalid_type": "Workspace ID is required"},
    )  # fmt: skip
    path = folder_field(checks, "folderPath") if v2 else None
    folder = None if v2 else checks.string("folderId")
    deployed_only = bool(checks.boolean("deployedOnly", default=False))
    search = checks.string("search") if v2 else None
    if v2:
        paging = read_page_request(checks, SORTS, default_sort="position")
    else:  # zod's own messages in v1
        limit = checks.integer("limit", default=50, minimum=1, maximum=100)
        paging = PageRequest(limit or 50, checks.string("cursor"), "position", "asc")
    checks.done()
    workspace = call.workspace(workspace_id)
    filters = _Filters(workspace.id, path, folder, deployed_only, search)
    with call.state.lock:
        found = catalog(call)
        return _page(call, found, filters.select(found), paging, filters)


def _page(call: Call, found: Catalog, records: List[Record], paging: PageRequest,
          filters: _Filters) -> Response:  # fmt: skip
    state = call.state
    if call.version == V2:
        key = _sort_key(call, paging.sort_by)
        bound = {"workspaceId": filters.workspace_id, "folderPath": filters.path,
                 "deployedOnly": filters.deployed_only, "search": filters.search}  # fmt: skip
        page, cursor = paging.page(records, key, bound)
        return v2_list([views.item(state, found, r, V2) for r in page], cursor)
    page, cursor = v1_cursor_page(
        records, key=lambda r: (r.sort_order, iso(r.created_at), r.id),
        fields=("sortOrder", "createdAt", "id"), limit=paging.limit, cursor=paging.cursor,
    )  # fmt: skip
    return v1_page([views.item(state, found, r, call.version) for r in page], cursor, call.limits())


def get_workflow(call: Call) -> Response:
    """``GET /api/v{1,2}/workflows/{id}``."""
    call.query_checks().done()
    with call.state.lock:
        found = catalog(call)
        return answer(call, views.detail(call.state, found, record(call, found), call.version))


def export_workflow(call: Call) -> Response:
    """``GET /api/v{1,2}/workflows/{id}/export``: the portable envelope."""
    call.query_checks().done()
    with call.state.lock:
        found = catalog(call)
        return answer(call, views.export(found, record(call, found), call.version))


# -- import, create, update, delete ---------------------------------------------------------------


def _workflow_state(checks: Checks) -> Tuple[Optional[State], Dict[str, Any]]:
    value = checks.values.get("workflow")
    checks.allow("workflow")
    if value is None:
        checks.add({"expected": "object", "code": "invalid_type", "path": ["workflow"],
                    "message": "workflow is required"})  # fmt: skip
        return None, {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise ApiError(400, "Invalid workflow: the workflow is not valid JSON") from None
    if value == {} or value == "":
        checks.add({"code": "custom", "path": ["workflow"], "message": "workflow cannot be empty"})
        return None, {}
    return state_of(value)


def import_workflow(call: Call) -> Response:
    """``POST /api/v{1,2}/workflows/import``: a new, undeployed workflow from an export."""
    checks = call.body_checks()
    v2 = call.version == V2
    workspace_id = checks.string(
        "workspaceId", required=True,
        messages=None if v2 else {"invalid_type": "Workspace ID is required"},
    )  # fmt: skip
    state, meta = _workflow_state(checks)
    name = checks.string("name", min_length=1, max_length=200)
    description = checks.string("description", max_length=2000)
    path = folder_field(checks, "folderPath") if v2 else None
    legacy_folder = None if v2 else checks.string("folderId")
    checks.done()
    if state is None:
        raise ApiError(400, "Invalid workflow: Missing or invalid field: blocks")
    workspace = call.workspace(workspace_id)
    require_role(call, workspace.id, "write", "import workflows")
    with call.state.lock:
        found = catalog(call)
        target = folder_id(found, workspace.id, path)
        if legacy_folder is not None and found.folders.get(legacy_folder) is None:
            raise ApiError(404, "Folder not found")
        default_name = meta.get("name") or (state.get("metadata") or {}).get("name")
        new = found.add(
            call.state, workspace.id, name or str(default_name or "Imported workflow"),
            description if description is not None else meta.get("description"),
            target if v2 else legacy_folder, fresh_ids(state),
        )  # fmt: skip
        return answer(call, views.created(found, new, call.version), 201)


def create_workflow(call: Call) -> Response:
    """``POST /api/v2/workflows``: an empty workflow (one start block)."""
    checks = call.body_checks()
    workspace_id = checks.string("workspaceId", required=True)
    raw_name = checks.string(
        "name", required=True, messages={"invalid_type": "name is required"}
    )
    description = _nullable_text(checks, "description", 50000)
    path = folder_field(checks, "folderPath")
    name = (raw_name or "").strip()
    if raw_name is not None and not 1 <= len(name) <= 255:
        checks.add({"code": "custom", "path": ["name"], "message": "name must be 1-255 characters"})
    checks.done()
    workspace = call.workspace(workspace_id)
    require_role(call, workspace.id, "write", "create workflows")
    with call.state.lock:
        found = catalog(call)
        target = folder_id(found, workspace.id, path)
        new = found.add(call.state, workspace.id, name, description, target, empty_state())
        return v2_data(views.item(call.state, found, new, V2), 201)


def _nullable_text(checks: Checks, name: str, max_length: int) -> Optional[str]:
    if name in checks.values and checks.values[name] is None:
        checks.allow(name)
        return None
    return checks.string(name, max_length=max_length)


def update_workflow(call: Call) -> Response:
    """``PATCH /api/v2/workflows/{id}``: name, description or folder (not the deployment)."""
    checks = call.body_checks()
    raw_name = checks.string("name", min_length=1, max_length=255)
    description = _nullable_text(checks, "description", 50000)
    path = folder_field(checks, "folderPath")
    if not any(key in checks.values for key in ("name", "description", "folderPath")):
        checks.add({"code": "custom", "path": ["name"], "message": NOTHING_TO_UPDATE})
    checks.done()
    with call.state.lock:
        found = catalog(call)
        target = record(call, found)
        require_role(call, target.workspace_id, "write", "update workflows")
        if path is not None:
            target.folder_id = folder_id(found, target.workspace_id, path)
        if raw_name is not None:
            target.name = target.runner.name = raw_name.strip()
        if "description" in checks.values:
            target.description = description
        target.updated_at = call.request.received_at
        return v2_data(views.item(call.state, found, target, V2))


def delete_workflow(call: Call) -> Response:
    """``DELETE /api/v2/workflows/{id}``: deployed or not; executes answer 404 afterwards."""
    call.query_checks().done()
    with call.state.lock:
        found = catalog(call)
        target = record(call, found)
        require_role(call, target.workspace_id, "write", "delete workflows")
        found.delete(call.state, target)
        return v2_data({"id": target.id, "deleted": True})


def reject(message: str, name: str) -> ApiError:
    """A 400 with one custom zod issue on ``name``."""
    return invalid([{"code": "custom", "message": message, "path": [name]}])

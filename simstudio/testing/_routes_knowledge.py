"""Knowledge bases (public-api.md §1): list, create, get, update, delete and tag definitions,
v1 and v2, with the recorded shapes, errors and access rules."""

from __future__ import annotations

import time
from typing import Any, Callable, Dict, Optional, Sequence

from ._envelopes import V2, ApiError, v1_success, v2_data, v2_list
from ._knowledge import KnowledgeBase, KnowledgeStore
from ._pagination import read_page_request
from ._public import Call
from ._responses import Response
from ._validation import Checks

NOT_FOUND = "Knowledge base not found"
WORKSPACE_REQUIRED = "workspaceId query parameter is required"
SORTS = ("name", "createdAt", "updatedAt")
_CHUNKING = (("maxSize", 100, 4000), ("minSize", 1, 2000), ("overlap", 0, 500))


def store(call: Call) -> KnowledgeStore:
    """This server's knowledge bases."""
    return call.state.store(KnowledgeStore)


def workspace_query(call: Call, checks: Checks) -> str:
    """The required ``workspaceId`` query parameter."""
    value = checks.string("workspaceId", required=True,
                          messages={"invalid_type": WORKSPACE_REQUIRED})  # fmt: skip
    return value or ""


def knowledge_base(call: Call, kb_id: str, workspace_id: str) -> KnowledgeBase:
    """The knowledge base, if it is in ``workspace_id`` and the key reaches that workspace.

    v1 refuses a workspace the key cannot reach with 403; v2 conceals everything as 404.
    """
    if call.version == V2:
        if not call.principal.can_access(workspace_id):
            raise ApiError(404, NOT_FOUND)
    else:
        call.workspace(workspace_id)
    kb = store(call).base(kb_id)
    if kb is None or kb.workspace_id != workspace_id:
        raise ApiError(404, NOT_FOUND)
    return call.visible(kb, kb.workspace_id, NOT_FOUND)


def _chunking(checks: Checks) -> Optional[Dict[str, int]]:
    nested = checks.nested("chunkingConfig")
    if nested is None:
        return None
    values: Dict[str, int] = {}
    for name, low, high in _CHUNKING:
        value = nested.integer(name, minimum=low, maximum=high)
        if value is not None:
            values[name] = value
    return values


def _fields(checks: Checks, creating: bool) -> Dict[str, Any]:
    name = checks.string("name", required=creating, min_length=1, max_length=255,
                         messages={"invalid_type": "Name is required",
                                   "too_small": "Name is required"})  # fmt: skip
    description = checks.string("description", max_length=10000)
    chunking = _chunking(checks)
    return {"name": name, "description": description, "chunking": chunking}


def _answer(call: Call, kb: KnowledgeBase, message: str, status: int = 200) -> Response:
    view = store(call).kb_view(kb, call.version == V2)
    if call.version == V2:
        return v2_data(view, 201 if status == 201 else 200)
    return v1_success({"knowledgeBase": view, "message": message} if message else
                      {"knowledgeBase": view})  # fmt: skip


def create_knowledge_base(call: Call) -> Response:
    """``POST /api/v1/knowledge`` (200) and ``/api/v2/knowledge`` (201)."""
    checks = call.body_checks()
    workspace_id = checks.string("workspaceId", required=True,
                                 messages={"invalid_type": "Workspace ID is required"})  # fmt: skip
    fields = _fields(checks, creating=True)
    checks.done()
    workspace = call.workspace(workspace_id)
    kb = store(call).create(workspace.id, fields["name"], fields["description"],
                            fields["chunking"])  # fmt: skip
    return _answer(call, kb, "Knowledge base created successfully", status=201)


def _sort_key(sort_by: str) -> Callable[[KnowledgeBase], Sequence[Any]]:
    fields: Dict[str, Callable[[KnowledgeBase], Any]] = {
        "name": lambda kb: kb.name,
        "createdAt": lambda kb: kb.created_at,
        "updatedAt": lambda kb: kb.updated_at,
    }
    field = fields[sort_by]
    return lambda kb: (field(kb), kb.id)


def list_knowledge_bases(call: Call) -> Response:
    """``GET /api/v1/knowledge`` (everything) and ``/api/v2/knowledge`` (cursor pages)."""
    checks = call.query_checks()
    workspace_id = workspace_query(call, checks)
    if call.version != V2:
        checks.done()
        bases = store(call).in_workspace(call.workspace(workspace_id).id)
        views = [store(call).kb_view(kb, False) for kb in bases]
        return v1_success({"knowledgeBases": views, "totalCount": len(views)})
    search = checks.string("search")
    folder = checks.string("folderPath")
    paging = read_page_request(checks, SORTS)
    checks.done()
    workspace = call.workspace(workspace_id)
    bases = [kb for kb in store(call).in_workspace(workspace.id)
             if not search or search.lower() in kb.name.lower()]  # fmt: skip
    filters = {"workspaceId": workspace.id, "search": search, "folderPath": folder}
    page, cursor = paging.page(bases, _sort_key(paging.sort_by), filters)
    return v2_list([store(call).kb_view(kb, True) for kb in page], cursor)


def get_knowledge_base(call: Call) -> Response:
    """``GET /api/v{1,2}/knowledge/{id}?workspaceId=``."""
    checks = call.query_checks()
    workspace_id = workspace_query(call, checks)
    checks.done()
    kb = knowledge_base(call, call.params["id"], workspace_id)
    return _answer(call, kb, "")


def update_knowledge_base(call: Call) -> Response:
    """``PUT /api/v1/knowledge/{id}`` and ``PATCH /api/v2/knowledge/{id}``."""
    checks = call.body_checks()
    workspace_id = checks.string("workspaceId", required=True,
                                 messages={"invalid_type": "Workspace ID is required"})  # fmt: skip
    fields = _fields(checks, creating=False)
    if not checks.issues and all(value is None for value in fields.values()):
        message = "At least one of name, description, or chunkingConfig must be provided"
        checks.add({"code": "custom", "path": [], "message": message})
    checks.done()
    kb = knowledge_base(call, call.params["id"], workspace_id or "")
    with store(call).lock:
        if fields["name"] is not None:
            kb.name = fields["name"]
        if fields["description"] is not None:
            kb.description = fields["description"]
        if fields["chunking"] is not None:
            kb.chunking = {**kb.chunking, **fields["chunking"]}
        kb.updated_at = time.time()
    if call.version == V2:
        return v2_data(store(call).kb_view(kb, True))
    return v1_success({"knowledgeBase": store(call).kb_view(kb, False),
                       "message": "Knowledge base updated successfully"})  # fmt: skip


def delete_knowledge_base(call: Call) -> Response:
    """``DELETE /api/v{1,2}/knowledge/{id}?workspaceId=``."""
    checks = call.query_checks()
    workspace_id = workspace_query(call, checks)
    checks.done()
    kb = knowledge_base(call, call.params["id"], workspace_id)
    store(call).delete(kb.id)
    if call.version == V2:
        return v2_data({"id": kb.id, "deleted": True})
    return v1_success({"message": "Knowledge base deleted successfully"})


def list_tags(call: Call) -> Response:
    """``GET /api/v2/knowledge/{id}/tags``: the definitions, by slot name (read-only)."""
    checks = call.query_checks()
    workspace_id = workspace_query(call, checks)
    checks.done()
    kb = knowledge_base(call, call.params["id"], workspace_id)
    with store(call).lock:
        definitions = [kb.tags[slot].view() for slot in sorted(kb.tags)]
    return v2_list(definitions, None)

"""Knowledge search (public-api.md §4): ``POST /api/v1/knowledge/search`` and the v2 route,
tag-only, vector-only and combined, with the recorded validation and access errors."""

from __future__ import annotations

import time
from typing import Any, Dict, List, Tuple

from ._envelopes import V2, ApiError, v1_success, v2_data
from ._knowledge import KnowledgeBase, KnowledgeStore, tag_view
from ._knowledge_filters import read_filters, resolve
from ._knowledge_search import Hit, filter_documents, max_distance, similarity_of, tag_only, vector
from ._public import Call
from ._responses import Response
from ._validation import Checks, invalid_type, out_of_range

MAX_BASES = 20
MAX_FILTERS = 10
MAX_QUERY = 32768


def _kb_ids(checks: Checks, raw: Any) -> List[str]:
    checks.allow("knowledgeBaseIds")
    if isinstance(raw, str) and raw:
        return [raw]
    if isinstance(raw, list) and raw and all(isinstance(i, str) and i for i in raw):
        if len(raw) > MAX_BASES:
            checks.add(out_of_range(["knowledgeBaseIds"], "array", MAX_BASES, True,
                                    "Maximum 20 knowledge base IDs allowed"))  # fmt: skip
        return list(raw)
    errors = [[invalid_type([], "string", raw if isinstance(raw, str) else None,
                            "Knowledge base ID is required")],
              [invalid_type([], "array", raw)]]  # fmt: skip
    checks.add({"code": "invalid_union", "errors": errors, "path": ["knowledgeBaseIds"],
                "message": "Invalid input"})  # fmt: skip
    return []


def _top_k(call: Call, checks: Checks) -> Tuple[int, bool]:
    """``topK`` and whether it was fractional (zod's number schema lets 2.5 through)."""
    raw = checks.values.get("topK")
    v2 = call.version == V2
    value = checks.integer("topK", default=10, minimum=1, maximum=100,
                           too_small="topK must be at least 1" if v2 else None,
                           too_big="topK cannot exceed 100" if v2 else None)  # fmt: skip
    fractional = isinstance(raw, float) and not raw.is_integer() and 1 <= raw <= 100
    if fractional:
        checks.issues[:] = [i for i in checks.issues if i.get("path") != ["topK"]]
    return value or 10, fractional


def _read(call: Call) -> Dict[str, Any]:
    checks = call.body_checks()
    v2 = call.version == V2
    workspace_id = checks.string("workspaceId", required=True,
                                 messages={"invalid_type": "Workspace ID is required"})  # fmt: skip
    kb_ids = _kb_ids(checks, checks.values.get("knowledgeBaseIds"))
    query = checks.string("query", max_length=MAX_QUERY if v2 else None)
    mode = checks.choice("searchMode", ("vector", "hybrid"), default="vector")
    checks.allow("tagFilters")
    filters = read_filters(checks, checks.values.get("tagFilters"), ["tagFilters"])
    if v2 and len(filters) > MAX_FILTERS:
        checks.add(out_of_range(["tagFilters"], "array", MAX_FILTERS, True))
    reranker = checks.boolean("rerankerEnabled", default=False) if v2 else False
    if v2:
        checks.string("rerankerModel")
        checks.integer("rerankerInputCount", minimum=1, maximum=100)
    top_k, fractional = _top_k(call, checks)
    checks.done()
    if fractional:
        if v2:
            raise ApiError(400, "topK must be an integer between 1 and 100")
        raise ApiError(500, "Failed to perform search")  # v1 hands 2.5 to the SQL LIMIT
    text = query if query and query.strip() else None
    if text is None and not filters:
        checks.add({"code": "custom", "path": ["query"] if v2 else [],
                    "message": "Either query or tagFilters must be provided"})  # fmt: skip
        checks.done()
    return {"workspace_id": workspace_id or "", "kb_ids": kb_ids, "query": text, "mode": mode,
            "filters": filters, "top_k": top_k, "reranker": reranker}  # fmt: skip


def _bases(call: Call, workspace_id: str, kb_ids: List[str]) -> List[KnowledgeBase]:
    v2 = call.version == V2
    if not call.principal.can_access(workspace_id):
        if v2:
            raise ApiError(404, "Knowledge base not found")
        call.workspace(workspace_id)  # raises v1's 403
    knowledge = call.state.store(KnowledgeStore)
    found = {i: knowledge.base(i) for i in dict.fromkeys(kb_ids)}
    missing = [i for i, kb in found.items() if kb is None or kb.workspace_id != workspace_id]
    if missing:
        if v2:
            raise ApiError(404, f"Knowledge bases not found or access denied: {', '.join(missing)}")
        raise ApiError(404, "Knowledge base not found or access denied")
    return [kb for kb in found.values() if kb is not None]


def _hit_view(hit: Hit, bases: Dict[str, KnowledgeBase], v2: bool) -> Dict[str, Any]:
    doc = hit.document
    view: Dict[str, Any] = {"knowledgeBaseId": doc.kb_id} if v2 else {}
    view.update(documentId=doc.id, documentName=doc.filename, sourceUrl=None,
                content=hit.content, chunkIndex=hit.chunk_index,
                metadata=tag_view(bases[doc.kb_id], doc.slots),
                similarity=similarity_of(hit))  # fmt: skip
    return view


def _run(bases: List[KnowledgeBase], request: Dict[str, Any], call: Call) -> List[Hit]:
    conditions = resolve(bases, request["filters"], call.version)
    knowledge = call.state.store(KnowledgeStore)
    now = time.time()
    with knowledge.lock:
        documents = [d for kb in bases for d in knowledge.docs(kb.id) if d.searchable(now)]
    selected = filter_documents(documents, conditions)
    if request["query"] is None:
        return tag_only(selected, request["top_k"])
    return vector(selected, request["query"], request["top_k"], request["mode"],
                  max_distance(len(bases)))  # fmt: skip


def search(call: Call) -> Response:
    """``POST /api/v{1,2}/knowledge/search``."""
    request = _read(call)
    bases = _bases(call, request["workspace_id"], request["kb_ids"])
    hits = _run(bases, request, call)
    v2 = call.version == V2
    by_id = {kb.id: kb for kb in bases}
    data: Dict[str, Any] = {
        "results": [_hit_view(hit, by_id, v2) for hit in hits],
        "query": request["query"] or "",
        "knowledgeBaseIds": request["kb_ids"],
        "topK": request["top_k"],
        "totalResults": len(hits),
    }
    if not v2:
        return v1_success(data)
    data["rerankerStatus"] = "unavailable" if request["reranker"] else "not_requested"
    return v2_data(data)


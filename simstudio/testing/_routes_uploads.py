"""v2 resumable uploads (public-api.md §2): create a session with its metadata (the only way
to tag a document at creation), transfer the bytes with the session's token, complete or cancel."""

from __future__ import annotations

import time
from typing import Any

from ._envelopes import ApiError, v2_data
from ._knowledge import KnowledgeBase, KnowledgeStore, UploadSession
from ._public import Call
from ._records import Request
from ._responses import Response, json_response
from ._routes_documents import check_type, processing_delay, read_slots
from ._routes_knowledge import knowledge_base, store, workspace_query
from ._state import ServerState
from ._validation import invalid_type


def create_upload_session(call: Call) -> Response:
    """``POST /api/v2/knowledge/{id}/documents/uploads``: a resumable upload whose metadata
    may set the text tags (``tag1``..``tag7``), the only way to tag a document at creation."""
    checks = call.body_checks()
    workspace_id = checks.string("workspaceId", required=True,
                                 messages={"invalid_type": "Workspace ID is required"})  # fmt: skip
    name = checks.string("name", required=True, min_length=1, max_length=255)
    content_type = checks.string("contentType", required=True, min_length=1)
    size = checks.integer("size", minimum=1)
    if "size" not in checks.values:
        checks.add(invalid_type(["size"], "number"))
    checks.allow("processingOptions")
    slots = read_slots(checks, ["text"])
    checks.done()
    kb = knowledge_base(call, call.params["id"], workspace_id or "")
    check_type(name or "")
    text_tags = {slot: value for slot, value in slots.items() if value}
    session = store(call).open_session(kb, kb.workspace_id, name or "", content_type or "",
                                       size or 1, text_tags)  # fmt: skip
    url = f"{call.state.base_url}/api/v2/uploads/{session.id}"
    headers = {"Content-Type": session.content_type, "upload-token": session.token}
    expires = session.view(time.time())["expiresAt"]
    return v2_data({"session": session.view(time.time()), "uploadToken": session.token,
                    "transfer": {"method": "put", "url": url, "headers": headers,
                                 "expiresAt": expires}}, 201)  # fmt: skip


def _v2_error(status: int, code: str, message: str) -> Response:
    return json_response(status, {"error": {"code": code, "message": message}})


def transfer_upload(state: ServerState, request: Request, fault: Any, upload_id: str) -> Response:
    """``PUT /api/v2/uploads/{uploadId}``: the bytes of a session, authorised by its
    ``upload-token`` (204, no rate-limit headers)."""
    knowledge = state.store(KnowledgeStore)
    with knowledge.lock:
        session = knowledge.sessions.get(upload_id)
    if session is None:
        return _v2_error(404, "NOT_FOUND", "Upload session not found")
    if request.headers.get("upload-token") != session.token:
        return _v2_error(401, "UNAUTHORIZED", "Invalid upload token")
    if len(request.body) != session.size or request.body_too_large:
        return _v2_error(400, "BAD_REQUEST", f"Expected {session.size} bytes for this upload")
    session.data = request.body
    return Response(204, b"", content_type=None)


def _session(call: Call, kb: KnowledgeBase) -> UploadSession:
    session = store(call).sessions.get(call.params["uploadId"])
    if session is None or session.kb_id != kb.id:
        raise ApiError(404, "Upload session not found")
    return session


def complete_upload(call: Call) -> Response:
    """``POST .../documents/uploads/{uploadId}/complete?workspaceId=`` (``upload-token``)."""
    checks = call.query_checks()
    workspace_id = workspace_query(call, checks)
    checks.done()
    kb = knowledge_base(call, call.params["id"], workspace_id)
    session = _session(call, kb)
    if call.request.headers.get("upload-token") != session.token:
        raise ApiError(401, "Invalid upload token")
    with store(call).lock:
        if session.document is None:
            if session.data is None:
                raise ApiError(400, "The file has not been uploaded yet")
            session.document = store(call).add_document(
                kb, session.name, session.content_type, session.data, processing_delay(call),
                session.slots, doc_id=session.id,
            )  # fmt: skip
    return v2_data(session.view(time.time()))


def cancel_upload(call: Call) -> Response:
    """``DELETE .../documents/uploads/{uploadId}?workspaceId=``."""
    checks = call.query_checks()
    workspace_id = workspace_query(call, checks)
    checks.done()
    kb = knowledge_base(call, call.params["id"], workspace_id)
    session = _session(call, kb)
    with store(call).lock:
        store(call).sessions.pop(session.id, None)
    return v2_data({"id": session.id, "deleted": True})

"""Documents (public-api.md §2): uploads (v1 and v2 multipart, v2 resumable sessions), lists,
get, the personal-key-only v2 update, delete."""

from __future__ import annotations

import datetime as _dt
import re
import time
from typing import Any, Callable, Dict, List, Optional, Sequence

from ._envelopes import V2, ApiError, v1_success, v2_data, v2_list
from ._form import Part, parse_form
from ._knowledge import (
    SLOT_TYPE,
    SLOTS,
    Document,
    KnowledgeBase,
    tag_view,
)
from ._knowledge_filters import parse_query_filters, read_filters, resolve
from ._knowledge_search import filter_documents
from ._pagination import offset_page, read_page_request
from ._public import Call
from ._responses import Response
from ._routes_knowledge import knowledge_base, store, workspace_query
from ._validation import Checks, invalid_type

DOC_NOT_FOUND = "Document not found"
EXTENSIONS = ("pdf", "csv", "doc", "docx", "txt", "md", "xlsx", "xls", "ppt", "pptx", "html",
              "htm", "json", "jsonl", "yaml", "yml")  # fmt: skip
SORTS = ("filename", "fileSize", "tokenCount", "chunkCount", "uploadedAt", "processingStatus",
         "enabled")  # fmt: skip
_ENABLED = ("all", "enabled", "disabled")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def processing_delay(call: Call) -> float:
    """How long this server takes to process a document."""
    return call.state.settings.processing_delay


def check_type(filename: str) -> None:
    """415 for a file type Sim does not take."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in EXTENSIONS:
        raise ApiError(415, f"Unsupported file type: {extension or filename}. "
                            f"Supported types are: {', '.join(EXTENSIONS)}")  # fmt: skip


def _form(call: Call) -> Dict[str, Part]:
    if call.request.body_too_large:
        raise ApiError(413, "File size exceeds the 100MB limit")
    content_type = call.request.headers.get("content-type", "")
    form = parse_form(content_type, call.request.body)
    if form is None:
        raise ApiError(400, "Request body must be valid multipart form data")
    return form


def _file(form: Dict[str, Part]) -> Part:
    part = form.get("file")
    if part is None or part.filename is None:
        raise ApiError(400, "file form field is required")
    check_type(part.filename)
    return part


def _store_upload(call: Call, kb: KnowledgeBase, part: Part) -> Document:
    mime = part.content_type or "application/octet-stream"
    delay = processing_delay(call)
    return store(call).add_document(kb, part.filename or "file", mime, part.data, delay)


def upload_document(call: Call) -> Response:
    """``POST /api/v1/knowledge/{id}/documents`` (fields ``workspaceId``, ``file``) and the
    v2 route (``?workspaceId=``, field ``file``; answers 201). Other fields are ignored."""
    if call.version == V2:
        checks = call.query_checks()
        workspace_id = workspace_query(call, checks)
        checks.done()
        form = _form(call)
    else:
        form = _form(call)
        field = form.get("workspaceId")
        if field is None or not field.text:
            raise ApiError(400, "workspaceId form field is required")
        workspace_id = field.text
    kb = knowledge_base(call, call.params["id"], workspace_id)
    document = _store_upload(call, kb, _file(form))
    summary = document.summary(time.time(), fresh=True)
    if call.version == V2:
        return v2_data(summary, 201)
    return v1_success({"document": summary,
                       "message": "Document uploaded successfully. Processing will begin shortly."})


def _document(call: Call, kb: KnowledgeBase, doc_id: str) -> Document:
    document = store(call).document(doc_id)
    if document is None or document.kb_id != kb.id:
        raise ApiError(404, DOC_NOT_FOUND)
    return document


def _with_tags(kb: KnowledgeBase, document: Document, now: float) -> Dict[str, Any]:
    return {**document.summary(now), "tags": tag_view(kb, document.slots)}


def _detail(kb: KnowledgeBase, document: Document, v2: bool) -> Dict[str, Any]:
    now = time.time()
    extra = {**document.processing(now), "connectorId": None, "connectorType": None,
             "sourceUrl": None}  # fmt: skip
    if v2:
        return {**_with_tags(kb, document, now), **extra}
    summary = document.summary(now)
    created = summary.pop("createdAt")
    head = {k: summary.pop(k) for k in ("id", "knowledgeBaseId", "filename", "fileSize",
                                        "mimeType", "processingStatus")}  # fmt: skip
    processing = {k: extra.pop(k) for k in ("processingError", "processingStartedAt",
                                            "processingCompletedAt")}  # fmt: skip
    return {**head, **processing, **summary, **extra, "createdAt": created}


def get_document(call: Call) -> Response:
    """``GET /api/v{1,2}/knowledge/{id}/documents/{documentId}`` (v2 with tags)."""
    checks = call.query_checks()
    workspace_id = workspace_query(call, checks)
    checks.done()
    kb = knowledge_base(call, call.params["id"], workspace_id)
    document = _document(call, kb, call.params["documentId"])
    view = _detail(kb, document, call.version == V2)
    return v2_data(view) if call.version == V2 else v1_success({"document": view})


def delete_document(call: Call) -> Response:
    """``DELETE /api/v{1,2}/knowledge/{id}/documents/{documentId}``."""
    checks = call.query_checks()
    workspace_id = workspace_query(call, checks)
    checks.done()
    kb = knowledge_base(call, call.params["id"], workspace_id)
    document = _document(call, kb, call.params["documentId"])
    store(call).remove_document(document.id)
    if call.version == V2:
        return v2_data({"id": document.id, "deleted": True})
    return v1_success({"message": "Document deleted successfully"})


def _sort_key(sort_by: str, now: float) -> Callable[[Document], Sequence[Any]]:
    fields: Dict[str, Callable[[Document], Any]] = {
        "filename": lambda d: d.filename,
        "fileSize": lambda d: len(d.content),
        "tokenCount": lambda d: d.summary(now)["tokenCount"],
        "chunkCount": lambda d: d.summary(now)["chunkCount"],
        "uploadedAt": lambda d: d.created_at,
        "processingStatus": lambda d: d.status(now),
        "enabled": lambda d: d.enabled,
    }
    field = fields[sort_by]
    return lambda d: (field(d), d.created_at, d.id)


def _selected(call: Call, kb: KnowledgeBase, search: Optional[str], enabled: str,
              conditions: Any = None) -> List[Document]:  # fmt: skip
    wanted = {"enabled": True, "disabled": False}.get(enabled)
    documents = [d for d in store(call).docs(kb.id)
                 if (not search or search.lower() in d.filename.lower())
                 and (wanted is None or d.enabled == wanted)]  # fmt: skip
    return filter_documents(documents, conditions) if conditions else documents


def list_documents(call: Call) -> Response:
    """``GET /api/v1/knowledge/{id}/documents`` (offsets) and the v2 route (cursors, tags)."""
    checks = call.query_checks()
    workspace_id = workspace_query(call, checks)
    search = checks.string("search")
    enabled = checks.choice("enabledFilter", _ENABLED, default="all") or "all"
    if call.version != V2:
        return _list_v1(call, checks, workspace_id, search, enabled)
    paging = read_page_request(checks, SORTS, default_sort="uploadedAt", default_order="desc")
    raw_filters = checks.string("tagFilters")
    filters = read_filters(checks, parse_query_filters(raw_filters), ["tagFilters"]) \
        if raw_filters is not None else []  # fmt: skip
    checks.done()
    kb = knowledge_base(call, call.params["id"], workspace_id)
    documents = _selected(call, kb, search, enabled, resolve([kb], filters, V2))
    now = time.time()
    page, cursor = paging.page(documents, _sort_key(paging.sort_by, now),
                               {"search": search, "enabledFilter": enabled,
                                "tagFilters": raw_filters})  # fmt: skip
    return v2_list([_with_tags(kb, d, now) for d in page], cursor)


def _list_v1(call: Call, checks: Checks, workspace_id: str, search: Optional[str],
             enabled: str) -> Response:  # fmt: skip
    limit = checks.integer("limit", default=50, minimum=1, maximum=100) or 50
    offset = checks.integer("offset", default=0, minimum=0) or 0
    sort_by = checks.choice("sortBy", SORTS, default="uploadedAt") or "uploadedAt"
    order = checks.choice("sortOrder", ("asc", "desc"), default="desc") or "desc"
    checks.done()
    kb = knowledge_base(call, call.params["id"], workspace_id)
    now = time.time()
    key = _sort_key(sort_by, now)
    documents = sorted(_selected(call, kb, search, enabled), key=lambda d: tuple(key(d)),
                       reverse=order == "desc")  # fmt: skip
    page, pagination = offset_page(documents, limit, offset)
    return v1_success({"documents": [d.summary(now) for d in page], "pagination": pagination})


def _date_issues(checks: Checks, slot: str, value: Any) -> None:
    if not isinstance(value, str):
        checks.add(invalid_type([slot], "string", value))
        return
    if not _DATE.match(value):
        checks.add({"origin": "string", "code": "invalid_format", "format": "regex",
                    "pattern": r"/^\d{4}-\d{2}-\d{2}$/", "path": [slot],
                    "message": "Date tag values must be formatted YYYY-MM-DD"})  # fmt: skip
    try:
        _dt.date.fromisoformat(value)
    except ValueError:
        checks.add({"code": "custom", "path": [slot],
                    "message": "Date tag values must be a real calendar date"})  # fmt: skip


def read_slots(checks: Checks, kinds: Sequence[str]) -> Dict[str, Any]:
    """Slot values of a body (``null`` clears one), checked per the slot's type."""
    found: Dict[str, Any] = {}
    for slot in [s for kind in kinds for s in SLOTS[kind]]:
        if slot not in checks.values:
            continue
        checks.allow(slot)
        value, kind = checks.values[slot], SLOT_TYPE[slot]
        if value is None:
            found[slot] = None
        elif kind == "text":
            checks.string(slot, max_length=1000,
                          messages={"too_big": "Tag values cannot exceed 1000 characters"})
        elif kind == "number" and (isinstance(value, bool) or not isinstance(value, (int, float))):
            checks.add(invalid_type([slot], "number", value))
        elif kind == "boolean" and not isinstance(value, bool):
            checks.add(invalid_type([slot], "boolean", value))
        elif kind == "date":
            _date_issues(checks, slot, value)
        found.setdefault(slot, value)
    return found


def update_document(call: Call) -> Response:
    """``PATCH /api/v2/knowledge/{id}/documents/{documentId}``: tags by slot, ``enabled``,
    ``filename``. The body is checked first; then workspace keys are refused (403)."""
    checks = call.body_checks()
    workspace_id = checks.string("workspaceId", required=True,
                                 messages={"invalid_type": "Workspace ID is required"})  # fmt: skip
    filename = checks.string("filename", min_length=1, max_length=255)
    enabled = checks.boolean("enabled")
    retry = checks.boolean("retryProcessing")
    slots = read_slots(checks, list(SLOTS))
    checks.done()
    call.require_personal_key()
    kb = knowledge_base(call, call.params["id"], workspace_id or "")
    document = _document(call, kb, call.params["documentId"])
    with store(call).lock:
        for slot, value in slots.items():
            if value is None:
                document.slots.pop(slot, None)
            else:
                document.slots[slot] = value
        document.filename = filename or document.filename
        document.enabled = document.enabled if enabled is None else enabled
        if retry:
            document.created_at = time.time()
    return v2_data(_with_tags(kb, document, time.time()))

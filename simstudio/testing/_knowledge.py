"""The local server's knowledge bases: their tag definitions, documents (processed on a timer)
and upload sessions, and how each looks on the wire (public-api.md §1-§3)."""

from __future__ import annotations

import math
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from ._util import iso, new_uuid

#: The slots of each tag type, in the order documents list their tags.
SLOTS: Dict[str, List[str]] = {
    "text": [f"tag{i}" for i in range(1, 8)],
    "number": [f"number{i}" for i in range(1, 6)],
    "date": [f"date{i}" for i in range(1, 3)],
    "boolean": [f"boolean{i}" for i in range(1, 4)],
}
SLOT_ORDER: List[str] = [slot for slots in SLOTS.values() for slot in slots]
SLOT_TYPE: Dict[str, str] = {slot: kind for kind, slots in SLOTS.items() for slot in slots}
DEFAULT_CHUNKING = {"maxSize": 1024, "minSize": 100, "overlap": 200}
#: What ``processingError`` says about a file with no text.
NO_TEXT = "Document has no text content"
_OWNER_EMAIL = "user@simstudio.local"


@dataclass
class TagDef:
    """A tag definition: ``display_name`` is what documents, filters and results use."""

    slot: str
    display_name: str
    field_type: str

    def view(self) -> Dict[str, Any]:
        """``{displayName, tagSlot, fieldType}``."""
        return {"displayName": self.display_name, "tagSlot": self.slot,
                "fieldType": self.field_type}  # fmt: skip


@dataclass
class KnowledgeBase:
    """A knowledge base of one workspace."""

    id: str
    workspace_id: str
    name: str
    description: Optional[str]
    chunking: Dict[str, int]
    created_at: float
    updated_at: float
    tags: Dict[str, TagDef] = field(default_factory=dict)

    def tag(self, display_name: str) -> Optional[TagDef]:
        """The definition with this display name (names are case-sensitive)."""
        return next((t for t in self.tags.values() if t.display_name == display_name), None)


def _chunks(text: str, max_tokens: int) -> List[str]:
    """Split on whitespace into pieces of about ``max_tokens`` tokens (4 characters each)."""
    limit = max(1, max_tokens) * 4
    pieces: List[str] = []
    current = ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > limit:
            pieces.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current:
        pieces.append(current)
    return pieces if len(pieces) > 1 else ([text.strip()] if text.strip() else [])


def tokens_of(text: str) -> int:
    """The token count Sim's fake embeddings reported: one token per four characters."""
    return math.ceil(len(text) / 4)


@dataclass
class Document:
    """A document; its processing state follows from the time since its upload."""

    id: str
    kb_id: str
    filename: str
    mime_type: str
    content: bytes
    created_at: float
    delay: float
    chunks: List[str]
    slots: Dict[str, Any] = field(default_factory=dict)
    enabled: bool = True

    @property
    def text(self) -> str:
        """The document's text (the bytes as UTF-8)."""
        return self.content.decode("utf-8", errors="replace")

    def status(self, now: float) -> str:
        """``pending``, ``processing``, then ``completed`` (``failed`` without text)."""
        elapsed = now - self.created_at
        if elapsed < self.delay / 2:
            return "pending"
        if elapsed < self.delay:
            return "processing"
        return "completed" if self.chunks else "failed"

    def searchable(self, now: float) -> bool:
        """Enabled and processed."""
        return self.enabled and self.status(now) == "completed"

    def summary(self, now: float, fresh: bool = False) -> Dict[str, Any]:
        """The list item shape; ``fresh`` is the upload answer (always ``pending``)."""
        status = "pending" if fresh else self.status(now)
        done = status == "completed"
        return {
            "id": self.id, "knowledgeBaseId": self.kb_id, "filename": self.filename,
            "fileSize": len(self.content), "mimeType": self.mime_type, "processingStatus": status,
            "chunkCount": len(self.chunks) if done else 0,
            "tokenCount": tokens_of(self.text) if done else 0,
            "characterCount": len(self.text) if done else 0,
            "enabled": self.enabled, "createdAt": iso(self.created_at),
        }  # fmt: skip

    def processing(self, now: float) -> Dict[str, Any]:
        """``processingError`` and the processing times."""
        status = self.status(now)
        started = self.created_at + self.delay / 2 if status != "pending" else None
        finished = self.created_at + self.delay if status in ("completed", "failed") else None
        return {
            "processingError": NO_TEXT if status == "failed" else None,
            "processingStartedAt": iso(started) if started is not None else None,
            "processingCompletedAt": iso(finished) if finished is not None else None,
        }


def tag_view(kb: KnowledgeBase, slots: Dict[str, Any]) -> Dict[str, Any]:
    """Tag values by display name (a slot without a definition under its own name)."""
    values: Dict[str, Any] = {}
    for slot in SLOT_ORDER:
        value = slots.get(slot)
        if value is None:
            continue
        definition = kb.tags.get(slot)
        if SLOT_TYPE[slot] == "date":
            value = f"{value}T00:00:00.000Z"
        values[definition.display_name if definition else slot] = value
    return values


@dataclass
class UploadSession:
    """A v2 resumable upload: created with its metadata, filled by a PUT, then completed."""

    id: str
    kb_id: str
    workspace_id: str
    name: str
    content_type: str
    size: int
    slots: Dict[str, Any]
    token: str
    created_at: float
    data: Optional[bytes] = None
    document: Optional[Document] = None

    @property
    def status(self) -> str:
        """``uploading`` until completed."""
        return "completed" if self.document is not None else "uploading"

    def view(self, now: float) -> Dict[str, Any]:
        """The session object of the create and complete answers."""
        return {
            "id": self.id, "knowledgeBaseId": self.kb_id, "status": self.status,
            "name": self.name, "contentType": self.content_type, "size": self.size,
            "expiresAt": iso(self.created_at + 86400), "error": None,
            "document": self.document.summary(now, fresh=True) if self.document else None,
        }  # fmt: skip


class KnowledgeStore:
    """Every knowledge base, document and upload session of one server (thread-safe)."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.bases: Dict[str, KnowledgeBase] = {}
        self.documents: Dict[str, Document] = {}
        # Per knowledge base too: lists and searches must not walk every document of the server.
        self._by_base: Dict[str, Dict[str, Document]] = {}
        self.sessions: Dict[str, UploadSession] = {}

    def create(self, workspace_id: str, name: str, description: Optional[str],
               chunking: Optional[Dict[str, int]]) -> KnowledgeBase:  # fmt: skip
        """Create a knowledge base."""
        now = time.time()
        kb = KnowledgeBase(new_uuid(), workspace_id, name, description,
                           {**DEFAULT_CHUNKING, **(chunking or {})}, now, now)  # fmt: skip
        with self.lock:
            self.bases[kb.id] = kb
        return kb

    def base(self, kb_id: str) -> Optional[KnowledgeBase]:
        """The knowledge base with this id, or ``None``."""
        with self.lock:
            return self.bases.get(kb_id)

    def in_workspace(self, workspace_id: str) -> List[KnowledgeBase]:
        """The workspace's knowledge bases, oldest first."""
        with self.lock:
            return [kb for kb in self.bases.values() if kb.workspace_id == workspace_id]

    def delete(self, kb_id: str) -> None:
        """Delete a knowledge base with its documents."""
        with self.lock:
            self.bases.pop(kb_id, None)
            for doc in self._by_base.pop(kb_id, {}).values():
                del self.documents[doc.id]

    def docs(self, kb_id: str) -> List[Document]:
        """The knowledge base's documents, oldest first."""
        with self.lock:
            return list(self._by_base.get(kb_id, {}).values())

    def document(self, doc_id: str) -> Optional[Document]:
        """The document with this id, or ``None``."""
        with self.lock:
            return self.documents.get(doc_id)

    def remove_document(self, doc_id: str) -> None:
        """Delete a document."""
        with self.lock:
            doc = self.documents.pop(doc_id, None)
            if doc is not None:
                self._by_base.get(doc.kb_id, {}).pop(doc_id, None)

    def add_document(self, kb: KnowledgeBase, filename: str, mime_type: str, content: bytes,
                     delay: float, slots: Optional[Dict[str, Any]] = None,
                     doc_id: Optional[str] = None) -> Document:  # fmt: skip
        """Store a document; it is processed ``delay`` seconds later (one chunk per ~maxSize)."""
        now = time.time()
        text = content.decode("utf-8", errors="replace")
        doc = Document(doc_id or new_uuid(), kb.id, filename, mime_type, content, now, delay,
                       _chunks(text, kb.chunking["maxSize"]), dict(slots or {}))  # fmt: skip
        with self.lock:
            self.documents[doc.id] = doc
            self._by_base.setdefault(kb.id, {})[doc.id] = doc
            kb.updated_at = now
        return doc

    def kb_view(self, kb: KnowledgeBase, v2: bool) -> Dict[str, Any]:
        """The knowledge base on the wire (v2 adds ``ownerEmail`` and ``folderPath``)."""
        now = time.time()
        docs = self.docs(kb.id)
        view: Dict[str, Any] = {
            "id": kb.id, "name": kb.name, "description": kb.description,
            "tokenCount": sum(tokens_of(d.text) for d in docs if d.status(now) == "completed"),
            "embeddingModel": "text-embedding-3-small", "embeddingDimension": 1536,
            "chunkingConfig": dict(kb.chunking), "docCount": len(docs), "connectorTypes": [],
            "createdAt": iso(kb.created_at), "updatedAt": iso(kb.updated_at),
        }  # fmt: skip
        if v2:
            view.update(ownerEmail=_OWNER_EMAIL, folderPath="/")
        return view

    def open_session(self, kb: KnowledgeBase, workspace_id: str, name: str, content_type: str,
                     size: int, slots: Dict[str, Any]) -> UploadSession:  # fmt: skip
        """Start a resumable upload."""
        session = UploadSession(new_uuid(), kb.id, workspace_id, name, content_type, size,
                                slots, secrets.token_urlsafe(32), time.time())  # fmt: skip
        with self.lock:
            self.sessions[session.id] = session
        return session

    def define_tag(self, kb_id: str, display_name: str, field_type: str,
                   slot: Optional[str] = None) -> str:  # fmt: skip
        """Define a tag (see ``LocalSimServer.define_tag``); returns its slot."""
        if field_type not in SLOTS:
            raise ValueError(f"field_type must be one of {', '.join(SLOTS)}, not {field_type!r}")
        if not isinstance(display_name, str) or not display_name.strip():
            raise ValueError("display_name must be a non-empty string")
        with self.lock:
            kb = self.bases.get(kb_id)
            if kb is None:
                raise KeyError(f"no knowledge base {kb_id!r}")
            if kb.tag(display_name) is not None:
                raise ValueError(f"tag {display_name!r} is already defined")
            free = [s for s in SLOTS[field_type] if s not in kb.tags]
            if slot is None:
                if not free:
                    raise ValueError(f"every {field_type} slot is taken")
                slot = free[0]
            elif SLOT_TYPE.get(slot) != field_type or slot not in free:
                raise ValueError(f"slot {slot!r} is not a free {field_type} slot")
            kb.tags[slot] = TagDef(slot, display_name, field_type)
            return slot

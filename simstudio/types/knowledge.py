"""Knowledge bases, their documents, and tag definitions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

from .._errors import InvalidArgumentError, InvalidResponseError
from ._base import APIObject
from ._wire import (
    bool_or_none,
    dict_or_none,
    int_or_none,
    list_or_none,
    object_body,
    str_or_none,
)
from .search import OPERATORS

__all__ = ["ChunkingConfig", "Document", "KnowledgeBase", "TagDefinition"]

def _whole(name: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidArgumentError(f"ChunkingConfig {name} must be a whole number >= 0")


@dataclass(frozen=True)
class ChunkingConfig:
    """How a knowledge base splits its documents into chunks (sizes in tokens).

    The server accepts ``max_size`` 100-4000, ``min_size`` 1-2000 and ``overlap`` 0-500.

    Args:
        max_size: The largest chunk.
        min_size: The smallest chunk.
        overlap: How much consecutive chunks overlap.
    """

    max_size: int = 1024
    min_size: int = 100
    overlap: int = 200

    def __post_init__(self) -> None:
        for name in ("max_size", "min_size", "overlap"):
            _whole(name, getattr(self, name))

    def to_wire(self) -> Dict[str, int]:
        """The ``chunkingConfig`` object of a request."""
        return {"maxSize": self.max_size, "minSize": self.min_size, "overlap": self.overlap}

    @classmethod
    def from_wire(cls, body: Any) -> Optional[ChunkingConfig]:
        """Read a ``chunkingConfig`` object (``None`` when absent or unreadable)."""
        data = dict_or_none(body)
        if data is None:
            return None
        values = [int_or_none(data.get(k)) for k in ("maxSize", "minSize", "overlap")]
        if any(v is None or v < 0 for v in values):
            return None
        max_size, min_size, overlap = (int(v or 0) for v in values)
        return cls(max_size, min_size, overlap)


def _strings(value: Any) -> List[str]:
    return [item for item in list_or_none(value) or [] if isinstance(item, str)]


def _required_id(body: Dict[str, Any], what: str) -> str:
    value = str_or_none(body.get("id"))
    if not value:
        raise InvalidResponseError(f"{what}: the answer has no id", body=body)
    return value


@dataclass
class KnowledgeBase(APIObject):
    """A knowledge base: documents chunked, embedded and searchable, in one workspace."""

    id: str
    name: str
    description: Optional[str] = None
    doc_count: Optional[int] = None
    token_count: Optional[int] = None
    chunking: Optional[ChunkingConfig] = None
    embedding_model: Optional[str] = None
    embedding_dimension: Optional[int] = None
    connector_types: List[str] = field(default_factory=list)
    owner_email: Optional[str] = None
    folder_path: Optional[str] = None
    created_at: Optional[str] = None
    updated_at: Optional[str] = None
    raw: Any = field(default=None, repr=False, compare=False)

    @classmethod
    def from_wire(cls, body: Any) -> KnowledgeBase:
        """Build from a knowledge-base object of v1 or v2 (``ownerEmail``/``folderPath``: v2)."""
        body = object_body(body, "knowledge base")
        return cls(
            id=_required_id(body, "knowledge base"),
            name=str_or_none(body.get("name")) or "",
            description=str_or_none(body.get("description")),
            doc_count=int_or_none(body.get("docCount")),
            token_count=int_or_none(body.get("tokenCount")),
            chunking=ChunkingConfig.from_wire(body.get("chunkingConfig")),
            embedding_model=str_or_none(body.get("embeddingModel")),
            embedding_dimension=int_or_none(body.get("embeddingDimension")),
            connector_types=_strings(body.get("connectorTypes")),
            owner_email=str_or_none(body.get("ownerEmail")),
            folder_path=str_or_none(body.get("folderPath")),
            created_at=str_or_none(body.get("createdAt")),
            updated_at=str_or_none(body.get("updatedAt")),
            raw=body,
        )


@dataclass
class TagDefinition(APIObject):
    """A knowledge base's tag: the display name documents and searches use, and its slot.

    Attributes:
        display_name: The name filters, document ``tags`` and search ``metadata`` use
            (case-sensitive).
        slot: The column it lives in: ``tag1``-``tag7`` (text), ``number1``-``number5``,
            ``date1``-``date2``, ``boolean1``-``boolean3``.
        field_type: ``text``, ``number``, ``date`` or ``boolean``.
    """

    display_name: str
    slot: str
    field_type: str
    raw: Any = field(default=None, repr=False, compare=False)

    @property
    def operators(self) -> Tuple[str, ...]:
        """The filter operators this tag's type supports."""
        return OPERATORS.get(self.field_type, ("eq", "neq"))

    @classmethod
    def from_wire(cls, body: Any) -> TagDefinition:
        """Build from one item of ``GET /api/v2/knowledge/{id}/tags``."""
        body = object_body(body, "tag definition")
        name, slot = str_or_none(body.get("displayName")), str_or_none(body.get("tagSlot"))
        if not name or not slot:
            raise InvalidResponseError("tag definition: no displayName or tagSlot", body=body)
        return cls(name, slot, str_or_none(body.get("fieldType")) or "text", raw=body)


@dataclass
class Document(APIObject):
    """A document of a knowledge base and its processing state.

    ``processing_status`` goes ``pending`` -> ``processing`` -> ``completed`` (or
    ``failed``, with ``processing_error``). ``tags`` holds the values by display name as the
    server reports them (v2 only; dates as ``"2025-01-15T00:00:00.000Z"``; a slot without a
    definition under its slot name, e.g. ``tag3``).
    """

    id: str
    knowledge_base_id: Optional[str] = None
    filename: Optional[str] = None
    processing_status: Optional[str] = None
    enabled: Optional[bool] = None
    tags: Dict[str, Any] = field(default_factory=dict)
    file_size: Optional[int] = None
    mime_type: Optional[str] = None
    chunk_count: Optional[int] = None
    token_count: Optional[int] = None
    character_count: Optional[int] = None
    processing_error: Optional[str] = None
    created_at: Optional[str] = None
    processing_started_at: Optional[str] = None
    processing_completed_at: Optional[str] = None
    source_url: Optional[str] = None
    connector_id: Optional[str] = None
    connector_type: Optional[str] = None
    raw: Any = field(default=None, repr=False, compare=False)

    @property
    def is_finished(self) -> bool:
        """Whether processing is over (``completed`` or ``failed``)."""
        return self.processing_status in ("completed", "failed")

    @property
    def is_searchable(self) -> bool:
        """Whether search can find it: processed and enabled."""
        return self.processing_status == "completed" and self.enabled is not False

    @classmethod
    def from_wire(cls, body: Any) -> Document:
        """Build from a document object of v1 or v2 (summary or detail)."""
        body = object_body(body, "document")
        return cls(
            id=_required_id(body, "document"),
            knowledge_base_id=str_or_none(body.get("knowledgeBaseId")),
            filename=str_or_none(body.get("filename")),
            processing_status=str_or_none(body.get("processingStatus")),
            enabled=bool_or_none(body.get("enabled")),
            tags=dict(dict_or_none(body.get("tags")) or {}),
            file_size=int_or_none(body.get("fileSize")),
            mime_type=str_or_none(body.get("mimeType")),
            chunk_count=int_or_none(body.get("chunkCount")),
            token_count=int_or_none(body.get("tokenCount")),
            character_count=int_or_none(body.get("characterCount")),
            processing_error=str_or_none(body.get("processingError")),
            created_at=str_or_none(body.get("createdAt")),
            processing_started_at=str_or_none(body.get("processingStartedAt")),
            processing_completed_at=str_or_none(body.get("processingCompletedAt")),
            source_url=str_or_none(body.get("sourceUrl")),
            connector_id=str_or_none(body.get("connectorId")),
            connector_type=str_or_none(body.get("connectorType")),
            raw=body,
        )

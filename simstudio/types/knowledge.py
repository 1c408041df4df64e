"""Knowledge bases, their documents and tag definitions, search hits, and ``TagFilter``."""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass, field
from typing import Any, Dict, Iterator, List, Optional, Tuple, Union

from .._errors import InvalidArgumentError, InvalidResponseError
from ._base import APIObject
from ._wire import (
    bool_or_none,
    dict_or_none,
    float_or_none,
    int_or_none,
    list_or_none,
    object_body,
    str_or_none,
)

__all__ = [
    "ChunkingConfig",
    "Document",
    "KnowledgeBase",
    "OPERATORS",
    "SearchHit",
    "SearchResults",
    "TagDefinition",
    "TagFilter",
    "TagValue",
]

#: What a tag may hold: text, a number, a date (``datetime.date`` or ``"YYYY-MM-DD"``) or a bool.
TagValue = Union[str, int, float, bool, _dt.date]

#: The operators each tag type supports, as Sim's server enforces them.
OPERATORS: Dict[str, Tuple[str, ...]] = {
    "text": ("eq", "neq", "contains", "not_contains", "starts_with", "ends_with"),
    "number": ("eq", "neq", "gt", "gte", "lt", "lte", "between"),
    "date": ("eq", "neq", "gt", "gte", "lt", "lte", "between"),
    "boolean": ("eq", "neq"),
}
_ALL_OPERATORS = tuple(dict.fromkeys(op for ops in OPERATORS.values() for op in ops))


def _check_filter_value(what: str, value: Any) -> None:
    if isinstance(value, (bool, str, _dt.date)):
        return
    if isinstance(value, (int, float)):
        if not math.isfinite(value):
            raise InvalidArgumentError(f"{what} must be a finite number")
        return
    raise InvalidArgumentError(
        f"{what} must be text, a number, a date or a bool, not {type(value).__name__}"
    )


@dataclass(frozen=True)
class TagFilter:
    """One tag condition of a search or document list; several filters must *all* hold (AND).

    Args:
        name: The tag's display name, exactly as defined (names are case-sensitive:
            ``"Topic"`` is not ``"topic"``).
        operator: ``eq``, ``neq`` (every type); ``contains``, ``not_contains``,
            ``starts_with``, ``ends_with`` (text); ``gt``, ``gte``, ``lt``, ``lte``,
            ``between`` (number and date). Text comparisons ignore case.
        value: The value to compare with: text, a number, a ``datetime.date`` (or
            ``"YYYY-MM-DD"``) or a bool.
        value_to: The upper bound of ``between`` (inclusive); only used with ``between``.

    Raises:
        InvalidArgumentError: An unknown operator, ``between`` without ``value_to`` (or
            ``value_to`` without ``between``), or a value of another type.

    Example:
        ``TagFilter("priority", "between", 2, 4)``, ``TagFilter("topic", "neq", "billing")``
    """

    name: str
    operator: str
    value: TagValue
    value_to: Optional[TagValue] = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise InvalidArgumentError("TagFilter name must be a non-empty string")
        if self.operator not in _ALL_OPERATORS:
            raise InvalidArgumentError(
                f"TagFilter operator {self.operator!r} is not one of: {', '.join(_ALL_OPERATORS)}"
            )
        _check_filter_value(f"TagFilter {self.name!r} value", self.value)
        if self.operator == "between":
            if self.value_to is None:
                raise InvalidArgumentError(
                    f"TagFilter {self.name!r}: 'between' needs value_to (the upper bound)"
                )
            _check_filter_value(f"TagFilter {self.name!r} value_to", self.value_to)
        elif self.value_to is not None:
            raise InvalidArgumentError(
                f"TagFilter {self.name!r}: value_to is only used with the 'between' operator"
            )


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


@dataclass
class SearchHit(APIObject):
    """One chunk a search found.

    Attributes:
        knowledge_base_id: The chunk's knowledge base (v1 answers omit it; the SDK fills it in
            when one knowledge base was searched).
        document_id: The document's id.
        document_name: The document's file name.
        content: The chunk's text.
        chunk_index: The chunk's position in its document (0 for the first).
        metadata: The document's tag values by display name.
        similarity: Cosine similarity to the query (0-1); exactly 1 in a tag-only search;
            possibly 0 for a hit only the full-text leg of ``hybrid`` found.
        source_url: Where a connector got the document, if one did.
        reranker_score: The reranker's score, when one ran (v2).
    """

    knowledge_base_id: Optional[str]
    document_id: str
    document_name: Optional[str]
    content: str
    chunk_index: Optional[int]
    metadata: Dict[str, Any]
    similarity: float
    source_url: Optional[str] = None
    reranker_score: Optional[float] = None
    raw: Any = field(default=None, repr=False, compare=False)

    @classmethod
    def from_wire(cls, body: Any, knowledge_base_id: Optional[str] = None) -> SearchHit:
        """Build from one ``results`` item; ``knowledge_base_id`` fills in a missing one."""
        body = object_body(body, "search result")
        document_id = str_or_none(body.get("documentId"))
        if not document_id:
            raise InvalidResponseError("search result: no documentId", body=body)
        return cls(
            knowledge_base_id=str_or_none(body.get("knowledgeBaseId")) or knowledge_base_id,
            document_id=document_id,
            document_name=str_or_none(body.get("documentName")),
            content=str_or_none(body.get("content")) or "",
            chunk_index=int_or_none(body.get("chunkIndex")),
            metadata=dict(dict_or_none(body.get("metadata")) or {}),
            similarity=float_or_none(body.get("similarity")) or 0.0,
            source_url=str_or_none(body.get("sourceUrl")),
            reranker_score=float_or_none(body.get("rerankerScore")),
            raw=body,
        )


@dataclass
class SearchResults(APIObject):
    """The hits of a knowledge search, in the server's order; iterate it or use ``results``.

    Attributes:
        results: The hits (after ``min_similarity``, which the SDK applies).
        query: The query sent (``""`` for a tag-only search).
        knowledge_base_ids: The knowledge bases searched.
        top_k: The most hits the server was asked for.
        total_results: How many hits the server returned (before ``min_similarity``).
        search_type: ``"tag_only"`` (tags, no query: every similarity is 1),
            ``"vector_only"`` (a query, no tags) or ``"combined"`` (tag filter, then vector).
        mode: ``"vector"`` or ``"hybrid"`` (vector plus a full-text leg).
        min_similarity: The client-side relevance threshold applied, if any.
        reranker_status: v2's ``rerankerStatus`` (``not_requested``, ``applied``...).
    """

    results: List[SearchHit]
    query: str = ""
    knowledge_base_ids: List[str] = field(default_factory=list)
    top_k: Optional[int] = None
    total_results: Optional[int] = None
    search_type: str = "vector_only"
    mode: str = "vector"
    min_similarity: Optional[float] = None
    reranker_status: Optional[str] = None
    raw: Any = field(default=None, repr=False, compare=False)

    def __iter__(self) -> Iterator[SearchHit]:
        return iter(self.results)

    def __len__(self) -> int:
        return len(self.results)

    def __getitem__(self, index: int) -> SearchHit:
        return self.results[index]

    @classmethod
    def from_wire(
        cls,
        body: Any,
        *,
        search_type: str,
        mode: str,
        min_similarity: Optional[float] = None,
        knowledge_base_id: Optional[str] = None,
    ) -> SearchResults:
        """Build from a v1 or v2 search answer (``{data: {results, query, ...}}``)."""
        data = object_body(object_body(body, "search").get("data"), "search")
        items = list_or_none(data.get("results"))
        if items is None:
            raise InvalidResponseError("search: the answer has no results list", body=body)
        hits = [SearchHit.from_wire(item, knowledge_base_id) for item in items]
        if min_similarity is not None:
            hits = [hit for hit in hits if hit.similarity >= min_similarity]
        return cls(
            results=hits,
            query=str_or_none(data.get("query")) or "",
            knowledge_base_ids=_strings(data.get("knowledgeBaseIds")),
            top_k=int_or_none(data.get("topK")),
            total_results=int_or_none(data.get("totalResults")),
            search_type=search_type,
            mode=mode,
            min_similarity=min_similarity,
            reranker_status=str_or_none(data.get("rerankerStatus")),
            raw=body,
        )

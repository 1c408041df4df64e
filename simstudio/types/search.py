"""Searching knowledge bases: ``TagFilter`` conditions, ``SearchResults`` and their hits."""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple, Union

from .._errors import InvalidArgumentError, InvalidResponseError
from ._base import APIObject
from ._lazy_fields import Reader, from_wire_body, read_on_first_use, reads
from ._wire import dict_or_none, float_or_none, int_or_none, list_or_none, object_body, str_or_none

__all__ = ["OPERATORS", "SearchHit", "SearchResults", "TagFilter", "TagValue"]


def _strings(value: Any) -> List[str]:
    return [item for item in list_or_none(value) or [] if isinstance(item, str)]


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


# Only the ids are read when a hit is built; its other fields are read from the wire on first
# use (a search call should cost little more than the bare POST: benchmarks/bench_knowledge.py).
_HIT_FIELDS: Dict[str, Reader] = {
    "document_name": reads(str_or_none, "documentName"),
    "content": lambda body: str_or_none(body.get("content")) or "",
    "chunk_index": reads(int_or_none, "chunkIndex"),
    "metadata": lambda body: dict(dict_or_none(body.get("metadata")) or {}),
    "similarity": lambda body: float_or_none(body.get("similarity")) or 0.0,
    "source_url": reads(str_or_none, "sourceUrl"),
    "reranker_score": reads(float_or_none, "rerankerScore"),
}


@read_on_first_use(_HIT_FIELDS, eager=("knowledge_base_id", "document_id"))
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

    Built from the wire, a hit reads each field but the ids from ``raw`` when the field is
    first used.
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
        return from_wire_body(cls, body, {
            "knowledge_base_id": str_or_none(body.get("knowledgeBaseId")) or knowledge_base_id,
            "document_id": document_id,
        })  # fmt: skip


def _in_data(convert: Callable[[Any], Any], key: str) -> Reader:
    """A reader of ``convert(body["data"].get(key))`` (``data`` is checked by ``from_wire``)."""
    read = reads(convert, key)
    return lambda body: read(body["data"])


_RESULTS_FIELDS: Dict[str, Reader] = {
    "query": _in_data(lambda value: str_or_none(value) or "", "query"),
    "knowledge_base_ids": _in_data(_strings, "knowledgeBaseIds"),
    "top_k": _in_data(int_or_none, "topK"),
    "total_results": _in_data(int_or_none, "totalResults"),
    "reranker_status": _in_data(str_or_none, "rerankerStatus"),
}


@read_on_first_use(_RESULTS_FIELDS, eager=("results", "search_type", "mode", "min_similarity"))
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
        return from_wire_body(cls, body, {
            "results": hits, "search_type": search_type, "mode": mode,
            "min_similarity": min_similarity,
        })  # fmt: skip

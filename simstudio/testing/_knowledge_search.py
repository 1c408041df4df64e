"""Search as the real server does it (public-api.md §3-§4): tag filters (AND, per-type
operators, case-insensitive text), a deterministic bag-of-words embedding with cosine
similarity and the server's distance cut, and hybrid's full-text leg fused by reciprocal rank.

The embedding counts lower-cased words, which reproduces the similarities the recorded server
reported (its fake embeddings endpoint hashed a bag of words): ``billing`` against
``billing-en.txt`` is 0.5669... here as there.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from ._knowledge import Document

_WORD = re.compile(r"[a-z0-9]+")
#: A few English stop words the full-text leg drops (Postgres' english configuration does).
_STOP = frozenset(
    ("a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "in", "is",
     "it", "its", "of", "on", "or", "that", "the", "this", "to", "was", "were", "will", "with")
)  # fmt: skip
#: Reciprocal-rank fusion constant of the hybrid mode.
RRF_K = 60


def words(text: str) -> List[str]:
    """Lower-cased alphanumeric words."""
    return _WORD.findall(text.lower())


def embed(text: str) -> Counter[str]:
    """The bag-of-words vector of a text."""
    return Counter(words(text))


def cosine(a: Counter[str], b: Counter[str]) -> float:
    """Cosine similarity of two word-count vectors (0 when either is empty)."""
    dot = sum(count * b[word] for word, count in a.items() if word in b)
    norm = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
    return dot / norm if norm else 0.0


def stem(word: str) -> str:
    """A tiny suffix stripper: ``invoicing``, ``invoices`` and ``invoice`` all give ``invoic``."""
    for suffix in ("ing", "es", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    return word[:-1] if word.endswith("e") and len(word) > 3 else word


def stems(text: str) -> Counter[str]:
    """The full-text terms of a text: stemmed words without stop words."""
    return Counter(stem(w) for w in words(text) if w not in _STOP)


@dataclass(frozen=True)
class Condition:
    """A resolved tag filter: the slot to read, its type and the comparison."""

    slot: str
    field_type: str
    operator: str
    value: Any
    value_to: Any = None

    def holds(self, slots: Dict[str, Any]) -> bool:
        """Whether a document's slot values satisfy the condition (a missing value never does)."""
        stored = slots.get(self.slot)
        if stored is None:
            return False
        if self.field_type == "text":
            return _text_holds(self.operator, str(stored).lower(), str(self.value).lower())
        if self.operator == "between":
            return bool(self.value <= stored <= self.value_to)
        return _compare(self.operator, stored, self.value)


def _text_holds(operator: str, stored: str, value: str) -> bool:
    checks = {
        "eq": stored == value,
        "neq": stored != value,
        "contains": value in stored,
        "not_contains": value not in stored,
        "starts_with": stored.startswith(value),
        "ends_with": stored.endswith(value),
    }
    return checks[operator]


def _compare(operator: str, stored: Any, value: Any) -> bool:
    if operator == "eq":
        return bool(stored == value)
    if operator == "neq":
        return bool(stored != value)
    if operator == "gt":
        return bool(stored > value)
    if operator == "gte":
        return bool(stored >= value)
    if operator == "lt":
        return bool(stored < value)
    return bool(stored <= value)


@dataclass(frozen=True)
class Hit:
    """One chunk found, with its cosine similarity."""

    document: Document
    chunk_index: int
    content: str
    similarity: float


def _chunks(documents: Iterable[Document]) -> List[Tuple[Document, int, str]]:
    return [(doc, i, text) for doc in documents for i, text in enumerate(doc.chunks)]


def tag_only(documents: Sequence[Document], top_k: int) -> List[Hit]:
    """Every chunk of the (already filtered) documents, ``similarity`` 1, limited to ``top_k``."""
    return [Hit(doc, i, text, 1.0) for doc, i, text in _chunks(documents)][:top_k]


def vector(
    documents: Sequence[Document], query: str, top_k: int, mode: str, max_distance: float
) -> List[Hit]:
    """Chunks by cosine similarity within ``max_distance``; ``hybrid`` adds full text (RRF)."""
    wanted = embed(query)
    scored = [Hit(doc, i, text, cosine(wanted, embed(text))) for doc, i, text in _chunks(documents)]
    near = sorted((h for h in scored if 1.0 - h.similarity < max_distance),
                  key=lambda h: -h.similarity)  # fmt: skip
    if mode != "hybrid":
        return near[:top_k]
    return _fused(near, _full_text(scored, query))[:top_k]


def _full_text(scored: Sequence[Hit], query: str) -> List[Hit]:
    terms = set(stems(query))
    if not terms:
        return []
    found = []
    for hit in scored:
        counts = stems(hit.content)
        if terms <= set(counts):  # every query term (plainto_tsquery ANDs them)
            found.append((sum(counts[t] for t in terms), hit))
    return [hit for _, hit in sorted(found, key=lambda pair: -pair[0])]


def _fused(*legs: List[Hit]) -> List[Hit]:
    scores: Dict[Tuple[str, int], float] = {}
    hits: Dict[Tuple[str, int], Hit] = {}
    for leg in legs:
        for rank, hit in enumerate(leg, start=1):
            key = (hit.document.id, hit.chunk_index)
            scores[key] = scores.get(key, 0.0) + 1.0 / (RRF_K + rank)
            hits.setdefault(key, hit)
    return [hits[key] for key in sorted(scores, key=lambda key: -scores[key])]


def max_distance(knowledge_bases: int) -> float:
    """The server's hidden cut: cosine distance < 1.0, or < 0.8 over more than 3 bases."""
    return 0.8 if knowledge_bases > 3 else 1.0


def filter_documents(
    documents: Iterable[Document], conditions: Dict[str, List[Condition]]
) -> List[Document]:
    """The documents meeting every condition of their knowledge base (AND)."""
    return [d for d in documents if all(c.holds(d.slots) for c in conditions.get(d.kb_id, []))]


def similarity_of(hit: Hit) -> Any:
    """The wire value: an integral similarity (1 or 0) is a JSON integer, as recorded."""
    value: Optional[float] = hit.similarity
    return int(value) if value is not None and value.is_integer() else value

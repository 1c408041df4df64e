"""Knowledge search requests: the arguments checked, the mode chosen, the body built."""

from __future__ import annotations

import math
from typing import Any, Callable, Dict, List, Mapping, NamedTuple, Optional, Sequence, Union

from .._config import Timeout
from .._errors import InvalidArgumentError
from .._requester import Requester
from .._versions import require_v2, use_v2
from ..types.search import TagFilter
from ._knowledge_wire import check_conditions
from ._tags import wire_filters

__all__ = ["SearchRequest", "prepare_search"]

MAX_KNOWLEDGE_BASES = 20  # per search
MAX_V2_FILTERS = 10
MAX_QUERY_CHARS = 32768


class SearchRequest(NamedTuple):
    """A checked search: the knowledge bases, the body to send, and which mode it is."""

    ids: List[str]
    body: Dict[str, Any]
    search_type: str


def _kb_ids(kb_ids: Union[str, Sequence[str]]) -> List[str]:
    ids = [kb_ids] if isinstance(kb_ids, str) else list(kb_ids)
    if not ids or not all(isinstance(i, str) and i.strip() for i in ids):
        raise InvalidArgumentError("kb_ids must be a knowledge base id or a list of them")
    if len(ids) > MAX_KNOWLEDGE_BASES:
        raise InvalidArgumentError(f"a search covers at most {MAX_KNOWLEDGE_BASES} knowledge bases")
    return ids


def _search_options(top_k: int, mode: str, min_similarity: Optional[float]) -> None:
    if isinstance(top_k, bool) or not isinstance(top_k, int) or not 1 <= top_k <= 100:
        raise InvalidArgumentError("top_k must be a whole number from 1 to 100")
    if mode not in ("vector", "hybrid"):
        raise InvalidArgumentError("mode must be 'vector' or 'hybrid'")
    if min_similarity is not None and (
        isinstance(min_similarity, bool)
        or not isinstance(min_similarity, (int, float))
        or not math.isfinite(min_similarity)
    ):
        raise InvalidArgumentError("min_similarity must be a number (0 to 1)")


def _check_filters(
    requester: Requester,
    ids: List[str],
    workspace: str,
    conditions: List[TagFilter],
    timeout: Optional[Timeout],
    extra_headers: Optional[Mapping[str, str]],
) -> None:
    """Refuse, before sending, filters the server would refuse or silently misread."""
    if not conditions:
        return
    v2 = use_v2(requester)
    if not v2 and len(ids) > 1:
        raise InvalidArgumentError(
            "tag filters across several knowledge bases need Sim's v2 API, which this "
            "server does not offer: search each knowledge base on its own",
            "V2_REQUIRED",
        )
    if v2 and len(conditions) > MAX_V2_FILTERS:
        raise InvalidArgumentError(f"a search takes at most {MAX_V2_FILTERS} tag conditions")
    check_conditions(requester, ids[0], workspace, conditions, v2=v2, timeout=timeout,
                     extra_headers=extra_headers)  # fmt: skip


def prepare_search(
    requester: Requester,
    kb_ids: Union[str, Sequence[str]],
    query: Optional[str],
    conditions: List[TagFilter],
    *,
    top_k: int,
    mode: str,
    min_similarity: Optional[float],
    reranker: bool,
    workspace_of: Callable[[], str],
    timeout: Optional[Timeout],
    extra_headers: Optional[Mapping[str, str]],
) -> SearchRequest:
    """Check a search's arguments (refusing before anything is sent, the workspace lookup
    included: ``workspace_of`` is called after the checks) and build its body."""
    ids = _kb_ids(kb_ids)
    text = query if query and query.strip() else None
    _search_options(top_k, mode, min_similarity)
    if text is None and not conditions:
        raise InvalidArgumentError("search needs a query, tags or filters (or several)")
    if text is not None and len(text) > MAX_QUERY_CHARS:
        raise InvalidArgumentError(f"query is longer than {MAX_QUERY_CHARS} characters")
    workspace = workspace_of()
    _check_filters(requester, ids, workspace, conditions, timeout, extra_headers)
    body: Dict[str, Any] = {"workspaceId": workspace,
                            "knowledgeBaseIds": kb_ids if isinstance(kb_ids, str) else ids,
                            "topK": top_k, "searchMode": mode}  # fmt: skip
    if text is not None:
        body["query"] = text
    if conditions:
        body["tagFilters"] = wire_filters(conditions)
    if reranker is not False:
        require_v2(requester, "reranking search results")
        body["rerankerEnabled"] = True
    search_type = "combined" if text and conditions else ("vector_only" if text else "tag_only")
    return SearchRequest(ids, body, search_type)

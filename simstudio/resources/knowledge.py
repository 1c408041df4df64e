"""``client.knowledge``: knowledge bases, their tag definitions, and search in its three modes
(tag-only, vector-only, combined), on Sim's v2 API where the server has it, else v1."""

from __future__ import annotations

from typing import Any, Dict, List, Literal, Mapping, Optional, Sequence, Union

from .._config import Timeout
from .._errors import InvalidArgumentError
from .._pagination import Paginator
from .._requester import Requester
from .._versions import require_v2
from ..types.knowledge import ChunkingConfig, KnowledgeBase, TagDefinition
from ..types.search import SearchResults, TagFilter
from ._base import Resource
from ._knowledge_wire import api_for, tag_definitions
from ._lists import check_limit
from ._search import prepare_search
from ._tags import filters_from
from .documents import Documents

__all__ = ["Knowledge"]

SortBy = Literal["name", "createdAt", "updatedAt"]
Headers = Optional[Mapping[str, str]]

def _text(value: Optional[str], name: str) -> Optional[str]:
    if value is not None and not isinstance(value, str):
        raise InvalidArgumentError(f"{name} must be a string")
    return value


def _chunking(chunking: Union[ChunkingConfig, Mapping[str, int], None]) -> Optional[Dict[str, int]]:
    if chunking is None:
        return None
    if isinstance(chunking, Mapping):
        try:
            chunking = ChunkingConfig(**chunking)
        except TypeError:
            raise InvalidArgumentError(
                "chunking takes max_size, min_size and overlap (or pass a ChunkingConfig)"
            ) from None
    if not isinstance(chunking, ChunkingConfig):
        raise InvalidArgumentError("chunking must be a ChunkingConfig")
    return chunking.to_wire()


class Knowledge(Resource):
    """Knowledge bases (``client.knowledge``) and their documents (``.documents``).

    ``workspace_id`` defaults to the client's (``workspace_id=`` on the client, then
    ``SIM_WORKSPACE_ID``, then, with a workspace key on a v2 server, the key's own workspace,
    discovered once). The API version is chosen once per client: v2 where the server has it
    (tags on documents, cursor pages, tag filters across knowledge bases), else v1;
    ``SimStudioClient(api_version=...)`` overrides.
    """

    def __init__(self, requester: Requester) -> None:
        super().__init__(requester)
        self.documents = Documents(requester)
        """The documents of knowledge bases: upload, list, get, update, delete, wait."""

    def list(
        self,
        workspace_id: Optional[str] = None,
        *,
        search: Optional[str] = None,
        sort_by: Optional[SortBy] = None,
        sort_order: Optional[Literal["asc", "desc"]] = None,
        limit: Optional[int] = None,
        cursor: Optional[str] = None,
        timeout: Optional[Timeout] = None,
        extra_headers: Headers = None,
    ) -> Paginator[KnowledgeBase]:
        """The workspace's knowledge bases, fetched lazily page by page.

        Args:
            workspace_id: The workspace (default: the client's).
            search: Only knowledge bases whose name contains this (v1: filtered by the SDK).
            sort_by: ``name``, ``createdAt`` (default) or ``updatedAt`` (v2).
            sort_order: ``asc`` (default) or ``desc`` (v2).
            limit: The page size, 1-100 (v2; v1 answers everything at once).
            cursor: Resume from this page (``error.cursor`` of a failed page).
            timeout: Per-request timeout.
            extra_headers: Headers for these requests only.
        """
        what = "knowledge.list()"
        # Arguments first: the workspace and the version can each cost the server a question.
        search, limit = _text(search, "search"), check_limit(limit)
        query: Dict[str, Any] = {"workspaceId": self._workspace(workspace_id, what)}
        api = api_for(self._requester)
        if api.version == "v2":
            query.update({"sortBy": sort_by, "sortOrder": sort_order})
        return api.list_knowledge_bases(
            self._requester, query, search, limit=limit,
            cursor=cursor, timeout=timeout, extra_headers=extra_headers,
        )  # fmt: skip

    def create(
        self,
        name: str,
        *,
        workspace_id: Optional[str] = None,
        description: Optional[str] = None,
        chunking: Union[ChunkingConfig, Mapping[str, int], None] = None,
        timeout: Optional[Timeout] = None,
        extra_headers: Headers = None,
    ) -> KnowledgeBase:
        """Create a knowledge base.

        Args:
            name: Its name (up to 255 characters).
            workspace_id: The workspace (default: the client's).
            description: A description.
            chunking: How documents are split: a :class:`ChunkingConfig` or a dict of its
                fields (default: the server's 1024/100/200 tokens).
            timeout: Per-request timeout.
            extra_headers: Headers for this request only.
        """
        if not isinstance(name, str) or not name.strip():
            raise InvalidArgumentError("name must be a non-empty string")
        what = "knowledge.create()"
        description, wire_chunking = _text(description, "description"), _chunking(chunking)
        body: Dict[str, Any] = {"workspaceId": self._workspace(workspace_id, what), "name": name}
        if description is not None:
            body["description"] = description
        if wire_chunking is not None:
            body["chunkingConfig"] = wire_chunking
        api = api_for(self._requester)
        answer = self._requester.request("POST", api.base, what=what, json=body, timeout=timeout,
                                         extra_headers=extra_headers, retry="safe")  # fmt: skip
        return self._build(lambda wire: api.knowledge_base(wire, what), answer)

    def get(
        self,
        kb_id: str,
        *,
        workspace_id: Optional[str] = None,
        timeout: Optional[Timeout] = None,
        extra_headers: Headers = None,
    ) -> KnowledgeBase:
        """One knowledge base (another workspace's answers :class:`NotFoundError`)."""
        what = f"knowledge.get({kb_id!r})"
        api = api_for(self._requester)
        answer = self._requester.request(
            "GET", api.kb_path(kb_id), what=what,
            query={"workspaceId": self._workspace(workspace_id, what)},
            timeout=timeout, extra_headers=extra_headers,
        )  # fmt: skip
        return self._build(lambda wire: api.knowledge_base(wire, what), answer)

    def update(
        self,
        kb_id: str,
        *,
        name: Optional[str] = None,
        description: Optional[str] = None,
        chunking: Union[ChunkingConfig, Mapping[str, int], None] = None,
        workspace_id: Optional[str] = None,
        timeout: Optional[Timeout] = None,
        extra_headers: Headers = None,
    ) -> KnowledgeBase:
        """Change a knowledge base's name, description or chunking (at least one)."""
        what = f"knowledge.update({kb_id!r})"
        fields = {"name": _text(name, "name"), "description": _text(description, "description"),
                  "chunkingConfig": _chunking(chunking)}  # fmt: skip
        changes = {key: value for key, value in fields.items() if value is not None}
        if not changes:
            raise InvalidArgumentError("update needs name, description or chunking")
        api = api_for(self._requester)
        body = {"workspaceId": self._workspace(workspace_id, what), **changes}
        answer = self._requester.request(api.update_method, api.kb_path(kb_id), what=what,
                                         json=body, timeout=timeout,
                                         extra_headers=extra_headers, retry="safe")  # fmt: skip
        return self._build(lambda wire: api.knowledge_base(wire, what), answer)

    def delete(
        self,
        kb_id: str,
        *,
        workspace_id: Optional[str] = None,
        timeout: Optional[Timeout] = None,
        extra_headers: Headers = None,
    ) -> None:
        """Delete a knowledge base and its documents (a second delete is :class:`NotFoundError`)."""
        what = f"knowledge.delete({kb_id!r})"
        api = api_for(self._requester)
        self._requester.request(
            "DELETE", api.kb_path(kb_id), what=what,
            query={"workspaceId": self._workspace(workspace_id, what)},
            timeout=timeout, extra_headers=extra_headers, retry="safe",
        )  # fmt: skip

    def tags(
        self,
        kb_id: str,
        *,
        workspace_id: Optional[str] = None,
        timeout: Optional[Timeout] = None,
        extra_headers: Headers = None,
    ) -> List[TagDefinition]:
        """The knowledge base's tag definitions: display name, slot and field type (v2).

        The public API can only read them; they are defined in Sim's UI.
        """
        require_v2(self._requester, "client.knowledge.tags()")
        what = f"knowledge.tags({kb_id!r})"
        return tag_definitions(self._requester, kb_id, self._workspace(workspace_id, what),
                               timeout=timeout, extra_headers=extra_headers)  # fmt: skip

    def search(
        self,
        kb_ids: Union[str, Sequence[str]],
        query: Optional[str] = None,
        *,
        tags: Optional[Mapping[str, Any]] = None,
        filters: Optional[Sequence[TagFilter]] = None,
        top_k: int = 10,
        mode: Literal["vector", "hybrid"] = "vector",
        min_similarity: Optional[float] = None,
        reranker: bool = False,
        workspace_id: Optional[str] = None,
        timeout: Optional[Timeout] = None,
        extra_headers: Headers = None,
    ) -> SearchResults:
        """Search knowledge bases; what is given picks the mode, as Sim's docs describe.

        - tags/filters only: a **tag-only** search; every hit has ``similarity`` 1;
        - a query only: a **vector** search, by cosine similarity;
        - both: **combined**: the tag filter selects the chunks, the query orders them.

        Every condition must hold (AND; there is no OR: search once per value). Text values
        match without regard to case; tag *names* are case-sensitive. The server keeps only
        chunks within a fixed distance of the query, so an unrelated query can find nothing.

        Args:
            kb_ids: A knowledge base id, or a list of up to 20.
            query: What to look for (``None`` for a tag-only search).
            tags: Tag display name -> value, each an equality condition.
            filters: More conditions, as :class:`TagFilter` (``neq``, ``contains``, ``gt``,
                ``between``...). An operator the tag's type does not support is refused before
                sending (v1 servers would silently compare with ``eq``).
            top_k: The most hits to return, 1-100.
            mode: ``"vector"``, or ``"hybrid"`` to add a full-text leg (ranks fused).
            min_similarity: Drop hits below this similarity. Sim has no threshold parameter:
                this is applied by the SDK to what the server returned (so fewer than
                ``top_k`` hits may remain).
            reranker: Ask the server to rerank the hits (v2; ``results.reranker_status`` says
                whether it could, e.g. ``"unavailable"`` without a reranker configured).
            workspace_id: The workspace (default: the client's).
            timeout: Per-request timeout.
            extra_headers: Headers for these requests only.

        Raises:
            InvalidArgumentError: No query and no tags, an undefined tag name, an operator its
                tag does not support, tag filters across several knowledge bases on a v1-only
                server (``V2_REQUIRED``).
        """
        what = "knowledge.search()"
        request = prepare_search(
            self._requester, kb_ids, _text(query, "query"), filters_from(tags, filters),
            top_k=top_k, mode=mode, min_similarity=min_similarity, reranker=reranker,
            workspace_of=lambda: self._workspace(workspace_id, what), timeout=timeout,
            extra_headers=extra_headers,
        )  # fmt: skip
        answer = self._requester.request(
            "POST", api_for(self._requester).base + "/search", what=what, json=request.body,
            timeout=timeout, extra_headers=extra_headers,
        )  # fmt: skip
        return self._build(
            lambda wire: SearchResults.from_wire(
                wire, search_type=request.search_type, mode=mode, min_similarity=min_similarity,
                knowledge_base_id=request.ids[0] if len(request.ids) == 1 else None,
            ),
            answer,
        )  # fmt: skip

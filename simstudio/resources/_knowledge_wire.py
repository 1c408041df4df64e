"""The two versions of Sim's knowledge API, one adapter each: paths, envelopes, pages, uploads.

The public methods (``client.knowledge``, ``client.knowledge.documents``) ask
``_versions.use_v2`` once and call :func:`api_for`'s adapter; nothing else differs by version.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Sequence

from .._config import Timeout
from .._errors import InvalidResponseError
from .._inputs import resource_path
from .._multipart import FilePart, multipart_body
from .._pagination import Page, Paginator
from .._requester import Requester
from .._versions import use_v2
from ..types._base import with_response
from ..types._wire import list_or_none, object_body, v2_data
from ..types.knowledge import Document, KnowledgeBase, TagDefinition
from ..types.search import TagFilter
from ._lists import offset_list, v2_list
from ._tags import check_operators, filter_types, needs_types

__all__ = ["KnowledgeApi", "KnowledgeApiV1", "api_for", "check_conditions", "tag_definitions"]

Headers = Optional[Mapping[str, str]]


class KnowledgeApi:
    """Sim's v2 knowledge routes: ``{data}`` envelopes, cursor pages, PATCH, tags."""

    version = "v2"
    base = "/api/v2/knowledge"
    update_method = "PATCH"

    def kb_path(self, kb_id: str, tail: str = "") -> str:
        """The path of a knowledge base (``tail`` like ``"/documents"``)."""
        return resource_path(self.base + "/{kb_id}", kb_id=kb_id) + tail

    def doc_path(self, kb_id: str, doc_id: str) -> str:
        """The path of a document."""
        return self.kb_path(kb_id) + resource_path("/documents/{doc_id}", doc_id=doc_id)

    def knowledge_base(self, body: Any, what: str) -> KnowledgeBase:
        """The knowledge base in an answer."""
        return KnowledgeBase.from_wire(v2_data(body, what))

    def document(self, body: Any, what: str) -> Document:
        """The document in an answer."""
        return Document.from_wire(v2_data(body, what))

    def list_knowledge_bases(
        self, requester: Requester, query: Dict[str, Any], search: Optional[str], *,
        limit: Optional[int], cursor: Optional[str], timeout: Optional[Timeout],
        extra_headers: Headers,
    ) -> Paginator[KnowledgeBase]:  # fmt: skip
        """Cursor pages of ``GET /api/v2/knowledge``."""
        return v2_list(requester, self.base, KnowledgeBase.from_wire,
                       what="knowledge.list()", query={**query, "search": search}, limit=limit,
                       cursor=cursor, timeout=timeout, extra_headers=extra_headers)  # fmt: skip

    def list_documents(
        self, requester: Requester, kb_id: str, query: Dict[str, Any], *,
        limit: Optional[int], cursor: Optional[str], timeout: Optional[Timeout],
        extra_headers: Headers,
    ) -> Paginator[Document]:  # fmt: skip
        """Cursor pages of ``GET /api/v2/knowledge/{id}/documents`` (with tags)."""
        return v2_list(requester, self.kb_path(kb_id, "/documents"), Document.from_wire,
                       what=f"knowledge.documents.list({kb_id!r})", query=query, limit=limit,
                       cursor=cursor, timeout=timeout, extra_headers=extra_headers)  # fmt: skip

    def upload(
        self, requester: Requester, kb_id: str, workspace_id: str, file: FilePart, *,
        timeout: Optional[Timeout], extra_headers: Headers,
    ) -> Document:  # fmt: skip
        """``POST .../documents?workspaceId=`` with the file alone (answers 201)."""
        what = f"knowledge.documents.upload({kb_id!r})"
        body, content_type = multipart_body({}, {"file": file})
        answer = requester.request(
            "POST", self.kb_path(kb_id, "/documents"), what=what,
            query={"workspaceId": workspace_id}, body=body, content_type=content_type,
            timeout=timeout, extra_headers=extra_headers, retry="safe",
        )  # fmt: skip
        return with_response(self.document(answer.json(), what), answer.headers)


class KnowledgeApiV1(KnowledgeApi):
    """Sim's v1 knowledge routes: ``{success, data: {<name>: ...}}``, offset pages, PUT."""

    version = "v1"
    base = "/api/v1/knowledge"
    update_method = "PUT"

    def knowledge_base(self, body: Any, what: str) -> KnowledgeBase:
        """The knowledge base in ``data.knowledgeBase``."""
        return KnowledgeBase.from_wire(v2_data(body, what).get("knowledgeBase"))

    def document(self, body: Any, what: str) -> Document:
        """The document in ``data.document``."""
        return Document.from_wire(v2_data(body, what).get("document"))

    def list_knowledge_bases(
        self, requester: Requester, query: Dict[str, Any], search: Optional[str], *,
        limit: Optional[int], cursor: Optional[str], timeout: Optional[Timeout],
        extra_headers: Headers,
    ) -> Paginator[KnowledgeBase]:  # fmt: skip
        """v1 answers every knowledge base at once; ``search`` is applied here (name, any case)."""
        what = "knowledge.list()"

        def fetch(position: Optional[str]) -> Page[KnowledgeBase]:
            answer = requester.request("GET", self.base, what=what, query=query,
                                       timeout=timeout, extra_headers=extra_headers)  # fmt: skip
            body = answer.json()
            items = list_or_none(v2_data(body, what).get("knowledgeBases"))
            if items is None:
                raise InvalidResponseError(f"{what}: the answer has no knowledgeBases", body=body)
            bases = [KnowledgeBase.from_wire(item) for item in items]
            if search:
                bases = [kb for kb in bases if search.lower() in kb.name.lower()]
            built = [with_response(kb, answer.headers) for kb in bases]
            return with_response(Page(built, None, None, raw=body), answer.headers)

        return Paginator(fetch, what=what)

    def list_documents(
        self, requester: Requester, kb_id: str, query: Dict[str, Any], *,
        limit: Optional[int], cursor: Optional[str], timeout: Optional[Timeout],
        extra_headers: Headers,
    ) -> Paginator[Document]:  # fmt: skip
        """Offset pages of ``GET /api/v1/knowledge/{id}/documents`` (no tags)."""
        return offset_list(requester, self.kb_path(kb_id, "/documents"), Document.from_wire,
                           what=f"knowledge.documents.list({kb_id!r})", items_key="documents",
                           query=query, limit=limit, cursor=cursor, timeout=timeout,
                           extra_headers=extra_headers)  # fmt: skip

    def upload(
        self, requester: Requester, kb_id: str, workspace_id: str, file: FilePart, *,
        timeout: Optional[Timeout], extra_headers: Headers,
    ) -> Document:  # fmt: skip
        """``POST .../documents`` with the fields ``workspaceId`` and ``file``."""
        what = f"knowledge.documents.upload({kb_id!r})"
        body, content_type = multipart_body({"workspaceId": workspace_id}, {"file": file})
        answer = requester.request(
            "POST", self.kb_path(kb_id, "/documents"), what=what, body=body,
            content_type=content_type, timeout=timeout, extra_headers=extra_headers,
            retry="safe",
        )  # fmt: skip
        return with_response(self.document(answer.json(), what), answer.headers)


_V2 = KnowledgeApi()
_V1 = KnowledgeApiV1()


def api_for(requester: Requester) -> KnowledgeApi:
    """The adapter of the version this client uses (asked of the server once, then cached)."""
    return _V2 if use_v2(requester) else _V1


def tag_definitions(
    requester: Requester,
    kb_id: str,
    workspace_id: str,
    *,
    timeout: Optional[Timeout] = None,
    extra_headers: Headers = None,
) -> List[TagDefinition]:
    """``GET /api/v2/knowledge/{id}/tags``: every definition (one page, ``nextCursor`` null)."""
    what = f"knowledge.tags({kb_id!r})"
    answer = requester.request(
        "GET", _V2.kb_path(kb_id, "/tags"), what=what, query={"workspaceId": workspace_id},
        timeout=timeout, extra_headers=extra_headers,
    )  # fmt: skip
    items = object_body(answer.json(), what).get("data")
    return [with_response(TagDefinition.from_wire(item), answer.headers)
            for item in list_or_none(items) or []]  # fmt: skip


def check_conditions(
    requester: Requester,
    kb_id: str,
    workspace_id: str,
    conditions: Sequence[TagFilter],
    *,
    v2: bool,
    timeout: Optional[Timeout],
    extra_headers: Headers,
) -> None:
    """Refuse, before sending, tag conditions whose operator the tag's type does not support.

    The tags' types come from the definitions, read fresh (they change in Sim's UI at any
    time) and only when an operator other than ``eq``/``neq`` needs them; a v1-only server
    has no definitions to read, so there the values' own types are the guide.
    """
    types: Dict[str, str] = {}
    if v2 and needs_types(conditions):
        definitions = tag_definitions(requester, kb_id, workspace_id, timeout=timeout,
                                      extra_headers=extra_headers)  # fmt: skip
        types = filter_types(conditions, definitions)
    check_operators(conditions, types)

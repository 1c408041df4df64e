"""``client.knowledge.documents``: upload (tags by display name), list, get, update, delete,
and waiting until a document is processed."""

from __future__ import annotations

import json
from typing import Any, Callable, Dict, Literal, Mapping, Optional, Sequence, Tuple

from .._config import Timeout
from .._errors import ExecutionError, InvalidArgumentError, SimStudioError
from .._pagination import Paginator
from .._polling import DEFAULT_MAX_POLL_INTERVAL, DEFAULT_POLL_INTERVAL, DEFAULT_WAIT, poll
from .._versions import require_v2
from ..types.knowledge import Document
from ..types.search import TagFilter
from ._base import Resource
from ._knowledge_wire import KnowledgeApi, api_for, check_conditions, tag_definitions
from ._lists import check_limit
from ._tags import filters_from, resolve_tags, split_text_slots, wire_filters
from ._uploads import FileInput, discard, read_file, session_upload, typed_names

__all__ = ["Documents"]

Headers = Optional[Mapping[str, str]]
SortBy = Literal[
    "filename", "fileSize", "tokenCount", "chunkCount", "uploadedAt", "processingStatus", "enabled"
]
_ENABLED = {None: None, True: "enabled", False: "disabled"}


class Documents(Resource):
    """The documents of knowledge bases. Tags are read and written by **display name**; the
    SDK maps them to the server's slots using the knowledge base's tag definitions."""

    def upload(
        self,
        kb_id: str,
        file: FileInput,
        *,
        tags: Optional[Mapping[str, Any]] = None,
        filename: Optional[str] = None,
        workspace_id: Optional[str] = None,
        timeout: Optional[Timeout] = None,
        extra_headers: Headers = None,
    ) -> Document:
        """Upload a document; it is processed (chunked, embedded) in the background.

        Text tags travel with the upload (v2's resumable upload session, which any key may
        use). Number, date and boolean tags can only be written by a document update, which
        Sim allows only with a **personal** key: they are set right after the upload, and if
        that update is refused the new document is deleted again and the error raised, so
        nothing is left half-tagged.

        Args:
            kb_id: The knowledge base.
            file: A path, the bytes themselves, or a binary file object (pdf, csv, doc(x),
                txt, md, xls(x), ppt(x), html, json(l), yaml; up to 100 MB).
            tags: Tag display name -> value (``str``, number, ``datetime.date`` or bool, by
                the tag's type), e.g. ``{"topic": "billing", "priority": 2}`` (v2).
            filename: The document's name (default: the file's); needed for bytes.
            workspace_id: The workspace (default: the client's).
            timeout: Per-request timeout.
            extra_headers: Headers for these requests only.

        Returns:
            The new document (``processing_status`` ``"pending"``); see :meth:`wait`.

        Raises:
            InvalidArgumentError: An unreadable file, an undefined tag name or a value of the
                wrong type (before anything is sent); tags on a v1-only server (``V2_REQUIRED``).
            PermissionDeniedError: Typed tags with a workspace key (``reason``
                ``"personal_key_required"``); the uploaded document was deleted again.
        """
        what = f"knowledge.documents.upload({kb_id!r})"
        part = read_file(file, filename)
        workspace = self._workspace(workspace_id, what)
        if tags:
            require_v2(self._requester, "setting tags on upload (client.knowledge.documents)")
        api = api_for(self._requester)
        text, typed = self._tag_slots(kb_id, workspace, tags, timeout, extra_headers)
        if text:
            wire = session_upload(self._requester, api, kb_id, workspace, part, text,
                                  timeout=timeout, extra_headers=extra_headers)  # fmt: skip
            document = Document.from_wire(wire)
            document.tags = {name: value for name, value in (tags or {}).items()
                             if isinstance(value, str)}  # fmt: skip
        else:
            document = api.upload(self._requester, kb_id, workspace, part, timeout=timeout,
                                  extra_headers=extra_headers)  # fmt: skip
        if not typed:
            return document
        try:
            return self._patch(api, kb_id, document.id, workspace, typed, timeout,
                               extra_headers, what=f"{what}: setting its {typed_names(typed)}")
        except SimStudioError as error:
            discard(self._requester, api, kb_id, document.id, workspace, error)
            raise

    def _tag_slots(
        self,
        kb_id: str,
        workspace: str,
        tags: Optional[Mapping[str, Any]],
        timeout: Optional[Timeout],
        extra_headers: Headers,
    ) -> Tuple[Dict[str, Any], Dict[str, Any]]:
        if not tags:
            return {}, {}
        definitions = tag_definitions(self._requester, kb_id, workspace, timeout=timeout,
                                      extra_headers=extra_headers)  # fmt: skip
        return split_text_slots(resolve_tags(tags, definitions, allow_none=False))

    def _patch(
        self,
        api: KnowledgeApi,
        kb_id: str,
        doc_id: str,
        workspace: str,
        changes: Mapping[str, Any],
        timeout: Optional[Timeout],
        extra_headers: Headers,
        *,
        what: str,
    ) -> Document:
        answer = self._requester.request(
            "PATCH", api.doc_path(kb_id, doc_id), what=what,
            json={"workspaceId": workspace, **changes}, timeout=timeout,
            extra_headers=extra_headers, retry="safe",
        )  # fmt: skip
        return self._build(lambda wire: api.document(wire, what), answer)

    def list(
        self,
        kb_id: str,
        *,
        tags: Optional[Mapping[str, Any]] = None,
        filters: Optional[Sequence[TagFilter]] = None,
        search: Optional[str] = None,
        enabled: Optional[bool] = None,
        sort_by: Optional[SortBy] = None,
        sort_order: Optional[Literal["asc", "desc"]] = None,
        limit: Optional[int] = None,
        cursor: Optional[str] = None,
        workspace_id: Optional[str] = None,
        timeout: Optional[Timeout] = None,
        extra_headers: Headers = None,
    ) -> Paginator[Document]:
        """A knowledge base's documents, fetched lazily page by page (``limit`` per page).

        Args:
            kb_id: The knowledge base.
            tags: Only documents with these tag values (display name -> value, AND; v2).
            filters: More tag conditions as :class:`TagFilter` (AND; v2).
            search: Only documents whose file name contains this.
            enabled: ``True``/``False`` for enabled/disabled documents only.
            sort_by: ``uploadedAt`` (default), ``filename``, ``fileSize``, ``tokenCount``,
                ``chunkCount``, ``processingStatus`` or ``enabled``.
            sort_order: ``desc`` (default) or ``asc``.
            limit: The page size, 1-100 (default 50).
            cursor: Resume from this page (``error.cursor`` of a failed page).
            workspace_id: The workspace (default: the client's).
            timeout: Per-request timeout.
            extra_headers: Headers for these requests only.
        """
        what = f"knowledge.documents.list({kb_id!r})"
        if enabled not in _ENABLED:
            raise InvalidArgumentError("enabled must be True, False or None")
        if search is not None and not isinstance(search, str):
            raise InvalidArgumentError("search must be a string")
        conditions = filters_from(tags, filters)
        limit = check_limit(limit)  # before the workspace and version questions
        workspace = self._workspace(workspace_id, what)
        query: Dict[str, Any] = {"workspaceId": workspace, "search": search,
                                 "enabledFilter": _ENABLED[enabled], "sortBy": sort_by,
                                 "sortOrder": sort_order}  # fmt: skip
        if conditions:
            require_v2(self._requester, "filtering documents by tag")
            check_conditions(self._requester, kb_id, workspace, conditions, v2=True,
                             timeout=timeout, extra_headers=extra_headers)  # fmt: skip
            query["tagFilters"] = json.dumps(wire_filters(conditions), separators=(",", ":"))
        return api_for(self._requester).list_documents(
            self._requester, kb_id, query, limit=limit, cursor=cursor,
            timeout=timeout, extra_headers=extra_headers,
        )  # fmt: skip

    def get(
        self,
        kb_id: str,
        doc_id: str,
        *,
        workspace_id: Optional[str] = None,
        timeout: Optional[Timeout] = None,
        extra_headers: Headers = None,
    ) -> Document:
        """One document with its processing state (and, on v2, its tags)."""
        return self._get(kb_id, doc_id, workspace_id, timeout, extra_headers, "read")

    def _get(
        self,
        kb_id: str,
        doc_id: str,
        workspace_id: Optional[str],
        timeout: Optional[Timeout],
        extra_headers: Headers,
        retry: str,
    ) -> Document:
        what = f"knowledge.documents.get({kb_id!r}, {doc_id!r})"
        api = api_for(self._requester)
        answer = self._requester.request(
            "GET", api.doc_path(kb_id, doc_id), what=what,
            query={"workspaceId": self._workspace(workspace_id, what)},
            timeout=timeout, extra_headers=extra_headers, retry=retry,
        )  # fmt: skip
        return self._build(lambda wire: api.document(wire, what), answer)

    def update(
        self,
        kb_id: str,
        doc_id: str,
        *,
        tags: Optional[Mapping[str, Any]] = None,
        enabled: Optional[bool] = None,
        filename: Optional[str] = None,
        workspace_id: Optional[str] = None,
        timeout: Optional[Timeout] = None,
        extra_headers: Headers = None,
    ) -> Document:
        """Change a document's tags (by display name; ``None`` clears one), whether it is
        searchable (``enabled``), or its file name. Needs v2 and a **personal** key: Sim
        refuses workspace keys (:class:`PermissionDeniedError`, ``reason``
        ``"personal_key_required"``). A tag change reaches search at once."""
        what = f"knowledge.documents.update({kb_id!r}, {doc_id!r})"
        if enabled is not None and not isinstance(enabled, bool):
            raise InvalidArgumentError("enabled must be True or False")
        if filename is not None and (not isinstance(filename, str) or not filename.strip()):
            raise InvalidArgumentError("filename must be a non-empty string")
        if tags is None and enabled is None and filename is None:
            raise InvalidArgumentError("update needs tags, enabled or filename")
        require_v2(self._requester, "client.knowledge.documents.update()")
        workspace = self._workspace(workspace_id, what)
        changes: Dict[str, Any] = {}
        if tags is not None:
            definitions = tag_definitions(self._requester, kb_id, workspace, timeout=timeout,
                                          extra_headers=extra_headers)  # fmt: skip
            changes.update(resolve_tags(tags, definitions, allow_none=True))
        changes.update({k: v for k, v in (("enabled", enabled), ("filename", filename))
                        if v is not None})  # fmt: skip
        api = api_for(self._requester)
        return self._patch(api, kb_id, doc_id, workspace, changes, timeout, extra_headers,
                           what=what)

    def delete(
        self,
        kb_id: str,
        doc_id: str,
        *,
        workspace_id: Optional[str] = None,
        timeout: Optional[Timeout] = None,
        extra_headers: Headers = None,
    ) -> None:
        """Delete a document; it leaves search at once (a second delete is NotFoundError)."""
        what = f"knowledge.documents.delete({kb_id!r}, {doc_id!r})"
        api = api_for(self._requester)
        self._requester.request(
            "DELETE", api.doc_path(kb_id, doc_id), what=what,
            query={"workspaceId": self._workspace(workspace_id, what)},
            timeout=timeout, extra_headers=extra_headers, retry="safe",
        )  # fmt: skip

    def wait(
        self,
        kb_id: str,
        doc_id: str,
        *,
        timeout: float = DEFAULT_WAIT,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        max_poll_interval: float = DEFAULT_MAX_POLL_INTERVAL,
        on_status: Optional[Callable[[Document], None]] = None,
        workspace_id: Optional[str] = None,
        extra_headers: Headers = None,
    ) -> Document:
        """Poll a document until its processing is over; return it once ``completed``.

        Polls come quickly at first (50 ms, doubling up to ``poll_interval``), then back off
        up to ``max_poll_interval``; the whole wait ends by ``timeout``.

        Raises:
            ExecutionError: Processing failed (code ``DOCUMENT_PROCESSING_FAILED``; the
                server's ``processingError`` is in the message, the document on ``body``).
            RequestTimeoutError: Still processing at the deadline.
        """
        what = f"knowledge.documents.wait({kb_id!r}, {doc_id!r})"
        workspace = self._workspace(workspace_id, what)
        requester = self._requester

        def fetch(timeouts: Tuple[float, float]) -> Document:
            return self._get(kb_id, doc_id, workspace, timeouts, extra_headers, "never")

        document = poll(
            fetch, lambda doc: doc.is_finished, what=what, timeout=timeout,
            poll_interval=poll_interval, max_poll_interval=max_poll_interval,
            read_timeout=requester.options.timeout, clock=requester.state.clock,
            sleep=requester.state.sleep, on_status=on_status,
        )  # fmt: skip
        if document.processing_status == "failed":
            reason = document.processing_error or "no reason given"
            raise ExecutionError(
                f"document {doc_id!r} could not be processed: {reason}",
                "DOCUMENT_PROCESSING_FAILED",
                body=document.raw,
            )
        return document


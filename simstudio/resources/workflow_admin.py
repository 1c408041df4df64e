"""Managing workflows as data: list, get, export, import, create, update, delete, and folders."""

from __future__ import annotations

import os
from functools import cached_property
from typing import Any, Dict, Literal, Mapping, Optional, Union

from .._config import Timeout
from .._errors import InvalidArgumentError
from .._folders import FolderPath
from .._pagination import Paginator
from .._versions import require_v2
from ..types._wire import v2_data
from ..types.workflow_admin import Workflow
from ._lists import check_limit, v2_list
from ._workflow_admin import (
    V2,
    DocumentSource,
    check_text,
    read_document,
    routes_for,
    write_document,
)
from .folders import Folders
from .workflow_deployments import WorkflowDeployments

__all__ = ["WorkflowAdmin"]

SortBy = Literal["position", "name", "createdAt", "updatedAt", "runCount"]
_UNSET: Any = object()


class WorkflowAdmin(WorkflowDeployments):
    """The management half of ``client.workflows`` (see :class:`Workflows`): workflows as
    data, in v1 or v2 as the server offers (v2-only calls say so on a v1-only server)."""

    @cached_property
    def folders(self) -> Folders:
        """The workspace's workflow folders (v2)."""
        return Folders(self._requester)

    def list(
        self,
        workspace_id: Optional[str] = None,
        *,
        folder: Optional[FolderPath] = None,
        deployed_only: bool = False,
        search: Optional[str] = None,
        sort_by: Optional[SortBy] = None,
        sort_order: Optional[Literal["asc", "desc"]] = None,
        limit: Optional[int] = None,
        cursor: Optional[str] = None,
        timeout: Optional[Timeout] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> Paginator[Workflow]:
        """The workspace's workflows, fetched lazily page by page (``limit`` per page).

        Args:
            workspace_id: The workspace; default: the client's (see ``SimStudioClient``).
            folder: Only the workflows directly in this folder (``"/"``: the top level);
                a readable path or a list of folder names (v2).
            deployed_only: Only deployed workflows.
            search: Only names containing this text (v2).
            sort_by: ``"position"`` (Sim's order, the default), ``"name"``, ``"createdAt"``,
                ``"updatedAt"`` or ``"runCount"`` (v2).
            sort_order: ``"asc"`` or ``"desc"`` (v2).
            limit: The page size, 1-100 (default 50).
            cursor: Resume from a page's ``next_cursor`` (or an error's ``cursor``).
            timeout: Seconds to wait for each page.
            extra_headers: Headers for these calls only.
        """
        what = "workflows.list()"
        limit = check_limit(limit)  # before the version question
        routes = routes_for(self._requester)
        sort = {"sortBy": sort_by, "sortOrder": sort_order}
        workspace = self._workspace(workspace_id, what)
        query = routes.list_query(workspace, folder, deployed_only, search, sort, what)
        return v2_list(
            self._requester, routes.base, Workflow.from_wire, what=what, query=query,
            limit=limit, cursor=cursor, timeout=timeout,
            extra_headers=extra_headers,
        )  # fmt: skip

    def get(
        self,
        workflow_id: str,
        *,
        timeout: Optional[Timeout] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> Workflow:
        """One workflow, with its ``variables`` and start-block ``inputs``."""
        what = f"workflows.get({workflow_id!r})"
        path = routes_for(self._requester).path("/{workflow_id}", workflow_id=workflow_id)
        answer = self._requester.request(
            "GET", path, what=what, timeout=timeout, extra_headers=extra_headers
        )
        return self._build(lambda b: Workflow.from_wire(v2_data(b, what)), answer)

    def export(
        self,
        workflow_id: str,
        *,
        path: Union[str, os.PathLike[str], None] = None,
        timeout: Optional[Timeout] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> Dict[str, Any]:
        """The workflow as a portable document (``version``, ``exportedAt``, ``workflow``,
        ``state``), JSON-serialisable and accepted by :meth:`import_` on any server.

        Args:
            workflow_id: The workflow's id.
            path: Also write the document to this file, with sorted keys, a 2-space indent
                and a final newline, so that a diff in git shows only real changes (and the
                export's own timestamps). The file is replaced whole or not at all.
            timeout: Seconds to wait for the answer.
            extra_headers: Headers for this call only.
        """
        what = f"workflows.export({workflow_id!r})"
        route = routes_for(self._requester).path("/{workflow_id}/export", workflow_id=workflow_id)
        answer = self._requester.request(
            "GET", route, what=what, timeout=timeout, extra_headers=extra_headers
        )
        document = v2_data(answer.json(), what)
        if path is not None:
            write_document(path, document)
        return document

    def import_(
        self,
        document_or_path: DocumentSource,
        *,
        workspace_id: Optional[str] = None,
        name: Optional[str] = None,
        description: Optional[str] = None,
        folder: Optional[FolderPath] = None,
        timeout: Optional[Timeout] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> Workflow:
        """Create a new workflow from an export (``import`` is a Python keyword).

        Sim gives its blocks new ids; the new workflow is not deployed.

        Args:
            document_or_path: An export (a dict), its JSON text, or the path of a file holding one
                (e.g. written by ``export(..., path=)``). v1 and v2 exports both work.
            workspace_id: The workspace to create it in; default: the client's.
            name: Its name (1-200 characters); default: the export's.
            description: Its description (up to 2,000); default: the export's.
            folder: The folder to create it in (v2); default: the top level, whatever
                folder the export came from.
            timeout: Seconds to wait for the answer.
            extra_headers: Headers for this call only.
        """
        what = "workflows.import_()"
        routes = routes_for(self._requester)
        workspace = self._workspace(workspace_id, what)
        document = read_document(document_or_path)
        body = routes.import_body(workspace, document, name, description, folder)
        answer = self._requester.request(
            "POST", routes.path("/import"), json=body, what=what, retry="safe",
            timeout=timeout, extra_headers=extra_headers,
        )  # fmt: skip
        return self._build(lambda b: Workflow.from_wire(v2_data(b, what)), answer)

    def create(
        self,
        name: str,
        *,
        workspace_id: Optional[str] = None,
        description: Optional[str] = None,
        folder: Optional[FolderPath] = None,
        timeout: Optional[Timeout] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> Workflow:
        """Create an empty workflow (v2); build it in Sim's editor, or import one instead."""
        what = f"workflows.create({name!r})"
        require_v2(self._requester, f"client.{what}")
        body: Dict[str, Any] = {
            "workspaceId": self._workspace(workspace_id, what),
            "name": check_text(name, "name", 255),
        }
        if description is not None:
            body["description"] = check_text(description, "description", 50000, empty=True)
        if folder is not None:
            body["folderPath"] = V2.folder(folder, what)
        answer = self._requester.request(
            "POST", V2.base, json=body, what=what, retry="safe", timeout=timeout,
            extra_headers=extra_headers,
        )  # fmt: skip
        return self._build(lambda b: Workflow.from_wire(v2_data(b, what)), answer)

    def update(
        self,
        workflow_id: str,
        *,
        name: Optional[str] = None,
        description: Optional[str] = _UNSET,
        folder: Optional[FolderPath] = None,
        timeout: Optional[Timeout] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> Workflow:
        """Rename, describe or move a workflow (v2). Its deployed version is not affected.

        Args:
            workflow_id: The workflow's id.
            name: A new name (1-255 characters).
            description: A new description; ``None`` removes it.
            folder: Move it to this folder (``"/"``: the top level).
            timeout: Seconds to wait for the answer.
            extra_headers: Headers for this call only.
        """
        what = f"workflows.update({workflow_id!r})"
        require_v2(self._requester, f"client.{what}")
        body: Dict[str, Any] = {}
        if name is not None:
            body["name"] = check_text(name, "name", 255)
        if description is not _UNSET:
            body["description"] = check_text(description, "description", 50000, empty=True)
        if folder is not None:
            body["folderPath"] = V2.folder(folder, what)
        if not body:
            raise InvalidArgumentError(f"{what}: give at least one of name, description, folder")
        answer = self._requester.request(
            "PATCH", V2.path("/{workflow_id}", workflow_id=workflow_id), json=body, what=what,
            retry="safe", timeout=timeout, extra_headers=extra_headers,
        )  # fmt: skip
        return self._build(lambda b: Workflow.from_wire(v2_data(b, what)), answer)

    def delete(
        self,
        workflow_id: str,
        *,
        timeout: Optional[Timeout] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> None:
        """Delete a workflow (v2), deployed or not: executes then answer 404.

        Raises:
            NotFoundError: No such workflow (or it was deleted already).
        """
        what = f"workflows.delete({workflow_id!r})"
        require_v2(self._requester, f"client.{what}")
        self._requester.request(
            "DELETE", V2.path("/{workflow_id}", workflow_id=workflow_id), what=what,
            retry="safe", timeout=timeout, extra_headers=extra_headers,
        )  # fmt: skip

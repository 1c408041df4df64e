"""``client.workflows.folders``: the folders workflows live in, named by readable paths (v2)."""

from __future__ import annotations

import contextlib
from typing import Any, Dict, Literal, Mapping, Optional

from .._config import Timeout
from .._errors import ConflictError, InvalidArgumentError
from .._folders import FolderPath, canonical_path, split_path
from .._pagination import Paginator
from .._versions import require_v2
from ..types._wire import v2_data
from ..types.workflow_admin import DeletedFolder, Folder
from ._base import Resource
from ._lists import v2_list

__all__ = ["Folders"]

_PATH = "/api/v2/workflows/folders"


class Folders(Resource):
    """Workflow folders of a workspace. Paths are readable (``"/Team A/Prod"``); the SDK
    percent-encodes each folder name as Sim requires. A name containing ``/`` is given as a
    list of names (``["a/b", "c"]``). Needs Sim's v2 API."""

    def list(
        self,
        workspace_id: Optional[str] = None,
        *,
        parent: Optional[FolderPath] = None,
        search: Optional[str] = None,
        sort_by: Optional[Literal["name", "createdAt", "updatedAt"]] = None,
        sort_order: Optional[Literal["asc", "desc"]] = None,
        timeout: Optional[Timeout] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> Paginator[Folder]:
        """The workspace's folders at every depth, or only ``parent``'s direct children.

        ``search`` matches names case-insensitively. Sim answers in one page.
        """
        what = "workflows.folders.list()"
        require_v2(self._requester, f"client.{what}")
        query = {
            "workspaceId": self._workspace(workspace_id, what),
            "parentPath": canonical_path(parent, "parent") if parent is not None else None,
            "search": search,
            "sortBy": sort_by,
            "sortOrder": sort_order,
        }
        return v2_list(
            self._requester, _PATH, Folder.from_wire, what=what, query=query, timeout=timeout,
            extra_headers=extra_headers,
        )  # fmt: skip

    def create(
        self,
        path: FolderPath,
        *,
        workspace_id: Optional[str] = None,
        parents: bool = False,
        timeout: Optional[Timeout] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> Folder:
        """Create a folder; its parent must exist unless ``parents=True``, which creates the
        missing ones (existing folders on the way are fine then).

        Raises:
            ConflictError: The folder exists already (HTTP 409).
            NotFoundError: Its parent does not exist (HTTP 404, ``parents=False``).
        """
        what = f"workflows.folders.create({path!r})"
        require_v2(self._requester, f"client.{what}")
        names = split_path(path, "path")
        _not_root(names, what)
        workspace = self._workspace(workspace_id, what)
        options: Dict[str, Any] = {"what": what, "timeout": timeout, "extra_headers": extra_headers}
        if parents:
            for depth in range(1, len(names)):
                with contextlib.suppress(ConflictError):  # exists already: fine on the way
                    self._create(workspace, names[:depth], options)
        return self._create(workspace, names, options)

    def _create(self, workspace: str, names: Any, options: Dict[str, Any]) -> Folder:
        body = {"workspaceId": workspace, "path": canonical_path(names)}
        answer = self._requester.request("POST", _PATH, json=body, retry="safe", **options)
        return self._build(lambda b: Folder.from_wire(v2_data(b, options["what"])), answer)

    def move(
        self,
        path: FolderPath,
        destination: FolderPath,
        *,
        workspace_id: Optional[str] = None,
        timeout: Optional[Timeout] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> Folder:
        """Rename or move a folder; the folders and workflows inside follow it."""
        what = f"workflows.folders.move({path!r}, {destination!r})"
        require_v2(self._requester, f"client.{what}")
        body = {
            "workspaceId": self._workspace(workspace_id, what),
            "path": _changeable(path, "path", what),
            "destinationPath": _changeable(destination, "destination", what),
        }
        answer = self._requester.request(
            "PATCH", _PATH, json=body, what=what, retry="safe", timeout=timeout,
            extra_headers=extra_headers,
        )  # fmt: skip
        return self._build(lambda b: Folder.from_wire(v2_data(b, what)), answer)

    def delete(
        self,
        path: FolderPath,
        *,
        workspace_id: Optional[str] = None,
        recursive: bool = False,
        timeout: Optional[Timeout] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> DeletedFolder:
        """Delete a folder. With ``recursive=True`` everything inside goes too, **workflows
        included** (the result counts them); without it a non-empty folder is a
        ``ConflictError``."""
        what = f"workflows.folders.delete({path!r})"
        require_v2(self._requester, f"client.{what}")
        query = {
            "workspaceId": self._workspace(workspace_id, what),
            "path": _changeable(path, "path", what),
            "recursive": True if recursive else None,
        }
        answer = self._requester.request(
            "DELETE", _PATH, query=query, what=what, retry="safe", timeout=timeout,
            extra_headers=extra_headers,
        )  # fmt: skip
        return self._build(lambda b: DeletedFolder.from_wire(v2_data(b, what)), answer)


def _not_root(names: Any, what: str) -> None:
    if not names:
        raise InvalidArgumentError(f"{what}: the root folder '/' cannot be created or changed")


def _changeable(path: FolderPath, name: str, what: str) -> str:
    """The canonical path of a folder that may be changed (any but the root)."""
    _not_root(split_path(path, name), what)
    return canonical_path(path, name)

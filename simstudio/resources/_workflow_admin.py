"""Workflow management behind ``client.workflows``: the v1 and v2 route shapes (one adapter
each), which route a deploy takes for which key, export files, and argument checks."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from typing import Any, Dict, Mapping, Optional, Union

from .._config import Timeout
from .._errors import InvalidArgumentError, PermissionDeniedError
from .._folders import FolderPath, canonical_path
from .._inputs import resource_path
from .._requester import Requester
from .._responses import Answer
from .._versions import use_v2

__all__ = [
    "V1",
    "V2",
    "Routes",
    "check_text",
    "check_version",
    "read_document",
    "routes_for",
    "send_deployment",
    "write_document",
]

#: An export document, a JSON text of one, or the path of a file holding one.
DocumentSource = Union[Mapping[str, Any], str, "os.PathLike[str]"]


@dataclass(frozen=True)
class Routes:
    """How one version of Sim's API shapes the management routes.

    v1 names a folder by id and has no folders, search or sort; v2 names folders by their
    canonical path and is strict about unknown keys.
    """

    version: str
    base: str

    @property
    def is_v2(self) -> bool:
        """Whether these are the v2 routes."""
        return self.version == "v2"

    def path(self, suffix: str = "", **ids: object) -> str:
        """``/api/vN/workflows`` + ``suffix``, its ``{name}`` ids encoded as path segments."""
        return resource_path(self.base + suffix, **ids)

    def folder(self, folder: Optional[FolderPath], what: str) -> Optional[str]:
        """The ``folderPath`` of a request (v2), or the refusal of a folder on v1."""
        if folder is None:
            return None
        if not self.is_v2:
            raise _needs_v2(f"{what} with folder=")
        return canonical_path(folder)

    def list_query(
        self,
        workspace_id: str,
        folder: Optional[FolderPath],
        deployed_only: bool,
        search: Optional[str],
        sort: Mapping[str, Optional[str]],
        what: str,
    ) -> Dict[str, Any]:
        """The query of a list call (v1 has no search or sort)."""
        query: Dict[str, Any] = {
            "workspaceId": workspace_id,
            "folderPath": self.folder(folder, what),
            "deployedOnly": True if deployed_only else None,
        }
        if self.is_v2:
            query.update(search=search, **sort)
        elif search is not None or any(value is not None for value in sort.values()):
            raise _needs_v2(f"{what} with search= or sort_by=/sort_order=")
        return query

    def import_body(
        self,
        workspace_id: str,
        document: Mapping[str, Any],
        name: Optional[str],
        description: Optional[str],
        folder: Optional[FolderPath],
    ) -> Dict[str, Any]:
        """The body of an import (unset fields left out: v2 refuses unknown and null keys)."""
        body: Dict[str, Any] = {"workspaceId": workspace_id, "workflow": dict(document)}
        optional = {
            "name": check_text(name, "name", 200),
            "description": check_text(description, "description", 2000, empty=True),
            "folderPath": self.folder(folder, "workflows.import_()"),
        }
        body.update({key: value for key, value in optional.items() if value is not None})
        return body


V1 = Routes("v1", "/api/v1/workflows")
V2 = Routes("v2", "/api/v2/workflows")


def routes_for(requester: Requester) -> Routes:
    """The routes to use: v2 where the server has it (or the client asked), else v1."""
    return V2 if use_v2(requester) else V1


def _needs_v2(what: str) -> InvalidArgumentError:
    return InvalidArgumentError(
        f"{what} needs Sim's v2 API, which this server does not offer (self-hosted servers "
        "enable it with V2_API=true); or the client was created with api_version='v1'",
        "V2_REQUIRED",
    )


def check_text(
    value: Optional[str], what: str, max_length: int, *, empty: bool = False
) -> Optional[str]:
    """``value`` if it is ``None`` or a string of an allowed length (``empty``: ``""`` too)."""
    if value is None:
        return None
    if not isinstance(value, str) or (not empty and not value.strip()):
        raise InvalidArgumentError(f"{what} must be a non-empty string")
    if len(value) > max_length:
        raise InvalidArgumentError(f"{what} must be at most {max_length} characters")
    return value


def check_version(version: object, what: str = "version") -> int:
    """A deployment version number: a whole number from 1."""
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise InvalidArgumentError(f"{what} must be a whole number from 1, not {version!r}")
    return version


# -- deploy, undeploy and rollback: which route for which key -----------------------------------

# v2 refuses these to workspace keys (403 WORKSPACE_KEY_OPERATION_NOT_PERMITTED) while v1 allows
# them, and no endpoint says what kind a key is: the first refusal is remembered per server and
# key, and later calls go straight to v1.
_V2_REFUSED = "v2-deploy-refused-to-this-key"
#: The method and route of each deployment operation.
_OPERATIONS = {
    "deploy": ("POST", "/{workflow_id}/deploy"),
    "undeploy": ("DELETE", "/{workflow_id}/deploy"),
    "roll back": ("POST", "/{workflow_id}/rollback"),
}


def _refused(requester: Requester) -> bool:
    config = requester.config
    return bool(requester.state.facts.get((config.base_url, config.api_key, _V2_REFUSED)))


def _remember_refusal(requester: Requester) -> None:
    state = requester.state
    config = state.config
    with state.lock:
        state.facts[(config.base_url, config.api_key, _V2_REFUSED)] = True


def send_deployment(
    requester: Requester,
    operation: str,
    workflow_id: str,
    *,
    what: str,
    body: Optional[Dict[str, Any]] = None,
    timeout: Optional[Timeout] = None,
    extra_headers: Optional[Mapping[str, str]] = None,
) -> Answer:
    """Send ``operation`` (``"deploy"``, ``"undeploy"`` or ``"roll back"``): v2 for keys it
    allows, else v1 (always on).

    Raises:
        PermissionDeniedError: Neither version lets this key do it; the message says that a
            personal key of a workspace admin would be needed.
    """
    method, suffix = _OPERATIONS[operation]
    options: Dict[str, Any] = {"what": what, "timeout": timeout, "extra_headers": extra_headers}
    if body:
        options["json"] = body
    tried_v2 = use_v2(requester) and not _refused(requester)
    if tried_v2:
        try:
            return _send(requester, method, V2.path(suffix, workflow_id=workflow_id), options)
        except PermissionDeniedError as error:
            if error.code != "WORKSPACE_KEY_OPERATION_NOT_PERMITTED":
                raise
            _remember_refusal(requester)
    try:
        return _send(requester, method, V1.path(suffix, workflow_id=workflow_id), options)
    except PermissionDeniedError as error:
        if error.reason == "workspace" or not (tried_v2 or _refused(requester)):
            raise
        raise PermissionDeniedError(
            f"{what}: this workspace API key may not {operation} workflows on this server "
            f"(v2 refuses workspace keys, v1 answered: {error.message}). Use a personal API key "
            "of a member with the workspace's admin permission",
            "WORKSPACE_KEY_OPERATION_NOT_PERMITTED",
            403,
            server_code=error.server_code,
            body=error.body,
            request_id=error.request_id,
            reason="personal_key_required",
        ) from error


def _send(requester: Requester, method: str, path: str, options: Dict[str, Any]) -> Answer:
    return requester.request(method, path, retry="safe", **options)


# -- export documents and files -----------------------------------------------------------------


def document_text(document: Mapping[str, Any]) -> str:
    """An export as stable JSON text: sorted keys, 2-space indent, a final newline, so that a
    diff shows only real changes."""
    return json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def write_document(path: Union[str, os.PathLike[str]], document: Mapping[str, Any]) -> None:
    """Write an export to ``path`` whole or not at all (a temporary file, then a rename)."""
    target = os.fspath(path)
    text = document_text(document)
    folder = os.path.dirname(os.path.abspath(target))
    handle, temporary = tempfile.mkstemp(prefix=".simstudio-export-", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        os.replace(temporary, target)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def read_document(source: DocumentSource) -> Dict[str, Any]:
    """An export given as a mapping, a JSON text (starting with ``{``) or a file path.

    Raises:
        InvalidArgumentError: The file cannot be read, or it is not a JSON object.
    """
    if isinstance(source, Mapping):
        if not source:
            raise InvalidArgumentError("the workflow to import is empty: pass an export")
        return dict(source)
    if isinstance(source, str) and source.lstrip().startswith("{"):
        return _parse(source, "the document")
    if not isinstance(source, (str, os.PathLike)):
        raise InvalidArgumentError(
            "the workflow to import must be an export (a dict), its JSON text or a file path"
        )
    try:
        with open(source, encoding="utf-8") as stream:
            text = stream.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidArgumentError(f"cannot read {os.fspath(source)!r}: {exc}") from None
    return _parse(text, repr(os.fspath(source)))


def _parse(text: str, what: str) -> Dict[str, Any]:
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise InvalidArgumentError(f"{what} is not valid JSON: {exc}") from None
    if not isinstance(document, dict) or not document:
        raise InvalidArgumentError(f"{what} is not a workflow export (a JSON object)")
    return document

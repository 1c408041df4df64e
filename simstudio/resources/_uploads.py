"""Document uploads: reading the caller's file, and v2's resumable upload session (the only
upload that sets tags): create the session, transfer the bytes, complete it."""

from __future__ import annotations

import logging
import mimetypes
import os
from typing import Any, Dict, Mapping, Optional, Union

from .._config import Timeout, resolve_timeout
from .._errors import InvalidArgumentError, InvalidResponseError, SimStudioError
from .._inputs import resource_path
from .._multipart import FilePart
from .._requester import Requester, check_headers
from ..types._wire import dict_or_none, object_body, str_or_none, v2_data
from ._knowledge_wire import KnowledgeApi

__all__ = [
    "MAX_UPLOAD_BYTES",
    "FileInput",
    "discard",
    "read_file",
    "session_upload",
    "typed_names",
]

logger = logging.getLogger("simstudio")

#: The server's per-document limit (413 above it).
MAX_UPLOAD_BYTES = 100 * 1024 * 1024
#: A path, the bytes themselves, or a binary file object.
FileInput = Union[str, "os.PathLike[str]", bytes, bytearray, Any]


def _content_type(filename: str) -> str:
    guessed = mimetypes.guess_type(filename)[0]
    return guessed or "application/octet-stream"


def _read_handle(handle: Any, label: str) -> bytes:
    content = handle.read(MAX_UPLOAD_BYTES + 1)
    if isinstance(content, str):
        raise InvalidArgumentError(f"{label} is open in text mode: open it with 'rb'")
    if not isinstance(content, (bytes, bytearray)):
        raise InvalidArgumentError(f"{label}: read() did not return bytes")
    return bytes(content)


def read_file(file: FileInput, filename: Optional[str]) -> FilePart:
    """``(filename, content, content_type)`` of a path, bytes or binary file object.

    Raises:
        InvalidArgumentError: No file name can be found (bytes need ``filename=``), the file
            cannot be read, or it is over the server's 100 MB limit.
    """
    if filename is not None and (not isinstance(filename, str) or not filename.strip()):
        raise InvalidArgumentError("filename must be a non-empty string")
    if isinstance(file, (bytes, bytearray)):
        if filename is None:
            raise InvalidArgumentError(
                "uploading bytes needs filename= (its extension tells Sim the file type)"
            )
        name, content = filename, bytes(file)
    elif isinstance(file, (str, os.PathLike)):
        path = os.fspath(file)
        try:
            with open(path, "rb") as handle:
                content = _read_handle(handle, repr(path))
        except OSError as exc:
            raise InvalidArgumentError(f"cannot read {path!r}: {exc.strerror or exc}") from None
        name = filename or os.path.basename(path)
    elif callable(getattr(file, "read", None)):
        raw_name = getattr(file, "name", None)
        name = filename or (os.path.basename(raw_name) if isinstance(raw_name, str) else "")
        if not name:
            raise InvalidArgumentError("this file object has no name: pass filename=")
        content = _read_handle(file, repr(name))
    else:
        raise InvalidArgumentError(
            f"file must be a path, bytes or a binary file object, not {type(file).__name__}"
        )
    if len(content) > MAX_UPLOAD_BYTES:
        raise InvalidArgumentError(
            f"{name!r} is larger than the server's 100 MB document limit", "FILE_TOO_LARGE"
        )
    return name, content, _content_type(name)


def _transfer(
    requester: Requester,
    transfer: Mapping[str, Any],
    content: bytes,
    content_type: str,
    what: str,
    timeout: Optional[Timeout],
) -> None:
    """Send the bytes where the session says. Only to our own server with the API key: a
    transfer URL elsewhere (direct-to-storage) gets the session's headers alone."""
    url, method = str_or_none(transfer.get("url")), str_or_none(transfer.get("method"))
    if not url or (method or "put").lower() != "put":
        raise InvalidResponseError(f"{what}: the upload session has no PUT transfer", body=transfer)
    headers = {"Content-Type": content_type}
    headers.update(
        check_headers(
            {str(k): str(v) for k, v in (dict_or_none(transfer.get("headers")) or {}).items()}
        )
    )
    base = requester.config.base_url
    if url.startswith(base + "/"):
        requester.request("PUT", url[len(base):], what=what, body=content, headers=headers,
                          content_type=headers["Content-Type"], timeout=timeout,
                          retry="safe")  # fmt: skip
        return
    transport = requester.state.transport
    timeouts = resolve_timeout(timeout, requester.options.timeout)
    sent = {"User-Agent": requester.config.user_agent, **headers}
    response = transport.send("PUT", url, headers=sent, body=content, timeout=timeouts, what=what)
    answer = transport.read(response, what, timeouts)
    if answer.status >= 400:
        raise requester.error_for(answer, what, "PUT (the upload session's transfer URL)")


def session_upload(
    requester: Requester,
    api: KnowledgeApi,
    kb_id: str,
    workspace_id: str,
    file: FilePart,
    text_slots: Mapping[str, str],
    *,
    timeout: Optional[Timeout],
    extra_headers: Optional[Mapping[str, str]],
) -> Dict[str, Any]:
    """Upload through a v2 session with ``tag1``..``tag7`` set; returns the document (wire)."""
    name, content, content_type = file
    what = f"knowledge.documents.upload({kb_id!r})"
    body = {"workspaceId": workspace_id, "name": name, "contentType": content_type,
            "size": len(content), **text_slots}  # fmt: skip
    answer = requester.request("POST", api.kb_path(kb_id, "/documents/uploads"), what=what,
                               json=body, timeout=timeout, extra_headers=extra_headers,
                               retry="safe")  # fmt: skip
    data = v2_data(answer.json(), what)
    session = object_body(data.get("session"), what)
    upload_id, token = str_or_none(session.get("id")), str_or_none(data.get("uploadToken"))
    if not upload_id or not token:
        raise InvalidResponseError(f"{what}: the upload session has no id or token", body=data)
    session_path = api.kb_path(kb_id, resource_path("/documents/uploads/{u}", u=upload_id))
    try:
        transfer = object_body(data.get("transfer"), what)
        _transfer(requester, transfer, content, content_type, what, timeout)
        done = requester.request(
            "POST", session_path + "/complete", what=what,
            query={"workspaceId": workspace_id}, headers={"upload-token": token},
            timeout=timeout, extra_headers=extra_headers, retry="safe",
        )  # fmt: skip
    except SimStudioError:
        _cancel(requester, session_path, workspace_id, what)
        raise
    completed = v2_data(done.json(), what)
    return object_body(completed.get("document"), what)


def _cancel(requester: Requester, session_path: str, workspace_id: str, what: str) -> None:
    # Best effort: an abandoned session expires on its own (after a day).
    try:
        requester.request("DELETE", session_path, what=what,
                          query={"workspaceId": workspace_id}, retry="never")  # fmt: skip
    except SimStudioError as error:
        logger.info("%s: could not cancel the upload session: %s", what, error)


def discard(
    requester: Requester,
    api: KnowledgeApi,
    kb_id: str,
    doc_id: str,
    workspace: str,
    error: SimStudioError,
) -> None:
    """Delete a document whose typed tags could not be set, and say so in ``error``'s message
    (or that even the deletion failed)."""
    try:
        requester.request("DELETE", api.doc_path(kb_id, doc_id),
                          what=f"deleting document {doc_id!r} again",
                          query={"workspaceId": workspace}, retry="safe")  # fmt: skip
    except SimStudioError as cleanup:
        note = (f" (the uploaded document {doc_id!r} could not be deleted again: {cleanup};"
                " delete it yourself)")  # fmt: skip
        logger.warning("document %s left without its tags: %s", doc_id, cleanup)
    else:
        note = " (the uploaded document was deleted again: nothing is left half-tagged)"
    error.message += note
    error.args = (error.message,)


def typed_names(slots: Mapping[str, Any]) -> str:
    """``"boolean tags and number tags"``: the kinds of the slots, for messages."""
    kinds = sorted({slot.rstrip("0123456789") for slot in slots})
    return " and ".join(f"{kind} tags" for kind in kinds)

"""Reading answers: JSON bodies of any era and the mapping of error answers to SimStudioError."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Dict, Mapping, Optional, Tuple

from ._errors import (
    InvalidResponseError,
    PermissionDeniedError,
    SimStudioError,
    error_class_for_status,
    is_retry_safe,
    stable_code,
    truncate,
)
from ._ratelimit import parse_retry_after, retry_after_from_body
from .types._wire import error_text
from .types.workflows import WorkflowExecutionResult

__all__ = [
    "Answer",
    "decode_json",
    "error_from_answer",
    "failed_run_or_raise",
    "media_type",
    "parse_error_body",
    "permission_reason",
]

_NO_BODY = object()
# How much of an unreadable body an error keeps (and its message quotes from).
_EXCERPT_BYTES = 2000
# A 10 KB id must not push the status out of a capped message.
_REQUEST_LINE_CHARS = 200


def media_type(headers: Mapping[str, str]) -> str:
    """The ``Content-Type`` without parameters, lower-cased (``""`` when absent)."""
    return headers.get("content-type", "").split(";")[0].strip().lower()


@dataclass(frozen=True)
class Answer:
    """A fully read HTTP answer: status, case-insensitive headers and the raw body bytes."""

    status: int
    headers: Mapping[str, str]
    content: bytes

    @property
    def request_id(self) -> Optional[str]:
        """The server's ``x-request-id`` header."""
        return self.headers.get("x-request-id")

    @property
    def content_type(self) -> str:
        """The media type without parameters, lower-cased."""
        return media_type(self.headers)

    def json(self) -> Any:
        """The body as JSON, or :class:`InvalidResponseError` with a readable excerpt."""
        return decode_json(self)


def _head_text(answer: Answer) -> str:
    return answer.content[:_EXCERPT_BYTES].decode("utf-8", errors="replace")


def _excerpt(answer: Answer) -> str:
    text = _head_text(answer)
    if answer.content_type == "text/html" or text.lstrip().lower().startswith(
        ("<!doctype", "<html")
    ):
        return f"an HTML page ({len(answer.content)} bytes), probably from a proxy or gateway"
    return repr(truncate(text, 200)) if text.strip() else "an empty body"


def decode_json(answer: Answer) -> Any:
    """Parse the body as JSON; an empty or non-JSON body is an :class:`InvalidResponseError`."""
    if not answer.content.strip():
        raise InvalidResponseError(
            f"The server answered HTTP {answer.status} with an empty body where JSON was expected",
            status=answer.status,
            request_id=answer.request_id,
        )
    try:
        return json.loads(answer.content)
    except (ValueError, RecursionError):
        raise InvalidResponseError(
            f"The server answered HTTP {answer.status} with {_excerpt(answer)} instead of JSON",
            status=answer.status,
            request_id=answer.request_id,
            body=_head_text(answer),
        ) from None


def detail_code(body: Any) -> Optional[str]:
    """A v2 error's ``error.details.code`` (the most specific word the server has)."""
    error = body.get("error") if isinstance(body, dict) else None
    details = error.get("details") if isinstance(error, dict) else None
    code = details.get("code") if isinstance(details, dict) else None
    return code if isinstance(code, str) else None


def parse_error_body(body: Any) -> Tuple[Optional[str], Optional[str]]:
    """``(message, server_code)`` from any era's error body: ``{error: str, code?}``,
    ``{error: {code, message}}``, ``{success: false, error, ...}`` or ``{message}``."""
    if not isinstance(body, dict):
        return None, None
    error = body.get("error")
    code = body.get("code")
    if isinstance(error, dict) and code is None:
        code = error.get("code")
    message = error_text(error)
    if not message and isinstance(body.get("message"), str):
        message = body["message"]
    elif isinstance(body.get("message"), str) and body["message"] not in (message or ""):
        # Rate-limit answers put the useful sentence in ``message`` next to a terse ``error``.
        message = f"{message}: {body['message']}" if message else body["message"]
    return message, code if isinstance(code, str) else None


def error_from_answer(
    answer: Answer, now: float, what: str = "request", request_line: Optional[str] = None
) -> SimStudioError:
    """Map an error answer (status >= 400, or an unreadable one) to the right error class.

    ``request_line`` (``"GET /api/..."``) is named in the message of a 404 or 405, where a
    wrong ``base_url`` (an extra ``/api``) or id shows.
    """
    body: Any
    try:
        body = json.loads(answer.content) if answer.content.strip() else _NO_BODY
    except (ValueError, RecursionError):
        body = _NO_BODY
    message, server_code = parse_error_body(body)
    if message is None:
        message = f"HTTP {answer.status} with {_excerpt(answer)}"
    detail = detail_code(body)
    retry_after = parse_retry_after(answer.headers.get("Retry-After"), now)
    if retry_after is None:
        retry_after = retry_after_from_body(body, now)
    body_retryable = body.get("retryable") if isinstance(body, dict) else None
    cls = error_class_for_status(answer.status)
    text = f"{what} failed (HTTP {answer.status}): {truncate(message)}"
    reason = permission_reason(detail, message) if answer.status == 403 else None
    if reason is not None:
        text += f". {_PERMISSION_ADVICE[reason]}"
    if retry_after is not None and answer.status in (429, 503):
        text += f" (retry after {retry_after:.0f}s)"
    if request_line is not None and answer.status in (404, 405):
        text += f" [{truncate(request_line, _REQUEST_LINE_CHARS)}]"
    kept: Any = (_head_text(answer) or None) if body is _NO_BODY else body
    extra: Dict[str, Any] = {"reason": reason} if cls is PermissionDeniedError else {}
    if cls is PermissionDeniedError:
        extra["detail_code"] = detail
    return cls(
        text,
        # An HTML or empty 5xx comes from a proxy, not from a workflow run.
        stable_code(answer.status, server_code, message, detail) if body is not _NO_BODY else None,
        answer.status,
        server_code=server_code,
        body=kept,
        request_id=answer.request_id,
        retry_after=retry_after,
        retryable=is_retry_safe(
            answer.status, server_code, body_retryable if isinstance(body_retryable, bool) else None
        ),
        headers=answer.headers,
        **extra,
    )


# What a 403 means for the caller, in the words of Sim's Roles and Permissions page.
_PERMISSION_ADVICE = {
    "workspace": "This API key belongs to another workspace: use a key of the resource's "
    "workspace (or a personal key of a member)",
    # The server's own sentence already says a workspace key may not: say what will work.
    "personal_key_required": "Use a personal API key of a workspace member with the needed "
    "permission",
    "permission": "The key's user lacks the permission level this needs (Read, Write or Admin)",
    "not_deployed": "Deploy the workflow first",
    "not_member": "The key's user is not a member of this workspace: use a key of that "
    "workspace, or ask one of its admins to add the user",
}


def permission_reason(detail: Optional[str], message: str) -> Optional[str]:
    """What a 403 says the key lacks: a key of the workspace, a personal key, a permission
    level, membership of the workspace, or a deployment (``None`` when the server did not
    say)."""
    lowered = message.lower()
    if detail == "WORKSPACE_KEY_OPERATION_NOT_PERMITTED" or "cannot perform this" in lowered:
        return "personal_key_required"
    if detail == "WORKFLOW_NOT_DEPLOYED" or "not deployed" in lowered:
        return "not_deployed"
    if "workspace" in lowered and ("not authorized" in lowered or "cannot access" in lowered):
        return "workspace"
    if "workspace" in lowered and ("do not have access" in lowered or "not a member" in lowered):
        return "not_member"
    if "permission" in lowered or "access denied" in lowered or detail == "ACCESS_DENIED":
        return "permission"
    return None


def failed_run_or_raise(answer: Answer, now: float, what: str) -> WorkflowExecutionResult:
    """An error answer to an execute: a run that failed still produced a result (partial
    output, error, timing), which is returned; any other error answer is raised."""
    error = error_from_answer(answer, now, what)
    if not WorkflowExecutionResult.is_failed_run(error.body):
        raise error
    return WorkflowExecutionResult.from_wire(error.body, answer.status)

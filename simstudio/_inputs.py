"""Request bodies: input validation, file objects -> base64 data URLs, safe path segments."""

from __future__ import annotations

import base64
import functools
import json
import mimetypes
import os
from typing import Any, Dict, List, Mapping, Optional, Sequence, Union
from urllib.parse import quote, urlencode

from ._errors import InvalidArgumentError

__all__ = [
    "MAX_BODY_BYTES",
    "MAX_FILE_BYTES",
    "build_execute_body",
    "encode_json",
    "path_segment",
    "query_string",
    "resource_path",
]

MAX_FILE_BYTES = 20 * 1024 * 1024  # the server's per-file limit after decoding
MAX_BODY_BYTES = 10 * 1024 * 1024  # the server's request body limit

# Keys the v1 execute route reads as control values rather than workflow input; a user field
# with one of these names would be eaten or rejected by the server.
_CONTROL_KEYS = frozenset(
    {
        "stream",
        "selectedOutputs",
        "triggerType",
        "workflowTriggerType",
        "isSecureMode",
        "includeThinking",
        "includeToolCalls",
        "useDraftState",
        "inputFromExecutionId",
        "isClientSession",
        "includeFileBase64",
        "base64MaxBytes",
        "workflowStateOverride",
        "deploymentVersionId",
        "executionId",
        "copilotToolCallId",
        "triggerBlockId",
        "startBlockId",
        "stopAfterBlockId",
        "runFromBlock",
        "parentWorkspaceId",
    }
)


# Exact types only: a str or dict subclass may still carry a ``read`` method.
_PLAIN_TYPES = frozenset({str, int, float, bool, type(None)})
# One encoder for every body: ``json.dumps`` with options builds a new one per call.
_ENCODER = json.JSONEncoder(allow_nan=False, ensure_ascii=False, separators=(",", ":"))


def path_segment(value: object, what: str) -> str:
    """Percent-encode an id as exactly one URL path segment.

    ``/``, ``?``, ``#``, ``%`` and dot segments cannot change which endpoint is called.
    """
    if not isinstance(value, str):
        raise InvalidArgumentError(
            f"{what} must be a string, not {type(value).__name__}", "INVALID_INPUT"
        )
    if not value.strip():
        raise InvalidArgumentError(f"{what} must not be empty", "INVALID_INPUT")
    if value in (".", ".."):
        # requests decodes %2E back to "." before sending, so a dot segment cannot be sent safely.
        raise InvalidArgumentError(f"{what} must not be {value!r}", "INVALID_INPUT")
    return _quote_segment(value)


def resource_path(template: str, **ids: object) -> str:
    """Fill the ``{name}`` placeholders of an API path, each id encoded as one path segment.

    ``resource_path("/api/jobs/{task_id}", task_id=job)`` validates ``job`` as ``task_id``.
    """
    return template.format(**{name: path_segment(value, name) for name, value in ids.items()})


@functools.lru_cache(maxsize=256)
def _quote_segment(value: str) -> str:
    # The same few workflow ids are quoted on every call.
    return quote(value, safe="-._~:@!$&'()*+,;=")


def _file_item(handle: Any) -> Dict[str, str]:
    raw_name = getattr(handle, "name", None)
    name = os.path.basename(raw_name) if isinstance(raw_name, str) and raw_name else "file"
    content = handle.read(MAX_FILE_BYTES + 1)
    if isinstance(content, str):
        content = content.encode(getattr(handle, "encoding", None) or "utf-8")
    if not isinstance(content, (bytes, bytearray)):
        raise InvalidArgumentError(
            f"file {name!r} did not return bytes from read()", "INVALID_INPUT"
        )
    if len(content) > MAX_FILE_BYTES:
        raise InvalidArgumentError(
            f"file {name!r} is larger than the server's 20 MB per-file limit", "FILE_TOO_LARGE"
        )
    mime = getattr(handle, "content_type", None) or mimetypes.guess_type(name)[0]
    mime = mime if isinstance(mime, str) else "application/octet-stream"
    encoded = base64.b64encode(bytes(content)).decode("ascii")
    return {"type": "file", "data": f"data:{mime};base64,{encoded}", "name": name, "mime": mime}


def _convert_files(value: Any) -> Any:
    if type(value) in _PLAIN_TYPES:  # most leaves: skip the attribute probe
        return value
    if hasattr(value, "read") and callable(value.read):
        return _file_item(value)
    if isinstance(value, dict):
        return {key: _convert_files(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_convert_files(item) for item in value]
    return value


def _convert_all(value: Any) -> Any:
    try:
        return _convert_files(value)
    except RecursionError:
        raise InvalidArgumentError(
            "input is nested too deeply or contains itself", "INVALID_INPUT"
        ) from None


def _selected_outputs(value: Union[str, Sequence[str], None]) -> Optional[List[str]]:
    if value is None:
        return None
    items = [value] if isinstance(value, str) else list(value)
    if not all(isinstance(item, str) and item.strip() for item in items):
        raise InvalidArgumentError(
            "selected_outputs must be a list of 'blockName.attribute' strings", "INVALID_INPUT"
        )
    return items


def build_execute_body(
    input_data: Any,
    *,
    stream: bool = False,
    selected_outputs: Union[str, Sequence[str], None] = None,
) -> Dict[str, Any]:
    """The v1 execute body: input fields at top level plus control keys.

    A non-dict input is sent as ``{"input": value}``, which the server unwraps.
    """
    if input_data is None:
        body: Dict[str, Any] = {}
    elif isinstance(input_data, dict):
        bad_keys = [key for key in input_data if not isinstance(key, str)]
        if bad_keys:
            raise InvalidArgumentError("input_data keys must be strings", "INVALID_INPUT")
        clashes = sorted(key for key in input_data if key in _CONTROL_KEYS)
        if clashes:
            raise InvalidArgumentError(
                f"input field(s) {', '.join(clashes)} collide with Sim's control keys; use the "
                "method's arguments (stream=, selected_outputs=) or nest your data under 'input'",
                "INVALID_INPUT",
            )
        body = _convert_all(input_data)
    else:
        body = {"input": _convert_all(input_data)}
    outputs = _selected_outputs(selected_outputs)
    if stream:
        body["stream"] = True
    if outputs:
        body["selectedOutputs"] = outputs
    return body


def encode_json(body: Any) -> bytes:
    """Serialise a request body as strict JSON (no NaN/Infinity), refusing oversized bodies."""
    try:
        data = _ENCODER.encode(body)
    except (TypeError, ValueError, RecursionError) as exc:
        raise InvalidArgumentError(
            f"input is not JSON serialisable: {exc}", "INVALID_INPUT"
        ) from None
    encoded = data.encode("utf-8")
    if len(encoded) > MAX_BODY_BYTES:
        raise InvalidArgumentError(
            f"request body is {len(encoded)} bytes; the server accepts at most 10 MiB",
            "PAYLOAD_TOO_LARGE",
        )
    return encoded


def query_string(params: Optional[Mapping[str, Any]]) -> str:
    """``?name=value&...`` for the values that are set (``None`` is left out).

    Booleans are ``true``/``false`` and sequences are comma-joined, as Sim's query
    parameters expect; everything is percent-encoded (a space is ``%20``).
    """
    if not params:
        return ""
    pairs = []
    for name, value in params.items():
        if value is None:
            continue
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, (list, tuple)):
            text = ",".join(str(item) for item in value)
        else:
            text = str(value)
        pairs.append((name, text))
    return "?" + urlencode(pairs, quote_via=_quote_all) if pairs else ""


def _quote_all(
    text: str, safe: str = "", encoding: Optional[str] = None, errors: Optional[str] = None
) -> str:
    # Nothing stays literal in a query value: a "/" of a folder path is sent as %2F.
    return quote(text, safe="", encoding=encoding, errors=errors)

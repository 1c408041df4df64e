"""The arguments of ``client.mcp``: server settings checked into a request body (header values
are never quoted), and the advice added to the documented refusals."""

from __future__ import annotations

import contextlib
from typing import Any, Dict, Iterator, List, Literal, Mapping, Optional, Tuple, Type

from .._errors import APIStatusError, ConflictError, InvalidArgumentError, ServiceUnavailableError

__all__ = [
    "DISABLED",
    "DUPLICATE",
    "UNREACHABLE",
    "AuthType",
    "advice",
    "request_body",
    "settings",
    "text",
]

AuthType = Literal["none", "headers", "oauth"]
Advice = Tuple[Type[APIStatusError], str, str]

# The documented refusals, with what to do about them (matched on the server's words).
DUPLICATE: Advice = (
    ConflictError,
    "already exists",
    "Update the existing server instead: find it with client.mcp.list() and call "
    "client.mcp.update(server_id, ...)",
)
DISABLED: Advice = (
    ConflictError,
    "disabled",
    "Enable it first: client.mcp.update(server_id, enabled=True)",
)
UNREACHABLE: Advice = (
    ServiceUnavailableError,
    "could not be reached",
    "Check that the MCP server's URL is up and reachable from the Sim server (the server's "
    "last_error says what failed); the call can be retried",
)


@contextlib.contextmanager
def advice(*rules: Advice) -> Iterator[None]:
    """Add what to do to the message of a documented refusal."""
    try:
        yield
    except APIStatusError as error:
        for kind, words, advice in rules:
            if isinstance(error, kind) and words in error.message.lower():
                ending = " " if error.message.endswith(".") else ". "
                error.message = f"{error.message}{ending}{advice}"
                error.args = (error.message,)
        raise


def text(value: Optional[str], name: str, required: bool = False) -> Optional[str]:
    """A non-empty string (``None`` when not given and not ``required``)."""
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise InvalidArgumentError(f"{name} must be a non-empty string")
    return value


def _whole(value: Optional[int], name: str, low: int, high: int) -> Optional[int]:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidArgumentError(f"{name} must be a whole number from {low} to {high}")
    return value


def _headers(headers: Optional[Mapping[str, str]]) -> Optional[Dict[str, str]]:
    # Values are secrets: no message below quotes one.
    if headers is None:
        return None
    if not isinstance(headers, Mapping):
        raise InvalidArgumentError("headers must be a mapping of header names to values")
    checked: Dict[str, str] = {}
    for name, value in headers.items():
        if not isinstance(name, str) or not name.strip() or any(c in name for c in "\r\n:\0 "):
            raise InvalidArgumentError(f"headers: {name!r} is not a header name")
        if not isinstance(value, str) or any(c in value for c in "\r\n\0"):
            raise InvalidArgumentError(f"headers: the value of {name!r} must be one line of text")
        checked[name] = value
    return checked


def settings(**given: Any) -> Dict[str, Any]:
    """The body fields shared by create and update (``None``: not sent)."""
    headers = _headers(given["headers"])
    auth_type = given["auth_type"]
    if auth_type is not None and auth_type not in ("none", "headers", "oauth"):
        raise InvalidArgumentError("auth_type must be 'none', 'headers' or 'oauth'")
    if auth_type is None and headers:
        auth_type = "headers"  # headers are only used by servers that authenticate with them
    enabled = given["enabled"]
    if enabled is not None and not isinstance(enabled, bool):
        raise InvalidArgumentError("enabled must be True or False")
    return {
        "name": text(given["name"], "name"),
        "description": given["description"],
        "url": text(given["url"], "url"),
        "authType": auth_type,
        "headers": headers,
        "timeout": _whole(given["timeout_ms"], "timeout_ms", 1000, 300000),
        "retries": _whole(given["retries"], "retries", 0, 10),
        "enabled": enabled,
        "oauthClientId": given["oauth_client_id"],
        "oauthClientSecret": given["oauth_client_secret"],
    }


def request_body(workspace_id: str, fields: Mapping[str, Any]) -> Dict[str, Any]:
    """The request body: the workspace and the fields that are set."""
    return {"workspaceId": workspace_id, **{k: v for k, v in fields.items() if v is not None}}


def write_only_values(fields: Mapping[str, Any]) -> List[str]:
    """The secrets a request carries (header values, the OAuth client secret): never logged."""
    headers = fields.get("headers") or {}
    values = [value for value in headers.values() if isinstance(value, str) and value]
    secret = fields.get("oauthClientSecret")
    return values + ([secret] if isinstance(secret, str) and secret else [])

"""Frozen client configuration: defaults, environment lookup and validation."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from typing import Literal, Optional, Tuple, Union
from urllib.parse import urlsplit

from ._errors import ConfigurationError, InvalidArgumentError
from ._retry import RetryPolicy
from ._version import __version__

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_READ_RETRY",
    "ApiVersion",
    "ClientConfig",
    "Timeout",
    "check_max_retries",
    "normalize_base_url",
    "resolve_timeout",
    "user_agent",
]

DEFAULT_BASE_URL = "https://sim.ai"
DEFAULT_TIMEOUT = 30.0
DEFAULT_CONNECT_TIMEOUT = 10.0
DEFAULT_MAX_RETRIES = 2
USER_AGENT = f"simstudio-python/{__version__}"
# Reads (status, jobs, usage, lists) retry on connection errors, 429 and 5xx with this policy
# unless the client is given another.
DEFAULT_READ_RETRY = RetryPolicy(max_retries=DEFAULT_MAX_RETRIES, initial_delay=0.5, max_delay=8.0)

ApiVersion = Literal["auto", "v1", "v2"]
_API_VERSIONS = ("auto", "v1", "v2")
_TOKEN = re.compile(r"[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}")

# A single number is the read timeout (connect is capped at DEFAULT_CONNECT_TIMEOUT);
# a pair is (connect, read).
Timeout = Union[float, Tuple[float, float]]


def normalize_base_url(url: object) -> str:
    """Validate a base URL (http/https, a host, no query or fragment) and drop trailing slashes."""
    if not isinstance(url, str) or not url.strip():
        raise ConfigurationError("base_url must be a non-empty string such as 'https://sim.ai'")
    text = url.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise ConfigurationError(f"base_url {text!r} is not a valid URL: {exc}") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise ConfigurationError(f"base_url {text!r} must start with http:// or https://")
    if not parts.hostname:
        raise ConfigurationError(f"base_url {text!r} has no host")
    if parts.query or parts.fragment:
        raise ConfigurationError(f"base_url {text!r} must not contain a query or fragment")
    if parts.username or parts.password:
        raise ConfigurationError("base_url must not contain credentials; pass api_key instead")
    host = parts.hostname
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port is None else f"{host}:{port}"
    return f"{parts.scheme.lower()}://{netloc}{parts.path.rstrip('/')}"


def resolve_timeout(value: Optional[Timeout], default: Tuple[float, float]) -> Tuple[float, float]:
    """Turn a user timeout into a validated ``(connect, read)`` pair."""
    if value is None:
        return default
    if isinstance(value, tuple):
        if len(value) != 2:
            raise InvalidArgumentError("timeout must be a number or a (connect, read) pair")
        connect, read = (float(v) for v in value)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        read = float(value)
        connect = min(DEFAULT_CONNECT_TIMEOUT, read)
    else:
        raise InvalidArgumentError("timeout must be a number of seconds or a (connect, read) pair")
    if not (connect > 0 and read > 0):
        raise InvalidArgumentError("timeouts must be positive numbers of seconds")
    return (connect, read)


@dataclass(frozen=True)
class ClientConfig:
    """Who the client is and where it sends: shared by a client and its ``with_options`` copies,
    replaced whole by the setters."""

    api_key: str
    base_url: str
    user_agent: str = USER_AGENT
    workspace_id: Optional[str] = None
    api_version: ApiVersion = "auto"

    def __repr__(self) -> str:
        # The key is a secret: it never appears in a repr, log line or message.
        return (
            f"ClientConfig(base_url={self.base_url!r}, workspace_id={self.workspace_id!r}, "
            f"api_version={self.api_version!r})"
        )

    @classmethod
    def create(
        cls,
        api_key: Optional[str],
        base_url: Optional[str],
        *,
        app_info: Optional[Tuple[str, str]] = None,
        workspace_id: Optional[str] = None,
        api_version: str = "auto",
    ) -> ClientConfig:
        """Resolve arguments, then ``SIM_API_KEY`` / ``SIM_BASE_URL`` / ``SIM_WORKSPACE_ID``,
        then defaults."""
        key = api_key if api_key is not None else os.environ.get("SIM_API_KEY")
        url = (
            base_url if base_url is not None else os.environ.get("SIM_BASE_URL") or DEFAULT_BASE_URL
        )
        workspace = workspace_id if workspace_id is not None else os.environ.get("SIM_WORKSPACE_ID")
        if api_version not in _API_VERSIONS:
            raise InvalidArgumentError("api_version must be 'auto', 'v1' or 'v2'")
        return cls(
            api_key=check_api_key(key),
            base_url=normalize_base_url(url),
            user_agent=user_agent(app_info),
            workspace_id=_check_workspace_id(workspace),
            api_version=api_version,  # type: ignore[arg-type]
        )

    def with_api_key(self, api_key: object) -> ClientConfig:
        """A copy with another key."""
        return replace(self, api_key=check_api_key(api_key))

    def with_base_url(self, base_url: object) -> ClientConfig:
        """A copy with another base URL."""
        return replace(self, base_url=normalize_base_url(base_url))


def check_max_retries(value: object) -> int:
    """Validate a retry count."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidArgumentError("max_retries must be a whole number >= 0")
    return value


def user_agent(app_info: Optional[Tuple[str, str]]) -> str:
    """The ``User-Agent``: the SDK's, followed by the application's ``name/version``."""
    if app_info is None:
        return USER_AGENT
    if (
        not isinstance(app_info, tuple)
        or len(app_info) != 2
        or not all(isinstance(part, str) and _TOKEN.fullmatch(part) for part in app_info)
    ):
        raise InvalidArgumentError(
            "app_info must be a (name, version) pair of header-safe words, e.g. ('my-app', '1.4.2')"
        )
    return f"{USER_AGENT} {app_info[0]}/{app_info[1]}"


def _check_workspace_id(value: Optional[str]) -> Optional[str]:
    if value is None or (isinstance(value, str) and value.strip()):
        return value.strip() if value is not None else None
    raise InvalidArgumentError("workspace_id must be a non-empty string")


def check_api_key(key: object) -> str:
    """Validate an API key without ever echoing it."""
    if key is None or (isinstance(key, str) and not key.strip()):
        raise ConfigurationError(
            "No API key: pass api_key=... or set the SIM_API_KEY environment variable"
        )
    if not isinstance(key, str):
        raise ConfigurationError("api_key must be a string")
    key = key.strip()
    if any(ord(ch) < 0x21 or ord(ch) > 0x7E for ch in key):
        raise ConfigurationError("api_key contains characters that cannot be sent in a header")
    return key

"""Frozen client configuration: defaults, environment lookup and validation."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from typing import Optional, Tuple, Union
from urllib.parse import urlsplit

from ._errors import ConfigurationError, InvalidArgumentError
from ._version import __version__

__all__ = ["DEFAULT_BASE_URL", "ClientConfig", "Timeout", "normalize_base_url", "resolve_timeout"]

DEFAULT_BASE_URL = "https://sim.ai"
DEFAULT_TIMEOUT = 30.0
DEFAULT_CONNECT_TIMEOUT = 10.0
DEFAULT_MAX_RETRIES = 2
USER_AGENT = f"simstudio-python/{__version__}"

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
    """Everything a client needs to send a request; replaced whole by the setters."""

    api_key: str
    base_url: str
    timeout: Tuple[float, float]
    max_retries: int
    user_agent: str = USER_AGENT

    def __repr__(self) -> str:
        # The key is a secret: it never appears in a repr, log line or message.
        return (
            f"ClientConfig(base_url={self.base_url!r}, timeout={self.timeout!r}, "
            f"max_retries={self.max_retries!r})"
        )

    @classmethod
    def create(
        cls,
        api_key: Optional[str],
        base_url: Optional[str],
        timeout: Optional[Timeout],
        max_retries: int,
    ) -> ClientConfig:
        """Resolve arguments, then ``SIM_API_KEY`` / ``SIM_BASE_URL``, then defaults."""
        key = api_key if api_key is not None else os.environ.get("SIM_API_KEY")
        url = (
            base_url if base_url is not None else os.environ.get("SIM_BASE_URL") or DEFAULT_BASE_URL
        )
        if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
            raise InvalidArgumentError("max_retries must be a whole number >= 0")
        default = (DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT)
        return cls(
            api_key=check_api_key(key),
            base_url=normalize_base_url(url),
            timeout=resolve_timeout(timeout, default),
            max_retries=max_retries,
        )

    def with_api_key(self, api_key: object) -> ClientConfig:
        """A copy with another key."""
        return replace(self, api_key=check_api_key(api_key))

    def with_base_url(self, base_url: object) -> ClientConfig:
        """A copy with another base URL."""
        return replace(self, base_url=normalize_base_url(base_url))


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

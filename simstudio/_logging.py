"""SDK logging: the ``SIM_LOG`` switch and the redacted debug lines of requests and answers."""

from __future__ import annotations

import logging
import os
import sys
import warnings
from typing import IO, Any, Mapping, Optional, Sequence

__all__ = [
    "BODY_LOG_LIMIT",
    "LOG_FORMAT",
    "configure_from_environment",
    "log_answer",
    "log_request",
    "redact",
]

logger = logging.getLogger("simstudio")

ENV_VAR = "SIM_LOG"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Bodies are logged at DEBUG only, cut to this many characters (after the key is blanked out).
BODY_LOG_LIMIT = 2048
REDACTED = "[redacted]"
_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO}
_OFF = frozenset({"", "0", "off", "no", "false", "none"})
# Credentials a request or answer may carry besides our key (a proxy's, a cookie).
_SECRET_HEADERS = frozenset(
    {"x-api-key", "authorization", "proxy-authorization", "cookie", "set-cookie"}
)


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is when a record is emitted (so redirecting stderr
    after import, as test runners and daemons do, still captures the lines)."""

    def __init__(self, level: int) -> None:
        super().__init__()
        self.setLevel(level)
        self.setFormatter(logging.Formatter(LOG_FORMAT))

    @property
    def stream(self) -> IO[str]:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        """Ignored: the stream is always the current ``sys.stderr``."""


def configure_from_environment(environ: Optional[Mapping[str, str]] = None) -> Optional[int]:
    """Turn on the SDK's logging when ``SIM_LOG`` is ``debug`` or ``info``.

    One handler writing to stderr is added to the ``simstudio`` logger (never to the root
    logger, never twice) and the logger's level is set. Called once, when ``simstudio`` is
    imported; an unknown value warns and leaves logging off.

    Args:
        environ: The environment to read (default ``os.environ``).

    Returns:
        The level turned on, or ``None`` when logging stays as the application set it.
    """
    value = (os.environ if environ is None else environ).get(ENV_VAR, "").strip().lower()
    if value in _OFF:
        return None
    level = _LEVELS.get(value)
    if level is None:
        warnings.warn(
            f"{ENV_VAR}={value[:20]!r} is not 'debug' or 'info'; simstudio logging stays off",
            RuntimeWarning,
            stacklevel=2,
        )
        return None
    for handler in logger.handlers:
        if isinstance(handler, _StderrHandler):
            handler.setLevel(level)
            break
    else:
        logger.addHandler(_StderrHandler(level))
    logger.setLevel(level)
    return level


def redact(text: str, secret: str) -> str:
    """``text`` with every occurrence of ``secret`` (also JSON-escaped) blanked out."""
    if secret and secret in text:
        text = text.replace(secret, REDACTED)
    escaped = secret.replace("\\", "\\\\").replace('"', '\\"')
    if escaped != secret and escaped in text:
        text = text.replace(escaped, REDACTED)
    return text


def _redact_all(text: str, secrets: Sequence[str]) -> str:
    for secret in secrets:
        text = redact(text, secret)
    return text


def _headers_text(headers: Mapping[str, str], secrets: Sequence[str]) -> str:
    shown = (
        f"{name}: {REDACTED if name.lower() in _SECRET_HEADERS else _redact_all(value, secrets)}"
        for name, value in headers.items()
    )
    return "{" + ", ".join(shown) + "}"


def _body_text(body: Optional[bytes], secrets: Sequence[str]) -> str:
    if not body:
        return "(empty)"
    # Only the head is shown, so only the head is decoded (an upload can be megabytes), with
    # room for a secret that starts before the cut. Secrets are blanked out before cutting: a
    # cut through one must not leave half of it.
    longest = max((len(secret) for secret in secrets), default=0)
    head = body[: 4 * BODY_LOG_LIMIT + 2 * longest + 8]
    text = _redact_all(head.decode("utf-8", errors="replace"), secrets)
    if len(text) <= BODY_LOG_LIMIT and len(head) == len(body):
        return text
    return f"{text[:BODY_LOG_LIMIT]}... ({len(body)} bytes in all)"


def log_request(
    method: str,
    path: str,
    headers: Mapping[str, str],
    body: Optional[bytes],
    secrets: Sequence[str],
) -> None:
    """DEBUG: what is about to be sent, credentials, the key and other ``secrets`` redacted."""
    logger.debug(
        "request: %s %s headers=%s body=%s",
        method,
        _redact_all(path, secrets),
        _headers_text(headers, secrets),
        _body_text(body, secrets),
    )


def log_answer(
    status: int, headers: Mapping[str, str], body: Optional[bytes], secrets: Sequence[str]
) -> None:
    """DEBUG: what came back, credentials, the key and other ``secrets`` redacted."""
    logger.debug(
        "answer: %d headers=%s body=%s",
        status,
        _headers_text(headers, secrets),
        _body_text(body, secrets),
    )

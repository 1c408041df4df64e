"""Small helpers shared by the local server: ids, ISO-8601 times and compact JSON."""

from __future__ import annotations

import datetime as _dt
import json
import secrets
import uuid
from typing import Any


def new_uuid() -> str:
    """Return a random UUID4 string, like the ids Sim hands out."""
    return str(uuid.uuid4())


def request_id() -> str:
    """Return an 8-hex-digit request id, the shape of Sim's ``x-request-id``."""
    return secrets.token_hex(4)


def iso(ts: float) -> str:
    """Format a Unix timestamp the way JavaScript's ``toISOString`` does (ms, ``Z``)."""
    moment = _dt.datetime.fromtimestamp(ts, tz=_dt.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def dumps(value: Any) -> bytes:
    """Encode JSON like ``JSON.stringify``: compact, with raw UTF-8 (no ``\\u`` escapes)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def derive_code(message: str) -> str:
    """Build the 2025-era error code from a message: upper-case, whitespace runs become ``_``."""
    return "_".join(message.upper().split())

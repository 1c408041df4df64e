"""File inputs (§2.5): data-URL file objects become UserFile-like objects in the workflow input."""

from __future__ import annotations

import base64
import binascii
import secrets
import time
from typing import Any, Dict, List, Optional, Tuple
from urllib.parse import quote

from ._util import iso

#: Per-file limit after decoding.
MAX_FILE_BYTES = 20 * 1024 * 1024
#: How long the served URL of an execution file stays valid (informational only).
FILE_TTL_SECONDS = 24 * 3600


class FileInputError(ValueError):
    """A file input could not be processed (answered with 400 ``File processing failed``)."""


def _is_file_item(value: Any) -> bool:
    return isinstance(value, dict) and value.get("type") in ("file", "url") and "data" in value


def _decode(item: Dict[str, Any]) -> Optional[Tuple[bytes, str]]:
    data = item.get("data")
    name = str(item.get("name") or "file")
    if not isinstance(data, str) or not data.startswith("data:") or "," not in data:
        return None
    header, _, payload = data.partition(",")
    mime = header[5:].split(";")[0] or str(item.get("mime") or "application/octet-stream")
    if ";base64" not in header:
        raise FileInputError(f"File '{name}' must be base64-encoded")
    if len(payload) * 3 // 4 > MAX_FILE_BYTES + 3:
        raise FileInputError(f"File '{name}' exceeds the maximum size of 20MB")
    try:
        content = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise FileInputError(f"File '{name}' is not valid base64: {exc}") from exc
    if len(content) > MAX_FILE_BYTES:
        raise FileInputError(f"File '{name}' exceeds the maximum size of 20MB")
    return content, str(item.get("mime") or mime)


class FileConverter:
    """Turns file items into UserFile objects and keeps their bytes for ``/api/files/serve``."""

    def __init__(self, base_url: str, workflow_id: str, execution_id: str) -> None:
        """Create a converter for one execution."""
        self._base_url = base_url
        self._prefix = f"execution/local/{workflow_id}/{execution_id}"
        self.stored: Dict[str, Tuple[bytes, str]] = {}

    def _user_file(self, item: Dict[str, Any]) -> Optional[Dict[str, Any]]:
        name = str(item.get("name") or "file")
        now = time.time()
        if item.get("type") == "url":
            url, size, mime = str(item["data"]), 0, str(item.get("mime") or "")
            key = f"{self._prefix}/{name}"
        else:
            decoded = _decode(item)
            if decoded is None:
                return None
            content, mime = decoded
            key = f"{self._prefix}/{secrets.token_hex(4)}-{name}"
            url = "{}/api/files/serve/{}?context=execution".format(
                self._base_url, quote(key, safe="")
            )
            size = len(content)
            self.stored[key] = (content, mime)
        return {
            "id": "file_" + secrets.token_hex(8),
            "name": name,
            "url": url,
            "size": size,
            "type": mime,
            "key": key,
            "uploadedAt": iso(now),
            "expiresAt": iso(now + FILE_TTL_SECONDS),
        }

    def convert_value(self, value: Any) -> Any:
        """Convert one top-level value: a file item, a list of them, or anything else."""
        if _is_file_item(value):
            converted = self._user_file(value)
            return converted if converted is not None else value
        if isinstance(value, list) and any(_is_file_item(v) for v in value):
            files: List[Any] = []
            for item in value:
                converted = self._user_file(item) if _is_file_item(item) else None
                files.append(converted if converted is not None else item)
            return files
        return value

    def convert(self, values: Dict[str, Any]) -> Dict[str, Any]:
        """Convert every top-level file input of a mapping (nested ones are left alone)."""
        return {key: self.convert_value(value) for key, value in values.items()}

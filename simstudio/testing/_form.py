"""Reading ``multipart/form-data`` request bodies (the document upload routes)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, Optional

_BOUNDARY = re.compile(r'boundary="?([^";]+)"?', re.IGNORECASE)
_NAME = re.compile(rb'\bname="([^"]*)"', re.IGNORECASE)
_FILENAME = re.compile(rb'\bfilename="([^"]*)"', re.IGNORECASE)
_TYPE = re.compile(rb"^content-type:\s*(.+)$", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class Part:
    """One field of a form: its bytes, and for a file its name and declared type."""

    data: bytes
    filename: Optional[str] = None
    content_type: Optional[str] = None

    @property
    def text(self) -> str:
        """The field's value as text."""
        return self.data.decode("utf-8", errors="replace")


def _part(raw: bytes) -> Optional[tuple]:  # type: ignore[type-arg]
    head, separator, data = raw.partition(b"\r\n\r\n")
    name = _NAME.search(head)
    if not separator or name is None:
        return None
    filename = _FILENAME.search(head)
    declared = _TYPE.search(head)
    return (
        name.group(1).decode("utf-8", errors="replace"),
        Part(
            data,
            filename.group(1).decode("utf-8", errors="replace") if filename else None,
            declared.group(1).decode("latin-1").strip() if declared else None,
        ),
    )


def parse_form(content_type: str, body: bytes) -> Optional[Dict[str, Part]]:
    """The fields of a multipart body by name (the first of repeated names wins), or ``None``
    when the body is not ``multipart/form-data`` with a boundary."""
    if not content_type.lower().startswith("multipart/form-data"):
        return None
    match = _BOUNDARY.search(content_type)
    if match is None:
        return None
    delimiter = b"--" + match.group(1).encode("latin-1")
    if delimiter not in body:
        return None
    fields: Dict[str, Part] = {}
    for chunk in body.split(delimiter)[1:]:
        if chunk.startswith(b"--"):
            break
        parsed = _part(chunk[2:] if chunk.startswith(b"\r\n") else chunk)
        if parsed is not None:
            name, part = parsed
            data = part.data[:-2] if part.data.endswith(b"\r\n") else part.data
            fields.setdefault(name, Part(data, part.filename, part.content_type))
    return fields

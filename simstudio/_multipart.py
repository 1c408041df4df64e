"""``multipart/form-data`` request bodies (RFC 7578), built with the standard library only."""

from __future__ import annotations

import uuid
from typing import Mapping, Optional, Tuple

__all__ = ["FilePart", "multipart_body"]

#: ``(filename, content, content_type)`` of one file field.
FilePart = Tuple[str, bytes, str]


def _quoted(value: str) -> str:
    # A quote, backslash or line break would end the header value early: percent-encode them,
    # as browsers do for form field and file names.
    return value.replace("\\", "%5C").replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


def multipart_body(
    fields: Mapping[str, str],
    files: Mapping[str, FilePart],
    *,
    boundary: Optional[str] = None,
) -> Tuple[bytes, str]:
    """Encode form fields and files as one ``multipart/form-data`` body.

    Args:
        fields: Text fields, in order.
        files: File fields: name -> ``(filename, content, content_type)``, after the fields.
        boundary: The part delimiter (a random one by default).

    Returns:
        The body and its ``Content-Type`` header value (with the boundary).
    """
    delimiter = boundary or "----simstudio" + uuid.uuid4().hex
    dash = b"--" + delimiter.encode("ascii")
    parts = []
    for name, value in fields.items():
        head = f'Content-Disposition: form-data; name="{_quoted(name)}"\r\n\r\n'
        parts.append(dash + b"\r\n" + head.encode("utf-8") + value.encode("utf-8") + b"\r\n")
    for name, (filename, content, content_type) in files.items():
        head = (
            f'Content-Disposition: form-data; name="{_quoted(name)}"; '
            f'filename="{_quoted(filename)}"\r\nContent-Type: {content_type}\r\n\r\n'
        )
        parts.append(dash + b"\r\n" + head.encode("utf-8") + content + b"\r\n")
    body = b"".join(parts) + dash + b"--\r\n"
    return body, f"multipart/form-data; boundary={delimiter}"

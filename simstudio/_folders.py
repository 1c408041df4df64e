"""Sim's folder paths: readable paths (``/Team A/Prod``) to the canonical wire form and back.

Sim's v2 API names a folder by its canonical path: ``/`` and then each folder name
percent-encoded, with only ``A-Z a-z 0-9 - _ . ~`` literal and uppercase hex
(``/Team%20A/Prod``); a raw space is a 400. The SDK takes and returns readable paths and
encodes each name exactly once; a name that itself contains ``/`` is given as a list of names.
"""

from __future__ import annotations

from typing import Sequence, Tuple, Union
from urllib.parse import quote, unquote

from ._errors import InvalidArgumentError

__all__ = ["FolderPath", "canonical_path", "readable_path", "split_path"]

#: A folder: a readable path (``"/Team A/Prod"``; ``"/"`` is the root) or its folder names.
FolderPath = Union[str, Sequence[str]]


def split_path(folder: FolderPath, what: str = "folder") -> Tuple[str, ...]:
    """The folder names of a readable path or a sequence of names (``()`` for the root).

    Raises:
        InvalidArgumentError: Not a string or a sequence of strings, or an empty name
            (``"/a//b"``).
    """
    if isinstance(folder, str):
        text = folder.strip()
        names = [] if text in ("", "/") else text.strip("/").split("/")
    elif isinstance(folder, (list, tuple)) and all(isinstance(n, str) for n in folder):
        names = list(folder)
    else:
        raise InvalidArgumentError(
            f"{what} must be a path such as '/Team A/Prod' or a list of folder names"
        )
    if any(not name.strip() for name in names):
        raise InvalidArgumentError(f"{what} {folder!r} has an empty folder name")
    return tuple(names)


def canonical_path(folder: FolderPath, what: str = "folder") -> str:
    """The canonical wire form of a folder: ``/Team%20A/Prod`` (``/`` for the root)."""
    return "/" + "/".join(quote(name, safe="") for name in split_path(folder, what))


def readable_path(canonical: str) -> str:
    """The readable form of a canonical path from the server (``/Team A/Prod``)."""
    names = [unquote(part) for part in canonical.split("/") if part]
    return "/" + "/".join(names)

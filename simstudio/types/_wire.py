"""Tolerant readers of wire values: the value when it has the expected type, else ``None``."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from .._errors import InvalidResponseError

__all__ = [
    "bool_or_none",
    "dict_or_none",
    "error_text",
    "float_or_none",
    "int_or_none",
    "list_or_none",
    "object_body",
    "str_or_none",
    "v2_data",
]


def error_text(value: Any) -> Optional[str]:
    """The readable message of an ``error`` field: a string, ``{message, code}`` or anything."""
    if value is None or value is False:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        for key in ("message", "error", "detail"):
            inner = value.get(key)
            if isinstance(inner, str) and inner:
                return inner
    return str(value)


def str_or_none(value: Any) -> Optional[str]:
    """``value`` if it is a string, else ``None``."""
    return value if isinstance(value, str) else None


def dict_or_none(value: Any) -> Optional[Dict[str, Any]]:
    """``value`` if it is a dict, else ``None``."""
    return value if isinstance(value, dict) else None


def list_or_none(value: Any) -> Optional[List[Any]]:
    """``value`` if it is a list, else ``None``."""
    return value if isinstance(value, list) else None


def bool_or_none(value: Any) -> Optional[bool]:
    """``value`` if it is a boolean, else ``None``."""
    return value if isinstance(value, bool) else None


def float_or_none(value: Any) -> Optional[float]:
    """A JSON number as a float; ``None`` for booleans, non-numbers and integers beyond float."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return float(value)
        except OverflowError:  # a JSON integer beyond the float range
            return None
    return None


def int_or_none(value: Any) -> Optional[int]:
    """A JSON integer (or an integral float) as an int; ``None`` otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def object_body(body: Any, what: str) -> Dict[str, Any]:
    """``body`` when it is a JSON object, else an :class:`InvalidResponseError`."""
    if not isinstance(body, dict):
        raise InvalidResponseError(f"{what}: the answer is not a JSON object", body=body)
    return body


def v2_data(body: Any, what: str) -> Dict[str, Any]:
    """The ``data`` object of a v2 (or v1 ``{success, data}``) envelope."""
    return object_body(object_body(body, what).get("data"), what)

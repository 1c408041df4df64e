"""Zod-like checks of query strings and JSON bodies that answer 400 with Sim's recorded issues.

``Checks`` reads fields one by one and collects every problem the way zod does (the first
issue's message becomes the error message, every issue goes to ``details``); ``done()`` raises
the 400. In strict mode (all v2 routes) a key nobody read is ``Unrecognized key: "foo"``;
otherwise (v1) unknown keys are ignored.
"""

from __future__ import annotations

import math
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Union

from ._envelopes import ApiError

Issue = Dict[str, Any]
PathItem = Union[str, int]


def received(value: Any) -> str:
    """How zod names the type of a value in ``expected X, received Y`` messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "NaN" if isinstance(value, float) and math.isnan(value) else "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _quote(values: Iterable[Any]) -> str:
    return "|".join(f'"{v}"' if isinstance(v, str) else str(v) for v in values)


def unrecognized_keys(keys: Sequence[str], path: Sequence[PathItem] = ()) -> Issue:
    """The issue of unknown keys: ``Unrecognized key: "foo"`` (``keys: "a", "b"`` for more)."""
    names = ", ".join(f'"{key}"' for key in keys)
    message = f"Unrecognized key{'s' if len(keys) > 1 else ''}: {names}"
    return {"code": "unrecognized_keys", "keys": list(keys), "path": list(path), "message": message}


def invalid_type(
    path: Sequence[PathItem], expected: str, value: Any = None, message: Optional[str] = None
) -> Issue:
    """A type issue; ``value=None`` means the field is missing (``received undefined``)."""
    got = "undefined" if value is None else received(value)
    issue: Issue = {"expected": expected, "code": "invalid_type"}
    if got == "NaN":
        issue["received"] = got
    issue["path"] = list(path)
    issue["message"] = message or f"Invalid input: expected {expected}, received {got}"
    return issue


def out_of_range(
    path: Sequence[PathItem], origin: str, bound: int, too_big: bool, message: Optional[str] = None
) -> Issue:
    """A ``too_small``/``too_big`` issue of a number (value) or string/array (length)."""
    unit = {"string": " characters", "array": " items"}.get(origin, "")
    relation = "to have " if unit else "to be "
    sign = "<=" if too_big else ">="
    default = (
        f"Too {'big' if too_big else 'small'}: expected {origin} {relation}{sign}{bound}{unit}"
    )
    return {
        "origin": origin,
        "code": "too_big" if too_big else "too_small",
        ("maximum" if too_big else "minimum"): bound,
        "inclusive": True,
        "path": list(path),
        "message": message or default,
    }


def invalid_option(path: Sequence[PathItem], options: Sequence[Any]) -> Issue:
    """An enum issue: ``Invalid option: expected one of "a"|"b"``."""
    message = f"Invalid option: expected one of {_quote(options)}"
    return {
        "code": "invalid_value",
        "values": list(options),
        "path": list(path),
        "message": message,
    }


def reject_unknown(values: Mapping[str, Any], allowed: Iterable[str]) -> None:
    """Raise the 400 ``Unrecognized key`` answer if ``values`` has a key not in ``allowed``."""
    known = set(allowed)
    unknown = [key for key in values if key not in known]
    if unknown:
        raise invalid([unrecognized_keys(unknown)])


def invalid(issues: Sequence[Issue]) -> ApiError:
    """The 400 answer for zod issues: the first one's message, all of them as ``details``."""
    return ApiError(400, issues[0]["message"], list(issues))


class Checks:
    """Reads fields of a query or body, collecting zod-like issues; ``done()`` raises the 400.

    Example::

        checks = Checks({"limit": "0"}, strict=True, from_query=True)
        limit = checks.integer("limit", default=50, minimum=1, maximum=100,
                               too_small="limit must be at least 1")   # 50, issue recorded
        checks.done()   # raises ApiError(400, "limit must be at least 1", [issue])
    """

    def __init__(
        self,
        values: Mapping[str, Any],
        *,
        strict: bool,
        from_query: bool = False,
        path: Sequence[PathItem] = (),
    ) -> None:
        """Check ``values``.

        Args:
            values: The parsed query (one string per key) or JSON object.
            strict: Whether keys that no check read are an error (v2) or ignored (v1).
            from_query: Whether values are query strings (numbers are then parsed, as
                ``z.coerce.number()`` does).
            path: Where ``values`` sits in the body (for nested objects; see ``nested``).
        """
        self.values = values
        self.strict = strict
        self.from_query = from_query
        self.path = list(path)
        self.issues: List[Issue] = []
        self._read: List[str] = []
        self._children: List[Checks] = []

    def _get(self, name: str) -> Any:
        self._read.append(name)
        return self.values.get(name)

    def _at(self, name: str) -> List[PathItem]:
        return [*self.path, name]

    def nested(self, name: str) -> Optional[Checks]:
        """Checks of the object under ``name`` (issues land here), or ``None`` if it is absent.

        A value that is not an object is an ``invalid_type`` issue (and ``None`` is returned).
        """
        value = self._get(name)
        if value is None:
            return None
        if not isinstance(value, dict):
            self.issues.append(invalid_type(self._at(name), "object", value))
            return None
        child = Checks(value, strict=self.strict, from_query=self.from_query, path=self._at(name))
        child.issues = self.issues
        self._children.append(child)
        return child

    def allow(self, *names: str) -> None:
        """Accept these keys without checking them (strict mode only rejects unread keys)."""
        self._read.extend(names)

    def string(
        self,
        name: str,
        *,
        required: bool = False,
        default: Optional[str] = None,
        min_length: Optional[int] = None,
        max_length: Optional[int] = None,
        messages: Optional[Mapping[str, str]] = None,
    ) -> Optional[str]:
        """A string field (``default`` when missing).

        Args:
            name: The key.
            required: Whether a missing key is an issue.
            default: The value when the key is missing (or invalid).
            min_length: The shortest allowed length.
            max_length: The longest allowed length.
            messages: Custom messages by issue code: ``invalid_type`` (missing or not a
                string), ``too_small``, ``too_big``.
        """
        custom = messages or {}
        value = self._get(name)
        if value is None:
            if required:
                self.issues.append(
                    invalid_type(self._at(name), "string", None, custom.get("invalid_type"))
                )
            return default
        if not isinstance(value, str):
            self.issues.append(
                invalid_type(self._at(name), "string", value, custom.get("invalid_type"))
            )
            return default
        if min_length is not None and len(value) < min_length:
            issue = out_of_range(
                self._at(name), "string", min_length, False, custom.get("too_small")
            )
            self.issues.append(issue)
        elif max_length is not None and len(value) > max_length:
            self.issues.append(
                out_of_range(self._at(name), "string", max_length, True, custom.get("too_big"))
            )
        return value

    def integer(
        self,
        name: str,
        *,
        default: Optional[int] = None,
        minimum: Optional[int] = None,
        maximum: Optional[int] = None,
        too_small: Optional[str] = None,
        too_big: Optional[str] = None,
    ) -> Optional[int]:
        """An integer field (``default`` when missing or invalid); query strings are parsed."""
        value = self._get(name)
        if value is None:
            return default
        if self.from_query and isinstance(value, str):
            try:
                value = float(value) if value.strip() else float("nan")
            except ValueError:
                value = float("nan")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
            self.issues.append(invalid_type(self._at(name), "number", value))
            return default
        if math.isinf(value) or value != int(value):
            self.issues.append(invalid_type(self._at(name), "int", value))
            return default
        number = int(value)
        if minimum is not None and number < minimum:
            self.issues.append(out_of_range(self._at(name), "number", minimum, False, too_small))
            return default
        if maximum is not None and number > maximum:
            self.issues.append(out_of_range(self._at(name), "number", maximum, True, too_big))
            return default
        return number

    def boolean(self, name: str, *, default: Optional[bool] = None) -> Optional[bool]:
        """A boolean field; in a query only ``true`` and ``false`` are booleans."""
        value = self._get(name)
        if value is None:
            return default
        if self.from_query and value in ("true", "false"):
            return bool(value == "true")
        if not isinstance(value, bool):
            self.issues.append(invalid_type(self._at(name), "boolean", value))
            return default
        return value

    def choice(
        self, name: str, options: Sequence[str], *, default: Optional[str] = None
    ) -> Optional[str]:
        """One of ``options`` (``default`` when missing or invalid)."""
        value = self._get(name)
        if value is None:
            return default
        if value not in options:
            self.issues.append(invalid_option(self._at(name), options))
            return default
        return str(value)

    def add(self, issue: Issue) -> None:
        """Record an issue found by the caller's own check."""
        self.issues.append(issue)

    def _unknown_keys(self) -> List[Issue]:
        found = [issue for child in self._children for issue in child._unknown_keys()]
        read = set(self._read)
        unknown = [key for key in self.values if key not in read]
        if self.strict and unknown:
            found.append(unrecognized_keys(unknown, self.path))
        return found

    def done(self) -> None:
        """Raise the 400 answer if there were issues (unknown keys last, as zod reports them)."""
        issues = [*self.issues, *self._unknown_keys()]
        if issues:
            raise invalid(issues)

"""Tag filters of searches and document lists: zod-like checks of the ``tagFilters`` array,
then resolving display names to slots with the recorded errors (public-api.md §3)."""

from __future__ import annotations

import json
import re
from typing import Any, Dict, List, Sequence

from ._envelopes import V2, ApiError, Version
from ._knowledge import KnowledgeBase, TagDef
from ._knowledge_search import Condition
from ._validation import Checks, invalid_type, unrecognized_keys

OPERATORS = ("eq", "neq", "contains", "not_contains", "starts_with", "ends_with", "gt", "gte",
             "lt", "lte", "between")  # fmt: skip
TYPE_OPERATORS: Dict[str, Sequence[str]] = {
    "text": ("eq", "neq", "contains", "not_contains", "starts_with", "ends_with"),
    "number": ("eq", "neq", "gt", "gte", "lt", "lte", "between"),
    "date": ("eq", "neq", "gt", "gte", "lt", "lte", "between"),
    "boolean": ("eq", "neq"),
}
_FIELDS = ("tagName", "fieldType", "operator", "value", "valueTo")
_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(T[0-9:.]+Z?)?$")
MULTI_KB_V1 = "Tag filters are only supported when searching a single knowledge base"


def _scalar(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool))


def read_filters(checks: Checks, raw: Any, path: Sequence[Any]) -> List[Dict[str, Any]]:
    """Check an array of filter objects; issues go to ``checks``. Returns the readable ones."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        checks.add(invalid_type(path, "array", raw))
        return []
    filters = []
    for index, item in enumerate(raw):
        at = [*path, index]
        if not isinstance(item, dict):
            checks.add(invalid_type(at, "object", item))
            continue
        filters.append(_read_filter(checks, item, at))
    return filters


def _read_filter(checks: Checks, item: Dict[str, Any], at: List[Any]) -> Dict[str, Any]:
    one = Checks(item, strict=checks.strict, path=at)
    one.issues = checks.issues  # one list of issues, in zod's order
    name = one.string("tagName", required=True, min_length=1,
                      messages={"invalid_type": "Tag name is required",
                                "too_small": "Tag name is required"})  # fmt: skip
    one.choice("fieldType", list(TYPE_OPERATORS))
    if item.get("operator") is not None and item["operator"] not in OPERATORS:
        one.add({"code": "invalid_value", "values": list(OPERATORS), "path": [*at, "operator"],
                 "message": f"operator must be one of: {', '.join(OPERATORS)}"})  # fmt: skip
    one.allow("operator", "value", "valueTo")
    operator = item.get("operator") or "eq"
    if not _scalar(item.get("value")):
        checks.add(invalid_type([*at, "value"], "string", item.get("value")))
    if operator == "between" and item.get("valueTo") is None:
        checks.add({"code": "custom", "path": [*at, "valueTo"],
                    "message": 'valueTo is required when operator is "between"'})  # fmt: skip
    unknown = [key for key in item if key not in _FIELDS]
    if checks.strict and unknown:
        checks.add(unrecognized_keys(unknown, at))
    return {"tagName": name, "operator": operator, "value": item.get("value"),
            "valueTo": item.get("valueTo")}  # fmt: skip


def parse_query_filters(text: str) -> Any:
    """The ``tagFilters`` query parameter of v2 document lists: a JSON-encoded array."""
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    if not isinstance(value, list):
        raise ApiError(400, "tagFilters must be a JSON-encoded array of tag filters")
    return value


def _shown(value: Any) -> str:
    return f'"{value}"' if isinstance(value, str) else json.dumps(value)


def _coerce(definition: TagDef, value: Any) -> Any:
    name, kind = definition.display_name, definition.field_type
    if kind == "number":
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and re.fullmatch(r"\s*-?\d+(\.\d+)?\s*", value):
            return float(value)
        raise ApiError(
            400, f"Tag {_shown(name)} expects a number value, but received {_shown(value)}"
        )
    if kind == "date":
        match = _DATE.match(value) if isinstance(value, str) else None
        if match is None:
            raise ApiError(400, f"Tag {_shown(name)} expects a date value (YYYY-MM-DD), "
                                f"but received {_shown(value)}")  # fmt: skip
        return match.group(1)
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        raise ApiError(400, f"Tag {_shown(name)} expects a boolean value, "
                            f"but received {_shown(value)}")  # fmt: skip
    return str(value).lower() if isinstance(value, bool) else str(value)


def _definitions(bases: Sequence[KnowledgeBase], names: Sequence[str]) -> Dict[str, TagDef]:
    undefined = [n for n in names if all(kb.tag(n) is None for kb in bases)]
    if undefined:
        listed = ", ".join(f'"{n}"' for n in undefined)
        raise ApiError(400, f"The following tags are not defined in this knowledge base: {listed}."
                            " Please define them at the knowledge base level first.")  # fmt: skip
    found: Dict[str, TagDef] = {}
    for name in names:
        definitions = [kb.tag(name) for kb in bases]
        first = definitions[0]
        if first is None or any(d is None or (d.slot, d.field_type) != (first.slot,
                                first.field_type) for d in definitions):  # fmt: skip
            raise ApiError(400, f'Tag "{name}" does not exist in all selected knowledge bases. '
                                "Search those knowledge bases separately.")  # fmt: skip
        found[name] = first
    return found


def resolve(
    bases: Sequence[KnowledgeBase], filters: Sequence[Dict[str, Any]], version: Version
) -> Dict[str, List[Condition]]:
    """Conditions per knowledge base id; the recorded 400s for what cannot be resolved.

    v1 searches one knowledge base only and compares with ``eq`` when the operator does not fit
    the tag's type; v2 refuses such an operator.
    """
    if not filters:
        return {}
    if version != V2 and len(bases) > 1:
        raise ApiError(400, MULTI_KB_V1)
    names = list(dict.fromkeys(f["tagName"] for f in filters))
    definitions = _definitions(bases, names)
    conditions = [_condition(definitions[f["tagName"]], f, version) for f in filters]
    return {kb.id: list(conditions) for kb in bases}


def _condition(definition: TagDef, item: Dict[str, Any], version: Version) -> Condition:
    operator, kind = item["operator"], definition.field_type
    supported = TYPE_OPERATORS[kind]
    if operator not in supported:
        if version == V2:
            raise ApiError(400, f'Tag "{definition.display_name}" is a {kind} tag and does not '
                                f'support operator "{operator}". Supported operators: '
                                f"{', '.join(supported)}")  # fmt: skip
        operator = "eq"
    value_to = item.get("valueTo")
    return Condition(
        definition.slot, kind, operator, _coerce(definition, item["value"]),
        _coerce(definition, value_to) if operator == "between" else None,
    )  # fmt: skip

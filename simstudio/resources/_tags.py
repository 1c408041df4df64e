"""Tags by display name: resolving names to slots, checking values and filter operators."""

from __future__ import annotations

import datetime as _dt
import math
import re
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from .._errors import InvalidArgumentError
from ..types.knowledge import TagDefinition
from ..types.search import OPERATORS, TagFilter

__all__ = [
    "MAX_TEXT_TAG",
    "check_operators",
    "filter_types",
    "filters_from",
    "needs_types",
    "resolve_tags",
    "split_text_slots",
    "wire_filters",
]

#: The longest text tag value the server stores.
MAX_TEXT_TAG = 1000
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Every type supports these: a filter using only them needs no knowledge of the tag's type.
_UNIVERSAL = frozenset(OPERATORS["boolean"])


def _by_name(definitions: Sequence[TagDefinition]) -> Dict[str, TagDefinition]:
    return {d.display_name: d for d in definitions}


def _undefined(names: Sequence[str], definitions: Sequence[TagDefinition]) -> InvalidArgumentError:
    known = [d.display_name for d in definitions]
    lowered = {name.lower(): name for name in known}
    hints = [f"{n!r} (did you mean {lowered[n.lower()]!r}? tag names are case-sensitive)"
             for n in names if n.lower() in lowered]  # fmt: skip
    listed = ", ".join(repr(n) for n in names)
    defined = ", ".join(repr(n) for n in known) or "none"
    message = f"tag(s) {listed} are not defined in this knowledge base (defined: {defined})"
    if hints:
        message += "; " + "; ".join(hints)
    message += ". Tags are defined in Sim's UI; the public API cannot define them"
    return InvalidArgumentError(message)


def _date_text(name: str, value: Any) -> str:
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, str) and _DATE.match(value):
        try:
            _dt.date.fromisoformat(value)
        except ValueError:
            pass
        else:
            return value
    raise InvalidArgumentError(
        f"tag {name!r} is a date tag: give a datetime.date or 'YYYY-MM-DD', not {value!r}"
    )


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def write_value(name: str, field_type: str, value: Any) -> Any:
    """A tag value as the server stores it in a slot, refusing values of another type."""
    if field_type == "text":
        if not isinstance(value, str):
            raise InvalidArgumentError(f"tag {name!r} is a text tag: give a str, not {value!r}")
        if len(value) > MAX_TEXT_TAG:
            raise InvalidArgumentError(
                f"tag {name!r}: text tag values cannot exceed {MAX_TEXT_TAG} characters"
            )
        return value
    if field_type == "number":
        if not _is_number(value) or not math.isfinite(value):
            raise InvalidArgumentError(f"tag {name!r} is a number tag: give a finite number")
        return value
    if field_type == "date":
        return _date_text(name, value)
    if not isinstance(value, bool):
        raise InvalidArgumentError(f"tag {name!r} is a boolean tag: give True or False")
    return value


def resolve_tags(
    tags: Mapping[str, Any], definitions: Sequence[TagDefinition], *, allow_none: bool
) -> Dict[str, Any]:
    """``{display name: value}`` -> ``{slot: wire value}``; ``None`` clears (if allowed)."""
    if not isinstance(tags, Mapping):
        raise InvalidArgumentError("tags must be a dict of tag display name -> value")
    known = _by_name(definitions)
    missing = [name for name in tags if name not in known]
    if missing:
        raise _undefined(missing, definitions)
    slots: Dict[str, Any] = {}
    for name, value in tags.items():
        definition = known[name]
        if value is None:
            if allow_none:
                slots[definition.slot] = None
            continue
        slots[definition.slot] = write_value(name, definition.field_type, value)
    return slots


def split_text_slots(slots: Mapping[str, Any]) -> Tuple[Dict[str, Any], Dict[str, Any]]:
    """``(text slots tag1..tag7, the typed ones)``: an upload session takes only the first."""
    text = {slot: v for slot, v in slots.items() if slot.startswith("tag")}
    return text, {slot: v for slot, v in slots.items() if slot not in text}


def filters_from(
    tags: Optional[Mapping[str, Any]], filters: Optional[Sequence[TagFilter]]
) -> List[TagFilter]:
    """The ``tags`` dict (equality) and ``filters``, as one list of conditions (all must hold)."""
    combined: List[TagFilter] = []
    if tags is not None:
        if not isinstance(tags, Mapping):
            raise InvalidArgumentError("tags must be a dict of tag display name -> value")
        combined.extend(TagFilter(name, "eq", value) for name, value in tags.items())
    if filters is not None:
        if isinstance(filters, TagFilter) or not all(isinstance(f, TagFilter) for f in filters):
            raise InvalidArgumentError("filters must be a list of simstudio.TagFilter")
        combined.extend(filters)
    return combined


def needs_types(filters: Sequence[TagFilter]) -> bool:
    """Whether checking the operators needs the tags' types (some are not eq/neq)."""
    return any(f.operator not in _UNIVERSAL for f in filters)


def filter_types(
    filters: Sequence[TagFilter], definitions: Sequence[TagDefinition]
) -> Dict[str, str]:
    """The field type of each filtered tag; an undefined name is refused."""
    known = _by_name(definitions)
    missing = list(dict.fromkeys(f.name for f in filters if f.name not in known))
    if missing:
        raise _undefined(missing, definitions)
    return {f.name: known[f.name].field_type for f in filters}


def _guess_type(value: Any) -> Optional[str]:
    # Without the definitions (a v1-only server), a value's own type still tells a lot.
    if isinstance(value, bool):
        return "boolean"
    if _is_number(value):
        return "number"
    if isinstance(value, _dt.date):
        return "date"
    return None


def check_operators(filters: Sequence[TagFilter], types: Mapping[str, str]) -> None:
    """Refuse operators the tag's type does not support (v1 would silently use ``eq``)."""
    for f in filters:
        field_type = types.get(f.name) or _guess_type(f.value)
        if field_type is None or f.operator in OPERATORS.get(field_type, ()):
            continue
        raise InvalidArgumentError(
            f"tag {f.name!r} is a {field_type} tag and does not support operator "
            f"{f.operator!r}; it supports: {', '.join(OPERATORS[field_type])}"
        )
    for f in filters:
        if types.get(f.name) == "number" and not all(
            _is_number(v) for v in (f.value, f.value_to) if v is not None
        ):
            raise InvalidArgumentError(f"tag {f.name!r} is a number tag: compare it with numbers")


def _wire_value(value: Any) -> Any:
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    return value


def wire_filters(filters: Sequence[TagFilter]) -> List[Dict[str, Any]]:
    """The ``tagFilters`` array of a search or document list."""
    wire: List[Dict[str, Any]] = []
    for f in filters:
        item: Dict[str, Any] = {"tagName": f.name}
        if f.operator != "eq":  # the server's default, left out as Sim's own clients do
            item["operator"] = f.operator
        item["value"] = _wire_value(f.value)
        if f.value_to is not None:
            item["valueTo"] = _wire_value(f.value_to)
        wire.append(item)
    return wire

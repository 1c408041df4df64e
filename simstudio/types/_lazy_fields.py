"""Result dataclasses built in one step from their wire body, each other field read on first use.

A list call can build tens of thousands of results (``client.logs.list()`` walks 50,000 log
entries in ``benchmarks/bench_logs.py``) and most callers read two or three fields of each.
Converting every field up front costs more than the HTTP pages themselves on a fast server.
So a result class marked with :func:`read_on_first_use` is built by :func:`from_wire_body`
with only its identifying fields (checked there, so a malformed item still fails the page
that carried it); every other field is converted from ``raw`` the first time it is read, then
kept on the instance like any attribute.

Nothing that dataclasses provide changes: construction by keyword sets every field as usual,
and ``fields()``, ``asdict()``, ``replace()``, ``==``, ``repr()``, ``copy`` and ``pickle``
read (and so convert) the fields through ordinary attribute access. The readers never raise:
like the eager ``from_wire`` methods before them, they turn an unexpected wire value into
``None`` (or the field's empty value).
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable, Dict, Mapping, Optional, Tuple, Type, TypeVar

__all__ = ["from_wire_body", "read_on_first_use", "reads"]

T = TypeVar("T")

#: Reads one field's value from a result's wire body (a JSON object).
Reader = Callable[[Dict[str, Any]], Any]


def reads(convert: Callable[[Any], Any], key: str) -> Reader:
    """The reader of ``convert(body.get(key))``, e.g. ``reads(str_or_none, "workflowId")``
    (the tolerant converters of ``_wire`` turn a missing or mistyped value into ``None``)."""
    return lambda body: convert(body.get(key))


class _FieldFromWire:
    """A non-data descriptor: an attribute set on the instance (by ``__init__``, or by an
    earlier read) wins; otherwise the value is read from ``raw`` once and stored there."""

    __slots__ = ("name", "read")

    def __init__(self, name: str, read: Reader) -> None:
        self.name = name
        self.read = read

    def __get__(self, instance: Any, owner: Optional[type] = None) -> Any:
        if instance is None:
            return self
        value = self.read(instance.raw)
        instance.__dict__[self.name] = value
        return value

    def __repr__(self) -> str:
        return f"<field {self.name!r} read from the wire body on first use>"


def read_on_first_use(
    readers: Mapping[str, Reader], *, eager: Tuple[str, ...]
) -> Callable[[Type[T]], Type[T]]:
    """Class decorator (placed above ``@dataclass``): the fields in ``readers`` are read from
    ``raw`` when first used; ``eager`` names the fields :func:`from_wire_body` must be given.

    Every field but ``raw`` must be in exactly one of the two, checked when the class is made,
    so that a field added later cannot be silently left unset.
    """

    def install(cls: Type[T]) -> Type[T]:
        names = {f.name for f in dataclasses.fields(cls)} - {"raw"}  # type: ignore[arg-type]
        given = set(readers) | set(eager)
        if given != names or set(readers) & set(eager):
            raise TypeError(
                f"{cls.__name__}: every field but raw needs a reader or must be eager; "
                f"missing {sorted(names - given)}, unknown {sorted(given - names)}"
            )
        for name, read in readers.items():
            setattr(cls, name, _FieldFromWire(name, read))
        return cls

    return install


_new = object.__new__


def from_wire_body(cls: Type[T], raw: Dict[str, Any], fields: Dict[str, Any]) -> T:
    """An instance of ``cls`` holding ``raw`` and the eager ``fields`` (taken, not copied);
    its other fields are read from ``raw`` on first use."""
    instance: T = _new(cls)
    fields["raw"] = raw
    instance.__dict__ = fields
    return instance

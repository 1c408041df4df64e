"""What the listing commands share: aligned tables, relative times (``--since 1h``), counts."""

from __future__ import annotations

import argparse
import re
from datetime import datetime, timedelta, timezone
from typing import Any, Iterable, List, Optional, Sequence

from .._output import out

__all__ = ["count", "duration", "moment", "table"]

_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_RELATIVE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$")


def moment(text: str) -> datetime:
    """An argument type: ``30m``, ``1h``, ``2d``, ``1w`` ago, or an ISO-8601 time with a zone."""
    match = _RELATIVE.match(text)
    if match:
        amount, unit = float(match.group(1)), _UNITS[match.group(2)]
        try:
            return datetime.now(timezone.utc) - timedelta(**{unit: amount})
        except OverflowError:
            raise argparse.ArgumentTypeError(f"{text!r} reaches back too far") from None
    try:
        parsed = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise argparse.ArgumentTypeError(
            f"{text!r} is neither a span like 30m, 1h, 2d or 1w nor an ISO-8601 time with a "
            "zone (2026-08-06T00:00:00Z)"
        )
    return parsed


def count(text: str) -> int:
    """An argument type: how many items to show, 1 to 100000."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= value <= 100_000:
        raise argparse.ArgumentTypeError(f"{text!r} must be from 1 to 100000")
    return value


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    return str(value)


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]], empty: str) -> int:
    """Print ``rows`` under ``headers`` with aligned columns, or ``empty`` when there are none.

    Returns:
        How many rows were printed.
    """
    cells: List[List[str]] = [[_cell(value) for value in row] for row in rows]
    if not cells:
        out(empty)
        return 0
    widths = [max(len(h), *(len(row[i]) for row in cells)) for i, h in enumerate(headers)]
    for row in [list(headers), *cells]:
        out("  ".join(value.ljust(width) for value, width in zip(row, widths)).rstrip())
    return len(cells)


def duration(ms: Optional[float]) -> str:
    """``1344 ms`` / ``2.5 s`` (``-`` while running)."""
    if ms is None:
        return "-"
    return f"{ms:.0f} ms" if ms < 10_000 else f"{ms / 1000:.1f} s"

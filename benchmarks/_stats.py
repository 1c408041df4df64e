"""Small statistics helpers shared by the benchmarks (medians, percentiles, paired ratios)."""

from __future__ import annotations

import statistics
from typing import List, Sequence


def median(values: Sequence[float]) -> float:
    """The median of ``values`` (``nan`` when empty)."""
    return statistics.median(values) if values else float("nan")


def percentile(values: Sequence[float], share: float) -> float:
    """The ``share`` (0..1) percentile by nearest rank (``nan`` when empty)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def paired_ratio(numerators: Sequence[float], denominators: Sequence[float]) -> float:
    """The median of per-round ratios: rounds run back to back share the machine's mood."""
    ratios: List[float] = [a / b for a, b in zip(numerators, denominators) if b > 0]
    return median(ratios)

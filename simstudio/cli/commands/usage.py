"""``simstudio usage``: the plan, this period's usage and the rate limits."""

from __future__ import annotations

import argparse

from .._output import EXIT_OK, as_dict, emit_json, out
from .._parser import Commands
from .._remote import open_client

__all__ = ["cmd_usage", "register"]


def register(commands: Commands) -> None:
    """Add ``usage``."""
    commands.add("usage", cmd_usage, summary="show rate limits and usage")


def cmd_usage(args: argparse.Namespace) -> int:
    """``simstudio usage``: show the plan, this period's usage and the rate limits."""
    with open_client(args) as client:
        limits = client.get_usage_limits()
    if args.as_json:
        emit_json(as_dict(limits))
        return EXIT_OK
    usage = limits.usage
    cost, budget = usage.get("currentPeriodCost"), usage.get("limit")
    out(f"plan: {usage.get('plan', 'unknown')}")
    if isinstance(cost, (int, float)) and isinstance(budget, (int, float)) and budget > 0:
        share = cost / budget * 100
        out(f"usage this period: ${cost:,.2f} of ${budget:,.2f} ({share:.1f}%)")
    out("rate limits (requests per minute):")
    for name in ("sync", "async"):
        bucket = limits.rate_limit.get(name)
        if isinstance(bucket, dict):
            out(
                f"  {name:<5}  limit {bucket.get('limit')}  remaining {bucket.get('remaining')}"
                f"  resets {bucket.get('resetAt')}"
                + ("  LIMITED" if bucket.get("isLimited") else "")
            )
    return EXIT_OK

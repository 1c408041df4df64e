"""Argument types and the options shared by several ``simstudio`` commands."""

from __future__ import annotations

import argparse
import math

__all__ = [
    "MAX_SECONDS",
    "connection_options",
    "delay",
    "port",
    "seconds",
    "wait_options",
]

# A week, like the longest server-side run limit; also far below what a socket timeout accepts.
MAX_SECONDS = 7 * 24 * 3600.0


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
    if value > MAX_SECONDS:
        raise argparse.ArgumentTypeError(f"{text!r} is more than {MAX_SECONDS:g} (7 days)")
    return value


def seconds(text: str) -> float:
    """An argument type: a number of seconds greater than 0 (at most 7 days)."""
    value = _number(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be greater than 0")
    return value


def delay(text: str) -> float:
    """An argument type: a pause in seconds, 0 or more (at most 7 days)."""
    value = _number(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} must not be negative")
    return value


def port(text: str) -> int:
    """An argument type: a TCP port number, 0 to 65535 (0: any free port)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0-65535)")
    return value


def connection_options() -> argparse.ArgumentParser:
    """The parent parser of every command that calls a Sim server: server, key, limit, JSON.

    Returns:
        A parser without ``-h`` for ``parents=[...]``; it sets ``base_url``,
        ``api_key_stdin``, ``timeout`` and ``as_json``.
    """
    parent = argparse.ArgumentParser(add_help=False)
    group = parent.add_argument_group("connection and output")
    group.add_argument(
        "--base-url", metavar="URL", help="the Sim server (default: $SIM_BASE_URL or sim.ai)"
    )
    group.add_argument(
        "--api-key-stdin",
        action="store_true",
        help="read the API key from the first line of stdin instead of $SIM_API_KEY",
    )
    group.add_argument(
        "--timeout",
        type=seconds,
        metavar="SECONDS",
        help="limit of the whole command, retries and waiting included (default: none)",
    )
    group.add_argument(
        "--json", dest="as_json", action="store_true", help="print one JSON document on stdout"
    )
    return parent


def wait_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--wait-timeout`` and ``--poll-interval`` (commands that wait for a job)."""
    parser.add_argument(
        "--wait-timeout",
        type=seconds,
        default=600.0,
        metavar="SECONDS",
        help="give up waiting for the job after this long (default 600)",
    )
    parser.add_argument(
        "--poll-interval",
        type=seconds,
        default=1.0,
        metavar="SECONDS",
        help="first wait between job polls; grows 1.5x per poll up to 10 s (default 1)",
    )

"""``simstudio``'s top level: the parser built from the command groups, and ``main``."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any, Optional, Sequence

from .. import SimStudioError, __version__
from ._deadline import Deadline
from ._output import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    UsageError,
    err,
    report_error,
    usage_error,
)
from ._parser import Parser, new_commands
from .commands import GROUPS

__all__ = ["build_parser", "main"]

_EPILOG = """\
exit codes:
  0    success
  1    the workflow ran and failed (result success false, job failed or cancelled)
  2    usage error: bad arguments, invalid --input JSON, no SIM_API_KEY
  3    the API refused the request; stderr says: error: <message> (code X, HTTP N)
  4    network problem: server unreachable, timed out (--timeout), stream cut off,
       port in use (serve)
  130  interrupted (Ctrl-C)

environment:
  SIM_API_KEY   the API key of the commands that call a server (or --api-key-stdin)
  SIM_BASE_URL  the Sim server (default https://sim.ai; --base-url overrides it)

Try it offline: `simstudio demo`, or `simstudio serve` in one terminal and the export line
it prints in another.
"""


def build_parser() -> argparse.ArgumentParser:
    """The ``simstudio`` argument parser (its ``--help`` documents the exit codes).

    Returns:
        An ``argparse.ArgumentParser`` whose parsed namespace has a ``handler``.
    """
    parser = Parser(
        prog="simstudio",
        description="Run Sim workflows from the command line, or a local Sim server.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"simstudio {__version__}")
    commands = new_commands(parser)
    for register in GROUPS:
        register(commands)
    return parser


def _exit_status(code: Any) -> int:
    if code is None:
        return EXIT_OK
    return code if isinstance(code, int) else EXIT_USAGE


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the ``simstudio`` command line.

    Args:
        argv: The arguments after the program name (default ``sys.argv[1:]``).

    Returns:
        The exit code: 0 success, 1 workflow failed, 2 usage error, 3 API error,
        4 connection or timeout error, 130 interrupted.
    """
    parser = build_parser()
    try:
        args, extra = parser.parse_known_args(list(argv) if argv is not None else None)
        if extra:
            args.command_parser.error(f"unrecognized arguments: {' '.join(extra)}")
    except SystemExit as exit_:  # --help, --version and usage errors
        return _exit_status(exit_.code)
    # The clock of --timeout starts now, before the API key is read or a byte is sent.
    args.deadline = Deadline(getattr(args, "timeout", None))
    return _run(args)


def _run(args: argparse.Namespace) -> int:
    command = args.command_name
    try:
        return int(args.handler(args))
    except UsageError as exc:
        return usage_error(command, str(exc))
    except SimStudioError as error:  # an argument the SDK refused is a usage error too
        return report_error(error, getattr(args, "as_json", False), command)
    except KeyboardInterrupt:
        err("interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_OK


def _silence_stdout() -> None:  # pragma: no cover - needs a reader that went away
    # ``simstudio run ... | head``: stop writing to the closed pipe without a traceback.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass

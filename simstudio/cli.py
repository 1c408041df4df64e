"""The ``simstudio`` command: demo, serve, run, status, job and usage (``python -m simstudio``)."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any, Callable, Optional, Sequence

from ._cli_commands import cmd_job, cmd_run, cmd_status, cmd_usage
from ._cli_local import cmd_demo, cmd_serve
from ._cli_output import EXIT_API_ERROR as EXIT_API_ERROR
from ._cli_output import EXIT_CONNECTION as EXIT_CONNECTION
from ._cli_output import EXIT_INTERRUPTED as EXIT_INTERRUPTED
from ._cli_output import EXIT_OK as EXIT_OK
from ._cli_output import EXIT_USAGE as EXIT_USAGE
from ._cli_output import EXIT_WORKFLOW_FAILED as EXIT_WORKFLOW_FAILED
from ._cli_output import UsageError, err, report_error
from ._errors import SimStudioError
from ._version import __version__

# The commands live in _cli_commands (they call a Sim server) and _cli_local (they run an
# embedded one); _cli_output prints and maps errors to exit codes. EXIT_* stay importable here.

__all__ = ["build_parser", "main"]

_EPILOG = """\
exit codes:
  0    success
  1    the workflow ran and failed (result success false, job failed or cancelled)
  2    usage error: bad arguments, invalid --input JSON, no SIM_API_KEY
  3    the API refused the request; stderr says: error: <message> (code X, HTTP N)
  4    network problem: server unreachable, timed out, stream cut off, port in use
  130  interrupted (Ctrl-C)

environment:
  SIM_API_KEY   the API key of run/status/job/usage (or pipe it in with --api-key-stdin)
  SIM_BASE_URL  the Sim server (default https://sim.ai; --base-url overrides it)

Try it offline: `simstudio demo`, or `simstudio serve` in one terminal and the export line
it prints in another.
"""

_DEMO_MESSAGE = (
    "Hello! This answer is streamed from the built-in agent workflow of an embedded Sim "
    "server, one word at a time, the way a deployed agent streams its reply."
)
# simstudio.testing.__main__.DEFAULT_PORT, repeated so that --help need not import the server
# (tests/test_cli.py checks that the two agree).
_SERVE_PORT = 8787


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be greater than 0")
    return value


def _client_options() -> argparse.ArgumentParser:
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
        "--timeout", type=_positive_float, metavar="SECONDS", help="per-request timeout"
    )
    group.add_argument(
        "--json", dest="as_json", action="store_true", help="print one JSON document on stdout"
    )
    return parent


def _wait_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--wait-timeout",
        type=_positive_float,
        default=600.0,
        metavar="SECONDS",
        help="give up waiting for the job after this long (default 600)",
    )
    parser.add_argument(
        "--poll-interval",
        type=_positive_float,
        default=1.0,
        metavar="SECONDS",
        help="first wait between job polls; grows 1.5x per poll up to 10 s (default 1)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The ``simstudio`` argument parser (its ``--help`` documents the exit codes).

    Returns:
        An ``argparse.ArgumentParser`` whose parsed namespace has a ``handler``.
    """
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(
        prog="simstudio",
        description="Run Sim workflows from the command line, or a local Sim server.",
        epilog=_EPILOG,
        formatter_class=formatter,
    )
    parser.add_argument("--version", action="version", version=f"simstudio {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True
    client_options = _client_options()

    def command(name: str, handler: Callable[[argparse.Namespace], int], **kwargs: Any) -> Any:
        sub = commands.add_parser(
            name, epilog=_EPILOG, formatter_class=formatter, description=kwargs.get("help"),
            **kwargs,
        )  # fmt: skip
        sub.set_defaults(handler=handler)
        return sub

    demo = command("demo", cmd_demo, help="stream a workflow from an embedded local Sim server")
    demo.add_argument("--message", default=_DEMO_MESSAGE, help="the text the agent streams back")
    demo.add_argument(
        "--chunk-delay",
        type=float,
        default=0.06,
        metavar="SECONDS",
        help="pause between streamed words (default 0.06)",
    )

    serve = command("serve", cmd_serve, help="run a local Sim server in the foreground")
    serve.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    serve.add_argument(
        "--port", type=int, default=None, help=f"port (default {_SERVE_PORT}; 0: any free one)"
    )
    serve.add_argument("--api-key", help="the API key to accept (default: a generated one)")
    serve.add_argument(
        "--wire-format", choices=["2026", "2025"], default="2026", help="v1 wire format era"
    )
    serve.add_argument("--verbose", action="store_true", help="log every request to stderr")

    run = command(
        "run", cmd_run, parents=[client_options], help="execute a workflow and print its output"
    )
    run.add_argument("workflow_id", metavar="WORKFLOW_ID")
    source = run.add_mutually_exclusive_group()
    source.add_argument("--input", metavar="JSON", help="the workflow input as JSON")
    source.add_argument(
        "--input-file", metavar="PATH", help="read the input JSON from a file ('-': stdin)"
    )
    run.add_argument("--stream", action="store_true", help="print streamed text as it arrives")
    run.add_argument(
        "--async", dest="async_", action="store_true", help="queue the run; print the job id"
    )
    run.add_argument(
        "--wait", action="store_true", help="queue the run (implies --async) and wait for it"
    )
    run.add_argument(
        "-o",
        "--selected-output",
        action="append",
        metavar="BLOCK.ATTR",
        help="a block output to stream, e.g. agent1.content (repeatable)",
    )
    _wait_options(run)

    status = command(
        "status", cmd_status, parents=[client_options], help="show a workflow's deployment"
    )
    status.add_argument("workflow_id", metavar="WORKFLOW_ID")

    job = command("job", cmd_job, parents=[client_options], help="show or wait for an async job")
    job.add_argument("task_id", metavar="TASK_ID")
    job.add_argument("--wait", action="store_true", help="wait until the job has finished")
    _wait_options(job)

    command("usage", cmd_usage, parents=[client_options], help="show rate limits and usage")
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
        args = parser.parse_args(list(argv) if argv is not None else None)
    except SystemExit as exit_:  # --help, --version and argparse's usage errors
        return _exit_status(exit_.code)
    try:
        return int(args.handler(args))
    except UsageError as exc:
        err(f"simstudio {args.command}: error: {exc}")
        return EXIT_USAGE
    except SimStudioError as error:
        return report_error(error, getattr(args, "as_json", False))
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

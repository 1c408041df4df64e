"""``simstudio demo`` and ``simstudio serve``: commands that run an embedded Sim server."""

from __future__ import annotations

import argparse
import shlex
import signal
import threading
import time
from typing import Any, List

from ... import SimStudioClient
from .._options import delay, port
from .._output import EXIT_CONNECTION, EXIT_OK, EXIT_WORKFLOW_FAILED, dumps, err, out
from .._parser import Commands

__all__ = ["cmd_demo", "cmd_serve", "register"]

# simstudio.testing is imported inside the commands so that `simstudio --help` and the client
# commands do not load the server.

DEMO_MESSAGE = (
    "Hello! This answer is streamed from the built-in agent workflow of an embedded Sim "
    "server, one word at a time, the way a deployed agent streams its reply."
)
# simstudio.testing.__main__.DEFAULT_PORT, repeated so that --help need not import the server
# (tests/test_cli.py checks that the two agree).
SERVE_PORT = 8787

_DEMO_EPILOG = """\
exit codes:
  0    the demo ran
  1    the demo workflow failed
  2    usage error: bad arguments
  130  interrupted (Ctrl-C)

It needs no API key and no network access.
"""

_SERVE_EPILOG = """\
exit codes:
  0    the server stopped on Ctrl-C or SIGTERM
  2    usage error: bad arguments
  4    the server could not listen (port in use, unknown --host)

In another terminal, run the export line it prints, then any simstudio command.
"""


def register(commands: Commands) -> None:
    """Add ``demo`` and ``serve``."""
    demo = commands.add(
        "demo",
        cmd_demo,
        summary="stream a workflow from an embedded local Sim server",
        server=False,
        epilog=_DEMO_EPILOG,
    )
    demo.add_argument("--message", default=DEMO_MESSAGE, help="the text the agent streams back")
    demo.add_argument(
        "--chunk-delay",
        type=delay,
        default=0.06,
        metavar="SECONDS",
        help="pause between streamed words (default 0.06)",
    )

    serve = commands.add(
        "serve",
        cmd_serve,
        summary="run a local Sim server in the foreground",
        server=False,
        epilog=_SERVE_EPILOG,
    )
    serve.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    serve.add_argument(
        "--port", type=port, default=None, help=f"port (default {SERVE_PORT}; 0: any free one)"
    )
    serve.add_argument("--api-key", help="the API key to accept (default: a generated one)")
    serve.add_argument(
        "--wire-format", choices=["2026", "2025"], default="2026", help="v1 wire format era"
    )
    serve.add_argument("--verbose", action="store_true", help="log every request to stderr")


def cmd_demo(args: argparse.Namespace) -> int:
    """``simstudio demo``: stream a workflow from an embedded server, then stop it."""
    from ...testing import LocalSimServer

    out("Starting an embedded Sim server (simstudio.testing.LocalSimServer)...")
    with LocalSimServer(stream_chunk_delay=args.chunk_delay) as server, SimStudioClient(
        api_key=server.api_key, base_url=server.base_url
    ) as client:
        out(f"Server {server.base_url}: streaming workflow 'agent' (output agent1.content)")
        out()
        started = time.monotonic()
        with client.stream_workflow(
            "agent", {"message": args.message}, selected_outputs=["agent1.content"]
        ) as stream:
            for text in stream.iter_text():
                out(text, end="")
        result = stream.final_result()
        out("\n")
        out(
            f"Final result: success={result.success}, {len(stream.text)} characters streamed "
            f"in {time.monotonic() - started:.1f}s (execution id {stream.execution_id})"
        )
        out(dumps(result.output))
    out()
    out("Server stopped. Next: `simstudio serve` runs it in the foreground for your own code.")
    return EXIT_OK if result.success else EXIT_WORKFLOW_FAILED


def cmd_serve(args: argparse.Namespace) -> int:
    """``simstudio serve``: run a local Sim server in the foreground until Ctrl-C or SIGTERM."""
    from ...testing import LocalSimServer
    from ...testing.__main__ import DEFAULT_PORT, serve

    port_number = DEFAULT_PORT if args.port is None else args.port

    started: List[LocalSimServer] = []

    def ready(server: LocalSimServer) -> None:
        started.append(server)
        out(
            f"export SIM_BASE_URL={shlex.quote(server.base_url)} "
            f"SIM_API_KEY={shlex.quote(server.api_key)}"
        )

    previous = _stop_on_sigterm()
    try:
        serve(
            args.host,
            port_number,
            args.api_key,
            args.wire_format,
            verbose=args.verbose,
            on_ready=ready,
        )
    except KeyboardInterrupt:
        # Ctrl-C before serve_forever took over (e.g. while the banner was printed).
        if not started:
            raise
        started[0].stop()
    except OSError as exc:
        err(f"error: cannot listen on {args.host}:{port_number}: {exc.strerror or exc}")
        return EXIT_CONNECTION
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    out("Server stopped.")
    return EXIT_OK


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def _stop_on_sigterm() -> Any:
    """Make SIGTERM (``docker stop``, ``kill``) stop the server as cleanly as Ctrl-C does."""
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, _interrupt)

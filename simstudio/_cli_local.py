"""The ``simstudio`` commands that need no account: demo and serve (an embedded Sim server)."""

from __future__ import annotations

import argparse
import shlex
import signal
import threading
import time
from typing import Any, List

from ._cli_output import EXIT_CONNECTION, EXIT_OK, EXIT_WORKFLOW_FAILED, dumps, err, out
from ._client import SimStudioClient

__all__ = ["cmd_demo", "cmd_serve"]

# simstudio.testing is imported inside the commands so that `simstudio --help` and the client
# commands do not load the server.


def cmd_demo(args: argparse.Namespace) -> int:
    """``simstudio demo``: stream a workflow from an embedded server, then stop it."""
    from .testing import LocalSimServer

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
    from .testing import LocalSimServer
    from .testing.__main__ import DEFAULT_PORT, serve

    port = DEFAULT_PORT if args.port is None else args.port

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
            port,
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
        err(f"error: cannot listen on {args.host}:{port}: {exc.strerror or exc}")
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

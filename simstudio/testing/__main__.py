"""Command line of the local server: ``python -m simstudio.testing`` and ``simstudio serve``."""

from __future__ import annotations

import argparse
import sys
from typing import Callable, List, Optional, TextIO

from ._server import LocalSimServer

DEFAULT_PORT = 8787


def serve(
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    api_key: Optional[str] = None,
    wire_format: str = "2026",
    *,
    verbose: bool = False,
    out: Optional[TextIO] = None,
    on_ready: Optional[Callable[[LocalSimServer], None]] = None,
) -> None:
    """Run a LocalSimServer in the foreground, printing its URL and API key; Ctrl-C stops it.

    Args:
        host: Interface to bind.
        port: Port to bind (0 picks a free one).
        api_key: The key to accept; default a generated ``sk-sim-test-<hex>`` key.
        wire_format: ``"2026"`` or ``"2025"``.
        verbose: Log each request to stderr.
        out: Where to print the banner (default ``sys.stdout``).
        on_ready: Called with the started server (lets tests stop it from a thread).
    """
    stream = out if out is not None else sys.stdout
    server = LocalSimServer(
        wire_format=wire_format, api_key=api_key, host=host, port=port, verbose=verbose
    ).start()
    print(f"Local Sim server (wire format {wire_format}) listening on {server.base_url}",
          file=stream)  # fmt: skip
    print(f"API key: {server.api_key}", file=stream)
    print(f"Personal key: {server.personal_key}", file=stream)
    print(f"Workspaces: {server.workspace_id} (the workflows'); {server.other_workspace_id}, "
          f"whose key is {server.other_api_key}", file=stream)  # fmt: skip
    print("Workflows: echo, agent, failing, slow, response, undeployed, paused", file=stream)
    print("Press Ctrl-C to stop.", file=stream)
    stream.flush()
    if on_ready is not None:
        on_ready(server)
    server.serve_forever()


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``simstudio serve``."""
    parser = argparse.ArgumentParser(
        prog="simstudio serve",
        description="Run an embedded Sim API server for offline development and tests.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="port (0: any free one)")
    parser.add_argument("--api-key", default=None, help="API key to accept (default: generated)")
    parser.add_argument(
        "--wire-format", choices=["2026", "2025"], default="2026", help="v1 wire format"
    )
    parser.add_argument("--verbose", action="store_true", help="log requests to stderr")
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    """Parse ``argv`` and serve until interrupted.

    Args:
        argv: Arguments after ``serve`` (default ``sys.argv[1:]``).

    Returns:
        The process exit code.
    """
    args = build_parser().parse_args(argv)
    serve(args.host, args.port, args.api_key, args.wire_format, verbose=args.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())

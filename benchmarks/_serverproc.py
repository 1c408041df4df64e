"""A LocalSimServer in a separate process, so its CPU never pollutes client measurements.

The child is started with the ``spawn`` method (a fresh interpreter), registers the benchmark
workflows and answers a few commands over a pipe: ``connections_opened``, ``reset``, ``stop``,
``("add_logs", count)``, ``("latency", seconds, path)``.
"""

from __future__ import annotations

import contextlib
import multiprocessing
from types import TracebackType
from typing import Any, Dict, Optional, Type


def _child(conn: Any, options: Dict[str, Any]) -> None:
    from simstudio.testing import Fault, LocalSimServer

    from ._handlers import register

    server = LocalSimServer(**options).start()
    register(server)
    conn.send(("ready", server.base_url, server.api_key))
    try:
        while True:
            try:
                command = conn.recv()
            except EOFError:
                break
            if command == "connections_opened":
                conn.send(server.connections_opened)
            elif command == "reset":
                server.reset()
                conn.send(True)
            elif isinstance(command, tuple) and command[0] == "add_logs":
                conn.send(len(server.add_logs(command[1])))
            elif isinstance(command, tuple) and command[0] == "latency":
                server.clear_faults()
                if command[1]:
                    server.inject(Fault(latency=command[1]), path=command[2])
                conn.send(True)
            elif command == "stop":
                break
            else:
                conn.send(None)
    finally:
        server.stop(timeout=2.0)
        conn.close()


class ServerProcess:
    """Run a LocalSimServer (with the benchmark workflows) in a child process.

    Args:
        **options: Keyword arguments of :class:`simstudio.testing.LocalSimServer`.

    Attributes:
        base_url: The server's URL, once started.
        api_key: The key it accepts.
    """

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._context = multiprocessing.get_context("spawn")
        self._conn: Any = None
        self._process: Optional[Any] = None
        self.base_url = ""
        self.api_key = ""

    def start(self) -> ServerProcess:
        """Start the child and wait until it serves."""
        parent, child = self._context.Pipe()
        self._process = self._context.Process(
            target=_child, args=(child, self._options), name="bench-server", daemon=True
        )
        self._process.start()
        child.close()
        self._conn = parent
        if not parent.poll(30):
            raise RuntimeError("the benchmark server did not start within 30 s")
        _ready, self.base_url, self.api_key = parent.recv()
        return self

    def _ask(self, command: Any) -> Any:
        self._conn.send(command)
        return self._conn.recv()

    @property
    def connections_opened(self) -> int:
        """TCP connections the server accepted since start or the last :meth:`reset`."""
        return int(self._ask("connections_opened"))

    def reset(self) -> None:
        """Clear the server's records and counters."""
        self._ask("reset")

    def latency(self, seconds: float, path: str) -> None:
        """Delay every answer to ``path`` (a prefix ending in ``*`` works) by ``seconds``;
        0 removes the delay."""
        self._ask(("latency", seconds, path))

    def add_logs(self, count: int) -> int:
        """Add ``count`` synthetic execution log entries to the server (``add_logs``)."""
        return int(self._ask(("add_logs", count)))

    def stop(self) -> None:
        """Stop the server and wait for the child to exit."""
        if self._process is None:
            return
        with contextlib.suppress(OSError):
            self._conn.send("stop")
        self._process.join(5)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(2)
        self._conn.close()
        self._process = None

    def __enter__(self) -> ServerProcess:
        return self.start()

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.stop()

"""Serving a server's state on a socket: bind and accept in the background, shut down cleanly."""

from __future__ import annotations

from ._dispatch import App
from ._http import HttpServer
from ._routes import ROUTES
from ._state import ServerState
from ._threads import ThreadGroup


def url_for(host: str, port: int) -> str:
    """``http://host:port`` for clients (a wildcard bind is reached through loopback)."""
    host = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)  # noqa: S104
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def open_listener(state: ServerState, host: str, port: int) -> HttpServer:
    """Bind ``host:port`` (0: any free port) and accept connections in a tracked thread.

    Sets ``state.threads`` (a fresh group named after the port); the caller publishes
    ``state.base_url`` once it has recorded the port (waiters poll ``base_url``).
    """
    settings = state.settings
    threads = ThreadGroup("simstudio-server")
    httpd = HttpServer(
        (host, port),
        App(state, ROUTES),
        threads,
        state.stopping,
        state.max_body,
        settings.hold_open_after_done,
        settings.verbose,
    )
    bound = httpd.server_address[1]
    threads.prefix = f"simstudio-server-{bound}"
    state.threads = threads
    threads.start("accept", httpd.accept_loop)
    return httpd


def close_listener(state: ServerState, httpd: HttpServer, timeout: float) -> None:
    """Stop accepting, cancel runs, close every client socket and join every thread."""
    state.stopping.set()
    state.runs.cancel_all("Server stopped")
    httpd.stop_accepting(timeout)
    httpd.close_connections()
    state.runs.cancel_all("Server stopped")
    if state.threads.join(timeout):
        with httpd.conn_lock:
            leftovers = list(httpd.connections)
        for sock in leftovers:
            sock.close()
        state.threads.join(0.5)

"""pytest plugin: ``sim_server``, ``sim_server_2025``, ``sim_server_factory`` and ``sim_client``.

Registered through the ``pytest11`` entry point ``simstudio = "simstudio.testing.plugin"``;
without the installed package use ``pytest -p simstudio.testing.plugin``.

Every pytest run in a project that installs the SDK imports this module, so it imports nothing
heavy itself: the server (and ``requests`` with the SDK client) load when a fixture first runs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterator, List, Type

if TYPE_CHECKING:
    from ._server import LocalSimServer


def _server_class() -> Type[LocalSimServer]:
    from ._server import LocalSimServer  # here, not at the top: see the module docstring

    return LocalSimServer

# pytest is imported dynamically so that type-checking this package for Python 3.8 does
# not have to parse pytest's own (newer-syntax) sources.
pytest: Any = importlib.import_module("pytest")


def pytest_configure(config: Any) -> None:
    """Register the ``sim_server`` marker (for ``--strict-markers``)."""
    config.addinivalue_line(
        "markers",
        "sim_server(**options): LocalSimServer options for the sim_server fixtures, "
        "e.g. @pytest.mark.sim_server(wire_format='2025', usage_budget=1)",
    )


def _options(request: Any) -> Dict[str, Any]:
    options: Dict[str, Any] = {}
    marker = request.node.get_closest_marker("sim_server")
    if marker is not None:
        options.update(marker.kwargs)
    param = getattr(request, "param", None)
    if isinstance(param, str):
        options["wire_format"] = param
    elif isinstance(param, dict):
        options.update(param)
    return options


def _sim_server(request: Any) -> Iterator[LocalSimServer]:
    """A started ``LocalSimServer`` (2026 wire format), stopped after the test.

    Options come from ``@pytest.mark.sim_server(**options)`` or from indirect
    parametrization: ``@pytest.mark.parametrize("sim_server", ["2025", "2026"],
    indirect=True)`` (a string is the wire format, a dict is options).
    """
    with _server_class()(**_options(request)) as server:
        yield server


def _sim_server_2025(request: Any) -> Iterator[LocalSimServer]:
    """Like ``sim_server`` but speaking the 2025 (docs era) wire format."""
    options = _options(request)
    options["wire_format"] = "2025"
    with _server_class()(**options) as server:
        yield server


def _sim_server_factory() -> Iterator[Callable[..., LocalSimServer]]:
    """A function that starts extra servers (``make(**options)``); all are stopped after."""
    servers: List[LocalSimServer] = []

    def make(**options: Any) -> LocalSimServer:
        server = _server_class()(**options).start()
        servers.append(server)
        return server

    try:
        yield make
    finally:
        for server in servers:
            server.stop()


def _sim_client(sim_server: LocalSimServer) -> Iterator[Any]:
    """A ``simstudio.SimStudioClient`` pointed at ``sim_server``, closed after the test."""
    client_class = getattr(importlib.import_module("simstudio"), "SimStudioClient")  # noqa: B009
    client = client_class(api_key=sim_server.api_key, base_url=sim_server.base_url)
    try:
        yield client
    finally:
        client.close()


sim_server = pytest.fixture(_sim_server, name="sim_server")
sim_server_2025 = pytest.fixture(_sim_server_2025, name="sim_server_2025")
sim_server_factory = pytest.fixture(_sim_server_factory, name="sim_server_factory")
sim_client = pytest.fixture(_sim_client, name="sim_client")

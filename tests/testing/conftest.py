"""Fixtures for the LocalSimServer tests (helpers live in ``localsim_helpers``)."""

from __future__ import annotations

from typing import Callable, Iterator

import pytest
from localsim_helpers import Api, server_threads

from simstudio.testing import LocalSimServer


@pytest.fixture
def api(sim_server: LocalSimServer) -> Api:
    """An ``Api`` for the ``sim_server`` fixture."""
    return Api(sim_server)


@pytest.fixture
def api_for() -> Callable[[LocalSimServer], Api]:
    """Make an ``Api`` for any server."""
    return Api


@pytest.fixture(params=["2026", "2025"])
def era_server(request: pytest.FixtureRequest) -> Iterator[LocalSimServer]:
    """A started server, once per wire format."""
    with LocalSimServer(wire_format=request.param) as server:
        yield server


@pytest.fixture(autouse=True)
def no_leaked_server_threads() -> Iterator[None]:
    """Every test must leave no server thread behind (checked after all its fixtures)."""
    before = server_threads()
    yield
    assert server_threads() == before

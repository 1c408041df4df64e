"""The routes table: one row per (method, path pattern), every row reachable over a socket."""

from __future__ import annotations

import inspect
from typing import Any, List

import pytest
from localsim_helpers import Api

from simstudio.testing import LocalSimServer
from simstudio.testing._routes import ROUTES
from simstudio.testing._routing import Route, route

_GENERIC_404 = ({"error": "Not found"}, {"error": {"code": "NOT_FOUND", "message": "Not found"}})


def _handler(*args: Any) -> Any:
    return args


def test_a_pattern_names_its_parameters() -> None:
    row = route("GET", "/api/workflows/{id}/runs/{runId}", _handler)
    assert row.parts == ("api", "workflows", None, "runs", None)
    assert row.names == ("id", "runId")
    assert row.match(["api", "workflows", "echo", "runs", "r1"]) == ["echo", "r1"]
    assert row.match(["api", "workflows", "echo", "runs"]) is None
    assert row.match(["api", "workflow", "echo", "runs", "r1"]) is None


def test_a_pattern_must_be_absolute() -> None:
    with pytest.raises(ValueError, match="must start with '/'"):
        Route("GET", "api/x", _handler)


def test_each_method_and_pattern_appears_once() -> None:
    keys = [(row.method, row.parts) for row in ROUTES]
    assert len(keys) == len(set(keys))


def test_every_handler_is_documented_and_lives_in_a_route_group_module() -> None:
    for row in ROUTES:
        module = inspect.getmodule(row.handler)
        assert module is not None
        assert module.__name__.startswith("simstudio.testing._routes_"), row.pattern
        assert inspect.getdoc(row.handler), row.pattern


@pytest.mark.parametrize("row", ROUTES, ids=lambda row: f"{row.method} {row.pattern}")
def test_every_row_is_served(sim_server: LocalSimServer, row: Route) -> None:
    path = "/".join("x" if part is None else part for part in ("", *row.parts))
    reply = Api(sim_server).call(row.method, path, {} if row.method == "POST" else None)
    assert reply.status != 405
    if reply.status == 404:
        assert reply.json not in _GENERIC_404


class _Store:
    def __init__(self) -> None:
        self.items: List[str] = []


def test_each_server_has_one_store_per_group() -> None:
    first, second = LocalSimServer(), LocalSimServer()
    store = first._state.store(_Store)
    store.items.append("kb")
    assert first._state.store(_Store) is store
    assert second._state.store(_Store).items == []

"""List (and create) calls refuse a bad argument before anything is sent, even on a fresh client
that has not yet asked the server which API version it speaks or which workspace its key sees
(each question is a request too)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Dict, Iterator

import pytest

from simstudio import InvalidArgumentError, SimStudioClient
from simstudio.testing import LocalSimServer

Call = Callable[[SimStudioClient], Any]

CALLS: Dict[str, Call] = {
    "knowledge.list page size": lambda c: c.knowledge.list(limit=0),
    "knowledge.list search": lambda c: c.knowledge.list(search=7),  # type: ignore[arg-type]
    "documents.list page size": lambda c: c.knowledge.documents.list("kb", limit=101),
    "logs.list page size": lambda c: c.logs.list(limit=0),
    "logs.list level": lambda c: c.logs.list(level="warn"),  # type: ignore[arg-type]
    "logs.list naive since": lambda c: c.logs.list(since=dt.datetime(2026, 1, 1)),
    "workflows.list page size": lambda c: c.workflows.list(limit=0),
    "knowledge.create description": lambda c: c.knowledge.create("kb", description=5),  # type: ignore[arg-type]
    "knowledge.create chunking": lambda c: c.knowledge.create("kb", chunking={"maxSize": -1}),
}


@pytest.fixture(scope="module")
def server() -> Iterator[LocalSimServer]:
    with LocalSimServer() as running:
        yield running


@pytest.mark.parametrize("configured", [True, False], ids=["workspace given", "discovered"])
@pytest.mark.parametrize("name", sorted(CALLS))
def test_refused_before_asking_the_server(
    server: LocalSimServer, name: str, configured: bool
) -> None:
    before = len(server.requests)
    # api_version="auto" (the default): the first v1/v2 question would be a request; so would
    # discovering the key's workspace when none is configured.
    workspace = server.workspace_id if configured else None
    client = SimStudioClient(server.api_key, server.base_url, workspace_id=workspace)
    with client, pytest.raises(InvalidArgumentError):
        CALLS[name](client)
    assert server.requests[before:] == []

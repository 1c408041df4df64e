"""Every list call refuses a bad argument before anything is sent, even on a fresh client that
has not yet asked the server which API version it speaks (that question is a request too)."""

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
}


@pytest.fixture(scope="module")
def server() -> Iterator[LocalSimServer]:
    with LocalSimServer() as running:
        yield running


@pytest.mark.parametrize("name", sorted(CALLS))
def test_refused_before_the_version_probe(server: LocalSimServer, name: str) -> None:
    before = len(server.requests)
    # api_version="auto" (the default): the first v1/v2 question would be a request.
    client = SimStudioClient(server.api_key, server.base_url, workspace_id=server.workspace_id)
    with client, pytest.raises(InvalidArgumentError):
        CALLS[name](client)
    assert server.requests[before:] == []

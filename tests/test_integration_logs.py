"""client.logs against the embedded server over real sockets: runs logged, pages, cursors, keys."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Iterator

import pytest

from simstudio import (
    BadRequestError,
    InvalidArgumentError,
    LogEntry,
    NotFoundError,
    PermissionDeniedError,
    SimStudioClient,
)
from simstudio.testing import LocalSimServer

START = datetime(2026, 8, 6, tzinfo=timezone.utc)


@pytest.fixture(params=["v2", "v1"])
def version(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def client(sim_server: LocalSimServer, version: str) -> Iterator[SimStudioClient]:
    with SimStudioClient(
        sim_server.api_key,
        sim_server.base_url,
        api_version=version,  # type: ignore[arg-type]
        workspace_id=sim_server.workspace_id,
    ) as c:
        yield c


def test_runs_are_logged_with_output_and_spans(client: SimStudioClient) -> None:
    client.execute_workflow("echo", {"message": "hi"})
    client.execute_workflow("failing", {"message": "x"})
    failed, echoed = client.logs.list()
    assert isinstance(failed, LogEntry)
    assert (failed.workflow_id, failed.level, failed.is_error) == ("failing", "error", True)
    assert (echoed.workflow_id, echoed.level, echoed.is_error) == ("echo", "info", False)
    assert echoed.final_output is None  # only when asked for
    one = client.logs.get(echoed.id)
    assert one.execution_id == echoed.execution_id
    assert one.final_output == {"input": {"message": "hi"}}
    assert one.trace_spans is not None
    assert [span.name for span in one.trace_spans[0].children] == ["Function 1"]
    snapshot = client.logs.execution(failed.execution_id)
    assert snapshot.workflow_id == "failing"
    assert snapshot.trigger == "api"
    assert len(snapshot.blocks) == 2
    (full,) = client.logs.list(workflow_ids="echo", include_final_output=True)
    assert full.final_output == {"input": {"message": "hi"}}
    assert full.workflow is not None
    assert full.workflow.id == "echo"


def test_three_pages_through_the_iterator_and_resuming(
    client: SimStudioClient, sim_server: LocalSimServer
) -> None:
    ids = sim_server.add_logs(25, start=START.timestamp())
    pages = list(client.logs.list(limit=10).pages())
    assert [len(page.items) for page in pages] == [10, 10, 5]
    assert [entry.execution_id for page in pages for entry in page.items] == ids[::-1]
    assert pages[0].request_id is not None
    resumed = client.logs.list(limit=10, cursor=pages[1].cursor)
    assert [entry.execution_id for entry in resumed] == ids[::-1][10:]
    oldest_first = [entry.execution_id for entry in client.logs.list(limit=7, order="asc")]
    assert oldest_first == ids


def test_filters_and_aware_datetimes(client: SimStudioClient, sim_server: LocalSimServer) -> None:
    sim_server.add_logs(
        20,
        start=START.timestamp(),
        interval=60.0,
        status=["completed"] * 3 + ["failed"],
        trigger=["api", "webhook"],
    )
    berlin = timezone(timedelta(hours=2))
    window = client.logs.list(
        since=START.astimezone(berlin) + timedelta(minutes=5),
        until=(START + timedelta(minutes=9)).isoformat(),
    )
    assert len(list(window)) == 5
    assert len(list(client.logs.list(level="error", limit=2))) == 5
    assert len(list(client.logs.list(trigger="webhook"))) == 10
    assert list(client.logs.list(trigger="API")) == []  # the server matches case-sensitively
    with pytest.raises(InvalidArgumentError, match="no time zone"):
        client.logs.list(since=datetime(2026, 8, 6))


def test_cursor_misuse_is_a_bad_request_that_names_the_cursor(
    sim_server: LocalSimServer,
) -> None:
    sim_server.add_logs(5)
    with SimStudioClient(sim_server.api_key, sim_server.base_url) as client:
        cursor = client.logs.list(limit=2).first_page().next_cursor
        assert cursor is not None
        with pytest.raises(BadRequestError, match="cursor does not match the requested filters"):
            list(client.logs.list(limit=2, level="info", cursor=cursor))
        with pytest.raises(BadRequestError, match="sortBy/sortOrder") as info:
            list(client.logs.list(limit=2, order="asc", cursor=cursor))
        assert info.value.cursor == cursor
        with pytest.raises(BadRequestError, match="not a valid pagination cursor"):
            list(client.logs.list(cursor="garbage"))
    with SimStudioClient(
        sim_server.api_key, sim_server.base_url, api_version="v1", workspace_id="ws-local"
    ) as v1, pytest.raises(BadRequestError, match="Invalid cursor"):
        list(v1.logs.list(cursor="garbage"))


def test_both_key_kinds_and_concealment(sim_server: LocalSimServer, version: str) -> None:
    (mine,) = sim_server.add_logs(1)
    (theirs,) = sim_server.add_logs(1, workspace_id=sim_server.other_workspace_id)
    url, main, other_ws = (
        sim_server.base_url,
        sim_server.workspace_id,
        sim_server.other_workspace_id,
    )
    with SimStudioClient(sim_server.personal_key, url, api_version=version) as personal:  # type: ignore[arg-type]
        assert [e.execution_id for e in personal.logs.list(main)] == [mine]
        (entry,) = personal.logs.list(other_ws)
        assert entry.execution_id == theirs
        assert personal.logs.get(entry.id).execution_id == theirs
    with SimStudioClient(sim_server.other_api_key, url, api_version=version) as other:  # type: ignore[arg-type]
        with pytest.raises(PermissionDeniedError) as info:
            list(other.logs.list(main))
        assert info.value.reason == "workspace"
        assert sim_server.other_api_key not in str(info.value)
        mine_id = mine if version == "v2" else entry_id(sim_server, mine)
        with pytest.raises(NotFoundError, match="Log not found"):
            other.logs.get(mine_id)
        with pytest.raises(NotFoundError, match="Workflow execution not found"):
            other.logs.execution(mine)


def entry_id(server: LocalSimServer, execution_id: str) -> str:
    """The v1 log id of an execution (as the main workspace's key lists it)."""
    with SimStudioClient(
        server.api_key, server.base_url, api_version="v1", workspace_id=server.workspace_id
    ) as client:
        (entry,) = client.logs.list(execution_id=execution_id)
        return entry.id

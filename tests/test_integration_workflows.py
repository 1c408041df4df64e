"""client.workflows management against LocalSimServer over real sockets: the whole lifecycle with
both kinds of key, export files that round-trip, pages, folders, errors and a v1-only server."""

from __future__ import annotations

import json
from typing import Any, Dict, Iterator

import pytest
from _workflow_bodies import greeter

from simstudio import (
    BadRequestError,
    ConflictError,
    InvalidArgumentError,
    NotFoundError,
    PermissionDeniedError,
    SimStudioClient,
)
from simstudio.testing import LocalSimServer


@pytest.fixture
def ws_client(sim_server: LocalSimServer) -> Iterator[SimStudioClient]:
    with SimStudioClient(sim_server.api_key, sim_server.base_url) as client:
        yield client


@pytest.fixture
def personal(sim_server: LocalSimServer) -> Iterator[SimStudioClient]:
    client = SimStudioClient(
        sim_server.personal_key, sim_server.base_url, workspace_id=sim_server.workspace_id
    )
    with client:
        yield client


def normalized(document: Dict[str, Any]) -> Dict[str, Any]:
    """An export without what differs between copies: ids, timestamps, its workspace."""
    text = json.dumps(document, sort_keys=True)
    blocks = document["state"]["blocks"]
    order = sorted(blocks, key=lambda b: (blocks[b]["type"], blocks[b]["name"]))
    for index, block_id in enumerate(order):
        text = text.replace(block_id, f"block-{index}")
    copy = json.loads(text)
    for edge in copy["state"]["edges"]:
        edge.pop("id")
    copy.pop("exportedAt")
    copy["state"]["metadata"].pop("exportedAt")
    for key in ("id", "workspaceId"):
        copy["workflow"].pop(key)
    return copy


@pytest.mark.parametrize("key", ["workspace", "personal"])
def test_the_whole_lifecycle_with_either_kind_of_key(
    request: pytest.FixtureRequest, sim_server: LocalSimServer, key: str, tmp_path: Any
) -> None:
    client: SimStudioClient = request.getfixturevalue("ws_client" if key == "workspace" else
                                                      "personal")  # fmt: skip
    source = tmp_path / "greeter.json"
    source.write_text(json.dumps(greeter()), encoding="utf-8")
    workflow = client.workflows.import_(source, name="greeter")
    with pytest.raises(PermissionDeniedError) as refused:
        client.execute_workflow(workflow.id, {"name": "Ada"})
    assert refused.value.reason == "not_deployed"
    first = client.workflows.deploy(workflow.id, name="first")
    assert (first.version, first.active_version) == (1, 1)
    assert client.execute_workflow(workflow.id, {"name": "Ada"}).output == {
        "greeting": "Hello, Ada!"}  # fmt: skip
    sim_server.edit_workflow(workflow.id, greeter("Howdy"))
    assert client.workflows.deployment(workflow.id).needs_redeployment
    assert client.workflows.deploy(workflow.id).version == 2
    assert client.execute_workflow(workflow.id, {"name": "Ada"}).output["greeting"] == (
        "Howdy, Ada!")  # fmt: skip
    versions = list(client.workflows.versions(workflow.id))
    assert [(v.version, v.is_active, v.name) for v in versions] == [
        (2, True, None), (1, False, "first")]  # fmt: skip
    assert "Hello" in json.dumps(client.workflows.version(workflow.id, 1).state)
    back = client.workflows.rollback(workflow.id)
    assert (back.version, back.action) == (1, "activate")
    assert client.execute_workflow(workflow.id, {"name": "Ada"}).output["greeting"] == (
        "Hello, Ada!")  # fmt: skip
    client.workflows.update(workflow.id, name="greeter v1", description="kept in git")
    assert client.workflows.get(workflow.id).name == "greeter v1"
    assert client.workflows.undeploy(workflow.id).is_deployed is False
    assert client.validate_workflow(workflow.id) is False
    client.workflows.delete(workflow.id)
    with pytest.raises(NotFoundError):
        client.workflows.get(workflow.id)
    paths = [r.path for r in sim_server.requests if "/deploy" in r.path or "/rollback" in r.path]
    expected = "/api/v1/" if key == "workspace" else "/api/v2/"
    assert all(path.startswith(expected) for path in paths[-3:])


def test_an_exported_file_round_trips(ws_client: SimStudioClient, tmp_path: Any) -> None:
    original = ws_client.workflows.import_(greeter(), name="greeter")
    first_file, second_file = tmp_path / "first.json", tmp_path / "second.json"
    first = ws_client.workflows.export(original.id, path=first_file)
    copy = ws_client.workflows.import_(first_file)
    second = ws_client.workflows.export(copy.id, path=second_file)
    assert copy.name == "greeter"
    assert second["workflow"]["id"] != first["workflow"]["id"]
    assert set(second["state"]["blocks"]).isdisjoint(first["state"]["blocks"])
    assert normalized(second) == normalized(first)
    text = first_file.read_text(encoding="utf-8")
    assert text == json.dumps(first, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def test_lists_page_and_resume(ws_client: SimStudioClient, personal: SimStudioClient) -> None:
    for index in range(5):
        ws_client.workflows.import_(greeter(), name=f"page-{index}")
    paginator = ws_client.workflows.list(search="page-", sort_by="name", limit=2)
    pages = list(paginator.pages())
    assert [len(page.items) for page in pages] == [2, 2, 1]
    assert [w.name for page in pages for w in page.items] == [f"page-{i}" for i in range(5)]
    resumed = ws_client.workflows.list(search="page-", sort_by="name", limit=2,
                                       cursor=pages[1].cursor)  # fmt: skip
    assert [w.name for w in resumed] == ["page-2", "page-3", "page-4"]
    deployed = {w.id for w in personal.workflows.list(deployed_only=True)}
    assert "echo" in deployed
    assert "undeployed" not in deployed


def test_folders_by_readable_paths(ws_client: SimStudioClient) -> None:
    folders = ws_client.workflows.folders
    leaf = folders.create("/Team A/Prod & Ops/Ünïcode", parents=True)
    assert (leaf.path, leaf.parent_path) == ("/Team A/Prod & Ops/Ünïcode", "/Team A/Prod & Ops")
    with pytest.raises(ConflictError):
        folders.create("/Team A")
    with pytest.raises(NotFoundError, match="Parent folder not found"):
        folders.create("/Nowhere/Leaf")
    odd = folders.create(["a/b"])  # a name with a slash
    assert odd.raw["path"] == "/a%2Fb"
    workflow = ws_client.workflows.import_(greeter(), folder="/Team A/Prod & Ops/Ünïcode")
    assert workflow.folder == "/Team A/Prod & Ops/Ünïcode"
    inside = ws_client.workflows.list(folder="/Team A/Prod & Ops/Ünïcode")
    assert [w.id for w in inside] == [workflow.id]
    assert [f.name for f in folders.list(parent="/Team A")] == ["Prod & Ops"]
    moved = folders.move("/Team A/Prod & Ops", "/Prod")
    assert moved.path == "/Prod"
    assert ws_client.workflows.get(workflow.id).folder == "/Prod/Ünïcode"
    with pytest.raises(ConflictError, match="not empty"):
        folders.delete("/Prod")
    gone = folders.delete("/Prod", recursive=True)
    assert (gone.folders, gone.workflows) == (2, 1)
    with pytest.raises(NotFoundError):
        ws_client.workflows.get(workflow.id)


def test_the_servers_refusals_arrive_as_typed_errors(
    sim_server: LocalSimServer, ws_client: SimStudioClient
) -> None:
    with SimStudioClient(sim_server.other_api_key, sim_server.base_url) as other:
        with pytest.raises(NotFoundError):
            other.workflows.get("echo")
        with pytest.raises(PermissionDeniedError) as info:
            other.workflows.list(sim_server.workspace_id).first_page()
        assert info.value.reason == "workspace"
    with pytest.raises(BadRequestError, match="Invalid workflow"):
        ws_client.workflows.import_({"hello": "world"})
    with pytest.raises(BadRequestError, match="not deployed"):
        ws_client.workflows.rollback("undeployed")
    with pytest.raises(NotFoundError, match="Deployment version not found"):
        ws_client.workflows.rollback("echo", 99)
    with pytest.raises(NotFoundError, match="Deployment version not found"):
        ws_client.workflows.version("echo", 99)


def test_a_server_without_v2_gets_v1_calls(sim_server_factory: Any, tmp_path: Any) -> None:
    server = sim_server_factory(v2_api=False)
    client = SimStudioClient(server.api_key, server.base_url, workspace_id=server.workspace_id)
    with client:
        created = client.workflows.import_(greeter())
        assert created.folder == "/"
        assert created.id in {w.id for w in client.workflows.list(limit=2)}
        assert client.workflows.get(created.id).inputs[0]["id"]
        assert client.workflows.deploy(created.id).version == 1
        assert client.workflows.deploy(created.id).version == 2
        assert client.workflows.rollback(created.id).version == 1
        assert client.workflows.undeploy(created.id).is_deployed is False
        assert client.workflows.export(created.id)["workflow"]["folderId"] is None
        with pytest.raises(InvalidArgumentError, match="v2 API"):
            client.workflows.versions(created.id)
    assert not any(r.path.startswith("/api/v2/workflows") for r in server.requests)

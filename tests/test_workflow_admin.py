"""client.workflows management over mocked answers recorded from a real Sim server: v1 and v2
shapes, folder paths, export files, imports, and which route a deploy takes for which key."""

from __future__ import annotations

import json
import os
import pathlib

import pytest
import responses
from _core_helpers import BASE, body, make_client
from _workflow_bodies import RECORDED, greeter

from simstudio import (
    BadRequestError,
    DeletedFolder,
    Folder,
    InvalidArgumentError,
    InvalidResponseError,
    NotFoundError,
    PermissionDeniedError,
    Workflow,
)
from simstudio._folders import canonical_path, readable_path, split_path

V1 = f"{BASE}/api/v1/workflows"
V2 = f"{BASE}/api/v2/workflows"
WF = "8aea7654-d622-4771-a372-976d1f205d19"
WS_KEY_REFUSED = {
    "error": {
        "code": "FORBIDDEN",
        "message": "Workspace API key cannot perform this operation",
        "details": {"code": "WORKSPACE_KEY_OPERATION_NOT_PERMITTED"},
    }
}


@pytest.fixture
def client():
    return make_client(api_version="v2", workspace_id="realsim-ws-main")


@pytest.fixture
def v1_client():
    return make_client(api_version="v1", workspace_id="realsim-ws-main")


def _sent(call):
    return json.loads(call.request.body)


# -- folder paths ---------------------------------------------------------------------------------


def test_folder_paths_are_encoded_once_per_name():
    assert canonical_path("/SDK Probe/Child") == "/SDK%20Probe/Child"
    assert canonical_path("SDK Probe/Child/") == "/SDK%20Probe/Child"
    assert canonical_path(["a/b", "ü~"]) == "/a%2Fb/%C3%BC~"
    assert canonical_path("/") == "/"
    assert split_path("/") == ()
    assert readable_path("/SDK%20Probe%20Renamed/Child") == "/SDK Probe Renamed/Child"
    for bad in ("/a//b", ["a", " "], 3):
        with pytest.raises(InvalidArgumentError):
            canonical_path(bad)


# -- lists --------------------------------------------------------------------------------------


def test_v2_list_is_lazy_follows_cursors_and_encodes_the_folder(rsps, client):
    first, last = RECORDED["v2_list_limit1_p1"], RECORDED["v2_list_after_cleanup"]
    paginator = client.workflows.list(folder="/SDK Probe", search="probe", sort_by="name", limit=1)
    assert len(rsps.calls) == 0
    rsps.add(responses.GET, V2, body=body(first))
    rsps.add(responses.GET, V2, body=body(last))
    workflows = list(paginator)
    assert [w.name for w in workflows] == ["imported-probe-v1-extra", "probe-ok"]
    url = rsps.calls[0].request.url
    assert "folderPath=%2FSDK%2520Probe" in url  # the canonical path, encoded again
    assert "search=probe" in url
    assert "sortBy=name" in url
    assert f"cursor={first['nextCursor']}" in rsps.calls[1].request.url
    item = workflows[0]
    assert (item.folder, item.is_deployed, item.run_count) == ("/", False, 0)
    assert item.raw == first["data"][0]


def test_v1_list_ends_where_the_cursor_is_left_out(rsps, v1_client):
    rsps.add(responses.GET, V1, body=body(RECORDED["v1_list_limit1_p1"]))
    rsps.add(responses.GET, V1, body=body(RECORDED["v1_list_limit1_p3"]))
    workflows = list(v1_client.workflows.list(limit=1, deployed_only=True))
    assert [w.name for w in workflows] == ["probe-ok", "probe-response"]
    assert (workflows[0].folder, workflows[0].folder_id) == ("/", None)
    assert "deployedOnly=true" in rsps.calls[0].request.url
    assert len(rsps.calls) == 2


def test_v1_refuses_what_only_v2_can_do_before_sending(rsps, v1_client):
    calls = [
        lambda: v1_client.workflows.list(folder="/x"),
        lambda: v1_client.workflows.list(search="x"),
        lambda: v1_client.workflows.import_(greeter(), folder="/x"),
        lambda: v1_client.workflows.update(WF, name="x"),
        lambda: v1_client.workflows.delete(WF),
        lambda: v1_client.workflows.deployment(WF),
        lambda: v1_client.workflows.versions(WF),
        lambda: v1_client.workflows.folders.list(),
    ]
    for call in calls:
        with pytest.raises(InvalidArgumentError) as info:
            call()
        assert info.value.code == "V2_REQUIRED"
    assert len(rsps.calls) == 0


def test_a_v1_list_needs_a_workspace():
    with pytest.raises(InvalidArgumentError, match="needs a workspace"):
        make_client(api_version="v1").workflows.list()


# -- get, export, import --------------------------------------------------------------------------


def test_get_in_both_versions(rsps, client, v1_client):
    rsps.add(responses.GET, f"{V2}/{WF}", body=body(RECORDED["v2_get_ok"]))
    rsps.add(responses.GET, f"{V1}/{WF}", body=body(RECORDED["v1_get_ok"]))
    two, one = client.workflows.get(WF), v1_client.workflows.get(WF)
    assert two.inputs == [{"name": "message", "type": "string"}]
    assert one.inputs[0]["id"] == "d3a413ce-80f5-4a81-b117-3f7029a40195"
    assert (two.variables, one.is_deployed, two.deployed_at) == ({}, True, one.deployed_at)


def test_export_writes_a_stable_file(rsps, client, tmp_path):
    recorded = RECORDED["v2_export_in_folder"]
    rsps.add(responses.GET, f"{V2}/{WF}/export", body=body(recorded))
    target = tmp_path / "workflow.json"
    document = client.workflows.export(WF, path=target)
    assert document == recorded["data"]
    text = target.read_text(encoding="utf-8")
    assert text.endswith("}\n")
    assert text == json.dumps(recorded["data"], sort_keys=True, indent=2) + "\n"
    client.workflows.export(WF, path=str(target))  # again: the same bytes, no leftovers
    assert target.read_text(encoding="utf-8") == text
    assert os.listdir(tmp_path) == ["workflow.json"]


def test_import_takes_a_dict_a_json_text_or_a_file(rsps, client, tmp_path):
    rsps.add(responses.POST, f"{V2}/import", body=body(RECORDED["v2_import"]), status=201)
    saved = tmp_path / "greeter.json"
    saved.write_text(json.dumps(greeter()), encoding="utf-8")
    for source in (greeter(), json.dumps(greeter()), saved, str(saved)):
        created = client.workflows.import_(source, name="x", folder="/SDK Probe/Child")
        assert (created.id, created.is_deployed) == ("8aea7654-d622-4771-a372-976d1f205d19", False)
    sent = _sent(rsps.calls[0])
    assert sent == {"workspaceId": "realsim-ws-main", "workflow": greeter(), "name": "x",
                    "folderPath": "/SDK%20Probe/Child"}  # fmt: skip
    assert all(_sent(call) == sent for call in rsps.calls)


def test_v1_import_sends_the_v1_body(rsps, v1_client):
    rsps.add(responses.POST, f"{V1}/import", body=body(RECORDED["v1_import"]), status=201)
    created = v1_client.workflows.import_(greeter(), description="")
    assert created.name == "imported-probe-v1"
    assert _sent(rsps.calls[0]) == {"workspaceId": "realsim-ws-main", "workflow": greeter(),
                                    "description": ""}  # fmt: skip


@pytest.mark.parametrize(
    "source", ["missing.json", "{not json", pathlib.Path("missing.json"), 42, "[1]", {}]
)
def test_unusable_imports_are_refused_before_sending(rsps, client, source, tmp_path):
    if source == "[1]":
        source = tmp_path / "list.json"
        source.write_text("[1]", encoding="utf-8")
    with pytest.raises(InvalidArgumentError):
        client.workflows.import_(source)
    with pytest.raises(InvalidArgumentError):
        client.workflows.import_(greeter(), name="x" * 201)
    assert len(rsps.calls) == 0


def test_the_servers_import_errors_are_raised(rsps, client):
    message = "Invalid workflow: Missing or invalid field: blocks"
    garbage = {"error": {"code": "BAD_REQUEST", "message": message}}
    rsps.add(responses.POST, f"{V2}/import", body=body(garbage), status=400)
    with pytest.raises(BadRequestError, match="Missing or invalid field: blocks"):
        client.workflows.import_({"hello": "world"})


# -- update, delete -------------------------------------------------------------------------------


def test_update_sends_only_what_changes(rsps, client):
    rsps.add(responses.PATCH, f"{V2}/{WF}", body=body(RECORDED["v2_patch"]))
    updated = client.workflows.update(WF, description=None, folder="/")
    assert updated.name == "imported-probe-renamed"
    assert _sent(rsps.calls[0]) == {"description": None, "folderPath": "/"}
    client.workflows.update(WF, name="n")
    assert _sent(rsps.calls[1]) == {"name": "n"}
    with pytest.raises(InvalidArgumentError, match="at least one"):
        client.workflows.update(WF)
    assert len(rsps.calls) == 2


def test_delete_and_a_second_delete(rsps, client):
    rsps.add(responses.DELETE, f"{V2}/{WF}", body=body(RECORDED["v2_delete"]))
    missing = {"error": {"code": "NOT_FOUND", "message": "Workflow not found"}}
    rsps.add(responses.DELETE, f"{V2}/{WF}", body=body(missing), status=404)
    assert client.workflows.delete(WF) is None
    with pytest.raises(NotFoundError):
        client.workflows.delete(WF)


# -- deployments: which route for which key ------------------------------------------------------


def test_a_personal_key_deploys_through_v2(rsps, client):
    rsps.add(responses.POST, f"{V2}/{WF}/deploy", body=body(RECORDED["v2_deploy_1"]))
    deployment = client.workflows.deploy(WF, name="first", description="first deploy")
    assert (deployment.version, deployment.active_version, deployment.action) == (1, 1, "deploy")
    assert deployment.is_deployed
    assert _sent(rsps.calls[0]) == {"name": "first", "description": "first deploy"}


def test_a_workspace_key_falls_back_to_v1_once_and_is_remembered(rsps, client):
    rsps.add(responses.POST, f"{V2}/{WF}/deploy", body=body(WS_KEY_REFUSED), status=403)
    rsps.add(responses.POST, f"{V1}/{WF}/deploy", body=body(RECORDED["v1_deploy"]))
    rsps.add(responses.POST, f"{V1}/{WF}/rollback", body=body(RECORDED["v1_rollback_v1"]))
    rsps.add(responses.DELETE, f"{V1}/{WF}/deploy", body=body(RECORDED["v1_undeploy"]))
    assert client.workflows.deploy(WF).version == 1
    assert client.workflows.deploy(WF).version == 1
    assert client.workflows.rollback(WF, 1).action == "activate"
    undeployed = client.workflows.undeploy(WF)
    assert (undeployed.is_deployed, undeployed.version, undeployed.warnings) == (False, None, [])
    assert [c.request.url.split("/api/")[1] for c in rsps.calls] == [
        f"v2/workflows/{WF}/deploy", f"v1/workflows/{WF}/deploy", f"v1/workflows/{WF}/deploy",
        f"v1/workflows/{WF}/rollback", f"v1/workflows/{WF}/deploy",
    ]  # fmt: skip
    assert _sent(rsps.calls[3]) == {"version": 1}
    client.set_api_key("sk-sim-personal-key")  # another key: asked afresh
    client.workflows.deploy(WF)
    assert rsps.calls[-1].request.url == f"{V1}/{WF}/deploy"
    assert rsps.calls[-2].request.url == f"{V2}/{WF}/deploy"


def test_when_no_route_lets_the_key_deploy_the_error_says_what_would(rsps, client):
    rsps.add(responses.POST, f"{V2}/{WF}/rollback", body=body(WS_KEY_REFUSED), status=403)
    v1_refusal = {"error": "Workspace API keys cannot deploy"}
    rsps.add(responses.POST, f"{V1}/{WF}/rollback", body=body(v1_refusal), status=403)
    with pytest.raises(PermissionDeniedError) as info:
        client.workflows.rollback(WF)
    error = info.value
    assert (error.code, error.status, error.reason) == (
        "WORKSPACE_KEY_OPERATION_NOT_PERMITTED", 403, "personal_key_required")  # fmt: skip
    assert "may not roll back" in str(error)
    assert "personal API key" in str(error)
    assert "sk-sim-" not in str(error)


def test_other_refusals_are_not_retried_on_v1(rsps, client):
    refused = {"error": {"code": "FORBIDDEN", "message": "Admin permission is required"}}
    rsps.add(responses.POST, f"{V2}/{WF}/deploy", body=body(refused), status=403)
    with pytest.raises(PermissionDeniedError):
        client.workflows.deploy(WF)
    assert len(rsps.calls) == 1


def test_a_v1_client_deploys_through_v1(rsps, v1_client):
    rsps.add(responses.POST, f"{V1}/{WF}/rollback", body=body(RECORDED["v1_rollback_v1"]))
    assert v1_client.workflows.rollback(WF).version == 1
    assert rsps.calls[0].request.body is None  # no version: the previous one


def test_rollback_errors(rsps, client):
    nothing = {"error": {"code": "BAD_REQUEST",
                         "message": "No previous deployment version to roll back to"}}  # fmt: skip
    rsps.add(responses.POST, f"{V2}/{WF}/rollback", body=body(nothing), status=400)
    with pytest.raises(BadRequestError, match="No previous deployment version"):
        client.workflows.rollback(WF)
    for bad in (0, -1, True, "2"):
        with pytest.raises(InvalidArgumentError):
            client.workflows.rollback(WF, bad)
    assert len(rsps.calls) == 1


def test_deployment_state(rsps, client):
    rsps.add(responses.GET, f"{V2}/{WF}/deployment", body=body(RECORDED["v2_deployment_after"]))
    rsps.add(responses.GET, f"{V2}/{WF}/deployment",
             body=body(RECORDED["v2_deployment_after_undeploy"]))  # fmt: skip
    live = client.workflows.deployment(WF)
    assert (live.is_deployed, live.active_version, live.needs_redeployment) == (True, 1, False)
    gone = client.workflows.deployment(WF)
    assert (gone.is_deployed, gone.active_version, gone.version) == (False, None, None)
    assert gone.warnings[0].startswith("The latest successful deployment attempt is historical")


def test_versions_page_lazily_and_one_version_has_its_state(rsps, client):
    first = RECORDED["v2_versions_limit1_p1"]
    rsps.add(responses.GET, f"{V2}/{WF}/versions", body=body(first))
    last = {"data": RECORDED["v2_versions_2"]["data"][1:], "nextCursor": None}
    rsps.add(responses.GET, f"{V2}/{WF}/versions", body=body(last))
    versions = list(client.workflows.versions(WF, limit=1))
    assert [(v.version, v.is_active, v.name) for v in versions] == [
        (2, True, "second"), (1, False, "first")]  # fmt: skip
    assert versions[0].deployed_by == "Probe"
    assert "cursor=" in rsps.calls[1].request.url
    rsps.add(responses.GET, f"{V2}/{WF}/versions/1", body=body(RECORDED["v2_version_1"]))
    one = client.workflows.version(WF, 1)
    assert (one.version, sorted(one.state)) == (
        1, ["blocks", "edges", "lastSaved", "loops", "parallels", "variables"])  # fmt: skip
    with pytest.raises(InvalidArgumentError):
        client.workflows.version(WF, "abc")


# -- folders ------------------------------------------------------------------------------------


def test_folders_create_with_parents_list_move_and_delete(rsps, client):
    url = f"{V2}/folders"
    message = "A folder with this name already exists in this location"
    duplicate = {"error": {"code": "CONFLICT", "message": message}}
    rsps.add(responses.POST, url, body=body(duplicate), status=409)
    rsps.add(responses.POST, url, body=body(RECORDED["v2_folder_create"]), status=201)
    created = client.workflows.folders.create("/SDK Probe/Child", parents=True)
    assert [_sent(c)["path"] for c in rsps.calls] == ["/SDK%20Probe", "/SDK%20Probe/Child"]
    assert (created.name, created.path, created.parent_path) == ("SDK Probe", "/SDK Probe", "/")
    rsps.add(responses.GET, url, body=body(RECORDED["v2_folders_list"]))
    folders = list(client.workflows.folders.list(parent="/SDK Probe"))
    assert [f.path for f in folders] == ["/SDK Probe/Child", "/SDK Probe"]
    assert "parentPath=%2FSDK%2520Probe" in rsps.calls[-1].request.url
    rsps.add(responses.PATCH, url, body=body(RECORDED["v2_folder_create"]))
    client.workflows.folders.move("/SDK Probe", ["SDK Probe Renamed"])
    assert _sent(rsps.calls[-1]) == {"workspaceId": "realsim-ws-main", "path": "/SDK%20Probe",
                                     "destinationPath": "/SDK%20Probe%20Renamed"}  # fmt: skip
    rsps.add(responses.DELETE, url, body=body(RECORDED["v2_folder_delete_recursive"]))
    deleted = client.workflows.folders.delete("/SDK Probe Renamed", recursive=True)
    assert deleted == DeletedFolder("/SDK Probe Renamed", 2, 3)
    assert "path=%2FSDK%2520Probe%2520Renamed&recursive=true" in rsps.calls[-1].request.url


def test_the_root_folder_cannot_be_changed(rsps, client):
    for call in (
        lambda: client.workflows.folders.create("/"),
        lambda: client.workflows.folders.move("/", "/x"),
        lambda: client.workflows.folders.delete(""),
    ):
        with pytest.raises(InvalidArgumentError, match="root folder"):
            call()
    assert len(rsps.calls) == 0


def test_result_types_need_their_keys():
    with pytest.raises(InvalidResponseError):
        Workflow.from_wire({"name": "no id"})
    with pytest.raises(InvalidResponseError):
        Folder.from_wire({"name": "no path"})
    assert Workflow.from_wire({"id": "w", "folderId": "f"}).folder is None

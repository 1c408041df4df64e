"""Workflow management on the local server over sockets: the recorded shapes, envelopes, key
rules, strictness, validation messages and cursors of workflows-api.md (v1 and v2)."""

from __future__ import annotations

from typing import Any, Dict, List

import pytest
from _workflow_bodies import RECORDED, greeter, keys
from localsim_helpers import Api, Reply

from simstudio.testing import LocalSimServer
from simstudio.testing._pagination import FILTERS_CHANGED

V1 = "/api/v1/workflows"
V2 = "/api/v2/workflows"


def _import(api: Api, version: str = "v2", key: Any = True, **fields: Any) -> Dict[str, Any]:
    body = {"workspaceId": api.server.workspace_id, "workflow": greeter(), **fields}
    reply = api.call("POST", f"/api/{version}/workflows/import", body, key=key)
    assert reply.status == 201, reply
    return reply.json["data"]


def _names(reply: Reply) -> List[str]:
    return [item["name"] for item in reply.json["data"]]


def _error(reply: Reply) -> str:
    error = reply.json["error"]
    return error["message"] if isinstance(error, dict) else error


# -- shapes -------------------------------------------------------------------------------------


def test_v1_answers_have_the_recorded_shapes_and_limits(api: Api) -> None:
    created = api.call("POST", f"{V1}/import", {"workspaceId": "ws-local", "workflow": greeter()})
    assert created.status == 201
    assert keys(created.json["data"]) == keys(RECORDED["v1_import"]["data"])
    assert set(created.json) == {"data", "limits"}
    assert set(created.json["limits"]) == {"workflowExecutionRateLimit", "usage"}
    workflow_id = created.json["data"]["id"]
    got = api.get(f"{V1}/{workflow_id}").json["data"]
    assert keys(got)[:-4] == keys(RECORDED["v1_get_ok"]["data"])[:-4]
    assert [name for name, _ in keys(got)] == [n for n, _ in keys(RECORDED["v1_get_ok"]["data"])]
    assert got["inputs"] == [{"id": "d3a413ce-80f5-4a81-b117-3f7029a40195", "name": "name",
                              "type": "string"}]  # fmt: skip
    listed = api.get(f"{V1}?workspaceId=ws-local&limit=1").json
    assert keys(listed["data"]) == keys(RECORDED["v1_list_limit1_p1"]["data"])
    deployed = api.call("POST", f"{V1}/{workflow_id}/deploy").json["data"]
    assert keys(deployed) == keys(RECORDED["v1_deploy"]["data"])
    assert api.call("POST", f"{V1}/{workflow_id}/deploy").json["data"]["version"] == 2
    rolled = api.call("POST", f"{V1}/{workflow_id}/rollback", {"version": 1}).json["data"]
    assert keys(rolled) == keys(RECORDED["v1_rollback_v1"]["data"])
    assert rolled["latestDeploymentAttempt"]["action"] == "activate"
    undeployed = api.call("DELETE", f"{V1}/{workflow_id}/deploy")
    assert undeployed.json["data"] == {"id": workflow_id, "isDeployed": False,
                                       "deployedAt": None, "warnings": []}  # fmt: skip
    assert "Cache-Control" not in undeployed.headers
    exported = api.get(f"{V1}/{workflow_id}/export").json["data"]
    assert [k for k, _ in keys(exported)] == ["version", "exportedAt", "workflow", "state"]
    assert keys(exported["workflow"]) == keys(RECORDED["v1_export_ok"]["data"]["workflow"])


def test_v2_answers_have_the_recorded_shapes(api: Api) -> None:
    key = api.server.personal_key
    created = _import(api)
    assert keys(created) == keys(RECORDED["v2_import"]["data"])
    workflow_id = created["id"]
    path = f"{V2}/{workflow_id}"
    before = api.get(f"{path}/deployment")
    assert before.headers["Cache-Control"] == "private, no-store"
    assert before.json == {"data": {**RECORDED["v2_deployment_before"]["data"], "id": workflow_id}}
    assert api.get(f"{path}/versions").json == {"data": [], "nextCursor": None}
    deployed = api.call("POST", f"{path}/deploy", {"name": "first"}, key=key).json["data"]
    assert keys(deployed) == keys(RECORDED["v2_deploy_1"]["data"])
    after = api.get(f"{path}/deployment").json["data"]
    assert keys(after) == keys(RECORDED["v2_deployment_after"]["data"])
    api.call("POST", f"{path}/deploy", {"name": "second"}, key=key)
    versions = api.get(f"{path}/versions").json
    assert keys(versions) == keys(RECORDED["v2_versions_2"])
    states = [(v["version"], v["isActive"], v["latestOperationStatus"]) for v in versions["data"]]
    assert states == [(2, True, "active"), (1, False, None)]
    one, recorded = api.get(f"{path}/versions/1").json["data"], RECORDED["v2_version_1"]["data"]
    assert list(one) == list(recorded)
    assert list(one["state"]) == list(recorded["state"])
    rolled = api.call("POST", f"{path}/rollback", {"version": 1}, key=key).json["data"]
    assert keys(rolled) == keys(RECORDED["v2_rollback_v1"]["data"])
    assert api.call("DELETE", f"{path}/deploy", key=key).json == {
        "data": {**RECORDED["v2_undeploy"]["data"], "id": workflow_id}}  # fmt: skip
    historical = api.get(f"{path}/deployment").json["data"]
    assert keys(historical) == keys(RECORDED["v2_deployment_after_undeploy"]["data"])
    assert historical["warnings"] == RECORDED["v2_deployment_after_undeploy"]["data"]["warnings"]
    assert historical["latestDeploymentAttempt"]["isCurrent"] is False
    got = api.get(path).json["data"]
    assert keys(got) == keys(RECORDED["v2_get_ok"]["data"])
    assert got["inputs"] == [{"name": "name", "type": "string"}]
    patched = api.call("PATCH", path, {"name": "renamed", "description": None}).json["data"]
    assert keys(patched) == keys(RECORDED["v2_patch"]["data"])
    assert (patched["name"], patched["description"]) == ("renamed", None)
    assert api.call("DELETE", path).json == {"data": {"id": workflow_id, "deleted": True}}


def test_v2_create_list_and_folders_have_the_recorded_shapes(api: Api) -> None:
    folder = api.call("POST", f"{V2}/folders", {"workspaceId": "ws-local", "path": "/SDK%20Probe"})
    assert folder.status == 201
    assert keys(folder.json) == keys(RECORDED["v2_folder_create"])
    assert folder.json["data"]["name"] == "SDK Probe"
    created = api.call("POST", V2, {"workspaceId": "ws-local", "name": "  created  ",
                                    "folderPath": "/SDK%20Probe"})  # fmt: skip
    assert created.status == 201
    assert keys(created.json) == keys(RECORDED["v2_create_in_folder"])
    assert created.json["data"]["name"] == "created"
    listed = api.get(f"{V2}?workspaceId=ws-local&limit=1")
    assert keys(listed.json) == keys(RECORDED["v2_list_limit1_p1"])
    assert keys(api.get(f"{V2}/folders?workspaceId=ws-local").json) == keys(
        RECORDED["v2_folders_list"]
    )
    gone = api.call("DELETE", f"{V2}/folders?workspaceId=ws-local&path=%2FSDK%2520Probe"
                    "&recursive=true")  # fmt: skip
    assert keys(gone.json) == keys(RECORDED["v2_folder_delete_recursive"])
    assert gone.json["data"]["deletedItems"] == {"folders": 1, "workflows": 1}
    exported = api.get(f"{V2}/echo/export").json["data"]
    assert keys(exported["workflow"]) == keys(RECORDED["v2_export_in_folder"]["data"]["workflow"])


# -- keys ---------------------------------------------------------------------------------------


def test_who_may_do_what_per_version(api: Api, sim_server: LocalSimServer) -> None:
    other, personal = sim_server.other_api_key, sim_server.personal_key
    workflow_id = _import(api)["id"]
    path = f"{V2}/{workflow_id}"
    assert _error(api.get(f"{V1}?workspaceId=ws-local", key=other)) == (
        "API key is not authorized for this workspace"
    )
    assert api.get(f"{V1}?workspaceId=ws-local", key=personal).status == 200
    for method, route in [("GET", ""), ("GET", "/export"), ("POST", "/deploy")]:
        hidden = api.call(method, f"{V1}/{workflow_id}{route}", key=other)
        assert (hidden.status, _error(hidden)) == (404, "Workflow not found")
    refused = api.call("POST", f"{V1}/import", {"workspaceId": "ws-local", "workflow": greeter()},
                       key=other)  # fmt: skip
    assert refused.status == 403
    assert _error(api.get(f"{V2}?workspaceId=ws-local", key=other)) == (
        "Workspace API key cannot access this workspace"
    )
    for method, route, body in [("GET", "", None), ("PATCH", "", {"name": "x"}),
                                ("GET", "/versions", None), ("DELETE", "", None)]:  # fmt: skip
        hidden = api.call(method, path + route, body, key=other)
        assert (hidden.status, hidden.json["error"]["code"]) == (404, "NOT_FOUND")
    for method, route in [("POST", "/deploy"), ("DELETE", "/deploy"), ("POST", "/rollback")]:
        denied = api.call(method, path + route, {"version": 1} if "roll" in route else None)
        assert denied.status == 403
        assert denied.json["error"] == {
            "code": "FORBIDDEN", "message": "Workspace API key cannot perform this operation",
            "details": {"code": "WORKSPACE_KEY_OPERATION_NOT_PERMITTED"}}  # fmt: skip
    assert api.call("POST", f"{path}/deploy", key=personal).status == 200
    assert api.call("POST", f"{V1}/{workflow_id}/deploy").status == 200  # v1 allows the ws key
    assert api.call("POST", f"{V1}/{workflow_id}/rollback").status == 200
    assert api.call("DELETE", f"{V1}/{workflow_id}/deploy").status == 200
    assert api.get(path, key=personal).status == 200


def test_other_workspaces_refuse_writes(api: Api, sim_server: LocalSimServer) -> None:
    other = sim_server.other_api_key
    body = {"workspaceId": "ws-local", "workflow": greeter()}
    assert api.call("POST", f"{V2}/import", body, key=other).status == 403
    folder = {"workspaceId": "ws-local", "path": "/Nope"}
    assert api.call("POST", f"{V2}/folders", folder, key=other).status == 403
    assert api.call("DELETE", f"{V2}/folders?workspaceId=ws-local&path=%2FNope",
                    key=other).status == 403  # fmt: skip
    # The personal key's user is only a reader of the other workspace: no writes there.
    elsewhere = {"workspaceId": sim_server.other_workspace_id, "workflow": greeter()}
    denied = api.call("POST", f"{V2}/import", elsewhere, key=sim_server.personal_key)
    assert (denied.status, _error(denied)) == (403, "Write permission is required to import "
                                                    "workflows")  # fmt: skip
    assert api.call("POST", f"{V2}/import", elsewhere, key=other).status == 201


def test_no_key_and_bad_keys(api: Api) -> None:
    assert api.get(f"{V1}/echo", key=False).json == {"error": "API key required"}
    assert api.get(f"{V1}/echo", key="nope").json == {"error": "Invalid API key"}
    assert api.get(f"{V2}?workspaceId=ws-local", key="nope").json == {
        "error": {"code": "UNAUTHORIZED", "message": "Invalid API key"}}  # fmt: skip


# -- strictness and validation --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "body", "message"),
    [
        ("GET", f"{V2}?workspaceId=ws-local&foo=bar", None, 'Unrecognized key: "foo"'),
        ("GET", f"{V2}?workspaceId=ws-local&sortBy=bogus", None,
         'Invalid option: expected one of "position"|"name"|"createdAt"|"updatedAt"|"runCount"'),
        ("GET", f"{V2}?workspaceId=ws-local&limit=500", None, "limit cannot exceed 100"),
        ("GET", f"{V2}/folders?workspaceId=ws-local&limit=1", None, 'Unrecognized key: "limit"'),
        ("GET", f"{V2}/folders?workspaceId=ws-local&parentPath=/SDK%20Probe", None,
         "Path must be a canonical folder path"),
        ("POST", f"{V2}/import", {"workspaceId": "ws-local", "workflow": greeter(),
                                  "folderId": None}, 'Unrecognized key: "folderId"'),
        ("POST", f"{V2}/import", {"workspaceId": "ws-local", "workflow": {}},
         "workflow cannot be empty"),
        ("POST", f"{V2}/import", {"workspaceId": "ws-local", "workflow": {"hello": "world"}},
         "Invalid workflow: Missing or invalid field: blocks"),
        ("POST", V2, {"workspaceId": "ws-local", "name": "x", "folderId": "y"},
         'Unrecognized key: "folderId"'),
        ("POST", V2, {"workspaceId": "ws-local"}, "name is required"),
        ("POST", V2, {"workspaceId": "ws-local", "name": "x", "folderPath": "/SDK Probe/Child"},
         "Path must be a canonical folder path"),
        ("PATCH", f"{V2}/echo", {}, "At least one of name, description, or folderPath is "
                                    "required"),
        ("PATCH", f"{V2}/echo", {"name": "x", "bogus": True}, 'Unrecognized key: "bogus"'),
        ("POST", f"{V2}/folders", {"workspaceId": "ws-local", "path": "/X", "name": "X"},
         'Unrecognized key: "name"'),
        ("POST", f"{V2}/folders", {"workspaceId": "ws-local", "path": "/SDK Probe"},
         "Path must be a canonical folder path"),
        ("POST", f"{V2}/folders", {"workspaceId": "ws-local", "path": "/a%2fb"},
         "Path must be a canonical folder path"),
        ("POST", f"{V2}/folders", {"workspaceId": "ws-local", "path": "/"},
         "The root path cannot be mutated"),
        ("DELETE", f"{V2}/folders?workspaceId=ws-local&path=%2FX&recursive=True", None,
         'Invalid option: expected one of "true"|"1"|"yes"|"on"|"y"|"enabled"|"false"|"0"|'
         '"no"|"off"|"n"|"disabled"'),
        ("GET", f"{V2}/echo/versions/abc", None, "Invalid input: expected number, received NaN"),
        ("GET", f"{V1}", None, "Workspace ID is required"),
        ("GET", f"{V1}?workspaceId=ws-local&limit=101", None,
         "Too big: expected number to be <=100"),
        ("POST", f"{V1}/import", {"workflow": greeter()}, "Workspace ID is required"),
        ("POST", f"{V1}/import", {"workspaceId": "ws-local", "workflow": {}},
         "workflow cannot be empty"),
        ("POST", f"{V1}/echo/deploy", {"name": ""}, "Name cannot be empty"),
        ("POST", f"{V1}/echo/rollback", {"version": 0}, "version must be a positive integer"),
    ],
)  # fmt: skip
def test_bad_requests_get_the_recorded_400s(
    api: Api, method: str, path: str, body: Any, message: str
) -> None:
    reply = api.call(method, path, body, key=api.server.personal_key)
    assert (reply.status, _error(reply)) == (400, message)
    if path.startswith(V2):
        assert reply.json["error"]["code"] == "BAD_REQUEST"


def test_v2_deploy_and_rollback_bodies_are_strict(api: Api, sim_server: LocalSimServer) -> None:
    key = sim_server.personal_key
    for route, body in [("/deploy", {"bogus": 1}), ("/rollback", {"version": 1, "x": 1})]:
        reply = api.call("POST", f"{V2}/echo{route}", body, key=key)
        assert reply.status == 400
        assert reply.json["error"]["details"][0]["code"] == "unrecognized_keys"


def test_v1_ignores_unknown_keys(api: Api) -> None:
    assert api.get(f"{V1}?workspaceId=ws-local&foo=bar").status == 200
    extra = {"workspaceId": "ws-local", "workflow": greeter(), "bogus": 1}
    assert api.call("POST", f"{V1}/import", extra).status == 201


def test_imports_take_a_json_string_and_default_to_the_exports_words(api: Api) -> None:
    import json

    body = {"workspaceId": "ws-local", "workflow": json.dumps(greeter())}
    data = api.call("POST", f"{V1}/import", body).json["data"]
    assert (data["name"], data["description"]) == ("greeter", "says hello")
    assert api.get(f"{V1}/{data['id']}").json["data"]["isDeployed"] is False
    exported = api.get(f"{V2}/{data['id']}/export").json["data"]
    assert set(exported["state"]["blocks"]).isdisjoint(greeter()["state"]["blocks"])


# -- pages ----------------------------------------------------------------------------------------


def test_v1_pages_omit_the_cursor_at_the_end(api: Api) -> None:
    for name in ("a", "b"):
        _import(api, name=name)
    seen, cursor, pages = [], None, 0
    while True:
        query = "?workspaceId=ws-local&limit=3" + (f"&cursor={cursor}" if cursor else "")
        page = api.get(V1 + query).json
        seen += [item["name"] for item in page["data"]]
        pages += 1
        if "nextCursor" not in page:
            break
        cursor = page["nextCursor"]
    assert pages == 3
    assert seen[:2] == ["b", "a"]  # imports come first, newest first
    assert len(seen) == len(set(seen)) == 9


def test_v2_cursors_end_with_null_and_are_bound_to_filters(api: Api) -> None:
    for name in ("probe one", "probe two", "other"):
        _import(api, name=name)
    first = api.get(f"{V2}?workspaceId=ws-local&limit=1&search=PROBE").json
    cursor = first["nextCursor"]
    second = api.get(f"{V2}?workspaceId=ws-local&limit=1&search=PROBE&cursor={cursor}").json
    assert _names_of(first) + _names_of(second) == ["probe two", "probe one"]
    assert second["nextCursor"] is None
    changed = api.get(f"{V2}?workspaceId=ws-local&limit=1&deployedOnly=true&cursor={cursor}")
    assert (changed.status, _error(changed)) == (400, FILTERS_CHANGED)
    by_name = api.get(f"{V2}?workspaceId=ws-local&search=probe&sortBy=name&sortOrder=desc")
    assert _names(by_name) == ["probe two", "probe one"]
    assert "other" in _names(api.get(f"{V2}?workspaceId=ws-local&deployedOnly=false"))
    assert "other" not in _names(api.get(f"{V2}?workspaceId=ws-local&deployedOnly=true"))


def _names_of(page: Dict[str, Any]) -> List[str]:
    return [item["name"] for item in page["data"]]


def test_version_cursors_belong_to_their_workflow(api: Api, sim_server: LocalSimServer) -> None:
    key = sim_server.personal_key
    one, two = _import(api)["id"], _import(api)["id"]
    for _ in range(2):
        api.call("POST", f"{V2}/{one}/deploy", key=key)
    first = api.get(f"{V2}/{one}/versions?limit=1").json
    assert [v["version"] for v in first["data"]] == [2]
    cursor = first["nextCursor"]
    second = api.get(f"{V2}/{one}/versions?limit=1&cursor={cursor}").json
    assert ([v["version"] for v in second["data"]], second["nextCursor"]) == ([1], None)
    assert api.get(f"{V2}/{two}/versions?limit=1&cursor={cursor}").status == 400


# -- folders ------------------------------------------------------------------------------------


def test_folders_are_paths_and_what_is_inside_follows_them(api: Api) -> None:
    def post(path: str) -> Reply:
        return api.call("POST", f"{V2}/folders", {"workspaceId": "ws-local", "path": path})

    assert post("/SDK%20Probe").status == 201
    child = post("SDK%20Probe/Child")  # the leading slash is added
    assert child.json["data"]["parentPath"] == "/SDK%20Probe"
    assert (post("/SDK%20Probe").status, _error(post("/SDK%20Probe"))) == (
        409, "A folder with this name already exists in this location")  # fmt: skip
    assert _error(post("/Auto/Parent/Leaf")) == "Parent folder not found"
    inside = _import(api, folderPath="/SDK%20Probe/Child")
    assert inside["folderPath"] == "/SDK%20Probe/Child"
    parent = api.get(f"{V2}/folders?workspaceId=ws-local&parentPath=%2FSDK%2520Probe").json
    assert [f["name"] for f in parent["data"]] == ["Child"]
    assert [f["name"] for f in api.get(f"{V2}/folders?workspaceId=ws-local&search=child")
            .json["data"]] == ["Child"]  # fmt: skip
    in_folder = api.get(f"{V2}?workspaceId=ws-local&folderPath=%2FSDK%2520Probe%2FChild")
    assert _names(in_folder) == ["greeter"]
    assert api.get(f"{V2}?workspaceId=ws-local&folderPath=%2FDoesNotExist").json["data"] == []
    move = {"workspaceId": "ws-local", "path": "/SDK%20Probe",
            "destinationPath": "/SDK%20Probe%20Renamed"}  # fmt: skip
    renamed = api.call("PATCH", f"{V2}/folders", move)
    assert renamed.json["data"]["path"] == "/SDK%20Probe%20Renamed"
    assert api.get(f"{V2}/{inside['id']}").json["data"]["folderPath"] == (
        "/SDK%20Probe%20Renamed/Child"
    )
    assert _error(api.call("PATCH", f"{V2}/folders", move)) == "Folder not found"
    same = {**move, "path": "/SDK%20Probe%20Renamed"}
    assert _error(api.call("PATCH", f"{V2}/folders", same)) == (
        "destinationPath must differ from path"
    )
    raw = {"workspaceId": "ws-local", "path": "/SDK Probe", "destinationPath": "/SDK Probe 2"}
    both = api.call("PATCH", f"{V2}/folders", raw).json["error"]["details"]
    assert [issue["path"] for issue in both] == [["path"], ["destinationPath"]]


def test_deleting_a_folder_recursively_deletes_its_workflows(api: Api) -> None:
    api.call("POST", f"{V2}/folders", {"workspaceId": "ws-local", "path": "/Doomed"})
    api.call("POST", f"{V2}/folders", {"workspaceId": "ws-local", "path": "/Doomed/Inner"})
    ids = [_import(api, folderPath=p)["id"] for p in ("/Doomed", "/Doomed/Inner", "/Doomed")]
    path = f"{V2}/folders?workspaceId=ws-local&path=%2FDoomed"
    assert (api.call("DELETE", path).status, _error(api.call("DELETE", path))) == (
        409, "Folder is not empty")  # fmt: skip
    gone = api.call("DELETE", path + "&recursive=true").json["data"]
    assert gone == {"path": "/Doomed", "deleted": True,
                    "deletedItems": {"folders": 2, "workflows": 3}}  # fmt: skip
    assert [api.get(f"{V2}/{i}").status for i in ids] == [404, 404, 404]
    assert api.call("DELETE", path + "&recursive=true").status == 404


def test_rate_limit_counters_per_version(api: Api) -> None:
    def remaining(reply: Reply) -> int:
        return int(reply.headers["X-RateLimit-Remaining"])

    v1 = [api.get(f"{V1}?workspaceId=ws-local"), api.get(f"{V1}/echo"),
          api.get(f"{V1}/echo/export")]  # fmt: skip
    assert [remaining(r) for r in v1] == [999998, 999997, 999996]  # one v1 counter
    v2 = [api.get(f"{V2}?workspaceId=ws-local"), api.get(f"{V2}/echo/export"),
          api.get(f"{V2}/echo"), api.get(f"{V2}/echo/deployment")]  # fmt: skip
    assert [remaining(r) for r in v2] == [999998, 999998, 999998, 999997]


def test_a_server_without_v2_serves_v1_only(sim_server_factory: Any) -> None:
    server = sim_server_factory(v2_api=False)
    api = Api(server)
    assert api.get(f"{V2}?workspaceId=ws-local").status == 404
    assert api.get(f"{V1}?workspaceId=ws-local").status == 200
    assert _import(api, "v1")["folderId"] is None

"""Imported workflows on the local server: deploy makes them run, versions and rollbacks decide
what runs, undeploy and delete stop them; blocks run as documented."""

from __future__ import annotations

import json
from typing import Any, Dict

from _workflow_bodies import REPLY_ID, START_ID, greeter
from localsim_helpers import Api, Reply

from simstudio.testing import LocalSimServer

V1 = "/api/v1/workflows"
V2 = "/api/v2/workflows"


def _import(api: Api, document: Dict[str, Any], workspace: str = "ws-local", key: Any = True,
            ) -> str:  # fmt: skip
    body = {"workspaceId": workspace, "workflow": document}
    reply = api.call("POST", f"{V2}/import", body, key=key)
    assert reply.status == 201, reply
    return str(reply.json["data"]["id"])


def _greet(api: Api, workflow_id: str, key: Any = True) -> Reply:
    return api.call("POST", f"/api/workflows/{workflow_id}/execute", {"name": "Ada"}, key=key)


def _error(reply: Reply) -> Any:
    return reply.json["error"]


def test_deploy_runs_the_active_version_and_rollback_picks_another(
    api: Api, sim_server: LocalSimServer
) -> None:
    key = sim_server.personal_key
    workflow_id = _import(api, greeter("Hello"))
    assert (_greet(api, workflow_id).status, _error(_greet(api, workflow_id))) == (
        403, "Workflow is not deployed")  # fmt: skip
    assert api.call("POST", f"{V1}/{workflow_id}/deploy").json["data"]["version"] == 1
    assert _greet(api, workflow_id).json == {"greeting": "Hello, Ada!"}  # a Response block
    v2_run = api.call("POST", f"{V2}/{workflow_id}/execute", {"input": {"name": "Ada"}})
    assert v2_run.json["data"]["output"]["data"] == {"greeting": "Hello, Ada!"}
    sim_server.edit_workflow(workflow_id, greeter("Howdy"))  # as Sim's editor would
    assert api.get(f"{V2}/{workflow_id}/deployment").json["data"]["needsRedeployment"] is True
    assert _greet(api, workflow_id).json == {"greeting": "Hello, Ada!"}  # until deployed
    assert api.call("POST", f"{V2}/{workflow_id}/deploy", key=key).json["data"]["version"] == 2
    assert _greet(api, workflow_id).json == {"greeting": "Howdy, Ada!"}
    back = api.call("POST", f"{V2}/{workflow_id}/rollback", key=key).json["data"]
    assert (back["version"], back["latestDeploymentAttempt"]["action"]) == (1, "activate")
    assert _greet(api, workflow_id).json == {"greeting": "Hello, Ada!"}
    nothing_below = api.call("POST", f"{V2}/{workflow_id}/rollback", key=key)
    assert (nothing_below.status, _error(nothing_below)["message"]) == (
        400, "No previous deployment version to roll back to")  # fmt: skip
    forward = api.call("POST", f"{V1}/{workflow_id}/rollback", {"version": 2})
    assert forward.json["data"]["version"] == 2
    assert _greet(api, workflow_id).json == {"greeting": "Howdy, Ada!"}
    missing = api.call("POST", f"{V1}/{workflow_id}/rollback", {"version": 99})
    assert (missing.status, _error(missing)) == (404, "Deployment version not found")
    assert api.get(f"{V2}/{workflow_id}/versions/99").status == 404
    versions = api.get(f"{V2}/{workflow_id}/versions").json["data"]
    assert [(v["version"], v["isActive"]) for v in versions] == [(2, True), (1, False)]


def test_undeploy_and_delete_stop_the_workflow(api: Api, sim_server: LocalSimServer) -> None:
    workflow_id = _import(api, greeter())
    api.call("POST", f"{V1}/{workflow_id}/deploy")
    assert api.call("DELETE", f"{V1}/{workflow_id}/deploy").status == 200
    again = api.call("DELETE", f"{V1}/{workflow_id}/deploy")
    assert (again.status, _error(again)) == (400, "Workflow is not deployed")
    assert _error(_greet(api, workflow_id)) == "Workflow is not deployed"
    v2_run = api.call("POST", f"{V2}/{workflow_id}/execute", {"input": {}})
    assert (v2_run.status, _error(v2_run)) == (403, {
        "code": "FORBIDDEN", "message": "Workflow is not deployed",
        "details": {"code": "WORKFLOW_NOT_DEPLOYED"}})  # fmt: skip
    not_deployed = api.call("POST", f"{V1}/{workflow_id}/rollback", {"version": 1})
    assert (not_deployed.status, _error(not_deployed)) == (400, "Workflow is not deployed")
    status = api.get(f"/api/workflows/{workflow_id}/status").json
    assert status["isDeployed"] is False
    api.call("POST", f"{V1}/{workflow_id}/deploy")
    assert api.call("DELETE", f"{V2}/{workflow_id}").status == 200  # deployed: still fine
    assert (_greet(api, workflow_id).status, _error(_greet(api, workflow_id))) == (
        404, "Workflow not found")  # fmt: skip
    assert api.get(f"{V1}/{workflow_id}").status == 404
    assert api.call("DELETE", f"{V2}/{workflow_id}").status == 404


def test_a_workflow_imported_elsewhere_runs_with_that_workspaces_key(
    api: Api, sim_server: LocalSimServer
) -> None:
    other = sim_server.other_api_key
    workflow_id = _import(api, greeter(), sim_server.other_workspace_id, key=other)
    assert api.call("POST", f"{V1}/{workflow_id}/deploy", key=other).status == 200
    assert _greet(api, workflow_id, key=other).json == {"greeting": "Hello, Ada!"}
    assert api.get(f"/api/workflows/{workflow_id}/status", key=other).json["isDeployed"]
    assert _greet(api, workflow_id).status == 403  # the main workspace's key
    assert api.get(f"/api/workflows/{workflow_id}/status").status == 404
    listed = api.get(f"{V2}?workspaceId={sim_server.other_workspace_id}", key=other).json
    assert [w["id"] for w in listed["data"]] == [workflow_id]


def test_registered_block_types_run_and_unknown_ones_echo(
    api: Api, sim_server: LocalSimServer
) -> None:
    document = greeter()
    document["state"]["blocks"][REPLY_ID]["type"] = "shout"
    workflow_id = _import(api, document)
    api.call("POST", f"{V1}/{workflow_id}/deploy")
    assert _greet(api, workflow_id).json["output"] == {"input": {"name": "Ada"}}
    sim_server.add_block_type("shout", lambda received, block: {
        "text": f"{block['name']}: {received['name'].upper()}!"})  # fmt: skip
    assert _greet(api, workflow_id).json["output"] == {"text": "Reply: ADA!"}


def test_built_in_workflows_are_listed_and_deployable(api: Api, sim_server: LocalSimServer) -> None:
    listed = {w["id"]: w for w in api.get(f"{V1}?workspaceId=ws-local").json["data"]}
    assert (listed["echo"]["isDeployed"], listed["undeployed"]["isDeployed"]) == (True, False)
    assert api.call("POST", f"{V1}/undeployed/deploy").json["data"]["version"] == 1
    assert api.call("POST", "/api/workflows/undeployed/execute", {"a": 1}).status == 200
    assert api.call("DELETE", f"{V1}/echo/deploy").status == 200
    assert api.call("POST", "/api/workflows/echo/execute", {"a": 1}).status == 403
    copy = _import(api, api.get(f"{V2}/agent/export").json["data"])
    api.call("POST", f"{V1}/{copy}/deploy")
    ran = api.call("POST", f"/api/workflows/{copy}/execute", {"message": "hi"}).json
    assert ran["output"] == {"input": {"message": "hi"}}  # an agent block the server cannot run


def test_short_block_ids_are_renamed_as_ids_not_as_words(api: Api) -> None:
    document = json.loads(
        json.dumps(greeter()).replace(START_ID, "start").replace(REPLY_ID, "reply")
    )
    document["state"]["edges"][0]["sourceHandle"] = f"condition-{START_ID}-if"
    workflow_id = _import(api, document)
    state = api.get(f"{V2}/{workflow_id}/export").json["data"]["state"]
    assert {block["type"] for block in state["blocks"].values()} == {"start_trigger", "response"}
    assert "start" not in state["blocks"]
    edge = state["edges"][0]
    assert (edge["source"], edge["target"]) != ("start", "reply")
    assert edge["sourceHandle"] == f"condition-{START_ID}-if"  # no block has that id any more
    api.call("POST", f"{V1}/{workflow_id}/deploy")
    assert _greet(api, workflow_id).json == {"greeting": "Hello, Ada!"}

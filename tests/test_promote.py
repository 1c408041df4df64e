"""simstudio.promote against LocalSimServer: across workspaces and keys, safe to re-run, and a
failed deploy or check leaves the target workspace as it was."""

from __future__ import annotations

import json
import re
from typing import Any, Iterator, List, Tuple

import pytest
from _workflow_bodies import REPLY_ID, START_ID, greeter

from simstudio import SimStudioClient, promote
from simstudio._workflow_content import canonical_content
from simstudio.testing import Fault, LocalSimServer

DEPLOYS = re.compile(r"^/api/v[12]/workflows/[^/]+/deploy$")


@pytest.fixture
def source(sim_server: LocalSimServer) -> Iterator[SimStudioClient]:
    with SimStudioClient(sim_server.api_key, sim_server.base_url) as client:
        yield client


@pytest.fixture
def target(sim_server: LocalSimServer) -> Iterator[SimStudioClient]:
    with SimStudioClient(sim_server.other_api_key, sim_server.base_url) as client:
        yield client


def _greeter_in(client: SimStudioClient) -> str:
    return client.workflows.import_(greeter(), name="greeter").id


def _workspace(client: SimStudioClient) -> List[Tuple[str, str, bool]]:
    return sorted((w.id, w.name, w.is_deployed) for w in client.workflows.list())


def test_promote_to_another_workspace_then_run_it(
    source: SimStudioClient, target: SimStudioClient
) -> None:
    workflow_id = _greeter_in(source)
    report = promote(source, workflow_id, target)
    assert report.ok, report.summary()
    assert (report.created, report.changed, report.version, report.previous_version) == (
        True, True, 1, None)  # fmt: skip
    assert [s.action for s in report.steps] == ["export", "find", "import", "deploy", "verify"]
    promoted = target.execute_workflow(report.target_workflow_id or "", {"name": "Ada"})
    assert promoted.output == {"greeting": "Hello, Ada!"}
    assert report.summary().endswith("'greeter' promoted")


def test_running_it_again_changes_nothing(source: SimStudioClient, target: SimStudioClient) -> None:
    workflow_id = _greeter_in(source)
    first = promote(source, workflow_id, target)
    before = _workspace(target)
    again = promote(source, workflow_id, target)
    assert again.ok
    assert (again.target_workflow_id, again.created, again.changed) == (
        first.target_workflow_id, False, False)  # fmt: skip
    assert [s.action for s in again.steps] == ["export", "find", "deploy", "verify"]
    assert "reusing it" in again.steps[1].detail
    assert _workspace(target) == before
    versions = target.workflows.versions(first.target_workflow_id or "")
    assert [v.version for v in versions] == [1]  # no new version either


def test_a_failed_deploy_leaves_the_target_as_it_was(
    sim_server: LocalSimServer, source: SimStudioClient, target: SimStudioClient
) -> None:
    workflow_id = _greeter_in(source)
    before = _workspace(target)
    sim_server.inject(Fault(status=500, body={"error": "deploy exploded"}), path=DEPLOYS,
                      method="POST")  # fmt: skip
    report = promote(source, workflow_id, target)
    assert not report.ok
    assert (report.rolled_back, report.restored, report.target_workflow_id) == (True, True, None)
    assert "deploy exploded" in str(report.error)
    assert [(s.action, s.ok) for s in report.steps] == [
        ("export", True), ("find", True), ("import", True), ("deploy", False), ("delete", True)]
    assert _workspace(target) == before
    sim_server.clear_faults()
    assert promote(source, workflow_id, target).ok  # and it can simply be run again


def test_a_failed_check_rolls_back_to_the_version_that_was_live(
    sim_server: LocalSimServer, source: SimStudioClient, target: SimStudioClient
) -> None:
    workflow_id = _greeter_in(source)
    live = promote(source, workflow_id, target).target_workflow_id or ""
    # The same change made in both workspaces' editors: the target's copy needs a redeploy.
    sim_server.edit_workflow(workflow_id, greeter("Howdy"))
    sim_server.edit_workflow(live, greeter("Howdy"))
    checked: List[Any] = []

    def smoke_test(client: SimStudioClient, promoted: str) -> None:
        checked.append(client.execute_workflow(promoted, {"name": "Ada"}).output)
        raise AssertionError("the new greeting is not approved")

    report = promote(source, workflow_id, target, check=smoke_test)
    assert checked == [{"greeting": "Howdy, Ada!"}]  # version 2 ran
    assert (report.ok, report.created, report.previous_version, report.version) == (
        False, False, 1, 1)  # fmt: skip
    assert report.steps[-1].detail == "rolled back to version 1"
    assert target.workflows.deployment(live).active_version == 1
    assert target.execute_workflow(live, {"name": "Ada"}).output == {"greeting": "Hello, Ada!"}


def test_a_changed_source_is_imported_next_to_the_old_copy(
    sim_server: LocalSimServer, source: SimStudioClient, target: SimStudioClient
) -> None:
    workflow_id = _greeter_in(source)
    old = promote(source, workflow_id, target).target_workflow_id
    sim_server.edit_workflow(workflow_id, greeter("Howdy"))
    new = promote(source, workflow_id, target)
    assert new.ok
    assert new.created
    assert new.target_workflow_id != old
    assert "1 of that name with other content left as they are" in new.steps[1].detail
    assert target.workflows.get(old or "").is_deployed  # untouched


def test_a_key_without_write_permission_changes_nothing(
    sim_server: LocalSimServer, source: SimStudioClient, target: SimStudioClient
) -> None:
    reader = SimStudioClient(sim_server.personal_key, sim_server.base_url,
                             workspace_id=sim_server.other_workspace_id)  # fmt: skip
    with reader:
        report = promote(source, _greeter_in(source), reader, name="copy")
    assert not report.ok
    assert report.steps[-1].action == "import"
    assert "Write permission" in (report.error or "")
    assert [w.name for w in target.workflows.list()] == []


def test_into_a_folder_and_back_again(source: SimStudioClient, target: SimStudioClient) -> None:
    target.workflows.folders.create("/Prod")
    workflow_id = _greeter_in(source)
    first = promote(source, workflow_id, target, folder="/Prod", name="greeter (prod)")
    assert target.workflows.get(first.target_workflow_id or "").folder == "/Prod"
    again = promote(source, workflow_id, target, folder="/Prod", name="greeter (prod)")
    assert again.target_workflow_id == first.target_workflow_id
    elsewhere = promote(source, workflow_id, target, name="greeter (prod)")  # the top level
    assert elsewhere.target_workflow_id != first.target_workflow_id


def test_on_a_v1_only_target_the_leftover_is_reported_and_reused(
    sim_server_factory: Any,
) -> None:
    server = sim_server_factory(v2_api=False)
    client = SimStudioClient(server.api_key, server.base_url, workspace_id=server.workspace_id)
    with client:
        workflow_id = client.workflows.import_(greeter(), name="greeter").id
        server.inject(Fault(status=503, body={"error": "busy"}), path=DEPLOYS, times=1)
        failed = promote(client, workflow_id, client, name="copy")
        assert (failed.ok, failed.restored) == (False, False)
        assert "left undeployed" in failed.steps[-1].detail
        retried = promote(client, workflow_id, client, name="copy")
        assert retried.ok
        assert retried.target_workflow_id == failed.target_workflow_id


def test_content_digests_ignore_ids_names_and_timestamps() -> None:
    document = greeter()
    renamed = greeter()
    renamed["workflow"]["name"] = "other"
    renamed["exportedAt"] = "2030-01-01T00:00:00.000Z"
    renamed["state"] = json.loads(json.dumps(renamed["state"]).replace("6f1c8a52", "0000aaaa"))
    assert canonical_content(renamed) == canonical_content(document)
    assert canonical_content(greeter("Howdy")) != canonical_content(document)
    short = json.dumps(document).replace(START_ID, "start").replace(REPLY_ID, "reply")
    assert canonical_content(json.loads(short)) == canonical_content(document)


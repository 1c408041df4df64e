"""``simstudio workflows``: list, export, import, deploy, undeploy, versions and rollback against
the local server, in words and with ``--json``; usage errors and API errors by exit code."""

from __future__ import annotations

import io
import json

import pytest
from _workflow_bodies import greeter

from simstudio.cli import main


@pytest.fixture
def env(monkeypatch, sim_server):
    monkeypatch.setenv("SIM_API_KEY", sim_server.api_key)
    monkeypatch.setenv("SIM_BASE_URL", sim_server.base_url)
    return sim_server


def run_cli(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def json_out(capsys, *argv):
    code, out, err = run_cli(capsys, *argv, "--json")
    assert code == 0, err
    return json.loads(out)


def test_export_import_deploy_rollback_round_trip(capsys, env, tmp_path):
    target = tmp_path / "greeter.json"
    target.write_text(json.dumps(greeter()), encoding="utf-8")
    imported = json_out(capsys, "workflows", "import", str(target), "--name", "from cli")
    workflow_id = imported["id"]
    assert (imported["name"], imported["is_deployed"]) == ("from cli", False)
    code, out, _ = run_cli(capsys, "workflows", "deploy", workflow_id, "--name", "first")
    assert (code, out) == (0, f"deployed {workflow_id} as version 1\n")
    second = json_out(capsys, "workflows", "deploy", workflow_id)
    assert (second["version"], second["active_version"]) == (2, 2)
    code, out, _ = run_cli(capsys, "workflows", "versions", workflow_id)
    lines = out.splitlines()
    assert lines[0].startswith("*    2  ")
    assert lines[1].startswith("     1  ")
    assert lines[1].endswith("  first")
    assert [v["version"] for v in json_out(capsys, "workflows", "versions", workflow_id)] == [
        2, 1]  # fmt: skip
    code, out, _ = run_cli(capsys, "workflows", "rollback", workflow_id)
    assert out == f"rolled {workflow_id} back to version 1\n"
    assert json_out(capsys, "workflows", "rollback", workflow_id, "2")["version"] == 2
    code, out, _ = run_cli(capsys, "workflows", "undeploy", workflow_id)
    assert (code, out) == (0, f"undeployed {workflow_id}\n")
    exported = tmp_path / "exported.json"
    code, out, _ = run_cli(capsys, "workflows", "export", workflow_id, "-o", str(exported))
    assert out == f"exported {workflow_id} to {exported}\n"
    document = json.loads(exported.read_text(encoding="utf-8"))
    assert document["workflow"]["name"] == "from cli"
    code, out, _ = run_cli(capsys, "workflows", "export", workflow_id)
    assert json.loads(out)["state"]["blocks"] == document["state"]["blocks"]


def test_list_in_words_and_json(capsys, env):
    code, out, _ = run_cli(capsys, "workflows", "list", "--search", "echo")
    assert (code, out) == (0, "echo  Echo  (/, deployed)\n")
    listed = json_out(capsys, "workflows", "list", "--deployed-only")
    assert "undeployed" not in [w["id"] for w in listed]
    assert {"id", "name", "folder", "is_deployed"} <= set(listed[0])
    code, out, _ = run_cli(capsys, "workflows", "list", "--folder", "/Nowhere")
    assert out == "no workflows\n"


def test_import_from_standard_input(capsys, env, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(greeter())))
    code, out, _ = run_cli(capsys, "workflows", "import", "-")
    assert code == 0
    assert out.startswith("imported 'greeter' as ")


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["workflows", "rollback", "echo", "0"], 2, "VERSION must be a whole number"),
        (["workflows", "import", "missing.json"], 2, "cannot read 'missing.json'"),
        (["workflows", "rollback", "echo", "99"], 3, "Deployment version not found"),
        (["workflows", "deploy", "nope"], 3, "Workflow not found"),
        (["workflows", "versions", "nope"], 3, "Workflow not found"),
    ],
)
def test_mistakes_and_refusals_exit_with_their_codes(capsys, env, argv, code, message):
    got, _, err = run_cli(capsys, *argv)
    assert got == code
    assert message in err

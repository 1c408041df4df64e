"""``simstudio workspaces`` and ``simstudio members WS``."""

from __future__ import annotations

import json

import pytest

from simstudio.cli import main


@pytest.fixture
def env(monkeypatch, sim_server):
    monkeypatch.setenv("SIM_API_KEY", sim_server.personal_key)
    monkeypatch.setenv("SIM_BASE_URL", sim_server.base_url)
    return sim_server


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_workspaces_the_personal_key_sees(env, capsys):
    code, out, _ = run(capsys, "workspaces")
    assert code == 0
    assert [line.split()[0] for line in out.splitlines()] == ["ID", "ws-local", "ws-other"]
    code, out, _ = run(capsys, "workspaces", "--json")
    assert [w["member_count"] for w in json.loads(out)] == [1, 2]


def test_members_with_their_permission(env, capsys):
    env.add_member(env.workspace_id, "writer@example.com", "write", name="Writer")
    code, out, _ = run(capsys, "members", env.workspace_id)
    assert code == 0
    rows = [line.split()[:4] for line in out.splitlines()[1:]]
    assert [row[0] for row in rows] == ["user@simstudio.local", "writer@example.com"]
    assert "admin" in out.splitlines()[1]
    assert out.splitlines()[2].split()[1:3] == ["Writer", "write"]
    members = json.loads(run(capsys, "members", env.workspace_id, "--json")[1])
    assert [m["permission"] for m in members] == ["admin", "write"]


def test_members_of_an_unknown_workspace_is_refused(env, capsys):
    code, _, err = run(capsys, "members", "nope")
    assert code == 3
    assert "HTTP 403" in err

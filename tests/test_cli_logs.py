"""``simstudio logs``: filters, relative --since, --limit, --json and its usage errors."""

from __future__ import annotations

import json
import time

import pytest

from simstudio.cli import main
from simstudio.cli.commands._listing import moment


@pytest.fixture
def env(monkeypatch, sim_server):
    monkeypatch.setenv("SIM_API_KEY", sim_server.api_key)
    monkeypatch.setenv("SIM_BASE_URL", sim_server.base_url)
    monkeypatch.delenv("SIM_WORKSPACE_ID", raising=False)
    return sim_server


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_one_line_per_run_newest_first(env, capsys):
    env.add_logs(3, start=time.time() - 7200, workflow_id="old")
    env.add_logs(2, start=time.time() - 60, status=["completed", "failed"], workflow_id="new")
    code, out, _ = run(capsys, "logs")
    lines = out.splitlines()
    assert code == 0
    assert lines[0].split() == ["STARTED", "STATUS", "WORKFLOW", "DURATION", "RUN", "ID"]
    assert [line.split()[1:3] for line in lines[1:]] == [
        ["failed", "new"], ["completed", "new"],
        ["completed", "old"], ["completed", "old"], ["completed", "old"],
    ]  # fmt: skip
    assert "1000 ms" in lines[1]


def test_filters_and_limit(env, capsys):
    env.add_logs(3, start=time.time() - 7200, workflow_id="old")
    env.add_logs(4, start=time.time() - 60, status=["completed", "failed"], workflow_id="new")
    assert len(run(capsys, "logs", "--since", "1h")[1].splitlines()) == 1 + 4
    assert len(run(capsys, "logs", "--level", "error")[1].splitlines()) == 1 + 2
    assert len(run(capsys, "logs", "--workflow", "old", "--workflow", "x")[1].splitlines()) == 4
    assert len(run(capsys, "logs", "--limit", "2")[1].splitlines()) == 1 + 2
    code, out, _ = run(capsys, "logs", "--trigger", "webhook")
    assert (code, out) == (0, "no log entries\n")


def test_json_is_one_document(env, capsys):
    (run_id,) = env.add_logs(1)
    code, out, _ = run(capsys, "logs", "--json")
    (entry,) = json.loads(out)
    assert code == 0
    assert (entry["execution_id"], entry["status"], entry["level"]) == (run_id, "completed", "info")


@pytest.mark.parametrize(
    "argv",
    [
        ["logs", "--since", "yesterday"],
        ["logs", "--since", "2026-08-06T00:00:00"],
        ["logs", "--level", "warn"],
        ["logs", "--limit", "0"],
    ],
)
def test_usage_errors_are_one_line(env, capsys, argv):
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert err.startswith("simstudio logs: error: argument")
    assert len(err.strip().splitlines()) == 1


def test_relative_and_absolute_moments():
    before = time.time()
    assert abs(moment("1h").timestamp() - (before - 3600)) < 5
    assert abs(moment("1.5d").timestamp() - (before - 129600)) < 5
    assert moment("2026-08-06T00:00:00Z").timestamp() == 1785974400.0
    assert moment("2026-08-06T02:00:00+02:00").timestamp() == 1785974400.0


def test_another_workspace_is_exit_3_and_says_why(env, capsys):
    code, _, err = run(capsys, "logs", "--workspace", env.other_workspace_id)
    assert code == 3
    assert "belongs to another workspace" in err

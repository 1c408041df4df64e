"""Usage errors: exit code 2, one line on stderr, nothing sent, whoever noticed the mistake."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from simstudio.cli import main


@pytest.fixture
def env(monkeypatch, sim_server):
    monkeypatch.setenv("SIM_API_KEY", sim_server.api_key)
    monkeypatch.setenv("SIM_BASE_URL", sim_server.base_url)
    return sim_server


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        # Refused by the SDK (InvalidArgumentError) before anything is sent.
        (["run", ""], "workflow_id must not be empty"),
        (["run", ".."], "workflow_id must not be '..'"),
        (["status", ""], "workflow_id must not be empty"),
        (["job", ""], "task_id must not be empty"),
        (["run", "echo", "-o", ""], "selected_outputs"),
        (["run", "echo", "--input", '{"a": NaN}'], "not JSON serialisable"),
        (["run", "echo", "--wait", "--input", "[Infinity]"], "not JSON serialisable"),
        # Refused by the CLI itself.
        (["run", "echo", "--input", "{not json"], "--input is not valid JSON"),
        (["run", "echo", "--input-file", "-", "--api-key-stdin"], "cannot both read"),
        (["run", "agent", "--stream", "--wait"], "--stream cannot be combined"),
        # Refused while parsing.
        (["run", "echo", "--timeout", "0"], "argument --timeout: '0' must be greater than 0"),
        (["run", "echo", "--timeout", "-1"], "must be greater than 0"),
        (["run", "echo", "--timeout", "inf"], "argument --timeout: 'inf' is not a finite number"),
        (["usage", "--timeout", "nan"], "'nan' is not a finite number"),
        (["status", "echo", "--timeout", "1e300"], "is more than 604800 (7 days)"),
        (["job", "t", "--wait-timeout", "soon"], "argument --wait-timeout: 'soon' is not a number"),
        (["run", "echo", "--poll-interval", "0"], "argument --poll-interval"),
        (["serve", "--port", "70000"], "argument --port: '70000' is not a port number (0-65535)"),
        (["serve", "--port", "http"], "argument --port: 'http' is not a whole number"),
        (["demo", "--chunk-delay", "-0.1"], "argument --chunk-delay: '-0.1' must not be negative"),
        (["run", "echo", "--no-such-flag"], "unrecognized arguments: --no-such-flag"),
        (["run"], "the following arguments are required: WORKFLOW_ID"),
    ],
)
def test_local_mistakes_exit_2_with_one_line(capsys, env, argv, message):
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1, err
    assert err.startswith(f"simstudio {argv[0]}: error: ")
    assert message in err
    assert [r for r in env.requests if r.path.startswith("/api/workflows")] == []


def test_an_sdk_argument_error_with_json_is_a_document_too(capsys, env):
    code = main(["run", "", "--json"])
    out, err = capsys.readouterr()
    assert code == 2
    assert err == "simstudio run: error: workflow_id must not be empty\n"
    assert json.loads(out)["error"] == {
        "type": "InvalidArgumentError",
        "message": "workflow_id must not be empty",
        "code": "INVALID_INPUT",
        "status": None,
        "request_id": None,
        "retry_after": None,
    }


@pytest.mark.parametrize(
    "argv",
    [
        ["run", "echo", "--timeout", "inf"],  # once a traceback from the socket layer
        ["serve", "--port", "99999"],  # once an OverflowError traceback from bind()
        ["run", ""],
    ],
)
def test_the_real_command_prints_no_traceback(argv):
    proc = subprocess.run(
        [sys.executable, "-m", "simstudio", *argv],
        capture_output=True,
        text=True,
        timeout=30,
        env=dict(os.environ, SIM_API_KEY="sk-sim-unused", SIM_BASE_URL="http://127.0.0.1:9"),
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert len(proc.stderr.splitlines()) == 1, proc.stderr
    assert proc.stderr.startswith(f"simstudio {argv[0]}: error: ")

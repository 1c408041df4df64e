"""The ``simstudio`` command: every subcommand, its output, ``--json`` shapes and exit codes."""

from __future__ import annotations

import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time

import pytest

import simstudio
from simstudio import SimStudioClient
from simstudio.cli import main

PYTHON = [sys.executable, "-m", "simstudio"]


@pytest.fixture
def env(monkeypatch, sim_server):
    """Point the CLI at ``sim_server`` through the environment, like a user would."""
    monkeypatch.setenv("SIM_API_KEY", sim_server.api_key)
    monkeypatch.setenv("SIM_BASE_URL", sim_server.base_url)
    return sim_server


def run_cli(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def json_out(capsys, *argv):
    code, out, err = run_cli(capsys, *argv, "--json")
    return code, json.loads(out), err


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class TtyStringIO(io.StringIO):
    def isatty(self):
        return True


# ----------------------------------------------------------------------------- top level


def test_version(capsys):
    code, out, _ = run_cli(capsys, "--version")
    assert code == 0
    assert out.strip() == f"simstudio {simstudio.__version__}"


def test_help_documents_every_command_and_exit_code(capsys):
    code, out, _ = run_cli(capsys, "--help")
    assert code == 0
    for command in ("demo", "serve", "run", "status", "job", "usage"):
        assert re.search(rf"^\s+{command}\s", out, re.MULTILINE), command
    for exit_code in ("0", "1", "2", "3", "4", "130"):
        assert re.search(rf"^\s+{exit_code}\s+\S", out, re.MULTILINE), exit_code
    assert "SIM_API_KEY" in out
    assert "SIM_BASE_URL" in out


def test_subcommand_help_repeats_the_exit_codes(capsys):
    code, out, _ = run_cli(capsys, "run", "--help")
    assert code == 0
    assert "--selected-output" in out
    assert "--api-key-stdin" in out
    assert "130  interrupted" in out


def test_serve_help_names_the_servers_default_port(capsys):
    from simstudio.testing.__main__ import DEFAULT_PORT

    code, out, _ = run_cli(capsys, "serve", "--help")
    assert code == 0
    assert f"default {DEFAULT_PORT};" in out


def test_no_command_is_a_usage_error(capsys):
    code, _, err = run_cli(capsys)
    assert code == 2
    assert "COMMAND" in err


def test_unknown_option_is_a_usage_error(capsys, env):
    code, _, err = run_cli(capsys, "run", "echo", "--no-such-flag")
    assert code == 2
    assert "--no-such-flag" in err


def test_run_and_status_have_no_api_key_flag(capsys, env):
    code, _, err = run_cli(capsys, "run", "echo", "--api-key", env.api_key)
    assert code == 2
    assert "unrecognized arguments" in err


# ----------------------------------------------------------------------------- run


def test_run_prints_the_output(capsys, env):
    code, out, err = run_cli(capsys, "run", "echo", "--input", '{"message": "hi", "n": 2}')
    assert code == 0
    assert json.loads(out) == {"input": {"message": "hi", "n": 2}}
    assert err == ""


def test_run_json_shape(capsys, env):
    code, doc, _ = json_out(capsys, "run", "echo", "--input", '{"a": [1, 2]}')
    assert code == 0
    assert doc["success"] is True
    assert doc["output"] == {"input": {"a": [1, 2]}}
    assert doc["error"] is None
    assert isinstance(doc["execution_id"], str)
    assert doc["http_status"] == 200
    assert "text" not in doc  # only streamed runs have text


def test_run_reads_input_from_a_file(capsys, env, tmp_path):
    path = tmp_path / "input.json"
    path.write_text('{"from": "file"}', encoding="utf-8")
    code, out, _ = run_cli(capsys, "run", "echo", "--input-file", str(path))
    assert code == 0
    assert json.loads(out) == {"input": {"from": "file"}}


def test_run_reads_input_from_stdin(capsys, env, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO('{"from": "stdin"}'))
    code, out, _ = run_cli(capsys, "run", "echo", "--input-file", "-")
    assert code == 0
    assert json.loads(out) == {"input": {"from": "stdin"}}


def test_run_string_output_is_printed_as_text(capsys, env):
    env.add_workflow("hello", lambda workflow_input: "plain text answer")
    code, out, _ = run_cli(capsys, "run", "hello")
    assert code == 0
    assert out == "plain text answer\n"


def test_failing_workflow_exits_1(capsys, env):
    code, out, err = run_cli(capsys, "run", "failing")
    assert code == 1
    assert out == ""
    assert "workflow failed: Agent 1: simulated upstream failure" in err


def test_failing_workflow_json(capsys, env):
    code, doc, _ = json_out(capsys, "run", "failing")
    assert code == 1
    assert doc["success"] is False
    assert doc["error"] == "Agent 1: simulated upstream failure"


@pytest.mark.parametrize("sim_server", ["2025"], indirect=True)
def test_failing_workflow_exits_1_on_2025_servers(capsys, env):
    code, _, err = run_cli(capsys, "run", "failing")  # HTTP 200 with success false
    assert code == 1
    assert "simulated upstream failure" in err


def test_run_stream_prints_text_as_it_arrives(capsys, env):
    code, out, err = run_cli(
        capsys,
        "run",
        "agent",
        "--stream",
        "-o",
        "agent1.content",
        "--input",
        '{"message": "one two three"}',
    )
    assert code == 0
    assert out == "one two three\n"
    assert err == ""


def test_run_stream_json_has_the_text_and_result(capsys, env):
    code, doc, _ = json_out(
        capsys, "run", "agent", "--stream", "--selected-output", "agent1.content"
    )
    assert code == 0
    assert doc["success"] is True
    assert doc["text"] == "Hello from the local Sim server."


def test_run_stream_without_selected_outputs_warns_and_prints_the_result(capsys, env):
    code, out, err = run_cli(capsys, "run", "echo", "--stream", "--input", '{"x": 1}')
    assert code == 0
    assert "without --selected-output" in err
    assert '"x": 1' in out


def test_run_stream_of_a_failing_workflow_exits_1(capsys, env):
    code, _, err = run_cli(capsys, "run", "failing", "--stream", "-o", "agent1.content")
    assert code == 1
    assert "simulated upstream failure" in err


@pytest.mark.parametrize("sim_server", ["2026", "2025"], indirect=True)
def test_run_async_then_job_wait(capsys, env):
    code, doc, _ = json_out(capsys, "run", "slow", "--async", "--input", '{"seconds": 0.05}')
    assert code == 0
    assert doc["success"] is True
    assert doc["status"] == "queued"
    task_id = doc["task_id"]
    assert task_id in doc["status_url"]

    code, out, _ = run_cli(capsys, "job", task_id, "--wait", "--poll-interval", "0.02")
    assert code == 0
    assert out.splitlines()[0] == f"job {task_id}: completed"
    assert json.loads("\n".join(out.splitlines()[1:])) == {
        "waitDuration": 50,
        "status": "completed",
    }


def test_run_async_human_output_says_how_to_follow(capsys, env):
    code, out, _ = run_cli(capsys, "run", "slow", "--async", "--input", '{"seconds": 0.01}')
    assert code == 0
    task_id = re.search(r"^queued job (\S+)$", out, re.MULTILINE).group(1)
    assert f"simstudio job {task_id} --wait" in out
    assert f"{env.base_url}/api/jobs/{task_id}" in out


def test_run_wait_prints_the_result(capsys, env):
    code, out, _ = run_cli(
        capsys, "run", "slow", "--wait", "--poll-interval", "0.02", "--input", '{"seconds": 0.02}'
    )
    assert code == 0
    assert json.loads(out) == {"waitDuration": 20, "status": "completed"}


def test_run_wait_on_a_failing_job_exits_1(capsys, env):
    code, doc, err = json_out(capsys, "run", "failing", "--wait", "--poll-interval", "0.02")
    assert code == 1
    assert doc["success"] is False
    assert doc["status"] == "failed"
    assert "simulated upstream failure" in doc["error"]
    assert "workflow failed" in err


def test_wait_shows_progress_on_a_terminal(capsys, env, monkeypatch):
    fake = TtyStringIO()
    monkeypatch.setattr(sys, "stderr", fake)
    code = main(["run", "slow", "--wait", "--poll-interval", "0.02", "--input", '{"seconds": 0.1}'])
    assert code == 0
    assert "waiting for job workflow-execution:" in fake.getvalue()
    assert fake.getvalue().endswith("\r")  # the indicator line is cleared at the end


def test_wait_shows_no_progress_when_stderr_is_not_a_terminal(capsys, env):
    code, _, err = run_cli(
        capsys, "run", "slow", "--wait", "--poll-interval", "0.02", "--input", '{"seconds": 0.1}'
    )
    assert code == 0
    # Only the queued job's id (printed before waiting), no progress line.
    assert re.fullmatch(r"queued job \S+; waiting for it \(Ctrl-C stops [^\n]*\)\n", err)
    assert "\r" not in err


# ----------------------------------------------------------------------------- job


def test_job_without_wait_reports_the_current_state(capsys, env):
    with SimStudioClient() as client:
        queued = client.execute_workflow("slow", {"seconds": 5}, async_execution=True)
    code, doc, _ = json_out(capsys, "job", queued.task_id)
    assert code == 0
    assert doc["status"] in ("queued", "processing")
    assert doc["taskId"] == queued.task_id


def test_failed_job_exits_1(capsys, env):
    with SimStudioClient() as client:
        queued = client.execute_workflow("failing", async_execution=True)
    code, out, err = run_cli(capsys, "job", queued.task_id, "--wait", "--poll-interval", "0.02")
    assert code == 1
    assert out.startswith(f"job {queued.task_id}: failed")
    assert "simulated upstream failure" in err


def test_completed_job_whose_run_failed_exits_1(capsys, env, monkeypatch):
    job = {
        "success": True,
        "taskId": "t1",
        "status": "completed",
        "metadata": {},
        "output": {"success": False, "error": "boom", "output": {}, "executionId": "e1"},
    }
    monkeypatch.setattr(SimStudioClient, "get_job_status", lambda self, task_id: dict(job))
    code, out, err = run_cli(capsys, "job", "t1")
    assert code == 1
    assert out == "job t1: completed\n"
    assert "workflow failed: boom" in err
    code, doc, _ = json_out(capsys, "job", "t1")
    assert code == 1
    assert doc["output"]["error"] == "boom"


def test_unknown_job_is_an_api_error(capsys, env):
    code, out, err = run_cli(capsys, "job", "no-such-task")
    assert code == 3
    assert out == ""
    assert re.search(r"^error: .*Task not found.* \(code TASK_NOT_FOUND, HTTP 404\)$", err, re.M)


# ----------------------------------------------------------------------------- status, usage


def test_status(capsys, env):
    code, out, _ = run_cli(capsys, "status", "echo")
    assert code == 0
    assert re.fullmatch(r"echo: deployed \(since \d{4}-\d\d-\d\dT.*\)\n", out)


def test_status_json_of_an_undeployed_workflow(capsys, env):
    code, doc, _ = json_out(capsys, "status", "undeployed")
    assert code == 0
    assert doc == {
        "workflow_id": "undeployed",
        "is_deployed": False,
        "deployed_at": None,
        "needs_redeployment": False,
    }


def test_usage(capsys, env):
    code, out, _ = run_cli(capsys, "usage")
    assert code == 0
    assert "plan: free" in out
    assert re.search(r"^  sync\s+limit \d+\s+remaining \d+", out, re.MULTILINE)
    assert re.search(r"^  async\s+limit \d+", out, re.MULTILINE)


@pytest.mark.parametrize("sim_server", ["2026", "2025"], indirect=True)
def test_usage_json(capsys, env):
    code, doc, _ = json_out(capsys, "usage")
    assert code == 0
    assert doc["success"] is True
    assert isinstance(doc["rate_limit"]["sync"]["limit"], int)
    assert doc["usage"]["plan"] == "free"


# ----------------------------------------------------------------------------- failures


def test_bad_key_exits_3_without_echoing_the_key(capsys, env, monkeypatch):
    monkeypatch.setenv("SIM_API_KEY", "sk-sim-wrong-key-123")
    code, out, err = run_cli(capsys, "run", "echo")
    assert code == 3
    assert out == ""
    assert re.search(r"^error: .*\(code UNAUTHORIZED, HTTP 401\)$", err, re.MULTILINE)
    assert "sk-sim-wrong-key-123" not in err


def test_bad_key_json_error_document(capsys, env, monkeypatch):
    monkeypatch.setenv("SIM_API_KEY", "sk-sim-wrong-key-123")
    code, doc, _ = json_out(capsys, "status", "echo")
    assert code == 3
    assert doc["error"]["type"] == "AuthenticationError"
    assert doc["error"]["code"] == "UNAUTHORIZED"
    assert doc["error"]["status"] == 401


@pytest.mark.parametrize(
    ("argv", "exit_code", "message"),
    [
        pytest.param(("run", "no-such-workflow"), 3, "HTTP 404", id="unknown_workflow_exits_3"),
        pytest.param(
            ("run", "slow", "--input", '{"seconds": 5}', "--timeout", "0.2"),
            4,
            "(code TIMEOUT)",
            id="timeout_exits_4",
        ),
        pytest.param(
            ("run", "echo", "--input", "{not json"),
            2,
            "simstudio run: error: --input is not valid JSON",
            id="bad_json_input_exits_2",
        ),
        pytest.param(
            ("run", "echo", "--input", "{}", "--input-file", "x.json"),
            2,
            "not allowed with",
            id="input_and_input_file_are_exclusive",
        ),
        pytest.param(
            ("run", "agent", "--stream", "--async"),
            2,
            "--stream cannot be combined",
            id="stream_and_async_are_exclusive",
        ),
        pytest.param(
            ("usage", "--base-url", "ftp://example.com"),
            2,
            "http://",
            id="invalid_base_url_exits_2",
        ),
    ],
)
def test_failure_exit_code_and_message(capsys, env, argv, exit_code, message):
    code, out, err = run_cli(capsys, *argv)
    assert code == exit_code
    assert out == ""
    assert message in err


def test_unreachable_server_exits_4(capsys, env, monkeypatch):
    monkeypatch.setenv("SIM_BASE_URL", f"http://127.0.0.1:{free_port()}")
    code, out, err = run_cli(capsys, "run", "echo")  # executes are never retried implicitly
    assert code == 4
    assert out == ""
    assert "(code CONNECTION_ERROR)" in err


def test_base_url_flag_wins_over_the_environment(capsys, env, monkeypatch):
    monkeypatch.setenv("SIM_BASE_URL", f"http://127.0.0.1:{free_port()}")
    code, out, _ = run_cli(capsys, "status", "echo", "--base-url", env.base_url)
    assert code == 0
    assert out.startswith("echo: deployed")


def test_missing_input_file_exits_2(capsys, env, tmp_path):
    code, _, err = run_cli(capsys, "run", "echo", "--input-file", str(tmp_path / "missing.json"))
    assert code == 2
    assert "--input-file" in err


def test_no_api_key_exits_2(capsys, env, monkeypatch):
    monkeypatch.delenv("SIM_API_KEY")
    code, _, err = run_cli(capsys, "usage")
    assert code == 2
    assert "set SIM_API_KEY" in err


def test_api_key_from_stdin(capsys, env, monkeypatch):
    monkeypatch.delenv("SIM_API_KEY")
    monkeypatch.setattr(sys, "stdin", io.StringIO(env.api_key + "\n"))
    code, out, _ = run_cli(capsys, "status", "echo", "--api-key-stdin")
    assert code == 0
    assert out.startswith("echo: deployed")


def test_empty_stdin_key_exits_2(capsys, env, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    code, _, err = run_cli(capsys, "usage", "--api-key-stdin")
    assert code == 2
    assert "--api-key-stdin" in err


def test_ctrl_c_exits_130(capsys, env, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(SimStudioClient, "get_usage_limits", interrupted)
    code, _, err = run_cli(capsys, "usage")
    assert code == 130
    assert "interrupted" in err


# ----------------------------------------------------------------------------- demo, serve


def test_demo_in_process(capsys, monkeypatch):
    monkeypatch.delenv("SIM_API_KEY", raising=False)
    monkeypatch.delenv("SIM_BASE_URL", raising=False)
    code, out, _ = run_cli(capsys, "demo", "--chunk-delay", "0", "--message", "alpha beta gamma")
    assert code == 0
    assert "\nalpha beta gamma\n" in out
    assert "Final result: success=True" in out
    assert "Server stopped." in out


def test_demo_subprocess_streams_visibly_and_exits_quickly():
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIM_")}
    started = time.monotonic()
    proc = subprocess.Popen([*PYTHON, "demo"], stdout=subprocess.PIPE, env=env)
    seen = b""
    first_word_at = final_at = None
    try:
        while True:
            data = os.read(proc.stdout.fileno(), 4096)
            if not data:
                break
            seen += data
            now = time.monotonic()
            if first_word_at is None and b"Hello!" in seen:
                first_word_at = now
            if final_at is None and b"Final result" in seen:
                final_at = now
        code = proc.wait(timeout=10)
    finally:
        proc.kill()
        proc.stdout.close()
    assert code == 0
    assert time.monotonic() - started < 10
    text = seen.decode()
    assert "Final result: success=True" in text
    assert "the way a deployed agent streams its reply." in text
    # Words arrived over time, not in one block at the end.
    assert first_word_at is not None
    assert final_at is not None
    assert final_at - first_word_at > 0.5


def test_serve_port_in_use_exits_4(capsys):
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        port = blocker.getsockname()[1]
        code, _, err = run_cli(capsys, "serve", "--port", str(port))
    assert code == 4
    assert f"cannot listen on 127.0.0.1:{port}" in err


def test_serve_ctrl_c_outside_serve_forever_still_stops_cleanly(capsys, monkeypatch):
    from simstudio.testing import LocalSimServer

    stopped = []
    real_stop = LocalSimServer.stop

    def interrupted(self):  # Ctrl-C lands just as serving starts, outside serve_forever's guard
        raise KeyboardInterrupt

    def stop(self, timeout=5.0):
        stopped.append(self)
        real_stop(self, timeout)

    monkeypatch.setattr(LocalSimServer, "serve_forever", interrupted)
    monkeypatch.setattr(LocalSimServer, "stop", stop)
    previous = signal.getsignal(signal.SIGTERM)
    code, out, _ = run_cli(capsys, "serve", "--port", "0")
    assert code == 0
    assert "export SIM_BASE_URL=" in out
    assert out.endswith("Server stopped.\n")
    assert len(stopped) == 1
    assert stopped[0].open_connections == 0
    assert signal.getsignal(signal.SIGTERM) is previous  # the handler is restored


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_serve_prints_env_lines_and_stops_cleanly(signum):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIM_")}
    proc = subprocess.Popen(
        [*PYTHON, "serve", "--port", "0", "--api-key", "sk-sim-cli-test"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        lines = []
        while not (lines and lines[-1].startswith("export ")):
            line = proc.stdout.readline()
            assert line, f"serve ended early: {lines} {proc.stderr.read()}"
            lines.append(line)
        match = re.fullmatch(
            r"export SIM_BASE_URL=(http://127\.0\.0\.1:\d+) SIM_API_KEY=sk-sim-cli-test\n",
            lines[-1],
        )
        assert match, lines
        assert any("API key: sk-sim-cli-test" in line for line in lines)
        with SimStudioClient(api_key="sk-sim-cli-test", base_url=match.group(1)) as client:
            assert client.execute_workflow("echo", {"ping": 1}).output == {"input": {"ping": 1}}
        proc.send_signal(signum)
        out, err = proc.communicate(timeout=10)
    finally:
        proc.kill()
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == 0, err
    assert "Server stopped." in out
    assert "Traceback" not in err


def test_json_output_of_nested_results_is_plain_data_without_raw():
    from simstudio import LogEntry
    from simstudio.cli._output import as_dict, dumps

    entry = LogEntry.from_wire(
        {
            "id": "l1",
            "executionId": "e1",
            "workflow": {"id": "wf", "name": "W"},
            "cost": {"total": 1},
        }
    )
    document = as_dict(entry)
    assert document["workflow"] == {
        "id": "wf", "name": "W", "description": None, "deleted": None,
        "workspace_id": None, "folder_path": None, "owner_email": None,
    }  # fmt: skip
    assert "raw" not in document
    assert "LogWorkflow(" not in dumps(document)

"""Ctrl-C while ``simstudio run --wait`` waits: the job id and how to follow it are on stderr."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys

import pytest

from simstudio import SimStudioClient
from simstudio.cli import main

QUEUED = re.compile(r"^queued job (\S+); waiting for it", re.MULTILINE)


@pytest.fixture
def env(monkeypatch, sim_server):
    monkeypatch.setenv("SIM_API_KEY", sim_server.api_key)
    monkeypatch.setenv("SIM_BASE_URL", sim_server.base_url)
    return sim_server


@pytest.fixture
def ctrl_c_while_waiting(monkeypatch, capsys):
    """Replace the wait by one poll's status, then Ctrl-C; records stderr as the wait began."""
    seen = {}

    def wait_for_job(self, task_id, *, timeout, poll_interval, on_status=None):
        seen["stderr_before_waiting"] = capsys.readouterr().err
        seen["task_id"] = task_id
        on_status({"status": "processing", "taskId": task_id})
        raise KeyboardInterrupt

    monkeypatch.setattr(SimStudioClient, "wait_for_job", wait_for_job)
    return seen


@pytest.mark.parametrize("flags", [["--wait"], ["--async", "--wait"], ["--wait", "--json"]])
def test_the_job_id_is_on_stderr_before_waiting_and_after_ctrl_c(
    capsys, env, ctrl_c_while_waiting, flags
):
    code = main(["run", "slow", *flags, "--input", '{"seconds": 30}'])
    captured = capsys.readouterr()
    task_id = ctrl_c_while_waiting["task_id"]
    assert code == 130
    assert QUEUED.match(ctrl_c_while_waiting["stderr_before_waiting"]).group(1) == task_id
    assert captured.err.splitlines() == [
        f"stopped waiting; job {task_id} was not cancelled. Follow it with:",
        f"  simstudio job {task_id} --wait",
        "interrupted",
    ]
    assert captured.out == ""


def test_the_follow_command_keeps_the_base_url(capsys, env, ctrl_c_while_waiting, monkeypatch):
    monkeypatch.delenv("SIM_BASE_URL")
    code = main(["run", "slow", "--wait", "--base-url", env.base_url])
    task_id = ctrl_c_while_waiting["task_id"]
    assert code == 130
    assert (
        f"  simstudio job {task_id} --wait --base-url {env.base_url}\n" in capsys.readouterr().err
    )


def test_job_wait_says_the_same_on_ctrl_c(capsys, env, ctrl_c_while_waiting):
    code = main(["job", "some-task", "--wait"])
    assert code == 130
    assert "  simstudio job some-task --wait\n" in capsys.readouterr().err


def test_a_network_error_while_waiting_also_says_how_to_follow(capsys, env, monkeypatch):
    from simstudio import APIConnectionError

    def wait_for_job(self, task_id, **kwargs):
        raise APIConnectionError("get_job_status('x'): could not connect to the server")

    monkeypatch.setattr(SimStudioClient, "wait_for_job", wait_for_job)
    code = main(["run", "slow", "--wait"])
    err = capsys.readouterr().err
    task_id = QUEUED.match(err).group(1)
    assert code == 4
    assert f"job {task_id} may still be running. Follow it with:" in err
    assert err.endswith("could not connect to the server (code CONNECTION_ERROR)\n")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_sigint_to_the_real_command(env):
    """The real thing: ``python -m simstudio run slow --wait``, SIGINT once the job is queued."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "simstudio", "run", "slow", "--wait", "--poll-interval", "0.05",
         "--input", '{"seconds": 30}'],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ, SIM_API_KEY=env.api_key, SIM_BASE_URL=env.base_url),
    )  # fmt: skip
    try:
        first = proc.stderr.readline()
        match = QUEUED.match(first)
        assert match, first
        task_id = match.group(1)
        proc.send_signal(signal.SIGINT)
        out, rest = proc.communicate(timeout=10)
    finally:
        proc.kill()
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == 130, rest
    assert out == ""
    assert "Traceback" not in rest
    assert f"  simstudio job {task_id} --wait\n" in rest
    assert rest.endswith("interrupted\n")
    with SimStudioClient(api_key=env.api_key, base_url=env.base_url) as client:
        assert client.get_job_status(task_id)["status"] in ("queued", "processing")  # not cancelled

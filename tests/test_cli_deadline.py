"""``--timeout``: one limit for the whole command, retries, polls and waiting included."""

from __future__ import annotations

import json
import re
import time

import pytest

from simstudio import RequestTimeoutError, ServiceUnavailableError
from simstudio.cli import main
from simstudio.cli._deadline import CommandTimeoutError, Deadline
from simstudio.testing import Fault


class FakeTime:
    def __init__(self):
        self.now = 100.0
        self.slept = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
def fake():
    return FakeTime()


def deadline(fake, limit):
    return Deadline(limit, clock=fake.clock, sleep=fake.sleep)


# ----------------------------------------------------------------------------- Deadline


def test_without_a_limit_everything_is_the_default(fake):
    unlimited = deadline(fake, None)
    fake.now += 10_000
    assert unlimited.remaining() is None
    assert unlimited.call_timeout(300.0) == 300.0
    assert unlimited.read_timeout(30.0) == 30.0
    assert unlimited.read_timeout(30.0, polling=True) == 30.0
    assert unlimited.wait_timeout(600.0) == (600.0, False)
    unlimited.sleep(5_000.0)
    assert fake.slept == [5_000.0]


def test_calls_made_once_get_the_time_left_in_milliseconds(fake):
    limit = deadline(fake, 10.0)
    fake.now += 2.5000004
    assert limit.call_timeout(300.0) == 7.5  # in hundredths
    assert limit.remaining() == pytest.approx(7.5)
    fake.now += 7.5
    with pytest.raises(CommandTimeoutError, match=r"^--timeout 10s reached: before the request"):
        limit.call_timeout(300.0)
    assert issubclass(CommandTimeoutError, RequestTimeoutError)  # exit code 4, code TIMEOUT
    assert limit.error("x").code == "TIMEOUT"


@pytest.mark.parametrize(
    ("limit", "polling", "expected"),
    [
        (10.0, False, 5.0),  # half: a retry still fits
        (100.0, False, 30.0),  # never more than without a limit
        (10.0, True, 1.0),  # a tenth per poll
        (600.0, True, 10.0),  # at most 10 s per poll
    ],
)
def test_reads_get_a_share_of_the_time_left(fake, limit, polling, expected):
    assert deadline(fake, limit).read_timeout(30.0, polling) == expected


def test_a_retry_or_poll_starts_only_if_it_can_finish_in_time(fake):
    limit = deadline(fake, 10.0)
    assert limit.read_timeout(30.0) == 5.0
    limit.sleep(4.0)  # ends at 4 s: a 5 s request still fits
    assert fake.slept == [4.0]
    with pytest.raises(CommandTimeoutError, match="no time for another request"):
        limit.sleep(1.5)  # ends at 5.5 s: a 5 s request would end at 10.5 s
    assert fake.slept == [4.0]  # it gave up at once instead of sleeping first


def test_a_refused_retry_names_the_error_it_would_have_retried(fake):
    limit = deadline(fake, 1.0)
    limit.read_timeout(30.0)
    try:
        raise ServiceUnavailableError("get_usage_limits() failed (HTTP 503)", status=503)
    except ServiceUnavailableError:
        with pytest.raises(CommandTimeoutError) as caught:
            limit.sleep(0.6)
    assert str(caught.value) == (
        "--timeout 1s reached: no time for another try after: get_usage_limits() failed (HTTP 503)"
    )


def test_a_wait_ends_with_room_for_its_last_poll(fake):
    limit = deadline(fake, 20.0)
    assert limit.read_timeout(30.0, polling=True) == 2.0
    seconds, limited = limit.wait_timeout(600.0)
    assert limited is True
    assert seconds == pytest.approx(20.0 - 2.0 - 0.05)
    assert limit.wait_timeout(5.0) == (5.0, False)  # --wait-timeout is the shorter one
    fake.now += 17.96
    with pytest.raises(CommandTimeoutError, match="no time left to wait"):
        limit.wait_timeout(600.0)


# ----------------------------------------------------------------------------- the commands


@pytest.fixture
def env(monkeypatch, sim_server):
    monkeypatch.setenv("SIM_API_KEY", sim_server.api_key)
    monkeypatch.setenv("SIM_BASE_URL", sim_server.base_url)
    return sim_server


def timed(*argv):
    started = time.monotonic()
    code = main(list(argv))
    return code, time.monotonic() - started


def usage_requests(server):
    return [r for r in server.requests if r.path.startswith("/api/users/me/usage-limits")]


def test_retries_happen_within_the_limit(capsys, env, monkeypatch):
    slept = []  # the backoff is recorded, not slept; the clock is real
    monkeypatch.setattr(
        "simstudio.cli._main.Deadline", lambda limit: Deadline(limit, sleep=slept.append)
    )
    env.inject(Fault(latency=0.05, status=503), path="/api/users/me/usage-limits")
    code, _ = timed("usage", "--timeout", "20")
    assert code == 3  # three 503s: the SDK's two retries fitted in 20 s
    assert len(usage_requests(env)) == 3
    assert len(slept) == 2
    assert "(code SERVICE_UNAVAILABLE, HTTP 503)" in capsys.readouterr().err


def test_a_retry_that_would_overrun_the_limit_is_not_started(capsys, env):
    env.inject(Fault(latency=0.3, status=503), path="/api/users/me/usage-limits")
    code, elapsed = timed("usage", "--timeout", "1")
    err = capsys.readouterr().err
    assert code == 4
    # 0.3 s answer + >= 0.375 s backoff + a 0.5 s attempt > 1 s: stopped after one request.
    assert len(usage_requests(env)) == 1
    assert elapsed < 1.0
    assert "--timeout 1s reached: no time for another try after:" in err
    assert "HTTP 503" in err


def test_a_silent_server_cannot_stretch_the_limit(capsys, env):
    # Without the limit: 3 attempts of 1 s plus backoff, over 4 s.
    env.inject(Fault(latency=5), path="/api/workflows/echo/status")
    code, elapsed = timed("status", "echo", "--timeout", "1")
    assert code == 4
    assert elapsed < 1.5
    assert "(code TIMEOUT)" in capsys.readouterr().err


def test_waiting_for_a_job_stops_at_the_limit(capsys, env):
    code, elapsed = timed(
        "run", "slow", "--wait", "--timeout", "1", "--poll-interval", "0.05",
        "--input", '{"seconds": 30}',
    )  # fmt: skip
    err = capsys.readouterr().err
    assert code == 4
    assert 0.5 < elapsed < 1.5
    task_id = err.split()[2].rstrip(";")
    assert f"--timeout 1s reached: job {task_id} had not finished (code TIMEOUT)" in err
    assert f"simstudio job {task_id} --wait" in err  # how to pick it up again


def test_a_shorter_wait_timeout_keeps_its_own_message(capsys, env):
    code, _ = timed(
        "run", "slow", "--wait", "--timeout", "30", "--wait-timeout", "0.3",
        "--poll-interval", "0.05", "--input", '{"seconds": 30}',
    )  # fmt: skip
    err = capsys.readouterr().err
    assert code == 4
    assert "still not finished after 0.3s" in err
    assert "--timeout" not in err.splitlines()[-1]


@pytest.mark.parametrize("mode", [[], ["--stream", "-o", "wait1.content"], ["--async"]])
def test_executes_stop_at_the_limit(capsys, env, mode):
    if mode == ["--async"]:
        env.inject(Fault(latency=5), path="/api/workflows/slow/execute")
    code, elapsed = timed("run", "slow", *mode, "--timeout", "0.5", "--input", '{"seconds": 5}')
    assert code == 4
    assert elapsed < 1.5
    # The time left in hundredths ("0.5s" or "0.49s"), not "0.499687s".
    assert re.search(r"within (its )?0\.\d\d?s", capsys.readouterr().err)


def test_the_limit_counts_from_the_start_of_the_command(capsys, env, monkeypatch, fake):
    """Time spent before sending (here: a slow pipe on stdin) comes out of --timeout."""

    class SlowStdin:
        def read(self):
            fake.now += 5.0
            return '{"a": 1}'

    monkeypatch.setattr(
        "simstudio.cli._main.Deadline",
        lambda limit: Deadline(limit, clock=fake.clock, sleep=fake.sleep),
    )
    monkeypatch.setattr("sys.stdin", SlowStdin())
    code = main(["run", "echo", "--input-file", "-", "--timeout", "2"])
    assert code == 4
    assert "--timeout 2s reached: before the request was sent" in capsys.readouterr().err
    assert env.requests == []
    code = main(["run", "echo", "--input-file", "-", "--timeout", "6"])
    assert code == 0
    assert json.loads(capsys.readouterr().out) == {"input": {"a": 1}}

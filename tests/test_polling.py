"""The one polling loop: quick first polls, backoff, Retry-After, a hard deadline."""

from __future__ import annotations

from typing import List, Optional, Tuple

import pytest

from simstudio import (
    AuthenticationError,
    InvalidArgumentError,
    RateLimitError,
    RequestTimeoutError,
    ServerError,
)
from simstudio._polling import poll


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: List[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))
        self.now += seconds


def run(fetch, fake: FakeTime, **kwargs):
    options = {"timeout": 20.0, "poll_interval": 1.0, "max_poll_interval": 4.0}
    options.update(kwargs)
    return poll(
        fetch,
        lambda state: state == "done",
        what="wait",
        read_timeout=(10.0, 30.0),
        clock=fake.clock,
        sleep=fake.sleep,
        **options,
    )


def test_quick_first_polls_then_backoff_up_to_the_cap():
    fake = FakeTime()
    with pytest.raises(RequestTimeoutError, match="still not finished after 20s"):
        run(lambda timeouts: "running", fake)
    assert fake.sleeps[:10] == [0.05, 0.1, 0.2, 0.4, 0.8, 1.0, 1.5, 2.25, 3.375, 4.0]
    assert max(fake.sleeps) == 4.0
    assert sum(fake.sleeps) == pytest.approx(20.0)


def test_a_fast_job_is_seen_fast():
    fake = FakeTime()
    states = iter(["running", "done"])
    assert run(lambda timeouts: next(states), fake) == "done"
    assert fake.now == pytest.approx(0.05)


def test_each_poll_gets_only_the_time_left():
    fake = FakeTime()
    given: List[Tuple[float, float]] = []

    def fetch(timeouts: Tuple[float, float]) -> str:
        given.append(timeouts)
        fake.now += timeouts[1]  # a server that never answers: the poll uses all it may
        raise RequestTimeoutError("no answer")

    with pytest.raises(RequestTimeoutError, match=r"after 2s \(last poll: no answer\)"):
        run(fetch, fake, timeout=2.0)
    assert given == [(2.0, 2.0)]
    assert fake.now == pytest.approx(2.0)


def test_a_429_waits_its_retry_after_and_transient_errors_count_as_not_yet():
    fake = FakeTime()
    answers: List[Optional[BaseException]] = [
        RateLimitError("slow", status=429, retry_after=7.0),
        ServerError("bad gateway", status=502),
        None,
    ]

    def fetch(timeouts: Tuple[float, float]) -> str:
        error = answers.pop(0)
        if error is not None:
            raise error
        return "done"

    assert run(fetch, fake) == "done"
    assert fake.sleeps == [7.0, 0.1]


def test_other_errors_raise_at_once():
    fake = FakeTime()

    def fetch(timeouts: Tuple[float, float]) -> str:
        raise AuthenticationError("bad key", status=401)

    with pytest.raises(AuthenticationError):
        run(fetch, fake)
    assert fake.sleeps == []


def test_on_status_sees_every_state():
    fake = FakeTime()
    seen: List[str] = []
    states = iter(["queued", "running", "done"])
    poll(
        lambda timeouts: next(states),
        lambda state: state == "done",
        what="wait",
        timeout=5,
        poll_interval=1,
        max_poll_interval=1,
        read_timeout=(1, 1),
        clock=fake.clock,
        sleep=fake.sleep,
        on_status=seen.append,
    )
    assert seen == ["queued", "running", "done"]


@pytest.mark.parametrize(
    "kwargs",
    [{"timeout": 0}, {"poll_interval": -1}, {"max_poll_interval": 0.5}, {"timeout": True}],
)
def test_impossible_waits_are_refused(kwargs):
    with pytest.raises(InvalidArgumentError):
        run(lambda timeouts: "done", FakeTime(), **kwargs)

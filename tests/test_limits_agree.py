"""``get_rate_limit_info().limit`` and ``get_usage_limits()`` mean the same thing for the same
bucket (requests per minute), and the local server's usage figures are in one unit (US dollars).

Over real sockets, against the embedded server, on both wire eras and both API versions.
"""

from __future__ import annotations

from typing import Iterator

import pytest

from simstudio import SimStudioClient
from simstudio.testing import LocalSimServer, RateLimit

# One token every two seconds: nothing refills between the calls of a test, even on a slow machine.
LIMIT = RateLimit(per_minute=30, burst=2)


@pytest.fixture(params=["2026", "2025"])
def server(request: pytest.FixtureRequest) -> Iterator[LocalSimServer]:
    with LocalSimServer(wire_format=request.param, rate_limit=LIMIT, usage_budget=5) as srv:
        yield srv


@pytest.mark.parametrize("api_version", ["v1", "v2"])
def test_the_header_limit_is_the_usage_limit_of_the_same_bucket(server, api_version):
    with SimStudioClient(server.api_key, server.base_url, api_version=api_version) as client:
        client.execute_workflow("echo", {"n": 1})
        info = client.get_rate_limit_info()
        sync = client.get_usage_limits().rate_limit["sync"]
    assert info is not None
    assert info.limit == sync["limit"] == sync["requestsPerMinute"] == 30
    assert info.remaining == 1  # the burst of 2, one taken
    assert sync["remaining"] in (1, 2)  # (2 only if the machine stalled two seconds)
    if server.wire_format == "2026":
        assert sync["maxBurst"] == 2


def test_an_unlimited_server_says_999999_in_both_places():
    with LocalSimServer() as srv, SimStudioClient(srv.api_key, srv.base_url) as client:
        client.execute_workflow("echo")
        info = client.get_rate_limit_info()
        limits = client.get_usage_limits()
    assert info is not None
    assert info.limit == limits.rate_limit["sync"]["limit"] == 999999
    assert info.limit == limits.rate_limit["async"]["limit"]


def test_usage_figures_are_dollars_one_per_accepted_execution(server):
    with SimStudioClient(server.api_key, server.base_url, api_version="v1") as client:
        before = client.get_usage_limits().usage
        client.execute_workflow("echo", {"n": 1})
        client.execute_workflow("failing")  # a failed run was still accepted, and charged
        after = client.get_usage_limits().usage
    assert (before["currentPeriodCost"], before["limit"]) == (0, 5)
    assert (after["currentPeriodCost"], after["limit"]) == (2, 5)
    percent_used = after["currentPeriodCost"] / after["limit"] * 100  # the docs' arithmetic
    assert percent_used == 40.0


def test_a_runs_cost_adds_up_to_the_period_cost():
    with LocalSimServer() as srv, SimStudioClient(srv.api_key, srv.base_url) as client:
        first = client.execute_workflow("echo", execution_id="cost-1")
        client.execute_workflow("echo", execution_id="cost-2")
        costs = [
            client.get_execution("echo", run_id).cost["total"] for run_id in ("cost-1", "cost-2")
        ]
        period = client.get_usage_limits().usage["currentPeriodCost"]
    assert first.success
    assert sum(costs) == period == 2

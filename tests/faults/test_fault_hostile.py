"""Hostile ids and inputs: one path segment, never another endpoint; bad input never leaves."""

from __future__ import annotations

import datetime
import math
from typing import Any, Callable, Dict, List
from urllib.parse import unquote

import pytest
from fault_helpers import SECRET, Audit, assert_readable

from simstudio import (
    ConfigurationError,
    InvalidArgumentError,
    NotFoundError,
    SimStudioClient,
)
from simstudio.testing import LocalSimServer

MakeClient = Callable[..., SimStudioClient]

HOSTILE_IDS = [
    "../status",
    "../../users/me/usage-limits",
    "a/b",
    "x?y=1",
    "x#frag",
    "%2F",
    "..%2F..%2Fusers",
    "%2e%2e",
    "...",
    ".hidden",
    "ünïcødé-✓",
    "🚀",
    " spaced ",
    "a;b=c",
    "id\r\nX-Injected: 1",
    "\x00nul",
    "a" * 10240,
]


def _id_label(value: str) -> str:
    return repr(value[:24]) + (f"...({len(value)})" if len(value) > 24 else "")


def _segments(raw_path: str) -> List[str]:
    assert "?" not in raw_path
    assert "#" not in raw_path
    return [unquote(part) for part in raw_path.split("/") if part]


@pytest.mark.parametrize("hostile", HOSTILE_IDS, ids=_id_label)
def test_hostile_ids_stay_one_path_segment(
    hostile: str, server: LocalSimServer, make_client: MakeClient, audit: Audit
) -> None:
    client = make_client(server.base_url, max_retries=0)
    calls = [
        (client.get_workflow_status, "/api/workflows/{}/status"),
        (lambda wf: client.execute_workflow(wf, {"a": 1}), "/api/workflows/{}/execute"),
        (lambda wf: client.stream_workflow(wf, {"a": 1}), "/api/workflows/{}/execute"),
        (client.get_job_status, "/api/jobs/{}"),
    ]
    for call, template in calls:
        server.reset()
        error = audit.expect(NotFoundError, call, hostile)
        assert error.status == 404
        assert_readable(error, "HTTP 404")
        (request,) = server.requests
        expected = [part for part in template.split("/") if part]
        expected[expected.index("{}")] = hostile
        assert _segments(request.path) == expected
    assert server.executions() == 0


@pytest.mark.parametrize("dots", [".", ".."])
def test_dot_segment_ids_are_refused_before_sending(
    dots: str, server: LocalSimServer, make_client: MakeClient, audit: Audit
) -> None:
    client = make_client(server.base_url)
    error = audit.expect(InvalidArgumentError, client.execute_workflow, dots)
    assert error.code == "INVALID_INPUT"
    audit.expect(InvalidArgumentError, client.get_job_status, dots)
    audit.expect(InvalidArgumentError, client.get_workflow_status, "   ")
    audit.expect(InvalidArgumentError, client.get_workflow_status, 42)  # type: ignore[arg-type]
    assert server.requests == []


@pytest.mark.parametrize(
    "execution_id", ["../x", "a/b", "x" * 129, "id\r\nX-Evil: 1", "", "ünï"], ids=_id_label
)
def test_hostile_execution_ids_are_refused_before_sending(
    execution_id: str, server: LocalSimServer, make_client: MakeClient, audit: Audit
) -> None:
    client = make_client(server.base_url)
    error = audit.expect(
        InvalidArgumentError, client.execute_workflow, "echo", {}, execution_id=execution_id
    )
    assert error.code == "INVALID_INPUT"
    assert_readable(error, "execution_id")
    assert server.requests == []


def _circular() -> Dict[str, Any]:
    data: Dict[str, Any] = {"name": "loop"}
    data["self"] = data
    return data


def _deep(levels: int) -> Any:
    value: Any = "bottom"
    for _ in range(levels):
        value = [value]
    return {"deep": value}


class _Opaque:
    def __repr__(self) -> str:
        return "<opaque>"


BAD_INPUTS = {
    "object": {"a": _Opaque()},
    "set": {"a": {1, 2}},
    "bytes": {"a": b"raw"},
    "complex": {"a": 1 + 2j},
    "datetime": {"when": datetime.datetime(2026, 1, 1)},
    "int-key": {1: "one"},
    "circular": _circular(),
    "deep": _deep(50_000),
    "nan": {"x": math.nan},
    "inf": {"x": math.inf},
    "-inf": {"nested": [{"x": -math.inf}]},
    "bare-nan": math.nan,
    "control-key": {"stream": True},
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_unserialisable_inputs_fail_before_any_request(
    name: str, server: LocalSimServer, make_client: MakeClient, audit: Audit
) -> None:
    client = make_client(server.base_url)
    value = BAD_INPUTS[name]
    calls = [
        lambda: client.execute_workflow("echo", value),
        lambda: client.execute_workflow("echo", value, async_execution=True),
        lambda: client.stream_workflow("agent", value),
        lambda: client.execute_with_retry("echo", value),
        lambda: client.execute_workflow_sync("echo", value),
    ]
    for call in calls:
        error = audit.expect(InvalidArgumentError, call)
        assert error.code == "INVALID_INPUT"
        assert error.status is None
        assert_readable(error)
    assert server.requests == []


def test_oversized_input_fails_before_any_request(
    server: LocalSimServer, make_client: MakeClient, audit: Audit
) -> None:
    client = make_client(server.base_url)
    error = audit.expect(
        InvalidArgumentError, client.execute_workflow, "echo", {"blob": "x" * (11 << 20)}
    )
    assert error.code == "PAYLOAD_TOO_LARGE"
    assert server.requests == []


@pytest.mark.parametrize("suffix", ["\r\nX-Evil: 1", "\nX-Evil: 1", "\x00", " inner space", "é"])
def test_api_keys_that_could_inject_headers_are_refused_without_echo(
    suffix: str, server: LocalSimServer, make_client: MakeClient, audit: Audit
) -> None:
    error = audit.expect(ConfigurationError, make_client, server.base_url, api_key=SECRET + suffix)
    assert error.code == "CONFIGURATION_ERROR"
    client = make_client(server.base_url)
    audit.expect(ConfigurationError, client.set_api_key, SECRET + suffix)
    assert client.execute_workflow("echo", {"still": "works"}).success is True
    assert [r.headers["X-API-Key"] for r in server.requests] == [SECRET]

"""Day-two handles over real sockets: with_options views sharing one connection, per-call and
default headers (never the key), request ids and headers on every kind of result, the
User-Agent suffix, SIM_LOG in a fresh interpreter, and the docs page's examples."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Iterator

import pytest
import requests

from simstudio import (
    InvalidArgumentError,
    NotFoundError,
    SimStudioClient,
    Workspace,
)
from simstudio._config import USER_AGENT
from simstudio.testing import LocalSimServer

ROOT = Path(__file__).resolve().parent.parent
KEY = "sk-sim-OBSERVED-0123456789abcdef"
REQUEST_ID = re.compile(r"^[0-9a-f]{8}$")


@pytest.fixture
def server() -> Iterator[LocalSimServer]:
    with LocalSimServer(api_key=KEY) as sim:
        yield sim


@pytest.fixture
def client(server: LocalSimServer) -> Iterator[SimStudioClient]:
    with SimStudioClient(KEY, server.base_url) as sim_client:
        yield sim_client


# ----------------------------------------------------------------------------- with_options


def test_with_options_views_share_one_tcp_connection(server, client):
    view = client.with_options(timeout=(2, 5), max_retries=0, headers={"X-View": "fast"})
    server.reset()
    for number in range(3):
        assert client.execute_workflow("echo", {"n": number}).success
        assert view.execute_workflow("echo", {"n": number}).success
        assert view.get_workflow_status("echo").is_deployed
    assert server.connections_opened == 1
    assert [r.headers.get("X-View") for r in server.requests] == [None, "fast", "fast"] * 3


def test_closing_a_view_keeps_the_shared_pool(server, client):
    view = client.with_options(timeout=5)
    server.reset()
    view.get_workflow_status("echo")
    view.close()
    client.get_workflow_status("echo")
    client.with_options(max_retries=1).get_workflow_status("echo")
    assert server.connections_opened == 1


# ----------------------------------------------------------------------------- headers


def test_extra_headers_reach_the_server_over_default_and_view_headers(server):
    with SimStudioClient(KEY, server.base_url, default_headers={"X-Team": "core", "X-A": "1"}) as c:
        view = c.with_options(headers={"X-A": "view", "X-B": "view"})
        view.execute_workflow("echo", {"x": 1}, extra_headers={"X-B": "call", "traceparent": "t"})
        c.workflows.status("echo", extra_headers={"X-C": "call"})
    first, second = server.requests
    assert (first.headers["X-Team"], first.headers["X-A"], first.headers["X-B"]) == (
        "core",
        "view",
        "call",
    )
    assert first.headers["traceparent"] == "t"
    assert (second.headers["X-A"], second.headers["X-C"], "X-B" in second.headers) == (
        "1",
        "call",
        False,
    )
    assert all(r.headers["X-API-Key"] == KEY for r in server.requests)


@pytest.mark.parametrize("name", ["X-API-Key", "x-api-key", "X-Api-Key "])
def test_no_header_option_can_drop_or_replace_the_key(server, client, name):
    with pytest.raises(InvalidArgumentError):
        client.execute_workflow("echo", extra_headers={name: "sk-other"})
    with pytest.raises(InvalidArgumentError):
        client.workflows.status("echo", extra_headers={name: ""})
    with pytest.raises(InvalidArgumentError):
        client.with_options(headers={name: "sk-other"})
    with pytest.raises(InvalidArgumentError):
        SimStudioClient(KEY, server.base_url, default_headers={name: "sk-other"})
    assert server.requests == []


def test_a_session_header_cannot_replace_the_key(server):
    session = requests.Session()
    session.headers["X-API-Key"] = "sk-sim-from-the-session"
    with SimStudioClient(KEY, server.base_url, session=session) as c:
        assert c.get_workflow_status("echo").is_deployed
    assert server.requests[0].headers["X-API-Key"] == KEY
    session.close()


def test_app_info_is_appended_to_the_user_agent(server):
    with SimStudioClient(KEY, server.base_url, app_info=("billing-sync", "1.4.2")) as c:
        c.execute_workflow("echo")
        c.with_options(timeout=3).get_usage_limits()
    agents = {r.headers["User-Agent"] for r in server.requests}
    assert agents == {f"{USER_AGENT} billing-sync/1.4.2"}


def test_without_app_info_the_user_agent_is_the_sdks(server, client):
    client.get_workflow_status("echo")
    assert server.requests[0].headers["User-Agent"] == USER_AGENT


# ----------------------------------------------------------------------------- request ids


def _assert_knows_its_answer(value, seen):
    assert REQUEST_ID.match(value.request_id), value.request_id
    assert value.headers["X-REQUEST-ID"] == value.request_id  # case-insensitive
    assert value.headers["content-type"].startswith("application/json")
    with pytest.raises(TypeError):
        value.headers["x-request-id"] = "changed"  # read-only
    assert value.request_id not in seen  # one id per answer
    seen.add(value.request_id)


def test_sync_async_and_job_results_carry_request_id_and_headers(client):
    seen = set()
    result = client.execute_workflow("echo", {"m": 1})
    queued = client.execute_workflow("echo", {"m": 2}, async_execution=True)
    job = client.get_job_status(queued.task_id)
    status = client.get_workflow_status("echo")
    for value in (result, queued, job, status):
        _assert_knows_its_answer(value, seen)
    assert "x-ratelimit-limit" in result.headers


def test_errors_carry_the_request_id(client):
    with pytest.raises(NotFoundError) as caught:
        client.get_workflow_status("no-such-workflow")
    assert REQUEST_ID.match(caught.value.request_id)


def test_a_stream_has_its_response_headers(client):
    outputs = ["agent1.content"]
    with client.stream_workflow("agent", {"message": "a b"}, selected_outputs=outputs) as s:
        text = "".join(s.iter_text())
    assert text == "a b"
    assert REQUEST_ID.match(s.headers["X-Request-Id"])
    assert s.headers["content-type"].startswith("text/event-stream")


def test_a_stream_has_its_request_id(client):
    outputs = ["agent1.content"]
    with client.stream_workflow("agent", {"message": "a"}, selected_outputs=outputs) as s:
        "".join(s.iter_text())
    assert s.request_id == s.headers["x-request-id"]


def test_each_list_page_and_its_items_carry_their_answer(server):
    # The personal key sees both of the local server's workspaces: two pages of one.
    with SimStudioClient(server.personal_key, server.base_url) as c:
        pages = list(c.workspaces.list(limit=1).pages())
    assert len(pages) == 2
    assert len({page.request_id for page in pages}) == 2
    for page in pages:
        (item,) = page.items
        assert isinstance(item, Workspace)
        assert item.request_id == page.request_id
        assert page.headers["Content-Type"] == "application/json"


# ----------------------------------------------------------------------------- SIM_LOG

_LOGGED_RUN = textwrap.dedent(
    """
    import logging
    from simstudio import SimStudioClient
    from simstudio.testing import LocalSimServer

    KEY = {key!r}
    with LocalSimServer(api_key=KEY) as server, SimStudioClient(KEY, server.base_url) as c:
        result = c.execute_workflow("echo", {{"note": "echo me: " + KEY}})
        print("REQUEST-ID", result.request_id)
        print("HANDLERS", [type(h).__name__ for h in logging.getLogger("simstudio").handlers],
              len(logging.getLogger().handlers))
    """
)


def _run_logged(sim_log):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIM_")}
    if sim_log is not None:
        env["SIM_LOG"] = sim_log
    proc = subprocess.run(
        [sys.executable, "-c", _LOGGED_RUN.format(key=KEY)],
        capture_output=True,
        text=True,
        env=env,
        timeout=30,
        check=True,
    )
    request_id = re.search(r"REQUEST-ID (\w+)", proc.stdout).group(1)
    return proc.stdout, proc.stderr, request_id


def test_sim_log_debug_logs_the_exchange_without_the_key():
    stdout, stderr, request_id = _run_logged("debug")
    line = re.search(
        r"^\d{4}-\d\d-\d\d [\d:,]+ INFO simstudio: POST /api/workflows/echo/execute -> 200 "
        r"in \d+\.\d ms \(request id (\w+)\)$",
        stderr,
        re.MULTILINE,
    )
    assert line is not None, stderr
    assert line.group(1) == request_id
    assert " DEBUG simstudio: request: POST /api/workflows/echo/execute headers={" in stderr
    assert "X-API-Key: [redacted]" in stderr
    assert '"note":"echo me: [redacted]"' in stderr  # request body, redacted
    assert "answer: 200 headers={" in stderr
    assert f"x-request-id: {request_id}" in stderr
    assert KEY not in stderr
    assert KEY[8:20] not in stderr
    assert "HANDLERS ['NullHandler', '_StderrHandler'] 0" in stdout  # none on the root logger


def test_sim_log_info_logs_requests_but_no_headers_or_bodies():
    _, stderr, request_id = _run_logged("INFO")
    assert "INFO simstudio: POST /api/workflows/echo/execute -> 200 in " in stderr
    assert f"(request id {request_id})" in stderr
    assert "DEBUG" not in stderr
    assert "echo me" not in stderr
    assert KEY not in stderr


def test_without_sim_log_the_sdk_is_silent():
    stdout, stderr, _ = _run_logged(None)
    assert stderr == ""
    assert "HANDLERS ['NullHandler'] 0" in stdout


# ----------------------------------------------------------------------------- the docs page


def _docs_blocks():
    text = (ROOT / "docs" / "observability.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```python\n(.*?)^```", text, re.MULTILINE | re.DOTALL)
    # The TLS and proxy recipes run in tests/test_tls_proxy.py; snippets are the example's.
    return [b for b in blocks if "sim.corp.example" not in b and "--8<--" not in b]


@pytest.mark.parametrize("index", range(len(_docs_blocks())))
def test_docs_page_examples_run(index, server, monkeypatch):
    monkeypatch.setenv("SIM_API_KEY", KEY)
    monkeypatch.setenv("SIM_BASE_URL", server.base_url)
    code = _docs_blocks()[index].replace('"workflow-id"', '"echo"')
    exec(compile(code, f"docs/observability.md python block {index}", "exec"), {})
    assert server.requests  # every block talks to the server
    assert all(r.headers["X-API-Key"] == KEY for r in server.requests)

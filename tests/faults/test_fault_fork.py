"""``os.fork()`` after first use (gunicorn ``--preload``): the child never shares pooled sockets."""

from __future__ import annotations

import json
import os
import signal
import time
import warnings
from typing import Any, Callable, Dict

import pytest
import requests
from fault_helpers import SECRET

from simstudio import SimStudioClient
from simstudio.testing import LocalSimServer

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="os.fork() is POSIX-only")

MakeClient = Callable[..., SimStudioClient]


def _in_child(call: Callable[[], Any]) -> Dict[str, Any]:
    """Fork, run ``call`` in the child, and return what it reported through a pipe."""
    read_end, write_end = os.pipe()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # 3.12+: fork with threads
        pid = os.fork()
    if pid == 0:  # the child: report, then leave without running any pytest teardown
        code = 1
        try:
            os.close(read_end)
            report = {"output": call()}
            code = 0
        except BaseException as error:
            report = {"error": repr(error)}
        finally:
            try:
                os.write(write_end, json.dumps(report).encode())
            finally:
                os._exit(code)
    os.close(write_end)
    deadline = time.monotonic() + 20
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            pytest.fail("the forked child hung")
        time.sleep(0.01)
    with os.fdopen(read_end, "rb") as pipe:
        report = json.loads(pipe.read() or b"{}")
    assert os.WIFEXITED(status), report
    assert os.WEXITSTATUS(status) == 0, report
    return report  # type: ignore[no-any-return]


@pytest.mark.parametrize("own_session", [True, False], ids=["own-session", "injected-session"])
def test_forked_child_opens_its_own_connection(
    own_session: bool, server: LocalSimServer, make_client: MakeClient
) -> None:
    session = None if own_session else requests.Session()
    client = make_client(server.base_url, session=session)
    assert client.execute_workflow("echo", {"who": "parent"}).success is True
    assert server.connections_opened == 1  # the parent now has a pooled keep-alive socket

    report = _in_child(lambda: client.execute_workflow("echo", {"who": "child"}).output)

    assert report == {"output": {"input": {"who": "child"}}}
    assert server.connections_opened == 2  # the child's request came on a new connection
    # The parent's pooled socket was not touched by the child: it is reused as it was.
    again = client.execute_workflow("echo", {"who": "parent again"})
    assert again.output == {"input": {"who": "parent again"}}
    assert server.connections_opened == 2
    assert [r.json for r in server.requests] == [
        {"who": "parent"},
        {"who": "child"},
        {"who": "parent again"},
    ]
    assert all(r.headers["X-API-Key"] == SECRET for r in server.requests)
    if session is not None:
        session.close()


def test_forked_child_can_stream(server: LocalSimServer, make_client: MakeClient) -> None:
    client = make_client(server.base_url)
    client.get_workflow_status("agent")

    def stream_in_child() -> str:
        with client.stream_workflow(
            "agent", {"message": "from the child"}, selected_outputs=["agent1.content"]
        ) as stream:
            return "".join(stream.iter_text())

    assert _in_child(stream_in_child) == {"output": "from the child"}
    assert server.connections_opened == 2
    assert server.executions("agent") == 1

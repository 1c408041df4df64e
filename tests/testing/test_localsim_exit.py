"""A server nobody stopped neither keeps the interpreter alive nor crashes it at exit."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import simstudio.testing

_FORGOTTEN_SERVER = textwrap.dedent(
    """
    import socket, time
    from simstudio.testing import Fault, LocalSimServer

    def waits(data, ctx):
        ctx.sleep(60)
        print("job ended:", ctx.abort_reason, flush=True)
        return {}

    server = LocalSimServer(job_delay=0).start()
    server.add_workflow("waits", waits)
    server.inject(Fault(stall_after_events=1), workflow_id="agent")

    def post(path, extra, body):
        sock = socket.create_connection(("127.0.0.1", server.port))
        sock.sendall(
            f"POST {path} HTTP/1.1\\r\\nHost: x\\r\\nX-API-Key: {server.api_key}\\r\\n{extra}"
            f"Content-Type: application/json\\r\\nContent-Length: {len(body)}\\r\\n\\r\\n{body}"
            .encode()
        )
        return sock

    job = post("/api/workflows/waits/execute", "X-Execution-Mode: async\\r\\n", "{}")
    stream = post("/api/workflows/agent/execute", "", '{"stream": true}')
    idle = socket.create_connection(("127.0.0.1", server.port))
    deadline = time.monotonic() + 5
    while (server.executions(), server.open_connections) != (2, 3):
        assert time.monotonic() < deadline, (server.executions(), server.open_connections)
        time.sleep(0.01)
    print("leaving without stop()", flush=True)
    """
)


def test_a_forgotten_server_is_stopped_at_exit_without_hanging() -> None:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", _FORGOTTEN_SERVER],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    # The job thread saw the server stop: the exit hook ran before the interpreter went away.
    assert done.stdout.splitlines() == ["leaving without stop()", "job ended: Server stopped"]
    assert time.monotonic() - started < 10


def test_the_server_uses_no_private_api_of_the_standard_library() -> None:
    package = Path(simstudio.testing.__file__).parent
    private = []
    for path in sorted(package.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        # simstudio.testing uses the standard library only: every plainly imported name is one.
        modules = {
            alias.asname or alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                module, attr = node.value.id, node.attr
            elif (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) in ("getattr", "hasattr")
                and len(node.args) >= 2
                and isinstance(node.args[0], ast.Name)
                and isinstance(node.args[1], ast.Constant)
            ):
                module, attr = node.args[0].id, str(node.args[1].value)
            else:
                continue
            if (
                module in modules
                and attr.startswith("_")
                and not (attr.startswith("__") and attr.endswith("__"))
            ):
                private.append(f"{path.name}: {module}.{attr}")
    assert private == []

"""Every script in ``examples/`` runs to completion against the embedded local server."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from _example_helpers import EXAMPLES

# Web apps with their own tests (tests/test_proxy_examples.py); they serve, they do not exit.
SERVERS = {"flask_proxy.py", "django_proxy.py"}

# What each example must print: proof that it did its job, not merely that it exited 0.
EXPECTED = {
    "quickstart.py": ["Workflow executed successfully: WorkflowExecutionResult(success=True"],
    "basic.py": ["Is deployed: True", "Output: {'input': {'message': 'Process this data'"],
    "error_handling.py": [
        "AuthenticationError: code=UNAUTHORIZED status=401",
        "NotFoundError: code=NOT_FOUND status=404",
        "success=False error='Agent 1: simulated upstream failure'",
    ],
    "context_manager.py": ["Result: WorkflowExecutionResult(success=True", "Client closed"],
    "batch.py": ["[4/4] item", "4/4 succeeded"],
    "async_polling.py": [
        "Task ID: workflow-execution:",
        "Workflow completed!",
        "wait_for_job -> True {'waitDuration': 200, 'status': 'completed'}",
        "execute_and_wait -> True {'waitDuration': 100, 'status': 'completed'}",
    ],
    "retry.py": [
        "RATE_LIMIT_EXCEEDED; retry 1/5",
        "Success: True {'input': {'message': 'Process this (2)'}}",
        "Limit: 60",
    ],
    "usage_monitoring.py": ["=== Rate Limits ===", "Limit: 999999", "Plan: free", "Usage: "],
    "streaming.py": ["One, two, three, four, five.\n", "Streamed again, as plain text.\n"],
    "file_upload.py": ["success: True", "uploaded report.csv (text/csv, 30 bytes)"],
    "environment_config.py": [
        "production: SimStudioClient(base_url='http://127.0.0.1:",
        "without a key: No API key",
        "with a session: True",
        "log: GET /api/workflows/echo/status -> 200",
    ],
    "exactly_once.py": [
        "execute_with_retry -> success=True",
        "runs on the server for order-",
        "second attempt refused: EXECUTION_ID_CONFLICT",
    ],
    "observability.py": [
        "error span: NOT_FOUND request_id=",
        "span sim.execute_workflow status=OK parent=",
        "span sim.execute_workflow status=ERROR parent=",
        "'exception.type': 'NotFoundError'",
        "metrics: POST /api/workflows/echo/execute 200 ",
        "metrics: POST /api/workflows/no-such-workflow/execute 404 ",
        "result request id: ",
        "server saw traceparent: True",
        "server saw X-Team: data-platform | User-Agent: simstudio-python/",
        " observability-example/1.0.0",
    ],
    "knowledge.py": [
        "tags: priority (number, number1), topic (text, tag1), lang (text, tag2)",
        "processed api-en.md: completed, 1 chunk(s)",
        "tag-only: 2 hit(s) (tag_only)\n"
        "  1.000  billing-en.md  [topic=billing, lang=en, priority=3]",
        "vector: 2 hit(s) (vector_only)\n  0.544  billing-en.md",
        "combined: 1 hit(s) (combined)\n"
        "  0.378  billing-de.md  [topic=billing, lang=de, priority=2]",
        "deleted 3 document(s)",
    ],
    "run_control.py": [
        "final output: {'waitDuration': 50, 'status': 'completed'}",
        "cancel -> success=True",
        ": cancelled",
        ": paused",
        "resumed -> completed: {'approved': True",
    ],
    "workflows_as_code.py": [
        "(deployed: False)\ndeployed version 1\nrun: {'greeting': 'Hello, Ada!'}",
        'diff: -            "value": "{\\"greeting\\": \\"Hello, <start.name>!\\"}"\n'
        'diff: +            "value": "{\\"greeting\\": \\"Howdy, <start.name>!\\"}"\n'
        "needs redeployment: True",
        "deployed version 2\nrun: {'greeting': 'Howdy, Ada!'}",
        "exported again: 4 changed lines, all timestamps: True",
        "  version 2 'howdy' (active)\n  version 1 'hello'\nrolled back to version 1\n"
        "after rollback: {'greeting': 'Hello, Ada!'}",
    ],
    "logs.py": [
        "Newest runs:",
        "  failed     failing",
        "252 entries in 3 pages",
        "26 failed runs in the last hour",
        "latest failure: {'error': 'Agent 1: simulated upstream failure'}",
        "its workflow had 2 blocks: Agent 1, Start",
    ],
    "workspaces.py": [
        "workspace ws-local: Local workspace (3 members)",
        "  reader@example.com     read   read only",
        "  user@simstudio.local   admin  may edit workflows, manages members",
        "another workspace: reason=workspace:",
    ],
    "mcp.py": [
        "(headers: ['Authorization'])",
        "duplicate URL refused: mcp.create() failed (HTTP 409)",
        "tools with a workspace key: reason=personal_key_required",
        "  tool echo(text): Echo the given text back",
        "status now: connected",
        "Enable it first: client.mcp.update(server_id, enabled=True)",
        "unreachable: retry after 5s",
        'its last error: Failed to connect to "dead": fetch failed',
        "servers left",
    ],
}


def example_scripts():
    return sorted(
        path.name
        for path in EXAMPLES.glob("*.py")
        if not path.name.startswith("_") and path.name not in SERVERS
    )


def test_every_example_has_expectations():
    assert example_scripts() == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_runs(name):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIM_")}
    env["PYTHONUNBUFFERED"] = "1"
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, str(EXAMPLES / name)],
        capture_output=True,
        text=True,
        env=env,
        timeout=30,
        check=False,
    )
    elapsed = time.monotonic() - started
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "using an embedded local Sim server" in proc.stderr
    output = proc.stdout + proc.stderr  # log lines go to stderr
    for expected in EXPECTED[name]:
        assert expected in output, f"{expected!r} missing from:\n{output}"
    assert elapsed < 10, f"{name} took {elapsed:.1f}s"

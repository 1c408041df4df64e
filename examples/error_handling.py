"""Error Handling (docs): every failure is a SimStudioError with a stable ``code``.

Shows a wrong API key (code UNAUTHORIZED), a missing workflow (NOT_FOUND) and a workflow that
runs and fails: that one is a *result* with ``success=False``, not an exception.

Run: python examples/error_handling.py  (SIM_WORKFLOW_ID, SIM_FAILING_WORKFLOW_ID).
"""

import os

import _local

from simstudio import (
    AuthenticationError,
    NotFoundError,
    SimStudioClient,
    SimStudioError,
)

_local.use_local_server_unless_configured()
WORKFLOW_ID = os.getenv("SIM_WORKFLOW_ID", "echo")
FAILING_WORKFLOW_ID = os.getenv("SIM_FAILING_WORKFLOW_ID", "failing")

client = SimStudioClient(api_key=os.getenv("SIM_API_KEY"))


def execute_with_error_handling(client, workflow_id):
    try:
        return client.execute_workflow(workflow_id)
    except SimStudioError as error:
        if error.code == "UNAUTHORIZED":
            print("Invalid API key")
        elif error.code == "TIMEOUT":
            print("Workflow execution timed out")
        elif error.code == "USAGE_LIMIT_EXCEEDED":
            print("Usage limit exceeded")
        elif error.code == "INVALID_JSON":
            print("Invalid JSON in request body")
        else:
            print(f"Workflow error: {error}")
        raise
    except Exception as error:
        print(f"Unexpected error: {error}")
        raise


print("1) A wrong API key:")
with SimStudioClient(api_key="sk-sim-not-a-real-key") as wrong_key_client:
    try:
        execute_with_error_handling(wrong_key_client, WORKFLOW_ID)
    except AuthenticationError as error:  # or: except SimStudioError, then check error.code
        print(f"   {type(error).__name__}: code={error.code} status={error.status}")
        print(f"   request id for support: {error.request_id}")

print("2) A workflow that does not exist:")
try:
    execute_with_error_handling(client, "no-such-workflow-id")
except NotFoundError as error:
    print(f"   {type(error).__name__}: code={error.code} status={error.status}")

print("3) A workflow that runs and fails:")
try:
    result = execute_with_error_handling(client, FAILING_WORKFLOW_ID)
    print(f"   success={result.success} error={result.error!r} (HTTP {result.http_status})")
except SimStudioError as error:
    print(f"   {FAILING_WORKFLOW_ID!r} could not run here: {error.code}")

client.close()

"""Async Workflow Execution (docs): queue a run, then follow it to the end.

First the docs' manual polling loop over ``get_job_status``, then the one-call forms:
``wait_for_job`` (backoff, a hard deadline, the output unwrapped) and ``execute_and_wait``.
Both server eras work: 2025 answers ``taskId``/``queued``, 2026 ``jobId``/``pending`` (shown
as ``queued``; the server's own word is kept in ``rawStatus``).

Run: python examples/async_polling.py  (SIM_WORKFLOW_ID; default the local "slow" workflow).
"""

import os
import time

import _local

from simstudio import SimStudioClient

_local.use_local_server_unless_configured()
WORKFLOW_ID = os.getenv("SIM_WORKFLOW_ID", "slow")
POLL_SECONDS = float(os.getenv("SIM_POLL_SECONDS", "0.2"))  # the docs wait 2 s

client = SimStudioClient(api_key=os.getenv("SIM_API_KEY"))


def execute_async():
    try:
        # Start async execution
        result = client.execute_workflow(
            WORKFLOW_ID,
            input_data={"data": "large dataset", "seconds": 0.3},
            async_execution=True,  # Execute asynchronously
        )

        # Check if result is an async execution
        if hasattr(result, "task_id"):
            print(f"Task ID: {result.task_id}")
            print(f"Status endpoint: {result.links['status']}")

            # Poll for completion
            status = client.get_job_status(result.task_id)

            while status["status"] in ["queued", "processing"]:
                print(f"Current status: {status['status']}")
                time.sleep(POLL_SECONDS)
                status = client.get_job_status(result.task_id)

            if status["status"] == "completed":
                print("Workflow completed!")
                print(f"Output: {status['output']}")
                # 2026 servers dropped the timing fields from job metadata.
                print(f"Duration: {status['metadata'].get('duration')}")
            else:
                print(f"Workflow failed: {status['error']}")

    except Exception as error:
        print(f"Error: {error}")
        raise


execute_async()

# The same in one call each: wait_for_job polls with backoff and a hard deadline.
queued = client.execute_workflow(WORKFLOW_ID, {"seconds": 0.2}, async_execution=True)
result = client.wait_for_job(
    queued.task_id,
    timeout=60,
    poll_interval=0.1,
    on_status=lambda job: print(f"  wait_for_job sees: {job['status']}"),
)
print("wait_for_job ->", result.success, result.output)

result = client.execute_and_wait(WORKFLOW_ID, {"seconds": 0.1}, timeout=60, poll_interval=0.1)
print("execute_and_wait ->", result.success, result.output)
client.close()

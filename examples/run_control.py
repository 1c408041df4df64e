"""Run control: look up and cancel a run by its execution id.

Every execute claims an execution id (``X-Execution-Id``; pass your own or get a UUID).
``get_execution`` reads the run's status, timing and output; ``cancel_execution`` stops a
queued, running or paused run (best-effort: ``reason`` says what happened). These endpoints
exist on servers since 2026.

A run that reaches a human-in-the-loop block pauses; ``get_paused_execution`` shows what it
asks and ``resume_execution`` answers it.

Run: python examples/run_control.py  (SIM_WORKFLOW_ID: a workflow that takes a while;
default the local "slow" workflow, which waits ``input.seconds``; SIM_PAUSED_WORKFLOW_ID: one
with a human-in-the-loop block, default the local "paused" workflow).
"""

import os
import time

import _local

from simstudio import SimStudioClient

_local.use_local_server_unless_configured()
WORKFLOW_ID = os.getenv("SIM_WORKFLOW_ID", "slow")
PAUSED_WORKFLOW_ID = os.getenv("SIM_PAUSED_WORKFLOW_ID", "paused")

with SimStudioClient(api_key=os.getenv("SIM_API_KEY")) as client:
    # A quick run, looked up afterwards by its id.
    result = client.execute_workflow(WORKFLOW_ID, {"seconds": 0.05})
    details = client.get_execution(WORKFLOW_ID, result.execution_id)
    print(f"run {details.execution_id}: {details.status}, {details.total_duration_ms} ms")
    print("  final output:", details.final_output)

    # A long run, queued, then cancelled.
    queued = client.execute_workflow(WORKFLOW_ID, {"seconds": 30}, async_execution=True)
    print(f"queued {queued.execution_id} (job {queued.task_id})")
    deadline = time.monotonic() + 10
    while client.get_execution(WORKFLOW_ID, queued.execution_id).status in ("queued", "pending"):
        if time.monotonic() > deadline:
            break
        time.sleep(0.05)
    cancel = client.cancel_execution(WORKFLOW_ID, queued.execution_id)
    print(f"cancel -> success={cancel.success} reason={cancel.reason}")

    final = client.wait_for_execution(WORKFLOW_ID, queued.execution_id, timeout=30)
    print(f"run {final.execution_id}: {final.status}")

    # A run paused for a human: see what it asks, then resume it with the answer.
    paused = client.execute_workflow(PAUSED_WORKFLOW_ID, {"message": "Ship release 1.0?"})
    print(f"run {paused.execution_id}: {paused.status}")
    waiting = client.get_paused_execution(PAUSED_WORKFLOW_ID, paused.execution_id)
    print("  it asks:", waiting.pause_points[0].get("response"))
    resumed = client.resume_execution(
        PAUSED_WORKFLOW_ID, waiting.execution_id, waiting.context_ids[0], {"approved": True}
    )
    print(f"resumed -> {resumed.status}: {resumed.output}")

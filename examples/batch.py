"""Batch Workflow Execution (docs), with ``execute_batch``.

The docs loop over the items one by one. ``execute_batch`` runs them concurrently, paced to
the account's rate limit (a 429 proves nothing ran, so rate-limited items are re-sent), and
records each item's failure on the item instead of raising.

Run: python examples/batch.py  (SIM_WORKFLOW_ID picks the workflow; default "echo").
"""

import os

import _local

from simstudio import BatchItem, SimStudioClient

_local.use_local_server_unless_configured()
WORKFLOW_ID = os.getenv("SIM_WORKFLOW_ID", "echo")

client = SimStudioClient(api_key=os.getenv("SIM_API_KEY"))


def execute_workflows_batch(workflow_data_pairs):
    """Execute multiple workflows with different input data."""
    # Validate each workflow once before execution
    ready = {wf: client.validate_workflow(wf) for wf in {wf for wf, _ in workflow_data_pairs}}
    for workflow_id, is_ready in ready.items():
        if not is_ready:
            print(f"Skipping {workflow_id}: not deployed")
    items = [BatchItem(wf, data) for wf, data in workflow_data_pairs if ready[wf]]

    def on_progress(item_result, done, total):
        state = "ok" if item_result.ok else "failed"
        print(f"  [{done}/{total}] item {item_result.index}: {state}")

    batch = client.execute_batch(items, max_workers=4, on_progress=on_progress)

    results = []
    for item_result in batch:  # in input order
        if item_result.error is not None:
            results.append(
                {
                    "workflow_id": item_result.item.workflow_id,
                    "success": False,
                    "error": f"{item_result.error.code}: {item_result.error}",
                }
            )
        else:
            results.append(
                {
                    "workflow_id": item_result.item.workflow_id,
                    "success": item_result.result.success,
                    "output": item_result.result.output,
                    "error": item_result.result.error,
                }
            )
    return results


# Example usage
workflows = [
    (WORKFLOW_ID, {"type": "analysis", "data": "sample1"}),
    (WORKFLOW_ID, {"type": "processing", "data": "sample2"}),
    (WORKFLOW_ID, {"type": "analysis", "data": "sample3"}),
    (WORKFLOW_ID, {"type": "processing", "data": "sample4"}),
]

results = execute_workflows_batch(workflows)
for result in results:
    print(f"Workflow {result['workflow_id']}: {'Success' if result['success'] else 'Failed'}")
print(f"{sum(r['success'] for r in results)}/{len(results)} succeeded")
client.close()

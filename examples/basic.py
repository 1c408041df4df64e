"""Basic Workflow Execution (docs): validate the workflow, execute it, handle the result.

Run: python examples/basic.py  (SIM_WORKFLOW_ID picks the workflow; default "echo").
"""

import os
import sys

import _local

from simstudio import SimStudioClient

_local.use_local_server_unless_configured()
WORKFLOW_ID = os.getenv("SIM_WORKFLOW_ID", "echo")

client = SimStudioClient(api_key=os.getenv("SIM_API_KEY"))


def run_workflow():
    try:
        # Check if workflow is ready
        status = client.get_workflow_status(WORKFLOW_ID)
        print("Is deployed:", status.is_deployed, "| deployed at:", status.deployed_at)
        is_ready = client.validate_workflow(WORKFLOW_ID)
        if not is_ready:
            raise Exception("Workflow is not deployed or ready")

        # Execute the workflow
        result = client.execute_workflow(
            WORKFLOW_ID, input_data={"message": "Process this data", "user_id": "12345"}
        )

        if result.success:
            print("Output:", result.output)
            print("Duration:", result.metadata.get("duration") if result.metadata else None)
            print("Execution id:", result.execution_id)
        else:
            print("Workflow failed:", result.error)
            return False
        return True
    except Exception as error:
        print("Error:", error)
        return False


if __name__ == "__main__":
    ok = run_workflow()
    client.close()
    sys.exit(0 if ok else 1)
